//! Issue 17 — FHIR R4 export over HTTP: the runner's own bundle from "Your data", staff's of
//! their clinic's runner (audited), the same bundle in the export zip, valid against HL7's R4
//! JSON schema (vendored with the `fhir` crate); another runner and another clinic get a 404,
//! and the refusal is audited too.

use crate::client::*;
use crate::world::{Who, World};
use axum::http::StatusCode;
use serde_json::Value;
use std::io::Read;

#[path = "../../../fhir/tests/schema/validator.rs"]
mod validator;

use validator::FhirSchema;

fn assert_valid(v: &FhirSchema, doc: &Value) {
    if let Some(errors) = v.errors(doc) {
        panic!("schema errors: {errors}");
    }
}

/// The codes of every observation in a bundle.
fn codes(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| {
            e["resource"]["code"]["coding"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|c| c["code"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn runner_and_their_clinic_download_valid_fhir_and_no_one_else() {
    let validator = FhirSchema::load();
    each_backend(|store| {
        let validator = &validator;
        async move {
            let world = World::build(store.clone()).await;
            let owner = &world.a.runners[0];
            let mut me = world.browser(Who::Owner).await;
            let page = me.get("/account/data").await;
            assert!(page.body.contains("href=\"/me/fhir.json\""));
            let res = me.get("/me/fhir.json").await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            assert_eq!(res.headers["content-type"], "application/fhir+json");
            let bundle: Value = serde_json::from_slice(&res.bytes).unwrap();
            assert_valid(validator, &bundle);
            assert_eq!(bundle["type"], "collection");
            let patient = &bundle["entry"][0]["resource"];
            assert_eq!(patient["resourceType"], "Patient");
            assert_eq!(patient["telecom"][0]["value"], owner.email.as_str());
            let found = codes(&bundle);
            assert!(
                found.iter().any(|c| c == "72514-3"),
                "LOINC pain: {found:?}"
            );
            assert!(
                found.iter().any(|c| c == "assessment_baseline"),
                "{found:?}"
            );
            assert!(found.iter().any(|c| c == "psfs"), "{found:?}");
            // Nothing of the peer's.
            assert!(!res.body.contains(world.a.runners[1].email.as_str()));

            // The zip carries the same bundle.
            let zip = me.post("/account/data/export", &[]).await;
            let mut archive =
                zip::ZipArchive::new(std::io::Cursor::new(zip.bytes.clone())).unwrap();
            let mut text = String::new();
            archive
                .by_name("fhir-bundle.json")
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            let in_zip: Value = serde_json::from_str(&text).unwrap();
            assert_valid(validator, &in_zip);
            assert_eq!(codes(&in_zip), found);

            // The clinician: the same, audited.
            let path = format!("/runners/{}/fhir.json", owner.id);
            let mut clinician = world.browser(Who::Clinician).await;
            let record = clinician.get(&format!("/runners/{}", owner.id)).await;
            assert!(record.body.contains(&format!("href=\"{path}\"")));
            let res = clinician.get(&path).await;
            assert_eq!(res.status, StatusCode::OK);
            let theirs: Value = serde_json::from_slice(&res.bytes).unwrap();
            assert_eq!(codes(&theirs), found);
            let audit = store.audit_events_about(owner.id).await.unwrap();
            assert!(audit.iter().any(|e| e.action == "export record"
                && e.outcome == "allowed"
                && e.actor_user_id == world.a.clinician.id));

            // Another runner of the clinic, and another clinic's staff: not found, audited.
            for who in [Who::Peer, Who::OtherClinician, Who::OtherAdmin] {
                let mut c = world.browser(who).await;
                assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND, "{who:?}");
            }
            let audit = store.audit_events_about(owner.id).await.unwrap();
            assert!(audit.iter().any(|e| e.action == "export record"
                && e.outcome == "denied"
                && e.actor_user_id == world.b.clinician.id));
            // Staff have no "own" record.
            assert_eq!(
                clinician.get("/me/fhir.json").await.status,
                StatusCode::FORBIDDEN
            );
        }
    })
    .await;
}
