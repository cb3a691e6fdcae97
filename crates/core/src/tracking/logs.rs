//! What the runner logs: exercise sessions, runs and a morning check-in.
//!
//! Each log comes in raw (`RawSessionLog`, `RawRunLog`, `RawMorningCheckIn`: numbers as typed)
//! and is checked against `today` (and, for a session, the programme) into a log that is valid
//! by construction. Every field that is wrong gets its own message; nothing else is lost.
//! Back-filling reaches [`BACKFILL_DAYS`] days back; a back-filled log counts for its own date.

use super::words::{days_before, days_between};
use crate::assessment::PerSide;
use crate::assessment::values::PainScore;
use crate::library::Sidedness;
use crate::programme::Programme;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

/// How many days back a missed day can still be logged.
pub const BACKFILL_DAYS: i64 = 7;
/// Most sets accepted for one side in one session (our choice: more is a typing slip).
pub const MAX_SETS: u8 = 20;
/// Longest note accepted, in characters (our choice).
pub const MAX_NOTE_CHARS: usize = 500;
/// Longest run accepted, in metres (our choice: beyond any ultra in a day).
pub const MAX_RUN_METRES: f64 = 300_000.0;
/// Longest run accepted, in seconds (two days).
pub const MAX_RUN_SECONDS: f64 = 172_800.0;
/// Most entries (sessions, runs and the check-in) one day can hold (our choice: a day's plan
/// is a handful of exercises, each logged once or per side; more is a script, and each entry
/// makes the day's review weigh one more).
pub const MAX_LOGS_A_DAY: usize = 60;

/// Refuses one more entry for a day that holds `held` already ([`MAX_LOGS_A_DAY`]).
pub fn check_room_in_day(held: usize) -> Result<(), String> {
    if held >= MAX_LOGS_A_DAY {
        Err(format!(
            "This day already holds {held} entries, the most one day can. Change or add to \
             another day, or ask your clinician if something is missing."
        ))
    } else {
        Ok(())
    }
}

/// A whole-number rating from 0 to 10: effort in a session, stiffness in the morning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Rating(u8);

impl Rating {
    /// The plain number.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<f64> for Rating {
    type Error = &'static str;
    fn try_from(v: f64) -> Result<Self, Self::Error> {
        if v.is_finite() && v.fract() == 0.0 && (0.0..=10.0).contains(&v) {
            Ok(Rating(v as u8))
        } else {
            Err("Rate it with a whole number from 0 to 10.")
        }
    }
}

impl<'de> Deserialize<'de> for Rating {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Rating::try_from(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Reads a stored pain score, refusing one outside 0–10.
fn de_pain<'de, D: Deserializer<'de>>(d: D) -> Result<PainScore, D::Error> {
    PainScore::try_from(f64::deserialize(d)?).map_err(serde::de::Error::custom)
}

/// A symptom that stops the programme until a clinician has seen the runner (CLINICAL.md §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedFlagSymptom {
    /// Numbness or tingling in the saddle area.
    SaddleNumbness,
    /// New difficulty passing urine, or loss of bladder control.
    BladderChange,
    /// Loss of bowel control.
    BowelControlLoss,
    /// Severe or worsening weakness in the legs, or trouble walking.
    LegWeakness,
    /// Fever, chills or feeling generally unwell with the back pain.
    FeverOrChills,
    /// Constant pain at night not eased by changing position.
    NightPain,
}

impl RedFlagSymptom {
    /// A sign of possible cauda equina syndrome: emergency care now.
    pub fn is_emergency(self) -> bool {
        matches!(
            self,
            RedFlagSymptom::SaddleNumbness
                | RedFlagSymptom::BladderChange
                | RedFlagSymptom::BowelControlLoss
                | RedFlagSymptom::LegWeakness
        )
    }

    /// The symptom in plain words, for use inside a sentence.
    pub fn words(self) -> &'static str {
        match self {
            RedFlagSymptom::SaddleNumbness => "numbness or tingling in the saddle area",
            RedFlagSymptom::BladderChange => "a change in bladder control",
            RedFlagSymptom::BowelControlLoss => "loss of bowel control",
            RedFlagSymptom::LegWeakness => "weakness in the legs or trouble walking",
            RedFlagSymptom::FeverOrChills => "fever or chills",
            RedFlagSymptom::NightPain => "constant pain at night",
        }
    }

    /// What the runner is told to do.
    pub fn advice(self) -> &'static str {
        if self.is_emergency() {
            "Go to an emergency department now: with back pain this can be a sign of pressure on \
             the nerves at the base of the spine."
        } else {
            "Stop the programme and see a doctor or your clinician before going on."
        }
    }
}

/// Sets done in one session: one number for an exercise done on both sides at once, or a
/// number for each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SetsDone {
    Both(u8),
    PerSide(PerSide<u8>),
}

impl SetsDone {
    /// Whether any set was done at all (a log with no sets records pain, not a session done).
    pub fn any(self) -> bool {
        match self {
            SetsDone::Both(n) => n > 0,
            SetsDone::PerSide(s) => s.left > 0 || s.right > 0,
        }
    }
}

/// Sets as typed: one number, or one for each side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawSets {
    Both(f64),
    PerSide(PerSide<f64>),
}

/// One exercise session of a programme item, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionLog {
    pub date: Date,
    /// The programme item's key.
    pub item_key: String,
    pub sets_done: SetsDone,
    #[serde(deserialize_with = "de_pain")]
    pub pain_during: PainScore,
    /// How hard it felt; `None` when not rated (a session logged "as planned" from Today,
    /// where effort sits behind the details).
    #[serde(default)]
    pub effort: Option<Rating>,
    pub note: Option<String>,
    #[serde(default)]
    pub red_flags: Vec<RedFlagSymptom>,
}

/// One run, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunLog {
    pub date: Date,
    pub distance_m: f64,
    pub duration_s: f64,
    #[serde(deserialize_with = "de_pain")]
    pub pain_before: PainScore,
    #[serde(deserialize_with = "de_pain")]
    pub pain_during: PainScore,
    #[serde(deserialize_with = "de_pain")]
    pub pain_after: PainScore,
    pub note: Option<String>,
    #[serde(default)]
    pub red_flags: Vec<RedFlagSymptom>,
}

/// The morning check-in, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MorningCheckIn {
    pub date: Date,
    #[serde(deserialize_with = "de_pain")]
    pub morning_pain: PainScore,
    pub stiffness: Rating,
    /// Did yesterday's run settle by this morning? `None` when there was no run or no answer.
    pub settled_after_yesterday: Option<bool>,
    #[serde(default)]
    pub red_flags: Vec<RedFlagSymptom>,
}

/// A session as typed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSessionLog {
    pub date: Date,
    pub item_key: String,
    pub sets_done: RawSets,
    pub pain_during: f64,
    /// Optional: a session can be logged without rating its effort.
    #[serde(default)]
    pub effort: Option<f64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub red_flags: Vec<RedFlagSymptom>,
}

/// A run as typed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRunLog {
    pub date: Date,
    pub distance_m: f64,
    pub duration_s: f64,
    pub pain_before: f64,
    pub pain_during: f64,
    pub pain_after: f64,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub red_flags: Vec<RedFlagSymptom>,
}

/// A morning check-in as typed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMorningCheckIn {
    pub date: Date,
    pub morning_pain: f64,
    pub stiffness: f64,
    #[serde(default)]
    pub settled_after_yesterday: Option<bool>,
    #[serde(default)]
    pub red_flags: Vec<RedFlagSymptom>,
}

/// One field of a log that was refused, and why.
pub type LogError = crate::fields::FieldError;
/// Every field of a log that was refused.
pub type LogErrors = crate::fields::FieldErrors;

/// The window a log's date must fall in: today or up to [`BACKFILL_DAYS`] days back (the
/// page that shows a day and every log use it).
pub fn check_log_date(date: Date, today: Date) -> Result<Date, String> {
    let back = days_between(date, today);
    if back < 0 {
        Err("This date is in the future: log a day once it has happened.".to_owned())
    } else if back > BACKFILL_DAYS {
        Err(format!(
            "Missed days can be filled in up to {BACKFILL_DAYS} days back; this one is {back} \
             days ago."
        ))
    } else {
        Ok(date)
    }
}

/// Collects refusals while a log is checked.
#[derive(Default)]
struct Check(Vec<LogError>);

impl Check {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(LogError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    fn date(&mut self, date: Date, today: Date) {
        if let Err(message) = check_log_date(date, today) {
            self.fail("date", message);
        }
    }

    fn pain(&mut self, field: &str, value: f64) -> Option<PainScore> {
        PainScore::try_from(value)
            .map_err(|m| self.fail(field, m))
            .ok()
    }

    fn rating(&mut self, field: &str, value: f64) -> Option<Rating> {
        Rating::try_from(value)
            .map_err(|m| self.fail(field, m))
            .ok()
    }

    fn sets(&mut self, field: &str, value: f64) -> Option<u8> {
        if value.is_finite() && value.fract() == 0.0 && (0.0..=f64::from(MAX_SETS)).contains(&value)
        {
            Some(value as u8)
        } else {
            self.fail(
                field,
                format!("Count whole sets done: from 0 to {MAX_SETS}."),
            );
            None
        }
    }

    fn note(&mut self, note: Option<String>) -> Option<String> {
        let note = note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())?;
        if note.chars().count() > MAX_NOTE_CHARS {
            self.fail(
                "note",
                format!("Keep the note to {MAX_NOTE_CHARS} characters."),
            );
        }
        Some(note)
    }

    fn positive(&mut self, field: &str, value: f64, max: f64, what: &str) -> Option<f64> {
        if value.is_finite() && value > 0.0 && value <= max {
            Some(value)
        } else {
            self.fail(field, what);
            None
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, LogErrors> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(crate::fields::FieldErrors(self.0)),
        }
    }
}

fn dedup(mut flags: Vec<RedFlagSymptom>) -> Vec<RedFlagSymptom> {
    flags.sort();
    flags.dedup();
    flags
}

impl RawSessionLog {
    /// Checks the session against `today` and the runner's programme.
    pub fn validate(self, programme: &Programme, today: Date) -> Result<SessionLog, LogErrors> {
        let mut c = Check::default();
        c.date(self.date, today);
        let key = self.item_key.trim().to_owned();
        let item = programme.items.iter().find(|i| i.key == key);
        if item.is_none() {
            c.fail(
                "item_key",
                format!("“{key}” is not in your programme: pick an exercise from today's list."),
            );
        }
        let sets = match (item.map(|i| i.sidedness), self.sets_done) {
            (Some(Sidedness::Bilateral), RawSets::PerSide(_)) => {
                c.fail(
                    "sets_done",
                    "This exercise works both sides at once: give one number of sets.",
                );
                None
            }
            (_, RawSets::Both(n)) => c.sets("sets_done", n).map(|n| match item {
                Some(i) if i.sidedness == Sidedness::PerSide => {
                    SetsDone::PerSide(PerSide { left: n, right: n })
                }
                _ => SetsDone::Both(n),
            }),
            (_, RawSets::PerSide(s)) => {
                let left = c.sets("sets_done.left", s.left);
                let right = c.sets("sets_done.right", s.right);
                left.zip(right)
                    .map(|(left, right)| SetsDone::PerSide(PerSide { left, right }))
            }
        };
        let pain_during = c.pain("pain_during", self.pain_during);
        let effort = match self.effort {
            Some(e) => c.rating("effort", e).map(Some),
            None => Some(None),
        };
        let note = c.note(self.note);
        let log = (|| {
            Some(SessionLog {
                date: self.date,
                item_key: key,
                sets_done: sets?,
                pain_during: pain_during?,
                effort: effort?,
                note,
                red_flags: dedup(self.red_flags),
            })
        })();
        c.finish(log)
    }
}

impl RawRunLog {
    /// Checks the run against `today`.
    pub fn validate(self, today: Date) -> Result<RunLog, LogErrors> {
        let mut c = Check::default();
        c.date(self.date, today);
        let distance_m = c.positive(
            "distance_m",
            self.distance_m,
            MAX_RUN_METRES,
            "Give the distance run in metres: more than 0 and at most 300 km.",
        );
        let duration_s = c.positive(
            "duration_s",
            self.duration_s,
            MAX_RUN_SECONDS,
            "Give how long the run took in seconds: more than 0 and at most two days.",
        );
        let pain_before = c.pain("pain_before", self.pain_before);
        let pain_during = c.pain("pain_during", self.pain_during);
        let pain_after = c.pain("pain_after", self.pain_after);
        let note = c.note(self.note);
        let log = (|| {
            Some(RunLog {
                date: self.date,
                distance_m: distance_m?,
                duration_s: duration_s?,
                pain_before: pain_before?,
                pain_during: pain_during?,
                pain_after: pain_after?,
                note,
                red_flags: dedup(self.red_flags),
            })
        })();
        c.finish(log)
    }
}

impl RawMorningCheckIn {
    /// Checks the check-in against `today`.
    pub fn validate(self, today: Date) -> Result<MorningCheckIn, LogErrors> {
        let mut c = Check::default();
        c.date(self.date, today);
        let morning_pain = c.pain("morning_pain", self.morning_pain);
        let stiffness = c.rating("stiffness", self.stiffness);
        let log = (|| {
            Some(MorningCheckIn {
                date: self.date,
                morning_pain: morning_pain?,
                stiffness: stiffness?,
                settled_after_yesterday: self.settled_after_yesterday,
                red_flags: dedup(self.red_flags),
            })
        })();
        c.finish(log)
    }
}

/// Everything a runner has logged (in any order; a log counts for its own date).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrackingLogs {
    #[serde(default)]
    pub sessions: Vec<SessionLog>,
    #[serde(default)]
    pub runs: Vec<RunLog>,
    #[serde(default)]
    pub mornings: Vec<MorningCheckIn>,
}

impl TrackingLogs {
    /// Every red-flag symptom reported on a date from `first` to `last`, by date.
    pub fn red_flags_between(&self, first: Date, last: Date) -> Vec<(Date, RedFlagSymptom)> {
        let sessions = self.sessions.iter().map(|l| (l.date, &l.red_flags));
        let runs = self.runs.iter().map(|l| (l.date, &l.red_flags));
        let mornings = self.mornings.iter().map(|l| (l.date, &l.red_flags));
        let mut found: Vec<(Date, RedFlagSymptom)> = sessions
            .chain(runs)
            .chain(mornings)
            .filter(|(d, _)| (first..=last).contains(d))
            .flat_map(|(d, flags)| flags.iter().map(move |f| (d, *f)))
            .collect();
        found.sort();
        found.dedup();
        found
    }

    /// The date of the most recent log of any kind on or before `today`.
    pub fn last_logged(&self, today: Date) -> Option<Date> {
        let sessions = self.sessions.iter().map(|l| l.date);
        let runs = self.runs.iter().map(|l| l.date);
        let mornings = self.mornings.iter().map(|l| l.date);
        sessions
            .chain(runs)
            .chain(mornings)
            .filter(|d| *d <= today)
            .max()
    }
}

/// The first date a log dated `today` may back-fill.
pub fn earliest_backfill(today: Date) -> Option<Date> {
    days_before(today, BACKFILL_DAYS)
}
