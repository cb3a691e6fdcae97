//! The red-flag screen: emergency signs, see-a-doctor signs, and what each blocks.

use super::findings::{Finding, Measured, Referral, Rule, Severity};
use super::protocol::{self as p, TestSpec};
use super::scoring::AreaReport;
use super::thresholds::{Threshold, Thresholds};
use super::validate::RedFlagScreen;

/// Signs of possible cauda equina syndrome: go to an emergency department now.
pub const EMERGENCY_SIGNS: [&TestSpec; 4] = [
    &p::SADDLE_NUMBNESS,
    &p::BLADDER_CHANGE,
    &p::BOWEL_CONTROL_LOSS,
    &p::LEG_WEAKNESS,
];

/// Why a yes answer matters, if it does for this runner.
enum Concern<'t> {
    Emergency,
    SeeDoctor(Option<&'t Threshold>),
}

fn concern<'t>(spec: &TestSpec, age: f64, t: &'t Thresholds) -> Option<Concern<'t>> {
    if EMERGENCY_SIGNS.iter().any(|s| s.id == spec.id) {
        Some(Concern::Emergency)
    } else if spec.id == p::PAIN_IS_NEW.id {
        if age < t.new_pain_younger_than.value {
            Some(Concern::SeeDoctor(Some(&t.new_pain_younger_than)))
        } else if age > t.new_pain_older_than.value {
            Some(Concern::SeeDoctor(Some(&t.new_pain_older_than)))
        } else {
            None
        }
    } else if spec.id == p::BACK_EXTENSION_PAIN.id {
        (age < t.young_runner_younger_than.value)
            .then_some(Concern::SeeDoctor(Some(&t.young_runner_younger_than)))
    } else {
        Some(Concern::SeeDoctor(None))
    }
}

/// Scores the screen; without one, nothing may start.
pub(crate) fn score(
    screen: Option<&RedFlagScreen>,
    t: &Thresholds,
    report: &mut AreaReport,
    referrals: &mut Vec<Referral>,
    programme_blocked_because: &mut Vec<String>,
) {
    let Some(screen) = screen else {
        programme_blocked_because
            .push("Complete the red-flag screen before any test or exercise.".to_owned());
        return;
    };
    report.tested(&p::AGE);
    for (spec, _) in super::measurements::RedFlagAnswers::default().answers() {
        report.tested(spec);
    }
    let age = f64::from(screen.age.get());
    let (mut emergency, mut see_doctor) = (false, false);
    for &spec in &screen.answered_yes {
        let Some(concern) = concern(spec, age, t) else {
            continue;
        };
        let (rule, explanation) = match concern {
            Concern::Emergency => {
                emergency = true;
                (
                    Rule::plain(
                        "red_flag_emergency",
                        "A sign of possible nerve compression at the base of the spine: \
                         emergency care now",
                        spec.source,
                    ),
                    format!(
                        "You answered yes to “{}”. With back pain this can be a sign of pressure \
                         on the nerves at the base of the spine, which needs care today: go to an \
                         emergency department now. No exercise programme is started.",
                        spec.name.to_lowercase()
                    ),
                )
            }
            Concern::SeeDoctor(threshold) => {
                see_doctor = true;
                let cleared = if screen.cleared_by_clinician {
                    " A clinician has reviewed this and cleared you to exercise."
                } else {
                    " The programme starts once a clinician has cleared it."
                };
                let text = "A sign that needs a doctor's check before exercise";
                let rule = match threshold {
                    Some(th) => Rule::against("red_flag_see_doctor", text, th),
                    None => Rule::plain("red_flag_see_doctor", text, spec.source),
                };
                let why = if spec.id == p::BACK_EXTENSION_PAIN.id {
                    format!(
                        "In runners under {} back pain that comes with arching backwards can come \
                         from a stress fracture of the spine, which needs a clinician (and often \
                         a scan) before loading.",
                        age_shown(&t.young_runner_younger_than)
                    )
                } else {
                    "On its own it is rarely serious, but it should be checked by a doctor \
                     before you start."
                        .to_owned()
                };
                (
                    rule,
                    format!(
                        "You answered yes to “{}” (age {}). {why}{cleared}",
                        spec.name.to_lowercase(),
                        screen.age.get()
                    ),
                )
            }
        };
        report.add(Finding::new(
            spec,
            Severity::Priority,
            rule,
            Measured::answer("yes"),
            explanation,
        ));
    }
    if emergency {
        referrals.push(Referral::Emergency);
        programme_blocked_because.push(
            "An emergency warning sign was reported: go to an emergency department now.".to_owned(),
        );
    }
    if see_doctor {
        referrals.push(Referral::SeeDoctor);
        if !screen.cleared_by_clinician && !emergency {
            programme_blocked_because.push(
                "A warning sign needs a doctor's check; a clinician must clear it before the \
                 programme starts."
                    .to_owned(),
            );
        }
    }
}

fn age_shown(t: &Threshold) -> String {
    super::explain::format_number(t.value, 0)
}

#[cfg(test)]
mod tests {
    use crate::assessment::measurements::{Assessment, RedFlagAnswers};
    use crate::assessment::{AreaStatus, Referral, Thresholds, assess, protocol::Area};

    fn screen(age: f64, yes: &[&str], cleared: bool) -> Assessment {
        let mut answers = serde_json::json!({ "age_years": age, "cleared_by_clinician": cleared });
        for (spec, _) in RedFlagAnswers::default().answers() {
            answers[spec.id] = yes.contains(&spec.id).into();
        }
        serde_json::from_value(serde_json::json!({ "red_flags": answers })).unwrap()
    }

    /// Age, yes answers, cleared by a clinician, expected referrals, programme allowed.
    type Case = (
        f64,
        &'static [&'static str],
        bool,
        &'static [Referral],
        bool,
    );

    #[test]
    fn referral_and_blocking_table() {
        use Referral::*;
        let cases: &[Case] = &[
            (34.0, &[], false, &[], true),
            (34.0, &["saddle_numbness"], false, &[Emergency], false),
            (34.0, &["saddle_numbness"], true, &[Emergency], false),
            (
                34.0,
                &["leg_weakness", "cancer_history"],
                true,
                &[Emergency, SeeDoctor],
                false,
            ),
            (34.0, &["cancer_history"], false, &[SeeDoctor], false),
            (34.0, &["cancer_history"], true, &[SeeDoctor], true),
            (
                34.0,
                &["morning_stiffness_over_30_min"],
                false,
                &[SeeDoctor],
                false,
            ),
            // New pain counts under 20 or over 50: at exactly 20 and 50 it does not.
            (19.0, &["pain_is_new"], false, &[SeeDoctor], false),
            (20.0, &["pain_is_new"], false, &[], true),
            (50.0, &["pain_is_new"], false, &[], true),
            (51.0, &["pain_is_new"], false, &[SeeDoctor], false),
            // Pain on back extension counts under 20.
            (
                19.0,
                &["pain_on_back_extension"],
                false,
                &[SeeDoctor],
                false,
            ),
            (20.0, &["pain_on_back_extension"], false, &[], true),
        ];
        for (age, yes, cleared, referrals, allowed) in cases {
            let result = assess(&screen(*age, yes, *cleared), &Thresholds::default()).unwrap();
            assert_eq!(result.referrals, *referrals, "{age} {yes:?}");
            assert_eq!(result.programme_allowed, *allowed, "{age} {yes:?}");
            let area = result.area(Area::RedFlags).unwrap();
            let expected = if referrals.is_empty() {
                AreaStatus::Fine
            } else {
                AreaStatus::Priority
            };
            assert_eq!(area.status, expected, "{age} {yes:?}");
            assert!(area.not_tested.is_empty());
        }
    }

    #[test]
    fn without_a_screen_nothing_starts() {
        let result = assess(&Assessment::default(), &Thresholds::default()).unwrap();
        assert!(!result.programme_allowed);
        assert!(!result.running_allowed);
        assert_eq!(
            result.area(Area::RedFlags).unwrap().status,
            AreaStatus::NotTested
        );
    }
}
