//! The scored result against its published JSON Schema (`examples/assessment-result.schema.json`),
//! checked by a small validator for the keywords that schema uses.

use super::*;
use serde_json::{Value as Json, json};

const SCHEMA: &str = include_str!("../../examples/assessment-result.schema.json");

/// Every way `value` breaks `schema`, as `path: problem` lines.
fn problems(root: &Json, schema: &Json, value: &Json, path: &str, out: &mut Vec<String>) {
    if let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
        let name = reference
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
        problems(root, &root["$defs"][name], value, path, out);
        return;
    }
    let known = [
        "$schema",
        "$id",
        "$ref",
        "$defs",
        "title",
        "description",
        "type",
        "enum",
        "oneOf",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minimum",
        "maximum",
    ];
    if let Some(map) = schema.as_object() {
        for key in map.keys() {
            assert!(
                known.contains(&key.as_str()),
                "the checker does not know {key}"
            );
        }
    }
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Json::String(one) => vec![one.as_str()],
            Json::Array(many) => many.iter().filter_map(Json::as_str).collect(),
            _ => panic!("bad type keyword"),
        };
        let actual = match value {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        };
        if !names.contains(&actual) {
            out.push(format!("{path}: {actual} is not {names:?}"));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Json::as_array)
        && !allowed.contains(value)
    {
        out.push(format!("{path}: {value} is not one of {allowed:?}"));
    }
    if let Some(options) = schema.get("oneOf").and_then(Json::as_array) {
        let matching = options
            .iter()
            .filter(|option| {
                let mut inner = Vec::new();
                problems(root, option, value, path, &mut inner);
                inner.is_empty()
            })
            .count();
        if matching != 1 {
            out.push(format!("{path}: matches {matching} of the oneOf options"));
        }
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Json::as_f64)
            && n < min
        {
            out.push(format!("{path}: {n} < {min}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Json::as_f64)
            && n > max
        {
            out.push(format!("{path}: {n} > {max}"));
        }
    }
    if let Json::Object(map) = value {
        let properties = schema.get("properties").and_then(Json::as_object);
        for name in schema
            .get("required")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
        {
            if !map.contains_key(name) {
                out.push(format!("{path}: {name} is missing"));
            }
        }
        for (key, item) in map {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => problems(root, property, item, &format!("{path}.{key}"), out),
                None if schema.get("additionalProperties") == Some(&Json::Bool(false)) => {
                    out.push(format!("{path}: {key} is not in the schema"));
                }
                None => {}
            }
        }
    }
    if let (Json::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            problems(root, item_schema, item, &format!("{path}[{i}]"), out);
        }
    }
}

fn check(result: &AssessmentResult) -> Json {
    let schema: Json = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    let value = serde_json::to_value(result).unwrap();
    let mut out = Vec::new();
    problems(&schema, &schema, &value, "$", &mut out);
    assert!(out.is_empty(), "{}", out.join("\n"));
    value
}

fn scored(input: Json) -> AssessmentResult {
    let raw: Assessment = serde_json::from_value(input).unwrap();
    assess(&raw, &Thresholds::default()).unwrap()
}

fn has_places(x: f64, places: i32) -> bool {
    let factor = 10f64.powi(places);
    (x * factor).round() / factor == x
}

#[test]
fn results_match_the_published_schema() {
    let example: Assessment =
        serde_json::from_str(include_str!("../../examples/assessment.json")).unwrap();
    check(&assess(&example, &Thresholds::default()).unwrap());
    let mut emergency = example.clone();
    if let Some(flags) = emergency.red_flags.as_mut() {
        flags.saddle_numbness = Some(true);
    }
    let emergency = assess(&emergency, &Thresholds::default()).unwrap();
    assert!(!emergency.referrals.is_empty());
    check(&emergency);
    let sides = |l: f64, r: f64| json!({"left": l, "right": r});
    for input in [
        json!({"posture_form": {"trunk_lean_degrees": -10, "leaning_back": "no",
               "cadence": {"steps_per_minute": 150}}}),
        json!({"core": {"mcgill_flexor": 10, "mcgill_extensor": 0,
               "mcgill_side_bridge": sides(0.0, 5.0)}}),
        json!({"hip_stability": {"single_leg_bridge_hold": sides(89.67, 100.0)}}),
    ] {
        check(&scored(input));
    }
    // A deliberately wrong document is refused, so the checker is not a rubber stamp.
    let schema: Json = serde_json::from_str(SCHEMA).unwrap();
    let mut out = Vec::new();
    problems(
        &schema,
        &schema,
        &json!({"areas": [{"area": "elbows"}]}),
        "$",
        &mut out,
    );
    assert!(out.len() > 5, "{out:?}");
}

#[test]
fn machine_output_carries_the_figures_of_the_explanations() {
    let result = scored(json!({
        "posture_form": {"cadence": {"steps_per_minute": 150}},
        "hip_stability": {"single_leg_bridge_hold": {"left": 20, "right": 30.1}},
        "core": {"mcgill_flexor": 100, "mcgill_extensor": 70,
                 "mcgill_side_bridge": {"left": 47, "right": 55}}
    }));
    let json = check(&result);
    let findings: Vec<&Json> = json["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["findings"].as_array().unwrap())
        .collect();
    let figure = |test: &str, name: &str| {
        findings
            .iter()
            .filter(|f| f["test_id"] == test)
            .flat_map(|f| f["figures"].as_array().unwrap())
            .find(|g| g["name"] == name)
            .map(|g| g["value"].as_f64().unwrap())
    };
    assert_eq!(
        figure("cadence", "cadence_first_target"),
        Some(157.5_f64.round())
    );
    assert_eq!(figure("cadence", "cadence_furthest_target"), Some(165.0));
    assert_eq!(
        figure("mcgill_side_bridge", "right_to_left_ratio"),
        Some(1.17)
    );
    for f in &findings {
        if let Some(lsi) = f["asymmetry"]["lsi_percent"].as_f64() {
            assert!(has_places(lsi, 1), "{lsi}");
        }
        if let Some(ratio) = f["measured"]["ratio"].as_f64() {
            assert!(has_places(ratio, 3), "{ratio}");
        }
    }
    let lsi = findings.iter().find_map(|f| {
        f["asymmetry"]["lsi_percent"]
            .as_f64()
            .filter(|_| f["test_id"] == "single_leg_bridge_hold")
    });
    assert_eq!(lsi, Some(66.4));
    let ratio = findings.iter().find_map(|f| {
        f["measured"]["ratio"]
            .as_f64()
            .filter(|_| f["test_id"] == "mcgill_flexor")
    });
    assert_eq!(ratio, Some(1.429));
}
