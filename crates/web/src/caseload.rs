//! The clinician's caseload: the clinic's runners with their latest morning pain and its trend,
//! this week's adherence, open alerts and the next re-test, sortable and filterable (by query
//! parameters, so it works without JavaScript and a view can be bookmarked), and the decisions
//! waiting for a clinician ("Waiting for you"), a page of [`PAGE`] lines at a time.
//!
//! At clinic scale each runner's line is worked out once and kept ([`LineCache`]) with the
//! runner's version (which the database raises with every write to what the line is worked
//! out from), the clinic's cut-offs and the runner's day; a view reads every runner's version
//! and works out again only the lines that changed.

use crate::Clock;
use crate::blocking::off_runtime;
use crate::clinic_settings::progression_thresholds;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::templates::{Page, render};
use crate::tracking::journal::{add_to, days_before};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use backstride_core::programme::Programme;
use backstride_core::tracking::trends::{PainDirection, pain_trend, weeks};
use backstride_core::tracking::{ProgressionThresholds, TrackingLogs};
use backstride_core::{Role, TimeZoneName};
use backstride_store::{Actor, AlertTier, CaseloadRecords, User};
use jiff::civil::Date;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One runner's line.
pub struct CaseLine {
    pub id: i64,
    pub name: String,
    pub pain: String,
    pub pain_value: Option<u8>,
    pub trend: &'static str,
    pub trend_rank: u8,
    pub adherence: String,
    pub adherence_value: Option<f64>,
    pub alerts: String,
    pub alert_rank: u8,
    pub alert_class: &'static str,
    pub retest: String,
    pub retest_date: Option<Date>,
    pub retest_due: bool,
    /// Decisions of the pain-monitoring guide waiting for a clinician.
    pub waiting: i64,
}

#[derive(serde::Deserialize, Default)]
pub struct CaseQuery {
    sort: Option<String>,
    show: Option<String>,
    /// Which page of [`PAGE`] lines, from 1.
    page: Option<String>,
}

/// A sortable column header.
pub struct Column {
    pub label: &'static str,
    pub href: String,
    /// `ascending`, `descending` or `none` for `aria-sort`.
    pub aria_sort: &'static str,
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    page: Page,
    lines: Vec<Arc<CaseLine>>,
    columns: Vec<Column>,
    filters: Vec<(String, &'static str, bool)>,
    /// Runners in the caseload, and those the filter keeps.
    total: usize,
    matching: usize,
    /// The first and last line shown, counted from 1 among the matching.
    shown_from: usize,
    shown_to: usize,
    previous: Option<String>,
    next: Option<String>,
}

const COLUMNS: [(&str, &str); 7] = [
    ("name", "Runner"),
    ("waiting", "Waiting for you"),
    ("pain", "Morning pain"),
    ("trend", "Trend"),
    ("adherence", "Sessions this week"),
    ("alerts", "Open alerts"),
    ("retest", "Next re-test"),
];

const FILTERS: [(&str, &str); 5] = [
    ("all", "Everyone"),
    ("waiting", "Waiting for you"),
    ("alerts", "With open alerts"),
    ("worse", "Pain getting worse"),
    ("retest", "Re-test due"),
];

fn tier_rank(tier: AlertTier) -> u8 {
    match tier {
        AlertTier::Critical => 3,
        AlertTier::High => 2,
        AlertTier::Low => 1,
    }
}

/// Re-tests fall on day 7 and day 14 of the programme (our choice, after the plan): the
/// next one is the first not yet covered by a re-test finished since the programme began
/// (`retests_at`, Unix seconds; see [`retests_covered`]). `None` once both are done.
pub fn next_retest(start: Date, tz: &TimeZoneName, retests_at: &[i64]) -> Option<Date> {
    let started = start
        .to_zoned(tz.zone().clone())
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0);
    let mut done: Vec<Date> = retests_at
        .iter()
        .filter(|at| **at >= started)
        .filter_map(|at| jiff::Timestamp::from_second(*at).ok())
        .map(|t| t.to_zoned(tz.zone().clone()).date())
        .collect();
    done.sort();
    let due: Vec<Date> = [7, 14]
        .iter()
        .filter_map(|d| start.checked_add(jiff::Span::new().days(*d)).ok())
        .collect();
    due.get(retests_covered(&due, &done)).copied()
}

/// "due since 30 Nov" or "Mon 7 Dec".
pub fn retest_words(due: Date, today: Date) -> String {
    if due <= today {
        format!("due since {}", due.strftime("%-d %b"))
    } else {
        due.strftime("%a %-d %b").to_string()
    }
}

/// Days of logs the caseload reads, back from the staff member's today: the two weeks the
/// pain trend compares, this programme week, and a day for a runner whose today is behind.
const CASELOAD_DAYS: i64 = 15;

/// What one runner's line is worked out from (each runner's part of the caseload's one read).
pub struct LineBasis<'a> {
    pub runner: &'a User,
    /// The approved programme, if any.
    pub programme: Option<&'a Programme>,
    /// At least the last two weeks of logs and the latest morning check-in.
    pub logs: &'a TrackingLogs,
    pub thresholds: &'a ProgressionThresholds,
    /// Unix seconds of each finished re-test.
    pub retests_at: &'a [i64],
    pub alerts: &'a [AlertTier],
    /// Decisions waiting for a clinician.
    pub waiting: i64,
    /// The runner's today, from the app's clock.
    pub today: Date,
}

/// One runner's line.
pub fn line(basis: &LineBasis<'_>) -> CaseLine {
    let runner = basis.runner;
    let today = basis.today;
    let (mut pain, mut pain_value, mut trend, mut trend_rank) =
        ("no check-ins".to_owned(), None, "–", 0);
    let (mut adherence, mut adherence_value) = ("no programme".to_owned(), None);
    let (mut retest, mut retest_date, mut retest_due) = ("–".to_owned(), None, false);
    if let Some(programme) = basis.programme {
        let t = pain_trend(
            basis.logs,
            today,
            basis.thresholds.mornings_for_weekly_average.value as usize,
            basis.thresholds.weekly_morning_rise.value,
        );
        if let (Some(p), Some(d)) = (t.latest, t.latest_date) {
            pain = format!("{p}/10 ({})", crate::tracking::words::day_label(d, today));
            pain_value = Some(p);
        }
        (trend, trend_rank) = match t.direction {
            PainDirection::Worse => ("worse", 3),
            PainDirection::Steady => ("steady", 2),
            PainDirection::Better => ("better", 1),
            PainDirection::Unknown => ("not enough check-ins", 0),
        };
        let week = weeks(programme, basis.logs, today).pop();
        adherence_value = week.as_ref().and_then(|w| w.adherence_percent);
        // A week that starts today counts only what is done so far; say what today holds, as
        // the runner's Today page does, rather than "nothing planned".
        let planned_today = programme.day_on(today).map_or(0, |d| d.exercises.len());
        adherence = match &week {
            Some(w) if w.sessions_planned > 0 => format!(
                "{} of {} ({}%)",
                w.sessions_done,
                w.sessions_planned,
                w.adherence_percent.unwrap_or(0.0)
            ),
            _ if planned_today > 0 => format!("new week: {planned_today} planned today"),
            _ => "nothing planned yet".to_owned(),
        };
        let start = programme.settings.start_date;
        let done = basis.retests_at;
        if let Some(d) = next_retest(start, &runner.time_zone, done) {
            retest_due = d <= today;
            retest = retest_words(d, today);
            retest_date = Some(d);
        } else {
            retest = done
                .iter()
                .max()
                .and_then(|at| jiff::Timestamp::from_second(*at).ok())
                .map_or_else(
                    || "both re-tests done".to_owned(),
                    |t| {
                        let day = t.to_zoned(runner.time_zone.zone().clone()).date();
                        format!("done {}", day.strftime("%-d %b"))
                    },
                );
        }
    }
    let mine = basis.alerts;
    let worst = mine.iter().copied().max_by_key(|t| tier_rank(*t));
    CaseLine {
        id: runner.id,
        name: runner.display_name.clone(),
        pain,
        pain_value,
        trend,
        trend_rank,
        adherence,
        adherence_value,
        alerts: match (mine.len(), worst) {
            (0, _) | (_, None) => "none".to_owned(),
            (n, Some(t)) => format!("{n} (worst: {})", t.as_str()),
        },
        alert_rank: worst.map_or(0, tier_rank),
        alert_class: worst.map_or("", |t| t.as_str()),
        retest,
        retest_date,
        retest_due,
        waiting: basis.waiting,
    }
}

/// The lines of the runners read (on a blocking thread: it decodes each one's programme and
/// logs).
fn lines_of(records: CaseloadRecords, clock: &Clock) -> Vec<CaseLine> {
    let thresholds = progression_thresholds(Some(&records.clinic));
    let mut programmes: HashMap<i64, Programme> = HashMap::new();
    for p in &records.programmes {
        match p.programme() {
            Ok(programme) => {
                programmes.insert(p.runner_id, programme);
            }
            Err(e) => tracing::warn!(error = %e, "caseload: programme skipped"),
        }
    }
    let mut logs: HashMap<i64, TrackingLogs> = HashMap::new();
    for l in &records.logs {
        add_to(logs.entry(l.runner_id).or_default(), l);
    }
    let mut retests: HashMap<i64, Vec<i64>> = HashMap::new();
    for (runner, at) in &records.retests_at {
        retests.entry(*runner).or_default().push(*at);
    }
    let mut alerts: HashMap<i64, Vec<AlertTier>> = HashMap::new();
    for a in &records.alerts {
        alerts.entry(a.runner_id).or_default().push(a.tier);
    }
    let waiting: HashMap<i64, i64> = records.waiting.iter().copied().collect();
    let none = TrackingLogs::default();
    records
        .runners
        .iter()
        .map(|runner| {
            line(&LineBasis {
                runner,
                programme: programmes.get(&runner.id),
                logs: logs.get(&runner.id).unwrap_or(&none),
                thresholds: &thresholds,
                retests_at: retests.get(&runner.id).map_or(&[], Vec::as_slice),
                alerts: alerts.get(&runner.id).map_or(&[], Vec::as_slice),
                waiting: waiting.get(&runner.id).copied().unwrap_or(0),
                today: clock.today_for(runner),
            })
        })
        .collect()
}

/// How many of the due re-test dates the re-tests done cover: each re-test covers the next one
/// due and every one due by its date (a re-test after three weeks stands for both the day-7 and
/// the day-14 one, so the caseload does not ask for another the same day).
fn retests_covered(due: &[Date], done: &[Date]) -> usize {
    done.iter().fold(0, |covered, d| {
        let by_then = due.iter().filter(|x| *x <= d).count();
        (covered + 1).max(by_then).min(due.len())
    })
}

/// Lines per page. **Our choice**: a screenful or two to work through; the order and the
/// filters cover the whole caseload.
pub const PAGE: usize = 100;

/// Most lines kept (every clinic together); past it the cache starts again. **Our choice**: a
/// few hundred bytes each, far above a clinic.
const MOST_HELD: usize = 100_000;

/// A runner's worked-out line and what it was worked out from.
struct Held {
    version: i64,
    settings: u64,
    zone: TimeZoneName,
    today: Date,
    line: Arc<CaseLine>,
}

/// Each runner's worked-out caseload line (one per app).
#[derive(Default)]
pub struct LineCache {
    held: Mutex<HashMap<i64, Held>>,
}

impl LineCache {
    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Held>> {
        // A panic while holding the lock cannot leave a line half-written: carry on.
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the line held for `runner_id` was worked out from `version`, these cut-offs and
    /// the runner's today (`today_in` their zone).
    fn fresh(
        &self,
        runner_id: i64,
        version: i64,
        settings: u64,
        today_in: &dyn Fn(&TimeZoneName) -> Date,
    ) -> bool {
        self.held().get(&runner_id).is_some_and(|h| {
            h.version == version && h.settings == settings && h.today == today_in(&h.zone)
        })
    }
}

/// A fingerprint of a clinic's cut-offs (the lines depend on them).
fn settings_key(settings: &backstride_store::ClinicSettings) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{settings:?}").hash(&mut h);
    h.finish()
}

/// Every runner's line for `staff`'s caseload, working out again only the stale ones.
async fn all_lines(ctx: &Ctx, staff: &User) -> AppResult<Vec<Arc<CaseLine>>> {
    let actor = Actor::of(staff);
    let state = &ctx.state;
    let since = days_before(state.clock.today_for(staff), CASELOAD_DAYS).to_string();
    let cache = state.caseload.clone();
    let clock = state.clock.clone();
    // The cut-offs come with the records; until then, stale means "not held for this version".
    let settings = match ctx.clinic().await? {
        Some(c) => settings_key(&c.settings),
        None => 0,
    };
    // Each time zone's today worked out once a view (a clinic's runners share a few zones;
    // working it out per runner was a tenth of a view's work).
    let todays = Mutex::new(HashMap::<String, Date>::new());
    let today_in = |zone: &TimeZoneName| -> Date {
        let mut todays = todays
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *todays
            .entry(zone.as_str().to_owned())
            .or_insert_with(|| clock.today_in(zone))
    };
    let stale = |id: i64, version: i64| !cache.fresh(id, version, settings, &today_in);
    let mut records = state.store.caseload(&actor, &since, &stale).await?;
    let versions = std::mem::take(&mut records.versions);
    let settings = settings_key(&records.clinic.settings);
    if !records.runners.is_empty() {
        let clock = clock.clone();
        let worked: Vec<(CaseLine, TimeZoneName, Date)> = off_runtime(move || {
            // One line per runner read, in their order.
            let zones: Vec<TimeZoneName> = records
                .runners
                .iter()
                .map(|r| r.time_zone.clone())
                .collect();
            lines_of(records, &clock)
                .into_iter()
                .zip(zones)
                .map(|(l, zone)| {
                    let today = clock.today_in(&zone);
                    (l, zone, today)
                })
                .collect()
        })
        .await?;
        let mut held = cache.held();
        if held.len() + worked.len() > MOST_HELD {
            held.clear();
        }
        for (line, zone, today) in worked {
            let Ok(k) = versions.binary_search_by_key(&line.id, |(id, _)| *id) else {
                continue;
            };
            let version = versions[k].1;
            if held.get(&line.id).is_some_and(|h| h.version > version) {
                continue;
            }
            held.insert(
                line.id,
                Held {
                    version,
                    settings,
                    zone,
                    today,
                    line: Arc::new(line),
                },
            );
        }
    }
    let held = cache.held();
    Ok(versions
        .iter()
        .filter_map(|(id, _)| held.get(id).map(|h| h.line.clone()))
        .collect())
}

/// `GET /clinic/caseload?sort=…&show=…&page=…`.
pub async fn page(ctx: Ctx, Query(q): Query<CaseQuery>) -> AppResult<Response> {
    let staff = ctx.user_with_role(&[Role::Clinician, Role::Admin])?.clone();
    staff.clinic_id.ok_or(crate::error::AppError::Forbidden)?;
    let mut lines = all_lines(&ctx, &staff).await?;
    let total = lines.len();
    let show = q
        .show
        .as_deref()
        .filter(|s| FILTERS.iter().any(|(key, _)| key == s))
        .unwrap_or("all");
    lines.retain(|l| match show {
        "alerts" => l.alert_rank > 0,
        "worse" => l.trend == "worse",
        "retest" => l.retest_due,
        "waiting" => l.waiting > 0,
        _ => true,
    });
    let sort = q
        .sort
        .as_deref()
        .filter(|s| COLUMNS.iter().any(|(key, _)| key == s))
        .unwrap_or("alerts");
    // Most urgent first for every column but the name; the name breaks ties.
    lines.sort_by_cached_key(|l| l.name.to_lowercase());
    match sort {
        "name" => {}
        "waiting" => lines.sort_by_key(|l| std::cmp::Reverse(l.waiting)),
        "pain" => lines.sort_by_key(|l| std::cmp::Reverse(l.pain_value)),
        "trend" => lines.sort_by_key(|l| std::cmp::Reverse(l.trend_rank)),
        "adherence" => lines.sort_by(|a, b| {
            a.adherence_value
                .unwrap_or(f64::INFINITY)
                .total_cmp(&b.adherence_value.unwrap_or(f64::INFINITY))
        }),
        "retest" => lines.sort_by_key(|l| l.retest_date.unwrap_or(Date::MAX)),
        _ => lines.sort_by(|a, b| {
            (b.alert_rank, b.trend_rank, b.pain_value).cmp(&(
                a.alert_rank,
                a.trend_rank,
                a.pain_value,
            ))
        }),
    }
    let matching = lines.len();
    let pages = matching.div_ceil(PAGE).max(1);
    // Any page number past the last shows the last; anything else that is not a number, the first.
    let page = q
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<u64>().ok())
        .map_or(1, |p| p.clamp(1, pages as u64) as usize);
    let first = (page - 1) * PAGE;
    let lines: Vec<Arc<CaseLine>> = lines.into_iter().skip(first).take(PAGE).collect();
    let link = |page: usize| format!("/clinic/caseload?sort={sort}&show={show}&page={page}");
    let columns = COLUMNS
        .iter()
        .map(|(key, label)| Column {
            label,
            href: format!("/clinic/caseload?sort={key}&show={show}"),
            aria_sort: match (*key == sort, *key) {
                (false, _) => "none",
                (true, "name") | (true, "adherence") | (true, "retest") => "ascending",
                (true, _) => "descending",
            },
        })
        .collect();
    let filters = FILTERS
        .iter()
        .map(|(key, label)| {
            (
                format!("/clinic/caseload?sort={sort}&show={key}"),
                *label,
                *key == show,
            )
        })
        .collect();
    render(CaseloadPage {
        page: ctx.page("Caseload").await?,
        shown_from: first + 1,
        shown_to: first + lines.len(),
        lines,
        columns,
        filters,
        total,
        matching,
        previous: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    })
}

#[cfg(test)]
mod tests {
    use super::retests_covered;
    use jiff::civil::date;

    #[test]
    fn a_late_retest_covers_every_retest_due_by_then() {
        let due = [date(2026, 1, 8), date(2026, 1, 15)];
        assert_eq!(retests_covered(&due, &[]), 0);
        assert_eq!(retests_covered(&due, &[date(2026, 1, 8)]), 1);
        assert_eq!(
            retests_covered(&due, &[date(2026, 1, 5)]),
            1,
            "early still counts"
        );
        assert_eq!(retests_covered(&due, &[date(2026, 1, 22)]), 2);
        assert_eq!(
            retests_covered(&due, &[date(2026, 1, 8), date(2026, 1, 9)]),
            2
        );
    }
}
