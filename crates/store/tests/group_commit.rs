//! Group commit of the runners' logs (`backstride_store::group_commit`): many logs sent at
//! once are each stored exactly once and answered only after their batch committed, and a log
//! that fails in a batch leaves its neighbours stored. On SQLite, and on PostgreSQL when
//! `TEST_DATABASE_URL` is set.

use backstride_store::*;
use std::collections::HashMap;
use std::sync::Arc;

use testing::each_backend;

/// A clinic with a runner (with an approved programme), its clinician and a clinician of no
/// clinic (a stranger to the runner).
async fn clinic_with_runner(store: &Arc<dyn Store>, tag: &str) -> (User, User, User, i64) {
    let testing::ClinicPeople {
        runner,
        clinician,
        stranger,
        ..
    } = testing::clinic_people(store, &format!("{tag} Clinic"), tag).await;
    let programme = store
        .add_programme(
            &Actor::of(&clinician),
            runner.id,
            &NewProgramme {
                assessment_id: None,
                status: ProgrammeStatus::Approved,
                body_json: "{}".into(),
            },
        )
        .await
        .unwrap();
    (runner, clinician, stranger, programme.id)
}

fn log(kind: LogKind, date: &str, key: &str) -> NewLog {
    NewLog {
        kind,
        log_date: date.into(),
        body_json: format!("{{\"date\":\"{date}\",\"key\":\"{key}\"}}"),
        idempotency_key: key.into(),
    }
}

/// The day's review (its body names `note`) and an alert whose reason is `reason`.
fn outcome(programme_id: i64, date: &str, note: &str, reason: &str) -> LogOutcome {
    LogOutcome {
        reviews: vec![NewReview {
            programme_id,
            review_date: date.into(),
            kind: ReviewKind::AfterDay,
            status: ReviewStatus::Suggested,
            body_json: format!("{{\"note\":\"{note}\"}}"),
        }],
        alerts: vec![(AlertTier::High, reason.to_owned())],
        now: 1_800_000_000,
    }
}

#[tokio::test]
async fn concurrent_logs_through_the_writer_are_each_stored_exactly_once() {
    each_backend(|store| async move {
        let (runner, clinician, _, programme_id) = clinic_with_runner(&store, "many").await;
        let me = Actor::of(&runner);
        let runner_id = runner.id;
        let writer = Arc::new(LogWriter::new(store.clone()));
        // 300 logs sent at once over 200 keys: every key from one sender, 100 of them also
        // from a second (the offline queue sending again what the page already sent).
        let mut sends = tokio::task::JoinSet::new();
        for n in 0..300 {
            let (writer, me) = (writer.clone(), me.clone());
            let key = format!("k{}", n % 200);
            let date = format!("2026-11-{:02}", 1 + n % 28);
            sends.spawn(async move {
                let answer = writer
                    .add_log_with_outcome(
                        &me,
                        runner_id,
                        &log(LogKind::Session, &date, &key),
                        &outcome(programme_id, &date, &key, "Pain 6/10 during sessions."),
                    )
                    .await;
                (key, answer)
            });
        }
        let mut acknowledged: HashMap<String, Vec<(i64, LogSaved)>> = HashMap::new();
        while let Some(sent) = sends.join_next().await {
            let (key, answer) = sent.unwrap();
            let (record, saved) = answer.expect("every log is answered as stored");
            assert_eq!(record.idempotency_key, key);
            acknowledged
                .entry(key)
                .or_default()
                .push((record.id, saved));
        }
        assert_eq!(acknowledged.len(), 200);
        for (key, answers) in &acknowledged {
            let new = answers.iter().filter(|(_, s)| *s == LogSaved::New).count();
            assert_eq!(
                new, 1,
                "{key}: stored as new once, found after: {answers:?}"
            );
            assert!(
                answers.iter().all(|(id, _)| *id == answers[0].0),
                "{key}: one stored log answers every send: {answers:?}"
            );
        }
        // Stored: each key exactly once, and nothing else.
        let stored = store.logs_of(&me, runner.id, "2026-01-01").await.unwrap();
        assert_eq!(stored.len(), 200);
        let mut keys: Vec<&str> = stored.iter().map(|l| l.idempotency_key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 200);
        // Each log's outcome went with it: one review per day logged, one open alert.
        assert_eq!(store.reviews_of(&me, runner.id).await.unwrap().len(), 28);
        assert_eq!(
            store
                .open_alerts(&Actor::of(&clinician))
                .await
                .unwrap()
                .len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn a_failing_log_in_a_batch_does_not_fail_its_neighbours() {
    each_backend(|store| async move {
        let (runner, clinician, stranger, programme_id) = clinic_with_runner(&store, "batch").await;
        let me = Actor::of(&runner);
        let one = |actor: &Actor, kind, date: &str, key: &str, reason: &str| LogToStore {
            actor: actor.clone(),
            runner_id: runner.id,
            log: log(kind, date, key),
            outcome: outcome(programme_id, date, key, reason),
        };
        let answers = store
            .add_logs_together(&[
                one(&me, LogKind::Morning, "2026-11-21", "b1", "First."),
                // A second morning check-in of the same day: refused, its outcome not stored.
                one(&me, LogKind::Morning, "2026-11-21", "b2", "Second morning."),
                // Someone who may not see the runner: refused and audited.
                one(
                    &Actor::of(&stranger),
                    LogKind::Run,
                    "2026-11-22",
                    "b3",
                    "Stranger.",
                ),
                one(&me, LogKind::Session, "2026-11-22", "b4", "Fourth."),
                // The first key again, within the same batch: found, not stored twice.
                one(&me, LogKind::Morning, "2026-11-21", "b1", "Again."),
            ])
            .await
            .expect("the batch commits");
        assert_eq!(answers.len(), 5);
        let (first, saved) = answers[0].as_ref().expect("the first log is stored");
        assert_eq!(*saved, LogSaved::New);
        match &answers[1] {
            Err(StoreError::Conflict { constraint }) => {
                assert_eq!(constraint, "tracking_log_one_morning")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert!(
            matches!(answers[2], Err(StoreError::NotFound)),
            "{:?}",
            answers[2]
        );
        let (fourth, saved) = answers[3].as_ref().expect("the fourth log is stored");
        assert_eq!(*saved, LogSaved::New);
        let (again, saved) = answers[4].as_ref().expect("the repeated key is answered");
        assert_eq!((*saved, again.id), (LogSaved::AlreadyStored, first.id));

        let stored = store.logs_of(&me, runner.id, "2026-01-01").await.unwrap();
        let ids: Vec<i64> = stored.iter().map(|l| l.id).collect();
        assert_eq!(stored.len(), 2, "{stored:?}");
        assert!(ids.contains(&first.id) && ids.contains(&fourth.id));
        // Only the stored logs' outcomes: their reviews and alerts, none of the refused ones'.
        let reviews = store.reviews_of(&me, runner.id).await.unwrap();
        let mut notes: Vec<&str> = reviews.iter().map(|r| r.body_json.as_str()).collect();
        notes.sort_unstable();
        assert_eq!(notes, vec!["{\"note\":\"b1\"}", "{\"note\":\"b4\"}"]);
        let mut reasons: Vec<String> = store
            .open_alerts(&Actor::of(&clinician))
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.reason)
            .collect();
        reasons.sort_unstable();
        assert_eq!(reasons, vec!["First.", "Fourth."]);
        // The refused stranger's attempt is in the audit trail (kept with the batch).
        let trail = store.audit_events_about(runner.id).await.unwrap();
        assert!(
            trail
                .iter()
                .any(|e| e.actor_user_id == stranger.id && e.outcome == "denied"),
            "{trail:?}"
        );
    })
    .await;
}
