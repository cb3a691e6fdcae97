//! The home self-check in Chromium at 375 px and 1280 px: the first screen's list of needs, each
//! test's mark, an angle picked on the drawing (the fallback when a device has no tilt sensor),
//! a test marked "not tested" in one tap, bad input on an angle kept with its message, and the
//! results naming what a clinic visit would add. Every page: no sideways scroll, axe-core clean,
//! a screenshot under `target/screenshots/` (or `BACKSTRIDE_SCREENSHOTS`).

use crate::assessment::{Fields, baseline, fill_in, hip_stability, posture_form, red_flags};
use crate::browser::Browser;
use crate::client::{clinic, person};
use backstride_core::Role;
use fantoccini::Locator;

async fn tick(b: &Browser, test_id: &str) {
    b.click(&format!("input[name='skip.{test_id}']")).await;
}

async fn next_step(b: &Browser, expect: &str) {
    b.click(".wizard-buttons button[type=submit]").await;
    b.wait_for_text(expect).await;
}

/// The value the page holds in a field, as the browser sees it.
async fn value_of(b: &Browser, name: &str) -> String {
    let v = b
        .client
        .execute(
            "return document.getElementById(arguments[0]).value;",
            vec![serde_json::json!(name)],
        )
        .await
        .unwrap();
    v.as_str().unwrap().to_owned()
}

/// Picks an angle on the drawing: opens the picker and moves its slider with the arrow keys
/// (it starts at the field's value, or level).
pub(crate) async fn pick_angle(b: &Browser, field: &str, steps_right: usize) {
    b.click(&format!("button[aria-controls='{field}-picker']"))
        .await;
    let slider = b
        .client
        .find(Locator::Css(&format!("input[id='{field}-slider']")))
        .await
        .unwrap();
    slider
        .send_keys(&"\u{e014}".repeat(steps_right))
        .await
        .unwrap();
}

async fn self_check_at(width: u32) {
    let Some(b) = Browser::start().await else {
        return;
    };
    b.client.set_window_size(width, 900).await.unwrap();
    let clinic = clinic(&b.store, "Home Clinic").await;
    let email = format!("home{width}@example.com");
    person(&b.store, Some(&clinic), &email, Role::Runner).await;
    b.log_in(&email).await;

    // The first screen: how long, what to have ready, who each test needs.
    b.goto("/assessment").await;
    b.wait_for_text("Before you start").await;
    let first = b.client.source().await.unwrap();
    for needed in [
        "minutes",
        "Your phone",
        "A sturdy chair or a step",
        "A resistance band",
        "A wall",
        "Optionally a helper",
        "With a helper</span>",
        "In clinic</span>",
    ] {
        assert!(first.contains(needed), "{needed}");
    }
    b.check_at(width, "self-check-first-screen").await;
    b.click("form.start-assessment button[type=submit]").await;
    b.wait_for_text("Step 1 of 6").await;
    fill_in(&b, &red_flags(&[])).await;
    next_step(&b, "Step 2 of 6").await;
    fill_in(&b, &baseline()).await;
    next_step(&b, "Step 3 of 6").await;

    // Posture and form: the marks, and one tap for a test the runner can't do.
    b.wait_for_text("With a helper</p>").await;
    b.wait_for_text("On your own</p>").await;
    fill_in(&b, &posture_form()).await;
    tick(&b, "trunk_lean_degrees").await;
    b.check_at(width, "self-check-posture").await;
    next_step(&b, "Step 4 of 6").await;

    // Hip mobility: the left thigh angle picked on the drawing, a mistake on the right.
    b.wait_for_text("Pick on a drawing").await;
    b.wait_for_text("“Left” means your left leg hangs").await;
    pick_angle(&b, "hip_mobility.thomas_thigh_angle.left", 5).await;
    assert_eq!(
        value_of(&b, "hip_mobility.thomas_thigh_angle.left").await,
        "5"
    );
    b.check_at(width, "self-check-angle-picker").await;
    let answers: Fields = [
        ("hip_mobility.thomas_thigh_angle.right", "minus five"),
        ("hip_mobility.thomas_knee_angle.left", "60"),
        ("hip_mobility.thomas_knee_angle.right", "75"),
        ("hip_mobility.hip_cars.left", "smooth"),
        ("hip_mobility.hip_cars.right", "smooth"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    fill_in(&b, &answers).await;
    tick(&b, "prone_hip_extension").await;
    tick(&b, "couch_stretch").await;
    next_step(&b, "type a number from -45° to 60°").await;
    assert_eq!(
        value_of(&b, "hip_mobility.thomas_thigh_angle.right").await,
        "minus five",
        "what was typed is kept"
    );
    assert_eq!(
        value_of(&b, "hip_mobility.thomas_thigh_angle.left").await,
        "5",
        "the picked angle is kept"
    );
    b.check_at(width, "self-check-angle-error").await;
    b.fill("input[name='hip_mobility.thomas_thigh_angle.right']", "-5")
        .await;
    next_step(&b, "Step 5 of 6").await;

    // Hip stability, all on your own.
    b.wait_for_text("Start timer").await;
    fill_in(&b, &hip_stability()).await;
    next_step(&b, "Step 6 of 6").await;

    // Core: the holds that need a helper are marked "not tested" in one tap each.
    b.wait_for_text("You need a helper.").await;
    for t in ["mcgill_flexor", "mcgill_extensor", "double_leg_lowering"] {
        tick(&b, t).await;
    }
    let rest: Fields = [
        ("core.mcgill_side_bridge.left", "40"),
        ("core.mcgill_side_bridge.right", "44"),
        ("core.straight_leg_lowers", "12"),
        ("core.pallof_hold.left", "30"),
        ("core.pallof_hold.right", "28"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    fill_in(&b, &rest).await;
    b.check_at(width, "self-check-core").await;
    next_step(&b, "What a clinic visit would add").await;
    let results = b.client.source().await.unwrap();
    assert!(results.contains("<strong>Core:</strong> A clinician can set up the trunk holds"));
    assert!(results.contains("<strong>Hip mobility:</strong>"));
    b.check_at(width, "self-check-results").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_home_self_check_on_a_phone_in_chromium() {
    self_check_at(375).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_home_self_check_on_a_desktop_in_chromium() {
    self_check_at(1280).await;
}
