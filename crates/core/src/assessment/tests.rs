//! Scoring tests across the whole assessment: every rule at its thresholds, properties, snapshot.

use super::*;
use proptest::prelude::*;
use serde_json::{Value as Json, json};

const EXAMPLE: &str = include_str!("../../examples/assessment.json");

fn example() -> Assessment {
    serde_json::from_str(EXAMPLE).expect("the example parses")
}

fn score_json(input: Json) -> AssessmentResult {
    let raw: Assessment = serde_json::from_value(input).expect("test input has the right shape");
    assess(&raw, &Thresholds::default()).expect("test input is valid")
}

/// The findings about `test_id` (and `side`, when given).
fn findings_for<'r>(
    r: &'r AssessmentResult,
    test_id: &str,
    side: Option<Side>,
) -> Vec<&'r Finding> {
    r.findings()
        .filter(|f| f.test_id == test_id && (side.is_none() || f.side == side))
        .collect()
}

/// One rule case: the input section, the test and side looked at, and the expected rule and
/// severity of the finding it produces (`None`: no finding).
struct Case {
    input: Json,
    test: &'static str,
    side: Option<Side>,
    expected: Option<(&'static str, Severity)>,
}

fn case(input: Json, test: &'static str, expected: Option<(&'static str, Severity)>) -> Case {
    Case {
        input,
        test,
        side: None,
        expected,
    }
}

fn left(input: Json, test: &'static str, expected: Option<(&'static str, Severity)>) -> Case {
    Case {
        side: Some(Side::Left),
        ..case(input, test, expected)
    }
}

fn check(cases: Vec<Case>) {
    for c in cases {
        let result = score_json(c.input.clone());
        let found = findings_for(&result, c.test, c.side);
        // Per-side rules come first; the side-to-side comparison (no side) is checked elsewhere.
        let got = found
            .iter()
            .find(|f| f.asymmetry.is_none() || c.side.is_none())
            .map(|f| (f.rule.id.as_str(), f.severity));
        assert_eq!(got, c.expected, "{} with {}", c.test, c.input);
    }
}

fn sides(left: f64, right: f64) -> Json {
    json!({ "left": left, "right": right })
}

use Severity::{Fine, NeedsAttention as Attention, Priority};

#[test]
fn posture_and_form_rules_at_their_thresholds() {
    let form = |v: Json| json!({ "posture_form": v });
    check(vec![
        case(
            form(json!({"cadence": {"steps_per_minute": 159}})),
            "cadence",
            Some(("low_cadence", Attention)),
        ),
        case(
            form(json!({"cadence": {"steps_per_minute": 160}})),
            "cadence",
            Some(("cadence_ok", Fine)),
        ),
        case(
            form(json!({"cadence": {"steps_in_30_s": 80}})),
            "cadence",
            Some(("cadence_ok", Fine)),
        ),
        case(
            form(json!({"trunk_lean_degrees": -0.1})),
            "trunk_lean_degrees",
            Some(("trunk_leaning_back", Attention)),
        ),
        case(
            form(json!({"trunk_lean_degrees": 0})),
            "trunk_lean_degrees",
            Some(("trunk_upright", Attention)),
        ),
        case(
            form(json!({"trunk_lean_degrees": 2.9})),
            "trunk_lean_degrees",
            Some(("trunk_upright", Attention)),
        ),
        case(
            form(json!({"trunk_lean_degrees": 3})),
            "trunk_lean_degrees",
            Some(("trunk_forward_lean", Fine)),
        ),
        case(
            form(json!({"forward_head": "yes"})),
            "forward_head",
            Some(("forward_head_seen", Attention)),
        ),
        case(
            form(json!({"overstriding": "not_sure"})),
            "overstriding",
            Some(("overstriding_not_sure", Fine)),
        ),
        case(form(json!({"leaning_back": "no"})), "leaning_back", None),
    ]);
}

#[test]
fn pain_rules_at_their_thresholds() {
    let pain = |v: Json| json!({ "baseline": v });
    check(vec![
        case(
            pain(json!({"pain_now": 6})),
            "pain_now",
            Some(("pain_recorded", Fine)),
        ),
        case(
            pain(json!({"pain_now": 7})),
            "pain_now",
            Some(("pain_high", Priority)),
        ),
        case(
            pain(json!({"pain_worst_last_run": 2})),
            "pain_worst_last_run",
            Some(("run_pain_safe", Fine)),
        ),
        case(
            pain(json!({"pain_worst_last_run": 3})),
            "pain_worst_last_run",
            Some(("run_pain_acceptable", Fine)),
        ),
        case(
            pain(json!({"pain_worst_last_run": 5})),
            "pain_worst_last_run",
            Some(("run_pain_acceptable", Fine)),
        ),
        case(
            pain(json!({"pain_worst_last_run": 6})),
            "pain_worst_last_run",
            Some(("run_pain_too_much", Attention)),
        ),
        case(
            pain(json!({"pain_worst_last_run": 7})),
            "pain_worst_last_run",
            Some(("pain_high", Priority)),
        ),
        case(
            pain(json!({"pain_after_last_run": 4, "pain_next_morning": 4})),
            "pain_next_morning",
            Some(("morning_pain_settles", Attention)),
        ),
        case(
            pain(json!({"pain_after_last_run": 4, "pain_next_morning": 3})),
            "pain_next_morning",
            Some(("morning_pain_settles", Fine)),
        ),
        case(
            pain(json!({"pain_after_last_run": 3, "pain_next_morning": 3})),
            "pain_next_morning",
            Some(("morning_pain_settles", Attention)),
        ),
        case(
            pain(json!({"pain_after_last_run": 2, "pain_next_morning": 2})),
            "pain_next_morning",
            Some(("morning_pain_settles", Fine)),
        ),
        case(
            pain(json!({"pain_next_morning": 4})),
            "pain_next_morning",
            Some(("morning_pain_settles", Fine)),
        ),
        case(
            pain(json!({"global_rating_of_change": -7})),
            "global_rating_of_change",
            Some(("global_change_recorded", Fine)),
        ),
    ]);
}

#[test]
fn hip_mobility_rules_at_their_thresholds() {
    let hips = |test: &str, v: Json| json!({ "hip_mobility": { test: v } });
    check(vec![
        left(
            hips("thomas_thigh_angle", sides(0.0, 0.0)),
            "thomas_thigh_angle",
            Some(("thomas_thigh_above", Fine)),
        ),
        left(
            hips("thomas_thigh_angle", sides(0.1, 0.0)),
            "thomas_thigh_angle",
            Some(("thomas_thigh_above", Attention)),
        ),
        left(
            hips("thomas_knee_angle", sides(67.0, 80.0)),
            "thomas_knee_angle",
            Some(("thomas_knee_below", Fine)),
        ),
        left(
            hips("thomas_knee_angle", sides(66.9, 80.0)),
            "thomas_knee_angle",
            Some(("thomas_knee_below", Attention)),
        ),
        left(
            hips("prone_hip_extension", sides(10.0, 10.0)),
            "prone_hip_extension",
            Some(("prone_hip_extension_target_met", Fine)),
        ),
        left(
            hips("prone_hip_extension", sides(9.9, 10.0)),
            "prone_hip_extension",
            Some(("prone_hip_extension_below_target", Attention)),
        ),
        left(
            hips(
                "hip_cars",
                json!({"left": "compensation", "right": "smooth"}),
            ),
            "hip_cars",
            Some(("hip_cars_not_clear", Attention)),
        ),
        left(
            hips("hip_cars", json!({"left": "smooth", "right": "smooth"})),
            "hip_cars",
            None,
        ),
        left(
            hips(
                "couch_stretch",
                json!({"left": "unable", "right": "upright"}),
            ),
            "couch_stretch",
            Some(("couch_stretch_not_clear", Attention)),
        ),
        left(
            hips(
                "couch_stretch",
                json!({"left": "upright", "right": "upright"}),
            ),
            "couch_stretch",
            None,
        ),
    ]);
}

#[test]
fn hip_stability_rules_at_their_thresholds() {
    let hips = |test: &str, v: Json| json!({ "hip_stability": { test: v } });
    let strength = |age: u32, sex: &str, left: f64| {
        json!({
            "red_flags": clear_screen(age),
            "hip_stability": {"hip_abduction_dynamometer": {"left": left, "right": 2.0, "sex": sex}}
        })
    };
    check(vec![
        left(
            hips("single_leg_bridge_reps", sides(19.0, 19.0)),
            "single_leg_bridge_reps",
            Some(("bridge_reps_poor", Attention)),
        ),
        left(
            hips("single_leg_bridge_reps", sides(20.0, 20.0)),
            "single_leg_bridge_reps",
            Some(("bridge_reps_average", Fine)),
        ),
        left(
            hips("single_leg_bridge_reps", sides(30.0, 30.0)),
            "single_leg_bridge_reps",
            Some(("bridge_reps_average", Fine)),
        ),
        left(
            hips("single_leg_bridge_reps", sides(31.0, 31.0)),
            "single_leg_bridge_reps",
            Some(("bridge_reps_good", Fine)),
        ),
        left(
            hips("single_leg_bridge_hold", sides(29.9, 30.0)),
            "single_leg_bridge_hold",
            Some(("single_leg_bridge_hold_below_target", Attention)),
        ),
        left(
            hips("single_leg_bridge_hold", sides(30.0, 30.0)),
            "single_leg_bridge_hold",
            Some(("single_leg_bridge_hold_target_met", Fine)),
        ),
        left(
            hips("single_leg_squat", sides(1.0, 3.0)),
            "single_leg_squat",
            Some(("squat_alignment_lost", Attention)),
        ),
        left(
            hips("single_leg_squat", sides(2.0, 3.0)),
            "single_leg_squat",
            Some(("squat_shallow", Fine)),
        ),
        left(
            hips("single_leg_squat", sides(3.0, 3.0)),
            "single_leg_squat",
            Some(("squat_aligned", Fine)),
        ),
        left(
            hips(
                "single_leg_squat_pelvic_drop",
                json!({"left": true, "right": false}),
            ),
            "single_leg_squat_pelvic_drop",
            Some(("pelvic_drop_seen", Attention)),
        ),
        left(
            hips(
                "single_leg_squat_pelvic_drop",
                json!({"left": false, "right": false}),
            ),
            "single_leg_squat_pelvic_drop",
            None,
        ),
        // Ramskov: 40-year-old woman, norm 1.400, −1 SD = 1.046; man, norm 1.615, −1 SD = 1.261.
        left(
            strength(40, "female", 1.046),
            "hip_abduction_dynamometer",
            Some(("hip_abduction_within_norm", Fine)),
        ),
        left(
            strength(40, "female", 1.045),
            "hip_abduction_dynamometer",
            Some(("hip_abduction_weak", Attention)),
        ),
        left(
            strength(40, "male", 1.261),
            "hip_abduction_dynamometer",
            Some(("hip_abduction_within_norm", Fine)),
        ),
        left(
            strength(40, "male", 1.26),
            "hip_abduction_dynamometer",
            Some(("hip_abduction_weak", Attention)),
        ),
    ]);
}

#[test]
fn core_rules_at_their_thresholds() {
    let core = |v: Json| json!({ "core": v });
    let bridge = |left: f64, right: f64| core(json!({"mcgill_side_bridge": sides(left, right)}));
    check(vec![
        case(
            core(json!({"mcgill_flexor": 100, "mcgill_extensor": 100})),
            "mcgill_flexor",
            Some(("mcgill_flexor_extensor", Fine)),
        ),
        case(
            core(json!({"mcgill_flexor": 101, "mcgill_extensor": 100})),
            "mcgill_flexor",
            Some(("mcgill_flexor_extensor", Attention)),
        ),
        case(
            core(json!({"mcgill_flexor": 10, "mcgill_extensor": 0})),
            "mcgill_flexor",
            Some(("mcgill_flexor_extensor", Attention)),
        ),
        case(core(json!({"mcgill_flexor": 100})), "mcgill_flexor", None),
        case(
            bridge(100.0, 105.0),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_balance", Fine)),
        ),
        case(
            bridge(100.0, 106.0),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_balance", Attention)),
        ),
        case(
            bridge(100.0, 95.0),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_balance", Fine)),
        ),
        case(
            bridge(100.0, 94.0),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_balance", Attention)),
        ),
        case(
            bridge(0.0, 0.0),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_balance", Fine)),
        ),
        case(
            bridge(0.0, 5.0),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_balance", Attention)),
        ),
        left(
            core(json!({"mcgill_extensor": 100, "mcgill_side_bridge": sides(75.0, 75.0)})),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_extensor", Fine)),
        ),
        left(
            core(json!({"mcgill_extensor": 100, "mcgill_side_bridge": sides(76.0, 76.0)})),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_extensor", Attention)),
        ),
        case(
            core(json!({"double_leg_lowering": 44.9})),
            "double_leg_lowering",
            Some(("leg_lowering_good", Fine)),
        ),
        case(
            core(json!({"double_leg_lowering": 45})),
            "double_leg_lowering",
            Some(("leg_lowering_fair", Fine)),
        ),
        case(
            core(json!({"double_leg_lowering": 74.9})),
            "double_leg_lowering",
            Some(("leg_lowering_fair", Fine)),
        ),
        case(
            core(json!({"double_leg_lowering": 75})),
            "double_leg_lowering",
            Some(("leg_lowering_poor", Attention)),
        ),
        case(
            core(json!({"straight_leg_lowers": 0})),
            "straight_leg_lowers",
            Some(("straight_leg_lowers_recorded", Fine)),
        ),
        left(
            core(json!({"pallof_hold": sides(29.9, 30.0)})),
            "pallof_hold",
            Some(("pallof_hold_below_target", Attention)),
        ),
        left(
            core(json!({"pallof_hold": sides(30.0, 30.0)})),
            "pallof_hold",
            Some(("pallof_hold_target_met", Fine)),
        ),
    ]);
}

#[test]
fn mcgill_ratios_just_past_their_cut_offs_are_flagged_and_shown_past_them() {
    let core = |v: Json| json!({ "core": v });
    check(vec![
        case(
            core(json!({"mcgill_flexor": 100.4, "mcgill_extensor": 100})),
            "mcgill_flexor",
            Some(("mcgill_flexor_extensor", Attention)),
        ),
        case(
            core(json!({"mcgill_side_bridge": sides(100.0, 105.4)})),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_balance", Attention)),
        ),
        case(
            core(json!({"mcgill_side_bridge": sides(100.0, 94.6)})),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_balance", Attention)),
        ),
        left(
            core(json!({"mcgill_extensor": 100, "mcgill_side_bridge": sides(75.4, 75.4)})),
            "mcgill_side_bridge",
            Some(("mcgill_side_bridge_extensor", Attention)),
        ),
    ]);
    let result = score_json(core(json!({
        "mcgill_flexor": 100.4, "mcgill_extensor": 100, "mcgill_side_bridge": sides(75.4, 79.5)
    })));
    let flexor = &findings_for(&result, "mcgill_flexor", None)[0];
    assert!(
        flexor.explanation.contains("= 1.004, above 1.00"),
        "{}",
        flexor.explanation
    );
    assert!(matches!(flexor.measured, Measured::Ratio { ratio: Some(r), .. } if r == 1.004));
    let balance = findings_for(&result, "mcgill_side_bridge", None)
        .into_iter()
        .find(|f| f.rule.id == "mcgill_side_bridge_balance")
        .unwrap();
    assert!(
        balance
            .explanation
            .contains("right ÷ left = 1.054, more than 0.05"),
        "{}",
        balance.explanation
    );
}

#[test]
fn lsi_just_under_a_band_is_judged_by_its_exact_value() {
    let stability =
        |left: f64| json!({"hip_stability": {"single_leg_bridge_hold": sides(left, 100.0)}});
    for (left, rule, severity) in [
        (89.67, "lsi_moderate", Attention),
        (79.53, "lsi_marked", Priority),
    ] {
        let result = score_json(stability(left));
        let f = findings_for(&result, "single_leg_bridge_hold", None)
            .into_iter()
            .find(|f| f.asymmetry.is_some())
            .unwrap();
        assert_eq!((f.rule.id.as_str(), f.severity), (rule, severity), "{left}");
    }
}

#[test]
fn a_measured_lean_back_against_leaning_back_no_is_reported_and_the_measure_used() {
    let form = |lean: f64, seen: &str| json!({"posture_form": {"trunk_lean_degrees": lean, "leaning_back": seen}});
    let result = score_json(form(-10.0, "no"));
    assert_eq!(result.disagreements.len(), 1, "{result:?}");
    let d = &result.disagreements[0];
    assert_eq!(
        d.fields,
        [
            "posture_form.leaning_back",
            "posture_form.trunk_lean_degrees"
        ]
    );
    assert_eq!(d.used, "posture_form.trunk_lean_degrees");
    assert!(
        d.message.contains("Upper body leaning back: no") && d.message.contains("-10°"),
        "{}",
        d.message
    );
    assert_eq!(
        findings_for(&result, "trunk_lean_degrees", None)[0].rule.id,
        "trunk_leaning_back"
    );
    // Said "yes" but measured forward: the observation is not scored either.
    let result = score_json(form(8.0, "yes"));
    assert_eq!(result.disagreements.len(), 1);
    assert!(findings_for(&result, "leaning_back", None).is_empty());
    // Agreeing answers and "not sure" are not a disagreement.
    for (lean, seen) in [(-10.0, "yes"), (8.0, "no"), (-10.0, "not_sure")] {
        assert!(
            score_json(form(lean, seen)).disagreements.is_empty(),
            "{lean} {seen}"
        );
    }
}

#[test]
fn only_an_object_is_an_assessment() {
    assert_eq!(Assessment::from_json(EXAMPLE), Ok(example()));
    let emergency = r#"{"red_flags": {"age_years": 40, "saddle_numbness": true}}"#;
    assert!(Assessment::from_json(emergency).is_ok());
    // serde alone scores an array by position, emergency included.
    let array = format!(r#"["2026.1", {}]"#, &emergency[14..emergency.len() - 1]);
    assert!(
        serde_json::from_str::<Assessment>(&array).is_ok(),
        "{array}"
    );
    let refused = Assessment::from_json(&array).unwrap_err();
    assert!(
        refused.starts_with("an assessment is a JSON object"),
        "{refused}"
    );
    for (text, path) in [
        (
            r#"{"red_flags": [40, true]}"#,
            "red_flags must be an object",
        ),
        (
            r#"{"hip_stability": {"single_leg_bridge_hold": [20, 30]}}"#,
            "hip_stability.single_leg_bridge_hold must be",
        ),
        (
            r#"{"baseline": {"psfs": [["run", 4]]}}"#,
            "baseline.psfs[0] must be",
        ),
        ("42", "an assessment is a JSON object"),
    ] {
        let refused = Assessment::from_json(text).unwrap_err();
        assert!(refused.starts_with(path), "{text}: {refused}");
    }
    assert!(
        Assessment::from_json(r#"{"baseline": {"psfs": [{"activity": "run 5 km", "score": 4}]}}"#)
            .is_ok()
    );
}

#[test]
fn an_angle_outside_a_tests_range_gets_that_tests_range() {
    let raw: Assessment = serde_json::from_value(json!({
        "hip_mobility": {"thomas_knee_angle": {"left": 200, "right": 70}}
    }))
    .unwrap();
    let errors = assess(&raw, &Thresholds::default()).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors:?}");
    assert_eq!(errors.0[0].field, "hip_mobility.thomas_knee_angle.left");
    assert_eq!(
        errors.0[0].message,
        "Modified Thomas test knee bend: enter a value from 0° to 150°."
    );
}

#[test]
fn every_two_sided_capacity_test_carries_an_lsi() {
    let result = assess(&example(), &Thresholds::default()).unwrap();
    for id in [
        "prone_hip_extension",
        "single_leg_bridge_reps",
        "single_leg_bridge_hold",
        "band_hip_abduction_reps",
        "hip_abduction_dynamometer",
        "mcgill_side_bridge",
        "pallof_hold",
        "readiness_calf_raise",
    ] {
        let with_lsi = findings_for(&result, id, None)
            .into_iter()
            .filter(|f| f.asymmetry.is_some())
            .count();
        assert_eq!(with_lsi, 1, "{id}");
    }
}

#[test]
fn a_clinic_threshold_changes_the_verdict() {
    let raw: Assessment =
        serde_json::from_value(json!({"posture_form": {"cadence": {"steps_per_minute": 162}}}))
            .unwrap();
    let mut t = Thresholds::default();
    assert_eq!(
        assess(&raw, &t)
            .unwrap()
            .findings()
            .next()
            .unwrap()
            .severity,
        Fine
    );
    t.low_cadence_below = Threshold {
        value: 165.0,
        source: "Clinic choice".into(),
        our_choice: true,
    };
    let finding = assess(&raw, &t)
        .unwrap()
        .findings()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(finding.severity, Attention);
    assert_eq!(finding.rule.source, "Clinic choice");
    assert_eq!(finding.rule.threshold, Some(165.0));
}

fn clear_screen(age: u32) -> Json {
    let mut screen = json!({ "age_years": age });
    for (spec, _) in measurements::RedFlagAnswers::default().answers() {
        screen[spec.id] = false.into();
    }
    screen
}

/// Every object key anywhere in `value`.
fn keys(value: &Json, out: &mut Vec<String>) {
    match value {
        Json::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                keys(v, out);
            }
        }
        Json::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn the_example_covers_every_test_and_every_area() {
    let json: Json = serde_json::from_str(EXAMPLE).unwrap();
    let mut present = Vec::new();
    keys(&json, &mut present);
    for spec in PROTOCOL {
        assert!(present.iter().any(|k| k == spec.id), "{} missing", spec.id);
    }
    let result = assess(&example(), &Thresholds::default()).unwrap();
    for area in &result.areas {
        assert!(
            area.not_tested.is_empty(),
            "{:?} {:?}",
            area.area,
            area.not_tested
        );
        assert_ne!(area.status, AreaStatus::NotTested);
    }
    // New pain at 34 is not a red flag; the hop test failed, so running waits.
    assert!(result.referrals.is_empty());
    assert!(result.programme_allowed);
    assert!(!result.running_allowed);
}

/// Every number in the result JSON has at most three decimal places (ratios keep three).
fn assert_rounded(value: &Json) {
    match value {
        Json::Number(n) => {
            let x = n.as_f64().unwrap_or_default();
            assert!((x * 1000.0).round() / 1000.0 == x, "{x} is not rounded");
        }
        Json::Object(map) => map.values().for_each(assert_rounded),
        Json::Array(items) => items.iter().for_each(assert_rounded),
        _ => {}
    }
}

#[test]
fn full_result_snapshot() {
    let result = assess(&example(), &Thresholds::default()).unwrap();
    assert_eq!(result, assess(&example(), &Thresholds::default()).unwrap());
    let json = serde_json::to_value(&result).unwrap();
    assert_rounded(&json);
    let back: AssessmentResult = serde_json::from_value(json).unwrap();
    assert_eq!(back, result);
    insta::assert_json_snapshot!("example_result", result);
}

/// Sections whose tests may each be left out, and the keys (test ids) that are tests there.
fn optional_tests() -> Vec<(&'static str, String)> {
    let json: Json = serde_json::from_str(EXAMPLE).unwrap();
    let mut out = Vec::new();
    for section in [
        "postpartum",
        "baseline",
        "posture_form",
        "hip_mobility",
        "hip_stability",
        "core",
    ] {
        if let Some(map) = json[section].as_object() {
            for key in map.keys() {
                // The run days are the runner's week, not a test.
                if !key.starts_with("symptom_") && key != "run_days" {
                    out.push((section, key.clone()));
                }
            }
        }
    }
    out
}

proptest! {
    #[test]
    fn a_skipped_test_never_produces_a_finding(mask in proptest::collection::vec(any::<bool>(), 48)) {
        let tests = optional_tests();
        prop_assume!(tests.len() <= mask.len());
        let mut json: Json = serde_json::from_str(EXAMPLE).unwrap();
        let mut skipped = Vec::new();
        for ((section, key), skip) in tests.iter().zip(&mask) {
            if *skip && let Some(map) = json[*section].as_object_mut() {
                map.remove(key);
                skipped.push(key.clone());
            }
        }
        let result = score_json(json);
        for key in &skipped {
            prop_assert!(result.findings().all(|f| &f.test_id != key), "{} produced a finding", key);
            prop_assert!(
                result.areas.iter().any(|a| a.not_tested.iter().any(|n| &n.test_id == key)),
                "{} not listed as not tested", key
            );
        }
    }

    #[test]
    fn scoring_any_valid_two_sided_values_keeps_lsi_in_range(
        l in 0u32..200, r in 0u32..200, hl in 0.0f64..600.0, hr in 0.0f64..600.0
    ) {
        let result = score_json(json!({"hip_stability": {
            "single_leg_bridge_reps": {"left": l, "right": r},
            "single_leg_bridge_hold": {"left": hl, "right": hr}
        }}));
        let swapped = score_json(json!({"hip_stability": {
            "single_leg_bridge_reps": {"left": r, "right": l},
            "single_leg_bridge_hold": {"left": hr, "right": hl}
        }}));
        let lsis = |res: &AssessmentResult| res.findings().filter_map(|f| f.asymmetry).map(|a| (a.lsi_percent, a.band)).collect::<Vec<_>>();
        prop_assert_eq!(lsis(&result), lsis(&swapped));
        for (lsi, _) in lsis(&result) {
            prop_assert!((0.0..=100.0).contains(&lsi));
        }
    }
}
