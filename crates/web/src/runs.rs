//! The runs pages: a runner's list of runs with the upload form (one file, many, or a zip
//! export), a run's page with charts and laps, and the same pages for the runner's clinic staff
//! (every look audited by the store; anyone else gets a 404).

mod charts;
pub mod load;

use crate::AppState;
use crate::clock::local_time;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{Page, render, render_status};
use askama::Template;
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use backstride_core::{DistanceUnit, Role, UnitPreference};
use backstride_ingest as ingest;
use backstride_ingest::{
    FileReport, FlagNote, Outcome, Prepared, StoredRun, StoredStats, ZipLimits,
};
use backstride_running::{AnalyzeOptions, FormThresholds};
use backstride_store::{RunPage, RunRecord, RunsList as RunsListRecords, Store, User};
use charts::{ChartView, LineChart, clock};
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// The pages that read runs.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runs", get(own_runs))
        .route("/runs/load", get(load::own))
        .route("/runners/{runner_id}/load", get(load::page))
        .route("/runs/{id}", get(own_run))
        .route("/runners/{runner_id}/runs", get(runner_runs))
        .route("/runners/{runner_id}/runs/{id}", get(runner_run))
}

/// Routes that accept file uploads (a larger body limit applies to them).
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/runs/upload", post(upload))
}

/// One row of the runs table.
pub struct RunLine {
    pub href: String,
    pub date: String,
    pub kind: String,
    pub distance: String,
    pub duration: String,
    pub pace: String,
    pub cadence: String,
    pub gct: String,
    pub balance: String,
    /// Concerns only; informative zone notes are on the run's page.
    pub flags: Vec<FlagNote>,
}

/// Where an upload's results wait, in the session, for the page the upload redirects to.
const UPLOAD_RESULTS_KEY: &str = "upload_results";

/// One uploaded file's result (kept in the session between the upload and its result page).
#[derive(Serialize, Deserialize)]
pub struct ResultLine {
    pub name: String,
    pub label: String,
    /// CSS class suffix (`status-failed` is highlighted).
    pub class: String,
    pub detail: String,
    pub link: Option<String>,
}

#[derive(Template)]
#[template(path = "runs_list.html")]
pub struct RunsList {
    pub page: Page,
    pub heading: String,
    pub is_self: bool,
    pub runs: Vec<RunLine>,
    pub results: Vec<ResultLine>,
    pub results_summary: String,
    pub upload_error: Option<String>,
    pub upload_limit: String,
    pub units: &'static str,
    /// The link to the next page of older runs, when there are more.
    pub older: Option<String>,
}

/// One row of the lap table.
pub struct LapLine {
    pub number: usize,
    pub distance: String,
    pub duration: String,
    pub pace: String,
    pub cadence: String,
    pub gct: String,
    pub balance: String,
}

#[derive(Template)]
#[template(path = "runs_detail.html")]
pub struct RunDetail {
    pub page: Page,
    pub heading: String,
    pub back_href: String,
    pub back_label: String,
    pub file_name: String,
    pub facts: Vec<(&'static str, String)>,
    pub notes: Vec<FlagNote>,
    pub charts: Vec<ChartView>,
    pub laps: Vec<LapLine>,
}

fn dash() -> String {
    "–".to_owned()
}

fn distance(m: Option<f64>, unit: DistanceUnit) -> String {
    m.filter(|m| m.is_finite() && *m > 0.0)
        .map_or_else(dash, |m| {
            format!("{:.2} {}", unit.from_metres(m), unit.as_str())
        })
}

fn duration(s: Option<f64>) -> String {
    s.filter(|s| s.is_finite() && *s > 0.0)
        .map_or_else(dash, clock)
}

/// Pace in the person's unit from seconds per kilometre.
fn pace(s_per_km: Option<f64>, unit: DistanceUnit) -> String {
    s_per_km
        .map(|p| p / unit.from_metres(1000.0))
        .filter(|p| p.is_finite() && *p > 0.0 && *p < 6000.0)
        .map_or_else(dash, |p| format!("{} /{}", clock(p), unit.as_str()))
}

fn median(s: Option<StoredStats>, decimals: usize, unit: &str) -> String {
    s.map_or_else(dash, |s| {
        format!("{:.*} {unit}", decimals, s.median)
            .trim_end()
            .to_owned()
    })
}

fn run_title(run: &StoredRun) -> String {
    match &run.sub_sport {
        Some(sub) if sub != "generic" => format!("{} ({sub})", run.sport),
        _ => run.sport.clone(),
    }
}

fn when(record: &RunRecord, viewer: &User) -> String {
    if record.started_at > 0 {
        local_time(record.started_at, &viewer.time_zone)
    } else {
        "date unknown".to_owned()
    }
}

fn run_line(record: &RunRecord, base: &str, viewer: &User, unit: DistanceUnit) -> RunLine {
    let run = StoredRun::parse(&record.summary_json);
    let m = &run.metrics;
    RunLine {
        href: format!("{base}/{}", record.id),
        date: when(record, viewer),
        kind: run_title(&run),
        distance: distance(run.distance_m, unit),
        duration: duration(run.moving_s.filter(|s| *s > 0.0).or(run.timer_s)),
        pace: pace(run.pace_s_per_km, unit),
        cadence: median(m.cadence_spm, 0, "spm"),
        gct: median(m.ground_contact_ms, 0, "ms"),
        balance: median(m.gct_balance_left_pct, 1, "%"),
        flags: run.notes.into_iter().filter(|n| n.concern).collect(),
    }
}

fn result_line(report: FileReport, base: &str) -> ResultLine {
    let (label, class) = match &report.outcome {
        Outcome::Imported { .. } => ("Imported", "imported"),
        Outcome::Duplicate => ("Duplicate", "duplicate"),
        Outcome::NotARun { .. } => ("Not a run", "not-a-run"),
        Outcome::Failed { .. } => ("Failed", "failed"),
    };
    let link = match &report.outcome {
        Outcome::Imported { run_ids, .. } => run_ids.first().map(|id| format!("{base}/{id}")),
        _ => None,
    };
    ResultLine {
        detail: report.outcome.detail(),
        name: report.name,
        label: label.to_owned(),
        class: class.to_owned(),
        link,
    }
}

fn results_summary(reports: &[FileReport]) -> String {
    let count = |label: &str| {
        reports
            .iter()
            .filter(|r| r.outcome.label() == label)
            .count()
    };
    format!(
        "{} imported, {} duplicate, {} not a run, {} failed.",
        count("imported"),
        count("duplicate"),
        count("not a run"),
        count("failed")
    )
}

/// What an upload did, file by file: the summary line and one row per file.
#[derive(Default, Serialize, Deserialize)]
struct UploadResults {
    summary: String,
    lines: Vec<ResultLine>,
}

/// What the list page shows besides the runs.
#[derive(Default)]
struct Upload {
    results: UploadResults,
    error: Option<String>,
}

/// Runs listed on a page. **Our choice**: about four months of three runs a week; older ones
/// are a link away.
const RUNS_SHOWN: i64 = 50;

/// `?before=STARTED_AT.ID`: the list continues with the runs older than that one.
#[derive(Deserialize, Default)]
struct RunsQuery {
    before: Option<String>,
}

impl RunsQuery {
    /// The run the page starts after; anything unreadable starts at the newest.
    fn before(&self) -> Option<(i64, i64)> {
        let (at, id) = self.before.as_deref()?.split_once('.')?;
        Some((at.parse().ok()?, id.parse().ok()?))
    }
}

/// A page of the runner's runs (see [`RUNS_SHOWN`]), from the store's one read.
async fn runs_list(ctx: &Ctx, runner_id: i64, q: &RunsQuery) -> AppResult<RunsListRecords> {
    Ok(ctx
        .state
        .store
        .runs_list(&ctx.actor()?, runner_id, q.before(), RUNS_SHOWN)
        .await?)
}

async fn list_page(
    ctx: &Ctx,
    list: RunsListRecords,
    upload: Upload,
    status: StatusCode,
) -> AppResult<Response> {
    let viewer = ctx.user()?;
    let runner = &list.runner;
    let records = &list.runs;
    let is_self = viewer.id == runner.id;
    let base = if is_self {
        "/runs".to_owned()
    } else {
        format!("/runners/{}/runs", runner.id)
    };
    let older = records
        .last()
        .filter(|_| list.more)
        .map(|r| format!("{base}?before={}.{}", r.started_at, r.id));
    let units: UnitPreference = ctx.units().await?;
    let page = RunsList {
        page: ctx.page(if is_self { "Your runs" } else { "Runs" }).await?,
        heading: if is_self {
            "Your runs".to_owned()
        } else {
            format!("Runs of {}", runner.display_name)
        },
        is_self,
        runs: records
            .iter()
            .map(|r| run_line(r, &base, viewer, units.distance))
            .collect(),
        results_summary: upload.results.summary,
        results: upload.results.lines,
        upload_error: upload.error,
        upload_limit: ingest::human_bytes(ctx.state.config.upload_limit_bytes as u64),
        units: units.distance.as_str(),
        older,
    };
    render_status(status, page)
}

/// `GET /runs`: the runner's own runs and the upload form; after an upload (which redirects
/// here) also what happened to each file, shown once: a reload shows the list without them.
async fn own_runs(ctx: Ctx, Query(q): Query<RunsQuery>) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Runner])?.clone();
    let list = runs_list(&ctx, user.id, &q).await?;
    let upload = Upload {
        results: ctx
            .take_from_session(UPLOAD_RESULTS_KEY)
            .await?
            .unwrap_or_default(),
        error: None,
    };
    list_page(&ctx, list, upload, StatusCode::OK).await
}

/// `GET /runners/{runner_id}/runs`: a runner's runs, for the runner or their clinic's staff.
async fn runner_runs(
    ctx: Ctx,
    Path(runner_id): Path<i64>,
    Query(q): Query<RunsQuery>,
) -> AppResult<Response> {
    // The store audits the look and answers NotFound to anyone who may not see the runner.
    let list = runs_list(&ctx, runner_id, &q).await?;
    list_page(&ctx, list, Upload::default(), StatusCode::OK).await
}

/// `GET /runs/{id}`.
async fn own_run(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Runner])?.clone();
    run_page(&ctx, &user, id).await
}

/// `GET /runners/{runner_id}/runs/{id}`.
async fn runner_run(ctx: Ctx, Path((runner_id, id)): Path<(i64, i64)>) -> AppResult<Response> {
    ctx.user()?;
    let page = ctx
        .state
        .store
        .run_page(&ctx.actor()?, runner_id, id)
        .await?;
    detail_page(&ctx, page).await
}

async fn run_page(ctx: &Ctx, runner: &User, id: i64) -> AppResult<Response> {
    let page = ctx
        .state
        .store
        .run_page(&ctx.actor()?, runner.id, id)
        .await?;
    detail_page(ctx, page).await
}

fn pace_series(speed: &[Option<f64>], unit: DistanceUnit) -> Vec<Option<f64>> {
    let metres = unit.to_metres(1.0);
    speed
        .iter()
        // Below walking speed a pace means nothing (and would dwarf the rest of the chart).
        .map(|v| v.filter(|v| *v >= 1.0).map(|v| metres / v))
        .collect()
}

/// A run's page from its one read (the run, its runner and their clinic).
async fn detail_page(ctx: &Ctx, page: RunPage) -> AppResult<Response> {
    let viewer = ctx.user()?;
    let RunPage {
        runner,
        clinic,
        run: record,
    } = page;
    let runner = &runner;
    let record = &record;
    let is_self = viewer.id == runner.id;
    let (back_href, back_label) = if is_self {
        ("/runs".to_owned(), "All your runs".to_owned())
    } else {
        (
            format!("/runners/{}/runs", runner.id),
            format!("All runs of {}", runner.display_name),
        )
    };
    let unit = ctx.units_in(clinic.as_ref()).distance;
    let table = crate::clinic_settings::assessment_thresholds(clinic.as_ref());
    let balanced = (
        table.contact_balance_min_left_percent.value,
        table.contact_balance_max_left_percent.value,
    );
    let run = StoredRun::parse(&record.summary_json);
    let m = &run.metrics;
    let facts = vec![
        ("Activity", run_title(&run)),
        ("Distance", distance(run.distance_m, unit)),
        ("Moving time", duration(run.moving_s)),
        ("Elapsed time", duration(run.elapsed_s)),
        ("Pace", pace(run.pace_s_per_km, unit)),
        ("Heart rate", median(m.heart_rate_bpm, 0, "bpm")),
        ("Cadence", median(m.cadence_spm, 0, "steps/min")),
        ("Ground contact time", median(m.ground_contact_ms, 0, "ms")),
        (
            "Contact balance",
            median(m.gct_balance_left_pct, 1, "% left"),
        ),
        (
            "Vertical oscillation",
            median(m.vertical_oscillation_mm, 0, "mm"),
        ),
        ("Vertical ratio", median(m.vertical_ratio_pct, 1, "%")),
        ("Step length", median(m.step_length_mm, 0, "mm")),
    ];
    let s = &run.series;
    let charts = [
        LineChart {
            id: "pace",
            title: "Pace over the run",
            unit: format!("min/{}", unit.as_str()),
            x_s: &s.t_s,
            y: pace_series(&s.speed_mps, unit),
            format: clock,
            invert: true,
            band: None,
        },
        LineChart {
            id: "cadence",
            title: "Cadence over the run",
            unit: "steps/min".into(),
            x_s: &s.t_s,
            y: s.cadence_spm.clone(),
            format: |v| format!("{v:.0}"),
            invert: false,
            band: None,
        },
        LineChart {
            id: "gct",
            title: "Ground contact time over the run",
            unit: "ms".into(),
            x_s: &s.t_s,
            y: s.gct_ms.clone(),
            format: |v| format!("{v:.0}"),
            invert: false,
            band: None,
        },
        LineChart {
            id: "balance",
            title: "Contact-time balance over the run",
            unit: "% left".into(),
            x_s: &s.t_s,
            y: s.balance_left_pct.clone(),
            format: |v| format!("{v:.1}"),
            invert: false,
            band: Some((balanced.0, balanced.1, "balanced, the clinic's cut-offs")),
        },
    ]
    .iter()
    .filter_map(LineChart::render)
    .collect();
    let laps = run
        .laps
        .iter()
        .map(|l| LapLine {
            number: l.number,
            distance: distance(l.distance_m, unit),
            duration: duration(l.duration_s),
            pace: pace(l.pace_s_per_km, unit),
            cadence: median(l.metrics.cadence_spm, 0, ""),
            gct: median(l.metrics.ground_contact_ms, 0, ""),
            balance: median(l.metrics.gct_balance_left_pct, 1, ""),
        })
        .collect();
    let heading = format!("Run of {}", when(record, viewer));
    render(RunDetail {
        page: ctx.page(&heading).await?,
        heading,
        back_href,
        back_label,
        file_name: record.file_name.clone(),
        facts,
        notes: run.notes,
        charts,
        laps,
    })
}

/// Words for an upload that could not be read as a whole.
fn multipart_problem(err: &MultipartError, limit: usize) -> (StatusCode, String) {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The upload was larger than the {} limit, so nothing was imported. Send fewer \
                 files at a time.",
                ingest::human_bytes(limit as u64)
            ),
        )
    } else {
        (
            StatusCode::BAD_REQUEST,
            "The upload was interrupted or malformed, so nothing was imported. Please try again."
                .to_owned(),
        )
    }
}

/// How a runner's watch files are analysed: their clinic's cut-offs flag the runs (low cadence,
/// uneven contact time), CLINICAL.md's defaults without a clinic. Shared by the upload and
/// `backstride import`.
pub async fn analyze_options_for(store: &dyn Store, runner_id: i64) -> AppResult<AnalyzeOptions> {
    let clinic = crate::clinic_settings::clinic_of(store, runner_id).await?;
    let table = crate::clinic_settings::assessment_thresholds(clinic.as_ref());
    Ok(AnalyzeOptions {
        thresholds: FormThresholds::from_table(&table),
        ..AnalyzeOptions::default()
    })
}

/// Imports uploaded files (zips unpacked) for `runner_id`, each on its own: decoded off the
/// async runtime, then stored. The web's upload and the API's share it.
pub(crate) async fn import_files(
    store: &dyn Store,
    actor: &backstride_store::Actor,
    runner_id: i64,
    files: Vec<(String, axum::body::Bytes)>,
) -> AppResult<Vec<FileReport>> {
    let options = analyze_options_for(store, runner_id).await?;
    let prepared = tokio::task::spawn_blocking(move || prepare_uploads(files, &options))
        .await
        .map_err(|e| AppError::Internal(format!("decoding uploads: {e}")))?;
    let mut reports = Vec::with_capacity(prepared.len());
    for (name, bytes, p) in prepared {
        let outcome = ingest::save(store, actor, runner_id, p).await?;
        reports.push(FileReport {
            name,
            bytes,
            outcome,
        });
    }
    Ok(reports)
}

/// Decodes the uploaded files (zips unpacked) off the async runtime.
fn prepare_uploads(
    files: Vec<(String, axum::body::Bytes)>,
    options: &AnalyzeOptions,
) -> Vec<(String, u64, Prepared)> {
    // Every zip of the upload draws on one budget, so several bombs can't add up.
    let limits = ZipLimits::upload();
    let mut budget = limits.total_bytes;
    let mut out = Vec::new();
    for (name, bytes) in files {
        let size = bytes.len() as u64;
        if !ingest::is_zip(&bytes) {
            let prepared = ingest::prepare(&name, &bytes, options);
            out.push((name, size, prepared));
            continue;
        }
        let before = out.len();
        let expanded = ingest::expand_zip_within(
            &name,
            Cursor::new(&bytes[..]),
            &limits,
            &mut budget,
            &mut |e| {
                out.push(match e {
                    Ok(w) => {
                        let prepared = ingest::prepare(&w.name, &w.bytes, options);
                        (w.name, w.bytes.len() as u64, prepared)
                    }
                    Err(r) => (r.name, 0, Prepared::Failed { reason: r.reason }),
                });
            },
        );
        if let Err(r) = expanded {
            out.push((r.name, size, Prepared::Failed { reason: r.reason }));
        } else if out.len() == before {
            out.push((
                name,
                size,
                Prepared::Failed {
                    reason: "the zip holds no .fit files".to_owned(),
                },
            ));
        }
    }
    out
}

/// `POST /runs/upload` (multipart, CSRF token in the query): imports each file on its own and
/// redirects (303) to `/runs`, which shows what happened to each, so the address bar holds no
/// token and a reload does not upload again. A form that could not be read (nothing imported)
/// is answered in place with the message next to the file picker.
async fn upload(ctx: Ctx, multipart: Result<Multipart, MultipartRejection>) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Runner])?.clone();
    let actor = ctx.actor()?;
    let limit = ctx.state.config.upload_limit_bytes;
    let mut files = Vec::new();
    let mut problem = None;
    match multipart {
        Err(_) => {
            problem = Some((
                StatusCode::BAD_REQUEST,
                "Send the files with the form on this page.".to_owned(),
            ));
        }
        Ok(mut multipart) => loop {
            match multipart.next_field().await {
                Ok(Some(field)) => {
                    if field.name() != Some("files") {
                        continue;
                    }
                    let unnamed = field.file_name().is_none_or(str::is_empty);
                    let name = ingest::upload_name(field.file_name());
                    match field.bytes().await {
                        // A form sent without choosing a file has one empty, nameless part.
                        Ok(bytes) if bytes.is_empty() && unnamed => {}
                        Ok(bytes) => files.push((name, bytes)),
                        Err(e) => {
                            problem = Some(multipart_problem(&e, limit));
                            break;
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    problem = Some(multipart_problem(&e, limit));
                    break;
                }
            }
        },
    }
    if problem.is_none() && files.is_empty() {
        problem = Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose one or more .fit files, or a zip export, first.".to_owned(),
        ));
    }
    if let Some((status, message)) = problem {
        let list = runs_list(&ctx, user.id, &RunsQuery::default()).await?;
        let upload = Upload {
            results: UploadResults::default(),
            error: Some(message),
        };
        return list_page(&ctx, list, upload, status).await;
    }
    let reports = import_files(ctx.state.store.as_ref(), &actor, user.id, files).await?;
    let results = UploadResults {
        summary: results_summary(&reports),
        lines: reports
            .into_iter()
            .map(|r| result_line(r, "/runs"))
            .collect(),
    };
    ctx.session.insert(UPLOAD_RESULTS_KEY, results).await?;
    Ok(Redirect::to("/runs").into_response())
}
