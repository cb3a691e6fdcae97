//! Video findings into the assessment's posture and running-form step: only answers still empty
//! are filled (a video never overrides what a person entered; CLINICAL.md §10), and the runner or
//! clinician can change each one. In an assessment a clinician leads, only the findings they
//! confirmed fill it in ([`prefill_confirmed`]).

use super::{FormReport, MetricKind, Observation, View};
use crate::assessment::measurements::{CadenceAnswer, PostureFormTests};
use crate::assessment::protocol::{CADENCE, TRUNK_LEAN};
use crate::assessment::values::Observation as Answer;

/// Which answers a side-view report filled in, by test id.
pub fn prefill(report: &FormReport, posture: &mut PostureFormTests) -> Vec<&'static str> {
    let mut filled = Vec::new();
    if report.view != View::Side {
        return filled;
    }
    let value = |kind| report.metric(kind).and_then(|m| m.outcome.value());
    let flagged = |kind, observation| {
        report
            .metric(kind)
            .is_some_and(|m| m.observation == Some(observation))
    };
    if let Some(lean) = value(MetricKind::TrunkLean) {
        let whole = lean.round();
        let fits = TRUNK_LEAN
            .range
            .is_none_or(|r| (r.min..=r.max).contains(&whole));
        if posture.trunk_lean_degrees.is_none() && fits {
            posture.trunk_lean_degrees = Some(whole);
            filled.push(TRUNK_LEAN.id);
        }
        if posture.leaning_back.is_none() {
            posture.leaning_back = Some(answer(flagged(
                MetricKind::TrunkLean,
                Observation::LeaningBack,
            )));
            filled.push("leaning_back");
        }
    }
    if value(MetricKind::ForwardHead).is_some() && posture.forward_head.is_none() {
        posture.forward_head = Some(answer(flagged(
            MetricKind::ForwardHead,
            Observation::ForwardHead,
        )));
        filled.push("forward_head");
    }
    if value(MetricKind::ShankAngleAtContact).is_some() && posture.overstriding.is_none() {
        posture.overstriding = Some(answer(flagged(
            MetricKind::ShankAngleAtContact,
            Observation::LandingWellAhead,
        )));
        filled.push("overstriding");
    }
    if let Some(cadence) = value(MetricKind::Cadence) {
        let whole = cadence.round();
        let fits = CADENCE
            .range
            .is_none_or(|r| (r.min..=r.max).contains(&whole));
        if posture.cadence.is_none() && fits {
            posture.cadence = Some(CadenceAnswer {
                steps_per_minute: Some(whole),
                steps_in_30_s: None,
            });
            filled.push(CADENCE.id);
        }
    }
    filled
}

/// As [`prefill`], from only the metrics in `confirmed` (the findings a clinician confirmed).
pub fn prefill_confirmed(
    report: &FormReport,
    confirmed: &[MetricKind],
    posture: &mut PostureFormTests,
) -> Vec<&'static str> {
    let kept = FormReport {
        metrics: report
            .metrics
            .iter()
            .filter(|m| confirmed.contains(&m.kind))
            .cloned()
            .collect(),
        ..report.clone()
    };
    prefill(&kept, posture)
}

fn answer(seen: bool) -> Answer {
    if seen { Answer::Yes } else { Answer::No }
}
