//! Pain versus load: the runner's watch runs beside the pain logged during and after each and
//! the next morning, with the patterns core finds (`core::tracking::load`); and the runner's
//! cadence from the watch, which fills the assessment's cadence and the programme's target.

use super::{distance, duration};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::templates::{Page, render};
use crate::tracking::journal::{HISTORY_DAYS, days_before};
use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::tracking::load::{
    LoadCutOffs, MIN_RUNS_EACH, PATTERN_POINTS, Pattern, WatchRun, pain_versus_load,
};
use backstride_core::tracking::{MorningCheckIn, RunLog, TrackingLogs};
use backstride_ingest::StoredRun;
use backstride_store::{Actor, LogKind, Store, User};

/// A runner's watch runs, dated in their own time zone.
pub async fn watch_runs(
    store: &dyn Store,
    actor: &Actor,
    runner: &User,
) -> AppResult<Vec<WatchRun>> {
    let records = store.runs_of(actor, runner.id).await?;
    Ok(records
        .iter()
        .filter_map(|r| {
            let run = StoredRun::parse(&r.summary_json);
            let date = jiff::Timestamp::from_second(r.started_at)
                .ok()?
                .to_zoned(runner.time_zone.zone().clone())
                .date();
            Some(WatchRun {
                date,
                distance_m: run.distance_m,
                duration_s: run.moving_s.filter(|s| *s > 0.0).or(run.timer_s),
                cadence_spm: run.metrics.cadence_spm.map(|s| s.median),
                gct_balance_left_pct: run.metrics.gct_balance_left_pct.map(|s| s.median),
            })
        })
        .collect())
}

/// The runner's cadence from the watch (core's rule over their recent runs), if any.
pub async fn watch_cadence(
    store: &dyn Store,
    actor: &Actor,
    runner: &User,
) -> AppResult<Option<f64>> {
    Ok(backstride_core::tracking::load::recent_cadence(
        &watch_runs(store, actor, runner).await?,
    ))
}

pub struct LoadLine {
    pub date: String,
    pub distance: String,
    pub time: String,
    pub cadence: String,
    pub low_cadence: bool,
    pub balance: String,
    pub off_balance: bool,
    pub pain_during: String,
    pub pain_after: String,
    pub next_morning: String,
}

#[derive(Template)]
#[template(path = "runs_load.html")]
struct LoadPage {
    page: Page,
    runner_id: i64,
    runner_name: String,
    is_self: bool,
    lines: Vec<LoadLine>,
    patterns: Vec<Pattern>,
    cut_offs: String,
    rule: String,
}

fn score(v: Option<u8>) -> String {
    v.map_or_else(|| "not logged".to_owned(), |p| format!("{p}/10"))
}

/// `GET /runs/load`: the runner's own.
pub async fn own(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?;
    Ok(Redirect::to(&format!("/runners/{}/load", user.id)).into_response())
}

/// `GET /runners/{id}/load`.
pub async fn page(ctx: Ctx, Path(runner_id): Path<i64>) -> AppResult<Response> {
    let viewer = ctx.user()?.clone();
    let actor = Actor::of(&viewer);
    let store = ctx.state.store.as_ref();
    let runner = store
        .open_runner_record(&actor, runner_id, "view pain versus load")
        .await?;
    let today = ctx.state.clock.today_for(&runner);
    let since = days_before(today, HISTORY_DAYS).to_string();
    let mut logs = TrackingLogs::default();
    for record in store.logs_of(&actor, runner_id, &since).await? {
        match record.kind {
            LogKind::Run => logs
                .runs
                .extend(serde_json::from_str::<RunLog>(&record.body_json).ok()),
            LogKind::Morning => logs
                .mornings
                .extend(serde_json::from_str::<MorningCheckIn>(&record.body_json).ok()),
            LogKind::Session => {}
        }
    }
    let clinic = crate::clinic_settings::clinic_of(store, runner_id).await?;
    let table = crate::clinic_settings::assessment_thresholds(clinic.as_ref());
    let low = table.low_cadence_below.value;
    let (balance_min, balance_max) = (
        table.contact_balance_min_left_percent.value,
        table.contact_balance_max_left_percent.value,
    );
    let cut = LoadCutOffs {
        low_cadence_below: low,
        balanced_left_pct: (balance_min, balance_max),
    };
    let runs = watch_runs(store, &actor, &runner).await?;
    let (rows, patterns) = pain_versus_load(&runs, &logs, cut);
    let unit = ctx.units().await?.distance;
    let lines = rows
        .iter()
        .rev()
        .map(|r| LoadLine {
            date: r.run.date.strftime("%a %-d %b %Y").to_string(),
            distance: distance(r.run.distance_m, unit),
            time: duration(r.run.duration_s),
            cadence: r
                .run
                .cadence_spm
                .map_or_else(|| "–".to_owned(), |c| format!("{c:.0} steps/min")),
            low_cadence: r.low_cadence,
            balance: r
                .run
                .gct_balance_left_pct
                .map_or_else(|| "–".to_owned(), |b| format!("{b:.1}% left")),
            off_balance: r.off_balance,
            pain_during: score(r.pain_during),
            pain_after: score(r.pain_after),
            next_morning: score(r.next_morning),
        })
        .collect();
    render(LoadPage {
        page: ctx.page("Pain versus load").await?,
        runner_id,
        runner_name: runner.display_name.clone(),
        is_self: viewer.id == runner_id,
        lines,
        patterns,
        cut_offs: format!(
            "Low cadence: below {low:.0} steps/min (the clinic's cut-off). Off-balance contact: \
             outside {balance_min:.0}–{balance_max:.0}% on the left foot (the clinic's \
             cut-offs)."
        ),
        rule: format!(
            "A pattern is shown once at least {MIN_RUNS_EACH} runs with the factor and \
             {MIN_RUNS_EACH} without it have a next-morning check-in, and flagged when \
             next-morning pain after the runs with it averages at least {PATTERN_POINTS:.0} point \
             higher (our choice)."
        ),
    })
}
