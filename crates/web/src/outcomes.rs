//! The clinic's outcomes (issue 20): `/clinic/outcomes` for staff — over a chosen period, how
//! many runners got meaningfully better, counted by `backstride_core::outcomes` from the
//! clinic's own baselines and re-tests — its CSV, and the one-sentence public block an admin
//! may show on the clinic's page (counted once a day, so public pages only read).

use crate::blocking::off_runtime;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{FormState, Page, render_status};
use askama::Template;
use axum::extract::{Form, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::Role;
use backstride_core::assessment::{AssessmentResult, Referral};
use backstride_core::dates::OUTCOMES_PERIOD;
use backstride_core::outcomes::{
    self, Course, DROP_OUT_DAYS, Group, MIN_RUNNERS, Median, Outcomes, Share,
};
use backstride_core::programme::Programme;
use backstride_core::tracking::TrackingLogs;
use backstride_core::tracking::trends::sessions_between;
use backstride_store::{
    Actor, AssessmentKind, AssessmentRecord, AssessmentStatus, Clinic, MAX_LOG_WINDOWS, Store,
};
use jiff::civil::Date;
use std::collections::BTreeMap;

/// The period asked for, as typed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The default period: the last 12 months up to today.
fn last_year(today: Date) -> Date {
    today
        .checked_sub(jiff::Span::new().years(1))
        .unwrap_or(today)
}

/// Reads the period; a field that is wrong gets its message and what was typed is kept.
fn period(q: &PeriodQuery, today: Date) -> (FormState, Option<(Date, Date)>) {
    let mut form = FormState::default()
        .with_value(
            "from",
            q.from
                .clone()
                .unwrap_or_else(|| last_year(today).to_string())
                .as_str(),
        )
        .with_value(
            "to",
            q.to.clone().unwrap_or_else(|| today.to_string()).as_str(),
        );
    let from = form.parse("from", |raw| OUTCOMES_PERIOD.parse(raw, today));
    let to = form.parse("to", |raw| OUTCOMES_PERIOD.parse(raw, today));
    let (Some(from), Some(to)) = (from, to) else {
        return (form, None);
    };
    if let Err(message) = outcomes::check_period(from, to) {
        form.set_error("to", message);
        return (form, None);
    }
    (form, Some((from, to)))
}

fn date_in(clinic: &Clinic, at: i64) -> Date {
    jiff::Timestamp::from_second(at)
        .map(|t| t.to_zoned(clinic.time_zone.zone().clone()).date())
        .unwrap_or(Date::MIN)
}

/// One runner's baseline in the period and what came of it, before the session logs are read.
struct Started {
    runner_id: i64,
    course: Course,
    programme: Option<Programme>,
    /// The days whose sessions count towards adherence.
    window: (Date, Date),
}

fn referred(record: &AssessmentRecord, result: Option<&AssessmentResult>) -> bool {
    record.status == AssessmentStatus::Stopped
        || result.is_some_and(|r| {
            r.referrals
                .iter()
                .any(|x| matches!(x, Referral::Emergency | Referral::SeeDoctor))
        })
}

/// Counts the outcomes of `clinic`'s runners whose baseline falls from `from` to `to`, as
/// `actor` (staff of the clinic; every runner counted is audited).
pub async fn count(
    store: &dyn Store,
    actor: &Actor,
    clinic: &Clinic,
    from: Date,
    to: Date,
    today: Date,
) -> AppResult<Outcomes> {
    let since = from
        .to_zoned(clinic.time_zone.zone().clone())
        .map_err(|e| AppError::Internal(e.to_string()))?
        .timestamp()
        .as_second();
    let records = store.clinic_outcome_records(actor, since).await?;
    let thresholds = crate::clinic_settings::progression_thresholds(Some(clinic));
    let mut by_runner: BTreeMap<i64, Vec<&AssessmentRecord>> = BTreeMap::new();
    for a in &records.assessments {
        by_runner.entry(a.runner_id).or_default().push(a);
    }
    let mut started = Vec::new();
    for (runner_id, list) in by_runner {
        let Some((k, baseline)) = list.iter().enumerate().find(|(_, a)| {
            a.kind == AssessmentKind::Baseline
                && (from..=to).contains(&date_in(clinic, a.created_at))
        }) else {
            continue;
        };
        let baseline_on = date_in(clinic, baseline.created_at);
        let before = crate::tracking::progress::scored(baseline).ok();
        // The latest complete re-test before the next baseline.
        let retest = list[k + 1..]
            .iter()
            .take_while(|a| a.kind == AssessmentKind::Retest)
            .filter(|a| a.status == AssessmentStatus::Complete)
            .last();
        let report = match (&before, retest) {
            (Some(b), Some(r)) => crate::tracking::progress::scored(r).ok().map(|a| {
                let report = backstride_core::tracking::change_report(
                    &b.result,
                    &a.result,
                    b.pain,
                    a.pain,
                    &b.psfs,
                    &a.psfs,
                    a.global,
                    &thresholds,
                );
                (date_in(clinic, r.created_at), report)
            }),
            _ => None,
        };
        let programme = records
            .programmes
            .iter()
            .filter(|p| p.assessment_id == Some(baseline.id))
            .max_by_key(|p| p.version)
            .and_then(|p| serde_json::from_str::<Programme>(&p.body_json).ok());
        let give_up = baseline_on
            .checked_add(jiff::Span::new().days(DROP_OUT_DAYS))
            .unwrap_or(baseline_on);
        let last = report.as_ref().map_or(give_up.min(today), |(on, _)| *on);
        started.push(Started {
            runner_id,
            course: Course {
                baseline_on,
                referred: referred(baseline, before.as_ref().map(|b| &b.result)),
                main_area: before.as_ref().and_then(|b| outcomes::main_area(&b.result)),
                retest: report,
                sessions: None,
            },
            programme,
            window: (baseline_on, last),
        });
    }
    // Adherence: each runner's sessions within their own window, read in bounded chunks.
    let windows: Vec<(i64, String, String)> = started
        .iter()
        .filter(|s| s.programme.is_some() && s.course.retest.is_some())
        .map(|s| (s.runner_id, s.window.0.to_string(), s.window.1.to_string()))
        .collect();
    let mut logs: BTreeMap<i64, TrackingLogs> = BTreeMap::new();
    for chunk in windows.chunks(MAX_LOG_WINDOWS) {
        for record in store.session_logs_within(actor, chunk).await? {
            crate::tracking::journal::add_to(logs.entry(record.runner_id).or_default(), &record);
        }
    }
    off_runtime(move || {
        let courses: Vec<Course> = started
            .into_iter()
            .map(|s| {
                let sessions = match (&s.programme, logs.get(&s.runner_id)) {
                    (Some(p), Some(l)) => Some(sessions_between(p, l, s.window.0, s.window.1)),
                    (Some(p), None) => Some(sessions_between(
                        p,
                        &TrackingLogs::default(),
                        s.window.0,
                        s.window.1,
                    )),
                    (None, _) => None,
                };
                Course {
                    sessions,
                    ..s.course
                }
            })
            .collect();
        outcomes::outcomes(&courses, from, to, today)
    })
    .await
}

/// A row of the figures table (also the CSV's).
pub struct Row {
    pub figure: String,
    pub value: String,
    pub count: String,
    pub of: String,
}

fn share_row(figure: &str, s: &Share) -> Row {
    match *s {
        Share::Shown { count, of } => Row {
            figure: figure.into(),
            value: format!("{}%", s.percent().unwrap_or_default()),
            count: count.to_string(),
            of: of.to_string(),
        },
        Share::TooFew { of } => Row {
            figure: figure.into(),
            value: s.text(),
            count: String::new(),
            of: of.to_string(),
        },
    }
}

fn median_row(figure: &str, m: &Median, unit: &str) -> Row {
    match *m {
        Median::Shown { value, of } => Row {
            figure: figure.into(),
            value: format!(
                "{}{unit}",
                backstride_core::assessment::explain::format_number(value, 1)
            ),
            count: String::new(),
            of: of.to_string(),
        },
        Median::TooFew { of } => Row {
            figure: figure.into(),
            value: m.text(unit),
            count: String::new(),
            of: of.to_string(),
        },
    }
}

fn count_row(figure: &str, n: usize) -> Row {
    Row {
        figure: figure.into(),
        value: n.to_string(),
        count: n.to_string(),
        of: String::new(),
    }
}

/// The whole period's figures, in the page's order.
pub fn rows(o: &Outcomes, points: f64) -> Vec<Row> {
    let pts = backstride_core::assessment::explain::format_number(points, 0);
    let mut rows = vec![
        count_row(
            "Runners who started (baseline in the period)",
            o.all.started,
        ),
        count_row("Re-tested", o.all.retested),
        count_row(
            &format!("Dropped out (no re-test within {DROP_OUT_DAYS} days)"),
            o.all.dropped_out,
        ),
        count_row("Still within their first six weeks", o.all.still_going),
        count_row("Referred on by the red-flag screen", o.referred),
        share_row(
            &format!("Back pain {pts} or more points less at the re-test"),
            &o.all.pain_better,
        ),
        share_row(
            "Activities scale 2 or more points better at the re-test",
            &o.all.function_better,
        ),
        median_row("Median pain at the baseline", &o.pain_before, "/10"),
        median_row("Median pain at the re-test", &o.pain_after, "/10"),
        median_row(
            "Median activities score at the baseline",
            &o.function_before,
            "/10",
        ),
        median_row(
            "Median activities score at the re-test",
            &o.function_after,
            "/10",
        ),
        median_row("Median share of planned sessions done", &o.adherence, "%"),
        median_row(
            "Median days from baseline to re-test",
            &o.days_to_retest,
            " days",
        ),
    ];
    for b in &o.balance {
        rows.push(median_row(
            &format!("{}: median change in left/right balance", b.test_name),
            &b.change,
            " points",
        ));
    }
    rows
}

#[derive(Template)]
#[template(path = "outcomes.html")]
struct OutcomesPage {
    page: Page,
    form: FormState,
    outcomes: Option<Outcomes>,
    rows: Vec<Row>,
    chart: Option<String>,
    csv_href: String,
    min_runners: usize,
    drop_out_days: i64,
    points: String,
    public_sentence: Option<String>,
    public_on: bool,
}

fn group_cells(g: &Group) -> [String; 5] {
    [
        g.started.to_string(),
        g.retested.to_string(),
        g.dropped_out.to_string(),
        g.still_going.to_string(),
        g.pain_better.text(),
    ]
}

impl OutcomesPage {
    fn months(&self) -> Vec<(String, [String; 5])> {
        self.outcomes
            .iter()
            .flat_map(|o| &o.by_month)
            .map(|g| (g.label.clone(), group_cells(g)))
            .collect()
    }

    fn areas(&self) -> Vec<(String, [String; 5])> {
        self.outcomes
            .iter()
            .flat_map(|o| &o.by_area)
            .map(|g| (g.label.clone(), group_cells(g)))
            .collect()
    }
}

/// The monthly chart: the share of re-tested runners whose pain eased by the change that
/// matters, months under the floor left empty ("no data").
fn month_chart(o: &Outcomes, points: &str) -> Option<String> {
    let weeks: Vec<backstride_charts::WeekValue> = o
        .by_month
        .iter()
        .filter_map(|g| {
            Some(backstride_charts::WeekValue {
                week_start: g.month?,
                value: g.pain_better.percent(),
            })
        })
        .collect();
    backstride_charts::weekly_bars(
        "outcomes-month",
        &format!("Re-tested runners with {points}+ points less pain, by month started"),
        "%",
        &weeks,
        Some(100.0),
        None,
    )
    .map(|c| c.to_html())
}

async fn staff_clinic(ctx: &Ctx) -> AppResult<(Actor, Clinic)> {
    let staff = ctx.user_with_role(&[Role::Clinician, Role::Admin])?;
    let clinic_id = staff.clinic_id.ok_or(AppError::Forbidden)?;
    let clinic = ctx.state.store.clinic(clinic_id).await?;
    Ok((Actor::of(staff), clinic))
}

fn meaningful_points(clinic: &Clinic) -> f64 {
    crate::clinic_settings::progression_thresholds(Some(clinic))
        .pain_meaningful_change
        .value
}

/// `GET /clinic/outcomes?from=&to=`: the figures for the period (the last 12 months unless
/// chosen).
pub async fn page(ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
    let (actor, clinic) = staff_clinic(&ctx).await?;
    let today = ctx.state.clock.today_in(&clinic.time_zone);
    let (form, chosen) = period(&q, today);
    let points = meaningful_points(&clinic);
    let outcomes = match chosen {
        Some((from, to)) => {
            Some(count(ctx.state.store.as_ref(), &actor, &clinic, from, to, today).await?)
        }
        None => None,
    };
    let shown_points = backstride_core::assessment::explain::format_number(points, 0);
    let public = ctx.state.store.public_outcomes(clinic.id).await?;
    render_status(
        form.status(),
        OutcomesPage {
            page: ctx.page("Outcomes").await?,
            rows: outcomes
                .as_ref()
                .map(|o| rows(o, points))
                .unwrap_or_default(),
            chart: outcomes
                .as_ref()
                .and_then(|o| month_chart(o, &shown_points)),
            csv_href: chosen
                .map(|(from, to)| format!("/clinic/outcomes.csv?from={from}&to={to}"))
                .unwrap_or_default(),
            form,
            outcomes,
            min_runners: MIN_RUNNERS,
            drop_out_days: DROP_OUT_DAYS,
            points: shown_points,
            public_on: public.is_some(),
            public_sentence: public.map(|p| p.sentence).filter(|s| !s.is_empty()),
        },
    )
}

/// Quotes a CSV cell.
fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// `GET /clinic/outcomes.csv?from=&to=`: the page's figures, a row each.
pub async fn csv(ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
    let (actor, clinic) = staff_clinic(&ctx).await?;
    let today = ctx.state.clock.today_in(&clinic.time_zone);
    let (form, chosen) = period(&q, today);
    let Some((from, to)) = chosen else {
        let message = form
            .summary()
            .into_iter()
            .map(|(_, m)| m.to_owned())
            .collect::<Vec<_>>()
            .join(" ");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, message).into_response());
    };
    let o = count(ctx.state.store.as_ref(), &actor, &clinic, from, to, today).await?;
    let mut out = String::from("figure,value,count,of\n");
    for r in rows(&o, meaningful_points(&clinic)) {
        out.push_str(&format!(
            "{},{},{},{}\n",
            cell(&r.figure),
            cell(&r.value),
            r.count,
            r.of
        ));
    }
    for g in o.by_month.iter().chain(&o.by_area) {
        out.push_str(&format!(
            "{},{},{},{}\n",
            cell(&format!("{}: back pain better", g.label)),
            cell(&g.pain_better.text()),
            match g.pain_better {
                Share::Shown { count, .. } => count.to_string(),
                Share::TooFew { .. } => String::new(),
            },
            g.retested
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"outcomes-{from}-to-{to}.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

/// The public sentence for the last 12 months, empty under the floor.
async fn public_sentence_now(
    store: &dyn Store,
    clock: &crate::Clock,
    actor: &Actor,
    clinic: &Clinic,
) -> AppResult<(String, Date)> {
    let today = clock.today_in(&clinic.time_zone);
    let o = count(store, actor, clinic, last_year(today), today, today).await?;
    Ok((
        outcomes::public_sentence(&o, meaningful_points(clinic)).unwrap_or_default(),
        today,
    ))
}

#[derive(serde::Deserialize)]
pub struct PublicForm {
    show: Option<String>,
}

/// `POST /clinic/outcomes/public`: an admin shows or hides the outcomes sentence on the
/// clinic's public page.
pub async fn set_public(ctx: Ctx, Form(f): Form<PublicForm>) -> AppResult<Response> {
    let admin = ctx.user_with_role(&[Role::Admin])?;
    let actor = Actor::of(admin);
    let clinic_id = admin.clinic_id.ok_or(AppError::Forbidden)?;
    let store = ctx.state.store.as_ref();
    let clinic = store.clinic(clinic_id).await?;
    if f.show.as_deref() == Some("yes") {
        let (sentence, today) =
            public_sentence_now(store, &ctx.state.clock, &actor, &clinic).await?;
        store
            .set_public_outcomes(&actor, Some(&sentence), &today.to_string())
            .await?;
        let message = if sentence.is_empty() {
            format!(
                "The outcomes block is on, but it stays hidden until at least {MIN_RUNNERS} \
                 runners have re-tested in the last 12 months."
            )
        } else {
            "The outcomes block now shows on the clinic's page.".to_owned()
        };
        ctx.flash("success", message).await?;
    } else {
        store.set_public_outcomes(&actor, None, "").await?;
        ctx.flash("success", "The outcomes block is no longer shown.")
            .await?;
    }
    Ok(Redirect::to("/clinic/outcomes").into_response())
}

/// Recounts every public outcomes sentence not yet counted today, as the admin who turned it
/// on (an admin who has left the clinic turns it off), on the day `clock` tells. Returns how
/// many were recounted.
pub async fn refresh_public(store: &dyn Store, clock: &crate::Clock) -> AppResult<usize> {
    let mut done = 0;
    for shown in store.clinics_with_public_outcomes().await? {
        let clinic = store.clinic(shown.clinic_id).await?;
        if shown.counted_on == clock.today_in(&clinic.time_zone).to_string() {
            continue;
        }
        let admin = store.user(shown.enabled_by).await?;
        let actor = Actor::of(&admin);
        if admin.role != Role::Admin || admin.clinic_id != Some(clinic.id) {
            continue;
        }
        let (sentence, today) = public_sentence_now(store, clock, &actor, &clinic).await?;
        store
            .set_public_outcomes(&actor, Some(&sentence), &today.to_string())
            .await?;
        done += 1;
    }
    Ok(done)
}

/// The sentence for the clinic's public page, if the clinic shows one.
pub async fn public_block(store: &dyn Store, clinic_id: i64) -> AppResult<Option<String>> {
    Ok(store
        .public_outcomes(clinic_id)
        .await?
        .map(|p| p.sentence)
        .filter(|s| !s.is_empty()))
}

#[derive(Template)]
#[template(path = "outcomes_public.html")]
struct PublicPage {
    page: Page,
    brand: crate::front::Brand,
    sentence: Option<String>,
    min_runners: usize,
    drop_out_days: i64,
    points: String,
}

/// `GET /clinics/{id}/outcomes`: the public sentence with how it is counted (404 when the
/// clinic does not show it).
pub async fn public_page(
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<Response> {
    let store = ctx.state.store.as_ref();
    let clinic = crate::front::public_clinic(store, id).await?;
    if store.public_outcomes(clinic.id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    render_status(
        StatusCode::OK,
        PublicPage {
            page: ctx.page(&format!("Outcomes · {}", clinic.name)).await?,
            brand: crate::front::Brand::of(&clinic),
            sentence: public_block(store, clinic.id).await?,
            min_runners: MIN_RUNNERS,
            drop_out_days: DROP_OUT_DAYS,
            points: backstride_core::assessment::explain::format_number(
                meaningful_points(&clinic),
                0,
            ),
        },
    )
}
