//! The assessment pages: the runner's self-assessment wizard (red flags first, one area per
//! step, saved after every step), the same wizard run by clinic staff for a client, and the
//! results page with referrals, findings, sources and left/right charts.
//!
//! All clinical reasoning is core's: this module only maps form fields onto the raw
//! assessment, asks core to validate and score it, and stores both through the audited store.

mod chart;
pub mod results;
pub(crate) mod steps;

use crate::AppState;
use crate::clock::local_time;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{FormState, Page, render, render_status};
use askama::Template;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use backstride_core::Role;
use backstride_core::assessment::measurements::{CadenceAnswer, PostureFormTests};
use backstride_core::assessment::{
    Area, Assessment, AssessmentResult, PROTOCOL, PROTOCOL_VERSION, assess, score, validate,
};
use backstride_store::{
    Actor, AlertTier, AssessmentKind, AssessmentRecord, AssessmentStatus, SaveAssessment,
};
use std::collections::HashMap;
use steps::{Control, Mode, TestView};

/// Longest clinician note accepted.
const MAX_NOTES_CHARS: usize = 5000;

/// The assessment routes (merged into the app's router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessment", get(own_assessments))
        .route("/assessment/figures.css", get(figure_styles))
        .route("/assessment/{id}/{step}", get(step_page).post(save_step))
        .route("/assessments/{id}", get(results_page))
        .route("/runners/{runner_id}/assessments", get(list_page))
        .route(
            "/runners/{runner_id}/assessments/new",
            get(list_page).post(start),
        )
}

// --- Illustrations ---------------------------------------------------------------------------

/// Splits a figure into its drawing and its animation style: the page's CSP allows styles only
/// from our own files, so the style is served from `/assessment/figures.css` instead of inline.
fn split_figure(svg: &str) -> (String, &str) {
    match (svg.find("<style>"), svg.find("</style>")) {
        (Some(start), Some(end)) if end > start => {
            let style = &svg[start + "<style>".len()..end];
            let drawing = format!("{}{}", &svg[..start], &svg[end + "</style>".len()..]);
            (drawing, style)
        }
        _ => (svg.to_owned(), ""),
    }
}

/// The line drawing of a test, as inline SVG without its style element.
fn figure(id: &str) -> Option<String> {
    backstride_figures::svg(id).map(|svg| split_figure(&svg).0)
}

/// `GET /assessment/figures.css`: the animation styles of every drawing the protocol uses.
async fn figure_styles() -> Response {
    let mut css = String::new();
    let mut seen = Vec::new();
    for id in PROTOCOL.iter().filter_map(|t| t.illustration) {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        if let Some(svg) = backstride_figures::svg(id) {
            css.push_str(split_figure(&svg).1);
            css.push('\n');
        }
    }
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        css,
    )
        .into_response()
}

// --- Lists and starting ----------------------------------------------------------------------

/// One stored assessment in a list.
pub struct AssessmentLine {
    pub when: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub link: String,
    pub link_text: &'static str,
}

#[derive(Template)]
#[template(path = "assessment_list.html")]
pub struct AssessmentList {
    pub page: Page,
    pub runner_id: i64,
    pub runner_name: String,
    pub is_self: bool,
    pub lines: Vec<AssessmentLine>,
    /// Where the newest unfinished assessment continues, if there is one.
    pub resume: Option<String>,
    /// The first screen of a runner's own self-check: time, kit and who each test needs.
    pub before: Option<BeforeYouStart>,
}

/// What a runner reads before starting a self-check at home.
pub struct BeforeYouStart {
    pub minutes: (u32, u32),
    pub kit: &'static [&'static str],
    /// The tests a runner does in the wizard, by mark: on their own, with a helper, in clinic
    /// (only a clinician enters those).
    pub alone: usize,
    pub helper: Vec<&'static str>,
    pub clinic: Vec<&'static str>,
}

fn before_you_start() -> BeforeYouStart {
    use backstride_core::assessment::Setting;
    use backstride_core::assessment::protocol::{HOME_KIT, SELF_CHECK_MINUTES};
    let named = |setting| {
        PROTOCOL
            .iter()
            .filter(move |t| t.setting == Some(setting) && t.area != Area::Postpartum)
            .map(|t| t.name)
    };
    BeforeYouStart {
        minutes: SELF_CHECK_MINUTES,
        kit: &HOME_KIT,
        alone: named(Setting::OnYourOwn).count(),
        helper: named(Setting::WithHelper).collect(),
        clinic: named(Setting::InClinic).collect(),
    }
}

fn kind_words(kind: AssessmentKind) -> &'static str {
    match kind {
        AssessmentKind::Baseline => "First assessment",
        AssessmentKind::Retest => "Re-test",
    }
}

fn status_words(status: AssessmentStatus) -> &'static str {
    match status {
        AssessmentStatus::Draft => "not finished",
        AssessmentStatus::Complete => "complete",
        AssessmentStatus::Stopped => "stopped at the red-flag screen",
    }
}

fn step_link(rec: &AssessmentRecord) -> String {
    format!("/assessment/{}/{}", rec.id, rec.step)
}

/// `GET /assessment`: the runner's own assessments, with "continue" and "start".
async fn own_assessments(ctx: Ctx) -> AppResult<Response> {
    let id = ctx.user_with_role(&[Role::Runner])?.id;
    list(&ctx, id).await
}

/// `GET /runners/{runner_id}/assessments` (and `/new`): a runner's assessments.
async fn list_page(ctx: Ctx, Path(runner_id): Path<i64>) -> AppResult<Response> {
    list(&ctx, runner_id).await
}

async fn list(ctx: &Ctx, runner_id: i64) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let viewer = ctx.user()?;
    let records = ctx.state.store.assessments_of(&actor, runner_id).await?;
    let runner = ctx.state.store.user(runner_id).await?;
    let resume = records
        .iter()
        .find(|r| r.status == AssessmentStatus::Draft)
        .map(step_link);
    let lines = records
        .iter()
        .map(|r| {
            let draft = r.status == AssessmentStatus::Draft;
            AssessmentLine {
                when: local_time(r.updated_at, &viewer.time_zone),
                kind: kind_words(r.kind),
                status: status_words(r.status),
                link: if draft {
                    step_link(r)
                } else {
                    format!("/assessments/{}", r.id)
                },
                link_text: if draft { "Continue" } else { "Results" },
            }
        })
        .collect();
    let is_self = runner_id == viewer.id;
    let title = if is_self {
        "Your assessments".to_owned()
    } else {
        format!("Assessments: {}", runner.display_name)
    };
    render(AssessmentList {
        page: ctx.page(&title).await?,
        runner_id,
        runner_name: runner.display_name,
        is_self,
        lines,
        resume,
        before: (is_self && viewer.role == Role::Runner).then(before_you_start),
    })
}

/// `POST /runners/{runner_id}/assessments/new`: starts an assessment (a re-test when one is
/// already complete) at the red-flag screen.
/// What a new assessment is: a re-test once one is complete, else the baseline.
pub(crate) fn next_kind(earlier: &[AssessmentRecord]) -> AssessmentKind {
    if earlier
        .iter()
        .any(|r| r.status == AssessmentStatus::Complete)
    {
        AssessmentKind::Retest
    } else {
        AssessmentKind::Baseline
    }
}

async fn start(ctx: Ctx, Path(runner_id): Path<i64>) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let earlier = ctx.state.store.assessments_of(&actor, runner_id).await?;
    let kind = next_kind(&earlier);
    // Cadence measured by the watch fills the cadence test; the runner can still change it.
    let runner = ctx.state.store.user(runner_id).await?;
    let watch = crate::runs::load::watch_cadence(ctx.state.store.as_ref(), &actor, &runner).await?;
    let raw = Assessment {
        protocol_version: Some(PROTOCOL_VERSION.to_owned()),
        posture_form: watch.map(|spm| PostureFormTests {
            cadence: Some(CadenceAnswer {
                steps_per_minute: Some(spm),
                steps_in_30_s: None,
            }),
            ..PostureFormTests::default()
        }),
        ..Assessment::default()
    };
    let rec = ctx
        .state
        .store
        .save_assessment(
            &actor,
            runner_id,
            &SaveAssessment {
                id: None,
                kind,
                status: AssessmentStatus::Draft,
                protocol_version: PROTOCOL_VERSION.to_owned(),
                step: steps::slug(Area::RedFlags).to_owned(),
                raw_json: to_json(&raw)?,
                result_json: None,
                notes: String::new(),
            },
        )
        .await?;
    Ok(Redirect::to(&step_link(&rec)).into_response())
}

// --- The wizard ------------------------------------------------------------------------------

/// One entry of the step list at the top of the wizard.
pub struct StepLink {
    pub name: &'static str,
    /// Empty for steps not reached yet.
    pub link: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "assessment_step.html")]
pub struct StepPage {
    pub page: Page,
    pub steps: Vec<StepLink>,
    pub number: usize,
    pub total: usize,
    pub title: &'static str,
    pub intro: &'static str,
    pub runner_name: String,
    pub clinician: bool,
    pub red_flags: bool,
    pub tests: Vec<TestView>,
    pub form: FormState,
    pub action: String,
    pub back: Option<String>,
    pub last: bool,
    pub birth_question: Control,
    pub cleared_name: &'static str,
    /// On the pain-and-function step: which days the runner usually runs.
    pub run_days: Option<crate::run_days::RunDaysField>,
    /// On the posture and running-form step: the page that measures form from a video.
    pub video_link: Option<String>,
}

fn intro(area: Area) -> &'static str {
    match area {
        Area::RedFlags => {
            "A few questions first, to make sure exercise is safe for you now. Answer every one."
        }
        Area::Postpartum => {
            "Your pelvic floor matters for running after a birth. The questions about symptoms need \
             an answer; the readiness tasks can be done now or skipped."
        }
        Area::Baseline => {
            "How much the back hurts and what it stops you doing, so the re-test can show what \
             changed; and the days you usually run, which the programme fits around."
        }
        Area::PostureForm => {
            "Film yourself running from the side for a few strides, then answer from the video."
        }
        Area::HipMobility => {
            "How freely each hip moves. Do each test on both sides. The angle tests need a helper, \
             a firm table or bed, and your phone to measure the angle (or pick it on a drawing)."
        }
        Area::HipStability => {
            "How strong and steady each hip is. Compare the sides: the weaker one gets extra work."
        }
        Area::Core => {
            "How long the trunk holds steady. Press the timer's start when you are in position and \
             stop when the position slips; or time yourself and type the seconds. The first two \
             holds need a helper."
        }
    }
}

/// Loads an assessment the actor may see, with its raw answers.
async fn load(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<(AssessmentRecord, Assessment)> {
    let rec = ctx.state.store.assessment(actor, id).await?;
    let raw: Assessment = serde_json::from_str(&rec.raw_json)
        .map_err(|e| AppError::Internal(format!("stored assessment {id}: {e}")))?;
    Ok((rec, raw))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("json: {e}")))
}

/// Where a request for `area` of this assessment should go instead, if anywhere.
fn misplaced(rec: &AssessmentRecord, raw: &Assessment, area: Area) -> Option<String> {
    if rec.status != AssessmentStatus::Draft {
        return Some(format!("/assessments/{}", rec.id));
    }
    let red_flags_first = area != Area::RedFlags && raw.red_flags.is_none();
    if red_flags_first || !steps::steps_of(raw).contains(&area) {
        return Some(step_link(rec));
    }
    None
}

async fn step_view(
    ctx: &Ctx,
    rec: &AssessmentRecord,
    raw: &Assessment,
    area: Area,
    mode: Mode,
    form: FormState,
) -> AppResult<StepPage> {
    let all = steps::steps_of(raw);
    let number = all.iter().position(|a| *a == area).unwrap_or(0) + 1;
    let reached = all
        .iter()
        .position(|a| steps::slug(*a) == rec.step)
        .unwrap_or(0);
    let step_links = all
        .iter()
        .enumerate()
        .map(|(i, a)| StepLink {
            name: a.name(),
            link: if i <= reached || (raw.red_flags.is_some() && i < number) {
                format!("/assessment/{}/{}", rec.id, steps::slug(*a))
            } else {
                String::new()
            },
            current: *a == area,
        })
        .collect();
    let runner = ctx.state.store.user(rec.runner_id).await?;
    Ok(StepPage {
        page: ctx.page(&format!("Assessment: {}", area.name())).await?,
        steps: step_links,
        number,
        total: all.len(),
        title: area.name(),
        intro: intro(area),
        runner_name: runner.display_name,
        clinician: mode.clinician,
        red_flags: area == Area::RedFlags,
        tests: steps::views(area, mode, figure),
        run_days: (area == Area::Baseline)
            .then(|| crate::run_days::RunDaysField::self_check(&form)),
        form,
        action: format!("/assessment/{}/{}", rec.id, steps::slug(area)),
        back: (number > 1)
            .then(|| format!("/assessment/{}/{}", rec.id, steps::slug(all[number - 2]))),
        last: number == all.len(),
        birth_question: steps::birth_question(),
        cleared_name: steps::CLEARED,
        video_link: (area == Area::PostureForm)
            .then(|| crate::form_video::page_link(rec.runner_id, Some(rec.id))),
    })
}

fn mode_of(actor: &Actor, rec: &AssessmentRecord) -> Mode {
    Mode {
        clinician: actor.role.is_staff(),
        retest: rec.kind == AssessmentKind::Retest,
    }
}

/// `GET /assessment/{id}/{step}`: one step, filled in with what was saved.
async fn step_page(ctx: Ctx, Path((id, step)): Path<(i64, String)>) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let (rec, raw) = load(&ctx, &actor, id).await?;
    let area = steps::area_of(&step).ok_or(AppError::NotFound)?;
    if let Some(elsewhere) = misplaced(&rec, &raw, area) {
        return Ok(Redirect::to(&elsewhere).into_response());
    }
    let mode = mode_of(&actor, &rec);
    let mut form = FormState::from_values(steps::form_values(&raw, area, mode))
        .with_value("notes", &rec.notes);
    if area == Area::Baseline && crate::run_days::answer_in(&raw).is_none() {
        // Not answered on this self-check yet: the last answer (or programme) is ticked.
        let usual = crate::run_days::usual(&ctx, rec.runner_id, None).await?;
        if !usual.is_empty() {
            form = crate::run_days::tick_for_self_check(form, &usual);
        }
    }
    render(step_view(&ctx, &rec, &raw, area, mode, form).await?)
}

/// `POST /assessment/{id}/{step}`: checks the step with core, then saves it and moves on — or
/// stops at a red flag, or shows the step again (422) with every typed value and each message
/// beside its field, leaving what was saved before untouched.
async fn save_step(
    ctx: Ctx,
    Path((id, step)): Path<(i64, String)>,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let (rec, raw) = load(&ctx, &actor, id).await?;
    let area = steps::area_of(&step).ok_or(AppError::NotFound)?;
    if rec.status != AssessmentStatus::Draft {
        return Ok(Redirect::to(&format!("/assessments/{id}")).into_response());
    }
    if area != Area::RedFlags && raw.red_flags.is_none() {
        return Ok(Redirect::to(&step_link(&rec)).into_response());
    }
    let mode = mode_of(&actor, &rec);
    // Notes come with every step a clinician sees; a form without them keeps the saved ones.
    let notes_sent = fields.contains_key("notes");
    let mut form = FormState::from_values(fields);
    let updated = steps::apply(&raw, area, mode, &mut form)
        .map_err(|e| AppError::Internal(format!("assessment {id} step {step}: {e}")))?;
    if let Err(errors) = validate(&updated) {
        steps::place_errors(&errors.0, area, mode, &mut form);
    }
    let notes = if mode.clinician && notes_sent {
        form.parse("notes", |raw| {
            let notes = raw.trim();
            if notes.chars().count() > MAX_NOTES_CHARS {
                Err(format!(
                    "Keep the notes under {MAX_NOTES_CHARS} characters."
                ))
            } else {
                Ok(notes.to_owned())
            }
        })
    } else {
        Some(rec.notes.clone())
    };
    let Some(notes) = notes.filter(|_| !form.has_errors()) else {
        let page = step_view(&ctx, &rec, &raw, area, mode, form).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, page);
    };
    let save = |status, step: &str, result_json: Option<String>| -> AppResult<SaveAssessment> {
        Ok(SaveAssessment {
            id: Some(rec.id),
            kind: rec.kind,
            status,
            protocol_version: PROTOCOL_VERSION.to_owned(),
            step: step.to_owned(),
            raw_json: to_json(&updated)?,
            result_json,
            notes: notes.clone(),
        })
    };
    let store = &ctx.state.store;
    let thresholds = crate::clinic_settings::assessment_thresholds(
        crate::clinic_settings::clinic_of(store.as_ref(), rec.runner_id)
            .await?
            .as_ref(),
    );

    if area == Area::RedFlags {
        let screen_only = Assessment {
            protocol_version: Some(PROTOCOL_VERSION.to_owned()),
            red_flags: updated.red_flags.clone(),
            ..Assessment::default()
        };
        let screened = assess(&screen_only, &thresholds)
            .map_err(|e| AppError::Internal(format!("red-flag screen did not score: {e}")))?;
        if !screened.programme_allowed {
            let done = save(
                AssessmentStatus::Stopped,
                steps::slug(area),
                Some(to_json(&screened)?),
            )?;
            store.save_assessment(&actor, rec.runner_id, &done).await?;
            let reason = red_flag_reason(&screened, rec.id);
            alert_clinician(store.as_ref(), &ctx.state.clock, rec.runner_id, &reason).await?;
            return Ok(Redirect::to(&format!("/assessments/{id}")).into_response());
        }
    }

    let all = steps::steps_of(&updated);
    let next = all.iter().skip_while(|a| **a != area).nth(1).copied();
    if let Some(next) = next {
        let draft = save(AssessmentStatus::Draft, steps::slug(next), None)?;
        store.save_assessment(&actor, rec.runner_id, &draft).await?;
        return Ok(
            Redirect::to(&format!("/assessment/{id}/{}", steps::slug(next))).into_response(),
        );
    }

    // The last step: the whole assessment must now be valid to be scored as complete.
    match validate(&updated) {
        Ok(valid) => {
            let result = score(&valid, &thresholds);
            let done = save(
                AssessmentStatus::Complete,
                steps::slug(area),
                Some(to_json(&result)?),
            )?;
            store.save_assessment(&actor, rec.runner_id, &done).await?;
            alert_on_high_pain(store.as_ref(), &ctx.state.clock, rec.runner_id, id, &result)
                .await?;
            Ok(Redirect::to(&format!("/assessments/{id}")).into_response())
        }
        Err(errors) => {
            // An earlier step was left incomplete: keep this one and send the person back there.
            let first = all
                .iter()
                .find(|a| {
                    let prefix = format!("{}.", steps::slug(**a));
                    errors.0.iter().any(|e| e.field.starts_with(&prefix))
                })
                .copied()
                .unwrap_or(Area::RedFlags);
            let draft = save(AssessmentStatus::Draft, steps::slug(first), None)?;
            store.save_assessment(&actor, rec.runner_id, &draft).await?;
            ctx.flash(
                "error",
                format!(
                    "“{}” is not finished yet. Complete it, then carry on to the end.",
                    first.name()
                ),
            )
            .await?;
            Ok(Redirect::to(&format!("/assessment/{id}/{}", steps::slug(first))).into_response())
        }
    }
}

/// The alert text for a stop at the red-flag screen (no health values beyond what the
/// clinician must act on).
pub(crate) fn red_flag_reason(result: &AssessmentResult, id: i64) -> String {
    if result
        .referrals
        .contains(&backstride_core::assessment::Referral::Emergency)
    {
        format!(
            "Assessment #{id}: an emergency warning sign was reported at the red-flag screen; \
             the runner was told to go to an emergency department now."
        )
    } else {
        format!(
            "Assessment #{id}: a warning sign at the red-flag screen needs a doctor's check; \
             clear the runner before the programme starts."
        )
    }
}

/// Raises a critical alert about the runner, whoever they are: their clinic's staff see it
/// when there is a clinic (a self-directed runner is shown the referral instead).
pub(crate) async fn alert_clinician(
    store: &dyn backstride_store::Store,
    clock: &crate::Clock,
    runner_id: i64,
    reason: &str,
) -> AppResult<()> {
    let alert = store
        .raise_alert(runner_id, AlertTier::Critical, reason, clock.unix())
        .await?;
    crate::webhooks::events::critical_alert(store, runner_id, alert).await;
    Ok(())
}

/// After assessment `id` was scored complete: high pain reported raises an alert, so the
/// clinician checks in before the programme is loaded up.
pub(crate) async fn alert_on_high_pain(
    store: &dyn backstride_store::Store,
    clock: &crate::Clock,
    runner_id: i64,
    id: i64,
    result: &AssessmentResult,
) -> AppResult<()> {
    if result.findings().any(|f| f.rule.id == "pain_high") {
        let reason = format!(
            "Assessment #{id}: high pain reported; check in before the programme is loaded up."
        );
        alert_clinician(store, clock, runner_id, &reason).await?;
    }
    Ok(())
}

// --- Results ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "assessment_results.html")]
pub struct ResultsPage {
    pub page: Page,
    pub assessment_id: i64,
    pub heading: &'static str,
    pub runner_id: i64,
    pub runner_name: String,
    pub is_self: bool,
    /// A self-directed runner's results never mention a clinic.
    pub has_clinic: bool,
    pub when: String,
    pub kind: &'static str,
    pub stopped: bool,
    pub notes: String,
    pub v: results::ResultsView,
}

/// `GET /assessments/{id}`: the findings of a finished (or stopped) assessment.
async fn results_page(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let (rec, _) = load(&ctx, &actor, id).await?;
    let Some(result_json) = rec.result_json.as_deref() else {
        return Ok(Redirect::to(&step_link(&rec)).into_response());
    };
    let result: AssessmentResult = serde_json::from_str(result_json)
        .map_err(|e| AppError::Internal(format!("stored result {id}: {e}")))?;
    let thresholds = crate::clinic_settings::assessment_thresholds(
        crate::clinic_settings::clinic_of(ctx.state.store.as_ref(), rec.runner_id)
            .await?
            .as_ref(),
    );
    let viewer = ctx.user()?;
    let runner = ctx.state.store.user(rec.runner_id).await?;
    let has_clinic = runner.clinic_id.is_some();
    let v = results::view(&result, &thresholds).for_runner(has_clinic);
    let stopped = rec.status == AssessmentStatus::Stopped;
    let heading = if v.emergency {
        "Stop: this needs urgent care"
    } else if stopped {
        "Stop: see a doctor first"
    } else {
        "Assessment results"
    };
    render(ResultsPage {
        page: ctx.page(heading).await?,
        assessment_id: rec.id,
        heading,
        runner_id: rec.runner_id,
        runner_name: runner.display_name,
        is_self: rec.runner_id == viewer.id,
        has_clinic,
        when: local_time(rec.updated_at, &viewer.time_zone),
        kind: kind_words(rec.kind),
        stopped,
        notes: rec.notes,
        v,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_protocol_drawing_exists_and_its_style_moves_out_of_the_svg() {
        for id in PROTOCOL.iter().filter_map(|t| t.illustration) {
            let svg = figure(id).unwrap_or_else(|| panic!("no drawing {id}"));
            assert!(svg.starts_with("<svg") && !svg.contains("<style"), "{id}");
        }
        let (drawing, style) = split_figure("<svg><style>.a{}</style><g/></svg>");
        assert_eq!((drawing.as_str(), style), ("<svg><g/></svg>", ".a{}"));
    }
}
