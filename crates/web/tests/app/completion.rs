//! A request runs to its end when the client goes away half-way: the runner's log is stored
//! (or not) whole, and the store is left fit for the next request.

use crate::client::*;
use crate::tracking::approved_programme_for;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use backstride_core::Role;
use backstride_core::programme::ProgrammeRequest;
use backstride_store::Actor;
use tower::ServiceExt;

/// A check-in whose client hangs up at once (the request's future is dropped after its first
/// poll, as hyper drops it when the connection closes) is still stored, and later writes work:
/// on SQLite a `BEGIN` cancelled half-way used to leave the one writer connection inside a
/// transaction and every later write failed (sqlx issue 3932).
#[tokio::test]
async fn a_log_whose_client_hangs_up_is_still_stored_and_writes_go_on() {
    each_backend(|store| async move {
        let home = clinic(&store, "Hang-up clinic").await;
        let runner = person(&store, Some(&home), "hang-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "hang-doc@example.com", Role::Clinician).await;
        approved_programme_for(&store, &runner, &doc, &ProgrammeRequest::new(days_ago(3))).await;
        let mut c = Client::new(store.clone());
        c.login("hang-run@example.com", PASSWORD).await;
        c.get("/today").await;
        let cookie: Vec<String> = c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let token = c.csrf.clone().unwrap();
        for (n, day) in [(1, 2), (2, 1)] {
            let form = serde_urlencoded::to_string([
                ("kind", "morning"),
                ("date", &days_ago(day).to_string()),
                ("morning_pain", "2"),
                ("stiffness", "1"),
                ("idempotency_key", &format!("hang-{n}")),
                ("csrf_token", &token),
            ])
            .unwrap();
            let mut req = Request::post("/today/log")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .header(header::COOKIE, cookie.join("; "))
                .body(Body::from(form))
                .unwrap();
            req.extensions_mut().insert(ConnectInfo(c.ip));
            let hung_up =
                tokio::time::timeout(std::time::Duration::ZERO, c.app.clone().oneshot(req)).await;
            assert!(hung_up.is_err(), "the client went away before the answer");
        }
        let me = Actor::of(&runner);
        let mut stored = 0;
        for _ in 0..100 {
            stored = store
                .logs_of(&me, runner.id, "0000-01-01")
                .await
                .unwrap()
                .len();
            if stored == 2 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(
            stored, 2,
            "both check-ins were stored although nobody waited"
        );
        let later = c
            .post(
                "/today/log",
                &[
                    ("kind", "morning"),
                    ("date", &today().to_string()),
                    ("morning_pain", "1"),
                    ("stiffness", "1"),
                    ("idempotency_key", "hang-3"),
                ],
            )
            .await;
        assert!(
            later.status.is_redirection(),
            "a later write works: {}",
            later.status
        );
    })
    .await;
}
