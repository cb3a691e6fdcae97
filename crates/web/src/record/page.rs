//! The runner record's page: who the runner is, the clinician's summary, reviews waiting, the
//! timeline folded by week, coaching programmes and the audit trail — and its forms, sent back
//! with a message by each refused field.

use crate::clock::local_time;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::templates::{FormState, Page, render_status};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;

/// One line of the record's audit trail.
pub struct AuditLine {
    pub when: String,
    pub who: String,
    pub action: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "runner.html")]
pub struct RunnerRecord {
    pub page: Page,
    pub runner_id: i64,
    pub runner_name: String,
    pub runner_email: String,
    pub clinic_name: String,
    pub joined: String,
    pub time_zone: String,
    pub is_self: bool,
    pub audit: Vec<AuditLine>,
    pub reviews: Vec<crate::tracking::ReviewView>,
    pub can_settle: bool,
    pub timeline: Vec<super::timeline::WeekGroup>,
    /// The clinician's summary (staff only).
    pub summary: Option<super::summary::RecordSummary>,
    pub waiting_programme: Option<i64>,
    pub coaching: Vec<super::coaching::CoachingLine>,
    /// The record's forms: what was typed and what was wrong with it.
    pub forms: RunnerForms,
}

/// The forms on a runner's record, blank or sent back with a message by each refused field.
#[derive(Debug, Clone)]
pub struct RunnerForms {
    /// Start a coaching programme.
    pub coaching: FormState,
    /// Email the runner.
    pub email: FormState,
}

impl RunnerForms {
    /// 422 when either form was refused, else 200.
    pub fn status(&self) -> StatusCode {
        if self.email.has_errors() {
            self.email.status()
        } else {
            self.coaching.status()
        }
    }
}

impl Default for RunnerForms {
    fn default() -> Self {
        RunnerForms {
            coaching: FormState::default().with_value("weeks", "6"),
            email: FormState::default(),
        }
    }
}

/// A runner's record. Only the runner and their clinic's staff may open it; anyone else gets
/// the same 404 as for a record that doesn't exist, and the attempt is audited.
pub async fn runner_record(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    runner_page(&ctx, id, RunnerForms::default()).await
}

/// The runner's record, with its forms as given (blank, or refused with a message by each
/// field and everything typed kept, answered with 422).
pub async fn runner_page(ctx: &Ctx, id: i64, mut forms: RunnerForms) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let viewer = ctx.user()?;
    let store = ctx.state.store.as_ref();
    let clock = &ctx.state.clock;
    // One read for the page; the journal's window starts a day early, as the runner's today
    // may be a day behind the viewer's.
    let since = crate::tracking::journal::days_before(
        clock.today_for(viewer),
        crate::tracking::journal::HISTORY_DAYS + 1,
    );
    let records = store.runner_record(&actor, id, &since.to_string()).await?;
    let runner = records.journal.runner.clone();
    let clinic_name = match &records.journal.clinic {
        Some(c) => c.name.clone(),
        None => "Self-directed (no clinic)".into(),
    };
    let audit = records
        .audit
        .iter()
        .map(|line| AuditLine {
            when: local_time(line.event.at, &viewer.time_zone),
            who: match &line.actor {
                Some((name, role)) => format!("{name} ({role})"),
                None => "a former user".into(),
            },
            action: line.event.action.clone(),
            outcome: line.event.outcome.clone(),
        })
        .collect();
    let is_staff = viewer.role.is_staff() && runner.id != viewer.id;
    let reviews = records
        .recent_reviews
        .iter()
        .take(10)
        .filter_map(|r| crate::tracking::review_view(r, &viewer.time_zone))
        .map(|v| if is_staff { staff_view(v) } else { v })
        .collect();
    let (timeline, summary, waiting_programme) = if is_staff {
        let entries = super::timeline::timeline(&records, viewer);
        let summary = super::summary::summary(store, clock, &actor, viewer, &records).await?;
        let waiting = records
            .programmes
            .iter()
            .find(|p| p.status == backstride_store::ProgrammeStatus::Suggested)
            .map(|p| p.id);
        (
            super::timeline::by_week(entries, &viewer.time_zone),
            Some(summary),
            waiting,
        )
    } else {
        (Vec::new(), None, None)
    };
    let coaching =
        super::coaching::lines(clock, &runner, &records.coaching, &records.coaching_reviews);
    let today = ctx.state.clock.today_for(&runner).to_string();
    // A blank form starts today; a refused one shows what was typed, even nothing.
    if !forms.coaching.has_errors() && forms.coaching.value("starts_on").is_empty() {
        forms.coaching = forms.coaching.with_value("starts_on", &today);
    }
    render_status(
        forms.status(),
        RunnerRecord {
            page: ctx.page(&runner.display_name).await?,
            coaching,
            forms,
            timeline,
            summary,
            waiting_programme,
            reviews,
            can_settle: viewer.role.is_staff() && runner.id != viewer.id,
            runner_id: runner.id,
            runner_name: runner.display_name.clone(),
            runner_email: runner.email.to_string(),
            clinic_name,
            joined: local_time(runner.created_at, &viewer.time_zone),
            time_zone: runner.time_zone.to_string(),
            is_self: runner.id == viewer.id,
            audit,
        },
    )
}

/// A review as a clinician reads it on a staff page: in the third person.
fn staff_view(mut v: crate::tracking::ReviewView) -> crate::tracking::ReviewView {
    use crate::decision::for_staff;
    v.status = for_staff(&v.status);
    v.note = for_staff(&v.note);
    v.running = v.running.map(|r| for_staff(&r));
    for line in &mut v.lines {
        line.reason = for_staff(&line.reason);
        if line.action.contains("your clinician") {
            line.action = "Stop until seen";
        }
    }
    v
}
