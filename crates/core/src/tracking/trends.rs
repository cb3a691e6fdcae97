//! What the tracking charts show, computed from the logs: pain per day, and per programme week
//! the average morning pain, adherence and running volume.
//!
//! Weeks are programme weeks: 7 days from the programme's start date. Adherence is counted per
//! planned exercise, as the progression rules (`progression`) count it: per exercise, sessions
//! done count up to those planned, so a swapped day is not a missed one. Today is not over, so
//! its planned exercises count only once the runner has logged one of them: from then on every
//! exercise planned for today counts (logging 1 of 4 is 1 of 4, not 1 of 1). **Our choice**:
//! an untouched today would otherwise read as missed before the runner had a chance.

use super::logs::{MorningCheckIn, RunLog, SessionLog, TrackingLogs};
use crate::programme::Programme;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The pain logged on one date: the worst of each kind, `None` where nothing was logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayPain {
    pub date: Date,
    /// Worst pain during an exercise session.
    pub during_exercise: Option<u8>,
    /// Worst pain during or after a run.
    pub run: Option<u8>,
    pub morning: Option<u8>,
    pub ran: bool,
}

/// One programme week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Week {
    /// The week's first day.
    pub start: Date,
    /// Average morning pain, `None` without a check-in.
    pub morning_pain_mean: Option<f64>,
    pub mornings: usize,
    /// Sessions done (counted up to those planned, per exercise) and planned.
    pub sessions_done: usize,
    pub sessions_planned: usize,
    /// Whole percent, `None` when nothing was planned.
    pub adherence_percent: Option<f64>,
    /// Metres run in the week.
    pub run_metres: f64,
}

/// Most programme weeks shown, the latest. **Our choice**: half a year of weekly bars (the
/// progress page reads them from the store's weekly summaries, not from the logs).
pub const MAX_WEEKS: i64 = 26;

fn add_days(date: Date, n: i64) -> Option<Date> {
    date.checked_add(jiff::Span::new().days(n)).ok()
}

/// What one date's logs add up to: everything the charts take from them. The store keeps these
/// per runner and week, updated as each log is stored, so the charts need not read the logs
/// again; [`daily_pain`] and [`weeks`] work them out from the logs the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySummary {
    pub date: Date,
    /// Worst pain during an exercise session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub during_exercise: Option<u8>,
    /// Worst pain during or after a run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<u8>,
    /// Morning pain of each check-in (one a day as stored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mornings: Vec<u8>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ran: bool,
    /// Metres run.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub run_metres: f64,
    /// The programme items with at least one set done.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub done: BTreeSet<String>,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

fn worst(slot: &mut Option<u8>, v: u8) {
    *slot = Some(slot.map_or(v, |s| s.max(v)));
}

impl DaySummary {
    /// A date with nothing logged yet.
    pub fn new(date: Date) -> DaySummary {
        DaySummary {
            date,
            during_exercise: None,
            run: None,
            mornings: Vec::new(),
            ran: false,
            run_metres: 0.0,
            done: BTreeSet::new(),
        }
    }

    pub fn add_session(&mut self, s: &SessionLog) {
        worst(&mut self.during_exercise, s.pain_during.get());
        if s.sets_done.any() {
            self.done.insert(s.item_key.clone());
        }
    }

    pub fn add_run(&mut self, r: &RunLog) {
        self.ran = true;
        worst(&mut self.run, r.pain_during.get().max(r.pain_after.get()));
        self.run_metres += r.distance_m;
    }

    pub fn add_morning(&mut self, m: &MorningCheckIn) {
        self.mornings.push(m.morning_pain.get());
    }

    /// The day's pain as the pain chart shows it.
    pub fn pain(&self) -> DayPain {
        DayPain {
            date: self.date,
            during_exercise: self.during_exercise,
            run: self.run,
            morning: self.mornings.iter().copied().max(),
            ran: self.ran,
        }
    }
}

/// What the logs dated from `first` to `last` (inclusive) add up to, per date; dates without
/// any log left out.
pub fn days(logs: &TrackingLogs, first: Date, last: Date) -> BTreeMap<Date, DaySummary> {
    let mut days: BTreeMap<Date, DaySummary> = BTreeMap::new();
    let within = |d: Date| (first..=last).contains(&d);
    fn on(days: &mut BTreeMap<Date, DaySummary>, date: Date) -> &mut DaySummary {
        days.entry(date).or_insert_with(|| DaySummary::new(date))
    }
    for s in logs.sessions.iter().filter(|s| within(s.date)) {
        on(&mut days, s.date).add_session(s);
    }
    for r in logs.runs.iter().filter(|r| within(r.date)) {
        on(&mut days, r.date).add_run(r);
    }
    for m in logs.mornings.iter().filter(|m| within(m.date)) {
        on(&mut days, m.date).add_morning(m);
    }
    days
}

/// Pain per day from `first` to `last` (inclusive), days without any log left out.
pub fn daily_pain(logs: &TrackingLogs, first: Date, last: Date) -> Vec<DayPain> {
    days(logs, first, last)
        .values()
        .map(DaySummary::pain)
        .collect()
}

/// The first day of the earliest programme week [`weeks`] shows on `today`.
pub fn first_week_shown(programme: &Programme, today: Date) -> Option<Date> {
    let start = programme.settings.start_date;
    // The latest MAX_WEEKS only, the first of them found by counting, not by walking the weeks.
    let weeks_before = (i64::from((today - start).get_days()) / 7 - (MAX_WEEKS - 1)).max(0);
    add_days(start, 7 * weeks_before)
}

/// The programme weeks up to the one holding `today`: the latest [`MAX_WEEKS`] of them.
pub fn weeks(programme: &Programme, logs: &TrackingLogs, today: Date) -> Vec<Week> {
    match first_week_shown(programme, today) {
        Some(first) => weeks_of(programme, &days(logs, first, today), today),
        None => Vec::new(),
    }
}

/// [`weeks`] from what each date's logs add up to (`days` must hold every date from
/// [`first_week_shown`] to `today` that has a log).
pub fn weeks_of(
    programme: &Programme,
    days: &BTreeMap<Date, DaySummary>,
    today: Date,
) -> Vec<Week> {
    let mut out = Vec::new();
    let Some(mut week_start) = first_week_shown(programme, today) else {
        return out;
    };
    while week_start <= today {
        let Some(week_end) = add_days(week_start, 6) else {
            break;
        };
        let last = week_end.min(today);
        out.push(week(programme, days, week_start, last, today));
        match add_days(week_start, 7) {
            Some(next) => week_start = next,
            None => break,
        }
    }
    out
}

fn week(
    programme: &Programme,
    days: &BTreeMap<Date, DaySummary>,
    first: Date,
    last: Date,
    today: Date,
) -> Week {
    let within = || days.range(first..=last).map(|(_, d)| d);
    let mornings: Vec<f64> = within()
        .flat_map(|d| d.mornings.iter().map(|&p| f64::from(p)))
        .collect();
    let done: BTreeMap<&str, BTreeSet<Date>> = within().fold(BTreeMap::new(), |mut acc, d| {
        for key in &d.done {
            acc.entry(key.as_str()).or_default().insert(d.date);
        }
        acc
    });
    let mut planned: BTreeMap<&str, usize> = BTreeMap::new();
    let mut d = first;
    while d <= last {
        if let Some(day) = programme.day_on(d) {
            let started = d < today || session_started(&day.exercises, &done, d);
            if started {
                for key in &day.exercises {
                    *planned.entry(key.as_str()).or_default() += 1;
                }
            }
        }
        match add_days(d, 1) {
            Some(n) => d = n,
            None => break,
        }
    }
    let sessions_planned: usize = planned.values().sum();
    let sessions_done: usize = planned
        .iter()
        .map(|(key, n)| done.get(key).map_or(0, |s| s.len().min(*n)))
        .sum();
    Week {
        start: first,
        morning_pain_mean: (!mornings.is_empty()).then(|| {
            crate::assessment::explain::round_to(
                mornings.iter().sum::<f64>() / mornings.len() as f64,
                1,
            )
        }),
        mornings: mornings.len(),
        sessions_done,
        sessions_planned,
        adherence_percent: (sessions_planned > 0)
            .then(|| (sessions_done as f64 * 100.0 / sessions_planned as f64).round()),
        run_metres: within().map(|d| d.run_metres).sum(),
    }
}

/// Whether any exercise planned for `date` was logged on it: the day's session has begun.
fn session_started(planned: &[String], done: &BTreeMap<&str, BTreeSet<Date>>, date: Date) -> bool {
    planned
        .iter()
        .any(|key| done.get(key.as_str()).is_some_and(|s| s.contains(&date)))
}

/// Which way morning pain is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PainDirection {
    Better,
    Steady,
    Worse,
    /// Not enough check-ins in one of the two weeks.
    Unknown,
}

/// The latest morning pain and its trend: the last 7 days' average against the 7 before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PainTrend {
    pub latest: Option<u8>,
    pub latest_date: Option<Date>,
    pub last_week_mean: Option<f64>,
    pub week_before_mean: Option<f64>,
    pub direction: PainDirection,
}

/// Morning pain now and its trend. A week needs at least `min_mornings` check-ins (the
/// progression rules' `mornings_for_weekly_average`), and a change of at least `points` (their
/// `weekly_morning_rise`) counts as better or worse; less is steady.
pub fn pain_trend(logs: &TrackingLogs, today: Date, min_mornings: usize, points: f64) -> PainTrend {
    let latest = logs
        .mornings
        .iter()
        .filter(|m| m.date <= today)
        .max_by_key(|m| m.date);
    let week = |from: i64, to: i64| -> Option<f64> {
        let first = today.checked_sub(jiff::Span::new().days(to)).ok()?;
        let last = today.checked_sub(jiff::Span::new().days(from)).ok()?;
        let values: Vec<f64> = logs
            .mornings
            .iter()
            .filter(|m| (first..=last).contains(&m.date))
            .map(|m| f64::from(m.morning_pain.get()))
            .collect();
        (values.len() >= min_mornings.max(1)).then(|| {
            crate::assessment::explain::round_to(
                values.iter().sum::<f64>() / values.len() as f64,
                1,
            )
        })
    };
    let (last_week_mean, week_before_mean) = (week(0, 6), week(7, 13));
    let direction = match (last_week_mean, week_before_mean) {
        (Some(now), Some(before)) => {
            let change = crate::assessment::explain::round_to(now - before, 1);
            if change <= -points {
                PainDirection::Better
            } else if change >= points {
                PainDirection::Worse
            } else {
                PainDirection::Steady
            }
        }
        _ => PainDirection::Unknown,
    };
    PainTrend {
        latest: latest.map(|m| m.morning_pain.get()),
        latest_date: latest.map(|m| m.date),
        last_week_mean,
        week_before_mean,
        direction,
    }
}

/// Programme sessions done and planned from `first` to `last` (both included), counted per
/// planned exercise as the weekly adherence is: (done, planned).
pub fn sessions_between(
    programme: &Programme,
    logs: &TrackingLogs,
    first: Date,
    last: Date,
) -> (usize, usize) {
    let after_last = add_days(last, 1).unwrap_or(last);
    let w = week(programme, &days(logs, first, last), first, last, after_last);
    (w.sessions_done, w.sessions_planned)
}
