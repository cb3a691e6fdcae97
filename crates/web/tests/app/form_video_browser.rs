//! Running form from a real video in headless Chromium (issue 16): the shared demo clip (a person
//! walking past in side view) goes through the real page — the vendored pose model in the
//! browser, on the CPU in WebAssembly (WebGL, in software here, only hands it the pictures) —
//! then is saved and shown. The test picks the walker as a person
//! would (the analysis starts when she is in the picture, and she is tapped), so the man jumping
//! on the box is left out. Skipped with a note when the clip or the browser is absent. Prints the
//! pose model's frames per second and the time from choosing the video to the results; saves
//! screenshots of the results under `target/screenshots/`. The live check before recording runs
//! on Chromium's fake camera: its test pattern (no one in it), and a stretch of the demo clip cut
//! by ffmpeg at test time (the walker whole in the picture).

use crate::browser::Browser;
use crate::client::*;
use crate::shared_data::shared_data;
use backstride_core::Role;
use backstride_core::form::{FormReport, MetricKind};
use backstride_store::{Actor, User};
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// The form's state; "busy" while the page's script keeps the browser from answering (a frame
/// of the pose model on a loaded machine can take longer than the driver waits).
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

/// A runner of a new clinic called `clinic_name`, signed in as `email` on the form-video page.
async fn on_the_form_page(b: &Browser, clinic_name: &str, email: &str) -> User {
    let clinic = clinic(&b.store, clinic_name).await;
    let runner = person(&b.store, Some(&clinic), email, Role::Runner).await;
    b.log_in(email).await;
    b.goto("/form").await;
    runner
}

/// Starts the analysis and waits for it to end, looking every `every_ms` at most `looks`
/// times; it must end done. The page's own timing figures (`window.formVideoTiming`).
async fn analyse(b: &Browser, every_ms: u64, looks: u32) -> serde_json::Value {
    b.click("#analyse").await;
    let mut last = String::new();
    for _ in 0..looks {
        last = state(b).await;
        if last == "done" || last == "error" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(every_ms)).await;
    }
    let page = b.client.source().await.unwrap();
    assert_eq!(last, "done", "analysis ended as {last}: {page}");
    b.client
        .execute("return window.formVideoTiming;", vec![])
        .await
        .unwrap()
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
    let runner = on_the_form_page(&b, "Video Clinic", "walker@example.com").await;
    b.wait_for_text("The video stays on your phone").await;
    b.assert_accessible().await;
    b.assert_fits_a_phone().await;
    // The pose model's script loaded under this page's policy.
    let has_pose = b
        .client
        .execute(
            "return typeof window.Vision === 'object' && typeof window.Vision.PoseLandmarker === 'function';",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        has_pose,
        serde_json::json!(true),
        "the vendored vision_bundle.js loaded"
    );

    // The lite model unless told otherwise (BACKSTRIDE_POSE_MODEL=full): the full model is the
    // slower one on this machine's two cores.
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
    // Several frames a second on the CPU; allow 20 minutes on a heavily loaded machine.
    let timing = analyse(&b, 500, 2400).await;
    // Chromium decodes the clip's frames itself (WebCodecs): none skipped, none waited for.
    assert_eq!(
        timing["frameSource"],
        serde_json::json!("decoded"),
        "frames decoded on the page: {timing}"
    );
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
    // heel lands. The trunk: this walker leans back. At mid-stance her back and her front both
    // slope about 9–10° back from vertical in the picture (measured on the frames by hand; the
    // camera's verticals are vertical), and both models read −10 to −11° there; between
    // mid-stances the swinging limbs pull the hip and shoulder landmarks and the lean reads
    // about 5° less (bench/RESULTS.md, h4). So the lean must come out as leaning back, within
    // 5° of the −10° seen by hand: the issue's "within ±10°" assumed an upright walker.
    let cadence = value(&report, MetricKind::Cadence).expect("cadence measured");
    assert!((90.0..=130.0).contains(&cadence), "cadence {cadence}");
    let knee = value(&report, MetricKind::KneeFlexionAtContact).expect("knee measured");
    assert!((0.0..=20.0).contains(&knee), "knee bend at contact {knee}");
    let lean = value(&report, MetricKind::TrunkLean).expect("trunk lean measured");
    assert!((-15.0..=-5.0).contains(&lean), "trunk lean {lean}");
    assert_eq!(
        report.metric(MetricKind::TrunkLean).unwrap().observation,
        Some(backstride_core::form::Observation::LeaningBack),
        "leaning back, as the picture shows"
    );
    b.close().await;
}

/// The issue's target clip: 10 s at 30 frames a second (300 frames) with the full model (or
/// `BACKSTRIDE_POSE_MODEL=lite`), from choosing it to its results. The clip is the demo's walker
/// from 2.0 s, slowed so that she is in the picture through it, cut by ffmpeg into the build's
/// scratch directory at test time (H.264 with B-frames, as phones film; never committed).
/// Prints the figures `bench/form_pose.sh` reports; asserts only that every frame was analysed
/// once and the results came (the demo test checks what is measured).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_second_clip_is_timed_in_the_browser() {
    let Some(demo) = shared_data("video/sports2d-demo.mp4") else {
        return;
    };
    let Some(video) = ten_second_clip(&demo) else {
        return;
    };
    let Some(b) = Browser::start_with_webgl().await else {
        return;
    };
    let runner = on_the_form_page(&b, "Clip Clinic", "clip@example.com").await;
    b.wait_for_text("The video stays on your phone").await;
    let lite = std::env::var("BACKSTRIDE_POSE_MODEL").is_ok_and(|m| m == "lite");
    if lite {
        b.click("input[name=model][value='0']").await;
    }
    let chosen = Instant::now();
    choose(&b, &video).await;
    // The walker at the clip's start (the demo's 2.0 s): tapped where the demo test taps her.
    b.client
        .execute(
            r#"const picker = document.getElementById('picker');
               const r = picker.getBoundingClientRect();
               picker.dispatchEvent(new MouseEvent('click', { bubbles: true,
                 clientX: r.left + 0.80 * r.width, clientY: r.top + 0.70 * r.height }));"#,
            vec![],
        )
        .await
        .unwrap();
    // Looked at ten times a second: the clock is the figure here.
    let timing = analyse(&b, 100, 12_000).await;
    b.click("#save").await;
    b.wait_for_text("What was measured").await;
    let to_results = chosen.elapsed();
    eprintln!(
        "ten-second clip, pose model {}: {timing}; from choosing the video to the results: {:.1} s",
        if lite { "lite" } else { "full" },
        to_results.as_secs_f64()
    );
    assert_eq!(
        (&timing["frames"], &timing["frameSource"]),
        (&serde_json::json!(300), &serde_json::json!("decoded")),
        "every frame decoded on the page and analysed once: {timing}"
    );
    let stored = b
        .store
        .form_videos_of(&Actor::of(&runner), runner.id)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    let report: FormReport = serde_json::from_str(&stored[0].report_json).unwrap();
    assert_eq!(report.frames, 300, "all 300 frames saved");
    b.close().await;
}

/// The ten-second clip: the demo from 2.0 s (where the walker is in the picture) slowed 1.8×
/// to 30 frames a second and cut at 300 frames, H.264 (ffmpeg's x264, with its B-frames and the
/// edit list that comes with them), into the build's scratch directory. `None`, with a note,
/// when ffmpeg is missing outside CI.
fn ten_second_clip(video: &std::path::Path) -> Option<std::path::PathBuf> {
    ffmpeg_cut(
        video,
        "form-walker-10s.mp4",
        &["-ss", "2.0"],
        &[
            "-vf",
            "setpts=PTS*1.8,fps=30",
            "-frames:v",
            "300",
            "-an",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
        ],
    )
}

/// Cuts `video` with ffmpeg into the build's scratch directory as `name` (`input` options
/// before the input, `output` options after it). Without ffmpeg: `None` with a message, or a
/// failure in CI, which installs it.
fn ffmpeg_cut(
    video: &std::path::Path,
    name: &str,
    input: &[&str],
    output: &[&str],
) -> Option<std::path::PathBuf> {
    let out = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let made = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(input)
        .arg("-i")
        .arg(video)
        .args(output)
        .arg(&out)
        .status();
    match made {
        Ok(status) => {
            assert!(status.success(), "ffmpeg could not make {name}");
            Some(out)
        }
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: ffmpeg is not installed ({e}); apt-get install ffmpeg");
            None
        }
        Err(e) => panic!("ffmpeg is needed in CI (see .ci/run): {e}"),
    }
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
    on_the_form_page(&b, "Camera Clinic", "framer@example.com").await;
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
    // The pose model loads in seconds: allow a few minutes on a loaded machine.
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
    // Started here, read below: loading the model may take longer than the driver waits for
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
              const canvas = document.createElement('canvas');
              const look = async (x, y, w, h) => {
                canvas.width = Math.round(w * W / 2);
                canvas.height = Math.round(h * H / 2);
                canvas.getContext('2d').drawImage(player, x * W, y * H, w * W, h * H, 0, 0, canvas.width, canvas.height);
                return window.formVideoFraming(await window.formVideoFindPose(canvas, 0)).state;
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

    // Which person, when no one is tapped: at 3.5 s the man stands on the box (hips 37% across)
    // and the walker, a little taller in the picture, walks past nearer the middle (55%). The
    // analysis follows the largest, most central: the walker.
    b.client
        .execute(
            r#"const start = document.getElementById('start');
               start.value = '3.5';
               start.dispatchEvent(new Event('input'));"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        b.client
            .execute(
                "return document.getElementById('form-video').dataset.picked;",
                vec![]
            )
            .await
            .unwrap(),
        serde_json::json!("largest-central")
    );
    b.click("input[name=model][value='0']").await;
    // Here as in a browser without WebCodecs: the video is played one frame at a time.
    b.client
        .execute("window.VideoDecoder = undefined;", vec![])
        .await
        .unwrap();
    b.click("#analyse").await;
    let mut following = serde_json::Value::Null;
    let mut frames = serde_json::Value::Null;
    for _ in 0..2400 {
        let seen = b
            .client
            .execute(
                "const f = document.getElementById('form-video').dataset;
                 return [f.following || null, f.frames || null];",
                vec![],
            )
            .await
            .unwrap_or_default();
        (following, frames) = (seen[0].clone(), seen[1].clone());
        if !following.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Stop the analysis (the page may be busy in the model: a refused script is fine here).
    let _ = b
        .client
        .execute("document.getElementById('cancel').click();", vec![])
        .await;
    assert_eq!(
        frames,
        serde_json::json!("played"),
        "without WebCodecs the video is played"
    );
    let hips: Vec<f64> = following
        .as_str()
        .unwrap_or_else(|| panic!("someone followed: {following}"))
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(
        (0.45..0.65).contains(&hips[0]),
        "the walker followed, not the man on the box: hips at {hips:?}"
    );
    // The rule itself, on three made-up people: the small one in the middle and the large one at
    // the edge lose to the large one near the middle.
    let chosen = b
        .client
        .execute(
            r#"const person = (x, top, bottom) => {
                 const l = Array.from({ length: 33 }, () => ({ x, y: (top + bottom) / 2, visibility: 1 }));
                 l[0] = { x, y: top, visibility: 1 };
                 l[29] = { x, y: bottom, visibility: 1 };
                 l[30] = { x, y: bottom, visibility: 1 };
                 return { landmarks: l };
               };
               const people = [person(0.5, 0.4, 0.6), person(0.95, 0.1, 0.9), person(0.6, 0.15, 0.9)];
               return people.indexOf(window.formVideoMainPerson(people));"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(chosen, serde_json::json!(2));
    b.close().await;
}

/// A stretch of the demo clip as a file Chromium's fake camera plays (`.y4m`), made with ffmpeg
/// into the build's scratch directory at test time (never committed): 3.3–4.8 s, cut to the
/// lower part of the picture where the walker is whole and the man on the box is not, 15 frames
/// a second. `None`, with a note, when ffmpeg is missing outside CI.
fn camera_clip(video: &std::path::Path) -> Option<std::path::PathBuf> {
    ffmpeg_cut(
        video,
        "form-walker.y4m",
        &["-ss", "3.3", "-t", "1.5"],
        &[
            "-vf",
            "crop=800:524:500:470,scale=640:-2,fps=15",
            "-pix_fmt",
            "yuv420p",
        ],
    )
}

/// The live check on a camera filming a person: Chromium's fake camera plays the walker, whole
/// in the picture, and the check says so (and only then that recording can start).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_check_finds_the_whole_walker_in_the_cameras_picture() {
    let Some(video) = shared_data("video/sports2d-demo.mp4") else {
        return;
    };
    let Some(clip) = camera_clip(&video) else {
        return;
    };
    let Some(b) = Browser::start_with_fake_camera_playing(&clip).await else {
        return;
    };
    on_the_form_page(&b, "Walker Camera Clinic", "filmed@example.com").await;
    b.click("#live-start").await;
    // The pose model loads in seconds: allow a few minutes on a loaded machine. Every
    // state the check shows on the way is kept.
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..1200 {
        let framing = b
            .client
            .execute(
                "return document.getElementById('live-check').dataset.framing;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "busy".to_owned());
        if seen.last() != Some(&framing) && framing != "busy" {
            seen.push(framing.clone());
        }
        if framing == "ok" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(
        seen.last().map(String::as_str),
        Some("ok"),
        "the walker whole in the picture; states seen: {seen:?}"
    );
    b.wait_for_text("Whole body in the picture: you can record.")
        .await;
    b.screenshot("form-video-live-check-walker").await;
    b.click("#live-stop").await;
    b.close().await;
}
