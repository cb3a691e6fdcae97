//! Backstride's domain: the clinic's words as types, and every rule as a pure function.
//!
//! Nothing here does IO or knows about the web or a database. Values that exist are valid:
//! raw input is converted with `TryFrom`/`parse` at the edge and rejected there with a message a
//! person can act on.
#![forbid(unsafe_code)]

pub mod account;
pub mod assessment;
pub mod booking;
pub mod dates;
pub mod fields;
pub mod form;
pub mod ical;
pub mod outcomes;
pub mod units;

pub use account::{AccountError, Email, NewPassword, Role, TimeZoneName};
pub use assessment::{Assessment, AssessmentResult, Thresholds, assess};
pub use units::{DistanceUnit, MassUnit, UnitPreference};
pub mod library;
pub mod programme;
pub use library::{Dosage, Exercise, ExerciseId, LIBRARY_VERSION, Level};
pub use programme::{Programme, ProgrammeEdit, ProgrammeError, ProgrammeRequest, generate};
pub mod tracking;
pub use tracking::{ProgressionThresholds, Review, TrackingLogs};
