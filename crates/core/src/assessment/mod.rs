//! The assessment: versioned protocol, validation of what was typed in, and scoring into findings.
//!
//! The flow is `Assessment` (raw JSON shape) → [`validate`] → [`ValidatedAssessment`] →
//! [`score`] with [`Thresholds`] → [`AssessmentResult`]; [`assess`] does both steps.

pub mod explain;
pub mod findings;
pub mod hips;
pub mod lsi;
pub mod measurements;
pub mod postpartum;
pub mod protocol;
pub mod red_flags;
pub mod scoring;
pub mod thresholds;
pub mod trunk;
pub mod validate;
pub mod values;

#[cfg(test)]
mod schema_tests;
#[cfg(test)]
mod tests;

pub use findings::{
    AreaResult, AreaStatus, AssessmentResult, Disagreement, Figure, Finding, Measured, NotTested,
    Referral, Rule, Severity, Value,
};
pub use lsi::{Asymmetry, AsymmetryBand, limb_symmetry_index};
pub use measurements::Assessment;
pub use protocol::{Area, PROTOCOL, PROTOCOL_VERSION, Setting, Sides, TestSpec, Unit, test_spec};
pub use scoring::score;
pub use thresholds::{Threshold, Thresholds};
pub use validate::{ValidatedAssessment, ValidationError, ValidationErrors, validate};
pub use values::{PerSide, Side};

/// Validates `raw` and scores it with `thresholds`.
pub fn assess(
    raw: &Assessment,
    thresholds: &Thresholds,
) -> Result<AssessmentResult, ValidationErrors> {
    Ok(score(&validate(raw)?, thresholds))
}
