//! A runner's data is theirs (issue 15): every record about one runner as one document
//! ([`RunnerExport`]: clinical records, watch files, running-form videos' landmarks, reminder,
//! enquiries, bookings, consents),
//! read in one audited transaction and written into another server in one transaction; deleting an account (what the clinic must keep stays under a pseudonym until
//! its retention period ends); the clinic's retention setting; SQLite's online backup.
//!
//! A part of [`crate::Store`] kept in its own trait and file; implemented once for both
//! backends by the macro below, like the rest of the store.
//!
//! Bounds: a runner's records are bounded by what the app lets them make (one log per form a
//! day, 7 days back-filled, runs deduplicated by content, reviews per day and week), so the
//! document is read whole; sessions are scanned in pages of [`SESSION_PAGE`].

use crate::sql::{AUDIT_COUNT, USER_COLUMNS, UserRow, now, open_record, require_record};
use crate::{Actor, SqlStore, StoreError, StoreResult, User};
use async_trait::async_trait;
use backstride_core::Role;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::RangeInclusive;

/// What the document calls itself, so a zip of something else is refused.
pub const EXPORT_FORMAT: &str = "backstride-runner-export";
/// The document's version; an import refuses any other.
pub const EXPORT_VERSION: u32 = 1;
/// The years a clinic may keep a deleted runner's clinical records (a clinic setting).
pub const RETENTION_YEARS: RangeInclusive<i64> = 1..=30;
/// The default: 8 years, the common minimum for adults' health records in the UK (our choice;
/// the clinic sets its own).
pub const DEFAULT_RETENTION_YEARS: i64 = 8;
/// Sessions read at a time when looking for a deleted runner's.
pub const SESSION_PAGE: i64 = 500;
/// The password hash of an account no password opens (imported, or deleted and kept).
pub const NO_PASSWORD: &str = "!";

/// Every record about one runner, as exported. People other than the runner are named by
/// their email address (ids differ between servers); ids are kept so the document's own
/// references (a programme's assessment, a review's programme) can be followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunnerExport {
    pub format: String,
    pub version: u32,
    pub exported_at: i64,
    pub runner: ExportedRunner,
    pub assessments: Vec<ExportedAssessment>,
    pub programmes: Vec<ExportedProgramme>,
    pub logs: Vec<ExportedLog>,
    pub reviews: Vec<ExportedReview>,
    pub runs: Vec<ExportedRun>,
    pub coaching: Vec<ExportedCoaching>,
    pub alerts: Vec<ExportedAlert>,
    /// Their reminder to log on Today, if they chose one.
    #[serde(default)]
    pub reminder: Option<ExportedReminder>,
    /// The original watch files (their bytes are files of the zip beside the document).
    #[serde(default)]
    pub watch_files: Vec<ExportedWatchFile>,
    /// What they asked a clinic's front door under their email (guide, consult, booking,
    /// sign-up): the clinic's inbox items, which the bookings and consents refer to.
    #[serde(default)]
    pub enquiries: Vec<ExportedEnquiry>,
    /// Running-form analyses: the landmark series measured from each video (never the video)
    /// and the report on it.
    #[serde(default)]
    pub form_videos: Vec<ExportedFormVideo>,
    /// The clinician's decision on each finding of those analyses.
    #[serde(default)]
    pub form_video_reviews: Vec<ExportedFindingReview>,
    /// Calls booked under the runner's email address.
    pub bookings: Vec<ExportedBooking>,
    /// Consents given to a clinic's front door under the runner's email.
    pub consents: Vec<ExportedConsent>,
    /// Who else opened the record (exported only: the audit trail stays with its server).
    pub access_log: Vec<ExportedAccess>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedRunner {
    pub email: String,
    pub display_name: String,
    pub time_zone: String,
    pub distance_unit: Option<String>,
    pub mass_unit: Option<String>,
    pub created_at: i64,
    /// The clinic's name (`None`: self-directed).
    pub clinic: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedAssessment {
    pub id: i64,
    pub entered_by: String,
    pub kind: String,
    pub status: String,
    pub protocol_version: String,
    pub step: String,
    /// The answers as entered.
    #[serde(with = "json_text")]
    pub answers: String,
    /// The scored result.
    #[serde(with = "json_text_opt")]
    pub result: Option<String>,
    pub notes: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedProgramme {
    pub id: i64,
    pub assessment_id: Option<i64>,
    pub version: i64,
    pub status: String,
    #[serde(with = "json_text")]
    pub body: String,
    pub created_by: String,
    pub created_at: i64,
    pub approved_by: Option<String>,
    pub approved_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedLog {
    pub id: i64,
    pub entered_by: String,
    pub kind: String,
    pub log_date: String,
    #[serde(with = "json_text")]
    pub body: String,
    pub idempotency_key: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedReview {
    pub id: i64,
    pub programme_id: i64,
    pub review_date: String,
    pub kind: String,
    pub status: String,
    #[serde(with = "json_text")]
    pub body: String,
    pub note: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedRun {
    pub id: i64,
    pub content_hash: String,
    pub file_name: String,
    pub started_at: i64,
    pub sport: String,
    #[serde(with = "json_text")]
    pub summary: String,
    pub imported_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedFormVideo {
    pub id: i64,
    pub saved_by: String,
    /// `side` or `rear`.
    pub view: String,
    /// Core's `form::RawSeries`.
    #[serde(with = "json_text")]
    pub series: String,
    /// Core's `form::FormReport`.
    #[serde(with = "json_text")]
    pub report: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedFindingReview {
    /// The analysis's `id` in this document.
    pub form_video_id: i64,
    pub metric: String,
    /// `confirmed` or `dismissed`.
    pub decision: String,
    pub decided_by: String,
    pub decided_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedCoaching {
    pub id: i64,
    pub name: String,
    pub weeks: i64,
    pub starts_on: String,
    pub created_by: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedAlert {
    pub id: i64,
    pub tier: String,
    pub reason: String,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedReminder {
    pub enabled: bool,
    /// Local time, minutes after midnight.
    pub minute_of_day: i64,
    /// One bit per weekday from Monday (1) to Sunday (64).
    pub days: i64,
    pub next_due_at: i64,
    pub updated_at: i64,
}

/// A watch file as uploaded. Its bytes travel as the zip entry [`Self::entry`], not in the
/// JSON document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedWatchFile {
    /// Hex SHA-256 of the bytes (what its runs' `content_hash` starts with).
    pub file_hash: String,
    pub file_name: String,
    pub uploaded_at: i64,
    /// Its name inside the export zip.
    #[sqlx(default)]
    pub entry: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// A watch file being stored with the runs read from it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewWatchFile {
    /// Hex SHA-256 of `bytes`.
    pub file_hash: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedEnquiry {
    pub id: i64,
    pub clinic: String,
    pub kind: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
    pub source: String,
    pub stage: String,
    pub notes: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedBooking {
    pub clinic: String,
    /// The clinician the call is with, by email.
    #[serde(default)]
    pub clinician: String,
    /// The enquiry (inbox item) the booking made, if any.
    #[serde(default)]
    pub enquiry_id: Option<i64>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
    pub time_zone: String,
    pub created_at: i64,
    #[serde(default)]
    pub updated_at: i64,
    pub cancelled_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedConsent {
    pub clinic: String,
    /// The enquiry (inbox item) the consent came with.
    #[serde(default)]
    pub enquiry_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub source: String,
    pub consent_text: String,
    pub consent_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportedAccess {
    pub at: i64,
    /// The person's email, or `None` when their account is gone.
    pub actor: Option<String>,
    pub action: String,
    pub outcome: String,
}

impl RunnerExport {
    /// Checks that a document read from a file is one of ours, of this version, and that its
    /// references hold together; the reason is said in words for the person importing.
    pub fn check(&self) -> Result<(), String> {
        if self.format != EXPORT_FORMAT {
            return Err(format!(
                "this is not a Backstride runner export (its format is \"{}\")",
                self.format
            ));
        }
        if self.version != EXPORT_VERSION {
            return Err(format!(
                "this export is version {}; this server reads version {EXPORT_VERSION}",
                self.version
            ));
        }
        if self.runner.email.parse::<backstride_core::Email>().is_err() {
            return Err("the runner's email address in the export is not valid".into());
        }
        let assessments: Vec<i64> = self.assessments.iter().map(|a| a.id).collect();
        if let Some(p) = self
            .programmes
            .iter()
            .find(|p| p.assessment_id.is_some_and(|id| !assessments.contains(&id)))
        {
            return Err(format!(
                "programme version {} refers to an assessment the export does not hold",
                p.version
            ));
        }
        let programmes: Vec<i64> = self.programmes.iter().map(|p| p.id).collect();
        if let Some(r) = self
            .reviews
            .iter()
            .find(|r| !programmes.contains(&r.programme_id))
        {
            return Err(format!(
                "the review of {} refers to a programme the export does not hold",
                r.review_date
            ));
        }
        let videos: Vec<i64> = self.form_videos.iter().map(|v| v.id).collect();
        if self
            .form_video_reviews
            .iter()
            .any(|r| !videos.contains(&r.form_video_id))
        {
            return Err(
                "a decision on a running-form finding refers to a video the export does not hold"
                    .into(),
            );
        }
        let enquiries: Vec<i64> = self.enquiries.iter().map(|e| e.id).collect();
        let unknown = |id: &Option<i64>| id.is_some_and(|id| !enquiries.contains(&id));
        if self.bookings.iter().any(|b| unknown(&b.enquiry_id))
            || self.consents.iter().any(|c| unknown(&c.enquiry_id))
        {
            return Err(
                "a booking or consent refers to an enquiry the export does not hold".into(),
            );
        }
        if let Some(f) = self.watch_files.iter().find(|f| f.bytes.is_empty()) {
            return Err(format!(
                "the watch file {} ({}) is missing from the zip",
                f.file_name, f.entry
            ));
        }
        Ok(())
    }

    /// The clinics the document names (the runner's, and those of their enquiries, bookings
    /// and consents): each must exist on a server it is imported into.
    pub fn clinics(&self) -> std::collections::BTreeSet<&str> {
        self.runner
            .clinic
            .iter()
            .map(String::as_str)
            .chain(self.enquiries.iter().map(|e| e.clinic.as_str()))
            .chain(self.bookings.iter().map(|b| b.clinic.as_str()))
            .chain(self.consents.iter().map(|c| c.clinic.as_str()))
            .collect()
    }

    /// The clinicians the runner's bookings are with (by email): each must have an account at
    /// the booking's clinic on a server the document is imported into.
    pub fn booked_clinicians(&self) -> std::collections::BTreeSet<&str> {
        self.bookings.iter().map(|b| b.clinician.as_str()).collect()
    }

    /// The zip entry for the `n`th watch file (from 1): its name, made safe for any unzip.
    pub fn watch_entry(n: usize, file_name: &str) -> String {
        let safe: String = file_name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .take(100)
            .collect();
        format!("watch/{n:03}-{safe}")
    }

    /// The document with every server-given id and the export's own time taken out (and the
    /// parts that stay with their server), so two servers' exports of one runner compare equal.
    pub fn normalised(&self) -> serde_json::Value {
        let mut copy = self.clone();
        copy.exported_at = 0;
        copy.access_log.clear();
        let enquiry_rank: HashMap<i64, i64> = copy
            .enquiries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id, i as i64))
            .collect();
        for e in &mut copy.enquiries {
            e.id = 0;
        }
        let rank = |id: Option<i64>| id.map(|id| enquiry_rank.get(&id).copied().unwrap_or(-1));
        for b in &mut copy.bookings {
            b.enquiry_id = rank(b.enquiry_id);
        }
        for c in &mut copy.consents {
            c.enquiry_id = rank(c.enquiry_id);
        }
        let assessment_rank: HashMap<i64, usize> = copy
            .assessments
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, i))
            .collect();
        let programme_rank: HashMap<i64, i64> =
            copy.programmes.iter().map(|p| (p.id, p.version)).collect();
        for a in &mut copy.assessments {
            a.id = 0;
        }
        for p in &mut copy.programmes {
            p.id = 0;
            p.assessment_id = p
                .assessment_id
                .and_then(|id| assessment_rank.get(&id).map(|&r| r as i64));
        }
        for r in &mut copy.reviews {
            r.id = 0;
            r.programme_id = programme_rank.get(&r.programme_id).copied().unwrap_or(-1);
        }
        for l in &mut copy.logs {
            l.id = 0;
        }
        for r in &mut copy.runs {
            r.id = 0;
        }
        for c in &mut copy.coaching {
            c.id = 0;
        }
        for a in &mut copy.alerts {
            a.id = 0;
        }
        let video_rank: HashMap<i64, i64> = copy
            .form_videos
            .iter()
            .enumerate()
            .map(|(i, v)| (v.id, i as i64))
            .collect();
        for v in &mut copy.form_videos {
            v.id = 0;
        }
        for r in &mut copy.form_video_reviews {
            r.form_video_id = video_rank.get(&r.form_video_id).copied().unwrap_or(-1);
        }
        serde_json::to_value(&copy).unwrap_or_default()
    }
}

/// What deleting a runner's account does, shown before it is confirmed and returned after.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletionPlan {
    /// The clinic that keeps clinical records (`None`: a self-directed runner; all goes).
    pub clinic: Option<String>,
    /// The name the kept records go under.
    pub pseudonym: String,
    /// The clinic's retention period, in years.
    pub retention_years: i64,
    /// When the kept records are removed (Unix seconds), for a clinic's runner.
    pub retain_until: Option<i64>,
    /// (what, how many) kept under the pseudonym.
    pub kept: Vec<(&'static str, i64)>,
    /// (what, how many) removed at once.
    pub removed: Vec<(&'static str, i64)>,
}

/// Seconds in the retention period's years (365.25 days each).
pub fn retention_seconds(years: i64) -> i64 {
    years * 31_557_600
}

/// The name a deleted runner's kept records go under.
pub fn pseudonym(runner_id: i64) -> String {
    format!("Former runner #{runner_id}")
}

/// The address a deleted runner's kept account holds instead of theirs (unique, never mailed).
fn pseudonymous_email(runner_id: i64) -> String {
    format!("deleted-{runner_id}@deleted.invalid")
}

/// Issue 15's part of the store.
#[async_trait]
pub trait AccountDataStore: Send + Sync {
    /// Every record about `runner_id` as one document, read in one transaction. The runner, or
    /// staff of their clinic (audited as "export record"); anyone else gets `NotFound`.
    async fn export_runner(&self, actor: &Actor, runner_id: i64) -> StoreResult<RunnerExport>;
    /// Writes an exported runner into this server in one transaction: the account (no password
    /// opens it: they set one with "forgot password"), in the clinic of the same name (which
    /// must exist), and every record, with people named in it matched by email (someone
    /// unknown here becomes the runner), bookings with the clinician of the same email at the
    /// clinic of the same name. `Conflict` with `import_email_taken` when the email has an
    /// account, `import_clinic_missing` when a clinic it names does not exist,
    /// `import_clinician_missing` when a booking's clinician has no account at its clinic.
    async fn import_runner(&self, doc: &RunnerExport) -> StoreResult<User>;
    /// Keeps a watch file the runs of which were just imported (by the runner, or staff of
    /// their clinic, audited as "import run"); a file already kept for the runner is left as
    /// it is.
    async fn add_watch_file(
        &self,
        actor: &Actor,
        runner_id: i64,
        file: &NewWatchFile,
    ) -> StoreResult<()>;
    /// What deleting the runner's account at `now` would keep and remove.
    async fn deletion_plan(&self, runner_id: i64, now: i64) -> StoreResult<DeletionPlan>;
    /// Deletes a runner's account at `now`, in one transaction: a clinic's runner's clinical
    /// records stay under a pseudonym until the clinic's retention period ends; everything
    /// else (and a self-directed runner's everything) goes, sessions included.
    async fn delete_runner(&self, runner_id: i64, now: i64) -> StoreResult<DeletionPlan>;
    /// Removes what was kept of deleted runners whose retention period ended before `now`;
    /// returns how many. The audit trail stays.
    async fn forget_retained(&self, now: i64) -> StoreResult<u64>;
    /// The clinic's retention period for a deleted runner's clinical records, in years.
    async fn retention_years(&self, clinic_id: i64) -> StoreResult<i64>;
    /// Sets it (the clinic's admins only; anyone else gets `NotFound`). `years` must be within
    /// [`RETENTION_YEARS`].
    async fn set_retention_years(
        &self,
        actor: &Actor,
        clinic_id: i64,
        years: i64,
    ) -> StoreResult<()>;
    /// A consistent copy of the whole database written to `path` while it keeps serving
    /// (SQLite's `VACUUM INTO`). PostgreSQL answers with a message: use `pg_dump`.
    async fn backup_into(&self, path: &str) -> StoreResult<()>;
}

/// Serde for a column holding JSON text: written into the document as JSON (text that does
/// not parse is written as a string), read back into text.
mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => value.serialize(s),
            Err(_) => text.serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Ok(match value {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        })
    }
}

mod json_text_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(text: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        match text {
            Some(t) => super::json_text::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let value = Option::<serde_json::Value>::deserialize(d)?;
        Ok(value.map(|v| match v {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        }))
    }
}

fn taken(constraint: &str) -> StoreError {
    StoreError::Conflict {
        constraint: constraint.to_owned(),
    }
}

/// Deletes every record of `runner_id` that hangs off the account and the account itself
/// (the audit trail, which names no one but by id, stays).
macro_rules! erase_runner {
    ($tx:ident, $runner_id:expr) => {{
        let runner_id: i64 = $runner_id;
        for sql in [
            "DELETE FROM review WHERE runner_id = $1",
            "DELETE FROM tracking_log WHERE runner_id = $1",
            "DELETE FROM tracking_week WHERE runner_id = $1",
            "DELETE FROM tracking_week_pending WHERE runner_id = $1",
            "DELETE FROM programme WHERE runner_id = $1",
            "DELETE FROM assessment WHERE runner_id = $1",
            "DELETE FROM run WHERE runner_id = $1",
            "DELETE FROM watch_file WHERE runner_id = $1",
            "DELETE FROM reminder_sent WHERE runner_id = $1",
            "DELETE FROM reminder WHERE runner_id = $1",
            "DELETE FROM alert WHERE runner_id = $1",
            "DELETE FROM coaching_programme WHERE runner_id = $1",
            "DELETE FROM calendar_feed WHERE runner_id = $1",
            "DELETE FROM api_token WHERE user_id = $1",
            "DELETE FROM password_reset WHERE user_id = $1",
            "UPDATE outbox_email SET about_user_id = NULL WHERE about_user_id = $1",
            "DELETE FROM app_user WHERE id = $1",
        ] {
            sqlx::query(sql).bind(runner_id).execute(&mut *$tx).await?;
        }
    }};
}

macro_rules! impl_account_data {
    ($db:ty, $kind:ident, $begin_write:literal, $sessions_table:literal) => {
        #[async_trait]
        impl AccountDataStore for SqlStore<$db> {
            async fn export_runner(&self, actor: &Actor, runner_id: i64) -> StoreResult<RunnerExport> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let runner = require_record!(tx, actor, runner_id, "export record");
                let who: ExportedRunner = sqlx::query_as(
                    "SELECT u.email, u.display_name, u.time_zone, u.distance_unit, u.mass_unit, u.created_at, \
                     c.name AS clinic FROM app_user u LEFT JOIN clinic c ON c.id = u.clinic_id WHERE u.id = $1",
                )
                .bind(runner_id).fetch_one(&mut *tx).await?;
                let assessments = sqlx::query_as(
                    "SELECT a.id, u.email AS entered_by, a.kind, a.status, a.protocol_version, a.step, \
                     a.raw_json AS answers, a.result_json AS result, a.notes, a.created_at, a.updated_at \
                     FROM assessment a JOIN app_user u ON u.id = a.entered_by WHERE a.runner_id = $1 ORDER BY a.id",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                let programmes = sqlx::query_as(
                    "SELECT p.id, p.assessment_id, p.version, p.status, p.body_json AS body, c.email AS created_by, \
                     p.created_at, a.email AS approved_by, p.approved_at FROM programme p \
                     JOIN app_user c ON c.id = p.created_by LEFT JOIN app_user a ON a.id = p.approved_by \
                     WHERE p.runner_id = $1 ORDER BY p.version",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                let logs = sqlx::query_as(
                    "SELECT l.id, u.email AS entered_by, l.kind, l.log_date, l.body_json AS body, l.idempotency_key, \
                     l.created_at FROM tracking_log l JOIN app_user u ON u.id = l.entered_by \
                     WHERE l.runner_id = $1 ORDER BY l.log_date, l.id",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                let reviews = sqlx::query_as(
                    "SELECT r.id, r.programme_id, r.review_date, r.kind, r.status, r.body_json AS body, r.note, \
                     u.email AS decided_by, r.decided_at, r.created_at FROM review r \
                     LEFT JOIN app_user u ON u.id = r.decided_by WHERE r.runner_id = $1 ORDER BY r.review_date, r.kind, r.id",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                let runs: Vec<ExportedRun> = sqlx::query_as(
                    "SELECT id, content_hash, file_name, started_at, sport, summary_json AS summary, imported_at \
                     FROM run WHERE runner_id = $1 ORDER BY started_at, content_hash",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                // The export carries each summary's JSON, not its stored (packed) form.
                let runs = runs.into_iter()
                    .map(|r| ExportedRun { summary: crate::packed::unpack(r.summary), ..r })
                    .collect();
                let coaching = sqlx::query_as(
                    "SELECT c.id, c.name, c.weeks, c.starts_on, u.email AS created_by, c.created_at \
                     FROM coaching_programme c JOIN app_user u ON u.id = c.created_by WHERE c.runner_id = $1 ORDER BY c.id",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                let alerts = sqlx::query_as(
                    "SELECT a.id, a.tier, a.reason, a.created_at, a.resolved_at, u.email AS resolved_by \
                     FROM alert a LEFT JOIN app_user u ON u.id = a.resolved_by WHERE a.runner_id = $1 ORDER BY a.id",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                let reminder = sqlx::query_as(
                    "SELECT enabled, minute_of_day, days, next_due_at, updated_at FROM reminder WHERE runner_id = $1",
                )
                .bind(runner_id).fetch_optional(&mut *tx).await?;
                let mut watch_files: Vec<ExportedWatchFile> = sqlx::query_as(
                    "SELECT file_hash, file_name, uploaded_at, bytes FROM watch_file WHERE runner_id = $1 \
                     ORDER BY uploaded_at, file_hash",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                for (n, f) in watch_files.iter_mut().enumerate() {
                    f.entry = RunnerExport::watch_entry(n + 1, &f.file_name);
                }
                // Their enquiries, and any a booking or consent of theirs refers to.
                let enquiries = sqlx::query_as(
                    "SELECT i.id, c.name AS clinic, i.kind, i.name, i.email, i.phone, i.message, i.source, i.stage, \
                     i.notes, i.created_at, i.updated_at FROM inbox_item i JOIN clinic c ON c.id = i.clinic_id \
                     WHERE lower(i.email) = $1 \
                     OR i.id IN (SELECT inbox_item_id FROM booking WHERE lower(email) = $1) \
                     OR i.id IN (SELECT inbox_item_id FROM front_lead WHERE lower(email) = $1) \
                     ORDER BY i.created_at, i.id",
                )
                .bind(runner.email.as_str()).fetch_all(&mut *tx).await?;
                let bookings = sqlx::query_as(
                    "SELECT c.name AS clinic, u.email AS clinician, b.inbox_item_id AS enquiry_id, b.starts_at, b.ends_at, \
                     b.name, b.email, b.phone, b.message, b.time_zone, b.created_at, b.updated_at, b.cancelled_at \
                     FROM booking b JOIN clinic c ON c.id = b.clinic_id JOIN app_user u ON u.id = b.clinician_id \
                     WHERE lower(b.email) = $1 ORDER BY b.starts_at, b.id",
                )
                .bind(runner.email.as_str()).fetch_all(&mut *tx).await?;
                let consents = sqlx::query_as(
                    "SELECT c.name AS clinic, l.inbox_item_id AS enquiry_id, l.name, l.email, l.source, l.consent_text, \
                     l.consent_at FROM front_lead l JOIN clinic c ON c.id = l.clinic_id WHERE lower(l.email) = $1 \
                     ORDER BY l.consent_at, l.id",
                )
                .bind(runner.email.as_str()).fetch_all(&mut *tx).await?;
                let form_videos = sqlx::query_as(
                    "SELECT f.id, COALESCE(u.email, '') AS saved_by, f.view, f.series_json AS series, \
                     f.report_json AS report, f.created_at FROM form_video f LEFT JOIN app_user u ON u.id = f.saved_by \
                     WHERE f.runner_id = $1 ORDER BY f.created_at, f.id",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                let form_video_reviews = sqlx::query_as(
                    "SELECT r.form_video_id, r.metric, r.decision, COALESCE(u.email, '') AS decided_by, r.decided_at \
                     FROM form_video_review r JOIN form_video f ON f.id = r.form_video_id \
                     LEFT JOIN app_user u ON u.id = r.decided_by WHERE f.runner_id = $1 ORDER BY r.form_video_id, r.metric",
                )
                .bind(runner_id).fetch_all(&mut *tx).await?;
                let access_log = sqlx::query_as(&format!(
                    "SELECT e.at, u.email AS actor, e.action, e.outcome FROM audit_event e \
                     LEFT JOIN app_user u ON u.id = e.actor_user_id WHERE {} ORDER BY e.at, e.id",
                    crate::sql::AUDIT_ABOUT
                ))
                .bind(runner_id).fetch_all(&mut *tx).await?;
                tx.commit().await?;
                Ok(RunnerExport {
                    format: EXPORT_FORMAT.to_owned(),
                    version: EXPORT_VERSION,
                    exported_at: now(),
                    runner: who,
                    assessments,
                    programmes,
                    logs,
                    reviews,
                    runs,
                    coaching,
                    alerts,
                    reminder,
                    watch_files,
                    enquiries,
                    form_videos,
                    form_video_reviews,
                    bookings,
                    consents,
                    access_log,
                })
            }

            async fn import_runner(&self, doc: &RunnerExport) -> StoreResult<User> {
                doc.check().map_err(StoreError::Other)?;
                let mut tx = self.pool.begin_with($begin_write).await?;
                let mut clinics: HashMap<&str, i64> = HashMap::new();
                for name in doc.clinics() {
                    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM clinic WHERE name = $1")
                        .bind(name).fetch_optional(&mut *tx).await?;
                    clinics.insert(name, found.ok_or_else(|| taken("import_clinic_missing"))?.0);
                }
                let clinic_of = |name: &str| clinics.get(name).copied().ok_or_else(|| taken("import_clinic_missing"));
                let clinic_id: Option<i64> = doc.runner.clinic.as_deref().map(clinic_of).transpose()?;
                let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM app_user WHERE email = $1")
                    .bind(&doc.runner.email).fetch_optional(&mut *tx).await?;
                if existing.is_some() {
                    return Err(taken("import_email_taken"));
                }
                let sql = format!(
                    "INSERT INTO app_user (clinic_id, email, display_name, password_hash, role, time_zone, \
                     distance_unit, mass_unit, created_at) VALUES ($1, $2, $3, $4, 'runner', $5, $6, $7, $8) \
                     RETURNING {USER_COLUMNS}"
                );
                let r = &doc.runner;
                let row: UserRow = sqlx::query_as(&sql)
                    .bind(clinic_id).bind(&r.email).bind(&r.display_name).bind(NO_PASSWORD).bind(&r.time_zone)
                    .bind(&r.distance_unit).bind(&r.mass_unit).bind(r.created_at)
                    .fetch_one(&mut *tx).await?;
                let runner = User::try_from(row)?;
                // People named in the records, matched by email; someone unknown here is the runner.
                let mut people: HashMap<String, i64> = HashMap::new();
                let mut emails: Vec<&String> = Vec::new();
                emails.extend(doc.assessments.iter().map(|a| &a.entered_by));
                emails.extend(doc.programmes.iter().map(|p| &p.created_by));
                emails.extend(doc.programmes.iter().filter_map(|p| p.approved_by.as_ref()));
                emails.extend(doc.logs.iter().map(|l| &l.entered_by));
                emails.extend(doc.reviews.iter().filter_map(|r| r.decided_by.as_ref()));
                emails.extend(doc.coaching.iter().map(|c| &c.created_by));
                emails.extend(doc.alerts.iter().filter_map(|a| a.resolved_by.as_ref()));
                emails.extend(doc.form_videos.iter().map(|v| &v.saved_by));
                emails.extend(doc.form_video_reviews.iter().map(|r| &r.decided_by));
                for email in emails {
                    if people.contains_key(email) {
                        continue;
                    }
                    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM app_user WHERE email = $1")
                        .bind(email).fetch_optional(&mut *tx).await?;
                    people.insert(email.clone(), found.map_or(runner.id, |f| f.0));
                }
                let person = |email: &String| people.get(email).copied().unwrap_or(runner.id);
                let mut assessment_ids: HashMap<i64, i64> = HashMap::new();
                for a in &doc.assessments {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO assessment (runner_id, entered_by, kind, status, protocol_version, step, raw_json, \
                         result_json, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                         RETURNING id",
                    )
                    .bind(runner.id).bind(person(&a.entered_by)).bind(&a.kind).bind(&a.status).bind(&a.protocol_version)
                    .bind(&a.step).bind(&a.answers).bind(&a.result).bind(&a.notes).bind(a.created_at).bind(a.updated_at)
                    .fetch_one(&mut *tx).await?;
                    assessment_ids.insert(a.id, id);
                }
                let mut programme_ids: HashMap<i64, i64> = HashMap::new();
                for p in &doc.programmes {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO programme (runner_id, assessment_id, version, status, body_json, created_by, created_at, \
                         approved_by, approved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    )
                    .bind(runner.id).bind(p.assessment_id.and_then(|a| assessment_ids.get(&a).copied()))
                    .bind(p.version).bind(&p.status).bind(&p.body).bind(person(&p.created_by)).bind(p.created_at)
                    .bind(p.approved_by.as_ref().map(person)).bind(p.approved_at)
                    .fetch_one(&mut *tx).await?;
                    programme_ids.insert(p.id, id);
                }
                for l in &doc.logs {
                    sqlx::query(
                        "INSERT INTO tracking_log (runner_id, entered_by, kind, log_date, body_json, idempotency_key, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(runner.id).bind(person(&l.entered_by)).bind(&l.kind).bind(&l.log_date).bind(&l.body)
                    .bind(&l.idempotency_key).bind(l.created_at)
                    .execute(&mut *tx).await?;
                }
                let logs = doc.logs.iter()
                    .map(|l| Ok((l.kind.parse::<crate::LogKind>()?, l.body.as_str())))
                    .collect::<StoreResult<Vec<_>>>()?;
                crate::summaries::store_summaries!(&mut tx, runner.id, logs);
                for r in &doc.reviews {
                    let programme = programme_ids.get(&r.programme_id).copied()
                        .ok_or_else(|| StoreError::Other("a review refers to a missing programme".into()))?;
                    sqlx::query(
                        "INSERT INTO review (runner_id, programme_id, review_date, kind, status, body_json, note, decided_by, \
                         decided_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(runner.id).bind(programme).bind(&r.review_date).bind(&r.kind).bind(&r.status).bind(&r.body)
                    .bind(&r.note).bind(r.decided_by.as_ref().map(person)).bind(r.decided_at).bind(r.created_at)
                    .execute(&mut *tx).await?;
                }
                for r in &doc.runs {
                    sqlx::query(
                        "INSERT INTO run (runner_id, content_hash, file_name, started_at, sport, summary_json, imported_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(runner.id).bind(&r.content_hash).bind(&r.file_name).bind(r.started_at).bind(&r.sport)
                    .bind(crate::packed::pack(&r.summary)).bind(r.imported_at)
                    .execute(&mut *tx).await?;
                }
                for c in &doc.coaching {
                    sqlx::query(
                        "INSERT INTO coaching_programme (runner_id, name, weeks, starts_on, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(runner.id).bind(&c.name).bind(c.weeks).bind(&c.starts_on).bind(person(&c.created_by))
                    .bind(c.created_at)
                    .execute(&mut *tx).await?;
                }
                for a in &doc.alerts {
                    sqlx::query(
                        "INSERT INTO alert (runner_id, tier, reason, created_at, resolved_at, resolved_by) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(runner.id).bind(&a.tier).bind(&a.reason).bind(a.created_at).bind(a.resolved_at)
                    .bind(a.resolved_by.as_ref().map(person))
                    .execute(&mut *tx).await?;
                }
                if let Some(r) = &doc.reminder {
                    sqlx::query(
                        "INSERT INTO reminder (runner_id, enabled, minute_of_day, days, next_due_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(runner.id).bind(r.enabled).bind(r.minute_of_day).bind(r.days).bind(r.next_due_at)
                    .bind(r.updated_at)
                    .execute(&mut *tx).await?;
                }
                for f in &doc.watch_files {
                    sqlx::query(
                        "INSERT INTO watch_file (runner_id, file_hash, file_name, bytes, uploaded_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(runner.id).bind(&f.file_hash).bind(&f.file_name).bind(&f.bytes).bind(f.uploaded_at)
                    .execute(&mut *tx).await?;
                }
                let mut video_ids: HashMap<i64, i64> = HashMap::new();
                for v in &doc.form_videos {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO form_video (runner_id, saved_by, view, series_json, report_json, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(runner.id).bind(person(&v.saved_by)).bind(&v.view).bind(&v.series).bind(&v.report)
                    .bind(v.created_at)
                    .fetch_one(&mut *tx).await?;
                    video_ids.insert(v.id, id);
                }
                for r in &doc.form_video_reviews {
                    let video = video_ids.get(&r.form_video_id).copied()
                        .ok_or_else(|| StoreError::Other("a decision refers to a missing running-form video".into()))?;
                    sqlx::query(
                        "INSERT INTO form_video_review (form_video_id, metric, decision, decided_by, decided_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(video).bind(&r.metric).bind(&r.decision).bind(person(&r.decided_by)).bind(r.decided_at)
                    .execute(&mut *tx).await?;
                }
                let mut enquiry_ids: HashMap<i64, i64> = HashMap::new();
                for e in &doc.enquiries {
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO inbox_item (clinic_id, kind, name, email, phone, message, source, stage, notes, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    )
                    .bind(clinic_of(&e.clinic)?).bind(&e.kind).bind(&e.name).bind(&e.email).bind(&e.phone)
                    .bind(&e.message).bind(&e.source).bind(&e.stage).bind(&e.notes).bind(e.created_at).bind(e.updated_at)
                    .fetch_one(&mut *tx).await?;
                    enquiry_ids.insert(e.id, id);
                }
                let enquiry = |id: Option<i64>| id.and_then(|id| enquiry_ids.get(&id).copied());
                for c in &doc.consents {
                    let clinic = clinic_of(&c.clinic)?;
                    // Every consent came with an enquiry; a document without the link gets one.
                    let item = match enquiry(c.enquiry_id) {
                        Some(item) => item,
                        None => {
                            let (id,): (i64,) = sqlx::query_as(
                                "INSERT INTO inbox_item (clinic_id, kind, name, email, source, created_at, updated_at) \
                                 VALUES ($1, 'guide', $2, $3, $4, $5, $5) RETURNING id",
                            )
                            .bind(clinic).bind(&c.name).bind(&c.email).bind(&c.source).bind(c.consent_at)
                            .fetch_one(&mut *tx).await?;
                            id
                        }
                    };
                    sqlx::query(
                        "INSERT INTO front_lead (clinic_id, inbox_item_id, name, email, source, consent_text, consent_at, \
                         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                    )
                    .bind(clinic).bind(item).bind(&c.name).bind(&c.email).bind(&c.source).bind(&c.consent_text)
                    .bind(c.consent_at)
                    .execute(&mut *tx).await?;
                }
                for (n, b) in doc.bookings.iter().enumerate() {
                    let clinic = clinic_of(&b.clinic)?;
                    let clinician: Option<(i64,)> = sqlx::query_as(
                        "SELECT id FROM app_user WHERE email = $1 AND clinic_id = $2 AND role IN ('clinician', 'admin')",
                    )
                    .bind(&b.clinician).bind(clinic).fetch_optional(&mut *tx).await?;
                    let (clinician,) = clinician.ok_or_else(|| taken("import_clinician_missing"))?;
                    // The manage link's token stays on the old server: a hash no token has.
                    sqlx::query(
                        "INSERT INTO booking (clinic_id, clinician_id, starts_at, ends_at, name, email, phone, message, \
                         time_zone, token_hash, inbox_item_id, created_at, updated_at, cancelled_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                    )
                    .bind(clinic).bind(clinician).bind(b.starts_at).bind(b.ends_at).bind(&b.name).bind(&b.email)
                    .bind(&b.phone).bind(&b.message).bind(&b.time_zone).bind(format!("imported-{}-{n}", runner.id))
                    .bind(enquiry(b.enquiry_id)).bind(b.created_at).bind(b.updated_at.max(b.created_at))
                    .bind(b.cancelled_at)
                    .execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(runner)
            }

            async fn add_watch_file(&self, actor: &Actor, runner_id: i64, file: &NewWatchFile) -> StoreResult<()> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                require_record!(tx, actor, runner_id, "import run");
                sqlx::query(
                    "INSERT INTO watch_file (runner_id, file_hash, file_name, bytes, uploaded_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (runner_id, file_hash) DO NOTHING",
                )
                .bind(runner_id).bind(&file.file_hash).bind(&file.file_name).bind(&file.bytes).bind(now())
                .execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn deletion_plan(&self, runner_id: i64, now: i64) -> StoreResult<DeletionPlan> {
                let mut tx = self.pool.begin().await?;
                let plan = deletion_plan!(tx, runner_id, now, $sessions_table);
                tx.commit().await?;
                Ok(plan)
            }

            async fn delete_runner(&self, runner_id: i64, now: i64) -> StoreResult<DeletionPlan> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let plan = deletion_plan!(tx, runner_id, now, $sessions_table);
                let (email,): (String,) = sqlx::query_as("SELECT email FROM app_user WHERE id = $1")
                    .bind(runner_id).fetch_one(&mut *tx).await?;
                // Sessions: tower-sessions keeps the user's id inside each session's encoded data.
                let mut after = String::new();
                loop {
                    let page: Vec<(String, Vec<u8>)> = sqlx::query_as(concat!(
                        "SELECT id, data FROM ", $sessions_table, " WHERE id > $1 ORDER BY id LIMIT $2"
                    ))
                    .bind(&after).bind(SESSION_PAGE).fetch_all(&mut *tx).await?;
                    let Some((last, _)) = page.last() else { break };
                    after = last.clone();
                    for (id, data) in &page {
                        if session_of(data) == Some(runner_id) {
                            sqlx::query(concat!("DELETE FROM ", $sessions_table, " WHERE id = $1"))
                                .bind(id).execute(&mut *tx).await?;
                        }
                    }
                }
                // What was theirs alone, whoever keeps the clinical records.
                for sql in [
                    "DELETE FROM run WHERE runner_id = $1",
                    "DELETE FROM watch_file WHERE runner_id = $1",
                    "DELETE FROM reminder_sent WHERE runner_id = $1",
                    "DELETE FROM reminder WHERE runner_id = $1",
                    "DELETE FROM calendar_feed WHERE runner_id = $1",
                    "DELETE FROM api_token WHERE user_id = $1",
                    "DELETE FROM password_reset WHERE user_id = $1",
                    "DELETE FROM outbox_email WHERE about_user_id = $1 AND status IN ('pending', 'failed')",
                ] {
                    sqlx::query(sql).bind(runner_id).execute(&mut *tx).await?;
                }
                for sql in [
                    "DELETE FROM outbox_email WHERE lower(to_address) = $1 AND status IN ('pending', 'failed')",
                    "DELETE FROM login_failure WHERE email = $1",
                    "DELETE FROM login_throttle WHERE email = $1",
                    "DELETE FROM invite WHERE lower(email) = $1",
                    "DELETE FROM front_mail_token WHERE lower(email) = $1",
                    "DELETE FROM booking WHERE lower(email) = $1",
                    "DELETE FROM front_inbox_invite WHERE inbox_item_id IN (SELECT id FROM inbox_item WHERE lower(email) = $1)",
                    "DELETE FROM front_lead WHERE lower(email) = $1 \
                     OR inbox_item_id IN (SELECT id FROM inbox_item WHERE lower(email) = $1)",
                    "UPDATE booking SET inbox_item_id = NULL WHERE inbox_item_id IN (SELECT id FROM inbox_item WHERE lower(email) = $1)",
                    "DELETE FROM inbox_item WHERE lower(email) = $1",
                ] {
                    sqlx::query(sql).bind(&email).execute(&mut *tx).await?;
                }
                if plan.retain_until.is_some() {
                    sqlx::query(
                        "UPDATE app_user SET email = $1, display_name = $2, password_hash = $3, distance_unit = NULL, \
                         mass_unit = NULL, deleted_at = $4, retain_until = $5 WHERE id = $6",
                    )
                    .bind(pseudonymous_email(runner_id)).bind(&plan.pseudonym).bind(NO_PASSWORD).bind(now)
                    .bind(plan.retain_until).bind(runner_id)
                    .execute(&mut *tx).await?;
                } else {
                    erase_runner!(tx, runner_id);
                }
                tx.commit().await?;
                Ok(plan)
            }

            async fn forget_retained(&self, now: i64) -> StoreResult<u64> {
                let mut tx = self.pool.begin_with($begin_write).await?;
                let due: Vec<(i64,)> = sqlx::query_as(
                    "SELECT id FROM app_user WHERE retain_until IS NOT NULL AND retain_until < $1 ORDER BY id LIMIT 100",
                )
                .bind(now).fetch_all(&mut *tx).await?;
                for (id,) in &due {
                    erase_runner!(tx, *id);
                }
                tx.commit().await?;
                Ok(due.len() as u64)
            }

            async fn retention_years(&self, clinic_id: i64) -> StoreResult<i64> {
                let (years,): (i64,) = sqlx::query_as("SELECT retention_years FROM clinic WHERE id = $1")
                    .bind(clinic_id).fetch_one(&self.pool).await?;
                Ok(years)
            }

            async fn set_retention_years(&self, actor: &Actor, clinic_id: i64, years: i64) -> StoreResult<()> {
                if actor.role != Role::Admin || actor.clinic_id != Some(clinic_id) {
                    return Err(StoreError::NotFound);
                }
                if !RETENTION_YEARS.contains(&years) {
                    return Err(taken("clinic_retention_years"));
                }
                sqlx::query("UPDATE clinic SET retention_years = $1 WHERE id = $2")
                    .bind(years).bind(clinic_id).execute(&self.pool).await?;
                Ok(())
            }

            async fn backup_into(&self, path: &str) -> StoreResult<()> {
                backup!($kind, self, path)
            }
        }
    };
}

/// Counts what deleting `runner_id` keeps and removes (inside transaction `tx`).
macro_rules! deletion_plan {
    ($tx:ident, $runner_id:expr, $now:expr, $sessions_table:literal) => {{
        let runner_id: i64 = $runner_id;
        let sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE id = $1 AND role = 'runner' AND deleted_at IS NULL");
        let row: Option<UserRow> = sqlx::query_as(&sql).bind(runner_id).fetch_optional(&mut *$tx).await?;
        let runner = User::try_from(row.ok_or(StoreError::NotFound)?)?;
        let clinic: Option<(String, i64)> = match runner.clinic_id {
            Some(id) => Some(
                sqlx::query_as("SELECT name, retention_years FROM clinic WHERE id = $1")
                    .bind(id).fetch_one(&mut *$tx).await?,
            ),
            None => None,
        };
        let mut counts: Vec<(&'static str, i64)> = Vec::new();
        for (what, sql) in [
            ("assessments", "SELECT COUNT(*) FROM assessment WHERE runner_id = $1"),
            ("programme versions", "SELECT COUNT(*) FROM programme WHERE runner_id = $1"),
            ("logs (sessions, runs and morning check-ins)", "SELECT COUNT(*) FROM tracking_log WHERE runner_id = $1"),
            ("reviews and decisions", "SELECT COUNT(*) FROM review WHERE runner_id = $1"),
            ("coaching programmes", "SELECT COUNT(*) FROM coaching_programme WHERE runner_id = $1"),
            ("alerts", "SELECT COUNT(*) FROM alert WHERE runner_id = $1"),
            ("entries in the access record (audit trail)", AUDIT_COUNT),
        ] {
            let (n,): (i64,) = sqlx::query_as(sql).bind(runner_id).fetch_one(&mut *$tx).await?;
            counts.push((what, n));
        }
        let (runs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM run WHERE runner_id = $1")
            .bind(runner_id).fetch_one(&mut *$tx).await?;
        let (watch_files,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM watch_file WHERE runner_id = $1")
            .bind(runner_id).fetch_one(&mut *$tx).await?;
        let (bookings,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM booking WHERE lower(email) = $1")
            .bind(runner.email.as_str()).fetch_one(&mut *$tx).await?;
        let (enquiries,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM inbox_item WHERE lower(email) = $1")
            .bind(runner.email.as_str()).fetch_one(&mut *$tx).await?;
        let mut removed = vec![
            ("your name, email address, password and settings", 1),
            ("watch runs", runs),
            ("watch files", watch_files),
            ("booked calls", bookings),
            ("enquiries to a clinic (guide, consult)", enquiries),
        ];
        let audit = counts.pop().unwrap_or(("", 0));
        match clinic {
            Some((name, years)) => DeletionPlan {
                clinic: Some(name),
                pseudonym: pseudonym(runner_id),
                retention_years: years,
                retain_until: Some($now + retention_seconds(years)),
                kept: { counts.push(audit); counts },
                removed,
            },
            None => {
                removed.extend(counts);
                DeletionPlan {
                    clinic: None,
                    pseudonym: pseudonym(runner_id),
                    retention_years: 0,
                    retain_until: None,
                    kept: vec![audit],
                    removed,
                }
            }
        }
    }};
}

macro_rules! backup {
    (sqlite, $self:ident, $path:ident) => {{
        sqlx::query("VACUUM INTO $1")
            .bind($path)
            .execute(&$self.pool)
            .await?;
        Ok(())
    }};
    (postgres, $self:ident, $path:ident) => {{
        let _ = (&$self.pool, $path);
        Err(StoreError::Other(
            "backup is for SQLite; for PostgreSQL use pg_dump (see the README)".into(),
        ))
    }};
}

/// The user id a stored session belongs to, if any (its data is tower-sessions' `Record`,
/// MessagePack-encoded).
fn session_of(data: &[u8]) -> Option<i64> {
    let record: tower_sessions::session::Record = rmp_serde::from_slice(data).ok()?;
    record
        .data
        .get("user_id")
        .and_then(serde_json::Value::as_i64)
}

impl_account_data!(sqlx::Sqlite, sqlite, "BEGIN IMMEDIATE", "tower_sessions");
impl_account_data!(
    sqlx::Postgres,
    postgres,
    "BEGIN",
    "\"tower_sessions\".\"session\""
);
