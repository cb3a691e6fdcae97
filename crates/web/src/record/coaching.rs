//! Coaching programmes on the runner's record: staff start a named multi-week programme; the
//! record shows which week the runner is in and the weekly check-ins (the weekly reviews) in it.

use super::page::RunnerForms;
use super::page::runner_page;
use crate::Clock;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::templates::FormState;
use axum::Form;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::Role;
use backstride_core::programme::coaching::CoachingPlan;
use backstride_store::{
    Actor, Coaching, NewCoaching, ReviewKind, ReviewRecord, ReviewStatus, User,
};

/// A coaching programme as the record shows it.
pub struct CoachingLine {
    pub description: String,
    pub check_ins: String,
}

/// The runner's coaching programmes (newest first), with their weekly check-ins among
/// `reviews` (the weekly reviews since the oldest of them began).
pub fn lines(
    clock: &Clock,
    runner: &User,
    coaching: &[Coaching],
    reviews: &[ReviewRecord],
) -> Vec<CoachingLine> {
    let today = clock.today_for(runner);
    let mut out = Vec::new();
    for c in coaching {
        let Some(plan) = CoachingPlan::stored(&c.name, &c.weeks.to_string(), &c.starts_on) else {
            continue;
        };
        let end = plan
            .starts_on
            .checked_add(jiff::Span::new().days(plan.weeks * 7 - 1))
            .unwrap_or(plan.starts_on)
            .to_string();
        let start = plan.starts_on.to_string();
        let weekly: Vec<_> = reviews
            .iter()
            .filter(|r| {
                r.kind == ReviewKind::Weekly && r.review_date >= start && r.review_date <= end
            })
            .collect();
        let seen = weekly
            .iter()
            .filter(|r| r.status != ReviewStatus::Suggested)
            .count();
        out.push(CoachingLine {
            description: plan.describe(today),
            check_ins: format!(
                "{} weekly check-ins so far, {seen} reviewed by the clinician",
                weekly.len()
            ),
        });
    }
    out
}

/// `POST /runners/{id}/coaching`: starts a coaching programme (staff of the runner's clinic).
pub async fn start(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let staff = ctx.user_with_role(&[Role::Clinician, Role::Admin])?.clone();
    let mut form = FormState::from_values(fields.into_iter().collect());
    match CoachingPlan::check(
        form.value("name"),
        form.value("weeks"),
        form.value("starts_on"),
        ctx.state.clock.today_for(&staff),
    ) {
        Ok(plan) => {
            ctx.state
                .store
                .start_coaching(
                    &Actor::of(&staff),
                    id,
                    &NewCoaching {
                        name: plan.name.clone(),
                        weeks: plan.weeks,
                        starts_on: plan.starts_on.to_string(),
                    },
                )
                .await?;
            ctx.flash(
                "success",
                format!("Coaching programme “{}” started.", plan.name),
            )
            .await?;
        }
        Err(errors) => {
            for (name, message) in errors {
                form.set_error(name, message);
            }
            let forms = RunnerForms {
                coaching: form,
                ..RunnerForms::default()
            };
            return runner_page(&ctx, id, forms).await;
        }
    }
    Ok(Redirect::to(&format!("/runners/{id}#coaching-h")).into_response())
}
