//! Pain versus load: each watch run beside the pain logged during and after it and the next
//! morning, and the patterns worth discussing — next-morning pain higher after runs with low
//! cadence or off-balance ground contact.
//!
//! A pattern is flagged when at least [`MIN_RUNS_EACH`] runs with the factor and as many without
//! it have a next-morning check-in, and the average next-morning pain after the runs with it is
//! at least [`PATTERN_POINTS`] higher. Both cut-offs are **our choice**; a pattern is something
//! to talk over with the clinician, not proof of a cause.

use super::logs::TrackingLogs;
use super::words::{count, next_day, pain_f};
use crate::assessment::explain::round_to;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Runs needed with and without a factor before comparing. **Our choice.**
pub const MIN_RUNS_EACH: usize = 2;
/// How much higher next-morning pain must average to flag a pattern, in points. **Our choice.**
pub const PATTERN_POINTS: f64 = 1.0;

/// A run from the watch, as the comparison needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchRun {
    pub date: Date,
    pub distance_m: Option<f64>,
    pub duration_s: Option<f64>,
    /// Median cadence, steps/min.
    pub cadence_spm: Option<f64>,
    /// Median ground-contact balance, % on the left foot.
    pub gct_balance_left_pct: Option<f64>,
}

/// The cut-offs a run is judged by (the clinic's low-cadence cut-off and balanced band).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadCutOffs {
    pub low_cadence_below: f64,
    pub balanced_left_pct: (f64, f64),
}

/// One run with the pain around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadRow {
    pub run: WatchRun,
    pub low_cadence: bool,
    pub off_balance: bool,
    /// From the run logged on the same date (the worst, if several).
    pub pain_during: Option<u8>,
    pub pain_after: Option<u8>,
    /// The next day's morning check-in.
    pub next_morning: Option<u8>,
}

/// A pattern between a form factor and next-morning pain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    /// "low cadence" or "off-balance ground contact".
    pub factor: String,
    pub mean_with: f64,
    pub mean_without: f64,
    pub runs_with: usize,
    pub runs_without: usize,
    /// Whether the difference reaches [`PATTERN_POINTS`].
    pub flagged: bool,
    pub text: String,
}

/// Whether a row has a form factor.
type Factor = fn(&LoadRow) -> bool;

/// The table and the patterns, runs oldest first.
pub fn pain_versus_load(
    runs: &[WatchRun],
    logs: &TrackingLogs,
    cut: LoadCutOffs,
) -> (Vec<LoadRow>, Vec<Pattern>) {
    let mut rows: Vec<LoadRow> = runs
        .iter()
        .map(|run| {
            let same_day = logs.runs.iter().filter(|r| r.date == run.date);
            let worst = |f: fn(&super::logs::RunLog) -> u8| same_day.clone().map(f).max();
            let next = next_day(run.date);
            LoadRow {
                low_cadence: run.cadence_spm.is_some_and(|c| c < cut.low_cadence_below),
                off_balance: run
                    .gct_balance_left_pct
                    .is_some_and(|b| b < cut.balanced_left_pct.0 || b > cut.balanced_left_pct.1),
                pain_during: worst(|r| r.pain_during.get()),
                pain_after: worst(|r| r.pain_after.get()),
                next_morning: logs
                    .mornings
                    .iter()
                    .filter(|m| Some(m.date) == next)
                    .map(|m| m.morning_pain.get())
                    .max(),
                run: run.clone(),
            }
        })
        .collect();
    rows.sort_by_key(|r| r.run.date);
    let factors: [(&str, Factor); 2] = [
        ("low cadence", |r| r.low_cadence),
        ("off-balance ground contact", |r| r.off_balance),
    ];
    let patterns = factors
        .into_iter()
        .filter_map(|(factor, has)| pattern(&rows, factor, has))
        .collect();
    (rows, patterns)
}

fn mean(values: &[u8]) -> f64 {
    round_to(
        values.iter().map(|v| f64::from(*v)).sum::<f64>() / values.len() as f64,
        1,
    )
}

fn pattern(rows: &[LoadRow], factor: &str, has: Factor) -> Option<Pattern> {
    let with: Vec<u8> = rows
        .iter()
        .filter(|r| has(r))
        .filter_map(|r| r.next_morning)
        .collect();
    let without: Vec<u8> = rows
        .iter()
        .filter(|r| !has(r))
        .filter_map(|r| r.next_morning)
        .collect();
    if with.len() < MIN_RUNS_EACH || without.len() < MIN_RUNS_EACH {
        return None;
    }
    let (mean_with, mean_without) = (mean(&with), mean(&without));
    let flagged = round_to(mean_with - mean_without, 1) >= PATTERN_POINTS;
    let comparison = format!(
        "next-morning pain averaged {} after your {} with {factor}, against {} after the other {}",
        pain_f(mean_with),
        count(with.len(), "run"),
        pain_f(mean_without),
        without.len()
    );
    let text = if flagged {
        format!(
            "Worth discussing with your clinician: {comparison}. This is a pattern, not proof of \
             a cause."
        )
    } else {
        format!("No clear pattern: {comparison}.")
    };
    Some(Pattern {
        factor: factor.to_owned(),
        mean_with,
        mean_without,
        runs_with: with.len(),
        runs_without: without.len(),
        flagged,
        text,
    })
}

/// Runs the watch cadence is taken from: the most recent this many. **Our choice.**
pub const CADENCE_FROM_RUNS: usize = 5;

/// The runner's cadence from the watch: the median of the median cadence of their most recent
/// [`CADENCE_FROM_RUNS`] runs that measured it; `None` without any.
pub fn recent_cadence(runs: &[WatchRun]) -> Option<f64> {
    let mut recent: Vec<&WatchRun> = runs.iter().filter(|r| r.cadence_spm.is_some()).collect();
    recent.sort_by_key(|r| std::cmp::Reverse(r.date));
    let mut values: Vec<f64> = recent
        .iter()
        .take(CADENCE_FROM_RUNS)
        .filter_map(|r| r.cadence_spm)
        .filter(|c| c.is_finite())
        .collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    let median = if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    };
    Some(round_to(median, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_cadence_is_the_median_of_the_latest_five() {
        let run = |day: i8, cadence: Option<f64>| WatchRun {
            date: jiff::civil::date(2026, 11, day),
            distance_m: None,
            duration_s: None,
            cadence_spm: cadence,
            gct_balance_left_pct: None,
        };
        assert_eq!(recent_cadence(&[]), None);
        assert_eq!(recent_cadence(&[run(1, None)]), None);
        let runs = [
            run(1, Some(140.0)), // the oldest, left out
            run(2, Some(150.0)),
            run(3, Some(170.0)),
            run(4, None),
            run(5, Some(160.0)),
            run(6, Some(158.0)),
            run(7, Some(162.0)),
        ];
        assert_eq!(recent_cadence(&runs), Some(160.0));
        assert_eq!(recent_cadence(&runs[5..]), Some(160.0), "two: their mean");
    }
}
