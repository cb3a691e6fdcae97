//! The visitor's front door in Chromium (issue 19): the clinic page's "Check your back — free"
//! to a sign-up inside the clinic, the self-check and the programme it suggests, and the clinic
//! finding the new runner in its inbox; the guide without marketing consent; and booking a call
//! with the date picker (a clinic holiday explained), on a 375 px phone and a 1280 px desktop.
//! Every page is checked with axe-core; screenshots go to `BACKSTRIDE_SCREENSHOTS`, else
//! `target/screenshots/`.

use crate::booking::every_day;
use crate::browser::Browser;
use crate::client::*;
use crate::loop_browser::{Answers, Runner, Walk, check_page, click_and_leave, self_check};
use backstride_core::Role;
use backstride_core::booking::{CallMode, ClinicHolidays, Holiday};
use backstride_store::{Actor, InboxKind, ProgrammeStatus, SaveCallHours};

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

    // The self-check, every test skipped, then the programme it suggests to the clinic.
    b.client.set_window_size(375, 812).await.unwrap();
    let mut w = Walk {
        b: &b,
        prefix: "front",
        answers: Answers::SkipEvery,
        runner: Runner::OfAClinic,
        problems: Vec::new(),
    };
    let assessment = self_check(&mut w, "self-check", false).await;
    b.goto(&format!("/assessments/{assessment}/programme"))
        .await;
    b.click("input[name='run_wednesday']").await;
    click_and_leave(&b, "form[action$='/programme'] button[type=submit]").await;
    b.wait_for_text("waiting for your clinician to review it")
        .await;
    check_page(&mut w, "programme-waiting").await;
    let versions = b
        .store
        .programmes_of(&Actor::of(&rae), rae.id)
        .await
        .unwrap();
    assert_eq!(
        versions.iter().map(|p| p.status).collect::<Vec<_>>(),
        [ProgrammeStatus::Suggested],
        "the clinic's runner gets a suggestion for the clinician"
    );

    // The clinician finds the new runner in the clinic's inbox, and the programme waiting on
    // their worklist, and approves it from there.
    b.client.delete_all_cookies().await.unwrap();
    b.log_in("doc@door.example").await;
    b.goto("/clinic/inbox").await;
    b.wait_for_text("Rae Runner").await;
    b.wait_for_text("Signed up: check your back").await;
    b.check_both_widths("front-inbox").await;
    b.goto("/home").await;
    b.wait_for_text("Rae Runner: programme version 1 to approve")
        .await;
    b.wait_for_text("Rae Runner: Signed up: check your back")
        .await;
    b.check_both_widths("front-worklist").await;
    b.click(&format!("a[href='/programmes/{}']", versions[0].id))
        .await;
    b.click("form.approve button[type=submit]").await;
    b.wait_for_text("Approved").await;

    // Back as the runner: the programme.
    b.client.delete_all_cookies().await.unwrap();
    b.goto("/login").await;
    b.fill("#email", "rae@example.com").await;
    b.fill("#password", "my back is better now").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Log out").await;
    b.goto("/programme").await;
    b.wait_for_text("Half-kneeling Pallof press").await;
    check_page(&mut w, "programme").await;
    let problems = w.problems;
    b.close().await;
    assert!(
        problems.is_empty(),
        "{} problems (screenshots in {}):\n{}",
        problems.len(),
        crate::browser::screenshot_dir().display(),
        problems.join("\n")
    );
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
    // The download link gives the PDF, in the visitor's browser (with its cookies).
    let download = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(document.querySelector('a[data-autodownload]').href)
               .then(r => r.arrayBuffer().then(body => done([r.status,
                 r.headers.get('content-type'), body.byteLength])))
               .catch(e => done(['failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(download[0], 200, "{download}");
    assert_eq!(download[1], "application/pdf", "{download}");
    assert!(download[2].as_u64().unwrap() > 1_000, "{download}");
    let outbox = b.store.outbox(10).await.unwrap();
    assert!(outbox.iter().all(|e| e.to != "nia@example.com"));
    b.close().await;
}

/// How many days' times the booking page shows.
async fn shown_days(b: &Browser) -> usize {
    serde_json::from_value(
        b.client
            .execute(
                "return document.querySelectorAll('fieldset.slots:not([hidden])').length;",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap()
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
    // The clinic closes for a day of its own three days from now.
    let admin = person(&b.store, Some(&c), "admin@picker.example", Role::Admin).await;
    let closed = days_ago(-3);
    let holidays = ClinicHolidays {
        country: None,
        open_on: Vec::new(),
        own_days: vec![Holiday {
            date: closed,
            name: "Staff training".into(),
        }],
    };
    b.store
        .save_clinic_holidays(&Actor::of(&admin), c.id, &holidays, 1)
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
        // The closed day picked in the date picker: no times, and why.
        b.client
            .execute(
                "const d = document.getElementById('day'); d.value = arguments[0];
                 d.dispatchEvent(new Event('change'));",
                vec![serde_json::json!(closed.to_string())],
            )
            .await
            .unwrap();
        b.wait_for_text("Picker Physio is closed that day for Staff training. Pick another day.")
            .await;
        assert_eq!(shown_days(&b).await, 0, "{size}: no times on a closed day");
        b.assert_accessible().await;
        b.save_page(&format!("front-booking-holiday-{size}")).await;
        // The second day with free times, picked from the links: its times show, others hide.
        b.click(".day-links li:nth-child(2) a").await;
        assert_eq!(shown_days(&b).await, 1, "{size}: one day's times at a time");
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
