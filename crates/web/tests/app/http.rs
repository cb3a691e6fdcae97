//! HTTP at clinic scale: gzip and brotli for text, static files under content-hashed names
//! cached for a year (the plain names still work), a strong `ETag` and 304 on the public feed
//! and brand stylesheet, and personal pages never stored — in-process, on every backend.

use crate::client::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backstride_core::Role;
use backstride_store::Store;
use std::io::Read;
use std::sync::Arc;

const APP_CSS: &[u8] = include_bytes!("../../static/app.css");
const APP_JS: &[u8] = include_bytes!("../../static/app.js");
const HTMX: &[u8] = include_bytes!("../../static/vendor/htmx.min.js");

async fn get_with(client: &mut Client, path: &str, name: &str, value: &str) -> Resp {
    client
        .send(
            Request::get(path)
                .header(name, value)
                .body(Body::empty())
                .unwrap(),
        )
        .await
}

pub(crate) fn header_of(res: &Resp, name: header::HeaderName) -> &str {
    res.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn decompressed(res: &Resp) -> Vec<u8> {
    let encoding = header_of(res, header::CONTENT_ENCODING);
    assert!(
        ["gzip", "br"].contains(&encoding),
        "not compressed: {encoding:?}"
    );
    decoded_bytes(res)
}

/// The body as sent before any gzip or brotli encoding (as it is when not encoded).
pub(crate) fn decoded_bytes(res: &Resp) -> Vec<u8> {
    let mut out = Vec::new();
    match header_of(res, header::CONTENT_ENCODING) {
        "gzip" => {
            flate2::read::GzDecoder::new(&res.bytes[..])
                .read_to_end(&mut out)
                .unwrap();
        }
        "br" => {
            brotli::Decompressor::new(&res.bytes[..], 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        "" => out = res.bytes.clone(),
        other => panic!("unexpected encoding {other}"),
    }
    out
}

/// The address a page gives for `stem.ext` (`app.css`): `/static/app.HASH.css`.
fn linked(page: &str, stem: &str, ext: &str) -> String {
    let prefix = format!("\"/static/{stem}.");
    let suffix = format!(".{ext}\"");
    let url = page
        .match_indices(&prefix)
        .map(|(at, _)| &page[at..at + 1 + page[at + 1..].find('"').unwrap() + 1])
        .find(|quoted| quoted.ends_with(&suffix))
        .unwrap_or_else(|| panic!("{stem}.{ext} linked in\n{page}"))
        .trim_matches('"');
    let hash = &url[prefix.len() - 1..url.len() - suffix.len() + 1];
    assert!(
        hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{url} is not hashed"
    );
    url.to_owned()
}

async fn published_article(store: &Arc<dyn Store>, clinic: i64, title: &str, date: &str) {
    let mut doc = Client::new(store.clone());
    let email = format!("writer{clinic}@http.example");
    doc.login(&email, PASSWORD).await;
    doc.get("/clinic/articles/new").await;
    let res = doc
        .post(
            "/clinic/articles/new",
            &[
                ("title", title),
                ("slug", ""),
                ("date", date),
                ("author", "Dr Writer"),
                ("tags", "Back pain"),
                ("body", &"Run easy, then strengthen the hips. ".repeat(20)),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[tokio::test]
async fn html_css_and_js_are_gzip_or_brotli_compressed_as_the_browser_asks() {
    each_backend(|store| async move {
        let c = clinic(&store, "Squeeze Clinic").await;
        let mut visitor = Client::new(store.clone());
        let page = visitor.get("/login").await;
        let css = linked(&page.body, "app", "css");
        let js = linked(&page.body, "app", "js");
        for encoding in ["gzip", "br"] {
            let html = get_with(
                &mut visitor,
                &format!("/clinics/{}", c.id),
                "accept-encoding",
                encoding,
            )
            .await;
            assert_eq!(html.status, StatusCode::OK);
            assert_eq!(header_of(&html, header::CONTENT_ENCODING), encoding);
            assert!(header_of(&html, header::VARY).contains("accept-encoding"));
            let text = String::from_utf8(decompressed(&html)).unwrap();
            assert!(text.starts_with("<!doctype html>"), "{text}");
            assert!(text.contains("Squeeze Clinic") && text.trim_end().ends_with("</html>"));
            for (url, bytes) in [(&css, APP_CSS), (&js, APP_JS)] {
                let res = get_with(&mut visitor, url, "accept-encoding", encoding).await;
                assert_eq!(header_of(&res, header::CONTENT_ENCODING), encoding, "{url}");
                assert!(res.bytes.len() < bytes.len(), "{url} smaller");
                assert_eq!(decompressed(&res), bytes, "{url} {encoding}");
            }
        }
        // Asked for nothing (or something we don't speak), the bytes come as they are.
        for asked in ["identity", "compress"] {
            let res = get_with(&mut visitor, &css, "accept-encoding", asked).await;
            assert_eq!(header_of(&res, header::CONTENT_ENCODING), "", "{asked}");
            assert_eq!(res.bytes, APP_CSS);
        }
        let plain = visitor.get(&css).await;
        assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "");
        assert_eq!(plain.bytes, APP_CSS);
    })
    .await;
}

#[tokio::test]
async fn pages_link_static_files_by_content_hash_cached_for_a_year_and_plain_names_still_work() {
    each_backend(|store| async move {
        let mut visitor = Client::new(store.clone());
        let page = visitor.get("/login").await;
        for (stem, ext, bytes) in [
            ("app", "css", APP_CSS),
            ("app", "js", APP_JS),
            ("vendor/htmx.min", "js", HTMX),
        ] {
            let url = linked(&page.body, stem, ext);
            let res = visitor.get(&url).await;
            assert_eq!(res.status, StatusCode::OK, "{url}");
            assert_eq!(
                header_of(&res, header::CACHE_CONTROL),
                "public, max-age=31536000, immutable",
                "{url}"
            );
            assert_eq!(res.bytes, bytes, "{url}");
            // The plain name (bookmarked, or linked by an old page) works, for a short while.
            let plain = visitor.get(&format!("/static/{stem}.{ext}")).await;
            assert_eq!(plain.status, StatusCode::OK);
            assert_eq!(
                header_of(&plain, header::CACHE_CONTROL),
                "public, max-age=3600"
            );
            assert_eq!(plain.bytes, bytes);
            // Another version's hash gets today's file, but never for good.
            let stale = visitor
                .get(&format!("/static/{stem}.0123456789.{ext}"))
                .await;
            assert_eq!(stale.status, StatusCode::OK);
            assert_eq!(
                header_of(&stale, header::CACHE_CONTROL),
                "public, max-age=3600"
            );
            assert_eq!(stale.bytes, bytes);
        }
        for missing in [
            "/static/nope.css",
            "/static/nope.0123456789.css",
            "/static/app",
            "/static/.css",
            "/static/vendor/.js",
        ] {
            assert_eq!(
                visitor.get(missing).await.status,
                StatusCode::NOT_FOUND,
                "{missing}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn the_feed_and_brand_stylesheet_carry_an_etag_and_answer_if_none_match_with_304() {
    each_backend(|store| async move {
        let c = clinic(&store, "Etag Clinic").await;
        let other = clinic(&store, "Other Clinic").await;
        let email = format!("writer{}@http.example", c.id);
        person(&store, Some(&c), &email, Role::Clinician).await;
        published_article(&store, c.id, "Hips first", "2024-03-01").await;
        let mut reader = Client::new(store.clone());
        for path in [
            format!("/clinics/{}/articles/feed.atom", c.id),
            format!("/clinics/{}/brand.css", c.id),
        ] {
            let first = reader.get(&path).await;
            assert_eq!(first.status, StatusCode::OK, "{path}");
            assert_eq!(
                header_of(&first, header::CACHE_CONTROL),
                "public, max-age=300",
                "{path}"
            );
            assert!(first.headers.get(header::SET_COOKIE).is_none(), "{path}");
            let etag = header_of(&first, header::ETAG).to_owned();
            assert!(
                etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10,
                "{path}: a strong ETag, got {etag:?}"
            );
            // The same body for everyone, so the same tag for everyone.
            let again = reader.another().get(&path).await;
            assert_eq!(header_of(&again, header::ETAG), etag);
            assert_eq!(again.body, first.body);

            for held in [etag.clone(), format!("W/{etag}"), format!("\"x\", {etag}")] {
                let res = get_with(&mut reader, &path, "if-none-match", &held).await;
                assert_eq!(res.status, StatusCode::NOT_MODIFIED, "{path} {held}");
                assert!(res.bytes.is_empty());
                assert_eq!(header_of(&res, header::ETAG), etag);
                assert_eq!(
                    header_of(&res, header::CACHE_CONTROL),
                    "public, max-age=300"
                );
            }
            // Another version, or a tag of another clinic's page, gets the whole body.
            let elsewhere = path.replace(&format!("/{}/", c.id), &format!("/{}/", other.id));
            let other_etag = header_of(&reader.get(&elsewhere).await, header::ETAG).to_owned();
            assert_ne!(other_etag, etag, "{elsewhere}");
            for held in [
                "\"0123\"".to_owned(),
                other_etag,
                etag.trim_matches('"').to_owned(),
            ] {
                let res = get_with(&mut reader, &path, "if-none-match", &held).await;
                assert_eq!(res.status, StatusCode::OK, "{path} {held}");
                assert_eq!(res.body, first.body);
            }
        }
        // A new article changes the feed, so the tag the reader holds no longer matches.
        let feed = format!("/clinics/{}/articles/feed.atom", c.id);
        let before = header_of(&reader.get(&feed).await, header::ETAG).to_owned();
        published_article(&store, c.id, "Core second", "2024-03-02").await;
        let res = get_with(&mut reader, &feed, "if-none-match", &before).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_ne!(header_of(&res, header::ETAG), before);
        assert!(res.body.contains("Core second"));
    })
    .await;
}

#[tokio::test]
async fn personal_pages_and_pages_with_a_nonce_or_token_stay_no_store() {
    each_backend(|store| async move {
        let c = clinic(&store, "Private Clinic").await;
        let email = format!("writer{}@http.example", c.id);
        person(&store, Some(&c), &email, Role::Clinician).await;
        person(&store, Some(&c), "runner@http.example", Role::Runner).await;
        published_article(&store, c.id, "Hips first", "2024-03-01").await;
        let mut runner = Client::new(store.clone());
        runner.login("runner@http.example", PASSWORD).await;
        for path in ["/home", "/settings", "/api/me", "/api/csrf"] {
            let res = runner.get(path).await;
            assert_eq!(res.status, StatusCode::OK, "{path}");
            assert_eq!(header_of(&res, header::CACHE_CONTROL), "no-store", "{path}");
            assert!(res.headers.get(header::ETAG).is_none(), "{path}");
        }
        // The clinic's other public HTML carries this request's script nonce (and a form token
        // where it has a form, the booking page too), so it is never shared from a cache either.
        // The landing page and articles are the same for every anonymous visitor (kept by
        // `public_pages`, without a nonce in the body) and so public with a tag; signed in,
        // they are the person's own.
        let mut visitor = Client::new(store.clone());
        for path in [
            format!("/clinics/{}/articles", c.id),
            format!("/clinics/{}/articles/tags/back-pain", c.id),
            format!("/clinics/{}/guide", c.id),
            format!("/clinics/{}/consult", c.id),
            format!("/clinics/{}/book", c.id),
        ] {
            let res = visitor.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{path}");
            assert_eq!(header_of(&res, header::CACHE_CONTROL), "no-store", "{path}");
            assert!(res.headers.get(header::ETAG).is_none(), "{path}");
        }
        for path in [
            format!("/clinics/{}", c.id),
            format!("/clinics/{}/articles/hips-first", c.id),
        ] {
            let res = visitor.get(&path).await;
            assert_eq!(
                header_of(&res, header::CACHE_CONTROL),
                "public, max-age=300",
                "{path}"
            );
            assert!(res.headers.get(header::ETAG).is_some(), "{path}");
            let res = runner.get(&path).await;
            assert_eq!(header_of(&res, header::CACHE_CONTROL), "no-store", "{path}");
            assert!(res.headers.get(header::ETAG).is_none(), "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn each_page_shows_the_form_token_masked_afresh_and_every_one_of_them_works() {
    each_backend(|store| async move {
        person(&store, None, "masked@http.example", Role::Runner).await;
        let mut browser = Client::new(store.clone());
        browser.get("/login").await;
        let first = browser.csrf.clone().expect("a token on the form");
        browser.get("/login").await;
        let second = browser.csrf.clone().unwrap();
        // Compressed next to what a visitor typed, the same bytes on every page would leak.
        assert_ne!(first, second);
        // A changed byte, a token cut short and another session's token are all refused.
        let mut tampered = first.clone().into_bytes();
        tampered[50] = if tampered[50] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        let other = {
            let mut other = browser.another();
            other.get("/login").await;
            other.csrf.clone().unwrap()
        };
        for forged in [tampered.as_str(), &first[..first.len() - 1], &other, ""] {
            let res = browser
                .post_raw(
                    "/login",
                    format!(
                        "email=masked%40http.example&password={}&csrf_token={forged}",
                        PASSWORD.replace(' ', "+")
                    ),
                )
                .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{forged}");
        }
        // The older page's token still signs in: it is the same secret behind another pad.
        browser.csrf = Some(first);
        let res = browser
            .post(
                "/login",
                &[("email", "masked@http.example"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    })
    .await;
}
