//! Running form from a video (issue 16): the landmark series saved as JSON, analysed by core and
//! shown; bad series refused with each field's message and nothing stored; the capture page's
//! own CSP; staff access audited, other clinics refused; the assessment's posture step filled;
//! the clinician confirms or dismisses each finding, and only confirmed ones fill their
//! assessment.

use crate::client::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backstride_core::Role;
use backstride_core::Thresholds;
use backstride_core::form::synthetic::SyntheticRunner;
use backstride_core::form::{RawFrame, RawSeries, analyse, validate};
use backstride_store::{Actor, NewFormVideo, Store, User};
use std::sync::Arc;

/// Stores an analysis of a synthetic runner for `runner` straight through the store (for the
/// security suites' world); returns its id.
pub(crate) async fn saved_analysis(store: &Arc<dyn Store>, runner: &User) -> i64 {
    saved_analysis_of(store, runner, &SyntheticRunner::default()).await
}

/// As [`saved_analysis`], of the runner `filmed`.
pub(crate) async fn saved_analysis_of(
    store: &Arc<dyn Store>,
    runner: &User,
    filmed: &SyntheticRunner,
) -> i64 {
    let raw = filmed.series();
    let report = analyse(&validate(&raw).unwrap(), &Thresholds::default());
    store
        .add_form_video(
            &Actor::of(runner),
            runner.id,
            &NewFormVideo {
                view: "side".into(),
                series_json: serde_json::to_string(&raw).unwrap(),
                report_json: serde_json::to_string(&report).unwrap(),
            },
        )
        .await
        .unwrap()
        .id
}

/// Posts a body as the page's script does: JSON, the page's CSRF token in the header.
async fn post_json(c: &mut Client, path: &str, body: Vec<u8>) -> Resp {
    let token = c.csrf.clone().expect("a CSRF token from a page");
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .header("x-csrf-token", token)
        .body(Body::from(body))
        .unwrap();
    c.send(req).await
}

async fn save(c: &mut Client, runner_id: i64, raw: &RawSeries) -> Resp {
    let page = c.get(&format!("/runners/{runner_id}/form")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    post_json(
        c,
        &format!("/runners/{runner_id}/form/save"),
        serde_json::to_vec(raw).unwrap(),
    )
    .await
}

fn url_of(res: &Resp) -> String {
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    v["url"].as_str().unwrap().to_owned()
}

/// The refused fields of a 422 problem body.
fn refused(res: &Resp) -> Vec<(String, String)> {
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn runner(store: &Arc<dyn Store>) -> (Client, User, backstride_store::Clinic) {
    let clinic = clinic(store, "Form Clinic").await;
    let runner = person(store, Some(&clinic), "fern@example.com", Role::Runner).await;
    let mut c = Client::new(store.clone());
    c.login("fern@example.com", PASSWORD).await;
    (c, runner, clinic)
}

#[tokio::test]
async fn a_saved_series_is_analysed_stored_and_shown() {
    each_backend(|store| async move {
        let (mut c, runner, _) = runner(&store).await;
        assert_eq!(
            c.get("/form").await.location(),
            format!("/runners/{}/form", runner.id)
        );
        let page = c.get(&format!("/runners/{}/form", runner.id)).await;
        assert!(page.body.contains("The video stays on your phone"));
        assert!(
            page.body
                .contains(r#"accept="video/*" capture="environment""#)
        );
        // The pose model runs on this page only: WebAssembly and the chosen video allowed here.
        let csp = page.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("'wasm-unsafe-eval'") && csp.contains("media-src 'self' blob:"),
            "{csp}"
        );
        // And the camera, for the live check before recording.
        assert_eq!(
            page.headers["permissions-policy"],
            "camera=(self), microphone=(), geolocation=()"
        );
        let elsewhere = c.get("/runs").await;
        let csp = elsewhere.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(!csp.contains("wasm") && !csp.contains("blob:"), "{csp}");
        assert_eq!(
            elsewhere.headers["permissions-policy"],
            "camera=(), microphone=(), geolocation=()"
        );
        // The model's files are served (by the plain names its script asks for).
        let wasm = c
            .get("/static/vendor/mediapipe/tasks-vision/vision_wasm_internal.wasm")
            .await;
        assert_eq!(wasm.status, StatusCode::OK);
        assert_eq!(wasm.headers[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(&wasm.bytes[..4], b"\0asm");
        // So is the MP4 reader the page decodes the video's frames with, and its licence.
        let mp4box = c.get("/static/vendor/mp4box/mp4box.all.min.js").await;
        assert_eq!(mp4box.status, StatusCode::OK);
        assert!(
            page.body.contains("/static/vendor/mp4box/mp4box.all.min."),
            "script linked"
        );
        let licence = c.get("/static/vendor/mp4box/LICENSE.txt").await;
        assert!(
            licence.body.contains("Redistribution and use"),
            "{}",
            licence.body
        );

        let raw = SyntheticRunner {
            trunk_lean: -2.0,
            ..SyntheticRunner::default()
        }
        .series();
        let res = save(&mut c, runner.id, &raw).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let url = url_of(&res);
        let stored = store
            .form_videos_of(&Actor::of(&runner), runner.id)
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert!(url.ends_with(&format!("/form/{}", stored[0].id)), "{url}");
        let full = store
            .form_video(&Actor::of(&runner), stored[0].id)
            .await
            .unwrap();
        let back: RawSeries = serde_json::from_str(&full.series_json).unwrap();
        assert_eq!(back.frames.len(), raw.frames.len(), "the series is kept");

        let shown = c.get(&url).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
        for words in [
            "Trunk lean at mid-stance",
            "-2°",
            "Leaning back",
            "A small forward lean of the whole body from the ankles",
            "Straight leg lowers",
            "Cadence",
            "170 steps/min",
            "from ",
            "foot landings",
            "Damsted et al. 2015",
            "<svg class=\"pose-figure\"",
            "As the foot lands",
            "Mid-stance",
        ] {
            assert!(shown.body.contains(words), "{words} missing");
        }
        // Re-test: the second analysis shows the first one's numbers as "last time".
        let again = save(&mut c, runner.id, &SyntheticRunner::default().series()).await;
        let second = c.get(&url_of(&again)).await;
        assert!(second.body.contains("Last time: -2°"), "{}", second.body);
        // And the first one's stick figures beside this one's, moment by moment.
        assert!(second.body.contains("previous video from"));
        assert!(second.body.contains("As the foot lands, this video."));
        assert_eq!(
            second.body.matches("<svg class=\"pose-figure\"").count(),
            4,
            "two moments, now and last time"
        );
        // A runner sees no confirm or dismiss buttons.
        assert!(!second.body.contains("value=\"confirm\""));
        let list = c.get(&format!("/runners/{}/form", runner.id)).await;
        assert!(list.body.matches("/form/").count() >= 2);
    })
    .await;
}

#[tokio::test]
async fn bad_series_are_refused_field_by_field_and_nothing_is_stored() {
    each_backend(|store| async move {
        let (mut c, runner, _) = runner(&store).await;
        let good = SyntheticRunner::default().series();

        // NaN travels as null from the browser.
        let mut nan = good.clone();
        nan.frames[5].landmarks[27][1] = None;
        let errors = refused(&save(&mut c, runner.id, &nan).await);
        assert!(
            errors
                .iter()
                .any(|(f, m)| f == "frames[5].landmarks[27]" && m.contains("LeftAnkle")),
            "{errors:?}"
        );

        let mut outside = good.clone();
        outside.frames[9].landmarks[0][0] = Some(-3.0);
        let errors = refused(&save(&mut c, runner.id, &outside).await);
        assert!(
            errors
                .iter()
                .any(|(_, m)| m.contains("outside the picture")),
            "{errors:?}"
        );

        let mut shuffled = good.clone();
        shuffled.frames.swap(30, 31);
        let errors = refused(&save(&mut c, runner.id, &shuffled).await);
        assert!(
            errors
                .iter()
                .any(|(f, m)| f == "frames[31].t" && m.contains("time order")),
            "{errors:?}"
        );

        let huge = RawSeries {
            frames: vec![
                RawFrame {
                    t: Some(0.0),
                    landmarks: Vec::new(),
                };
                100_000
            ],
            ..good.clone()
        };
        let errors = refused(&save(&mut c, runner.id, &huge).await);
        assert!(
            errors.iter().any(|(_, m)| m.contains("at most 20000")),
            "{errors:?}"
        );

        let short = SyntheticRunner {
            seconds: 2.0,
            ..SyntheticRunner::default()
        }
        .series();
        let errors = refused(&save(&mut c, runner.id, &short).await);
        assert!(
            errors.iter().any(|(_, m)| m.contains("at least 3 seconds")),
            "{errors:?}"
        );

        // A video of a wall: no person found in any frame.
        let wall = RawSeries {
            frames: (0..300)
                .map(|i| RawFrame {
                    t: Some(f64::from(i) / 30.0),
                    landmarks: Vec::new(),
                })
                .collect(),
            width: Some(1080.0),
            height: Some(1920.0),
            ..good.clone()
        };
        let errors = refused(&save(&mut c, runner.id, &wall).await);
        assert!(
            errors
                .iter()
                .any(|(_, m)| m.contains("No runner was found")),
            "{errors:?}"
        );

        let mut no_view = good.clone();
        no_view.view = Some("above".into());
        let errors = refused(&save(&mut c, runner.id, &no_view).await);
        assert!(errors.iter().any(|(f, _)| f == "view"), "{errors:?}");

        c.get(&format!("/runners/{}/form", runner.id)).await;
        let not_json = post_json(
            &mut c,
            &format!("/runners/{}/form/save", runner.id),
            b"{\"frames\": 3".to_vec(),
        )
        .await;
        let errors = refused(&not_json);
        assert_eq!(errors[0].0, "series");

        // Past the size bound: refused at the door, never a 5xx.
        let too_big = post_json(
            &mut c,
            &format!("/runners/{}/form/save", runner.id),
            vec![b' '; backstride_web_form_limit() + 1],
        )
        .await;
        assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);

        assert!(
            store
                .form_videos_of(&Actor::of(&runner), runner.id)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

/// The save's body limit (16 MiB).
fn backstride_web_form_limit() -> usize {
    16 * 1024 * 1024
}

#[tokio::test]
async fn clinic_staff_see_it_audited_and_other_clinics_get_404() {
    each_backend(|store| async move {
        let (mut c, runner, clinic) = runner(&store).await;
        let saved = save(&mut c, runner.id, &SyntheticRunner::default().series()).await;
        let url = url_of(&saved);
        person(&store, Some(&clinic), "coach@example.com", Role::Clinician).await;
        let mut staff = c.another();
        staff.login("coach@example.com", PASSWORD).await;
        let list = staff.get(&format!("/runners/{}/form", runner.id)).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("Running form from a video: fern"));
        assert_eq!(staff.get(&url).await.status, StatusCode::OK);
        // Staff may record one for the runner too.
        let theirs = save(&mut staff, runner.id, &SyntheticRunner::default().series()).await;
        assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);

        let other = clinic_other(&store).await;
        let mut outsider = c.another();
        outsider.login(other.email.as_str(), PASSWORD).await;
        assert_eq!(outsider.get(&url).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            outsider
                .get(&format!("/runners/{}/form", runner.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        outsider.get("/settings").await;
        let denied = post_json(
            &mut outsider,
            &format!("/runners/{}/form/save", runner.id),
            serde_json::to_vec(&SyntheticRunner::default().series()).unwrap(),
        )
        .await;
        assert_eq!(denied.status, StatusCode::NOT_FOUND);
        // Another runner's id under this runner's address is not found either.
        let mut peer_c = c.another();
        let peer = person(&store, Some(&clinic), "pat@example.com", Role::Runner).await;
        peer_c.login("pat@example.com", PASSWORD).await;
        let peer_url = url.replace(
            &format!("/runners/{}/", runner.id),
            &format!("/runners/{}/", peer.id),
        );
        assert_eq!(peer_c.get(&peer_url).await.status, StatusCode::NOT_FOUND);

        let audit = store.audit_events_about(runner.id).await.unwrap();
        let staff_reads = audit
            .iter()
            .filter(|e| e.outcome == "allowed" && e.action.contains("running-form"))
            .count();
        assert!(staff_reads >= 3, "{audit:?}");
        assert!(
            audit
                .iter()
                .any(|e| e.actor_user_id == other.id && e.outcome == "denied"),
            "{audit:?}"
        );
        assert_eq!(
            store
                .form_videos_of(&Actor::of(&runner), runner.id)
                .await
                .unwrap()
                .len(),
            2
        );
    })
    .await;
}

async fn clinic_other(store: &Arc<dyn Store>) -> User {
    let other = clinic(store, "Elsewhere").await;
    person(
        store,
        Some(&other),
        "elsewhere@example.com",
        Role::Clinician,
    )
    .await
}

#[tokio::test]
async fn a_side_view_fills_the_empty_answers_of_the_assessment_posture_step() {
    each_backend(|store| async move {
        let (mut c, runner, _) = runner(&store).await;
        let assessment = crate::assessment::start(&mut c, runner.id).await;
        let step = c
            .get(&format!("/assessment/{assessment}/posture_form"))
            .await;
        // The red flags come first; the link is on the posture step itself, checked below.
        assert!(step.status.is_success() || step.status.is_redirection());
        let page = c
            .get(&format!(
                "/runners/{}/form?assessment={assessment}",
                runner.id
            ))
            .await;
        assert!(
            page.body
                .contains(&format!("/form/save?assessment={assessment}"))
        );
        let raw = SyntheticRunner {
            trunk_lean: -2.0,
            ..SyntheticRunner::default()
        }
        .series();
        let res = post_json(
            &mut c,
            &format!("/runners/{}/form/save?assessment={assessment}", runner.id),
            serde_json::to_vec(&raw).unwrap(),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let url = url_of(&res);
        assert!(url.contains("filled=5"), "{url}");
        let shown = c.get(&url).await;
        assert!(
            shown
                .body
                .contains("5 answers of the posture and running-form step were filled in")
        );
        let rec = store
            .assessment(&Actor::of(&runner), assessment)
            .await
            .unwrap();
        let raw: serde_json::Value = serde_json::from_str(&rec.raw_json).unwrap();
        let posture = &raw["posture_form"];
        assert_eq!(posture["trunk_lean_degrees"], -2.0);
        assert_eq!(posture["leaning_back"], "yes");
        assert_eq!(posture["overstriding"], "no");
        assert_eq!(posture["forward_head"], "no");
        assert_eq!(posture["cadence"]["steps_per_minute"], 170.0);
    })
    .await;
}

#[tokio::test]
async fn the_clinician_confirms_or_dismisses_each_finding_and_only_confirmed_ones_fill_their_assessment()
 {
    each_backend(|store| async move {
        let (mut c, runner, clinic) = runner(&store).await;
        let coach = person(&store, Some(&clinic), "coach@example.com", Role::Clinician).await;
        let mut staff = c.another();
        staff.login("coach@example.com", PASSWORD).await;
        let assessment = crate::assessment::start(&mut staff, runner.id).await;
        staff
            .get(&format!(
                "/runners/{}/form?assessment={assessment}",
                runner.id
            ))
            .await;
        let raw = SyntheticRunner {
            trunk_lean: -2.0,
            ..SyntheticRunner::default()
        }
        .series();
        let res = post_json(
            &mut staff,
            &format!("/runners/{}/form/save?assessment={assessment}", runner.id),
            serde_json::to_vec(&raw).unwrap(),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let url = url_of(&res);
        assert!(
            !url.contains("filled="),
            "nothing filled before a confirmation: {url}"
        );
        let posture = |store: Arc<dyn Store>| {
            let runner = runner.clone();
            async move {
                let rec = store
                    .assessment(&Actor::of(&runner), assessment)
                    .await
                    .unwrap();
                let raw: serde_json::Value = serde_json::from_str(&rec.raw_json).unwrap();
                raw["posture_form"].clone()
            }
        };
        assert_eq!(
            posture(store.clone()).await["cadence"],
            serde_json::Value::Null
        );

        let page = staff.get(&url).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Confirm or dismiss each finding below"));
        let action = format!(
            "/runners/{}/form/{}/review?assessment={assessment}",
            runner.id,
            url.split(&['/', '?'][..]).nth(4).unwrap()
        );
        assert!(page.body.contains(&action), "{action}");

        // Without the CSRF token: refused, nothing recorded.
        let forged = staff
            .post_raw(&action, "metric=cadence&decision=confirm".into())
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        // A finding the video does not have, or no decision: a problem body, never a 500.
        let bad = staff
            .post(&action, &[("metric", "shoe_size"), ("decision", "confirm")])
            .await;
        assert_eq!(refused(&bad)[0].0, "metric");
        let bad = staff
            .post(&action, &[("metric", "cadence"), ("decision", "maybe")])
            .await;
        assert_eq!(refused(&bad)[0].0, "decision");

        let confirmed = staff
            .post(&action, &[("metric", "cadence"), ("decision", "confirm")])
            .await;
        assert_eq!(
            confirmed.status,
            StatusCode::SEE_OTHER,
            "{}",
            confirmed.body
        );
        assert!(confirmed.location().contains("filled=1#metric-cadence"));
        let dismissed = staff
            .post(
                &action,
                &[("metric", "trunk_lean"), ("decision", "dismiss")],
            )
            .await;
        assert!(dismissed.location().contains("filled=0#metric-trunk_lean"));
        let filled = posture(store.clone()).await;
        assert_eq!(filled["cadence"]["steps_per_minute"], 170.0);
        assert_eq!(filled["trunk_lean_degrees"], serde_json::Value::Null);
        assert_eq!(filled["leaning_back"], serde_json::Value::Null);
        // Confirmed, then dismissed: the answers it filled are taken back, the others stay.
        let lean = staff
            .post(
                &action,
                &[("metric", "trunk_lean"), ("decision", "confirm")],
            )
            .await;
        assert!(lean.location().contains("filled=2#metric-trunk_lean"));
        let filled = posture(store.clone()).await;
        assert_eq!(filled["trunk_lean_degrees"], -2.0);
        assert_eq!(filled["leaning_back"], "yes");
        let undone = staff
            .post(
                &action,
                &[("metric", "trunk_lean"), ("decision", "dismiss")],
            )
            .await;
        assert!(undone.location().contains("#metric-trunk_lean"));
        let filled = posture(store.clone()).await;
        assert_eq!(filled["trunk_lean_degrees"], serde_json::Value::Null);
        assert_eq!(filled["leaning_back"], serde_json::Value::Null);
        assert_eq!(filled["cadence"]["steps_per_minute"], 170.0);

        let id: i64 = url.split(&['/', '?'][..]).nth(4).unwrap().parse().unwrap();
        let record = store.form_video(&Actor::of(&runner), id).await.unwrap();
        let decisions: Vec<(&str, bool, i64)> = record
            .reviews
            .iter()
            .map(|r| (r.metric.as_str(), r.confirmed, r.decided_by))
            .collect();
        assert_eq!(
            decisions,
            vec![("cadence", true, coach.id), ("trunk_lean", false, coach.id)]
        );
        let audit = store.audit_events_about(runner.id).await.unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|e| e.action == "review running-form finding" && e.outcome == "allowed")
                .count(),
            4,
            "{audit:?}"
        );
        // The analysis is on the runner's timeline.
        let record_page = staff.get(&format!("/runners/{}", runner.id)).await;
        assert!(
            record_page
                .body
                .contains("Running form from a video (from the side)"),
            "{}",
            record_page.body
        );
        // The runner sees the decisions but may not make one.
        let shown = c.get(&format!("/runners/{}/form/{id}", runner.id)).await;
        assert!(shown.body.contains("Confirmed by the clinician"));
        assert!(shown.body.contains("Dismissed by the clinician"));
        assert!(!shown.body.contains("value=\"confirm\""));
        let own = format!("/runners/{}/form/{id}/review", runner.id);
        let refused_runner = c
            .post(&own, &[("metric", "cadence"), ("decision", "dismiss")])
            .await;
        assert_eq!(refused_runner.status, StatusCode::FORBIDDEN);
        // Another clinic's clinician: not found, and the attempt is audited as denied.
        let other = clinic_other(&store).await;
        let mut outsider = c.another();
        outsider.login(other.email.as_str(), PASSWORD).await;
        outsider.get("/settings").await;
        let denied = outsider
            .post(&own, &[("metric", "cadence"), ("decision", "dismiss")])
            .await;
        assert_eq!(denied.status, StatusCode::NOT_FOUND);
        let record = store.form_video(&Actor::of(&runner), id).await.unwrap();
        assert!(
            record
                .reviews
                .iter()
                .any(|r| r.metric == "cadence" && r.confirmed)
        );
    })
    .await;
}
