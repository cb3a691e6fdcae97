//! The storage suite: every test runs on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.

use backstride_core::{DistanceUnit, Email, MassUnit, Role, TimeZoneName, UnitPreference};
use backstride_store::*;
use std::sync::Arc;

fn email(s: &str) -> Email {
    s.parse().unwrap()
}

fn new_user(clinic_id: Option<i64>, addr: &str, role: Role) -> NewUser {
    NewUser {
        clinic_id,
        email: email(addr),
        display_name: addr.split('@').next().unwrap().into(),
        password_hash: "$argon2id$fake".into(),
        role,
        time_zone: TimeZoneName::utc(),
        units: None,
    }
}

async fn clinic(store: &Arc<dyn Store>, name: &str) -> Clinic {
    store
        .create_clinic(&NewClinic {
            name: name.into(),
            units: UnitPreference {
                distance: DistanceUnit::Mi,
                mass: MassUnit::Lb,
            },
            time_zone: "America/New_York".parse().unwrap(),
        })
        .await
        .unwrap()
}

async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Arc<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let stores = testing::all().await;
    if stores.len() == 1 {
        eprintln!("note: TEST_DATABASE_URL not set, PostgreSQL part skipped");
    }
    for store in stores {
        eprintln!("backend: {}", store.backend());
        test(store).await;
    }
}

#[tokio::test]
async fn users_round_trip_and_duplicates_are_conflicts() {
    each_backend(|store| async move {
        store.ping().await.unwrap();
        store.migrate().await.unwrap(); // idempotent
        let c = clinic(&store, "Stride Clinic").await;
        assert_eq!(store.clinic_by_name("Stride Clinic").await.unwrap(), c);
        assert_eq!(store.default_clinic().await.unwrap(), Some(c.clone()));
        assert_eq!(c.units.distance, DistanceUnit::Mi);
        let u = store
            .create_user(&new_user(Some(c.id), "Ann@Example.com", Role::Runner))
            .await
            .unwrap();
        assert_eq!(u.email.as_str(), "ann@example.com");
        assert_eq!(
            store
                .user_by_email(&email("ann@example.com"))
                .await
                .unwrap(),
            u
        );
        assert_eq!(store.user(u.id).await.unwrap(), u);
        match store
            .create_user(&new_user(None, "ann@example.com", Role::Runner))
            .await
        {
            Err(StoreError::Conflict { constraint }) => {
                assert_eq!(constraint, "app_user_email_key")
            }
            other => panic!("expected conflict, got {other:?}"),
        }
        match store
            .create_clinic(&NewClinic {
                name: "Stride Clinic".into(),
                units: c.units,
                time_zone: TimeZoneName::utc(),
            })
            .await
        {
            Err(StoreError::Conflict { .. }) => {}
            other => panic!("expected conflict, got {other:?}"),
        }
        assert!(matches!(store.user(9999).await, Err(StoreError::NotFound)));
        store
            .set_password_hash(u.id, "$argon2id$other")
            .await
            .unwrap();
        let prefs = Preferences {
            display_name: "Ann R".into(),
            time_zone: "Europe/London".parse().unwrap(),
            units: Some(UnitPreference {
                distance: DistanceUnit::Km,
                mass: MassUnit::Kg,
            }),
        };
        store.set_preferences(u.id, &prefs).await.unwrap();
        let again = store.user(u.id).await.unwrap();
        assert_eq!(again.password_hash, "$argon2id$other");
        assert_eq!(again.units, prefs.units);
        assert_eq!(again.time_zone.as_str(), "Europe/London");
        assert_eq!(store.users_in_clinic(c.id).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn reset_tokens_are_single_use_and_expire() {
    each_backend(|store| async move {
        let u = store
            .create_user(&new_user(None, "bo@example.com", Role::Runner))
            .await
            .unwrap();
        store
            .create_password_reset(u.id, "hash-a", 1_000)
            .await
            .unwrap();
        store
            .create_password_reset(u.id, "hash-b", 1_000)
            .await
            .unwrap();
        assert_eq!(
            store.consume_password_reset("hash-a", 999).await.unwrap(),
            Some(u.id)
        );
        assert_eq!(
            store.consume_password_reset("hash-a", 999).await.unwrap(),
            None,
            "single use"
        );
        assert_eq!(
            store.consume_password_reset("hash-b", 1_000).await.unwrap(),
            None,
            "expired at the boundary"
        );
        assert_eq!(store.consume_password_reset("nope", 0).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn invites_create_the_account_once() {
    each_backend(|store| async move {
        let c = clinic(&store, "Invite Clinic").await;
        let admin = store
            .create_user(&new_user(Some(c.id), "admin@example.com", Role::Admin))
            .await
            .unwrap();
        store
            .create_invite(&NewInvite {
                token_hash: "inv".into(),
                clinic_id: c.id,
                email: email("cleo@example.com"),
                role: Role::Clinician,
                invited_by: admin.id,
                expires_at: 500,
            })
            .await
            .unwrap();
        assert!(store.invite("inv", 600).await.unwrap().is_none(), "expired");
        let inv = store.invite("inv", 100).await.unwrap().unwrap();
        assert_eq!(inv.role, Role::Clinician);
        let cleo = store
            .accept_invite(
                "inv",
                &new_user(Some(c.id), "cleo@example.com", Role::Clinician),
                100,
            )
            .await
            .unwrap();
        assert_eq!(cleo.clinic_id, Some(c.id));
        assert!(matches!(
            store
                .accept_invite(
                    "inv",
                    &new_user(Some(c.id), "dup@example.com", Role::Clinician),
                    100
                )
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.user_by_email(&email("dup@example.com")).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn login_failures_are_counted_per_email_and_ip() {
    each_backend(|store| async move {
        for at in 0..5 {
            store
                .record_login_failure("x@example.com", "10.0.0.1", at)
                .await
                .unwrap();
        }
        store
            .record_login_failure("y@example.com", "10.0.0.1", 10)
            .await
            .unwrap();
        let f = store
            .login_failures_since("x@example.com", "10.0.0.1", 2)
            .await
            .unwrap();
        assert_eq!(
            f,
            LoginFailures {
                for_email: 3,
                for_ip: 4
            }
        );
        store.clear_login_failures("x@example.com").await.unwrap();
        let f = store
            .login_failures_since("x@example.com", "10.0.0.1", 0)
            .await
            .unwrap();
        assert_eq!(
            f,
            LoginFailures {
                for_email: 0,
                for_ip: 1
            }
        );
    })
    .await;
}

#[tokio::test]
async fn runner_records_are_audited_and_isolated() {
    each_backend(|store| async move {
        let a = clinic(&store, "Clinic A").await;
        let b = clinic(&store, "Clinic B").await;
        let runner = store
            .create_user(&new_user(Some(a.id), "run@example.com", Role::Runner))
            .await
            .unwrap();
        let other_runner = store
            .create_user(&new_user(Some(a.id), "run2@example.com", Role::Runner))
            .await
            .unwrap();
        let clin_a = store
            .create_user(&new_user(Some(a.id), "ca@example.com", Role::Clinician))
            .await
            .unwrap();
        let clin_b = store
            .create_user(&new_user(Some(b.id), "cb@example.com", Role::Clinician))
            .await
            .unwrap();

        // The runner reads their own record: allowed, not audited.
        store
            .open_runner_record(&Actor::of(&runner), runner.id, "view record")
            .await
            .unwrap();
        assert!(
            store
                .audit_events_about(runner.id)
                .await
                .unwrap()
                .is_empty()
        );
        // Their clinician: allowed and audited.
        store
            .open_runner_record(&Actor::of(&clin_a), runner.id, "view record")
            .await
            .unwrap();
        // Another clinic's clinician and another runner: not found, and audited as denied.
        assert!(matches!(
            store
                .open_runner_record(&Actor::of(&clin_b), runner.id, "view record")
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .open_runner_record(&Actor::of(&other_runner), runner.id, "view record")
                .await,
            Err(StoreError::NotFound)
        ));
        // A staff member is not a runner's record.
        assert!(matches!(
            store
                .open_runner_record(&Actor::of(&clin_a), clin_b.id, "view record")
                .await,
            Err(StoreError::NotFound)
        ));
        let trail = store.audit_events_about(runner.id).await.unwrap();
        let outcomes: Vec<(i64, &str)> = trail
            .iter()
            .map(|e| (e.actor_user_id, e.outcome.as_str()))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                (other_runner.id, "denied"),
                (clin_b.id, "denied"),
                (clin_a.id, "allowed")
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn audit_trail_is_append_only() {
    each_backend(|store| async move {
        let runner = store
            .create_user(&new_user(None, "solo@example.com", Role::Runner))
            .await
            .unwrap();
        let c = clinic(&store, "Append Clinic").await;
        let clin = store
            .create_user(&new_user(Some(c.id), "cl@example.com", Role::Clinician))
            .await
            .unwrap();
        let _ = store
            .open_runner_record(&Actor::of(&clin), runner.id, "view record")
            .await;
        let raw = store.session_backend();
        let result = match raw {
            SessionBackend::Sqlite(pool) => sqlx::query("DELETE FROM audit_event")
                .execute(&pool)
                .await
                .map(|_| ()),
            SessionBackend::Postgres(pool) => sqlx::query("DELETE FROM audit_event")
                .execute(&pool)
                .await
                .map(|_| ()),
        };
        assert!(result.is_err(), "deleting audit events must be refused");
        assert_eq!(store.audit_events_about(runner.id).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn outbox_claims_retries_and_keeps_failures() {
    each_backend(|store| async move {
        let msg = NewEmail {
            to: email("to@example.com"),
            subject: "Hi".into(),
            body_text: "Body".into(),
        };
        let id1 = store.enqueue_email(&msg, 100).await.unwrap();
        let id2 = store.enqueue_email(&msg, 100).await.unwrap();
        assert!(
            store.claim_due_emails(99, 10).await.unwrap().is_empty(),
            "not due yet"
        );
        let claimed = store.claim_due_emails(100, 10).await.unwrap();
        assert_eq!(
            claimed.iter().map(|e| e.id).collect::<Vec<_>>(),
            vec![id1, id2]
        );
        assert!(
            store.claim_due_emails(101, 10).await.unwrap().is_empty(),
            "claimed emails are reserved"
        );
        store.mark_email_sent(id1, 101).await.unwrap();
        store
            .mark_email_attempt_failed(id2, "connection refused", Some(200))
            .await
            .unwrap();
        assert!(
            store.claim_due_emails(150, 10).await.unwrap().is_empty(),
            "backoff respected"
        );
        let again = store.claim_due_emails(200, 10).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].attempts, 1);
        store
            .mark_email_attempt_failed(id2, "gave up", None)
            .await
            .unwrap();
        let listed = store.outbox(10).await.unwrap();
        assert_eq!(listed[0].id, id2, "failed emails list first");
        assert_eq!(listed[0].status, EmailStatus::Failed);
        assert_eq!(listed[0].last_error.as_deref(), Some("gave up"));
        assert_eq!(listed[1].status, EmailStatus::Sent);
        assert!(
            store.claim_due_emails(10_000, 10).await.unwrap().is_empty(),
            "failed emails are not retried by themselves"
        );
        store.retry_email(id2, 300).await.unwrap();
        assert_eq!(store.claim_due_emails(300, 10).await.unwrap().len(), 1);
        // A worker that died mid-send: its claim lapses and another worker picks the email up.
        let id3 = store.enqueue_email(&msg, 400).await.unwrap();
        assert_eq!(store.claim_due_emails(400, 10).await.unwrap()[0].id, id3);
        assert_eq!(
            store
                .claim_due_emails(400 + 121, 10)
                .await
                .unwrap()
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            vec![id2, id3]
        );
    })
    .await;
}

#[tokio::test]
async fn concurrent_claims_never_share_an_email() {
    each_backend(|store| async move {
        let msg = NewEmail {
            to: email("to@example.com"),
            subject: "Hi".into(),
            body_text: "Body".into(),
        };
        for _ in 0..40 {
            store.enqueue_email(&msg, 1).await.unwrap();
        }
        let mut handles = Vec::new();
        for _ in 0..4 {
            let store = store.clone();
            handles.push(tokio::spawn(async move {
                let mut got = Vec::new();
                loop {
                    let batch = store.claim_due_emails(1, 3).await.unwrap();
                    if batch.is_empty() {
                        break got;
                    }
                    got.extend(batch.into_iter().map(|e| e.id));
                }
            }));
        }
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap());
        }
        all.sort();
        let before = all.len();
        all.dedup();
        assert_eq!(before, all.len(), "an email was claimed twice");
        assert_eq!(all.len(), 40);
    })
    .await;
}
