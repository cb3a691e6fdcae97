//! Outcomes from a seeded set of courses with known answers: drop-outs, runners still going,
//! referrals, the floor of ten, months and areas.

use super::*;
use crate::tracking::change::{PsfsChange, ScoreChange, TestChange};
use jiff::civil::date;

fn score(before: f64, after: f64, meaningful: f64, lower_is_better: bool) -> ScoreChange {
    let improvement = if lower_is_better {
        before - after
    } else {
        after - before
    };
    let judgement = if improvement >= meaningful {
        Judgement::ImprovedMeaningfully
    } else if improvement > 0.0 {
        Judgement::ImprovedSlightly
    } else if improvement == 0.0 {
        Judgement::NoChange
    } else {
        Judgement::WorsenedSlightly
    };
    ScoreChange {
        before,
        after,
        improvement,
        meaningful_change: meaningful,
        source: String::new(),
        judgement,
        text: String::new(),
    }
}

fn report(pain: (f64, f64), psfs: Option<(f64, f64)>, lsi_change: Option<f64>) -> ChangeReport {
    ChangeReport {
        tests: lsi_change
            .map(|c| TestChange {
                test_id: "single_leg_bridge_hold".into(),
                test_name: "Single-leg bridge hold".into(),
                side: None,
                before: None,
                after: None,
                before_severity: None,
                after_severity: None,
                lsi_before: Some(80.0),
                lsi_after: Some(80.0 + c),
                lsi_change: Some(c),
                text: String::new(),
            })
            .into_iter()
            .collect(),
        areas: Vec::new(),
        pain: score(pain.0, pain.1, 2.0, true),
        psfs: psfs.map(|(b, a)| PsfsChange {
            mean: score(b, a, 2.0, false),
            activities: Vec::new(),
            not_compared: Vec::new(),
        }),
        global_rating: None,
    }
}

fn course(baseline_on: Date, retest: Option<(Date, ChangeReport)>) -> Course {
    Course {
        baseline_on,
        referred: false,
        main_area: Some(Area::Core),
        retest,
        sessions: Some((8, 10)),
    }
}

/// Twelve re-tested in March (nine 2+ points better), three dropped out, two still going, one
/// referred, and one whose baseline is outside the period.
fn seeded() -> Vec<Course> {
    let mut out = Vec::new();
    for n in 0..12 {
        let before = 5.0;
        let after = if n < 9 { 2.0 } else { 4.0 };
        let on = date(2026, 3, 1 + n as i8);
        out.push(course(
            on,
            Some((
                on.checked_add(jiff::Span::new().days(21)).unwrap(),
                report((before, after), Some((4.0, 6.5)), Some(10.0)),
            )),
        ));
    }
    for n in 0..3 {
        out.push(course(date(2026, 4, 1 + n), None));
    }
    for n in 0..2 {
        out.push(course(date(2026, 5, 20 + n), None));
    }
    out.push(Course {
        referred: true,
        ..course(date(2026, 4, 10), None)
    });
    out.push(course(
        date(2025, 1, 5),
        Some((date(2025, 2, 1), report((6.0, 1.0), None, None))),
    ));
    out
}

#[test]
fn counts_drop_outs_referrals_and_meaningful_change_with_denominators() {
    let o = outcomes(
        &seeded(),
        date(2026, 1, 1),
        date(2026, 5, 31),
        date(2026, 6, 1),
    );
    assert_eq!(o.all.started, 17);
    assert_eq!(o.all.retested, 12);
    assert_eq!(o.all.dropped_out, 3, "April baselines waited 6 weeks");
    assert_eq!(o.all.still_going, 2, "May 20 and 21 are under 6 weeks");
    assert_eq!(o.referred, 1);
    assert_eq!(o.all.pain_better, Share::Shown { count: 9, of: 12 });
    assert_eq!(o.all.pain_better.text(), "9 of 12 runners (75%)");
    assert_eq!(o.all.function_better, Share::Shown { count: 12, of: 12 });
    assert_eq!(o.pain_before, Median::Shown { value: 5.0, of: 12 });
    assert_eq!(o.pain_after, Median::Shown { value: 2.0, of: 12 });
    assert_eq!(
        o.adherence,
        Median::Shown {
            value: 80.0,
            of: 12
        }
    );
    assert_eq!(
        o.days_to_retest,
        Median::Shown {
            value: 21.0,
            of: 12
        }
    );
    assert_eq!(
        o.balance[0].change,
        Median::Shown {
            value: 10.0,
            of: 12
        }
    );
}

#[test]
fn groups_under_ten_runners_are_withheld_with_the_reason() {
    let o = outcomes(
        &seeded(),
        date(2026, 1, 1),
        date(2026, 5, 31),
        date(2026, 6, 1),
    );
    let months: Vec<(&str, usize)> = o
        .by_month
        .iter()
        .map(|g| (g.label.as_str(), g.started))
        .collect();
    assert_eq!(
        months,
        [("March 2026", 12), ("April 2026", 3), ("May 2026", 2)]
    );
    assert!(matches!(
        o.by_month[0].pain_better,
        Share::Shown { count: 9, of: 12 }
    ));
    assert_eq!(o.by_month[1].pain_better, Share::TooFew { of: 0 });
    assert_eq!(o.by_area.len(), 1);
    assert_eq!(o.by_area[0].label, "Core");

    let small = outcomes(
        &seeded()[..9],
        date(2026, 1, 1),
        date(2026, 5, 31),
        date(2026, 6, 1),
    );
    assert_eq!(small.all.pain_better, Share::TooFew { of: 9 });
    assert!(small.all.pain_better.text().contains("only 9 runners"));
    assert_eq!(small.pain_after.value(), None);
    assert_eq!(public_sentence(&small, 2.0), None);
    let whole = outcomes(
        &seeded(),
        date(2026, 1, 1),
        date(2026, 5, 31),
        date(2026, 6, 1),
    );
    assert_eq!(
        public_sentence(&whole, 2.0).unwrap(),
        "Of the 12 runners who re-tested in the last 12 months, 9 had at least 2 points less back pain."
    );
}

#[test]
fn an_empty_period_and_bad_periods() {
    let o = outcomes(
        &seeded(),
        date(2020, 1, 1),
        date(2020, 12, 31),
        date(2026, 6, 1),
    );
    assert_eq!(o.all.started, 0);
    assert_eq!(o.all.pain_better.text(), "no runners yet");
    assert!(check_period(date(2026, 2, 1), date(2026, 1, 1)).is_err());
    assert!(check_period(date(2000, 1, 1), date(2020, 1, 1)).is_err());
    assert!(check_period(date(2025, 1, 1), date(2026, 1, 1)).is_ok());
}

#[test]
fn the_main_finding_is_the_worst_assessed_area_with_hips_together() {
    let raw = serde_json::from_str(include_str!("../../examples/assessment.json")).unwrap();
    let result = crate::assessment::assess(&raw, &crate::Thresholds::default()).unwrap();
    let area = main_area(&result);
    assert!(area.is_some());
    assert_ne!(area, Some(Area::HipStability), "hips are one group");
}
