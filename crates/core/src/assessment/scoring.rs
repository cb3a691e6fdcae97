//! Scores a validated assessment against the thresholds: areas, findings, referrals and blocks.

use super::explain::{format_number, format_value};
use super::findings::{
    AreaResult, AreaStatus, AssessmentResult, Disagreement, Figure, Finding, Measured, NotTested,
    Rule, Severity,
};
use super::lsi::lower_first;
use super::protocol::{self as p, Area, PROTOCOL_VERSION, TestSpec, tests_in};
use super::thresholds::{Threshold, Thresholds};
use super::validate::{Baseline, PostureForm, ValidatedAssessment};
use super::values::{Observation, PainScore, Side};
use super::{hips, postpartum, red_flags, trunk};

/// Scores `assessment` with `thresholds`. Deterministic: the same input gives the same result.
pub fn score(assessment: &ValidatedAssessment, thresholds: &Thresholds) -> AssessmentResult {
    let t = thresholds;
    let mut referrals = Vec::new();
    let mut programme_blocked_because = Vec::new();
    let mut running_blocked_because = Vec::new();

    let mut screen = AreaReport::new(Area::RedFlags);
    red_flags::score(
        assessment.red_flags.as_ref(),
        t,
        &mut screen,
        &mut referrals,
        &mut programme_blocked_because,
    );
    let mut after_birth = AreaReport::new(Area::Postpartum);
    if let Some(pp) = &assessment.postpartum {
        postpartum::score(
            pp,
            t,
            &mut after_birth,
            &mut referrals,
            &mut running_blocked_because,
        );
    }
    let mut baseline = AreaReport::new(Area::Baseline);
    if let Some(b) = &assessment.baseline {
        score_baseline(b, t, &mut baseline);
    }
    let mut form = AreaReport::new(Area::PostureForm);
    let mut disagreements = Vec::new();
    if let Some(f) = &assessment.posture_form {
        score_posture_form(f, t, &mut form, &mut disagreements);
    }
    let mut mobility = AreaReport::new(Area::HipMobility);
    if let Some(h) = &assessment.hip_mobility {
        hips::score_mobility(h, t, &mut mobility);
    }
    let mut stability = AreaReport::new(Area::HipStability);
    if let Some(h) = &assessment.hip_stability {
        hips::score_stability(h, t, &mut stability);
    }
    let mut core = AreaReport::new(Area::Core);
    if let Some(c) = &assessment.core {
        trunk::score(c, t, &mut core);
    }

    referrals.sort();
    referrals.dedup();
    let programme_allowed = programme_blocked_because.is_empty();
    if !programme_allowed {
        running_blocked_because.insert(
            0,
            "Running waits until the exercise programme is cleared.".to_owned(),
        );
    }
    AssessmentResult {
        protocol_version: PROTOCOL_VERSION.to_owned(),
        referrals,
        programme_allowed,
        programme_blocked_because,
        running_allowed: running_blocked_because.is_empty(),
        running_blocked_because,
        areas: [
            screen,
            after_birth,
            baseline,
            form,
            mobility,
            stability,
            core,
        ]
        .into_iter()
        .map(AreaReport::finish)
        .collect(),
        disagreements,
    }
}

/// Collects one area's findings and which of its tests were done.
pub(crate) struct AreaReport {
    area: Area,
    findings: Vec<Finding>,
    tested: Vec<&'static str>,
}

impl AreaReport {
    fn new(area: Area) -> Self {
        AreaReport {
            area,
            findings: Vec::new(),
            tested: Vec::new(),
        }
    }

    /// Records that `spec` was done, whether or not a finding follows.
    pub(crate) fn tested(&mut self, spec: &'static TestSpec) {
        self.tested.push(spec.id);
    }

    /// Adds a finding (its test counts as done).
    pub(crate) fn add(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    fn finish(self) -> AreaResult {
        let done =
            |id: &str| self.tested.contains(&id) || self.findings.iter().any(|f| f.test_id == id);
        let not_tested = tests_in(self.area)
            .filter(|spec| !done(spec.id))
            .map(|spec| NotTested {
                test_id: spec.id.to_owned(),
                test_name: spec.name.to_owned(),
            })
            .collect::<Vec<_>>();
        let anything_done = not_tested.len() < tests_in(self.area).count();
        let status = match self.findings.iter().map(|f| f.severity).max() {
            Some(worst) => worst.into(),
            None if anything_done => AreaStatus::Fine,
            None => AreaStatus::NotTested,
        };
        AreaResult {
            area: self.area,
            name: self.area.name().to_owned(),
            status,
            findings: self.findings,
            not_tested,
        }
    }
}

/// "Your left single-leg bridge hold" or "Your trunk flexor hold".
pub(crate) fn your(spec: &TestSpec, side: Option<Side>) -> String {
    match side {
        Some(side) => format!("Your {side} {}", lower_first(spec.name)),
        None => format!("Your {}", lower_first(spec.name)),
    }
}

/// A value that should reach `target`: below it needs attention, at or above is fine.
pub(crate) fn target_finding(
    spec: &TestSpec,
    side: Option<Side>,
    value: f64,
    target: &Threshold,
    why_it_matters: &str,
) -> Finding {
    let shown = format_value(value, spec.unit);
    let goal = format_value(target.value, spec.unit);
    let (severity, rule_id, explanation) = if value < target.value {
        (
            Severity::NeedsAttention,
            "below_target",
            format!(
                "{} was {shown}, short of the {goal} target. {why_it_matters}",
                your(spec, side)
            ),
        )
    } else {
        (
            Severity::Fine,
            "target_met",
            format!(
                "{} was {shown}, meeting the {goal} target.",
                your(spec, side)
            ),
        )
    };
    let rule = Rule::against(
        format!("{}_{rule_id}", spec.id),
        format!("{} below {goal} needs work", spec.name),
        target,
    );
    let finding = Finding::new(
        spec,
        severity,
        rule,
        Measured::one(value, spec.unit),
        explanation,
    );
    match side {
        Some(side) => finding.on(side),
        None => finding,
    }
}

fn score_baseline(b: &Baseline, t: &Thresholds, report: &mut AreaReport) {
    let pains = [
        (&p::PAIN_NOW, b.pain_now),
        (&p::PAIN_WORST_LAST_RUN, b.pain_worst_last_run),
        (&p::PAIN_AFTER_LAST_RUN, b.pain_after_last_run),
        (&p::PAIN_NEXT_MORNING, b.pain_next_morning),
    ];
    for (spec, pain) in pains {
        let Some(pain) = pain else { continue };
        report.add(pain_finding(spec, pain, b, t));
    }
    if let Some(activities) = &b.psfs
        && !activities.is_empty()
    {
        let total: f64 = activities.iter().map(|(_, r)| f64::from(r.get())).sum();
        let mean = total / activities.len() as f64;
        let listed = activities
            .iter()
            .map(|(name, r)| format!("{name} {}", r.get()))
            .collect::<Vec<_>>()
            .join(", ");
        let change = &t.psfs_meaningful_change;
        report.add(Finding::new(
            &p::PSFS,
            Severity::Fine,
            Rule::against(
                "psfs_recorded",
                "Recorded as the starting point; the average is compared at re-test",
                change,
            ),
            Measured::one(mean, p::PSFS.unit),
            format!(
                "Your activities average {} ({listed}). At the re-test, a rise of {} points in \
                 the average, or 3 in a single activity, is a change that matters.",
                format_value(mean, p::PSFS.unit),
                change.shown()
            ),
        ));
    }
    if let Some(groc) = b.global_rating_of_change {
        let value = f64::from(groc.get());
        report.add(Finding::new(
            &p::GLOBAL_RATING_OF_CHANGE,
            Severity::Fine,
            Rule::plain(
                "global_change_recorded",
                "Recorded as the runner's own view of change",
                p::GLOBAL_RATING_OF_CHANGE.source,
            ),
            Measured::one(value, p::GLOBAL_RATING_OF_CHANGE.unit),
            format!(
                "You rated the change since last time {} on a scale from -7 (a great deal worse) \
                 to +7 (a great deal better).",
                format_value(value, p::GLOBAL_RATING_OF_CHANGE.unit)
            ),
        ));
    }
}

fn pain_finding(spec: &TestSpec, pain: PainScore, b: &Baseline, t: &Thresholds) -> Finding {
    let value = f64::from(pain.get());
    let shown = format_value(value, spec.unit);
    let what = lower_first(spec.name);
    let (severity, rule, explanation) = if value >= t.pain_critical_from.value {
        (
            Severity::Priority,
            Rule::against(
                "pain_high",
                format!(
                    "Pain of {}/10 or more alerts the clinician",
                    t.pain_critical_from.shown()
                ),
                &t.pain_critical_from,
            ),
            format!(
                "{} was {shown}. That is high, so your clinician is alerted to check in with you \
                 before the programme is loaded up.",
                crate::assessment::explain::capitalise(&what)
            ),
        )
    } else if spec.id == p::PAIN_WORST_LAST_RUN.id {
        run_pain(value, &shown, t)
    } else if spec.id == p::PAIN_NEXT_MORNING.id {
        morning_pain(value, &shown, b.pain_after_last_run, t)
    } else {
        let change = &t.pain_meaningful_change;
        (
            Severity::Fine,
            Rule::against(
                "pain_recorded",
                "Recorded as the starting point; a change of this many points matters",
                change,
            ),
            format!(
                "{} was {shown}. This is the starting point: a change of {} points or more at \
                 the re-test is one that matters.",
                crate::assessment::explain::capitalise(&what),
                change.shown()
            ),
        )
    };
    Finding::new(
        spec,
        severity,
        rule,
        Measured::one(value, spec.unit),
        explanation,
    )
}

fn run_pain(value: f64, shown: &str, t: &Thresholds) -> (Severity, Rule, String) {
    let safe = &t.pain_safe_max;
    let acceptable = &t.pain_acceptable_max;
    if value > acceptable.value {
        (
            Severity::NeedsAttention,
            Rule::against(
                "run_pain_too_much",
                format!(
                    "Pain above {}/10 during a run is more than the guide accepts",
                    acceptable.shown()
                ),
                acceptable,
            ),
            format!(
                "The pain reached {shown} on your last run. The pain-monitoring guide accepts up \
                 to {}/10 during activity, so runs need to be shorter or easier for now.",
                acceptable.shown()
            ),
        )
    } else if value > safe.value {
        (
            Severity::Fine,
            Rule::against(
                "run_pain_acceptable",
                format!(
                    "Pain from {}/10 to {}/10 during a run is acceptable if it settles by the \
                     next morning",
                    format_number(safe.value + 1.0, 2),
                    acceptable.shown()
                ),
                acceptable,
            ),
            format!(
                "The pain reached {shown} on your last run: acceptable, as long as it settles by \
                 the next morning."
            ),
        )
    } else {
        (
            Severity::Fine,
            Rule::against(
                "run_pain_safe",
                format!("Pain up to {}/10 during a run is safe", safe.shown()),
                safe,
            ),
            format!("The pain reached {shown} on your last run: in the safe zone."),
        )
    }
}

fn morning_pain(
    value: f64,
    shown: &str,
    after_run: Option<PainScore>,
    t: &Thresholds,
) -> (Severity, Rule, String) {
    let safe = &t.pain_safe_max;
    let after = after_run.map(|p| f64::from(p.get()));
    let rule = Rule::against(
        "morning_pain_settles",
        format!(
            "Pain should settle by the next morning: above {}/10 and no lower than after the run \
             means it has not",
            safe.shown()
        ),
        safe,
    );
    match after {
        Some(after) if value > safe.value && value >= after => (
            Severity::NeedsAttention,
            rule,
            format!(
                "The morning after your last run the pain was {shown}, no lower than the {} \
                 straight after it: it had not settled, so the run was more than your back was \
                 ready for.",
                format_value(after, p::PAIN_AFTER_LAST_RUN.unit)
            ),
        ),
        _ => (
            Severity::Fine,
            rule,
            format!("The morning after your last run the pain was {shown}: it had settled."),
        ),
    }
}

/// What each form observation means and the cue that helps, in our words.
const FORM_ADVICE: [(&str, &str); 4] = [
    (
        "forward_head",
        "A head held forward can restrict breathing. Cue: head and chest up, eyes on the ground \
         about 6 m ahead.",
    ),
    (
        "rounded_shoulders",
        "Rounded shoulders close the chest and make breathing harder. Cue: a tall, proud chest \
         with the ribcage stacked over the pelvis.",
    ),
    (
        "leaning_back",
        "Leaning the upper body back makes the low back joints carry the load. Cue: a small \
         forward lean of the whole body from the ankles.",
    ),
    (
        "overstriding",
        "Landing far ahead of the body raises braking and impact. Cue: quicker, shorter steps \
         that land closer under the body.",
    ),
];

/// The "leaning back" observation against the measured trunk lean: when they disagree, the
/// measurement is scored and the observation is left out, and the disagreement is reported.
fn leaning_back_disagreement(f: &PostureForm, t: &Thresholds) -> Option<Disagreement> {
    let lean = f.trunk_lean?.get();
    let (_, seen) = f
        .observations
        .iter()
        .find(|(spec, _)| spec.id == p::LEANING_BACK.id)?;
    let measured_back = lean < t.trunk_leaning_back_below.value;
    let said_back = match seen {
        Observation::Yes => true,
        Observation::No => false,
        Observation::NotSure => return None,
    };
    if measured_back == said_back {
        return None;
    }
    const SECTION: &str = "posture_form";
    let lean_field = format!("{SECTION}.{}", p::TRUNK_LEAN.id);
    let shown = format_value(lean, p::TRUNK_LEAN.unit);
    let measured = if measured_back {
        format!("{shown}, leaning back")
    } else {
        format!("{shown}, not leaning back")
    };
    Some(Disagreement {
        fields: vec![
            format!("{SECTION}.{}", p::LEANING_BACK.id),
            lean_field.clone(),
        ],
        used: lean_field,
        message: format!(
            "“{}: {}” disagrees with the measured trunk lean ({measured}); the measured lean was \
             scored and the observation left out. Check both and correct the one that is wrong.",
            p::LEANING_BACK.name,
            if said_back { "yes" } else { "no" },
        ),
    })
}

fn score_posture_form(
    f: &PostureForm,
    t: &Thresholds,
    report: &mut AreaReport,
    disagreements: &mut Vec<Disagreement>,
) {
    let lean_disagrees = leaning_back_disagreement(f, t);
    for &(spec, seen) in &f.observations {
        report.tested(spec);
        if lean_disagrees.is_some() && spec.id == p::LEANING_BACK.id {
            continue;
        }
        let advice = FORM_ADVICE
            .iter()
            .find(|(id, _)| *id == spec.id)
            .map_or("", |(_, a)| a);
        let (severity, rule_id, answer, explanation) = match seen {
            Observation::No => continue,
            Observation::Yes => (
                Severity::NeedsAttention,
                "seen",
                "yes",
                format!("{} was seen. {advice}", spec.name),
            ),
            Observation::NotSure => (
                Severity::Fine,
                "not_sure",
                "not sure",
                format!(
                    "{}: not sure. Film a few strides from the side and look again. {advice}",
                    spec.name
                ),
            ),
        };
        report.add(Finding::new(
            spec,
            severity,
            Rule::plain(
                format!("{}_{rule_id}", spec.id),
                format!("{} (observation)", spec.name),
                spec.source,
            ),
            Measured::answer(answer),
            explanation,
        ));
    }
    if let Some(cadence) = f.cadence {
        report.add(cadence_finding(cadence.steps_per_minute.get(), t));
    }
    if let Some(lean) = f.trunk_lean {
        report.add(trunk_lean_finding(lean.get(), t));
    }
    disagreements.extend(lean_disagrees);
}

fn cadence_finding(spm: f64, t: &Thresholds) -> Finding {
    let spec = &p::CADENCE;
    let low = &t.low_cadence_below;
    let target = |t: &Threshold| spm * (1.0 + t.value / 100.0);
    let step = |t: &Threshold| format_value(target(t), spec.unit);
    let low_cadence = spm < low.value;
    let (severity, id, explanation) = if low_cadence {
        (
            Severity::NeedsAttention,
            "low_cadence",
            format!(
                "Your cadence is {}, below {}. Raising it {}% to about {}, and later up to {}% \
                 (about {}), shortens each step and lowers the load on the knee and hip.",
                format_value(spm, spec.unit),
                format_value(low.value, spec.unit),
                t.cadence_first_step_percent.shown(),
                step(&t.cadence_first_step_percent),
                t.cadence_max_step_percent.shown(),
                step(&t.cadence_max_step_percent),
            ),
        )
    } else {
        (
            Severity::Fine,
            "cadence_ok",
            format!(
                "Your cadence is {}, at or above {}.",
                format_value(spm, spec.unit),
                format_value(low.value, spec.unit)
            ),
        )
    };
    let finding = Finding::new(
        spec,
        severity,
        Rule::against(
            id,
            format!(
                "Cadence below {} is low",
                format_value(low.value, spec.unit)
            ),
            low,
        ),
        Measured::one(spm, spec.unit),
        explanation,
    );
    if !low_cadence {
        return finding;
    }
    finding
        .with_figure(Figure::new(
            "cadence_first_target",
            target(&t.cadence_first_step_percent),
            spec.unit,
        ))
        .with_figure(Figure::new(
            "cadence_furthest_target",
            target(&t.cadence_max_step_percent),
            spec.unit,
        ))
}

fn trunk_lean_finding(lean: f64, t: &Thresholds) -> Finding {
    let spec = &p::TRUNK_LEAN;
    let shown = format_value(lean, spec.unit);
    let (severity, rule, explanation) = if lean < t.trunk_leaning_back_below.value {
        (
            Severity::NeedsAttention,
            Rule::against(
                "trunk_leaning_back",
                "Trunk behind vertical: leaning back",
                &t.trunk_leaning_back_below,
            ),
            format!(
                "Your trunk leans back ({shown}), which makes the low back carry the load. Aim \
                 for a small forward lean of the whole body from the ankles."
            ),
        )
    } else if lean < t.trunk_upright_below.value {
        (
            Severity::NeedsAttention,
            Rule::against(
                "trunk_upright",
                format!(
                    "Trunk lean under {} forward: upright",
                    format_value(t.trunk_upright_below.value, spec.unit)
                ),
                &t.trunk_upright_below,
            ),
            format!(
                "You run almost upright ({shown} forward). Runners with weak hip muscles tend to \
                 run upright; a small forward lean lets the hips share the work."
            ),
        )
    } else {
        (
            Severity::Fine,
            Rule::against(
                "trunk_forward_lean",
                format!(
                    "Trunk lean of {} or more forward",
                    format_value(t.trunk_upright_below.value, spec.unit)
                ),
                &t.trunk_upright_below,
            ),
            format!("Your trunk leans {shown} forward: the hips can share the work."),
        )
    };
    Finding::new(
        spec,
        severity,
        rule,
        Measured::one(lean, spec.unit),
        explanation,
    )
}
