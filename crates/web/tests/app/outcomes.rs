//! The clinic's outcomes page (issue 20): figures from a seeded clinic with known answers, the
//! floor of ten on the page and on the public block, another clinic never counted, the CSV
//! matching the page, and bad periods refused beside their field.

use crate::client::{Client, PASSWORD, clinic, each_backend, person, today};
use axum::http::StatusCode;
use backstride_core::assessment::{Assessment, assess};
use backstride_core::{Role, Thresholds};
use backstride_store::{Actor, AssessmentKind, AssessmentStatus, SaveAssessment, Store, User};
use std::sync::Arc;

/// The example assessment with pain now at `pain`, scored and stored.
async fn assessed(
    store: &Arc<dyn Store>,
    runner: &User,
    by: &User,
    kind: AssessmentKind,
    pain: u8,
) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/examples/assessment.json"
    ))
    .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["baseline"]["pain_now"] = pain.into();
    let raw: Assessment = serde_json::from_value(json.clone()).unwrap();
    let result = assess(&raw, &Thresholds::default()).unwrap();
    store
        .save_assessment(
            &Actor::of(by),
            runner.id,
            &SaveAssessment {
                id: None,
                kind,
                status: AssessmentStatus::Complete,
                protocol_version: result.protocol_version.clone(),
                step: "done".into(),
                raw_json: json.to_string(),
                result_json: Some(serde_json::to_string(&result).unwrap()),
                notes: String::new(),
            },
        )
        .await
        .unwrap();
}

/// `better` runners from pain 6 to 2, `same` from 6 to 5, `waiting` with a baseline only.
async fn seed(
    store: &Arc<dyn Store>,
    name: &str,
    better: usize,
    same: usize,
    waiting: usize,
) -> User {
    let home = clinic(store, name).await;
    let tag = name.to_lowercase().replace(' ', "-");
    let doc = person(
        store,
        Some(&home),
        &format!("doc@{tag}.example"),
        Role::Clinician,
    )
    .await;
    for n in 0..better + same + waiting {
        let runner = person(
            store,
            Some(&home),
            &format!("r{n}@{tag}.example"),
            Role::Runner,
        )
        .await;
        assessed(store, &runner, &doc, AssessmentKind::Baseline, 6).await;
        if n < better + same {
            let after = if n < better { 2 } else { 5 };
            assessed(store, &runner, &doc, AssessmentKind::Retest, after).await;
        }
    }
    person(
        store,
        Some(&home),
        &format!("admin@{tag}.example"),
        Role::Admin,
    )
    .await;
    doc
}

#[tokio::test]
async fn outcomes_count_the_clinics_own_runners_with_the_floor_and_a_matching_csv() {
    each_backend(|store| async move {
        seed(&store, "Outcome Clinic", 9, 3, 1).await;
        seed(&store, "Other Clinic", 15, 0, 0).await;
        let mut c = Client::new(store.clone());
        c.login("doc@outcome-clinic.example", PASSWORD).await;
        let page = c.get("/clinic/outcomes").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("9 of 12"), "{}", page.body);
        assert!(page.body.contains("75%"));
        assert!(page.body.contains("Still within their first six weeks"));
        assert!(
            !page.body.contains("15 of 15"),
            "another clinic's runners are not counted"
        );
        assert!(page.body.contains("How we count"));

        let csv = c
            .get(&format!(
                "/clinic/outcomes.csv?from={}&to={}",
                crate::client::days_ago(30),
                today()
            ))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.starts_with("figure,value,count,of\n"));
        let pain_row = csv
            .body
            .lines()
            .find(|l| l.starts_with("Back pain 2 or more points less"))
            .expect("the pain row");
        assert_eq!(
            pain_row,
            "Back pain 2 or more points less at the re-test,75%,9,12"
        );
        assert!(csv.body.lines().any(|l| l == "Re-tested,12,12,"));

        // Counting the runners is an access to their records: audited.
        let runner = store
            .user_by_email(&"r0@outcome-clinic.example".parse().unwrap())
            .await
            .unwrap();
        let events = store.audit_events_about(runner.id).await.unwrap();
        assert!(
            events
                .iter()
                .any(|e| e.action == "count in clinic outcomes")
        );

        // Runners cannot see it.
        let mut r = Client::new(store.clone());
        r.login("r0@outcome-clinic.example", PASSWORD).await;
        assert_eq!(
            r.get("/clinic/outcomes").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            r.get("/clinic/outcomes.csv").await.status,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}

#[tokio::test]
async fn a_small_clinic_sees_why_figures_are_hidden_and_shows_nothing_publicly() {
    each_backend(|store| async move {
        seed(&store, "Small Clinic", 5, 2, 0).await;
        let mut admin = Client::new(store.clone());
        admin.login("admin@small-clinic.example", PASSWORD).await;
        let page = admin.get("/clinic/outcomes").await;
        assert!(
            page.body.contains("not shown: only 7 runners"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("5 of 7"));
        let shown = admin
            .post("/clinic/outcomes/public", &[("show", "yes")])
            .await;
        assert_eq!(shown.status, StatusCode::SEE_OTHER);
        let clinic = store.clinic_by_name("Small Clinic").await.unwrap();
        let mut visitor = Client::new(store.clone());
        let landing = visitor.get(&format!("/clinics/{}", clinic.id)).await;
        assert!(
            !landing.body.contains("How our runners did"),
            "under the floor: no block"
        );
        let defs = visitor
            .get(&format!("/clinics/{}/outcomes", clinic.id))
            .await;
        assert!(defs.body.contains("Fewer than 10 runners"));
    })
    .await;
}

#[tokio::test]
async fn the_public_block_shows_above_the_floor_and_only_when_the_admin_turns_it_on() {
    each_backend(|store| async move {
        seed(&store, "Public Clinic", 8, 4, 0).await;
        let clinic = store.clinic_by_name("Public Clinic").await.unwrap();
        let mut visitor = Client::new(store.clone());
        let landing = format!("/clinics/{}", clinic.id);
        assert!(!visitor.get(&landing).await.body.contains("How our runners did"));
        assert_eq!(
            visitor.get(&format!("/clinics/{}/outcomes", clinic.id)).await.status,
            StatusCode::NOT_FOUND
        );
        // A clinician may not publish.
        let mut doc = Client::new(store.clone());
        doc.login("doc@public-clinic.example", PASSWORD).await;
        doc.get("/clinic/outcomes").await;
        assert_eq!(
            doc.post("/clinic/outcomes/public", &[("show", "yes")]).await.status,
            StatusCode::FORBIDDEN
        );
        // The admin publishes on the visitor's server: another instance's change shows there
        // only once the kept landing page's lifetime ends (see `public_pages`).
        let mut admin = visitor.another();
        admin.login("admin@public-clinic.example", PASSWORD).await;
        admin.get("/clinic/outcomes").await;
        admin.post("/clinic/outcomes/public", &[("show", "yes")]).await;
        let page = visitor.get(&landing).await.body;
        assert!(
            page.contains("Of the 12 runners who re-tested in the last 12 months, 8 had at least 2 points less back pain."),
            "{page}"
        );
        assert!(page.contains(&format!("/clinics/{}/outcomes", clinic.id)));
        // Without a CSRF token the switch is refused.
        let mut stranger = admin.another();
        stranger.cookies = admin.cookies.clone();
        stranger.csrf = None;
        assert_eq!(
            stranger.post("/clinic/outcomes/public", &[("show", "no")]).await.status,
            StatusCode::FORBIDDEN
        );
        admin.get("/clinic/outcomes").await;
        admin.post("/clinic/outcomes/public", &[("show", "no")]).await;
        assert!(!visitor.get(&landing).await.body.contains("How our runners did"));
    })
    .await;
}

#[tokio::test]
async fn bad_periods_are_refused_beside_their_field_with_what_was_typed_kept() {
    each_backend(|store| async move {
        seed(&store, "Period Clinic", 0, 0, 1).await;
        let mut c = Client::new(store.clone());
        c.login("doc@period-clinic.example", PASSWORD).await;
        let backwards = c
            .get(&format!(
                "/clinic/outcomes?from={}&to={}",
                today(),
                crate::client::days_ago(30)
            ))
            .await;
        assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            backwards
                .body
                .contains("The end date is before the start date.")
        );
        let twenty = c
            .get(&format!(
                "/clinic/outcomes?from={}&to={}",
                crate::client::days_ago(20 * 365),
                today()
            ))
            .await;
        assert_eq!(twenty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(twenty.body.contains("ten years ago"), "{}", twenty.body);
        let long = c
            .get(&format!(
                "/clinic/outcomes?from={}&to={}",
                crate::client::days_ago(8 * 365),
                today()
            ))
            .await;
        assert!(long.body.contains("at most five years"));
        let junk = c.get("/clinic/outcomes?from=soon&to=9999-12-31").await;
        assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            junk.body.contains("value=\"soon\""),
            "what was typed is kept"
        );
        let empty = c
            .get(&format!(
                "/clinic/outcomes?from={}&to={}",
                crate::client::days_ago(300),
                crate::client::days_ago(200)
            ))
            .await;
        assert_eq!(empty.status, StatusCode::OK);
        assert!(
            empty
                .body
                .contains("No runner had a baseline assessment in this period")
        );
        let csv = c.get("/clinic/outcomes.csv?from=2026-13-01").await;
        assert_eq!(csv.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}
