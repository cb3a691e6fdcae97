//! The open JSON API (issue 17) on both backends: personal access tokens made, shown once,
//! used and revoked on the account page; what a token may reach (its owner's record, staff their
//! clinic's runners with each access audited, 404 for anyone else's, 403 for a read token
//! writing); bad bodies answered with problem bodies and nothing stored; the OpenAPI document
//! against its committed snapshot; Swagger UI served from the binary.

use crate::client::*;
use crate::runs::run_fit;
use crate::tracking::approved_programme;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backstride_core::Role;
use backstride_store::{Actor, NewApiToken, Store, TokenScope, User};
use serde_json::Value;
use std::sync::Arc;

/// The token shown once on the page answering the form.
fn token_in(body: &str) -> String {
    let at = body.find("value=\"bst_").expect("the new token is shown") + "value=\"".len();
    let end = body[at..].find('"').unwrap();
    body[at..at + end].to_owned()
}

/// Makes a token on `c`'s account page.
async fn make_token(c: &mut Client, name: &str, scope: &str) -> String {
    c.get("/settings/tokens").await;
    let res = c
        .post(
            "/settings/tokens",
            &[("name", name), ("scope", scope), ("expires_in_days", "30")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    token_in(&res.body)
}

/// Logs `user` in and makes a token with `scope`.
async fn token_of(base: &Client, user: &User, scope: &str) -> String {
    let mut c = base.another();
    let res = c.login(user.email.as_str(), PASSWORD).await;
    assert!(res.status.is_redirection(), "{}", res.body);
    make_token(&mut c, "tests", scope).await
}

/// One API request from a program: no cookies, the token in the header.
async fn call(
    base: &Client,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> Resp {
    let mut c = base.another();
    let mut req = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let req = match body {
        Some((content_type, bytes)) => req
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(bytes)),
        None => req.body(Body::empty()),
    };
    c.send(req.unwrap()).await
}

async fn get_json(base: &Client, path: &str, token: &str) -> Value {
    let res = call(base, "GET", path, Some(token), None).await;
    assert_eq!(res.status, StatusCode::OK, "GET {path}: {}", res.body);
    serde_json::from_str(&res.body).unwrap()
}

async fn post_json(base: &Client, path: &str, token: &str, body: &str) -> Resp {
    call(
        base,
        "POST",
        path,
        Some(token),
        Some(("application/json", body.as_bytes().to_vec())),
    )
    .await
}

/// A problem body with `status`: its content type and fields.
fn assert_problem(res: &Resp, status: StatusCode) -> Value {
    assert_eq!(res.status, status, "{}", res.body);
    let content_type = res
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert_eq!(content_type, "application/problem+json", "{}", res.body);
    let body: Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(body["status"], status.as_u16(), "{body}");
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    body
}

/// A clinic with a clinician and a runner on an approved programme; another clinic's
/// clinician; another runner of the same clinic.
struct Cast {
    base: Client,
    runner: User,
    peer: User,
    clinician: User,
    stranger: User,
}

async fn cast(store: &Arc<dyn Store>) -> Cast {
    let home = clinic(store, "API Clinic").await;
    let away = clinic(store, "Other Clinic").await;
    let clinician = person(store, Some(&home), "api-doc@example.com", Role::Clinician).await;
    let runner = person(store, Some(&home), "api-run@example.com", Role::Runner).await;
    let peer = person(store, Some(&home), "api-peer@example.com", Role::Runner).await;
    let stranger = person(store, Some(&away), "api-far@example.com", Role::Clinician).await;
    approved_programme(store, &runner, &clinician, 3).await;
    Cast {
        base: Client::new(store.clone()),
        runner,
        peer,
        clinician,
        stranger,
    }
}

#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_used_and_revoked() {
    each_backend(|store| async move {
        let runner = person(&store, None, "tok@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.login("tok@example.com", PASSWORD).await;
        let settings = c.get("/settings").await;
        assert!(settings.body.contains("href=\"/settings/tokens\""));

        // Refused fields, each by its field; nothing made.
        c.get("/settings/tokens").await;
        for (name, scope, days, field) in [
            ("", "read", "", "name"),
            (&"x".repeat(61)[..], "read", "", "name"),
            ("sheet", "admin", "", "scope"),
            ("sheet", "read", "0", "expires_in_days"),
            ("sheet", "read", "366", "expires_in_days"),
            ("sheet", "read", "soon", "expires_in_days"),
        ] {
            let res = c
                .post(
                    "/settings/tokens",
                    &[("name", name), ("scope", scope), ("expires_in_days", days)],
                )
                .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            assert!(
                res.body.contains(&format!("id=\"{field}-error\"")),
                "{field}"
            );
        }
        assert!(store.api_tokens_of(runner.id).await.unwrap().is_empty());

        let res = c
            .post(
                "/settings/tokens",
                &[
                    ("name", "My sheet"),
                    ("scope", "read"),
                    ("expires_in_days", ""),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let token = token_in(&res.body);
        assert!(token.len() > 40, "{token}");
        // Kept only as its hash: the list shows its first characters, never the token.
        let held = store.api_tokens_of(runner.id).await.unwrap();
        assert_eq!(held.len(), 1);
        assert!(token.starts_with(&held[0].prefix) && held[0].prefix.len() < 12);
        assert_eq!(held[0].expires_at, None);
        assert_eq!(held[0].last_used_at, None);
        let page = c.get("/settings/tokens").await;
        assert!(page.body.contains("My sheet") && !page.body.contains(&token));

        let me = get_json(&c, "/api/v1/me", &token).await;
        assert_eq!(me["id"], runner.id);
        assert_eq!(me["role"], "runner");
        assert_eq!(me["token_scope"], "read");
        let used = store.api_tokens_of(runner.id).await.unwrap();
        assert!(used[0].last_used_at.is_some(), "the last use is noted");

        // Revoked: 401 at once, with a problem body.
        let res = c
            .post(&format!("/settings/tokens/{}/revoke", held[0].id), &[])
            .await;
        assert!(res.status.is_redirection(), "{}", res.body);
        let res = call(&c, "GET", "/api/v1/me", Some(&token), None).await;
        let problem = assert_problem(&res, StatusCode::UNAUTHORIZED);
        assert!(problem["detail"].as_str().unwrap().contains("revoked"));
        assert!(res.headers.contains_key(header::WWW_AUTHENTICATE));

        // Someone else's token can't be revoked by this person.
        let other = person(&store, None, "tok2@example.com", Role::Runner).await;
        let theirs = store
            .create_api_token(
                other.id,
                &NewApiToken {
                    name: "theirs".into(),
                    prefix: "bst_abcdef".into(),
                    token_hash: "0".repeat(64),
                    scope: TokenScope::Read,
                    expires_at: None,
                },
                1,
            )
            .await
            .unwrap();
        let res = c
            .post(&format!("/settings/tokens/{}/revoke", theirs.id), &[])
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let still = store.api_tokens_of(other.id).await.unwrap();
        assert_eq!(still[0].revoked_at, None);
    })
    .await;
}

#[tokio::test]
async fn no_token_a_wrong_one_an_expired_one_or_a_session_cookie_gets_401() {
    each_backend(|store| async move {
        let runner = person(&store, None, "who@example.com", Role::Runner).await;
        let base = Client::new(store.clone());
        for token in [None, Some("bst_not-a-token"), Some("not even the prefix")] {
            let res = call(&base, "GET", "/api/v1/me", token, None).await;
            assert_problem(&res, StatusCode::UNAUTHORIZED);
        }
        let expired = "bst_expired-token-for-the-test";
        store
            .create_api_token(
                runner.id,
                &NewApiToken {
                    name: "old".into(),
                    prefix: "bst_expire".into(),
                    token_hash: backstride_web_token_hash(expired),
                    scope: TokenScope::Write,
                    expires_at: Some(1000),
                },
                1,
            )
            .await
            .unwrap();
        let res = call(&base, "GET", "/api/v1/me", Some(expired), None).await;
        let problem = assert_problem(&res, StatusCode::UNAUTHORIZED);
        assert!(problem["detail"].as_str().unwrap().contains("expired"));

        // A signed-in browser is not a token: reads and writes are refused (a write without
        // its CSRF token before that).
        let mut c = base.another();
        c.login("who@example.com", PASSWORD).await;
        c.get("/settings").await;
        let res = c.get("/api/v1/me").await;
        assert_problem(&res, StatusCode::UNAUTHORIZED);
        let path = format!("/api/v1/runners/{}/logs", runner.id);
        let req = Request::post(&path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        assert_problem(&c.send(req).await, StatusCode::FORBIDDEN);
        let req = Request::post(&path)
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-csrf-token", c.csrf.clone().unwrap())
            .body(Body::from("{}"))
            .unwrap();
        assert_problem(&c.send(req).await, StatusCode::UNAUTHORIZED);
    })
    .await;
}

/// SHA-256 hex, as the app keeps tokens.
fn backstride_web_token_hash(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn runners_read_their_own_record_and_staff_their_clinics_with_each_access_audited() {
    each_backend(|store| async move {
        let Cast {
            base,
            runner,
            peer,
            clinician,
            stranger,
        } = cast(&store).await;
        let own = token_of(&base, &runner, "read").await;
        let staff = token_of(&base, &clinician, "read").await;
        let far = token_of(&base, &stranger, "read").await;
        let peers = token_of(&base, &peer, "read").await;
        let id = runner.id;

        let runners = get_json(&base, "/api/v1/runners", &own).await;
        assert_eq!(runners.as_array().unwrap().len(), 1);
        let runners = get_json(&base, "/api/v1/runners", &staff).await;
        assert_eq!(runners.as_array().unwrap().len(), 2, "the clinic's runners");

        for token in [&own, &staff] {
            let list = get_json(&base, &format!("/api/v1/runners/{id}/assessments"), token).await;
            let first = &list.as_array().unwrap()[0];
            assert_eq!(first["status"], "complete");
            assert!(first["result"].is_object());
            let one = get_json(
                &base,
                &format!("/api/v1/assessments/{}", first["id"]),
                token,
            )
            .await;
            assert_eq!(one["id"], first["id"]);
            let current = get_json(&base, &format!("/api/v1/runners/{id}/programme"), token).await;
            assert_eq!(current["status"], "approved");
            assert!(current["programme"].is_object());
            let versions =
                get_json(&base, &format!("/api/v1/runners/{id}/programmes"), token).await;
            assert!(!versions.as_array().unwrap().is_empty());
            let logs = get_json(&base, &format!("/api/v1/runners/{id}/logs"), token).await;
            assert!(logs.is_array());
            let runs = get_json(&base, &format!("/api/v1/runners/{id}/runs"), token).await;
            assert!(runs.is_array());
        }
        // The clinician's reads are in the runner's audit trail, by the clinician.
        let audit = store.audit_events_about(id).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.actor_user_id == clinician.id && e.outcome == "allowed"),
            "{audit:?}"
        );

        // Another clinic's staff and another runner: 404, as for a record that does not exist.
        let before = store.audit_events_about(id).await.unwrap().len();
        for token in [&far, &peers] {
            for path in [
                format!("/api/v1/runners/{id}/assessments"),
                format!("/api/v1/runners/{id}/programme"),
                format!("/api/v1/runners/{id}/programmes"),
                format!("/api/v1/runners/{id}/logs"),
                format!("/api/v1/runners/{id}/runs"),
            ] {
                let res = call(&base, "GET", &path, Some(token), None).await;
                assert_problem(&res, StatusCode::NOT_FOUND);
                assert!(!res.body.contains("api-run"), "{path}");
            }
        }
        let denied = store.audit_events_about(id).await.unwrap();
        assert!(
            denied.len() > before
                && denied
                    .iter()
                    .any(|e| e.actor_user_id == stranger.id && e.outcome == "denied"),
            "the denials are audited"
        );
        let assessment = store.assessments_of(&Actor::of(&runner), id).await.unwrap()[0].id;
        let res = call(
            &base,
            "GET",
            &format!("/api/v1/assessments/{assessment}"),
            Some(&far),
            None,
        )
        .await;
        assert_problem(&res, StatusCode::NOT_FOUND);

        // A bad date is a 400 problem.
        let res = call(
            &base,
            "GET",
            &format!("/api/v1/runners/{id}/logs?since=1999-12-31"),
            Some(&own),
            None,
        )
        .await;
        assert_problem(&res, StatusCode::BAD_REQUEST);

        // Booked calls: staff only.
        assert!(get_json(&base, "/api/v1/bookings", &staff).await.is_array());
        let res = call(&base, "GET", "/api/v1/bookings", Some(&own), None).await;
        assert_problem(&res, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn writes_need_a_write_token_and_a_bad_body_stores_nothing() {
    each_backend(|store| async move {
        let Cast {
            base,
            runner,
            clinician,
            stranger,
            ..
        } = cast(&store).await;
        let read = token_of(&base, &runner, "read").await;
        let write = token_of(&base, &runner, "write").await;
        let staff = token_of(&base, &clinician, "write").await;
        let far = token_of(&base, &stranger, "write").await;
        let path = format!("/api/v1/runners/{}/logs", runner.id);
        let today = today().to_string();
        let good = format!(
            r#"{{"kind": "morning", "date": "{today}", "idempotency_key": "api-1",
                 "morning_pain": 1, "stiffness": 2, "settled": true}}"#
        );
        let stored = || async {
            store
                .logs_of(&Actor::of(&runner), runner.id, "2000-01-01")
                .await
                .unwrap()
                .len()
        };

        assert_problem(
            &post_json(&base, &path, &read, &good).await,
            StatusCode::FORBIDDEN,
        );
        assert_problem(
            &post_json(&base, &path, &staff, &good).await,
            StatusCode::FORBIDDEN,
        );
        assert_problem(
            &post_json(&base, &path, &far, &good).await,
            StatusCode::NOT_FOUND,
        );
        assert_problem(
            &post_json(&base, &path, &write, "{\"kind\": ").await,
            StatusCode::BAD_REQUEST,
        );
        let unknown = good.replace("\"settled\"", "\"surprise\": 1, \"settled\"");
        let res = post_json(&base, &path, &write, &unknown).await;
        let problem = assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem["detail"].as_str().unwrap().contains("surprise"));
        let res = call(
            &base,
            "POST",
            &path,
            Some(&write),
            Some(("text/plain", good.clone().into_bytes())),
        )
        .await;
        assert_problem(&res, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let too_much = good.replace("\"morning_pain\": 1", "\"morning_pain\": 11");
        let res = post_json(&base, &path, &write, &too_much).await;
        let problem = assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["field"], "morning_pain", "{problem}");
        let flagged = good.replace("\"settled\"", "\"red_flags\": [\"headache\"], \"settled\"");
        let res = post_json(&base, &path, &write, &flagged).await;
        let problem = assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["field"], "red_flags", "{problem}");
        let halves = r#"{"kind": "session", "idempotency_key": "api-s", "item_key": "any",
                         "sets": 2.5, "pain_during": 1}"#;
        let res = post_json(&base, &path, &write, halves).await;
        let problem = assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(problem["errors"][0]["field"].is_string(), "{problem}");
        assert_eq!(stored().await, 0, "nothing refused was stored");

        let res = post_json(&base, &path, &write, &good).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let saved: Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(saved["status"], "stored");
        // The same key again: stored once.
        let res = post_json(&base, &path, &write, &good).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("already_stored"));
        // A second morning for the day, under another key: refused by its field.
        let twice = good.replace("api-1", "api-2");
        let res = post_json(&base, &path, &write, &twice).await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(stored().await, 1);
        let logs = get_json(&base, &path, &read).await;
        assert_eq!(logs[0]["kind"], "morning");
        assert_eq!(logs[0]["idempotency_key"], "api-1");
    })
    .await;
}

#[tokio::test]
async fn a_watch_file_and_a_whole_assessment_are_added_through_the_api() {
    each_backend(|store| async move {
        let Cast {
            base,
            runner,
            clinician,
            ..
        } = cast(&store).await;
        let write = token_of(&base, &runner, "write").await;
        let staff = token_of(&base, &clinician, "write").await;
        let id = runner.id;

        // A FIT file as the body; the same file again is a duplicate.
        let runs = format!("/api/v1/runners/{id}/runs?file_name=morning.fit");
        let fit = run_fit(0);
        let body = || Some(("application/octet-stream", fit.clone()));
        let res = call(&base, "POST", &runs, Some(&write), body()).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let out: Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(out["files"][0]["outcome"], "imported", "{out}");
        let run_id = out["files"][0]["run_ids"][0].as_i64().unwrap();
        let res = call(&base, "POST", &runs, Some(&write), body()).await;
        assert!(res.body.contains("duplicate"), "{}", res.body);
        assert_problem(
            &call(&base, "POST", &runs, Some(&staff), body()).await,
            StatusCode::FORBIDDEN,
        );
        let list = get_json(&base, &format!("/api/v1/runners/{id}/runs"), &staff).await;
        assert_eq!(list.as_array().unwrap().len(), 1);
        let run = get_json(
            &base,
            &format!("/api/v1/runners/{id}/runs/{run_id}"),
            &staff,
        )
        .await;
        assert_eq!(run["file_name"], "morning.fit");
        assert!(run["analysis"].is_object());

        // A whole assessment, scored at once, entered by the clinician.
        let path = format!("/api/v1/runners/{id}/assessments");
        let before = store
            .assessments_of(&Actor::of(&runner), id)
            .await
            .unwrap()
            .len();
        let example = include_str!("../../../core/examples/assessment.json");
        let broken = example.replacen('{', "{\"not_a_section\": {},", 1);
        assert_problem(
            &post_json(&base, &path, &staff, &broken).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        let after = store
            .assessments_of(&Actor::of(&runner), id)
            .await
            .unwrap()
            .len();
        assert_eq!(after, before, "nothing stored");
        let res = post_json(&base, &path, &staff, example).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let made: Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(made["kind"], "retest", "{made}");
        assert_eq!(made["entered_by"], clinician.id);
        assert!(made["result"].is_object());
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_matches_its_snapshot_and_lists_every_api_route() {
    let spec = backstride_web::openapi_json();
    let doc: Value = serde_json::from_str(&spec).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "OpenAPI 3.1"
    );
    for (method, path) in crate::world::served_routes() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        let op = &doc["paths"][&path][method.to_lowercase()];
        assert!(op.is_object(), "{method} {path} is in the OpenAPI document");
    }
    let snapshot = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/openapi.json");
    if std::env::var_os("BACKSTRIDE_UPDATE_OPENAPI").is_some() {
        std::fs::write(&snapshot, format!("{spec}\n")).unwrap();
    }
    let committed = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        committed.trim_end() == spec.trim_end(),
        "the OpenAPI document changed: check the change, then run this test with \
         BACKSTRIDE_UPDATE_OPENAPI=1 and commit crates/web/tests/openapi.json"
    );

    // Served as it is generated, and Swagger UI with its own files (no CDN).
    let store = backstride_store::testing::sqlite().await;
    let mut c = Client::new(store);
    let res = c.get("/api/openapi.json").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, spec);
    let res = c.get("/api/docs/").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(!res.body.contains("https://"), "no file from elsewhere");
    let csp = res.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("style-src 'self' 'unsafe-inline'"), "{csp}");
    let init = c.get("/api/docs/swagger-initializer.js").await;
    assert!(init.body.contains("/api/openapi.json"), "{}", init.body);
    let css = c.get("/api/docs/swagger-ui.css").await;
    assert_eq!(css.status, StatusCode::OK);
    // Inline styles on that page only.
    let other = c.get("/login").await;
    let csp = other.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
}
