//! The results page's view of a scored assessment: referrals first, then a summary in plain
//! words (the top priorities, what is fine, what a clinic visit would add), then each area with
//! its findings (the rule, cut-off and source folded under "Details"), a chart for every
//! side-to-side comparison, and the sources.

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
    pub message: String,
    /// The answers that led to it, in words.
    pub because: Vec<String>,
}

/// One finding as the page shows it.
pub struct FindingView {
    /// The card's id, so the summary can link to it.
    pub anchor: String,
    pub title: String,
    /// The label and its CSS modifier, only where a value was measured and judged: "not sure"
    /// is labelled as such (not "fine"), and a value only recorded for the re-test has none.
    pub label: Option<(&'static str, &'static str)>,
    /// CSS modifier for the card.
    pub severity_class: &'static str,
    /// "Measured", or "Your answer" for an answer in words.
    pub measured_label: &'static str,
    pub measured: String,
    /// "Cut-off", or "A change that matters" where the number is the re-test's yardstick.
    pub threshold_label: &'static str,
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

/// One of the top priorities in the summary.
pub struct PriorityLine {
    pub title: String,
    /// The explanation's first sentence, with the numbers.
    pub text: String,
    pub anchor: String,
}

/// The summary at the top of the results page.
pub struct Summary {
    /// At most [`PRIORITIES_SHOWN`], most urgent first.
    pub priorities: Vec<PriorityLine>,
    /// Findings that need work beyond those shown.
    pub more_priorities: usize,
    /// What is fine: whole areas, or the fine tests of an area that has work to do.
    pub fine: Vec<String>,
    /// What a clinic visit would add: one plain sentence for each area with a test not done or
    /// an answer that was "not sure" (the area's name, then the sentence).
    pub clinic_adds: Vec<(String, &'static str)>,
}

/// How many priorities the summary names (the brief's "your three priorities").
pub const PRIORITIES_SHOWN: usize = 3;

/// The whole results page below its heading.
pub struct ResultsView {
    pub summary: Summary,
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
}

impl ResultsView {
    /// The page without clinic wording for a self-directed runner (see [`crate::wording`]).
    pub fn for_runner(mut self, has_clinic: bool) -> ResultsView {
        if has_clinic {
            return self;
        }
        let fix = |t: &mut String| crate::wording::rewrite(t, false);
        for r in &mut self.referrals {
            fix(&mut r.message);
            r.because.iter_mut().for_each(fix);
        }
        self.programme_blocked_because.iter_mut().for_each(fix);
        self.running_blocked_because.iter_mut().for_each(fix);
        for f in self.areas.iter_mut().flat_map(|a| a.findings.iter_mut()) {
            fix(&mut f.explanation);
            fix(&mut f.rule);
        }
        for p in &mut self.summary.priorities {
            fix(&mut p.text);
        }
        self
    }
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
        message: r.message().to_owned(),
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

/// The cut-off in the unit it is really in: left/right rules compare percentages, the strength
/// norm standard deviations, the McGill rules ratios of two holds (not seconds), and a value only
/// recorded for the re-test names the change that matters in points.
fn threshold_shown(f: &Finding) -> Option<String> {
    let value = f.rule.threshold?;
    let number = format_number(value, 2);
    let id = f.rule.id.as_str();
    Some(if id.starts_with("lsi_") {
        format!("{number}% (the weaker side as a share of the stronger)")
    } else if id.starts_with("hip_abduction_") {
        format!("{number} standard deviations below the usual value")
    } else if id == "mcgill_side_bridge_balance" {
        format!(
            "right ÷ left between {} and {}",
            format_number(1.0 - value, 2),
            format_number(1.0 + value, 2)
        )
    } else if id.starts_with("mcgill_") {
        format!("a ratio of {number} (one hold's time divided by the other's)")
    } else if is_recorded(f) {
        format!("{number} points")
    } else {
        format!("{number}{}", unit_of(&f.measured).suffix())
    })
}

/// A value kept as the starting point for the re-test rather than judged against a cut-off.
fn is_recorded(f: &Finding) -> bool {
    f.rule.id.ends_with("_recorded")
}

/// An answer of "not sure": nothing was measured, so it is neither fine nor a problem.
fn is_unsure(f: &Finding) -> bool {
    matches!(&f.measured, Measured::One { value: Value::Text(t), .. } if t == "not sure")
}

/// The label a finding carries, if any (see [`FindingView::label`]).
fn label(f: &Finding) -> Option<(&'static str, &'static str)> {
    if is_unsure(f) {
        Some(("not sure", "unsure"))
    } else if is_recorded(f) && f.rule.id != "pain_recorded" {
        None
    } else {
        Some(severity_words(f.severity))
    }
}

/// A source as a person reads it: the paper or guideline, never a file of ours. Results stored
/// before the protocol's sources named their papers still say "CLINICAL.md §n"; that part goes.
pub fn source_for_people(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(at) = rest.find("CLINICAL.md") {
        out.push_str(&rest[..at]);
        rest = &rest[at + "CLINICAL.md".len()..];
        // The section mark and its number, and an "'s" after them.
        rest = rest.trim_start_matches([' ', '§']);
        rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        rest = rest.trim_start_matches("'s");
    }
    out.push_str(rest);
    let out = out.replace(" ()", "").replace("()", "").replace("( ", "(");
    let out = out.trim().trim_end_matches([';', ',', ' ']);
    // "…; dose CLINICAL.md §8" leaves a dangling "dose".
    out.strip_suffix("dose")
        .unwrap_or(out)
        .trim_end_matches([';', ',', ' '])
        .to_owned()
}

fn finding(f: &Finding, index: usize, t: &Thresholds) -> FindingView {
    let label = label(f);
    let severity_class = label.map_or("recorded", |(_, class)| class);
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
        anchor: format!("finding-{index}"),
        title,
        label,
        severity_class,
        measured_label: if matches!(unit_of(&f.measured), Unit::Answer | Unit::Observation) {
            "Your answer"
        } else {
            "Measured"
        },
        measured: f.measured_shown(),
        threshold_label: if is_recorded(f) {
            "A change that matters"
        } else {
            "Cut-off"
        },
        rule: f.rule.text.clone(),
        threshold: threshold_shown(f),
        source: source_for_people(&f.rule.source),
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

/// Whether a clinic visit would add something to this area: a test not done (an optional
/// question left out, such as the re-test's change rating, is no gap) or an answer that was
/// "not sure".
fn clinic_would_add(a: &AreaResult) -> bool {
    let gap = a
        .not_tested
        .iter()
        .any(|n| test_spec(&n.test_id).is_none_or(|t| !(t.optional && t.setting.is_none())));
    gap || a.findings.iter().any(is_unsure)
}

/// Everything the results page shows, from a stored result.
pub fn view(result: &AssessmentResult, t: &Thresholds) -> ResultsView {
    let mut index = 0;
    let mut sources: Vec<String> = Vec::new();
    for f in result.findings() {
        let source = source_for_people(&f.rule.source);
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    let areas: Vec<AreaView> = result
        .areas
        .iter()
        .filter(|a| !(a.area == Area::Postpartum && a.status == AreaStatus::NotTested))
        .map(|a| area(a, &mut index, t))
        .collect();
    ResultsView {
        summary: summary(result, &areas),
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
        areas,
        disagreements: result
            .disagreements
            .iter()
            .map(|d| d.message.clone())
            .collect(),
        sources,
        protocol_version: result.protocol_version.clone(),
    }
}

/// The summary: the findings that need work, most urgent first (priority before "needs
/// attention", then in the page's order); what is fine; and what was not tested or not sure.
/// `areas` are the page's areas, whose findings were numbered in the same order as
/// `result.areas`' findings, so a priority links to its card.
fn summary(result: &AssessmentResult, areas: &[AreaView]) -> Summary {
    let shown: Vec<(&AreaResult, &AreaView)> = result
        .areas
        .iter()
        .filter(|a| !(a.area == Area::Postpartum && a.status == AreaStatus::NotTested))
        .zip(areas)
        .collect();
    let mut needs_work: Vec<(Severity, &Finding, &FindingView)> = shown
        .iter()
        // Red flags lead the page as referrals already.
        .filter(|(a, _)| a.area != Area::RedFlags)
        .flat_map(|(a, v)| a.findings.iter().zip(&v.findings))
        .filter(|(f, _)| f.severity > Severity::Fine)
        .map(|(f, v)| (f.severity, f, v))
        .collect();
    // Stable: ties keep the page's order.
    needs_work.sort_by_key(|b| std::cmp::Reverse(b.0));
    let priorities = needs_work
        .iter()
        .take(PRIORITIES_SHOWN)
        .map(|(_, f, v)| PriorityLine {
            title: v.title.clone(),
            text: first_sentence(&f.explanation).to_owned(),
            anchor: v.anchor.clone(),
        })
        .collect();
    let mut fine = Vec::new();
    let mut clinic_adds = Vec::new();
    for (a, v) in &shown {
        if a.area == Area::RedFlags {
            continue;
        }
        let fine_tests: Vec<&str> = a
            .findings
            .iter()
            .zip(&v.findings)
            .filter(|(f, fv)| f.severity == Severity::Fine && fv.label == Some(("fine", "fine")))
            .map(|(_, fv)| fv.title.as_str())
            .collect();
        match a.status {
            AreaStatus::Fine if !fine_tests.is_empty() => {
                fine.push(format!("{}: everything measured is fine.", a.name));
            }
            AreaStatus::NeedsAttention | AreaStatus::Priority if !fine_tests.is_empty() => {
                fine.push(format!("{}: {}.", a.name, fine_tests.join("; ")));
            }
            _ => {}
        }
        // One plain sentence per area; the area's card below names the tests not done.
        if clinic_would_add(a) {
            clinic_adds.push((a.name.clone(), a.area.clinic_visit_adds()));
        }
    }
    Summary {
        more_priorities: needs_work.len().saturating_sub(PRIORITIES_SHOWN),
        priorities,
        fine,
        clinic_adds,
    }
}

/// The first sentence of an explanation, where its numbers are.
fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::source_for_people;

    #[test]
    fn sources_never_name_our_files() {
        for (stored, shown) in [
            (
                "Clinic method (observation); CLINICAL.md §1",
                "Clinic method (observation)",
            ),
            (
                "Spondylolysis in adolescent athletes (CLINICAL.md §0)",
                "Spondylolysis in adolescent athletes",
            ),
            (
                "Clinic method (one of the six core exercises); dose CLINICAL.md §8",
                "Clinic method (one of the six core exercises)",
            ),
            (
                "Freckleton et al. 2014, BJSM 48:713",
                "Freckleton et al. 2014, BJSM 48:713",
            ),
        ] {
            assert_eq!(source_for_people(stored), shown);
        }
    }
}
