//! The assessment pages in-process: the self-assessment wizard end to end, resuming, bad input
//! kept with messages, red-flag stops with a clinician alert, clinician mode and its isolation;
//! and in Chromium at phone size, a full self-assessment and a red-flag stop.

use crate::browser::Browser;
use crate::client::*;
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_core::assessment::measurements::RedFlagAnswers;
use backstride_store::{Actor, AlertTier, Store};
use std::sync::Arc;

pub(crate) type Fields = Vec<(String, String)>;

pub(crate) fn fields(pairs: &[(&str, &str)]) -> Fields {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The red-flag step: age 34, "yes" to the questions named, "no" to the rest, no birth.
pub(crate) fn red_flags(yes: &[&str]) -> Fields {
    let mut all = fields(&[("red_flags.age_years", "34"), ("gave_birth", "no")]);
    for (spec, _) in RedFlagAnswers::default().answers() {
        let answer = if yes.contains(&spec.id) { "yes" } else { "no" };
        all.push((format!("red_flags.{}", spec.id), answer.to_owned()));
    }
    all
}

pub(crate) fn baseline() -> Fields {
    fields(&[
        ("baseline.pain_now", "3"),
        ("baseline.pain_worst_last_run", "5"),
        ("baseline.pain_after_last_run", "4"),
        ("baseline.pain_next_morning", "2"),
        ("baseline.psfs[0].activity", "run 5 km"),
        ("baseline.psfs[0].score", "4"),
        ("baseline.psfs[1].activity", "sit through a film"),
        ("baseline.psfs[1].score", "6"),
        ("baseline.psfs[2].activity", "lift my child"),
        ("baseline.psfs[2].score", "7"),
    ])
}

pub(crate) fn posture_form() -> Fields {
    fields(&[
        ("posture_form.forward_head", "yes"),
        ("posture_form.rounded_shoulders", "no"),
        ("posture_form.leaning_back", "not_sure"),
        ("posture_form.overstriding", "yes"),
        ("posture_form.cadence.steps_in_30_s", "78"),
    ])
}

pub(crate) fn hip_mobility() -> Fields {
    fields(&[
        ("hip_mobility.thomas_thigh_angle.left", "5"),
        ("hip_mobility.thomas_thigh_angle.right", "-5"),
        ("hip_mobility.thomas_knee_angle.left", "60"),
        ("hip_mobility.thomas_knee_angle.right", "75"),
        ("hip_mobility.hip_cars.left", "smooth"),
        ("hip_mobility.hip_cars.right", "pinch_or_pain"),
        ("hip_mobility.couch_stretch.left", ""),
        ("hip_mobility.couch_stretch.right", ""),
    ])
}

pub(crate) fn hip_stability() -> Fields {
    fields(&[
        ("hip_stability.single_leg_bridge_reps.left", "18"),
        ("hip_stability.single_leg_bridge_reps.right", "26"),
        ("hip_stability.single_leg_bridge_hold.left", "18"),
        ("hip_stability.single_leg_bridge_hold.right", "31"),
        ("hip_stability.single_leg_squat.left", "2"),
        ("hip_stability.single_leg_squat.right", "3"),
        ("hip_stability.single_leg_squat_pelvic_drop.left", "yes"),
        ("hip_stability.single_leg_squat_pelvic_drop.right", "no"),
    ])
}

fn core_step() -> Fields {
    fields(&[
        ("core.mcgill_flexor", "90"),
        ("core.mcgill_extensor", "80"),
        ("core.mcgill_side_bridge.left", "40"),
        ("core.mcgill_side_bridge.right", "52"),
        ("core.double_leg_lowering", "60"),
        ("core.pallof_hold.left", "30"),
        ("core.pallof_hold.right", "25"),
    ])
}

pub(crate) async fn post(c: &mut Client, path: &str, f: &Fields) -> Resp {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post(path, &pairs).await
}

/// Logs a runner of a fresh clinic in; returns the client, the runner's id and the clinic.
async fn runner_in_clinic(
    store: &Arc<dyn Store>,
    email: &str,
) -> (Client, i64, backstride_store::Clinic) {
    let clinic = clinic(store, "Stride Clinic").await;
    let runner = person(store, Some(&clinic), email, Role::Runner).await;
    let mut c = Client::new(store.clone());
    c.login(email, PASSWORD).await;
    (c, runner.id, clinic)
}

/// Starts an assessment for `runner_id`; returns its id.
pub(crate) async fn start(c: &mut Client, runner_id: i64) -> i64 {
    let list = c.get(&format!("/runners/{runner_id}/assessments")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let res = c
        .post(&format!("/runners/{runner_id}/assessments/new"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let at = res.location();
    assert!(at.ends_with("/red_flags"), "{at}");
    at.trim_start_matches("/assessment/")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Posts a step and expects to move on to `next` (a step slug, or the results page).
pub(crate) async fn step(c: &mut Client, id: i64, area: &str, f: &Fields, next: &str) {
    let page = c.get(&format!("/assessment/{id}/{area}")).await;
    assert_eq!(page.status, StatusCode::OK, "{area}: {}", page.body);
    let res = post(c, &format!("/assessment/{id}/{area}"), f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{area}: {}", res.body);
    let expected = if next == "results" {
        format!("/assessments/{id}")
    } else {
        format!("/assessment/{id}/{next}")
    };
    assert_eq!(res.location(), expected, "{area}");
}

#[tokio::test]
async fn a_full_self_assessment_reaches_findings_with_sources_and_lsi() {
    each_backend(|store| async move {
        let (mut c, runner, _) = runner_in_clinic(&store, "ria@example.com").await;
        let start_page = c.get("/assessment").await;
        assert_eq!(start_page.status, StatusCode::OK);
        assert!(start_page.body.contains("Start a new assessment"));
        let id = start(&mut c, runner).await;
        let first = c.get(&format!("/assessment/{id}/red_flags")).await;
        assert!(first.body.contains("Numbness") || first.body.contains("saddle"));
        assert!(first.body.contains("Step 1 of 6"), "{}", first.body);

        step(&mut c, id, "red_flags", &red_flags(&[]), "baseline").await;
        step(&mut c, id, "baseline", &baseline(), "posture_form").await;
        let form = c.get(&format!("/assessment/{id}/posture_form")).await;
        assert!(form.body.contains("<svg"), "the tests are illustrated");
        assert!(form.body.contains("/assessment/figures.css"));
        step(&mut c, id, "posture_form", &posture_form(), "hip_mobility").await;
        step(&mut c, id, "hip_mobility", &hip_mobility(), "hip_stability").await;
        let stability = c.get(&format!("/assessment/{id}/hip_stability")).await;
        assert!(stability.body.contains("data-timer=\"stopwatch\""));
        assert!(
            !stability.body.contains("dynamometer"),
            "clinician-only tests are not offered to runners"
        );
        step(&mut c, id, "hip_stability", &hip_stability(), "core").await;
        step(&mut c, id, "core", &core_step(), "results").await;

        let results = c.get(&format!("/assessments/{id}")).await;
        assert_eq!(results.status, StatusCode::OK);
        let body = &results.body;
        assert!(body.contains("Assessment results"));
        assert!(body.contains("An exercise programme may be made"), "{body}");
        // A side-to-side finding: values, LSI, the chart with its 90% line and a table.
        assert!(body.contains("left 18 s, right 31 s"), "{body}");
        assert!(body.contains("about 58% of the right"), "{body}");
        assert!(body.contains("class=\"sides-chart\""));
        assert!(body.contains(">90%</text>"));
        assert!(body.contains("Left/right balance (weaker side as a share of the stronger)</th>"));
        assert!(body.contains("<td>58%</td>"));
        // Rules, cut-offs, sources, "our choice" and what was not tested.
        assert!(body.contains("Freckleton et al. 2014"));
        assert!(body.contains("our choice"));
        assert!(
            body.contains("Cadence below 160 steps/min is low"),
            "{body}"
        );
        assert!(
            body.contains("Hip extension lying face down; Couch stretch position."),
            "{body}"
        );
        assert!(body.contains("Hip mobility <span class=\"status status-"));
        assert!(body.contains("Sources</h2>"));
        assert!(
            !body.contains("After giving birth"),
            "no postpartum screen was taken"
        );

        // A finished assessment can't be changed through the wizard.
        let again = c.get(&format!("/assessment/{id}/core")).await;
        assert_eq!(again.location(), format!("/assessments/{id}"));
        let list = c.get("/assessment").await;
        assert!(list.body.contains("complete"));
        // The next one is a re-test, which asks for the global rating of change.
        let retest = start(&mut c, runner).await;
        step(&mut c, retest, "red_flags", &red_flags(&[]), "baseline").await;
        let b = c.get(&format!("/assessment/{retest}/baseline")).await;
        assert!(b.body.contains("Change since the last assessment"));
    })
    .await;
}

#[tokio::test]
async fn progress_is_saved_after_every_step_and_can_be_resumed() {
    each_backend(|store| async move {
        let (mut c, runner, _) = runner_in_clinic(&store, "ola@example.com").await;
        let id = start(&mut c, runner).await;
        let mut flags = red_flags(&[]);
        flags.retain(|(k, _)| k != "gave_birth");
        flags.push(("gave_birth".into(), "yes".into()));
        step(&mut c, id, "red_flags", &flags, "postpartum").await;

        // Another day, another browser: the draft is waiting where it was left.
        let mut later = c.another();
        later.login("ola@example.com", PASSWORD).await;
        let list = later.get("/assessment").await;
        assert!(
            list.body.contains("Continue where you left off"),
            "{}",
            list.body
        );
        assert!(list.body.contains(&format!("/assessment/{id}/postpartum")));
        let screen = later.get(&format!("/assessment/{id}/red_flags")).await;
        assert!(screen.body.contains("value=\"34\""), "{}", screen.body);
        assert!(
            screen
                .body
                .contains("name=\"gave_birth\" value=\"yes\" checked"),
            "the answers are kept"
        );
        let pp = later.get(&format!("/assessment/{id}/postpartum")).await;
        assert!(pp.body.contains("Step 2 of 7"), "{}", pp.body);
        let mut answers = fields(&[("postpartum.weeks_since_birth", "10")]);
        for symptom in [
            "leaking_or_urgency",
            "heaviness_or_dragging",
            "pain_with_intercourse",
            "abdominal_gap",
            "pelvic_or_back_pain",
            "late_bleeding",
        ] {
            answers.push((format!("postpartum.symptom_{symptom}"), "no".into()));
        }
        step(&mut later, id, "postpartum", &answers, "baseline").await;
        // Skipping every test of a step still moves on (they show as not tested).
        step(&mut later, id, "baseline", &Fields::new(), "posture_form").await;
    })
    .await;
}

#[tokio::test]
async fn bad_input_gets_a_message_by_the_field_and_keeps_what_was_typed() {
    each_backend(|store| async move {
        let (mut c, runner, _) = runner_in_clinic(&store, "kai@example.com").await;
        let id = start(&mut c, runner).await;
        // The screen must be answered in full, age included.
        let mut partial = red_flags(&[]);
        partial.retain(|(k, _)| k != "red_flags.cancer_history" && k != "red_flags.age_years");
        partial.push(("red_flags.age_years".into(), "thirty".into()));
        let res = post(&mut c, &format!("/assessment/{id}/red_flags"), &partial).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body
                .contains("Answer yes or no: Have you ever been treated for cancer?")
        );
        assert!(res.body.contains("value=\"thirty\""));
        assert!(
            res.body
                .contains("Age: type a number from 10 years to 100 years."),
            "{}",
            res.body
        );

        step(&mut c, id, "red_flags", &red_flags(&[]), "baseline").await;
        let mut bad = baseline();
        bad[0].1 = "11".into();
        let res = post(&mut c, &format!("/assessment/{id}/baseline"), &bad).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains(
            "id=\"baseline.pain_now-error\">Pain is scored from 0 (none) to 10 (worst imaginable)."
        ));
        assert!(res.body.contains("value=\"11\""));
        assert!(
            res.body.contains("value=\"sit through a film\""),
            "other values kept"
        );
        step(&mut c, id, "baseline", &baseline(), "posture_form").await;
        step(&mut c, id, "posture_form", &posture_form(), "hip_mobility").await;

        // An angle outside the test's own range gets that range, not an angle's generic one.
        let mut angles = hip_mobility();
        angles[0].1 = "200".into();
        angles[2].1 = "200".into();
        let res = post(&mut c, &format!("/assessment/{id}/hip_mobility"), &angles).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body
                .contains("Modified Thomas test thigh angle: enter a value from -45° to 60°."),
            "{}",
            res.body
        );
        assert!(
            res.body
                .contains("Modified Thomas test knee bend: enter a value from 0° to 150°.")
        );
        assert!(!res.body.contains("between -180° and 180°"));
        step(&mut c, id, "hip_mobility", &hip_mobility(), "hip_stability").await;

        let mut holds = hip_stability();
        holds[2].1 = "-5".into();
        holds[3].1 = "abc".into();
        holds[0].1 = "10000".into();
        let res = post(&mut c, &format!("/assessment/{id}/hip_stability"), &holds).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = &res.body;
        assert!(body.contains("Seconds can&#39;t be negative."), "{body}");
        assert!(body.contains("Single-leg bridge hold: type a number"));
        assert!(
            body.contains("Single-leg bridge to fatigue: enter a value from 0 reps to 200 reps.")
        );
        assert!(body.contains("value=\"-5\"") && body.contains("value=\"abc\""));
        assert!(body.contains("aria-invalid=\"true\""));
        assert!(body.contains("class=\"error-summary\""));
        // Nothing saved was lost: the earlier step still holds its values.
        let kept = c.get(&format!("/assessment/{id}/baseline")).await;
        assert!(kept.body.contains("value=\"run 5 km\""));
        // Only one side of a two-sided test.
        let one_side = fields(&[("core.pallof_hold.left", "30")]);
        step(&mut c, id, "hip_stability", &hip_stability(), "core").await;
        let res = post(&mut c, &format!("/assessment/{id}/core"), &one_side).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("give both the left and the right side"));
    })
    .await;
}

#[tokio::test]
async fn an_emergency_red_flag_stops_at_once_and_alerts_the_clinician() {
    each_backend(|store| async move {
        let (mut c, runner, clinic) = runner_in_clinic(&store, "eve@example.com").await;
        let doc = person(&store, Some(&clinic), "doc@example.com", Role::Clinician).await;
        let id = start(&mut c, runner).await;
        let res = post(
            &mut c,
            &format!("/assessment/{id}/red_flags"),
            &red_flags(&["saddle_numbness"]),
        )
        .await;
        assert_eq!(res.location(), format!("/assessments/{id}"));
        let page = c.get(&format!("/assessments/{id}")).await;
        let body = &page.body;
        assert!(body.contains("role=\"alert\""));
        assert!(body.contains("<h1 class=\"emergency-title\">Stop: this needs urgent care</h1>"));
        assert!(
            body.contains("<h2 id=\"referral-emergency\">Go to an emergency department now</h2>")
        );
        assert!(body.contains("pressure on the nerves at the base of the spine"));
        assert!(body.contains("No exercise programme yet"));
        assert!(
            !body.contains("Hip mobility"),
            "the flow stopped before the tests"
        );
        // The wizard does not go on.
        let next = c.get(&format!("/assessment/{id}/baseline")).await;
        assert_eq!(next.location(), format!("/assessments/{id}"));
        let alerts = store.open_alerts(&Actor::of(&doc)).await.unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].tier, AlertTier::Critical);
        assert_eq!(alerts[0].runner_id, runner);
        assert!(alerts[0].reason.contains("emergency"));

        // A see-a-doctor answer stops too, with its own message.
        let id = start(&mut c, runner).await;
        post(
            &mut c,
            &format!("/assessment/{id}/red_flags"),
            &red_flags(&["cancer_history"]),
        )
        .await;
        let page = c.get(&format!("/assessments/{id}")).await;
        assert!(page.body.contains("See a doctor before starting"));
        assert!(!page.body.contains("emergency department"));
        assert_eq!(store.open_alerts(&Actor::of(&doc)).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn staff_run_the_assessment_for_their_own_clients_only() {
    each_backend(|store| async move {
        let clinic_a = clinic(&store, "Clinic A").await;
        let clinic_b = clinic(&store, "Clinic B").await;
        let runner = person(&store, Some(&clinic_a), "cai@example.com", Role::Runner).await;
        person(
            &store,
            Some(&clinic_a),
            "doc-a@example.com",
            Role::Clinician,
        )
        .await;
        let doc_b = person(
            &store,
            Some(&clinic_b),
            "doc-b@example.com",
            Role::Clinician,
        )
        .await;

        let mut doc = Client::new(store.clone());
        doc.login("doc-a@example.com", PASSWORD).await;
        let new = doc
            .get(&format!("/runners/{}/assessments/new", runner.id))
            .await;
        assert_eq!(new.status, StatusCode::OK);
        assert!(new.body.contains("Run the assessment for cai"));
        let id = start(&mut doc, runner.id).await;
        let screen = doc.get(&format!("/assessment/{id}/red_flags")).await;
        assert!(screen.body.contains("entering results for cai"));
        assert!(screen.body.contains("Clinician's notes"));
        let mut flags = red_flags(&[]);
        flags.push((
            "notes".into(),
            "Seen in clinic; keen to run a 10 km in May.".into(),
        ));
        step(&mut doc, id, "red_flags", &flags, "baseline").await;
        step(&mut doc, id, "baseline", &baseline(), "posture_form").await;
        step(
            &mut doc,
            id,
            "posture_form",
            &posture_form(),
            "hip_mobility",
        )
        .await;
        step(
            &mut doc,
            id,
            "hip_mobility",
            &hip_mobility(),
            "hip_stability",
        )
        .await;
        let stability = doc.get(&format!("/assessment/{id}/hip_stability")).await;
        assert!(
            stability
                .body
                .contains("Hip abduction strength (hand-held dynamometer)")
        );
        assert!(
            stability.body.contains("Seen in clinic; keen"),
            "notes are kept"
        );
        let mut with_dynamometer = hip_stability();
        with_dynamometer.extend(fields(&[
            ("hip_stability.hip_abduction_dynamometer.sex", "female"),
            ("hip_stability.hip_abduction_dynamometer.left", "1.05"),
            ("hip_stability.hip_abduction_dynamometer.right", "1.4"),
            ("notes", "Seen in clinic; keen to run a 10 km in May."),
        ]));
        step(&mut doc, id, "hip_stability", &with_dynamometer, "core").await;
        let mut core = core_step();
        core.push((
            "notes".into(),
            "Seen in clinic; keen to run a 10 km in May.".into(),
        ));
        step(&mut doc, id, "core", &core, "results").await;
        let results = doc.get(&format!("/assessments/{id}")).await;
        assert!(
            results.body.contains("Ramskov et al. 2014"),
            "{}",
            results.body
        );
        assert!(
            results
                .body
                .contains("Seen in clinic; keen to run a 10 km in May.")
        );
        // The runner sees the same results.
        let mut own = doc.another();
        own.login("cai@example.com", PASSWORD).await;
        assert_eq!(
            own.get(&format!("/assessments/{id}")).await.status,
            StatusCode::OK
        );

        // Another clinic's clinician gets the same 404 as for nothing at all, and it is audited.
        let mut other = doc.another();
        other.login("doc-b@example.com", PASSWORD).await;
        for path in [
            format!("/runners/{}/assessments", runner.id),
            format!("/runners/{}/assessments/new", runner.id),
            format!("/assessments/{id}"),
            format!("/assessment/{id}/core"),
        ] {
            assert_eq!(
                other.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        other.get("/home").await; // a page with this session's CSRF token
        let res = other
            .post(&format!("/runners/{}/assessments/new", runner.id), &[])
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let trail = store.audit_events_about(runner.id).await.unwrap();
        assert!(
            trail
                .iter()
                .any(|e| e.actor_user_id == doc_b.id && e.outcome == "denied"),
            "{trail:?}"
        );
        // Another runner can't open it either.
        person(&store, Some(&clinic_a), "zed@example.com", Role::Runner).await;
        let mut zed = doc.another();
        zed.login("zed@example.com", PASSWORD).await;
        assert_eq!(
            zed.get(&format!("/assessments/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

// --- In Chromium, at phone size ----------------------------------------------------------------

/// Logs a new runner of a clinic in through the browser and starts an assessment.
async fn browser_start(b: &Browser, email: &str) {
    let clinic = clinic(&b.store, "Browser Clinic").await;
    person(&b.store, Some(&clinic), email, Role::Runner).await;
    b.log_in(email).await;
    b.goto("/assessment").await;
    b.assert_accessible().await;
    b.click("form.start-assessment button[type=submit]").await;
    b.wait_for_text("Step 1 of").await;
}

/// Picks a radio option by field name and value.
async fn choose(b: &Browser, name: &str, value: &str) {
    b.click(&format!("input[name='{name}'][value='{value}']"))
        .await;
}

pub(crate) async fn fill_in(b: &Browser, values: &Fields) {
    for (name, value) in values {
        let css = format!("[name='{name}']");
        let kind = b
            .client
            .find(fantoccini::Locator::Css(&css))
            .await
            .unwrap()
            .attr("type")
            .await
            .unwrap();
        if kind.as_deref() == Some("radio") {
            choose(b, name, value).await;
        } else {
            b.fill(&format!("input{css}"), value).await;
        }
    }
}

async fn next_step(b: &Browser, expect: &str) {
    b.click(".wizard-buttons button[type=submit]").await;
    b.wait_for_text(expect).await;
}

async fn answer_red_flags(b: &Browser, yes: &[&str]) {
    fill_in(b, &red_flags(yes)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_self_assessment_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    browser_start(&b, "phone@example.com").await;
    b.assert_accessible().await;
    b.screenshot("assessment-red-flags").await;
    answer_red_flags(&b, &[]).await;
    next_step(&b, "Step 2 of 6").await;
    // A mistake first: the message by the field, the value kept.
    let mut bad = baseline();
    bad[0].1 = "11".into();
    fill_in(&b, &bad).await;
    next_step(&b, "Pain is scored from 0 (none) to 10").await;
    b.assert_accessible().await;
    b.screenshot("assessment-baseline-error").await;
    fill_in(&b, &baseline()).await;
    next_step(&b, "Step 3 of 6").await;
    b.assert_accessible().await;
    fill_in(&b, &posture_form()).await;
    next_step(&b, "Step 4 of 6").await;
    b.assert_accessible().await;
    b.screenshot("assessment-hip-mobility").await;
    fill_in(&b, &hip_mobility()).await;
    next_step(&b, "Step 5 of 6").await;
    // The stopwatch is there (JavaScript adds it beside each hold).
    b.wait_for_text("Start timer").await;
    b.assert_accessible().await;
    b.screenshot("assessment-hip-stability").await;
    fill_in(&b, &hip_stability()).await;
    next_step(&b, "Step 6 of 6").await;
    b.assert_accessible().await;
    fill_in(&b, &core_step()).await;
    next_step(&b, "Assessment results").await;
    b.wait_for_text("class=\"sides-chart\"").await;
    b.assert_accessible().await;
    b.assert_fits_a_phone().await;
    b.screenshot("assessment-results").await;
    b.client
        .execute("document.querySelector('.chart').scrollIntoView();", vec![])
        .await
        .unwrap();
    b.screenshot("assessment-results-chart").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_red_flag_stops_the_assessment_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    browser_start(&b, "stop@example.com").await;
    answer_red_flags(&b, &["bladder_change"]).await;
    next_step(&b, "Go to an emergency department now").await;
    b.wait_for_text("role=\"alert\"").await;
    b.assert_accessible().await;
    b.screenshot("assessment-emergency").await;
    b.close().await;
}

#[tokio::test]
async fn a_clinics_own_cut_offs_are_checked_saved_and_used_for_scoring() {
    each_backend(|store| async move {
        let (mut c, runner, clinic) = runner_in_clinic(&store, "cut@example.com").await;
        person(&store, Some(&clinic), "cut-admin@example.com", Role::Admin).await;
        person(
            &store,
            Some(&clinic),
            "cut-doc@example.com",
            Role::Clinician,
        )
        .await;
        let mut admin = c.another();
        admin.login("cut-admin@example.com", PASSWORD).await;
        let page = admin.get("/clinic/settings").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Cadence counts as low below"));
        assert!(page.body.contains("value=\"160\""), "the default is shown");
        let mut doc = c.another();
        doc.login("cut-doc@example.com", PASSWORD).await;
        assert_eq!(
            doc.get("/clinic/settings").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            c.get("/clinic/settings").await.status,
            StatusCode::FORBIDDEN
        );

        // Every field as the page has it, with some changes.
        let form_values = |body: &str| -> Vec<(String, String)> {
            body.split("<input ")
                .skip(1)
                .filter_map(|tag| {
                    let attr = |name: &str| {
                        let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
                        Some(tag[at..at + tag[at..].find('"')?].to_owned())
                    };
                    Some((attr("name")?, attr("value").unwrap_or_default()))
                })
                .filter(|(k, _)| k != "csrf_token")
                .collect()
        };
        let mut values = form_values(&page.body);
        let set = |values: &mut Vec<(String, String)>, name: &str, v: &str| {
            values.iter_mut().find(|(k, _)| k == name).unwrap().1 = v.to_owned();
        };
        set(&mut values, "contact", "0161 496 0000");
        set(&mut values, "t-low_cadence_below", "250");
        set(&mut values, "t-lsi_marked_below", "95");
        let p: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let bad = admin.post("/clinic/settings", &p).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("id=\"t-low_cadence_below-error\""),
            "{}",
            bad.body
        );
        assert!(bad.body.contains("must be below the symmetric one"));
        assert!(
            bad.body.contains("value=\"0161 496 0000\""),
            "what was typed is kept"
        );
        assert_eq!(
            store
                .clinic(clinic.id)
                .await
                .unwrap()
                .settings
                .thresholds_json,
            None
        );

        set(&mut values, "t-low_cadence_below", "150");
        set(&mut values, "t-lsi_marked_below", "80");
        let p: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let ok = admin.post("/clinic/settings", &p).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let saved = store.clinic(clinic.id).await.unwrap().settings;
        assert_eq!(saved.contact, "0161 496 0000");
        assert!(saved.thresholds_json.unwrap().contains("low_cadence_below"));
        assert!(
            admin
                .get("/clinic/settings")
                .await
                .body
                .contains("set by the clinic")
        );

        // The clinic's runner is now scored with the clinic's cut-off.
        let id = start(&mut c, runner).await;
        step(&mut c, id, "red_flags", &red_flags(&[]), "baseline").await;
        step(&mut c, id, "baseline", &baseline(), "posture_form").await;
        step(&mut c, id, "posture_form", &posture_form(), "hip_mobility").await;
        step(&mut c, id, "hip_mobility", &hip_mobility(), "hip_stability").await;
        step(&mut c, id, "hip_stability", &hip_stability(), "core").await;
        step(&mut c, id, "core", &core_step(), "results").await;
        let results = c.get(&format!("/assessments/{id}")).await.body;
        assert!(
            results.contains("Cadence below 150 steps/min is low"),
            "{results}"
        );
    })
    .await;
}

#[tokio::test]
async fn answers_that_disagree_are_shown_with_the_one_that_was_scored() {
    each_backend(|store| async move {
        let (mut c, runner, _) = runner_in_clinic(&store, "lean@example.com").await;
        let id = start(&mut c, runner).await;
        step(&mut c, id, "red_flags", &red_flags(&[]), "baseline").await;
        step(&mut c, id, "baseline", &baseline(), "posture_form").await;
        let mut form = posture_form();
        form.retain(|(k, _)| k != "posture_form.leaning_back");
        form.push(("posture_form.leaning_back".into(), "no".into()));
        form.push(("posture_form.trunk_lean_degrees".into(), "-10".into()));
        step(&mut c, id, "posture_form", &form, "hip_mobility").await;
        step(&mut c, id, "hip_mobility", &hip_mobility(), "hip_stability").await;
        step(&mut c, id, "hip_stability", &hip_stability(), "core").await;
        step(&mut c, id, "core", &core_step(), "results").await;
        let results = c.get(&format!("/assessments/{id}")).await.body;
        assert!(results.contains("Answers that disagree"), "{results}");
        assert!(
            results.contains("the measured lean was scored and the observation left out"),
            "{results}"
        );
    })
    .await;
}

// --- The self-check at home ----------------------------------------------------------------------

#[tokio::test]
async fn the_home_self_check_lists_its_needs_marks_each_test_and_names_what_a_clinic_adds() {
    each_backend(|store| async move {
        let (mut c, runner, _) = runner_in_clinic(&store, "home@example.com").await;
        // The first screen: time, kit, and which tests need a helper or a clinic.
        let first = c.get("/assessment").await;
        let body = &first.body;
        for needed in [
            "Before you start",
            "about 30–45 minutes",
            "What you need",
            "Your phone",
            "A sturdy chair or a step",
            "A resistance band",
            "A wall",
            "Optionally a helper",
            "<span class=\"setting setting-helper\">With a helper</span>",
            "<li>Trunk flexor hold</li>",
            "<li>Modified Thomas test thigh angle</li>",
            "<span class=\"setting setting-clinic\">In clinic</span>",
            "<li>Hip abduction strength (hand-held dynamometer)</li>",
        ] {
            assert!(body.contains(needed), "{needed}: {body}");
        }

        let id = start(&mut c, runner).await;
        step(&mut c, id, "red_flags", &red_flags(&[]), "baseline").await;
        step(&mut c, id, "baseline", &baseline(), "posture_form").await;
        let posture = c.get(&format!("/assessment/{id}/posture_form")).await;
        assert!(
            posture
                .body
                .contains("class=\"setting setting-helper\">With a helper</p>")
        );
        assert!(
            posture
                .body
                .contains("class=\"setting setting-alone\">On your own</p>")
        );
        assert!(
            posture
                .body
                .contains("<strong>At home:</strong> A helper films you")
        );
        assert!(posture.body.contains("name=\"skip.trunk_lean_degrees\""));
        assert!(posture.body.contains("data-angle=\"lean\""));
        step(&mut c, id, "posture_form", &posture_form(), "hip_mobility").await;

        // The Thomas test says how to measure and which leg "left" is; the angle fields offer
        // the phone's tilt sensor and a drawing.
        let hips = c.get(&format!("/assessment/{id}/hip_mobility")).await;
        let body = &hips.body;
        assert!(body.contains("“Left” means your left leg hangs and is measured"));
        assert!(body.contains("along the front of the hanging thigh, top towards the knee"));
        assert!(body.contains("data-angle=\"rise\" data-angle-limb=\"thigh\""));
        assert!(body.contains("data-angle-sensor=\"on\""));
        assert!(body.contains("data-angle-from=\"hip_mobility.thomas_thigh_angle.right\""));
        // Bad input on an angle field: its message by the field, what was typed kept.
        let mut angles = hip_mobility();
        angles[0].1 = "abc".into();
        let res = post(&mut c, &format!("/assessment/{id}/hip_mobility"), &angles).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains(
            "id=\"hip_mobility.thomas_thigh_angle.left-error\">Modified Thomas test thigh angle: \
             type a number from -45° to 60°, or leave it empty to skip."
        ));
        assert!(res.body.contains("value=\"abc\"") && res.body.contains("value=\"-5\""));
        step(&mut c, id, "hip_mobility", &hip_mobility(), "hip_stability").await;

        let stability = c.get(&format!("/assessment/{id}/hip_stability")).await;
        assert!(stability.body.contains("A chair seat or a high step"));
        assert!(
            stability
                .body
                .contains("one heel up on a box or chair seat"),
            "the drawing shows the box"
        );
        step(&mut c, id, "hip_stability", &hip_stability(), "core").await;

        // The holds that need a helper say so; a tick marks a test "not tested" in one tap, even
        // with something typed in it.
        let core = c.get(&format!("/assessment/{id}/core")).await;
        assert!(core.body.contains("<li>You need a helper.</li><li>Sit with knees bent"));
        assert!(core.body.contains("<li>You need a helper.</li><li>Lie face down"));
        // One instruction per step; a hold's last step is its timer, beside the boxes below.
        assert!(core.body.contains("<li>Time it: press “Start timer” beside the box"));
        let mut holds = core_step();
        holds[0].1 = "abc".into();
        for skipped in ["mcgill_flexor", "mcgill_extensor", "double_leg_lowering"] {
            holds.push((format!("skip.{skipped}"), "on".into()));
        }
        step(&mut c, id, "core", &holds, "results").await;

        let results = c.get(&format!("/assessments/{id}")).await;
        let body = &results.body;
        assert!(body.contains("What a clinic visit would add"), "{body}");
        assert!(body.contains(
            "<strong>Core:</strong> A clinician can set up the trunk holds on a proper bench"
        ));
        assert!(
            body.contains(
                "<strong>Hip stability:</strong> A clinician can measure your hip strength"
            )
        );
        // The summary says it in one plain sentence per area; the area's card names the tests.
        let summary = &body[body.find("class=\"results-summary\"").unwrap()..];
        let summary = &summary[..summary.find("</section>").unwrap()];
        assert!(
            !summary.contains("Trunk flexor hold") && !summary.contains("(not tested)"),
            "{summary}"
        );
        assert_eq!(
            summary.matches("<strong>Core:</strong>").count(),
            1,
            "{summary}"
        );
        assert!(
            body.contains("<strong>Not tested:</strong> Trunk flexor hold; Back extensor hold; Double-leg lowering"),
            "{body}"
        );
        assert!(
            !body.contains("<strong>Pain and function today:</strong>"),
            "every question was answered (the re-test's change rating is not a gap)"
        );
    })
    .await;
}
