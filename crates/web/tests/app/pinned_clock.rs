//! The app's clock pinned in router tests (issue 19): Today and the weekly reviews read the
//! `Clock` in the app state, so a test can stand on a chosen date and move it.

use crate::client::*;
use crate::tracking::approved_programme;
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_store::{Actor, ReviewKind, Store, User};
use backstride_web::Clock;
use backstride_web::housekeeping::make_weekly_reviews;
use std::sync::Arc;

async fn weekly_review_dates(store: &Arc<dyn Store>, runner: &User) -> Vec<String> {
    store
        .reviews_of(&Actor::of(runner), runner.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == ReviewKind::Weekly)
        .map(|r| r.review_date)
        .collect()
}

fn days(n: i64) -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(24 * n)
}

#[tokio::test]
async fn a_pinned_clock_sets_today_and_brings_the_weekly_review_due() {
    each_backend(|store| async move {
        let home = clinic(&store, "Pinned Clinic").await;
        let doc = person(&store, Some(&home), "pin-doc@example.com", Role::Clinician).await;
        let runner = person(&store, Some(&home), "pin-run@example.com", Role::Runner).await;
        // The programme starts today, by the real clock.
        approved_programme(&store, &runner, &doc, 0).await;
        let start = today();
        let on = |n: i64| start.checked_add(jiff::Span::new().days(n)).unwrap();

        let clock = Clock::pinned(jiff::Timestamp::now() + days(9));
        let mut c = Client::with_clock(store.clone(), clock.clone());
        c.login("pin-run@example.com", PASSWORD).await;
        let page = c.get("/today").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains(&format!("name=\"date\" value=\"{}\"", on(9))),
            "Today is the pinned day"
        );

        // By the real clock no week has ended; by the pinned one the first has, once.
        make_weekly_reviews(store.as_ref(), &Clock::system())
            .await
            .unwrap();
        assert!(weekly_review_dates(&store, &runner).await.is_empty());
        make_weekly_reviews(store.as_ref(), &clock).await.unwrap();
        make_weekly_reviews(store.as_ref(), &clock).await.unwrap();
        assert_eq!(
            weekly_review_dates(&store, &runner).await,
            vec![on(7).to_string()]
        );

        // Moved on, every copy of the clock follows: the page and the second week.
        clock.set(jiff::Timestamp::now() + days(16));
        let page = c.get("/today").await;
        assert!(
            page.body
                .contains(&format!("name=\"date\" value=\"{}\"", on(16)))
        );
        make_weekly_reviews(store.as_ref(), &clock).await.unwrap();
        let mut dates = weekly_review_dates(&store, &runner).await;
        dates.sort();
        assert_eq!(dates, vec![on(7).to_string(), on(14).to_string()]);
    })
    .await;
}
