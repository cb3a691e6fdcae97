//! Issue 15 — a runner's data: the export zip (runner and clinician, audited, another clinic's
//! runner is a 404), import into another server compared by normalised exports, deletion with
//! and without a clinic (what stays, under what name; a wrong password deletes nothing), the
//! clinic's retention setting, and a SQLite backup taken while writes continue.

use crate::client::*;
use crate::world::{Who, World};
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_store::{
    Actor, AssessmentKind, AssessmentStatus, LogKind, NewLead, NewLog, RunnerExport,
    SaveAssessment, SaveReminder, Store, StoreError,
};
use std::collections::BTreeSet;
use std::io::Read;
use std::sync::Arc;

/// The entries of a zip answer, by name.
fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().unwrap().into_owned(), out)
        })
        .collect()
}

/// The owner books a call with their clinician through the clinic's booking page (under
/// their own email), asks for the free guide (a consent) and chooses a reminder: two
/// enquiries, a booking, a consent, a reminder. The World's upload already kept their watch
/// file.
async fn front_door(world: &World) {
    let store = &world.store;
    let owner = &world.a.runners[0];
    let mut visitor = world.base.another();
    let book = format!("/clinics/{}/book", world.a.clinic);
    let page = visitor.get(&book).await;
    let slot = crate::booking::slot_after(&page.body, 48);
    let booked = visitor
        .post(&book, &crate::booking::details(&slot, owner.email.as_str()))
        .await;
    assert!(booked.status.is_redirection(), "{}", booked.body);
    store
        .add_lead(
            &NewLead {
                clinic_id: world.a.clinic,
                name: "Zelda".into(),
                email: owner.email.as_str().into(),
                source: "landing page".into(),
                consent_text: "Send me the guide and the occasional email.".into(),
            },
            1_700_000_000,
        )
        .await
        .unwrap();
    let reminder = SaveReminder {
        enabled: true,
        minute_of_day: 7 * 60,
        days: 0b001_0101,
        next_due_at: 1_900_000_000,
    };
    store
        .save_reminder(owner.id, &reminder, 1_700_000_000)
        .await
        .unwrap();
}

fn document(entries: &[(String, Vec<u8>)]) -> RunnerExport {
    let (_, json) = entries
        .iter()
        .find(|(n, _)| n == "backstride-export.json")
        .expect("the zip has the data document");
    serde_json::from_slice(json).unwrap()
}

#[tokio::test]
async fn runner_downloads_every_kind_of_record_in_one_zip() {
    each_backend(|store| async move {
        let world = World::build(store.clone()).await;
        front_door(&world).await;
        let mut owner = world.browser(Who::Owner).await;
        let page = owner.get("/account/data").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Download my data"));
        let res = owner.post("/account/data/export", &[]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.headers["content-type"], "application/zip");
        let files = entries(&res.bytes);
        let names: BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        for name in [
            "backstride-export.json",
            "README.txt",
            "logs.csv",
            "runs.csv",
            "measurements.csv",
        ] {
            assert!(names.contains(name), "{name} in {names:?}");
        }
        let pdfs: Vec<&(String, Vec<u8>)> = files
            .iter()
            .filter(|(n, _)| n.starts_with("pdf/"))
            .collect();
        assert!(
            pdfs.iter()
                .any(|(n, _)| n.starts_with("pdf/programme-version-")),
            "a handout: {names:?}"
        );
        assert!(
            pdfs.iter()
                .any(|(n, _)| n.starts_with("pdf/change-report-")),
            "the re-test's change report: {names:?}"
        );
        assert!(pdfs.iter().all(|(_, b)| b.starts_with(b"%PDF")));
        let doc = document(&files);
        let owner_user = &world.a.runners[0];
        assert_eq!(doc.runner.email, owner_user.email.as_str());
        assert_eq!(doc.assessments.len(), 2, "baseline and re-test");
        assert!(doc.assessments.iter().all(|a| !a.answers.is_empty()));
        assert!(doc.assessments.iter().any(|a| a.result.is_some()));
        assert_eq!(doc.programmes.len(), 2, "approved and suggested versions");
        assert!(!doc.logs.is_empty() && !doc.reviews.is_empty());
        assert_eq!(doc.runs.len(), 1);
        assert_eq!(doc.alerts.len(), 1);
        // The original watch file, byte for byte, beside the document.
        assert_eq!(doc.watch_files.len(), 1, "{names:?}");
        let watch = &doc.watch_files[0];
        assert_eq!(watch.file_name, "run.fit");
        assert!(watch.entry.starts_with("watch/"), "{}", watch.entry);
        let (_, fit) = files.iter().find(|(n, _)| *n == watch.entry).unwrap();
        assert_eq!(fit, &crate::runs::run_fit(0));
        assert_eq!(watch.file_hash, backstride_ingest::content_hash(fit));
        assert!(doc.runs[0].content_hash.starts_with(&watch.file_hash));
        // The call booked and the guide asked for, with the enquiries they made.
        assert_eq!(doc.bookings.len(), 1);
        assert_eq!(doc.bookings[0].clinician, world.a.clinician.email.as_str());
        assert_eq!(doc.consents.len(), 1);
        assert_eq!(doc.enquiries.len(), 2);
        let enquiries: Vec<i64> = doc.enquiries.iter().map(|e| e.id).collect();
        assert!(enquiries.contains(&doc.bookings[0].enquiry_id.unwrap()));
        assert!(enquiries.contains(&doc.consents[0].enquiry_id.unwrap()));
        assert_eq!(doc.reminder.as_ref().map(|r| r.minute_of_day), Some(420));
        // The JSON holds answers as JSON, not as quoted text.
        let raw: serde_json::Value = serde_json::from_slice(&files[0].1).unwrap();
        assert!(raw["assessments"][0]["answers"].is_object());
        // Nothing of anyone else's.
        let all = String::from_utf8_lossy(&files[0].1).into_owned();
        assert!(!all.contains("peer@a.example") && !all.contains("yann-runner"));
        let logs = String::from_utf8_lossy(&files.iter().find(|(n, _)| n == "logs.csv").unwrap().1)
            .into_owned();
        assert!(logs.starts_with("date,kind,"), "{logs}");
        assert_eq!(logs.lines().count(), 1 + doc.logs.len());
        // Staff have no such page.
        let mut clinician = world.browser(Who::Clinician).await;
        assert_eq!(
            clinician.get("/account/data").await.status,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}

#[tokio::test]
async fn clinician_exports_a_runner_of_their_clinic_audited_and_no_other() {
    each_backend(|store| async move {
        let world = World::build(store.clone()).await;
        let owner = world.a.runners[0].id;
        let mut clinician = world.browser(Who::Clinician).await;
        clinician.get(&format!("/runners/{owner}")).await;
        let res = clinician
            .post(&format!("/runners/{owner}/export"), &[])
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let doc = document(&entries(&res.bytes));
        assert_eq!(doc.runner.email, world.a.runners[0].email.as_str());
        let audit = store.audit_events_about(owner).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "export record"
            && e.outcome == "allowed"
            && e.actor_user_id == world.a.clinician.id));

        let mut other = world.browser(Who::OtherClinician).await;
        let refused = other.post(&format!("/runners/{owner}/export"), &[]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        let audit = store.audit_events_about(owner).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "export record"
            && e.outcome == "denied"
            && e.actor_user_id == world.b.clinician.id));
    })
    .await;
}

/// Export from the World's SQLite store, import into a new SQLite store and (when configured)
/// a new PostgreSQL one holding the same clinic and staff, and compare the exports.
#[tokio::test]
async fn an_export_imported_on_another_server_exports_the_same() {
    let source = backstride_store::testing::sqlite().await;
    let world = World::build(source.clone()).await;
    front_door(&world).await;
    let owner = &world.a.runners[0];
    // A clinician's decision on a running-form finding travels with its video.
    let videos = source
        .form_videos_of(&Actor::of(owner), owner.id)
        .await
        .unwrap();
    source
        .review_form_finding(
            &Actor::of(&world.a.clinician),
            videos[0].id,
            "cadence",
            true,
        )
        .await
        .unwrap();
    let original = source
        .export_runner(&Actor::of(owner), owner.id)
        .await
        .unwrap();
    // Every kind of record is there to lose.
    assert!(!original.form_videos.is_empty() && original.form_video_reviews.len() == 1);
    assert!(!original.watch_files.is_empty() && !original.bookings.is_empty());
    assert!(!original.consents.is_empty() && !original.enquiries.is_empty());
    assert!(original.reminder.is_some());
    let mut targets = vec![backstride_store::testing::sqlite().await];
    targets.extend(backstride_store::testing::postgres().await);
    for target in targets {
        eprintln!("into {}", target.backend());
        // Through the file, as `import-export` reads it: the document, and the watch files
        // beside it.
        let mut doc: RunnerExport =
            serde_json::from_slice(&serde_json::to_vec(&original).unwrap()).unwrap();
        assert!(doc.check().is_err(), "the watch files are not in the JSON");
        for (f, o) in doc.watch_files.iter_mut().zip(&original.watch_files) {
            assert_eq!(f.entry, o.entry);
            f.bytes = o.bytes.clone();
        }
        assert!(matches!(
            target.import_runner(&doc).await,
            Err(StoreError::Conflict { constraint }) if constraint == "import_clinic_missing"
        ));
        let clinic = clinic(&target, "Clinic a").await;
        person(
            &target,
            Some(&clinic),
            world.a.clinician.email.as_str(),
            Role::Clinician,
        )
        .await;
        person(
            &target,
            Some(&clinic),
            world.a.admin.email.as_str(),
            Role::Admin,
        )
        .await;
        let imported = target.import_runner(&doc).await.unwrap();
        assert_eq!(imported.clinic_id, Some(clinic.id));
        let again = target
            .export_runner(&Actor::of(&imported), imported.id)
            .await
            .unwrap();
        assert_eq!(again.normalised(), original.normalised());
        let bytes = |d: &RunnerExport| -> Vec<Vec<u8>> {
            d.watch_files.iter().map(|f| f.bytes.clone()).collect()
        };
        assert_eq!(bytes(&again), bytes(&original));
        // The clinic's inbox holds the enquiries, the booking is the clinician's.
        let staff = target
            .user_by_email(&world.a.clinician.email)
            .await
            .unwrap();
        assert_eq!(target.inbox(&Actor::of(&staff)).await.unwrap().len(), 2);
        // A second import of the same runner is refused, and adds nothing.
        assert!(matches!(
            target.import_runner(&doc).await,
            Err(StoreError::Conflict { constraint }) if constraint == "import_email_taken"
        ));
    }
}

/// A document that breaks a rule half-way (two morning check-ins on one date) leaves nothing.
#[tokio::test]
async fn an_import_that_fails_half_way_leaves_nothing() {
    each_backend(|store| async move {
        let runner = person(&store, None, "half@example.com", Role::Runner).await;
        let me = Actor::of(&runner);
        for key in ["one", "two"] {
            store
                .add_log(
                    &me,
                    runner.id,
                    &NewLog {
                        kind: LogKind::Session,
                        log_date: "2026-11-01".into(),
                        body_json: "{}".into(),
                        idempotency_key: key.into(),
                    },
                )
                .await
                .unwrap();
        }
        let mut doc = store.export_runner(&me, runner.id).await.unwrap();
        doc.runner.email = "moved@example.com".into();
        for log in &mut doc.logs {
            log.kind = "morning".into();
        }
        assert!(store.import_runner(&doc).await.is_err());
        let email = "moved@example.com".parse().unwrap();
        assert!(matches!(
            store.user_by_email(&email).await,
            Err(StoreError::NotFound)
        ));
        // A foreign document is refused before anything is written.
        doc.format = "something-else".into();
        assert!(doc.check().is_err());
    })
    .await;
}

#[tokio::test]
async fn deleting_a_clinic_runner_keeps_clinical_records_under_a_pseudonym() {
    each_backend(|store| async move {
        let world = World::build(store.clone()).await;
        front_door(&world).await;
        let owner = world.a.runners[0].clone();
        let staff = Actor::of(&world.a.clinician);
        let mut browser = world.browser(Who::Owner).await;
        let mut elsewhere = world.browser(Who::Owner).await;
        let page = browser.get("/account/data").await;
        let pseudonym = format!("Former runner #{}", owner.id);
        assert!(page.body.contains(&pseudonym), "{}", page.body);
        assert!(
            page.body
                .contains("Clinic a must keep your clinical records for 8 years")
        );
        assert!(page.body.contains("assessments: 2"), "{}", page.body);
        assert!(page.body.contains("watch files: 1"), "{}", page.body);

        let wrong = browser
            .post("/account/delete", &[("password", "not my password")])
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong
                .body
                .contains("your password. Nothing has been deleted."),
            "{}",
            wrong.body
        );
        assert_eq!(store.user(owner.id).await.unwrap().email, owner.email);
        assert_eq!(store.runs_of(&staff, owner.id).await.unwrap().len(), 1);
        let before = store.export_runner(&staff, owner.id).await.unwrap();
        assert_eq!(before.watch_files.len(), 1, "nothing deleted");
        assert!(before.reminder.is_some(), "nothing deleted");
        assert_eq!(before.bookings.len(), 1, "nothing deleted");

        let done = browser
            .post("/account/delete", &[("password", PASSWORD)])
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body.contains("Your account has been deleted"));
        let kept = store.user(owner.id).await.unwrap();
        assert_eq!(kept.display_name, pseudonym);
        assert!(kept.email.as_str().ends_with("@deleted.invalid"));
        assert_eq!(
            store.assessments_of(&staff, owner.id).await.unwrap().len(),
            2
        );
        assert_eq!(
            store.programmes_of(&staff, owner.id).await.unwrap().len(),
            2
        );
        assert!(!store.reviews_of(&staff, owner.id).await.unwrap().is_empty());
        assert!(
            store.runs_of(&staff, owner.id).await.unwrap().is_empty(),
            "watch runs go"
        );
        let remaining = store.export_runner(&staff, owner.id).await.unwrap();
        assert!(remaining.watch_files.is_empty(), "watch files go");
        assert!(
            remaining.reminder.is_none(),
            "no reminder to a deleted account"
        );
        let inbox = store.inbox(&staff).await.unwrap();
        assert!(!inbox.is_empty(), "the visitor's booking stays");
        assert!(
            inbox.iter().all(|i| i.email != owner.email.as_str()),
            "their enquiries and booking go"
        );
        assert_eq!(remaining.logs.len(), before.logs.len(), "logs stay");
        assert!(!store.audit_events_about(owner.id).await.unwrap().is_empty());
        // Signed out everywhere, and the old password opens nothing.
        assert!(
            elsewhere
                .get("/today")
                .await
                .location()
                .starts_with("/login")
        );
        assert!(browser.get("/today").await.location().starts_with("/login"));
        let again = world
            .base
            .another()
            .login(owner.email.as_str(), PASSWORD)
            .await;
        assert!(!again.location().starts_with("/today") && !again.location().starts_with("/home"));
        // The clinic's staff still see the record, under the pseudonym.
        let mut clinician = world.browser(Who::Clinician).await;
        let record = clinician.get(&format!("/runners/{}", owner.id)).await;
        assert!(record.body.contains(&pseudonym));
        assert!(!record.body.contains("zelda-owner"));
        // When the retention period ends, housekeeping removes what was kept.
        let later = jiff::Timestamp::now().as_second() + 31 * 31_557_600;
        assert_eq!(store.forget_retained(later).await.unwrap(), 1);
        assert!(matches!(
            store.user(owner.id).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn deleting_a_self_directed_runner_removes_everything() {
    each_backend(|store| async move {
        let runner = person(&store, None, "alone@example.com", Role::Runner).await;
        let me = Actor::of(&runner);
        store
            .save_assessment(
                &me,
                runner.id,
                &SaveAssessment {
                    id: None,
                    kind: AssessmentKind::Baseline,
                    status: AssessmentStatus::Draft,
                    protocol_version: "1".into(),
                    step: "red-flags".into(),
                    raw_json: "{}".into(),
                    result_json: None,
                    notes: String::new(),
                },
            )
            .await
            .unwrap();
        let mut c = Client::new(store.clone());
        c.login("alone@example.com", PASSWORD).await;
        let page = c.get("/account/data").await;
        assert!(
            page.body.contains("everything is deleted at once"),
            "{}",
            page.body
        );
        let done = c.post("/account/delete", &[("password", PASSWORD)]).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(matches!(
            store.user(runner.id).await,
            Err(StoreError::NotFound)
        ));
        let email = "alone@example.com".parse().unwrap();
        assert!(matches!(
            store.user_by_email(&email).await,
            Err(StoreError::NotFound)
        ));
        // The address can sign up afresh.
        person(&store, None, "alone@example.com", Role::Runner).await;
    })
    .await;
}

#[tokio::test]
async fn the_retention_period_is_the_clinics_within_bounds() {
    each_backend(|store| async move {
        let world = World::build(store.clone()).await;
        let mut admin = world.browser(Who::Admin).await;
        let page = admin.get("/clinic/retention").await;
        assert_eq!(page.status, StatusCode::OK);
        for bad in ["0", "31", "-1", "ten", "99999999999999999999"] {
            let res = admin
                .post("/clinic/retention", &[("retention_years", bad)])
                .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert!(res.body.contains("from 1 to 30"), "{bad}");
        }
        let saved = admin
            .post("/clinic/retention", &[("retention_years", "12")])
            .await;
        assert!(saved.status.is_redirection());
        assert_eq!(store.retention_years(world.a.clinic).await.unwrap(), 12);
        assert_eq!(store.retention_years(world.b.clinic).await.unwrap(), 8);
        let mut owner = world.browser(Who::Owner).await;
        assert!(
            owner
                .get("/account/data")
                .await
                .body
                .contains("for 12 years")
        );
    })
    .await;
}

/// `VACUUM INTO` while another task keeps writing logs: the copy opens, and holds exactly the
/// logs written before some moment — a prefix of the original's, each the same.
#[tokio::test]
async fn a_sqlite_backup_taken_during_writes_is_consistent() {
    let store = backstride_store::testing::sqlite().await;
    let runner = person(&store, None, "busy@example.com", Role::Runner).await;
    let writer = {
        let store: Arc<dyn Store> = store.clone();
        let runner = runner.clone();
        tokio::spawn(async move {
            for i in 0..300 {
                store
                    .add_log(
                        &Actor::of(&runner),
                        runner.id,
                        &NewLog {
                            kind: LogKind::Session,
                            log_date: "2026-11-01".into(),
                            body_json: format!("{{\"n\":{i}}}"),
                            idempotency_key: format!("k{i}"),
                        },
                    )
                    .await
                    .unwrap();
            }
        })
    };
    // Wait for the first writes, without a clock: until a log exists.
    while store
        .logs_of(&Actor::of(&runner), runner.id, "")
        .await
        .unwrap()
        .is_empty()
    {
        tokio::task::yield_now().await;
    }
    let dir = std::env::temp_dir().join(format!("bs-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("copy-{}.db", runner.id));
    let _ = std::fs::remove_file(&file);
    store
        .backup_into(&file.display().to_string())
        .await
        .unwrap();
    writer.await.unwrap();
    let copy = backstride_store::connect(&file.display().to_string())
        .await
        .unwrap();
    copy.migrate().await.unwrap();
    let me = Actor::of(&runner);
    let copied = copy.logs_of(&me, runner.id, "").await.unwrap();
    let all = store.logs_of(&me, runner.id, "").await.unwrap();
    assert_eq!(all.len(), 300);
    assert!(!copied.is_empty() && copied.len() <= all.len());
    for (c, o) in copied.iter().zip(&all) {
        assert_eq!(
            (c.id, &c.body_json, &c.idempotency_key),
            (o.id, &o.body_json, &o.idempotency_key)
        );
    }
    eprintln!("backup held {} of 300 logs", copied.len());
    // PostgreSQL answers with the command to use instead.
    if let Some(pg) = backstride_store::testing::postgres().await {
        let err = pg.backup_into("/nowhere").await.unwrap_err();
        assert!(err.to_string().contains("pg_dump"));
    }
}

/// PostgreSQL: the README's `pg_dump` / `pg_restore` commands, run; the restored database
/// exports the runner the same. Skipped with a message without PostgreSQL or `pg_dump`.
#[tokio::test]
async fn pg_dump_and_pg_restore_round_trip() {
    let Some(base) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("skipped: TEST_DATABASE_URL is not set");
        return;
    };
    if std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: pg_dump is not installed");
        return;
    }
    let (prefix, _) = base.rsplit_once('/').unwrap();
    let psql = |sql: String| {
        let ok = std::process::Command::new("psql")
            .args([base.as_str(), "-qc", &sql])
            .status()
            .unwrap();
        assert!(ok.success(), "{sql}");
    };
    let name = format!("bs_dumped_{}", std::process::id());
    let restored_name = format!("bs_restored_{}", std::process::id());
    for db in [&name, &restored_name] {
        psql(format!("DROP DATABASE IF EXISTS {db}"));
        psql(format!("CREATE DATABASE {db}"));
    }
    let source = format!("{prefix}/{name}");
    let store = backstride_store::connect(&source).await.unwrap();
    store.migrate().await.unwrap();
    let world = World::build(store.clone()).await;
    front_door(&world).await;
    let owner = &world.a.runners[0];
    let before = store
        .export_runner(&Actor::of(owner), owner.id)
        .await
        .unwrap();
    let dump = std::env::temp_dir().join(format!("bs-pgdump-{}.dump", std::process::id()));
    let ok = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&source)
        .status()
        .unwrap();
    assert!(ok.success());
    let restored_url = format!("{prefix}/{restored_name}");
    let ok = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--dbname", &restored_url])
        .arg(&dump)
        .status()
        .unwrap();
    assert!(ok.success());
    let restored = backstride_store::connect(&restored_url).await.unwrap();
    restored.migrate().await.unwrap();
    let after = restored
        .export_runner(&Actor::of(owner), owner.id)
        .await
        .unwrap();
    assert_eq!(after.normalised(), before.normalised());
    assert_eq!(after.runner, before.runner);
    assert_eq!(
        after.watch_files, before.watch_files,
        "the files, bytes and all"
    );
    assert!(!after.watch_files.is_empty() && !after.bookings.is_empty());
    drop((store, restored, world));
    let _ = std::fs::remove_file(&dump);
    for db in [&name, &restored_name] {
        psql(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    }
}
