//! The SQL implementation of [`Store`], written once and compiled for SQLite and PostgreSQL.
//!
//! Both backends accept `$1`-style parameters and `RETURNING`, so every statement is shared;
//! only the migrations differ. The `impl_store!` macro type-checks the same method bodies
//! against each backend's pool.

use crate::model::{units_from, *};
use crate::{Actor, SessionBackend, Store, StoreError, StoreResult};
use async_trait::async_trait;
use backstride_core::{Email, Role, TimeZoneName};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Database, Pool, Postgres, Sqlite};
use std::str::FromStr;
use std::time::Duration;

/// A store on one SQL database; `DB` is [`Sqlite`] or [`Postgres`].
#[derive(Debug, Clone)]
pub struct SqlStore<DB: Database> {
    pool: Pool<DB>,
}

impl<DB: Database> SqlStore<DB> {
    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }
}

impl SqlStore<Sqlite> {
    /// Opens (creating if missing) a SQLite database in WAL mode with foreign keys on and a
    /// busy timeout, so concurrent writers wait instead of failing.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url)?
        } else {
            SqliteConnectOptions::new().filename(url)
        }
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(SqlStore { pool })
    }
}

impl SqlStore<Postgres> {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(SqlStore { pool })
    }
}

const USER_COLUMNS: &str = "id, clinic_id, email, display_name, password_hash, role, time_zone, distance_unit, mass_unit, created_at";
const CLINIC_COLUMNS: &str = "id, name, distance_unit, mass_unit, time_zone";
const OUTBOX_COLUMNS: &str = "id, to_address, subject, body_text, status, attempts, next_attempt_at, last_error, created_at, sent_at";
/// How long a claimed email stays reserved for the worker that claimed it.
const CLAIM_SECONDS: i64 = 120;

#[derive(sqlx::FromRow)]
struct UserRow {
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
struct ClinicRow {
    id: i64,
    name: String,
    distance_unit: String,
    mass_unit: String,
    time_zone: String,
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
        }
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
        }
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    actor_user_id: i64,
    subject_user_id: i64,
    action: String,
    outcome: String,
    detail: String,
}

fn corrupt(err: impl std::fmt::Display) -> StoreError {
    StoreError::Other(format!("stored value does not parse: {err}"))
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn unit_columns(
    units: Option<&backstride_core::UnitPreference>,
) -> (Option<&'static str>, Option<&'static str>) {
    (
        units.map(|u| u.distance.as_str()),
        units.map(|u| u.mass.as_str()),
    )
}

macro_rules! impl_store {
    ($db:ty, $name:literal, $migrations:literal, $sessions:ident) => {
        #[async_trait]
        impl Store for SqlStore<$db> {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn migrate(&self) -> StoreResult<()> {
                sqlx::migrate!($migrations).run(&self.pool).await?;
                self.session_backend().migrate().await
            }

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            fn session_backend(&self) -> SessionBackend {
                SessionBackend::$sessions(self.pool.clone())
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
                let row: ClinicRow = sqlx::query_as(&sql).bind(id).fetch_one(&self.pool).await?;
                Ok(row.into())
            }

            async fn clinic_by_name(&self, name: &str) -> StoreResult<Clinic> {
                let sql = format!("SELECT {CLINIC_COLUMNS} FROM clinic WHERE name = $1");
                let row: ClinicRow = sqlx::query_as(&sql).bind(name).fetch_one(&self.pool).await?;
                Ok(row.into())
            }

            async fn default_clinic(&self) -> StoreResult<Option<Clinic>> {
                let sql = format!("SELECT {CLINIC_COLUMNS} FROM clinic ORDER BY id LIMIT 1");
                let row: Option<ClinicRow> = sqlx::query_as(&sql).fetch_optional(&self.pool).await?;
                Ok(row.map(Into::into))
            }

            async fn create_user(&self, user: &NewUser) -> StoreResult<User> {
                let mut tx = self.pool.begin().await?;
                let created = insert_user!(&mut *tx, user)?;
                tx.commit().await?;
                Ok(created)
            }

            async fn user(&self, id: i64) -> StoreResult<User> {
                let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE id = $1");
                let row: UserRow = sqlx::query_as(&sql).bind(id).fetch_one(&self.pool).await?;
                row.try_into()
            }

            async fn user_by_email(&self, email: &Email) -> StoreResult<User> {
                let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE email = $1");
                let row: UserRow = sqlx::query_as(&sql).bind(email.as_str()).fetch_one(&self.pool).await?;
                row.try_into()
            }

            async fn users_in_clinic(&self, clinic_id: i64) -> StoreResult<Vec<User>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE clinic_id = $1 ORDER BY role, display_name, id");
                let rows: Vec<UserRow> = sqlx::query_as(&sql).bind(clinic_id).fetch_all(&self.pool).await?;
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
                sqlx::query("INSERT INTO password_reset (token_hash, user_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn consume_password_reset(&self, token_hash: &str, now: i64) -> StoreResult<Option<i64>> {
                let user: Option<(i64,)> = sqlx::query_as(
                    "UPDATE password_reset SET used_at = $1 \
                     WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
                )
                .bind(now)
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                Ok(user.map(|(id,)| id))
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
                .fetch_optional(&self.pool)
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
                let mut tx = self.pool.begin().await?;
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
                .fetch_one(&self.pool)
                .await?;
                Ok(LoginFailures { for_email, for_ip })
            }

            async fn clear_login_failures(&self, email: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM login_failure WHERE email = $1").bind(email).execute(&self.pool).await?;
                Ok(())
            }

            async fn open_runner_record(&self, actor: &Actor, runner_id: i64, action: &str) -> StoreResult<User> {
                let mut tx = self.pool.begin().await?;
                let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE id = $1");
                let row: Option<UserRow> = sqlx::query_as(&sql).bind(runner_id).fetch_optional(&mut *tx).await?;
                let runner = row.map(User::try_from).transpose()?;
                let allowed = runner.as_ref().filter(|r| r.role == Role::Runner && actor.may_see(r));
                if actor.user_id != runner_id {
                    let outcome = if allowed.is_some() { "allowed" } else { "denied" };
                    sqlx::query(
                        "INSERT INTO audit_event (at, actor_user_id, subject_user_id, action, outcome, detail) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(now())
                    .bind(actor.user_id)
                    .bind(runner_id)
                    .bind(action)
                    .bind(outcome)
                    .bind(format!("actor role {}", actor.role))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                allowed.cloned().ok_or(StoreError::NotFound)
            }

            async fn audit_events_about(&self, runner_id: i64) -> StoreResult<Vec<AuditEvent>> {
                let rows: Vec<AuditRow> = sqlx::query_as(
                    "SELECT id, at, actor_user_id, subject_user_id, action, outcome, detail FROM audit_event \
                     WHERE subject_user_id = $1 ORDER BY id DESC",
                )
                .bind(runner_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| AuditEvent {
                        id: r.id,
                        at: r.at,
                        actor_user_id: r.actor_user_id,
                        subject_user_id: r.subject_user_id,
                        action: r.action,
                        outcome: r.outcome,
                        detail: r.detail,
                    })
                    .collect())
            }

            async fn enqueue_email(&self, email: &NewEmail, now: i64) -> StoreResult<i64> {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO outbox_email (to_address, subject, body_text, next_attempt_at, created_at) \
                     VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(email.to.as_str())
                .bind(&email.subject)
                .bind(&email.body_text)
                .bind(now)
                .fetch_one(&self.pool)
                .await?;
                Ok(id)
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
                let rows: Vec<OutboxRow> = sqlx::query_as(&sql).bind(limit).fetch_all(&self.pool).await?;
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
        }
    };
}

/// Inserts a user on any executor (pool or transaction); shared by sign-up and invites.
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

impl_store!(Sqlite, "sqlite", "./migrations/sqlite", Sqlite);
impl_store!(Postgres, "postgres", "./migrations/postgres", Postgres);
