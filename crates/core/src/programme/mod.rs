//! The programme generator: scored findings in, a dosed 1–2 week home programme out.
//!
//! [`generate`] suggests; the clinician reviews and changes it with [`ProgrammeEdit`]s. The same
//! inputs always give the same programme: findings are put in a fixed order before anything is
//! chosen, and no map's iteration order reaches the output.
//!
//! # Rules (CLINICAL.md §1, §7, §8; “our choice” where the literature gives no rule)
//!
//! 1. **No programme while blocked.** A red-flag-blocked assessment gives
//!    [`ProgrammeError::Blocked`] with the assessment's reasons.
//! 2. **Exercises from findings.** Each finding that needs attention or is a priority points to
//!    a ladder ([`select::FINDING_LADDERS`], our choice). A ladder's urgency is that of its most
//!    urgent finding. Order (our choice): 90/90 breathing for a runner who has given birth (the
//!    pelvic floor comes first, Goom et al. 2019), then priority ladders, then needs-attention
//!    ladders, then maintenance; within each, the clinic's six core exercises before supporting
//!    ones, then library order. A reason quotes the most urgent finding of each test, the
//!    ladder's own area first.
//! 3. **Maintenance.** A tested area with nothing to work on gets its core exercise at the core
//!    level, 2 days a week for strength (our choice); it is the first to go when time is short.
//!    A tested area that was fine gets no more than that: no starting-point padding.
//!
//!    **Starting point for untested areas** (our choice). An area whose tests were all skipped
//!    (not tested — not found fine) gets the clinic's six core exercises of that area
//!    ([`select::STARTING_POINT`]) at the level each ladder is named after, strength 2 days a
//!    week (the low end of ACSM's 2–3), with the usual pain and after-birth step-downs. Each
//!    item says it is a starting point, not personalised, and why it is there; the programme
//!    offers to test later. Posture and running form has no core exercise, so it only gets the
//!    note that it was not tested. Skipping every test therefore gives six exercises, never an
//!    empty programme.
//! 4. **Level** (our choice): a priority starts one rung below the ladder's named exercise, a
//!    needs-attention finding at it. A position that could not be reached without pain starts
//!    at level 1; a hip circle that pinched starts one rung lower. A pain score of 7/10 or more
//!    today moves every exercise one rung easier. After giving birth, rungs that press hard on the
//!    tummy wall step down until the clinician moves the runner up.
//! 5. **Dose.** The library's dose for that rung (CLINICAL.md §8). One extra set on the weaker
//!    side when a side-to-side comparison behind the exercise is under the symmetric cut-off
//!    (90% by default; our choice).
//! 6. **Frequency.** Stretches and mobility on most days (6 a week; Bandy 1997 asks for 5 or
//!    more); strength 2–3 days a week on days that are not back to back, on non-run days where
//!    that spreads the load (a run day counts as 4 minutes already done; our choice), otherwise
//!    after an easy run.
//! 7. **Time cap.** No day over the cap (20 minutes by default): while a day is over, the
//!    lowest-priority exercise on such a day is left out and listed with the reason.
//! 8. **Running form.** Cues from CLINICAL.md §1 for each posture and form finding, and a
//!    cadence target of +5%, later +10% (Heiderscheit 2011) when cadence was measured low.
//! 9. **Running held back.** While the assessment does not clear running (under 12 weeks after
//!    birth, a pelvic-floor symptom, readiness not done or not passed; CLINICAL.md §5), the
//!    programme keeps the reasons, its calendar has no run days, and tracking makes no running
//!    decisions.

pub mod calendar;
pub mod coaching;
pub mod edit;
pub mod form;
pub mod select;
#[cfg(test)]
mod tests;

use crate::assessment::{AssessmentResult, Side, Thresholds};
use crate::library::{
    self, Dosage, DosageError, ExerciseId, LIBRARY_VERSION, Level, LibraryError, Sidedness,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub use calendar::{CalendarDay, DayOfWeek};
pub use edit::{ProgrammeEdit, apply};
pub use form::{CadenceTarget, FormCue, cue_for};
pub use select::finding_ladders;

/// Shortest calendar the generator makes, in days.
pub const MIN_CALENDAR_DAYS: i64 = 7;
/// Longest calendar the generator makes, in days (four weeks; our choice).
pub const MAX_CALENDAR_DAYS: i64 = 28;
/// Calendar length when none is chosen: two weeks, the usual time to the re-test.
pub const DEFAULT_CALENDAR_DAYS: u8 = 14;
/// Daily time cap when none is chosen, in minutes.
pub const DEFAULT_MINUTES_CAP: u16 = 20;
/// Smallest and largest daily cap accepted, in minutes (our choice).
pub const MINUTES_CAP_RANGE: (i64, i64) = (5, 120);
/// Cadence from a watch must be in this range, steps per minute (as the assessment accepts).
pub const CADENCE_RANGE: (f64, f64) = (100.0, 250.0);

/// Why no programme could be made or changed, in words a person can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProgrammeError {
    #[error("No programme yet: {}", reasons.join(" "))]
    Blocked { reasons: Vec<String> },
    #[error(
        "A programme calendar runs from {MIN_CALENDAR_DAYS} to {MAX_CALENDAR_DAYS} days (usually 7 or 14); {0} days is outside that."
    )]
    CalendarLength(i64),
    #[error(
        "The daily time limit must be from {min} to {max} minutes; {0} is outside that.",
        min = MINUTES_CAP_RANGE.0,
        max = MINUTES_CAP_RANGE.1
    )]
    MinutesCap(i64),
    #[error(
        "Cadence must be from {min} to {max} steps per minute; {0} is outside that.",
        min = CADENCE_RANGE.0,
        max = CADENCE_RANGE.1
    )]
    Cadence(f64),
    #[error("The start date is too far in the future to plan a calendar from.")]
    StartDate,
    /// A start date outside [`crate::dates::PROGRAMME_START`], with the window in words.
    #[error("{0}")]
    StartDateOutside(String),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error(transparent)]
    Dosage(#[from] DosageError),
    #[error("There is no “{0}” in this programme.")]
    UnknownItem(String),
    #[error("{0} is already in the programme; change that one instead.")]
    AlreadyInProgramme(String),
    #[error("“{0}” is a clinician's own exercise and has no ladder; change its dosage instead.")]
    NotOnALadder(String),
    #[error("Give the exercise a title.")]
    MissingTitle,
}

/// How many days the calendar covers: 7 to 28 (our choice; the screens offer 7 or 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct CalendarLength(u8);

impl CalendarLength {
    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for CalendarLength {
    fn default() -> Self {
        CalendarLength(DEFAULT_CALENDAR_DAYS)
    }
}

impl TryFrom<i64> for CalendarLength {
    type Error = ProgrammeError;
    fn try_from(days: i64) -> Result<Self, Self::Error> {
        if (MIN_CALENDAR_DAYS..=MAX_CALENDAR_DAYS).contains(&days) {
            Ok(CalendarLength(days as u8))
        } else {
            Err(ProgrammeError::CalendarLength(days))
        }
    }
}

impl From<CalendarLength> for u8 {
    fn from(c: CalendarLength) -> Self {
        c.0
    }
}

/// The most minutes of exercise planned on any one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u16")]
pub struct MinutesCap(u16);

impl MinutesCap {
    pub fn get(self) -> u16 {
        self.0
    }
    fn seconds(self) -> u32 {
        u32::from(self.0) * 60
    }
}

impl Default for MinutesCap {
    fn default() -> Self {
        MinutesCap(DEFAULT_MINUTES_CAP)
    }
}

impl TryFrom<i64> for MinutesCap {
    type Error = ProgrammeError;
    fn try_from(minutes: i64) -> Result<Self, Self::Error> {
        if (MINUTES_CAP_RANGE.0..=MINUTES_CAP_RANGE.1).contains(&minutes) {
            Ok(MinutesCap(minutes as u16))
        } else {
            Err(ProgrammeError::MinutesCap(minutes))
        }
    }
}

impl From<MinutesCap> for u16 {
    fn from(c: MinutesCap) -> Self {
        c.0
    }
}

/// A cadence measured outside the assessment (from the runner's watch), steps per minute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct MeasuredCadence(f64);

impl MeasuredCadence {
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for MeasuredCadence {
    type Error = ProgrammeError;
    fn try_from(spm: f64) -> Result<Self, Self::Error> {
        if spm.is_finite() && (CADENCE_RANGE.0..=CADENCE_RANGE.1).contains(&spm) {
            Ok(MeasuredCadence(spm))
        } else {
            Err(ProgrammeError::Cadence(spm))
        }
    }
}

impl From<MeasuredCadence> for f64 {
    fn from(c: MeasuredCadence) -> Self {
        c.0
    }
}

/// The calendar's frame: when it starts, how long it runs, the runner's run days and the cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeSettings {
    pub start_date: Date,
    pub days: CalendarLength,
    /// The runner's usual run days, from their profile.
    pub run_days: BTreeSet<DayOfWeek>,
    pub minutes_cap: MinutesCap,
}

/// What the generator needs besides the findings.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeRequest {
    pub settings: ProgrammeSettings,
    /// Cadence from the runner's watch; when given it is used instead of the assessment's.
    pub measured_cadence: Option<MeasuredCadence>,
    /// The clinic's cut-offs (the same ones the assessment was scored with): the symmetric LSI
    /// for the extra set, and the low-cadence cut-off and steps for a watch cadence.
    pub thresholds: Thresholds,
}

impl ProgrammeRequest {
    /// A 14-day calendar from `start_date`, no run days, the 20-minute cap, default thresholds.
    pub fn new(start_date: Date) -> ProgrammeRequest {
        ProgrammeRequest {
            settings: ProgrammeSettings {
                start_date,
                days: CalendarLength::default(),
                run_days: BTreeSet::new(),
                minutes_cap: MinutesCap::default(),
            },
            measured_cadence: None,
            thresholds: Thresholds::default(),
        }
    }

    /// The same request with these run days.
    pub fn run_days(mut self, days: impl IntoIterator<Item = DayOfWeek>) -> Self {
        self.settings.run_days = days.into_iter().collect();
        self
    }
}

/// A request as typed in (a form or JSON), checked by [`RawProgrammeRequest::validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProgrammeRequest {
    pub start_date: Date,
    /// Calendar days; 14 when left out.
    #[serde(default)]
    pub days: Option<i64>,
    #[serde(default)]
    pub run_days: Vec<DayOfWeek>,
    /// Daily cap in minutes; 20 when left out.
    #[serde(default)]
    pub minutes_cap: Option<i64>,
    #[serde(default)]
    pub measured_cadence: Option<f64>,
}

impl RawProgrammeRequest {
    /// Checks the request on `today` (the person's own): the start date within
    /// [`crate::dates::PROGRAMME_START`], the calendar's length, the cap and any cadence.
    pub fn validate(self, today: Date) -> Result<ProgrammeRequest, ProgrammeError> {
        let start = crate::dates::PROGRAMME_START
            .check(self.start_date, today)
            .map_err(ProgrammeError::StartDateOutside)?;
        let mut request = ProgrammeRequest::new(start).run_days(self.run_days);
        if let Some(days) = self.days {
            request.settings.days = CalendarLength::try_from(days)?;
        }
        if let Some(cap) = self.minutes_cap {
            request.settings.minutes_cap = MinutesCap::try_from(cap)?;
        }
        request.measured_cadence = self
            .measured_cadence
            .map(MeasuredCadence::try_from)
            .transpose()?;
        Ok(request)
    }
}

/// Where an item sits in the order of importance, most important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemPriority {
    /// 90/90 breathing for a runner who has given birth: the base the rest builds on.
    PelvicFloor,
    /// From a priority finding.
    Priority,
    /// From a finding that needs attention.
    NeedsAttention,
    /// A starting point for an area whose tests were not done: one of the clinic's six core
    /// exercises, not chosen from the runner's results (see [`select::STARTING_POINT`]).
    StartingPoint,
    /// Keeps a fine area fine.
    Maintenance,
    /// Added by the clinician.
    Clinician,
}

/// How the days for an exercise are spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayPattern {
    /// Most days of the week (stretches, mobility, breathing).
    MostDays,
    /// Never two days in a row (strength: the muscle recovers in between).
    NonConsecutive,
}

/// How often an exercise is done, in numbers and words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frequency {
    pub days_per_week: u8,
    pub pattern: DayPattern,
    pub text: String,
}

impl Frequency {
    /// The frequency a dose asks for: 5 or more days a week is “most days”, fewer is strength.
    pub fn of(dosage: &Dosage) -> Frequency {
        let days = dosage.days_per_week();
        let when = library::dosage::days_a_week(days);
        if days >= 5 {
            Frequency {
                days_per_week: days,
                pattern: DayPattern::MostDays,
                text: format!(
                    "{}: stretches and mobility work best little and often, on at least 5 days \
                     a week.",
                    library_capitalise(&when)
                ),
            }
        } else {
            Frequency {
                days_per_week: days,
                pattern: DayPattern::NonConsecutive,
                text: format!(
                    "{}, never two days in a row so the muscles recover; on non-run days where \
                     possible, otherwise after an easy run.",
                    library_capitalise(&when)
                ),
            }
        }
    }
}

fn library_capitalise(text: &str) -> String {
    crate::assessment::explain::capitalise(text)
}

/// What an item is: a library exercise at a level, or the clinician's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlannedExercise {
    Library {
        exercise_id: ExerciseId,
        level: Level,
    },
    Custom {
        title: String,
        text: String,
    },
}

/// One exercise in the programme, with its dose, frequency and the reason for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeItem {
    /// The item's key in this programme: the exercise id, or `custom_1`, `custom_2`… for the
    /// clinician's own. Calendar days list these keys.
    pub key: String,
    pub exercise: PlannedExercise,
    pub name: String,
    pub sidedness: Sidedness,
    pub dosage: Dosage,
    /// The weaker side, which gets one extra set.
    pub extra_set_side: Option<Side>,
    pub frequency: Frequency,
    pub priority: ItemPriority,
    /// Why it is here, in plain words with the measured numbers. Say it to a person with
    /// [`ProgrammeItem::why`], which adds the level actually planned.
    pub reason: String,
    /// Why this level, without the "Level n of m" that [`ProgrammeItem::why`] works out from the
    /// level actually planned, so a level moved after a review is never described as the old
    /// one. `None` in a programme stored before the two were kept apart: its `reason` says the
    /// level it was built at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_reason: Option<String>,
    /// What to watch for: pain always, and after giving birth where it applies.
    pub cautions: Vec<String>,
    /// Estimated seconds for one day's session, extra set included.
    pub session_seconds: u32,
    pub changed_by_clinician: bool,
}

impl ProgrammeItem {
    /// The library exercise, unless this is the clinician's own.
    pub fn exercise_id(&self) -> Option<ExerciseId> {
        match self.exercise {
            PlannedExercise::Library { exercise_id, .. } => Some(exercise_id),
            PlannedExercise::Custom { .. } => None,
        }
    }

    /// The level on its ladder, unless this is the clinician's own.
    pub fn level(&self) -> Option<Level> {
        match self.exercise {
            PlannedExercise::Library { level, .. } => Some(level),
            PlannedExercise::Custom { .. } => None,
        }
    }

    /// A library exercise at its rung's default dose; `reason` and `priority` say why.
    fn from_library(
        ex: &'static library::Exercise,
        priority: ItemPriority,
        extra_set_side: Option<Side>,
        reason: String,
        postpartum: bool,
    ) -> ProgrammeItem {
        let mut item = ProgrammeItem {
            key: ex.id.as_str().to_owned(),
            exercise: PlannedExercise::Library {
                exercise_id: ex.id,
                level: ex.level,
            },
            name: ex.name.to_owned(),
            sidedness: ex.sidedness,
            dosage: ex.dosage,
            extra_set_side: extra_set_side.filter(|_| ex.sidedness == Sidedness::PerSide),
            frequency: Frequency::of(&ex.dosage),
            priority,
            reason,
            level_reason: Some(String::new()),
            cautions: cautions_for(ex, postpartum),
            session_seconds: 0,
            changed_by_clinician: false,
        };
        item.refresh();
        item
    }

    /// Why it is here and at this level, as said to a person: the reason, then "Level n of m"
    /// for the level planned now, with why that level.
    pub fn why(&self) -> String {
        let (Some(level_reason), PlannedExercise::Library { exercise_id, level }) =
            (&self.level_reason, &self.exercise)
        else {
            return self.reason.clone();
        };
        let highest = library::ladder_of(exercise_id.exercise()).highest().get();
        if highest <= 1 {
            return self.reason.clone();
        }
        let level_text = format!("Level {} of {highest}", level.get());
        if level_reason.is_empty() {
            format!("{} {level_text}.", self.reason)
        } else {
            format!("{} {level_text}: {level_reason}.", self.reason)
        }
    }

    /// Recomputes what follows from the dose: frequency and session time.
    fn refresh(&mut self) {
        let rep_seconds = match self.exercise {
            PlannedExercise::Library { exercise_id, .. } => exercise_id.exercise().rep_seconds,
            PlannedExercise::Custom { .. } => library::dosage::SECONDS_PER_REP,
        };
        self.frequency = Frequency::of(&self.dosage);
        self.session_seconds =
            self.dosage
                .session_seconds(self.sidedness, self.extra_set_side.is_some(), rep_seconds);
    }
}

fn cautions_for(ex: &library::Exercise, postpartum: bool) -> Vec<String> {
    let mut cautions = vec![ex.cautions.pain.to_owned()];
    if postpartum && let Some(text) = ex.cautions.postpartum {
        cautions.push(text.to_owned());
    }
    cautions
}

/// An exercise the generator chose but left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeftOut {
    pub exercise_id: ExerciseId,
    pub level: Level,
    pub name: String,
    pub reason: String,
}

/// A suggested home programme for the clinician to review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Programme {
    pub library_version: String,
    /// The protocol version the findings were scored with.
    pub protocol_version: String,
    pub settings: ProgrammeSettings,
    /// The runner has given birth (the assessment has a postpartum section).
    pub postpartum: bool,
    /// Most important first.
    pub items: Vec<ProgrammeItem>,
    /// Chosen but left out to stay within the daily cap, most important first.
    pub left_out: Vec<LeftOut>,
    pub calendar: Vec<CalendarDay>,
    pub form_cues: Vec<FormCue>,
    pub cadence_target: Option<CadenceTarget>,
    /// Anything else the runner or clinician should know about this programme.
    pub notes: Vec<String>,
    /// Why running is not cleared yet (the assessment's reasons); empty when it is. While it is
    /// not, the calendar has no run days and reviews make no running decisions.
    #[serde(default)]
    pub running_blocked_because: Vec<String>,
}

impl Programme {
    /// The calendar day planned for `date`: the calendar repeats after its last day until a new
    /// programme replaces it (our choice); `None` before the start.
    pub fn day_on(&self, date: Date) -> Option<&CalendarDay> {
        let offset = i64::from((date - self.settings.start_date).get_days());
        let len = i64::try_from(self.calendar.len()).ok().filter(|l| *l > 0)?;
        if offset < 0 {
            return None;
        }
        self.calendar.get(usize::try_from(offset % len).ok()?)
    }

    /// The programme item with this key.
    pub fn item(&self, key: &str) -> Option<&ProgrammeItem> {
        self.items.iter().find(|i| i.key == key)
    }

    /// Whether running may be built up on this programme.
    pub fn running_allowed(&self) -> bool {
        self.running_blocked_because.is_empty()
    }

    /// Holds running back for `reasons` (nothing changes when there are none): no day of the
    /// calendar is a run day any more. For a programme stored before it recorded why running
    /// waits, the caller passes the reasons of the assessment behind it.
    pub fn block_running(&mut self, reasons: &[String]) {
        if reasons.is_empty() {
            return;
        }
        self.running_blocked_because = reasons.to_vec();
        for day in &mut self.calendar {
            day.is_run_day = false;
            if day.note.as_deref() == Some(calendar::AFTER_EASY_RUN) {
                day.note = None;
            }
        }
    }
}

/// Makes a programme from scored findings. Deterministic; refuses a blocked assessment.
pub fn generate(
    result: &AssessmentResult,
    request: &ProgrammeRequest,
) -> Result<Programme, ProgrammeError> {
    if !result.programme_allowed {
        let mut reasons = result.programme_blocked_because.clone();
        if reasons.is_empty() {
            reasons.push("A clinician must clear the assessment first.".to_owned());
        }
        return Err(ProgrammeError::Blocked { reasons });
    }
    let settings = &request.settings;
    calendar::check_dates(settings)?;

    let plan = select::plan(result, &request.thresholds);
    let (items, dropped, calendar) = fit_to_cap(settings, result.running_allowed, plan.items);
    let cap = settings.minutes_cap;
    let left_out: Vec<LeftOut> = dropped.iter().map(|i| left_out_entry(i, cap)).collect();

    let (form_cues, cadence_target) = form::running_form(result, request);
    let mut notes = plan.notes;
    if !left_out.is_empty() {
        notes.push(format!(
            "To keep every day within {} minutes, {} chosen exercise{} left out; your clinician \
             can swap or add {} back.",
            cap.get(),
            left_out.len(),
            if left_out.len() == 1 {
                " was"
            } else {
                "s were"
            },
            if left_out.len() == 1 { "it" } else { "them" },
        ));
    }
    Ok(Programme {
        library_version: LIBRARY_VERSION.to_owned(),
        protocol_version: result.protocol_version.clone(),
        settings: settings.clone(),
        postpartum: plan.postpartum,
        items,
        left_out,
        calendar,
        form_cues,
        cadence_target,
        notes,
        running_blocked_because: result.running_blocked_because.clone(),
    })
}

/// Keeps every day within the cap: while a day is over, the lowest-priority item on such a day
/// is taken out; then each item taken out is tried again, most important first, and kept if
/// everything still fits (a short exercise can fit once a long one has gone).
fn fit_to_cap(
    settings: &ProgrammeSettings,
    runs_planned: bool,
    ranked: Vec<ProgrammeItem>,
) -> (Vec<ProgrammeItem>, Vec<ProgrammeItem>, Vec<CalendarDay>) {
    let mut kept = vec![true; ranked.len()];
    let chosen = |kept: &[bool]| -> Vec<ProgrammeItem> {
        ranked
            .iter()
            .zip(kept)
            .filter(|(_, k)| **k)
            .map(|(i, _)| i.clone())
            .collect()
    };
    loop {
        let items = chosen(&kept);
        let days = calendar::schedule(settings, runs_planned, &items);
        let victim = ranked.iter().enumerate().rposition(|(i, item)| {
            kept[i]
                && days
                    .iter()
                    .any(|d| d.over_cap && d.exercises.contains(&item.key))
        });
        match victim {
            Some(i) => kept[i] = false,
            None => break,
        }
    }
    for i in 0..ranked.len() {
        if !kept[i] {
            kept[i] = true;
            let days = calendar::schedule(settings, runs_planned, &chosen(&kept));
            kept[i] = !days.iter().any(|d| d.over_cap);
        }
    }
    let items = chosen(&kept);
    let calendar = calendar::schedule(settings, runs_planned, &items);
    let dropped = ranked
        .iter()
        .zip(&kept)
        .filter(|(_, k)| !**k)
        .map(|(i, _)| i.clone())
        .collect();
    (items, dropped, calendar)
}

fn left_out_entry(item: &ProgrammeItem, cap: MinutesCap) -> LeftOut {
    let (exercise_id, level) = match item.exercise {
        PlannedExercise::Library { exercise_id, level } => (exercise_id, level),
        PlannedExercise::Custom { .. } => unreachable!("the generator adds no custom items"),
    };
    LeftOut {
        exercise_id,
        level,
        name: item.name.clone(),
        reason: format!(
            "Left out to keep each day within {} minutes: it takes about {} a session and the \
             exercises kept come first. It was chosen because: {}",
            cap.get(),
            minutes_text(item.session_seconds),
            item.why()
        ),
    }
}

/// “about 4 minutes”: seconds rounded up to whole minutes.
pub(crate) fn minutes_text(seconds: u32) -> String {
    match seconds.div_ceil(60) {
        1 => "1 minute".to_owned(),
        m => format!("{m} minutes"),
    }
}
