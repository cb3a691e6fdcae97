//! The bundles are valid FHIR R4: checked against HL7's official R4 JSON schema (vendored in
//! `tests/schema`, see its README) with every kind of record in them — every assessment field
//! of core's full example, each kind of log — and the schema is shown to refuse a broken one.

#[path = "schema/validator.rs"]
mod validator;

use backstride_fhir::{Assessment, Log, Record, Runner, bundle};
use serde_json::{Value, json};
use validator::FhirSchema;

/// Core's example assessment: every field filled in.
fn full_answers() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/examples/assessment.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn full_record() -> Record {
    Record {
        base_url: "http://127.0.0.1:8080".into(),
        runner: Runner {
            id: 42,
            name: "Riley O'Runner".into(),
            email: "riley@example.com".into(),
        },
        logs: vec![
            Log {
                id: 1,
                kind: "morning".into(),
                date: "2026-04-30".into(),
                body: json!({"date": "2026-04-30", "morning_pain": 2, "stiffness": 3, "settled_after_yesterday": true}),
            },
            Log {
                id: 2,
                kind: "session".into(),
                date: "2026-04-30".into(),
                body: json!({"date": "2026-04-30", "item_key": "bridge", "sets_done": "as_planned", "pain_during": 1, "effort": 6}),
            },
            Log {
                id: 3,
                kind: "run".into(),
                date: "2026-05-01".into(),
                body: json!({"date": "2026-05-01", "distance_m": 5012.5, "duration_s": 1800, "pain_before": 1, "pain_during": 3, "pain_after": 2}),
            },
        ],
        assessments: vec![
            Assessment {
                id: 5,
                kind: "baseline".into(),
                status: "complete".into(),
                at: 1_777_000_000,
                answers: full_answers(),
            },
            Assessment {
                id: 6,
                kind: "retest".into(),
                status: "draft".into(),
                at: 1_777_600_000,
                answers: json!({"baseline": {"pain_now": 1}}),
            },
        ],
    }
}

#[test]
fn every_kind_of_record_makes_a_valid_r4_bundle() {
    let doc = bundle(&full_record(), 1_777_700_000);
    if let Some(errors) = FhirSchema::load().errors(&doc) {
        panic!("schema errors: {errors}");
    }
    let observations = doc["entry"].as_array().unwrap().len() - 1;
    // 3 logs (2 + 2 + 5 numbers) and every number of the full example, with both panels.
    assert!(observations > 30, "{observations} observations");
}

#[test]
fn an_empty_record_is_a_valid_bundle_with_its_patient() {
    let record = Record {
        logs: Vec::new(),
        assessments: Vec::new(),
        runner: Runner {
            id: 1,
            name: "Sasha".into(),
            email: String::new(),
        },
        base_url: "https://clinic.example".into(),
    };
    let doc = bundle(&record, 0);
    assert_eq!(doc["entry"].as_array().unwrap().len(), 1);
    assert_eq!(FhirSchema::load().errors(&doc), None);
}

#[test]
fn the_schema_refuses_a_broken_observation() {
    let v = FhirSchema::load();
    let mut doc = bundle(&full_record(), 1_777_700_000);
    let obs = &mut doc["entry"][1]["resource"];
    obs.as_object_mut().unwrap().remove("code");
    assert!(
        v.errors(&doc).is_some(),
        "an observation without a code is refused"
    );
    let mut doc = bundle(&full_record(), 1_777_700_000);
    doc["entry"][1]["resource"]["painScore"] = json!(3);
    assert!(
        v.errors(&doc).is_some(),
        "a field FHIR does not have is refused"
    );
    let mut doc = bundle(&full_record(), 1_777_700_000);
    doc["entry"][1]["resource"]["status"] = json!("done");
    assert!(
        v.errors(&doc).is_some(),
        "a status FHIR does not have is refused"
    );
    let mut doc = bundle(&full_record(), 1_777_700_000);
    doc["entry"][1]["resource"]["effectiveDateTime"] = json!("1 May 2026");
    assert!(v.errors(&doc).is_some(), "a date in words is refused");
    let mut doc = bundle(&full_record(), 1_777_700_000);
    doc["type"] = json!("heap");
    assert!(
        v.errors(&doc).is_some(),
        "an unknown bundle type is refused"
    );
}
