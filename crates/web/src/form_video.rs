//! Running form from a phone video (issue 16): the page where the runner (or their clinician)
//! chooses or records a video and the browser's pose model turns each frame into landmarks; the
//! save that checks and analyses the landmark series with core's `form` rules and stores it
//! (the video itself never leaves the phone); and the results page with each number, the cue and
//! the exercises for it, and stick figures drawn here beside the previous analysis's; where the
//! runner's clinician confirms or dismisses each finding. Every read and write goes through the
//! store's audited record access.

mod figure;

use crate::AppState;
use crate::clock::local_time;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{Page, render};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Form, Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use backstride_core::assessment::Threshold;
use backstride_core::assessment::explain::format_judged;
use backstride_core::fields::FieldErrors;
use backstride_core::form::{
    self, ANGLE_CAVEAT, FormMetric, FormReport, MetricKind, Observation, Outcome, RawSeries,
};
use backstride_core::{Role, library};
use backstride_store::{
    Actor, AssessmentStatus, FindingReview, FormVideoRecord, NewFormVideo, SaveAssessment,
};
use serde::Deserialize;

/// The largest landmark series accepted: [`form::MAX_FRAMES`] frames of 33 landmarks, each
/// number rounded by the page to 4 places, with room to spare.
pub const SAVE_LIMIT_BYTES: usize = 16 * 1024 * 1024;

/// Marks a response that runs the pose model: its CSP allows WebAssembly and the chosen video
/// (a `blob:` address) — on this page only (see `security::headers`).
#[derive(Debug, Clone, Copy)]
pub struct PoseModelPage;

/// The pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/form", get(own_page))
        .route("/runners/{runner_id}/form", get(page))
        .route("/runners/{runner_id}/form/{id}", get(result))
        .route("/runners/{runner_id}/form/{id}/review", post(review))
}

/// The save, with its own body limit (a long series is a few megabytes).
pub fn save_routes() -> Router<AppState> {
    Router::new().route("/runners/{runner_id}/form/save", post(save))
}

/// The capture page's address, optionally coming from (and filling in) an assessment.
pub fn page_link(runner_id: i64, assessment: Option<i64>) -> String {
    match assessment {
        Some(a) => format!("/runners/{runner_id}/form?assessment={a}"),
        None => format!("/runners/{runner_id}/form"),
    }
}

#[derive(Debug, Deserialize)]
pub struct FromAssessment {
    assessment: Option<i64>,
}

/// One earlier analysis in the list.
pub struct EarlierLine {
    pub href: String,
    pub date: String,
    pub view: &'static str,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "form_video.html")]
pub struct CapturePage {
    pub page: Page,
    pub heading: String,
    pub save_url: String,
    pub earlier: Vec<EarlierLine>,
    pub max_frames: usize,
    pub min_seconds: f64,
    pub pose_base: String,
    pub setup_figure: &'static str,
}

/// `GET /form`: a runner's own page.
async fn own_page(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Runner])?;
    Ok(Redirect::to(&page_link(user.id, None)).into_response())
}

/// `GET /runners/{runner_id}/form`.
async fn page(
    ctx: Ctx,
    Path(runner_id): Path<i64>,
    Query(from): Query<FromAssessment>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let store = ctx.state.store.as_ref();
    let records = store.form_videos_of(&actor, runner_id).await?;
    let runner = store.user(runner_id).await?;
    let tz = runner.time_zone.clone();
    let earlier = records
        .iter()
        .map(|r| EarlierLine {
            href: format!("/runners/{runner_id}/form/{}", r.id),
            date: local_time(r.created_at, &tz),
            view: view_label(&r.view),
            summary: report_of(r).map(|rep| summary(&rep)).unwrap_or_default(),
        })
        .collect();
    let is_self = actor.user_id == runner_id;
    let heading = if is_self {
        "Running form from a video".to_owned()
    } else {
        format!("Running form from a video: {}", runner.display_name)
    };
    let body = CapturePage {
        page: ctx.page(&heading).await?,
        heading,
        save_url: match from.assessment {
            Some(a) => format!("/runners/{runner_id}/form/save?assessment={a}"),
            None => format!("/runners/{runner_id}/form/save"),
        },
        earlier,
        max_frames: form::MAX_FRAMES,
        min_seconds: form::MIN_SECONDS,
        pose_base: format!("/static/{}", crate::assets::POSE_MODEL),
        setup_figure: figure::SETUP,
    };
    let mut res = render(body)?;
    res.extensions_mut().insert(PoseModelPage);
    Ok(res)
}

fn view_label(view: &str) -> &'static str {
    match view {
        "rear" => "From behind",
        _ => "From the side",
    }
}

/// The analysis as a line of the runner's timeline.
pub fn timeline_line(r: &FormVideoRecord) -> String {
    let about = report_of(r).map(|rep| summary(&rep)).unwrap_or_default();
    format!(
        "Running form from a video ({}): {about}",
        view_label(&r.view).to_lowercase()
    )
}

fn report_of(r: &FormVideoRecord) -> Option<FormReport> {
    serde_json::from_str(&r.report_json).ok()
}

/// One line about an analysis: how many strides, and what it raised.
fn summary(report: &FormReport) -> String {
    let raised: Vec<&str> = report
        .metrics
        .iter()
        .filter_map(|m| m.observation.map(Observation::label))
        .collect();
    let strides = format!("{} stride events", report.strides);
    if raised.is_empty() {
        format!("{strides}; nothing flagged")
    } else {
        format!("{strides}; {}", raised.join(", ").to_lowercase())
    }
}

/// A JSON problem body listing every refused field, for the page to show beside its controls.
fn refused(errors: &FieldErrors) -> Response {
    problem("The video could not be measured", errors)
}

fn problem(title: &str, errors: &FieldErrors) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": title,
        "status": 422,
        "errors": errors.0,
    });
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

/// `POST /runners/{runner_id}/form/save`: the landmark series as JSON (CSRF token in the
/// `X-CSRF-Token` header). Checked and analysed by core, stored, and answered with the results
/// page's address; or 422 with each refused field, storing nothing.
async fn save(
    ctx: Ctx,
    Path(runner_id): Path<i64>,
    Query(from): Query<FromAssessment>,
    body: Bytes,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    // Who may save is settled (and a refusal audited) before the body is read.
    ctx.state
        .store
        .open_runner_record(&actor, runner_id, "save running-form video")
        .await?;
    let raw: RawSeries = match serde_json::from_slice(&body) {
        Ok(raw) => raw,
        Err(_) => {
            let mut errors = FieldErrors::default();
            errors.add(
                "series",
                "This is not a landmark series from the video page. Reload the page and analyse \
                 the video again.",
            );
            return Ok(refused(&errors));
        }
    };
    let clinic = crate::clinic_settings::clinic_of(ctx.state.store.as_ref(), runner_id).await;
    let thresholds = crate::clinic_settings::assessment_thresholds(clinic.ok().flatten().as_ref());
    // Linear in the frames, bounded by `form::MAX_FRAMES`; off the async workers all the same.
    let analysed = crate::blocking::off_runtime(move || {
        form::validate(&raw).map(|series| {
            let report = form::analyse(&series, &thresholds);
            (raw, report)
        })
    })
    .await?;
    let (raw, report) = match analysed {
        Ok(done) => done,
        Err(errors) => return Ok(refused(&errors)),
    };
    let store = ctx.state.store.as_ref();
    let record = store
        .add_form_video(
            &actor,
            runner_id,
            &NewFormVideo {
                view: match report.view {
                    form::View::Side => "side",
                    form::View::Rear => "rear",
                }
                .to_owned(),
                series_json: to_json(&raw)?,
                report_json: to_json(&report)?,
            },
        )
        .await?;
    let mut url = format!("/runners/{runner_id}/form/{}", record.id);
    if let Some(assessment) = from.assessment {
        // A clinician fills their assessment from the findings they confirm on the results page.
        let confirmed: Option<&[MetricKind]> = actor.role.is_staff().then_some(&[]);
        url = match fill_assessment(
            &ctx, &actor, runner_id, assessment, &report, confirmed, None,
        )
        .await?
        {
            Some(filled) if confirmed.is_none() => {
                format!("{url}?assessment={assessment}&filled={filled}")
            }
            _ => format!("{url}?assessment={assessment}"),
        };
    }
    // The moments of the stills, for the page to take from the video on the phone.
    let stills: Vec<serde_json::Value> = report
        .stills
        .iter()
        .map(|s| serde_json::json!({ "moment": s.moment, "t": s.t }))
        .collect();
    Ok(
        axum::Json(serde_json::json!({ "url": url, "id": record.id, "stills": stills }))
            .into_response(),
    )
}

fn to_json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("json: {e}")))
}

/// Fills the empty answers of a draft assessment's posture and running-form step from a side
/// view (only from the `confirmed` metrics, when given), after taking back what the `withdrawn`
/// finding (one dismissed after it was confirmed) had filled; how many were filled, or `None`
/// when the assessment is not this runner's open draft.
async fn fill_assessment(
    ctx: &Ctx,
    actor: &Actor,
    runner_id: i64,
    assessment: i64,
    report: &FormReport,
    confirmed: Option<&[MetricKind]>,
    withdrawn: Option<MetricKind>,
) -> AppResult<Option<usize>> {
    let store = ctx.state.store.as_ref();
    let rec = match store.assessment(actor, assessment).await {
        Ok(rec) => rec,
        Err(backstride_store::StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if rec.runner_id != runner_id || rec.status != AssessmentStatus::Draft {
        return Ok(None);
    }
    let mut raw: backstride_core::Assessment = serde_json::from_str(&rec.raw_json)
        .map_err(|e| AppError::Internal(format!("stored assessment {assessment}: {e}")))?;
    let posture = raw.posture_form.get_or_insert_with(Default::default);
    let emptied = withdrawn.map_or_else(Vec::new, |kind| form::withdraw(report, kind, posture));
    let filled = match confirmed {
        Some(kinds) => form::prefill_confirmed(report, kinds, posture),
        None => form::prefill(report, posture),
    };
    if filled.is_empty() && emptied.is_empty() {
        return Ok(Some(0));
    }
    store
        .save_assessment(
            actor,
            runner_id,
            &SaveAssessment {
                id: Some(rec.id),
                kind: rec.kind,
                status: rec.status,
                protocol_version: rec.protocol_version.clone(),
                step: rec.step.clone(),
                raw_json: to_json(&raw)?,
                result_json: rec.result_json.clone(),
                notes: rec.notes.clone(),
            },
        )
        .await?;
    Ok(Some(filled.len()))
}

// --- Results ---------------------------------------------------------------------------------

/// One metric as shown.
pub struct MetricLine {
    pub id: &'static str,
    pub label: &'static str,
    /// The number with its unit, or "Could not measure".
    pub value: String,
    pub measured: bool,
    /// "median of 12 strides", or why it could not be measured.
    pub detail: String,
    pub how: &'static str,
    /// The same metric last time, when there was an earlier analysis from the same view.
    pub last_time: Option<String>,
    pub finding: Option<FindingLine>,
    /// The cut-offs with their sources, for "Details".
    pub rules: Vec<String>,
    /// The clinician's decision on it, in words ("Confirmed by the clinician").
    pub review: Option<&'static str>,
}

/// What a flagged metric means and what helps.
pub struct FindingLine {
    pub label: &'static str,
    pub cue: Option<&'static str>,
    /// The exercises the programme adds for it (each ladder's named exercise).
    pub exercises: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "form_video_result.html")]
pub struct ResultPage {
    pub page: Page,
    pub heading: String,
    pub back_href: String,
    pub date: String,
    pub view: &'static str,
    pub facts: Vec<(&'static str, String)>,
    pub low_frame_rate: bool,
    pub caveat: &'static str,
    pub metrics: Vec<MetricLine>,
    /// This analysis's stick figures, each beside the previous analysis's of the same moment.
    pub figures: Vec<(figure::Still, Option<figure::Still>)>,
    /// The previous analysis from the same view: its date and address.
    pub previous: Option<(String, String)>,
    pub assessment_link: Option<String>,
    pub filled: Option<usize>,
    /// Under which name this phone keeps the stills it took from the video.
    pub kept_key: String,
    /// Where a clinician's confirm and dismiss buttons post (staff only).
    pub review_action: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Came {
    assessment: Option<i64>,
    filled: Option<usize>,
}

/// `GET /runners/{runner_id}/form/{id}`.
async fn result(
    ctx: Ctx,
    Path((runner_id, id)): Path<(i64, i64)>,
    Query(came): Query<Came>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let store = ctx.state.store.as_ref();
    let record = store.form_video(&actor, id).await?;
    if record.runner_id != runner_id {
        return Err(AppError::NotFound);
    }
    let report = report_of(&record)
        .ok_or_else(|| AppError::Internal(format!("form video {id}: stored report unreadable")))?;
    // The analysis before this one from the same view, for "last time".
    let earlier = store.form_videos_of(&actor, runner_id).await?;
    let before = earlier
        .iter()
        .filter(|r| r.view == record.view && (r.created_at, r.id) < (record.created_at, record.id))
        .find_map(|r| report_of(r).map(|rep| (r, rep)));
    let previous = before.as_ref().map(|(_, rep)| rep);
    let runner = store.user(runner_id).await?;
    let metrics = report
        .metrics
        .iter()
        .map(|m| metric_line(m, previous, &record.reviews))
        .collect();
    let earlier_stills = previous.map(figure::stills).unwrap_or_default();
    let figures = figure::stills(&report)
        .into_iter()
        .map(|now| {
            let then = earlier_stills
                .iter()
                .find(|s| s.title == now.title)
                .cloned();
            (now, then)
        })
        .collect();
    let facts = vec![
        ("Frames analysed", format!("{}", report.frames)),
        (
            "Frames with the runner found",
            format!("{}", report.frames_with_pose),
        ),
        ("Length", format!("{:.1} s", report.seconds)),
        (
            "Frame rate",
            format!("{:.0} per second", report.frames_per_second),
        ),
        ("Stride events found", format!("{}", report.strides)),
    ];
    let heading = if actor.user_id == runner_id {
        "Your running form".to_owned()
    } else {
        format!("Running form: {}", runner.display_name)
    };
    render(ResultPage {
        page: ctx.page(&heading).await?,
        heading,
        back_href: page_link(runner_id, came.assessment),
        date: local_time(record.created_at, &runner.time_zone),
        view: view_label(&record.view),
        facts,
        low_frame_rate: report.low_frame_rate,
        caveat: ANGLE_CAVEAT,
        metrics,
        figures,
        previous: before.map(|(r, _)| {
            (
                local_time(r.created_at, &runner.time_zone),
                format!("/runners/{runner_id}/form/{}", r.id),
            )
        }),
        assessment_link: came
            .assessment
            .map(|a| format!("/assessment/{a}/posture_form")),
        filled: came.filled,
        kept_key: kept_key(id),
        review_action: actor.role.is_staff().then(|| match came.assessment {
            Some(a) => format!("/runners/{runner_id}/form/{id}/review?assessment={a}"),
            None => format!("/runners/{runner_id}/form/{id}/review"),
        }),
    })
}

/// The name under which the page keeps, on the phone only, the stills of analysis `id`.
fn kept_key(id: i64) -> String {
    format!("backstride-form-stills-{id}")
}

/// The review's form: one finding (metric) and the decision (`confirm` or `dismiss`).
#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    metric: String,
    #[serde(default)]
    decision: String,
}

/// `POST /runners/{runner_id}/form/{id}/review`: the runner's clinician confirms or dismisses
/// one finding (CSRF checked by the guard; the store audits it and refuses anyone but staff of
/// the runner's clinic). From an assessment, the confirmed findings then fill the empty answers
/// of its posture and running-form step, and one dismissed after it was confirmed takes back the
/// answers it filled. Back to the finding on the results page.
async fn review(
    ctx: Ctx,
    Path((runner_id, id)): Path<(i64, i64)>,
    Query(from): Query<FromAssessment>,
    Form(form): Form<ReviewForm>,
) -> AppResult<Response> {
    ctx.user_with_role(&[Role::Clinician, Role::Admin])?;
    let actor = ctx.actor()?;
    let store = ctx.state.store.as_ref();
    let record = store.form_video(&actor, id).await?;
    if record.runner_id != runner_id {
        return Err(AppError::NotFound);
    }
    let report = report_of(&record)
        .ok_or_else(|| AppError::Internal(format!("form video {id}: stored report unreadable")))?;
    let kind = MetricKind::from_id(&form.metric).filter(|&k| {
        report
            .metric(k)
            .is_some_and(|m| m.outcome.value().is_some())
    });
    let confirmed = match form.decision.as_str() {
        "confirm" => Some(true),
        "dismiss" => Some(false),
        _ => None,
    };
    let (Some(kind), Some(confirmed)) = (kind, confirmed) else {
        let mut errors = FieldErrors::default();
        if kind.is_none() {
            errors.add("metric", "Choose one of this video's measured findings.");
        }
        if confirmed.is_none() {
            errors.add("decision", "Choose confirm or dismiss.");
        }
        return Ok(problem("The finding could not be reviewed", &errors));
    };
    store
        .review_form_finding(&actor, id, kind.id(), confirmed)
        .await?;
    let mut url = format!("/runners/{runner_id}/form/{id}");
    if let Some(assessment) = from.assessment {
        let mut kinds: Vec<MetricKind> = record
            .reviews
            .iter()
            .filter(|r| r.confirmed && r.metric != kind.id())
            .filter_map(|r| MetricKind::from_id(&r.metric))
            .collect();
        if confirmed {
            kinds.push(kind);
        }
        // A finding dismissed after it was confirmed takes back the answers it filled.
        let withdrawn = (!confirmed).then_some(kind);
        url = match fill_assessment(
            &ctx,
            &actor,
            runner_id,
            assessment,
            &report,
            Some(&kinds),
            withdrawn,
        )
        .await?
        {
            Some(filled) => format!("{url}?assessment={assessment}&filled={filled}"),
            None => format!("{url}?assessment={assessment}"),
        };
    }
    Ok(Redirect::to(&format!("{url}#metric-{}", kind.id())).into_response())
}

/// Running form before and after, for a re-test's change report (the page and its PDF).
pub struct FormChange {
    pub before_when: String,
    pub before_href: String,
    pub after_when: String,
    pub after_href: String,
    /// Each side-view metric before and after, with the strides each value is the median of.
    pub rows: Vec<backstride_report::FormChangeRow>,
    /// The §10 caveat about angles from a phone video.
    pub caveat: &'static str,
}

impl FormChange {
    /// The same comparison for the printed change report.
    pub fn printed(&self) -> backstride_report::FormChangeTable {
        backstride_report::FormChangeTable {
            compared: format!(
                "side-view video of {} against that of {}",
                self.before_when, self.after_when
            ),
            rows: self.rows.clone(),
            caveat: self.caveat.to_owned(),
        }
    }
}

/// The side-view analyses a re-test's change report compares, from `records` (newest first): the
/// newest saved since `before_at` (the earlier assessment) and, before it, the newest saved by
/// then; `None` unless there are both.
pub fn change_between(
    records: &[FormVideoRecord],
    before_at: i64,
    tz: &backstride_core::TimeZoneName,
) -> Option<FormChange> {
    let side = || {
        records
            .iter()
            .filter(|r| r.view == "side")
            .filter_map(|r| report_of(r).map(|rep| (r, rep)))
    };
    let (after, after_report) = side().find(|(r, _)| r.created_at >= before_at)?;
    let (before, before_report) =
        side().find(|(r, _)| r.created_at <= before_at && r.id != after.id)?;
    // The value in words and the strides it is the median of.
    let value = |report: &FormReport, kind| match report.metric(kind) {
        Some(m) => match &m.outcome {
            Outcome::Measured { value, strides } => {
                (shown(kind, *value, &m.cut_offs), used(kind, *strides))
            }
            Outcome::CouldNotMeasure { .. } => ("could not measure".to_owned(), String::new()),
        },
        None => ("could not measure".to_owned(), String::new()),
    };
    let href = |r: &FormVideoRecord| format!("/runners/{}/form/{}", r.runner_id, r.id);
    Some(FormChange {
        before_when: local_time(before.created_at, tz),
        before_href: href(before),
        after_when: local_time(after.created_at, tz),
        after_href: href(after),
        rows: MetricKind::of(form::View::Side)
            .iter()
            .map(|&k| {
                let (before, before_used) = value(&before_report, k);
                let (after, after_used) = value(&after_report, k);
                backstride_report::FormChangeRow {
                    measure: k.label().to_owned(),
                    before,
                    before_used,
                    after,
                    after_used,
                }
            })
            .collect(),
        caveat: ANGLE_CAVEAT,
    })
}

/// What a measured value is the median of: strides, or for cadence the foot landings timed.
fn used(kind: MetricKind, strides: usize) -> String {
    if kind == MetricKind::Cadence {
        format!("from {strides} foot landings")
    } else {
        format!("median of {strides} strides")
    }
}

fn shown(kind: MetricKind, value: f64, cut_offs: &[Threshold]) -> String {
    let cuts: Vec<f64> = cut_offs.iter().map(|t| t.value).collect();
    let number = format_judged(value, kind.shown_decimals(), &cuts);
    match kind.unit() {
        "°" => format!("{number}°"),
        unit => format!("{number} {unit}"),
    }
}

fn metric_line(
    m: &FormMetric,
    previous: Option<&FormReport>,
    reviews: &[FindingReview],
) -> MetricLine {
    let (value, measured, detail) = match &m.outcome {
        Outcome::Measured { value, strides } => (
            shown(m.kind, *value, &m.cut_offs),
            true,
            used(m.kind, *strides),
        ),
        Outcome::CouldNotMeasure { reason } => {
            ("Could not measure".to_owned(), false, reason.clone())
        }
    };
    let last_time = previous
        .and_then(|p| p.metric(m.kind))
        .and_then(|p| p.outcome.value().map(|v| shown(m.kind, v, &p.cut_offs)));
    let review = reviews.iter().find(|r| r.metric == m.kind.id()).map(|r| {
        if r.confirmed {
            "Confirmed by the clinician"
        } else {
            "Dismissed by the clinician"
        }
    });
    MetricLine {
        id: m.kind.id(),
        label: m.kind.label(),
        value,
        measured,
        detail,
        how: m.kind.how(),
        last_time,
        finding: m.observation.map(finding_line),
        rules: m
            .cut_offs
            .iter()
            .map(|t| {
                format!(
                    "Cut-off {}: {}{}",
                    t.shown(),
                    t.source,
                    if t.our_choice { " (our choice)" } else { "" }
                )
            })
            .collect(),
        review,
    }
}

/// The observation with the §1 cue and the exercises the programme would choose for it.
fn finding_line(o: Observation) -> FindingLine {
    let (test, rule) = o.finding();
    let exercises = backstride_core::programme::finding_ladders(test, rule)
        .into_iter()
        .filter_map(library::ladder)
        .map(|l| l.anchor().name)
        .collect();
    FindingLine {
        label: o.label(),
        cue: backstride_core::programme::cue_for(test, rule),
        exercises,
    }
}
