//! The exercise library: every exercise the programme can prescribe, on ladders from easier to harder.
//!
//! The library is data (the private `catalogue` module) plus lookups. Each exercise sits on one [`Ladder`] at a
//! [`Level`] from 1 (easiest) to at most 5. The clinic's six core exercises sit at level 3 of their
//! own ladder, with two easier and two harder variants; the supporting exercises sit on shorter
//! ladders of their own. The library carries [`LIBRARY_VERSION`]; a stored programme records it,
//! and ids are never reused for a different exercise, so an old programme stays readable.

mod catalogue;
pub mod dosage;
#[cfg(test)]
mod tests;

use crate::assessment::Area;
use serde::{Deserialize, Serialize};
use std::fmt;

pub use dosage::{Dosage, DosageError, DosageKind, RawDosage};

/// Version of the exercise library (exercises, ladders and default dosages).
pub const LIBRARY_VERSION: &str = "2026.1";

/// The highest level any ladder can have.
pub const MAX_LEVEL: u8 = 5;

/// Why a library lookup or a level was refused, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LibraryError {
    #[error("Unknown exercise “{0}”: pick an exercise from the library.")]
    UnknownExercise(String),
    #[error("Unknown ladder “{0}”: pick a ladder from the library.")]
    UnknownLadder(String),
    #[error("Level {0} is outside the ladder: levels run from 1 (easiest) to {MAX_LEVEL}.")]
    LevelOutOfRange(i64),
    #[error("“{0}” is not a level: give a whole number from 1 (easiest) to {MAX_LEVEL}.")]
    NotALevel(String),
    #[error(
        "Level {level} is outside the {ladder} ladder, which runs from level 1 to level {highest}."
    )]
    LevelOutsideLadder {
        ladder: String,
        level: u8,
        highest: u8,
    },
}

/// A library exercise's id, e.g. `single_leg_bridge_hold`. Exists only for exercises in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExerciseId(&'static str);

impl<'de> Deserialize<'de> for ExerciseId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for ExerciseId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl ExerciseId {
    /// The id as text.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The exercise this id names.
    pub fn exercise(self) -> &'static Exercise {
        exercise(self.0).expect("an ExerciseId only exists for a library exercise")
    }
}

impl std::str::FromStr for ExerciseId {
    type Err = LibraryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        exercise(s.trim())
            .map(|e| e.id)
            .ok_or_else(|| LibraryError::UnknownExercise(s.to_owned()))
    }
}

impl TryFrom<String> for ExerciseId {
    type Error = LibraryError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for ExerciseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A ladder's id, e.g. `couch_stretch`; the ladder is named after the exercise at its anchor level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LadderId(&'static str);

impl<'de> Deserialize<'de> for LadderId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for LadderId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl LadderId {
    /// The id as text.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::str::FromStr for LadderId {
    type Err = LibraryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        catalogue::LADDERS
            .iter()
            .find(|l| l.id.0 == s.trim())
            .map(|l| l.id)
            .ok_or_else(|| LibraryError::UnknownLadder(s.to_owned()))
    }
}

impl TryFrom<String> for LadderId {
    type Error = LibraryError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for LadderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A rung on a ladder: 1 is the easiest, [`MAX_LEVEL`] the hardest any ladder goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct Level(u8);

impl Level {
    /// The easiest level.
    pub const EASIEST: Level = Level(1);

    /// A level known to be in range at compile time (library data).
    const fn at(n: u8) -> Level {
        assert!(n >= 1 && n <= MAX_LEVEL);
        Level(n)
    }

    /// The plain number.
    pub fn get(self) -> u8 {
        self.0
    }

    /// One level easier, if there is one.
    pub fn down(self) -> Option<Level> {
        (self.0 > 1).then(|| Level(self.0 - 1))
    }

    /// One level harder, if [`MAX_LEVEL`] allows it (the ladder may still end sooner).
    pub fn up(self) -> Option<Level> {
        (self.0 < MAX_LEVEL).then(|| Level(self.0 + 1))
    }
}

impl TryFrom<i64> for Level {
    type Error = LibraryError;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        match u8::try_from(n) {
            Ok(n @ 1..=MAX_LEVEL) => Ok(Level(n)),
            _ => Err(LibraryError::LevelOutOfRange(n)),
        }
    }
}

impl std::str::FromStr for Level {
    type Err = LibraryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n: i64 = s
            .trim()
            .parse()
            .map_err(|_| LibraryError::NotALevel(s.to_owned()))?;
        Level::try_from(n)
    }
}

impl From<Level> for u8 {
    fn from(l: Level) -> Self {
        l.0
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What an exercise works on. The first four are the assessment's areas; the rest have no test
/// area of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseArea {
    PostureForm,
    HipMobility,
    HipStability,
    Core,
    /// Calf and single-leg strength for running and for the postpartum readiness tests.
    LegStrength,
    /// Breathing with pelvic-floor awareness (postpartum runners first).
    BreathingPelvicFloor,
}

impl ExerciseArea {
    /// The assessment area this matches, where there is one.
    pub fn assessment_area(self) -> Option<Area> {
        match self {
            ExerciseArea::PostureForm => Some(Area::PostureForm),
            ExerciseArea::HipMobility => Some(Area::HipMobility),
            ExerciseArea::HipStability => Some(Area::HipStability),
            ExerciseArea::Core => Some(Area::Core),
            ExerciseArea::LegStrength | ExerciseArea::BreathingPelvicFloor => None,
        }
    }

    /// The area's name as shown to a runner.
    pub fn name(self) -> &'static str {
        match self {
            ExerciseArea::LegStrength => "Leg strength",
            ExerciseArea::BreathingPelvicFloor => "Breathing and pelvic floor",
            other => other
                .assessment_area()
                .map_or("", crate::assessment::Area::name),
        }
    }
}

/// Done once with both legs, or on each side in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sidedness {
    Bilateral,
    /// Every set is done on the left and on the right; dosage counts one side.
    PerSide,
}

impl Sidedness {
    /// How many sides each set is done on.
    pub fn sides(self) -> u32 {
        match self {
            Sidedness::Bilateral => 1,
            Sidedness::PerSide => 2,
        }
    }
}

/// Kit an exercise needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Equipment {
    Mat,
    Cushion,
    WallOrSofa,
    Chair,
    /// A small loop band that goes around the legs.
    MiniBand,
    /// A long resistance band tied to something solid at chest height.
    LongBandAndAnchor,
    Step,
    BoxOrBench,
    FoamRoller,
}

impl Equipment {
    /// The item as shown in a kit list.
    pub fn name(self) -> &'static str {
        match self {
            Equipment::Mat => "mat or carpet",
            Equipment::Cushion => "cushion for the knee",
            Equipment::WallOrSofa => "wall or sofa",
            Equipment::Chair => "sturdy chair",
            Equipment::MiniBand => "mini band",
            Equipment::LongBandAndAnchor => "long resistance band and an anchor point",
            Equipment::Step => "step or stair",
            Equipment::BoxOrBench => "box, bench or sofa seat",
            Equipment::FoamRoller => "foam roller",
        }
    }
}

/// When to be careful with an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cautions {
    /// What to do if it hurts (shown to everyone).
    pub pain: &'static str,
    /// What a runner who has given birth should watch for, if anything specific.
    pub postpartum: Option<&'static str>,
    /// For a runner who has given birth, the generator starts one rung lower than this one
    /// (our choice: rungs with high pressure on the abdominal wall wait until a pelvic-health
    /// check or a clinician moves the runner up).
    pub postpartum_step_down: bool,
}

/// One exercise, at one level of its ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exercise {
    pub id: ExerciseId,
    pub name: &'static str,
    pub area: ExerciseArea,
    /// What it is for, in one sentence.
    pub purpose: &'static str,
    /// How to get into position.
    pub setup: &'static str,
    /// What to do, in order.
    pub steps: &'static [&'static str],
    /// Short things to think about while doing it.
    pub cues: &'static [&'static str],
    /// What usually goes wrong, and how it looks.
    pub mistakes: &'static [&'static str],
    pub equipment: &'static [Equipment],
    pub sidedness: Sidedness,
    pub ladder: LadderId,
    pub level: Level,
    /// The dose at this level (CLINICAL.md §8).
    pub dosage: Dosage,
    /// Seconds one rep takes, for the time estimate (holds and stretches ignore it).
    pub rep_seconds: u8,
    pub cautions: Cautions,
    /// Id of the drawing that shows it.
    pub illustration: &'static str,
    /// Where the exercise and its dose come from.
    pub source: &'static str,
}

impl Exercise {
    /// Whether this is one of the clinic's six core exercises.
    pub fn is_core_six(&self) -> bool {
        ladder_spec(self.ladder).is_some_and(|l| l.core_six && l.anchor == self.level)
    }

    /// Estimated seconds for one day's session of this exercise at its library dose.
    pub fn session_seconds(&self) -> u32 {
        self.dosage
            .session_seconds(self.sidedness, false, self.rep_seconds)
    }
}

/// A ladder's fixed facts: its name, area, and which level holds the exercise it is named after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LadderSpec {
    pub id: LadderId,
    pub name: &'static str,
    pub area: ExerciseArea,
    /// The level of the exercise the ladder is named after (3 for the core six).
    pub anchor: Level,
    /// One of the clinic's six core exercises.
    pub core_six: bool,
}

/// A ladder with its rungs, easiest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ladder {
    pub spec: LadderSpec,
    pub rungs: Vec<&'static Exercise>,
}

impl Ladder {
    /// The hardest level on this ladder.
    pub fn highest(&self) -> Level {
        self.rungs.last().map_or(Level::EASIEST, |e| e.level)
    }

    /// The exercise at `level`, or why there is none.
    pub fn at(&self, level: Level) -> Result<&'static Exercise, LibraryError> {
        self.rungs.iter().copied().find(|e| e.level == level).ok_or(
            LibraryError::LevelOutsideLadder {
                ladder: self.spec.name.to_lowercase(),
                level: level.get(),
                highest: self.highest().get(),
            },
        )
    }

    /// The exercise the ladder is named after.
    pub fn anchor(&self) -> &'static Exercise {
        self.at(self.spec.anchor)
            .expect("every ladder has its anchor level")
    }
}

/// Every exercise, ladder by ladder, easiest first.
pub fn all() -> &'static [Exercise] {
    catalogue::EXERCISES
}

/// Every ladder's fixed facts, in library order (core six first).
pub fn ladders() -> &'static [LadderSpec] {
    catalogue::LADDERS
}

/// Looks an exercise up by its id.
pub fn exercise(id: &str) -> Option<&'static Exercise> {
    catalogue::EXERCISES.iter().find(|e| e.id.0 == id)
}

fn ladder_spec(id: LadderId) -> Option<&'static LadderSpec> {
    catalogue::LADDERS.iter().find(|l| l.id == id)
}

/// The ladder with this id, rungs easiest first.
pub fn ladder(id: &str) -> Option<Ladder> {
    let spec = *catalogue::LADDERS.iter().find(|l| l.id.0 == id)?;
    let mut rungs: Vec<&'static Exercise> = catalogue::EXERCISES
        .iter()
        .filter(|e| e.ladder == spec.id)
        .collect();
    rungs.sort_by_key(|e| e.level);
    Some(Ladder { spec, rungs })
}

/// The ladder an exercise sits on.
pub fn ladder_of(ex: &Exercise) -> Ladder {
    ladder(ex.ladder.0).expect("every exercise's ladder is in the library")
}

/// The next easier exercise on the same ladder, if any.
pub fn easier(ex: &Exercise) -> Option<&'static Exercise> {
    ex.level
        .down()
        .and_then(|level| ladder_of(ex).at(level).ok())
}

/// The next harder exercise on the same ladder, if any.
pub fn harder(ex: &Exercise) -> Option<&'static Exercise> {
    ex.level.up().and_then(|level| ladder_of(ex).at(level).ok())
}

/// Every illustration id the library may use; the drawings are made for exactly these.
pub const ILLUSTRATIONS: [&str; 34] = [
    "band_hip_abduction",
    "couch_stretch",
    "hip_cars",
    "pallof_press",
    "single_leg_bridge_hold",
    "single_leg_bridge",
    "straight_leg_lowers",
    "side_bridge",
    "hip_flexor_kneeling_stretch",
    "couch_stretch_upright",
    "hip_cars_quadruped",
    "hip_cars_standing",
    "glute_bridge",
    "single_leg_bridge_march",
    "side_lying_hip_abduction",
    "band_lateral_walk",
    "single_leg_lowers",
    "dead_bug",
    "bird_dog",
    "side_plank_knees",
    "side_plank",
    "pallof_press_tall_kneeling",
    "pallof_press_half_kneeling",
    "pallof_press_split_stance",
    "split_squat",
    "rear_foot_elevated_split_squat",
    "single_leg_calf_raise",
    "thoracic_extension_foam_roller",
    "breathing_90_90",
    "plank",
    "clamshell",
    "step_down",
    "double_leg_lowering",
    "single_leg_squat",
];
