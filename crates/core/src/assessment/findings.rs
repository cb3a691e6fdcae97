//! What scoring produces: findings with their rule and source, area statuses, referrals.

use super::explain::{format_judged, format_value, round_to};
use super::lsi::Asymmetry;
use super::protocol::{Area, TestSpec, Unit};
use super::thresholds::Threshold;
use super::values::{PerSide, Side};
use serde::{Deserialize, Serialize};

/// How much a finding matters, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Within the rule's good range.
    Fine,
    /// Something to work on.
    NeedsAttention,
    /// Work on this first, or act on it before anything else.
    Priority,
}

/// An area's overall status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaStatus {
    NotTested,
    Fine,
    NeedsAttention,
    Priority,
}

impl AreaStatus {
    /// The status as shown to a person.
    pub fn label(self) -> &'static str {
        match self {
            AreaStatus::NotTested => "not tested",
            AreaStatus::Fine => "fine",
            AreaStatus::NeedsAttention => "needs attention",
            AreaStatus::Priority => "priority",
        }
    }
}

impl From<Severity> for AreaStatus {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Fine => AreaStatus::Fine,
            Severity::NeedsAttention => AreaStatus::NeedsAttention,
            Severity::Priority => AreaStatus::Priority,
        }
    }
}

/// Who the runner should see, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Referral {
    /// Go to an emergency department now.
    Emergency,
    /// See a doctor before starting; a clinician must clear the programme.
    SeeDoctor,
    /// See a pelvic-health physiotherapist before running.
    PelvicHealthPhysio,
}

impl Referral {
    /// What the runner is told to do.
    pub fn message(self) -> &'static str {
        match self {
            Referral::Emergency => {
                "Go to an emergency department now. Some of your answers can be signs of pressure \
                 on the nerves at the base of the spine, which needs urgent care."
            }
            Referral::SeeDoctor => {
                "See a doctor before starting. Some of your answers need a medical check first; \
                 your clinician will clear the programme once that is done."
            }
            Referral::PelvicHealthPhysio => {
                "See a pelvic-health physiotherapist before running. They can check and treat \
                 the pelvic floor so running does not make symptoms worse."
            }
        }
    }
}

/// The rule behind a finding: which one, in words, the cut-off and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Stable id, e.g. `lsi_marked` or `thomas_knee_below`.
    pub id: String,
    /// The rule in plain words.
    pub text: String,
    /// The cut-off compared against, if the rule has one.
    pub threshold: Option<f64>,
    pub source: String,
    /// True where no published cut-off exists and the product or clinic chose it.
    pub our_choice: bool,
}

impl Rule {
    /// A rule comparing against a configurable threshold.
    pub fn against(id: impl Into<String>, text: impl Into<String>, t: &Threshold) -> Rule {
        Rule {
            id: id.into(),
            text: text.into(),
            threshold: Some(t.value),
            source: t.source.clone(),
            our_choice: t.our_choice,
        }
    }

    /// A rule without a numeric cut-off (an observation or an answer).
    pub fn plain(id: impl Into<String>, text: impl Into<String>, source: &str) -> Rule {
        Rule {
            id: id.into(),
            text: text.into(),
            threshold: None,
            source: source.to_owned(),
            our_choice: false,
        }
    }
}

/// One measured value: a number rounded for its unit, or an answer in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Text(String),
}

impl Value {
    /// A number rounded for `unit`.
    pub fn number(value: f64, unit: Unit) -> Value {
        Value::Number(round_to(value, unit.decimals()))
    }

    /// The value with its unit, as shown.
    pub fn shown(&self, unit: Unit) -> String {
        match self {
            Value::Number(n) => format_value(*n, unit),
            Value::Text(t) => t.clone(),
        }
    }
}

/// What was measured for a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measured {
    /// A single value.
    One { value: Value, unit: Unit },
    /// The same test on each side.
    LeftRight {
        left: Value,
        right: Value,
        unit: Unit,
    },
    /// One hold compared with another (McGill ratios).
    Ratio {
        numerator_test: String,
        numerator: Value,
        denominator_test: String,
        denominator: Value,
        unit: Unit,
        /// To 3 places (more only where 3 would cross the rule's cut-off; the rule compared the
        /// exact ratio); `None` when the denominator is 0.
        ratio: Option<f64>,
    },
}

impl Measured {
    /// A single number.
    pub fn one(value: f64, unit: Unit) -> Measured {
        Measured::One {
            value: Value::number(value, unit),
            unit,
        }
    }

    /// A single answer in words.
    pub fn answer(text: &str) -> Measured {
        Measured::One {
            value: Value::Text(text.to_owned()),
            unit: Unit::Answer,
        }
    }

    /// A number on each side.
    pub fn sides(values: PerSide<f64>, unit: Unit) -> Measured {
        Measured::LeftRight {
            left: Value::number(values.left, unit),
            right: Value::number(values.right, unit),
            unit,
        }
    }

    /// The measurement as one line of text; a ratio is shown so that it stays on the side of
    /// `cut_offs` it was judged on.
    pub fn shown(&self, cut_offs: &[f64]) -> String {
        match self {
            Measured::One { value, unit } => value.shown(*unit),
            Measured::LeftRight { left, right, unit } => {
                format!("left {}, right {}", left.shown(*unit), right.shown(*unit))
            }
            Measured::Ratio {
                numerator,
                denominator,
                unit,
                ratio,
                ..
            } => format!(
                "{} ÷ {} = {}",
                numerator.shown(*unit),
                denominator.shown(*unit),
                ratio.map_or_else(
                    || "—".to_owned(),
                    |r| format_judged(r, super::trunk::RATIO_SHOWN_DECIMALS, cut_offs)
                )
            ),
        }
    }
}

/// A number the explanation quotes that is neither the measurement nor the rule's cut-off
/// (a cadence target, a side-bridge ratio, a norm), as a field for machine output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Stable name, e.g. `cadence_first_target`.
    pub name: String,
    /// Rounded for machine output: a ratio or a strength norm to 3 places, a percent to 1,
    /// others as their unit.
    pub value: f64,
    pub unit: Unit,
}

impl Figure {
    /// `value` rounded for machine output.
    pub fn new(name: &str, value: f64, unit: Unit) -> Figure {
        let places = match unit {
            Unit::Ratio => super::trunk::RATIO_KEPT_DECIMALS,
            Unit::Percent => super::lsi::LSI_KEPT_DECIMALS,
            // The strength norm's own precision (Ramskov's formula has 3 places).
            Unit::NewtonMetresPerKg => 3,
            _ => unit.decimals(),
        };
        Figure {
            name: name.to_owned(),
            value: round_to(value, places),
            unit,
        }
    }
}

/// One thing the assessment found, with everything needed to explain and trace it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The protocol test this finding is about.
    pub test_id: String,
    pub test_name: String,
    /// The side this finding is about, for a per-side rule.
    pub side: Option<Side>,
    pub severity: Severity,
    pub measured: Measured,
    /// Side-to-side comparison, for every two-sided capacity test.
    pub asymmetry: Option<Asymmetry>,
    pub rule: Rule,
    /// What it means, in plain words.
    pub explanation: String,
    /// Every other number the explanation quotes, as fields (absent in results stored before).
    #[serde(default)]
    pub figures: Vec<Figure>,
}

impl Finding {
    /// A finding about `spec`.
    pub fn new(
        spec: &TestSpec,
        severity: Severity,
        rule: Rule,
        measured: Measured,
        explanation: String,
    ) -> Finding {
        Finding {
            test_id: spec.id.to_owned(),
            test_name: spec.name.to_owned(),
            side: None,
            severity,
            measured,
            asymmetry: None,
            rule,
            explanation,
            figures: Vec::new(),
        }
    }

    /// The same finding, with a number its explanation quotes.
    pub fn with_figure(mut self, figure: Figure) -> Finding {
        self.figures.push(figure);
        self
    }

    /// What was measured, as one line of text (judged against the rule's cut-off).
    pub fn measured_shown(&self) -> String {
        let cut_offs: Vec<f64> = self.rule.threshold.into_iter().collect();
        self.measured.shown(&cut_offs)
    }

    /// The same finding, about one side.
    pub fn on(mut self, side: Side) -> Finding {
        self.side = Some(side);
        self
    }

    /// The same finding, with its side-to-side comparison.
    pub fn with_asymmetry(mut self, asymmetry: Asymmetry) -> Finding {
        self.asymmetry = Some(asymmetry);
        self
    }
}

/// A test that was left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotTested {
    pub test_id: String,
    pub test_name: String,
}

/// One area's status and the findings behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaResult {
    pub area: Area,
    pub name: String,
    pub status: AreaStatus,
    pub findings: Vec<Finding>,
    /// Tests of this area that were left out (shown as "not tested").
    pub not_tested: Vec<NotTested>,
}

/// Two answers that say opposite things about the same thing, and which one the scoring used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disagreement {
    /// The fields that disagree, e.g. `posture_form.trunk_lean_degrees`.
    pub fields: Vec<String>,
    /// The field whose answer was scored.
    pub used: String,
    /// What disagrees and what was done, in plain words.
    pub message: String,
}

/// The scored assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentResult {
    /// The protocol version it was scored with.
    pub protocol_version: String,
    /// Who to see, most urgent first; shown before anything else.
    pub referrals: Vec<Referral>,
    /// Whether an exercise programme may be generated now.
    pub programme_allowed: bool,
    pub programme_blocked_because: Vec<String>,
    /// Whether running may be built up now (also false whenever the programme is blocked).
    pub running_allowed: bool,
    pub running_blocked_because: Vec<String>,
    /// Every area in protocol order, including those not tested.
    pub areas: Vec<AreaResult>,
    /// Answers that contradict each other, each with the one that was scored (shown beside the
    /// findings so a clinician can correct the input). Absent in results stored before it.
    #[serde(default)]
    pub disagreements: Vec<Disagreement>,
}

impl AssessmentResult {
    /// The result for one area.
    pub fn area(&self, area: Area) -> Option<&AreaResult> {
        self.areas.iter().find(|a| a.area == area)
    }

    /// Every finding, area by area.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.areas.iter().flat_map(|a| a.findings.iter())
    }
}
