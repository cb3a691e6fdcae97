//! Turns a typed-in `Assessment` into checked domain values, or a list of per-field messages.

use super::explain::format_number;
use super::measurements::{Assessment, RawSides};
use super::protocol::{self as p, PROTOCOL_VERSION, TestSpec, Unit};
use super::values::{
    ActivityRating, ChangeRating, CouchStretchPosition, Degrees, HipCarsQuality, NewtonMetresPerKg,
    Observation, PainScore, PerSide, Reps, Seconds, Sex, SquatGrade, StepsPerMinute, Weeks, Years,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One refused field: where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationError {
    /// Dotted path of the field, e.g. `hip_stability.single_leg_bridge_hold.left`.
    pub field: String,
    /// What is wrong, written for the person who typed it.
    pub message: String,
}

/// Every refused field of an assessment (never empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

/// An assessment whose every value is valid; sections left out are `None`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValidatedAssessment {
    pub red_flags: Option<RedFlagScreen>,
    pub postpartum: Option<PostpartumScreen>,
    pub baseline: Option<Baseline>,
    pub posture_form: Option<PostureForm>,
    pub hip_mobility: Option<HipMobility>,
    pub hip_stability: Option<HipStability>,
    pub core: Option<CoreEndurance>,
}

/// A complete red-flag screen.
#[derive(Debug, Clone, PartialEq)]
pub struct RedFlagScreen {
    pub age: Years,
    /// The questions answered yes.
    pub answered_yes: Vec<&'static TestSpec>,
    pub cleared_by_clinician: bool,
}

/// The postpartum screen: symptoms answered in full, readiness tests where done.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PostpartumScreen {
    pub weeks_since_birth: Option<Weeks>,
    /// Symptom questions answered yes.
    pub symptoms: Vec<&'static TestSpec>,
    /// Load-and-impact tasks done, with whether each passed without symptoms.
    pub load_impact: Vec<(&'static TestSpec, bool)>,
    /// Strength-readiness tests done, with reps per side.
    pub strength: Vec<(&'static TestSpec, PerSide<Reps>)>,
}

/// Pain and function today.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Baseline {
    pub pain_now: Option<PainScore>,
    pub pain_worst_last_run: Option<PainScore>,
    pub pain_after_last_run: Option<PainScore>,
    pub pain_next_morning: Option<PainScore>,
    /// Patient-Specific Functional Scale: 3–5 named activities with their ratings.
    pub psfs: Option<Vec<(String, ActivityRating)>>,
    pub global_rating_of_change: Option<ChangeRating>,
}

/// Posture and running form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PostureForm {
    pub observations: Vec<(&'static TestSpec, Observation)>,
    pub cadence: Option<Cadence>,
    pub trunk_lean: Option<Degrees>,
}

/// A cadence and how it was obtained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cadence {
    pub steps_per_minute: StepsPerMinute,
    /// Counted over 30 seconds rather than typed from a watch.
    pub counted: bool,
}

/// Hip mobility.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HipMobility {
    pub thomas_thigh_angle: Option<PerSide<Degrees>>,
    pub thomas_knee_angle: Option<PerSide<Degrees>>,
    pub prone_hip_extension: Option<PerSide<Degrees>>,
    pub hip_cars: Option<PerSide<HipCarsQuality>>,
    pub couch_stretch: Option<PerSide<CouchStretchPosition>>,
}

/// Hip stability.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HipStability {
    pub single_leg_bridge_reps: Option<PerSide<Reps>>,
    pub single_leg_bridge_hold: Option<PerSide<Seconds>>,
    pub band_hip_abduction_reps: Option<PerSide<Reps>>,
    pub single_leg_squat: Option<PerSide<SquatGrade>>,
    pub single_leg_squat_pelvic_drop: Option<PerSide<bool>>,
    pub hip_abduction: Option<HipAbductionStrength>,
}

/// Dynamometer hip abduction with what the norm needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HipAbductionStrength {
    pub torque: PerSide<NewtonMetresPerKg>,
    pub age: Years,
    pub sex: Sex,
}

/// Core endurance and control.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CoreEndurance {
    pub mcgill_flexor: Option<Seconds>,
    pub mcgill_extensor: Option<Seconds>,
    pub mcgill_side_bridge: Option<PerSide<Seconds>>,
    pub double_leg_lowering: Option<Degrees>,
    pub straight_leg_lowers: Option<Reps>,
    pub pallof_hold: Option<PerSide<Seconds>>,
}

/// Collects every refused field rather than stopping at the first.
#[derive(Default)]
struct Check {
    errors: Vec<ValidationError>,
}

impl Check {
    fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(ValidationError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// A number for `spec`: a valid `T` and inside the spec's range.
    fn number<T: TryFrom<f64, Error = &'static str>>(
        &mut self,
        field: &str,
        spec: &TestSpec,
        raw: f64,
    ) -> Option<T> {
        let typed = T::try_from(raw);
        if let Some(r) = spec.range
            && !(r.min..=r.max).contains(&raw)
        {
            // The test's range says more than an angle's generic bounds (a knee bend of 200° is
            // not "an angle between -180° and 180°"); other types' messages name their scale.
            let message = match typed {
                Err(m) if spec.unit != Unit::Degrees => m.to_owned(),
                _ => {
                    let unit = spec.unit.suffix();
                    format!(
                        "{}: enter a value from {}{unit} to {}{unit}.",
                        spec.name,
                        format_number(r.min, 1),
                        format_number(r.max, 1)
                    )
                }
            };
            self.fail(field, message);
            return None;
        }
        typed.map_err(|m| self.fail(field, m)).ok()
    }

    fn optional<T: TryFrom<f64, Error = &'static str>>(
        &mut self,
        section: &str,
        spec: &TestSpec,
        raw: Option<f64>,
    ) -> Option<T> {
        let raw = raw?;
        self.number(&format!("{section}.{}", spec.id), spec, raw)
    }

    /// A two-sided test: skipped when absent, otherwise both sides required and checked.
    fn sides<R: Copy, T>(
        &mut self,
        section: &str,
        spec: &TestSpec,
        raw: Option<&PerSide<Option<R>>>,
        mut convert: impl FnMut(&mut Self, &str, R) -> Option<T>,
    ) -> Option<PerSide<T>> {
        let raw = raw?;
        let checked = raw.map(|side, value| {
            let field = format!("{section}.{}.{side}", spec.id);
            match value {
                Some(v) => convert(self, &field, *v),
                None => {
                    self.fail(
                        field,
                        format!(
                            "{}: give both the left and the right side, or leave the test out.",
                            spec.name
                        ),
                    );
                    None
                }
            }
        });
        checked.transpose()
    }

    fn numbers<T: TryFrom<f64, Error = &'static str>>(
        &mut self,
        section: &str,
        spec: &TestSpec,
        raw: &RawSides,
    ) -> Option<PerSide<T>> {
        self.sides(section, spec, raw.as_ref(), |c, field, v| {
            c.number(field, spec, v)
        })
    }

    fn choices<T: Copy>(
        &mut self,
        section: &str,
        spec: &TestSpec,
        raw: Option<&PerSide<Option<T>>>,
    ) -> Option<PerSide<T>> {
        self.sides(section, spec, raw, |_, _, v| Some(v))
    }

    /// Yes/no questions that must all be answered; returns those answered yes.
    fn required_answers(
        &mut self,
        section: &str,
        answers: &[(&'static TestSpec, Option<bool>)],
    ) -> Vec<&'static TestSpec> {
        let mut yes = Vec::new();
        for &(spec, answer) in answers {
            match answer {
                Some(true) => yes.push(spec),
                Some(false) => {}
                None => self.fail(
                    format!("{section}.{}", spec.id),
                    format!("Answer yes or no: {}", spec.instructions),
                ),
            }
        }
        yes
    }
}

/// Checks every field of `raw`, returning the valid assessment or every problem found.
pub fn validate(raw: &Assessment) -> Result<ValidatedAssessment, ValidationErrors> {
    let mut c = Check::default();
    if let Some(version) = &raw.protocol_version
        && version != PROTOCOL_VERSION
    {
        c.fail(
            "protocol_version",
            format!(
                "This assessment was recorded with protocol {version}; this version of Backstride \
                 scores protocol {PROTOCOL_VERSION}."
            ),
        );
    }
    let red_flags = raw.red_flags.as_ref().and_then(|r| {
        const S: &str = "red_flags";
        let age = match r.age_years {
            Some(a) => c.number(&format!("{S}.age_years"), &p::AGE, a),
            None => {
                c.fail(
                    format!("{S}.age_years"),
                    "Give your age: some warning signs depend on it.",
                );
                None
            }
        };
        let answered_yes = c.required_answers(S, &r.answers());
        Some(RedFlagScreen {
            age: age?,
            answered_yes,
            cleared_by_clinician: r.cleared_by_clinician,
        })
    });
    let postpartum = raw.postpartum.as_ref().map(|pp| {
        const S: &str = "postpartum";
        PostpartumScreen {
            weeks_since_birth: c.optional(S, &p::WEEKS_SINCE_BIRTH, pp.weeks_since_birth),
            symptoms: c.required_answers(S, &pp.symptoms()),
            load_impact: pp
                .load_impact()
                .into_iter()
                .filter_map(|(spec, done)| Some((spec, done?)))
                .collect(),
            strength: pp
                .strength()
                .into_iter()
                .filter_map(|(spec, raw)| Some((spec, c.numbers(S, spec, raw)?)))
                .collect(),
        }
    });
    let baseline = raw.baseline.as_ref().map(|b| {
        const S: &str = "baseline";
        Baseline {
            pain_now: c.optional(S, &p::PAIN_NOW, b.pain_now),
            pain_worst_last_run: c.optional(S, &p::PAIN_WORST_LAST_RUN, b.pain_worst_last_run),
            pain_after_last_run: c.optional(S, &p::PAIN_AFTER_LAST_RUN, b.pain_after_last_run),
            pain_next_morning: c.optional(S, &p::PAIN_NEXT_MORNING, b.pain_next_morning),
            psfs: b.psfs.as_ref().map(|list| psfs(&mut c, list)),
            global_rating_of_change: c.optional(
                S,
                &p::GLOBAL_RATING_OF_CHANGE,
                b.global_rating_of_change,
            ),
        }
    });
    let posture_form = raw.posture_form.as_ref().map(|f| {
        const S: &str = "posture_form";
        PostureForm {
            observations: f
                .observations()
                .into_iter()
                .filter_map(|(spec, seen)| Some((spec, seen?)))
                .collect(),
            cadence: f.cadence.as_ref().and_then(|raw| cadence(&mut c, raw)),
            trunk_lean: c.optional(S, &p::TRUNK_LEAN, f.trunk_lean_degrees),
        }
    });
    let hip_mobility = raw.hip_mobility.as_ref().map(|h| {
        const S: &str = "hip_mobility";
        HipMobility {
            thomas_thigh_angle: c.numbers(S, &p::THOMAS_THIGH, &h.thomas_thigh_angle),
            thomas_knee_angle: c.numbers(S, &p::THOMAS_KNEE, &h.thomas_knee_angle),
            prone_hip_extension: c.numbers(S, &p::PRONE_HIP_EXTENSION, &h.prone_hip_extension),
            hip_cars: c.choices(S, &p::HIP_CARS, h.hip_cars.as_ref()),
            couch_stretch: c.choices(S, &p::COUCH_STRETCH, h.couch_stretch.as_ref()),
        }
    });
    let age = red_flags.as_ref().map(|r| r.age);
    let hip_stability = raw.hip_stability.as_ref().map(|h| {
        const S: &str = "hip_stability";
        HipStability {
            single_leg_bridge_reps: c.numbers(S, &p::BRIDGE_REPS, &h.single_leg_bridge_reps),
            single_leg_bridge_hold: c.numbers(S, &p::BRIDGE_HOLD, &h.single_leg_bridge_hold),
            band_hip_abduction_reps: c.numbers(S, &p::BAND_ABDUCTION, &h.band_hip_abduction_reps),
            single_leg_squat: c.numbers(S, &p::SINGLE_LEG_SQUAT, &h.single_leg_squat),
            single_leg_squat_pelvic_drop: c.choices(
                S,
                &p::SQUAT_PELVIC_DROP,
                h.single_leg_squat_pelvic_drop.as_ref(),
            ),
            hip_abduction: h.hip_abduction_dynamometer.as_ref().and_then(|d| {
                let field = format!("{S}.{}", p::HIP_ABDUCTION_DYNAMOMETER.id);
                let torque = c.sides(
                    S,
                    &p::HIP_ABDUCTION_DYNAMOMETER,
                    Some(&PerSide {
                        left: d.left,
                        right: d.right,
                    }),
                    |c, field, v| c.number(field, &p::HIP_ABDUCTION_DYNAMOMETER, v),
                );
                if d.sex.is_none() {
                    c.fail(
                        format!("{field}.sex"),
                        "Choose female or male: the strength norm differs between them.",
                    );
                }
                if age.is_none() {
                    c.fail(
                        field,
                        "The strength norm depends on age: complete the red-flag screen (age) too.",
                    );
                }
                Some(HipAbductionStrength {
                    torque: torque?,
                    age: age?,
                    sex: d.sex?,
                })
            }),
        }
    });
    let core = raw.core.as_ref().map(|k| {
        const S: &str = "core";
        CoreEndurance {
            mcgill_flexor: c.optional(S, &p::MCGILL_FLEXOR, k.mcgill_flexor),
            mcgill_extensor: c.optional(S, &p::MCGILL_EXTENSOR, k.mcgill_extensor),
            mcgill_side_bridge: c.numbers(S, &p::MCGILL_SIDE_BRIDGE, &k.mcgill_side_bridge),
            double_leg_lowering: c.optional(S, &p::DOUBLE_LEG_LOWERING, k.double_leg_lowering),
            straight_leg_lowers: c.optional(S, &p::STRAIGHT_LEG_LOWERS, k.straight_leg_lowers),
            pallof_hold: c.numbers(S, &p::PALLOF_HOLD, &k.pallof_hold),
        }
    });
    if !c.errors.is_empty() {
        return Err(ValidationErrors(c.errors));
    }
    Ok(ValidatedAssessment {
        red_flags,
        postpartum,
        baseline,
        posture_form,
        hip_mobility,
        hip_stability,
        core,
    })
}

/// Longest activity name accepted on the functional scale.
const MAX_ACTIVITY_CHARS: usize = 100;

fn psfs(
    c: &mut Check,
    list: &[super::measurements::ActivityAnswer],
) -> Vec<(String, ActivityRating)> {
    let field = "baseline.psfs";
    if !(3..=5).contains(&list.len()) {
        c.fail(
            field,
            "Name 3 to 5 activities the back pain makes hard, and rate each.",
        );
    }
    let mut rated = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let name = item.activity.trim();
        if name.is_empty() || name.chars().count() > MAX_ACTIVITY_CHARS {
            c.fail(
                format!("{field}[{i}].activity"),
                format!(
                    "Name the activity in up to {MAX_ACTIVITY_CHARS} characters, e.g. “run 5 km”."
                ),
            );
        }
        let score = match item.score {
            Some(s) => c.number(&format!("{field}[{i}].score"), &p::PSFS, s),
            None => {
                c.fail(format!("{field}[{i}].score"), ActivityRating::MESSAGE);
                None
            }
        };
        if let Some(score) = score {
            rated.push((name.to_owned(), score));
        }
    }
    rated
}

fn cadence(c: &mut Check, raw: &super::measurements::CadenceAnswer) -> Option<Cadence> {
    let field = "posture_form.cadence";
    let spec = &p::CADENCE;
    match (raw.steps_per_minute, raw.steps_in_30_s) {
        (Some(spm), None) => Some(Cadence {
            steps_per_minute: c.number(&format!("{field}.steps_per_minute"), spec, spm)?,
            counted: false,
        }),
        (None, Some(steps)) => {
            let field = format!("{field}.steps_in_30_s");
            let range = spec.range?;
            if steps.fract() != 0.0 || !(range.min / 2.0..=range.max / 2.0).contains(&steps) {
                c.fail(
                    field,
                    format!(
                        "Count every foot landing in 30 seconds: a whole number from {} to {}.",
                        format_number(range.min / 2.0, 0),
                        format_number(range.max / 2.0, 0)
                    ),
                );
                return None;
            }
            Some(Cadence {
                steps_per_minute: c.number(&field, spec, steps * 2.0)?,
                counted: true,
            })
        }
        (Some(_), Some(_)) => {
            c.fail(
                field,
                "Give the cadence one way: from the watch or counted over 30 seconds, not both.",
            );
            None
        }
        (None, None) => {
            c.fail(
                field,
                "Give the cadence from the watch or count steps for 30 seconds, or leave it out.",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::measurements::*;

    fn errors(raw: &Assessment) -> Vec<(String, String)> {
        match validate(raw) {
            Ok(_) => vec![],
            Err(ValidationErrors(list)) => list.into_iter().map(|e| (e.field, e.message)).collect(),
        }
    }

    fn from_json(json: &str) -> Assessment {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn an_empty_assessment_is_valid_and_tests_nothing() {
        assert_eq!(
            validate(&Assessment::default()),
            Ok(ValidatedAssessment::default())
        );
    }

    #[test]
    fn pain_above_ten_gets_the_pain_message() {
        let e = errors(&from_json(r#"{"baseline": {"pain_now": 11}}"#));
        assert_eq!(
            e,
            vec![(
                "baseline.pain_now".into(),
                "Pain is scored from 0 (none) to 10 (worst imaginable).".into()
            )]
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let e = errors(&from_json(
            r#"{"hip_stability": {"single_leg_bridge_hold": {"left": -3, "right": 700},
                                  "single_leg_bridge_reps": {"left": 12}},
                "hip_mobility": {"thomas_thigh_angle": {"left": 80, "right": 0}},
                "core": {"straight_leg_lowers": 2.5}}"#,
        ));
        let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "hip_mobility.thomas_thigh_angle.left",
                "hip_stability.single_leg_bridge_reps.right",
                "hip_stability.single_leg_bridge_hold.left",
                "hip_stability.single_leg_bridge_hold.right",
                "core.straight_leg_lowers",
            ]
        );
        assert_eq!(
            e[0].1,
            "Modified Thomas test thigh angle: enter a value from -45° to 60°."
        );
        assert_eq!(e[2].1, "Seconds can't be negative.");
        assert_eq!(
            e[3].1,
            "Single-leg bridge hold: enter a value from 0 s to 600 s."
        );
        assert_eq!(e[4].1, "Count whole repetitions: 0 or more.");
    }

    #[test]
    fn red_flag_screen_must_be_answered_in_full() {
        let e = errors(&from_json(r#"{"red_flags": {"saddle_numbness": false}}"#));
        assert_eq!(e.len(), 14, "{e:?}");
        assert_eq!(e[0].0, "red_flags.age_years");
        assert!(e[1].1.starts_with("Answer yes or no: "));
    }

    #[test]
    fn dynamometer_needs_age_and_sex() {
        let e = errors(&from_json(
            r#"{"hip_stability": {"hip_abduction_dynamometer": {"left": 1.2, "right": 1.3}}}"#,
        ));
        let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "hip_stability.hip_abduction_dynamometer.sex",
                "hip_stability.hip_abduction_dynamometer"
            ]
        );
    }

    #[test]
    fn cadence_is_typed_or_counted_but_not_both() {
        let ok = validate(&from_json(
            r#"{"posture_form": {"cadence": {"steps_in_30_s": 79}}}"#,
        ));
        let cadence = ok.unwrap().posture_form.unwrap().cadence.unwrap();
        assert_eq!(cadence.steps_per_minute.get(), 158.0);
        assert!(cadence.counted);
        let both = errors(&from_json(
            r#"{"posture_form": {"cadence": {"steps_in_30_s": 79, "steps_per_minute": 158}}}"#,
        ));
        assert_eq!(both[0].0, "posture_form.cadence");
        let odd = errors(&from_json(
            r#"{"posture_form": {"cadence": {"steps_in_30_s": 79.5}}}"#,
        ));
        assert_eq!(odd[0].0, "posture_form.cadence.steps_in_30_s");
    }

    #[test]
    fn psfs_needs_three_to_five_named_activities() {
        let e = errors(&from_json(
            r#"{"baseline": {"psfs": [{"activity": " ", "score": 4}, {"activity": "run", "score": 12}]}}"#,
        ));
        let fields: Vec<&str> = e.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "baseline.psfs",
                "baseline.psfs[0].activity",
                "baseline.psfs[1].score"
            ]
        );
    }

    #[test]
    fn another_protocol_version_is_refused() {
        let e = errors(&from_json(r#"{"protocol_version": "2019.1"}"#));
        assert_eq!(e[0].0, "protocol_version");
    }

    #[test]
    fn unknown_fields_are_refused_by_the_json_shape() {
        assert!(serde_json::from_str::<Assessment>(r#"{"core": {"plank": 60}}"#).is_err());
    }
}
