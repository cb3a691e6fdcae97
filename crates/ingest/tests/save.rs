//! `save` against a real SQLite file shared by several writers, as when `backstride import`
//! runs while the web server (another process, another pool) stores uploads.

use backstride_core::{Email, Role, TimeZoneName};
use backstride_ingest::{Outcome, Prepared, save};
use backstride_store::{Actor, NewRun, NewUser, Store, connect};
use std::sync::Arc;

fn run(hash: String) -> NewRun {
    NewRun {
        content_hash: hash,
        file_name: "a.fit".into(),
        started_at: 1,
        sport: "running".into(),
        summary_json: "{}".into(),
    }
}

/// Every writer starts its transaction by reading (the access check) and then inserts. Started
/// as a plain deferred `BEGIN`, such a transaction cannot upgrade to a write once another
/// connection has committed, and SQLite answers "database is locked" at once instead of waiting
/// out the busy timeout. The store begins `add_run` with `BEGIN IMMEDIATE`, so writers queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_one_sqlite_file_all_succeed() {
    let dir = std::env::temp_dir().join(format!(
        "backstride-ingest-save-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("shared.db").display().to_string();
    let first = connect(&path).await.unwrap();
    first.migrate().await.unwrap();
    let second = connect(&path).await.unwrap();
    let email: Email = "writer@example.com".parse().unwrap();
    let runner = first
        .create_user(&NewUser {
            clinic_id: None,
            email,
            display_name: "writer".into(),
            password_hash: "$argon2id$fake".into(),
            role: Role::Runner,
            time_zone: TimeZoneName::utc(),
            units: None,
        })
        .await
        .unwrap();
    let actor = Actor::of(&runner);

    const TASKS: usize = 8;
    const FILES: usize = 25;
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let store: Arc<dyn Store> = if task % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let actor = actor.clone();
        tasks.push(tokio::spawn(async move {
            for file in 0..FILES {
                let prepared = Prepared::Runs {
                    runs: vec![run(format!("{task}-{file}:0"))],
                    skipped: vec![],
                    file: None,
                };
                let outcome = save(store.as_ref(), &actor, actor.user_id, prepared)
                    .await
                    .unwrap_or_else(|e| panic!("task {task} file {file}: {e}"));
                assert!(matches!(outcome, Outcome::Imported { .. }), "{outcome:?}");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let stored = first.runs_of(&actor, runner.id).await.unwrap();
    assert_eq!(stored.len(), TASKS * FILES);
    let _ = std::fs::remove_dir_all(&dir);
}
