//! Browser tests for the results page and the change report (issue 14, item 4): at 375 px and
//! 1280 px each fits its window (no sideways scroll; on the phone every tap target at least
//! 44 px), axe-core finds nothing, the summary comes before the finding cards, and a screenshot
//! of each is saved under `target/screenshots/` (or `BACKSTRIDE_SCREENSHOTS`) for a person.

use crate::browser::Browser;
use crate::client::{clinic, person};
use crate::tracking::{Loop, runners_loop};
use backstride_core::Role;

/// Whether the first element matching `first` comes before the first matching `then`.
async fn comes_before(b: &Browser, first: &str, then: &str) -> bool {
    let found = b
        .client
        .execute(
            "const a = document.querySelector(arguments[0]), b = document.querySelector(arguments[1]);
             return !!(a && b && (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING));",
            vec![first.into(), then.into()],
        )
        .await
        .unwrap();
    found.as_bool().unwrap_or(false)
}

/// Opens `path` at desktop and phone widths (loaded afresh at each): fits, accessible,
/// screenshots.
async fn check_both_widths(b: &Browser, path: &str, name: &str, expect: &str) {
    for width in [1280, 375] {
        b.client.set_window_size(width, 900).await.unwrap();
        b.goto(path).await;
        b.wait_for_text(expect).await;
        b.check_at(width, name).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_and_change_report_fit_phone_and_desktop_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let home = clinic(&b.store, "Results Clinic").await;
    let runner = person(&b.store, Some(&home), "rb-run@example.com", Role::Runner).await;
    let doc = person(&b.store, Some(&home), "rb-doc@example.com", Role::Clinician).await;
    let Loop {
        baseline, retest, ..
    } = runners_loop(&b.store, &runner, &doc).await;
    b.log_in("rb-run@example.com").await;

    let results = format!("/assessments/{baseline}");
    check_both_widths(&b, &results, "results", "Your three priorities").await;
    assert!(comes_before(&b, ".results-summary", "article.finding").await);
    // A finding's details open on a tap and still fit.
    b.click("article.finding details.finding-details > summary")
        .await;
    b.assert_fits_a_phone().await;

    let change = format!("/assessments/{retest}/change");
    check_both_widths(&b, &change, "change-report", "What improved").await;
    assert!(comes_before(&b, ".change-summary", "table.change-tests").await);
    // On a phone the answer column is as wide as its card, not squeezed beside the others.
    let width = b
        .client
        .execute(
            "const td = document.querySelector('td.change-meaning'); return td ? td.getBoundingClientRect().width : 0;",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap_or(0.0);
    assert!(
        width > 250.0,
        "the answer column is {width} px wide at 375 px"
    );
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_directed_runners_results_fit_and_read_plainly_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let runner = person(&b.store, None, "rb-self@example.com", Role::Runner).await;
    let l = runners_loop(&b.store, &runner, &runner).await;
    b.log_in("rb-self@example.com").await;
    let programme = format!("/programmes/{}", l.programme);
    check_both_widths(
        &b,
        &programme,
        "programme-self-directed",
        "When to stop and get help",
    )
    .await;
    let text = b.client.source().await.unwrap();
    assert!(!text.contains("your clinician") && !text.contains("Approved by"));
    b.close().await;
}
