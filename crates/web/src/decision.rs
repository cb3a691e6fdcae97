//! A review decided exercise by exercise: the clinician accepts, changes (to another level of the
//! same ladder) or holds each exercise's proposal, adds one note, and the result becomes one new
//! programme version.
//!
//! The form carries what it was shown against — the newest log and the approved programme
//! version — so a decision made on a stale page (the runner logged since, or the programme
//! changed) is refused with the choices kept, and nothing is stored. A choice for an exercise
//! that is not in the review, or a level its ladder does not have, is refused by its field.
//!
//! **Our choices**: a review whose every choice is "accept" is stored as accepted; anything else
//! as changed by the clinician, with a note the runner reads that lists each change (the
//! clinician's own words first). Running volume is not decided here: its suggestion is shown.

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{FormState, Page, render_status};
use crate::tracking::journal::{approved_programme, days_before};
use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use backstride_core::Role;
use backstride_core::library::{self, Level};
use backstride_core::programme::{self, PlannedExercise, Programme, ProgrammeEdit};
use backstride_core::tracking::{ProgressionAction, ProgressionDecision, Review};
use backstride_store::{
    Actor, NewProgramme, ProgrammeRecord, ProgrammeStatus, ReviewRecord, ReviewStatus, Store,
    StoreError, User,
};
use std::collections::HashMap;

/// Longest note with a decision, in characters (as for an override).
const MAX_NOTE_CHARS: usize = 1000;

/// Field names: one choice per exercise, `item-<key>`.
const ITEM_PREFIX: &str = "item-";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reviews/{id}", get(page))
        .route("/reviews/{id}/decide", post(decide))
}

/// Runner-facing wording as a clinician reads it on a staff page: the third person, and the
/// decision waiting for *them*.
pub fn for_staff(text: &str) -> String {
    text.replace(
        "Your clinician can accept or change any of them.",
        "You can accept, change or hold each of them.",
    )
    .replace("awaiting your clinician", "waiting for you")
    .replace("Your clinician", "The clinician")
    .replace("your clinician", "the clinician")
}

/// One exercise's choice on the form.
pub struct ItemChoice {
    pub field: String,
    pub name: String,
    /// "level 2", or "the clinician's own exercise".
    pub now: String,
    /// What the guide proposes, e.g. "Move up to level 3 (Dead bug with reach)".
    pub proposal: String,
    pub reason: String,
    /// `(value, label)`: accept, hold, then each level of the ladder.
    pub options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionPage {
    page: Page,
    review_id: i64,
    runner_id: i64,
    runner_name: String,
    heading: String,
    status: String,
    suggested: bool,
    items: Vec<ItemChoice>,
    running: Option<String>,
    guide_note: String,
    clinician_note: String,
    form: FormState,
}

/// What the decision is made against: the review, its runner, the approved programme and the
/// newest log's id (0 when none).
struct Basis {
    record: ReviewRecord,
    review: Review,
    runner: User,
    programme: Option<(ProgrammeRecord, Programme)>,
    latest_log: i64,
}

async fn basis(store: &dyn Store, actor: &Actor, id: i64) -> AppResult<Basis> {
    let record = store.review(actor, id).await?;
    // `review` let the actor in (and audited it): this only reads who the runner is.
    let runner = store.user(record.runner_id).await?;
    let review: Review = serde_json::from_str(&record.body_json)
        .map_err(|e| AppError::Internal(format!("stored review {}: {e}", record.id)))?;
    // A log can be back-filled 7 days, so any log entered since the review was made is dated
    // within a week of the reviewed day or after it.
    let since = days_before(review.date, 8).to_string();
    let latest_log = store
        .logs_of(actor, runner.id, &since)
        .await?
        .iter()
        .map(|l| l.id)
        .max()
        .unwrap_or(0);
    let programme = approved_programme(store, actor, runner.id).await?;
    Ok(Basis {
        record,
        review,
        runner,
        programme,
        latest_log,
    })
}

fn action_words(d: &ProgressionDecision) -> String {
    let to =
        d.to.as_ref()
            .map(|t| format!(" to level {} ({})", t.level.get(), t.name))
            .unwrap_or_default();
    match d.action {
        ProgressionAction::Progress => format!("Move up{to}"),
        ProgressionAction::Regress => format!("Step down{to}"),
        ProgressionAction::Hold => "Hold where it is".to_owned(),
        ProgressionAction::StopSeeClinician => "Stop until the runner has been seen".to_owned(),
    }
}

/// The ladder of a programme item, if it is a library exercise.
fn ladder_of(programme: Option<&Programme>, key: &str) -> Option<library::Ladder> {
    let item = programme?.items.iter().find(|i| i.key == key)?;
    match item.exercise {
        PlannedExercise::Library { exercise_id, .. } => {
            Some(library::ladder_of(exercise_id.exercise()))
        }
        PlannedExercise::Custom { .. } => None,
    }
}

fn choices(b: &Basis) -> Vec<ItemChoice> {
    let programme = b.programme.as_ref().map(|(_, p)| p);
    b.review
        .items
        .iter()
        .map(|d| {
            let now = d.level.map_or_else(
                || "the clinician's own exercise".to_owned(),
                |l| format!("level {}", l.get()),
            );
            let mut options = vec![(
                "accept".to_owned(),
                format!("Accept: {}", action_words(d).to_lowercase()),
            )];
            // Offered even when the proposal is to hold, so "hold" is always a choice to make.
            options.push(("hold".to_owned(), format!("Hold at {now}")));
            if let Some(ladder) = ladder_of(programme, &d.item_key) {
                for rung in &ladder.rungs {
                    if Some(rung.level) != d.level {
                        options.push((
                            format!("level-{}", rung.level.get()),
                            format!("Change to level {}: {}", rung.level.get(), rung.name),
                        ));
                    }
                }
            }
            ItemChoice {
                field: format!("{ITEM_PREFIX}{}", d.item_key),
                name: d.name.clone(),
                now,
                proposal: action_words(d),
                reason: for_staff(&d.reason),
                options,
            }
        })
        .collect()
}

/// The form as first shown: every proposal accepted, and the markers of what it was shown with.
fn fresh_form(b: &Basis) -> FormState {
    let form = b.review.items.iter().fold(FormState::default(), |f, d| {
        f.with_value(&format!("{ITEM_PREFIX}{}", d.item_key), "accept")
    });
    markers(form, b)
}

fn markers(form: FormState, b: &Basis) -> FormState {
    form.with_value("seen_log", &b.latest_log.to_string())
        .with_value(
            "seen_programme",
            &b.programme.as_ref().map_or(0, |(r, _)| r.id).to_string(),
        )
}

async fn show(ctx: &Ctx, b: &Basis, form: FormState) -> AppResult<Response> {
    let view = crate::tracking::review_view(&b.record, &ctx.user()?.time_zone)
        .ok_or_else(|| AppError::Internal(format!("stored review {}", b.record.id)))?;
    render_status(
        form.status(),
        DecisionPage {
            page: ctx
                .page(&format!("Decision for {}", b.runner.display_name))
                .await?,
            review_id: b.record.id,
            runner_id: b.runner.id,
            runner_name: b.runner.display_name.clone(),
            heading: view.heading,
            status: for_staff(&view.status),
            suggested: view.suggested,
            items: choices(b),
            running: view.running.map(|r| for_staff(&r)),
            guide_note: for_staff(&view.note),
            clinician_note: view.clinician_note,
            form,
        },
    )
}

fn staff(ctx: &Ctx) -> AppResult<Actor> {
    ctx.user_with_role(&[Role::Clinician, Role::Admin])
        .map(Actor::of)
}

/// `GET /reviews/{id}`: the review with a choice per exercise (staff of the runner's clinic).
async fn page(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let actor = staff(&ctx)?;
    let b = basis(ctx.state.store.as_ref(), &actor, id).await?;
    let form = fresh_form(&b);
    show(&ctx, &b, form).await
}

/// One exercise's decision, checked.
enum Choice {
    Accept,
    Hold,
    Level(Level),
}

/// Reads every choice, refusing each bad one by its field. Returns the choices in review order.
fn read_choices(form: &mut FormState, b: &Basis, fields: &[(String, String)]) -> Vec<Choice> {
    let programme = b.programme.as_ref().map(|(_, p)| p);
    for (name, _) in fields {
        let Some(key) = name.strip_prefix(ITEM_PREFIX) else {
            continue;
        };
        if !b.review.items.iter().any(|d| d.item_key == key) {
            let shown: String = key.chars().take(60).collect();
            form.set_error(
                "decisions",
                format!(
                    "“{shown}” is not an exercise in {}'s programme, so there is nothing to decide \
                     for it. Nothing was saved; choose for the exercises listed below.",
                    b.runner.display_name
                ),
            );
        }
    }
    let mut out = Vec::new();
    for d in &b.review.items {
        let field = format!("{ITEM_PREFIX}{}", d.item_key);
        let in_programme = programme.is_some_and(|p| p.items.iter().any(|i| i.key == d.item_key));
        if !in_programme {
            form.set_error(
                &field,
                format!(
                    "{} is no longer in the approved programme. Look at the programme again.",
                    d.name
                ),
            );
            continue;
        }
        let raw = form.value(&field).to_owned();
        match raw.as_str() {
            "accept" => out.push(Choice::Accept),
            "hold" => out.push(Choice::Hold),
            other => {
                let ladder = ladder_of(programme, &d.item_key);
                let level = other
                    .strip_prefix("level-")
                    .and_then(|n| n.parse::<i64>().ok());
                match (ladder, level) {
                    (Some(ladder), Some(n)) => {
                        match Level::try_from(n).ok().filter(|l| ladder.at(*l).is_ok()) {
                            Some(l) => out.push(Choice::Level(l)),
                            None => form.set_error(
                                &field,
                                format!(
                                    "{} has levels 1 to {}: choose one of them.",
                                    d.name,
                                    ladder.highest().get()
                                ),
                            ),
                        }
                    }
                    (None, Some(_)) => form.set_error(
                        &field,
                        format!(
                            "{} is the clinician's own exercise, with no levels: accept or hold it.",
                            d.name
                        ),
                    ),
                    _ => form.set_error(
                        &field,
                        format!("Choose what to do with {}: accept, hold or another level.", d.name),
                    ),
                }
            }
        }
    }
    out
}

/// The programme with every choice applied, and words for each change; an edit core refuses is
/// an error by its field.
fn applied(
    form: &mut FormState,
    b: &Basis,
    chosen: &[Choice],
) -> Option<(Option<Programme>, Vec<String>)> {
    let (_, base) = b.programme.as_ref()?;
    let mut programme = base.clone();
    let mut changed = false;
    let mut words = Vec::new();
    for (d, choice) in b.review.items.iter().zip(chosen) {
        let level = match choice {
            Choice::Accept => match (d.action, &d.to) {
                (ProgressionAction::Progress | ProgressionAction::Regress, Some(to)) => {
                    Some(to.level)
                }
                _ => None,
            },
            Choice::Hold => {
                if d.action != ProgressionAction::Hold {
                    words.push(format!(
                        "{}: held where it is instead of “{}”.",
                        d.name,
                        action_words(d).to_lowercase()
                    ));
                }
                None
            }
            Choice::Level(l) => {
                words.push(format!("{}: moved to level {} instead.", d.name, l.get()));
                Some(*l)
            }
        };
        let Some(level) = level.filter(|l| Some(*l) != d.level) else {
            continue;
        };
        let edit = ProgrammeEdit::ChangeLevel {
            item: d.item_key.clone(),
            level: i64::from(level.get()),
        };
        match programme::apply(&programme, edit) {
            Ok(next) => {
                programme = next;
                changed = true;
            }
            Err(e) => form.set_error(
                &format!("{ITEM_PREFIX}{}", d.item_key),
                format!("{}: {e}", d.name),
            ),
        }
    }
    Some((changed.then_some(programme), words))
}

/// `POST /reviews/{id}/decide`: every exercise's choice and one note, stored as one new
/// programme version (when a level changes) and the review settled.
async fn decide(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let actor = staff(&ctx)?;
    let store = ctx.state.store.as_ref();
    let b = basis(store, &actor, id).await?;
    if b.record.status != ReviewStatus::Suggested {
        ctx.flash("info", "That suggestion was already dealt with.")
            .await?;
        return Ok(Redirect::to(&format!("/runners/{}", b.runner.id)).into_response());
    }
    let values: HashMap<String, String> = fields.iter().cloned().collect();
    let mut form = FormState::from_values(values);
    let note = form.value("note").trim().to_owned();
    if note.chars().count() > MAX_NOTE_CHARS {
        form.set_error("note", "Keep the note to 1,000 characters or fewer.");
    } else if note
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        form.set_error("note", "Remove the special control characters.");
    }
    let stale_log = form.value("seen_log").parse::<i64>().ok() != Some(b.latest_log);
    let shown_programme = b.programme.as_ref().map_or(0, |(r, _)| r.id);
    let stale_programme = form.value("seen_programme").parse::<i64>().ok() != Some(shown_programme);
    if stale_log || stale_programme {
        let what = if stale_log {
            format!(
                "{} has logged since this review was shown",
                b.runner.display_name
            )
        } else {
            "the programme has changed since this review was shown".to_owned()
        };
        form.set_error(
            "decisions",
            format!(
                "Nothing was saved: {what}, so the proposals may have changed. Look at them \
                 again below — your choices are kept — and save once more."
            ),
        );
    }
    let chosen = read_choices(&mut form, &b, &fields);
    let outcome = if form.has_errors() {
        None
    } else {
        applied(&mut form, &b, &chosen)
    };
    let Some((programme, words)) = outcome.filter(|_| !form.has_errors()) else {
        if !form.has_errors() {
            form.set_error(
                "decisions",
                format!(
                    "{} has no approved programme to change. Approve one first.",
                    b.runner.display_name
                ),
            );
        }
        // Shown again against what is there now, with everything typed kept.
        let form = markers(form, &b);
        return show(&ctx, &b, form).await;
    };
    let all_accepted = chosen.iter().all(|c| matches!(c, Choice::Accept));
    let status = if all_accepted {
        ReviewStatus::Accepted
    } else {
        ReviewStatus::Overridden
    };
    let stored_note = [note.as_str(), &words.join(" ")]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    match store.settle_review(&actor, id, status, &stored_note).await {
        Ok(_) => {}
        Err(StoreError::Conflict { .. }) => {
            ctx.flash("info", "That suggestion was already dealt with.")
                .await?;
            return Ok(Redirect::to(&format!("/runners/{}", b.runner.id)).into_response());
        }
        Err(e) => return Err(e.into()),
    }
    let mut message = "Decisions saved.".to_owned();
    if let (Some(next), Some((record, _))) = (programme, b.programme.as_ref()) {
        let body_json =
            serde_json::to_string(&next).map_err(|e| AppError::Internal(e.to_string()))?;
        store
            .add_programme(
                &actor,
                b.runner.id,
                &NewProgramme {
                    assessment_id: record.assessment_id,
                    status: ProgrammeStatus::Approved,
                    body_json,
                },
            )
            .await?;
        message.push_str(" The programme's levels were updated as one new version.");
    }
    ctx.flash("success", message).await?;
    Ok(Redirect::to(&format!("/runners/{}", b.runner.id)).into_response())
}
