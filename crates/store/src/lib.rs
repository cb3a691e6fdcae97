//! Persistence for Backstride: one [`Store`] trait, implemented for SQLite (the embedded
//! default) and PostgreSQL (scale-out), with migrations per backend and an append-only audit
//! trail written in the same transaction as every access to a runner's record by someone else.
#![forbid(unsafe_code)]

mod api_tokens;
mod booking;
pub mod bulk;
pub mod export;
pub mod files;
mod form_video;
mod front;
pub mod group_commit;
mod images;
pub mod kept;
mod model;
pub mod packed;
mod pages;
mod reminders;
mod sessions;
mod sql;
pub mod summaries;
pub mod testing;
mod today;
mod webhooks;
mod worklist;

/// The column lists the store's statements read each record with, for code that reads the same
/// rows another way: the SQLite driver benchmark (`benches/today_read.rs`) runs the Today
/// page's statements through rusqlite with them.
pub mod columns {
    pub use crate::reminders::COLUMNS as REMINDER_COLUMNS;
    pub use crate::sql::{
        ASSESSMENT_COLUMNS, CLINIC_COLUMNS, LOG_COLUMNS, PROGRAMME_COLUMNS, REVIEW_COLUMNS,
        USER_COLUMNS,
    };
}

pub use api_tokens::{ApiToken, ApiTokenStore, MAX_TOKENS_PER_USER, NewApiToken, TokenScope};
pub use booking::{
    Booking, BookingStore, CallHours, NewBooking, Reschedule, SLOT_TAKEN, SaveCallHours,
};
pub use export::{AccountDataStore, DeletionPlan, NewWatchFile, RunnerExport};
pub use form_video::{
    FORM_VIDEOS_LISTED, FindingReview, FormVideoRecord, FormVideoStore, NewFormVideo,
};
pub use front::{
    ArticleRecord, Forgotten, FormAttempts, FrontStore, Lead, MailToken, MailTokenKind, NewLead,
    SaveArticle,
};
pub use group_commit::{GroupCommitStore, LogToStore, LogWriter};
pub use images::{
    ArticleImage, ArticleImageStore, ImageFile, MAX_IMAGES_PER_CLINIC, NewArticleImage,
};
pub use kept::Kept;
pub use model::*;
pub use pages::{
    AuditLine, CaseloadRecords, JournalRead, JournalRecords, PageStore, ProgressHistory,
    ProgressRecords, RECENT_ASSESSMENTS, RECORD_AUDIT_LINES, RECORD_ENTRIES, RunPage,
    RunnerRecords, RunsList,
};
pub use reminders::{ReminderOutcome, ReminderRecord, ReminderStore, ReminderToSend, SaveReminder};
pub use sessions::{SessionBackend, Sessions};
pub use sql::SqlStore;
pub use today::{LogOutcome, TodayStore};
pub use webhooks::{
    DueWebhook, MAX_WEBHOOK_ENDPOINTS, SaveWebhookEndpoint, WEBHOOK_CLAIM_SECONDS, WEBHOOK_LIMIT,
    WebhookDelivery, WebhookEndpoint, WebhookStore,
};
pub use worklist::{RetestBasis, Waiting, WorklistAsk, WorklistRecords, WorklistStore};

use async_trait::async_trait;
use backstride_core::{Email, Role};
use std::sync::Arc;

/// What went wrong in storage, in the three ways callers need to tell apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist, or the actor may not know that it exists.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken (`constraint` names it, e.g. `app_user_email_key`).
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    /// Anything else: logged, never shown.
    #[error("storage error: {0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                constraint: db
                    .constraint()
                    .map(str::to_owned)
                    .unwrap_or_else(|| sqlite_constraint(db.message())),
            },
            _ => StoreError::Other(err.to_string()),
        }
    }
}

/// SQLite names the columns, not the constraint: "UNIQUE constraint failed: app_user.email".
fn sqlite_constraint(message: &str) -> String {
    let columns = message.rsplit(": ").next().unwrap_or(message);
    let name = columns.replace(", ", "_").replace('.', "_");
    format!("{name}_key")
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        StoreError::Other(format!("migration failed: {err}"))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything Backstride keeps. Implemented by [`SqlStore`] for SQLite and PostgreSQL; the web
/// tier holds an `Arc<dyn Store>` and never sees which.
#[async_trait]
pub trait Store:
    BookingStore
    + ApiTokenStore
    + FrontStore
    + ArticleImageStore
    + AccountDataStore
    + ReminderStore
    + WorklistStore
    + PageStore
    + TodayStore
    + GroupCommitStore
    + FormVideoStore
    + WebhookStore
    + Send
    + Sync
    + 'static
{
    /// Which backend this is ("sqlite" or "postgres"), for logs and `/readyz`.
    fn backend(&self) -> &'static str;
    /// Brings the schema up to date (idempotent).
    async fn migrate(&self) -> StoreResult<()>;
    /// Answers when the database can be reached.
    async fn ping(&self) -> StoreResult<()>;
    /// The session store sharing this database, so several web instances share sessions.
    fn session_backend(&self) -> SessionBackend;

    // Clinics
    async fn create_clinic(&self, clinic: &NewClinic) -> StoreResult<Clinic>;
    async fn clinic(&self, id: i64) -> StoreResult<Clinic>;
    async fn clinic_by_name(&self, name: &str) -> StoreResult<Clinic>;
    /// The clinic self-signed-up runners join (the first clinic), if any exists.
    async fn default_clinic(&self) -> StoreResult<Option<Clinic>>;
    /// Saves a clinic's settings (admins of that clinic only; anyone else gets `NotFound`).
    async fn update_clinic_settings(
        &self,
        actor: &Actor,
        clinic_id: i64,
        settings: &ClinicSettings,
    ) -> StoreResult<Clinic>;

    // People
    async fn create_user(&self, user: &NewUser) -> StoreResult<User>;
    /// Creates a self-signed-up account whose email is not confirmed yet: it can't log in by
    /// password until [`Store::confirm_email`] (its emailed link, or a password reset).
    async fn create_unconfirmed_user(&self, user: &NewUser) -> StoreResult<User>;
    /// Whether the account's email was confirmed (always, except a fresh self sign-up).
    async fn email_confirmed(&self, user_id: i64) -> StoreResult<bool>;
    async fn confirm_email(&self, user_id: i64) -> StoreResult<()>;
    async fn user(&self, id: i64) -> StoreResult<User>;
    async fn user_by_email(&self, email: &Email) -> StoreResult<User>;
    async fn users_in_clinic(&self, clinic_id: i64) -> StoreResult<Vec<User>>;
    /// Runners with an approved programme, for the background task that makes their weekly
    /// reviews (a system read of who, not of any record: not audited).
    async fn runners_with_approved_programme(&self) -> StoreResult<Vec<User>>;
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()>;
    async fn set_preferences(&self, user_id: i64, prefs: &Preferences) -> StoreResult<()>;

    // Single-use tokens (stored as hashes)
    async fn create_password_reset(
        &self,
        user_id: i64,
        token_hash: &str,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// Marks the token used and returns its user, if it exists, is unused and unexpired at `now`.
    async fn consume_password_reset(&self, token_hash: &str, now: i64) -> StoreResult<Option<i64>>;
    /// An emailed single-use link that finishes logging in (kept apart from reset links).
    async fn create_login_link(
        &self,
        user_id: i64,
        token_hash: &str,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// Marks the sign-in link used and returns its user, if it is unused and unexpired at `now`.
    async fn consume_login_link(&self, token_hash: &str, now: i64) -> StoreResult<Option<i64>>;
    async fn create_invite(&self, invite: &NewInvite) -> StoreResult<()>;
    /// Looks an unused, unexpired invite up without using it.
    async fn invite(&self, token_hash: &str, now: i64) -> StoreResult<Option<Invite>>;
    /// Creates the invited account and marks the invite used, atomically.
    async fn accept_invite(&self, token_hash: &str, user: &NewUser, now: i64) -> StoreResult<User>;

    // Login throttling
    async fn record_login_failure(&self, email: &str, ip: &str, at: i64) -> StoreResult<()>;
    /// Failures since `since` for this email and for this IP address.
    async fn login_failures_since(
        &self,
        email: &str,
        ip: &str,
        since: i64,
    ) -> StoreResult<LoginFailures>;
    /// Forgets this email's failures and its attempt count (after a successful login or reset).
    async fn clear_login_failures(&self, email: &str) -> StoreResult<()>;
    /// Forgets sign-in records nobody needs any more: sessions that expired before
    /// `sessions_expired_before` and login failures from before `failures_before`.
    async fn forget_old_sign_ins(
        &self,
        sessions_expired_before: i64,
        failures_before: i64,
    ) -> StoreResult<SignInsForgotten>;
    /// Counts one login attempt for `email` and returns the attempts not followed by a success
    /// since the count last started (a count older than `since` starts again at this one). One
    /// statement, so parallel attempts each get their own number.
    async fn count_login_attempt(&self, email: &str, now: i64, since: i64) -> StoreResult<i64>;

    // Runner records (audited)
    /// Opens a runner's record for `actor`. The runner themself, or staff of the runner's
    /// clinic, may; anyone else gets `NotFound`. Any access by someone other than the runner
    /// (allowed or denied) appends an audit event in the same transaction.
    async fn open_runner_record(
        &self,
        actor: &Actor,
        runner_id: i64,
        action: &str,
    ) -> StoreResult<User>;
    /// The audit trail about one runner, newest first.
    async fn audit_events_about(&self, runner_id: i64) -> StoreResult<Vec<AuditEvent>>;

    // Assessments (audited)
    /// Creates or updates (while still a draft) an assessment of `runner_id`.
    async fn save_assessment(
        &self,
        actor: &Actor,
        runner_id: i64,
        assessment: &SaveAssessment,
    ) -> StoreResult<AssessmentRecord>;
    async fn assessment(&self, actor: &Actor, id: i64) -> StoreResult<AssessmentRecord>;
    /// Moves a complete assessment to `at` (Unix seconds): the demo's baseline is dated weeks
    /// before its re-test. Audited like any write to the record.
    async fn date_assessment(&self, actor: &Actor, id: i64, at: i64) -> StoreResult<()>;
    /// A runner's assessments, newest first.
    async fn assessments_of(
        &self,
        actor: &Actor,
        runner_id: i64,
    ) -> StoreResult<Vec<AssessmentRecord>>;

    // Programmes (audited; every version kept)
    /// Adds the next version. An approved version supersedes the previous approved one.
    async fn add_programme(
        &self,
        actor: &Actor,
        runner_id: i64,
        programme: &NewProgramme,
    ) -> StoreResult<ProgrammeRecord>;
    /// Approves a suggested version (staff of the runner's clinic only).
    async fn approve_programme(
        &self,
        actor: &Actor,
        programme_id: i64,
    ) -> StoreResult<ProgrammeRecord>;
    async fn programme(&self, actor: &Actor, programme_id: i64) -> StoreResult<ProgrammeRecord>;
    /// A runner's programme versions, newest first.
    async fn programmes_of(
        &self,
        actor: &Actor,
        runner_id: i64,
    ) -> StoreResult<Vec<ProgrammeRecord>>;

    // Runs (audited)
    /// Stores an imported run; the same content for the same runner is a `Conflict`.
    async fn add_run(&self, actor: &Actor, runner_id: i64, run: &NewRun) -> StoreResult<RunRecord>;
    /// A runner's runs, newest first.
    async fn runs_of(&self, actor: &Actor, runner_id: i64) -> StoreResult<Vec<RunRecord>>;

    // Daily tracking (audited)
    /// Stores a log once: a second log with the same idempotency key returns the first.
    /// A second morning check-in for one date is a `Conflict` on `tracking_log_one_morning`.
    async fn add_log(
        &self,
        actor: &Actor,
        runner_id: i64,
        log: &NewLog,
    ) -> StoreResult<(LogRecord, LogSaved)>;
    /// A runner's logs dated on or after `since` (`YYYY-MM-DD`), oldest first.
    async fn logs_of(
        &self,
        actor: &Actor,
        runner_id: i64,
        since: &str,
    ) -> StoreResult<Vec<LogRecord>>;
    /// Stores the review of a day; a later review of the same day and kind replaces it while
    /// it is still a suggestion (one already accepted or overridden is kept as it is).
    async fn save_review(
        &self,
        actor: &Actor,
        runner_id: i64,
        review: &NewReview,
    ) -> StoreResult<ReviewRecord>;
    /// A runner's reviews, newest first.
    async fn reviews_of(&self, actor: &Actor, runner_id: i64) -> StoreResult<Vec<ReviewRecord>>;
    /// The clinician accepts or overrides a suggested review (staff of the runner's clinic only).
    async fn settle_review(
        &self,
        actor: &Actor,
        review_id: i64,
        status: ReviewStatus,
        note: &str,
    ) -> StoreResult<ReviewRecord>;

    // Coaching programmes (audited)
    /// Starts a named coaching programme for a runner (staff of the runner's clinic only).
    async fn start_coaching(
        &self,
        actor: &Actor,
        runner_id: i64,
        coaching: &NewCoaching,
    ) -> StoreResult<Coaching>;
    /// A runner's coaching programmes, newest first.
    async fn coaching_of(&self, actor: &Actor, runner_id: i64) -> StoreResult<Vec<Coaching>>;

    // Calendar subscription
    /// Sets the runner's private calendar link (replacing any earlier one).
    async fn set_calendar_feed(&self, runner_id: i64, token_hash: &str) -> StoreResult<()>;
    /// The runner a calendar link belongs to.
    async fn calendar_feed_runner(&self, token_hash: &str) -> StoreResult<Option<i64>>;

    // Alerts
    /// Raises an alert about a runner for their clinician (a system action, not audited). The
    /// same reason already open is not raised twice: its id is returned instead.
    async fn raise_alert(
        &self,
        runner_id: i64,
        tier: AlertTier,
        reason: &str,
        now: i64,
    ) -> StoreResult<i64>;
    /// Open alerts about runners of the actor's clinic, most urgent first (staff only). Their
    /// reasons are health details: an audit event about each runner shown is appended.
    async fn open_alerts(&self, actor: &Actor) -> StoreResult<Vec<Alert>>;
    /// For a clinic's outcomes (staff only, the actor's clinic): the complete and stopped
    /// assessments made since `since` (unix seconds) of every runner of the clinic, and the
    /// programmes made from them. An audit event about each runner counted is appended.
    async fn clinic_outcome_records(
        &self,
        actor: &Actor,
        since: i64,
    ) -> StoreResult<OutcomeRecords>;
    /// Session logs of the actor's clinic's runners, each within its own window
    /// (`runner_id`, first date, last date, as `YYYY-MM-DD`); staff only, at most
    /// [`MAX_LOG_WINDOWS`] windows a call. Read for counts: audited by the call before.
    /// Shows (`Some(sentence)`, counted on `counted_on`) or stops showing (`None`) the outcomes
    /// sentence on the actor's clinic's public page; the actor must be its admin. Refreshing
    /// keeps who turned it on.
    async fn set_public_outcomes(
        &self,
        actor: &Actor,
        sentence: Option<&str>,
        counted_on: &str,
    ) -> StoreResult<()>;
    /// The clinic's public outcomes: (admin who turned it on, sentence, day counted), if shown.
    async fn public_outcomes(&self, clinic_id: i64) -> StoreResult<Option<PublicOutcomes>>;
    /// Every clinic showing its outcomes, for the daily refresh.
    async fn clinics_with_public_outcomes(&self) -> StoreResult<Vec<PublicOutcomes>>;
    async fn session_logs_within(
        &self,
        actor: &Actor,
        windows: &[(i64, String, String)],
    ) -> StoreResult<Vec<LogRecord>>;
    async fn resolve_alert(&self, actor: &Actor, alert_id: i64, now: i64) -> StoreResult<()>;

    // The clinic's inbox (front door)
    /// Adds an inbox item (a public action: no actor).
    async fn add_inbox_item(&self, item: &NewInboxItem, now: i64) -> StoreResult<InboxItem>;
    /// The inbox of the actor's clinic, newest first (staff only; anyone else gets nothing).
    async fn inbox(&self, actor: &Actor) -> StoreResult<Vec<InboxItem>>;
    /// One item of the actor's clinic (`NotFound` for anyone else).
    async fn inbox_item(&self, actor: &Actor, id: i64) -> StoreResult<InboxItem>;
    /// Moves an item along the pipeline and keeps the staff member's notes.
    async fn update_inbox_item(
        &self,
        actor: &Actor,
        id: i64,
        stage: InboxStage,
        notes: &str,
        now: i64,
    ) -> StoreResult<InboxItem>;

    // Email outbox
    async fn enqueue_email(&self, email: &NewEmail, now: i64) -> StoreResult<i64>;
    /// Claims up to `limit` due emails for sending (safe with several workers).
    async fn claim_due_emails(&self, now: i64, limit: i64) -> StoreResult<Vec<OutboxEmail>>;
    async fn mark_email_sent(&self, id: i64, now: i64) -> StoreResult<()>;
    /// Records a failed attempt: retried at `retry_at`, or marked failed for good when `None`.
    async fn mark_email_attempt_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<i64>,
    ) -> StoreResult<()>;
    /// Every email of the instance, failed first, then newest: the operator's view
    /// (`backstride outbox list`), never a web page's.
    async fn outbox(&self, limit: i64) -> StoreResult<Vec<OutboxEmail>>;
    /// Puts a failed email back in the queue: the operator's (`backstride outbox retry`).
    async fn retry_email(&self, id: i64, now: i64) -> StoreResult<()>;
    /// The emails the actor's clinic sent, failed first, then newest (the clinic's admins only;
    /// anyone else gets `NotFound`). Seeing emails about a runner appends an audit event about
    /// that runner, one per runner shown, in the same transaction.
    async fn clinic_outbox(&self, actor: &Actor, limit: i64) -> StoreResult<Vec<OutboxEmail>>;
    /// Puts a failed email of the actor's clinic back in the queue (its admins only). Another
    /// clinic's email, instance-wide mail and an email not failed are all `NotFound`.
    async fn retry_clinic_email(&self, actor: &Actor, id: i64, now: i64) -> StoreResult<()>;
}

/// Opens the store a URL names: `postgres://…` for PostgreSQL, anything else (`sqlite://path`
/// or a plain path) for SQLite. Does not migrate.
pub async fn connect(url: &str) -> StoreResult<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(SqlStore::<sqlx::Postgres>::connect(url).await?))
    } else {
        Ok(Arc::new(SqlStore::<sqlx::Sqlite>::connect(url).await?))
    }
}

/// Opens the store a URL names, like [`connect`], with SQLite's `synchronous` setting chosen
/// (PostgreSQL ignores it: its commits are durable unless its own server says otherwise).
pub async fn connect_with(
    url: &str,
    synchronous: SqliteSynchronous,
) -> StoreResult<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(SqlStore::<sqlx::Postgres>::connect(url).await?))
    } else {
        Ok(Arc::new(
            SqlStore::<sqlx::Sqlite>::connect_durable(url, synchronous).await?,
        ))
    }
}

/// SQLite's `synchronous` setting (config `sqlite_synchronous`). In WAL mode, `Full` syncs the
/// log to disk at every commit, so every acknowledged write survives a power cut; `Normal`
/// syncs only at checkpoints: still safe from a crash of the process, but a power cut may
/// lose the last commits before the checkpoint. `Full` is the default: what a runner was told
/// was saved must stay saved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    #[default]
    Full,
    Normal,
}

impl SqliteSynchronous {
    pub(crate) fn pragma(self) -> sqlx::sqlite::SqliteSynchronous {
        match self {
            SqliteSynchronous::Full => sqlx::sqlite::SqliteSynchronous::Full,
            SqliteSynchronous::Normal => sqlx::sqlite::SqliteSynchronous::Normal,
        }
    }
}

/// Most runner windows one [`Store::session_logs_within`] call takes: a clinic's outcomes ask in
/// chunks of this many, so one statement stays within every backend's parameter limit.
pub const MAX_LOG_WINDOWS: usize = 500;

/// Who is acting, as far as access rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub clinic_id: Option<i64>,
}

impl Actor {
    pub fn of(user: &User) -> Self {
        Actor {
            user_id: user.id,
            role: user.role,
            clinic_id: user.clinic_id,
        }
    }

    /// May this actor see `runner`'s record? Themself, or staff of the same clinic.
    pub fn may_see(&self, runner: &User) -> bool {
        self.user_id == runner.id
            || (self.role.is_staff()
                && runner.role == Role::Runner
                && self.clinic_id.is_some()
                && self.clinic_id == runner.clinic_id)
    }
}
