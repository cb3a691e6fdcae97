//! The assessment as typed in: raw answers and numbers, every test optional, checked by `validate`.

use super::protocol::{self as p, TestSpec};
use super::values::{CouchStretchPosition, HipCarsQuality, Observation, PerSide, Sex};
use crate::programme::DayOfWeek;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A two-sided number as typed: leave the whole test out to skip it.
pub type RawSides = Option<PerSide<Option<f64>>>;

/// One assessment as entered by a runner or clinician, before validation.
///
/// # JSON shape
///
/// Every section and every test inside a section may be left out (or `null`): a test left out is
/// *not tested* and never produces a finding. Unknown field names are refused, so a typo is caught
/// rather than silently skipped. Field names are the test ids of the protocol table
/// ([`super::protocol::PROTOCOL`]). `crates/core/examples/assessment.json` fills in every field.
///
/// ```text
/// {
///   "protocol_version": "2026.1",            // optional; refused if it is not this build's
///   "red_flags": {                           // screen first: without it no programme
///     "age_years": 34,                       // whole years, 10–100
///     "saddle_numbness": false,              // emergency items ...
///     "bladder_change": false, "bowel_control_loss": false, "leg_weakness": false,
///     "significant_trauma": false,           // see-a-doctor items ...
///     "cancer_history": false, "unexplained_weight_loss": false, "fever_or_infection": false,
///     "immunosuppression_or_iv_drugs": false, "constant_night_pain": false,
///     "pain_is_new": false,                  // counts when age < 20 or > 50
///     "no_improvement_after_month": false, "morning_stiffness_over_30_min": false,
///     "pain_on_back_extension": false,       // counts when age < 20
///     "cleared_by_clinician": false          // a clinician has seen the see-a-doctor answers
///   },                                       // (every yes/no answer is required in this section)
///   "postpartum": {                          // only for runners who have given birth
///     "weeks_since_birth": 16,
///     "symptom_leaking_or_urgency": false, "symptom_heaviness_or_dragging": false,
///     "symptom_pain_with_intercourse": false, "symptom_abdominal_gap": false,
///     "symptom_pelvic_or_back_pain": false, "symptom_late_bleeding": false,  // all required
///     "readiness_walk": true, "readiness_single_leg_balance": true,          // true = done
///     "readiness_single_leg_squat": true, "readiness_jog_on_spot": true,     // without symptoms
///     "readiness_forward_bounds": true, "readiness_hop_on_spot": true,
///     "readiness_running_man": true,
///     "readiness_calf_raise": {"left": 20, "right": 20},                     // reps per side
///     "readiness_single_leg_bridge": {...}, "readiness_sit_to_stand": {...},
///     "readiness_side_lying_abduction": {...}
///   },
///   "baseline": {
///     "pain_now": 3, "pain_worst_last_run": 5,  // whole numbers 0–10
///     "pain_after_last_run": 4, "pain_next_morning": 2,
///     "psfs": [{"activity": "run 5 km", "score": 4}, ...],   // 3–5 activities, 0–10 each
///     "global_rating_of_change": 2,            // re-tests only, −7..+7
///     "run_days": ["tuesday", "saturday"]      // usual run days, each once; [] = not running
///   },
///   "posture_form": {
///     "forward_head": "yes",                   // "yes" | "no" | "not_sure"
///     "rounded_shoulders": "no", "leaning_back": "not_sure", "overstriding": "yes",
///     "cadence": {"steps_per_minute": 158},    // or {"steps_in_30_s": 79}, not both
///     "trunk_lean_degrees": 2.5                // forward positive, −30..45
///   },
///   "hip_mobility": {                          // two-sided tests: {"left": x, "right": y}
///     "thomas_thigh_angle": {...},             // degrees above horizontal, −45..60
///     "thomas_knee_angle": {...},              // degrees of knee bend, 0..150
///     "prone_hip_extension": {...},            // degrees, −10..45
///     "hip_cars": {"left": "smooth", "right": "pinch_or_pain"},  // or "compensation"
///     "couch_stretch": {"left": "upright", "right": "only_leaning_forward"}  // or "unable"
///   },
///   "hip_stability": {
///     "single_leg_bridge_reps": {...},         // reps to fatigue
///     "single_leg_bridge_hold": {...},         // seconds
///     "band_hip_abduction_reps": {...},        // reps
///     "single_leg_squat": {...},               // grade 1, 2 or 3
///     "single_leg_squat_pelvic_drop": {"left": false, "right": true},
///     "hip_abduction_dynamometer": {"left": 1.2, "right": 1.5, "sex": "female"}  // Nm/kg;
///   },                                         // needs red_flags.age_years for the norm
///   "core": {
///     "mcgill_flexor": 120, "mcgill_extensor": 100,   // seconds
///     "mcgill_side_bridge": {...},             // seconds per side
///     "double_leg_lowering": 60,               // degrees from the table, 0–90, lower is better
///     "straight_leg_lowers": 12,               // controlled reps
///     "pallof_hold": {...}                     // seconds per side
///   }
/// }
/// ```
///
/// Numbers are plain JSON numbers; counts and scores must be whole. A two-sided test needs both
/// sides. Ranges come from the protocol table and out-of-range values are refused with a message
/// naming the field (`hip_stability.single_leg_bridge_hold.left`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Assessment {
    pub protocol_version: Option<String>,
    pub red_flags: Option<RedFlagAnswers>,
    pub postpartum: Option<PostpartumAnswers>,
    pub baseline: Option<BaselineAnswers>,
    pub posture_form: Option<PostureFormTests>,
    pub hip_mobility: Option<HipMobilityTests>,
    pub hip_stability: Option<HipStabilityTests>,
    pub core: Option<CoreTests>,
}

impl Assessment {
    /// Reads an assessment file. Only a JSON object is an assessment: serde would also read a
    /// record from an array by position (`["2026.1", {…}]`), so an array is refused wherever an
    /// object belongs — everywhere but the list of functional-scale activities and the list of
    /// run days (day names).
    pub fn from_json(text: &str) -> Result<Assessment, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        objects_only(&value, "")?;
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// The one place an assessment holds a list of objects.
const LIST_FIELD: &str = "baseline.psfs";
/// The one place it holds a list of names.
const DAYS_FIELD: &str = "baseline.run_days";

fn objects_only(value: &serde_json::Value, path: &str) -> Result<(), String> {
    use serde_json::Value;
    match value {
        Value::Array(items) if path == LIST_FIELD => {
            items.iter().enumerate().try_for_each(|(i, item)| {
                objects_only(item, &format!("{path}[{i}]"))?;
                if item.is_object() {
                    Ok(())
                } else {
                    Err(format!(
                        "{path}[{i}] must be an object ({{\"activity\": …, \"score\": …}})"
                    ))
                }
            })
        }
        Value::Array(items) if path == DAYS_FIELD => {
            if items.iter().all(Value::is_string) {
                Ok(())
            } else {
                Err(format!("{path} must list day names ([\"tuesday\", …])"))
            }
        }
        Value::Object(map) => map.iter().try_for_each(|(key, item)| {
            let inner = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            objects_only(item, &inner)
        }),
        _ if path.is_empty() => Err(
            "an assessment is a JSON object ({\"red_flags\": {…}, …}); this file holds something \
             else"
                .to_owned(),
        ),
        Value::Array(_) => Err(format!("{path} must be an object ({{…}}), not an array")),
        _ => Ok(()),
    }
}

/// The red-flag screen's answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedFlagAnswers {
    pub age_years: Option<f64>,
    pub saddle_numbness: Option<bool>,
    pub bladder_change: Option<bool>,
    pub bowel_control_loss: Option<bool>,
    pub leg_weakness: Option<bool>,
    pub significant_trauma: Option<bool>,
    pub cancer_history: Option<bool>,
    pub unexplained_weight_loss: Option<bool>,
    pub fever_or_infection: Option<bool>,
    pub immunosuppression_or_iv_drugs: Option<bool>,
    pub constant_night_pain: Option<bool>,
    pub pain_is_new: Option<bool>,
    pub no_improvement_after_month: Option<bool>,
    pub morning_stiffness_over_30_min: Option<bool>,
    pub pain_on_back_extension: Option<bool>,
    /// A clinician has reviewed the see-a-doctor answers and cleared the runner to exercise.
    pub cleared_by_clinician: bool,
}

impl RedFlagAnswers {
    /// Each yes/no question with its answer, in protocol order.
    pub fn answers(&self) -> [(&'static TestSpec, Option<bool>); 14] {
        [
            (&p::SADDLE_NUMBNESS, self.saddle_numbness),
            (&p::BLADDER_CHANGE, self.bladder_change),
            (&p::BOWEL_CONTROL_LOSS, self.bowel_control_loss),
            (&p::LEG_WEAKNESS, self.leg_weakness),
            (&p::SIGNIFICANT_TRAUMA, self.significant_trauma),
            (&p::CANCER_HISTORY, self.cancer_history),
            (&p::WEIGHT_LOSS, self.unexplained_weight_loss),
            (&p::FEVER_OR_INFECTION, self.fever_or_infection),
            (&p::IMMUNOSUPPRESSION, self.immunosuppression_or_iv_drugs),
            (&p::NIGHT_PAIN, self.constant_night_pain),
            (&p::PAIN_IS_NEW, self.pain_is_new),
            (&p::NO_IMPROVEMENT, self.no_improvement_after_month),
            (&p::MORNING_STIFFNESS, self.morning_stiffness_over_30_min),
            (&p::BACK_EXTENSION_PAIN, self.pain_on_back_extension),
        ]
    }
}

/// The postpartum screen and return-to-running readiness tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostpartumAnswers {
    pub weeks_since_birth: Option<f64>,
    pub symptom_leaking_or_urgency: Option<bool>,
    pub symptom_heaviness_or_dragging: Option<bool>,
    pub symptom_pain_with_intercourse: Option<bool>,
    pub symptom_abdominal_gap: Option<bool>,
    pub symptom_pelvic_or_back_pain: Option<bool>,
    pub symptom_late_bleeding: Option<bool>,
    pub readiness_walk: Option<bool>,
    pub readiness_single_leg_balance: Option<bool>,
    pub readiness_single_leg_squat: Option<bool>,
    pub readiness_jog_on_spot: Option<bool>,
    pub readiness_forward_bounds: Option<bool>,
    pub readiness_hop_on_spot: Option<bool>,
    pub readiness_running_man: Option<bool>,
    pub readiness_calf_raise: RawSides,
    pub readiness_single_leg_bridge: RawSides,
    pub readiness_sit_to_stand: RawSides,
    pub readiness_side_lying_abduction: RawSides,
}

impl PostpartumAnswers {
    /// The pelvic-health symptom questions with their answers.
    pub fn symptoms(&self) -> [(&'static TestSpec, Option<bool>); 6] {
        [
            (&p::SYMPTOM_LEAKING, self.symptom_leaking_or_urgency),
            (&p::SYMPTOM_HEAVINESS, self.symptom_heaviness_or_dragging),
            (
                &p::SYMPTOM_INTERCOURSE_PAIN,
                self.symptom_pain_with_intercourse,
            ),
            (&p::SYMPTOM_ABDOMINAL_GAP, self.symptom_abdominal_gap),
            (&p::SYMPTOM_PELVIC_PAIN, self.symptom_pelvic_or_back_pain),
            (&p::SYMPTOM_LATE_BLEEDING, self.symptom_late_bleeding),
        ]
    }

    /// The load-and-impact tasks with whether each was done without symptoms.
    pub fn load_impact(&self) -> [(&'static TestSpec, Option<bool>); 7] {
        [
            (&p::READINESS_WALK, self.readiness_walk),
            (&p::READINESS_BALANCE, self.readiness_single_leg_balance),
            (&p::READINESS_SQUAT, self.readiness_single_leg_squat),
            (&p::READINESS_JOG, self.readiness_jog_on_spot),
            (&p::READINESS_BOUNDS, self.readiness_forward_bounds),
            (&p::READINESS_HOPS, self.readiness_hop_on_spot),
            (&p::READINESS_RUNNING_MAN, self.readiness_running_man),
        ]
    }

    /// The strength-readiness tests with their reps per side.
    pub fn strength(&self) -> [(&'static TestSpec, &RawSides); 4] {
        [
            (&p::READINESS_CALF_RAISE, &self.readiness_calf_raise),
            (&p::READINESS_BRIDGE, &self.readiness_single_leg_bridge),
            (&p::READINESS_SIT_TO_STAND, &self.readiness_sit_to_stand),
            (
                &p::READINESS_SIDE_LYING_ABDUCTION,
                &self.readiness_side_lying_abduction,
            ),
        ]
    }
}

/// Pain and function today.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BaselineAnswers {
    pub pain_now: Option<f64>,
    pub pain_worst_last_run: Option<f64>,
    pub pain_after_last_run: Option<f64>,
    pub pain_next_morning: Option<f64>,
    pub psfs: Option<Vec<ActivityAnswer>>,
    pub global_rating_of_change: Option<f64>,
    /// The days the runner usually runs (a set: each day once), which the programme's run days
    /// are ticked from; empty for "not running at the moment", left out when not answered.
    /// Not scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_days: Option<BTreeSet<DayOfWeek>>,
}

/// One activity the runner finds hard, and how well they can do it now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActivityAnswer {
    pub activity: String,
    pub score: Option<f64>,
}

/// Posture and running-form observations and measures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostureFormTests {
    pub forward_head: Option<Observation>,
    pub rounded_shoulders: Option<Observation>,
    pub leaning_back: Option<Observation>,
    pub overstriding: Option<Observation>,
    pub cadence: Option<CadenceAnswer>,
    pub trunk_lean_degrees: Option<f64>,
}

impl PostureFormTests {
    /// The four observations with their answers.
    pub fn observations(&self) -> [(&'static TestSpec, Option<Observation>); 4] {
        [
            (&p::FORWARD_HEAD, self.forward_head),
            (&p::ROUNDED_SHOULDERS, self.rounded_shoulders),
            (&p::LEANING_BACK, self.leaning_back),
            (&p::OVERSTRIDING, self.overstriding),
        ]
    }
}

/// Cadence, typed from a watch or counted: give exactly one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CadenceAnswer {
    pub steps_per_minute: Option<f64>,
    /// Every foot landing counted over 30 seconds.
    pub steps_in_30_s: Option<f64>,
}

/// Hip mobility tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HipMobilityTests {
    pub thomas_thigh_angle: RawSides,
    pub thomas_knee_angle: RawSides,
    pub prone_hip_extension: RawSides,
    pub hip_cars: Option<PerSide<Option<HipCarsQuality>>>,
    pub couch_stretch: Option<PerSide<Option<CouchStretchPosition>>>,
}

/// Hip stability tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HipStabilityTests {
    pub single_leg_bridge_reps: RawSides,
    pub single_leg_bridge_hold: RawSides,
    pub band_hip_abduction_reps: RawSides,
    pub single_leg_squat: RawSides,
    pub single_leg_squat_pelvic_drop: Option<PerSide<Option<bool>>>,
    pub hip_abduction_dynamometer: Option<DynamometerAnswer>,
}

/// Hand-held dynamometer hip abduction, best trial per side, with the sex the norm needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DynamometerAnswer {
    pub left: Option<f64>,
    pub right: Option<f64>,
    pub sex: Option<Sex>,
}

/// Core tests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CoreTests {
    pub mcgill_flexor: Option<f64>,
    pub mcgill_extensor: Option<f64>,
    pub mcgill_side_bridge: RawSides,
    pub double_leg_lowering: Option<f64>,
    pub straight_leg_lowers: Option<f64>,
    pub pallof_hold: RawSides,
}
