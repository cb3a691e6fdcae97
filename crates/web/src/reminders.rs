//! Reminders to log: the runner picks a time and days on Today; on those days, if nothing is
//! logged for the date by then (the runner's time zone), the hourly housekeeping task queues
//! one email through the outbox that links straight to Today. Reminders go off in one click:
//! the mail program's own "Unsubscribe" button (RFC 8058: the email's `List-Unsubscribe`
//! address with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, which the mail program
//! POSTs to), the link in the email's text (a page with one button, so a mail scanner opening
//! links turns nothing off: a GET never writes), or the switch on Today.
//!
//! **Our choices**: the link's token is signed with the server key for this purpose and this
//! runner's account (`ServerKey::link_token`, signed with the account's creation time so a
//! reused id does not inherit the link, and with the reminder's date so each email has its
//! own), so it
//! needs neither a session nor a CSRF token — it is the proof, and a changed, forged or other
//! runner's token is refused with a 404; links from before signed tokens (a random token kept
//! only as a hash) still work. At most one reminder per runner and local date (the store's
//! key); a reminder found after its day has ended (a long outage) is skipped, never sent late;
//! no reminder while the programme is on hold after a red flag (Today then has nothing to log);
//! each hourly pass handles at most [`PER_PASS`] due reminders, the earliest first, and the
//! rest on the next pass.

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::security::token_hash;
use crate::templates::{FormState, Page, render};
use crate::visitor::ServerKey;
use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use backstride_core::Role;
use backstride_core::tracking::reminders::{RawReminder, ReminderTime, WEEKDAYS};
use backstride_store::{
    Actor, NewEmail, ReminderOutcome, ReminderRecord, ReminderToSend, SaveReminder, Store,
    StoreError, User,
};

/// Most due reminders one hourly pass handles. **Our choice**: each costs a few small
/// statements; the rest wait for the next pass, earliest first.
pub const PER_PASS: i64 = 500;

/// The time offered before a runner has chosen one. **Our choice**: early evening, after
/// most people's working day and before the day is over.
pub const DEFAULT_TIME: &str = "18:00";

/// Where a reminder's "turn reminders off" links point, before the token.
const OFF_PATH: &str = "/reminders/off/";

/// What a reminder link's token is signed for: it turns one runner's reminders off, nothing else.
const OFF_PURPOSE: &str = "reminders-off";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/today/reminders", post(save))
        .route("/reminders/off/{token}", get(off_page).post(off))
}

/// Whether a request goes to a "turn reminders off" link, whose signed token stands in for
/// the CSRF token (a mail program's one-click POST carries no cookie and no form token).
pub fn is_one_click_off(path: &str) -> bool {
    path.starts_with(OFF_PATH)
}

/// What an off link is signed for: the action and the account it was sent to (its creation
/// time), so the link stays with that account even if its id is given to a later one (SQLite
/// can reuse the highest id after a deletion).
fn off_purpose(account_created_at: i64) -> String {
    format!("{OFF_PURPOSE}/{account_created_at}")
}

/// The token of `runner`'s "turn reminders off" link in the reminder for `local_date`.
fn off_token(key: &ServerKey, runner: &User, local_date: &str) -> String {
    key.link_token(&off_purpose(runner.created_at), runner.id, local_date)
}

/// The runner `token` (signed by [`off_token`]) names, if it was made for that account.
fn off_subject(key: &ServerKey, token: &str, account: &User) -> Option<i64> {
    key.link_subject(&off_purpose(account.created_at), token)
        .filter(|id| *id == account.id)
}

/// The reminder form on Today.
pub struct ReminderView {
    pub enabled: bool,
    /// "18:30 on weekdays" when on.
    pub summary: String,
    pub time: String,
    /// (form value, name, ticked).
    pub days: Vec<(&'static str, &'static str, bool)>,
}

impl ReminderView {
    /// As stored (or the defaults: off, [`DEFAULT_TIME`], every day ticked).
    pub fn stored(record: Option<&ReminderRecord>) -> ReminderView {
        let time = record.and_then(|r| ReminderTime::from_stored(r.minute_of_day, r.days));
        let ticked: Vec<&str> = time.map(|t| t.days.values()).unwrap_or_default();
        ReminderView {
            enabled: record.is_some_and(|r| r.enabled) && time.is_some(),
            summary: time
                .map(|t| format!("{} on {}", t.time(), t.days.words()))
                .unwrap_or_default(),
            time: time.map_or_else(|| DEFAULT_TIME.to_owned(), |t| t.time()),
            days: WEEKDAYS
                .iter()
                .map(|(_, v, n)| (*v, *n, time.is_none() || ticked.contains(v)))
                .collect(),
        }
    }

    /// As typed into a refused form (`day_mon` = `on` for each ticked day), so nothing is lost.
    pub fn typed(form: &FormState, stored: ReminderView) -> ReminderView {
        ReminderView {
            time: form.value("time").to_owned(),
            days: WEEKDAYS
                .iter()
                .map(|(_, v, n)| (*v, *n, form.checked(&format!("day_{v}"))))
                .collect(),
            ..stored
        }
    }
}

/// `POST /today/reminders`: `turn=on` saves the time and days and turns reminders on,
/// `turn=off` turns them off (the time and days are kept for next time).
async fn save(ctx: Ctx, Form(fields): Form<Vec<(String, String)>>) -> AppResult<Response> {
    let runner = ctx.user_with_role(&[Role::Runner])?.clone();
    let store = ctx.state.store.as_ref();
    let value = |name: &str| value_of(&fields, name).to_owned();
    if value("turn") == "off" {
        store
            .reminders_off(runner.id, ctx.state.clock.unix())
            .await?;
        ctx.flash("success", "Reminders are off. No more reminder emails.")
            .await?;
        return Ok(axum::response::Redirect::to("/today#reminders").into_response());
    }
    let raw = RawReminder {
        time: value("time").chars().take(16).collect(),
        days: fields
            .iter()
            .filter(|(k, _)| k == "days")
            .take(WEEKDAYS.len() + 1)
            .map(|(_, v)| v.chars().take(8).collect())
            .collect(),
    };
    match raw.validate() {
        Ok(time) => {
            let next = next_due(time, &runner, ctx.state.clock.now());
            store
                .save_reminder(
                    runner.id,
                    &SaveReminder {
                        enabled: true,
                        minute_of_day: i64::from(time.minute_of_day()),
                        days: i64::from(time.days.bits()),
                        next_due_at: next,
                    },
                    ctx.state.clock.unix(),
                )
                .await?;
            ctx.flash(
                "success",
                format!(
                    "Reminder saved: {} on {}, if nothing is logged by then.",
                    time.time(),
                    time.days.words()
                ),
            )
            .await?;
            Ok(axum::response::Redirect::to("/today#reminders").into_response())
        }
        Err(errors) => {
            let mut form = FormState::default().with_value("time", &raw.time);
            for d in &raw.days {
                form = form.with_value(&format!("day_{d}"), "on");
            }
            for e in &errors.0 {
                form.set_error(&e.field, e.message.clone());
            }
            let today = ctx.state.clock.today_for(&runner);
            crate::tracking::render_today(&ctx, &runner, today, "reminders".into(), form).await
        }
    }
}

/// The first value of `name` in a form, or "".
fn value_of<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The next reminder instant after `after` in the runner's time zone (Unix seconds); far in
/// the future if there is none (cannot happen with a checked time: some day of any 8 matches).
fn next_due(time: ReminderTime, runner: &User, after: jiff::Timestamp) -> i64 {
    time.next_after(after, &runner.time_zone.zone())
        .map_or(i64::MAX / 2, |t| t.as_second())
}

#[derive(Template)]
#[template(path = "reminders_off.html")]
struct OffPage {
    page: Page,
    heading: String,
    text: String,
    /// Where the confirm button posts, while reminders are on.
    confirm: Option<String>,
}

/// The runner a link's token names: a signed token checked against the server key, or (from
/// an email sent before signed tokens) a random one found by its hash.
async fn link_runner(ctx: &Ctx, token: &str) -> AppResult<i64> {
    if token.len() > 100 {
        return Err(AppError::NotFound);
    }
    let runner = if let Some((id, _)) = token.split_once('.') {
        let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
        let account = ctx.state.store.user(id).await?;
        off_subject(&ctx.state.key, token, &account)
    } else {
        ctx.state
            .store
            .reminder_link_runner(&token_hash(token))
            .await?
    };
    runner.ok_or(AppError::NotFound)
}

/// `GET /reminders/off/{token}`: asks to confirm (a GET never writes).
async fn off_page(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let runner_id = link_runner(&ctx, &token).await?;
    let on = ctx
        .state
        .store
        .reminder(runner_id)
        .await?
        .is_some_and(|r| r.enabled);
    let (heading, text, confirm) = if on {
        (
            "Turn off reminder emails?",
            "You will get no more emails reminding you to log. You can turn them on again on Today.",
            Some(format!("/reminders/off/{token}")),
        )
    } else {
        (
            "Reminders are off",
            "You get no reminder emails. You can turn them on again on Today.",
            None,
        )
    };
    render(OffPage {
        page: ctx.page("Reminder emails").await?,
        heading: heading.into(),
        text: text.into(),
        confirm,
    })
}

/// `POST /reminders/off/{token}`: turns the link's runner's reminders off — from the page's
/// button, or from a mail program's one-click button (its body, `List-Unsubscribe=One-Click`,
/// is not needed: the token alone decides).
async fn off(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let runner_id = link_runner(&ctx, &token).await?;
    ctx.state
        .store
        .reminders_off(runner_id, ctx.state.clock.unix())
        .await?;
    render(OffPage {
        page: ctx.page("Reminder emails").await?,
        heading: "Reminders are off".into(),
        text: "You will get no more reminder emails. You can turn them on again on Today.".into(),
        confirm: None,
    })
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RemindersHandled {
    pub sent: usize,
    /// Due, but something was logged that day, a reminder had gone already, the day was over,
    /// or the programme is on hold.
    pub skipped: usize,
}

/// One pass at `at`: every due reminder (at most [`PER_PASS`]) is sent or skipped, and its
/// next instant worked out. `base_url` starts the links; `key` signs their tokens.
pub async fn send_due(
    store: &dyn Store,
    key: &ServerKey,
    base_url: &str,
    at: jiff::Timestamp,
) -> AppResult<RemindersHandled> {
    let mut handled = RemindersHandled::default();
    let now = at.as_second();
    for due in store.due_reminders(now, PER_PASS).await? {
        let runner = match store.user(due.runner_id).await {
            Ok(u) => u,
            Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        let Some(time) = ReminderTime::from_stored(due.minute_of_day, due.days) else {
            store.reminders_off(runner.id, now).await?;
            continue;
        };
        let next = next_due(time, &runner, at);
        let zone = runner.time_zone.zone();
        let due_day = jiff::Timestamp::from_second(due.next_due_at)
            .map_err(|e| AppError::Internal(e.to_string()))?
            .to_zoned(zone.clone())
            .date();
        let on_hold = runner.role != Role::Runner
            || crate::programme::hold::red_flag_hold(store, &Actor::of(&runner), runner.id)
                .await?
                .is_some();
        if at.to_zoned(zone).date() != due_day || on_hold {
            store.reschedule_reminder(runner.id, next).await?;
            handled.skipped += 1;
            continue;
        }
        let local_date = due_day.to_string();
        let token = off_token(key, &runner, &local_date);
        let email = reminder_email(&runner, base_url, &token, time);
        let outcome = store
            .send_reminder(
                &ReminderToSend {
                    runner_id: runner.id,
                    local_date: &local_date,
                    token_hash: &token_hash(&token),
                    email: &email,
                    next_due_at: next,
                },
                now,
            )
            .await?;
        match outcome {
            ReminderOutcome::Sent => handled.sent += 1,
            ReminderOutcome::AlreadyLogged | ReminderOutcome::AlreadySent => handled.skipped += 1,
        }
    }
    Ok(handled)
}

fn reminder_email(runner: &User, base_url: &str, token: &str, time: ReminderTime) -> NewEmail {
    let name = runner.display_name.trim();
    let hello = if name.is_empty() {
        "Hello,".to_owned()
    } else {
        format!("Hello {name},")
    };
    let off = format!("{base_url}{OFF_PATH}{token}");
    let body = format!(
        "{hello}\n\nNothing is logged for today yet. When you have done today's exercises, or to \
         check in, open Today:\n{base_url}/today\n\nYou get this email because you asked for a \
         reminder at {} on {}. To turn reminders off, open this link:\n{off}\n(or use the \
         switch on Today).\n",
        time.time(),
        time.days.words()
    );
    NewEmail::text(runner.email.clone(), "A reminder to log today", body)
        .from_clinic(runner.clinic_id)
        .about_runner(runner.id)
        .one_click_unsubscribe(off)
}
