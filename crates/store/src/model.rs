//! The records the store hands out and takes in.

use backstride_core::{DistanceUnit, Email, MassUnit, Role, TimeZoneName, UnitPreference};

/// A clinic: its name and the defaults its people start with.
#[derive(Debug, Clone, PartialEq)]
pub struct Clinic {
    pub id: i64,
    pub name: String,
    pub units: UnitPreference,
    pub time_zone: TimeZoneName,
    pub settings: ClinicSettings,
}

/// What a clinic's admin sets: how the clinic is printed and reached, and the cut-offs it chose
/// (JSON overrides of core's `Thresholds` and `ProgressionThresholds`; `None` keeps the defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicSettings {
    /// One line, e.g. "0161 496 0000 · hello@riverside.example".
    pub contact: String,
    /// `#rrggbb`.
    pub brand_colour: String,
    pub thresholds_json: Option<String>,
    pub progression_json: Option<String>,
}

impl Default for ClinicSettings {
    fn default() -> Self {
        ClinicSettings {
            contact: String::new(),
            brand_colour: "#1f6f8b".to_owned(),
            thresholds_json: None,
            progression_json: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewClinic {
    pub name: String,
    pub units: UnitPreference,
    pub time_zone: TimeZoneName,
}

/// A person with an account. `password_hash` is an argon2id PHC string.
#[derive(Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub clinic_id: Option<i64>,
    pub email: Email,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub time_zone: TimeZoneName,
    /// The person's own unit choice; `None` follows the clinic's default.
    pub units: Option<UnitPreference>,
    pub created_at: i64,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("clinic_id", &self.clinic_id)
            .field("role", &self.role)
            .field("password_hash", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub clinic_id: Option<i64>,
    pub email: Email,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub time_zone: TimeZoneName,
    pub units: Option<UnitPreference>,
}

/// A person's display preferences.
#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    pub display_name: String,
    pub time_zone: TimeZoneName,
    pub units: Option<UnitPreference>,
}

#[derive(Debug, Clone)]
pub struct NewInvite {
    pub token_hash: String,
    pub clinic_id: i64,
    pub email: Email,
    pub role: Role,
    pub invited_by: i64,
    pub expires_at: i64,
}

/// An open invitation to join a clinic.
#[derive(Debug, Clone, PartialEq)]
pub struct Invite {
    pub clinic_id: i64,
    pub email: Email,
    pub role: Role,
    pub invited_by: i64,
    pub expires_at: i64,
}

/// Recent failed logins, counted by account and by address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub for_email: i64,
    pub for_ip: i64,
}

/// What [`crate::Store::forget_old_sign_ins`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignInsForgotten {
    /// Expired session rows.
    pub sessions: u64,
    /// Old login-failure rows.
    pub login_failures: u64,
}

/// One line of the append-only audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: i64,
    pub at: i64,
    pub actor_user_id: i64,
    pub subject_user_id: i64,
    pub action: String,
    /// "allowed" or "denied".
    pub outcome: String,
    pub detail: String,
}

#[derive(Debug, Clone)]
pub struct NewEmail {
    pub to: Email,
    pub subject: String,
    pub body_text: String,
    /// One file sent along (a calendar invite, say).
    pub attachment: Option<EmailAttachment>,
    /// Not sent before this instant (Unix seconds); `None` sends as soon as it is queued.
    pub send_at: Option<i64>,
    /// The clinic sending it, whose admins see it in their outbox; `None` for instance-wide
    /// mail (a self-signed-up runner's password reset), which only the operator sees.
    pub clinic_id: Option<i64>,
    /// The runner the email is about: a staff member's view of it is audited.
    pub about_runner: Option<i64>,
    /// An address that turns these emails off in one click (RFC 8058): sent as the
    /// `List-Unsubscribe` header, with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, so
    /// a mail program's "Unsubscribe" button POSTs to it.
    pub list_unsubscribe: Option<String>,
}

/// A small text file attached to an email, e.g. `call.ics` as `text/calendar`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAttachment {
    pub file_name: String,
    /// A MIME type, e.g. `text/calendar; charset=utf-8; method=PUBLISH`.
    pub content_type: String,
    pub body: String,
}

impl NewEmail {
    /// A plain-text email. Build emails with this (not a struct literal) so fields added later
    /// (attachments, say) keep their defaults.
    pub fn text(to: Email, subject: impl Into<String>, body_text: impl Into<String>) -> Self {
        NewEmail {
            to,
            subject: subject.into(),
            body_text: body_text.into(),
            attachment: None,
            send_at: None,
            clinic_id: None,
            about_runner: None,
            list_unsubscribe: None,
        }
    }

    /// The same email with a one-click "turn these off" address (see [`NewEmail::list_unsubscribe`]).
    pub fn one_click_unsubscribe(mut self, url: impl Into<String>) -> Self {
        self.list_unsubscribe = Some(url.into());
        self
    }

    /// The same email as one `clinic_id` sends (`None`: instance-wide mail).
    pub fn from_clinic(mut self, clinic_id: Option<i64>) -> Self {
        self.clinic_id = clinic_id;
        self
    }

    /// The same email marked as being about runner `runner_id`.
    pub fn about_runner(mut self, runner_id: i64) -> Self {
        self.about_runner = Some(runner_id);
        self
    }

    /// The same email with a file attached.
    pub fn with_attachment(
        mut self,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
        self.attachment = Some(EmailAttachment {
            file_name: file_name.into(),
            content_type: content_type.into(),
            body: body.into(),
        });
        self
    }

    /// The same email held back until `at` (Unix seconds), e.g. a reminder.
    pub fn send_at(mut self, at: i64) -> Self {
        self.send_at = Some(at);
        self
    }
}

/// Where an email is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailStatus {
    Pending,
    Sending,
    Sent,
    Failed,
}

impl EmailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailStatus::Pending => "pending",
            EmailStatus::Sending => "sending",
            EmailStatus::Sent => "sent",
            EmailStatus::Failed => "failed",
        }
    }

    pub(crate) fn parse(raw: &str) -> Self {
        match raw {
            "sending" => EmailStatus::Sending,
            "sent" => EmailStatus::Sent,
            "failed" => EmailStatus::Failed,
            _ => EmailStatus::Pending,
        }
    }
}

/// An email in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEmail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    pub status: EmailStatus,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub attachment: Option<EmailAttachment>,
    /// As in [`NewEmail::clinic_id`].
    pub clinic_id: Option<i64>,
    /// As in [`NewEmail::about_runner`].
    pub about_runner: Option<i64>,
    /// As in [`NewEmail::list_unsubscribe`].
    pub list_unsubscribe: Option<String>,
}

pub(crate) fn units_from(distance: Option<&str>, mass: Option<&str>) -> Option<UnitPreference> {
    Some(UnitPreference {
        distance: distance?.parse::<DistanceUnit>().ok()?,
        mass: mass?.parse::<MassUnit>().ok()?,
    })
}

/// Generates a text-backed enum with `as_str` and a lenient parser for stored values.
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::StoreError;
            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                match raw {
                    $($text => Ok($name::$variant),)+
                    other => Err(crate::StoreError::Other(format!("unknown {} {other:?}", stringify!($name)))),
                }
            }
        }
    };
}

stored_enum!(
    /// A first assessment, or a re-test after a programme.
    AssessmentKind { Baseline => "baseline", Retest => "retest" }
);
stored_enum!(
    /// Where an assessment is: being filled in, scored, or stopped at a red flag.
    AssessmentStatus { Draft => "draft", Complete => "complete", Stopped => "stopped" }
);
stored_enum!(
    /// A programme version: suggested by the generator, approved (the one the runner follows), or replaced.
    ProgrammeStatus { Suggested => "suggested", Approved => "approved", Superseded => "superseded" }
);
stored_enum!(
    /// How urgently a clinician should look (CLINICAL.md §7, after MedBridge's tiers).
    AlertTier { Critical => "critical", High => "high", Low => "low" }
);

/// A stored assessment: the raw measurements as entered and, once scored, the result — both as
/// JSON documents made by `core`, with the protocol version they belong to.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentRecord {
    pub id: i64,
    pub runner_id: i64,
    pub entered_by: i64,
    pub kind: AssessmentKind,
    pub status: AssessmentStatus,
    pub protocol_version: String,
    /// The wizard step reached, for resuming.
    pub step: String,
    pub raw_json: String,
    pub result_json: Option<String>,
    pub notes: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Creates (no `id`) or updates a draft assessment.
#[derive(Debug, Clone)]
pub struct SaveAssessment {
    pub id: Option<i64>,
    pub kind: AssessmentKind,
    pub status: AssessmentStatus,
    pub protocol_version: String,
    pub step: String,
    pub raw_json: String,
    pub result_json: Option<String>,
    pub notes: String,
}

/// One version of a runner's programme.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeRecord {
    pub id: i64,
    pub runner_id: i64,
    pub assessment_id: Option<i64>,
    pub version: i64,
    pub status: ProgrammeStatus,
    pub body_json: String,
    pub created_by: i64,
    pub created_at: i64,
    pub approved_by: Option<i64>,
    pub approved_at: Option<i64>,
}

impl ProgrammeRecord {
    /// The stored programme, decoded (an error names the version that no longer parses).
    pub fn programme(&self) -> Result<backstride_core::programme::Programme, String> {
        serde_json::from_str(&self.body_json)
            .map_err(|e| format!("stored programme {}: {e}", self.id))
    }
}

#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub assessment_id: Option<i64>,
    /// `Suggested` for a clinic's runner (awaits approval), `Approved` for a self-directed one.
    pub status: ProgrammeStatus,
    pub body_json: String,
}

/// An imported run (one running session of a watch file).
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub id: i64,
    pub runner_id: i64,
    pub content_hash: String,
    pub file_name: String,
    pub started_at: i64,
    pub sport: String,
    pub summary_json: String,
    pub imported_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewRun {
    /// Hash of the file's bytes plus the session's index, so one file imports once.
    pub content_hash: String,
    pub file_name: String,
    pub started_at: i64,
    pub sport: String,
    pub summary_json: String,
}

/// Something a clinician should look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub id: i64,
    pub runner_id: i64,
    pub tier: AlertTier,
    pub reason: String,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
}

stored_enum!(
    /// What a tracking log records.
    LogKind { Session => "session", Run => "run", Morning => "morning" }
);
stored_enum!(
    /// A pain-monitoring review: made after a logged day, or the weekly one.
    ReviewKind { AfterDay => "after_day", Weekly => "weekly" }
);
stored_enum!(
    /// Where a review's decisions are: awaiting the clinician, accepted, or changed by them.
    ReviewStatus { Suggested => "suggested", Accepted => "accepted", Overridden => "overridden" }
);

/// One log as the runner entered it (a JSON document made by `core::tracking`).
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    pub id: i64,
    pub runner_id: i64,
    pub entered_by: i64,
    pub kind: LogKind,
    /// `YYYY-MM-DD`, the day the log is about (not when it was entered).
    pub log_date: String,
    pub body_json: String,
    pub idempotency_key: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewLog {
    pub kind: LogKind,
    pub log_date: String,
    pub body_json: String,
    /// Made by the browser for each entry, so an entry sent twice is stored once.
    pub idempotency_key: String,
}

/// Whether [`crate::Store::add_log`] stored the log or found it already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogSaved {
    New,
    AlreadyStored,
}

/// A stored review: core's decisions for one day (JSON), and what the clinician made of them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRecord {
    pub id: i64,
    pub runner_id: i64,
    pub programme_id: i64,
    pub review_date: String,
    pub kind: ReviewKind,
    pub status: ReviewStatus,
    pub body_json: String,
    /// The clinician's note when they accepted or overrode it.
    pub note: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewReview {
    pub programme_id: i64,
    pub review_date: String,
    pub kind: ReviewKind,
    /// `Suggested` for a clinic's runner; `Accepted` for a self-directed one.
    pub status: ReviewStatus,
    pub body_json: String,
}

stored_enum!(
    /// How someone came through the clinic's front door.
    InboxKind { Guide => "guide", Consult => "consult", Booking => "booking", Signup => "signup" }
);
stored_enum!(
    /// Where an inbox item is in the clinic's pipeline.
    InboxStage { New => "new", Contacted => "contacted", CallBooked => "call_booked", Enrolled => "enrolled", Closed => "closed" }
);

/// Someone who came through the front door, for the clinic's inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxItem {
    pub id: i64,
    pub clinic_id: i64,
    pub kind: InboxKind,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
    /// Where they came from, e.g. "landing page" or an article's slug.
    pub source: String,
    pub stage: InboxStage,
    pub notes: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewInboxItem {
    pub clinic_id: i64,
    pub kind: InboxKind,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
    pub source: String,
    /// `CallBooked` for a booking, else `New`.
    pub stage: InboxStage,
}

/// A named multi-week coaching programme for one runner.
#[derive(Debug, Clone, PartialEq)]
pub struct Coaching {
    pub id: i64,
    pub runner_id: i64,
    pub name: String,
    pub weeks: i64,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    pub created_by: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewCoaching {
    pub name: String,
    pub weeks: i64,
    pub starts_on: String,
}

/// What a clinic's outcomes are counted from.
#[derive(Debug, Clone, Default)]
pub struct OutcomeRecords {
    pub assessments: Vec<AssessmentRecord>,
    pub programmes: Vec<ProgrammeRecord>,
}

/// A clinic's outcomes sentence on its public page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublicOutcomes {
    pub clinic_id: i64,
    /// The admin who turned it on; the daily refresh counts as them.
    pub enabled_by: i64,
    /// Empty while the clinic is under the floor of runners.
    pub sentence: String,
    pub counted_on: String,
}
