//! Today as a guided session (issue 14 item 3) and reminders to log (item 6): "Done as planned",
//! back pain asked once per session, the day's decision in one line, progress and adherence
//! counted per planned exercise; a reminder emailed once when nothing is logged (and not when
//! something is), turned off in one click from the email (RFC 8058's one-click POST, or the
//! link's page with one button; a changed, forged or other runner's link is refused and a GET
//! writes nothing) or on Today; bad input answered by the field with nothing lost.

use crate::client::*;
use crate::tracking::approved_programme;
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_core::library::Sidedness;
use backstride_core::programme::Programme;
use backstride_core::tracking::{SessionLog, SetsDone};
use backstride_store::{Actor, SaveReminder, Store, User, testing};
use std::sync::Arc;

/// The fields "Done as planned" posts for `key` with `pain` (empty: none given).
fn as_planned(body: &Programme, key: &str, idempotency: &str, pain: &str) -> Vec<(String, String)> {
    let item = body.item(key).unwrap();
    let sets = item.dosage.sets().to_string();
    let mut fields = vec![
        ("kind", "session".to_owned()),
        ("date", today().to_string()),
        ("idempotency_key", idempotency.to_owned()),
        ("item_key", key.to_owned()),
        ("pain_during", pain.to_owned()),
        ("note", String::new()),
        ("effort", String::new()),
    ];
    if item.sidedness == Sidedness::PerSide {
        fields.push(("sets_left", sets.clone()));
        fields.push(("sets_right", sets));
    } else {
        fields.push(("sets", sets));
    }
    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

async fn post_owned(c: &mut Client, path: &str, fields: &[(String, String)]) -> Resp {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &borrowed).await
}

async fn sessions(store: &Arc<dyn Store>, runner: &User) -> Vec<SessionLog> {
    store
        .logs_of(&Actor::of(runner), runner.id, "2000-01-01")
        .await
        .unwrap()
        .iter()
        .filter_map(|l| serde_json::from_str::<SessionLog>(&l.body_json).ok())
        .collect()
}

#[tokio::test]
async fn a_guided_session_asks_pain_once_logs_as_planned_and_counts_each_planned_exercise() {
    each_backend(|store| async move {
        let home = clinic(&store, "Guided A").await;
        let runner = person(&store, Some(&home), "gs-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "gs-doc@example.com", Role::Clinician).await;
        // Day 1 of the programme.
        let (_, body) = approved_programme(&store, &runner, &doc, 0).await;
        let planned = body.day_on(today()).unwrap().exercises.clone();
        assert!(planned.len() >= 3, "several exercises are planned on day 1");
        let n = planned.len();

        let mut c = Client::new(store.clone());
        c.login("gs-run@example.com", PASSWORD).await;
        let page = c.get("/today").await.body;
        assert!(page.contains(&format!("0 of {n} done")), "{page}");
        assert_eq!(page.matches("type=\"range\"").count(), 1, "one pain slider");
        assert!(page.contains("<output for=\"session-pain\""));
        assert!(page.contains("Back pain during this session"));
        assert_eq!(page.matches("data-as-planned").count(), n);
        assert!(page.contains("<details class=\"log-details\""));
        assert!(page.contains("How to do it") && page.contains("<svg"));
        // Pain out of range: refused by the slider, nothing lost, nothing stored.
        let mut bad = as_planned(&body, &planned[0], "gs-bad", "11");
        bad.retain(|(k, _)| k != "note");
        bad.push(("note".into(), "left hip tight".into()));
        let res = post_owned(&mut c, "/today/log", &bad).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body.contains("id=\"session-pain-error\""),
            "{}",
            res.body
        );
        assert!(res.body.contains("left hip tight"), "the note is kept");
        // No pain at all on the day's first exercise: asked for by the slider.
        let res = post_owned(
            &mut c,
            "/today/log",
            &as_planned(&body, &planned[0], "gs-none", ""),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("move the slider"), "{}", res.body);
        assert!(sessions(&store, &runner).await.is_empty());

        // "Done as planned" with the session's pain: the planned sets, no effort needed.
        let res = post_owned(
            &mut c,
            "/today/log",
            &as_planned(&body, &planned[0], "gs-1", "2"),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        // The next exercise sends no pain: the session's is used (asked once).
        let res = post_owned(
            &mut c,
            "/today/log",
            &as_planned(&body, &planned[1], "gs-2", ""),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let logged = sessions(&store, &runner).await;
        assert_eq!(logged.len(), 2);
        for (log, key) in logged.iter().zip(&planned) {
            let item = body.item(key).unwrap();
            let sets = item.dosage.sets();
            assert_eq!(log.pain_during.get(), 2, "one pain for the session");
            assert_eq!(log.effort, None, "effort is optional");
            match log.sets_done {
                SetsDone::Both(s) => assert_eq!(s, sets),
                SetsDone::PerSide(p) => assert_eq!((p.left, p.right), (sets, sets)),
            }
        }

        // Progress through the list; the slider now holds the session's pain.
        let page = c.get("/today").await.body;
        assert!(page.contains(&format!("2 of {n} done")), "{page}");
        assert!(page.contains("2/10</output>"), "{page}");
        // The day's decision in one line, the same holds grouped into one.
        assert!(page.contains("All holding — keep going"), "{page}");
        assert_eq!(page.matches("decision decision-hold").count(), 1, "{page}");

        // Adherence per planned exercise: 2 of today's n, never 100%.
        let weeks = backstride_core::tracking::trends::weeks(
            &body,
            &backstride_core::TrackingLogs {
                sessions: logged.clone(),
                ..Default::default()
            },
            today(),
        );
        let week = weeks.last().unwrap();
        assert_eq!((week.sessions_done, week.sessions_planned), (2, n));
        let percent = (200.0 / n as f64).round();
        let progress = c.get("/progress").await.body;
        assert!(
            progress.contains("Planned exercises done per programme week"),
            "{progress}"
        );
        assert!(progress.contains(&format!("{percent}")), "{progress}");
        assert!(!progress.contains(">100%<") && !progress.contains(">100 %<"));
        // The drawn page is kept while nothing changes, and drawn again when something does:
        // the clinic's adherence line (a clinic's change raises its runners' versions)…
        assert!(progress.contains("A dashed line marks 80%"), "{progress}");
        let main = |page: &str| page.split("<main").nth(1).unwrap_or_default().to_owned();
        assert_eq!(main(&c.get("/progress").await.body), main(&progress), "kept");
        let admin = person(&store, Some(&home), "gs-admin@example.com", Role::Admin).await;
        store
            .update_clinic_settings(
                &Actor::of(&admin),
                home.id,
                &backstride_store::ClinicSettings {
                    progression_json: Some(
                        r#"{"adherence_min_percent": {"value": 70, "source": "Clinic", "our_choice": true}}"#
                            .into(),
                    ),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let progress = c.get("/progress").await.body;
        assert!(progress.contains("A dashed line marks 70%"), "{progress}");
        // …and a third exercise logged.
        let res = post_owned(
            &mut c,
            "/today/log",
            &as_planned(&body, &planned[2], "gs-third", "2"),
        )
        .await;
        assert!(res.status.is_redirection(), "{}", res.body);
        let percent = (300.0 / n as f64).round();
        let progress = c.get("/progress").await.body;
        assert!(progress.contains(&format!("{percent}")), "{progress}");

        // The offline queue's JSON: the pain is asked for by its field too.
        let other = body
            .items
            .iter()
            .find(|i| !planned.contains(&i.key))
            .map(|i| i.key.clone());
        if let Some(other) = other {
            let mut fields = as_planned(&body, &other, "gs-json", "");
            fields[1].1 = days_ago(3).to_string();
            let token = c.csrf.clone().unwrap_or_default();
            fields.push(("csrf_token".into(), token));
            let req = axum::http::Request::post("/today/log")
                .header(
                    axum::http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .header(axum::http::header::ACCEPT, "application/json")
                .body(axum::body::Body::from(
                    serde_urlencoded::to_string(&fields).unwrap(),
                ))
                .unwrap();
            let res = c.send(req).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
            assert!(res.body.contains("\"pain_during\""), "{}", res.body);
        }
    })
    .await;
}

/// Makes the runner's reminder due at `at` (Unix seconds), every day at 00:00.
async fn due_now(store: &Arc<dyn Store>, runner: &User, at: i64) {
    store
        .save_reminder(
            runner.id,
            &SaveReminder {
                enabled: true,
                minute_of_day: 0,
                days: 127,
                next_due_at: at,
            },
            at,
        )
        .await
        .unwrap();
}

async fn reminders_to(store: &Arc<dyn Store>, to: &str) -> usize {
    store
        .outbox(200)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.to == to && e.subject.contains("reminder"))
        .count()
}

#[tokio::test]
async fn a_reminder_is_emailed_once_when_nothing_is_logged_and_its_link_turns_reminders_off() {
    use backstride_web::housekeeping::send_reminders;
    // The web server's key (the test app's data folder), which signs the emailed links.
    let key = &backstride_web::ServerKey::load(&config());
    each_backend(|store| async move {
        let home = clinic(&store, "Remind A").await;
        let quiet = person(&store, Some(&home), "rm-quiet@example.com", Role::Runner).await;
        let busy = person(&store, Some(&home), "rm-busy@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "rm-doc@example.com", Role::Clinician).await;
        approved_programme(&store, &quiet, &doc, 2).await;
        approved_programme(&store, &busy, &doc, 2).await;

        // Bad input: by the field, what was typed kept, nothing saved.
        let mut c = Client::new(store.clone());
        c.login("rm-quiet@example.com", PASSWORD).await;
        c.get("/today").await;
        let res = c
            .post("/today/reminders", &[("turn", "on"), ("time", "25:00")])
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body.contains("id=\"reminder-time-error\""),
            "{}",
            res.body
        );
        assert!(
            res.body.contains("id=\"reminder-days-error\""),
            "{}",
            res.body
        );
        assert!(
            res.body.contains("value=\"25:00\""),
            "the typed time is kept"
        );
        assert!(store.reminder(quiet.id).await.unwrap().is_none());
        let res = c
            .post(
                "/today/reminders",
                &[
                    ("turn", "on"),
                    ("time", "07:30"),
                    ("days", "mon"),
                    ("days", "fri"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let saved = store.reminder(quiet.id).await.unwrap().unwrap();
        assert!(saved.enabled);
        assert_eq!((saved.minute_of_day, saved.days), (7 * 60 + 30, 1 | 16));
        assert!(saved.next_due_at > jiff::Timestamp::now().as_second());
        let page = c.get("/today").await.body;
        assert!(page.contains("07:30 on Monday and Friday"), "{page}");

        // Due now: the runner who logged nothing gets one email, the other none.
        let now = jiff::Timestamp::now().as_second();
        due_now(&store, &quiet, now).await;
        due_now(&store, &busy, now).await;
        let mut b = Client::new(store.clone());
        b.login("rm-busy@example.com", PASSWORD).await;
        b.get("/today").await;
        let t = today().to_string();
        let morning = [
            ("kind", "morning"),
            ("date", t.as_str()),
            ("idempotency_key", "rm-m"),
            ("morning_pain", "1"),
            ("stiffness", "1"),
        ];
        assert_eq!(
            b.post("/today/log", &morning).await.status,
            StatusCode::SEE_OTHER
        );
        let at = jiff::Timestamp::from_second(now).unwrap();
        let done = send_reminders(store.as_ref(), key, "http://test.local", at)
            .await
            .unwrap();
        assert_eq!((done.sent, done.skipped), (1, 1));
        assert_eq!(reminders_to(&store, "rm-quiet@example.com").await, 1);
        assert_eq!(reminders_to(&store, "rm-busy@example.com").await, 0);
        let link = link_in_email(
            &store,
            "rm-quiet@example.com",
            "http://test.local/reminders/off/",
        )
        .await;
        assert!(
            store
                .outbox(200)
                .await
                .unwrap()
                .iter()
                .any(|e| e.to == "rm-quiet@example.com"
                    && e.body_text.contains("http://test.local/today\n")),
            "the email links straight to Today"
        );
        // Moved on to the next day: nothing more now; and forced due again the same day, it is
        // still at most one a day.
        let again = send_reminders(store.as_ref(), key, "http://test.local", at)
            .await
            .unwrap();
        assert_eq!(again.sent, 0);
        assert!(store.reminder(quiet.id).await.unwrap().unwrap().next_due_at > now);
        due_now(&store, &quiet, now).await;
        let again = send_reminders(store.as_ref(), key, "http://test.local", at)
            .await
            .unwrap();
        assert_eq!(again.sent, 0);
        assert_eq!(reminders_to(&store, "rm-quiet@example.com").await, 1);

        // The mail program's one-click button (RFC 8058) posts to the same address.
        let sent = store.outbox(200).await.unwrap();
        let email = sent
            .iter()
            .find(|e| e.to == "rm-quiet@example.com" && e.subject.contains("reminder"))
            .unwrap();
        assert_eq!(email.list_unsubscribe.as_deref(), Some(link.as_str()));

        // A changed link, one forged for this runner and this runner's link made out to another
        // runner are refused (GET and POST) and change nothing.
        let path = link.trim_start_matches("http://test.local");
        let token = path.trim_start_matches("/reminders/off/");
        let (id, rest) = token.split_once('.').unwrap();
        assert_eq!(id, quiet.id.to_string(), "the token names its runner");
        let (date, _) = rest.split_once('.').unwrap();
        let mut visitor = c.another();
        visitor.get("/login").await;
        let mut tampered = path.to_owned();
        let last = tampered.pop().unwrap();
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        let forged = format!("/reminders/off/{}.{date}.{}", quiet.id, "A".repeat(43));
        let other_runner = format!("/reminders/off/{}.{rest}", busy.id);
        for wrong in [&tampered, &forged, &other_runner] {
            assert_eq!(visitor.get(wrong).await.status, StatusCode::NOT_FOUND);
            assert_eq!(visitor.post(wrong, &[]).await.status, StatusCode::NOT_FOUND);
            let one_click = c
                .another()
                .post_raw(wrong, "List-Unsubscribe=One-Click".into())
                .await;
            assert_eq!(one_click.status, StatusCode::NOT_FOUND, "{wrong}");
        }
        // A link sent to an earlier account that had this id (SQLite can reuse the highest id
        // after a deletion) is refused: the token is signed for the account's creation time.
        shift_account_creation(&store, quiet.id, 1).await;
        assert_eq!(visitor.get(path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(visitor.post(path, &[]).await.status, StatusCode::NOT_FOUND);
        shift_account_creation(&store, quiet.id, -1).await;
        assert!(store.reminder(quiet.id).await.unwrap().unwrap().enabled);
        assert!(store.reminder(busy.id).await.unwrap().unwrap().enabled);

        // The link in the text opens a page with one button, signed in or not.
        let ask = visitor.get(path).await;
        assert_eq!(ask.status, StatusCode::OK);
        assert!(ask.body.contains("Turn off reminder emails?"));
        assert!(
            store.reminder(quiet.id).await.unwrap().unwrap().enabled,
            "a GET never writes"
        );
        let off = visitor.post(path, &[]).await;
        assert_eq!(off.status, StatusCode::OK, "{}", off.body);
        assert!(off.body.contains("Reminders are off"));
        assert!(!store.reminder(quiet.id).await.unwrap().unwrap().enabled);
        assert!(
            store.reminder(busy.id).await.unwrap().unwrap().enabled,
            "only the link's runner"
        );

        // On again, then the mail program's one-click POST: no cookie, no form token.
        due_now(&store, &quiet, now).await;
        let one_click = c
            .another()
            .post_raw(path, "List-Unsubscribe=One-Click".into())
            .await;
        assert_eq!(one_click.status, StatusCode::OK, "{}", one_click.body);
        assert!(!store.reminder(quiet.id).await.unwrap().unwrap().enabled);
        assert!(store.reminder(busy.id).await.unwrap().unwrap().enabled);
        due_now(&store, &busy, now).await;
        store.reminders_off(busy.id, now).await.unwrap();
        let none = send_reminders(store.as_ref(), key, "http://test.local", at)
            .await
            .unwrap();
        assert_eq!(
            (none.sent, none.skipped),
            (0, 0),
            "turned-off reminders are not due"
        );

        // The toggle on Today: on again, then off.
        let res = c
            .post(
                "/today/reminders",
                &[("turn", "on"), ("time", "18:00"), ("days", "sun")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(store.reminder(quiet.id).await.unwrap().unwrap().enabled);
        assert!(c.get("/today").await.body.contains("Turn reminders off"));
        let res = c.post("/today/reminders", &[("turn", "off")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let kept = store.reminder(quiet.id).await.unwrap().unwrap();
        assert!(!kept.enabled);
        assert_eq!(
            kept.minute_of_day,
            18 * 60,
            "the time is kept for next time"
        );
    })
    .await;
}

/// Moves account `id`'s creation time by `seconds`, as if a later account had taken its id.
async fn shift_account_creation(store: &Arc<dyn Store>, id: i64, seconds: i64) {
    testing::execute(
        store,
        "UPDATE app_user SET created_at = created_at + $1 WHERE id = $2",
        &[testing::Bind::Int(seconds), testing::Bind::Int(id)],
    )
    .await
    .unwrap();
}
