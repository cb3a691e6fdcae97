//! The storage suite: every test runs on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.

use backstride_core::{DistanceUnit, Email, MassUnit, Role, TimeZoneName, UnitPreference};
use backstride_store::testing::{
    ClinicPeople, clinic, clinic_people, count_rows, execute, new_user,
};
use backstride_store::*;

fn email(s: &str) -> Email {
    s.parse().unwrap()
}

use testing::{Bind, each_backend, each_backend_twice};

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
async fn sign_in_links_and_reset_links_are_kept_apart() {
    each_backend(|store| async move {
        let u = store
            .create_user(&new_user(None, "cy@example.com", Role::Runner))
            .await
            .unwrap();
        store
            .create_login_link(u.id, "login-a", 1_000)
            .await
            .unwrap();
        store
            .create_password_reset(u.id, "reset-a", 1_000)
            .await
            .unwrap();
        assert_eq!(
            store.consume_password_reset("login-a", 0).await.unwrap(),
            None
        );
        assert_eq!(store.consume_login_link("reset-a", 0).await.unwrap(), None);
        assert_eq!(
            store.consume_login_link("login-a", 0).await.unwrap(),
            Some(u.id)
        );
        assert_eq!(
            store.consume_login_link("login-a", 0).await.unwrap(),
            None,
            "single use"
        );
        assert_eq!(
            store.consume_password_reset("reset-a", 0).await.unwrap(),
            Some(u.id)
        );
    })
    .await;
}

#[tokio::test]
async fn self_sign_ups_wait_for_their_email() {
    each_backend(|store| async move {
        let invited = store
            .create_user(&new_user(None, "in@example.com", Role::Runner))
            .await
            .unwrap();
        let signed_up = store
            .create_unconfirmed_user(&new_user(None, "up@example.com", Role::Runner))
            .await
            .unwrap();
        assert!(store.email_confirmed(invited.id).await.unwrap());
        assert!(!store.email_confirmed(signed_up.id).await.unwrap());
        store.confirm_email(signed_up.id).await.unwrap();
        assert!(store.email_confirmed(signed_up.id).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn parallel_login_attempts_each_get_their_own_number() {
    each_backend(|store| async move {
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let store = store.clone();
            attempts
                .spawn(async move { store.count_login_attempt("z@example.com", 100, 50).await });
        }
        let mut numbers: Vec<i64> = attempts
            .join_all()
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=20).collect::<Vec<_>>());
        // A count older than the window starts again; a cleared one too.
        assert_eq!(
            store
                .count_login_attempt("z@example.com", 200, 150)
                .await
                .unwrap(),
            1
        );
        store.clear_login_failures("z@example.com").await.unwrap();
        assert_eq!(
            store
                .count_login_attempt("z@example.com", 201, 150)
                .await
                .unwrap(),
            1
        );
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
        let result = execute(&store, "DELETE FROM audit_event", &[]).await;
        assert!(result.is_err(), "deleting audit events must be refused");
        assert_eq!(store.audit_events_about(runner.id).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn outbox_claims_retries_and_keeps_failures() {
    each_backend(|store| async move {
        let msg = NewEmail::text(email("to@example.com"), "Hi", "Body");
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
        let msg = NewEmail::text(email("to@example.com"), "Hi", "Body");
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

fn draft(id: Option<i64>, step: &str, status: AssessmentStatus) -> SaveAssessment {
    SaveAssessment {
        id,
        kind: AssessmentKind::Baseline,
        status,
        protocol_version: "2026.1".into(),
        step: step.into(),
        raw_json: format!("{{\"step\":\"{step}\"}}"),
        result_json: None,
        notes: String::new(),
    }
}

#[tokio::test]
async fn assessments_save_resume_and_lock_when_complete() {
    each_backend(|store| async move {
        let ClinicPeople {
            runner,
            clinician: clin,
            stranger,
            ..
        } = clinic_people(&store, "Assess Clinic", "as").await;
        let me = Actor::of(&runner);
        let a = store
            .save_assessment(
                &me,
                runner.id,
                &draft(None, "red_flags", AssessmentStatus::Draft),
            )
            .await
            .unwrap();
        let a2 = store
            .save_assessment(
                &me,
                runner.id,
                &draft(Some(a.id), "hips", AssessmentStatus::Draft),
            )
            .await
            .unwrap();
        assert_eq!((a2.id, a2.step.as_str()), (a.id, "hips"));
        let done = store
            .save_assessment(
                &me,
                runner.id,
                &draft(Some(a.id), "done", AssessmentStatus::Complete),
            )
            .await
            .unwrap();
        assert_eq!(done.status, AssessmentStatus::Complete);
        assert!(matches!(
            store
                .save_assessment(
                    &me,
                    runner.id,
                    &draft(Some(a.id), "x", AssessmentStatus::Draft)
                )
                .await,
            Err(StoreError::Conflict { .. })
        ));
        assert_eq!(
            store
                .assessment(&Actor::of(&clin), a.id)
                .await
                .unwrap()
                .step,
            "done"
        );
        assert!(matches!(
            store.assessment(&Actor::of(&stranger), a.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.assessments_of(&Actor::of(&stranger), runner.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .save_assessment(
                    &Actor::of(&stranger),
                    runner.id,
                    &draft(None, "x", AssessmentStatus::Draft)
                )
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(store.assessments_of(&me, runner.id).await.unwrap().len(), 1);
        let trail = store.audit_events_about(runner.id).await.unwrap();
        let seen: Vec<(&str, &str)> = trail
            .iter()
            .map(|e| (e.action.as_str(), e.outcome.as_str()))
            .rev()
            .collect();
        assert_eq!(
            seen,
            vec![
                ("view assessment", "allowed"),
                ("view assessment", "denied"),
                ("list assessments", "denied"),
                ("save assessment", "denied")
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn programme_versions_are_kept_and_approval_supersedes() {
    each_backend(|store| async move {
        let ClinicPeople {
            runner,
            clinician: clin,
            ..
        } = clinic_people(&store, "Prog Clinic", "pr").await;
        let suggest = |body: &str| NewProgramme {
            assessment_id: None,
            status: ProgrammeStatus::Suggested,
            body_json: body.into(),
        };
        let v1 = store
            .add_programme(&Actor::of(&runner), runner.id, &suggest("{\"v\":1}"))
            .await
            .unwrap();
        assert_eq!(v1.version, 1);
        assert!(
            store
                .runners_with_approved_programme()
                .await
                .unwrap()
                .is_empty(),
            "a suggestion alone gets no weekly reviews"
        );
        assert!(
            matches!(
                store.approve_programme(&Actor::of(&runner), v1.id).await,
                Err(StoreError::NotFound)
            ),
            "runners can't approve"
        );
        let ok = store
            .approve_programme(&Actor::of(&clin), v1.id)
            .await
            .unwrap();
        assert_eq!(
            (ok.status, ok.approved_by),
            (ProgrammeStatus::Approved, Some(clin.id))
        );
        let v2 = store
            .add_programme(
                &Actor::of(&clin),
                runner.id,
                &NewProgramme {
                    status: ProgrammeStatus::Approved,
                    ..suggest("{\"v\":2}")
                },
            )
            .await
            .unwrap();
        assert_eq!(v2.version, 2);
        let all = store
            .programmes_of(&Actor::of(&runner), runner.id)
            .await
            .unwrap();
        let states: Vec<(i64, ProgrammeStatus)> =
            all.iter().map(|p| (p.version, p.status)).collect();
        assert_eq!(
            states,
            vec![
                (2, ProgrammeStatus::Approved),
                (1, ProgrammeStatus::Superseded)
            ]
        );
        assert!(matches!(
            store.approve_programme(&Actor::of(&clin), v1.id).await,
            Err(StoreError::Conflict { .. })
        ));
        let listed: Vec<i64> = store
            .runners_with_approved_programme()
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        assert_eq!(
            listed,
            vec![runner.id],
            "listed once, however many versions"
        );
    })
    .await;
}

#[tokio::test]
async fn runs_deduplicate_and_alerts_stay_in_their_clinic() {
    each_backend(|store| async move {
        let a = clinic(&store, "Run Clinic A").await;
        let b = clinic(&store, "Run Clinic B").await;
        let runner = store
            .create_user(&new_user(Some(a.id), "ru@example.com", Role::Runner))
            .await
            .unwrap();
        let clin_a = store
            .create_user(&new_user(Some(a.id), "rca@example.com", Role::Clinician))
            .await
            .unwrap();
        let clin_b = store
            .create_user(&new_user(Some(b.id), "rcb@example.com", Role::Clinician))
            .await
            .unwrap();
        let run = NewRun {
            content_hash: "abc".into(),
            file_name: "a.fit".into(),
            started_at: 5,
            sport: "running".into(),
            summary_json: "{}".into(),
        };
        store
            .add_run(&Actor::of(&runner), runner.id, &run)
            .await
            .unwrap();
        assert!(matches!(
            store.add_run(&Actor::of(&runner), runner.id, &run).await,
            Err(StoreError::Conflict { .. })
        ));
        assert_eq!(
            store
                .runs_of(&Actor::of(&clin_a), runner.id)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(matches!(
            store.runs_of(&Actor::of(&clin_b), runner.id).await,
            Err(StoreError::NotFound)
        ));

        store
            .raise_alert(runner.id, AlertTier::Low, "3 days without a log", 10)
            .await
            .unwrap();
        let critical = store
            .raise_alert(runner.id, AlertTier::Critical, "red flag", 11)
            .await
            .unwrap();
        let open = store.open_alerts(&Actor::of(&clin_a)).await.unwrap();
        assert_eq!(
            open.iter().map(|a| a.tier).collect::<Vec<_>>(),
            vec![AlertTier::Critical, AlertTier::Low]
        );
        assert!(
            store
                .open_alerts(&Actor::of(&clin_b))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .open_alerts(&Actor::of(&runner))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            store.resolve_alert(&Actor::of(&clin_b), critical, 12).await,
            Err(StoreError::NotFound)
        ));
        store
            .resolve_alert(&Actor::of(&clin_a), critical, 12)
            .await
            .unwrap();
        assert_eq!(
            store.open_alerts(&Actor::of(&clin_a)).await.unwrap().len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn calendar_links_replace_each_other() {
    each_backend(|store| async move {
        let runner = store
            .create_user(&new_user(None, "cal@example.com", Role::Runner))
            .await
            .unwrap();
        store.set_calendar_feed(runner.id, "first").await.unwrap();
        assert_eq!(
            store.calendar_feed_runner("first").await.unwrap(),
            Some(runner.id)
        );
        store.set_calendar_feed(runner.id, "second").await.unwrap();
        assert_eq!(
            store.calendar_feed_runner("first").await.unwrap(),
            None,
            "the old link stops working"
        );
        assert_eq!(
            store.calendar_feed_runner("second").await.unwrap(),
            Some(runner.id)
        );
    })
    .await;
}

#[tokio::test]
async fn clinic_settings_are_for_that_clinics_admin_only() {
    each_backend(|store| async move {
        let c = clinic(&store, "Settings Clinic").await;
        assert_eq!(c.settings, ClinicSettings::default());
        let admin = store
            .create_user(&new_user(Some(c.id), "sa@example.com", Role::Admin))
            .await
            .unwrap();
        let clin = store
            .create_user(&new_user(Some(c.id), "sc@example.com", Role::Clinician))
            .await
            .unwrap();
        let other = clinic(&store, "Other Settings Clinic").await;
        let settings = ClinicSettings {
            contact: "0161 496 0000".into(),
            brand_colour: "#aa3300".into(),
            thresholds_json: Some(
                r#"{"low_cadence_below":{"value":165,"source":"x","our_choice":true}}"#.into(),
            ),
            progression_json: None,
        };
        for (who, clinic_id) in [(&clin, c.id), (&admin, other.id)] {
            assert!(matches!(
                store
                    .update_clinic_settings(&Actor::of(who), clinic_id, &settings)
                    .await,
                Err(StoreError::NotFound)
            ));
        }
        let saved = store
            .update_clinic_settings(&Actor::of(&admin), c.id, &settings)
            .await
            .unwrap();
        assert_eq!(saved.settings, settings);
        assert_eq!(store.clinic(c.id).await.unwrap().settings, settings);
        assert_eq!(
            store.clinic(other.id).await.unwrap().settings,
            ClinicSettings::default()
        );
    })
    .await;
}

#[tokio::test]
async fn logs_are_stored_once_and_reviews_await_the_clinician() {
    each_backend(|store| async move {
        let ClinicPeople {
            runner,
            clinician: clin,
            stranger,
            ..
        } = clinic_people(&store, "Log Clinic", "lr").await;
        let me = Actor::of(&runner);
        let log = |kind, date: &str, key: &str| NewLog {
            kind,
            log_date: date.into(),
            body_json: format!("{{\"date\":\"{date}\"}}"),
            idempotency_key: key.into(),
        };
        let (first, saved) = store
            .add_log(&me, runner.id, &log(LogKind::Session, "2026-11-20", "k1"))
            .await
            .unwrap();
        assert_eq!(saved, LogSaved::New);
        let (again, saved) = store
            .add_log(&me, runner.id, &log(LogKind::Session, "2026-11-20", "k1"))
            .await
            .unwrap();
        assert_eq!((saved, again.id), (LogSaved::AlreadyStored, first.id));
        store
            .add_log(&me, runner.id, &log(LogKind::Morning, "2026-11-21", "k2"))
            .await
            .unwrap();
        match store
            .add_log(&me, runner.id, &log(LogKind::Morning, "2026-11-21", "k3"))
            .await
        {
            Err(StoreError::Conflict { constraint }) => {
                assert_eq!(constraint, "tracking_log_one_morning")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        let logs = store.logs_of(&me, runner.id, "2026-11-01").await.unwrap();
        assert_eq!(logs.len(), 2);
        assert_eq!(
            store
                .logs_of(&me, runner.id, "2026-11-21")
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(matches!(
            store
                .logs_of(&Actor::of(&stranger), runner.id, "2026-11-01")
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .add_log(
                    &Actor::of(&stranger),
                    runner.id,
                    &log(LogKind::Run, "2026-11-21", "k4")
                )
                .await,
            Err(StoreError::NotFound)
        ));
        let denied = store.audit_events_about(runner.id).await.unwrap();
        assert!(
            denied
                .iter()
                .any(|e| e.action == "add log" && e.outcome == "denied")
        );

        let programme = store
            .add_programme(
                &Actor::of(&clin),
                runner.id,
                &NewProgramme {
                    assessment_id: None,
                    status: ProgrammeStatus::Approved,
                    body_json: "{}".into(),
                },
            )
            .await
            .unwrap();
        let review = |body: &str| NewReview {
            programme_id: programme.id,
            review_date: "2026-11-21".into(),
            kind: ReviewKind::AfterDay,
            status: ReviewStatus::Suggested,
            body_json: body.into(),
        };
        let r1 = store
            .save_review(&me, runner.id, &review("{\"n\":1}"))
            .await
            .unwrap();
        let r2 = store
            .save_review(&me, runner.id, &review("{\"n\":2}"))
            .await
            .unwrap();
        assert_eq!((r2.id, r2.body_json.as_str()), (r1.id, "{\"n\":2}"));
        assert!(matches!(
            store
                .settle_review(&me, r1.id, ReviewStatus::Accepted, "")
                .await,
            Err(StoreError::NotFound)
        ));
        let settled = store
            .settle_review(
                &Actor::of(&clin),
                r1.id,
                ReviewStatus::Overridden,
                "Keep level 2 another week",
            )
            .await
            .unwrap();
        assert_eq!(
            (settled.status, settled.decided_by, settled.note.as_str()),
            (
                ReviewStatus::Overridden,
                Some(clin.id),
                "Keep level 2 another week"
            )
        );
        let kept = store
            .save_review(&me, runner.id, &review("{\"n\":3}"))
            .await
            .unwrap();
        assert_eq!(
            kept.body_json, "{\"n\":2}",
            "a settled review is not replaced"
        );
        assert_eq!(store.reviews_of(&me, runner.id).await.unwrap().len(), 1);

        // Logs of one day saved at once all save the day's review: one row, no error.
        let new_runner = runner.id;
        let day = |n: u32| NewReview {
            review_date: "2026-11-22".into(),
            ..review(&format!("{{\"n\":{n}}}"))
        };
        let mut saves = tokio::task::JoinSet::new();
        for n in 0..8 {
            let (store, me, new) = (store.clone(), me.clone(), day(n));
            saves.spawn(async move { store.save_review(&me, new_runner, &new).await });
        }
        while let Some(saved) = saves.join_next().await {
            saved
                .unwrap()
                .expect("a concurrent save of the day's review");
        }
        let days: Vec<_> = store
            .reviews_of(&me, runner.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.review_date == "2026-11-22")
            .collect();
        assert_eq!(days.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_inbox_belongs_to_its_clinic() {
    each_backend(|store| async move {
        let a = clinic(&store, "Inbox A").await;
        let b = clinic(&store, "Inbox B").await;
        let doc_a = store
            .create_user(&new_user(Some(a.id), "ia@example.com", Role::Clinician))
            .await
            .unwrap();
        let doc_b = store
            .create_user(&new_user(Some(b.id), "ib@example.com", Role::Clinician))
            .await
            .unwrap();
        let item = store
            .add_inbox_item(
                &NewInboxItem {
                    clinic_id: a.id,
                    kind: InboxKind::Consult,
                    name: "Pat".into(),
                    email: "pat@example.com".into(),
                    phone: String::new(),
                    message: "Sore after long runs".into(),
                    source: "landing page".into(),
                    stage: InboxStage::New,
                },
                100,
            )
            .await
            .unwrap();
        assert_eq!(
            store.inbox(&Actor::of(&doc_a)).await.unwrap(),
            vec![item.clone()]
        );
        assert!(store.inbox(&Actor::of(&doc_b)).await.unwrap().is_empty());
        assert!(matches!(
            store.inbox_item(&Actor::of(&doc_b), item.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .update_inbox_item(&Actor::of(&doc_b), item.id, InboxStage::Closed, "", 101)
                .await,
            Err(StoreError::NotFound)
        ));
        let moved = store
            .update_inbox_item(
                &Actor::of(&doc_a),
                item.id,
                InboxStage::Contacted,
                "Called",
                102,
            )
            .await
            .unwrap();
        assert_eq!(
            (moved.stage, moved.notes.as_str()),
            (InboxStage::Contacted, "Called")
        );
    })
    .await;
}

#[tokio::test]
async fn front_door_leads_tokens_limits_articles_and_invites() {
    each_backend(|store| async move {
        let a = clinic(&store, "Front A").await;
        let b = clinic(&store, "Front B").await;
        let admin_a = store
            .create_user(&new_user(Some(a.id), "fa@example.com", Role::Admin))
            .await
            .unwrap();
        let doc_b = store
            .create_user(&new_user(Some(b.id), "fb@example.com", Role::Clinician))
            .await
            .unwrap();
        let runner = store
            .create_user(&new_user(Some(a.id), "fr@example.com", Role::Runner))
            .await
            .unwrap();

        // The guide's exercises: admins of the clinic only.
        assert_eq!(store.guide_exercises(a.id).await.unwrap(), None);
        let list = vec!["couch_stretch".to_owned(), "hip_cars".to_owned()];
        assert!(matches!(
            store
                .set_guide_exercises(&Actor::of(&doc_b), a.id, &list, 1)
                .await,
            Err(StoreError::NotFound)
        ));
        store
            .set_guide_exercises(&Actor::of(&admin_a), a.id, &list, 1)
            .await
            .unwrap();
        store
            .set_guide_exercises(&Actor::of(&admin_a), a.id, &list[..1], 2)
            .await
            .unwrap();
        assert_eq!(
            store.guide_exercises(a.id).await.unwrap(),
            Some(list[..1].to_vec())
        );

        // A lead and its inbox item, atomically.
        let (lead, item) = store
            .add_lead(
                &NewLead {
                    clinic_id: a.id,
                    name: "Lou".into(),
                    email: "lou@example.com".into(),
                    source: "landing".into(),
                    consent_text: "Yes, email me.".into(),
                },
                500,
            )
            .await
            .unwrap();
        assert_eq!((item.kind, item.stage), (InboxKind::Guide, InboxStage::New));
        assert_eq!(lead.consent_at, 500);
        assert_eq!(
            store
                .lead_of_inbox_item(&Actor::of(&admin_a), item.id)
                .await
                .unwrap(),
            Some(lead.clone())
        );
        assert_eq!(
            store
                .lead_of_inbox_item(&Actor::of(&doc_b), item.id)
                .await
                .unwrap(),
            None
        );

        // Email links and unsubscribing.
        store
            .add_mail_token(MailTokenKind::Guide, "h1", a.id, "lou@example.com", 500)
            .await
            .unwrap();
        assert_eq!(
            store
                .mail_token(MailTokenKind::Guide, "h1")
                .await
                .unwrap()
                .map(|t| t.clinic_id),
            Some(a.id)
        );
        assert_eq!(
            store
                .mail_token(MailTokenKind::Unsubscribe, "h1")
                .await
                .unwrap(),
            None
        );
        assert!(!store.is_unsubscribed("lou@example.com").await.unwrap());
        store.unsubscribe("Lou@Example.com", 501).await.unwrap();
        store.unsubscribe("lou@example.com", 502).await.unwrap();
        assert!(store.is_unsubscribed("lou@example.com").await.unwrap());

        // Counters of the public forms.
        for at in [10, 20, 30] {
            store
                .record_form_attempt("consult", "1.2.3.4", "x@example.com", at)
                .await
                .unwrap();
        }
        store
            .record_form_attempt("guide", "1.2.3.4", "y@example.com", 30)
            .await
            .unwrap();
        assert_eq!(
            store
                .form_attempts_since("consult", "1.2.3.4", "X@example.com", 15)
                .await
                .unwrap(),
            FormAttempts {
                by_ip: 2,
                by_email: 2
            }
        );

        // Articles: staff of the clinic; the slug is unique within it.
        let article = SaveArticle {
            slug: "hips".into(),
            title: "Hips".into(),
            body: "Body".into(),
            tags: "hips".into(),
            author: "Dr".into(),
            date: "2024-01-01".into(),
            published: false,
        };
        assert!(matches!(
            store
                .save_article(&Actor::of(&runner), None, &article, 1)
                .await,
            Err(StoreError::NotFound)
        ));
        let saved = store
            .save_article(&Actor::of(&admin_a), None, &article, 1)
            .await
            .unwrap();
        assert!(matches!(
            store
                .save_article(&Actor::of(&admin_a), None, &article, 2)
                .await,
            Err(StoreError::Conflict { .. })
        ));
        store
            .save_article(&Actor::of(&doc_b), None, &article, 2)
            .await
            .unwrap();
        assert!(store.published_articles(a.id).await.unwrap().is_empty());
        assert!(matches!(
            store.article_for_staff(&Actor::of(&doc_b), saved.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .save_article(&Actor::of(&doc_b), Some(saved.id), &article, 3)
                .await,
            Err(StoreError::NotFound)
        ));
        let published = SaveArticle {
            published: true,
            ..article.clone()
        };
        store
            .save_article(&Actor::of(&admin_a), Some(saved.id), &published, 4)
            .await
            .unwrap();
        assert_eq!(
            store
                .published_article(a.id, "hips")
                .await
                .unwrap()
                .updated_at,
            4
        );
        assert_eq!(
            store
                .articles_for_staff(&Actor::of(&admin_a))
                .await
                .unwrap()
                .len(),
            1
        );

        // An invitation from the inbox: contacted now, enrolled on sign-up.
        assert!(matches!(
            store
                .link_inbox_invite(&Actor::of(&doc_b), item.id, "inv", 600)
                .await,
            Err(StoreError::NotFound)
        ));
        let moved = store
            .link_inbox_invite(&Actor::of(&admin_a), item.id, "inv", 600)
            .await
            .unwrap();
        assert_eq!(moved.stage, InboxStage::Contacted);
        store.enrol_from_invite("other", 700).await.unwrap();
        store.enrol_from_invite("inv", 700).await.unwrap();
        assert_eq!(
            store
                .inbox_item(&Actor::of(&admin_a), item.id)
                .await
                .unwrap()
                .stage,
            InboxStage::Enrolled
        );

        // Articles are deleted by staff of their clinic only.
        assert!(matches!(
            store.delete_article(&Actor::of(&doc_b), saved.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.delete_article(&Actor::of(&runner), saved.id).await,
            Err(StoreError::NotFound)
        ));
        store
            .delete_article(&Actor::of(&admin_a), saved.id)
            .await
            .unwrap();
        assert!(matches!(
            store
                .article_for_staff(&Actor::of(&admin_a), saved.id)
                .await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

/// Housekeeping forgets old counters, old guide links and stale enquiries; it keeps what is
/// recent, what became a runner, booked calls and who unsubscribed.
#[tokio::test]
async fn the_front_door_forgets_what_it_no_longer_needs() {
    each_backend(|store| async move {
        let a = clinic(&store, "Forgetful Clinic").await;
        let admin = store
            .create_user(&new_user(Some(a.id), "fg-admin@example.com", Role::Admin))
            .await
            .unwrap();
        let lead = |name: &str| NewLead {
            clinic_id: a.id,
            name: name.into(),
            email: format!("{name}@example.com"),
            source: "landing".into(),
            consent_text: "Yes".into(),
        };
        let (_, old_lead) = store.add_lead(&lead("old"), 100).await.unwrap();
        let (_, recent_lead) = store.add_lead(&lead("recent"), 5_000).await.unwrap();
        let (_, enrolled) = store.add_lead(&lead("enrolled"), 100).await.unwrap();
        store
            .link_inbox_invite(&Actor::of(&admin), enrolled.id, "inv-e", 150)
            .await
            .unwrap();
        store.enrol_from_invite("inv-e", 200).await.unwrap();
        store
            .link_inbox_invite(&Actor::of(&admin), old_lead.id, "inv-o", 150)
            .await
            .unwrap();
        let consult = store
            .add_inbox_item(
                &NewInboxItem {
                    clinic_id: a.id,
                    kind: InboxKind::Consult,
                    name: "Cas".into(),
                    email: "cas@example.com".into(),
                    phone: String::new(),
                    message: "My back".into(),
                    source: "landing".into(),
                    stage: InboxStage::New,
                },
                100,
            )
            .await
            .unwrap();
        let booked = store
            .add_inbox_item(
                &NewInboxItem {
                    clinic_id: a.id,
                    kind: InboxKind::Booking,
                    name: "Bo".into(),
                    email: "bo@example.com".into(),
                    phone: String::new(),
                    message: String::new(),
                    source: "booking".into(),
                    stage: InboxStage::CallBooked,
                },
                100,
            )
            .await
            .unwrap();
        store
            .add_mail_token(MailTokenKind::Guide, "g-old", a.id, "old@example.com", 100)
            .await
            .unwrap();
        store
            .add_mail_token(
                MailTokenKind::Guide,
                "g-new",
                a.id,
                "recent@example.com",
                5_000,
            )
            .await
            .unwrap();
        store
            .add_mail_token(
                MailTokenKind::Unsubscribe,
                "u-old",
                a.id,
                "old@example.com",
                100,
            )
            .await
            .unwrap();
        store.unsubscribe("old@example.com", 120).await.unwrap();
        for at in [10, 20, 4_000] {
            store
                .record_form_attempt("guide", "9.9.9.9", "x@example.com", at)
                .await
                .unwrap();
        }

        let gone = store.forget_old_front_door(1_000, 1_000).await.unwrap();
        assert_eq!(
            gone,
            Forgotten {
                attempts: 2,
                guide_links: 1,
                enquiries: 2
            }
        );
        let staff = Actor::of(&admin);
        for (item, kept) in [
            (old_lead.id, false),
            (consult.id, false),
            (recent_lead.id, true),
            (enrolled.id, true),
            (booked.id, true),
        ] {
            assert_eq!(store.inbox_item(&staff, item).await.is_ok(), kept, "{item}");
        }
        assert_eq!(
            store.lead_of_inbox_item(&staff, old_lead.id).await.unwrap(),
            None
        );
        assert!(
            store
                .mail_token(MailTokenKind::Guide, "g-old")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .mail_token(MailTokenKind::Guide, "g-new")
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .mail_token(MailTokenKind::Unsubscribe, "u-old")
                .await
                .unwrap()
                .is_some()
        );
        assert!(store.is_unsubscribed("old@example.com").await.unwrap());
        assert_eq!(
            store
                .form_attempts_since("guide", "9.9.9.9", "x@example.com", 0)
                .await
                .unwrap(),
            FormAttempts {
                by_ip: 1,
                by_email: 1
            }
        );
        // A second pass finds nothing more.
        assert_eq!(
            store.forget_old_front_door(1_000, 1_000).await.unwrap(),
            Forgotten::default()
        );
    })
    .await;
}

#[tokio::test]
async fn expired_sessions_and_old_login_failures_are_forgotten() {
    use tower_sessions::SessionStore;
    use tower_sessions::session::{Id, Record};
    each_backend(|store| async move {
        let sessions = store.session_backend().store();
        let record = |id: i128, expires: i64| Record {
            id: Id(id),
            data: Default::default(),
            // tower-sessions takes the `time` crate's type, which it re-exports.
            expiry_date: tower_sessions::cookie::time::OffsetDateTime::from_unix_timestamp(expires)
                .unwrap(),
        };
        // Expired long ago, and one that lives until 2096.
        sessions.save(&record(1, 1_000)).await.unwrap();
        sessions.save(&record(2, 4_000_000_000)).await.unwrap();
        for at in [10, 20, 4_000] {
            store
                .record_login_failure("ann@example.com", "9.9.9.9", at)
                .await
                .unwrap();
        }

        let gone = store
            .forget_old_sign_ins(3_000_000_000, 1_000)
            .await
            .unwrap();
        assert_eq!(
            gone,
            SignInsForgotten {
                sessions: 1,
                login_failures: 2
            }
        );
        assert!(sessions.load(&Id(2)).await.unwrap().is_some());
        assert_eq!(
            store
                .login_failures_since("ann@example.com", "9.9.9.9", 0)
                .await
                .unwrap(),
            LoginFailures {
                for_email: 1,
                for_ip: 1
            }
        );
        // A second pass finds nothing more.
        assert_eq!(
            store
                .forget_old_sign_ins(3_000_000_000, 1_000)
                .await
                .unwrap(),
            SignInsForgotten::default()
        );
    })
    .await;
}

#[tokio::test]
async fn each_clinic_sees_and_resends_only_its_own_email_and_the_sight_is_audited() {
    each_backend(|store| async move {
        let a = clinic(&store, "Outbox A").await;
        let b = clinic(&store, "Outbox B").await;
        let make = |clinic: Option<i64>, addr: &'static str, role: Role| {
            let store = store.clone();
            async move {
                store
                    .create_user(&new_user(clinic, addr, role))
                    .await
                    .unwrap()
            }
        };
        let admin_a = make(Some(a.id), "oa-admin@example.com", Role::Admin).await;
        let admin_b = make(Some(b.id), "ob-admin@example.com", Role::Admin).await;
        let clin_a = make(Some(a.id), "oa-clin@example.com", Role::Clinician).await;
        let runner = make(Some(a.id), "oa-run@example.com", Role::Runner).await;
        let to = |addr: &str| NewEmail::text(email(addr), "Re: your night pain", "Body");
        let about = store
            .enqueue_email(
                &to("oa-run@example.com")
                    .from_clinic(Some(a.id))
                    .about_runner(runner.id),
                10,
            )
            .await
            .unwrap();
        let visitor = store
            .enqueue_email(&to("visitor@example.com").from_clinic(Some(a.id)), 11)
            .await
            .unwrap();
        let instance = store
            .enqueue_email(&to("solo@example.com"), 12)
            .await
            .unwrap();
        let theirs = store
            .enqueue_email(&to("b@example.com").from_clinic(Some(b.id)), 13)
            .await
            .unwrap();
        for id in [about, visitor, instance, theirs] {
            store
                .mark_email_attempt_failed(id, "refused", None)
                .await
                .unwrap();
        }
        let ids = |emails: Vec<OutboxEmail>| emails.iter().map(|e| e.id).collect::<Vec<_>>();

        assert_eq!(
            ids(store.outbox(50).await.unwrap()),
            vec![theirs, instance, visitor, about],
            "the operator sees everything"
        );
        assert_eq!(
            ids(store.clinic_outbox(&Actor::of(&admin_b), 50).await.unwrap()),
            vec![theirs]
        );
        assert!(
            store
                .audit_events_about(runner.id)
                .await
                .unwrap()
                .is_empty(),
            "nothing about the runner was shown"
        );
        assert_eq!(
            ids(store.clinic_outbox(&Actor::of(&admin_a), 50).await.unwrap()),
            vec![visitor, about]
        );
        let audit = store.audit_events_about(runner.id).await.unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action, "see emails in the outbox");
        assert_eq!(audit[0].actor_user_id, admin_a.id);
        for not_admin in [&clin_a, &runner] {
            assert!(matches!(
                store.clinic_outbox(&Actor::of(not_admin), 50).await,
                Err(StoreError::NotFound)
            ));
        }

        for (actor, id) in [
            (&admin_b, about),
            (&admin_a, instance),
            (&admin_a, theirs),
            (&clin_a, about),
            (&admin_a, 424_242),
        ] {
            assert!(
                matches!(
                    store.retry_clinic_email(&Actor::of(actor), id, 20).await,
                    Err(StoreError::NotFound)
                ),
                "{} resent {id}",
                actor.email
            );
        }
        store
            .retry_clinic_email(&Actor::of(&admin_a), about, 20)
            .await
            .unwrap();
        let status = |id: i64| {
            let store = store.clone();
            async move {
                store
                    .outbox(50)
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|e| e.id == id)
                    .unwrap()
                    .status
            }
        };
        assert_eq!(status(about).await, EmailStatus::Pending);
        assert_eq!(status(theirs).await, EmailStatus::Failed);
        assert_eq!(
            store.audit_events_about(runner.id).await.unwrap()[0].action,
            "send an outbox email again"
        );

        // Alert reasons are health details too: each view is audited.
        store
            .raise_alert(
                runner.id,
                AlertTier::High,
                "Pain 9/10 after a run today.",
                30,
            )
            .await
            .unwrap();
        assert_eq!(
            store.open_alerts(&Actor::of(&clin_a)).await.unwrap().len(),
            1
        );
        let audit = store.audit_events_about(runner.id).await.unwrap();
        assert_eq!(audit[0].action, "see open alerts");
        assert_eq!(audit[0].actor_user_id, clin_a.id);
    })
    .await;
}

/// A SQLite database made before migration 0015 (which rebuilds `inbox_item`), with a lead
/// pointing at an inbox item, upgrades without losing or breaking the reference.
#[tokio::test]
async fn sqlite_upgrade_rebuilds_a_referenced_table() {
    use sqlx::migrate::Migrator;
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection};
    let dir = std::env::temp_dir().join(format!("backstride_upgrade_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("old.db");
    let _ = std::fs::remove_file(&path);
    let all = sqlx::migrate!("./migrations/sqlite");
    let before_0015 = Migrator {
        migrations: all
            .migrations
            .iter()
            .filter(|m| m.version < 15)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ..Migrator::DEFAULT
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .foreign_keys(true)
        .connect()
        .await
        .unwrap();
    before_0015.run(&mut conn).await.unwrap();
    for sql in [
        "INSERT INTO clinic (id, name, created_at) VALUES (1, 'Old Clinic', 0)",
        "INSERT INTO inbox_item (id, clinic_id, kind, name, email, created_at, updated_at) \
         VALUES (7, 1, 'guide', 'Ana', 'ana@example.com', 0, 0)",
        "INSERT INTO front_lead (clinic_id, inbox_item_id, name, email, source, consent_text, \
         consent_at, created_at) VALUES (1, 7, 'Ana', 'ana@example.com', 'guide', 'yes', 0, 0)",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let store = connect(&path.display().to_string()).await.unwrap();
    store.migrate().await.expect("the upgrade runs");
    let clinic = store.clinic_by_name("Old Clinic").await.unwrap();
    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .connect()
        .await
        .unwrap();
    let (lead_item,): (i64,) = sqlx::query_as(
        "SELECT i.id FROM front_lead l JOIN inbox_item i ON i.id = l.inbox_item_id \
         WHERE l.clinic_id = $1",
    )
    .bind(clinic.id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(lead_item, 7);
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(broken.is_empty(), "no reference left dangling");
    // The new kind is allowed after the rebuild.
    sqlx::query(
        "INSERT INTO inbox_item (clinic_id, kind, name, email, created_at, updated_at) \
         VALUES (1, 'signup', 'Bo', 'bo@example.com', 0, 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn article_images_belong_to_their_clinic_and_are_bounded() {
    each_backend(|store| async move {
        let a = clinic(&store, "Images A").await;
        let b = clinic(&store, "Images B").await;
        let doc_a = store
            .create_user(&new_user(Some(a.id), "img-a@example.com", Role::Clinician))
            .await
            .unwrap();
        let doc_b = store
            .create_user(&new_user(Some(b.id), "img-b@example.com", Role::Clinician))
            .await
            .unwrap();
        let runner = store
            .create_user(&new_user(Some(a.id), "img-r@example.com", Role::Runner))
            .await
            .unwrap();
        let image = |key: &str| NewArticleImage {
            key: key.into(),
            content_type: "image/png".into(),
            width: 3,
            height: 2,
            alt: "A hip".into(),
            bytes: vec![1, 2, 3, 4, 5],
        };
        assert!(matches!(
            store
                .add_article_image(&Actor::of(&runner), &image("r.png"), 1)
                .await,
            Err(StoreError::NotFound)
        ));
        let saved = store
            .add_article_image(&Actor::of(&doc_a), &image("a1.png"), 1)
            .await
            .unwrap();
        assert_eq!((saved.clinic_id, saved.size_bytes), (a.id, 5));
        assert!(matches!(
            store
                .add_article_image(&Actor::of(&doc_b), &image("a1.png"), 2)
                .await,
            Err(StoreError::Conflict { .. })
        ));
        let file = store.article_image_file(a.id, "a1.png").await.unwrap();
        assert_eq!(
            (file.content_type.as_str(), file.bytes),
            ("image/png", vec![1, 2, 3, 4, 5])
        );
        assert!(matches!(
            store.article_image_file(b.id, "a1.png").await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            store
                .article_images(&Actor::of(&doc_a), 10)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            store
                .article_images(&Actor::of(&doc_b), 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .article_images(&Actor::of(&runner), 10)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

fn api_token(name: &str, hash: &str) -> NewApiToken {
    NewApiToken {
        name: name.into(),
        prefix: "bst_abcdef".into(),
        token_hash: hash.into(),
        scope: TokenScope::Write,
        expires_at: Some(5_000),
    }
}

#[tokio::test]
async fn api_tokens_are_their_owners_bounded_revocable_and_touched_sparingly() {
    each_backend(|store| async move {
        let owner = store
            .create_user(&new_user(None, "tokens@example.com", Role::Runner))
            .await
            .unwrap();
        let other = store
            .create_user(&new_user(None, "other@example.com", Role::Runner))
            .await
            .unwrap();
        let made = store
            .create_api_token(owner.id, &api_token("first", "hash-1"), 100)
            .await
            .unwrap();
        assert_eq!(made.scope, TokenScope::Write);
        assert_eq!(made.created_at, 100);
        assert!(made.usable_at(4_999) && !made.usable_at(5_000), "expiry");
        let found = store.api_token_by_hash("hash-1").await.unwrap().unwrap();
        assert_eq!(found, made);
        assert_eq!(store.api_token_by_hash("hash-2").await.unwrap(), None);
        // One hash, one token.
        assert!(matches!(
            store
                .create_api_token(other.id, &api_token("again", "hash-1"), 100)
                .await,
            Err(StoreError::Conflict { .. })
        ));

        // Last use: noted, then not again within the interval.
        store
            .touch_api_token(made.id, 200, 200 - 300)
            .await
            .unwrap();
        store
            .touch_api_token(made.id, 300, 300 - 300)
            .await
            .unwrap();
        let touched = store.api_token_by_hash("hash-1").await.unwrap().unwrap();
        assert_eq!(touched.last_used_at, Some(200));
        store
            .touch_api_token(made.id, 600, 600 - 300)
            .await
            .unwrap();
        let touched = store.api_token_by_hash("hash-1").await.unwrap().unwrap();
        assert_eq!(touched.last_used_at, Some(600));

        // Only the owner revokes; a second revocation keeps the first time.
        assert!(matches!(
            store.revoke_api_token(other.id, made.id, 700).await,
            Err(StoreError::NotFound)
        ));
        store
            .revoke_api_token(owner.id, made.id, 700)
            .await
            .unwrap();
        store
            .revoke_api_token(owner.id, made.id, 800)
            .await
            .unwrap();
        let revoked = store.api_token_by_hash("hash-1").await.unwrap().unwrap();
        assert_eq!(revoked.revoked_at, Some(700));
        assert!(!revoked.usable_at(701));

        // At most MAX_TOKENS_PER_USER that are not revoked.
        for i in 0..MAX_TOKENS_PER_USER {
            store
                .create_api_token(owner.id, &api_token("more", &format!("more-{i}")), 900)
                .await
                .unwrap();
        }
        assert!(matches!(
            store
                .create_api_token(owner.id, &api_token("one too many", "extra"), 900)
                .await,
            Err(StoreError::Conflict { constraint }) if constraint == "api_token_limit"
        ));
        let listed = store.api_tokens_of(owner.id).await.unwrap();
        assert_eq!(listed.len() as i64, MAX_TOKENS_PER_USER + 1);
        assert!(listed.windows(2).all(|w| w[0].id > w[1].id), "newest first");
        assert!(store.api_tokens_of(other.id).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_caseload_view_is_one_audit_event_naming_every_runner() {
    each_backend(|store| async move {
        let c = clinic(&store, "List Clinic").await;
        let elsewhere = clinic(&store, "Other List Clinic").await;
        let doc = store
            .create_user(&new_user(
                Some(c.id),
                "list-doc@example.com",
                Role::Clinician,
            ))
            .await
            .unwrap();
        let other_doc = store
            .create_user(&new_user(
                Some(elsewhere.id),
                "list-other@example.com",
                Role::Clinician,
            ))
            .await
            .unwrap();
        let mut runners = Vec::new();
        for k in 0..5 {
            runners.push(
                store
                    .create_user(&new_user(
                        Some(c.id),
                        &format!("list-r{k}@example.com"),
                        Role::Runner,
                    ))
                    .await
                    .unwrap(),
            );
        }
        let outsider = store
            .create_user(&new_user(
                Some(elsewhere.id),
                "list-out@example.com",
                Role::Runner,
            ))
            .await
            .unwrap();
        let staff = Actor::of(&doc);
        let events_before = count_rows(&store, "audit_event").await;

        // A first view works every line out: five runners, one event.
        let first = store
            .caseload(&staff, "2000-01-01", &|_, _| true)
            .await
            .unwrap();
        let ids: Vec<i64> = first.versions.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, runners.iter().map(|r| r.id).collect::<Vec<_>>());
        assert_eq!(first.runners.len(), 5, "every line is worked out");
        assert_eq!(count_rows(&store, "audit_event").await, events_before + 1);
        assert_eq!(count_rows(&store, "audit_list").await, 1);
        assert_eq!(count_rows(&store, "audit_list_runner").await, 5);

        // A second view of the same runners, every line held: no details read, one more
        // event, the same list.
        let second = store
            .caseload(&staff, "2000-01-01", &|_, _| false)
            .await
            .unwrap();
        assert!(second.runners.is_empty() && second.logs.is_empty());
        assert_eq!(second.versions, first.versions);
        assert_eq!(count_rows(&store, "audit_event").await, events_before + 2);
        assert_eq!(count_rows(&store, "audit_list").await, 1);

        // Each runner's access record lists both views, as about them.
        for r in &runners {
            let trail = store.audit_events_about(r.id).await.unwrap();
            let views: Vec<_> = trail
                .iter()
                .filter(|e| e.action == "see caseload")
                .collect();
            assert_eq!(views.len(), 2, "{}", r.email);
            assert!(views.iter().all(|e| e.actor_user_id == doc.id
                && e.subject_user_id == r.id
                && e.outcome == "allowed"));
        }
        assert!(
            store
                .audit_events_about(outsider.id)
                .await
                .unwrap()
                .is_empty(),
            "another clinic's runner was not shown"
        );
        // The runner's export carries the views too.
        let export = store
            .export_runner(&Actor::of(&runners[1]), runners[1].id)
            .await
            .unwrap();
        assert_eq!(
            export
                .access_log
                .iter()
                .filter(|a| a.action == "see caseload"
                    && a.actor.as_deref() == Some("list-doc@example.com"))
                .count(),
            2
        );

        // A write to a runner's record raises their version only.
        store
            .add_log(
                &Actor::of(&runners[2]),
                runners[2].id,
                &NewLog {
                    kind: LogKind::Morning,
                    log_date: "2026-11-21".into(),
                    body_json: "{\"date\":\"2026-11-21\"}".into(),
                    idempotency_key: "list-k1".into(),
                },
            )
            .await
            .unwrap();
        let third = store
            .caseload(&staff, "2000-01-01", &|id, v| {
                first.versions.iter().all(|(i, old)| *i != id || *old != v)
            })
            .await
            .unwrap();
        assert_eq!(
            third.runners.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![runners[2].id],
            "only the runner who logged is worked out again"
        );
        assert_eq!(third.logs.len(), 1);

        // Denials as before: one denied event about the runner, by its own; and no list for
        // someone who may not see a caseload.
        assert!(matches!(
            store
                .open_runner_record(&Actor::of(&other_doc), runners[0].id, "view record")
                .await,
            Err(StoreError::NotFound)
        ));
        let trail = store.audit_events_about(runners[0].id).await.unwrap();
        assert_eq!(
            (trail[0].actor_user_id, trail[0].outcome.as_str()),
            (other_doc.id, "denied")
        );
        let events = count_rows(&store, "audit_event").await;
        assert!(matches!(
            store
                .caseload(&Actor::of(&runners[0]), "2000-01-01", &|_, _| true)
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(count_rows(&store, "audit_event").await, events);
    })
    .await;
}

#[tokio::test]
async fn a_log_and_what_it_decides_are_stored_together_once() {
    each_backend(|store| async move {
        let ClinicPeople {
            runner,
            clinician: clin,
            stranger,
            ..
        } = clinic_people(&store, "Outcome Clinic", "or").await;
        let me = Actor::of(&runner);
        assert!(!store.has_assessment(&me, runner.id).await.unwrap());
        let programme = store
            .add_programme(
                &Actor::of(&clin),
                runner.id,
                &NewProgramme {
                    assessment_id: None,
                    status: ProgrammeStatus::Approved,
                    body_json: "{}".into(),
                },
            )
            .await
            .unwrap();
        let log = |kind, date: &str, key: &str| NewLog {
            kind,
            log_date: date.into(),
            body_json: format!("{{\"date\":\"{date}\"}}"),
            idempotency_key: key.into(),
        };
        let review = |date: &str, kind, body: &str| NewReview {
            programme_id: programme.id,
            review_date: date.into(),
            kind,
            status: ReviewStatus::Suggested,
            body_json: body.into(),
        };
        let outcome = |n: u32| LogOutcome {
            reviews: vec![
                review(
                    "2026-11-21",
                    ReviewKind::AfterDay,
                    &format!("{{\"n\":{n}}}"),
                ),
                review("2026-11-21", ReviewKind::Weekly, &format!("{{\"w\":{n}}}")),
            ],
            alerts: vec![
                (AlertTier::High, "Morning pain 6/10 today.".to_owned()),
                (AlertTier::Low, "Nothing logged for 3 days.".to_owned()),
                (AlertTier::High, "Morning pain 6/10 today.".to_owned()),
            ],
            now: 1_800_000_000,
        };
        let (first, saved) = store
            .add_log_with_outcome(
                &me,
                runner.id,
                &log(LogKind::Morning, "2026-11-21", "o1"),
                &outcome(1),
            )
            .await
            .unwrap();
        assert_eq!(saved, LogSaved::New);
        let reviews = store.reviews_of(&me, runner.id).await.unwrap();
        assert_eq!(reviews.len(), 2, "{reviews:?}");
        let staff = Actor::of(&clin);
        let alerts = store.open_alerts(&staff).await.unwrap();
        assert_eq!(
            alerts.len(),
            2,
            "a reason given twice is raised once: {alerts:?}"
        );

        // The same key again: the log is found, and its outcome is not stored a second time.
        let (again, saved) = store
            .add_log_with_outcome(
                &me,
                runner.id,
                &log(LogKind::Morning, "2026-11-21", "o1"),
                &outcome(2),
            )
            .await
            .unwrap();
        assert_eq!((saved, again.id), (LogSaved::AlreadyStored, first.id));
        assert!(
            store
                .reviews_of(&me, runner.id)
                .await
                .unwrap()
                .iter()
                .all(|r| r.body_json.contains('1'))
        );

        // A later log of the day replaces the day's suggestions; open alerts are not doubled.
        store
            .add_log_with_outcome(
                &me,
                runner.id,
                &log(LogKind::Session, "2026-11-21", "o2"),
                &outcome(3),
            )
            .await
            .unwrap();
        let reviews = store.reviews_of(&me, runner.id).await.unwrap();
        assert_eq!(reviews.len(), 2);
        assert!(
            reviews.iter().all(|r| r.body_json.contains('3')),
            "{reviews:?}"
        );
        assert_eq!(store.open_alerts(&staff).await.unwrap().len(), 2);

        // A second morning of a date is refused, and nothing of its outcome is kept.
        match store
            .add_log_with_outcome(
                &me,
                runner.id,
                &log(LogKind::Morning, "2026-11-21", "o3"),
                &outcome(4),
            )
            .await
        {
            Err(StoreError::Conflict { constraint }) => {
                assert_eq!(constraint, "tracking_log_one_morning")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert!(
            store
                .reviews_of(&me, runner.id)
                .await
                .unwrap()
                .iter()
                .all(|r| r.body_json.contains('3'))
        );

        // Someone else's runner: refused and audited, nothing stored.
        assert!(matches!(
            store
                .add_log_with_outcome(
                    &Actor::of(&stranger),
                    runner.id,
                    &log(LogKind::Run, "2026-11-21", "o4"),
                    &outcome(5),
                )
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            store
                .logs_of(&me, runner.id, "2026-01-01")
                .await
                .unwrap()
                .len(),
            2
        );

        // The first week's mornings, read on their own.
        store
            .add_log(&me, runner.id, &log(LogKind::Morning, "2026-11-14", "o5"))
            .await
            .unwrap();
        store
            .add_log(&me, runner.id, &log(LogKind::Session, "2026-11-15", "o6"))
            .await
            .unwrap();
        let mornings = store
            .mornings_between(&me, runner.id, "2026-11-14", "2026-11-20")
            .await
            .unwrap();
        assert_eq!(
            mornings
                .iter()
                .map(|l| l.log_date.as_str())
                .collect::<Vec<_>>(),
            ["2026-11-14"]
        );
        assert!(matches!(
            store
                .mornings_between(&Actor::of(&stranger), runner.id, "2026-11-14", "2026-11-20")
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.has_assessment(&Actor::of(&stranger), runner.id).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

/// Runs `sql` on the database `url` names, beside the store (as an older version's data).
async fn execute_on(url: &str, sql: &str) {
    if url.starts_with("postgres") {
        let db = SqlStore::<sqlx::Postgres>::connect(url).await.unwrap();
        sqlx::query(sql).execute(db.pool()).await.unwrap();
    } else {
        let db = SqlStore::<sqlx::Sqlite>::connect(url).await.unwrap();
        sqlx::query(sql).execute(db.pool()).await.unwrap();
    }
}

#[tokio::test]
async fn weekly_summaries_follow_each_stored_log_and_older_logs_are_summed_up_once() {
    use backstride_core::tracking::{TrackingLogs, trends};
    let mut urls = vec![testing::sqlite_url().await];
    urls.extend(testing::postgres_url().await);
    for url in urls {
        let store = connect(&url).await.unwrap();
        eprintln!("backend: {}", store.backend());
        let c = clinic(&store, "Summary Clinic").await;
        let runner = store
            .create_user(&new_user(Some(c.id), "sum@example.com", Role::Runner))
            .await
            .unwrap();
        let stranger = store
            .create_user(&new_user(None, "sum-other@example.com", Role::Clinician))
            .await
            .unwrap();
        let me = Actor::of(&runner);
        let morning = |date: &str, pain: u8| {
            (
                LogKind::Morning,
                format!(
                    r#"{{"date":"{date}","morning_pain":{pain},"stiffness":2,"settled_after_yesterday":null,"red_flags":[]}}"#
                ),
            )
        };
        let run = |date: &str, metres: f64, pain: u8| {
            (
                LogKind::Run,
                format!(
                    r#"{{"date":"{date}","distance_m":{metres},"duration_s":1800.0,"pain_before":1,"pain_during":{pain},"pain_after":1,"note":null,"red_flags":[]}}"#
                ),
            )
        };
        let session = |date: &str, item: &str, sets: u8, pain: u8| {
            (
                LogKind::Session,
                format!(
                    r#"{{"date":"{date}","item_key":"{item}","sets_done":{sets},"pain_during":{pain},"effort":5,"note":null,"red_flags":[]}}"#
                ),
            )
        };
        // Sunday, then the Monday and Tuesday of the next calendar week; a body that does
        // not parse is stored but counts for nothing.
        let logs = [
            morning("2026-11-29", 3),
            run("2026-11-29", 4000.0, 2),
            run("2026-11-30", 5000.0, 4),
            session("2026-11-30", "calf", 2, 1),
            session("2026-11-30", "hip", 0, 5),
            run("2026-11-30", 3000.0, 6),
            morning("2026-12-01", 1),
            (LogKind::Session, r#"{"date":"2026-12-01"}"#.to_owned()),
        ];
        let mut expected = TrackingLogs::default();
        for (n, (kind, body)) in logs.iter().enumerate() {
            let new = NewLog {
                kind: *kind,
                log_date: body[9..19].to_owned(),
                body_json: body.clone(),
                idempotency_key: format!("sum-{n}"),
            };
            // Both writes of a log keep the summaries.
            if n % 2 == 0 {
                store.add_log(&me, runner.id, &new).await.unwrap();
            } else {
                let outcome = LogOutcome::default();
                store
                    .add_log_with_outcome(&me, runner.id, &new, &outcome)
                    .await
                    .unwrap();
            }
            match kind {
                LogKind::Morning => expected.mornings.push(serde_json::from_str(body).unwrap()),
                LogKind::Run => expected.runs.push(serde_json::from_str(body).unwrap()),
                LogKind::Session => {
                    if let Ok(s) = serde_json::from_str(body) {
                        expected.sessions.push(s)
                    }
                }
            }
        }
        // Stored again under its key: counted once.
        let again = NewLog {
            kind: LogKind::Run,
            log_date: "2026-11-30".into(),
            body_json: logs[2].1.clone(),
            idempotency_key: "sum-2".into(),
        };
        store.add_log(&me, runner.id, &again).await.unwrap();
        store
            .add_log_with_outcome(&me, runner.id, &again, &LogOutcome::default())
            .await
            .unwrap();
        let since: jiff::civil::Date = "2026-11-01".parse().unwrap();
        let all = trends::days(&expected, since, "2026-12-31".parse().unwrap());
        let runner_id = runner.id;
        let read = |since: jiff::civil::Date| {
            let (store, me) = (store.clone(), me.clone());
            async move {
                store
                    .progress(&me, runner_id, since, "view progress", None)
                    .await
                    .unwrap()
                    .history
                    .expect("nothing held: the history is read")
                    .days
            }
        };
        assert_eq!(read(since).await, all);
        let monday = &all[&"2026-11-30".parse().unwrap()];
        assert_eq!(
            (monday.run, monday.run_metres, monday.during_exercise),
            (Some(6), 8000.0, Some(5))
        );
        assert_eq!(monday.done.iter().collect::<Vec<_>>(), ["calf"]);
        // A window from the Monday leaves the Sunday out.
        let from_monday = read("2026-11-30".parse().unwrap()).await;
        assert_eq!(from_monday.len(), 2);
        // Someone else's record: not found, summaries or not.
        assert!(matches!(
            store
                .progress(
                    &Actor::of(&stranger),
                    runner.id,
                    since,
                    "view progress",
                    None
                )
                .await,
            Err(StoreError::NotFound)
        ));
        // Held at the record's version: only the runner and the version come back,
        // until the record changes.
        let first = store
            .progress(&me, runner_id, since, "view progress", None)
            .await
            .unwrap();
        let version = first.version.expect("a runner has a version");
        let held = store
            .progress(&me, runner_id, since, "view progress", Some(version))
            .await
            .unwrap();
        assert_eq!(
            (held.version, held.history.is_none()),
            (Some(version), true)
        );
        let stale = store
            .progress(&me, runner_id, since, "view progress", Some(version - 1))
            .await
            .unwrap();
        assert!(stale.history.is_some(), "an older version is read again");
        let later = NewLog {
            kind: LogKind::Morning,
            // Before the window, so the days read stay as they were.
            log_date: "2026-10-01".into(),
            body_json: morning("2026-10-01", 2).1,
            idempotency_key: "sum-later".into(),
        };
        store.add_log(&me, runner.id, &later).await.unwrap();
        let changed = store
            .progress(&me, runner_id, since, "view progress", Some(version))
            .await
            .unwrap();
        assert!(changed.version > Some(version));
        assert!(
            changed.history.is_some(),
            "a new log: the history is read again"
        );
        assert_eq!(read(since).await, all);

        // A database from before the summaries: the runner's logs are summed up once after
        // the migrations, to the same days.
        execute_on(&url, "DELETE FROM tracking_week").await;
        execute_on(
            &url,
            &format!(
                "INSERT INTO tracking_week_pending (runner_id) VALUES ({})",
                runner.id
            ),
        )
        .await;
        assert!(read(since).await.is_empty());
        store.migrate().await.unwrap();
        assert_eq!(read(since).await, all);

        // Erasing the account erases its summaries with its logs (they point at the account:
        // the erasure would fail on them otherwise).
        store.delete_runner(runner.id, 1_900_000_000).await.unwrap();
    }
}

#[tokio::test]
async fn a_held_journal_is_read_again_when_another_server_changes_the_record() {
    each_backend_twice(|here, there| async move {
        let ClinicPeople {
            clinic,
            runner,
            stranger,
            clinician,
        } = clinic_people(&here, "Kept Clinic", "kj").await;
        let me = Actor::of(&runner);
        let since = "2026-11-01";
        let read = |actor: Actor, held: Option<i64>| {
            let here = here.clone();
            async move {
                here.journal_unless(&actor, runner.id, since, "view today", held)
                    .await
            }
        };
        let first = read(me.clone(), None).await.unwrap();
        let version = first.version.expect("a runner has a version");
        let records = first.records.expect("nothing held: read");
        assert!(records.logs.is_empty() && records.reminder.is_none());
        // Held at its version: only the version, for the runner and for their clinician.
        for actor in [me.clone(), Actor::of(&clinician)] {
            let again = read(actor, Some(version)).await.unwrap();
            assert_eq!(
                (again.version, again.records.is_none()),
                (Some(version), true)
            );
        }
        // A log stored by another server, the clinic's settings, the reminder: each is read
        // at once.
        let log = NewLog {
            kind: LogKind::Session,
            log_date: "2026-11-20".into(),
            body_json: "{}".into(),
            idempotency_key: "kj1".into(),
        };
        there.add_log(&me, runner.id, &log).await.unwrap();
        let seen = read(me.clone(), Some(version)).await.unwrap();
        assert_eq!(seen.records.expect("changed: read").logs.len(), 1);
        let version = seen.version.unwrap();
        execute(
            &there,
            "UPDATE clinic SET name = $1 WHERE id = $2",
            &[Bind::Text("Kept Clinic Renamed"), Bind::Int(clinic.id)],
        )
        .await
        .unwrap();
        let seen = read(me.clone(), Some(version)).await.unwrap();
        assert_eq!(
            seen.records
                .and_then(|r| r.clinic)
                .map(|c| c.name)
                .as_deref(),
            Some("Kept Clinic Renamed")
        );
        let version = seen.version.unwrap();
        there
            .save_reminder(
                runner.id,
                &SaveReminder {
                    enabled: true,
                    minute_of_day: 480,
                    days: 127,
                    next_due_at: 1_800_000_000,
                },
                1_700_000_000,
            )
            .await
            .unwrap();
        let seen = read(me.clone(), Some(version)).await.unwrap();
        assert_eq!(
            seen.records
                .and_then(|r| r.reminder)
                .map(|r| r.minute_of_day),
            Some(480)
        );
        // Access is checked every time, held or not.
        assert!(matches!(
            read(Actor::of(&stranger), seen.version).await,
            Err(StoreError::NotFound)
        ));
        // The read-once journal: a window that starts later is read for itself.
        let later = here
            .journal(&me, runner.id, "2026-11-21", "view today")
            .await
            .unwrap();
        assert!(later.logs.is_empty() && later.reminder.is_none());
    })
    .await;
}
