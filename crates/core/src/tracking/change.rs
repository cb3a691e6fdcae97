//! The re-test change report: each test before and after with the change in its limb symmetry
//! index, each area's status change, and pain and functional-scale changes judged against their
//! minimal important differences (CLINICAL.md §6): NPRS 2 points (Childs et al. 2005); PSFS 2
//! points for the average, 3 for one activity (Stratford 1995; Abbott & Schmitt 2014). The
//! global rating of change (−7 to +7, Kamper 2009) is reported as given.
//!
//! A change is judged after rounding to 2 decimals, so an average that is 2 points better
//! within floating-point error counts as 2 points.

use super::thresholds::ProgressionThresholds;
use crate::assessment::explain::{format_number, round_to};
use crate::assessment::values::PainScore;
use crate::assessment::values::{ActivityRating, ChangeRating};
use crate::assessment::{Area, AreaStatus, AssessmentResult, Finding, Severity, Side};
use serde::{Deserialize, Serialize};

/// One test's row: before and after, with the change in its limb symmetry index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestChange {
    pub test_id: String,
    pub test_name: String,
    /// The side a per-side finding is about; `None` for the test as a whole.
    pub side: Option<Side>,
    /// The measurement as shown; `None` when not tested that time.
    pub before: Option<String>,
    pub after: Option<String>,
    pub before_severity: Option<Severity>,
    pub after_severity: Option<Severity>,
    /// Limb symmetry index, whole percent, for a two-sided comparison.
    pub lsi_before: Option<f64>,
    pub lsi_after: Option<f64>,
    /// After minus before, percentage points.
    pub lsi_change: Option<f64>,
    pub text: String,
}

/// Which way something moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Better,
    Same,
    Worse,
    /// Not tested one of the two times.
    NotComparable,
}

/// One area's status before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaChange {
    pub area: Area,
    pub name: String,
    pub before: AreaStatus,
    pub after: AreaStatus,
    pub direction: Direction,
    pub text: String,
}

/// How a change compares with the smallest change that matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    /// Better by at least the minimal important difference.
    ImprovedMeaningfully,
    /// Better, by less than the change that matters.
    ImprovedSlightly,
    NoChange,
    /// Worse, by less than the change that matters.
    WorsenedSlightly,
    /// Worse by at least the minimal important difference.
    WorsenedMeaningfully,
}

/// A score before and after, judged against its minimal important difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreChange {
    pub before: f64,
    pub after: f64,
    /// Points better (positive) or worse (negative), rounded to 2 decimals.
    pub improvement: f64,
    /// The smallest change that matters.
    pub meaningful_change: f64,
    pub source: String,
    pub judgement: Judgement,
    pub text: String,
}

/// One functional-scale activity rated both times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsfsActivityChange {
    pub activity: String,
    pub change: ScoreChange,
}

/// The Patient-Specific Functional Scale before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsfsChange {
    /// The average of each time's activities.
    pub mean: ScoreChange,
    /// Activities rated both times (matched by name), in the order first rated.
    pub activities: Vec<PsfsActivityChange>,
    /// Activities rated only one of the two times.
    pub not_compared: Vec<String>,
}

/// The global rating of change, as the runner gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlobalRating {
    pub value: i8,
    pub text: String,
}

/// The whole re-test report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeReport {
    /// In protocol order, the re-test's tests first, then any tested only before.
    pub tests: Vec<TestChange>,
    /// Every area, in protocol order.
    pub areas: Vec<AreaChange>,
    pub pain: ScoreChange,
    /// `None` unless the scale was filled in both times.
    pub psfs: Option<PsfsChange>,
    pub global_rating: Option<GlobalRating>,
}

/// Compares a re-test (`after`) with the assessment before it.
#[allow(clippy::too_many_arguments)]
pub fn change_report(
    before: &AssessmentResult,
    after: &AssessmentResult,
    before_pain: PainScore,
    after_pain: PainScore,
    psfs_before: &[(String, ActivityRating)],
    psfs_after: &[(String, ActivityRating)],
    global_rating: Option<ChangeRating>,
    t: &ProgressionThresholds,
) -> ChangeReport {
    ChangeReport {
        tests: test_changes(before, after),
        areas: Area::ALL
            .iter()
            .map(|a| area_change(*a, before, after))
            .collect(),
        pain: pain_change(before_pain, after_pain, t),
        psfs: psfs_change(psfs_before, psfs_after, t),
        global_rating: global_rating.map(|g| global(g.get())),
    }
}

/// A finding's row: its test, side, whether it is the side-to-side comparison, and which of
/// the findings with those three it is (so a test with two findings on a side keeps both).
type RowKey<'a> = (&'a str, Option<Side>, bool, usize);

/// Every finding of `result` with its row key, in protocol order.
fn rows(result: &AssessmentResult) -> Vec<(RowKey<'_>, &Finding)> {
    let mut rows: Vec<(RowKey, &Finding)> = Vec::new();
    for f in result.findings() {
        let (id, side, lsi) = (f.test_id.as_str(), f.side, f.asymmetry.is_some());
        let nth = rows
            .iter()
            .filter(|((i, s, l, _), _)| (*i, *s, *l) == (id, side, lsi))
            .count();
        rows.push(((id, side, lsi, nth), f));
    }
    rows
}

fn test_changes(before: &AssessmentResult, after: &AssessmentResult) -> Vec<TestChange> {
    let (b, a) = (rows(before), rows(after));
    let mut keys: Vec<RowKey> = Vec::new();
    for (k, _) in a.iter().chain(&b) {
        if !keys.contains(k) {
            keys.push(*k);
        }
    }
    keys.iter()
        .map(|k| test_change(find(&b, k), find(&a, k)))
        .collect()
}

fn find<'r>(rows: &[(RowKey, &'r Finding)], k: &RowKey) -> Option<&'r Finding> {
    rows.iter().find(|(r, _)| r == k).map(|(_, f)| *f)
}

fn test_change(b: Option<&Finding>, a: Option<&Finding>) -> TestChange {
    let f = a.or(b).expect("a row has a finding on at least one side");
    let lsi = |x: Option<&Finding>| x.and_then(|f| f.asymmetry).map(|s| s.lsi_percent);
    let (lsi_before, lsi_after) = (lsi(b), lsi(a));
    let lsi_change = lsi_before.zip(lsi_after).map(|(x, y)| round_to(y - x, 0));
    let shown = |x: Option<&Finding>| x.map(|f| f.measured_shown());
    let side = f.side.map_or(String::new(), |s| format!(" ({s})"));
    let name = format!("{}{side}", f.test_name);
    let text = match (shown(b), shown(a), lsi_before.zip(lsi_after)) {
        (Some(x), Some(y), Some((lb, la))) => format!(
            "{name}: {x} before, {y} now; the sides went from {}% to {}% of each other ({}).",
            format_number(lb, 0),
            format_number(la, 0),
            signed(round_to(la - lb, 0), "percentage point")
        ),
        (Some(x), Some(y), None) => format!("{name}: {x} before, {y} now."),
        (None, Some(y), _) => format!("{name}: {y} now; not tested before."),
        (Some(x), None, _) => format!("{name}: {x} before; not tested this time."),
        (None, None, _) => unreachable!("a row has a finding on at least one side"),
    };
    TestChange {
        test_id: f.test_id.clone(),
        test_name: f.test_name.clone(),
        side: f.side,
        before: shown(b),
        after: shown(a),
        before_severity: b.map(|f| f.severity),
        after_severity: a.map(|f| f.severity),
        lsi_before,
        lsi_after,
        lsi_change,
        text,
    }
}

/// "+3 percentage points", "no change".
fn signed(change: f64, unit: &str) -> String {
    let n = round_to(change, 1);
    if n == 0.0 {
        "no change".to_owned()
    } else {
        let plural = if n.abs() == 1.0 { "" } else { "s" };
        let sign = if n > 0.0 { "+" } else { "" };
        format!("{sign}{} {unit}{plural}", format_number(n, 1))
    }
}

fn area_change(area: Area, before: &AssessmentResult, after: &AssessmentResult) -> AreaChange {
    let status = |r: &AssessmentResult| r.area(area).map_or(AreaStatus::NotTested, |a| a.status);
    let (b, a) = (status(before), status(after));
    let direction = match (b, a) {
        (AreaStatus::NotTested, _) | (_, AreaStatus::NotTested) => Direction::NotComparable,
        _ if a < b => Direction::Better,
        _ if a > b => Direction::Worse,
        _ => Direction::Same,
    };
    let text = match direction {
        Direction::Better => format!(
            "{}: better, from {} to {}.",
            area.name(),
            b.label(),
            a.label()
        ),
        Direction::Worse => format!(
            "{}: worse, from {} to {}.",
            area.name(),
            b.label(),
            a.label()
        ),
        Direction::Same => format!("{}: unchanged, {}.", area.name(), a.label()),
        Direction::NotComparable => format!(
            "{}: {} before, {} now; not compared.",
            area.name(),
            b.label(),
            a.label()
        ),
    };
    AreaChange {
        area,
        name: area.name().to_owned(),
        before: b,
        after: a,
        direction,
        text,
    }
}

/// Judges `improvement` points against `mcid`, and says so: "Pain improved by 3 points (6/10 to
/// 3/10), more than the 2-point change that matters (Childs et al. 2005, Spine 30:1331)."
fn judge(
    what: &str,
    before: f64,
    after: f64,
    improvement: f64,
    threshold: &crate::assessment::Threshold,
    scale: &str,
) -> ScoreChange {
    let improvement = round_to(improvement, 2);
    let mcid = threshold.value;
    let judgement = if improvement >= mcid {
        Judgement::ImprovedMeaningfully
    } else if improvement > 0.0 {
        Judgement::ImprovedSlightly
    } else if improvement == 0.0 {
        Judgement::NoChange
    } else if -improvement >= mcid {
        Judgement::WorsenedMeaningfully
    } else {
        Judgement::WorsenedSlightly
    };
    let size = improvement.abs();
    let points = format!(
        "{} point{}",
        format_number(size, 1),
        if size == 1.0 { "" } else { "s" }
    );
    let mcid_words = format!("the {}-point change that matters", format_number(mcid, 1));
    let compared = if size > mcid {
        format!("more than {mcid_words}")
    } else if size == mcid {
        format!("exactly {mcid_words}")
    } else {
        format!("less than {mcid_words}, so it may be day-to-day variation")
    };
    let from_to = format!(
        "({} to {})",
        format_number(before, 1) + scale,
        format_number(after, 1) + scale
    );
    let text = match judgement {
        Judgement::NoChange => format!("{what} did not change {from_to}."),
        Judgement::ImprovedMeaningfully | Judgement::ImprovedSlightly => {
            format!("{what} improved by {points} {from_to}: {compared}.")
        }
        Judgement::WorsenedMeaningfully | Judgement::WorsenedSlightly => {
            format!("{what} got worse by {points} {from_to}: {compared}.")
        }
    };
    ScoreChange {
        before,
        after,
        improvement,
        meaningful_change: mcid,
        source: threshold.source.clone(),
        judgement,
        text,
    }
}

fn pain_change(before: PainScore, after: PainScore, t: &ProgressionThresholds) -> ScoreChange {
    let (b, a) = (f64::from(before.get()), f64::from(after.get()));
    judge("Pain", b, a, b - a, &t.pain_meaningful_change, "/10")
}

fn mean(list: &[(String, ActivityRating)]) -> Option<f64> {
    (!list.is_empty())
        .then(|| list.iter().map(|(_, r)| f64::from(r.get())).sum::<f64>() / list.len() as f64)
}

fn same_activity(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn psfs_change(
    before: &[(String, ActivityRating)],
    after: &[(String, ActivityRating)],
    t: &ProgressionThresholds,
) -> Option<PsfsChange> {
    let (mb, ma) = (mean(before)?, mean(after)?);
    let mean = judge(
        "Your functional-scale average",
        mb,
        ma,
        ma - mb,
        &t.psfs_mean_meaningful_change,
        "/10",
    );
    let mut activities = Vec::new();
    let mut not_compared = Vec::new();
    for (name, b) in before {
        match after.iter().find(|(n, _)| same_activity(n, name)) {
            Some((_, a)) => {
                let (b, a) = (f64::from(b.get()), f64::from(a.get()));
                activities.push(PsfsActivityChange {
                    activity: name.clone(),
                    change: judge(
                        &format!("“{name}”"),
                        b,
                        a,
                        a - b,
                        &t.psfs_activity_meaningful_change,
                        "/10",
                    ),
                });
            }
            None => not_compared.push(name.clone()),
        }
    }
    for (name, _) in after {
        if !before.iter().any(|(n, _)| same_activity(n, name)) {
            not_compared.push(name.clone());
        }
    }
    Some(PsfsChange {
        mean,
        activities,
        not_compared,
    })
}

fn global(value: i8) -> GlobalRating {
    let words = match value {
        0 => "about the same".to_owned(),
        v if v > 0 => "better".to_owned(),
        _ => "worse".to_owned(),
    };
    let sign = if value > 0 { "+" } else { "" };
    GlobalRating {
        value,
        text: format!(
            "You rated yourself {sign}{value} on the −7 to +7 scale: {words} since the first \
             assessment (global rating of change, Kamper 2009)."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracking::tests::example_result;
    use serde_json::json;

    fn p(n: u8) -> PainScore {
        PainScore::try_from(f64::from(n)).unwrap()
    }

    fn psfs(scores: &[u8]) -> Vec<(String, ActivityRating)> {
        ["run 5 km", "lift my baby", "sit through a meeting"]
            .iter()
            .zip(scores)
            .map(|(n, s)| {
                (
                    (*n).to_owned(),
                    ActivityRating::try_from(f64::from(*s)).unwrap(),
                )
            })
            .collect()
    }

    fn report(before_pain: u8, after_pain: u8, before: &[u8], after: &[u8]) -> ChangeReport {
        let r = example_result(&[]);
        change_report(
            &r,
            &r,
            p(before_pain),
            p(after_pain),
            &psfs(before),
            &psfs(after),
            None,
            &ProgressionThresholds::default(),
        )
    }

    #[test]
    fn pain_is_judged_against_the_two_point_change() {
        use Judgement::*;
        let cases = [
            (
                6,
                3,
                ImprovedMeaningfully,
                "improved by 3 points (6/10 to 3/10): more than the \
                                          2-point change that matters",
            ),
            (
                6,
                4,
                ImprovedMeaningfully,
                "improved by 2 points (6/10 to 4/10): exactly the \
                                          2-point change that matters",
            ),
            (
                6,
                5,
                ImprovedSlightly,
                "improved by 1 point (6/10 to 5/10): less than the 2-point \
                                      change that matters",
            ),
            (4, 4, NoChange, "Pain did not change (4/10 to 4/10)."),
            (4, 5, WorsenedSlightly, "got worse by 1 point"),
            (
                4,
                6,
                WorsenedMeaningfully,
                "got worse by 2 points (4/10 to 6/10): exactly the",
            ),
        ];
        for (before, after, judgement, words) in cases {
            let pain = report(before, after, &[5, 5, 5], &[5, 5, 5]).pain;
            assert_eq!(pain.judgement, judgement, "{before} → {after}");
            assert!(pain.text.contains(words), "{}", pain.text);
            assert_eq!(pain.source, "Childs et al. 2005, Spine 30:1331");
        }
    }

    #[test]
    fn the_functional_scale_average_and_each_activity_have_their_own_mcid() {
        use Judgement::*;
        // Means 5.67 → 7.67: exactly 2 after rounding away floating-point error.
        let exactly = report(5, 5, &[4, 6, 7], &[6, 8, 9]).psfs.unwrap();
        assert_eq!(exactly.mean.judgement, ImprovedMeaningfully);
        assert_eq!(exactly.mean.improvement, 2.0);
        assert!(
            exactly
                .mean
                .text
                .contains("exactly the 2-point change that matters")
        );
        // 5.67 → 7.33: just under.
        let under = report(5, 5, &[4, 6, 7], &[6, 8, 8]).psfs.unwrap();
        assert_eq!(under.mean.judgement, ImprovedSlightly);
        // One activity needs 3 points: 4 → 7 matters, 4 → 6 does not.
        let one = report(5, 5, &[4, 4, 4], &[7, 6, 4]).psfs.unwrap();
        let judged: Vec<_> = one.activities.iter().map(|a| a.change.judgement).collect();
        assert_eq!(judged, [ImprovedMeaningfully, ImprovedSlightly, NoChange]);
        assert!(
            one.activities[0]
                .change
                .text
                .contains("exactly the 3-point change")
        );
    }

    #[test]
    fn activities_are_matched_by_name_and_the_rest_listed() {
        let r = example_result(&[]);
        let before = psfs(&[4, 6]);
        let mut after = psfs(&[5]);
        after[0].0 = " Run 5 KM ".to_owned();
        after.push(("squat".to_owned(), ActivityRating::try_from(3.0).unwrap()));
        let c = psfs_change(&before, &after, &ProgressionThresholds::default()).unwrap();
        assert_eq!(c.activities.len(), 1);
        assert_eq!(c.not_compared, ["lift my baby", "squat"]);
        assert!(psfs_change(&[], &after, &ProgressionThresholds::default()).is_none());
        let g = change_report(
            &r,
            &r,
            p(3),
            p(3),
            &[],
            &[],
            Some(ChangeRating::try_from(3.0).unwrap()),
            &ProgressionThresholds::default(),
        );
        assert!(g.psfs.is_none());
        assert!(
            g.global_rating
                .unwrap()
                .text
                .starts_with("You rated yourself +3")
        );
    }

    #[test]
    fn each_test_and_area_is_compared_with_its_lsi_change() {
        let before = example_result(&[]);
        let after = example_result(&[(
            "/hip_stability/single_leg_bridge_hold",
            json!({"left": 28, "right": 31}),
        )]);
        let r = change_report(
            &before,
            &after,
            p(3),
            p(2),
            &[],
            &[],
            None,
            &ProgressionThresholds::default(),
        );
        let bridge = r
            .tests
            .iter()
            .find(|t| t.test_id == "single_leg_bridge_hold" && t.lsi_change.is_some())
            .unwrap();
        assert_eq!(
            (bridge.lsi_before, bridge.lsi_after, bridge.lsi_change),
            (Some(58.1), Some(90.3), Some(32.0))
        );
        assert!(
            bridge
                .text
                .contains("from 58% to 90% of each other (+32 percentage points)")
        );
        // Every finding of both results has its own row.
        assert_eq!(r.tests.len(), rows(&before).len());
        assert!(
            r.tests
                .iter()
                .all(|t| t.before.is_some() && t.after.is_some())
        );
        assert_eq!(r.areas.len(), Area::ALL.len());
        let unchanged = r.areas.iter().find(|a| a.area == Area::Core).unwrap();
        assert_eq!(unchanged.direction, Direction::Same);
        // A test left out of the re-test is listed as not tested this time.
        let skipped = example_result(&[("/core/pallof_hold", json!(null))]);
        let r = change_report(
            &before,
            &skipped,
            p(3),
            p(3),
            &[],
            &[],
            None,
            &ProgressionThresholds::default(),
        );
        let pallof = r.tests.iter().find(|t| t.test_id == "pallof_hold").unwrap();
        assert!(
            pallof.text.ends_with("not tested this time."),
            "{}",
            pallof.text
        );
    }
}
