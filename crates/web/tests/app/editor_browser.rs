//! The article editor in Chromium (issue 19 item 6), at a 375 px phone and a 1280 px desktop:
//! the toolbar writes headings, lists, an exercise card and a call to action; the preview beside
//! the editor follows the text; an image uploaded from the toolbar lands in the article and on
//! its public page. Each state is axe-core clean and fits a phone; screenshots go to
//! `BACKSTRIDE_SCREENSHOTS`, else `target/screenshots/`.

use crate::browser::Browser;
use crate::client::{clinic, person};
use backstride_core::Role;
use fantoccini::Locator;

/// The preview pane's HTML as the page holds it now.
async fn preview(b: &Browser) -> String {
    let value = b
        .client
        .execute(
            "return document.getElementById('article-preview').innerHTML;",
            vec![],
        )
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}

/// Waits until the preview holds `part` (it follows the text after a short pause).
async fn preview_shows(b: &Browser, part: &str) {
    for _ in 0..100 {
        if preview(b).await.contains(part) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the preview never showed {part:?}: {}", preview(b).await);
}

/// Puts the cursor at the end of the article's text.
async fn cursor_to_end(b: &Browser) {
    b.client
        .execute(
            "const t = document.getElementById('body'); t.focus(); t.setSelectionRange(t.value.length, t.value.length);",
            vec![],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clinician_writes_an_article_with_the_toolbar_preview_and_an_image_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let home = clinic(&b.store, "Editor Clinic").await;
    person(&b.store, Some(&home), "ed-doc@example.com", Role::Clinician).await;
    b.log_in("ed-doc@example.com").await;
    b.goto("/clinic/articles/new").await;
    b.wait_for_text("As readers will see it").await;
    // The script shows the toolbar and hides the form's own preview button.
    b.client
        .wait()
        .for_element(Locator::Css("#editor-tools:not([hidden])"))
        .await
        .unwrap();
    let shown = b
        .client
        .find(Locator::Css("#show-preview"))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap();
    assert!(!shown, "the live preview replaces the form's own button");
    b.check_both_widths("editor-empty").await;

    b.fill("#title", "Hips and your low back").await;
    b.fill("#body", "Your hips carry you.").await;
    preview_shows(&b, "<p>Your hips carry you.</p>").await;
    cursor_to_end(&b).await;
    b.click("button[data-insert='heading2']").await;
    b.client
        .find(Locator::Css("#body"))
        .await
        .unwrap()
        .send_keys("Why hips matter")
        .await
        .unwrap();
    preview_shows(&b, "<h2>Why hips matter</h2>").await;
    cursor_to_end(&b).await;
    b.click("button[data-insert='bullets']").await;
    preview_shows(&b, "<li>List item</li>").await;
    cursor_to_end(&b).await;
    b.click("button[data-insert='exercise']").await;
    preview_shows(&b, "exercise-card").await;
    cursor_to_end(&b).await;
    b.click("button[data-insert='cta']").await;
    preview_shows(&b, "class=\"cta").await;

    // An image from the toolbar: uploaded, its line written at the cursor, shown in the preview.
    let dir = std::env::temp_dir().join(format!("backstride-editor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("stretch.png");
    let mut png = Vec::new();
    image::DynamicImage::new_rgb8(40, 30)
        .write_with_encoder(image::codecs::png::PngEncoder::new(&mut png))
        .unwrap();
    std::fs::write(&file, &png).unwrap();
    cursor_to_end(&b).await;
    b.fill("#image-alt", "A runner's couch stretch").await;
    b.client
        .find(Locator::Css("#image-file"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    b.click("button[data-insert='image']").await;
    b.wait_for_text("Image uploaded and added to the article.")
        .await;
    preview_shows(&b, "<img src=\"/clinics/").await;
    b.check_both_widths("editor-written").await;

    // The image that is not one: a clear message, the article untouched.
    let text = dir.join("notes.png");
    std::fs::write(&text, "just some notes").unwrap();
    let before = b
        .client
        .execute("return document.getElementById('body').value;", vec![])
        .await
        .unwrap();
    b.fill("#image-alt", "Notes").await;
    b.client
        .find(Locator::Css("#image-file"))
        .await
        .unwrap()
        .send_keys(text.to_str().unwrap())
        .await
        .unwrap();
    b.click("button[data-insert='image']").await;
    b.wait_for_text("not an image we can use").await;
    let after = b
        .client
        .execute("return document.getElementById('body').value;", vec![])
        .await
        .unwrap();
    assert_eq!(before, after, "nothing typed was lost or changed");

    // Published, the public page shows what the preview showed.
    b.click("#published").await;
    b.click("#article-form button[type=submit]:not([formaction])")
        .await;
    b.wait_for_text("Article published.").await;
    let articles = b
        .store
        .articles_for_staff(&backstride_store::Actor::of(
            &b.store
                .user_by_email(&"ed-doc@example.com".parse().unwrap())
                .await
                .unwrap(),
        ))
        .await
        .unwrap();
    let slug = &articles[0].slug;
    b.goto(&format!("/clinics/{}/articles/{slug}", home.id))
        .await;
    b.wait_for_text("Why hips matter").await;
    let page = b.client.source().await.unwrap();
    assert!(
        page.contains("alt=\"A runner's couch stretch\"")
            || page.contains("alt=\"A runner’s couch stretch\"")
    );
    b.check_both_widths("editor-published").await;

    // The clinic's images page (the way in without scripts): the image with its line to copy.
    b.goto("/clinic/articles/images").await;
    b.wait_for_text("Your clinic's images").await;
    assert!(
        b.client
            .source()
            .await
            .unwrap()
            .contains("![A runner's couch stretch](/clinics/")
    );
    b.check_both_widths("editor-images").await;
    let _ = std::fs::remove_dir_all(&dir);
    b.close().await;
}
