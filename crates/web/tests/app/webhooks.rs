//! Issue 17 — a clinic's webhooks: an admin adds an endpoint (bad, long and plain-HTTP
//! addresses refused by the field), a consult request, a booking and a critical alert are
//! queued for it without the request waiting, and the worker delivers them over real HTTP to a
//! receiver on loopback that checks the signature and refuses the first try, so the retry with
//! backoff shows in the admin's delivery log. Another clinic's admin and staff who are not
//! admins see none of it.

use crate::client::*;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use backstride_core::Role;
use backstride_store::{Actor, AlertTier};
use backstride_web::webhooks::deliver::{client, deliver_due, verify};
use std::sync::{Arc, Mutex};

/// What the receiver saw: (event header, body, signature valid).
#[derive(Clone, Default)]
struct Seen {
    calls: Arc<Mutex<Vec<(String, String, bool)>>>,
    secret: Arc<Mutex<String>>,
}

/// Answers 500 to the first delivery, then 204 to each one whose signature checks out (401
/// otherwise).
async fn hook(State(seen): State<Seen>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let secret = seen.secret.lock().unwrap().clone();
    let header = headers
        .get("backstride-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let now = jiff::Timestamp::now().as_second();
    // The worker is run with times of the test's choosing: the receiver allows for them.
    let valid = verify(&secret, header, &body, now, 10 * 24 * 3600);
    let event = headers
        .get("backstride-event")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut calls = seen.calls.lock().unwrap();
    calls.push((event, String::from_utf8_lossy(&body).into_owned(), valid));
    match (calls.len(), valid) {
        (1, _) => StatusCode::INTERNAL_SERVER_ERROR,
        (_, true) => StatusCode::NO_CONTENT,
        (_, false) => StatusCode::UNAUTHORIZED,
    }
}

/// A receiver on a loopback port; returns its address and what it saw.
async fn receiver() -> (String, Seen) {
    let seen = Seen::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    (format!("http://127.0.0.1:{port}/hook"), seen)
}

/// The secret shown on an endpoint's page.
fn secret_on(page: &str) -> String {
    let at = page
        .find("<code class=\"secret\">")
        .expect("the secret is shown")
        + 21;
    page[at..at + page[at..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn deliveries_are_signed_retried_with_backoff_and_logged() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Hook Clinic").await;
        person(&store, Some(&clinic), "admin@hook.example", Role::Admin).await;
        let clinician = person(&store, Some(&clinic), "coach@hook.example", Role::Clinician).await;
        let runner = person(&store, Some(&clinic), "ru@hook.example", Role::Runner).await;
        let (url, seen) = receiver().await;

        let mut admin = Client::new(store.clone());
        admin.login("admin@hook.example", PASSWORD).await;
        let page = admin.get("/admin/webhooks").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Backstride-Signature"));
        let added = admin
            .post(
                "/admin/webhooks",
                &[
                    ("url", url.as_str()),
                    ("event_consult", "on"),
                    ("event_booking", "on"),
                    ("event_alert", "on"),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let endpoint = admin.get(added.location()).await;
        let secret = secret_on(&endpoint.body);
        assert!(secret.starts_with("whsec_") && secret.len() > 40);
        *seen.secret.lock().unwrap() = secret;

        // A consult request, answered at once: the delivery waits in the queue.
        let mut visitor = Client::new(store.clone());
        visitor
            .get(&format!("/clinics/{}/consult", clinic.id))
            .await;
        let res = visitor
            .post(
                &format!("/clinics/{}/consult", clinic.id),
                &[
                    ("name", "Sam Stride"),
                    ("email", "sam@example.com"),
                    ("phone", "+44 161 496 0000"),
                    ("message", "Low back aches after 10 km."),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert!(seen.calls.lock().unwrap().is_empty(), "nothing sent yet");
        let actor = store
            .user_by_email(&"admin@hook.example".parse().unwrap())
            .await
            .map(|u| Actor::of(&u))
            .unwrap();
        let log = store.webhook_deliveries(&actor, 10).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].event, "consult.requested");
        assert_eq!(log[0].status, "pending");

        // First try: the receiver answers 500, so it is kept for a retry 30 s later.
        let http = client().unwrap();
        let now = jiff::Timestamp::now().as_second();
        assert_eq!(deliver_due(store.as_ref(), &http, now).await.unwrap(), 1);
        let d = &store.webhook_deliveries(&actor, 10).await.unwrap()[0];
        assert_eq!((d.status.as_str(), d.attempts), ("pending", 1));
        assert_eq!(d.last_status_code, Some(500));
        assert_eq!(d.next_attempt_at, now + 30);
        assert_eq!(
            deliver_due(store.as_ref(), &http, now + 29).await.unwrap(),
            0
        );
        let shown = admin.get("/admin/webhooks").await;
        assert!(
            shown.body.contains("the endpoint answered 500"),
            "{}",
            shown.body
        );
        assert_eq!(
            deliver_due(store.as_ref(), &http, now + 30).await.unwrap(),
            1
        );
        let d = &store.webhook_deliveries(&actor, 10).await.unwrap()[0];
        assert_eq!((d.status.as_str(), d.attempts), ("delivered", 2));
        assert_eq!(d.last_status_code, Some(204));
        {
            let calls = seen.calls.lock().unwrap();
            assert_eq!(calls.len(), 2);
            assert!(
                calls
                    .iter()
                    .all(|(event, _, valid)| event == "consult.requested" && *valid)
            );
            let body: serde_json::Value = serde_json::from_str(&calls[1].1).unwrap();
            assert_eq!(body["type"], "consult.requested");
            assert_eq!(body["clinic_id"], clinic.id);
            assert!(
                !calls[1].1.contains("Low back"),
                "no health details: {}",
                calls[1].1
            );
        }
        let shown = admin.get("/admin/webhooks").await;
        assert!(shown.body.contains("status-delivered"));

        // A booked call.
        store
            .save_call_hours(
                &Actor::of(&clinician),
                clinician.id,
                &crate::booking::every_day(),
                1,
            )
            .await
            .unwrap();
        let book = format!("/clinics/{}/book", clinic.id);
        let mut booker = Client::new(store.clone());
        let page = booker.get(&book).await;
        let slot = crate::booking::slot_after(&page.body, 2);
        let booked = booker
            .post(&book, &crate::booking::details(&slot, "vera@example.com"))
            .await;
        assert!(booked.status.is_redirection(), "{}", booked.body);

        // A critical alert, raised twice: one delivery.
        for _ in 0..2 {
            let alert = store
                .raise_alert(runner.id, AlertTier::Critical, "test: warning sign", now)
                .await
                .unwrap();
            backstride_web::webhooks::events::critical_alert(store.as_ref(), runner.id, alert)
                .await;
        }
        let events: Vec<String> = store
            .webhook_deliveries(&actor, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.event)
            .collect();
        assert_eq!(
            events,
            ["alert.critical", "booking.created", "consult.requested"]
        );
        assert_eq!(
            deliver_due(store.as_ref(), &http, now + 60).await.unwrap(),
            2
        );
        assert_eq!(seen.calls.lock().unwrap().len(), 4);
        assert!(seen.calls.lock().unwrap().iter().all(|c| c.2));
    })
    .await;
}

/// An endpoint nobody answers at: each try is logged with its error, the waits double, and
/// after `mail::MAX_ATTEMPTS` tries the delivery is failed for good (nothing more is due).
#[tokio::test]
async fn an_unreachable_endpoint_is_tried_a_bounded_number_of_times() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Gone Clinic").await;
        let admin = person(&store, Some(&clinic), "admin@gone.example", Role::Admin).await;
        // A port that was just free: connecting to it is refused.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let actor = Actor::of(&admin);
        store
            .add_webhook_endpoint(
                &actor,
                &backstride_store::SaveWebhookEndpoint {
                    url: format!("http://127.0.0.1:{port}/hook"),
                    events: vec!["consult.requested".into()],
                },
                "whsec_test",
                1_700_000_000,
            )
            .await
            .unwrap();
        let queued = store
            .enqueue_webhook_event(
                clinic.id,
                "consult.requested",
                "consult-9",
                "{}",
                1_700_000_000,
            )
            .await
            .unwrap();
        assert_eq!(queued, 1);
        let http = client().unwrap();
        let mut now = 1_700_000_000;
        let mut waits = Vec::new();
        for _ in 0..backstride_web::mail::MAX_ATTEMPTS {
            assert_eq!(deliver_due(store.as_ref(), &http, now).await.unwrap(), 1);
            let d = &store.webhook_deliveries(&actor, 10).await.unwrap()[0];
            assert!(
                d.last_error
                    .as_deref()
                    .unwrap_or("")
                    .contains("could not reach"),
                "{d:?}"
            );
            assert_eq!(d.last_status_code, None);
            if d.status == "failed" {
                break;
            }
            waits.push(d.next_attempt_at - now);
            now = d.next_attempt_at;
        }
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920]);
        let d = &store.webhook_deliveries(&actor, 10).await.unwrap()[0];
        assert_eq!(
            (d.status.as_str(), d.attempts),
            ("failed", backstride_web::mail::MAX_ATTEMPTS)
        );
        assert_eq!(
            deliver_due(store.as_ref(), &http, now + 86_400)
                .await
                .unwrap(),
            0
        );

        // Its admin sends it again from the log; another clinic's admin can't.
        let other = crate::client::clinic(&store, "Other Gone Clinic").await;
        person(
            &store,
            Some(&other),
            "admin@other-gone.example",
            Role::Admin,
        )
        .await;
        let retry = format!("/admin/webhooks/deliveries/{}/retry", d.id);
        let mut stranger = Client::new(store.clone());
        stranger.login("admin@other-gone.example", PASSWORD).await;
        stranger.get("/admin/webhooks").await;
        assert_eq!(
            stranger.post(&retry, &[]).await.status,
            StatusCode::NOT_FOUND
        );
        let mut own = Client::new(store.clone());
        own.login("admin@gone.example", PASSWORD).await;
        let page = own.get("/admin/webhooks").await;
        assert!(
            page.body.contains(&format!("action=\"{retry}\"")),
            "{}",
            page.body
        );
        let res = own.post(&retry, &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let again = &store.webhook_deliveries(&actor, 10).await.unwrap()[0];
        assert_eq!(again.status, "pending");
        // Only a failed delivery can be sent again.
        assert_eq!(own.post(&retry, &[]).await.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn bad_addresses_get_a_message_by_the_field_and_others_see_nothing() {
    each_backend(|store| async move {
        let a = clinic(&store, "Clinic A").await;
        let b = clinic(&store, "Clinic B").await;
        person(&store, Some(&a), "admin@a.example", Role::Admin).await;
        person(&store, Some(&b), "admin@b.example", Role::Admin).await;
        person(&store, Some(&a), "coach@a.example", Role::Clinician).await;
        let mut admin = Client::new(store.clone());
        admin.login("admin@a.example", PASSWORD).await;
        admin.get("/admin/webhooks").await;
        let long = format!("https://example.com/{}", "a".repeat(600));
        for (url, message) in [
            ("", "Enter the address"),
            ("not an address", "Enter a full web address"),
            (
                "http://crm.example.com/hook",
                "Use an address starting https://",
            ),
            (
                "ftp://crm.example.com/hook",
                "Use an address starting https://",
            ),
            (long.as_str(), "too long"),
            ("https://10.0.0.5/hook", "public address"),
            ("https://169.254.169.254/latest", "public address"),
            (
                "https://me:pw@crm.example.com/",
                "Leave the user name and password out",
            ),
        ] {
            let res = admin
                .post("/admin/webhooks", &[("url", url), ("event_consult", "on")])
                .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
            assert!(res.body.contains("id=\"url-error\""), "{url}: {}", res.body);
            assert!(res.body.contains(message), "{url}: {message}");
        }
        let res = admin
            .post(
                "/admin/webhooks",
                &[("url", "https://crm.example.com/hook")],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("Choose at least one event"));
        let actor = Actor::of(
            &store
                .user_by_email(&"admin@a.example".parse().unwrap())
                .await
                .unwrap(),
        );
        assert!(store.webhook_endpoints(&actor).await.unwrap().is_empty());

        // Plain HTTP to this machine is refused too once the app itself is on HTTPS.
        let mut live = Client::with_config(
            store.clone(),
            backstride_web::WebConfig {
                public_url: "https://clinic.example".into(),
                ..config()
            },
        );
        live.login("admin@a.example", PASSWORD).await;
        live.get("/admin/webhooks").await;
        let res = live
            .post(
                "/admin/webhooks",
                &[("url", "http://127.0.0.1:9/hook"), ("event_consult", "on")],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

        let added = admin
            .post(
                "/admin/webhooks",
                &[
                    ("url", "https://crm.example.com/hook"),
                    ("event_alert", "on"),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let path = added.location().to_owned();
        let bad = admin
            .post(
                &path,
                &[("url", "http://crm.example.com/x"), ("event_alert", "on")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("id=\"url-error\""));

        // Another clinic's admin: a 404, for the page and for each change.
        let mut other = Client::new(store.clone());
        other.login("admin@b.example", PASSWORD).await;
        other.get("/admin/webhooks").await;
        assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
        let res = other
            .post(
                &path,
                &[("url", "https://evil.example/"), ("event_alert", "on")],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = other.post(&format!("{path}/delete"), &[]).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert!(
            !other
                .get("/admin/webhooks")
                .await
                .body
                .contains("crm.example.com/hook")
        );
        // A clinician of the clinic is not its admin.
        let mut coach = Client::new(store.clone());
        coach.login("coach@a.example", PASSWORD).await;
        assert_eq!(
            coach.get("/admin/webhooks").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(coach.get(&path).await.status, StatusCode::FORBIDDEN);

        // The admin removes it.
        let res = admin.post(&format!("{path}/delete"), &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(store.webhook_endpoints(&actor).await.unwrap().is_empty());
    })
    .await;
}

/// The admin's pages in Chromium at a phone's and a desktop's width, axe-core clean: a refused
/// address with its message by the field, the endpoint with its secret, and the delivery log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_pages_in_chromium() {
    let Some(b) = crate::browser::Browser::start().await else {
        return;
    };
    let home = clinic(&b.store, "Hook Browser Clinic").await;
    let admin = person(&b.store, Some(&home), "hb-admin@example.com", Role::Admin).await;
    b.log_in("hb-admin@example.com").await;
    b.goto("/clinic/settings").await;
    b.click("a[href='/admin/webhooks']").await;
    b.wait_for_text("Add an endpoint").await;
    b.fill("#url", "http://crm.example.com/backstride").await;
    b.click("#event_consult").await;
    b.click("form[action='/admin/webhooks'] button[type=submit]")
        .await;
    b.wait_for_text("Use an address starting https://").await;
    b.check_both_widths("webhooks-refused").await;
    b.fill("#url", "https://crm.example.com/backstride").await;
    b.click("form[action='/admin/webhooks'] button[type=submit]")
        .await;
    b.wait_for_text("Signing secret").await;
    b.check_both_widths("webhook-endpoint").await;
    let actor = Actor::of(&admin);
    let endpoint = &b.store.webhook_endpoints(&actor).await.unwrap()[0];
    assert_eq!(endpoint.events, ["consult.requested"]);
    b.store
        .enqueue_webhook_event(
            home.id,
            "consult.requested",
            "consult-1",
            "{}",
            1_700_000_000,
        )
        .await
        .unwrap();
    b.goto("/admin/webhooks").await;
    b.wait_for_text("Deliveries").await;
    b.check_both_widths("webhooks-log").await;
    b.close().await;
}
