//! The SQL implementation of [`Store`], written once and compiled for SQLite and PostgreSQL.
//!
//! Both backends accept `$1`-style parameters and `RETURNING`, so every statement is shared;
//! only the migrations differ. The `impl_store!` macro type-checks the same method bodies
//! against each backend's pool.

use crate::model::{units_from, *};
use crate::summaries::add_to_week_summary;
use crate::{Actor, SessionBackend, Store, StoreError, StoreResult};
use async_trait::async_trait;
use backstride_core::{Email, Role, TimeZoneName};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Database, Pool, Postgres, Sqlite};
use std::str::FromStr;
use std::time::Duration;

/// A store on one SQL database; `DB` is [`Sqlite`] or [`Postgres`].
#[derive(Debug, Clone)]
pub struct SqlStore<DB: Database> {
    /// Every write goes here. On SQLite it is one connection (SQLite has one writer at a time
    /// anyway, so writers queue in the pool instead of in SQLite's busy handler).
    pub(crate) pool: Pool<DB>,
    /// Reads outside a writing transaction go here. On SQLite: several read-only connections
    /// that never take the write lock (WAL lets them read while the writer writes); on
    /// PostgreSQL the same pool as `pool`.
    pub(crate) read: Pool<DB>,
    /// List views waiting for their audit event (see [`ListViews`]).
    pub(crate) views: std::sync::Arc<ListViews>,
}

impl<DB: Database> SqlStore<DB> {
    /// The writer's pool.
    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }
}

// Every pool keeps its connections (no idle timeout, no maximum lifetime), so sqlx starts no
// pool-maintenance task: that task can spin at 100% CPU and hang a process (sqlx issue 3645,
// seen here once in an export test). The pools are small and bounded, so nothing piles up.

/// Read-only SQLite connections a store keeps open (each has its own worker thread in sqlx;
/// more would only add thread hand-offs on a small machine).
const SQLITE_READERS: u32 = 4;

/// Begins a transaction: on the writer with `$begin_write` (on SQLite `BEGIN IMMEDIATE`, which
/// takes the write lock up front) when it will write, else a deferred `BEGIN` on a reader,
/// which never waits for the writer.
macro_rules! begin {
    ($self:ident, $begin_write:literal, $writes:expr) => {
        if $writes {
            $self.pool.begin_with($begin_write).await?
        } else {
            $self.read.begin().await?
        }
    };
}
pub(crate) use begin;

impl SqlStore<Sqlite> {
    /// Opens (creating if missing) a SQLite database in WAL mode with foreign keys on and a
    /// busy timeout, so concurrent writers wait instead of failing; `synchronous` is FULL
    /// (see [`crate::SqliteSynchronous`]).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_durable(url, crate::SqliteSynchronous::default()).await
    }

    /// [`Self::connect`] with the `synchronous` setting chosen.
    pub async fn connect_durable(
        url: &str,
        synchronous: crate::SqliteSynchronous,
    ) -> StoreResult<Self> {
        let options = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url)?
        } else {
            SqliteConnectOptions::new().filename(url)
        }
        .create_if_missing(true)
        .synchronous(synchronous.pragma())
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
        let file = options.get_filename().to_owned();
        let on_disk = !(url.contains(":memory:") || url.contains("mode=memory"));
        if on_disk {
            // SQLite gives the -wal and -shm files the database file's mode when it makes them.
            crate::files::create_private_file(&file).map_err(|e| {
                StoreError::Other(format!("could not create {}: {e}", file.display()))
            })?;
        }
        let reader_options = options.clone().read_only(true).create_if_missing(false);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options.journal_mode(SqliteJournalMode::Wal))
            .await?;
        // Reader connections open after the writer made the file and switched it to WAL. An
        // in-memory database is private to its connection, so it reads through the writer.
        let read = if on_disk {
            SqlitePoolOptions::new()
                .max_connections(SQLITE_READERS)
                .acquire_timeout(Duration::from_secs(10))
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(reader_options)
                .await?
        } else {
            pool.clone()
        };
        if on_disk {
            // Databases made by earlier versions were 0644; so may their -wal and -shm be.
            for suffix in ["", "-wal", "-shm"] {
                let mut name = file.clone().into_os_string();
                name.push(suffix);
                let path = std::path::PathBuf::from(name);
                crate::files::make_private(&path).map_err(|e| private_failed(&path, &e))?;
            }
        }
        Ok(SqlStore {
            pool,
            read,
            views: Default::default(),
        })
    }
}

fn private_failed(path: &std::path::Path, err: &std::io::Error) -> StoreError {
    StoreError::Other(format!(
        "could not make {} readable by this user only: {err}",
        path.display()
    ))
}

impl SqlStore<Postgres> {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .idle_timeout(None)
            .max_lifetime(None)
            .connect(url)
            .await?;
        Ok(SqlStore {
            read: pool.clone(),
            pool,
            views: Default::default(),
        })
    }
}

pub const USER_COLUMNS: &str = "id, clinic_id, email, display_name, password_hash, role, time_zone, distance_unit, mass_unit, created_at";
pub const CLINIC_COLUMNS: &str = "id, name, distance_unit, mass_unit, time_zone, contact, brand_colour, thresholds_json, progression_json";
pub const LOG_COLUMNS: &str =
    "id, runner_id, entered_by, kind, log_date, body_json, idempotency_key, created_at";
pub const REVIEW_COLUMNS: &str = "id, runner_id, programme_id, review_date, kind, status, body_json, note, decided_by, decided_at, created_at";
const OUTBOX_COLUMNS: &str = "id, to_address, subject, body_text, status, attempts, next_attempt_at, last_error, created_at, sent_at, \
     attachment_name, attachment_type, attachment_body, clinic_id, about_user_id, list_unsubscribe";
/// How long a claimed email stays reserved for the worker that claimed it.
const CLAIM_SECONDS: i64 = 120;

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    clinic_id: Option<i64>,
    email: String,
    display_name: String,
    password_hash: String,
    role: String,
    time_zone: String,
    distance_unit: Option<String>,
    mass_unit: Option<String>,
    created_at: i64,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(row: UserRow) -> StoreResult<User> {
        Ok(User {
            id: row.id,
            clinic_id: row.clinic_id,
            email: row.email.parse().map_err(corrupt)?,
            display_name: row.display_name,
            password_hash: row.password_hash,
            role: row.role.parse().map_err(corrupt)?,
            time_zone: row
                .time_zone
                .parse()
                .unwrap_or_else(|_| TimeZoneName::utc()),
            units: units_from(row.distance_unit.as_deref(), row.mass_unit.as_deref()),
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ClinicRow {
    id: i64,
    name: String,
    distance_unit: String,
    mass_unit: String,
    time_zone: String,
    contact: String,
    brand_colour: String,
    thresholds_json: Option<String>,
    progression_json: Option<String>,
}

impl From<ClinicRow> for Clinic {
    fn from(row: ClinicRow) -> Clinic {
        Clinic {
            id: row.id,
            name: row.name,
            units: units_from(Some(&row.distance_unit), Some(&row.mass_unit)).unwrap_or_default(),
            time_zone: row
                .time_zone
                .parse()
                .unwrap_or_else(|_| TimeZoneName::utc()),
            settings: ClinicSettings {
                contact: row.contact,
                brand_colour: row.brand_colour,
                thresholds_json: row.thresholds_json,
                progression_json: row.progression_json,
            },
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LogRow {
    id: i64,
    runner_id: i64,
    entered_by: i64,
    kind: String,
    log_date: String,
    body_json: String,
    idempotency_key: String,
    created_at: i64,
}

impl TryFrom<LogRow> for LogRecord {
    type Error = StoreError;
    fn try_from(r: LogRow) -> StoreResult<Self> {
        Ok(LogRecord {
            id: r.id,
            runner_id: r.runner_id,
            entered_by: r.entered_by,
            kind: r.kind.parse()?,
            log_date: r.log_date,
            body_json: r.body_json,
            idempotency_key: r.idempotency_key,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReviewRow {
    id: i64,
    pub(crate) runner_id: i64,
    programme_id: i64,
    review_date: String,
    kind: String,
    status: String,
    body_json: String,
    note: String,
    decided_by: Option<i64>,
    decided_at: Option<i64>,
    created_at: i64,
}

impl TryFrom<ReviewRow> for ReviewRecord {
    type Error = StoreError;
    fn try_from(r: ReviewRow) -> StoreResult<Self> {
        Ok(ReviewRecord {
            id: r.id,
            runner_id: r.runner_id,
            programme_id: r.programme_id,
            review_date: r.review_date,
            kind: r.kind.parse()?,
            status: r.status.parse()?,
            body_json: r.body_json,
            note: r.note,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            created_at: r.created_at,
        })
    }
}

pub(crate) const INBOX_COLUMNS: &str = "id, clinic_id, kind, name, email, phone, message, source, stage, notes, created_at, updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct InboxRow {
    pub(crate) id: i64,
    clinic_id: i64,
    kind: String,
    name: String,
    email: String,
    phone: String,
    message: String,
    source: String,
    stage: String,
    notes: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<InboxRow> for InboxItem {
    type Error = StoreError;
    fn try_from(r: InboxRow) -> StoreResult<Self> {
        Ok(InboxItem {
            id: r.id,
            clinic_id: r.clinic_id,
            kind: r.kind.parse()?,
            name: r.name,
            email: r.email,
            phone: r.phone,
            message: r.message,
            source: r.source,
            stage: r.stage.parse()?,
            notes: r.notes,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct InviteRow {
    clinic_id: i64,
    email: String,
    role: String,
    invited_by: i64,
    expires_at: i64,
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: i64,
    to_address: String,
    subject: String,
    body_text: String,
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_error: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
    attachment_name: Option<String>,
    attachment_type: Option<String>,
    attachment_body: Option<String>,
    clinic_id: Option<i64>,
    about_user_id: Option<i64>,
    list_unsubscribe: Option<String>,
}

impl From<OutboxRow> for OutboxEmail {
    fn from(row: OutboxRow) -> OutboxEmail {
        OutboxEmail {
            id: row.id,
            to: row.to_address,
            subject: row.subject,
            body_text: row.body_text,
            status: EmailStatus::parse(&row.status),
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
            created_at: row.created_at,
            sent_at: row.sent_at,
            attachment: match (
                row.attachment_name,
                row.attachment_type,
                row.attachment_body,
            ) {
                (Some(file_name), Some(content_type), Some(body)) => Some(EmailAttachment {
                    file_name,
                    content_type,
                    body,
                }),
                _ => None,
            },
            clinic_id: row.clinic_id,
            about_runner: row.about_user_id,
            list_unsubscribe: row.list_unsubscribe,
        }
    }
}

pub const ASSESSMENT_COLUMNS: &str = "id, runner_id, entered_by, kind, status, protocol_version, step, raw_json, result_json, notes, created_at, updated_at";
pub const PROGRAMME_COLUMNS: &str = "id, runner_id, assessment_id, version, status, body_json, created_by, created_at, approved_by, approved_at";
pub(crate) const RUN_COLUMNS: &str =
    "id, runner_id, content_hash, file_name, started_at, sport, summary_json, imported_at";

#[derive(sqlx::FromRow)]
pub(crate) struct AssessmentRow {
    id: i64,
    runner_id: i64,
    entered_by: i64,
    kind: String,
    status: String,
    protocol_version: String,
    step: String,
    raw_json: String,
    result_json: Option<String>,
    notes: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<AssessmentRow> for AssessmentRecord {
    type Error = StoreError;
    fn try_from(r: AssessmentRow) -> StoreResult<Self> {
        Ok(AssessmentRecord {
            id: r.id,
            runner_id: r.runner_id,
            entered_by: r.entered_by,
            kind: r.kind.parse()?,
            status: r.status.parse()?,
            protocol_version: r.protocol_version,
            step: r.step,
            raw_json: r.raw_json,
            result_json: r.result_json,
            notes: r.notes,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProgrammeRow {
    id: i64,
    runner_id: i64,
    assessment_id: Option<i64>,
    version: i64,
    status: String,
    body_json: String,
    created_by: i64,
    created_at: i64,
    approved_by: Option<i64>,
    approved_at: Option<i64>,
}

impl TryFrom<ProgrammeRow> for ProgrammeRecord {
    type Error = StoreError;
    fn try_from(r: ProgrammeRow) -> StoreResult<Self> {
        Ok(ProgrammeRecord {
            id: r.id,
            runner_id: r.runner_id,
            assessment_id: r.assessment_id,
            version: r.version,
            status: r.status.parse()?,
            body_json: r.body_json,
            created_by: r.created_by,
            created_at: r.created_at,
            approved_by: r.approved_by,
            approved_at: r.approved_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RunRow {
    id: i64,
    runner_id: i64,
    content_hash: String,
    file_name: String,
    started_at: i64,
    sport: String,
    summary_json: String,
    imported_at: i64,
}

impl From<RunRow> for RunRecord {
    fn from(r: RunRow) -> Self {
        RunRecord {
            id: r.id,
            runner_id: r.runner_id,
            content_hash: r.content_hash,
            file_name: r.file_name,
            started_at: r.started_at,
            sport: r.sport,
            summary_json: crate::packed::unpack(r.summary_json),
            imported_at: r.imported_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AlertRow {
    id: i64,
    runner_id: i64,
    tier: String,
    reason: String,
    created_at: i64,
    resolved_at: Option<i64>,
}

impl TryFrom<AlertRow> for Alert {
    type Error = StoreError;
    fn try_from(r: AlertRow) -> StoreResult<Self> {
        Ok(Alert {
            id: r.id,
            runner_id: r.runner_id,
            tier: r.tier.parse()?,
            reason: r.reason,
            created_at: r.created_at,
            resolved_at: r.resolved_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    actor_user_id: i64,
    action: String,
    outcome: String,
    detail: String,
}

fn corrupt(err: impl std::fmt::Display) -> StoreError {
    StoreError::Other(format!("stored value does not parse: {err}"))
}

pub(crate) fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn unit_columns(
    units: Option<&backstride_core::UnitPreference>,
) -> (Option<&'static str>, Option<&'static str>) {
    (
        units.map(|u| u.distance.as_str()),
        units.map(|u| u.mass.as_str()),
    )
}

/// Runs SQLite's migrations on the writer's connection with foreign keys off, SQLite's documented
/// way to rebuild a table that others reference (migration 0015 rebuilds `inbox_item`, which
/// leads, invites and bookings point at): `PRAGMA foreign_keys` is a no-op inside the transaction
/// sqlx opens for each migration, so it is set around them. The references are then checked
/// with `foreign_key_check`, and foreign keys are back on before the connection returns to the
/// pool, whatever happened.
pub(crate) async fn migrate_sqlite(
    pool: &Pool<Sqlite>,
    migrator: &sqlx::migrate::Migrator,
) -> StoreResult<()> {
    let mut conn = pool.acquire().await?;
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    let ran = migrator.run_direct(&mut *conn).await;
    let broken = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut *conn)
        .await
        .map(|rows| rows.len());
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await?;
    ran?;
    // The catch-up takes its own connection: this one goes back first (the writer's pool holds
    // one connection).
    drop(conn);
    match broken? {
        0 => crate::summaries::catch_up_sqlite(pool).await,
        n => Err(StoreError::Other(format!(
            "after the migrations, {n} rows point at rows that do not exist"
        ))),
    }
}

/// PostgreSQL's migrations: each runs in its own transaction, constraints checked as usual.
pub(crate) async fn migrate_postgres(
    pool: &Pool<Postgres>,
    migrator: &sqlx::migrate::Migrator,
) -> StoreResult<()> {
    migrator.run(pool).await?;
    crate::summaries::catch_up_postgres(pool).await
}

macro_rules! impl_store {
    ($db:ty, $name:literal, $migrations:literal, $sessions:ident, $begin_write:literal, $migrate:ident) => {
        #[async_trait]
        impl Store for SqlStore<$db> {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn migrate(&self) -> StoreResult<()> {
                $migrate(&self.pool, &sqlx::migrate!($migrations)).await?;
                self.session_backend().migrate().await
            }

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.read).await?;
                Ok(())
            }

            fn session_backend(&self) -> SessionBackend {
                SessionBackend::$sessions(self.pool.clone(), self.read.clone())
            }

            async fn create_clinic(&self, clinic: &NewClinic) -> StoreResult<Clinic> {
                let sql = format!(
                    "INSERT INTO clinic (name, distance_unit, mass_unit, time_zone, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING {CLINIC_COLUMNS}"
                );
                let row: ClinicRow = sqlx::query_as(&sql)
                    .bind(&clinic.name)
                    .bind(clinic.units.distance.as_str())
                    .bind(clinic.units.mass.as_str())
                    .bind(clinic.time_zone.as_str())
                    .bind(now())
                    .fetch_one(&self.pool)
                    .await?;
                Ok(row.into())
            }

            async fn clinic(&self, id: i64) -> StoreResult<Clinic> {
                let sql = format!("SELECT {CLINIC_COLUMNS} FROM clinic WHERE id = $1");
                let row: ClinicRow = sqlx::query_as(&sql).bind(id).fetch_one(&self.read).await?;
                Ok(row.into())
            }

            async fn clinic_by_name(&self, name: &str) -> StoreResult<Clinic> {
                let sql = format!("SELECT {CLINIC_COLUMNS} FROM clinic WHERE name = $1");
                let row: ClinicRow = sqlx::query_as(&sql).bind(name).fetch_one(&self.read).await?;
                Ok(row.into())
            }

            async fn default_clinic(&self) -> StoreResult<Option<Clinic>> {
                let sql = format!("SELECT {CLINIC_COLUMNS} FROM clinic ORDER BY id LIMIT 1");
                let row: Option<ClinicRow> = sqlx::query_as(&sql).fetch_optional(&self.read).await?;
                Ok(row.map(Into::into))
            }

            async fn create_user(&self, user: &NewUser) -> StoreResult<User> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let created = insert_user!(&mut *tx, user)?;
                tx.commit().await?;
                Ok(created)
            }

            async fn create_unconfirmed_user(&self, user: &NewUser) -> StoreResult<User> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let created = insert_user!(&mut *tx, user)?;
                sqlx::query("UPDATE app_user SET email_confirmed = 0 WHERE id = $1")
                    .bind(created.id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(created)
            }

            async fn email_confirmed(&self, user_id: i64) -> StoreResult<bool> {
                let (confirmed,): (i32,) = sqlx::query_as("SELECT email_confirmed FROM app_user WHERE id = $1")
                    .bind(user_id)
                    .fetch_one(&self.read)
                    .await?;
                Ok(confirmed == 1)
            }

            async fn confirm_email(&self, user_id: i64) -> StoreResult<()> {
                sqlx::query("UPDATE app_user SET email_confirmed = 1 WHERE id = $1")
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn user(&self, id: i64) -> StoreResult<User> {
                let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE id = $1");
                let row: UserRow = sqlx::query_as(&sql).bind(id).fetch_one(&self.read).await?;
                row.try_into()
            }

            async fn user_by_email(&self, email: &Email) -> StoreResult<User> {
                let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE email = $1");
                let row: UserRow = sqlx::query_as(&sql).bind(email.as_str()).fetch_one(&self.read).await?;
                row.try_into()
            }

            async fn users_in_clinic(&self, clinic_id: i64) -> StoreResult<Vec<User>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE clinic_id = $1 ORDER BY role, display_name, id");
                let rows: Vec<UserRow> = sqlx::query_as(&sql).bind(clinic_id).fetch_all(&self.read).await?;
                rows.into_iter().map(User::try_from).collect()
            }

            async fn runners_with_approved_programme(&self) -> StoreResult<Vec<User>> {
                let sql = format!(
                    "SELECT {USER_COLUMNS} FROM app_user WHERE id IN \
                     (SELECT runner_id FROM programme WHERE status = 'approved') AND deleted_at IS NULL ORDER BY id"
                );
                let rows: Vec<UserRow> = sqlx::query_as(&sql).fetch_all(&self.read).await?;
                rows.into_iter().map(User::try_from).collect()
            }

            async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()> {
                let done = sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
                    .bind(hash)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
            }

            async fn set_preferences(&self, user_id: i64, prefs: &Preferences) -> StoreResult<()> {
                let (distance, mass) = unit_columns(prefs.units.as_ref());
                let done = sqlx::query(
                    "UPDATE app_user SET display_name = $1, time_zone = $2, distance_unit = $3, mass_unit = $4 WHERE id = $5",
                )
                .bind(&prefs.display_name)
                .bind(prefs.time_zone.as_str())
                .bind(distance)
                .bind(mass)
                .bind(user_id)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
            }

            async fn create_password_reset(&self, user_id: i64, token_hash: &str, expires_at: i64) -> StoreResult<()> {
                insert_emailed_link!(&self.pool, "reset", user_id, token_hash, expires_at)
            }

            async fn consume_password_reset(&self, token_hash: &str, now: i64) -> StoreResult<Option<i64>> {
                consume_emailed_link!(&self.pool, "reset", token_hash, now)
            }

            async fn create_login_link(&self, user_id: i64, token_hash: &str, expires_at: i64) -> StoreResult<()> {
                insert_emailed_link!(&self.pool, "login", user_id, token_hash, expires_at)
            }

            async fn consume_login_link(&self, token_hash: &str, now: i64) -> StoreResult<Option<i64>> {
                consume_emailed_link!(&self.pool, "login", token_hash, now)
            }

            async fn create_invite(&self, invite: &NewInvite) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO invite (token_hash, clinic_id, email, role, invited_by, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&invite.token_hash)
                .bind(invite.clinic_id)
                .bind(invite.email.as_str())
                .bind(invite.role.as_str())
                .bind(invite.invited_by)
                .bind(invite.expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn invite(&self, token_hash: &str, now: i64) -> StoreResult<Option<Invite>> {
                let row: Option<InviteRow> = sqlx::query_as(
                    "SELECT clinic_id, email, role, invited_by, expires_at FROM invite \
                     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.read)
                .await?;
                row.map(|r| {
                    Ok(Invite {
                        clinic_id: r.clinic_id,
                        email: r.email.parse().map_err(corrupt)?,
                        role: r.role.parse().map_err(corrupt)?,
                        invited_by: r.invited_by,
                        expires_at: r.expires_at,
                    })
                })
                .transpose()
            }

            async fn accept_invite(&self, token_hash: &str, user: &NewUser, now: i64) -> StoreResult<User> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let used = sqlx::query(
                    "UPDATE invite SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
                )
                .bind(now)
                .bind(token_hash)
                .execute(&mut *tx)
                .await?;
                if used.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                let created = insert_user!(&mut *tx, user)?;
                tx.commit().await?;
                Ok(created)
            }

            async fn record_login_failure(&self, email: &str, ip: &str, at: i64) -> StoreResult<()> {
                sqlx::query("INSERT INTO login_failure (email, ip, at) VALUES ($1, $2, $3)")
                    .bind(email)
                    .bind(ip)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn login_failures_since(&self, email: &str, ip: &str, since: i64) -> StoreResult<LoginFailures> {
                let (for_email, for_ip): (i64, i64) = sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM login_failure WHERE email = $1 AND at >= $3), \
                            (SELECT COUNT(*) FROM login_failure WHERE ip = $2 AND at >= $3)",
                )
                .bind(email)
                .bind(ip)
                .bind(since)
                .fetch_one(&self.read)
                .await?;
                Ok(LoginFailures { for_email, for_ip })
            }

            async fn clear_login_failures(&self, email: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM login_failure WHERE email = $1").bind(email).execute(&self.pool).await?;
                sqlx::query("DELETE FROM login_throttle WHERE email = $1").bind(email).execute(&self.pool).await?;
                Ok(())
            }

            async fn forget_old_sign_ins(&self, sessions_expired_before: i64, failures_before: i64) -> StoreResult<SignInsForgotten> {
                let sessions = self.session_backend().delete_expired_before(sessions_expired_before).await?;
                let login_failures = sqlx::query("DELETE FROM login_failure WHERE at < $1")
                    .bind(failures_before)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                // Attempt counters whose window ended long ago count nothing any more.
                sqlx::query("DELETE FROM login_throttle WHERE window_start < $1")
                    .bind(failures_before)
                    .execute(&self.pool)
                    .await?;
                Ok(SignInsForgotten { sessions, login_failures })
            }

            async fn count_login_attempt(&self, email: &str, now: i64, since: i64) -> StoreResult<i64> {
                // The upsert takes the row's lock on both backends, so each attempt sees the ones
                // before it: no two parallel attempts get the same number.
                let (attempts,): (i64,) = sqlx::query_as(
                    "INSERT INTO login_throttle (email, window_start, attempts) VALUES ($1, $2, 1) \
                     ON CONFLICT (email) DO UPDATE SET \
                       attempts = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.attempts + 1 END, \
                       window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END \
                     RETURNING attempts",
                )
                .bind(email)
                .bind(now)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
                Ok(attempts)
            }

            async fn open_runner_record(&self, actor: &Actor, runner_id: i64, action: &str) -> StoreResult<User> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let runner = open_record!(&mut tx, actor, runner_id, action);
                tx.commit().await?;
                runner
            }

            async fn save_assessment(&self, actor: &Actor, runner_id: i64, a: &SaveAssessment) -> StoreResult<AssessmentRecord> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_record!(tx, actor, runner_id, "save assessment");
                let now = now();
                let row: Option<AssessmentRow> = match a.id {
                    None => {
                        let sql = format!(
                            "INSERT INTO assessment (runner_id, entered_by, kind, status, protocol_version, step, raw_json, \
                             result_json, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
                             RETURNING {ASSESSMENT_COLUMNS}"
                        );
                        Some(sqlx::query_as(&sql)
                            .bind(runner_id).bind(actor.user_id).bind(a.kind.as_str()).bind(a.status.as_str())
                            .bind(&a.protocol_version).bind(&a.step).bind(&a.raw_json).bind(&a.result_json).bind(&a.notes).bind(now)
                            .fetch_one(&mut *tx).await?)
                    }
                    Some(id) => {
                        let sql = format!(
                            "UPDATE assessment SET status = $1, step = $2, raw_json = $3, result_json = $4, notes = $5, \
                             updated_at = $6, protocol_version = $7 WHERE id = $8 AND runner_id = $9 AND status = 'draft' \
                             RETURNING {ASSESSMENT_COLUMNS}"
                        );
                        sqlx::query_as(&sql)
                            .bind(a.status.as_str()).bind(&a.step).bind(&a.raw_json).bind(&a.result_json).bind(&a.notes)
                            .bind(now).bind(&a.protocol_version).bind(id).bind(runner_id)
                            .fetch_optional(&mut *tx).await?
                    }
                };
                let Some(row) = row else {
                    return Err(StoreError::Conflict { constraint: "assessment_not_draft".into() });
                };
                tx.commit().await?;
                row.try_into()
            }

            async fn date_assessment(&self, actor: &Actor, id: i64, at: i64) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let runner: Option<(i64,)> = sqlx::query_as("SELECT runner_id FROM assessment WHERE id = $1")
                    .bind(id).fetch_optional(&mut *tx).await?;
                let (runner_id,) = runner.ok_or(StoreError::NotFound)?;
                require_record!(tx, actor, runner_id, "date assessment");
                sqlx::query("UPDATE assessment SET created_at = $1, updated_at = $1 WHERE id = $2")
                    .bind(at).bind(id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn assessment(&self, actor: &Actor, id: i64) -> StoreResult<AssessmentRecord> {
                // Staff always leave an audit row, so they begin on the writer; a runner reads
                // their own on a reader (and anyone else's denial is audited on the writer).
                let mut tx = begin!(self, $begin_write, actor.role.is_staff());
                let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM assessment WHERE id = $1");
                let row: Option<AssessmentRow> = sqlx::query_as(&sql).bind(id).fetch_optional(&mut *tx).await?;
                let row = row.ok_or(StoreError::NotFound)?;
                if !actor.role.is_staff() && row.runner_id != actor.user_id {
                    drop(tx);
                    audit_denial!(self, $begin_write, actor, row.runner_id, "view assessment");
                }
                let access = open_record!(&mut tx, actor, row.runner_id, "view assessment");
                tx.commit().await?;
                access?;
                row.try_into()
            }

            async fn assessments_of(&self, actor: &Actor, runner_id: i64) -> StoreResult<Vec<AssessmentRecord>> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let access = open_record!(&mut tx, actor, runner_id, "list assessments");
                let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM assessment WHERE runner_id = $1 ORDER BY created_at DESC, id DESC");
                let rows: Vec<AssessmentRow> = sqlx::query_as(&sql).bind(runner_id).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                access?;
                rows.into_iter().map(AssessmentRecord::try_from).collect()
            }

            async fn add_programme(&self, actor: &Actor, runner_id: i64, p: &NewProgramme) -> StoreResult<ProgrammeRecord> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_record!(tx, actor, runner_id, "add programme version");
                let (latest,): (Option<i64>,) = sqlx::query_as("SELECT MAX(version) FROM programme WHERE runner_id = $1")
                    .bind(runner_id).fetch_one(&mut *tx).await?;
                let now = now();
                if p.status == ProgrammeStatus::Approved {
                    sqlx::query("UPDATE programme SET status = 'superseded' WHERE runner_id = $1 AND status = 'approved'")
                        .bind(runner_id).execute(&mut *tx).await?;
                }
                let approved = (p.status == ProgrammeStatus::Approved).then_some((actor.user_id, now));
                let sql = format!(
                    "INSERT INTO programme (runner_id, assessment_id, version, status, body_json, created_by, created_at, \
                     approved_by, approved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {PROGRAMME_COLUMNS}"
                );
                let row: ProgrammeRow = sqlx::query_as(&sql)
                    .bind(runner_id).bind(p.assessment_id).bind(latest.unwrap_or(0) + 1).bind(p.status.as_str())
                    .bind(&p.body_json).bind(actor.user_id).bind(now)
                    .bind(approved.map(|a| a.0)).bind(approved.map(|a| a.1))
                    .fetch_one(&mut *tx).await?;
                tx.commit().await?;
                row.try_into()
            }

            async fn approve_programme(&self, actor: &Actor, programme_id: i64) -> StoreResult<ProgrammeRecord> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let found: Option<(i64,)> = sqlx::query_as("SELECT runner_id FROM programme WHERE id = $1")
                    .bind(programme_id).fetch_optional(&mut *tx).await?;
                let (runner_id,) = found.ok_or(StoreError::NotFound)?;
                let access = open_record!(&mut tx, actor, runner_id, "approve programme");
                if access.is_err() || !actor.role.is_staff() {
                    tx.commit().await?;
                    return Err(StoreError::NotFound);
                }
                let now = now();
                sqlx::query("UPDATE programme SET status = 'superseded' WHERE runner_id = $1 AND status = 'approved'")
                    .bind(runner_id).execute(&mut *tx).await?;
                let sql = format!(
                    "UPDATE programme SET status = 'approved', approved_by = $1, approved_at = $2 \
                     WHERE id = $3 AND status = 'suggested' RETURNING {PROGRAMME_COLUMNS}"
                );
                let row: Option<ProgrammeRow> = sqlx::query_as(&sql).bind(actor.user_id).bind(now).bind(programme_id)
                    .fetch_optional(&mut *tx).await?;
                let row = row.ok_or(StoreError::Conflict { constraint: "programme_not_suggested".into() })?;
                tx.commit().await?;
                row.try_into()
            }

            async fn programme(&self, actor: &Actor, programme_id: i64) -> StoreResult<ProgrammeRecord> {
                // Staff always leave an audit row, so they begin on the writer; a runner reads
                // their own on a reader (and anyone else's denial is audited on the writer).
                let mut tx = begin!(self, $begin_write, actor.role.is_staff());
                let sql = format!("SELECT {PROGRAMME_COLUMNS} FROM programme WHERE id = $1");
                let row: Option<ProgrammeRow> = sqlx::query_as(&sql).bind(programme_id).fetch_optional(&mut *tx).await?;
                let row = row.ok_or(StoreError::NotFound)?;
                if !actor.role.is_staff() && row.runner_id != actor.user_id {
                    drop(tx);
                    audit_denial!(self, $begin_write, actor, row.runner_id, "view programme");
                }
                let access = open_record!(&mut tx, actor, row.runner_id, "view programme");
                tx.commit().await?;
                access?;
                row.try_into()
            }

            async fn programmes_of(&self, actor: &Actor, runner_id: i64) -> StoreResult<Vec<ProgrammeRecord>> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let access = open_record!(&mut tx, actor, runner_id, "list programmes");
                let sql = format!("SELECT {PROGRAMME_COLUMNS} FROM programme WHERE runner_id = $1 ORDER BY version DESC");
                let rows: Vec<ProgrammeRow> = sqlx::query_as(&sql).bind(runner_id).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                access?;
                rows.into_iter().map(ProgrammeRecord::try_from).collect()
            }

            async fn add_run(&self, actor: &Actor, runner_id: i64, run: &NewRun) -> StoreResult<RunRecord> {
                // Reads, then writes: begun as a writer so SQLite waits out its busy timeout
                // instead of failing the upgrade with "database is locked".
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_record!(tx, actor, runner_id, "import run");
                let sql = format!(
                    "INSERT INTO run (runner_id, content_hash, file_name, started_at, sport, summary_json, imported_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {RUN_COLUMNS}"
                );
                let row: RunRow = sqlx::query_as(&sql)
                    .bind(runner_id).bind(&run.content_hash).bind(&run.file_name).bind(run.started_at)
                    .bind(&run.sport).bind(crate::packed::pack(&run.summary_json)).bind(now())
                    .fetch_one(&mut *tx).await?;
                tx.commit().await?;
                Ok(row.into())
            }

            async fn runs_of(&self, actor: &Actor, runner_id: i64) -> StoreResult<Vec<RunRecord>> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let access = open_record!(&mut tx, actor, runner_id, "list runs");
                let sql = format!("SELECT {RUN_COLUMNS} FROM run WHERE runner_id = $1 ORDER BY started_at DESC, id DESC");
                let rows: Vec<RunRow> = sqlx::query_as(&sql).bind(runner_id).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                access?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn update_clinic_settings(&self, actor: &Actor, clinic_id: i64, c: &ClinicSettings) -> StoreResult<Clinic> {
                if actor.role != Role::Admin || actor.clinic_id != Some(clinic_id) {
                    return Err(StoreError::NotFound);
                }
                let sql = format!(
                    "UPDATE clinic SET contact = $1, brand_colour = $2, thresholds_json = $3, progression_json = $4 \
                     WHERE id = $5 RETURNING {CLINIC_COLUMNS}"
                );
                let row: Option<ClinicRow> = sqlx::query_as(&sql)
                    .bind(&c.contact).bind(&c.brand_colour).bind(&c.thresholds_json).bind(&c.progression_json).bind(clinic_id)
                    .fetch_optional(&self.pool).await?;
                row.map(Clinic::from).ok_or(StoreError::NotFound)
            }

            async fn add_log(&self, actor: &Actor, runner_id: i64, log: &NewLog) -> StoreResult<(LogRecord, LogSaved)> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_record!(tx, actor, runner_id, "add log");
                let find = format!("SELECT {LOG_COLUMNS} FROM tracking_log WHERE runner_id = $1 AND idempotency_key = $2");
                let existing: Option<LogRow> = sqlx::query_as(&find).bind(runner_id).bind(&log.idempotency_key)
                    .fetch_optional(&mut *tx).await?;
                if let Some(row) = existing {
                    tx.commit().await?;
                    return Ok((row.try_into()?, LogSaved::AlreadyStored));
                }
                let sql = format!(
                    "INSERT INTO tracking_log (runner_id, entered_by, kind, log_date, body_json, idempotency_key, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {LOG_COLUMNS}"
                );
                let inserted: Result<LogRow, sqlx::Error> = sqlx::query_as(&sql)
                    .bind(runner_id).bind(actor.user_id).bind(log.kind.as_str()).bind(&log.log_date)
                    .bind(&log.body_json).bind(&log.idempotency_key).bind(now())
                    .fetch_one(&mut *tx).await;
                match inserted {
                    Ok(row) => {
                        add_to_week_summary!(&mut tx, runner_id, log.kind, &log.body_json);
                        tx.commit().await?;
                        Ok((row.try_into()?, LogSaved::New))
                    }
                    Err(err) => {
                        drop(tx);
                        match StoreError::from(err) {
                            // Sent twice at once: the other request stored it.
                            StoreError::Conflict { constraint } if constraint.contains("idempotency") => {
                                let row: LogRow = sqlx::query_as(&find).bind(runner_id).bind(&log.idempotency_key)
                                    .fetch_one(&self.read).await?;
                                Ok((row.try_into()?, LogSaved::AlreadyStored))
                            }
                            StoreError::Conflict { .. } => Err(StoreError::Conflict { constraint: "tracking_log_one_morning".into() }),
                            other => Err(other),
                        }
                    }
                }
            }

            async fn logs_of(&self, actor: &Actor, runner_id: i64, since: &str) -> StoreResult<Vec<LogRecord>> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let access = open_record!(&mut tx, actor, runner_id, "list logs");
                let sql = format!("SELECT {LOG_COLUMNS} FROM tracking_log WHERE runner_id = $1 AND log_date >= $2 ORDER BY log_date, id");
                let rows: Vec<LogRow> = sqlx::query_as(&sql).bind(runner_id).bind(since).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                access?;
                rows.into_iter().map(LogRecord::try_from).collect()
            }

            async fn save_review(&self, actor: &Actor, runner_id: i64, r: &NewReview) -> StoreResult<ReviewRecord> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_record!(tx, actor, runner_id, "save review");
                let row = upsert_review!(&mut tx, actor, runner_id, r);
                tx.commit().await?;
                row.try_into()
            }

            async fn reviews_of(&self, actor: &Actor, runner_id: i64) -> StoreResult<Vec<ReviewRecord>> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let access = open_record!(&mut tx, actor, runner_id, "list reviews");
                let sql = format!("SELECT {REVIEW_COLUMNS} FROM review WHERE runner_id = $1 ORDER BY review_date DESC, id DESC");
                let rows: Vec<ReviewRow> = sqlx::query_as(&sql).bind(runner_id).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                access?;
                rows.into_iter().map(ReviewRecord::try_from).collect()
            }

            async fn settle_review(&self, actor: &Actor, review_id: i64, status: ReviewStatus, note: &str) -> StoreResult<ReviewRecord> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let found: Option<(i64,)> = sqlx::query_as("SELECT runner_id FROM review WHERE id = $1")
                    .bind(review_id).fetch_optional(&mut *tx).await?;
                let (runner_id,) = found.ok_or(StoreError::NotFound)?;
                let access = open_record!(&mut tx, actor, runner_id, "settle review");
                if access.is_err() || !actor.role.is_staff() {
                    tx.commit().await?;
                    return Err(StoreError::NotFound);
                }
                let sql = format!(
                    "UPDATE review SET status = $1, note = $2, decided_by = $3, decided_at = $4 WHERE id = $5 \
                     AND status = 'suggested' RETURNING {REVIEW_COLUMNS}"
                );
                let row: Option<ReviewRow> = sqlx::query_as(&sql).bind(status.as_str()).bind(note).bind(actor.user_id)
                    .bind(now()).bind(review_id).fetch_optional(&mut *tx).await?;
                let row = row.ok_or(StoreError::Conflict { constraint: "review_not_suggested".into() })?;
                tx.commit().await?;
                row.try_into()
            }

            async fn add_inbox_item(&self, item: &NewInboxItem, now: i64) -> StoreResult<InboxItem> {
                let sql = format!(
                    "INSERT INTO inbox_item (clinic_id, kind, name, email, phone, message, source, stage, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING {INBOX_COLUMNS}"
                );
                let row: InboxRow = sqlx::query_as(&sql)
                    .bind(item.clinic_id).bind(item.kind.as_str()).bind(&item.name).bind(&item.email)
                    .bind(&item.phone).bind(&item.message).bind(&item.source).bind(item.stage.as_str()).bind(now)
                    .fetch_one(&self.pool).await?;
                row.try_into()
            }

            async fn inbox(&self, actor: &Actor) -> StoreResult<Vec<InboxItem>> {
                let (Some(clinic_id), true) = (actor.clinic_id, actor.role.is_staff()) else { return Ok(Vec::new()) };
                let sql = format!("SELECT {INBOX_COLUMNS} FROM inbox_item WHERE clinic_id = $1 ORDER BY created_at DESC, id DESC");
                let rows: Vec<InboxRow> = sqlx::query_as(&sql).bind(clinic_id).fetch_all(&self.read).await?;
                rows.into_iter().map(InboxItem::try_from).collect()
            }

            async fn inbox_item(&self, actor: &Actor, id: i64) -> StoreResult<InboxItem> {
                let (Some(clinic_id), true) = (actor.clinic_id, actor.role.is_staff()) else { return Err(StoreError::NotFound) };
                let sql = format!("SELECT {INBOX_COLUMNS} FROM inbox_item WHERE id = $1 AND clinic_id = $2");
                let row: Option<InboxRow> = sqlx::query_as(&sql).bind(id).bind(clinic_id).fetch_optional(&self.read).await?;
                row.ok_or(StoreError::NotFound)?.try_into()
            }

            async fn update_inbox_item(&self, actor: &Actor, id: i64, stage: InboxStage, notes: &str, now: i64) -> StoreResult<InboxItem> {
                let (Some(clinic_id), true) = (actor.clinic_id, actor.role.is_staff()) else { return Err(StoreError::NotFound) };
                let sql = format!(
                    "UPDATE inbox_item SET stage = $1, notes = $2, updated_at = $3 WHERE id = $4 AND clinic_id = $5 RETURNING {INBOX_COLUMNS}"
                );
                let row: Option<InboxRow> = sqlx::query_as(&sql).bind(stage.as_str()).bind(notes).bind(now).bind(id).bind(clinic_id)
                    .fetch_optional(&self.pool).await?;
                row.ok_or(StoreError::NotFound)?.try_into()
            }

            async fn start_coaching(&self, actor: &Actor, runner_id: i64, c: &NewCoaching) -> StoreResult<Coaching> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_record!(tx, actor, runner_id, "start coaching programme");
                if !actor.role.is_staff() {
                    tx.commit().await?;
                    return Err(StoreError::NotFound);
                }
                let row: (i64, i64) = sqlx::query_as(
                    "INSERT INTO coaching_programme (runner_id, name, weeks, starts_on, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at",
                )
                .bind(runner_id).bind(&c.name).bind(c.weeks).bind(&c.starts_on).bind(actor.user_id).bind(now())
                .fetch_one(&mut *tx).await?;
                tx.commit().await?;
                Ok(Coaching {
                    id: row.0,
                    runner_id,
                    name: c.name.clone(),
                    weeks: c.weeks,
                    starts_on: c.starts_on.clone(),
                    created_by: actor.user_id,
                    created_at: row.1,
                })
            }

            async fn coaching_of(&self, actor: &Actor, runner_id: i64) -> StoreResult<Vec<Coaching>> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let access = open_record!(&mut tx, actor, runner_id, "list coaching programmes");
                let rows: Vec<(i64, String, i64, String, i64, i64)> = sqlx::query_as(
                    "SELECT id, name, weeks, starts_on, created_by, created_at FROM coaching_programme \
                     WHERE runner_id = $1 ORDER BY starts_on DESC, id DESC",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                access?;
                Ok(rows.into_iter().map(|(id, name, weeks, starts_on, created_by, created_at)| Coaching {
                    id, runner_id, name, weeks, starts_on, created_by, created_at,
                }).collect())
            }

            async fn set_calendar_feed(&self, runner_id: i64, token_hash: &str) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                sqlx::query("DELETE FROM calendar_feed WHERE runner_id = $1").bind(runner_id).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO calendar_feed (runner_id, token_hash, created_at) VALUES ($1, $2, $3)")
                    .bind(runner_id)
                    .bind(token_hash)
                    .bind(now())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn calendar_feed_runner(&self, token_hash: &str) -> StoreResult<Option<i64>> {
                let row: Option<(i64,)> = sqlx::query_as("SELECT runner_id FROM calendar_feed WHERE token_hash = $1")
                    .bind(token_hash)
                    .fetch_optional(&self.read)
                    .await?;
                Ok(row.map(|(id,)| id))
            }

            async fn raise_alert(&self, runner_id: i64, tier: AlertTier, reason: &str, now: i64) -> StoreResult<i64> {
                let inserted: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO alert (runner_id, tier, reason, created_at) \
                     SELECT $1, CAST($2 AS TEXT), $3, CAST($4 AS BIGINT) WHERE NOT EXISTS \
                     (SELECT 1 FROM alert WHERE runner_id = $1 AND reason = $3 AND resolved_at IS NULL) RETURNING id",
                )
                .bind(runner_id).bind(tier.as_str()).bind(reason).bind(now)
                .fetch_optional(&self.pool).await?;
                if let Some((id,)) = inserted {
                    return Ok(id);
                }
                let (id,): (i64,) = sqlx::query_as(
                    "SELECT id FROM alert WHERE runner_id = $1 AND reason = $2 AND resolved_at IS NULL ORDER BY id LIMIT 1",
                )
                .bind(runner_id).bind(reason).fetch_one(&self.read).await?;
                Ok(id)
            }

            async fn open_alerts(&self, actor: &Actor) -> StoreResult<Vec<Alert>> {
                let (Some(clinic_id), true) = (actor.clinic_id, actor.role.is_staff()) else { return Ok(Vec::new()) };
                let mut tx = self.pool.begin_with($begin_write).await?;
                let rows: Vec<AlertRow> = sqlx::query_as(
                    "SELECT a.id, a.runner_id, a.tier, a.reason, a.created_at, a.resolved_at FROM alert a \
                     JOIN app_user u ON u.id = a.runner_id WHERE u.clinic_id = $1 AND a.resolved_at IS NULL \
                     ORDER BY CASE a.tier WHEN 'critical' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, a.created_at DESC",
                )
                .bind(clinic_id).fetch_all(&mut *tx).await?;
                let mut alerts = rows.into_iter().map(Alert::try_from).collect::<StoreResult<Vec<_>>>()?;
                let hidden = audit_shown!(&mut tx, actor, alerts.iter().map(|a| a.runner_id), "see open alerts");
                alerts.retain(|a| !hidden.contains(&a.runner_id));
                tx.commit().await?;
                Ok(alerts)
            }

            async fn clinic_outcome_records(&self, actor: &Actor, since: i64) -> StoreResult<OutcomeRecords> {
                let (Some(clinic_id), true) = (actor.clinic_id, actor.role.is_staff()) else {
                    return Ok(OutcomeRecords::default());
                };
                let mut tx = self.pool.begin_with($begin_write).await?;
                let columns = ASSESSMENT_COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT {columns} FROM assessment a JOIN app_user u ON u.id = a.runner_id \
                     WHERE u.clinic_id = $1 AND u.role = 'runner' AND a.status IN ('complete', 'stopped') \
                     AND a.created_at >= $2 ORDER BY a.runner_id, a.created_at, a.id"
                );
                let rows: Vec<AssessmentRow> = sqlx::query_as(&sql).bind(clinic_id).bind(since).fetch_all(&mut *tx).await?;
                let columns = PROGRAMME_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT {columns} FROM programme p JOIN assessment a ON a.id = p.assessment_id \
                     JOIN app_user u ON u.id = p.runner_id \
                     WHERE u.clinic_id = $1 AND a.created_at >= $2 AND p.status <> 'suggested' ORDER BY p.runner_id, p.version"
                );
                let programmes: Vec<ProgrammeRow> = sqlx::query_as(&sql).bind(clinic_id).bind(since).fetch_all(&mut *tx).await?;
                let hidden = audit_shown!(&mut tx, actor, rows.iter().map(|a| a.runner_id), "count in clinic outcomes");
                tx.commit().await?;
                Ok(OutcomeRecords {
                    assessments: rows.into_iter().filter(|a| !hidden.contains(&a.runner_id))
                        .map(AssessmentRecord::try_from).collect::<StoreResult<_>>()?,
                    programmes: programmes.into_iter().filter(|p| !hidden.contains(&p.runner_id))
                        .map(ProgrammeRecord::try_from).collect::<StoreResult<_>>()?,
                })
            }

            async fn set_public_outcomes(&self, actor: &Actor, sentence: Option<&str>, counted_on: &str) -> StoreResult<()> {
                let (Some(clinic_id), Role::Admin) = (actor.clinic_id, actor.role) else {
                    return Err(StoreError::NotFound);
                };
                match sentence {
                    None => {
                        sqlx::query("DELETE FROM clinic_public_outcomes WHERE clinic_id = $1")
                            .bind(clinic_id).execute(&self.pool).await?;
                    }
                    Some(sentence) => {
                        sqlx::query(
                            "INSERT INTO clinic_public_outcomes (clinic_id, enabled_by, sentence, counted_on) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT (clinic_id) DO UPDATE SET sentence = $3, counted_on = $4",
                        )
                        .bind(clinic_id).bind(actor.user_id).bind(sentence).bind(counted_on)
                        .execute(&self.pool).await?;
                    }
                }
                Ok(())
            }

            async fn public_outcomes(&self, clinic_id: i64) -> StoreResult<Option<PublicOutcomes>> {
                Ok(sqlx::query_as(
                    "SELECT clinic_id, enabled_by, sentence, counted_on FROM clinic_public_outcomes WHERE clinic_id = $1",
                )
                .bind(clinic_id).fetch_optional(&self.read).await?)
            }

            async fn clinics_with_public_outcomes(&self) -> StoreResult<Vec<PublicOutcomes>> {
                Ok(sqlx::query_as("SELECT clinic_id, enabled_by, sentence, counted_on FROM clinic_public_outcomes ORDER BY clinic_id")
                    .fetch_all(&self.read).await?)
            }

            async fn session_logs_within(&self, actor: &Actor, windows: &[(i64, String, String)]) -> StoreResult<Vec<LogRecord>> {
                let (Some(clinic_id), true) = (actor.clinic_id, actor.role.is_staff()) else { return Ok(Vec::new()) };
                if windows.is_empty() {
                    return Ok(Vec::new());
                }
                if windows.len() > crate::MAX_LOG_WINDOWS {
                    return Err(StoreError::Other(format!("at most {} windows a call", crate::MAX_LOG_WINDOWS)));
                }
                let within = (0..windows.len())
                    .map(|k| format!("(l.runner_id = ${} AND l.log_date BETWEEN ${} AND ${})", 3 * k + 2, 3 * k + 3, 3 * k + 4))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                let columns = LOG_COLUMNS.split(", ").map(|c| format!("l.{c}")).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT {columns} FROM tracking_log l JOIN app_user u ON u.id = l.runner_id \
                     WHERE u.clinic_id = $1 AND l.kind = 'session' AND ({within})"
                );
                let mut query = sqlx::query_as::<_, LogRow>(&sql).bind(clinic_id);
                for (runner_id, first, last) in windows {
                    query = query.bind(*runner_id).bind(first.as_str()).bind(last.as_str());
                }
                let rows = query.fetch_all(&self.read).await?;
                rows.into_iter().map(LogRecord::try_from).collect()
            }

            async fn resolve_alert(&self, actor: &Actor, alert_id: i64, now: i64) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let found: Option<(i64,)> = sqlx::query_as("SELECT runner_id FROM alert WHERE id = $1")
                    .bind(alert_id).fetch_optional(&mut *tx).await?;
                let (runner_id,) = found.ok_or(StoreError::NotFound)?;
                let access = open_record!(&mut tx, actor, runner_id, "resolve alert");
                if access.is_err() || !actor.role.is_staff() {
                    tx.commit().await?;
                    return Err(StoreError::NotFound);
                }
                sqlx::query("UPDATE alert SET resolved_at = $1, resolved_by = $2 WHERE id = $3 AND resolved_at IS NULL")
                    .bind(now).bind(actor.user_id).bind(alert_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn audit_events_about(&self, runner_id: i64) -> StoreResult<Vec<AuditEvent>> {
                let rows: Vec<AuditRow> = sqlx::query_as(&format!(
                    "SELECT e.id, e.at, e.actor_user_id, e.action, e.outcome, e.detail FROM audit_event e \
                     WHERE {AUDIT_ABOUT} ORDER BY e.id DESC"
                ))
                .bind(runner_id)
                .fetch_all(&self.read)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| AuditEvent {
                        id: r.id,
                        at: r.at,
                        actor_user_id: r.actor_user_id,
                        // Every event here is about this runner (a list view's names them).
                        subject_user_id: runner_id,
                        action: r.action,
                        outcome: r.outcome,
                        detail: r.detail,
                    })
                    .collect())
            }

            async fn enqueue_email(&self, email: &NewEmail, now: i64) -> StoreResult<i64> {
                insert_email!(&self.pool, email, now)
            }

            async fn claim_due_emails(&self, now: i64, limit: i64) -> StoreResult<Vec<OutboxEmail>> {
                // The outer status test is re-checked under the row lock on PostgreSQL, so two
                // workers never claim the same email.
                let sql = format!(
                    "UPDATE outbox_email SET status = 'sending', locked_until = $1 \
                     WHERE (status = 'pending' OR (status = 'sending' AND locked_until < $2)) AND id IN ( \
                         SELECT id FROM outbox_email \
                         WHERE (status = 'pending' AND next_attempt_at <= $2) \
                            OR (status = 'sending' AND locked_until < $2) \
                         ORDER BY id LIMIT $3) \
                     RETURNING {OUTBOX_COLUMNS}"
                );
                let rows: Vec<OutboxRow> = sqlx::query_as(&sql)
                    .bind(now + CLAIM_SECONDS)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                let mut emails: Vec<OutboxEmail> = rows.into_iter().map(Into::into).collect();
                emails.sort_by_key(|e| e.id);
                Ok(emails)
            }

            async fn mark_email_sent(&self, id: i64, now: i64) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE outbox_email SET status = 'sent', sent_at = $1, attempts = attempts + 1, \
                     locked_until = NULL, last_error = NULL WHERE id = $2",
                )
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mark_email_attempt_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> StoreResult<()> {
                let status = if retry_at.is_some() { "pending" } else { "failed" };
                sqlx::query(
                    "UPDATE outbox_email SET status = $1, attempts = attempts + 1, last_error = $2, \
                     next_attempt_at = COALESCE($3, next_attempt_at), locked_until = NULL WHERE id = $4",
                )
                .bind(status)
                .bind(error)
                .bind(retry_at)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn outbox(&self, limit: i64) -> StoreResult<Vec<OutboxEmail>> {
                let sql = format!(
                    "SELECT {OUTBOX_COLUMNS} FROM outbox_email \
                     ORDER BY CASE status WHEN 'failed' THEN 0 ELSE 1 END, id DESC LIMIT $1"
                );
                let rows: Vec<OutboxRow> = sqlx::query_as(&sql).bind(limit).fetch_all(&self.read).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn retry_email(&self, id: i64, now: i64) -> StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE outbox_email SET status = 'pending', next_attempt_at = $1 WHERE id = $2 AND status = 'failed'",
                )
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
            }

            async fn clinic_outbox(&self, actor: &Actor, limit: i64) -> StoreResult<Vec<OutboxEmail>> {
                let (Some(clinic_id), Role::Admin) = (actor.clinic_id, actor.role) else { return Err(StoreError::NotFound) };
                let mut tx = self.pool.begin_with($begin_write).await?;
                let sql = format!(
                    "SELECT {OUTBOX_COLUMNS} FROM outbox_email WHERE clinic_id = $1 \
                     ORDER BY CASE status WHEN 'failed' THEN 0 ELSE 1 END, id DESC LIMIT $2"
                );
                let rows: Vec<OutboxRow> = sqlx::query_as(&sql).bind(clinic_id).bind(limit).fetch_all(&mut *tx).await?;
                let mut emails: Vec<OutboxEmail> = rows.into_iter().map(Into::into).collect();
                let hidden = audit_shown!(&mut tx, actor, emails.iter().filter_map(|e| e.about_runner), "see emails in the outbox");
                emails.retain(|e| e.about_runner.is_none_or(|r| !hidden.contains(&r)));
                tx.commit().await?;
                Ok(emails)
            }

            async fn retry_clinic_email(&self, actor: &Actor, id: i64, now: i64) -> StoreResult<()> {
                let (Some(clinic_id), Role::Admin) = (actor.clinic_id, actor.role) else { return Err(StoreError::NotFound) };
                let mut tx = self.pool.begin_with($begin_write).await?;
                let found: Option<(Option<i64>,)> = sqlx::query_as(
                    "SELECT about_user_id FROM outbox_email WHERE id = $1 AND clinic_id = $2",
                )
                .bind(id).bind(clinic_id).fetch_optional(&mut *tx).await?;
                let Some((about,)) = found else { return Err(StoreError::NotFound) };
                if let Some(runner_id) = about {
                    require_record!(tx, actor, runner_id, "send an outbox email again");
                }
                let done = sqlx::query(
                    "UPDATE outbox_email SET status = 'pending', next_attempt_at = $1 \
                     WHERE id = $2 AND clinic_id = $3 AND status = 'failed'",
                )
                .bind(now).bind(id).bind(clinic_id).execute(&mut *tx).await?;
                tx.commit().await?;
                if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
            }
        }
    };
}

/// Checks that `actor` may open `runner_id`'s record inside transaction `tx`, appending an audit
/// event when the actor is someone else (allowed or denied). Evaluates to `StoreResult<User>`;
/// the caller commits so the audit event is kept even when access is denied.
macro_rules! open_record {
    ($tx:expr, $actor:expr, $runner_id:expr, $action:expr) => {{
        let tx = $tx;
        let actor: &Actor = $actor;
        let runner_id: i64 = $runner_id;
        let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE id = $1");
        let row: Option<UserRow> = sqlx::query_as(&sql).bind(runner_id).fetch_optional(&mut **tx).await?;
        let runner = row.map(User::try_from).transpose()?;
        let allowed = runner.filter(|r| r.role == Role::Runner && actor.may_see(r));
        if actor.user_id != runner_id {
            let outcome = if allowed.is_some() { "allowed" } else { "denied" };
            sqlx::query(
                "INSERT INTO audit_event (at, actor_user_id, subject_user_id, action, outcome, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(now())
            .bind(actor.user_id)
            .bind(runner_id)
            .bind($action)
            .bind(outcome)
            .bind(format!("actor role {}", actor.role))
            .execute(&mut **tx)
            .await?;
        }
        allowed.ok_or(StoreError::NotFound)
    }};
}

/// Most runners one audit statement of `audit_shown!` names (one or two parameters each, well
/// within every backend's limit).
pub(crate) const AUDIT_CHUNK: usize = 1000;

/// The digest that finds a stored list of runners again: the count and two 64-bit hashes of
/// the sorted ids (FNV-1a and a SplitMix64 chain), so two different lists never share one in
/// practice.
pub(crate) fn runner_list_digest(sorted: &[i64]) -> String {
    let mut fnv: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix: u64 = 0x9e37_79b9_7f4a_7c15;
    for id in sorted {
        for b in id.to_le_bytes() {
            fnv = (fnv ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        let mut z = mix ^ (*id as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        mix = z ^ (z >> 31);
    }
    format!("{}-{fnv:016x}{mix:016x}", sorted.len())
}

/// Audits a staff member's sight of several runners' details at once, with the same rule as
/// `open_record!` for each distinct runner id of `$runners`: a runner the actor may not see is
/// one denied event each (as before), left out by the caller (the macro evaluates to their
/// ids); the runners the actor may see are **one** event for the whole view, whose stored list
/// (`audit_list`, shared by every view of the same runners) names them. Statements: one read
/// of the runners per [`AUDIT_CHUNK`], then usually one to find the list and one for the event.
///
/// The `visible` form is for ids the caller read in this view under the actor's own scope
/// (staff of the runners' clinic, runners only): it skips the read of the runners.
macro_rules! audit_shown {
    ($tx:expr, $actor:expr, $runners:expr, $action:expr) => {{
        let tx = $tx;
        let actor: &Actor = $actor;
        let action: &str = $action;
        let mut runners: Vec<i64> = $runners.collect();
        runners.sort_unstable();
        runners.dedup();
        let mut hidden: Vec<i64> = Vec::new();
        let mut shown: Vec<i64> = Vec::with_capacity(runners.len());
        for chunk in runners.chunks(crate::sql::AUDIT_CHUNK) {
            let list = (1..=chunk.len()).map(|k| format!("${k}")).collect::<Vec<_>>().join(", ");
            let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE id IN ({list})");
            let mut query = sqlx::query_as::<_, UserRow>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            let rows: Vec<UserRow> = query.fetch_all(&mut **tx).await?;
            let mut allowed = std::collections::HashSet::with_capacity(rows.len());
            for row in rows {
                let runner = User::try_from(row)?;
                if runner.role == Role::Runner && actor.may_see(&runner) {
                    allowed.insert(runner.id);
                }
            }
            let denied: Vec<i64> = chunk.iter().copied().filter(|id| !allowed.contains(id)).collect();
            shown.extend(chunk.iter().copied().filter(|id| allowed.contains(id)));
            let others: Vec<i64> = denied.iter().copied().filter(|id| *id != actor.user_id).collect();
            if !others.is_empty() {
                let values = (0..others.len())
                    .map(|k| format!("($1, $2, ${}, $3, 'denied', $4)", k + 5))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!(
                    "INSERT INTO audit_event (at, actor_user_id, subject_user_id, action, outcome, detail) VALUES {values}"
                );
                let mut insert = sqlx::query(&sql)
                    .bind(now())
                    .bind(actor.user_id)
                    .bind(action)
                    .bind(format!("actor role {}", actor.role));
                for id in others {
                    insert = insert.bind(id);
                }
                insert.execute(&mut **tx).await?;
            }
            hidden.extend(denied);
        }
        crate::sql::audit_shown!(tx, actor, shown.into_iter(), action, visible);
        hidden
    }};
    ($tx:expr, $actor:expr, $runners:expr, $action:expr, visible) => {{
        let tx = $tx;
        let actor: &Actor = $actor;
        let action: &str = $action;
        let mut runners: Vec<i64> = $runners.filter(|id| *id != actor.user_id).collect();
        runners.sort_unstable();
        runners.dedup();
        if !runners.is_empty() {
            let digest = crate::sql::runner_list_digest(&runners);
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM audit_list WHERE digest = $1")
                .bind(&digest).fetch_optional(&mut **tx).await?;
            let list_id = match found {
                Some((id,)) => id,
                None => {
                    // A new list: stored once, with its runners. (Two views of the same new
                    // list at once on PostgreSQL: the second finds the first's after it waits.)
                    let made: Option<(i64,)> = sqlx::query_as(
                        "INSERT INTO audit_list (digest, runners, created_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (digest) DO NOTHING RETURNING id",
                    )
                    .bind(&digest).bind(runners.len() as i64).bind(now())
                    .fetch_optional(&mut **tx).await?;
                    match made {
                        Some((id,)) => {
                            for chunk in runners.chunks(crate::sql::AUDIT_CHUNK) {
                                let values = (0..chunk.len()).map(|k| format!("(${}, $1)", k + 2)).collect::<Vec<_>>().join(", ");
                                let sql = format!("INSERT INTO audit_list_runner (runner_id, list_id) VALUES {values}");
                                let mut insert = sqlx::query(&sql).bind(id);
                                for runner in chunk {
                                    insert = insert.bind(*runner);
                                }
                                insert.execute(&mut **tx).await?;
                            }
                            id
                        }
                        None => {
                            let (id,): (i64,) = sqlx::query_as("SELECT id FROM audit_list WHERE digest = $1")
                                .bind(&digest).fetch_one(&mut **tx).await?;
                            id
                        }
                    }
                }
            };
            sqlx::query(
                "INSERT INTO audit_event (at, actor_user_id, subject_user_id, action, outcome, detail, list_id) \
                 VALUES ($1, $2, 0, $3, 'allowed', $4, $5)",
            )
            .bind(now())
            .bind(actor.user_id)
            .bind(action)
            .bind(format!("actor role {}; {} runners", actor.role, runners.len()))
            .bind(list_id)
            .execute(&mut **tx)
            .await?;
        }
    }};
}

/// One list view's audit event, waiting to be written.
#[derive(Debug)]
struct ListView {
    actor: Actor,
    runners: Vec<i64>,
    action: String,
    /// Where the outcome of the write goes.
    done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

/// Group commit of list views' audit events. A view's event must be stored before its runners'
/// details are shown, and on SQLite with `synchronous = full` each commit waits for the disk
/// (a few milliseconds here): one commit per view would cap every list at a few hundred views a
/// second. So a view queues its event, and whoever holds `writer` writes every queued event in
/// one transaction and tells each view; a view that finds its event written returns.
#[derive(Debug, Default)]
pub struct ListViews {
    queued: std::sync::Mutex<Vec<ListView>>,
    writer: tokio::sync::Mutex<()>,
}

impl ListViews {
    fn queued(&self) -> std::sync::MutexGuard<'_, Vec<ListView>> {
        // Pushing or taking a whole vector cannot leave it half-done: carry on after a panic.
        self.queued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What a waiting view learns: written, failed, or not yet.
fn outcome(rx: &mut tokio::sync::oneshot::Receiver<Result<(), String>>) -> Option<StoreResult<()>> {
    use tokio::sync::oneshot::error::TryRecvError;
    match rx.try_recv() {
        Ok(result) => Some(result.map_err(StoreError::Other)),
        Err(TryRecvError::Empty) => None,
        Err(TryRecvError::Closed) => Some(Err(StoreError::Other(
            "the audit event's write was abandoned".to_owned(),
        ))),
    }
}

macro_rules! impl_list_views {
    ($db:ty, $begin_write:literal) => {
        impl SqlStore<$db> {
            /// Stores the audit event of `actor`'s view of a list of `runners` (read under the
            /// actor's own scope: `audit_shown!`'s `visible` form), committed with any other
            /// views' queued at the same time, before returning.
            pub(crate) async fn audit_view(
                &self,
                actor: &Actor,
                runners: impl Iterator<Item = i64>,
                action: &str,
            ) -> StoreResult<()> {
                let (done, mut rx) = tokio::sync::oneshot::channel();
                self.views.queued().push(ListView {
                    actor: actor.clone(),
                    runners: runners.collect(),
                    action: action.to_owned(),
                    done,
                });
                let _writer = self.views.writer.lock().await;
                // A writer before us may have written ours with theirs.
                if let Some(result) = outcome(&mut rx) {
                    return result;
                }
                let views = std::mem::take(&mut *self.views.queued());
                let written = self.write_views(&views).await.map_err(|e| e.to_string());
                for view in views {
                    let _ = view.done.send(written.clone());
                }
                outcome(&mut rx).unwrap_or_else(|| {
                    Err(StoreError::Other(
                        "the audit event was not written".to_owned(),
                    ))
                })
            }

            async fn write_views(&self, views: &[ListView]) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                for view in views {
                    audit_shown!(
                        &mut tx,
                        &view.actor,
                        view.runners.iter().copied(),
                        &view.action,
                        visible
                    );
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

impl_list_views!(Sqlite, "BEGIN IMMEDIATE");
impl_list_views!(Postgres, "BEGIN");

/// The condition of the events about runner `$1` (alias `e` for `audit_event`): those about
/// them alone and those of every list view that named them.
macro_rules! audit_about {
    () => {
        "(e.subject_user_id = $1 OR e.list_id IN (SELECT l.list_id FROM audit_list_runner l WHERE l.runner_id = $1))"
    };
}

/// [`audit_about!`] as a constant.
pub(crate) const AUDIT_ABOUT: &str = audit_about!();

/// How many events are about runner `$1`.
pub(crate) const AUDIT_COUNT: &str =
    concat!("SELECT COUNT(*) FROM audit_event e WHERE ", audit_about!());

pub(crate) use open_record;

/// Stores review `$r` of `$runner_id` inside transaction `$tx` (after `open_record!` let the
/// actor in): inserted, or the same day's review of that kind replaced unless it was settled
/// (accepted or overridden) and `$r` is a suggestion. Evaluates to the stored `ReviewRow`.
macro_rules! upsert_review {
    ($tx:expr, $actor:expr, $runner_id:expr, $r:expr) => {{
        let tx = $tx;
        let actor: &Actor = $actor;
        let runner_id: i64 = $runner_id;
        let r: &NewReview = $r;
        let now = now();
        let decided = (r.status != ReviewStatus::Suggested).then_some((actor.user_id, now));
        // One statement: inserted, or the day's review already there updated unless it was
        // settled and this is a suggestion. An upsert, so logs of one day saved at once on
        // PostgreSQL never meet the unique key.
        let upsert = format!(
            "INSERT INTO review (runner_id, programme_id, review_date, kind, status, body_json, decided_by, \
             decided_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (runner_id, programme_id, review_date, kind) DO UPDATE SET body_json = excluded.body_json, \
             status = excluded.status, decided_by = excluded.decided_by, decided_at = excluded.decided_at \
             WHERE review.status = 'suggested' OR excluded.status <> 'suggested' RETURNING {REVIEW_COLUMNS}"
        );
        let stored: Option<ReviewRow> = sqlx::query_as(&upsert)
            .bind(runner_id).bind(r.programme_id).bind(&r.review_date).bind(r.kind.as_str())
            .bind(r.status.as_str()).bind(&r.body_json)
            .bind(decided.map(|d| d.0)).bind(decided.map(|d| d.1)).bind(now)
            .fetch_optional(&mut **tx).await?;
        let row: ReviewRow = match stored {
            Some(row) => row,
            // A settled review is kept as it is.
            None => {
                let find = format!(
                    "SELECT {REVIEW_COLUMNS} FROM review WHERE runner_id = $1 AND programme_id = $2 AND review_date = $3 AND kind = $4"
                );
                sqlx::query_as(&find)
                    .bind(runner_id).bind(r.programme_id).bind(&r.review_date).bind(r.kind.as_str())
                    .fetch_one(&mut **tx).await?
            }
        };
        row
    }};
}
pub(crate) use upsert_review;

/// For a read begun on a reader that turns out to be about someone else's record: records the
/// denied attempt on the writer (`open_record!` audits it) and returns `NotFound` from the
/// calling method.
macro_rules! audit_denial {
    ($self:ident, $begin_write:literal, $actor:expr, $runner_id:expr, $action:expr) => {{
        let mut tx = $self.pool.begin_with($begin_write).await?;
        let access = open_record!(&mut tx, $actor, $runner_id, $action);
        tx.commit().await?;
        access?;
        return Err(StoreError::NotFound);
    }};
}

/// Like `open_record!`, but returns from the calling method on denial — after committing, so
/// the denied attempt stays in the audit trail.
macro_rules! require_record {
    ($tx:ident, $actor:expr, $runner_id:expr, $action:expr) => {
        match open_record!(&mut $tx, $actor, $runner_id, $action) {
            Ok(runner) => runner,
            Err(denied) => {
                $tx.commit().await?;
                return Err(denied);
            }
        }
    };
}

pub(crate) use require_record;

/// Queues an email on any executor (pool or transaction): due at its `send_at`, else at `now`.
/// Evaluates to `StoreResult<i64>`, the email's id.
macro_rules! insert_email {
    ($executor:expr, $email:expr, $now:expr) => {{
        let email: &NewEmail = $email;
        let now: i64 = $now;
        let attachment = email.attachment.as_ref();
        let row: Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO outbox_email (to_address, subject, body_text, next_attempt_at, created_at, \
             attachment_name, attachment_type, attachment_body, clinic_id, about_user_id, \
             list_unsubscribe) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(email.to.as_str())
        .bind(&email.subject)
        .bind(&email.body_text)
        .bind(email.send_at.unwrap_or(now))
        .bind(now)
        .bind(attachment.map(|a| a.file_name.as_str()))
        .bind(attachment.map(|a| a.content_type.as_str()))
        .bind(attachment.map(|a| a.body.as_str()))
        .bind(email.clinic_id)
        .bind(email.about_runner)
        .bind(email.list_unsubscribe.as_deref())
        .fetch_one($executor)
        .await;
        row.map(|(id,)| id).map_err(StoreError::from)
    }};
}
pub(crate) use audit_shown;
pub(crate) use insert_email;

/// Inserts a user on any executor (pool or transaction); shared by sign-up and invites.
/// Stores an emailed single-use link's hash; `purpose` keeps reset and sign-in links apart.
macro_rules! insert_emailed_link {
    ($executor:expr, $purpose:literal, $user_id:expr, $token_hash:expr, $expires_at:expr) => {{
        sqlx::query("INSERT INTO password_reset (token_hash, user_id, expires_at, purpose) VALUES ($1, $2, $3, $4)")
            .bind($token_hash)
            .bind($user_id)
            .bind($expires_at)
            .bind($purpose)
            .execute($executor)
            .await?;
        Ok(())
    }};
}

/// Uses an emailed link of `purpose` once, if it is unexpired at `now`; returns its user.
macro_rules! consume_emailed_link {
    ($executor:expr, $purpose:literal, $token_hash:expr, $now:expr) => {{
        let user: Option<(i64,)> = sqlx::query_as(
            "UPDATE password_reset SET used_at = $1 \
             WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind($now)
        .bind($token_hash)
        .bind($purpose)
        .fetch_optional($executor)
        .await?;
        Ok(user.map(|(id,)| id))
    }};
}

macro_rules! insert_user {
    ($executor:expr, $user:expr) => {{
        let user: &NewUser = $user;
        let (distance, mass) = unit_columns(user.units.as_ref());
        let sql = format!(
            "INSERT INTO app_user (clinic_id, email, display_name, password_hash, role, time_zone, \
             distance_unit, mass_unit, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING {USER_COLUMNS}"
        );
        let row: Result<UserRow, sqlx::Error> = sqlx::query_as(&sql)
            .bind(user.clinic_id)
            .bind(user.email.as_str())
            .bind(&user.display_name)
            .bind(&user.password_hash)
            .bind(user.role.as_str())
            .bind(user.time_zone.as_str())
            .bind(distance)
            .bind(mass)
            .bind(now())
            .fetch_one($executor)
            .await;
        row.map_err(StoreError::from).and_then(User::try_from)
    }};
}

// The last argument begins every transaction. Nearly all of them read and then write (the
// audit row of a staff member's access, or the change itself), and SQLite refuses at once —
// without waiting out its busy timeout — to turn a WAL read snapshot into a write once another
// connection has written; `BEGIN IMMEDIATE` takes the write lock up front so writers queue.
impl_store!(
    Sqlite,
    "sqlite",
    "./migrations/sqlite",
    Sqlite,
    "BEGIN IMMEDIATE",
    migrate_sqlite
);
impl_store!(
    Postgres,
    "postgres",
    "./migrations/postgres",
    Postgres,
    "BEGIN",
    migrate_postgres
);
