//! Running-form videos (`0019`): per runner, the landmark series the browser measured from a
//! video (never the video) and core's report on it, as JSON; and (`0024`) the clinician's
//! decision on each of its findings, confirmed or dismissed.
//!
//! A part of [`crate::Store`] kept in its own trait and file (like `reminders.rs`). Every read
//! and write goes through `open_record!`: the runner themself or staff of the runner's clinic;
//! anyone else gets `NotFound`, and every access by someone other than the runner is audited in
//! the same transaction.

use crate::sql::{USER_COLUMNS, UserRow, begin, now, open_record, require_record};
use crate::{Actor, SqlStore, StoreError, StoreResult, User};
use async_trait::async_trait;
use backstride_core::Role;

/// Most analyses listed for one runner (newest first): a runner films a few a month.
pub const FORM_VIDEOS_LISTED: i64 = 50;

/// One stored analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormVideoRecord {
    pub id: i64,
    pub runner_id: i64,
    pub saved_by: i64,
    /// `side` or `rear`.
    pub view: String,
    /// Core's `form::RawSeries` as JSON (empty in lists, which leave the series out).
    pub series_json: String,
    /// Core's `form::FormReport` as JSON.
    pub report_json: String,
    pub created_at: i64,
    /// The clinician's decisions on its findings (empty in lists).
    pub reviews: Vec<FindingReview>,
}

/// A clinician's decision on one finding (one metric) of an analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingReview {
    /// The metric, as core's `form::MetricKind` names it in JSON (`trunk_lean`).
    pub metric: String,
    /// Confirmed (`true`) or dismissed.
    pub confirmed: bool,
    pub decided_by: i64,
    pub decided_at: i64,
}

/// What is saved.
#[derive(Debug, Clone)]
pub struct NewFormVideo {
    pub view: String,
    pub series_json: String,
    pub report_json: String,
}

#[async_trait]
pub trait FormVideoStore: Send + Sync {
    /// Stores an analysis of `runner_id`'s running.
    async fn add_form_video(
        &self,
        actor: &Actor,
        runner_id: i64,
        video: &NewFormVideo,
    ) -> StoreResult<FormVideoRecord>;
    /// The runner's analyses, newest first, at most [`FORM_VIDEOS_LISTED`], without their series.
    async fn form_videos_of(
        &self,
        actor: &Actor,
        runner_id: i64,
    ) -> StoreResult<Vec<FormVideoRecord>>;
    /// One analysis with its series and the clinician's decisions.
    async fn form_video(&self, actor: &Actor, id: i64) -> StoreResult<FormVideoRecord>;
    /// Records a clinician's decision on one finding of analysis `id`, replacing an earlier one:
    /// staff of the runner's clinic only (anyone else gets `NotFound`), audited.
    async fn review_form_finding(
        &self,
        actor: &Actor,
        id: i64,
        metric: &str,
        confirmed: bool,
    ) -> StoreResult<()>;
}

pub(crate) type Row = (i64, i64, i64, String, String, String, i64);

const COLUMNS: &str = "id, runner_id, saved_by, view, series_json, report_json, created_at";
pub(crate) const LIST_COLUMNS: &str =
    "id, runner_id, saved_by, view, '' AS series_json, report_json, created_at";

pub(crate) fn record(row: Row) -> FormVideoRecord {
    FormVideoRecord {
        id: row.0,
        runner_id: row.1,
        saved_by: row.2,
        view: row.3,
        series_json: row.4,
        report_json: row.5,
        created_at: row.6,
        reviews: Vec::new(),
    }
}

type ReviewRow = (String, String, i64, i64);

fn review(row: ReviewRow) -> FindingReview {
    FindingReview {
        metric: row.0,
        confirmed: row.1 == "confirmed",
        decided_by: row.2,
        decided_at: row.3,
    }
}

macro_rules! impl_form_videos {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl FormVideoStore for SqlStore<$db> {
            async fn add_form_video(
                &self,
                actor: &Actor,
                runner_id: i64,
                video: &NewFormVideo,
            ) -> StoreResult<FormVideoRecord> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_record!(tx, actor, runner_id, "save running-form video");
                let sql = format!(
                    "INSERT INTO form_video (runner_id, saved_by, view, series_json, report_json, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
                );
                let row: Row = sqlx::query_as(&sql)
                    .bind(runner_id)
                    .bind(actor.user_id)
                    .bind(&video.view)
                    .bind(&video.series_json)
                    .bind(&video.report_json)
                    .bind(now())
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(record(row))
            }

            async fn form_videos_of(
                &self,
                actor: &Actor,
                runner_id: i64,
            ) -> StoreResult<Vec<FormVideoRecord>> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let access = open_record!(&mut tx, actor, runner_id, "list running-form videos");
                let sql = format!(
                    "SELECT {LIST_COLUMNS} FROM form_video WHERE runner_id = $1 \
                     ORDER BY created_at DESC, id DESC LIMIT $2"
                );
                let rows: Vec<Row> = sqlx::query_as(&sql)
                    .bind(runner_id)
                    .bind(FORM_VIDEOS_LISTED)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                access?;
                Ok(rows.into_iter().map(record).collect())
            }

            async fn form_video(&self, actor: &Actor, id: i64) -> StoreResult<FormVideoRecord> {
                let owner: Option<(i64,)> =
                    sqlx::query_as("SELECT runner_id FROM form_video WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.read)
                        .await?;
                let Some((runner_id,)) = owner else {
                    return Err(StoreError::NotFound);
                };
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let access = open_record!(&mut tx, actor, runner_id, "view running-form video");
                let sql = format!("SELECT {COLUMNS} FROM form_video WHERE id = $1");
                let row: Option<Row> = sqlx::query_as(&sql).bind(id).fetch_optional(&mut *tx).await?;
                let reviews: Vec<ReviewRow> = sqlx::query_as(
                    "SELECT metric, decision, decided_by, decided_at FROM form_video_review \
                     WHERE form_video_id = $1 ORDER BY metric",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                access?;
                let mut found = row.map(record).ok_or(StoreError::NotFound)?;
                found.reviews = reviews.into_iter().map(review).collect();
                Ok(found)
            }

            async fn review_form_finding(
                &self,
                actor: &Actor,
                id: i64,
                metric: &str,
                confirmed: bool,
            ) -> StoreResult<()> {
                let owner: Option<(i64,)> =
                    sqlx::query_as("SELECT runner_id FROM form_video WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.read)
                        .await?;
                let Some((runner_id,)) = owner else {
                    return Err(StoreError::NotFound);
                };
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_record!(tx, actor, runner_id, "review running-form finding");
                if !actor.role.is_staff() {
                    tx.commit().await?;
                    return Err(StoreError::NotFound);
                }
                sqlx::query(
                    "INSERT INTO form_video_review (form_video_id, metric, decision, decided_by, decided_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (form_video_id, metric) DO UPDATE \
                     SET decision = excluded.decision, decided_by = excluded.decided_by, \
                     decided_at = excluded.decided_at",
                )
                .bind(id)
                .bind(metric)
                .bind(if confirmed { "confirmed" } else { "dismissed" })
                .bind(actor.user_id)
                .bind(now())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

impl_form_videos!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_form_videos!(sqlx::Postgres, "BEGIN");
