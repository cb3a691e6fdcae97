//! The runner's daily write and its bounded reads: a log stored together with what it decides
//! (the day's review, weekly reviews come due, alerts) in one transaction — one commit, one
//! sync to disk — and the small reads the Today and Home pages need beside their read model.
//!
//! A part of [`crate::Store`] kept in its own trait and file (like `pages.rs`). Access is
//! checked and audited through `open_record!`, as everywhere else.

use crate::sql::{
    LOG_COLUMNS, LogRow, REVIEW_COLUMNS, ReviewRow, USER_COLUMNS, UserRow, begin, now, open_record,
    upsert_review,
};
use crate::summaries::add_to_week_summary;
use crate::{
    Actor, AlertTier, LogKind, LogRecord, LogSaved, NewLog, NewReview, ReviewStatus, SqlStore,
    StoreError, StoreResult, User,
};
use async_trait::async_trait;
use backstride_core::Role;

/// What a new log decides, worked out before it is stored: stored with it, or not at all when
/// the log turns out to be stored already (its idempotency key was seen).
#[derive(Debug, Clone, Default)]
pub struct LogOutcome {
    /// The day's review and any weekly review come due, in order.
    pub reviews: Vec<NewReview>,
    /// Alerts for the clinician (one open alert per reason is kept).
    pub alerts: Vec<(AlertTier, String)>,
    /// When the alerts were raised (Unix seconds).
    pub now: i64,
}

/// The runner's daily write and the bounded reads beside the read models.
#[async_trait]
pub trait TodayStore {
    /// Stores `log` like [`crate::Store::add_log`] and, when it is new, `outcome` with it in the
    /// same transaction (reviews as [`crate::Store::save_review`] stores them, alerts as
    /// [`crate::Store::raise_alert`]). A log already stored under the key stores nothing else.
    async fn add_log_with_outcome(
        &self,
        actor: &Actor,
        runner_id: i64,
        log: &NewLog,
        outcome: &LogOutcome,
    ) -> StoreResult<(LogRecord, LogSaved)>;

    /// `runner_id`'s morning check-ins dated from `first` to `last` (`YYYY-MM-DD`, both
    /// included), oldest first: the programme's first week, for the usual morning pain when the
    /// daily pages' window no longer reaches it. Audited as "list logs" for anyone else.
    async fn mornings_between(
        &self,
        actor: &Actor,
        runner_id: i64,
        first: &str,
        last: &str,
    ) -> StoreResult<Vec<LogRecord>>;

    /// Whether `runner_id` has any assessment (one row read at most; audited as "list
    /// assessments" for anyone else).
    async fn has_assessment(&self, actor: &Actor, runner_id: i64) -> StoreResult<bool>;
}

/// Raises `$alerts` (`&[(AlertTier, String)]`) about `$runner_id` inside `$tx` in one
/// statement, each unless an open alert has its reason already (as `raise_alert` does; a
/// reason given twice is raised once).
macro_rules! raise_alerts {
    ($tx:expr, $runner_id:expr, $alerts:expr, $now:expr) => {{
        let tx = $tx;
        let mut alerts: Vec<&(AlertTier, String)> = $alerts.iter().collect();
        alerts.sort_by(|a, b| a.1.cmp(&b.1));
        alerts.dedup_by(|a, b| a.1 == b.1);
        if !alerts.is_empty() {
            let values = (0..alerts.len())
                .map(|k| format!("(CAST(${} AS TEXT), CAST(${} AS TEXT))", 2 * k + 3, 2 * k + 4))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO alert (runner_id, tier, reason, created_at) \
                 SELECT $1, v.column1, v.column2, CAST($2 AS BIGINT) FROM (VALUES {values}) AS v \
                 WHERE NOT EXISTS (SELECT 1 FROM alert a WHERE a.runner_id = $1 AND a.reason = v.column2 \
                 AND a.resolved_at IS NULL)"
            );
            let mut insert = sqlx::query(&sql).bind($runner_id).bind($now);
            for (tier, reason) in alerts {
                insert = insert.bind(tier.as_str()).bind(reason.as_str());
            }
            insert.execute(&mut **tx).await?;
        }
    }};
}

macro_rules! impl_today {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl TodayStore for SqlStore<$db> {
            async fn add_log_with_outcome(
                &self,
                actor: &Actor,
                runner_id: i64,
                log: &NewLog,
                outcome: &LogOutcome,
            ) -> StoreResult<(LogRecord, LogSaved)> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let answer = Self::log_in_transaction(&mut tx, actor, runner_id, log, outcome).await?;
                tx.commit().await?;
                answer
            }

            async fn mornings_between(
                &self,
                actor: &Actor,
                runner_id: i64,
                first: &str,
                last: &str,
            ) -> StoreResult<Vec<LogRecord>> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let access = open_record!(&mut tx, actor, runner_id, "list logs");
                let sql = format!(
                    "SELECT {LOG_COLUMNS} FROM tracking_log WHERE runner_id = $1 AND kind = $2 \
                     AND log_date >= $3 AND log_date <= $4 ORDER BY log_date, id"
                );
                let rows: Vec<LogRow> = sqlx::query_as(&sql).bind(runner_id).bind(LogKind::Morning.as_str())
                    .bind(first).bind(last).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                access?;
                rows.into_iter().map(LogRecord::try_from).collect()
            }

            async fn has_assessment(&self, actor: &Actor, runner_id: i64) -> StoreResult<bool> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let access = open_record!(&mut tx, actor, runner_id, "list assessments");
                let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM assessment WHERE runner_id = $1 LIMIT 1")
                    .bind(runner_id).fetch_optional(&mut *tx).await?;
                tx.commit().await?;
                access?;
                Ok(found.is_some())
            }
        }

        impl SqlStore<$db> {
            /// The writes of [`TodayStore::add_log_with_outcome`] inside `tx`, which the caller
            /// commits: the log, and when it is new its outcome. The outer error means this
            /// log's writes must be rolled back (a failed statement; a second morning check-in
            /// as `Conflict`); the inner result is the answer to keep with what was written (a
            /// denial keeps its audit event). Shared with the group commit
            /// ([`crate::group_commit`]), which stores many logs in one transaction.
            pub(crate) async fn log_in_transaction(
                tx: &mut sqlx::Transaction<'_, $db>,
                actor: &Actor,
                runner_id: i64,
                log: &NewLog,
                outcome: &LogOutcome,
            ) -> StoreResult<StoreResult<(LogRecord, LogSaved)>> {
                if let Err(denied) = open_record!(&mut *tx, actor, runner_id, "add log") {
                    return Ok(Err(denied));
                }
                // Inserted unless the key was seen: then the stored log is found, and nothing
                // else is stored.
                let sql = format!(
                    "INSERT INTO tracking_log (runner_id, entered_by, kind, log_date, body_json, idempotency_key, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (runner_id, idempotency_key) DO NOTHING \
                     RETURNING {LOG_COLUMNS}"
                );
                let inserted: Result<Option<LogRow>, sqlx::Error> = sqlx::query_as(&sql)
                    .bind(runner_id).bind(actor.user_id).bind(log.kind.as_str()).bind(&log.log_date)
                    .bind(&log.body_json).bind(&log.idempotency_key).bind(now())
                    .fetch_optional(&mut **tx).await;
                let row = match inserted {
                    Ok(Some(row)) => row,
                    Ok(None) => {
                        let find = format!("SELECT {LOG_COLUMNS} FROM tracking_log WHERE runner_id = $1 AND idempotency_key = $2");
                        let row: LogRow = sqlx::query_as(&find).bind(runner_id).bind(&log.idempotency_key)
                            .fetch_one(&mut **tx).await?;
                        return Ok(LogRecord::try_from(row).map(|row| (row, LogSaved::AlreadyStored)));
                    }
                    Err(err) => {
                        return match StoreError::from(err) {
                            StoreError::Conflict { .. } => Err(StoreError::Conflict { constraint: "tracking_log_one_morning".into() }),
                            other => Err(other),
                        };
                    }
                };
                add_to_week_summary!(&mut *tx, runner_id, log.kind, &log.body_json);
                for review in &outcome.reviews {
                    upsert_review!(&mut *tx, actor, runner_id, review);
                }
                raise_alerts!(&mut *tx, runner_id, &outcome.alerts, outcome.now);
                Ok(LogRecord::try_from(row).map(|row| (row, LogSaved::New)))
            }
        }
    };
}

impl_today!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_today!(sqlx::Postgres, "BEGIN");
