//! The progress page (charts of pain, morning pain, adherence, running and left/right tests
//! over time, each with a data table) and the re-test change report. The tracking charts are
//! drawn from the store's weekly summaries of the logs, never from the logs themselves.

use super::journal::days_before;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{Page, render};
use askama::Template;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_charts::{Chart, PainDay, SidesPoint, WeekValue};
use backstride_core::assessment::values::PainScore;
use backstride_core::assessment::{Assessment, AssessmentResult, Measured, Value, validate};
use backstride_core::tracking::{self, ChangeReport, Judgement, trends};
use backstride_store::{Actor, AssessmentKind, AssessmentRecord, AssessmentStatus};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Days of pain shown on the pain chart. **Our choice**: six weeks, a 1–2 week programme and
/// its re-tests with room either side.
const PAIN_DAYS: i64 = 42;

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    page: Page,
    runner_id: i64,
    runner_name: String,
    is_self: bool,
    drawn: Arc<Drawn>,
    retests: Vec<(i64, String)>,
}

/// The progress page as drawn from a runner's record: kept per runner while the record's
/// version (`runner_version`, raised by every change to the runner, their history and their
/// clinic) is unchanged, for the same day and units, as drawing a year's charts costs several
/// times more than reading the record (`backstride_store::Kept`).
pub(crate) struct Drawn {
    /// The runner as they were when drawn.
    runner: backstride_store::User,
    /// The runner's today the charts end on.
    today: jiff::civil::Date,
    /// The runner's clinic when drawn (its units are the default for viewers without their own).
    clinic: Option<backstride_store::Clinic>,
    distance: backstride_core::DistanceUnit,
    has_programme: bool,
    /// Each chart as HTML (`Chart::to_html`).
    charts: Vec<String>,
    side_charts: Vec<String>,
    /// `(assessment id, finished at)` of each complete re-test, oldest first.
    retests: Vec<(i64, i64)>,
}

/// How many runners' drawn progress pages are kept. **Our choice**: a year's charts are about
/// 40–60 KB of HTML, so this stays within about 15 MB.
pub(crate) const DRAWN_HELD: usize = 256;

/// The drawn pages kept (`AppState::progress`).
pub(crate) type DrawnPages = backstride_store::Kept<(), Drawn>;

/// `GET /progress`: the runner's own.
///
/// A runner's tab bar links here, so their own page is rendered in place (no redirect, the
/// tab stays current); anyone else is sent to `/runners/{their id}/progress`.
pub async fn own(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?;
    if user.role == backstride_core::Role::Runner {
        let id = user.id;
        return page(ctx, Path(id)).await;
    }
    Ok(Redirect::to(&format!("/runners/{}/progress", user.id)).into_response())
}

/// `GET /runners/{id}/progress`.
///
/// One read for the page: the runner's record heads and the weekly summaries of their logs
/// (`backstride_store::summaries`), a bounded number of rows however long the history; no log
/// is read or replayed. While the runner's record is unchanged since the page was last drawn
/// (for the same day and units), the read is only the runner and the version, and the charts
/// come from memory ([`Drawn`]).
pub async fn page(ctx: Ctx, Path(runner_id): Path<i64>) -> AppResult<Response> {
    let viewer = ctx.user()?.clone();
    let actor = Actor::of(&viewer);
    let store = ctx.state.store.as_ref();
    let kept = &ctx.state.progress;
    // The weeks the charts can show; the window starts a day early, as the runner's today may
    // be a day behind the viewer's (so a drawn page serves viewers in any time zone).
    let since = days_before(
        ctx.state.clock.today_for(&viewer),
        7 * trends::MAX_WEEKS + 1,
    );
    // What is kept is good for this view if the record is still at its version: ask the store.
    let held = kept.latest(runner_id, &()).filter(|(_, d)| {
        ctx.state.clock.today_for(&d.runner) == d.today
            && ctx.units_in(d.clinic.as_ref()).distance == d.distance
    });
    let records = store
        .progress(
            &actor,
            runner_id,
            since,
            "view progress",
            held.as_ref().map(|(version, _)| *version),
        )
        .await?;
    let drawn = match (held, records.runner, records.history) {
        (Some((_, held)), _, None) => held,
        (_, Some(runner), Some(history)) => {
            let drawn = Arc::new(draw(&ctx, runner, history)?);
            if let Some(version) = records.version {
                kept.put(runner_id, (), version, drawn.clone());
            }
            drawn
        }
        _ => {
            return Err(AppError::Internal(
                "progress: no history read and none held".into(),
            ));
        }
    };
    let runner = &drawn.runner;
    let retests = drawn
        .retests
        .iter()
        .map(|&(id, at)| (id, crate::clock::local_time(at, &viewer.time_zone)))
        .collect();
    render(ProgressPage {
        page: ctx
            .page(&format!("Progress: {}", runner.display_name))
            .await?,
        runner_id,
        runner_name: runner.display_name.clone(),
        is_self: viewer.id == runner_id,
        drawn,
        retests,
    })
}

/// The progress page's charts from the runner's record.
fn draw(
    ctx: &Ctx,
    runner: backstride_store::User,
    history: backstride_store::ProgressHistory,
) -> AppResult<Drawn> {
    let today = ctx.state.clock.today_for(&runner);
    let clinic = history.clinic;
    let symmetric_from = crate::clinic_settings::assessment_thresholds(clinic.as_ref())
        .lsi_symmetric_from
        .value;
    let distance = ctx.units_in(clinic.as_ref()).distance;
    // The newest assessments, oldest first for the charts.
    let mut assessments = history.assessments;
    assessments.reverse();
    let programme = history
        .programme
        .map(|p| p.programme())
        .transpose()
        .map_err(AppError::Internal)?;
    let mut charts = Vec::new();
    if let Some(programme) = &programme {
        let adherence_line = crate::clinic_settings::progression_thresholds(clinic.as_ref())
            .adherence_min_percent
            .value;
        charts = tracking_charts(programme, &history.days, today, distance, adherence_line);
    }
    let complete: Vec<&AssessmentRecord> = assessments
        .iter()
        .filter(|a| a.status == AssessmentStatus::Complete)
        .collect();
    let retests = complete
        .iter()
        .filter(|a| a.kind == AssessmentKind::Retest)
        .map(|a| (a.id, a.updated_at))
        .collect();
    let html = |charts: Vec<Chart>| charts.iter().map(Chart::to_html).collect();
    Ok(Drawn {
        today,
        side_charts: html(side_charts(&complete, &runner.time_zone, symmetric_from)),
        runner,
        charts: html(charts),
        has_programme: programme.is_some(),
        clinic,
        distance,
        retests,
    })
}

fn tracking_charts(
    programme: &backstride_core::programme::Programme,
    days: &BTreeMap<jiff::civil::Date, trends::DaySummary>,
    today: jiff::civil::Date,
    unit: backstride_core::DistanceUnit,
    adherence_line: f64,
) -> Vec<Chart> {
    let first = days_before(today, PAIN_DAYS - 1);
    let pain_days: Vec<PainDay> = days
        .range(first..=today)
        .map(|(_, d)| {
            let d = d.pain();
            PainDay {
                date: d.date,
                during: d.during_exercise.map(f64::from),
                after_run: d.run.map(f64::from),
                morning: d.morning.map(f64::from),
            }
        })
        .collect();
    let run_days: Vec<_> = days
        .range(first..=today)
        .filter(|(_, d)| d.ran)
        .map(|(date, _)| *date)
        .collect();
    let weeks = trends::weeks_of(programme, days, today);
    let series = |f: &dyn Fn(&trends::Week) -> Option<f64>| -> Vec<WeekValue> {
        weeks
            .iter()
            .map(|w| WeekValue {
                week_start: w.start,
                value: f(w),
            })
            .collect()
    };
    [
        backstride_charts::pain_over_time("pain", &pain_days, &run_days),
        backstride_charts::weekly_bars(
            "morning",
            "Average morning pain per programme week",
            "/10",
            &series(&|w| w.morning_pain_mean),
            Some(10.0),
            None,
        ),
        backstride_charts::weekly_bars(
            "adherence",
            "Planned exercises done per programme week",
            "%",
            &series(&|w| w.adherence_percent),
            Some(100.0),
            Some((adherence_line, "needed to move up")),
        ),
        backstride_charts::weekly_bars(
            "volume",
            "Running per programme week",
            unit.as_str(),
            &series(&|w| Some(unit.from_metres(w.run_metres))),
            None,
            None,
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Left and right values of each two-sided test across the complete assessments, with the LSI.
fn side_charts(
    complete: &[&AssessmentRecord],
    tz: &backstride_core::TimeZoneName,
    symmetric_from: f64,
) -> Vec<Chart> {
    let mut tests: BTreeMap<(String, String, String), Vec<SidesPoint>> = BTreeMap::new();
    for record in complete {
        let Some(result) = record
            .result_json
            .as_deref()
            .and_then(|j| serde_json::from_str::<AssessmentResult>(j).ok())
        else {
            continue;
        };
        let Ok(date) = jiff::Timestamp::from_second(record.updated_at)
            .map(|t| t.to_zoned(tz.zone().clone()).date())
        else {
            continue;
        };
        for f in result.findings() {
            let (Some(asym), Measured::LeftRight { left, right, unit }) =
                (&f.asymmetry, &f.measured)
            else {
                continue;
            };
            let (Value::Number(l), Value::Number(r)) = (left, right) else {
                continue;
            };
            tests
                .entry((
                    f.test_id.clone(),
                    f.test_name.clone(),
                    unit.suffix().trim().to_owned(),
                ))
                .or_default()
                .push(SidesPoint {
                    date,
                    left: Some(*l),
                    right: Some(*r),
                    lsi: Some(asym.lsi_percent),
                });
        }
    }
    tests
        .into_iter()
        .filter_map(|((id, name, unit), points)| {
            backstride_charts::sides_over_time(
                &format!("sides-{id}"),
                &name,
                &unit,
                &points,
                symmetric_from,
            )
        })
        .collect()
}

// --- The change report ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "change_report.html")]
struct ChangePage {
    page: Page,
    runner_id: i64,
    runner_name: String,
    before_when: String,
    after_when: String,
    assessment_id: i64,
    /// The runner is looking at their own report ("you").
    is_self: bool,
    summary: ChangeSummary,
    report: ChangeReport,
    /// Running form from the videos before and after, when there are both.
    form: Option<crate::form_video::FormChange>,
}

/// The top of the change report in plain words: what improved, what did not, and the before and
/// after bars (with their data table).
pub struct ChangeSummary {
    pub improved: Vec<String>,
    pub not_improved: Vec<String>,
    pub chart: Option<backstride_charts::Chart>,
}

/// The areas worth a line on the change report: those tested at least once (an area never
/// tested, such as the after-birth screen for most runners, has nothing to say), each as its
/// name and what changed without the name again.
pub fn areas_to_show(report: &ChangeReport) -> Vec<(&str, &str)> {
    use backstride_core::assessment::findings::AreaStatus;
    report
        .areas
        .iter()
        .filter(|a| a.before != AreaStatus::NotTested || a.after != AreaStatus::NotTested)
        .map(|a| {
            let text = a.text.strip_prefix(a.name.as_str()).unwrap_or(&a.text);
            (a.name.as_str(), text.trim_start_matches(": "))
        })
        .collect()
}

/// What improved and what did not: pain and the activities' average judged against the change
/// that matters; each test by its label before and after (a test fine both times is neither).
pub fn change_summary(report: &ChangeReport) -> ChangeSummary {
    use backstride_core::assessment::Severity;
    let mut improved = Vec::new();
    let mut not_improved = Vec::new();
    let mut score = |name: &str, c: &tracking::ScoreChange, unit: &str| {
        let line = format!(
            "{name}: {}{unit} → {}{unit}, {}.",
            n(c.before),
            n(c.after),
            judgement_words(c.judgement)
        );
        match c.judgement {
            Judgement::ImprovedMeaningfully | Judgement::ImprovedSlightly => improved.push(line),
            _ => not_improved.push(line),
        }
    };
    score("Pain", &report.pain, "/10");
    if let Some(p) = &report.psfs {
        score("Activities you find hard (average)", &p.mean, "");
    }
    let words = |s: Severity| match s {
        Severity::Fine => "fine",
        Severity::NeedsAttention => "needs attention",
        Severity::Priority => "a priority",
    };
    for t in &report.tests {
        let (Some(b), Some(a)) = (t.before_severity, t.after_severity) else {
            continue;
        };
        let name = match t.side {
            Some(side) => format!("{} ({side})", t.test_name),
            None => t.test_name.clone(),
        };
        if a < b {
            improved.push(format!("{name}: from {} to {}.", words(b), words(a)));
        } else if a > b {
            not_improved.push(format!("{name}: from {} to {}.", words(b), words(a)));
        } else if a > Severity::Fine {
            not_improved.push(format!("{name}: still {}.", words(a)));
        }
    }
    let mut rows = vec![backstride_charts::BeforeAfter {
        label: "Pain".into(),
        before: Some(report.pain.before),
        after: Some(report.pain.after),
        top: 10.0,
        unit: "/10".into(),
    }];
    if let Some(p) = &report.psfs {
        rows.push(backstride_charts::BeforeAfter {
            label: "Activities you find hard (0–10)".into(),
            before: Some(p.mean.before),
            after: Some(p.mean.after),
            top: 10.0,
            unit: String::new(),
        });
    }
    rows.extend(
        report
            .tests
            .iter()
            .filter(|t| t.lsi_before.is_some() || t.lsi_after.is_some())
            .map(|t| backstride_charts::BeforeAfter {
                label: format!("{}: left/right balance", t.test_name),
                before: t.lsi_before,
                after: t.lsi_after,
                top: 100.0,
                unit: "%".into(),
            }),
    );
    ChangeSummary {
        improved,
        not_improved,
        chart: backstride_charts::before_after_bars("before-after", "Before and after", &rows),
    }
}

fn judgement_words(j: Judgement) -> &'static str {
    match j {
        Judgement::ImprovedMeaningfully => "improved by at least the change that matters",
        Judgement::ImprovedSlightly => "improved, by less than the change that matters",
        Judgement::NoChange => "no change",
        Judgement::WorsenedSlightly => "worse, by less than the change that matters",
        Judgement::WorsenedMeaningfully => "worse by at least the change that matters",
    }
}

/// A complete assessment as the change report compares it.
pub(crate) struct Scored {
    pub result: AssessmentResult,
    pub pain: PainScore,
    pub psfs: Vec<(String, backstride_core::assessment::values::ActivityRating)>,
    pub global: Option<backstride_core::assessment::values::ChangeRating>,
}

pub(crate) fn scored(record: &AssessmentRecord) -> AppResult<Scored> {
    let result: AssessmentResult = record
        .result_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .ok_or(AppError::NotFound)?;
    let raw: Assessment = serde_json::from_str(&record.raw_json)
        .map_err(|e| AppError::Internal(format!("stored assessment {}: {e}", record.id)))?;
    let baseline = validate(&raw).ok().and_then(|v| v.baseline);
    let zero = PainScore::try_from(0.0).map_err(|e| AppError::Internal(e.to_owned()))?;
    Ok(Scored {
        result,
        pain: baseline
            .as_ref()
            .and_then(|b| b.pain_now.or(b.pain_worst_last_run))
            .unwrap_or(zero),
        psfs: baseline
            .as_ref()
            .and_then(|b| b.psfs.clone())
            .unwrap_or_default(),
        global: baseline.and_then(|b| b.global_rating_of_change),
    })
}

/// A re-test compared with the complete assessment before it.
struct Compared {
    runner: backstride_store::User,
    before: AssessmentRecord,
    after: AssessmentRecord,
    report: ChangeReport,
}

async fn compare(ctx: &Ctx, id: i64) -> AppResult<Compared> {
    compare_as(ctx.state.store.as_ref(), ctx.user()?, id).await
}

async fn compare_as(
    store: &dyn backstride_store::Store,
    viewer: &backstride_store::User,
    id: i64,
) -> AppResult<Compared> {
    let actor = Actor::of(viewer);
    let after = store.assessment(&actor, id).await?;
    if after.kind != AssessmentKind::Retest || after.status != AssessmentStatus::Complete {
        return Err(AppError::NotFound);
    }
    let earlier = store.assessments_of(&actor, after.runner_id).await?;
    let before = earlier
        .into_iter()
        .filter(|a| {
            a.status == AssessmentStatus::Complete
                && (a.created_at, a.id) < (after.created_at, after.id)
        })
        .max_by_key(|a| (a.created_at, a.id))
        .ok_or(AppError::NotFound)?;
    let runner = store.user(after.runner_id).await?;
    let clinic = crate::clinic_settings::clinic_of(store, runner.id).await?;
    let thresholds = crate::clinic_settings::progression_thresholds(clinic.as_ref());
    let (b, a) = (scored(&before)?, scored(&after)?);
    let report = tracking::change_report(
        &b.result,
        &a.result,
        b.pain,
        a.pain,
        &b.psfs,
        &a.psfs,
        a.global,
        &thresholds,
    );
    Ok(Compared {
        runner,
        before,
        after,
        report,
    })
}

/// `GET /assessments/{id}/change`: a re-test against the assessment before it.
pub async fn change_page(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let c = compare(&ctx, id).await?;
    let tz = ctx.user()?.time_zone.clone();
    let is_self = ctx.user()?.id == c.runner.id;
    let videos = ctx
        .state
        .store
        .form_videos_of(&ctx.actor()?, c.runner.id)
        .await?;
    let form = crate::form_video::change_between(&videos, c.before.updated_at, &tz);
    render(ChangePage {
        form,
        is_self,
        summary: change_summary(&c.report),
        page: ctx.page("What has changed").await?,
        runner_id: c.runner.id,
        runner_name: c.runner.display_name.clone(),
        before_when: crate::clock::local_time(c.before.updated_at, &tz),
        after_when: crate::clock::local_time(c.after.updated_at, &tz),
        assessment_id: id,
        report: c.report,
    })
}

/// `GET /assessments/{id}/change.pdf`: the same report, printed.
pub async fn change_pdf(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let bytes =
        change_pdf_bytes(ctx.state.store.as_ref(), &ctx.state.clock, ctx.user()?, id).await?;
    Ok(crate::print::pdf_response(
        bytes,
        "backstride-change-report.pdf",
    ))
}

/// The change report of re-test `id` as a PDF, for `viewer` (also put in a data export),
/// printed on the viewer's today by `clock`.
pub async fn change_pdf_bytes(
    store: &dyn backstride_store::Store,
    clock: &crate::Clock,
    viewer: &backstride_store::User,
    id: i64,
) -> AppResult<Vec<u8>> {
    let c = compare_as(store, viewer, id).await?;
    let tz = viewer.time_zone.clone();
    let date = |at: i64| {
        jiff::Timestamp::from_second(at)
            .map(|t| {
                t.to_zoned(tz.zone().clone())
                    .date()
                    .strftime("%-d %B %Y")
                    .to_string()
            })
            .unwrap_or_default()
    };
    let clinic = crate::clinic_settings::clinic_of(store, c.runner.id).await?;
    let videos = store
        .form_videos_of(&backstride_store::Actor::of(viewer), c.runner.id)
        .await?;
    let form =
        crate::form_video::change_between(&videos, c.before.updated_at, &tz).map(|f| f.printed());
    let doc = backstride_report::ChangeDocument {
        form,
        clinic: crate::print::printed_clinic(clinic.as_ref()),
        runner_name: c.runner.display_name.clone(),
        compared: format!(
            "Assessment of {} and re-test of {}",
            date(c.before.updated_at),
            date(c.after.updated_at)
        ),
        issued_on: clock.today_for(viewer),
        report: c.report,
    };
    match crate::print::typeset(move || backstride_report::change_pdf(&doc)).await? {
        Ok(bytes) => Ok(bytes),
        Err(e) => Err(AppError::Internal(format!("change report {id}: {e}"))),
    }
}

/// For the template: a judgement in words.
pub fn judged<J: std::borrow::Borrow<Judgement>>(j: J) -> &'static str {
    judgement_words(*j.borrow())
}

/// For the template: a score rounded to one decimal place, without trailing zeros.
pub fn n<V: Number>(v: V) -> String {
    backstride_core::assessment::explain::format_number(v.value(), 1)
}

/// A number as templates hand it over: by value or behind any number of references.
pub trait Number {
    fn value(&self) -> f64;
}

impl Number for f64 {
    fn value(&self) -> f64 {
        *self
    }
}

impl<T: Number + ?Sized> Number for &T {
    fn value(&self) -> f64 {
        (**self).value()
    }
}
