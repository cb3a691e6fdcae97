//! The staff home: a worklist for the clinician's day — decisions waiting (who, what is
//! proposed and why), open alerts by tier, new enquiries and leads, today's and tomorrow's calls,
//! re-tests due — each a link to act on it. Scoped to the staff member's clinic.
//!
//! One read model (the store's `WorklistStore::worklist`: one call, a fixed number of bounded
//! statements), each section showing at most [`SHOWN`] with "and N more"; the view's one audit
//! event, naming the runners whose details it read, is the store's.

use crate::caseload::{next_retest, retest_words};
use crate::clock::local_time;
use crate::context::Ctx;
use crate::decision::for_staff;
use crate::error::AppResult;
use crate::templates::{Page, render};
use askama::Template;
use axum::response::Response;
use backstride_core::Role;
use backstride_core::programme::Programme;
use backstride_core::tracking::{ProgressionAction, Review};
use backstride_store::{Actor, AlertTier, ReviewKind, User, WorklistAsk};
use std::collections::HashMap;

/// Items shown per section. **Our choice**: a morning's worth; the rest is one link away.
pub const SHOWN: i64 = 8;

/// Most runners whose re-tests are worked out on the home page. **Our choice**: far above a
/// clinic's caseload, and a bound on the work.
const RETEST_RUNNERS: i64 = 500;

/// One thing to act on.
pub struct Work {
    pub href: String,
    pub title: String,
    pub detail: String,
}

/// A section: its items and how many more there are.
pub struct Section {
    pub items: Vec<Work>,
    pub more: i64,
    pub total: i64,
}

impl Section {
    fn of(items: Vec<Work>, total: i64) -> Self {
        let more = (total - items.len() as i64).max(0);
        Section { items, more, total }
    }
}

/// Open alerts of one tier.
pub struct Tier {
    pub name: &'static str,
    pub class: &'static str,
    pub section: Section,
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage {
    page: Page,
    staff_name: String,
    clinic_name: String,
    runner_count: usize,
    is_admin: bool,
    decisions: Section,
    alerts: Vec<Tier>,
    enquiries: Section,
    calls: Section,
    retests: Section,
}

/// What a review proposes, in a line: the moves first, e.g. "Move up: Dead bug. Hold: 3 more."
fn proposed(review: &Review) -> (String, String) {
    let mut moves = Vec::new();
    let mut held = 0;
    let mut why = String::new();
    for d in &review.items {
        let verb = match d.action {
            ProgressionAction::Progress => "move up",
            ProgressionAction::Regress => "step down",
            ProgressionAction::StopSeeClinician => "stop",
            ProgressionAction::Hold => {
                held += 1;
                continue;
            }
        };
        if why.is_empty() {
            why = for_staff(&d.reason);
        }
        moves.push(format!("{} ({verb})", d.name));
    }
    let mut what = if moves.is_empty() {
        "Hold every exercise".to_owned()
    } else {
        moves.join(", ")
    };
    if !moves.is_empty() && held > 0 {
        what.push_str(&format!("; hold {held} more"));
    }
    if why.is_empty() {
        why = review
            .items
            .first()
            .map(|d| for_staff(&d.reason))
            .unwrap_or_default();
    }
    (what, why)
}

/// The staff home for `staff` (a clinician or admin of a clinic).
pub async fn page(ctx: &Ctx, staff: &User) -> AppResult<Response> {
    let actor = Actor::of(staff);
    let clinic_name = ctx
        .clinic()
        .await?
        .map_or_else(String::new, |c| c.name.clone());
    let tz = &staff.time_zone;
    // Today's and tomorrow's calls are asked for in the staff member's own days.
    let today = ctx.state.clock.today_in(tz);
    let start_of = |d: jiff::civil::Date| {
        d.to_zoned(tz.zone())
            .map(|z| z.timestamp().as_second())
            .unwrap_or(0)
    };
    let after_tomorrow = today
        .checked_add(jiff::Span::new().days(2))
        .unwrap_or(today);
    let records = ctx
        .state
        .store
        .worklist(
            &actor,
            &WorklistAsk {
                shown: SHOWN,
                retest_runners: RETEST_RUNNERS,
                calls_from: start_of(today),
                calls_to: start_of(after_tomorrow),
            },
        )
        .await?;
    let people: HashMap<i64, &User> = records.people.iter().map(|u| (u.id, u)).collect();
    let name_of = |id: i64| {
        people
            .get(&id)
            .map_or_else(|| "A runner".to_owned(), |u| u.display_name.clone())
    };
    let runner_count = people.values().filter(|u| u.role == Role::Runner).count();

    // Decisions waiting: the guide's reviews, then programmes waiting for approval.
    let (reviews, programmes) = (&records.reviews, &records.programmes);
    let mut decisions = Vec::new();
    for r in &reviews.items {
        let Ok(review) = serde_json::from_str::<Review>(&r.body_json) else {
            continue;
        };
        let kind = match r.kind {
            ReviewKind::Weekly => "Weekly review",
            ReviewKind::AfterDay => "Day's decision",
        };
        let (what, why) = proposed(&review);
        decisions.push(Work {
            href: format!("/reviews/{}", r.id),
            title: format!(
                "{}: {kind} of {}",
                name_of(r.runner_id),
                review.date.strftime("%a %-d %b")
            ),
            detail: format!("Proposed: {what}. Why: {why}"),
        });
    }
    for p in &programmes.items {
        decisions.push(Work {
            href: format!("/programmes/{}", p.id),
            title: format!(
                "{}: programme version {} to approve",
                name_of(p.runner_id),
                p.version
            ),
            detail: format!("Suggested {}.", local_time(p.created_at, tz)),
        });
    }
    let decisions = Section::of(decisions, reviews.total + programmes.total);

    // Open alerts, by tier (the store lists the most urgent first).
    let open = &records.alerts;
    let alerts = [
        (AlertTier::Critical, "Critical"),
        (AlertTier::High, "High"),
        (AlertTier::Low, "Low"),
    ]
    .into_iter()
    .map(|(tier, name)| {
        let of_tier: Vec<_> = open.iter().filter(|a| a.tier == tier).collect();
        let items = of_tier
            .iter()
            .take(SHOWN as usize)
            .map(|a| Work {
                href: format!("/runners/{}", a.runner_id),
                title: name_of(a.runner_id),
                detail: format!("{} ({})", a.reason, local_time(a.created_at, tz)),
            })
            .collect();
        Tier {
            name,
            class: tier.as_str(),
            section: Section::of(items, of_tier.len() as i64),
        }
    })
    .collect();

    // New enquiries and leads from the front door.
    let inbox = &records.inbox;
    let enquiries = Section::of(
        inbox
            .items
            .iter()
            .map(|i| Work {
                href: format!("/clinic/inbox/{}", i.id),
                title: format!("{}: {}", i.name, crate::front::inbox::kind_label(i)),
                detail: format!("Came in {}.", local_time(i.created_at, tz)),
            })
            .collect(),
        inbox.total,
    );

    // Today's and tomorrow's calls.
    let booked = &records.calls;
    let calls = Section::of(
        booked
            .items
            .iter()
            .map(|b| Work {
                href: b.inbox_item_id.map_or_else(
                    || "/clinic/inbox".to_owned(),
                    |i| format!("/clinic/inbox/{i}"),
                ),
                title: format!("{} with {}", local_time(b.starts_at, tz), b.name),
                detail: format!("Call with {}.", name_of(b.clinician_id)),
            })
            .collect(),
        booked.total,
    );

    // Re-tests due, worked out from each runner's approved programme (day 7, then day 14).
    let mut due = Vec::new();
    for basis in &records.retests {
        let Some(runner) = people.get(&basis.programme.runner_id) else {
            continue;
        };
        let Ok(programme) = serde_json::from_str::<Programme>(&basis.programme.body_json) else {
            continue;
        };
        let runner_today = ctx.state.clock.today_for(runner);
        let start = programme.settings.start_date;
        if let Some(d) =
            next_retest(start, &runner.time_zone, &basis.retests_at).filter(|d| *d <= runner_today)
        {
            due.push((
                d,
                Work {
                    href: format!("/runners/{}", runner.id),
                    title: runner.display_name.clone(),
                    detail: format!("Re-test {}.", retest_words(d, runner_today)),
                },
            ));
        }
    }
    due.sort_by_key(|(d, _)| *d);
    let due_total = due.len() as i64;
    let retests = Section::of(
        due.into_iter()
            .take(SHOWN as usize)
            .map(|(_, w)| w)
            .collect(),
        due_total,
    );

    render(WorklistPage {
        page: ctx.page("Today's work").await?,
        staff_name: staff.display_name.clone(),
        clinic_name,
        runner_count,
        is_admin: staff.role == Role::Admin,
        decisions,
        alerts,
        enquiries,
        calls,
        retests,
    })
}
