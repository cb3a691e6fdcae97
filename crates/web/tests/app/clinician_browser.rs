//! The clinician's morning in Chromium, at a 375 px phone and a 1280 px desktop: the worklist,
//! a weekly review decided exercise by exercise, then the runner's record with its summary —
//! each page axe-core clean, fitting a phone, with screenshots in `target/screenshots/`.

use crate::browser::Browser;
use crate::client::{clinic, person};
use crate::tracking::approved_programme;
use backstride_core::Role;
use backstride_core::tracking::Review;
use backstride_store::{Actor, ProgrammeStatus, ReviewStatus};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clinicians_morning_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let home = clinic(&b.store, "Morning Clinic").await;
    let runner = person(&b.store, Some(&home), "mo-riley@example.com", Role::Runner).await;
    let doc = person(&b.store, Some(&home), "mo-doc@example.com", Role::Clinician).await;
    let (pid, programme) = approved_programme(&b.store, &runner, &doc, 9).await;
    let review = crate::worklist::moving_up_review(&b.store, &runner, pid, &programme).await;
    let body: Review = serde_json::from_str(&review.body_json).unwrap();

    b.log_in("mo-doc@example.com").await;
    b.goto("/home").await;
    b.wait_for_text("Decisions waiting for you").await;
    b.check_both_widths("clinician-worklist").await;

    // From the worklist to the decision.
    b.click(&format!("a[href='/reviews/{}']", review.id)).await;
    b.wait_for_text("Save decisions").await;
    b.check_both_widths("clinician-decision").await;
    // Hold the first exercise, accept the rest.
    let first = format!("item-{}", body.items[0].item_key);
    b.client
        .find(Locator::Css(&format!(
            "select[name='{first}'] option[value='hold']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.fill("#note", "Holding the first one a week.").await;
    b.click("form.decision-form button[type=submit]").await;
    b.wait_for_text("Decisions saved.").await;

    // Back on the record: the summary first, the decision settled.
    b.wait_for_text("Summary for the clinician").await;
    b.check_both_widths("clinician-record").await;
    let actor = Actor::of(&doc);
    let settled = b.store.reviews_of(&actor, runner.id).await.unwrap();
    assert_eq!(
        settled.iter().find(|r| r.id == review.id).unwrap().status,
        ReviewStatus::Overridden
    );
    let versions = b.store.programmes_of(&actor, runner.id).await.unwrap();
    assert_eq!(
        versions
            .iter()
            .filter(|p| p.status == ProgrammeStatus::Approved)
            .count(),
        1
    );
    assert_eq!(versions.len(), 2, "one new version");
    b.close().await;
}
