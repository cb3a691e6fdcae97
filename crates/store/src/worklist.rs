//! The clinician's worklist: what waits for the clinic's staff, one bounded query per kind.
//!
//! A part of [`crate::Store`] kept in its own trait and file (like `booking.rs`). Every method
//! takes the acting staff member and reads only their clinic; anyone else gets nothing. Reading
//! runners' health details (decisions, programmes, re-tests) appends one audit event per runner
//! shown, in the same transaction, through the same `open_record!` as every other record read.

use crate::booking::{BOOKING_COLUMNS, Booking, BookingRow};
use crate::sql::{
    INBOX_COLUMNS, InboxRow, PROGRAMME_COLUMNS, ProgrammeRow, REVIEW_COLUMNS, ReviewRow,
    USER_COLUMNS, UserRow, audit_shown, now, open_record,
};
use crate::{
    Actor, InboxItem, ProgrammeRecord, ReviewRecord, SqlStore, StoreError, StoreResult, User,
};
use async_trait::async_trait;
use backstride_core::Role;

/// The first `limit` of a list and how many there are in all ("and N more").
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> Waiting<T> {
    /// How many were left out.
    pub fn more(&self) -> i64 {
        (self.total - self.items.len() as i64).max(0)
    }
}

impl<T> Default for Waiting<T> {
    fn default() -> Self {
        Waiting {
            items: Vec::new(),
            total: 0,
        }
    }
}

/// What a re-test's due date is worked out from, for every runner of the clinic with an
/// approved programme: that programme and the times their finished re-tests were made.
#[derive(Debug, Clone)]
pub struct RetestBasis {
    pub programme: ProgrammeRecord,
    /// Unix seconds of each finished re-test of this runner (any programme).
    pub retests_at: Vec<i64>,
}

/// The worklist's reads (staff of a clinic only).
#[async_trait]
pub trait WorklistStore {
    /// The clinic's suggested reviews (decisions waiting for a clinician), newest day first,
    /// at most `limit`, with how many there are. Audited for each runner shown.
    async fn waiting_reviews(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> StoreResult<Waiting<ReviewRecord>>;
    /// Suggested reviews per runner of the clinic, `(runner_id, count)` (for the caseload,
    /// whose every line is an audited read of that runner already).
    async fn waiting_counts(&self, actor: &Actor) -> StoreResult<Vec<(i64, i64)>>;
    /// The clinic's programme versions waiting for approval, newest first (audited per runner).
    async fn waiting_programmes(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> StoreResult<Waiting<ProgrammeRecord>>;
    /// The clinic's inbox items still at the `new` stage, newest first.
    async fn new_inbox_items(&self, actor: &Actor, limit: i64) -> StoreResult<Waiting<InboxItem>>;
    /// The clinic's live booked calls starting in `[from, to)`, soonest first.
    async fn calls_between(
        &self,
        actor: &Actor,
        from: i64,
        to: i64,
        limit: i64,
    ) -> StoreResult<Waiting<Booking>>;
    /// One review, for the runner or staff of the runner's clinic (`NotFound` for anyone else;
    /// audited like every record read).
    async fn review(&self, actor: &Actor, review_id: i64) -> StoreResult<ReviewRecord>;
    /// The approved programme of each of the clinic's runners (at most `limit` runners) with
    /// their finished re-tests, for working out which re-tests are due. Audited per runner.
    async fn retest_basis(&self, actor: &Actor, limit: i64) -> StoreResult<Vec<RetestBasis>>;
}

/// The actor's clinic when they are staff; otherwise the method answers with nothing.
fn staff_clinic(actor: &Actor) -> Option<i64> {
    actor.clinic_id.filter(|_| actor.role.is_staff())
}

macro_rules! impl_worklist {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl WorklistStore for SqlStore<$db> {
            async fn waiting_reviews(&self, actor: &Actor, limit: i64) -> StoreResult<Waiting<ReviewRecord>> {
                let Some(clinic_id) = staff_clinic(actor) else { return Ok(Waiting::default()) };
                let columns = REVIEW_COLUMNS.split(", ").map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ");
                let from = "FROM review r JOIN app_user u ON u.id = r.runner_id \
                            WHERE u.clinic_id = $1 AND u.role = 'runner' AND r.status = 'suggested'";
                let mut tx = self.pool.begin_with($begin_write).await?;
                let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {from}"))
                    .bind(clinic_id).fetch_one(&mut *tx).await?;
                let sql = format!("SELECT {columns} {from} ORDER BY r.review_date DESC, r.id DESC LIMIT $2");
                let rows: Vec<ReviewRow> = sqlx::query_as(&sql).bind(clinic_id).bind(limit.max(0))
                    .fetch_all(&mut *tx).await?;
                let mut items = rows.into_iter().map(ReviewRecord::try_from).collect::<StoreResult<Vec<_>>>()?;
                let hidden = audit_shown!(&mut tx, actor, items.iter().map(|r| r.runner_id), "see decisions waiting");
                items.retain(|r| !hidden.contains(&r.runner_id));
                tx.commit().await?;
                Ok(Waiting { items, total })
            }

            async fn waiting_counts(&self, actor: &Actor) -> StoreResult<Vec<(i64, i64)>> {
                let Some(clinic_id) = staff_clinic(actor) else { return Ok(Vec::new()) };
                let rows: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT r.runner_id, COUNT(*) FROM review r JOIN app_user u ON u.id = r.runner_id \
                     WHERE u.clinic_id = $1 AND u.role = 'runner' AND r.status = 'suggested' GROUP BY r.runner_id",
                )
                .bind(clinic_id).fetch_all(&self.read).await?;
                Ok(rows)
            }

            async fn waiting_programmes(&self, actor: &Actor, limit: i64) -> StoreResult<Waiting<ProgrammeRecord>> {
                let Some(clinic_id) = staff_clinic(actor) else { return Ok(Waiting::default()) };
                let columns = PROGRAMME_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
                let from = "FROM programme p JOIN app_user u ON u.id = p.runner_id \
                            WHERE u.clinic_id = $1 AND u.role = 'runner' AND p.status = 'suggested'";
                let mut tx = self.pool.begin_with($begin_write).await?;
                let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {from}"))
                    .bind(clinic_id).fetch_one(&mut *tx).await?;
                let sql = format!("SELECT {columns} {from} ORDER BY p.created_at DESC, p.id DESC LIMIT $2");
                let rows: Vec<ProgrammeRow> = sqlx::query_as(&sql).bind(clinic_id).bind(limit.max(0))
                    .fetch_all(&mut *tx).await?;
                let mut items = rows.into_iter().map(ProgrammeRecord::try_from).collect::<StoreResult<Vec<_>>>()?;
                let hidden = audit_shown!(&mut tx, actor, items.iter().map(|p| p.runner_id), "see programmes waiting");
                items.retain(|p| !hidden.contains(&p.runner_id));
                tx.commit().await?;
                Ok(Waiting { items, total })
            }

            async fn new_inbox_items(&self, actor: &Actor, limit: i64) -> StoreResult<Waiting<InboxItem>> {
                let Some(clinic_id) = staff_clinic(actor) else { return Ok(Waiting::default()) };
                let from = "FROM inbox_item WHERE clinic_id = $1 AND stage = 'new'";
                let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {from}"))
                    .bind(clinic_id).fetch_one(&self.read).await?;
                let sql = format!("SELECT {INBOX_COLUMNS} {from} ORDER BY created_at DESC, id DESC LIMIT $2");
                let rows: Vec<InboxRow> = sqlx::query_as(&sql).bind(clinic_id).bind(limit.max(0))
                    .fetch_all(&self.read).await?;
                let items = rows.into_iter().map(InboxItem::try_from).collect::<StoreResult<Vec<_>>>()?;
                Ok(Waiting { items, total })
            }

            async fn calls_between(&self, actor: &Actor, from: i64, to: i64, limit: i64) -> StoreResult<Waiting<Booking>> {
                let Some(clinic_id) = staff_clinic(actor) else { return Ok(Waiting::default()) };
                let filter = "FROM booking WHERE clinic_id = $1 AND starts_at >= $2 AND starts_at < $3 AND cancelled_at IS NULL";
                let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {filter}"))
                    .bind(clinic_id).bind(from).bind(to).fetch_one(&self.read).await?;
                let sql = format!("SELECT {BOOKING_COLUMNS} {filter} ORDER BY starts_at, id LIMIT $4");
                let rows: Vec<BookingRow> = sqlx::query_as(&sql).bind(clinic_id).bind(from).bind(to)
                    .bind(limit.max(0)).fetch_all(&self.read).await?;
                Ok(Waiting { items: rows.into_iter().map(Booking::from).collect(), total })
            }

            async fn review(&self, actor: &Actor, review_id: i64) -> StoreResult<ReviewRecord> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let sql = format!("SELECT {REVIEW_COLUMNS} FROM review WHERE id = $1");
                let row: Option<ReviewRow> = sqlx::query_as(&sql).bind(review_id).fetch_optional(&mut *tx).await?;
                let Some(row) = row else { return Err(StoreError::NotFound) };
                let access = open_record!(&mut tx, actor, row.runner_id, "view review");
                tx.commit().await?;
                access?;
                row.try_into()
            }

            async fn retest_basis(&self, actor: &Actor, limit: i64) -> StoreResult<Vec<RetestBasis>> {
                let Some(clinic_id) = staff_clinic(actor) else { return Ok(Vec::new()) };
                let columns = PROGRAMME_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
                let mut tx = self.pool.begin_with($begin_write).await?;
                let sql = format!(
                    "SELECT {columns} FROM programme p JOIN app_user u ON u.id = p.runner_id \
                     WHERE u.clinic_id = $1 AND u.role = 'runner' AND p.status = 'approved' \
                     ORDER BY p.runner_id, p.version DESC LIMIT $2"
                );
                let rows: Vec<ProgrammeRow> = sqlx::query_as(&sql).bind(clinic_id).bind(limit.max(0))
                    .fetch_all(&mut *tx).await?;
                let retests: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT a.runner_id, a.created_at FROM assessment a JOIN app_user u ON u.id = a.runner_id \
                     WHERE u.clinic_id = $1 AND u.role = 'runner' AND a.kind = 'retest' AND a.status = 'complete'",
                )
                .bind(clinic_id).fetch_all(&mut *tx).await?;
                let mut programmes = rows.into_iter().map(ProgrammeRecord::try_from).collect::<StoreResult<Vec<_>>>()?;
                // One approved version per runner is the rule; keep the newest if ever there were two.
                programmes.dedup_by_key(|p| p.runner_id);
                let hidden = audit_shown!(&mut tx, actor, programmes.iter().map(|p| p.runner_id), "see re-tests due");
                tx.commit().await?;
                Ok(programmes
                    .into_iter()
                    .filter(|p| !hidden.contains(&p.runner_id))
                    .map(|programme| RetestBasis {
                        retests_at: retests.iter().filter(|(r, _)| *r == programme.runner_id).map(|(_, at)| *at).collect(),
                        programme,
                    })
                    .collect())
            }
        }
    };
}

impl_worklist!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_worklist!(sqlx::Postgres, "BEGIN");
