//! The return-to-running screen after giving birth: timing, pelvic-health symptoms, readiness.

use super::explain::format_number;
use super::findings::{Finding, Measured, Referral, Rule, Severity};
use super::lsi::asymmetry_finding;
use super::protocol as p;
use super::scoring::{AreaReport, target_finding};
use super::thresholds::Thresholds;
use super::validate::PostpartumScreen;
use super::values::Side;

/// Scores the postpartum screen; anything that rules running out is added to `running_blocked`.
pub(crate) fn score(
    screen: &PostpartumScreen,
    t: &Thresholds,
    report: &mut AreaReport,
    referrals: &mut Vec<Referral>,
    running_blocked: &mut Vec<String>,
) {
    if let Some(weeks) = screen.weeks_since_birth {
        let weeks = f64::from(weeks.get());
        let earliest = &t.postpartum_earliest_running_weeks;
        let earliest_shown = format_number(earliest.value, 0);
        let rule = Rule::against(
            "postpartum_running_weeks",
            format!("No running before {earliest_shown} weeks after giving birth"),
            earliest,
        );
        let (severity, explanation) = if weeks < earliest.value {
            running_blocked.push(format!(
                "Running starts no earlier than {earliest_shown} weeks after giving birth."
            ));
            (
                Severity::Priority,
                format!(
                    "You gave birth {} weeks ago. The return-to-running guideline advises no \
                     running before {earliest_shown} weeks; the exercises now prepare you for it.",
                    format_number(weeks, 0)
                ),
            )
        } else {
            (
                Severity::Fine,
                format!(
                    "You gave birth {} weeks ago, past the {earliest_shown} weeks the guideline \
                     asks for; running can build up once the readiness tests pass.",
                    format_number(weeks, 0)
                ),
            )
        };
        report.add(Finding::new(
            &p::WEEKS_SINCE_BIRTH,
            severity,
            rule,
            Measured::one(weeks, p::WEEKS_SINCE_BIRTH.unit),
            explanation,
        ));
    }

    for (spec, _) in super::measurements::PostpartumAnswers::default().symptoms() {
        report.tested(spec);
    }
    for &spec in &screen.symptoms {
        report.add(Finding::new(
            spec,
            Severity::Priority,
            Rule::plain(
                "pelvic_health_referral",
                "A pelvic-floor symptom: see a pelvic-health physiotherapist before running",
                spec.source,
            ),
            Measured::answer("yes"),
            format!(
                "You answered yes to “{}”. A pelvic-health physiotherapist can check and treat \
                 this; see one before running so it does not get worse.",
                spec.name.to_lowercase()
            ),
        ));
    }
    if !screen.symptoms.is_empty() {
        referrals.push(Referral::PelvicHealthPhysio);
        running_blocked.push(
            "A pelvic-floor symptom needs a pelvic-health physiotherapist before running."
                .to_owned(),
        );
    }

    let mut not_ready = false;
    for &(spec, passed) in &screen.load_impact {
        report.tested(spec);
        if !passed {
            not_ready = true;
            report.add(Finding::new(
                spec,
                Severity::NeedsAttention,
                Rule::plain(
                    "readiness_not_passed",
                    "Each load and impact task must pass without pain, heaviness, dragging or \
                     leaking before running",
                    spec.source,
                ),
                Measured::answer("not passed"),
                format!(
                    "{} did not pass without symptoms yet. Keep building strength; running \
                     waits until it does.",
                    spec.name
                ),
            ));
        }
    }
    let target = &t.postpartum_strength_reps;
    for (spec, reps) in &screen.strength {
        let values = reps.map(|_, r| f64::from(r.get()));
        for side in Side::BOTH {
            let finding = target_finding(
                spec,
                Some(side),
                *values.get(side),
                target,
                "The guideline asks for this on each side before running.",
            );
            not_ready |= finding.severity != Severity::Fine;
            report.add(finding);
        }
        report.add(asymmetry_finding(spec, values, t));
    }
    if not_ready {
        running_blocked
            .push("Not every return-to-running readiness test has been passed yet.".to_owned());
    }
    let missing = not_done(screen);
    if !missing.is_empty() {
        running_blocked.push(format!(
            "Running is not cleared until every return-to-running readiness test is done and \
             passed; still to do: {}.",
            missing.join(", ")
        ));
    }
}

/// The readiness tests not done yet, by name in protocol order: untested is not yet cleared
/// (CLINICAL.md §5 asks for every load and impact task and 20 reps a side).
fn not_done(screen: &PostpartumScreen) -> Vec<&'static str> {
    let answers = super::measurements::PostpartumAnswers::default();
    let load_impact = answers
        .load_impact()
        .into_iter()
        .map(|(spec, _)| spec)
        .filter(|spec| {
            !screen
                .load_impact
                .iter()
                .any(|(done, _)| done.id == spec.id)
        });
    let strength = answers
        .strength()
        .into_iter()
        .map(|(spec, _)| spec)
        .filter(|spec| !screen.strength.iter().any(|(done, _)| done.id == spec.id));
    load_impact.chain(strength).map(|spec| spec.name).collect()
}

#[cfg(test)]
mod tests {
    use crate::assessment::{AreaStatus, Referral, Severity, Thresholds, assess, protocol::Area};
    use serde_json::json;

    fn run(postpartum: serde_json::Value) -> crate::assessment::AssessmentResult {
        let mut red_flags = json!({ "age_years": 32 });
        for (spec, _) in crate::assessment::measurements::RedFlagAnswers::default().answers() {
            red_flags[spec.id] = false.into();
        }
        let mut pp = json!({
            "symptom_leaking_or_urgency": false, "symptom_heaviness_or_dragging": false,
            "symptom_pain_with_intercourse": false, "symptom_abdominal_gap": false,
            "symptom_pelvic_or_back_pain": false, "symptom_late_bleeding": false
        });
        if let (Some(base), Some(extra)) = (pp.as_object_mut(), postpartum.as_object()) {
            base.extend(extra.clone());
        }
        let raw = serde_json::from_value(json!({ "red_flags": red_flags, "postpartum": pp }));
        assess(&raw.unwrap(), &Thresholds::default()).unwrap()
    }

    #[test]
    fn twelve_weeks_is_the_earliest_running() {
        for (weeks, running) in [(11, false), (12, true), (30, true)] {
            let r = run(all_readiness(json!({ "weeks_since_birth": weeks })));
            assert_eq!(r.running_allowed, running, "{weeks} weeks");
            assert!(r.programme_allowed);
        }
    }

    #[test]
    fn a_symptom_refers_to_pelvic_health_and_stops_running() {
        let r = run(json!({ "weeks_since_birth": 20, "symptom_heaviness_or_dragging": true }));
        assert_eq!(r.referrals, [Referral::PelvicHealthPhysio]);
        assert!(!r.running_allowed);
        assert!(r.programme_allowed);
        assert_eq!(
            r.area(Area::Postpartum).unwrap().status,
            AreaStatus::Priority
        );
    }

    /// Every readiness test done and passed, with `changes` on top.
    fn all_readiness(changes: serde_json::Value) -> serde_json::Value {
        let mut all = json!({ "weeks_since_birth": 16 });
        for (spec, _) in crate::assessment::measurements::PostpartumAnswers::default().load_impact()
        {
            all[spec.id] = true.into();
        }
        for (spec, _) in crate::assessment::measurements::PostpartumAnswers::default().strength() {
            all[spec.id] = json!({"left": 20, "right": 25});
        }
        if let (Some(base), Some(extra)) = (all.as_object_mut(), changes.as_object()) {
            base.extend(extra.clone());
        }
        all
    }

    #[test]
    fn readiness_needs_every_task_and_twenty_reps_a_side() {
        let ready = run(all_readiness(json!({})));
        assert!(ready.running_allowed, "{:?}", ready.running_blocked_because);
        let short = run(all_readiness(
            json!({ "readiness_calf_raise": {"left": 19, "right": 20} }),
        ));
        assert!(!short.running_allowed);
        let failed = run(all_readiness(json!({ "readiness_hop_on_spot": false })));
        assert!(!failed.running_allowed);
        let area = failed.area(Area::Postpartum).unwrap();
        let hop = area
            .findings
            .iter()
            .find(|f| f.test_id == "readiness_hop_on_spot");
        assert_eq!(hop.map(|f| f.severity), Some(Severity::NeedsAttention));
    }

    #[test]
    fn untested_readiness_is_not_yet_cleared_and_says_what_is_missing() {
        for pp in [json!({}), json!({ "weeks_since_birth": 16 })] {
            let r = run(pp.clone());
            assert!(!r.running_allowed, "{pp}");
            assert!(r.programme_allowed);
            let why = r.running_blocked_because.join(" ");
            for name in [
                "30-minute walk",
                "Running man",
                "One-leg calf raise",
                "Side-lying leg lift",
            ] {
                assert!(why.contains(name), "{name} missing from: {why}");
            }
        }
        // Some done and passed: only the rest are listed.
        let mut partly = all_readiness(json!({}));
        if let Some(o) = partly.as_object_mut() {
            o.remove("readiness_walk");
            o.remove("readiness_sit_to_stand");
        }
        let r = run(partly);
        assert!(!r.running_allowed);
        let why = r.running_blocked_because.join(" ");
        assert!(
            why.contains("still to do: 30-minute walk, One-leg sit to stand."),
            "{why}"
        );
        assert!(!why.contains("Running man"), "{why}");
    }
}
