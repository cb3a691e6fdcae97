//! Fresh, migrated stores for tests: always a SQLite file, plus a brand-new PostgreSQL database
//! when `TEST_DATABASE_URL` is set (as `.ci/run` does); the people most tests start from; and
//! one statement run on whichever backend a test has, for what the store's API does not say.

use crate::{Clinic, NewClinic, NewUser, SessionBackend, Store, User, connect};
use backstride_core::{DistanceUnit, MassUnit, Role, UnitPreference};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
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

/// Runs `test` once per reachable backend (see [`all`]), saying which, and saying when the
/// PostgreSQL part is skipped.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Arc<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let stores = all().await;
    if stores.len() == 1 {
        eprintln!("note: TEST_DATABASE_URL not set, PostgreSQL part skipped");
    }
    for store in stores {
        eprintln!("backend: {}", store.backend());
        test(store).await;
    }
}

/// Runs `test` once per reachable backend with two stores on the same new database, as two
/// servers of one clinic would have: for what one process keeps in memory and another changes.
pub async fn each_backend_twice<F, Fut>(test: F)
where
    F: Fn(Arc<dyn Store>, Arc<dyn Store>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut urls = vec![sqlite_url().await];
    urls.extend(postgres_url().await);
    for url in urls {
        let open = || async { connect(&url).await.expect("open the test database") };
        let (first, second) = (open().await, open().await);
        eprintln!("backend: {}", first.backend());
        test(first, second).await;
    }
}

/// A new person of `role` at `address` (their name is the address's local part), in clinic
/// `clinic_id` if any, in UTC with the clinic's units.
pub fn new_user(clinic_id: Option<i64>, address: &str, role: Role) -> NewUser {
    NewUser {
        clinic_id,
        email: address.parse().expect("a test email address"),
        display_name: address.split('@').next().unwrap_or(address).into(),
        password_hash: "$argon2id$fake".into(),
        role,
        time_zone: backstride_core::TimeZoneName::utc(),
        units: None,
    }
}

/// A new clinic called `name`, in miles and pounds, on New York time.
pub async fn clinic(store: &Arc<dyn Store>, name: &str) -> Clinic {
    store
        .create_clinic(&NewClinic {
            name: name.into(),
            units: UnitPreference {
                distance: DistanceUnit::Mi,
                mass: MassUnit::Lb,
            },
            time_zone: "America/New_York".parse().expect("a time zone"),
        })
        .await
        .expect("create clinic")
}

/// The three people access rules are tested with: a runner and their clinician, and a
/// clinician of no clinic, who may see neither the runner's record nor anything of theirs.
pub struct ClinicPeople {
    pub clinic: Clinic,
    pub runner: User,
    pub clinician: User,
    pub stranger: User,
}

/// A new clinic called `name` with its [`ClinicPeople`]; their addresses start with `prefix`
/// (`{prefix}-runner@example.com`, `-clinician`, `-stranger`).
pub async fn clinic_people(store: &Arc<dyn Store>, name: &str, prefix: &str) -> ClinicPeople {
    let clinic = clinic(store, name).await;
    let person = |clinic_id, who: &str, role| {
        let new = new_user(clinic_id, &format!("{prefix}-{who}@example.com"), role);
        async move { store.create_user(&new).await.expect("create user") }
    };
    ClinicPeople {
        runner: person(Some(clinic.id), "runner", Role::Runner).await,
        clinician: person(Some(clinic.id), "clinician", Role::Clinician).await,
        stranger: person(None, "stranger", Role::Clinician).await,
        clinic,
    }
}

/// A value bound to a statement of [`one_row`] or [`execute`], in order (`$1`, `$2`, …).
#[derive(Debug, Clone, Copy)]
pub enum Bind<'a> {
    Int(i64),
    Text(&'a str),
}

/// `$query` with `$binds` bound in order.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match *bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        query
    }};
}

/// Runs `$run` with `$q` the query `$query` (made with `$pool`, the store's writer pool, which
/// sees every commit) with `$binds` bound, on whichever backend the store is.
macro_rules! on_writer {
    ($store:expr, |$pool:ident| $query:expr, $binds:expr, |$q:ident| $run:expr) => {
        match $store.session_backend() {
            SessionBackend::Sqlite($pool, _) => {
                let $q = bind_all!($query, $binds);
                $run
            }
            SessionBackend::Postgres($pool, _) => {
                let $q = bind_all!($query, $binds);
                $run
            }
        }
    };
}

/// The one row `sql` returns with `binds`, as `T` (a tuple of its columns): for what a test
/// checks in the database that the store's API does not show. Panics when there is no row or
/// the statement fails.
pub async fn one_row<T>(store: &Arc<dyn Store>, sql: &str, binds: &[Bind<'_>]) -> T
where
    T: Send + Unpin + for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
{
    on_writer!(store, |pool| sqlx::query_as::<_, T>(sql), binds, |q| q
        .fetch_one(&pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}")))
}

/// How many rows `table` holds.
pub async fn count_rows(store: &Arc<dyn Store>, table: &str) -> i64 {
    one_row::<(i64,)>(store, &format!("SELECT COUNT(*) FROM {table}"), &[])
        .await
        .0
}

/// Runs the write `sql` with `binds` on the store's writer: how many rows it changed, or the
/// database's refusal.
pub async fn execute(
    store: &Arc<dyn Store>,
    sql: &str,
    binds: &[Bind<'_>],
) -> Result<u64, sqlx::Error> {
    on_writer!(store, |pool| sqlx::query(sql), binds, |q| q
        .execute(&pool)
        .await
        .map(|done| done.rows_affected()))
}

/// The table tower-sessions keeps the web sessions in, on this store's backend.
pub fn sessions_table(store: &Arc<dyn Store>) -> &'static str {
    match store.session_backend() {
        SessionBackend::Sqlite(..) => "tower_sessions",
        SessionBackend::Postgres(..) => "\"tower_sessions\".\"session\"",
    }
}
