//! Bulk writes for a clinic-sized data set (`backstride demo --runners N --days D`): runners
//! with their whole history — assessments, programme versions, logs, watch runs, reviews and
//! alerts — inserted in one transaction per batch, with multi-row statements, and the weekly
//! summaries of their logs (`summaries.rs`) as storing each log would have left them.
//!
//! Not used by the web app: every record here is written the way the app would have written
//! it over time (same tables, same JSON bodies), but all at once, by the operator. So there is
//! no audit row (no person opened anyone's record) and no idempotency check (the runners are
//! new). The clinician named in [`BulkStore::insert_runners`] is who entered the assessments,
//! approved the programmes and decided the reviews.

use crate::model::{AlertTier, AssessmentKind, LogKind, NewRun, NewUser, ProgrammeStatus};
use crate::model::{ReviewKind, ReviewStatus};
use crate::{SqlStore, Store, StoreError, StoreResult};
use async_trait::async_trait;
use std::sync::Arc;

/// One runner to insert: the account and everything that happened since they joined.
#[derive(Debug, Clone)]
pub struct SeedRunner {
    pub user: NewUser,
    /// When the account was made (Unix seconds).
    pub created_at: i64,
    pub assessments: Vec<SeedAssessment>,
    /// Oldest first; version numbers follow this order. At most one is approved.
    pub programmes: Vec<SeedProgramme>,
    pub logs: Vec<SeedLog>,
    pub runs: Vec<SeedRun>,
    pub reviews: Vec<SeedReview>,
    pub alerts: Vec<SeedAlert>,
}

impl SeedRunner {
    /// `user`, whose account was made at `created_at`, with no history yet.
    pub fn new(user: NewUser, created_at: i64) -> Self {
        SeedRunner {
            user,
            created_at,
            assessments: Vec::new(),
            programmes: Vec::new(),
            logs: Vec::new(),
            runs: Vec::new(),
            reviews: Vec::new(),
            alerts: Vec::new(),
        }
    }
}

/// A complete, scored assessment entered by the clinician.
#[derive(Debug, Clone)]
pub struct SeedAssessment {
    pub kind: AssessmentKind,
    pub protocol_version: String,
    pub raw_json: String,
    pub result_json: String,
    pub notes: String,
    pub at: i64,
}

/// A programme version made by the clinician.
#[derive(Debug, Clone)]
pub struct SeedProgramme {
    /// Index into [`SeedRunner::assessments`] of the assessment it was made from.
    pub assessment: Option<usize>,
    pub status: ProgrammeStatus,
    pub body_json: String,
    pub at: i64,
}

/// A log the runner entered.
#[derive(Debug, Clone)]
pub struct SeedLog {
    pub kind: LogKind,
    /// `YYYY-MM-DD`.
    pub log_date: String,
    pub body_json: String,
    pub idempotency_key: String,
    pub at: i64,
}

/// A watch run as an upload stores it.
#[derive(Debug, Clone)]
pub struct SeedRun {
    pub run: NewRun,
    pub imported_at: i64,
}

/// A review of a programme version; decided (accepted or overridden) by the clinician when
/// `decided_at` is set.
#[derive(Debug, Clone)]
pub struct SeedReview {
    /// Index into [`SeedRunner::programmes`].
    pub programme: usize,
    pub review_date: String,
    pub kind: ReviewKind,
    pub status: ReviewStatus,
    pub body_json: String,
    pub note: String,
    pub decided_at: Option<i64>,
    pub at: i64,
}

/// An alert for the clinician; resolved by them when `resolved_at` is set.
#[derive(Debug, Clone)]
pub struct SeedAlert {
    pub tier: AlertTier,
    pub reason: String,
    pub at: i64,
    pub resolved_at: Option<i64>,
}

/// Bulk inserts for seeding (see the module's note).
#[async_trait]
pub trait BulkStore: Send + Sync {
    /// Inserts the runners (all in `clinician`'s clinic) and their histories in one
    /// transaction; returns their new ids in order. A runner whose email exists already makes
    /// the whole batch fail with a conflict, and nothing of it is stored.
    async fn insert_runners(
        &self,
        clinician_id: i64,
        runners: &[SeedRunner],
    ) -> StoreResult<Vec<i64>>;

    /// Has the database gather its statistics again (`ANALYZE`), after a bulk load: until
    /// PostgreSQL's autovacuum does it, its plans for the clinic's lists assume empty tables
    /// (the caseload of 1,000 runners ran at a seventh of its speed in the minute after a
    /// seeding).
    async fn analyse(&self) -> StoreResult<()>;
}

/// Opens the store a URL names (as [`crate::connect_with`]) together with its bulk writer,
/// sharing the same connections.
pub async fn connect_bulk(
    url: &str,
    synchronous: crate::SqliteSynchronous,
) -> StoreResult<(Arc<dyn Store>, Arc<dyn BulkStore>)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = Arc::new(SqlStore::<sqlx::Postgres>::connect(url).await?);
        let bulk: Arc<dyn BulkStore> = store.clone();
        Ok((store, bulk))
    } else {
        let store = Arc::new(SqlStore::<sqlx::Sqlite>::connect_durable(url, synchronous).await?);
        let bulk: Arc<dyn BulkStore> = store.clone();
        Ok((store, bulk))
    }
}

/// Rows per multi-row `INSERT`: well inside both backends' limits on bound parameters (SQLite
/// 32,766, PostgreSQL 65,535) for the widest table here (9 columns).
const ROWS_PER_STATEMENT: usize = 400;

/// `INSERT INTO table (columns) VALUES ($1, …), (…)` for `rows` rows of `width` values.
fn insert_sql(table_and_columns: &str, width: usize, rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table_and_columns} VALUES ");
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for col in 0..width {
            if col > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * width + col + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Inserts `rows` in chunks of [`ROWS_PER_STATEMENT`]: `$bind` binds one row's values onto
/// the query `q` (in the columns' order).
macro_rules! insert_rows {
    ($tx:expr, $table:literal, $width:literal, $rows:expr, |$q:ident, $row:ident| $bind:expr) => {
        for chunk in $rows.chunks(ROWS_PER_STATEMENT) {
            let sql = insert_sql($table, $width, chunk.len());
            let mut $q = sqlx::query(&sql);
            for $row in chunk {
                $q = $bind;
            }
            $q.execute(&mut *$tx).await?;
        }
    };
}

macro_rules! impl_bulk {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl BulkStore for SqlStore<$db> {
            async fn analyse(&self) -> StoreResult<()> {
                sqlx::query("ANALYZE").execute(&self.pool).await?;
                Ok(())
            }

            async fn insert_runners(
                &self,
                clinician_id: i64,
                runners: &[SeedRunner],
            ) -> StoreResult<Vec<i64>> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let mut ids = Vec::with_capacity(runners.len());
                // Rows of every runner in the batch, with the ids they point at.
                let mut logs = Vec::new();
                let mut runs = Vec::new();
                let mut reviews = Vec::new();
                let mut alerts = Vec::new();
                for runner in runners {
                    let u = &runner.user;
                    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
                        "INSERT INTO app_user (clinic_id, email, display_name, password_hash, role, time_zone, \
                         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(u.clinic_id).bind(u.email.as_str()).bind(&u.display_name).bind(&u.password_hash)
                    .bind(u.role.as_str()).bind(u.time_zone.as_str()).bind(runner.created_at)
                    .fetch_one(&mut *tx).await;
                    let (id,) = inserted.map_err(StoreError::from)?;
                    ids.push(id);
                    let mut assessment_ids = Vec::with_capacity(runner.assessments.len());
                    for a in &runner.assessments {
                        let (aid,): (i64,) = sqlx::query_as(
                            "INSERT INTO assessment (runner_id, entered_by, kind, status, protocol_version, step, raw_json, \
                             result_json, notes, created_at, updated_at) \
                             VALUES ($1, $2, $3, 'complete', $4, 'done', $5, $6, $7, $8, $8) RETURNING id",
                        )
                        .bind(id).bind(clinician_id).bind(a.kind.as_str()).bind(&a.protocol_version)
                        .bind(&a.raw_json).bind(&a.result_json).bind(&a.notes).bind(a.at)
                        .fetch_one(&mut *tx).await?;
                        assessment_ids.push(aid);
                    }
                    let mut programme_ids = Vec::with_capacity(runner.programmes.len());
                    for (n, p) in runner.programmes.iter().enumerate() {
                        let assessment = p.assessment.and_then(|i| assessment_ids.get(i).copied());
                        let approved = (p.status != ProgrammeStatus::Suggested).then_some((clinician_id, p.at));
                        let (pid,): (i64,) = sqlx::query_as(
                            "INSERT INTO programme (runner_id, assessment_id, version, status, body_json, created_by, \
                             created_at, approved_by, approved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                        )
                        .bind(id).bind(assessment).bind(n as i64 + 1).bind(p.status.as_str()).bind(&p.body_json)
                        .bind(clinician_id).bind(p.at).bind(approved.map(|a| a.0)).bind(approved.map(|a| a.1))
                        .fetch_one(&mut *tx).await?;
                        programme_ids.push(pid);
                    }
                    logs.extend(runner.logs.iter().map(|l| (id, l)));
                    runs.extend(runner.runs.iter().map(|r| (id, r)));
                    for r in &runner.reviews {
                        let programme = programme_ids.get(r.programme).copied().ok_or_else(|| {
                            StoreError::Other(format!("seed review names programme {} of {}", r.programme, programme_ids.len()))
                        })?;
                        reviews.push((id, programme, r));
                    }
                    alerts.extend(runner.alerts.iter().map(|a| (id, a)));
                }
                insert_rows!(tx, "tracking_log (runner_id, entered_by, kind, log_date, body_json, idempotency_key, created_at)",
                    7, logs, |q, row| {
                        let (id, l) = row;
                        q.bind(*id).bind(*id).bind(l.kind.as_str()).bind(&l.log_date).bind(&l.body_json)
                            .bind(&l.idempotency_key).bind(l.at)
                    });
                // Each runner's weekly summaries, as storing the logs one by one would have left them.
                let mut weeks = Vec::new();
                for (runner, id) in runners.iter().zip(&ids) {
                    let summed = crate::summaries::summarise(runner.logs.iter().map(|l| (l.kind, l.body_json.as_str())))?;
                    weeks.extend(summed.into_iter().map(|(week, days_json)| (*id, week, days_json)));
                }
                insert_rows!(tx, "tracking_week (runner_id, week_start, days_json)", 3, weeks, |q, row| {
                    let (id, week, days_json) = row;
                    q.bind(*id).bind(week).bind(days_json)
                });
                insert_rows!(tx, "run (runner_id, content_hash, file_name, started_at, sport, summary_json, imported_at)",
                    7, runs, |q, row| {
                        let (id, r) = row;
                        q.bind(*id).bind(&r.run.content_hash).bind(&r.run.file_name).bind(r.run.started_at)
                            .bind(&r.run.sport).bind(crate::packed::pack(&r.run.summary_json)).bind(r.imported_at)
                    });
                insert_rows!(tx, "review (runner_id, programme_id, review_date, kind, status, body_json, note, decided_by, \
                    decided_at, created_at)",
                    10, reviews, |q, row| {
                        let (id, programme, r) = row;
                        q.bind(*id).bind(*programme).bind(&r.review_date).bind(r.kind.as_str()).bind(r.status.as_str())
                            .bind(&r.body_json).bind(&r.note).bind(r.decided_at.map(|_| clinician_id))
                            .bind(r.decided_at).bind(r.at)
                    });
                insert_rows!(tx, "alert (runner_id, tier, reason, created_at, resolved_at, resolved_by)",
                    6, alerts, |q, row| {
                        let (id, a) = row;
                        q.bind(*id).bind(a.tier.as_str()).bind(&a.reason).bind(a.at).bind(a.resolved_at)
                            .bind(a.resolved_at.map(|_| clinician_id))
                    });
                tx.commit().await?;
                Ok(ids)
            }
        }
    };
}

impl_bulk!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_bulk!(sqlx::Postgres, "BEGIN");

#[cfg(test)]
mod tests {
    use super::insert_sql;

    #[test]
    fn placeholders_are_numbered_row_after_row() {
        assert_eq!(
            insert_sql("t (a, b)", 2, 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }
}
