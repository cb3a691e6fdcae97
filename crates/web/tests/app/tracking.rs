//! Daily tracking: logs checked and stored once (form and JSON), the day's decision stored and
//! settled by the clinician, weekly reviews, alerts, and the denials.

use crate::client::*;
use crate::programme::scored_assessment;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backstride_core::Role;
use backstride_core::assessment::AssessmentResult;
use backstride_core::programme::{self, DayOfWeek, Programme, ProgrammeRequest};
use backstride_store::{
    Actor, AlertTier, NewProgramme, ProgrammeStatus, ReviewKind, ReviewStatus, Store, User,
};
use jiff::civil::Date;
use std::sync::Arc;

/// An approved programme for `runner`, started `started_days_ago`, from the example assessment.
pub(crate) async fn approved_programme(
    store: &Arc<dyn Store>,
    runner: &User,
    by: &User,
    started_days_ago: i64,
) -> (i64, Programme) {
    approved_programme_from(store, runner, by, days_ago(started_days_ago)).await
}

/// An approved programme for `runner` starting on `start` (stored as is, whatever the date).
async fn approved_programme_from(
    store: &Arc<dyn Store>,
    runner: &User,
    by: &User,
    start: Date,
) -> (i64, Programme) {
    approved_programme_for(store, runner, by, &ProgrammeRequest::new(start)).await
}

/// An approved programme for `runner` from the example assessment, as `request` asks.
pub(crate) async fn approved_programme_for(
    store: &Arc<dyn Store>,
    runner: &User,
    by: &User,
    request: &ProgrammeRequest,
) -> (i64, Programme) {
    let assessment_id = scored_assessment(store, runner, by).await;
    let record = store
        .assessment(&Actor::of(by), assessment_id)
        .await
        .unwrap();
    let result: AssessmentResult =
        serde_json::from_str(record.result_json.as_deref().unwrap()).unwrap();
    let body = programme::generate(&result, request).unwrap();
    let saved = store
        .add_programme(
            &Actor::of(by),
            runner.id,
            &NewProgramme {
                assessment_id: Some(assessment_id),
                status: ProgrammeStatus::Approved,
                body_json: serde_json::to_string(&body).unwrap(),
            },
        )
        .await
        .unwrap();
    (saved.id, body)
}

/// On SQLite, clinic `name` with its runner (`{tag}-run@example.com`) and clinician
/// (`{tag}-doc@…`), a programme approved two days ago, and the runner signed in on Today.
async fn runner_on_today(name: &str, tag: &str) -> (Arc<dyn Store>, User, User, Programme, Client) {
    let store = backstride_store::testing::sqlite().await;
    let home = clinic(&store, name).await;
    let address = |who: &str| format!("{tag}-{who}@example.com");
    let runner = person(&store, Some(&home), &address("run"), Role::Runner).await;
    let doc = person(&store, Some(&home), &address("doc"), Role::Clinician).await;
    let (_, programme) = approved_programme(&store, &runner, &doc, 2).await;
    let mut c = Client::new(store.clone());
    c.login(&address("run"), PASSWORD).await;
    c.get("/today").await;
    (store, runner, doc, programme, c)
}

/// A form post answered in JSON, as the page's offline queue sends it.
async fn post_json(c: &mut Client, fields: &[(&str, &str)]) -> Resp {
    let mut all = fields.to_vec();
    let token = c.csrf.clone().unwrap_or_default();
    all.push(("csrf_token", &token));
    let req = Request::post("/today/log")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(serde_urlencoded::to_string(&all).unwrap()))
        .unwrap();
    c.send(req).await
}

#[tokio::test]
async fn logs_are_checked_stored_once_and_the_clinician_settles_the_decision() {
    each_backend(|store| async move {
        let home = clinic(&store, "Track A").await;
        let away = clinic(&store, "Track B").await;
        let runner = person(&store, Some(&home), "tr-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "tr-doc@example.com", Role::Clinician).await;
        person(&store, Some(&away), "tr-other@example.com", Role::Clinician).await;
        let (_, body) = approved_programme(&store, &runner, &doc, 8).await;
        let planned = body.day_on(today()).unwrap().exercises.clone();
        let item = body.item(&planned[0]).unwrap();
        let per_side = item.sidedness == backstride_core::library::Sidedness::PerSide;

        let t = today().to_string();
        let mut c = Client::new(store.clone());
        c.login("tr-run@example.com", PASSWORD).await;
        let page = c.get("/today").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&item.name), "today's exercise is listed");
        assert!(page.body.contains("Morning check-in"));
        assert!(
            page.body.contains("Time for your re-test"),
            "day 8: a re-test is due"
        );

        // Bad input: a message by the field, everything typed kept, nothing stored.
        let bad = c
            .post(
                "/today/log",
                &[
                    ("kind", "run"),
                    ("date", &today().to_string()),
                    ("idempotency_key", "run-bad"),
                    ("distance", "5"),
                    ("duration_minutes", "31"),
                    ("pain_before", "1"),
                    ("pain_during", "11"),
                    ("pain_after", "2"),
                    ("note", "felt heavy"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("id=\"run-pain_during-error\""),
            "{}",
            bad.body
        );
        assert!(bad.body.contains("value=\"31\"") && bad.body.contains("felt heavy"));
        for (date, why) in [
            (
                today().checked_add(jiff::Span::new().days(1)).unwrap(),
                "in the future",
            ),
            (days_ago(8), "up to 7 days back"),
        ] {
            let res = post_json(
                &mut c,
                &[
                    ("kind", "morning"),
                    ("date", &date.to_string()),
                    ("idempotency_key", "m-date"),
                    ("morning_pain", "2"),
                    ("stiffness", "2"),
                ],
            )
            .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.body.contains(why), "{}", res.body);
        }
        let unknown = post_json(
            &mut c,
            &[
                ("kind", "session"),
                ("date", &today().to_string()),
                ("idempotency_key", "s-unknown"),
                ("item_key", "not-an-item"),
                ("sets", "2"),
                ("pain_during", "1"),
                ("effort", "4"),
            ],
        )
        .await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown.body.contains("not in your programme"));
        let logs = store
            .logs_of(&Actor::of(&runner), runner.id, "2000-01-01")
            .await
            .unwrap();
        assert!(logs.is_empty(), "nothing refused was stored");

        // The same entry sent twice (as the offline queue may) is stored once.
        let sets: Vec<(&str, &str)> = if per_side {
            vec![("sets_left", "2"), ("sets_right", "2")]
        } else {
            vec![("sets", "2")]
        };
        let mut session = vec![
            ("kind", "session"),
            ("date", t.as_str()),
            ("idempotency_key", "s-1"),
            ("item_key", planned[0].as_str()),
            ("pain_during", "1"),
            ("effort", "5"),
        ];
        session.extend(sets);
        let first = post_json(&mut c, &session).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        assert!(first.body.contains("\"stored\""), "{}", first.body);
        let again = post_json(&mut c, &session).await;
        assert!(again.body.contains("already_stored"), "{}", again.body);
        let form = c.post("/today/log", &session).await;
        assert_eq!(form.status, StatusCode::SEE_OTHER);
        let logs = store
            .logs_of(&Actor::of(&runner), runner.id, "2000-01-01")
            .await
            .unwrap();
        assert_eq!(logs.len(), 1);

        // A morning is checked in once; a second one for that day is refused by the field.
        let morning = |key: &'static str| -> Vec<(&str, &str)> {
            vec![
                ("kind", "morning"),
                ("date", t.as_str()),
                ("idempotency_key", key),
                ("morning_pain", "1"),
                ("stiffness", "2"),
                ("settled", "yes"),
            ]
        };
        assert_eq!(
            c.post("/today/log", &morning("m-1")).await.status,
            StatusCode::SEE_OTHER
        );
        let twice = c.post("/today/log", &morning("m-2")).await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(twice.body.contains("already checked in"));

        // The day's decision is stored as a suggestion, and the weekly review came due.
        let page = c.get("/today").await.body;
        assert!(page.contains("Today's decision"), "{page}");
        assert!(page.contains("awaiting your clinician"));
        let reviews = store
            .reviews_of(&Actor::of(&runner), runner.id)
            .await
            .unwrap();
        assert!(reviews.iter().any(|r| r.kind == ReviewKind::Weekly));
        let day = reviews
            .iter()
            .find(|r| r.kind == ReviewKind::AfterDay && r.review_date == today().to_string())
            .unwrap()
            .clone();
        assert_eq!(day.status, ReviewStatus::Suggested);

        // Runners can't settle; a clinician of another clinic gets 404 and is audited.
        let settle = |decision: &'static str, note: &'static str| {
            vec![("decision", decision), ("note", note)]
        };
        let path = format!("/reviews/{}/settle", day.id);
        assert_eq!(
            c.post(&path, &settle("accept", "")).await.status,
            StatusCode::FORBIDDEN
        );
        let mut other = c.another();
        other.login("tr-other@example.com", PASSWORD).await;
        other.get("/clinic").await;
        assert_eq!(
            other.post(&path, &settle("accept", "")).await.status,
            StatusCode::NOT_FOUND
        );
        let audit = store.audit_events_about(runner.id).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "settle review" && e.outcome == "denied")
        );

        // The clinician overrides with a note; an override needs one.
        let mut d = c.another();
        d.login("tr-doc@example.com", PASSWORD).await;
        let record = d.get(&format!("/runners/{}", runner.id)).await.body;
        assert!(
            record.contains(&path),
            "the suggestion can be settled from the record"
        );
        let empty = d.post(&path, &settle("override", " ")).await;
        assert_eq!(empty.status, StatusCode::SEE_OTHER);
        assert!(
            d.get(&format!("/runners/{}", runner.id))
                .await
                .body
                .contains("say what you decided")
        );
        d.post(
            &path,
            &settle("override", "Stay at this level until the review."),
        )
        .await;
        let reviews = store
            .reviews_of(&Actor::of(&runner), runner.id)
            .await
            .unwrap();
        let settled = reviews.iter().find(|r| r.id == day.id).unwrap();
        assert_eq!(settled.status, ReviewStatus::Overridden);
        let page = c.get("/today").await.body;
        assert!(page.contains("Stay at this level until the review."));
    })
    .await;
}

#[tokio::test]
async fn a_red_flag_in_a_log_raises_a_critical_alert_and_says_what_to_do() {
    let (store, runner, doc, _, mut c) = runner_on_today("Flag Clinic", "fl").await;
    let res = c
        .post(
            "/today/log",
            &[
                ("kind", "morning"),
                ("date", &today().to_string()),
                ("idempotency_key", "flag-1"),
                ("morning_pain", "3"),
                ("stiffness", "3"),
                ("red_flag", "saddle_numbness"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = c.get(res.location()).await.body;
    assert!(page.contains("emergency department"), "{page}");
    let alerts = store.open_alerts(&Actor::of(&doc)).await.unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.runner_id == runner.id && a.tier == AlertTier::Critical),
        "{alerts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_logged_with_the_timers_then_a_check_in_made_offline_is_stored_once() {
    let Some(b) = crate::browser::Browser::start().await else {
        return;
    };
    let home = clinic(&b.store, "Browser Track Clinic").await;
    let runner = person(&b.store, Some(&home), "bt-run@example.com", Role::Runner).await;
    let doc = person(&b.store, Some(&home), "bt-doc@example.com", Role::Clinician).await;
    let (_, body) = approved_programme(&b.store, &runner, &doc, 2).await;
    b.log_in("bt-run@example.com").await;
    // Timers run 50 times faster in this test (a test-only setting in the browser's storage).
    b.client
        .execute(
            "window.localStorage.setItem('bs-timer-scale', '50');",
            vec![],
        )
        .await
        .unwrap();
    b.goto("/today").await;
    b.assert_accessible().await;
    b.screenshot("today").await;

    // The first exercise card: count its sets with the timer or the rep counter.
    let planned = body.day_on(today()).unwrap().exercises.clone();
    let item = body.item(&planned[0]).unwrap();
    let form = format!("session-{}", item.key);
    let card = format!("article[aria-labelledby='{form}-h']");
    let timer = b
        .client
        .find_all(fantoccini::Locator::Css(&format!("{card} button.timer")))
        .await
        .unwrap();
    if !timer.is_empty() {
        // Scrolled to the centre first: the phone tab bar covers the bottom of the screen.
        b.click(&format!("{card} button.timer")).await;
        b.wait_for_text("one set counted").await;
    } else {
        let reps = item.dosage.reps_or_seconds();
        for _ in 0..reps {
            b.click(&format!("{card} button.counter")).await;
        }
        b.wait_for_text("one set counted").await;
    }
    let sets_field = if item.sidedness == backstride_core::library::Sidedness::PerSide {
        "sets_left"
    } else {
        "sets"
    };
    let counted = b
        .client
        .find(fantoccini::Locator::Css(&format!("#{form}-{sets_field}")))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        counted.as_deref(),
        Some("1"),
        "the timer or counter counted one set"
    );
    // The details, folded away, take the rest; back pain is the session's one slider.
    b.click(&format!("#{form} details.log-details > summary"))
        .await;
    if sets_field == "sets_left" {
        b.fill(&format!("#{form}-sets_right"), "1").await;
    }
    b.fill(&format!("#{form}-effort"), "4").await;
    b.client
        .execute(
            "var s = document.getElementById('session-pain'); s.value = '1'; \
             s.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![],
        )
        .await
        .unwrap();
    b.click(&format!("#{form} details.log-details button[type=submit]"))
        .await;
    b.wait_for_text("Saved.").await;
    b.goto("/today").await;
    b.wait_for_text("Today's decision").await;

    // Offline: the check-in is kept in the browser, then sent once when back online.
    b.set_offline(true).await;
    b.click("#morning-check-in > summary").await; // folded below the session
    b.fill("#morning-morning_pain", "2").await;
    b.fill("#morning-stiffness", "3").await;
    b.click("#morning button[type=submit]").await;
    b.wait_for_text("You're offline").await;
    assert_eq!(
        mornings(&b.store, &runner).await,
        0,
        "nothing reached the server while offline"
    );
    b.set_offline(false).await;
    b.client
        .execute("window.dispatchEvent(new Event('online'));", vec![])
        .await
        .unwrap();
    b.wait_for_text("Saved.").await;
    // A second 'online' (or a reload) sends nothing again: the queue is empty.
    b.client
        .execute("window.dispatchEvent(new Event('online'));", vec![])
        .await
        .unwrap();
    b.goto("/today").await;
    b.wait_for_text("Morning pain 2/10").await;
    assert_eq!(mornings(&b.store, &runner).await, 1, "stored once");
    b.assert_accessible().await;
    b.goto("/progress").await;
    b.wait_for_text("Your progress").await;
    b.wait_for_text("chart-pain").await;
    b.assert_accessible().await;
    b.screenshot("progress").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offline_queue_is_the_runners_own_survives_a_stale_token_and_is_cleared_at_logout() {
    let Some(b) = crate::browser::Browser::start().await else {
        return;
    };
    let home = clinic(&b.store, "Queue Clinic").await;
    let runner = person(&b.store, Some(&home), "q-run@example.com", Role::Runner).await;
    let doc = person(&b.store, Some(&home), "q-doc@example.com", Role::Clinician).await;
    approved_programme(&b.store, &runner, &doc, 2).await;
    b.log_in("q-run@example.com").await;
    b.goto("/today").await;
    // Someone else's entry, left on this browser, is neither sent nor shown here.
    b.client
        .execute(
            "window.localStorage.setItem('bs-log-queue:999999', JSON.stringify([{key: 'x', \
             action: '/today/log', body: 'kind=morning', form: 'morning'}]));",
            vec![],
        )
        .await
        .unwrap();

    // Kept offline, then its token goes stale (as after a new login) before it is sent.
    b.set_offline(true).await;
    b.click("#morning-check-in > summary").await;
    b.fill("#morning-morning_pain", "3").await;
    b.fill("#morning-stiffness", "1").await;
    b.click("#morning button[type=submit]").await;
    b.wait_for_text("You're offline").await;
    let stale = b
        .client
        .execute(
            "var k = 'bs-log-queue:' + document.body.dataset.user; \
             var q = JSON.parse(localStorage.getItem(k)); \
             q[0].body = q[0].body.replace(/csrf_token=[^&]*/, 'csrf_token=stale'); \
             localStorage.setItem(k, JSON.stringify(q)); return q.length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        stale,
        serde_json::json!(1),
        "the entry is kept under this runner"
    );
    b.set_offline(false).await;
    b.client
        .execute("window.dispatchEvent(new Event('online'));", vec![])
        .await
        .unwrap();
    b.wait_for_text("Saved.").await;
    assert_eq!(
        mornings(&b.store, &runner).await,
        1,
        "sent with a fresh token"
    );
    let others = b
        .client
        .execute(
            "return localStorage.getItem('bs-log-queue:999999') !== null;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        others,
        serde_json::json!(true),
        "someone else's entry was left alone"
    );

    // An entry still refused with the fresh token is dropped, and the page says so.
    b.client
        .execute(
            "localStorage.setItem('bs-log-queue:' + document.body.dataset.user, JSON.stringify([{ \
             key: 'refused', action: '/clinic/invites', body: 'csrf_token=stale', form: 'morning'}])); \
             window.dispatchEvent(new Event('online'));",
            vec![],
        )
        .await
        .unwrap();
    b.wait_for_text("this entry could not be sent").await;
    let kept = b
        .client
        .execute(
            "return JSON.parse(localStorage.getItem('bs-log-queue:' + document.body.dataset.user)).length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(kept, serde_json::json!(0), "not retried for ever");

    // Logging out clears every queue on this browser.
    b.click("nav button.link").await;
    b.wait_for_text("You are logged out.").await;
    let left = b
        .client
        .execute(
            "var n = 0; for (var i = 0; i < localStorage.length; i++) \
             { if (localStorage.key(i).indexOf('bs-log-queue') === 0) n++; } return n;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(left, serde_json::json!(0));
    b.close().await;
}

async fn mornings(store: &Arc<dyn Store>, runner: &User) -> usize {
    store
        .logs_of(&Actor::of(runner), runner.id, "2000-01-01")
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.kind == backstride_store::LogKind::Morning)
        .count()
}

#[tokio::test]
async fn the_change_report_is_a_page_and_a_pdf() {
    let store = backstride_store::testing::sqlite().await;
    let home = clinic(&store, "Change Clinic").await;
    let runner = person(&store, Some(&home), "ch-run@example.com", Role::Runner).await;
    let doc = person(&store, Some(&home), "ch-doc@example.com", Role::Clinician).await;
    // A video before the baseline, leaning back; another with the re-test, upright.
    let leaning = backstride_core::form::synthetic::SyntheticRunner {
        trunk_lean: -2.0,
        ..Default::default()
    };
    crate::form_video::saved_analysis_of(&store, &runner, &leaning).await;
    let baseline = scored_assessment(&store, &runner, &doc).await;
    crate::form_video::saved_analysis(&store, &runner).await;
    let first = store.assessment(&Actor::of(&doc), baseline).await.unwrap();
    let retest = store
        .save_assessment(
            &Actor::of(&doc),
            runner.id,
            &backstride_store::SaveAssessment {
                id: None,
                kind: backstride_store::AssessmentKind::Retest,
                status: backstride_store::AssessmentStatus::Complete,
                protocol_version: first.protocol_version.clone(),
                step: "done".into(),
                raw_json: first.raw_json.clone(),
                result_json: first.result_json.clone(),
                notes: String::new(),
            },
        )
        .await
        .unwrap();
    let mut c = Client::new(store.clone());
    c.login("ch-run@example.com", PASSWORD).await;
    assert_eq!(
        c.get(&format!("/assessments/{baseline}/change"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "a baseline has nothing to compare with"
    );
    let page = c.get(&format!("/assessments/{}/change", retest.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("What has changed"));
    assert!(page.body.contains("Single-leg bridge"), "{}", page.body);
    // Running form from the two videos, before and after.
    assert!(page.body.contains("Running form from a video"));
    assert!(
        page.body.contains(
            "<th scope=\"row\">Trunk lean at mid-stance</th><td data-label=\"Before\">-2° <span class=\"muted small\">(median of "
        ),
        "{}",
        page.body
    );
    let progress = c
        .get(&format!("/runners/{}/progress", runner.id))
        .await
        .body;
    assert!(progress.contains(&format!("/assessments/{}/change", retest.id)));
    let pdf = c
        .get(&format!("/assessments/{}/change.pdf", retest.id))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    if let Some(text) = crate::programme::pdf_text(&pdf.bytes) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("What has changed for ch-run"), "{flat}");
        assert!(flat.contains("Pain and function") && flat.contains("Single-leg bridge"));
        // The running-form table, with the strides used and the caveat about flat angles.
        assert!(flat.contains("Running form from a video"), "{flat}");
        assert!(flat.contains("Trunk lean at mid-stance"), "{flat}");
        assert!(flat.contains("-2°") || flat.contains("−2°"), "{flat}");
        assert!(flat.contains("median of"), "{flat}");
        assert!(flat.contains("foot landings"), "{flat}");
        assert!(flat.contains("flat (2D) estimates"), "{flat}");
    }
    let mut stranger = c.another();
    person(&store, None, "ch-x@example.com", Role::Clinician).await;
    stranger.login("ch-x@example.com", PASSWORD).await;
    assert_eq!(
        stranger
            .get(&format!("/assessments/{}/change.pdf", retest.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_caseload_lists_the_clinics_runners_sorted_and_filtered() {
    each_backend(|store| async move {
        let home = clinic(&store, "Caseload Clinic").await;
        let away = clinic(&store, "Caseload Elsewhere").await;
        let ann = person(&store, Some(&home), "cl-ann@example.com", Role::Runner).await;
        let bob = person(&store, Some(&home), "cl-bob@example.com", Role::Runner).await;
        person(&store, Some(&away), "cl-zed@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "cl-doc@example.com", Role::Clinician).await;
        approved_programme(&store, &ann, &doc, 9).await;
        store
            .raise_alert(bob.id, AlertTier::High, "Morning pain up 2 points", 1)
            .await
            .unwrap();
        let mut c = Client::new(store.clone());
        c.login("cl-doc@example.com", PASSWORD).await;
        let page = c.get("/clinic/caseload").await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        assert!(body.contains("cl-ann") && body.contains("cl-bob"));
        assert!(!body.contains("cl-zed"), "only this clinic's runners");
        assert!(
            body.find("cl-bob").unwrap() < body.find("cl-ann").unwrap(),
            "alerts first"
        );
        assert!(
            body.contains("due since"),
            "ann's day-7 re-test is due: {body}"
        );
        let by_name = c.get("/clinic/caseload?sort=name&show=all").await.body;
        assert!(by_name.find("cl-ann").unwrap() < by_name.find("cl-bob").unwrap());
        assert!(by_name.contains("aria-sort=\"ascending\""));
        let with_alerts = c.get("/clinic/caseload?show=alerts").await.body;
        assert!(with_alerts.contains("cl-bob") && !with_alerts.contains(">cl-ann<"));
        let due = c.get("/clinic/caseload?show=retest").await.body;
        assert!(due.contains(">cl-ann<") && !due.contains(">cl-bob<"));
        let audit = store.audit_events_about(ann.id).await.unwrap();
        assert!(
            audit.iter().any(|e| e.actor_user_id == doc.id),
            "the look is audited"
        );
        let mut runner = c.another();
        runner.login("cl-ann@example.com", PASSWORD).await;
        assert_eq!(
            runner.get("/clinic/caseload").await.status,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}

#[tokio::test]
async fn the_record_shows_a_timeline_and_the_clinician_can_email_the_runner() {
    let store = backstride_store::testing::sqlite().await;
    let home = clinic(&store, "Timeline Clinic").await;
    let away = clinic(&store, "Timeline Elsewhere").await;
    let runner = person(&store, Some(&home), "tl-run@example.com", Role::Runner).await;
    let doc = person(&store, Some(&home), "tl-doc@example.com", Role::Clinician).await;
    person(&store, Some(&away), "tl-other@example.com", Role::Clinician).await;
    approved_programme(&store, &runner, &doc, 3).await;
    let mut c = Client::new(store.clone());
    c.login("tl-doc@example.com", PASSWORD).await;
    let record = c.get(&format!("/runners/{}", runner.id)).await.body;
    assert!(record.contains("Timeline"));
    assert!(record.contains("Programme version 1 approved"), "{record}");
    assert!(record.contains("baseline completed"), "{record}");
    let path = format!("/runners/{}/email", runner.id);
    let long = "a".repeat(5001);
    let refused = c
        .post(&path, &[("subject", "  "), ("message", &long)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains(r#"id="subject-error""#),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(r#"id="message-error">Write a message of 1 to 5,000"#)
    );
    assert!(refused.body.contains(&long), "the message typed is kept");
    assert!(
        store.outbox(10).await.unwrap().is_empty(),
        "nothing sent without a subject"
    );
    c.post(
        &path,
        &[
            ("subject", "Your week"),
            ("message", "Nice work on the bridges."),
        ],
    )
    .await;
    let sent = store.outbox(10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "tl-run@example.com");
    let mut other = c.another();
    other.login("tl-other@example.com", PASSWORD).await;
    other.get("/clinic").await;
    assert_eq!(
        other
            .post(&path, &[("subject", "x"), ("message", "y")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(store.outbox(10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_clinician_starts_a_named_coaching_programme() {
    each_backend(|store| async move {
        let home = clinic(&store, "Coaching Clinic").await;
        let runner = person(&store, Some(&home), "co-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "co-doc@example.com", Role::Clinician).await;
        approved_programme(&store, &runner, &doc, 8).await;
        let mut c = Client::new(store.clone());
        c.login("co-doc@example.com", PASSWORD).await;
        c.get(&format!("/runners/{}", runner.id)).await;
        let path = format!("/runners/{}/coaching", runner.id);
        // Refused field by field, on the record itself, with what was typed kept.
        let refused = c
            .post(
                &path,
                &[("name", "   "), ("weeks", "60"), ("starts_on", "soon")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = refused.body;
        assert!(page.contains(r#"id="name-error""#), "{page}");
        assert!(page.contains(r#"id="weeks-error">Give the length in whole weeks, from 1 to 52."#));
        assert!(page.contains(r#"id="starts_on-error""#));
        assert!(page.contains(r#"value="60""#) && page.contains(r#"value="soon""#));
        assert!(page.contains("<details open>"));
        for far in ["0000-01-01", "0001-01-01", "9999-12-31"] {
            let refused = c
                .post(
                    &path,
                    &[
                        ("name", "Return to Run"),
                        ("weeks", "6"),
                        ("starts_on", far),
                    ],
                )
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                refused
                    .body
                    .contains(r#"id="starts_on-error">Choose a date within a year of today"#),
                "{}",
                refused.body
            );
            assert!(refused.body.contains(&format!(r#"value="{far}""#)));
        }
        assert!(
            c.get(&format!("/runners/{}", runner.id))
                .await
                .body
                .contains("Not enrolled")
        );
        let start = days_ago(8).to_string();
        c.post(
            &path,
            &[
                ("name", "Return to Run"),
                ("weeks", "6"),
                ("starts_on", &start),
            ],
        )
        .await;
        let page = c.get(&format!("/runners/{}", runner.id)).await.body;
        assert!(page.contains("Return to Run: week 2 of 6"), "{page}");
        assert!(page.contains("weekly check-ins so far"));
        let mut me = c.another();
        me.login("co-run@example.com", PASSWORD).await;
        me.get(&format!("/runners/{}", runner.id)).await;
        assert_eq!(
            me.post(
                &path,
                &[("name", "Mine"), ("weeks", "2"), ("starts_on", &start)]
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}

/// The dates of the runner's weekly reviews, as the store keeps them (shared with
/// `pinned_clock.rs`).
pub(crate) async fn weekly_reviews(store: &Arc<dyn Store>, runner: &User) -> Vec<String> {
    store
        .reviews_of(&Actor::of(runner), runner.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == ReviewKind::Weekly)
        .map(|r| r.review_date)
        .collect()
}

#[tokio::test]
async fn a_look_at_today_writes_no_review_and_the_week_is_reviewed_by_the_log_or_the_hourly_task() {
    each_backend(|store| async move {
        let home = clinic(&store, "Quiet Reads").await;
        let doc = person(&store, Some(&home), "qr-doc@example.com", Role::Clinician).await;
        let logs = person(&store, Some(&home), "qr-log@example.com", Role::Runner).await;
        let waits = person(&store, None, "qr-wait@example.com", Role::Runner).await;
        approved_programme(&store, &logs, &doc, 8).await;
        approved_programme(&store, &waits, &waits, 8).await;
        let week_end = days_ago(1).to_string();

        for (email, who) in [
            ("qr-log@example.com", &logs),
            ("qr-wait@example.com", &waits),
        ] {
            let mut c = Client::new(store.clone());
            c.login(email, PASSWORD).await;
            let before = store
                .reviews_of(&Actor::of(who), who.id)
                .await
                .unwrap()
                .len();
            let page = c.get("/today").await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(
                page.body.contains("Latest weekly review"),
                "the week's decision is shown as it stands: {}",
                page.body
            );
            c.get("/today").await;
            let after = store
                .reviews_of(&Actor::of(who), who.id)
                .await
                .unwrap()
                .len();
            assert_eq!((before, after), (0, 0), "a GET writes no review");
        }

        // The log that completes the week stores its review.
        let mut c = Client::new(store.clone());
        c.login("qr-log@example.com", PASSWORD).await;
        c.get("/today").await;
        let res = c
            .post(
                "/today/log",
                &[
                    ("kind", "morning"),
                    ("date", &today().to_string()),
                    ("idempotency_key", "qr-m"),
                    ("morning_pain", "1"),
                    ("stiffness", "1"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(weekly_reviews(&store, &logs).await, vec![week_end.clone()]);
        assert!(weekly_reviews(&store, &waits).await.is_empty());

        // The hourly task stores the rest, once.
        backstride_web::housekeeping::make_weekly_reviews(
            store.as_ref(),
            &backstride_web::Clock::system(),
        )
        .await
        .unwrap();
        backstride_web::housekeeping::make_weekly_reviews(
            store.as_ref(),
            &backstride_web::Clock::system(),
        )
        .await
        .unwrap();
        assert_eq!(weekly_reviews(&store, &waits).await, vec![week_end.clone()]);
        assert_eq!(weekly_reviews(&store, &logs).await, vec![week_end]);
    })
    .await;
}

#[tokio::test]
async fn running_held_back_plans_no_run_days_and_judges_no_running() {
    each_backend(|store| async move {
        let home = clinic(&store, "Held Clinic").await;
        let runner = person(&store, Some(&home), "rh-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "rh-doc@example.com", Role::Clinician).await;
        // The example's runner gave birth and has not passed every readiness test: running waits,
        // however many run days she usually has.
        let request = ProgrammeRequest::new(days_ago(8)).run_days(DayOfWeek::ALL);
        let (id, body) = approved_programme_for(&store, &runner, &doc, &request).await;
        assert!(!body.running_allowed());
        assert!(body.calendar.iter().all(|d| !d.is_run_day));

        let mut c = Client::new(store.clone());
        c.login("rh-run@example.com", PASSWORD).await;
        let page = c.get(&format!("/programmes/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains("class=\"run-day\""),
            "no run days on the calendar"
        );
        let today_page = c.get("/today").await.body;
        assert!(today_page.contains("Running is on hold"), "{today_page}");
        assert!(
            today_page.contains("Not every return-to-running readiness test has been passed yet."),
            "why it waits"
        );
        assert!(
            today_page.contains("a re-test clears running"),
            "what unblocks it"
        );

        // A week of runs logged anyway, one of them painful.
        for n in 0..7 {
            let date = days_ago(n).to_string();
            let key = format!("rh-run-{n}");
            let after = if n == 3 { "6" } else { "2" };
            let res = post_json(
                &mut c,
                &[
                    ("kind", "run"),
                    ("date", &date),
                    ("idempotency_key", &key),
                    ("distance", "5"),
                    ("duration_minutes", "30"),
                    ("pain_before", "1"),
                    ("pain_during", "2"),
                    ("pain_after", after),
                ],
            )
            .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        }
        let today_page = c.get("/today").await.body;
        assert!(!today_page.contains("Running: "), "{today_page}");
        let reviews = store.reviews_of(&Actor::of(&doc), runner.id).await.unwrap();
        assert!(reviews.iter().any(|r| r.kind == ReviewKind::Weekly));
        assert!(reviews.iter().any(|r| r.kind == ReviewKind::AfterDay));
        for r in &reviews {
            let review: backstride_core::tracking::Review =
                serde_json::from_str(&r.body_json).unwrap();
            assert_eq!(
                review.running, None,
                "{:?} review {}",
                r.kind, r.review_date
            );
        }
        let record = c.get(&format!("/runners/{}/progress", runner.id)).await;
        assert_eq!(record.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn a_programme_begun_long_ago_makes_a_bounded_number_of_weekly_reviews() {
    use backstride_core::dates::PROGRAMME_START;
    use backstride_web::housekeeping::make_weekly_reviews;
    each_backend(|store| async move {
        let home = clinic(&store, "Long Ago").await;
        let doc = person(&store, Some(&home), "la-doc@example.com", Role::Clinician).await;
        let earliest = person(&store, Some(&home), "la-early@example.com", Role::Runner).await;
        let ancient = person(&store, None, "la-old@example.com", Role::Runner).await;
        // The earliest start the form allows, and one stored before the dates were checked.
        approved_programme_from(&store, &earliest, &doc, PROGRAMME_START.first(today())).await;
        approved_programme_from(&store, &ancient, &ancient, Date::constant(1, 1, 1)).await;
        let mut c = Client::new(store.clone());
        c.login("la-old@example.com", PASSWORD).await;
        assert_eq!(c.get("/today").await.status, StatusCode::OK);
        // A runner's own progress is rendered at /progress (the tab bar's link), no redirect.
        assert_eq!(c.get("/progress").await.status, StatusCode::OK);
        assert_eq!(
            c.get(&format!("/runners/{}/progress", ancient.id))
                .await
                .status,
            StatusCode::OK
        );
        let mut d = c.another();
        d.login("la-doc@example.com", PASSWORD).await;
        assert_eq!(
            d.get("/clinic").await.status,
            StatusCode::OK,
            "the caseload"
        );
        make_weekly_reviews(store.as_ref(), &backstride_web::Clock::system())
            .await
            .unwrap();
        // The latest few weeks only: not the 52 since the earliest start, nor the centuries.
        let bound = backstride_web::WEEKLY_REVIEWS_CAUGHT_UP;
        assert!(bound <= 8, "a handful of weeks, not a year's worth");
        let oldest = days_ago(7 * bound).to_string();
        for runner in [&earliest, &ancient] {
            let made = weekly_reviews(&store, runner).await;
            assert_eq!(made.len() as i64, bound, "{made:?}");
            assert!(made.iter().all(|d| *d >= oldest), "{made:?}");
            assert!(made.iter().all(|d| *d <= today().to_string()), "{made:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_programme_stored_before_it_kept_why_running_waits_is_held_back_too() {
    each_backend(|store| async move {
        let home = clinic(&store, "Old Body Clinic").await;
        let runner = person(&store, Some(&home), "ob-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "ob-doc@example.com", Role::Clinician).await;
        // As an older version stored it: run days on the calendar and no reasons kept.
        let request = ProgrammeRequest::new(days_ago(2)).run_days(DayOfWeek::ALL);
        let (id, _) = approved_programme_for(&store, &runner, &doc, &request).await;
        let record = store.programme(&Actor::of(&doc), id).await.unwrap();
        let mut old: serde_json::Value = serde_json::from_str(&record.body_json).unwrap();
        old.as_object_mut()
            .unwrap()
            .remove("running_blocked_because");
        for day in old["calendar"].as_array_mut().unwrap() {
            day["is_run_day"] = true.into();
        }
        store
            .add_programme(
                &Actor::of(&doc),
                runner.id,
                &NewProgramme {
                    assessment_id: record.assessment_id,
                    status: ProgrammeStatus::Approved,
                    body_json: old.to_string(),
                },
            )
            .await
            .unwrap();

        let mut c = Client::new(store.clone());
        c.login("ob-run@example.com", PASSWORD).await;
        assert!(c.get("/today").await.body.contains("Running is on hold"));
        let res = post_json(
            &mut c,
            &[
                ("kind", "run"),
                ("date", &today().to_string()),
                ("idempotency_key", "ob-run-1"),
                ("distance", "5"),
                ("duration_minutes", "30"),
                ("pain_before", "1"),
                ("pain_during", "2"),
                ("pain_after", "2"),
            ],
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let reviews = store.reviews_of(&Actor::of(&doc), runner.id).await.unwrap();
        assert_eq!(reviews.len(), 1);
        let review: backstride_core::tracking::Review =
            serde_json::from_str(&reviews[0].body_json).unwrap();
        assert_eq!(review.running, None);
    })
    .await;
}

/// The runner's loop on a 375 px phone: Today, a watch file imported through the form (the
/// address afterwards holds no token), the runs page with its table as cards, a run's page and
/// the progress charts all fit the screen with tap targets of at least 44 px.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runners_pages_fit_a_phone_in_chromium() {
    let Some(b) = crate::browser::Browser::start().await else {
        return;
    };
    let home = clinic(&b.store, "Phone Clinic").await;
    let runner = person(&b.store, Some(&home), "ph-run@example.com", Role::Runner).await;
    let doc = person(&b.store, Some(&home), "ph-doc@example.com", Role::Clinician).await;
    approved_programme(&b.store, &runner, &doc, 2).await;
    b.log_in("ph-run@example.com").await;
    b.goto("/today").await;
    b.assert_fits_a_phone().await;

    let file = std::env::temp_dir().join(format!("bs-phone-{}.fit", std::process::id()));
    std::fs::write(&file, crate::runs::run_fit(0)).unwrap();
    b.goto("/runs").await;
    b.client
        .find(fantoccini::Locator::Css("#files"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    b.click("form[action^='/runs/upload'] button[type=submit]")
        .await;
    b.wait_for_text("What happened to each file").await;
    let _ = std::fs::remove_file(&file);
    let url = b.client.current_url().await.unwrap();
    assert_eq!(url.path(), "/runs");
    assert_eq!(url.query(), None, "{url}");
    b.assert_fits_a_phone().await;
    b.assert_accessible().await;
    b.screenshot("runs-phone").await;
    let run = b
        .store
        .runs_of(&backstride_store::Actor::of(&runner), runner.id)
        .await
        .unwrap()[0]
        .id;
    for path in [
        format!("/runs/{run}"),
        "/runs/load".to_owned(),
        "/progress".to_owned(),
    ] {
        b.goto(&path).await;
        b.assert_fits_a_phone().await;
    }
    b.close().await;
}

// --- Plain words on the runner's loop (issue 14, item 4) ---------------------------------------

/// The runner's loop: a baseline with its approved programme, and a re-test of it.
pub(crate) struct Loop {
    pub baseline: i64,
    pub retest: i64,
    pub programme: i64,
}

/// [`Loop`] for `runner`, made by `by` (the runner themselves when self-directed).
pub(crate) async fn runners_loop(store: &Arc<dyn Store>, runner: &User, by: &User) -> Loop {
    let (programme, _) = approved_programme(store, runner, by, 8).await;
    let baseline = store
        .assessments_of(&Actor::of(by), runner.id)
        .await
        .unwrap()[0]
        .id;
    let retest = crate::programme::scored_assessment_of_kind(
        store,
        runner,
        by,
        backstride_store::AssessmentKind::Retest,
    )
    .await;
    Loop {
        baseline,
        retest,
        programme,
    }
}

/// Every runner-facing page of the loop, by path.
pub(crate) fn loop_pages(l: &Loop) -> Vec<String> {
    vec![
        format!("/assessments/{}", l.baseline),
        format!("/assessments/{}", l.retest),
        format!("/programmes/{}", l.programme),
        "/today".to_owned(),
        "/progress".to_owned(),
        format!("/assessments/{}/change", l.retest),
    ]
}

/// Words for developers that must never reach a runner, plus every rule id of the result.
async fn developer_words(store: &Arc<dyn Store>, runner: &User, assessment: i64) -> Vec<String> {
    let record = store
        .assessment(&Actor::of(runner), assessment)
        .await
        .unwrap();
    let result: AssessmentResult =
        serde_json::from_str(record.result_json.as_deref().unwrap()).unwrap();
    let mut words: Vec<String> = ["CLINICAL.md", "§", "protocol 20", "LSI", "Garmin zone"]
        .map(String::from)
        .to_vec();
    words.extend(result.findings().map(|f| f.rule.id.clone()));
    words
}

#[tokio::test]
async fn no_runner_facing_page_of_the_loop_shows_developer_words() {
    each_backend(|store| async move {
        let home = clinic(&store, "Plain Words").await;
        let runner = person(&store, Some(&home), "pw-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "pw-doc@example.com", Role::Clinician).await;
        let l = runners_loop(&store, &runner, &doc).await;
        let banned = developer_words(&store, &runner, l.baseline).await;
        let mut c = Client::new(store.clone());
        c.login("pw-run@example.com", PASSWORD).await;
        for path in loop_pages(&l) {
            let page = c.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            for word in &banned {
                assert!(
                    !page.body.contains(word.as_str()),
                    "{path} shows {word:?}:\n{}",
                    page.body
                );
            }
        }
        // Sources are named by their papers, behind "Details" on each finding.
        let results = c.get(&format!("/assessments/{}", l.baseline)).await.body;
        assert!(results.contains("<details class=\"finding-details\"><summary>Details</summary>"));
        assert!(results.contains("Freckleton et al. 2014"), "{results}");
    })
    .await;
}

#[tokio::test]
async fn the_results_summary_comes_before_the_finding_cards_and_labels_only_what_was_measured() {
    each_backend(|store| async move {
        let home = clinic(&store, "Summary Clinic").await;
        let runner = person(&store, Some(&home), "su-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "su-doc@example.com", Role::Clinician).await;
        let id = crate::programme::scored_assessment(&store, &runner, &doc).await;
        let mut c = Client::new(store.clone());
        c.login("su-run@example.com", PASSWORD).await;
        let body = c.get(&format!("/assessments/{id}")).await.body;
        let at = |needle: &str| {
            body.find(needle)
                .unwrap_or_else(|| panic!("{needle:?} missing:\n{body}"))
        };
        let summary = at("Your three priorities");
        assert!(summary < at("What is fine"));
        assert!(at("What is fine") < at("class=\"finding "));
        assert!(at("What a clinic visit would add") < at("class=\"finding "));
        // Each priority links to its card below.
        let first_link = &body[summary..];
        let anchor = first_link
            .split("href=\"#")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap();
        assert!(body.contains(&format!("id=\"{anchor}\"")), "{anchor}");
        // A pain below the alert is "fine" with the change that matters, not a "Cut-off 2/10".
        // (A judged pain keeps its real cut-off: the next morning's is 2/10, "needs attention".)
        let fine_cards: Vec<&str> = body
            .split("<article class=\"finding finding-fine\"")
            .skip(1)
            .map(|card| card.split("</article>").next().unwrap())
            .collect();
        assert!(!fine_cards.is_empty(), "{body}");
        for card in &fine_cards {
            assert!(!card.contains("Cut-off</dt><dd>2/10"), "{card}");
        }
        assert!(
            body.contains("A change that matters</dt><dd>2 points"),
            "{body}"
        );
        // A ratio cut-off is a ratio, not seconds; "not sure" is never labelled fine.
        assert!(!body.contains("<dd>0.05 s"), "{body}");
        assert!(!body.contains("not sure <span class=\"status status-fine\""));
        // The staff see the same page about "the runner".
        let mut d = c.another();
        d.login("su-doc@example.com", PASSWORD).await;
        let staff = d.get(&format!("/assessments/{id}")).await.body;
        assert!(staff.contains("The runner's three priorities"), "{staff}");
    })
    .await;
}

#[tokio::test]
async fn a_self_directed_runner_never_reads_clinic_wording() {
    each_backend(|store| async move {
        let runner = person(&store, None, "sd-run@example.com", Role::Runner).await;
        let l = runners_loop(&store, &runner, &runner).await;
        let mut c = Client::new(store.clone());
        c.login("sd-run@example.com", PASSWORD).await;
        let clinic_words = [
            "your clinician",
            "Your clinician",
            "call the clinic",
            "Call the clinic",
            "Approved by",
            "the clinic's",
            "Clinician's note",
        ];
        for path in loop_pages(&l) {
            let page = c.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            for word in clinic_words {
                assert!(
                    !page.body.contains(word),
                    "{path} shows {word:?}:\n{}",
                    page.body
                );
            }
        }
        let programme = c.get(&format!("/programmes/{}", l.programme)).await.body;
        assert!(programme.contains("When to stop and get help"));
        assert!(programme.contains("Your programme"));
        let pdf = c
            .get(&format!("/programmes/{}/handout.pdf", l.programme))
            .await;
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        if let Some(text) = crate::programme::pdf_text(&pdf.bytes) {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for word in clinic_words {
                assert!(!flat.contains(word), "the handout shows {word:?}: {flat}");
            }
            assert!(flat.contains("When to stop and get help"), "{flat}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_clinic_runner_still_reads_the_clinic_wording() {
    let store = backstride_store::testing::sqlite().await;
    let home = clinic(&store, "Worded Clinic").await;
    let runner = person(&store, Some(&home), "wc-run@example.com", Role::Runner).await;
    let doc = person(&store, Some(&home), "wc-doc@example.com", Role::Clinician).await;
    let l = runners_loop(&store, &runner, &doc).await;
    let mut c = Client::new(store.clone());
    c.login("wc-run@example.com", PASSWORD).await;
    let programme = c.get(&format!("/programmes/{}", l.programme)).await.body;
    assert!(programme.contains("When to stop and call the clinic"));
    assert!(programme.contains("Approved by"), "{programme}");
}

#[tokio::test]
async fn after_an_accepted_review_each_why_describes_the_level_shown() {
    each_backend(|store| async move {
        let home = clinic(&store, "Level Clinic").await;
        let runner = person(&store, Some(&home), "lv-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "lv-doc@example.com", Role::Clinician).await;
        let (programme_id, body) = approved_programme(&store, &runner, &doc, 8).await;
        // The couch stretch where the programme has it, else the first item that can move up.
        let movable = |i: &&backstride_core::programme::ProgrammeItem| {
            i.exercise_id()
                .and_then(|e| backstride_core::library::harder(e.exercise()))
                .is_some()
        };
        let item = body
            .items
            .iter()
            .filter(movable)
            .find(|i| i.key.starts_with("couch"))
            .or_else(|| body.items.iter().find(movable))
            .expect("an item that can move up")
            .clone();
        let from = item.level().unwrap().get();
        let harder =
            backstride_core::library::harder(item.exercise_id().unwrap().exercise()).unwrap();
        let review = backstride_core::tracking::Review {
            kind: backstride_core::tracking::ReviewKind::Weekly,
            date: today(),
            items: vec![backstride_core::tracking::ProgressionDecision {
                item_key: item.key.clone(),
                name: item.name.clone(),
                action: backstride_core::tracking::ProgressionAction::Progress,
                level: item.level(),
                to: Some(backstride_core::tracking::ExerciseStep {
                    exercise_id: harder.id,
                    level: harder.level,
                    name: harder.name.to_owned(),
                }),
                reason: "All sessions at low pain.".into(),
            }],
            running: None,
            note: String::new(),
        };
        let saved = store
            .save_review(
                &Actor::of(&doc),
                runner.id,
                &backstride_store::NewReview {
                    programme_id,
                    review_date: today().to_string(),
                    kind: ReviewKind::Weekly,
                    status: ReviewStatus::Suggested,
                    body_json: serde_json::to_string(&review).unwrap(),
                },
            )
            .await
            .unwrap();
        let mut d = Client::new(store.clone());
        d.login("lv-doc@example.com", PASSWORD).await;
        d.get(&format!("/runners/{}", runner.id)).await;
        let runner_id = runner.id.to_string();
        d.post(
            &format!("/reviews/{}/settle", saved.id),
            &[("decision", "accept"), ("runner_id", &runner_id)],
        )
        .await;
        let latest = store
            .programmes_of(&Actor::of(&runner), runner.id)
            .await
            .unwrap()
            .into_iter()
            .max_by_key(|p| p.version)
            .unwrap();
        assert!(latest.id != programme_id, "the review made a new version");
        let mut c = Client::new(store.clone());
        c.login("lv-run@example.com", PASSWORD).await;
        let page = c.get(&format!("/programmes/{}", latest.id)).await.body;
        let card = page
            .split("<article class=\"exercise card\"")
            .find(|card| card.contains(harder.name))
            .unwrap_or_else(|| panic!("{} missing:\n{page}", harder.name));
        let why = card.split("<p class=\"why\">").nth(1).unwrap();
        let why = why.split("</p>").next().unwrap();
        let to = harder.level.get();
        assert!(why.contains(&format!("Level {to} of ")), "{why}");
        assert!(!why.contains(&format!("Level {from} of ")), "{why}");
        assert!(
            why.contains(&format!("moved up from level {from}")),
            "{why}"
        );
        assert!(!why.contains("Swapped by your clinician"), "{why}");
    })
    .await;
}

#[tokio::test]
async fn a_day_holds_a_bounded_number_of_entries_and_one_sent_again_is_still_stored_once() {
    use backstride_core::tracking::logs::MAX_LOGS_A_DAY;
    let (store, runner, _, programme, mut c) = runner_on_today("Full Day Clinic", "fd").await;
    let item = programme.items[0].key.clone();
    let day = today().to_string();
    let session = |key: &str| -> Vec<(String, String)> {
        [
            ("kind", "session"),
            ("item_key", item.as_str()),
            ("date", day.as_str()),
            ("idempotency_key", key),
            ("sets", "1"),
            ("pain_during", "1"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    fn as_refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
        fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
    for n in 0..MAX_LOGS_A_DAY {
        let fields = session(&format!("fd-{n}"));
        let res = post_json(&mut c, &as_refs(&fields)).await;
        assert_eq!(res.status, StatusCode::OK, "entry {n}: {}", res.body);
        assert!(res.body.contains("\"stored\""), "entry {n}: {}", res.body);
    }
    // One more is refused next to the date, with nothing stored …
    let fields = session("fd-over");
    let res = post_json(&mut c, &as_refs(&fields)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("\"date\""), "{}", res.body);
    assert!(res.body.contains("the most one day can"), "{}", res.body);
    // … on the page too, with what was typed kept.
    let page = c.post("/today/log", &as_refs(&fields)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("the most one day can"), "{}", page.body);
    // An entry sent again by the offline queue is still answered as stored.
    let fields = session("fd-0");
    let res = post_json(&mut c, &as_refs(&fields)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("already_stored"), "{}", res.body);
    let stored = store
        .logs_of(&Actor::of(&runner), runner.id, &day)
        .await
        .unwrap()
        .len();
    assert_eq!(stored, MAX_LOGS_A_DAY);
}
