//! A clinic's outcomes across runners: of the runners who started in a period, how many were
//! re-tested, how many got meaningfully better (CLINICAL.md §6: pain 2 points on the 0–10 scale,
//! Childs et al. 2005; the functional scale's average 2 points, Stratford 1995 / Abbott & Schmitt
//! 2014), medians before and after, and who dropped out or was referred on.
//!
//! Honest counting, all **our choices** and written on the page:
//! - a runner belongs to the period of their first complete baseline assessment in it;
//! - a runner referred on by the red-flag screen is counted as referred, not as a course;
//! - re-tested: a complete re-test after that baseline (the latest one counts);
//! - dropped out: no re-test and at least [`DROP_OUT_DAYS`] since the baseline;
//! - still going: no re-test yet and fewer days than that since the baseline;
//! - a share or median over fewer than [`MIN_RUNNERS`] runners is not shown: it would say more
//!   about chance than about the programme, and could point at one person.

use crate::assessment::{Area, AreaStatus, AssessmentResult};
use crate::tracking::change::{ChangeReport, Judgement};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Fewest runners behind a figure that is shown. **Our choice** (issue 20): ten.
pub const MIN_RUNNERS: usize = 10;
/// Days without a re-test after which a runner counts as dropped out. **Our choice**: six
/// weeks, the end of a 1–2 week programme's third re-test window.
pub const DROP_OUT_DAYS: i64 = 42;
/// Longest period a person may ask about. **Our choice**: five years.
pub const MAX_PERIOD_DAYS: i64 = 5 * 366;

/// One runner's course from their baseline: what the rules made of their re-test.
#[derive(Debug, Clone)]
pub struct Course {
    pub baseline_on: Date,
    /// Referred on by the red-flag screen at the baseline.
    pub referred: bool,
    /// The area of the baseline's main finding (see [`main_area`]).
    pub main_area: Option<Area>,
    /// The latest re-test after the baseline: its date and the change report against the
    /// baseline.
    pub retest: Option<(Date, ChangeReport)>,
    /// Programme sessions done and planned from the baseline to the re-test (or to the drop-out
    /// point); `None` without a programme.
    pub sessions: Option<(usize, usize)>,
}

/// The area whose status is worst among the three the method assesses (posture and form, hips,
/// core), the first in protocol order on a tie; `None` when all are fine or untested.
pub fn main_area(result: &AssessmentResult) -> Option<Area> {
    let assessed = [
        Area::PostureForm,
        Area::HipMobility,
        Area::HipStability,
        Area::Core,
    ];
    let mut best: Option<(AreaStatus, Area)> = None;
    for area in assessed {
        let Some(status) = result.area(area).map(|a| a.status) else {
            continue;
        };
        if status >= AreaStatus::NeedsAttention && best.is_none_or(|(s, _)| status > s) {
            best = Some((status, area));
        }
    }
    best.map(|(_, a)| hips_together(a))
}

/// Hip mobility and stability are one "hips" group on the outcomes page.
fn hips_together(area: Area) -> Area {
    if area == Area::HipStability {
        Area::HipMobility
    } else {
        area
    }
}

/// The group name for a main-finding area.
pub fn area_group_name(area: Option<Area>) -> &'static str {
    match area {
        Some(Area::PostureForm) => "Posture and running form",
        Some(Area::HipMobility | Area::HipStability) => "Hips",
        Some(Area::Core) => "Core",
        _ => "No main finding",
    }
}

/// A count out of a number of runners, or withheld under the floor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shown", rename_all = "snake_case")]
pub enum Share {
    Shown {
        count: usize,
        of: usize,
    },
    /// Fewer than [`MIN_RUNNERS`] runners behind it.
    TooFew {
        of: usize,
    },
}

impl Share {
    fn of(count: usize, of: usize) -> Share {
        if of < MIN_RUNNERS {
            Share::TooFew { of }
        } else {
            Share::Shown { count, of }
        }
    }

    /// Whole percent when shown.
    pub fn percent(&self) -> Option<f64> {
        match *self {
            Share::Shown { count, of } => Some((count as f64 * 100.0 / of as f64).round()),
            Share::TooFew { .. } => None,
        }
    }

    /// "14 of 19 runners (74%)", or why it is not shown.
    pub fn text(&self) -> String {
        match *self {
            Share::Shown { count, of } => format!(
                "{count} of {of} runners ({}%)",
                self.percent().unwrap_or_default()
            ),
            Share::TooFew { of } => too_few(of),
        }
    }
}

/// A median over a number of runners, or withheld under the floor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shown", rename_all = "snake_case")]
pub enum Median {
    Shown { value: f64, of: usize },
    TooFew { of: usize },
}

impl Median {
    fn of(mut values: Vec<f64>) -> Median {
        let of = values.len();
        if of < MIN_RUNNERS {
            return Median::TooFew { of };
        }
        values.sort_by(f64::total_cmp);
        let mid = of / 2;
        let value = if of % 2 == 1 {
            values[mid]
        } else {
            (values[mid - 1] + values[mid]) / 2.0
        };
        Median::Shown {
            value: crate::assessment::explain::round_to(value, 1),
            of,
        }
    }

    pub fn value(&self) -> Option<f64> {
        match *self {
            Median::Shown { value, .. } => Some(value),
            Median::TooFew { .. } => None,
        }
    }

    /// "3.5 (over 19 runners)" with the unit, or why it is not shown.
    pub fn text(&self, unit: &str) -> String {
        match *self {
            Median::Shown { value, of } => format!(
                "{}{unit} (over {of} runners)",
                crate::assessment::explain::format_number(value, 1)
            ),
            Median::TooFew { of } => too_few(of),
        }
    }
}

fn too_few(of: usize) -> String {
    match of {
        0 => "no runners yet".into(),
        1 => format!("not shown: only 1 runner (we show figures over {MIN_RUNNERS} or more)"),
        n => format!("not shown: only {n} runners (we show figures over {MIN_RUNNERS} or more)"),
    }
}

/// One test's median change in left/right balance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceChange {
    pub test_name: String,
    /// Percentage points, after minus before.
    pub change: Median,
}

/// The figures for a group of runners (the whole period, a month, an area).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub label: String,
    /// The month's first day, for a group of runners by month.
    pub month: Option<Date>,
    /// Runners whose course started in the group (not counting referrals).
    pub started: usize,
    pub retested: usize,
    pub dropped_out: usize,
    pub still_going: usize,
    /// Re-tested runners whose pain eased by at least the minimal important difference.
    pub pain_better: Share,
    /// Re-tested runners with the functional scale both times whose average rose by at least
    /// its minimal important difference.
    pub function_better: Share,
}

/// Everything on the outcomes page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcomes {
    pub from: Date,
    pub to: Date,
    pub all: Group,
    /// Referred on by the red-flag screen at a baseline in the period.
    pub referred: usize,
    pub pain_before: Median,
    pub pain_after: Median,
    pub function_before: Median,
    pub function_after: Median,
    /// Median percent of planned sessions done, baseline to re-test.
    pub adherence: Median,
    pub days_to_retest: Median,
    pub balance: Vec<BalanceChange>,
    /// By month of the baseline, oldest first; months without runners left out.
    pub by_month: Vec<Group>,
    /// By the area of the baseline's main finding.
    pub by_area: Vec<Group>,
}

/// A period asked for, checked: the end not before the start, not longer than
/// [`MAX_PERIOD_DAYS`].
pub fn check_period(from: Date, to: Date) -> Result<(), String> {
    if to < from {
        return Err("The end date is before the start date.".into());
    }
    if (to - from).get_days() as i64 > MAX_PERIOD_DAYS {
        return Err("Choose a period of at most five years.".into());
    }
    Ok(())
}

/// The outcomes of `courses` (each a runner's first baseline in `from..=to`), as of `today`.
pub fn outcomes(courses: &[Course], from: Date, to: Date, today: Date) -> Outcomes {
    let in_period: Vec<&Course> = courses
        .iter()
        .filter(|c| (from..=to).contains(&c.baseline_on))
        .collect();
    let referred = in_period.iter().filter(|c| c.referred).count();
    let active: Vec<&Course> = in_period.into_iter().filter(|c| !c.referred).collect();
    let retested: Vec<&Course> = active
        .iter()
        .copied()
        .filter(|c| c.retest.is_some())
        .collect();
    let pain_before = Median::of(
        retested
            .iter()
            .filter_map(|c| c.retest.as_ref().map(|(_, r)| r.pain.before))
            .collect(),
    );
    let pain_after = Median::of(
        retested
            .iter()
            .filter_map(|c| c.retest.as_ref().map(|(_, r)| r.pain.after))
            .collect(),
    );
    let psfs: Vec<(f64, f64)> = retested
        .iter()
        .filter_map(|c| c.retest.as_ref()?.1.psfs.as_ref())
        .map(|p| (p.mean.before, p.mean.after))
        .collect();
    let adherence = Median::of(
        retested
            .iter()
            .filter_map(|c| c.sessions)
            .filter(|(_, planned)| *planned > 0)
            .map(|(done, planned)| (done as f64 * 100.0 / planned as f64).round())
            .collect(),
    );
    let days_to_retest = Median::of(
        retested
            .iter()
            .filter_map(|c| {
                let (on, _) = c.retest.as_ref()?;
                Some((*on - c.baseline_on).get_days() as f64)
            })
            .collect(),
    );
    let mut balance: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for c in &retested {
        if let Some((_, report)) = &c.retest {
            for t in &report.tests {
                if let Some(change) = t.lsi_change {
                    balance.entry(t.test_name.clone()).or_default().push(change);
                }
            }
        }
    }
    let mut months: BTreeMap<(i16, i8), Vec<&Course>> = BTreeMap::new();
    let mut areas: BTreeMap<u8, Vec<&Course>> = BTreeMap::new();
    for c in &active {
        months
            .entry((c.baseline_on.year(), c.baseline_on.month()))
            .or_default()
            .push(c);
        let rank = match c.main_area {
            Some(Area::PostureForm) => 0,
            Some(Area::HipMobility | Area::HipStability) => 1,
            Some(Area::Core) => 2,
            _ => 3,
        };
        areas.entry(rank).or_default().push(c);
    }
    Outcomes {
        from,
        to,
        all: group("All runners", &active, today),
        referred,
        pain_before,
        pain_after,
        function_before: Median::of(psfs.iter().map(|p| p.0).collect()),
        function_after: Median::of(psfs.iter().map(|p| p.1).collect()),
        adherence,
        days_to_retest,
        balance: balance
            .into_iter()
            .map(|(test_name, changes)| BalanceChange {
                test_name,
                change: Median::of(changes),
            })
            .collect(),
        by_month: months
            .into_iter()
            .map(|((y, m), cs)| {
                let month = Date::new(y, m, 1).ok();
                let label = month.map(|d| d.strftime("%B %Y").to_string());
                Group {
                    month,
                    ..group(&label.unwrap_or_default(), &cs, today)
                }
            })
            .collect(),
        by_area: areas
            .into_values()
            .map(|cs| group(area_group_name(cs[0].main_area), &cs, today))
            .collect(),
    }
}

fn group(label: &str, courses: &[&Course], today: Date) -> Group {
    let retested: Vec<&ChangeReport> = courses
        .iter()
        .filter_map(|c| c.retest.as_ref().map(|(_, r)| r))
        .collect();
    let waited = |c: &&&Course| (today - c.baseline_on).get_days() as i64 >= DROP_OUT_DAYS;
    let not_retested = || courses.iter().filter(|c| c.retest.is_none());
    let meaningful = |j: Judgement| j == Judgement::ImprovedMeaningfully;
    let with_psfs: Vec<_> = retested.iter().filter_map(|r| r.psfs.as_ref()).collect();
    Group {
        label: label.to_owned(),
        month: None,
        started: courses.len(),
        retested: retested.len(),
        dropped_out: not_retested().filter(waited).count(),
        still_going: not_retested().filter(|c| !waited(c)).count(),
        pain_better: Share::of(
            retested
                .iter()
                .filter(|r| meaningful(r.pain.judgement))
                .count(),
            retested.len(),
        ),
        function_better: Share::of(
            with_psfs
                .iter()
                .filter(|p| meaningful(p.mean.judgement))
                .count(),
            with_psfs.len(),
        ),
    }
}

/// The sentence for a clinic's public page, only when the whole period's pain figure is shown:
/// "Of the 42 runners who re-tested in the last 12 months, 31 had at least 2 points less back
/// pain."
pub fn public_sentence(outcomes: &Outcomes, meaningful_points: f64) -> Option<String> {
    match outcomes.all.pain_better {
        Share::Shown { count, of } => Some(format!(
            "Of the {of} runners who re-tested in the last 12 months, {count} had at least {} \
             points less back pain.",
            crate::assessment::explain::format_number(meaningful_points, 0)
        )),
        Share::TooFew { .. } => None,
    }
}

#[cfg(test)]
mod tests;
