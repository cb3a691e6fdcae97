//! The clinician's worklist: what waits for the clinic's staff, as one read model (one store
//! call, a fixed number of bounded statements whatever the clinic's size).
//!
//! A part of [`crate::Store`] kept in its own trait and file (like `booking.rs`). It takes the
//! acting staff member and reads only their clinic; anyone else gets nothing. Reading runners'
//! health details (decisions, programmes, alerts, re-tests) is one audit event for the view,
//! naming those runners, through the same `audit_shown!` as every list of runners.

use crate::booking::{BOOKING_COLUMNS, Booking, BookingRow};
use crate::pages::prefixed;
use crate::sql::{
    AlertRow, INBOX_COLUMNS, InboxRow, PROGRAMME_COLUMNS, ProgrammeRow, REVIEW_COLUMNS, ReviewRow,
    USER_COLUMNS, UserRow, now, open_record,
};
use crate::{
    Actor, Alert, InboxItem, ProgrammeRecord, ReviewRecord, SqlStore, StoreError, StoreResult, User,
};
use async_trait::async_trait;
use backstride_core::Role;
use std::collections::HashMap;

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

/// What the staff home asks for.
#[derive(Debug, Clone, Copy)]
pub struct WorklistAsk {
    /// Items of each list shown (the rest are counted).
    pub shown: i64,
    /// Most approved programmes whose re-tests are worked out.
    pub retest_runners: i64,
    /// Calls starting in `[calls_from, calls_to)` (Unix seconds).
    pub calls_from: i64,
    pub calls_to: i64,
}

/// Everything the staff home shows about the clinic, from one read.
#[derive(Debug, Clone, Default)]
pub struct WorklistRecords {
    /// Everyone of the clinic, staff and runners, by role and name.
    pub people: Vec<User>,
    /// Suggested reviews (decisions waiting for a clinician), newest day first.
    pub reviews: Waiting<ReviewRecord>,
    /// Programme versions waiting for approval, newest first.
    pub programmes: Waiting<ProgrammeRecord>,
    /// Open alerts of the clinic's runners, most urgent first.
    pub alerts: Vec<Alert>,
    /// Inbox items still at the `new` stage, newest first.
    pub inbox: Waiting<InboxItem>,
    /// Live booked calls in the window asked for, soonest first.
    pub calls: Waiting<Booking>,
    /// Each runner's approved programme (at most `retest_runners`) and their re-tests.
    pub retests: Vec<RetestBasis>,
}

/// The worklist's reads (staff of a clinic only).
#[async_trait]
pub trait WorklistStore {
    /// The staff home of the actor's clinic (staff only; anyone else gets nothing): one read,
    /// then one audit event naming the runners whose details it holds.
    async fn worklist(&self, actor: &Actor, ask: &WorklistAsk) -> StoreResult<WorklistRecords>;
    /// One review, for the runner or staff of the runner's clinic (`NotFound` for anyone else;
    /// audited like every record read).
    async fn review(&self, actor: &Actor, review_id: i64) -> StoreResult<ReviewRecord>;
}

/// The actor's clinic when they are staff; otherwise the method answers with nothing.
fn staff_clinic(actor: &Actor) -> Option<i64> {
    actor.clinic_id.filter(|_| actor.role.is_staff())
}

macro_rules! impl_worklist {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl WorklistStore for SqlStore<$db> {
            async fn worklist(&self, actor: &Actor, ask: &WorklistAsk) -> StoreResult<WorklistRecords> {
                let Some(clinic_id) = staff_clinic(actor) else { return Ok(WorklistRecords::default()) };
                let limit = ask.shown.max(0);
                let mut tx = self.read.begin().await?;
                let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE clinic_id = $1 ORDER BY role, display_name, id");
                let people: Vec<UserRow> = sqlx::query_as(&sql).bind(clinic_id).fetch_all(&mut *tx).await?;
                let of_runners = "JOIN app_user u ON u.id = x.runner_id WHERE u.clinic_id = $1 AND u.role = 'runner'";

                let from = format!("FROM review x {of_runners} AND x.status = 'suggested'");
                let (reviews_total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {from}"))
                    .bind(clinic_id).fetch_one(&mut *tx).await?;
                let sql = format!("SELECT {} {from} ORDER BY x.review_date DESC, x.id DESC LIMIT $2", prefixed(REVIEW_COLUMNS, "x"));
                let reviews: Vec<ReviewRow> = sqlx::query_as(&sql).bind(clinic_id).bind(limit).fetch_all(&mut *tx).await?;

                let from = format!("FROM programme x {of_runners} AND x.status = 'suggested'");
                let (programmes_total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {from}"))
                    .bind(clinic_id).fetch_one(&mut *tx).await?;
                let sql = format!("SELECT {} {from} ORDER BY x.created_at DESC, x.id DESC LIMIT $2", prefixed(PROGRAMME_COLUMNS, "x"));
                let programmes: Vec<ProgrammeRow> = sqlx::query_as(&sql).bind(clinic_id).bind(limit).fetch_all(&mut *tx).await?;

                let alerts: Vec<AlertRow> = sqlx::query_as(&format!(
                    "SELECT x.id, x.runner_id, x.tier, x.reason, x.created_at, x.resolved_at FROM alert x {of_runners} \
                     AND x.resolved_at IS NULL \
                     ORDER BY CASE x.tier WHEN 'critical' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, x.created_at DESC"
                ))
                .bind(clinic_id).fetch_all(&mut *tx).await?;

                let from = "FROM inbox_item WHERE clinic_id = $1 AND stage = 'new'";
                let (inbox_total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {from}"))
                    .bind(clinic_id).fetch_one(&mut *tx).await?;
                let sql = format!("SELECT {INBOX_COLUMNS} {from} ORDER BY created_at DESC, id DESC LIMIT $2");
                let inbox: Vec<InboxRow> = sqlx::query_as(&sql).bind(clinic_id).bind(limit).fetch_all(&mut *tx).await?;

                let filter = "FROM booking WHERE clinic_id = $1 AND starts_at >= $2 AND starts_at < $3 AND cancelled_at IS NULL";
                let (calls_total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {filter}"))
                    .bind(clinic_id).bind(ask.calls_from).bind(ask.calls_to).fetch_one(&mut *tx).await?;
                let sql = format!("SELECT {BOOKING_COLUMNS} {filter} ORDER BY starts_at, id LIMIT $4");
                let calls: Vec<BookingRow> = sqlx::query_as(&sql).bind(clinic_id).bind(ask.calls_from).bind(ask.calls_to)
                    .bind(limit).fetch_all(&mut *tx).await?;

                let sql = format!(
                    "SELECT {} FROM programme x {of_runners} AND x.status = 'approved' \
                     ORDER BY x.runner_id, x.version DESC LIMIT $2",
                    prefixed(PROGRAMME_COLUMNS, "x")
                );
                let approved: Vec<ProgrammeRow> = sqlx::query_as(&sql).bind(clinic_id).bind(ask.retest_runners.max(0))
                    .fetch_all(&mut *tx).await?;
                let retests_at: Vec<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT x.runner_id, x.created_at FROM assessment x {of_runners} AND x.kind = 'retest' AND x.status = 'complete'"
                ))
                .bind(clinic_id).fetch_all(&mut *tx).await?;
                tx.commit().await?;

                let reviews = reviews.into_iter().map(ReviewRecord::try_from).collect::<StoreResult<Vec<_>>>()?;
                let programmes = programmes.into_iter().map(ProgrammeRecord::try_from).collect::<StoreResult<Vec<_>>>()?;
                let alerts = alerts.into_iter().map(Alert::try_from).collect::<StoreResult<Vec<_>>>()?;
                let mut approved = approved.into_iter().map(ProgrammeRecord::try_from).collect::<StoreResult<Vec<_>>>()?;
                // One approved version per runner is the rule; keep the newest if ever there were two.
                approved.dedup_by_key(|p| p.runner_id);
                let mut retests: HashMap<i64, Vec<i64>> = HashMap::new();
                for (runner, at) in retests_at {
                    retests.entry(runner).or_default().push(at);
                }
                // Every runner named was read under the actor's own scope (staff of the clinic,
                // runners only) just now: the view's one audit event names them.
                let shown = reviews.iter().map(|r| r.runner_id)
                    .chain(programmes.iter().map(|p| p.runner_id))
                    .chain(alerts.iter().map(|a| a.runner_id))
                    .chain(approved.iter().map(|p| p.runner_id));
                self.audit_view(actor, shown, "see worklist").await?;
                Ok(WorklistRecords {
                    people: people.into_iter().map(User::try_from).collect::<StoreResult<_>>()?,
                    reviews: Waiting { items: reviews, total: reviews_total },
                    programmes: Waiting { items: programmes, total: programmes_total },
                    alerts,
                    inbox: Waiting {
                        items: inbox.into_iter().map(InboxItem::try_from).collect::<StoreResult<_>>()?,
                        total: inbox_total,
                    },
                    calls: Waiting { items: calls.into_iter().map(Booking::from).collect(), total: calls_total },
                    retests: approved
                        .into_iter()
                        .map(|programme| RetestBasis {
                            retests_at: retests.remove(&programme.runner_id).unwrap_or_default(),
                            programme,
                        })
                        .collect(),
                })
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
        }
    };
}

impl_worklist!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_worklist!(sqlx::Postgres, "BEGIN");
