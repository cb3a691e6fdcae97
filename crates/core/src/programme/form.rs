//! Running-form cues for the posture and form findings, and the cadence target (CLINICAL.md §1).

use super::ProgrammeRequest;
use super::select::{canonical_findings, first_sentence};
use crate::assessment::explain::{format_number, round_to};
use crate::assessment::{AssessmentResult, Finding, Measured, Severity, Value};
use serde::{Deserialize, Serialize};

/// Where the cadence steps come from.
pub const CADENCE_SOURCE: &str = "Heiderscheit et al. 2011, MSSE 43:296";

/// A cue to think about while running, and the finding behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormCue {
    /// Stable id, e.g. `head_up`.
    pub id: String,
    pub text: String,
    /// What was seen or measured, and why the cue helps.
    pub reason: String,
}

/// A step-rate goal: a first step up, then a later one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CadenceTarget {
    /// Steps per minute now.
    pub current: f64,
    /// The first goal, about 5% higher, whole steps per minute.
    pub first_step: f64,
    /// The later goal, up to about 10% higher.
    pub later: f64,
    pub first_step_percent: f64,
    pub later_percent: f64,
    pub source: String,
    pub reason: String,
}

/// One cue: its id and words, why it helps, and the findings (test id, rule id or any) behind it.
struct CueSpec {
    id: &'static str,
    text: &'static str,
    why: &'static str,
    findings: &'static [(&'static str, Option<&'static str>)],
}

/// The cues of CLINICAL.md §1 in our words, in the order they are shown.
const CUES: [CueSpec; 4] = [
    CueSpec {
        id: "head_up",
        text: "Head and chest up, eyes on the ground about 6 m (20 ft) ahead.",
        why: "A head carried forward closes the chest and makes breathing harder.",
        findings: &[("forward_head", None)],
    },
    CueSpec {
        id: "proud_chest",
        text: "Run tall and proud, with the ribcage stacked over the pelvis.",
        why: "Rounded shoulders curl the upper back and squeeze the breath.",
        findings: &[("rounded_shoulders", None)],
    },
    CueSpec {
        id: "lean_from_ankles",
        text: "A small forward lean of the whole body from the ankles, not from the waist.",
        why: "Leaning back, or running bolt upright, leaves the low back joints carrying load \
              the hips should share.",
        findings: &[
            ("leaning_back", None),
            ("trunk_lean_degrees", Some("trunk_leaning_back")),
            ("trunk_lean_degrees", Some("trunk_upright")),
        ],
    },
    CueSpec {
        id: "quick_short_steps",
        text: "Quicker, shorter steps that land closer under the body.",
        why: "Landing far ahead of the body brakes each stride and raises the impact; a \
              slightly higher step rate brings the foot in closer.",
        findings: &[("overstriding", None), ("cadence", Some("low_cadence"))],
    },
];

/// The running cue (CLINICAL.md §1, in our words) for a finding of `test` (and `rule`).
pub fn cue_for(test: &str, rule: Option<&str>) -> Option<&'static str> {
    CUES.iter()
        .find(|cue| {
            cue.findings
                .iter()
                .any(|(t, r)| *t == test && (r.is_none() || *r == rule))
        })
        .map(|cue| cue.text)
}

fn matches(f: &Finding, (test, rule): &(&str, Option<&str>)) -> bool {
    f.severity > Severity::Fine && f.test_id == *test && rule.is_none_or(|r| r == f.rule.id)
}

/// The cues that fit the findings, and the cadence target when cadence is low.
pub(crate) fn running_form(
    result: &AssessmentResult,
    request: &ProgrammeRequest,
) -> (Vec<FormCue>, Option<CadenceTarget>) {
    let findings = canonical_findings(result);
    let target = cadence_target(&findings, request);
    let cues = CUES
        .iter()
        .filter_map(|cue| {
            let mut seen: Vec<&str> = findings
                .iter()
                .filter(|f| cue.findings.iter().any(|m| matches(f, m)))
                .map(|f| first_sentence(&f.explanation))
                .collect();
            // A watch cadence replaces the assessment's, in this cue as in the target.
            if cue.id == "quick_short_steps" && request.measured_cadence.is_some() {
                seen.retain(|s| !s.starts_with("Your cadence"));
                if let Some(t) = &target {
                    seen.push(&t.reason);
                }
            }
            (!seen.is_empty()).then(|| FormCue {
                id: cue.id.to_owned(),
                text: cue.text.to_owned(),
                reason: format!("{} {}", seen.join(" "), cue.why),
            })
        })
        .collect();
    (cues, target)
}

fn cadence_target(findings: &[&Finding], request: &ProgrammeRequest) -> Option<CadenceTarget> {
    let t = &request.thresholds;
    let (current, low_below, from) = match request.measured_cadence {
        Some(watch) => (watch.get(), t.low_cadence_below.value, "your watch"),
        None => {
            let f = findings.iter().find(|f| f.test_id == "cadence")?;
            let Measured::One {
                value: Value::Number(spm),
                ..
            } = f.measured
            else {
                return None;
            };
            (
                spm,
                f.rule.threshold.unwrap_or(t.low_cadence_below.value),
                "the assessment",
            )
        }
    };
    if current >= low_below {
        return None;
    }
    let first_percent = t.cadence_first_step_percent.value;
    let later_percent = t.cadence_max_step_percent.value;
    let step = |percent: f64| round_to(current * (1.0 + percent / 100.0), 0);
    let (first_step, later) = (step(first_percent), step(later_percent));
    Some(CadenceTarget {
        current: round_to(current, 0),
        first_step,
        later,
        first_step_percent: first_percent,
        later_percent,
        source: CADENCE_SOURCE.to_owned(),
        reason: format!(
            "Your cadence from {from} is {} steps per minute, below {}. Aim first for about {} \
             ({}% more), and once that feels natural, up to about {} ({}% more): quicker \
             steps are shorter and land closer under the body.",
            format_number(current, 0),
            format_number(low_below, 0),
            format_number(first_step, 0),
            format_number(first_percent, 1),
            format_number(later, 0),
            format_number(later_percent, 1),
        ),
    })
}
