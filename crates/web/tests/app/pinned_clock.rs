//! The app's clock pinned in router tests (issue 19): Today and the weekly reviews read the
//! `Clock` in the app state, so a test can stand on a chosen date and move it.

use crate::client::*;
use crate::tracking::{approved_programme, weekly_reviews};
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_web::Clock;
use backstride_web::housekeeping::make_weekly_reviews;

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
        assert!(weekly_reviews(&store, &runner).await.is_empty());
        make_weekly_reviews(store.as_ref(), &clock).await.unwrap();
        make_weekly_reviews(store.as_ref(), &clock).await.unwrap();
        assert_eq!(
            weekly_reviews(&store, &runner).await,
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
        let mut dates = weekly_reviews(&store, &runner).await;
        dates.sort();
        assert_eq!(dates, vec![on(7).to_string(), on(14).to_string()]);
    })
    .await;
}

/// Booking, articles and printed handouts read the same clock: pinned to the Monday before
/// Christmas 2026, the date picker starts that day, a new article is dated that day and the
/// handout is printed that day.
#[tokio::test]
async fn a_pinned_clock_dates_booking_articles_and_the_printed_handout() {
    each_backend(|store| async move {
        let home = clinic(&store, "Pinned Front").await;
        let doc = person(&store, Some(&home), "pf-doc@example.com", Role::Clinician).await;
        let runner = person(&store, Some(&home), "pf-run@example.com", Role::Runner).await;
        store
            .save_call_hours(
                &backstride_store::Actor::of(&doc),
                doc.id,
                &crate::booking::every_day(),
                1,
            )
            .await
            .unwrap();
        let (programme, _) = approved_programme(&store, &runner, &doc, 0).await;
        let clock = Clock::pinned("2026-12-21T08:00:00Z".parse().unwrap());

        let mut visitor = Client::with_clock(store.clone(), clock.clone());
        let page = visitor
            .get(&format!("/clinics/{}/book?tz=UTC", home.id))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains(r#"value="2026-12-21" min="2026-12-21" max="2027-01-04""#),
            "{}",
            page.body
        );

        let mut staff = visitor.another();
        staff.login("pf-doc@example.com", PASSWORD).await;
        let page = staff.get("/clinic/articles/new").await;
        assert!(page.body.contains(r#"value="2026-12-21""#), "{}", page.body);
        let pdf = staff
            .get(&format!("/programmes/{programme}/handout.pdf"))
            .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(
            String::from_utf8_lossy(&pdf.bytes).contains("2026-12-21"),
            "the PDF's date is the pinned day"
        );
    })
    .await;
}
