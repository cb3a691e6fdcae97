//! Running form from a real video in headless Chromium (issue 16): the shared demo clip (a person
//! walking past in side view) goes through the real page — the vendored pose model in the
//! browser, WebGL in software — then is saved and shown. Skipped with a note when the clip or
//! the browser is absent. Prints the pose model's frames per second and the time from choosing
//! the video to the results; saves a screenshot of the results under `target/screenshots/`.

use crate::browser::Browser;
use crate::client::*;
use backstride_core::Role;
use backstride_core::form::{FormReport, MetricKind};
use backstride_store::Actor;
use fantoccini::Locator;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// `../shared/data/video` beside the repository (a checkout in `/work/main`), else
/// `/work/shared/data/video` (a worktree elsewhere).
fn demo_video() -> PathBuf {
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/video/sports2d-demo.mp4");
    if beside.exists() {
        beside
    } else {
        PathBuf::from("/work/shared/data/video/sports2d-demo.mp4")
    }
}

fn screenshots() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("screenshots")
}

async fn state(b: &Browser) -> String {
    let v = b
        .client
        .execute(
            "return document.getElementById('form-video').dataset.state;",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_owned()
}

fn value(report: &FormReport, kind: MetricKind) -> Option<f64> {
    report.metric(kind).and_then(|m| m.outcome.value())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_video_is_measured_in_the_browser() {
    let video = demo_video();
    if !video.exists() {
        eprintln!(
            "skipped: {} not found (the shared test data); nothing to measure",
            video.display()
        );
        return;
    }
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
    let input = b.client.find(Locator::Css("#video")).await.unwrap();
    input
        .send_keys(video.canonicalize().unwrap().to_str().unwrap())
        .await
        .unwrap();
    for _ in 0..300 {
        if state(&b).await == "ready" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state(&b).await, "ready", "the video's length was read");
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
    eprintln!(
        "pose model {}: {timing}; from choosing the video to the results: {:.1} s",
        if full { "full" } else { "lite" },
        to_results.as_secs_f64()
    );
    b.assert_accessible().await;
    b.assert_fits_a_phone().await;
    let png = b.client.screenshot().await.unwrap();
    let dir = screenshots();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("form-video-results.png"), png).unwrap();

    let stored = b
        .store
        .form_videos_of(&Actor::of(&runner), runner.id)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    let report: FormReport = serde_json::from_str(&stored[0].report_json).unwrap();
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
    // Not yet the walking figures (cadence 90–130, knee almost straight at contact, trunk within
    // ±10°): MediaPipe Pose follows one person, and in this clip it follows the man jumping on
    // the box for the first 5.5 s and the woman walking past only after; so only that each is
    // measured and plausible is checked (issue 16 stays open for choosing the runner).
    let cadence = value(&report, MetricKind::Cadence).expect("cadence measured");
    assert!((60.0..=260.0).contains(&cadence), "cadence {cadence}");
    let knee = value(&report, MetricKind::KneeFlexionAtContact).expect("knee measured");
    assert!((0.0..=60.0).contains(&knee), "knee bend at contact {knee}");
    let lean = value(&report, MetricKind::TrunkLean).expect("trunk lean measured");
    assert!(lean.abs() <= 30.0, "trunk lean {lean}");
    b.close().await;
}
