//! The article editor (issue 19 item 6): the live preview renders with the public page's own
//! renderer and stores nothing; images staff upload are checked by content, bounded in size,
//! stripped of metadata, kept per clinic and served from our own path — in-process, on every
//! backend.

use crate::client::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backstride_core::Role;
use backstride_store::{Actor, Store};
use std::sync::Arc;

const BOUNDARY: &str = "----backstride-image-boundary-5fQ2";

/// A PNG of 6 × 4 pixels carrying a text chunk that must not survive the upload.
fn png_with_secret() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, 6, 4);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .add_text_chunk("Location".to_owned(), "secret-home-address".to_owned())
            .unwrap();
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[90u8; 6 * 4 * 3]).unwrap();
    }
    out
}

fn multipart(alt: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n{alt}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{file_name}\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads the way the images page's form does (token in the query), or the way the editor's
/// script does (`json`: token in a header, JSON asked for).
async fn upload(c: &mut Client, alt: &str, bytes: &[u8], json: bool) -> Resp {
    c.get("/clinic/articles/images").await;
    let token = c.csrf.clone().expect("a CSRF token on the images page");
    let mut req = Request::post(if json {
        "/clinic/articles/images".to_owned()
    } else {
        format!("/clinic/articles/images?csrf_token={token}")
    })
    .header(
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if json {
        req = req
            .header(header::ACCEPT, "application/json")
            .header("x-csrf-token", &token);
    }
    c.send(
        req.body(Body::from(multipart(alt, "photo.png", bytes)))
            .unwrap(),
    )
    .await
}

async fn actor_of(store: &Arc<dyn Store>, email: &str) -> Actor {
    Actor::of(&store.user_by_email(&email.parse().unwrap()).await.unwrap())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn images_are_checked_stripped_kept_per_clinic_and_served_from_our_path() {
    each_backend(|store| async move {
        let a = clinic(&store, "Image Clinic A").await;
        let b = clinic(&store, "Image Clinic B").await;
        person(&store, Some(&a), "img-doc@a.example", Role::Clinician).await;
        person(&store, Some(&b), "img-doc@b.example", Role::Clinician).await;
        person(&store, Some(&a), "img-runner@a.example", Role::Runner).await;
        let mut doc = Client::new(store.clone());
        doc.login("img-doc@a.example", PASSWORD).await;

        // The form: stored, then the page shows the line to copy.
        let res = upload(&mut doc, "Runner stretching", &png_with_secret(), false).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = doc.get(res.location()).await;
        assert!(page.body.contains("Image uploaded"), "{}", page.body);
        let images = store
            .article_images(&actor_of(&store, "img-doc@a.example").await, 10)
            .await
            .unwrap();
        assert_eq!(images.len(), 1);
        let url = format!("/clinics/{}/images/{}", a.id, images[0].key);
        assert!(page.body.contains(&format!("![Runner stretching]({url})")));

        // Served by anyone, with its type and a long cache life, without the metadata.
        let mut visitor = Client::new(store.clone());
        let served = visitor.get(&url).await;
        assert_eq!(served.status, StatusCode::OK);
        assert_eq!(served.headers["content-type"], "image/png");
        assert!(
            served.headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        assert!(!contains(&served.bytes, b"secret-home-address"));
        let decoded = image::load_from_memory(&served.bytes).expect("a real image");
        assert_eq!((decoded.width(), decoded.height()), (6, 4));
        // Only under its own clinic's address.
        let elsewhere = format!("/clinics/{}/images/{}", b.id, images[0].key);
        assert_eq!(visitor.get(&elsewhere).await.status, StatusCode::NOT_FOUND);

        // The editor's script: JSON back, with the Markdown line to insert.
        let res = upload(&mut doc, "Hip circles", &png_with_secret(), true).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert!(
            json["markdown"]
                .as_str()
                .unwrap()
                .starts_with("![Hip circles](/clinics/")
        );

        // Bad input: a clear message beside the field, the description kept, nothing stored.
        let text = b"Dear clinic, this is a letter, not a picture.".to_vec();
        let res = upload(&mut doc, "Kept description", &text, false).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("not an image we can use"), "{}", res.body);
        assert!(res.body.contains("value=\"Kept description\""));
        let mut huge = png_with_secret();
        huge.resize(20 * 1024 * 1024, 0);
        let res = upload(&mut doc, "Too big", &huge, false).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("That file is 20 MB"), "{}", res.body);
        assert!(res.body.contains("up to 5 MB"));
        let res = upload(&mut doc, "Too big", &huge, true).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body.contains("up to 5 MB"),
            "a problem body: {}",
            res.body
        );
        let res = upload(&mut doc, "  ", &png_with_secret(), false).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("Describe the image"));
        let stored = store
            .article_images(&actor_of(&store, "img-doc@a.example").await, 10)
            .await
            .unwrap();
        assert_eq!(stored.len(), 2, "only the two good images");

        // Only the clinic's staff upload, and each clinic sees its own.
        let mut runner = Client::new(store.clone());
        runner.login("img-runner@a.example", PASSWORD).await;
        assert_eq!(
            runner.get("/clinic/articles/images").await.status,
            StatusCode::FORBIDDEN
        );
        let mut other = Client::new(store.clone());
        other.login("img-doc@b.example", PASSWORD).await;
        let list = other.get("/clinic/articles/images").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(!list.body.contains(&images[0].key));
        let mut nobody = Client::new(store.clone());
        let res = nobody.get("/clinic/articles/images").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(res.location().starts_with("/login"), "{}", res.location());
    })
    .await;
}

#[tokio::test]
async fn the_preview_is_the_public_page_rendering_and_saves_nothing() {
    each_backend(|store| async move {
        let home = clinic(&store, "Preview Clinic").await;
        person(&store, Some(&home), "pre-doc@example.com", Role::Clinician).await;
        let mut doc = Client::new(store.clone());
        doc.login("pre-doc@example.com", PASSWORD).await;
        let editor = doc.get("/clinic/articles/new").await;
        assert_eq!(editor.status, StatusCode::OK);
        for part in [
            "id=\"article-preview\"",
            "data-insert=\"heading2\"",
            "data-insert=\"bullets\"",
            "data-insert=\"numbers\"",
            "data-insert=\"link\"",
            "data-insert=\"exercise\"",
            "data-insert=\"cta\"",
            "data-insert=\"image\"",
            "/static/editor.",
        ] {
            assert!(editor.body.contains(part), "{part}");
        }
        let body = "## Why hips matter\n\n- one\n- two\n\n{{exercise couch_stretch}}\n\n{{cta guide}}\n\n<script>alert(1)</script>\n";
        let preview = doc
            .post(
                "/clinic/articles/preview",
                &[("body", body), ("slug", "hips")],
            )
            .await;
        assert_eq!(preview.status, StatusCode::OK);
        assert!(preview.body.contains("<h2>Why hips matter</h2>"));
        assert!(preview.body.contains("<li>one</li>"));
        assert!(preview.body.contains("exercise-card"));
        assert!(preview.body.contains("guide?from=article:hips"));
        assert!(!preview.body.contains("<script>"));

        // Without scripts: "Show preview" shows the same, keeps the text, saves nothing.
        let shown = doc
            .post(
                "/clinic/articles/new?show=preview",
                &[
                    ("title", "Hips"),
                    ("slug", "hips"),
                    ("date", "2024-01-02"),
                    ("author", "Dr P"),
                    ("tags", "hips"),
                    ("body", body),
                    ("published", "on"),
                ],
            )
            .await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.body.contains(&preview.body), "the same rendering");
        assert!(shown.body.contains("## Why hips matter"), "the text is kept");
        let actor = actor_of(&store, "pre-doc@example.com").await;
        assert!(store.articles_for_staff(&actor).await.unwrap().is_empty());

        // Saved and published, the public page shows exactly what the preview showed.
        let saved = doc
            .post(
                "/clinic/articles/new",
                &[
                    ("title", "Hips"),
                    ("slug", "hips"),
                    ("date", "2024-01-02"),
                    ("author", "Dr P"),
                    ("tags", "hips"),
                    ("body", body),
                    ("published", "on"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let public = Client::new(store.clone())
            .get(&format!("/clinics/{}/articles/hips", home.id))
            .await;
        assert!(public.body.contains(&preview.body));

        // A POST like any other: without the page's token it is refused.
        let mut stranger = doc.another();
        let refused = stranger
            .post_raw("/clinic/articles/preview", "body=hello".into())
            .await;
        assert_ne!(refused.status, StatusCode::OK);
    })
    .await;
}
