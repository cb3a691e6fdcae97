//! A red flag after a programme: the programme goes on hold at once (Today shows the referral,
//! not exercises; nothing is logged against it; its calendar holds only a note and its handout
//! is refused), no older suggestion can be approved or built, the critical alert is raised — for
//! a clinic's runner and a self-directed one alike — and a later assessment that passes the
//! screen lifts the hold.

use crate::assessment::{post, red_flags, start};
use crate::client::*;
use crate::programme::{new_calendar_link, scored_assessment};
use crate::tracking::approved_programme;
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_store::{Actor, AlertTier, NewProgramme, ProgrammeStatus, Store, User};
use std::sync::Arc;

/// The runner stops a new assessment at the red-flag screen with `yes`; returns its id.
async fn stop_at_red_flag(c: &mut Client, runner: &User, yes: &str) -> i64 {
    let id = start(c, runner.id).await;
    let res = post(
        c,
        &format!("/assessment/{id}/red_flags"),
        &red_flags(&[yes]),
    )
    .await;
    assert_eq!(res.location(), format!("/assessments/{id}"));
    id
}

/// Today's page, with the day's exercises in it or not.
async fn today_shows_exercises(c: &mut Client, name: &str) -> (bool, String) {
    let page = c.get("/today").await;
    assert_eq!(page.status, StatusCode::OK);
    (page.body.contains(name), page.body)
}

/// Whether an open alert with `reason` exists about `runner`, whoever can see it: raising the
/// same reason again gives back the open alert, older than one raised just before.
async fn open_alert_exists(store: &Arc<dyn Store>, runner: &User, reason: &str) -> bool {
    let probe = store
        .raise_alert(runner.id, AlertTier::Low, "probe", 1)
        .await
        .unwrap();
    let again = store
        .raise_alert(runner.id, AlertTier::Critical, reason, 1)
        .await
        .unwrap();
    again < probe
}

#[tokio::test]
async fn a_red_flag_after_an_approved_programme_puts_it_on_hold_for_a_clinic_runner() {
    each_backend(|store| async move {
        let home = clinic(&store, "Hold Clinic").await;
        let runner = person(&store, Some(&home), "ho-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "ho-doc@example.com", Role::Clinician).await;
        let (_, body) = approved_programme(&store, &runner, &doc, 3).await;
        let first = body.items[0].name.clone();
        // An older suggestion, made before the red flag, still waiting for approval.
        let suggestion = store
            .add_programme(
                &Actor::of(&doc),
                runner.id,
                &NewProgramme {
                    assessment_id: None,
                    status: ProgrammeStatus::Suggested,
                    body_json: serde_json::to_string(&body).unwrap(),
                },
            )
            .await
            .unwrap();
        let older_assessment = scored_assessment(&store, &runner, &doc).await;

        let mut c = Client::new(store.clone());
        c.login("ho-run@example.com", PASSWORD).await;
        let (shown, _) = today_shows_exercises(&mut c, &first).await;
        assert!(shown, "before the red flag, Today lists the exercises");

        let stopped = stop_at_red_flag(&mut c, &runner, "saddle_numbness").await;
        let (shown, page) = today_shows_exercises(&mut c, &first).await;
        assert!(!shown, "the programme is on hold: {page}");
        assert!(page.contains("Go to an emergency department now"), "{page}");
        assert!(
            page.contains(&format!("assessment #{stopped} stopped")),
            "{page}"
        );
        assert!(!page.contains("Save check-in"), "nothing to log");
        // Nothing is logged against it, from the form or the offline queue.
        let res = c
            .post(
                "/today/log",
                &[
                    ("kind", "morning"),
                    ("date", &jiff::Zoned::now().date().to_string()),
                    ("idempotency_key", "hold-1"),
                    ("morning_pain", "3"),
                    ("stiffness", "3"),
                ],
            )
            .await;
        assert_eq!(res.location(), "/today");
        assert!(
            c.get("/today")
                .await
                .body
                .contains("The programme is on hold")
        );

        // The clinician: the critical alert, and no approving or building from before it.
        let alerts = store.open_alerts(&Actor::of(&doc)).await.unwrap();
        assert!(
            alerts
                .iter()
                .any(|a| a.runner_id == runner.id && a.tier == AlertTier::Critical),
            "{alerts:?}"
        );
        let mut clin = Client::new(store.clone());
        clin.login("ho-doc@example.com", PASSWORD).await;
        clin.get(&format!("/programmes/{}", suggestion.id)).await;
        let res = clin
            .post(&format!("/programmes/{}/approve", suggestion.id), &[])
            .await;
        assert_eq!(res.location(), format!("/programmes/{}", suggestion.id));
        let after = store
            .programme(&Actor::of(&doc), suggestion.id)
            .await
            .unwrap();
        assert_eq!(after.status, ProgrammeStatus::Suggested, "not approved");
        let page = clin.get(&format!("/programmes/{}", suggestion.id)).await;
        assert!(
            page.body.contains("The programme is on hold"),
            "{}",
            page.body
        );
        let build = clin
            .post(
                &format!("/assessments/{older_assessment}/programme"),
                &[
                    ("start_date", &typed_days_ahead(7)),
                    ("days", "14"),
                    ("minutes_cap", "20"),
                ],
            )
            .await;
        assert_eq!(build.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            build.body.contains("The programme is on hold"),
            "{}",
            build.body
        );

        // A later assessment that passes the screen lifts the hold.
        scored_assessment(&store, &runner, &doc).await;
        let (shown, _) = today_shows_exercises(&mut c, &first).await;
        assert!(shown, "the hold is lifted");
        clin.get(&format!("/programmes/{}", suggestion.id)).await;
        clin.post(&format!("/programmes/{}/approve", suggestion.id), &[])
            .await;
        let after = store
            .programme(&Actor::of(&doc), suggestion.id)
            .await
            .unwrap();
        assert_eq!(after.status, ProgrammeStatus::Approved);
    })
    .await;
}

#[tokio::test]
async fn a_red_flag_puts_a_self_directed_runners_programme_on_hold_too() {
    each_backend(|store| async move {
        let runner = person(&store, None, "ho-self@example.com", Role::Runner).await;
        let elsewhere = clinic(&store, "Other Hold Clinic").await;
        let other = person(
            &store,
            Some(&elsewhere),
            "ho-other@example.com",
            Role::Clinician,
        )
        .await;
        let (_, body) = approved_programme(&store, &runner, &runner, 3).await;
        let first = body.items[0].name.clone();
        let older_assessment = scored_assessment(&store, &runner, &runner).await;

        let mut c = Client::new(store.clone());
        c.login("ho-self@example.com", PASSWORD).await;
        let stopped = stop_at_red_flag(&mut c, &runner, "cancer_history").await;
        let (shown, page) = today_shows_exercises(&mut c, &first).await;
        assert!(!shown, "the programme is on hold: {page}");
        assert!(page.contains("See a doctor before starting"), "{page}");
        assert!(!page.contains("emergency department"), "{page}");
        // A self-directed runner's programme would be approved at once: building one from the
        // assessment before the red flag is refused.
        let build = c
            .post(
                &format!("/assessments/{older_assessment}/programme"),
                &[
                    ("start_date", &typed_days_ahead(7)),
                    ("days", "14"),
                    ("minutes_cap", "20"),
                ],
            )
            .await;
        assert_eq!(build.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            build.body.contains("The programme is on hold"),
            "{}",
            build.body
        );
        // The critical alert is raised; with no clinic, no clinic's staff see it.
        let reason = format!(
            "Assessment #{stopped}: a warning sign at the red-flag screen needs a doctor's check; \
             clear the runner before the programme starts."
        );
        assert!(open_alert_exists(&store, &runner, &reason).await);
        assert!(
            store
                .open_alerts(&Actor::of(&other))
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

/// A calendar file as text, its folded lines joined again.
fn unfolded(calendar: &Resp) -> String {
    assert_eq!(calendar.status, StatusCode::OK, "{}", calendar.body);
    calendar.body.replace("\r\n ", "")
}

#[tokio::test]
async fn a_held_programme_has_only_a_note_in_its_calendars_and_no_handout() {
    each_backend(|store| async move {
        let home = clinic(&store, "Held Views Clinic").await;
        let runner = person(&store, Some(&home), "hv-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "hv-doc@example.com", Role::Clinician).await;
        let (id, body) = approved_programme(&store, &runner, &doc, 3).await;
        let first = body.items[0].name.clone();
        let download = format!("/programmes/{id}/calendar.ics");
        let handout = format!("/programmes/{id}/handout.pdf");

        let mut c = Client::new(store.clone());
        c.login("hv-run@example.com", PASSWORD).await;
        c.get(&format!("/programmes/{id}")).await;
        let link = new_calendar_link(&mut c).await;
        let mut subscriber = c.another();
        for calendar in [subscriber.get(&link).await, c.get(&download).await] {
            let text = unfolded(&calendar);
            assert!(
                text.contains("Back programme:") && text.contains(&first),
                "{text}"
            );
        }

        let stopped = stop_at_red_flag(&mut c, &runner, "saddle_numbness").await;
        let mut clin = Client::new(store.clone());
        clin.login("hv-doc@example.com", PASSWORD).await;
        for calendar in [
            subscriber.get(&link).await,
            c.get(&download).await,
            clin.get(&download).await,
        ] {
            let text = unfolded(&calendar);
            assert!(!text.contains("Back programme:"), "{text}");
            assert!(!text.contains(&first), "no exercise: {text}");
            assert_eq!(text.matches("BEGIN:VEVENT").count(), 1, "{text}");
            assert!(
                text.contains("SUMMARY:Programme on hold — see your results"),
                "{text}"
            );
            assert!(
                text.contains(&format!("assessment #{stopped} stopped")),
                "{text}"
            );
            assert!(text.contains(&format!("/assessments/{stopped}")), "{text}");
        }
        // No handout, for the runner or the clinician: back to the page, which says why.
        for client in [&mut c, &mut clin] {
            let res = client.get(&handout).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            assert_eq!(res.location(), format!("/programmes/{id}"));
            let page = client.get(res.location()).await.body;
            assert!(
                page.contains("There is no printable handout while the programme is on hold"),
                "{page}"
            );
            assert!(page.contains("The programme is on hold"), "{page}");
            assert!(!page.contains(&handout), "no link to the handout: {page}");
            assert!(!page.contains(&download), "no link to the calendar: {page}");
        }

        // A later assessment that passes the screen brings the exercises and the handout back.
        scored_assessment(&store, &runner, &doc).await;
        let text = unfolded(&subscriber.get(&link).await);
        assert!(
            text.contains("Back programme:") && text.contains(&first),
            "{text}"
        );
        let res = c.get(&handout).await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(
            res.headers.get(axum::http::header::CONTENT_TYPE).unwrap(),
            "application/pdf"
        );
    })
    .await;
}
