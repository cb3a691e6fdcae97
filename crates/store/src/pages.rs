//! Read models: what one page shows, read in one store call and one transaction, in a number
//! of statements that does not grow with the runner's history or the clinic's runners.
//!
//! A part of [`crate::Store`] kept in its own trait and file (like `worklist.rs`). Access is
//! checked and audited as everywhere else: through `open_record!` for one runner's record and
//! `audit_shown!` for a clinic's list, in the same transaction as the reads.

use crate::sql::{
    ASSESSMENT_COLUMNS, AlertRow, AssessmentRow, CLINIC_COLUMNS, ClinicRow, LOG_COLUMNS, LogRow,
    PROGRAMME_COLUMNS, ProgrammeRow, REVIEW_COLUMNS, RUN_COLUMNS, ReviewRow, RunRow, USER_COLUMNS,
    UserRow, begin, now, open_record,
};
use crate::summaries::{SUMMARY_WEEKS, days_since, week_of};
use crate::{
    Actor, Alert, AssessmentRecord, AuditEvent, Clinic, Coaching, LogRecord, ProgrammeRecord,
    ReviewRecord, RunRecord, SqlStore, StoreError, StoreResult, User,
};
use async_trait::async_trait;
use backstride_core::Role;
use backstride_core::tracking::trends::DaySummary;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// Most assessments a runner's journal carries, newest first. **Our choice**: a baseline and
/// its re-tests for well over a year; what the pages use is always among the newest.
pub const RECENT_ASSESSMENTS: i64 = 12;

/// A runner's record as the daily pages need it: the runner and their clinic, the approved
/// programme, the newest assessments, and the logs and reviews of a window of days.
#[derive(Debug, Clone)]
pub struct JournalRecords {
    pub runner: User,
    pub clinic: Option<Clinic>,
    /// The approved programme version, if there is one.
    pub programme: Option<ProgrammeRecord>,
    /// The newest [`RECENT_ASSESSMENTS`], newest first. From [`PageStore::journal`], only the
    /// programme's own assessment and a stopped one carry their answers and result (the
    /// others' are `{}` and none; read the assessment itself for them).
    pub assessments: Vec<AssessmentRecord>,
    /// Logs dated on or after the window's first day, oldest first.
    pub logs: Vec<LogRecord>,
    /// Reviews dated on or after the window's first day, newest first.
    pub reviews: Vec<ReviewRecord>,
    /// The window's first day (`YYYY-MM-DD`).
    pub since: String,
    /// The runner's reminder (Today shows its form), read by [`PageStore::journal_unless`]
    /// only: `None` from every other read. 0030 raises the version when it changes.
    pub reminder: Option<crate::ReminderRecord>,
}

/// What [`PageStore::journal_unless`] read.
#[derive(Debug, Clone)]
pub struct JournalRead {
    /// The record's version, read before the rest; `None` for an account without one.
    pub version: Option<i64>,
    /// `None` when the caller held the record at `version`: nothing has changed since.
    pub records: Option<JournalRecords>,
}

/// The progress page's record: the runner, the record's version, and the clinic and history
/// the charts are drawn from unless the caller already holds them at that version.
#[derive(Debug, Clone)]
pub struct ProgressRecords {
    /// `None` only for the runner's own view of a history they hold (`held` unchanged): the
    /// runner is then as they were when it was read.
    pub runner: Option<User>,
    /// The record's version (`runner_version`), read before the history; `None` for an
    /// account without one.
    pub version: Option<i64>,
    /// `None` when the caller said it holds the history at `version` (nothing has changed,
    /// clinic included).
    pub history: Option<ProgressHistory>,
}

/// The runner's clinic, the approved programme, the newest assessments, and what the logs add
/// up to per day (the weekly summaries, `summaries.rs`).
#[derive(Debug, Clone)]
pub struct ProgressHistory {
    pub clinic: Option<Clinic>,
    /// The approved programme version, if there is one.
    pub programme: Option<ProgrammeRecord>,
    /// The newest [`RECENT_ASSESSMENTS`], newest first.
    pub assessments: Vec<AssessmentRecord>,
    /// Per date from the window's first day on; dates without a log left out.
    pub days: BTreeMap<Date, DaySummary>,
}

/// What the caseload reads: every runner's version, and the details of the runners whose
/// line has to be worked out again.
#[derive(Debug, Clone)]
pub struct CaseloadRecords {
    pub clinic: Clinic,
    /// `(runner_id, version)` of every runner of the clinic the actor may see, by id. The
    /// version rises with every write to what the runner's line is worked out from.
    pub versions: Vec<(i64, i64)>,
    /// The runners to work out again (those the caller called stale), by id; the fields below
    /// are about them only.
    pub runners: Vec<User>,
    /// Each runner's approved programme (at most one each).
    pub programmes: Vec<ProgrammeRecord>,
    /// `(runner_id, created_at)` of every finished re-test.
    pub retests_at: Vec<(i64, i64)>,
    /// Logs dated on or after the window's first day, and each runner's latest morning
    /// check-in however old, oldest first.
    pub logs: Vec<LogRecord>,
    /// Open alerts, most urgent first.
    pub alerts: Vec<Alert>,
    /// Suggested reviews per runner, `(runner_id, count)`.
    pub waiting: Vec<(i64, i64)>,
}

/// Most entries of each kind a runner's record page reads (programme versions, reviews, runs,
/// coaching programmes): the page's timeline shows the newest 40 of all kinds together, so
/// the newest 40 of each are enough.
pub const RECORD_ENTRIES: i64 = 40;

/// Audit events a runner's record page shows, newest first.
pub const RECORD_AUDIT_LINES: i64 = 50;

/// One audit event with the name and role of who acted (`None` for a former user).
#[derive(Debug, Clone)]
pub struct AuditLine {
    pub event: AuditEvent,
    pub actor: Option<(String, String)>,
}

#[derive(sqlx::FromRow)]
struct AuditLineRow {
    id: i64,
    at: i64,
    actor_user_id: i64,
    action: String,
    outcome: String,
    detail: String,
    actor_name: Option<String>,
    actor_role: Option<String>,
}

/// A runner's record page: the journal, and the newest [`RECORD_ENTRIES`] of each kind.
#[derive(Debug, Clone)]
pub struct RunnerRecords {
    pub journal: JournalRecords,
    /// Programme versions, newest first.
    pub programmes: Vec<ProgrammeRecord>,
    /// Reviews of any day, newest first.
    pub recent_reviews: Vec<ReviewRecord>,
    /// Reviews decided with a note, newest decision first.
    pub noted_reviews: Vec<ReviewRecord>,
    /// Weekly reviews since the oldest coaching programme below began, newest first.
    pub coaching_reviews: Vec<ReviewRecord>,
    /// Watch runs, newest first.
    pub runs: Vec<RunRecord>,
    /// Running-form analyses, newest first, without their landmark series.
    pub form_videos: Vec<crate::FormVideoRecord>,
    /// Coaching programmes, newest first.
    pub coaching: Vec<Coaching>,
    /// The newest [`RECORD_AUDIT_LINES`] audit events about the runner (this view's included).
    pub audit: Vec<AuditLine>,
}

/// One watch run's page: the run, its runner and their clinic (whose cut-offs flag it).
#[derive(Debug, Clone)]
pub struct RunPage {
    pub runner: User,
    pub clinic: Option<Clinic>,
    pub run: RunRecord,
}

/// A page of a runner's watch runs, newest first.
#[derive(Debug, Clone)]
pub struct RunsList {
    pub runner: User,
    pub runs: Vec<RunRecord>,
    /// Whether older runs follow the last one.
    pub more: bool,
}

/// The read models of the pages people open every day.
#[async_trait]
pub trait PageStore {
    /// `runner_id`'s record for the daily pages, with logs and reviews dated on or after
    /// `since` (`YYYY-MM-DD`), read once (a log's decisions, the hourly sweep). The runner
    /// themself, or staff of the runner's clinic, may; anyone else gets `NotFound`. Audited as
    /// `action` like [`crate::Store::open_runner_record`].
    async fn journal(
        &self,
        actor: &Actor,
        runner_id: i64,
        since: &str,
        action: &str,
    ) -> StoreResult<JournalRecords>;

    /// As [`PageStore::journal`], with the reminder, for a view that comes again (Today),
    /// unless the caller holds what it worked out from the record at its current version
    /// (`held`, from `Kept::latest`; `runner_version`, which the triggers of 0022 and 0030
    /// raise on every change to the runner, their history, reminder and clinic): then only the
    /// version is read (`records` is `None`). For the runner themself that is one statement
    /// without a transaction; for staff, access and the audit event come first as always.
    async fn journal_unless(
        &self,
        actor: &Actor,
        runner_id: i64,
        since: &str,
        action: &str,
        held: Option<i64>,
    ) -> StoreResult<JournalRead>;

    /// `runner_id`'s record for the progress page: as [`PageStore::journal`] without logs or
    /// reviews, and what the logs dated `since` or later add up to per day, from the weekly
    /// summaries: at most [`SUMMARY_WEEKS`] rows however long the history (an earlier `since`
    /// gets the latest weeks only). Access and audit as [`PageStore::journal`]. With `held`
    /// (the version of a history the caller keeps, `Kept::latest`) equal to the record's
    /// version, only the runner and the version are read (`history` is `None`): 0030 raises the
    /// version when the clinic changes too.
    async fn progress(
        &self,
        actor: &Actor,
        runner_id: i64,
        since: Date,
        action: &str,
        held: Option<i64>,
    ) -> StoreResult<ProgressRecords>;

    /// `runner_id`'s record page, for the runner or staff of their clinic (anyone else gets
    /// `NotFound`; audited as "view record"), with the journal's window from `since`.
    async fn runner_record(
        &self,
        actor: &Actor,
        runner_id: i64,
        since: &str,
    ) -> StoreResult<RunnerRecords>;

    /// Run `run_id` of `runner_id`, for the runner or staff of their clinic (`NotFound` for
    /// anyone else and for a run that is not theirs; audited as "view run").
    async fn run_page(&self, actor: &Actor, runner_id: i64, run_id: i64) -> StoreResult<RunPage>;

    /// Up to `limit` of `runner_id`'s runs, newest first, older than `before` (`started_at`,
    /// `id`) when given (for the runner or staff of their clinic; audited as "list runs").
    async fn runs_list(
        &self,
        actor: &Actor,
        runner_id: i64,
        before: Option<(i64, i64)>,
        limit: i64,
    ) -> StoreResult<RunsList>;

    /// `runner_id`'s approved programme version, if any, and whether a suggested one waits
    /// (for the runner or staff of their clinic; audited as "view programme").
    async fn current_programme(
        &self,
        actor: &Actor,
        runner_id: i64,
    ) -> StoreResult<(Option<ProgrammeRecord>, bool)>;

    /// The caseload of the actor's clinic (staff only; anyone else gets `NotFound`): every
    /// runner's version, and the details (logs dated on or after `since`) of those for whom
    /// `stale(runner_id, version)` is true. A fixed number of statements whatever the clinic's
    /// size; one audit event for the view, naming every runner of the caseload (the order and
    /// the filters are worked out from all of them).
    async fn caseload(
        &self,
        actor: &Actor,
        since: &str,
        stale: &(dyn Fn(i64, i64) -> bool + Sync),
    ) -> StoreResult<CaseloadRecords>;
}

/// `1:4,2:7` → `[(1, 4), (2, 7)]`.
fn id_versions(listed: &str) -> StoreResult<Vec<(i64, i64)>> {
    listed
        .split(',')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            pair.split_once(':')
                .and_then(|(id, v)| Some((id.parse().ok()?, v.parse().ok()?)))
                .ok_or_else(|| StoreError::Other(format!("runner version does not parse: {pair}")))
        })
        .collect()
}

/// `columns` (a `*_COLUMNS` list) each prefixed with the table's `alias`.
pub(crate) fn prefixed(columns: &str, alias: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The reads every record page starts with after `open_record!` let `$runner` in, inside
/// `$tx`: the runner's clinic, approved programme and newest assessments, converted.
/// The assessment columns for the daily pages (Today and logging): the answers and the result
/// only of the programme's own assessment (`$1`) and of a stopped one (a red-flag hold); the
/// others' come back as `{}` and no result. A complete assessment's result is 20–30 KB of JSON
/// that those pages never read, and a runner has up to [`RECENT_ASSESSMENTS`] of them.
const DAILY_ASSESSMENT_COLUMNS: &str = "id, runner_id, entered_by, kind, status, protocol_version, step, \
     CASE WHEN id = $1 THEN raw_json ELSE '{}' END AS raw_json, \
     CASE WHEN id = $1 OR status = 'stopped' THEN result_json END AS result_json, \
     notes, created_at, updated_at";

/// Which assessment columns `record_heads!` reads.
#[derive(Clone, Copy, PartialEq)]
enum Assessments {
    /// Every column of each (the record and progress pages).
    Whole,
    /// [`DAILY_ASSESSMENT_COLUMNS`].
    Daily,
}

/// `$runner`'s clinic, if they have one.
macro_rules! clinic_of {
    ($tx:ident, $runner:expr) => {{
        let clinic: Option<ClinicRow> = match $runner.clinic_id {
            Some(id) => {
                let sql = format!("SELECT {CLINIC_COLUMNS} FROM clinic WHERE id = $1");
                sqlx::query_as(&sql)
                    .bind(id)
                    .fetch_optional(&mut *$tx)
                    .await?
            }
            None => None,
        };
        clinic.map(Clinic::from)
    }};
}

macro_rules! record_heads {
    ($tx:ident, $runner:expr) => {
        record_heads!($tx, $runner, Assessments::Whole)
    };
    ($tx:ident, $runner:expr, $which:expr) => {{
        let runner: &User = $runner;
        let runner_id = runner.id;
        let clinic = clinic_of!($tx, runner);
        let sql = format!(
            "SELECT {PROGRAMME_COLUMNS} FROM programme WHERE runner_id = $1 AND status = 'approved' \
             ORDER BY version DESC LIMIT 1"
        );
        let programme: Option<ProgrammeRow> = sqlx::query_as(&sql).bind(runner_id).fetch_optional(&mut *$tx).await?;
        let programme = programme.map(ProgrammeRecord::try_from).transpose()?;
        let assessments: Vec<AssessmentRow> = if $which == Assessments::Daily {
            // `$1` first, so that SQLite numbers the parameters as written.
            let sql = format!(
                "SELECT {DAILY_ASSESSMENT_COLUMNS} FROM assessment WHERE runner_id = $2 \
                 ORDER BY created_at DESC, id DESC LIMIT $3"
            );
            let own = programme.as_ref().and_then(|p| p.assessment_id).unwrap_or(-1);
            sqlx::query_as(&sql).bind(own).bind(runner_id).bind(RECENT_ASSESSMENTS).fetch_all(&mut *$tx).await?
        } else {
            let sql = format!(
                "SELECT {ASSESSMENT_COLUMNS} FROM assessment WHERE runner_id = $1 \
                 ORDER BY created_at DESC, id DESC LIMIT $2"
            );
            sqlx::query_as(&sql).bind(runner_id).bind(RECENT_ASSESSMENTS).fetch_all(&mut *$tx).await?
        };
        (
            clinic,
            programme,
            assessments.into_iter().map(AssessmentRecord::try_from).collect::<StoreResult<Vec<_>>>()?,
        )
    }};
}

/// The reads of [`JournalRecords`] after `open_record!` let `$runner` in, inside `$tx`.
macro_rules! journal_reads {
    ($tx:ident, $runner:expr, $since:expr, $which:expr) => {{
        let runner: User = $runner;
        let runner_id = runner.id;
        let since: &str = $since;
        let (clinic, programme, assessments) = record_heads!($tx, &runner, $which);
        let sql = format!(
            "SELECT {LOG_COLUMNS} FROM tracking_log WHERE runner_id = $1 AND log_date >= $2 ORDER BY log_date, id"
        );
        let logs: Vec<LogRow> = sqlx::query_as(&sql).bind(runner_id).bind(since).fetch_all(&mut *$tx).await?;
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM review WHERE runner_id = $1 AND review_date >= $2 \
             ORDER BY review_date DESC, id DESC"
        );
        let reviews: Vec<ReviewRow> = sqlx::query_as(&sql).bind(runner_id).bind(since).fetch_all(&mut *$tx).await?;
        JournalRecords {
            runner,
            clinic,
            programme,
            assessments,
            logs: logs.into_iter().map(LogRecord::try_from).collect::<StoreResult<_>>()?,
            reviews: reviews.into_iter().map(ReviewRecord::try_from).collect::<StoreResult<_>>()?,
            since: since.to_owned(),
            reminder: None,
        }
    }};
}

/// The runner's `runner_version`, if they have one.
macro_rules! runner_version {
    ($executor:expr, $runner_id:expr) => {{
        let version: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM runner_version WHERE runner_id = $1")
                .bind($runner_id)
                .fetch_optional($executor)
                .await?;
        version.map(|(v,)| v)
    }};
}

/// Opens `runner_id`'s record for a caller that holds what it worked out from it at version
/// `held` (`Kept::latest`): evaluates to `(tx, runner, version)` when the record must be read
/// again, or returns `Ok($unchanged(version, runner))` from the calling method when nothing
/// has changed. The runner's own view reads the version alone, one statement without a
/// transaction (`runner` is then `None`): a runner may always see their own record, whatever
/// would change that (their role, the account's deletion) raises the version, and nothing is
/// audited for the runner themself. Anyone else is checked and audited first, as always. The
/// version comes before the rest: a change committed after it makes the next view read again,
/// never the other way round (PostgreSQL reads each statement afresh).
macro_rules! open_unless_held {
    ($self:ident, $begin_write:literal, $actor:expr, $runner_id:expr, $action:expr, $held:expr, $unchanged:expr) => {{
        let (actor, runner_id, held): (&Actor, i64, Option<i64>) = ($actor, $runner_id, $held);
        let unchanged = $unchanged;
        if held.is_some() && actor.user_id == runner_id {
            let version = runner_version!(&$self.read, runner_id);
            if version == held {
                return Ok(unchanged(version, None));
            }
        }
        let mut tx = begin!($self, $begin_write, actor.user_id != runner_id);
        let runner = match open_record!(&mut tx, actor, runner_id, $action) {
            Ok(runner) => runner,
            Err(denied) => {
                tx.commit().await?;
                return Err(denied);
            }
        };
        let version = runner_version!(&mut *tx, runner_id);
        if held.is_some() && version == held {
            tx.commit().await?;
            return Ok(unchanged(version, Some(runner)));
        }
        (tx, runner, version)
    }};
}

macro_rules! impl_pages {
    ($db:ty, $begin_write:literal, $ids_in:literal) => {
        #[async_trait]
        impl PageStore for SqlStore<$db> {
            async fn journal(&self, actor: &Actor, runner_id: i64, since: &str, action: &str) -> StoreResult<JournalRecords> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let runner = match open_record!(&mut tx, actor, runner_id, action) {
                    Ok(runner) => runner,
                    Err(denied) => {
                        tx.commit().await?;
                        return Err(denied);
                    }
                };
                let journal = journal_reads!(tx, runner, since, Assessments::Daily);
                tx.commit().await?;
                Ok(journal)
            }

            async fn journal_unless(&self, actor: &Actor, runner_id: i64, since: &str, action: &str, held: Option<i64>) -> StoreResult<JournalRead> {
                let (mut tx, runner, version) = open_unless_held!(self, $begin_write, actor, runner_id, action, held,
                    |version, _| JournalRead { version, records: None });
                let mut journal = journal_reads!(tx, runner, since, Assessments::Daily);
                let sql = format!("SELECT {} FROM reminder WHERE runner_id = $1", crate::reminders::COLUMNS);
                let row: Option<crate::reminders::ReminderRow> =
                    sqlx::query_as(&sql).bind(runner_id).fetch_optional(&mut *tx).await?;
                journal.reminder = row.map(crate::reminders::record);
                tx.commit().await?;
                Ok(JournalRead { version, records: Some(journal) })
            }

            async fn progress(&self, actor: &Actor, runner_id: i64, since: Date, action: &str, held: Option<i64>) -> StoreResult<ProgressRecords> {
                let (mut tx, runner, version) = open_unless_held!(self, $begin_write, actor, runner_id, action, held,
                    |version, runner| ProgressRecords { runner, version, history: None });
                let (clinic, programme, assessments) = record_heads!(tx, &runner);
                let weeks: Vec<(String,)> = sqlx::query_as(
                    "SELECT days_json FROM tracking_week WHERE runner_id = $1 AND week_start >= $2 \
                     ORDER BY week_start DESC LIMIT $3",
                )
                .bind(runner_id).bind(week_of(since).to_string()).bind(SUMMARY_WEEKS)
                .fetch_all(&mut *tx).await?;
                tx.commit().await?;
                let history = ProgressHistory { clinic, programme, assessments, days: days_since(&weeks, since)? };
                Ok(ProgressRecords { runner: Some(runner), version, history: Some(history) })
            }

            async fn runner_record(&self, actor: &Actor, runner_id: i64, since: &str) -> StoreResult<RunnerRecords> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let runner = match open_record!(&mut tx, actor, runner_id, "view record") {
                    Ok(runner) => runner,
                    Err(denied) => {
                        tx.commit().await?;
                        return Err(denied);
                    }
                };
                let journal = journal_reads!(tx, runner, since, Assessments::Whole);
                let sql = format!("SELECT {PROGRAMME_COLUMNS} FROM programme WHERE runner_id = $1 ORDER BY version DESC LIMIT $2");
                let programmes: Vec<ProgrammeRow> = sqlx::query_as(&sql).bind(runner_id).bind(RECORD_ENTRIES)
                    .fetch_all(&mut *tx).await?;
                let sql = format!("SELECT {REVIEW_COLUMNS} FROM review WHERE runner_id = $1 ORDER BY review_date DESC, id DESC LIMIT $2");
                let recent_reviews: Vec<ReviewRow> = sqlx::query_as(&sql).bind(runner_id).bind(RECORD_ENTRIES)
                    .fetch_all(&mut *tx).await?;
                let sql = format!(
                    "SELECT {REVIEW_COLUMNS} FROM review WHERE runner_id = $1 AND decided_at IS NOT NULL \
                     AND LENGTH(TRIM(note)) > 1 ORDER BY decided_at DESC, id DESC LIMIT $2"
                );
                let noted_reviews: Vec<ReviewRow> = sqlx::query_as(&sql).bind(runner_id).bind(RECORD_ENTRIES)
                    .fetch_all(&mut *tx).await?;
                let sql = format!("SELECT {RUN_COLUMNS} FROM run WHERE runner_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2");
                let runs: Vec<RunRow> = sqlx::query_as(&sql).bind(runner_id).bind(RECORD_ENTRIES).fetch_all(&mut *tx).await?;
                let sql = format!(
                    "SELECT {} FROM form_video WHERE runner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
                    crate::form_video::LIST_COLUMNS
                );
                let form_videos: Vec<crate::form_video::Row> =
                    sqlx::query_as(&sql).bind(runner_id).bind(RECORD_ENTRIES).fetch_all(&mut *tx).await?;
                let coaching: Vec<(i64, String, i64, String, i64, i64)> = sqlx::query_as(
                    "SELECT id, name, weeks, starts_on, created_by, created_at FROM coaching_programme \
                     WHERE runner_id = $1 ORDER BY starts_on DESC, id DESC LIMIT $2",
                )
                .bind(runner_id).bind(RECORD_ENTRIES).fetch_all(&mut *tx).await?;
                let coaching: Vec<Coaching> = coaching.into_iter().map(|(id, name, weeks, starts_on, created_by, created_at)| Coaching {
                    id, runner_id, name, weeks, starts_on, created_by, created_at,
                }).collect();
                // The weekly reviews since the oldest coaching programme shown began.
                let weekly: Vec<ReviewRow> = match coaching.iter().map(|c| c.starts_on.as_str()).min() {
                    Some(first) => {
                        let sql = format!(
                            "SELECT {REVIEW_COLUMNS} FROM review WHERE runner_id = $1 AND kind = 'weekly' AND review_date >= $2 \
                             ORDER BY review_date DESC, id DESC"
                        );
                        sqlx::query_as(&sql).bind(runner_id).bind(first).fetch_all(&mut *tx).await?
                    }
                    None => Vec::new(),
                };
                // The newest of the events about the runner alone and the newest of the list
                // views naming them, each found in its index's order (a busy clinic's list views
                // are many), then the newest of both.
                let audit: Vec<AuditLineRow> = sqlx::query_as(
                    "SELECT e.id, e.at, e.actor_user_id, e.action, e.outcome, e.detail, \
                     u.display_name AS actor_name, u.role AS actor_role \
                     FROM audit_event e LEFT JOIN app_user u ON u.id = e.actor_user_id \
                     WHERE e.id IN (\
                       SELECT a.id FROM (SELECT id FROM audit_event WHERE subject_user_id = $1 ORDER BY id DESC LIMIT $2) a \
                       UNION ALL \
                       SELECT b.id FROM (SELECT id FROM audit_event WHERE list_id IN \
                         (SELECT list_id FROM audit_list_runner WHERE runner_id = $1) ORDER BY id DESC LIMIT $2) b) \
                     ORDER BY e.id DESC LIMIT $2",
                )
                .bind(runner_id).bind(RECORD_AUDIT_LINES).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                let reviews = |rows: Vec<ReviewRow>| rows.into_iter().map(ReviewRecord::try_from).collect::<StoreResult<Vec<_>>>();
                Ok(RunnerRecords {
                    journal,
                    programmes: programmes.into_iter().map(ProgrammeRecord::try_from).collect::<StoreResult<_>>()?,
                    recent_reviews: reviews(recent_reviews)?,
                    noted_reviews: reviews(noted_reviews)?,
                    coaching_reviews: reviews(weekly)?,
                    runs: runs.into_iter().map(RunRecord::from).collect(),
                    form_videos: form_videos.into_iter().map(crate::form_video::record).collect(),
                    coaching,
                    audit: audit.into_iter().map(|r| AuditLine {
                        actor: r.actor_name.zip(r.actor_role),
                        event: AuditEvent {
                            id: r.id, at: r.at, actor_user_id: r.actor_user_id, subject_user_id: runner_id,
                            action: r.action, outcome: r.outcome, detail: r.detail,
                        },
                    }).collect(),
                })
            }

            async fn run_page(&self, actor: &Actor, runner_id: i64, run_id: i64) -> StoreResult<RunPage> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let runner = match open_record!(&mut tx, actor, runner_id, "view run") {
                    Ok(runner) => runner,
                    Err(denied) => {
                        tx.commit().await?;
                        return Err(denied);
                    }
                };
                let clinic: Option<ClinicRow> = match runner.clinic_id {
                    Some(id) => {
                        let sql = format!("SELECT {CLINIC_COLUMNS} FROM clinic WHERE id = $1");
                        sqlx::query_as(&sql).bind(id).fetch_optional(&mut *tx).await?
                    }
                    None => None,
                };
                let sql = format!("SELECT {RUN_COLUMNS} FROM run WHERE id = $1 AND runner_id = $2");
                let run: Option<RunRow> = sqlx::query_as(&sql).bind(run_id).bind(runner_id).fetch_optional(&mut *tx).await?;
                tx.commit().await?;
                Ok(RunPage {
                    runner,
                    clinic: clinic.map(Clinic::from),
                    run: run.map(RunRecord::from).ok_or(StoreError::NotFound)?,
                })
            }

            async fn runs_list(&self, actor: &Actor, runner_id: i64, before: Option<(i64, i64)>, limit: i64) -> StoreResult<RunsList> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                let runner = match open_record!(&mut tx, actor, runner_id, "list runs") {
                    Ok(runner) => runner,
                    Err(denied) => {
                        tx.commit().await?;
                        return Err(denied);
                    }
                };
                let (at, id) = before.unwrap_or((i64::MAX, i64::MAX));
                let sql = format!(
                    "SELECT {RUN_COLUMNS} FROM run WHERE runner_id = $1 AND (started_at < $2 OR (started_at = $2 AND id < $3)) \
                     ORDER BY started_at DESC, id DESC LIMIT $4"
                );
                let rows: Vec<RunRow> = sqlx::query_as(&sql).bind(runner_id).bind(at).bind(id).bind(limit.max(0) + 1)
                    .fetch_all(&mut *tx).await?;
                tx.commit().await?;
                let mut runs: Vec<RunRecord> = rows.into_iter().map(RunRecord::from).collect();
                let more = runs.len() as i64 > limit.max(0);
                runs.truncate(limit.max(0) as usize);
                Ok(RunsList { runner, runs, more })
            }

            async fn current_programme(&self, actor: &Actor, runner_id: i64) -> StoreResult<(Option<ProgrammeRecord>, bool)> {
                let mut tx = begin!(self, $begin_write, actor.user_id != runner_id);
                if let Err(denied) = open_record!(&mut tx, actor, runner_id, "view programme") {
                    tx.commit().await?;
                    return Err(denied);
                }
                let sql = format!(
                    "SELECT {PROGRAMME_COLUMNS} FROM programme WHERE runner_id = $1 AND status = 'approved' \
                     ORDER BY version DESC LIMIT 1"
                );
                let approved: Option<ProgrammeRow> = sqlx::query_as(&sql).bind(runner_id).fetch_optional(&mut *tx).await?;
                let (waiting,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM programme WHERE runner_id = $1 AND status = 'suggested'",
                )
                .bind(runner_id).fetch_one(&mut *tx).await?;
                tx.commit().await?;
                Ok((approved.map(ProgrammeRecord::try_from).transpose()?, waiting > 0))
            }

            async fn caseload(
                &self,
                actor: &Actor,
                since: &str,
                stale: &(dyn Fn(i64, i64) -> bool + Sync),
            ) -> StoreResult<CaseloadRecords> {
                let (Some(clinic_id), true) = (actor.clinic_id, actor.role.is_staff()) else {
                    return Err(StoreError::NotFound);
                };
                // The reads on a reader, then the view's one audit event on the writer, committed
                // before anything is shown.
                let mut tx = self.read.begin().await?;
                let sql = format!("SELECT {CLINIC_COLUMNS} FROM clinic WHERE id = $1");
                let clinic: ClinicRow = sqlx::query_as(&sql).bind(clinic_id).fetch_one(&mut *tx).await?;
                // Every runner's `id:version`, as one row of text: a thousand runners are one
                // hand-off from the database, not a thousand.
                let (listed,): (Option<String>,) = sqlx::query_as(
                    "SELECT string_agg(CAST(u.id AS TEXT) || ':' || CAST(COALESCE(v.version, 0) AS TEXT), ',' ORDER BY u.id) \
                     FROM app_user u LEFT JOIN runner_version v ON v.runner_id = u.id \
                     WHERE u.clinic_id = $1 AND u.role = 'runner'",
                )
                .bind(clinic_id).fetch_one(&mut *tx).await?;
                let versions = id_versions(listed.as_deref().unwrap_or(""))?;
                let stale_ids: Vec<i64> = versions.iter().filter(|(id, v)| stale(*id, *v)).map(|(id, _)| *id).collect();
                let mut records = CaseloadRecords {
                    clinic: clinic.into(),
                    versions,
                    runners: Vec::new(),
                    programmes: Vec::new(),
                    retests_at: Vec::new(),
                    logs: Vec::new(),
                    alerts: Vec::new(),
                    waiting: Vec::new(),
                };
                if !stale_ids.is_empty() {
                    // The stale runners, as one JSON array parameter: one statement each whatever
                    // their number.
                    let ids = serde_json::to_string(&stale_ids).map_err(|e| StoreError::Other(e.to_string()))?;
                    let of = |n: &str| format!("JOIN app_user u ON u.id = x.runner_id WHERE u.clinic_id = $1 AND u.role = 'runner' \
                                                AND x.runner_id IN ({})", $ids_in.replace("$IDS", n));
                    let sql = format!(
                        "SELECT {USER_COLUMNS} FROM app_user WHERE clinic_id = $1 AND role = 'runner' AND id IN ({}) ORDER BY id",
                        $ids_in.replace("$IDS", "$2")
                    );
                    let runners: Vec<UserRow> = sqlx::query_as(&sql).bind(clinic_id).bind(&ids).fetch_all(&mut *tx).await?;
                    let sql = format!(
                        "SELECT {} FROM programme x {} AND x.status = 'approved' ORDER BY x.runner_id, x.version DESC",
                        prefixed(PROGRAMME_COLUMNS, "x"), of("$2")
                    );
                    let programmes: Vec<ProgrammeRow> = sqlx::query_as(&sql).bind(clinic_id).bind(&ids).fetch_all(&mut *tx).await?;
                    let retests_at: Vec<(i64, i64)> = sqlx::query_as(&format!(
                        "SELECT x.runner_id, x.created_at FROM assessment x {} AND x.kind = 'retest' AND x.status = 'complete'",
                        of("$2")
                    ))
                    .bind(clinic_id).bind(&ids).fetch_all(&mut *tx).await?;
                    let sql = format!(
                        "SELECT {} FROM tracking_log x {} AND x.log_date >= $2",
                        prefixed(LOG_COLUMNS, "x"), of("$3")
                    );
                    let mut logs: Vec<LogRow> = sqlx::query_as(&sql).bind(clinic_id).bind(since).bind(&ids).fetch_all(&mut *tx).await?;
                    // Each runner's latest check-in before the window (found through the index of
                    // one morning a day), so a runner who stopped checking in still shows their last.
                    let sql = format!(
                        "SELECT {} FROM app_user u JOIN tracking_log x ON x.runner_id = u.id AND x.kind = 'morning' \
                         AND x.log_date = (SELECT MAX(m.log_date) FROM tracking_log m WHERE m.runner_id = u.id \
                         AND m.kind = 'morning' AND m.log_date < $2) \
                         WHERE u.clinic_id = $1 AND u.role = 'runner' AND u.id IN ({})",
                        prefixed(LOG_COLUMNS, "x"), $ids_in.replace("$IDS", "$3")
                    );
                    let before: Vec<LogRow> = sqlx::query_as(&sql).bind(clinic_id).bind(since).bind(&ids).fetch_all(&mut *tx).await?;
                    logs.extend(before);
                    let alerts: Vec<AlertRow> = sqlx::query_as(&format!(
                        "SELECT x.id, x.runner_id, x.tier, x.reason, x.created_at, x.resolved_at FROM alert x {} \
                         AND x.resolved_at IS NULL \
                         ORDER BY CASE x.tier WHEN 'critical' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, x.created_at DESC",
                        of("$2")
                    ))
                    .bind(clinic_id).bind(&ids).fetch_all(&mut *tx).await?;
                    let waiting: Vec<(i64, i64)> = sqlx::query_as(&format!(
                        "SELECT x.runner_id, COUNT(*) FROM review x {} AND x.status = 'suggested' GROUP BY x.runner_id",
                        of("$2")
                    ))
                    .bind(clinic_id).bind(&ids).fetch_all(&mut *tx).await?;
                    let mut programmes = programmes.into_iter().map(ProgrammeRecord::try_from).collect::<StoreResult<Vec<_>>>()?;
                    // One approved version per runner is the rule; keep the newest if ever there were two.
                    programmes.dedup_by_key(|p| p.runner_id);
                    let mut logs = logs.into_iter().map(LogRecord::try_from).collect::<StoreResult<Vec<_>>>()?;
                    logs.sort_by(|a, b| (&a.log_date, a.id).cmp(&(&b.log_date, b.id)));
                    records.runners = runners.into_iter().map(User::try_from).collect::<StoreResult<Vec<_>>>()?;
                    records.programmes = programmes;
                    records.retests_at = retests_at;
                    records.logs = logs;
                    records.alerts = alerts.into_iter().map(Alert::try_from).collect::<StoreResult<Vec<_>>>()?;
                    records.waiting = waiting;
                }
                tx.commit().await?;
                // Every runner listed was read under the actor's own scope (staff of the clinic,
                // runners only) just now.
                self.audit_view(actor, records.versions.iter().map(|(id, _)| *id), "see caseload").await?;
                Ok(records)
            }
        }
    };
}

// The ids of a JSON array parameter (`$IDS`), as a subquery.
impl_pages!(
    sqlx::Sqlite,
    "BEGIN IMMEDIATE",
    "SELECT value FROM json_each($IDS)"
);
impl_pages!(
    sqlx::Postgres,
    "BEGIN",
    "SELECT jsonb_array_elements_text($IDS::jsonb)::bigint"
);
