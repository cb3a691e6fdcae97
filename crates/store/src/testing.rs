//! Fresh, migrated stores for tests: always a SQLite file, plus a brand-new PostgreSQL database
//! when `TEST_DATABASE_URL` is set (as `.ci/run` does).

use crate::{Store, connect};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A migrated SQLite store in a new file under the system's temporary directory.
pub async fn sqlite() -> Arc<dyn Store> {
    connect(&sqlite_url().await).await.expect("open sqlite")
}

/// The path of a new, migrated SQLite file under the system's temporary directory (for a test
/// that opens the database itself, e.g. with [`crate::bulk::connect_bulk`]).
pub async fn sqlite_url() -> String {
    let dir = std::env::temp_dir().join(unique_name("backstride_test"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = dir.join("test.db").display().to_string();
    let store = connect(&url).await.expect("open sqlite");
    store.migrate().await.expect("migrate sqlite");
    url
}

/// A migrated store on a new PostgreSQL database, when `TEST_DATABASE_URL` is set.
pub async fn postgres() -> Option<Arc<dyn Store>> {
    Some(
        connect(&postgres_url().await?)
            .await
            .expect("connect test database"),
    )
}

/// The URL of a new, migrated PostgreSQL database, when `TEST_DATABASE_URL` is set.
pub async fn postgres_url() -> Option<String> {
    let base = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let name = unique_name("bs_test");
    let admin = crate::SqlStore::<sqlx::Postgres>::connect(&base)
        .await
        .expect("connect TEST_DATABASE_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(admin.pool())
        .await
        .expect("create test database");
    admin.pool().close().await;
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL names a database");
    let url = format!("{prefix}/{name}");
    let store = connect(&url).await.expect("connect test database");
    store.migrate().await.expect("migrate postgres");
    Some(url)
}

/// Every backend this test run can reach: SQLite always, PostgreSQL when configured.
pub async fn all() -> Vec<Arc<dyn Store>> {
    let mut stores = vec![sqlite().await];
    stores.extend(postgres().await);
    stores
}
