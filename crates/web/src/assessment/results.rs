//! The results page's view of a scored assessment: referrals first, then each area with its
//! findings (values, rule, cut-off, source), a chart for every side-to-side comparison, and
//! the sources.

use super::chart::{SidesChart, sides_chart};
use backstride_core::assessment::explain::format_number;
use backstride_core::assessment::{
    Area, AreaResult, AreaStatus, AssessmentResult, Finding, Measured, Referral, Severity,
    Thresholds, Unit, Value, test_spec,
};

/// A referral as the page shows it.
#[derive(Clone)]
pub struct ReferralView {
    /// CSS modifier: "emergency", "doctor" or "pelvic".
    pub kind: &'static str,
    pub heading: &'static str,
    pub message: &'static str,
    /// The answers that led to it, in words.
    pub because: Vec<String>,
}

/// One finding as the page shows it.
pub struct FindingView {
    pub title: String,
    pub severity: &'static str,
    /// CSS modifier for the severity.
    pub severity_class: &'static str,
    pub measured: String,
    pub rule: String,
    pub threshold: Option<String>,
    pub source: String,
    pub our_choice: bool,
    pub explanation: String,
    /// The left/right chart (inline SVG) for a side-to-side comparison.
    pub chart: Option<String>,
    /// The chart's numbers for the table beside it: left, right, LSI.
    pub chart_rows: Option<(String, String, String)>,
}

/// One area as the page shows it.
pub struct AreaView {
    pub name: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub meaning: &'static str,
    pub findings: Vec<FindingView>,
    pub not_tested: Vec<String>,
}

/// The whole results page below its heading.
pub struct ResultsView {
    pub referrals: Vec<ReferralView>,
    pub emergency: bool,
    pub programme_allowed: bool,
    pub programme_blocked_because: Vec<String>,
    pub running_allowed: bool,
    pub running_blocked_because: Vec<String>,
    pub areas: Vec<AreaView>,
    /// Answers that contradict each other, each saying which one was scored.
    pub disagreements: Vec<String>,
    pub sources: Vec<String>,
    pub protocol_version: String,
    /// For each area with a test not done: its name and what a clinic visit would add.
    pub clinic_adds: Vec<(String, &'static str)>,
}

/// A referral with the answers behind it (the results page and a programme on hold).
pub fn referral(r: Referral, result: &AssessmentResult) -> ReferralView {
    let (kind, heading, rule_ids): (_, _, &[&str]) = match r {
        Referral::Emergency => (
            "emergency",
            "Go to an emergency department now",
            &["red_flag_emergency"],
        ),
        Referral::SeeDoctor => (
            "doctor",
            "See a doctor before starting",
            &["red_flag_see_doctor"],
        ),
        Referral::PelvicHealthPhysio => (
            "pelvic",
            "See a pelvic-health physiotherapist before running",
            &["pelvic_health_referral"],
        ),
    };
    ReferralView {
        kind,
        heading,
        message: r.message(),
        because: result
            .findings()
            .filter(|f| rule_ids.contains(&f.rule.id.as_str()))
            .map(|f| f.explanation.clone())
            .collect(),
    }
}

fn status_words(status: AreaStatus) -> (&'static str, &'static str) {
    match status {
        AreaStatus::NotTested => (
            "not-tested",
            "Not tested yet, so nothing can be said about this area.",
        ),
        AreaStatus::Fine => ("fine", "Nothing here needs extra work right now."),
        AreaStatus::NeedsAttention => (
            "attention",
            "Something here needs work; the programme builds it in.",
        ),
        AreaStatus::Priority => (
            "priority",
            "Work on this first, or act on the advice at the top of the page.",
        ),
    }
}

fn severity_words(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::Fine => ("fine", "fine"),
        Severity::NeedsAttention => ("needs attention", "attention"),
        Severity::Priority => ("priority", "priority"),
    }
}

fn unit_of(m: &Measured) -> Unit {
    match m {
        Measured::One { unit, .. } | Measured::LeftRight { unit, .. } => *unit,
        Measured::Ratio { .. } => Unit::Ratio,
    }
}

/// The cut-off with the unit it is in (LSI rules compare percentages, the strength norm SDs).
fn threshold_shown(f: &Finding) -> Option<String> {
    let value = f.rule.threshold?;
    let number = format_number(value, 2);
    Some(if f.rule.id.starts_with("lsi_") {
        format!("{number}%")
    } else if f.rule.id.starts_with("hip_abduction_") {
        format!("{number} SD below the norm")
    } else {
        format!("{number}{}", unit_of(&f.measured).suffix())
    })
}

fn finding(f: &Finding, index: usize, t: &Thresholds) -> FindingView {
    let (severity, severity_class) = severity_words(f.severity);
    let title = match f.side {
        Some(side) => format!("{} ({side})", f.test_name),
        None => f.test_name.clone(),
    };
    let (chart, chart_rows) = match (&f.asymmetry, &f.measured) {
        (
            Some(a),
            Measured::LeftRight {
                left: Value::Number(l),
                right: Value::Number(r),
                unit,
            },
        ) => {
            let (ls, rs) = (
                Value::Number(*l).shown(*unit),
                Value::Number(*r).shown(*unit),
            );
            let lsi = a.lsi_shown(t);
            let svg = sides_chart(&SidesChart {
                id: &format!("chart-{index}"),
                test_name: &f.test_name,
                left: *l,
                right: *r,
                left_shown: &ls,
                right_shown: &rs,
                lsi_percent: a.lsi_percent,
                symmetric_from: t.lsi_symmetric_from.value,
            });
            (Some(svg), Some((ls, rs, lsi)))
        }
        _ => (None, None),
    };
    FindingView {
        title,
        severity,
        severity_class,
        measured: f.measured_shown(),
        rule: f.rule.text.clone(),
        threshold: threshold_shown(f),
        source: f.rule.source.clone(),
        our_choice: f.rule.our_choice,
        explanation: f.explanation.clone(),
        chart,
        chart_rows,
    }
}

fn area(a: &AreaResult, next_index: &mut usize, t: &Thresholds) -> AreaView {
    let (status_class, meaning) = status_words(a.status);
    AreaView {
        name: a.name.clone(),
        status: a.status.label(),
        status_class,
        meaning,
        findings: a
            .findings
            .iter()
            .map(|f| {
                *next_index += 1;
                finding(f, *next_index, t)
            })
            .collect(),
        not_tested: a.not_tested.iter().map(|n| n.test_name.clone()).collect(),
    }
}

/// One sentence per area that has a test not done, saying what a clinic visit would add there
/// (an optional question left out is no gap; a postpartum screen counts only when taken).
fn clinic_adds(result: &AssessmentResult) -> Vec<(String, &'static str)> {
    result
        .areas
        .iter()
        .filter(|a| {
            // An optional question (the change rating, asked on re-tests) is no gap.
            a.not_tested
                .iter()
                .any(|n| test_spec(&n.test_id).is_none_or(|t| !(t.optional && t.setting.is_none())))
        })
        .filter(|a| !(a.area == Area::Postpartum && a.status == AreaStatus::NotTested))
        .map(|a| (a.name.clone(), a.area.clinic_visit_adds()))
        .collect()
}

/// Everything the results page shows, from a stored result.
pub fn view(result: &AssessmentResult, t: &Thresholds) -> ResultsView {
    let mut index = 0;
    let mut sources: Vec<String> = Vec::new();
    for f in result.findings() {
        if !sources.contains(&f.rule.source) {
            sources.push(f.rule.source.clone());
        }
    }
    ResultsView {
        referrals: result
            .referrals
            .iter()
            .map(|r| referral(*r, result))
            .collect(),
        emergency: result.referrals.contains(&Referral::Emergency),
        programme_allowed: result.programme_allowed,
        programme_blocked_because: result.programme_blocked_because.clone(),
        running_allowed: result.running_allowed,
        running_blocked_because: result.running_blocked_because.clone(),
        // The postpartum screen only shows for runners who took it.
        areas: result
            .areas
            .iter()
            .filter(|a| !(a.area == Area::Postpartum && a.status == AreaStatus::NotTested))
            .map(|a| area(a, &mut index, t))
            .collect(),
        disagreements: result
            .disagreements
            .iter()
            .map(|d| d.message.clone())
            .collect(),
        sources,
        protocol_version: result.protocol_version.clone(),
        clinic_adds: clinic_adds(result),
    }
}
