//! Reminders to log on Today (`0012`): the runner's chosen time and days, the due ones found by
//! index for the hourly task, and the reminders sent — at most one per runner and local date,
//! each with the hash of its "turn reminders off" link.
//!
//! Access: the runner reads and saves only their own row (the web passes the logged-in
//! runner's id); the hourly task and the emailed link act without a session, like the outbox
//! and the front door's unsubscribe. Nothing here reads what a runner logged beyond whether
//! anything is dated on the reminder's day.

use crate::model::NewEmail;
use crate::sql::insert_email;
use crate::{SqlStore, StoreError, StoreResult};
use async_trait::async_trait;

/// A runner's reminder as stored. `minute_of_day` and `days` are checked by core's
/// `tracking::reminders::ReminderTime::from_stored` before use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderRecord {
    pub runner_id: i64,
    pub enabled: bool,
    pub minute_of_day: i64,
    pub days: i64,
    /// The next reminder instant (Unix seconds).
    pub next_due_at: i64,
    pub updated_at: i64,
}

/// What the runner chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveReminder {
    pub enabled: bool,
    pub minute_of_day: i64,
    pub days: i64,
    pub next_due_at: i64,
}

/// One reminder to send: the day it is for, its link's hash, the email, and when the next
/// one falls.
#[derive(Debug, Clone)]
pub struct ReminderToSend<'a> {
    pub runner_id: i64,
    /// `YYYY-MM-DD` in the runner's time zone.
    pub local_date: &'a str,
    pub token_hash: &'a str,
    pub email: &'a NewEmail,
    pub next_due_at: i64,
}

/// What became of a due reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderOutcome {
    /// Queued in the outbox.
    Sent,
    /// The runner had logged something dated that day.
    AlreadyLogged,
    /// A reminder for that day was already sent.
    AlreadySent,
}

#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// The runner's reminder, if they ever chose one.
    async fn reminder(&self, runner_id: i64) -> StoreResult<Option<ReminderRecord>>;
    /// Saves the runner's reminder (insert or replace).
    async fn save_reminder(
        &self,
        runner_id: i64,
        reminder: &SaveReminder,
        now: i64,
    ) -> StoreResult<ReminderRecord>;
    /// Turns the runner's reminders off, keeping the time and days for next time.
    async fn reminders_off(&self, runner_id: i64, now: i64) -> StoreResult<()>;
    /// Enabled reminders due by `now`, earliest first, at most `limit`.
    async fn due_reminders(&self, now: i64, limit: i64) -> StoreResult<Vec<ReminderRecord>>;
    /// Moves a reminder's next instant on without sending anything.
    async fn reschedule_reminder(&self, runner_id: i64, next_due_at: i64) -> StoreResult<()>;
    /// In one transaction: queues the reminder's email unless the runner logged anything dated
    /// `local_date` or one was sent for that date already, and moves `next_due_at` on.
    async fn send_reminder(
        &self,
        send: &ReminderToSend<'_>,
        now: i64,
    ) -> StoreResult<ReminderOutcome>;
    /// The runner whose reminder email carried the link with this hash.
    async fn reminder_link_runner(&self, token_hash: &str) -> StoreResult<Option<i64>>;
}

pub(crate) type ReminderRow = (i64, bool, i64, i64, i64, i64);

/// The columns of a reminder row, in the order `ReminderRow` takes them.
pub const COLUMNS: &str = "runner_id, enabled, minute_of_day, days, next_due_at, updated_at";

pub(crate) fn record(row: ReminderRow) -> ReminderRecord {
    ReminderRecord {
        runner_id: row.0,
        enabled: row.1,
        minute_of_day: row.2,
        days: row.3,
        next_due_at: row.4,
        updated_at: row.5,
    }
}

macro_rules! impl_reminders {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl ReminderStore for SqlStore<$db> {
            async fn reminder(&self, runner_id: i64) -> StoreResult<Option<ReminderRecord>> {
                let sql = format!("SELECT {COLUMNS} FROM reminder WHERE runner_id = $1");
                let row: Option<ReminderRow> = sqlx::query_as(&sql)
                    .bind(runner_id)
                    .fetch_optional(&self.read)
                    .await?;
                Ok(row.map(record))
            }

            async fn save_reminder(
                &self,
                runner_id: i64,
                r: &SaveReminder,
                now: i64,
            ) -> StoreResult<ReminderRecord> {
                let sql = format!(
                    "INSERT INTO reminder ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (runner_id) DO UPDATE SET enabled = excluded.enabled, \
                     minute_of_day = excluded.minute_of_day, days = excluded.days, \
                     next_due_at = excluded.next_due_at, updated_at = excluded.updated_at \
                     RETURNING {COLUMNS}"
                );
                let row: ReminderRow = sqlx::query_as(&sql)
                    .bind(runner_id)
                    .bind(r.enabled)
                    .bind(r.minute_of_day)
                    .bind(r.days)
                    .bind(r.next_due_at)
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(record(row))
            }

            async fn reminders_off(&self, runner_id: i64, now: i64) -> StoreResult<()> {
                sqlx::query("UPDATE reminder SET enabled = $1, updated_at = $2 WHERE runner_id = $3")
                    .bind(false)
                    .bind(now)
                    .bind(runner_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn due_reminders(&self, now: i64, limit: i64) -> StoreResult<Vec<ReminderRecord>> {
                let sql = format!(
                    "SELECT {COLUMNS} FROM reminder WHERE enabled = $1 AND next_due_at <= $2 \
                     ORDER BY next_due_at, runner_id LIMIT $3"
                );
                let rows: Vec<ReminderRow> = sqlx::query_as(&sql)
                    .bind(true)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(record).collect())
            }

            async fn reschedule_reminder(&self, runner_id: i64, next_due_at: i64) -> StoreResult<()> {
                sqlx::query("UPDATE reminder SET next_due_at = $1 WHERE runner_id = $2")
                    .bind(next_due_at)
                    .bind(runner_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn send_reminder(
                &self,
                send: &ReminderToSend<'_>,
                now: i64,
            ) -> StoreResult<ReminderOutcome> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                sqlx::query("UPDATE reminder SET next_due_at = $1 WHERE runner_id = $2")
                    .bind(send.next_due_at)
                    .bind(send.runner_id)
                    .execute(&mut *tx)
                    .await?;
                let logged: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM tracking_log WHERE runner_id = $1 AND log_date = $2 LIMIT 1",
                )
                .bind(send.runner_id)
                .bind(send.local_date)
                .fetch_optional(&mut *tx)
                .await?;
                if logged.is_some() {
                    tx.commit().await?;
                    return Ok(ReminderOutcome::AlreadyLogged);
                }
                let inserted = sqlx::query(
                    "INSERT INTO reminder_sent (runner_id, local_date, token_hash, sent_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (runner_id, local_date) DO NOTHING",
                )
                .bind(send.runner_id)
                .bind(send.local_date)
                .bind(send.token_hash)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() == 0 {
                    tx.commit().await?;
                    return Ok(ReminderOutcome::AlreadySent);
                }
                insert_email!(&mut *tx, send.email, now)?;
                tx.commit().await?;
                Ok(ReminderOutcome::Sent)
            }

            async fn reminder_link_runner(&self, token_hash: &str) -> StoreResult<Option<i64>> {
                let row: Option<(i64,)> =
                    sqlx::query_as("SELECT runner_id FROM reminder_sent WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(id,)| id))
            }
        }
    };
}

impl_reminders!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_reminders!(sqlx::Postgres, "BEGIN");
