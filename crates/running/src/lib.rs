//! Watch data: FIT decoding into runs, per-run metrics and the spring-mass model (CLINICAL.md §9).
//!
//! - [`fit`]: a streaming FIT decoder over `&[u8]` and typed views of the messages we use.
//! - [`run`]: sessions → runs, with summaries per run, lap and kilometre, and form flags.
//! - [`metrics`]: statistics and the form thresholds (named constants with sources).
//! - [`spring_mass`]: Morin 2005 peak force and stiffness.
//! - [`write`]: a small FIT encoder and a synthetic run, so tests always have input.
//! - [`fuzzing`]: the whole decoding path in one call, for the fuzzers.
#![forbid(unsafe_code)]

pub mod fit;
pub mod fuzzing;
pub mod metrics;
pub mod run;
pub mod spring_mass;
pub mod write;

pub use fit::{DecodeOptions, FitError, FitFile, parse};
pub use metrics::{FormFlag, FormThresholds, Stats};
pub use run::{Analysis, AnalyzeOptions, Run, SkippedSession, analyze, analyze_file};
pub use spring_mass::{Body, SpringMassEstimate};
