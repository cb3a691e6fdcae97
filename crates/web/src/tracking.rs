//! Daily tracking: the runner's Today page (a guided session — one card per planned exercise
//! with its drawing, steps, cues, set timer or rep counter with the rest between sets and a
//! "Done as planned" button; back pain asked once per session; the day's decision in one line;
//! a run, the morning check-in, back-filling up to 7 days, reminders), the decisions core's
//! pain-monitoring guide makes of each logged day and each week, and the clinician accepting or
//! overriding them.
//!
//! **Our choices**: a session's back pain is asked once, on a slider above the cards; each
//! exercise logged that day carries it, and an exercise logged later the same day without one
//! takes the day's latest session pain. "Done as planned" logs the planned sets (the weaker
//! side's extra set included) or, when the timers and counters counted sets, those; effort and
//! a note are optional, behind the details.
//!
//! One handler takes every log, as an HTML form post or — from the page's offline queue — the
//! same form sent with `Accept: application/json`, answered in JSON. A key made with the form
//! (the idempotency key) means an entry sent twice is stored once.

pub mod journal;
pub(crate) mod kept_today;
pub(crate) mod progress;
pub mod words;

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::programme::hold::RedFlagHold;
use crate::security::random_token;
use crate::templates::{FormState, Page, render_status};
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use backstride_core::Role;
use backstride_core::assessment::Side;
use backstride_core::library::{DosageKind, Sidedness};
use backstride_core::programme::ProgrammeItem;
use backstride_core::tracking::{
    LogError, RawMorningCheckIn, RawRunLog, RawSessionLog, RedFlagSymptom,
};
use backstride_store::{
    Actor, LogKind, LogRecord, LogSaved, NewLog, ReviewKind, ReviewRecord, ReviewStatus,
    StoreError, User,
};
use jiff::civil::Date;
use journal::{Journal, days_before};
use serde_json::{Value, json};
pub use words::{ReviewView, review_view};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/today", get(today_page))
        .route("/today/log", post(log_entry))
        .route("/reviews/{id}/settle", post(settle))
        .route("/progress", get(progress::own))
        .route("/runners/{id}/progress", get(progress::page))
        .route("/assessments/{id}/change", get(progress::change_page))
        .route("/assessments/{id}/change.pdf", get(progress::change_pdf))
}

/// The red-flag symptoms a log can report, in the order the form lists them.
pub(crate) const RED_FLAGS: [RedFlagSymptom; 6] = [
    RedFlagSymptom::SaddleNumbness,
    RedFlagSymptom::BladderChange,
    RedFlagSymptom::BowelControlLoss,
    RedFlagSymptom::LegWeakness,
    RedFlagSymptom::FeverOrChills,
    RedFlagSymptom::NightPain,
];

pub(crate) fn flag_value(flag: RedFlagSymptom) -> String {
    serde_json::to_value(flag)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

// --- The page -------------------------------------------------------------------------------

/// One exercise card.
pub struct ItemCard {
    pub form_id: String,
    pub key: String,
    pub name: String,
    pub dosage: String,
    pub per_side: bool,
    /// Seconds for a hold or stretch (the timer); `None` for reps.
    pub timer_seconds: Option<u16>,
    /// Reps per set (the counter); `None` for holds.
    pub reps: Option<u16>,
    /// Rest between sets, seconds.
    pub rest_seconds: u16,
    /// Planned sets: both sides at once, or left and right (the weaker side's extra set in).
    pub sets: u8,
    pub sets_left: u8,
    pub sets_right: u8,
    /// The still drawing (SVG), empty for the clinician's own exercises.
    pub illustration: String,
    pub steps: Vec<String>,
    pub cues: Vec<String>,
    /// Planned for this day (an unplanned one logged anyway gets a card too).
    pub planned: bool,
    pub done: Vec<String>,
    pub idempotency_key: String,
}

/// A link to a neighbouring day that can be logged.
pub struct DayLink {
    pub date: String,
    pub label: String,
}

/// Today's compact day navigation: the day before and after the one shown (when they can be
/// logged), and the window the date picker allows.
pub struct DayNav {
    pub previous: Option<DayLink>,
    pub next: Option<DayLink>,
    pub earliest: String,
    pub latest: String,
}

impl DayNav {
    fn around(date: Date, today: Date) -> DayNav {
        let earliest = days_before(today, backstride_core::tracking::logs::BACKFILL_DAYS);
        let link = |d: Date| DayLink {
            date: d.to_string(),
            label: words::day_label(d, today),
        };
        DayNav {
            previous: (date > earliest).then(|| link(days_before(date, 1))),
            next: (date < today).then(|| link(days_before(date, -1))),
            earliest: earliest.to_string(),
            latest: today.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage {
    page: Page,
    date: String,
    date_label: String,
    is_today: bool,
    days: DayNav,
    has_programme: bool,
    programme_id: i64,
    cards: Vec<ItemCard>,
    others: Vec<(String, String)>,
    other_key: String,
    morning_done: Option<String>,
    morning_key: String,
    runs_done: Vec<String>,
    run_key: String,
    distance_unit: &'static str,
    decision: Option<ReviewView>,
    weekly: Option<ReviewView>,
    /// The exercises planned for the day, and how many of them are logged.
    planned_count: usize,
    done_count: usize,
    /// The back pain already given for this day's session, if any.
    session_pain: Option<u8>,
    reminders: crate::reminders::ReminderView,
    /// A red flag since the programme: the referral instead of the day's exercises.
    hold: Option<RedFlagHold>,
    /// Why running waits (empty when the programme clears it).
    running_blocked: Vec<String>,
    retest_due: bool,
    runner_id: i64,
    /// A self-directed runner's page never mentions a clinic.
    has_clinic: bool,
    red_flags: Vec<(String, &'static str)>,
    /// Which form failed (its `form_id`), so only it shows the errors and values.
    failed: String,
    form: FormState,
}

#[derive(serde::Deserialize)]
struct DayQuery {
    date: Option<String>,
}

/// The day a page or log is about: given, or today; refused outside the back-fill window.
fn chosen_day(raw: Option<&str>, today: Date) -> Result<Date, String> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(today);
    };
    let date: Date = raw
        .parse()
        .map_err(|_| "Give the date as YYYY-MM-DD.".to_owned())?;
    backstride_core::tracking::logs::check_log_date(date, today)
}

fn runner_only(ctx: &Ctx) -> AppResult<User> {
    Ok(ctx.user_with_role(&[Role::Runner])?.clone())
}

async fn today_page(ctx: Ctx, Query(q): Query<DayQuery>) -> AppResult<Response> {
    let runner = runner_only(&ctx)?;
    let today = ctx.state.clock.today_for(&runner);
    let date = match chosen_day(q.date.as_deref(), today) {
        Ok(d) => d,
        Err(message) => {
            ctx.flash("error", message).await?;
            return Ok(Redirect::to("/today").into_response());
        }
    };
    render_today(&ctx, &runner, date, String::new(), FormState::default()).await
}

pub(crate) async fn render_today(
    ctx: &Ctx,
    runner: &User,
    date: Date,
    failed: String,
    form: FormState,
) -> AppResult<Response> {
    let store = ctx.state.store.as_ref();
    let actor = Actor::of(runner);
    let today = ctx.state.clock.today_for(runner);
    // One read for the page (the programme, assessments, the window's logs and reviews, the
    // reminder), or only the record's version while what was worked out from it is kept.
    let record = kept_today::today_record(
        store,
        &ctx.state.today,
        &actor,
        runner.id,
        days_before(today, journal::TODAY_DAYS).to_string(),
    )
    .await?;
    let hold = record.hold.clone();
    let units = ctx.units_in(record.clinic.as_ref());
    let reviews = record.reviews();
    let journal = &record.journal;
    let days = DayNav::around(date, today);
    let decision = reviews
        .iter()
        .find(|r| r.kind == ReviewKind::AfterDay && r.review_date == date.to_string())
        .and_then(|r| review_view(r, &runner.time_zone))
        .map(|v| v.for_runner(runner.clinic_id.is_some()));
    // A weekly review that has come due is shown as it stands until a log or the hourly task
    // stores it: this page never writes.
    let pending = match &journal {
        Some(j) => j.weekly_review_pending(reviews, today).await?,
        None => None,
    };
    let weekly = match pending {
        Some((review, status)) => Some(words::pending_review_view(&review, status)),
        None => reviews
            .iter()
            .find(|r| r.kind == ReviewKind::Weekly)
            .and_then(|r| review_view(r, &runner.time_zone)),
    }
    .map(|v| v.for_runner(runner.clinic_id.is_some()));
    let waiting_status = form.status();
    let stored_reminder = crate::reminders::ReminderView::stored(record.reminder.as_ref());
    let reminders = if failed == "reminders" {
        crate::reminders::ReminderView::typed(&form, stored_reminder)
    } else {
        stored_reminder
    };
    let mut page = TodayPage {
        page: ctx.page("Today").await?,
        date: date.to_string(),
        date_label: words::day_label(date, today),
        is_today: date == today,
        days,
        has_programme: journal.is_some(),
        programme_id: 0,
        cards: Vec::new(),
        others: Vec::new(),
        other_key: random_token(16),
        morning_done: None,
        morning_key: random_token(16),
        runs_done: Vec::new(),
        run_key: random_token(16),
        distance_unit: units.distance.as_str(),
        decision,
        weekly,
        planned_count: 0,
        done_count: 0,
        session_pain: None,
        reminders,
        hold,
        running_blocked: Vec::new(),
        retest_due: false,
        runner_id: runner.id,
        has_clinic: runner.clinic_id.is_some(),
        red_flags: RED_FLAGS
            .iter()
            .map(|f| (flag_value(*f), f.words()))
            .collect(),
        failed,
        form,
    };
    if let Some(j) = journal.as_ref().filter(|j| j.hold.is_none()) {
        fill_day(&mut page, j, date, units.distance);
        page.retest_due = retest_due(j, today);
    }
    render_status(waiting_status, page)
}

/// The day's cards, what was logged, and the other exercises that can be logged.
fn fill_day(page: &mut TodayPage, j: &Journal, date: Date, unit: backstride_core::DistanceUnit) {
    page.programme_id = j.programme_record.id;
    page.running_blocked = j.programme.running_blocked_because.clone();
    let planned: Vec<String> = j
        .programme
        .day_on(date)
        .map(|d| d.exercises.clone())
        .unwrap_or_default();
    let done_on = |key: &str| -> Vec<String> {
        j.logs
            .sessions
            .iter()
            .filter(|s| s.date == date && s.item_key == key)
            .map(words::session_summary)
            .collect()
    };
    let logged_keys: Vec<&str> = j
        .logs
        .sessions
        .iter()
        .filter(|s| s.date == date)
        .map(|s| s.item_key.as_str())
        .collect();
    for item in &j.programme.items {
        let is_planned = planned.contains(&item.key);
        let logged = logged_keys.contains(&item.key.as_str());
        if !is_planned && !logged {
            page.others.push((item.key.clone(), item.name.clone()));
            continue;
        }
        if is_planned {
            page.planned_count += 1;
            page.done_count += usize::from(logged);
        }
        page.cards
            .push(item_card(item, is_planned, done_on(&item.key)));
    }
    page.session_pain = session_pain(j, date);
    page.morning_done = j
        .logs
        .mornings
        .iter()
        .find(|m| m.date == date)
        .map(words::morning_summary);
    page.runs_done = j
        .logs
        .runs
        .iter()
        .filter(|r| r.date == date)
        .map(|r| words::run_summary(r, unit))
        .collect();
}

/// One exercise's card: what to do, its timer or counter, and the planned sets.
fn item_card(item: &ProgrammeItem, planned: bool, done: Vec<String>) -> ItemCard {
    let d = &item.dosage;
    let amount = d.reps_or_seconds();
    let sets = d.sets();
    let extra = |side: Side| u8::from(item.extra_set_side == Some(side));
    let how = crate::programme::how_to(item);
    ItemCard {
        form_id: format!("session-{}", item.key),
        key: item.key.clone(),
        name: item.name.clone(),
        dosage: d.describe(item.sidedness),
        per_side: item.sidedness == Sidedness::PerSide,
        timer_seconds: (d.kind() != DosageKind::Reps).then_some(amount),
        reps: (d.kind() == DosageKind::Reps).then_some(amount),
        rest_seconds: d.rest_seconds(),
        sets,
        sets_left: sets.saturating_add(extra(Side::Left)),
        sets_right: sets.saturating_add(extra(Side::Right)),
        illustration: how.illustration,
        steps: how.steps,
        cues: how.cues,
        planned,
        done,
        idempotency_key: random_token(16),
    }
}

/// The back pain given for `date`'s session: that of the latest exercise logged on it.
fn session_pain(j: &Journal, date: Date) -> Option<u8> {
    j.logs
        .sessions
        .iter()
        .rfind(|s| s.date == date)
        .map(|s| s.pain_during.get())
}

/// A re-test is due from day 7 of the programme, until one is done after the programme began.
fn retest_due(j: &Journal, today: Date) -> bool {
    let start = j.programme.settings.start_date;
    if today
        < start
            .checked_add(jiff::Span::new().days(7))
            .unwrap_or(start)
    {
        return false;
    }
    let started_at = start
        .to_zoned(j.runner.time_zone.zone().clone())
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0);
    !j.assessments
        .iter()
        .any(|a| a.kind == backstride_store::AssessmentKind::Retest && a.created_at >= started_at)
}

// --- Logging ----------------------------------------------------------------------------------

/// Reads a number field: `None` with an error when it is empty or not a number.
fn number(fields: &[(String, String)], name: &str, errors: &mut Vec<LogError>) -> Option<f64> {
    let raw = field(fields, name).trim().replace(',', ".");
    if raw.is_empty() {
        errors.push(LogError {
            field: name.to_owned(),
            message: "Fill this in.".to_owned(),
        });
        return None;
    }
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.push(LogError {
                field: name.to_owned(),
                message: "Give a number.".to_owned(),
            });
            None
        }
    }
}

/// The first non-empty value of `name` (a form may carry one from the session's slider and one
/// typed without scripts).
fn first_filled<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.as_str())
}

/// [`number`] of the first non-empty value of `name`.
fn number_of(fields: &[(String, String)], name: &str, errors: &mut Vec<LogError>) -> Option<f64> {
    let value = first_filled(fields, name).unwrap_or("").to_owned();
    number(&[(name.to_owned(), value)], name, errors)
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn flags(fields: &[(String, String)]) -> Vec<RedFlagSymptom> {
    fields
        .iter()
        .filter(|(k, _)| k == "red_flag")
        .filter_map(|(_, v)| serde_json::from_value(Value::String(v.clone())).ok())
        .collect()
}

fn note(fields: &[(String, String)]) -> Option<String> {
    Some(field(fields, "note").to_owned()).filter(|n| !n.trim().is_empty())
}

/// A checked log ready to store: its kind, date and JSON body.
struct Checked {
    kind: LogKind,
    date: Date,
    body: String,
    red_flags: Vec<RedFlagSymptom>,
}

/// Turns the form into a checked log, or every refused field.
fn check_log(
    fields: &[(String, String)],
    j: &Journal,
    today: Date,
    unit: backstride_core::DistanceUnit,
) -> Result<Checked, Vec<LogError>> {
    let mut errors = Vec::new();
    let date = match chosen_day(Some(field(fields, "date")), today) {
        Ok(d) => Some(d),
        Err(message) => {
            errors.push(LogError {
                field: "date".into(),
                message,
            });
            None
        }
    };
    // A day holds a bounded number of entries; one already stored under its key (sent again by
    // the offline queue) is answered as stored, not refused.
    if let Some(day) = date.map(|d| d.to_string()) {
        let key = field(fields, "idempotency_key");
        let sent_again = !key.is_empty() && j.records.iter().any(|r| r.idempotency_key == key);
        let held = j.records.iter().filter(|r| r.log_date == day).count();
        if !sent_again
            && let Err(message) = backstride_core::tracking::logs::check_room_in_day(held)
        {
            errors.push(LogError {
                field: "date".into(),
                message,
            });
        }
    }
    let kind = field(fields, "kind");
    let checked: Option<(LogKind, String, Vec<RedFlagSymptom>)> = match kind {
        "session" => {
            let per_side =
                !field(fields, "sets_left").is_empty() || !field(fields, "sets_right").is_empty();
            let sets = if per_side {
                let l = number(fields, "sets_left", &mut errors);
                let r = number(fields, "sets_right", &mut errors);
                l.zip(r)
                    .map(|(left, right)| json!({"left": left, "right": right}))
            } else {
                number(fields, "sets", &mut errors).map(|n| json!(n))
            };
            let pain = match (first_filled(fields, "pain_during"), date) {
                (None, Some(d)) if session_pain(j, d).is_some() => {
                    session_pain(j, d).map(f64::from)
                }
                (None, _) => {
                    errors.push(LogError {
                        field: "pain_during".into(),
                        message: "Say how your back felt during this session: move the slider \
                                  from 0 (no pain) to 10."
                            .into(),
                    });
                    None
                }
                (Some(_), _) => number_of(fields, "pain_during", &mut errors),
            };
            let effort = match field(fields, "effort").trim() {
                "" => Some(None),
                _ => number(fields, "effort", &mut errors).map(Some),
            };
            let raw = (|| {
                Some(RawSessionLog {
                    date: date?,
                    item_key: field(fields, "item_key").to_owned(),
                    sets_done: serde_json::from_value(sets?).ok()?,
                    pain_during: pain?,
                    effort: effort?,
                    note: note(fields),
                    red_flags: flags(fields),
                })
            })();
            raw.and_then(|raw| match raw.validate(&j.programme, today) {
                Ok(log) => Some((LogKind::Session, to_json(&log), log.red_flags.clone())),
                Err(backstride_core::fields::FieldErrors(e)) => {
                    errors.extend(e);
                    None
                }
            })
        }
        "run" => {
            let distance = number(fields, "distance", &mut errors);
            let minutes = number(fields, "duration_minutes", &mut errors);
            let before = number(fields, "pain_before", &mut errors);
            let during = number(fields, "pain_during", &mut errors);
            let after = number(fields, "pain_after", &mut errors);
            let raw = (|| {
                Some(RawRunLog {
                    date: date?,
                    distance_m: unit.to_metres(distance?),
                    duration_s: minutes? * 60.0,
                    pain_before: before?,
                    pain_during: during?,
                    pain_after: after?,
                    note: note(fields),
                    red_flags: flags(fields),
                })
            })();
            raw.and_then(|raw| match raw.validate(today) {
                Ok(log) => Some((LogKind::Run, to_json(&log), log.red_flags.clone())),
                Err(backstride_core::fields::FieldErrors(e)) => {
                    errors.extend(e.into_iter().map(|mut e| {
                        e.field = match e.field.as_str() {
                            "distance_m" => "distance".into(),
                            "duration_s" => "duration_minutes".into(),
                            _ => e.field,
                        };
                        e
                    }));
                    None
                }
            })
        }
        "morning" => {
            let pain = number(fields, "morning_pain", &mut errors);
            let stiffness = number(fields, "stiffness", &mut errors);
            let settled = match field(fields, "settled") {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            let raw = (|| {
                Some(RawMorningCheckIn {
                    date: date?,
                    morning_pain: pain?,
                    stiffness: stiffness?,
                    settled_after_yesterday: settled,
                    red_flags: flags(fields),
                })
            })();
            raw.and_then(|raw| match raw.validate(today) {
                Ok(log) => Some((LogKind::Morning, to_json(&log), log.red_flags.clone())),
                Err(backstride_core::fields::FieldErrors(e)) => {
                    errors.extend(e);
                    None
                }
            })
        }
        _ => {
            errors.push(LogError {
                field: "kind".into(),
                message: "Choose what you are logging: an exercise, a run or the morning check-in."
                    .into(),
            });
            None
        }
    };
    let key = field(fields, "idempotency_key");
    if key.is_empty() || key.len() > 100 {
        errors.push(LogError {
            field: "idempotency_key".into(),
            message: "This entry has no key: reload the page and enter it again.".into(),
        });
    }
    match (checked, date) {
        (Some((kind, body, red_flags)), Some(date)) if errors.is_empty() => Ok(Checked {
            kind,
            date,
            body,
            red_flags,
        }),
        _ => Err(errors),
    }
}

fn to_json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}

fn problem_with_errors(errors: &[LogError]) -> Response {
    let body = json!({
        "type": "about:blank",
        "title": "Please check the entry",
        "status": 422,
        "errors": errors,
    });
    let mut res = (StatusCode::UNPROCESSABLE_ENTITY, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/problem+json"),
    );
    res
}

/// Refuses an entry as a whole (no programme to log against, or one on hold): a problem body
/// for the offline queue, else a message on Today.
async fn refuse_log(ctx: &Ctx, json_reply: bool, message: String) -> AppResult<Response> {
    let errors = [LogError {
        field: "kind".into(),
        message,
    }];
    if json_reply {
        return Ok(problem_with_errors(&errors));
    }
    ctx.flash("error", errors[0].message.clone()).await?;
    Ok(Redirect::to("/today").into_response())
}

/// Why a log was not stored.
pub(crate) enum LogRefusal {
    /// Refused as a whole: no approved programme to log against, or one on hold.
    Whole(String),
    /// Fields refused by the checks.
    Fields(Vec<LogError>),
    /// A second morning check-in for the day it names.
    Twice(Vec<LogError>, Date),
}

/// A log stored (or found stored under its key) and what the runner is told.
pub(crate) struct LogStored {
    pub message: String,
    pub already_stored: bool,
    /// A red flag that means going to an emergency department now.
    pub emergency: bool,
    pub red_flags: bool,
    pub date: Date,
}

/// Checks and stores one session, run or morning check-in of `runner` (given as the form's
/// fields), then makes the day's review: the one path for the Today page, its offline queue
/// and the API. Distances are in `unit`, or in the runner's own units when `None`.
pub(crate) async fn save_log(
    state: &AppState,
    runner: &User,
    unit: Option<backstride_core::DistanceUnit>,
    fields: &[(String, String)],
) -> AppResult<Result<LogStored, LogRefusal>> {
    let store = state.store.as_ref();
    let actor = Actor::of(runner);
    let today = state.clock.today_for(runner);
    let Some(journal) = Journal::load_recent(store, &actor, runner, today).await? else {
        let message = "There is no approved programme to log against yet.";
        return Ok(Err(LogRefusal::Whole(message.into())));
    };
    if let Some(hold) = &journal.hold {
        return Ok(Err(LogRefusal::Whole(hold.refusal())));
    }
    let unit = unit.unwrap_or_else(|| {
        runner
            .units
            .or(journal.clinic.as_ref().map(|c| c.units))
            .unwrap_or_default()
            .distance
    });
    let checked = match check_log(fields, &journal, today, unit) {
        Ok(c) => c,
        Err(errors) => return Ok(Err(LogRefusal::Fields(errors))),
    };
    let log = NewLog {
        kind: checked.kind,
        log_date: checked.date.to_string(),
        body_json: checked.body.clone(),
        idempotency_key: field(fields, "idempotency_key").to_owned(),
    };
    // What the log decides, worked out on the journal as it will be with the log, so the
    // store keeps the log and its outcome in one transaction (or neither, for a key seen).
    let journal = journal.with_stored(LogRecord {
        id: i64::MAX,
        runner_id: runner.id,
        entered_by: actor.user_id,
        kind: log.kind,
        log_date: log.log_date.clone(),
        body_json: log.body_json.clone(),
        idempotency_key: log.idempotency_key.clone(),
        created_at: crate::auth::now(),
    });
    let after = journal.decide_after_log(checked.date, today).await?;
    // Queued to the writer, which commits it with the logs sent at the same time (one
    // commit for the lot) and answers once it is durable.
    let saved = state
        .logs
        .add_log_with_outcome(&actor, runner.id, &log, &after.outcome)
        .await;
    let (message, already_stored) = match saved {
        Ok((_, LogSaved::AlreadyStored)) => (
            "This entry was already saved; it is stored once.".to_owned(),
            true,
        ),
        Ok((_, LogSaved::New)) => {
            journal.apply_weekly(store, &actor, &after).await?;
            journal.announce_critical(store, &after.outcome).await;
            let message = words::saved_message(
                &after.review,
                &checked.red_flags,
                runner.clinic_id.is_some(),
            );
            (message, false)
        }
        Err(StoreError::Conflict { .. }) => {
            let errors = vec![LogError {
                field: "morning_pain".into(),
                message: format!(
                    "You have already checked in for {}. Each morning is logged once.",
                    words::day_label(checked.date, today)
                ),
            }];
            return Ok(Err(LogRefusal::Twice(errors, checked.date)));
        }
        Err(other) => return Err(other.into()),
    };
    Ok(Ok(LogStored {
        message,
        already_stored,
        emergency: checked.red_flags.iter().any(|f| f.is_emergency()),
        red_flags: !checked.red_flags.is_empty(),
        date: checked.date,
    }))
}

/// `POST /today/log`: stores one session, run or morning check-in.
async fn log_entry(
    ctx: Ctx,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let json_reply = wants_json(&headers);
    let runner = runner_only(&ctx)?;
    let today = ctx.state.clock.today_for(&runner);
    let failed_form = |fields: &[(String, String)]| match field(fields, "kind") {
        "session" => format!("session-{}", field(fields, "item_key")),
        other => other.to_owned(),
    };
    let stored = match save_log(&ctx.state, &runner, None, &fields).await? {
        Ok(stored) => stored,
        Err(LogRefusal::Whole(message)) => return refuse_log(&ctx, json_reply, message).await,
        Err(LogRefusal::Fields(errors)) => {
            if json_reply {
                return Ok(problem_with_errors(&errors));
            }
            let mut form = FormState::from_values(fields.iter().cloned().collect());
            for e in &errors {
                form.set_error(&e.field, e.message.clone());
                // The day is the page's, not a field of the form: said at the top of it.
                if e.field == "date" {
                    ctx.flash("error", e.message.clone()).await?;
                }
            }
            let date = chosen_day(Some(field(&fields, "date")), today).unwrap_or(today);
            return render_today(&ctx, &runner, date, failed_form(&fields), form).await;
        }
        Err(LogRefusal::Twice(errors, date)) => {
            if json_reply {
                return Ok(problem_with_errors(&errors));
            }
            let mut form = FormState::from_values(fields.iter().cloned().collect());
            form.set_error(&errors[0].field, errors[0].message.clone());
            return render_today(&ctx, &runner, date, "morning".into(), form).await;
        }
    };
    if json_reply {
        return Ok(Json(json!({
            "status": if stored.already_stored { "already_stored" } else { "stored" },
            "message": stored.message,
            "emergency": stored.emergency,
        }))
        .into_response());
    }
    ctx.flash(
        if stored.emergency || stored.red_flags {
            "error"
        } else {
            "success"
        },
        stored.message,
    )
    .await?;
    Ok(Redirect::to(&format!("/today?date={}", stored.date)).into_response())
}

// --- The clinician's part ---------------------------------------------------------------------

/// `POST /reviews/{id}/settle`: the clinician accepts a suggested review (applying any level
/// changes to the programme as a new version) or overrides it with a note.
async fn settle(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let staff = ctx.user_with_role(&[Role::Clinician, Role::Admin])?.clone();
    let actor = Actor::of(&staff);
    let note = field(&fields, "note").trim().to_owned();
    let (status, back_note) = match field(&fields, "decision") {
        "accept" => (ReviewStatus::Accepted, note),
        "override" if !note.is_empty() && note.chars().count() <= 1000 => {
            (ReviewStatus::Overridden, note)
        }
        "override" => {
            ctx.flash(
                "error",
                "To override a suggestion, say what you decided instead (up to 1,000 characters).",
            )
            .await?;
            return back_to_runner(&fields);
        }
        _ => return Err(AppError::NotFound),
    };
    let store = ctx.state.store.as_ref();
    let settled: ReviewRecord = match store.settle_review(&actor, id, status, &back_note).await {
        Ok(r) => r,
        Err(StoreError::Conflict { .. }) => {
            ctx.flash("info", "That suggestion was already dealt with.")
                .await?;
            return back_to_runner(&fields);
        }
        Err(e) => return Err(e.into()),
    };
    let mut message = match status {
        ReviewStatus::Overridden => "Override saved; the runner sees your note.".to_owned(),
        _ => "Suggestion accepted.".to_owned(),
    };
    if status == ReviewStatus::Accepted && journal::apply_accepted(store, &actor, &settled).await? {
        message.push_str(" The programme's levels were updated as a new version.");
    }
    ctx.flash("success", message).await?;
    Ok(Redirect::to(&format!("/runners/{}", settled.runner_id)).into_response())
}

/// Back to the runner page the form was on (its `runner_id` field), or the clinic page.
fn back_to_runner(fields: &[(String, String)]) -> AppResult<Response> {
    let target = match field(fields, "runner_id").parse::<i64>() {
        Ok(id) => format!("/runners/{id}"),
        Err(_) => "/clinic".to_owned(),
    };
    Ok(Redirect::to(&target).into_response())
}
