//! Today as a guided session in Chromium, at 375 px and 1280 px: the pain slider set with the
//! keyboard, a hold timer run (sped up) with its rest skipped, "Done as planned" from the
//! counted sets and from the plan, progress through the list, axe-core clean, fitting a phone.
//! Screenshots of each width go to `target/screenshots/` (or `BACKSTRIDE_SCREENSHOTS`).

use crate::browser::Browser;
use crate::client::*;
use crate::tracking::approved_programme;
use backstride_core::Role;
use backstride_core::library::Sidedness;
use backstride_core::tracking::{SessionLog, SetsDone};
use backstride_store::Actor;
use fantoccini::Locator;
use fantoccini::key::Key;

async fn text_of(b: &Browser, css: &str) -> String {
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guided_session_with_a_timer_and_done_as_planned_at_phone_and_desktop_widths() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let home = clinic(&b.store, "Guided Browser Clinic").await;
    let runner = person(&b.store, Some(&home), "gb-run@example.com", Role::Runner).await;
    let doc = person(&b.store, Some(&home), "gb-doc@example.com", Role::Clinician).await;
    let (_, body) = approved_programme(&b.store, &runner, &doc, 0).await;
    let planned = body.day_on(today()).unwrap().exercises.clone();
    let n = planned.len();
    let held = planned
        .iter()
        .map(|k| body.item(k).unwrap())
        .find(|i| i.dosage.kind() != backstride_core::library::DosageKind::Reps)
        .expect("day 1 has a hold or stretch")
        .clone();
    let other = planned
        .iter()
        .find(|k| **k != held.key)
        .expect("day 1 has more than one exercise")
        .clone();
    b.log_in("gb-run@example.com").await;
    // Timers run 50 times faster in this test (a test-only setting in the browser's storage).
    b.client
        .execute(
            "window.localStorage.setItem('bs-timer-scale', '50');",
            vec![],
        )
        .await
        .unwrap();
    b.goto("/today").await;
    b.wait_for_text(&format!("0 of {n} done")).await;
    for width in [375, 1280] {
        b.check_at(width, "today-start").await;
    }
    b.client.set_window_size(375, 900).await.unwrap();

    // Back pain once, with the keyboard: two steps right is 2/10.
    let slider = b.client.find(Locator::Id("session-pain")).await.unwrap();
    let right: char = Key::Right.into();
    slider.send_keys(&format!("{right}{right}")).await.unwrap();
    b.wait_for_text("2/10 (mild)").await;

    // The hold timer: one set counted, the rest skipped (or over), ready for the next.
    let form = format!("session-{}", held.key);
    let card = format!("#card-{}", held.key);
    let side = if held.sidedness == Sidedness::PerSide {
        "left"
    } else {
        "both"
    };
    b.click(&format!("{card} button.timer[data-side='{side}']"))
        .await;
    b.wait_for_text("one set counted").await;
    if let Ok(skip) = b
        .client
        .find(Locator::Css(&format!("{card} .skip-rest:not([hidden])")))
        .await
    {
        let _ = skip.click().await;
    }
    b.wait_for_text("Ready for the next set.").await;
    b.save_page("today-timer-375").await;
    b.click(&format!("#{form} [data-as-planned]")).await;
    b.wait_for_text(&format!("1 of {n} done")).await;

    // Another straight from the plan.
    b.click(&format!("#session-{other} [data-as-planned]"))
        .await;
    b.wait_for_text(&format!("2 of {n} done")).await;
    assert!(
        text_of(&b, "#session-progress")
            .await
            .contains(&format!("2 of {n} done"))
    );

    let logs: Vec<SessionLog> = b
        .store
        .logs_of(&Actor::of(&runner), runner.id, "2000-01-01")
        .await
        .unwrap()
        .iter()
        .filter_map(|l| serde_json::from_str(&l.body_json).ok())
        .collect();
    assert_eq!(logs.len(), 2);
    assert!(
        logs.iter().all(|l| l.pain_during.get() == 2),
        "pain asked once"
    );
    let timed = logs.iter().find(|l| l.item_key == held.key).unwrap();
    match timed.sets_done {
        SetsDone::Both(s) => assert_eq!(s, 1, "the counted set"),
        SetsDone::PerSide(p) => assert_eq!((p.left, p.right), (1, 0), "the counted set"),
    }
    // As planned: the weaker side's extra set included, if the programme gives one.
    let other_item = body.item(&other).unwrap();
    let planned_sets = other_item.dosage.sets();
    let extra =
        |side: backstride_core::assessment::Side| u8::from(other_item.extra_set_side == Some(side));
    let from_plan = logs.iter().find(|l| l.item_key == other).unwrap();
    match from_plan.sets_done {
        SetsDone::Both(s) => assert_eq!(s, planned_sets),
        SetsDone::PerSide(p) => assert_eq!(
            (p.left, p.right),
            (
                planned_sets + extra(backstride_core::assessment::Side::Left),
                planned_sets + extra(backstride_core::assessment::Side::Right)
            )
        ),
    }

    // Reloaded: the progress and the day's decision in one line, at both widths.
    b.goto("/today").await;
    b.wait_for_text(&format!("2 of {n} done")).await;
    b.wait_for_text("Today's decision").await;
    for width in [375, 1280] {
        b.check_at(width, "today-guided").await;
    }
    b.close().await;
}
