//! Video findings into the assessment's posture and running-form step: only answers still empty
//! are filled (a video never overrides what a person entered; CLINICAL.md §10), and the runner or
//! clinician can change each one. In an assessment a clinician leads, only the findings they
//! confirmed fill it in ([`prefill_confirmed`]); a finding dismissed after it was confirmed takes
//! back the answers it filled ([`withdraw`]).

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

/// Takes back the answers the finding `kind` of `report` filled in: each answer still holding
/// exactly what the finding put there is emptied again (one a person changed since is kept).
/// Which answers were emptied, by test id. Each answer is filled from one metric only, so this
/// never takes back what another confirmed finding filled.
pub fn withdraw(
    report: &FormReport,
    kind: MetricKind,
    posture: &mut PostureFormTests,
) -> Vec<&'static str> {
    let mut filled_alone = PostureFormTests::default();
    prefill_confirmed(report, &[kind], &mut filled_alone);
    let mut emptied = Vec::new();
    let mut take_back = |id: &'static str, now: bool| {
        if now {
            emptied.push(id);
        }
        now
    };
    if filled_alone.trunk_lean_degrees.is_some()
        && take_back(
            TRUNK_LEAN.id,
            posture.trunk_lean_degrees == filled_alone.trunk_lean_degrees,
        )
    {
        posture.trunk_lean_degrees = None;
    }
    if filled_alone.leaning_back.is_some()
        && take_back(
            "leaning_back",
            posture.leaning_back == filled_alone.leaning_back,
        )
    {
        posture.leaning_back = None;
    }
    if filled_alone.forward_head.is_some()
        && take_back(
            "forward_head",
            posture.forward_head == filled_alone.forward_head,
        )
    {
        posture.forward_head = None;
    }
    if filled_alone.overstriding.is_some()
        && take_back(
            "overstriding",
            posture.overstriding == filled_alone.overstriding,
        )
    {
        posture.overstriding = None;
    }
    if filled_alone.cadence.is_some()
        && take_back(CADENCE.id, posture.cadence == filled_alone.cadence)
    {
        posture.cadence = None;
    }
    emptied
}

fn answer(seen: bool) -> Answer {
    if seen { Answer::Yes } else { Answer::No }
}
