//! Denials: CSRF, other people's records, roles, oversized bodies; and the security headers.

use crate::client::*;
use axum::http::StatusCode;
use backstride_core::Role;

#[tokio::test]
async fn writes_without_a_valid_csrf_token_are_refused() {
    each_backend(|store| async move {
        person(&store, None, "csrf@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.get("/login").await;
        let missing = c
            .post_raw(
                "/login",
                "email=csrf%40example.com&password=a+long+enough+pass".into(),
            )
            .await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN);
        assert!(missing.body.contains("Reload the page"), "{}", missing.body);
        let forged = c
            .post_raw(
                "/login",
                "email=csrf%40example.com&password=a+long+enough+pass&csrf_token=forged".into(),
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        // A token from before login is stale afterwards.
        let stale = c.csrf.clone().unwrap();
        assert_eq!(
            c.post(
                "/login",
                &[("email", "csrf@example.com"), ("password", PASSWORD)]
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        let res = c
            .post_raw(
                "/settings",
                format!("display_name=X&time_zone=UTC&units=metric&csrf_token={stale}"),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // htmx sends the token in a header instead.
        c.get("/settings").await;
        let token = c.csrf.clone().unwrap();
        let req = axum::http::Request::post("/settings")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-csrf-token", token)
            .body(axum::body::Body::from(
                "display_name=Hx&time_zone=UTC&units=metric",
            ))
            .unwrap();
        assert_eq!(c.send(req).await.status, StatusCode::SEE_OTHER);
        // A session from another browser has its own token.
        let mut other = c.another();
        other.get("/login").await;
        other.csrf = c.csrf.clone();
        assert_eq!(
            other.post("/logout", &[]).await.status,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}

#[tokio::test]
async fn a_runner_asking_for_another_runners_page_gets_404_and_is_audited() {
    each_backend(|store| async move {
        let a = clinic(&store, "A Clinic").await;
        let b = clinic(&store, "B Clinic").await;
        let ann = person(&store, Some(&a), "ann@example.com", Role::Runner).await;
        let ben = person(&store, Some(&a), "ben@example.com", Role::Runner).await;
        person(&store, Some(&a), "doc-a@example.com", Role::Clinician).await;
        let doc_b = person(&store, Some(&b), "doc-b@example.com", Role::Clinician).await;

        let mut c = Client::new(store.clone());
        c.login("ann@example.com", PASSWORD).await;
        assert_eq!(
            c.get(&format!("/runners/{}", ann.id)).await.status,
            StatusCode::OK
        );
        let denied = c.get(&format!("/runners/{}", ben.id)).await;
        assert_eq!(denied.status, StatusCode::NOT_FOUND);
        assert!(!denied.body.contains("ben@example.com"));
        let missing = c.get("/runners/999999").await;
        assert_eq!(
            missing.status,
            StatusCode::NOT_FOUND,
            "same answer as for a record that doesn't exist"
        );

        let mut doc = c.another();
        doc.login("doc-a@example.com", PASSWORD).await;
        let seen = doc.get(&format!("/runners/{}", ben.id)).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.body.contains("ben@example.com"));
        let mut other_clinic = c.another();
        other_clinic.login("doc-b@example.com", PASSWORD).await;
        assert_eq!(
            other_clinic
                .get(&format!("/runners/{}", ben.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        let trail = store.audit_events_about(ben.id).await.unwrap();
        let outcomes: Vec<&str> = trail.iter().map(|e| e.outcome.as_str()).collect();
        // Newest first: clinic B's denied look; clinic A's record page (the record, its
        // timeline and decisions: several audited reads, all allowed); Ann's denied look.
        let last = outcomes.len() - 1;
        assert!(last >= 2, "{outcomes:?}");
        assert_eq!((outcomes[0], outcomes[last]), ("denied", "denied"));
        assert!(
            outcomes[1..last].iter().all(|o| *o == "allowed"),
            "{outcomes:?}"
        );
        assert_eq!(trail[last].actor_user_id, ann.id);
        assert_eq!(trail[0].actor_user_id, doc_b.id);
        // Ben can see who opened his record.
        let mut ben_c = c.another();
        ben_c.login("ben@example.com", PASSWORD).await;
        let own = ben_c.get(&format!("/runners/{}", ben.id)).await;
        assert!(own.body.contains("Who has opened your record"));
        assert!(own.body.contains("doc-a (clinician)"));
    })
    .await;
}

#[tokio::test]
async fn roles_guard_staff_pages() {
    let store = backstride_store::testing::sqlite().await;
    let a = clinic(&store, "Roles Clinic").await;
    person(&store, Some(&a), "r@example.com", Role::Runner).await;
    person(&store, Some(&a), "c@example.com", Role::Clinician).await;
    let mut runner = Client::new(store.clone());
    runner.login("r@example.com", PASSWORD).await;
    assert_eq!(runner.get("/clinic").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        runner.get("/admin/outbox").await.status,
        StatusCode::FORBIDDEN
    );
    let mut clin = runner.another();
    clin.login("c@example.com", PASSWORD).await;
    assert_eq!(clin.get("/clinic").await.status, StatusCode::OK);
    assert_eq!(
        clin.get("/admin/outbox").await.status,
        StatusCode::FORBIDDEN
    );
    let anon = runner.another().get("/clinic").await;
    assert_eq!(anon.location(), "/login?next=%2Fclinic");
}

#[tokio::test]
async fn oversized_bodies_get_a_friendly_413() {
    let store = backstride_store::testing::sqlite().await;
    let mut c = Client::new(store);
    c.get("/signup").await;
    let huge = "x".repeat(200 * 1024);
    let res = c.post("/signup", &[("display_name", &huge)]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.body.contains("more than we can accept"), "{}", res.body);
}

#[tokio::test]
async fn security_headers_nonce_and_friendly_errors() {
    let store = backstride_store::testing::sqlite().await;
    let mut c = Client::new(store.clone());
    let a = c.get("/login").await;
    let csp = a
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        a.body.contains(&format!("nonce=\"{nonce}\"")),
        "the page uses this request's nonce"
    );
    let b = c.get("/login").await;
    assert_ne!(
        b.headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap(),
        csp,
        "a new nonce per request"
    );
    assert_eq!(a.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(a.headers.get("referrer-policy").is_some());
    assert!(
        a.headers.get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );

    let https = backstride_web::WebConfig {
        public_url: "https://clinic.example".into(),
        ..config()
    };
    let mut secure = Client::with_config(store.clone(), https);
    let res = secure.get("/login").await;
    assert!(res.headers.get("strict-transport-security").is_some());
    assert!(
        res.headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Secure")
    );

    let nf = c.get("/no/such/page").await;
    assert_eq!(nf.status, StatusCode::NOT_FOUND);
    assert!(nf.body.contains("We couldn&#39;t find that page"));
    let api = c.get("/api/me").await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        api.headers.get("content-type").unwrap(),
        "application/problem+json"
    );
    assert_eq!(
        c.get("/api/nothing")
            .await
            .headers
            .get("content-type")
            .unwrap(),
        "application/problem+json"
    );
    assert_eq!(c.get("/healthz").await.body, "ok");
    assert!(c.get("/readyz").await.body.starts_with("ready"));
    let wrong_method = c
        .send(
            axum::http::Request::delete("/login")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(wrong_method.status.is_client_error());
    assert!(
        wrong_method.body.contains("<html"),
        "framework errors become friendly pages"
    );
}

#[tokio::test]
async fn clinicians_see_and_resolve_their_clinics_alerts_only() {
    each_backend(|store| async move {
        let a = clinic(&store, "Alert A").await;
        let b = clinic(&store, "Alert B").await;
        let runner = person(&store, Some(&a), "al-run@example.com", Role::Runner).await;
        person(&store, Some(&a), "al-doc@example.com", Role::Clinician).await;
        person(&store, Some(&b), "al-other@example.com", Role::Clinician).await;
        let id = store
            .raise_alert(
                runner.id,
                backstride_store::AlertTier::Critical,
                "Red flag reported: saddle numbness",
                100,
            )
            .await
            .unwrap();
        let mut other = Client::new(store.clone());
        other.login("al-other@example.com", PASSWORD).await;
        assert!(!other.get("/clinic").await.body.contains("saddle numbness"));
        assert_eq!(
            other
                .post(&format!("/clinic/alerts/{id}/resolve"), &[])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let mut doc = other.another();
        doc.login("al-doc@example.com", PASSWORD).await;
        let page = doc.get("/clinic").await;
        assert!(page.body.contains("saddle numbness") && page.body.contains("critical"));
        assert_eq!(
            doc.post(&format!("/clinic/alerts/{id}/resolve"), &[])
                .await
                .location(),
            "/clinic"
        );
        assert!(doc.get("/clinic").await.body.contains("No open alerts"));
    })
    .await;
}

/// Log lines written while the returned guard lives, at every level, with span fields.
fn capture_logs() -> (
    std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    tracing::subscriber::DefaultGuard,
) {
    #[derive(Clone)]
    struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer(Default::default());
    let lines = buffer.0.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || buffer.clone())
        .finish();
    (lines, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn refused_forms_log_route_templates_not_token_bearing_paths() {
    let store = backstride_store::testing::sqlite().await;
    let (lines, _guard) = capture_logs();
    let mut c = Client::new(store);
    c.get("/login").await;
    for path in [
        "/password/reset/SECRET-RESET-TOKEN?next=SECRET-QUERY",
        "/bookings/SECRET-BOOKING-TOKEN/cancel",
        "/unsubscribe/SECRET-UNSUBSCRIBE-TOKEN",
    ] {
        // No CSRF token: refused by the guard, which logs the refusal.
        let res = c
            .post_raw(path, "password=whatever+long+enough".into())
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
    }
    let logged = String::from_utf8(lines.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("csrf token missing or stale"), "{logged}");
    for route in [
        "/password/reset/{token}",
        "/bookings/{token}/cancel",
        "/unsubscribe/{token}",
    ] {
        assert!(logged.contains(route), "{route} not in {logged}");
    }
    assert!(
        !logged.contains("SECRET"),
        "a token reached the log: {logged}"
    );
}
