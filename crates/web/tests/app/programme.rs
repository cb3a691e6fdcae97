//! Programmes: generated from a scored assessment, edited and approved by the clinician, seen by
//! the runner once approved, exported as iCalendar.

use crate::client::*;
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_core::assessment::{Assessment, Thresholds, assess};
use backstride_store::{Actor, AssessmentKind, AssessmentStatus, SaveAssessment, Store, User};
use std::sync::Arc;

/// A completed assessment of `runner` made from the example file, entered by `by`.
pub(crate) async fn scored_assessment(store: &Arc<dyn Store>, runner: &User, by: &User) -> i64 {
    scored_assessment_of_kind(store, runner, by, AssessmentKind::Baseline).await
}

/// [`scored_assessment`] as a baseline or a re-test.
pub(crate) async fn scored_assessment_of_kind(
    store: &Arc<dyn Store>,
    runner: &User,
    by: &User,
    kind: AssessmentKind,
) -> i64 {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/examples/assessment.json"
    ))
    .unwrap();
    let raw: Assessment = serde_json::from_str(&text).unwrap();
    let result = assess(&raw, &Thresholds::default()).unwrap();
    let saved = store
        .save_assessment(
            &Actor::of(by),
            runner.id,
            &SaveAssessment {
                id: None,
                kind,
                status: AssessmentStatus::Complete,
                protocol_version: result.protocol_version.clone(),
                step: "done".into(),
                raw_json: text,
                result_json: Some(serde_json::to_string(&result).unwrap()),
                notes: String::new(),
            },
        )
        .await
        .unwrap();
    saved.id
}

fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn clinician_edits_and_approves_then_the_runner_sees_it() {
    each_backend(|store| async move {
        let clinic_a = clinic(&store, "Prog A").await;
        let clinic_b = clinic(&store, "Prog B").await;
        let runner = person(&store, Some(&clinic_a), "pr-run@example.com", Role::Runner).await;
        let doc = person(
            &store,
            Some(&clinic_a),
            "pr-doc@example.com",
            Role::Clinician,
        )
        .await;
        person(
            &store,
            Some(&clinic_b),
            "pr-other@example.com",
            Role::Clinician,
        )
        .await;
        let assessment = scored_assessment(&store, &runner, &doc).await;
        let start = typed_days_ahead(7);

        let mut clin = Client::new(store.clone());
        clin.login("pr-doc@example.com", PASSWORD).await;
        let page = clin
            .get(&format!("/assessments/{assessment}/programme"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        for (days, message) in [
            ("0", "0 days is outside that"),
            ("400", "400 days is outside that"),
        ] {
            let res = clin
                .post(
                    &format!("/assessments/{assessment}/programme"),
                    &[
                        ("start_date", start.as_str()),
                        ("days", days),
                        ("minutes_cap", "20"),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.body.contains(message), "{}", res.body);
            assert!(
                res.body.contains(&format!("value=\"{start}\"")),
                "the date typed is kept"
            );
        }
        let res = clin
            .post(
                &format!("/assessments/{assessment}/programme"),
                &[
                    ("start_date", start.as_str()),
                    ("days", "14"),
                    ("minutes_cap", "20"),
                    ("run_tuesday", "on"),
                    ("run_saturday", "on"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let v1 = id_from(res.location());
        let page = clin.get(&format!("/programmes/{v1}")).await;
        assert!(
            page.body.contains("Approve this version") && page.body.contains("Why:"),
            "{}",
            page.body
        );
        assert!(page.body.contains("<svg"), "illustrations are inline SVG");

        // The runner waits for approval.
        let mut run = clin.another();
        run.login("pr-run@example.com", PASSWORD).await;
        assert!(
            run.get("/programme")
                .await
                .body
                .contains("waiting for your clinician")
        );
        assert_eq!(
            run.get(&format!("/programmes/{v1}")).await.location(),
            "/programme"
        );

        // Bad edits are refused with a message; nothing is saved.
        let body = clin.get(&format!("/programmes/{v1}")).await.body;
        let item = body
            .split("name=\"item\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        for (fields, message) in [
            (
                vec![("edit", "level"), ("item", item.as_str()), ("level", "6")],
                "outside the ladder",
            ),
            (
                vec![
                    ("edit", "dosage"),
                    ("item", item.as_str()),
                    ("kind", "reps"),
                    ("sets", "0"),
                    ("amount", "10"),
                    ("days_per_week", "3"),
                ],
                "at least 1, not 0",
            ),
            (
                vec![
                    ("edit", "dosage"),
                    ("item", item.as_str()),
                    ("kind", "reps"),
                    ("sets", "-1"),
                    ("amount", "10"),
                    ("days_per_week", "3"),
                ],
                "negative",
            ),
            (
                vec![
                    ("edit", "swap"),
                    ("item", item.as_str()),
                    ("to", "moon_walk"),
                ],
                "Unknown exercise",
            ),
        ] {
            let res = clin.post(&format!("/programmes/{v1}/edit"), &fields).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
            assert!(res.body.contains(message), "{message}: {}", res.body);
        }
        assert_eq!(
            store
                .programmes_of(&Actor::of(&doc), runner.id)
                .await
                .unwrap()
                .len(),
            1
        );

        // A real edit makes version 2; approving it shows it to the runner.
        let res = clin
            .post(
                &format!("/programmes/{v1}/edit"),
                &[
                    ("edit", "custom"),
                    ("title", "Walk the dog"),
                    ("text", "Easy 20 minutes"),
                    ("kind", "reps"),
                    ("sets", "1"),
                    ("amount", "1"),
                    ("days_per_week", "5"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let v2 = id_from(res.location());
        assert_ne!(v1, v2);
        let res = clin.post(&format!("/programmes/{v2}/approve"), &[]).await;
        assert_eq!(res.location(), format!("/programmes/{v2}"));
        let shown = run.get("/programme").await;
        assert_eq!(shown.location(), format!("/programmes/{v2}"));
        let page = run.get(&format!("/programmes/{v2}")).await;
        assert!(page.body.contains("Walk the dog") && page.body.contains("Approved by"));
        assert!(
            !page.body.contains("Approve this version"),
            "runners can't approve"
        );
        assert_eq!(
            run.post(&format!("/programmes/{v2}/approve"), &[])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let versions = clin
            .get(&format!("/runners/{}/programmes", runner.id))
            .await;
        assert!(versions.body.contains("Version 1") && versions.body.contains("Version 2"));

        // Another clinic sees nothing, and the attempt is audited.
        let mut other = clin.another();
        other.login("pr-other@example.com", PASSWORD).await;
        assert_eq!(
            other.get(&format!("/programmes/{v2}")).await.status,
            StatusCode::NOT_FOUND
        );
        let trail = store.audit_events_about(runner.id).await.unwrap();
        assert!(
            trail
                .iter()
                .any(|e| e.action == "view programme" && e.outcome == "denied")
        );

        // The calendar parses and has one event per training day, all in the 14 days planned.
        let first_day = days_ago(-7).strftime("%Y%m%d").to_string();
        let last_day = days_ago(-7 - 13).strftime("%Y%m%d").to_string();
        let ics = run.get(&format!("/programmes/{v2}/calendar.ics")).await;
        assert_eq!(
            ics.headers.get("content-type").unwrap(),
            "text/calendar; charset=utf-8"
        );
        let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.body.as_bytes()));
        let calendar = parser.next().expect("one calendar").expect("it parses");
        assert!(!calendar.events.is_empty());
        for event in &calendar.events {
            let start = event
                .properties
                .iter()
                .find(|p| p.name == "DTSTART")
                .unwrap();
            let day = start.value.as_deref().unwrap();
            assert!(
                (first_day.as_str()..=last_day.as_str()).contains(&day),
                "{day}"
            );
        }
        assert!(ics.body.lines().all(|l| l.len() <= 76));
    })
    .await;
}

#[tokio::test]
async fn a_self_directed_runner_gets_the_programme_at_once() {
    let store = backstride_store::testing::sqlite().await;
    let runner = person(&store, None, "solo-prog@example.com", Role::Runner).await;
    let assessment = scored_assessment(&store, &runner, &runner).await;
    let mut c = Client::new(store.clone());
    c.login("solo-prog@example.com", PASSWORD).await;
    c.get(&format!("/assessments/{assessment}/programme")).await;
    let res = c
        .post(
            &format!("/assessments/{assessment}/programme"),
            &[
                ("start_date", "not a date"),
                ("days", "7"),
                ("minutes_cap", "20"),
            ],
        )
        .await;
    assert!(res.body.contains("YYYY-MM-DD"));
    let res = c
        .post(
            &format!("/assessments/{assessment}/programme"),
            &[
                ("start_date", &typed_days_ahead(7)),
                ("days", "7"),
                ("minutes_cap", "20"),
            ],
        )
        .await;
    let id = id_from(res.location());
    assert_eq!(
        c.get("/programme").await.location(),
        format!("/programmes/{id}")
    );
    let page = c.get(&format!("/programmes/{id}")).await;
    assert!(
        page.body.contains("When to stop and get help"),
        "no clinic to call"
    );
    assert!(!page.body.contains("Change "), "runners don't edit");
    // A private subscription link serves the calendar without a session; a new one replaces it.
    let link = new_calendar_link(&mut c).await;
    let mut anonymous = c.another();
    let feed = anonymous.get(&link).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.body.starts_with("BEGIN:VCALENDAR"));
    c.post("/programme/calendar-link", &[]).await;
    assert_handout_lists_the_programme(&mut c, &runner, id).await;
    assert_eq!(
        anonymous.get(&link).await.status,
        StatusCode::NOT_FOUND,
        "the old link is off"
    );
    assert_eq!(
        anonymous.get("/calendar/forged.ics").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Makes the runner's private calendar link and reads it from the flash that shows it once.
pub(crate) async fn new_calendar_link(c: &mut Client) -> String {
    c.get("/programme").await;
    let res = c.post("/programme/calendar-link", &[]).await;
    assert_eq!(res.location(), "/programme");
    let flash = c.get("/programme").await;
    let flash = match flash.status {
        StatusCode::SEE_OTHER => c.get(flash.location()).await.body,
        _ => flash.body,
    };
    let link = flash
        .split("http://127.0.0.1:8080")
        .nth(1)
        .unwrap()
        .split(|ch: char| ch == '<' || ch.is_whitespace())
        .next()
        .unwrap()
        .to_owned();
    assert!(
        link.starts_with("/calendar/") && link.ends_with(".ics"),
        "{link}"
    );
    link
}

#[tokio::test]
async fn a_start_date_years_away_is_refused_by_its_field_for_a_runner_and_a_clinician() {
    each_backend(|store| async move {
        let home = clinic(&store, "Dates Clinic").await;
        let solo = person(&store, None, "dates-solo@example.com", Role::Runner).await;
        let runner = person(&store, Some(&home), "dates-run@example.com", Role::Runner).await;
        let doc = person(
            &store,
            Some(&home),
            "dates-doc@example.com",
            Role::Clinician,
        )
        .await;
        let own = scored_assessment(&store, &solo, &solo).await;
        let theirs = scored_assessment(&store, &runner, &doc).await;
        for (email, assessment, owner) in [
            ("dates-solo@example.com", own, &solo),
            ("dates-doc@example.com", theirs, &runner),
        ] {
            let mut c = Client::new(store.clone());
            c.login(email, PASSWORD).await;
            let path = format!("/assessments/{assessment}/programme");
            c.get(&path).await;
            for far in ["0001-01-01", "0000-01-01", "9999-12-31"] {
                let res = c
                    .post(
                        &path,
                        &[("start_date", far), ("days", "14"), ("minutes_cap", "20")],
                    )
                    .await;
                assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{far}");
                assert!(
                    res.body.contains(r#"id="start_date-error""#)
                        && res.body.contains("Choose a date within a year of today"),
                    "{}",
                    res.body
                );
                assert!(res.body.contains(&format!("value=\"{far}\"")), "kept");
            }
            let versions = store
                .programmes_of(&Actor::of(owner), owner.id)
                .await
                .unwrap();
            assert!(versions.is_empty(), "nothing was stored");
        }
    })
    .await;
}

#[tokio::test]
async fn a_suggested_version_is_refused_to_the_runner_in_every_view() {
    each_backend(|store| async move {
        let home = clinic(&store, "Draft Clinic").await;
        let runner = person(&store, Some(&home), "draft-run@example.com", Role::Runner).await;
        let doc = person(
            &store,
            Some(&home),
            "draft-doc@example.com",
            Role::Clinician,
        )
        .await;
        let assessment = scored_assessment(&store, &runner, &doc).await;
        let mut clin = Client::new(store.clone());
        clin.login("draft-doc@example.com", PASSWORD).await;
        let path = format!("/assessments/{assessment}/programme");
        clin.get(&path).await;
        let start = today().to_string();
        let suggest = async |clin: &mut Client| {
            let res = clin
                .post(
                    &path,
                    &[("start_date", &start), ("days", "7"), ("minutes_cap", "20")],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            id_from(res.location())
        };
        let v1 = suggest(&mut clin).await;

        let mut run = clin.another();
        run.login("draft-run@example.com", PASSWORD).await;
        assert_eq!(
            run.get(&format!("/programmes/{v1}")).await.location(),
            "/programme",
            "the page"
        );
        for view in ["handout.pdf", "calendar.ics"] {
            let res = run.get(&format!("/programmes/{v1}/{view}")).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{view}");
            assert!(!res.body.contains("BEGIN:VCALENDAR"), "{view}");
        }
        let ics = clin.get(&format!("/programmes/{v1}/calendar.ics")).await;
        assert_eq!(ics.status, StatusCode::OK, "the clinician sees the draft");

        // The subscribed calendar only ever shows an approved version.
        let link = new_calendar_link(&mut run).await;
        let mut feed = run.another();
        assert_eq!(feed.get(&link).await.status, StatusCode::NOT_FOUND);
        clin.get(&format!("/programmes/{v1}")).await;
        clin.post(&format!("/programmes/{v1}/approve"), &[]).await;
        let v2 = suggest(&mut clin).await;
        let body = feed.get(&link).await.body;
        assert!(body.contains(&format!("UID:programme-{v1}-")), "{body}");
        assert!(!body.contains(&format!("UID:programme-{v2}-")), "{body}");
        let res = run.get(&format!("/programmes/{v2}/calendar.ics")).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = run.get(&format!("/programmes/{v1}/calendar.ics")).await;
        assert_eq!(
            res.status,
            StatusCode::OK,
            "the approved version is the runner's"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clinician_edits_and_approves_in_chromium_and_the_runner_sees_it() {
    let Some(b) = crate::browser::Browser::start().await else {
        return;
    };
    let clinic = clinic(&b.store, "Browser Prog Clinic").await;
    let runner = person(&b.store, Some(&clinic), "bp-run@example.com", Role::Runner).await;
    let doc = person(
        &b.store,
        Some(&clinic),
        "bp-doc@example.com",
        Role::Clinician,
    )
    .await;
    let assessment = scored_assessment(&b.store, &runner, &doc).await;
    let log_in = |email: &'static str| {
        let b = &b;
        async move {
            b.goto("/login").await;
            b.fill("#email", email).await;
            b.fill("#password", PASSWORD).await;
            b.click("form.stack button[type=submit]").await;
            b.wait_for_text("Hello,").await;
        }
    };
    log_in("bp-doc@example.com").await;
    b.goto(&format!("/assessments/{assessment}/programme"))
        .await;
    b.assert_accessible().await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Approve this version").await;
    b.assert_accessible().await;
    b.screenshot("programme-suggested").await;
    // Add the clinician's own exercise, then approve the new version.
    b.fill("#title", "Hill walk").await;
    b.fill("#text", "Walk up a gentle hill, tall and relaxed")
        .await;
    b.fill("#sets", "1").await;
    b.fill("#amount", "1").await;
    b.fill("#days_per_week", "3").await;
    b.click("#custom-h + form button[type=submit]").await;
    b.wait_for_text("Saved as version 2").await;
    b.click("form.approve button").await;
    b.wait_for_text("The runner can see this programme now")
        .await;
    b.click("nav button.link").await;
    b.wait_for_text("You are logged out.").await;

    log_in("bp-run@example.com").await;
    b.goto("/programme").await;
    b.wait_for_text("Hill walk").await;
    b.wait_for_text("Approved by bp-doc").await;
    b.assert_accessible().await;
    b.screenshot("programme-runner").await;
    b.close().await;
}

/// The handout PDF is served to the runner and its text (poppler's pdftotext) names every
/// exercise and its dose; someone outside the record gets a 404.
async fn assert_handout_lists_the_programme(c: &mut Client, runner: &User, id: i64) {
    let res = c.get(&format!("/programmes/{id}/handout.pdf")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(
        res.headers[axum::http::header::CONTENT_TYPE],
        "application/pdf"
    );
    assert!(res.bytes.starts_with(b"%PDF-"));
    let page = c.get(&format!("/programmes/{id}")).await.body;
    assert!(page.contains(&format!("/programmes/{id}/handout.pdf")));
    match pdf_text(&res.bytes) {
        Some(text) => {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let record = c.store.programme(&Actor::of(runner), id).await.unwrap();
            let body: backstride_core::programme::Programme =
                serde_json::from_str(&record.body_json).unwrap();
            for item in &body.items {
                assert!(
                    flat.contains(&item.name),
                    "{} missing from the handout",
                    item.name
                );
            }
        }
        None => eprintln!("skipped: pdftotext (poppler-utils) is not installed"),
    }
    let mut stranger = c.another();
    assert_ne!(
        stranger
            .get(&format!("/programmes/{id}/handout.pdf"))
            .await
            .status,
        StatusCode::OK
    );
}

pub(crate) fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("bs-handout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{}.pdf", rand_suffix()));
    std::fs::write(&path, pdf).ok()?;
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[tokio::test]
async fn skipping_every_test_gives_the_six_core_exercises_and_an_offer_to_test_later() {
    use crate::assessment::{Fields, red_flags, start, step};
    each_backend(|store| async move {
        let runner = person(&store, None, "skip-all@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.login("skip-all@example.com", PASSWORD).await;
        let id = start(&mut c, runner.id).await;
        // Only the red-flag screen is answered; every other step is skipped.
        step(&mut c, id, "red_flags", &red_flags(&[]), "baseline").await;
        for (area, next) in [
            ("baseline", "posture_form"),
            ("posture_form", "hip_mobility"),
            ("hip_mobility", "hip_stability"),
            ("hip_stability", "core"),
            ("core", "results"),
        ] {
            step(&mut c, id, area, &Fields::new(), next).await;
        }
        c.get(&format!("/assessments/{id}/programme")).await;
        let res = c
            .post(
                &format!("/assessments/{id}/programme"),
                &[
                    ("start_date", &typed_days_ahead(7)),
                    ("days", "14"),
                    ("minutes_cap", "20"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = c.get(res.location()).await;
        let body = &page.body;
        for name in [
            "Couch stretch",
            "Hip CARs",
            "Single-leg bridge isometric hold",
            "Standing hip abduction with mini band",
            "Straight leg lowers",
            "Half-kneeling Pallof press",
        ] {
            assert!(body.contains(&format!(">{name} <span")), "{name}: {body}");
        }
        assert_eq!(
            body.matches("A starting point, not personalised: your ")
                .count(),
            6,
            "each says why it is there and that it is not personalised"
        );
        assert!(body.contains("id=\"test-later\""), "{body}");
        assert!(body.contains(&format!(
            "<a href=\"/runners/{}/assessments\">Test later to personalise this programme</a>",
            runner.id
        )));
        assert!(
            !body.contains("Left out to keep days short"),
            "the daily cap leaves none out"
        );
    })
    .await;
}
