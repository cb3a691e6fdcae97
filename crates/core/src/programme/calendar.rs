//! The day-by-day calendar: which exercises on which date, fitted around the runner's run days.
//!
//! Week by week (a last, shorter week gets a share of the days in proportion), each item in
//! priority order takes its days. Most-days items take the days with the least planned so far;
//! strength items take days that are not next to another of their own days, preferring the
//! day with the least planned, where a run day counts as [`RUN_DAY_SECONDS`] already planned
//! (our choice). Ties go to the earlier date, so the same inputs give the same calendar.

use super::{DayPattern, ProgrammeError, ProgrammeItem, ProgrammeSettings};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// A run day counts as this much exercise already planned when placing strength work (our
/// choice: strength goes to non-run days first but spills onto run days before a day gets
/// crowded).
pub const RUN_DAY_SECONDS: u32 = 240;

/// What a runner is told on a run day that also has strength work.
pub const AFTER_EASY_RUN: &str =
    "Strength work on a run day: do it after an easy run, not before a hard one.";

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayOfWeek {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl DayOfWeek {
    /// Monday first.
    pub const ALL: [DayOfWeek; 7] = [
        DayOfWeek::Monday,
        DayOfWeek::Tuesday,
        DayOfWeek::Wednesday,
        DayOfWeek::Thursday,
        DayOfWeek::Friday,
        DayOfWeek::Saturday,
        DayOfWeek::Sunday,
    ];

    /// The day's name as shown.
    pub fn name(self) -> &'static str {
        match self {
            DayOfWeek::Monday => "Monday",
            DayOfWeek::Tuesday => "Tuesday",
            DayOfWeek::Wednesday => "Wednesday",
            DayOfWeek::Thursday => "Thursday",
            DayOfWeek::Friday => "Friday",
            DayOfWeek::Saturday => "Saturday",
            DayOfWeek::Sunday => "Sunday",
        }
    }
}

impl From<Weekday> for DayOfWeek {
    fn from(w: Weekday) -> Self {
        match w {
            Weekday::Monday => DayOfWeek::Monday,
            Weekday::Tuesday => DayOfWeek::Tuesday,
            Weekday::Wednesday => DayOfWeek::Wednesday,
            Weekday::Thursday => DayOfWeek::Thursday,
            Weekday::Friday => DayOfWeek::Friday,
            Weekday::Saturday => DayOfWeek::Saturday,
            Weekday::Sunday => DayOfWeek::Sunday,
        }
    }
}

/// One day of the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: Date,
    pub weekday: DayOfWeek,
    pub is_run_day: bool,
    /// Item keys, in programme order.
    pub exercises: Vec<String>,
    /// Estimated minutes, rounded up.
    pub minutes: u32,
    /// Estimated seconds, as planned.
    pub seconds: u32,
    /// More than the daily cap (only after a clinician's change; the generator never plans it).
    pub over_cap: bool,
    pub note: Option<String>,
}

/// Refuses a start date whose calendar would run past the last date the calendar can show.
pub(crate) fn check_dates(settings: &ProgrammeSettings) -> Result<(), ProgrammeError> {
    let last = i64::from(settings.days.get()) - 1;
    settings
        .start_date
        .checked_add(last.days())
        .map(|_| ())
        .map_err(|_| ProgrammeError::StartDate)
}

fn date_at(start: Date, offset: usize) -> Date {
    start
        .checked_add((offset as i64).days())
        .expect("check_dates has checked the whole calendar")
}

/// How many of a week's `days_per_week` fall in a block of `len` days (a short last week gets
/// its share, at least one).
fn days_in_block(days_per_week: u8, len: usize) -> usize {
    let days = usize::from(days_per_week);
    if len >= 7 {
        days
    } else {
        ((days * len + 3) / 7).clamp(1, len)
    }
}

/// Plans every item onto days and totals each day. With `runs_planned` false (running is not
/// cleared yet) no day is a run day, whatever the runner's usual run days are.
pub(crate) fn schedule(
    settings: &ProgrammeSettings,
    runs_planned: bool,
    items: &[ProgrammeItem],
) -> Vec<CalendarDay> {
    let n = usize::from(settings.days.get());
    let mut days: Vec<CalendarDay> = (0..n)
        .map(|i| {
            let date = date_at(settings.start_date, i);
            let weekday = DayOfWeek::from(date.weekday());
            CalendarDay {
                date,
                weekday,
                is_run_day: runs_planned && settings.run_days.contains(&weekday),
                exercises: Vec::new(),
                minutes: 0,
                seconds: 0,
                over_cap: false,
                note: None,
            }
        })
        .collect();
    for item in items {
        let mut last_day: Option<usize> = None;
        for block_start in (0..n).step_by(7) {
            let block: Vec<usize> = (block_start..n.min(block_start + 7)).collect();
            let wanted = days_in_block(item.frequency.days_per_week, block.len());
            let chosen = match item.frequency.pattern {
                DayPattern::MostDays => least_planned(&days, &block, wanted),
                DayPattern::NonConsecutive => spaced(&days, &block, wanted, last_day),
            };
            for &d in &chosen {
                days[d].exercises.push(item.key.clone());
                days[d].seconds += item.session_seconds;
                if item.frequency.pattern == DayPattern::NonConsecutive && days[d].is_run_day {
                    days[d].note = Some(AFTER_EASY_RUN.to_owned());
                }
            }
            last_day = chosen.iter().max().copied().or(last_day);
        }
    }
    let cap = settings.minutes_cap.seconds();
    for day in &mut days {
        day.minutes = day.seconds.div_ceil(60);
        day.over_cap = day.seconds > cap;
    }
    days
}

/// The `wanted` days of `block` with the least planned so far, in date order.
fn least_planned(days: &[CalendarDay], block: &[usize], wanted: usize) -> Vec<usize> {
    let mut order = block.to_vec();
    order.sort_by_key(|&d| (days[d].seconds, d));
    let mut chosen: Vec<usize> = order.into_iter().take(wanted).collect();
    chosen.sort_unstable();
    chosen
}

/// Up to `wanted` days of `block`, none next to another or to `previous` (the item's last day
/// in the week before). Of all such sets (at most 2⁷ to look at), the one whose busiest day is
/// least busy, then the least planned in total, then the earliest; a run day counts extra.
fn spaced(
    days: &[CalendarDay],
    block: &[usize],
    wanted: usize,
    previous: Option<usize>,
) -> Vec<usize> {
    let load = |d: usize| {
        days[d].seconds
            + if days[d].is_run_day {
                RUN_DAY_SECONDS
            } else {
                0
            }
    };
    let free: Vec<usize> = block
        .iter()
        .copied()
        .filter(|&d| previous.is_none_or(|p| p.abs_diff(d) > 1))
        .collect();
    for size in (1..=wanted.min(free.len())).rev() {
        let best = (0u32..1 << free.len())
            .filter(|mask| mask.count_ones() as usize == size)
            .map(|mask| {
                (0..free.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| free[i])
                    .collect::<Vec<usize>>()
            })
            .filter(|set| set.windows(2).all(|w| w[1] - w[0] > 1))
            .min_by_key(|set| {
                let busiest = set.iter().map(|&d| load(d)).max().unwrap_or(0);
                let total: u32 = set.iter().map(|&d| load(d)).sum();
                (busiest, total, set.clone())
            });
        if let Some(set) = best {
            return set;
        }
    }
    Vec::new()
}
