//! Daily tracking: what the runner logs, what the pain-monitoring guide makes of it, the alerts a
//! clinician sees, and the change report at a re-test.
//!
//! Everything here is pure: no IO and no clock. Every function is given the dates it needs
//! (`today`, the day reviewed), so the same logs always give the same answer, in any order.
//!
//! - [`baseline`]: the usual morning pain each check-in is compared with, and its source.
//! - [`logs`]: session, run and morning check-in logs, and the checks on what was typed in.
//! - [`thresholds`]: every cut-off the tracking rules use, with its source.
//! - [`progression`]: the pain-monitoring guide (CLINICAL.md §7) as progress / hold / regress /
//!   stop decisions per exercise, and the change in running volume.
//! - [`mod@alerts`]: clinician alert tiers (CLINICAL.md §7).
//! - [`load`]: pain versus load — each watch run beside the pain around it, and patterns.
//! - [`trends`]: pain per day and, per programme week, morning pain, adherence and running.
//! - [`reminders`]: the runner's reminder time and days, checked, and when the next one falls.
//! - [`change`]: the re-test change report, judged against minimal important differences
//!   (CLINICAL.md §6).

pub mod alerts;
pub mod baseline;
pub mod change;
pub mod load;
pub mod logs;
pub mod progression;
pub mod reminders;
pub mod thresholds;
pub mod trends;
mod words;

#[cfg(test)]
mod tests;

pub use alerts::{AlertSuggestion, AlertTier, alerts};
pub use baseline::{MorningBaseline, UsualMorningPain, UsualMorningSource};
pub use change::{
    AreaChange, ChangeReport, Direction, GlobalRating, Judgement, PsfsActivityChange, PsfsChange,
    ScoreChange, TestChange, change_report,
};
pub use logs::{
    LogError, LogErrors, MorningCheckIn, Rating, RawMorningCheckIn, RawRunLog, RawSessionLog,
    RawSets, RedFlagSymptom, RunLog, SessionLog, SetsDone, TrackingLogs,
};
pub use progression::{
    ExerciseStep, ProgressionAction, ProgressionDecision, Review, ReviewKind, RunningAction,
    RunningDecision, after_day, decide, weekly_review,
};
pub use thresholds::ProgressionThresholds;
