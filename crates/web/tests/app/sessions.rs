//! No writes on reads: visitors get no server-side session (public forms carry a signed token
//! bound to a visitor cookie), a signed-in read leaves the session row as it was, and every
//! public form refuses a missing, forged, expired or another visitor's token.

use crate::booking::every_day;
use crate::client::*;
use crate::front::article;
use axum::http::{StatusCode, header};
use backstride_core::Role;
use backstride_store::{Actor, Store, testing};
use std::sync::Arc;

/// How many sessions the store holds.
async fn session_rows(store: &Arc<dyn Store>) -> i64 {
    testing::count_rows(store, testing::sessions_table(store)).await
}

/// A session row as stored: its data and expiry, as text.
async fn session_row(store: &Arc<dyn Store>, id: &str) -> (Vec<u8>, String) {
    let sql = format!(
        "SELECT data, CAST(expiry_date AS TEXT) FROM {} WHERE id = $1",
        testing::sessions_table(store)
    );
    testing::one_row(store, &sql, &[testing::Bind::Text(id)]).await
}

/// A clinic with a clinician who takes calls and a published article; returns its id.
async fn public_clinic(store: &Arc<dyn Store>) -> i64 {
    let c = clinic(store, "Open Door Clinic").await;
    let doc = person(store, Some(&c), "doc@opendoor.example", Role::Clinician).await;
    store
        .save_call_hours(&Actor::of(&doc), doc.id, &every_day(), 1)
        .await
        .unwrap();
    article(store, &doc, "hips-first", "2024-03-01", true).await;
    c.id
}

pub(crate) fn set_cookies(res: &Resp) -> Vec<String> {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_thousand_anonymous_page_views_make_no_session_row() {
    each_backend(|store| async move {
        let clinic = public_clinic(&store).await;
        let with_forms = [
            "/login".to_owned(),
            "/signup".to_owned(),
            "/password/forgot".to_owned(),
            format!("/clinics/{clinic}/book"),
            format!("/clinics/{clinic}/guide"),
            format!("/clinics/{clinic}/consult"),
        ];
        let without_forms = [
            format!("/clinics/{clinic}"),
            format!("/clinics/{clinic}/articles"),
            format!("/clinics/{clinic}/articles/hips-first"),
        ];
        let before = session_rows(&store).await;
        let mut returning = Client::new(store.clone());
        let pages: Vec<&String> = with_forms.iter().chain(&without_forms).collect();
        for i in 0..1_000 {
            let path = pages[i % pages.len()];
            // Half are first visits, half a visitor who already holds the visitor cookie.
            let res = if i % 2 == 0 {
                returning.another().get(path).await
            } else {
                returning.get(path).await
            };
            assert_eq!(res.status, StatusCode::OK, "{path}");
            let cookies = set_cookies(&res);
            assert!(
                cookies.iter().all(|c| !c.starts_with(SESSION_COOKIE)),
                "{path}: {cookies:?}"
            );
            if without_forms.contains(path) {
                assert!(cookies.is_empty(), "{path} sets no cookie: {cookies:?}");
            }
        }
        assert_eq!(session_rows(&store).await, before, "no session row made");
        // A first visit to a page with a form gets the visitor cookie, and only that.
        let first = returning.another().get("/login").await;
        let cookies = set_cookies(&first);
        assert_eq!(cookies.len(), 1, "{cookies:?}");
        assert!(
            cookies[0].starts_with(&format!("{}=", backstride_web::VISITOR_COOKIE))
                && cookies[0].contains("HttpOnly")
                && cookies[0].contains("SameSite=Lax"),
            "{cookies:?}"
        );
        // Logging in is what makes the one session row.
        person(&store, None, "reader@opendoor.example", Role::Runner).await;
        let mut c = Client::new(store.clone());
        let res = c.login("reader@opendoor.example", PASSWORD).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(session_rows(&store).await, before + 1);
    })
    .await;
}

#[tokio::test]
async fn a_signed_in_read_leaves_the_session_row_as_it_was() {
    each_backend(|store| async move {
        person(&store, None, "still@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.login("still@example.com", PASSWORD).await;
        let id = c.cookies.get(SESSION_COOKIE).cloned().expect("a session");
        // The first page after logging in shows the welcome and may settle the session.
        c.get("/home").await;
        let row = session_row(&store, &id).await;
        for path in ["/home", "/settings", "/today", "/runs", "/api/me", "/home"] {
            let res = c.get(path).await;
            assert!(
                res.status.is_success() || res.status.is_redirection(),
                "{path}: {}",
                res.status
            );
            assert!(
                set_cookies(&res).is_empty(),
                "{path} sets no cookie: {:?}",
                set_cookies(&res)
            );
            assert_eq!(
                session_row(&store, &id).await,
                row,
                "{path} left the session row (data and expiry) as it was"
            );
        }
        assert_eq!(session_rows(&store).await, 1);
        // A write still works with the session's token, and a flash message reaches the page.
        c.get("/settings").await;
        let saved = c
            .post(
                "/settings",
                &[
                    ("display_name", "Still"),
                    ("time_zone", "UTC"),
                    ("units", "metric"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = c.get(saved.location()).await;
        assert!(page.body.contains("class=\"flash"), "{}", page.body);
        assert!(
            !c.cookies.contains_key(backstride_web::FLASH_COOKIE),
            "shown once"
        );
    })
    .await;
}

#[tokio::test]
async fn every_public_form_refuses_a_missing_forged_expired_or_borrowed_token() {
    each_backend(|store| async move {
        let clinic = public_clinic(&store).await;
        let forms = [
            "/login".to_owned(),
            "/signup".to_owned(),
            "/password/forgot".to_owned(),
            format!("/clinics/{clinic}/book"),
            format!("/clinics/{clinic}/guide"),
            format!("/clinics/{clinic}/consult"),
        ];
        let now = jiff::Timestamp::now().as_second();
        let base = Client::new(store.clone());
        for path in &forms {
            let mut c = base.another();
            let page = c.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            let visitor = c
                .cookies
                .get(backstride_web::VISITOR_COOKIE)
                .cloned()
                .unwrap_or_else(|| panic!("{path} gives a visitor cookie"));
            let good = c.csrf.clone().expect("the form carries a token");
            let mut other = base.another();
            other.get(path).await;
            let borrowed = other.csrf.clone().unwrap();
            let expired = backstride_web::form_token_for(&config(), &visitor, now - 1);
            let mut forged = good.clone();
            forged.pop();
            forged.push(if good.ends_with('A') { 'B' } else { 'A' });
            let typed = "email=typed%40example.com&name=Typed&display_name=Typed";
            for (why, token) in [
                ("missing", None),
                ("forged", Some("forged".to_owned())),
                ("re-signed", Some(forged)),
                ("expired", Some(expired)),
                ("another visitor's", Some(borrowed)),
            ] {
                let body = match &token {
                    Some(t) => format!("{typed}&csrf_token={}", urlencode(t)),
                    None => typed.to_owned(),
                };
                let res = c.post_raw(path, body).await;
                assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {why}");
                assert!(res.body.contains("Reload the page"), "{path}: {why}");
            }
            // Without the visitor cookie the page's own token is refused too.
            let mut cookieless = c.another();
            let res = cookieless
                .post_raw(path, format!("{typed}&csrf_token={}", urlencode(&good)))
                .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: no cookie");
            // The page's own token passes (the form answers on its own terms, typing kept).
            let res = c
                .post_raw(path, format!("{typed}&csrf_token={}", urlencode(&good)))
                .await;
            assert_ne!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.body);
            if res.status == StatusCode::UNPROCESSABLE_ENTITY {
                assert!(res.body.contains("typed@example.com"), "{path}");
            }
        }
        assert_eq!(session_rows(&store).await, 0, "no form made a session");
    })
    .await;
}

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("v", text)]).unwrap()[2..].to_owned()
}
