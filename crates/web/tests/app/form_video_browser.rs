//! Running form from a real video in headless Chromium (issue 16): the shared demo clip (a person
//! walking past in side view) goes through the real page — the vendored pose model in the
//! browser, WebGL in software — then is saved and shown. The test picks the walker as a person
//! would (the analysis starts when she is in the picture, and she is tapped), so the man jumping
//! on the box is left out. Skipped with a note when the clip or the browser is absent. Prints the
//! pose model's frames per second and the time from choosing the video to the results; saves
//! screenshots of the results under `target/screenshots/`.

use crate::browser::Browser;
use crate::client::*;
use crate::shared_data::shared_data;
use backstride_core::Role;
use backstride_core::form::{FormReport, MetricKind};
use backstride_store::Actor;
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// The form's state; "busy" while the page's script keeps the browser from answering (a frame
/// of the pose model in software on a loaded machine can take longer than the driver waits).
async fn state(b: &Browser) -> String {
    match b
        .client
        .execute(
            "return document.getElementById('form-video').dataset.state;",
            vec![],
        )
        .await
    {
        Ok(v) => v.as_str().unwrap_or_default().to_owned(),
        Err(_) => "busy".to_owned(),
    }
}

/// Chooses `video` in the page's file field and waits until its length is read.
async fn choose(b: &Browser, video: &std::path::Path) {
    let input = b.client.find(Locator::Css("#video")).await.unwrap();
    input
        .send_keys(video.canonicalize().unwrap().to_str().unwrap())
        .await
        .unwrap();
    for _ in 0..300 {
        if state(b).await == "ready" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state(b).await, "ready", "the video's length was read");
}

fn value(report: &FormReport, kind: MetricKind) -> Option<f64> {
    report.metric(kind).and_then(|m| m.outcome.value())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_video_is_measured_in_the_browser() {
    let Some(video) = shared_data("video/sports2d-demo.mp4") else {
        return;
    };
    let Some(b) = Browser::start_with_webgl().await else {
        return;
    };
    let clinic = clinic(&b.store, "Video Clinic").await;
    let runner = person(&b.store, Some(&clinic), "walker@example.com", Role::Runner).await;
    b.log_in("walker@example.com").await;
    b.goto("/form").await;
    b.wait_for_text("The video stays on your phone").await;
    b.assert_accessible().await;
    b.assert_fits_a_phone().await;
    // The pose model's script loaded under this page's policy.
    let has_pose = b
        .client
        .execute("return typeof window.Pose === 'function';", vec![])
        .await
        .unwrap();
    assert_eq!(
        has_pose,
        serde_json::json!(true),
        "the vendored pose.js loaded"
    );

    // The lite model unless told otherwise (BACKSTRIDE_POSE_MODEL=full): this machine draws WebGL
    // in software, so the full model is slow here.
    let full = std::env::var("BACKSTRIDE_POSE_MODEL").is_ok_and(|m| m == "full");
    if !full {
        b.click("input[name=model][value='0']").await;
    }
    let chosen = Instant::now();
    choose(&b, &video).await;
    // The walker comes out from behind the tree at about 1.5 s: start at 2 s and tap her at the
    // waist (80% across, 70% down the picture).
    let picked = b
        .client
        .execute(
            r#"const start = document.getElementById('start');
               start.value = '2';
               start.dispatchEvent(new Event('input'));
               const picker = document.getElementById('picker');
               const r = picker.getBoundingClientRect();
               picker.dispatchEvent(new MouseEvent('click', { bubbles: true,
                 clientX: r.left + 0.80 * r.width, clientY: r.top + 0.70 * r.height }));
               return document.getElementById('form-video').dataset.picked;"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(picked, serde_json::json!("tap"), "the walker was tapped");
    b.wait_for_text("The person you tapped will be measured, from 2.0 s on.")
        .await;
    b.assert_accessible().await;
    b.screenshot("form-video-picked").await;
    b.click("#analyse").await;
    // A frame or more per second even in software: allow 20 minutes on a loaded machine.
    let mut last = String::new();
    for _ in 0..2400 {
        last = state(&b).await;
        if last == "done" || last == "error" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let page = b.client.source().await.unwrap();
    assert_eq!(last, "done", "analysis ended as {last}: {page}");
    let timing = b
        .client
        .execute("return window.formVideoTiming;", vec![])
        .await
        .unwrap();
    b.screenshot("form-video-analysed").await;
    b.click("#save").await;
    b.wait_for_text("What was measured").await;
    let to_results = chosen.elapsed();
    // The stills taken from the video on the phone are on the results page (and were not sent).
    let kept = b
        .client
        .execute(
            "const k = document.getElementById('kept-stills');
             return [k.hidden, k.querySelectorAll('img.kept-still').length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(kept, serde_json::json!([false, 2]), "two stills kept");
    eprintln!(
        "pose model {}: {timing}; from choosing the video to the results: {:.1} s",
        if full { "full" } else { "lite" },
        to_results.as_secs_f64()
    );
    b.check_both_widths("form-video-results").await;

    let stored = b
        .store
        .form_videos_of(&Actor::of(&runner), runner.id)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    let report: FormReport = serde_json::from_str(&stored[0].report_json).unwrap();
    let full = b
        .store
        .form_video(&Actor::of(&runner), stored[0].id)
        .await
        .unwrap();
    assert!(
        !full.series_json.contains("data:image"),
        "only landmarks are sent"
    );
    // The landmark series beside the screenshots, to study the clip's figures without a browser.
    let dir = crate::browser::screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("form-video-series.json"), &full.series_json).unwrap();
    eprintln!(
        "demo video: {} frames, person in {}, {} stride events; metrics {:?}",
        report.frames,
        report.frames_with_pose,
        report.strides,
        report
            .metrics
            .iter()
            .map(|m| (m.kind, m.outcome.clone()))
            .collect::<Vec<_>>()
    );
    assert!(
        report.frames_with_pose * 4 >= report.frames * 3,
        "a person in most frames: {} of {}",
        report.frames_with_pose,
        report.frames
    );
    assert!(
        report.strides >= 4,
        "stride events found: {}",
        report.strides
    );
    // The walking figures of the issue: a cadence of walking, the knee almost straight as the
    // heel lands, the trunk near upright. (The model puts this walker's shoulders 3–13° behind
    // her hips: the lite model's median was −8 and −10°, the full model's −10.5°, which fails
    // here; see bench/RESULTS.md.)
    let cadence = value(&report, MetricKind::Cadence).expect("cadence measured");
    assert!((90.0..=130.0).contains(&cadence), "cadence {cadence}");
    let knee = value(&report, MetricKind::KneeFlexionAtContact).expect("knee measured");
    assert!((0.0..=20.0).contains(&knee), "knee bend at contact {knee}");
    let lean = value(&report, MetricKind::TrunkLean).expect("trunk lean measured");
    assert!(lean.abs() <= 10.0, "trunk lean {lean}");
    b.close().await;
}

/// The live check before recording: the camera's picture with the pose model on it, here
/// Chromium's fake camera (a test pattern, no one in it); then the rule that reads the
/// landmarks, on two stills of the demo clip: the walker whole in the picture, and cut off at
/// the knees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_check_says_whether_the_whole_body_is_in_the_picture() {
    let Some(b) = Browser::start_with_fake_camera().await else {
        return;
    };
    let clinic = clinic(&b.store, "Camera Clinic").await;
    person(&b.store, Some(&clinic), "framer@example.com", Role::Runner).await;
    b.log_in("framer@example.com").await;
    b.goto("/form").await;
    b.click("#live-start").await;
    let framing = || async {
        b.client
            .execute(
                "return document.getElementById('live-check').dataset.framing;",
                vec![],
            )
            .await
            .unwrap_or(serde_json::json!("busy"))
    };
    // The pose model loads in software here: allow a few minutes on a loaded machine.
    for _ in 0..1200 {
        if !["off", "busy"].contains(&framing().await.as_str().unwrap_or_default()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(
        framing().await,
        serde_json::json!("none"),
        "no one in the test pattern"
    );
    b.wait_for_text("No one found in the picture yet").await;
    b.assert_accessible().await;
    b.screenshot("form-video-live-check").await;
    b.click("#live-stop").await;
    assert_eq!(framing().await, serde_json::json!("off"));

    let Some(video) = shared_data("video/sports2d-demo.mp4") else {
        b.close().await;
        return;
    };
    choose(&b, &video).await;
    // At 5 s the walker stands 51–94% down the picture, 22–35% across: a crop around her, and
    // the same crop cut at her knees.
    // Started here, read below: the model loads in software, longer than the driver waits for
    // a script.
    b.client
        .execute(
            r#"const done = (v) => { window.framingStates = v; };
            (async () => {
              const player = document.getElementById('player');
              const seeked = new Promise((r) => player.addEventListener('seeked', r, { once: true }));
              player.currentTime = 5.0;
              await seeked;
              const W = player.videoWidth, H = player.videoHeight;
              const base = document.getElementById('form-video').dataset.poseBase;
              const pose = new window.Pose({ locateFile: (f) => base + f });
              pose.setOptions({ modelComplexity: 0, smoothLandmarks: false, enableSegmentation: false,
                minDetectionConfidence: 0.5, minTrackingConfidence: 0.5 });
              let found = null;
              pose.onResults((r) => { found = r.poseLandmarks || null; });
              await pose.initialize();
              const canvas = document.createElement('canvas');
              const look = async (x, y, w, h) => {
                canvas.width = Math.round(w * W / 2);
                canvas.height = Math.round(h * H / 2);
                canvas.getContext('2d').drawImage(player, x * W, y * H, w * W, h * H, 0, 0, canvas.width, canvas.height);
                found = null;
                await pose.reset();
                await pose.send({ image: canvas });
                return window.formVideoFraming(found).state;
              };
              done([await look(0.1, 0.4, 0.35, 0.6), await look(0.1, 0.4, 0.35, 0.38)]);
            })().catch((e) => done(String(e)));"#,
            vec![],
        )
        .await
        .unwrap();
    let mut states = serde_json::Value::Null;
    for _ in 0..1200 {
        states = b
            .client
            .execute("return window.framingStates || null;", vec![])
            .await
            .unwrap_or_default();
        if !states.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(
        states,
        serde_json::json!(["ok", "step-back"]),
        "whole body, then cut at the knees"
    );
    b.close().await;
}
