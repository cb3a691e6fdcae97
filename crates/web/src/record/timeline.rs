//! A runner's timeline for the record page — assessments, programme versions, decisions, logged
//! days, watch runs and running-form videos, newest first, folded by week — and the clinician's quick action of
//! emailing the runner.

use super::page::RunnerForms;
use super::page::runner_page;
use crate::auth::now;
use crate::clock::local_time;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::templates::FormState;
use crate::tracking::journal::days_before;
use axum::Form;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::{Role, TimeZoneName};
use backstride_store::{Actor, AssessmentStatus, NewEmail, ProgrammeStatus, RunnerRecords, User};
use std::collections::BTreeMap;

/// Entries shown. **Our choice**: enough for a fortnight's programme and its re-tests.
const ENTRIES: usize = 40;

/// Longest subject of an email to a runner, in characters.
const MAX_SUBJECT_CHARS: usize = 200;

/// Longest message of an email to a runner, in characters.
const MAX_MESSAGE_CHARS: usize = 5000;
/// Control characters have no place in an email (and PostgreSQL refuses a NUL in text).
const CONTROL_CHARACTERS: &str = "Remove the special control characters.";

/// One thing that happened.
pub struct TimelineEntry {
    /// Sorts the timeline (Unix seconds; a logged day counts at its noon UTC).
    pub at: i64,
    pub when: String,
    pub what: String,
    pub href: Option<String>,
}

/// The timeline's entries of one week (Monday to Sunday in the viewer's time zone).
pub struct WeekGroup {
    /// "Week of Mon 30 Nov 2026".
    pub label: String,
    pub entries: Vec<TimelineEntry>,
    /// Only the latest week starts unfolded.
    pub open: bool,
}

/// Folds a newest-first timeline into weeks, newest first.
pub fn by_week(entries: Vec<TimelineEntry>, tz: &TimeZoneName) -> Vec<WeekGroup> {
    let mut weeks: Vec<WeekGroup> = Vec::new();
    let mut current: Option<jiff::civil::Date> = None;
    for e in entries {
        let day = jiff::Timestamp::from_second(e.at)
            .map(|t| t.to_zoned(tz.zone()).date())
            .unwrap_or(jiff::civil::Date::MIN);
        let back = i64::from(day.weekday().to_monday_zero_offset());
        let monday = days_before(day, back);
        if current != Some(monday) {
            current = Some(monday);
            weeks.push(WeekGroup {
                label: format!("Week of {}", monday.strftime("%a %-d %b %Y")),
                entries: Vec::new(),
                open: weeks.is_empty(),
            });
        }
        if let Some(w) = weeks.last_mut() {
            w.entries.push(e);
        }
    }
    weeks
}

/// The runner's timeline from their record's one read (the newest entries of each kind, so
/// the newest [`ENTRIES`] of all).
pub fn timeline(records: &RunnerRecords, viewer: &User) -> Vec<TimelineEntry> {
    let tz = &viewer.time_zone;
    let runner = &records.journal.runner;
    let mut entries = Vec::new();
    let mut add = |at: i64, what: String, href: Option<String>| {
        entries.push(TimelineEntry {
            at,
            when: local_time(at, tz),
            what,
            href,
        })
    };
    for a in &records.journal.assessments {
        let state = match a.status {
            AssessmentStatus::Complete => "completed",
            AssessmentStatus::Stopped => "stopped at a red flag",
            AssessmentStatus::Draft => "started, not finished",
        };
        add(
            a.updated_at,
            format!("{} {state}", a.kind.as_str().replace("retest", "re-test")),
            Some(format!("/assessments/{}", a.id)),
        );
    }
    for p in &records.programmes {
        let what = match p.status {
            ProgrammeStatus::Suggested => format!(
                "Programme version {} suggested, awaiting approval",
                p.version
            ),
            ProgrammeStatus::Approved => format!("Programme version {} approved", p.version),
            ProgrammeStatus::Superseded => {
                format!("Programme version {} (since replaced)", p.version)
            }
        };
        add(
            p.approved_at.unwrap_or(p.created_at),
            what,
            Some(format!("/programmes/{}", p.id)),
        );
    }
    for r in &records.noted_reviews {
        if let Some(at) = r.decided_at.filter(|_| r.note.trim().len() > 1) {
            add(
                at,
                format!(
                    "Decision of {} {}: {}",
                    r.review_date,
                    r.status.as_str(),
                    r.note
                ),
                None,
            );
        }
    }
    for run in &records.runs {
        add(
            run.started_at,
            format!("Watch run imported: {}", run.file_name),
            Some(format!("/runners/{}/runs/{}", runner.id, run.id)),
        );
    }
    for v in &records.form_videos {
        add(
            v.created_at,
            crate::form_video::timeline_line(v),
            Some(format!("/runners/{}/form/{}", runner.id, v.id)),
        );
    }
    let mut days: BTreeMap<&str, usize> = BTreeMap::new();
    for log in &records.journal.logs {
        *days.entry(log.log_date.as_str()).or_default() += 1;
    }
    for (date, n) in days {
        let at = date
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.at(12, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map_or(0, |z| z.timestamp().as_second());
        let noun = if n == 1 { "entry" } else { "entries" };
        add(at, format!("Logged {date}: {n} {noun}"), None);
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    entries.truncate(ENTRIES);
    entries
}

/// `POST /runners/{id}/email`: staff of the runner's clinic send the runner an email (through
/// the outbox; the access is audited).
pub async fn email_runner(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let staff = ctx.user_with_role(&[Role::Clinician, Role::Admin])?.clone();
    let store = ctx.state.store.as_ref();
    let runner = store
        .open_runner_record(&Actor::of(&staff), id, "email runner")
        .await?;
    let mut form = FormState::from_values(fields.into_iter().collect());
    let subject = form.value("subject").trim().to_owned();
    let message = form.value("message").trim().to_owned();
    if subject.is_empty() || subject.chars().count() > MAX_SUBJECT_CHARS {
        form.set_error(
            "subject",
            format!("Give the email a subject of 1 to {MAX_SUBJECT_CHARS} characters."),
        );
    } else if subject.chars().any(char::is_control) {
        form.set_error("subject", CONTROL_CHARACTERS.to_owned());
    }
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS {
        form.set_error(
            "message",
            "Write a message of 1 to 5,000 characters.".to_owned(),
        );
    } else if message
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        form.set_error("message", CONTROL_CHARACTERS.to_owned());
    }
    if form.has_errors() {
        let forms = RunnerForms {
            email: form,
            ..RunnerForms::default()
        };
        return runner_page(&ctx, id, forms).await;
    }
    let body = format!("{message}\n\n— {} (via Backstride)\n", staff.display_name);
    store
        .enqueue_email(
            &NewEmail::text(runner.email.clone(), subject, body)
                .from_clinic(runner.clinic_id)
                .about_runner(runner.id),
            now(),
        )
        .await?;
    ctx.flash(
        "success",
        format!("Email to {} queued.", runner.display_name),
    )
    .await?;
    Ok(Redirect::to(&format!("/runners/{id}")).into_response())
}
