//! The account page's API tokens in Chromium (issue 17): the page and the new token shown once
//! fit a 375 px phone and 1280 px, axe-clean, with screenshots; Swagger UI renders the API's
//! document under its own CSP (its scripts from the binary, nothing from elsewhere).

use crate::browser::Browser;
use crate::client::person;
use backstride_core::Role;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tokens_page_and_swagger_ui_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let runner = person(&b.store, None, "tokens-b@example.com", Role::Runner).await;
    b.log_in("tokens-b@example.com").await;
    b.goto("/settings/tokens").await;
    b.wait_for_text("Make a token").await;
    b.check_both_widths("api-tokens").await;

    b.fill("#name", "Training spreadsheet").await;
    b.click("input[name=scope][value=write]").await;
    b.fill("#expires_in_days", "90").await;
    b.click("form[action='/settings/tokens'] button[type=submit]")
        .await;
    b.wait_for_text("Copy it now").await;
    b.check_both_widths("api-token-made").await;
    let tokens = b.store.api_tokens_of(runner.id).await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].name, "Training spreadsheet");

    // Swagger UI draws the document (its scripts ran under the page's CSP).
    b.goto("/api/docs/").await;
    b.wait_for_text("Backstride API").await;
    b.wait_for_text("/api/v1/runners/{runner_id}/logs").await;
    b.save_page("api-docs").await;
    b.close().await;
}
