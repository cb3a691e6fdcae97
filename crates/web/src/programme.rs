//! Programmes: generated from a scored assessment, approved or edited by the clinician (every
//! version kept), followed by the runner, and exported as a calendar (.ics). A red flag after a
//! programme puts it on hold (`hold`).

pub mod hold;

use crate::AppState;
use crate::clock::local_time;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::run_days::{self, RunDaysField};
use crate::templates::{FormState, Page, render, render_status};
use askama::Template;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use backstride_core::assessment::{Assessment, AssessmentResult};
use backstride_core::library::{self, DosageKind, RawDosage};
use backstride_core::programme::{self, Programme, ProgrammeEdit, RawProgrammeRequest};
use backstride_store::{
    Actor, AssessmentStatus, NewProgramme, ProgrammeRecord, ProgrammeStatus, StoreError, User,
};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/programme", get(current))
        .route("/assessments/{id}/programme", get(new_page).post(create))
        .route("/runners/{id}/programmes", get(versions))
        .route("/programmes/{id}", get(show))
        .route("/programmes/{id}/approve", post(approve))
        .route("/programmes/{id}/edit", post(edit))
        .route("/programmes/{id}/calendar.ics", get(calendar_ics))
        .route("/programme/calendar-link", post(new_calendar_link))
        .route("/calendar/{token}", get(subscribed_calendar))
}

type Fields = Form<HashMap<String, String>>;

/// The one rule for every view of a version (page, list, handout PDF, calendar file): staff
/// of the runner's clinic see any version the store lets them open; the runner sees only
/// versions their clinician approved, never a suggestion still waiting.
pub fn shown_to(viewer: &User, record: &ProgrammeRecord) -> bool {
    viewer.role.is_staff() || record.status != ProgrammeStatus::Suggested
}

/// The version `id` for a download (handout PDF, calendar file): one the viewer may not see is
/// answered like one that does not exist.
pub async fn downloadable(ctx: &Ctx, id: i64) -> AppResult<ProgrammeRecord> {
    let record = ctx.state.store.programme(&ctx.actor()?, id).await?;
    if shown_to(ctx.user()?, &record) {
        Ok(record)
    } else {
        Err(AppError::NotFound)
    }
}

fn parse_body(record: &ProgrammeRecord) -> AppResult<Programme> {
    record.programme().map_err(AppError::Internal)
}

/// Stores `programme` as the runner's next version.
async fn save_version(
    ctx: &Ctx,
    actor: &Actor,
    runner_id: i64,
    assessment_id: Option<i64>,
    status: ProgrammeStatus,
    programme: &Programme,
) -> AppResult<ProgrammeRecord> {
    let body_json =
        serde_json::to_string(programme).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(ctx
        .state
        .store
        .add_programme(
            actor,
            runner_id,
            &NewProgramme {
                assessment_id,
                status,
                body_json,
            },
        )
        .await?)
}

#[derive(Template)]
#[template(path = "programme_new.html")]
struct NewProgrammePage {
    page: Page,
    assessment_id: i64,
    form: FormState,
    /// The run days, with the warning beside them while none is ticked.
    run_days: RunDaysField,
    blocked: Vec<String>,
}

async fn scored_assessment(
    ctx: &Ctx,
    id: i64,
) -> AppResult<(backstride_store::AssessmentRecord, Option<AssessmentResult>)> {
    let record = ctx.state.store.assessment(&ctx.actor()?, id).await?;
    let result = match (&record.status, &record.result_json) {
        (AssessmentStatus::Complete | AssessmentStatus::Stopped, Some(json)) => {
            serde_json::from_str(json).ok()
        }
        _ => None,
    };
    Ok((record, result))
}

async fn new_page_with(
    ctx: &Ctx,
    id: i64,
    form: FormState,
    blocked: Vec<String>,
) -> AppResult<Response> {
    let status = if form.has_errors() || !blocked.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        NewProgrammePage {
            page: ctx.page("Build a programme").await?,
            assessment_id: id,
            run_days: RunDaysField::programme(&form),
            form,
            blocked,
        },
    )
}

/// Why no programme may be built for the runner now: a red flag on hold since.
async fn held_back(ctx: &Ctx, runner_id: i64) -> AppResult<Vec<String>> {
    let hold = hold::red_flag_hold(ctx.state.store.as_ref(), &ctx.actor()?, runner_id).await?;
    Ok(hold.map(|h| vec![h.refusal()]).unwrap_or_default())
}

async fn new_page(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let (record, result) = scored_assessment(&ctx, id).await?;
    let blocked = match &result {
        None => vec![
            "Finish the assessment first: the programme is built from its findings.".to_owned(),
        ],
        Some(r) if !r.programme_allowed => r.programme_blocked_because.clone(),
        Some(_) => held_back(&ctx, record.runner_id).await?,
    };
    let form = FormState::default()
        .with_value("start_date", &ctx.state.clock.today_for(&user).to_string())
        .with_value("days", "14")
        .with_value("minutes_cap", "20");
    // Ticked from the self-check's answer (or the last programme); none warns beside the field.
    let answers = Assessment::from_json(&record.raw_json).ok();
    let days = run_days::usual(&ctx, record.runner_id, answers.as_ref()).await?;
    let form = run_days::tick_for_programme(form, &days);
    new_page_with(&ctx, id, form, blocked).await
}

/// Builds the programme request from the form, recording each field's error.
fn request_from(form: &mut FormState) -> Option<RawProgrammeRequest> {
    let start_date = form.parse("start_date", |raw| {
        raw.trim()
            .parse::<jiff::civil::Date>()
            .map_err(|_| "Enter the start date as YYYY-MM-DD.")
    });
    let days = form.parse("days", |raw| {
        raw.trim()
            .parse::<i64>()
            .map_err(|_| "Choose 7 or 14 days.")
    });
    let minutes_cap = form.parse("minutes_cap", |raw| {
        raw.trim()
            .parse::<i64>()
            .map_err(|_| "Enter the daily time limit in whole minutes.")
    });
    let run_days = run_days::programme_days(form);
    Some(RawProgrammeRequest {
        start_date: start_date?,
        days: Some(days?),
        run_days,
        minutes_cap: Some(minutes_cap?),
        measured_cadence: None,
    })
}

async fn create(ctx: Ctx, Path(id): Path<i64>, Form(fields): Fields) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let (record, result) = scored_assessment(&ctx, id).await?;
    let mut form = FormState::from_values(fields);
    let Some(result) = result else {
        return new_page_with(&ctx, id, form, vec!["Finish the assessment first.".into()]).await;
    };
    let Some(raw) = request_from(&mut form) else {
        return new_page_with(&ctx, id, form, Vec::new()).await;
    };
    let held = held_back(&ctx, record.runner_id).await?;
    if result.programme_allowed && !held.is_empty() {
        return new_page_with(&ctx, id, form, held).await;
    }
    let request = match raw.validate(ctx.state.clock.today_for(ctx.user()?)) {
        Ok(mut r) => {
            let clinic =
                crate::clinic_settings::clinic_of(ctx.state.store.as_ref(), record.runner_id)
                    .await?;
            r.thresholds = crate::clinic_settings::assessment_thresholds(clinic.as_ref());
            // Cadence measured by the watch sets the target when there is one.
            let runner = ctx.state.store.user(record.runner_id).await?;
            let watch =
                crate::runs::load::watch_cadence(ctx.state.store.as_ref(), &actor, &runner).await?;
            r.measured_cadence = watch.and_then(|c| programme::MeasuredCadence::try_from(c).ok());
            r
        }
        Err(err) => {
            let field = match err {
                programme::ProgrammeError::CalendarLength(_) => "days",
                programme::ProgrammeError::MinutesCap(_) => "minutes_cap",
                _ => "start_date",
            };
            form.set_error(field, err.to_string());
            return new_page_with(&ctx, id, form, Vec::new()).await;
        }
    };
    let built = match programme::generate(&result, &request) {
        Ok(p) => p,
        Err(programme::ProgrammeError::Blocked { reasons }) => {
            return new_page_with(&ctx, id, form, reasons).await;
        }
        Err(err) => {
            form.set_error("start_date", err.to_string());
            return new_page_with(&ctx, id, form, Vec::new()).await;
        }
    };
    let runner = ctx.state.store.user(record.runner_id).await?;
    // A clinic's runner gets a suggestion their clinician approves; a self-directed runner gets it at once.
    let status = if runner.clinic_id.is_some() {
        ProgrammeStatus::Suggested
    } else {
        ProgrammeStatus::Approved
    };
    let saved = save_version(&ctx, &actor, record.runner_id, Some(id), status, &built).await?;
    let message = match status {
        ProgrammeStatus::Suggested if actor.role.is_staff() => {
            "Programme suggested. Review it, edit anything you like, then approve it."
        }
        ProgrammeStatus::Suggested => {
            "Your programme is ready for your clinician to review. You'll see it here once it's approved."
        }
        _ => "Your programme is ready.",
    };
    ctx.flash("success", message).await?;
    Ok(Redirect::to(&format!("/programmes/{}", saved.id)).into_response())
}

/// One item as the page shows it.
struct ItemView {
    key: String,
    name: String,
    dose: String,
    extra: String,
    frequency: String,
    reason: String,
    cautions: Vec<String>,
    level: Option<u8>,
    levels: Vec<(u8, String)>,
    illustration: String,
    steps: Vec<String>,
    cues: Vec<String>,
    minutes: u32,
    dosage: (i64, i64, i64),
}

struct DayView {
    date: String,
    weekday: &'static str,
    run: bool,
    names: Vec<String>,
    minutes: u32,
    note: String,
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePageView {
    page: Page,
    id: i64,
    runner_id: i64,
    runner_name: String,
    version: i64,
    status: &'static str,
    approved_note: String,
    can_edit: bool,
    /// The runner is looking at their own programme ("Your programme").
    is_self: bool,
    /// The runner has a clinic; a self-directed runner's page never mentions one.
    has_clinic: bool,
    items: Vec<ItemView>,
    left_out: Vec<(String, String)>,
    days: Vec<DayView>,
    cues: Vec<(String, String)>,
    cadence: String,
    notes: Vec<String>,
    /// Why this programme is on hold after a red flag (empty when it is not).
    on_hold: String,
    /// Some items are a starting point for areas that were not tested: offer a new self-check.
    test_later: bool,
    swap_choices: Vec<(String, String)>,
    edit_form: FormState,
}

impl ItemView {
    /// The why and cautions without clinic wording for a self-directed runner.
    fn for_runner(mut self, has_clinic: bool) -> ItemView {
        crate::wording::rewrite(&mut self.reason, has_clinic);
        for c in &mut self.cautions {
            crate::wording::rewrite(c, has_clinic);
        }
        self
    }
}

/// How to do a programme item: its still drawing (empty for the clinician's own), steps and
/// cues. Shared by the programme page and Today's exercise cards.
pub(crate) struct HowTo {
    pub illustration: String,
    pub steps: Vec<String>,
    pub cues: Vec<String>,
}

pub(crate) fn how_to(item: &programme::ProgrammeItem) -> HowTo {
    let exercise = item.exercise_id().map(|id| id.exercise());
    HowTo {
        illustration: exercise
            .and_then(|e| {
                backstride_figures::svg_static(e.illustration, backstride_figures::Phase::Start)
            })
            .unwrap_or_default(),
        steps: exercise
            .map(|e| e.steps.iter().map(|s| s.to_string()).collect())
            .unwrap_or_else(|| match &item.exercise {
                programme::PlannedExercise::Custom { text, .. } => vec![text.clone()],
                _ => Vec::new(),
            }),
        cues: exercise
            .map(|e| e.cues.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
    }
}

fn item_view(item: &programme::ProgrammeItem) -> ItemView {
    let exercise = item.exercise_id().map(|id| id.exercise());
    let levels = exercise
        .and_then(|e| library::ladder(e.ladder.as_str()))
        .map(|ladder| {
            ladder
                .rungs
                .iter()
                .map(|e| (e.level.get(), format!("{} — {}", e.level, e.name)))
                .collect()
        })
        .unwrap_or_default();
    let dose = item.dosage.describe(item.sidedness);
    let how = how_to(item);
    ItemView {
        key: item.key.clone(),
        name: item.name.clone(),
        dose,
        extra: item
            .extra_set_side
            .map(|s| format!("One extra set on the {} side.", s.name()))
            .unwrap_or_default(),
        frequency: item.frequency.text.clone(),
        reason: item.why(),
        cautions: item.cautions.clone(),
        level: item.level().map(|l| l.get()),
        levels,
        illustration: how.illustration,
        steps: how.steps,
        cues: how.cues,
        minutes: item.session_seconds.div_ceil(60),
        dosage: (
            i64::from(item.dosage.sets()),
            i64::from(item.dosage.reps_or_seconds()),
            i64::from(item.dosage.days_per_week()),
        ),
    }
}

async fn show_with(
    ctx: &Ctx,
    record: ProgrammeRecord,
    edit_form: FormState,
) -> AppResult<Response> {
    let viewer = ctx.user()?.clone();
    if !shown_to(&viewer, &record) {
        ctx.flash("info", "Your clinician hasn't approved this programme yet. You'll see it here as soon as they do.").await?;
        return Ok(Redirect::to("/programme").into_response());
    }
    let body = parse_body(&record)?;
    let runner = ctx.state.store.user(record.runner_id).await?;
    let names: HashMap<&str, &str> = body
        .items
        .iter()
        .map(|i| (i.key.as_str(), i.name.as_str()))
        .collect();
    let has_clinic = runner.clinic_id.is_some();
    let approved_note = match (record.approved_by, record.approved_at) {
        // A self-directed runner's programme is approved by no one but the rules: no "Approved by"
        // followed by their own name.
        (Some(_), Some(at)) if !has_clinic => {
            format!("Ready since {}.", local_time(at, &viewer.time_zone))
        }
        (Some(by), Some(at)) => {
            let who = ctx
                .state
                .store
                .user(by)
                .await
                .map(|u| u.display_name)
                .unwrap_or_else(|_| "a former user".into());
            format!(
                "Approved by {who} on {}.",
                local_time(at, &viewer.time_zone)
            )
        }
        _ => String::new(),
    };
    let swap_choices = library::all()
        .iter()
        .map(|e| (e.id.to_string(), format!("{} (level {})", e.name, e.level)))
        .collect();
    let cadence = body
        .cadence_target
        .as_ref()
        .map(|c| format!("Cadence now {:.0} steps/min: aim for {:.0} first, later {:.0} (Heiderscheit et al. 2011).", c.current, c.first_step, c.later))
        .unwrap_or_default();
    let view = ProgrammePageView {
        page: ctx.page("Programme").await?,
        id: record.id,
        runner_id: record.runner_id,
        runner_name: runner.display_name,
        version: record.version,
        status: record.status.as_str(),
        approved_note,
        can_edit: viewer.role.is_staff() && record.status != ProgrammeStatus::Superseded,
        items: body
            .items
            .iter()
            .map(|i| item_view(i).for_runner(has_clinic))
            .collect(),
        left_out: body
            .left_out
            .iter()
            .map(|l| {
                let why = crate::wording::for_runner(&l.reason, has_clinic);
                (l.name.clone(), why.into_owned())
            })
            .collect(),
        days: body
            .calendar
            .iter()
            .map(|d| DayView {
                date: d.date.strftime("%-d %b").to_string(),
                weekday: d.weekday.name(),
                run: d.is_run_day,
                names: d
                    .exercises
                    .iter()
                    .map(|k| names.get(k.as_str()).copied().unwrap_or(k).to_owned())
                    .collect(),
                minutes: d.minutes,
                note: d.note.clone().unwrap_or_default(),
            })
            .collect(),
        cues: body
            .form_cues
            .iter()
            .map(|c| (c.text.clone(), c.reason.clone()))
            .collect(),
        cadence,
        notes: body
            .notes
            .iter()
            .map(|n| crate::wording::for_runner(n, has_clinic).into_owned())
            .collect(),
        on_hold: crate::wording::for_runner(
            &held_back(ctx, record.runner_id).await?.concat(),
            has_clinic,
        )
        .into_owned(),
        is_self: viewer.id == record.runner_id,
        has_clinic,
        test_later: body
            .items
            .iter()
            .any(|i| i.priority == programme::ItemPriority::StartingPoint),
        swap_choices,
        edit_form,
    };
    render_status(view.edit_form.status(), view)
}

async fn show(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let record = ctx.state.store.programme(&ctx.actor()?, id).await?;
    show_with(&ctx, record, FormState::default()).await
}

/// The runner's current programme: the approved version, or word that one awaits approval.
async fn current(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let (approved, waiting) = ctx
        .state
        .store
        .current_programme(&Actor::of(&user), user.id)
        .await?;
    if let Some(approved) = approved {
        return Ok(Redirect::to(&format!("/programmes/{}", approved.id)).into_response());
    }
    render(NoProgramme {
        page: ctx.page("Your programme").await?,
        waiting,
    })
}

#[derive(Template)]
#[template(path = "programme_none.html")]
struct NoProgramme {
    page: Page,
    waiting: bool,
}

#[derive(Template)]
#[template(path = "programme_list.html")]
struct VersionsPage {
    page: Page,
    runner_name: String,
    versions: Vec<(i64, i64, &'static str, String)>,
}

async fn versions(ctx: Ctx, Path(runner_id): Path<i64>) -> AppResult<Response> {
    let viewer = ctx.user()?.clone();
    let runner = ctx
        .state
        .store
        .open_runner_record(&ctx.actor()?, runner_id, "list programmes")
        .await?;
    let all = ctx
        .state
        .store
        .programmes_of(&ctx.actor()?, runner_id)
        .await?;
    let versions = all
        .into_iter()
        .filter(|p| shown_to(&viewer, p))
        .map(|p| {
            (
                p.id,
                p.version,
                p.status.as_str(),
                local_time(p.created_at, &viewer.time_zone),
            )
        })
        .collect();
    render(VersionsPage {
        page: ctx.page("Programme versions").await?,
        runner_name: runner.display_name,
        versions,
    })
}

async fn approve(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let actor = ctx.actor()?;
    if actor.role.is_staff() {
        // Approving re-checks: a red flag since this suggestion was made keeps it unapproved.
        let record = ctx.state.store.programme(&actor, id).await?;
        if let Some(why) = held_back(&ctx, record.runner_id).await?.pop() {
            ctx.flash("error", why).await?;
            return Ok(Redirect::to(&format!("/programmes/{id}")).into_response());
        }
    }
    match ctx.state.store.approve_programme(&actor, id).await {
        Ok(_) => {
            ctx.flash(
                "success",
                "Approved. The runner can see this programme now.",
            )
            .await?
        }
        Err(StoreError::Conflict { .. }) => {
            ctx.flash(
                "error",
                "Only a suggested version can be approved; this one isn't.",
            )
            .await?
        }
        Err(err) => return Err(err.into()),
    }
    Ok(Redirect::to(&format!("/programmes/{id}")).into_response())
}

/// Reads one clinician edit from the form; field errors go next to the fields.
fn edit_from(form: &mut FormState) -> Option<ProgrammeEdit> {
    let item = form.value("item").to_owned();
    let number = |form: &mut FormState, field: &str, what: &'static str| {
        form.parse(field, |raw| {
            raw.trim()
                .parse::<i64>()
                .map_err(|_| format!("Enter {what} as a whole number."))
        })
    };
    let dosage = |form: &mut FormState| -> Option<RawDosage> {
        let kind = match form.value("kind") {
            "hold" => DosageKind::HoldSeconds,
            "stretch" => DosageKind::StretchSeconds,
            _ => DosageKind::Reps,
        };
        let sets = number(form, "sets", "sets");
        let amount = number(form, "amount", "reps or seconds");
        let days = number(form, "days_per_week", "days a week");
        Some(RawDosage {
            kind,
            sets: sets?,
            reps_or_seconds: amount?,
            rest_seconds: 30,
            days_per_week: days?,
        })
    };
    match form.value("edit") {
        "swap" => Some(ProgrammeEdit::SwapExercise {
            item,
            to: form.value("to").to_owned(),
        }),
        "level" => number(form, "level", "the level")
            .map(|level| ProgrammeEdit::ChangeLevel { item, level }),
        "dosage" => dosage(form).map(|dosage| ProgrammeEdit::ChangeDosage { item, dosage }),
        "remove" => Some(ProgrammeEdit::Remove { item }),
        "custom" => {
            let title = form.value("title").trim().to_owned();
            let text = form.value("text").trim().to_owned();
            dosage(form).map(|dosage| ProgrammeEdit::AddCustom {
                title,
                text,
                dosage,
            })
        }
        _ => {
            form.set_error("edit", "Choose what to change.");
            None
        }
    }
}

async fn edit(ctx: Ctx, Path(id): Path<i64>, Form(fields): Fields) -> AppResult<Response> {
    let actor = ctx.actor()?;
    if !actor.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    let record = ctx.state.store.programme(&actor, id).await?;
    let current = parse_body(&record)?;
    let mut form = FormState::from_values(fields);
    let Some(change) = edit_from(&mut form) else {
        return show_with(&ctx, record, form).await;
    };
    let next = match programme::apply(&current, change) {
        Ok(p) => p,
        Err(err) => {
            let field = if form.value("edit") == "custom" {
                "title"
            } else {
                "edit"
            };
            form.set_error(field, err.to_string());
            return show_with(&ctx, record, form).await;
        }
    };
    let saved = save_version(
        &ctx,
        &actor,
        record.runner_id,
        record.assessment_id,
        ProgrammeStatus::Suggested,
        &next,
    )
    .await?;
    ctx.flash(
        "success",
        format!(
            "Saved as version {}. Approve it when you're happy.",
            saved.version
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/programmes/{}", saved.id)).into_response())
}

/// The calendar file of `record`, `runner`'s programme: its training days, or only a note saying
/// why while a red flag holds the programme (`hold`). Read as `actor`.
async fn calendar_file(
    state: &AppState,
    actor: &Actor,
    runner: &User,
    record: &ProgrammeRecord,
) -> AppResult<String> {
    Ok(
        match hold::red_flag_hold(state.store.as_ref(), actor, runner.id).await? {
            Some(hold) => crate::ics::on_hold_calendar(
                record.id,
                &hold.refusal(),
                &format!("{}{}", state.config.base_url(), hold.results_path()),
                state.clock.today_for(runner),
                state.clock.unix(),
            ),
            None => {
                crate::ics::programme_calendar(&parse_body(record)?, record.id, state.clock.unix())
            }
        },
    )
}

async fn calendar_ics(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let record = downloadable(&ctx, id).await?;
    let runner = ctx.state.store.user(record.runner_id).await?;
    let ics = calendar_file(&ctx.state, &ctx.actor()?, &runner, &record).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"backstride-programme.ics\"",
            ),
        ],
        ics,
    )
        .into_response())
}

/// Makes a new private subscription link for the runner's calendar (the old one stops working).
/// Only its hash is kept, so the link is shown once.
async fn new_calendar_link(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user_with_role(&[backstride_core::Role::Runner])?;
    let token = crate::security::random_token(24);
    ctx.state
        .store
        .set_calendar_feed(user.id, &crate::security::token_hash(&token))
        .await?;
    let link = format!("{}/calendar/{token}.ics", ctx.state.config.base_url());
    ctx.flash(
        "success",
        format!("Your private calendar link (copy it into your calendar app; it's shown only this once, and making a new one turns this one off): {link}"),
    )
    .await?;
    Ok(Redirect::to("/programme").into_response())
}

/// The subscribed calendar: the runner's approved programme (or the note that it is on hold),
/// found by the private link alone.
async fn subscribed_calendar(
    axum::extract::State(state): axum::extract::State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let token = token.strip_suffix(".ics").unwrap_or(&token);
    let runner_id = state
        .store
        .calendar_feed_runner(&crate::security::token_hash(token))
        .await?
        .ok_or(AppError::NotFound)?;
    let runner = state.store.user(runner_id).await?;
    let versions = state
        .store
        .programmes_of(&Actor::of(&runner), runner_id)
        .await?;
    let Some(current) = versions
        .iter()
        .find(|p| p.status == ProgrammeStatus::Approved)
    else {
        return Err(AppError::NotFound);
    };
    let ics = calendar_file(&state, &Actor::of(&runner), &runner, current).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        ics,
    )
        .into_response())
}
