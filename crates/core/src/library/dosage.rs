//! Dosage: how many sets of how much, how much rest, how many days a week, and how long it takes.
//!
//! Library doses follow CLINICAL.md §8: static stretches 30 s on most days (Bandy 1997); holds
//! 30–45 s × 3–5 (our choice, within published practice); strength 1–3 sets of 8–12, 2–3 days a
//! week (ACSM 2009). The limits below catch typing mistakes; they are our choice, not a rule.

use super::Sidedness;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Most sets a home exercise can be given (our choice).
pub const MAX_SETS: i64 = 10;
/// Most reps per set (our choice: beyond this it is an endurance test, not an exercise).
pub const MAX_REPS: i64 = 100;
/// Longest hold or stretch per set, seconds (our choice).
pub const MAX_SECONDS: i64 = 600;
/// Longest rest between sets, seconds (our choice).
pub const MAX_REST_SECONDS: i64 = 600;

/// Time estimate (our choice): one controlled rep takes about 4 s (lift, brief pause, slower
/// lower) unless the exercise says otherwise (a slow hip circle takes longer).
pub const SECONDS_PER_REP: u8 = 4;
/// Time estimate (our choice): getting into position and reading the cues, once per exercise.
pub const SETUP_SECONDS: u32 = 30;

/// What each set is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DosageKind {
    /// Holding a position against effort, in seconds.
    HoldSeconds,
    /// Repetitions.
    Reps,
    /// Staying in a stretch, in seconds.
    StretchSeconds,
}

impl DosageKind {
    /// Where the dose for this kind of exercise comes from.
    pub fn source(self) -> &'static str {
        match self {
            DosageKind::StretchSeconds => {
                "Bandy et al. 1997, Phys Ther 77:1090 (30 s, at least 5 days a week); Ayala 2010"
            }
            DosageKind::HoldSeconds => {
                "Our choice within published practice: 30–45 s × 3–5 (Rio 2015 used 45 s holds)"
            }
            DosageKind::Reps => "ACSM 2009 position stand (1–3 sets of 8–12, 2–3 days a week)",
        }
    }

    fn amount_name(self) -> &'static str {
        match self {
            DosageKind::HoldSeconds => "Hold time",
            DosageKind::Reps => "Reps",
            DosageKind::StretchSeconds => "Stretch time",
        }
    }
}

/// A dose as typed in (a form field or JSON): any whole numbers, checked by [`Dosage::try_from`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDosage {
    pub kind: DosageKind,
    pub sets: i64,
    /// Reps per set, or seconds per set for a hold or stretch.
    pub reps_or_seconds: i64,
    pub rest_seconds: i64,
    pub days_per_week: i64,
}

/// Why a dose was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DosageError {
    #[error("{what} must be at least 1, not 0.")]
    Zero { what: &'static str },
    #[error("{what} can't be negative ({value}).")]
    Negative { what: &'static str, value: i64 },
    #[error(
        "{what} of {value} is more than the {max} a home programme uses; check for a typing mistake."
    )]
    TooMuch {
        what: &'static str,
        value: i64,
        max: i64,
    },
    #[error("Days a week must be from 1 to 7, not {0}.")]
    DaysPerWeek(i64),
}

/// A valid dose. Counts one side for an exercise done on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawDosage")]
pub struct Dosage {
    kind: DosageKind,
    sets: u8,
    reps_or_seconds: u16,
    rest_seconds: u16,
    days_per_week: u8,
}

fn count(what: &'static str, value: i64, min: i64, max: i64) -> Result<i64, DosageError> {
    if value < 0 {
        Err(DosageError::Negative { what, value })
    } else if value < min {
        Err(DosageError::Zero { what })
    } else if value > max {
        Err(DosageError::TooMuch { what, value, max })
    } else {
        Ok(value)
    }
}

impl TryFrom<RawDosage> for Dosage {
    type Error = DosageError;
    fn try_from(raw: RawDosage) -> Result<Self, Self::Error> {
        let amount_max = match raw.kind {
            DosageKind::Reps => MAX_REPS,
            DosageKind::HoldSeconds | DosageKind::StretchSeconds => MAX_SECONDS,
        };
        let sets = count("Sets", raw.sets, 1, MAX_SETS)?;
        let amount = count(raw.kind.amount_name(), raw.reps_or_seconds, 1, amount_max)?;
        let rest = count("Rest", raw.rest_seconds, 0, MAX_REST_SECONDS)?;
        if !(1..=7).contains(&raw.days_per_week) {
            return Err(DosageError::DaysPerWeek(raw.days_per_week));
        }
        // The bounds above keep every value inside its integer type.
        Ok(Dosage {
            kind: raw.kind,
            sets: sets as u8,
            reps_or_seconds: amount as u16,
            rest_seconds: rest as u16,
            days_per_week: raw.days_per_week as u8,
        })
    }
}

impl From<Dosage> for RawDosage {
    fn from(d: Dosage) -> Self {
        RawDosage {
            kind: d.kind,
            sets: d.sets.into(),
            reps_or_seconds: d.reps_or_seconds.into(),
            rest_seconds: d.rest_seconds.into(),
            days_per_week: d.days_per_week.into(),
        }
    }
}

impl Dosage {
    /// Checks a dose given as plain numbers.
    pub fn new(
        kind: DosageKind,
        sets: i64,
        reps_or_seconds: i64,
        rest_seconds: i64,
        days_per_week: i64,
    ) -> Result<Dosage, DosageError> {
        Dosage::try_from(RawDosage {
            kind,
            sets,
            reps_or_seconds,
            rest_seconds,
            days_per_week,
        })
    }

    /// A library dose; the library's tests check each one against [`Dosage::new`].
    pub(crate) const fn preset(
        kind: DosageKind,
        sets: u8,
        reps_or_seconds: u16,
        rest_seconds: u16,
        days_per_week: u8,
    ) -> Dosage {
        Dosage {
            kind,
            sets,
            reps_or_seconds,
            rest_seconds,
            days_per_week,
        }
    }

    pub fn kind(&self) -> DosageKind {
        self.kind
    }
    pub fn sets(&self) -> u8 {
        self.sets
    }
    /// Reps per set, or seconds per set for a hold or stretch.
    pub fn reps_or_seconds(&self) -> u16 {
        self.reps_or_seconds
    }
    pub fn rest_seconds(&self) -> u16 {
        self.rest_seconds
    }
    pub fn days_per_week(&self) -> u8 {
        self.days_per_week
    }

    /// The same dose on a different number of days a week (1–7).
    pub fn with_days_per_week(self, days: i64) -> Result<Dosage, DosageError> {
        Dosage::try_from(RawDosage {
            days_per_week: days,
            ..RawDosage::from(self)
        })
    }

    /// Seconds of work in one set on one side, a rep taking `rep_seconds`.
    pub fn work_seconds_per_set(&self, rep_seconds: u8) -> u32 {
        match self.kind {
            DosageKind::Reps => u32::from(self.reps_or_seconds) * u32::from(rep_seconds),
            DosageKind::HoldSeconds | DosageKind::StretchSeconds => u32::from(self.reps_or_seconds),
        }
    }

    /// Estimated seconds for one day's session (our formula):
    /// set-up 30 s + sides × sets × work per set + (sets − 1) × rest, and for one extra set on a
    /// weaker side its work plus one rest. Sides alternate within a round, so rest is taken
    /// between rounds. A rep takes `rep_seconds` ([`SECONDS_PER_REP`] unless the exercise says).
    pub fn session_seconds(&self, sidedness: Sidedness, extra_set: bool, rep_seconds: u8) -> u32 {
        let work = self.work_seconds_per_set(rep_seconds);
        let sets = u32::from(self.sets);
        let rest = u32::from(self.rest_seconds);
        let extra = if extra_set { work + rest } else { 0 };
        SETUP_SECONDS + sidedness.sides() * sets * work + (sets - 1) * rest + extra
    }

    /// The dose in words: “3 × 30 s hold each side, 30 s rest between sets, 3 days a week”.
    pub fn describe(&self, sidedness: Sidedness) -> String {
        let each = match sidedness {
            Sidedness::PerSide => " each side",
            Sidedness::Bilateral => "",
        };
        let amount = match self.kind {
            DosageKind::Reps => format!("{} reps", self.reps_or_seconds),
            DosageKind::HoldSeconds => format!("{} s hold", self.reps_or_seconds),
            DosageKind::StretchSeconds => format!("{} s stretch", self.reps_or_seconds),
        };
        let rest = match self.rest_seconds {
            0 => String::new(),
            r => format!(", {r} s rest between sets"),
        };
        format!(
            "{} × {amount}{each}{rest}, {}",
            self.sets,
            days_a_week(self.days_per_week)
        )
    }
}

/// “every day”, “1 day a week”, “3 days a week”.
pub(crate) fn days_a_week(days: u8) -> String {
    match days {
        7 => "every day".to_owned(),
        1 => "1 day a week".to_owned(),
        d => format!("{d} days a week"),
    }
}

impl fmt::Display for Dosage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Sidedness::Bilateral))
    }
}
