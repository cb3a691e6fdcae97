//! The visitor's front door in Chromium (issue 19): the clinic page's "Check your back — free"
//! to a sign-up inside the clinic and on to the self-check; the guide without marketing consent;
//! and booking a call with the date picker, on a 375 px phone and a 1280 px desktop. Every page
//! is checked with axe-core; screenshots go to `BACKSTRIDE_SCREENSHOTS`, else
//! `target/screenshots/`.

use crate::booking::every_day;
use crate::browser::Browser;
use crate::client::*;
use backstride_core::Role;
use backstride_core::booking::CallMode;
use backstride_store::{Actor, InboxKind, SaveCallHours};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_checks_their_back_inside_the_clinic_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let c = clinic(&b.store, "Door Physio").await;
    let doc = person(&b.store, Some(&c), "doc@door.example", Role::Clinician).await;
    let id = c.id;

    b.goto(&format!("/clinics/{id}")).await;
    b.wait_for_text("Check your back — free").await;
    b.check_both_widths("front-landing").await;
    b.click("#check-your-back").await;
    b.wait_for_text("Create my account and start").await;
    b.check_both_widths("front-check").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Tell us what to call you.").await;
    b.assert_accessible().await;
    b.fill("#display_name", "Rae Runner").await;
    b.fill("#email", "rae@example.com").await;
    b.fill("#password", "my back is better now").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Look in your email").await;
    b.check_both_widths("front-check-sent").await;

    let inbox = b.store.inbox(&Actor::of(&doc)).await.unwrap();
    assert!(inbox.iter().any(|i| i.kind == InboxKind::Signup));
    let link = link_in_email(&b.store, "rae@example.com", "/login/link/").await;
    b.goto(link.trim_start_matches(&b.base)).await;
    b.wait_for_text("Finish logging in").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("start your free self-check").await;
    b.check_both_widths("front-self-check").await;
    let rae = b
        .store
        .user_by_email(&"rae@example.com".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(rae.clinic_id, Some(id));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guide_without_consent_leads_to_the_self_check_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let c = clinic(&b.store, "Guide Physio").await;
    b.goto(&format!("/clinics/{}/guide", c.id)).await;
    b.wait_for_text("Free strength guide").await;
    b.check_both_widths("front-guide").await;
    b.fill("#name", "Nia No-Mail").await;
    b.fill("#email", "nia@example.com").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Your guide is ready").await;
    b.wait_for_text("Half-kneeling Pallof press").await;
    b.check_both_widths("front-guide-ready").await;
    let outbox = b.store.outbox(10).await.unwrap();
    assert!(outbox.iter().all(|e| e.to != "nia@example.com"));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_books_a_video_call_with_the_date_picker_on_a_phone_and_a_desktop() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let c = clinic(&b.store, "Picker Physio").await;
    let coach = person(&b.store, Some(&c), "coach@picker.example", Role::Clinician).await;
    let hours = SaveCallHours {
        call: CallMode::Video("https://meet.example/picker".into()),
        ..every_day()
    };
    b.store
        .save_call_hours(&Actor::of(&coach), coach.id, &hours, 1)
        .await
        .unwrap();
    let path = format!("/clinics/{}/book?tz=UTC", c.id);
    for (size, width, height) in [("phone", 375, 812), ("desktop", 1280, 900)] {
        b.client.set_window_size(width, height).await.unwrap();
        b.goto(&path).await;
        b.wait_for_text("Book a call with Picker Physio").await;
        b.wait_for_text("By video").await;
        let height_px: f64 = serde_json::from_value(
            b.client
                .execute("return document.documentElement.scrollHeight;", vec![])
                .await
                .unwrap(),
        )
        .unwrap();
        // Fourteen days of 16 calls each would be over 200 choices: one day's fit on a few screens.
        assert!(
            height_px < 3500.0,
            "{size}: the page is {height_px} px tall"
        );
        b.assert_accessible().await;
        if size == "phone" {
            b.assert_fits_a_phone().await;
        }
        b.save_page(&format!("front-booking-{size}")).await;
        // The second day with free times, picked from the links: its times show, others hide.
        b.click(".day-links li:nth-child(2) a").await;
        let shown: usize = serde_json::from_value(
            b.client
                .execute(
                    "return document.querySelectorAll('fieldset.slots:not([hidden])').length;",
                    vec![],
                )
                .await
                .unwrap(),
        )
        .unwrap();
        assert_eq!(shown, 1, "{size}: one day's times at a time");
        b.click("fieldset.slots:not([hidden]) input[name=start]")
            .await;
        b.fill("#name", "Vera Visitor").await;
        b.fill("#email", &format!("vera-{size}@example.com")).await;
        b.click("#book-call").await;
        b.wait_for_text("Your call is booked").await;
        b.wait_for_text("https://meet.example/picker").await;
        b.assert_accessible().await;
        if size == "phone" {
            b.assert_fits_a_phone().await;
        }
        b.save_page(&format!("front-booked-{size}")).await;
    }
    assert_eq!(b.store.booked_starts(coach.id, 0).await.unwrap().len(), 2);
    b.close().await;
}
