//! The pain-monitoring guide as decisions: per programme item progress / hold / regress / stop,
//! and the change in running volume.
//!
//! The model (Thomeé 1997; Silbernagel et al. 2007, AJSM 35:897) was validated in tendon pain,
//! not low back pain: every [`Review`] says so and presents it as a guide. The decision rules are
//! CLINICAL.md §7's, marked there as our choice; their cut-offs are in [`ProgressionThresholds`].
//!
//! # Rules, first match wins (window: the 7 days ending on the day reviewed)
//!
//! 1. **Stop and see a clinician**: any red-flag symptom reported in a log of the window.
//! 2. **Regress** one level (running: cut volume by 30%): pain above 5/10 during a session of
//!    this exercise (running: during or after a run); or morning pain above the runner's usual
//!    (baseline) on 2 mornings; or, at the weekly review, the week's average morning pain at
//!    least 1 point above the week before's (each week needs 3 check-ins to compare).
//! 3. **Hold**: pain 3–5 (cited with whether it settled by the next morning: morning pain no
//!    higher than usual and, for a run, not answered "not settled"); one morning above usual;
//!    less than a full week on the programme; nothing planned; fewer than 80% of the planned
//!    sessions done; no usual morning pain known yet ([`super::baseline`]: without one no
//!    morning counts as above usual, and moving up waits).
//! 4. **Progress** one level (running: add at most 10%): none of the above, every session at
//!    2/10 or less, 80% of planned sessions done and no morning above usual. Only the weekly
//!    review moves up; after a logged day, "on track" is a hold.
//!
//! While the programme holds running back (CLINICAL.md §5: not cleared after giving birth),
//! there is no running decision at all: runs logged then are kept, but no volume is judged.
//!
//! A missed day is not pain: it counts only against the sessions done. Sessions done on an
//! unplanned day count towards those planned (a swapped day is not a missed one; our choice).
//! A log counts for its own date however late it was entered, so back-filled days are judged
//! like any other, and the order of the logs never matters. The calendar repeats after its last
//! day until a new programme replaces it (our choice).

use super::baseline::MorningBaseline;
use super::logs::{RedFlagSymptom, TrackingLogs};
use super::thresholds::ProgressionThresholds;
use super::words::{count, day, day_from, days_before, days_between, join_and, km, next_day, pain};
use crate::assessment::explain::{format_number, round_to};
use crate::library::{self, ExerciseId, Level};
use crate::programme::{CalendarDay, Programme, ProgrammeItem};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Days in a review window, the day reviewed included.
pub const WINDOW_DAYS: i64 = 7;

/// What the runner and clinician are told about the model itself.
pub const GUIDE_NOTE: &str = "These suggestions follow a pain-monitoring model (Thomeé 1997; \
    Silbernagel et al. 2007) that was tested in tendon pain, not back pain: use it as a guide. \
    Your clinician can accept or change any of them.";

/// When the review is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// After a day's logs: can hold, step down or stop, but never moves up.
    AfterDay,
    /// The weekly review: every rule, moving up and the week-to-week trend included.
    Weekly,
}

/// What to do with one exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressionAction {
    Progress,
    Hold,
    Regress,
    StopSeeClinician,
}

/// What to do with running volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunningAction {
    /// Add at most 10% next week.
    Add,
    Hold,
    /// Cut volume by 30%.
    Cut,
    /// Stop running and see a clinician.
    Stop,
}

/// The library exercise a decision moves to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseStep {
    pub exercise_id: ExerciseId,
    pub level: Level,
    pub name: String,
}

/// The decision about one programme item, with its reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressionDecision {
    pub item_key: String,
    pub name: String,
    pub action: ProgressionAction,
    /// The item's level now (none for a clinician's own exercise).
    pub level: Option<Level>,
    /// The exercise one rung up or down, when the action moves and the ladder has that rung.
    pub to: Option<ExerciseStep>,
    pub reason: String,
}

/// The decision about running volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunningDecision {
    pub action: RunningAction,
    /// Metres run in the 7 days reviewed.
    pub last_7_days_m: f64,
    /// Most metres for the next 7 days (whole metres).
    pub next_7_days_max_m: f64,
    pub reason: String,
}

/// A review: a decision per programme item, in programme order, and one for running.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub kind: ReviewKind,
    /// The day reviewed: the window is the 7 days ending on it.
    pub date: Date,
    pub items: Vec<ProgressionDecision>,
    /// None while the programme holds running back: no volume is judged then.
    #[serde(default)]
    pub running: Option<RunningDecision>,
    /// That the model is a guide, and the clinician's part.
    pub note: String,
}

/// The review after the logs of `day` (usually today; an earlier day when one was back-filled).
pub fn after_day(
    programme: &Programme,
    logs: &TrackingLogs,
    baseline: MorningBaseline,
    day: Date,
    t: &ProgressionThresholds,
) -> Review {
    decide(programme, logs, baseline, day, ReviewKind::AfterDay, t)
}

/// The weekly review of the 7 days ending on `today`.
pub fn weekly_review(
    programme: &Programme,
    logs: &TrackingLogs,
    baseline: MorningBaseline,
    today: Date,
    t: &ProgressionThresholds,
) -> Review {
    decide(programme, logs, baseline, today, ReviewKind::Weekly, t)
}

/// Applies the rules to the 7 days ending on `today`. Logs dated after `today` are ignored.
pub fn decide(
    programme: &Programme,
    logs: &TrackingLogs,
    baseline: MorningBaseline,
    today: Date,
    kind: ReviewKind,
    t: &ProgressionThresholds,
) -> Review {
    let ctx = Context::new(programme, logs, baseline, today, kind, t);
    let items = programme
        .items
        .iter()
        .map(|item| item_decision(item, &ctx, &Evidence::for_item(item, logs, &ctx)))
        .collect();
    Review {
        kind,
        date: today,
        items,
        running: programme
            .running_allowed()
            .then(|| running_decision(logs, &ctx)),
        note: GUIDE_NOTE.to_owned(),
    }
}

/// The worst morning of a date.
#[derive(Debug, Clone, Copy, Default)]
struct Morning {
    pain: u8,
    /// "Did yesterday's run settle?" answered no.
    run_not_settled: bool,
}

/// Whether a morning's pain is above the usual; never without a usual morning pain.
fn above_usual(baseline: MorningBaseline, morning: u8) -> bool {
    baseline.is_some_and(|b| morning > b.pain.get())
}

/// Whether a morning's pain shows the day before's pain settled: no more than
/// `settled_within_of_usual` above the usual (with no usual known, only the runner's answer
/// can say it did not).
fn settled_morning(ctx: &Context, morning: u8) -> bool {
    ctx.baseline.is_none_or(|b| {
        f64::from(morning) <= f64::from(b.pain.get()) + ctx.t.settled_within_of_usual.value
    })
}

/// What holds for every item: the window, the mornings and any red flag.
struct Context<'a> {
    programme: &'a Programme,
    t: &'a ProgressionThresholds,
    kind: ReviewKind,
    today: Date,
    first: Date,
    baseline: MorningBaseline,
    mornings: BTreeMap<Date, Morning>,
    red_flags: Vec<(Date, RedFlagSymptom)>,
    /// Mornings of the window above the baseline.
    worse_mornings: Vec<(Date, u8)>,
    /// The week before's and this week's average morning pain, when both have enough check-ins.
    weekly_means: Option<(f64, f64)>,
}

impl<'a> Context<'a> {
    fn new(
        programme: &'a Programme,
        logs: &TrackingLogs,
        baseline: MorningBaseline,
        today: Date,
        kind: ReviewKind,
        t: &'a ProgressionThresholds,
    ) -> Context<'a> {
        let first = days_before(today, WINDOW_DAYS - 1).unwrap_or(today);
        let mut mornings: BTreeMap<Date, Morning> = BTreeMap::new();
        for m in logs.mornings.iter().filter(|m| m.date <= today) {
            let entry = mornings.entry(m.date).or_default();
            entry.pain = entry.pain.max(m.morning_pain.get());
            entry.run_not_settled |= m.settled_after_yesterday == Some(false);
        }
        let worse_mornings = mornings
            .range(first..=today)
            .filter(|(_, m)| above_usual(baseline, m.pain))
            .map(|(d, m)| (*d, m.pain))
            .collect();
        let mean = |from: Date, to: Date| {
            let pains: Vec<f64> = mornings
                .range(from..=to)
                .map(|(_, m)| f64::from(m.pain))
                .collect();
            (pains.len() as f64 >= t.mornings_for_weekly_average.value)
                .then(|| pains.iter().sum::<f64>() / pains.len() as f64)
        };
        let weekly_means = days_before(first, WINDOW_DAYS)
            .zip(days_before(first, 1))
            .and_then(|(from, to)| mean(from, to).zip(mean(first, today)));
        Context {
            programme,
            t,
            kind,
            today,
            first,
            baseline,
            red_flags: logs.red_flags_between(first, today),
            mornings,
            worse_mornings,
            weekly_means,
        }
    }

    /// The calendar day planned for `date`; the calendar repeats after its last day.
    fn calendar_day(&self, date: Date) -> Option<&'a CalendarDay> {
        self.programme.day_on(date)
    }

    /// The window's planned dates for which `planned` holds. Today counts only once done: the
    /// day is not over.
    fn planned(
        &self,
        done: &BTreeSet<Date>,
        planned: impl Fn(&CalendarDay) -> bool,
    ) -> BTreeSet<Date> {
        let mut dates = BTreeSet::new();
        let mut d = self.first;
        while d <= self.today {
            if self.calendar_day(d).is_some_and(&planned) && (d < self.today || done.contains(&d)) {
                dates.insert(d);
            }
            match next_day(d) {
                Some(n) => d = n,
                None => break,
            }
        }
        dates
    }

    /// Whether the programme has run for the whole window.
    fn full_week(&self) -> bool {
        self.programme.settings.start_date <= self.first
    }

    /// "your usual 2/10 (from the assessment)"; only used where a morning was above it.
    fn usual(&self) -> String {
        self.baseline.map_or_else(
            || "a usual morning pain (none recorded yet)".to_owned(),
            |b| b.words(),
        )
    }

    /// "this morning" or "Wednesday morning".
    fn morning_of(&self, date: Date) -> String {
        if date == self.today {
            "this morning".to_owned()
        } else {
            format!("{} morning", day(date))
        }
    }
}

/// The worst pain of one date for one activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Reading {
    pain: u8,
    /// Reported after the activity rather than during it.
    after: bool,
}

/// Whether pain on a day had settled by the next morning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Settled {
    Yes,
    /// The next morning has not come yet.
    Pending,
    /// No check-in on the next morning.
    Unknown,
    /// The next morning was worse than usual (or the run was said not to have settled).
    No(u8),
}

/// One activity's logs in the window: an exercise, or running.
struct Evidence {
    /// "session" or "run".
    noun: &'static str,
    readings: BTreeMap<Date, Reading>,
    done: BTreeSet<Date>,
    planned: BTreeSet<Date>,
    /// A "not settled" answer on the next morning counts (it asks about the run).
    settle_answer_counts: bool,
}

impl Evidence {
    fn for_item(item: &ProgrammeItem, logs: &TrackingLogs, ctx: &Context) -> Evidence {
        let mut readings = BTreeMap::new();
        let mut done = BTreeSet::new();
        for s in logs
            .sessions
            .iter()
            .filter(|s| s.item_key == item.key && (ctx.first..=ctx.today).contains(&s.date))
        {
            record(&mut readings, s.date, s.pain_during.get(), false);
            if s.sets_done.any() {
                done.insert(s.date);
            }
        }
        let planned = ctx.planned(&done, |d| d.exercises.contains(&item.key));
        Evidence {
            noun: "session",
            readings,
            done,
            planned,
            settle_answer_counts: false,
        }
    }

    fn for_running(logs: &TrackingLogs, ctx: &Context) -> Evidence {
        let mut readings = BTreeMap::new();
        let mut done = BTreeSet::new();
        for r in logs
            .runs
            .iter()
            .filter(|r| (ctx.first..=ctx.today).contains(&r.date))
        {
            record(&mut readings, r.date, r.pain_during.get(), false);
            record(&mut readings, r.date, r.pain_after.get(), true);
            done.insert(r.date);
        }
        let planned = ctx.planned(&done, |d| d.is_run_day);
        Evidence {
            noun: "run",
            readings,
            done,
            planned,
            settle_answer_counts: true,
        }
    }

    /// "pain 4/10 on Tuesday" for a session; "pain 4/10 after the run on Tuesday" for a run.
    fn pain_on(&self, date: Date, r: Reading, today: Date) -> String {
        let when = match (self.noun, r.after) {
            ("session", false) => String::new(),
            (noun, after) => format!(" {} the {noun}", if after { "after" } else { "during" }),
        };
        format!("pain {}{when} {}", pain(r.pain), day_from(date, today))
    }

    fn settled(&self, date: Date, ctx: &Context) -> Settled {
        let Some(next) = next_day(date).filter(|n| *n <= ctx.today) else {
            return Settled::Pending;
        };
        match ctx.mornings.get(&next) {
            None => Settled::Unknown,
            Some(m)
                if !settled_morning(ctx, m.pain)
                    || (self.settle_answer_counts && m.run_not_settled) =>
            {
                Settled::No(m.pain)
            }
            Some(_) => Settled::Yes,
        }
    }

    /// Sessions done, counted up to the number planned.
    fn done_of_planned(&self) -> (usize, usize) {
        let planned = self.planned.len();
        (self.done.len().min(planned), planned)
    }
}

fn record(readings: &mut BTreeMap<Date, Reading>, date: Date, pain: u8, after: bool) {
    let reading = Reading { pain, after };
    let entry = readings.entry(date).or_insert(reading);
    *entry = (*entry).max(reading);
}

/// The rule that applied, with its cause in words (lower case, no full stop).
enum Verdict {
    Stop { cause: String, advice: &'static str },
    Regress(String),
    Hold(String),
    Progress(String),
}

/// Applies the rules, first match wins.
fn judge(ev: &Evidence, ctx: &Context) -> Verdict {
    let t = ctx.t;
    if let Some(stop) = red_flag_verdict(ctx) {
        return stop;
    }
    let too_much = ev
        .readings
        .iter()
        .filter(|(_, r)| f64::from(r.pain) > t.pain_acceptable_max.value)
        .max_by_key(|(d, r)| (r.pain, std::cmp::Reverse(**d)));
    if let Some((date, r)) = too_much {
        return Verdict::Regress(format!(
            "{} is more than the {} that is acceptable",
            ev.pain_on(*date, *r, ctx.today),
            super::words::pain_f(t.pain_acceptable_max.value)
        ));
    }
    let worse = &ctx.worse_mornings;
    if worse.len() as f64 >= t.mornings_above_baseline_to_regress.value {
        let days: Vec<String> = worse
            .iter()
            .map(|(d, p)| format!("{} ({})", day(*d), pain(*p)))
            .collect();
        return Verdict::Regress(format!(
            "morning pain was above {} on {} in the last 7 days: {}",
            ctx.usual(),
            count(worse.len(), "morning"),
            join_and(&days)
        ));
    }
    if ctx.kind == ReviewKind::Weekly
        && let Some((before, now)) = ctx.weekly_means
        && round_to(now - before, 2) >= t.weekly_morning_rise.value
    {
        return Verdict::Regress(format!(
            "average morning pain rose from {}/10 the week before to {}/10 this week",
            format_number(before, 1),
            format_number(now, 1)
        ));
    }
    if let Some(hold) = acceptable_pain(ev, ctx) {
        return Verdict::Hold(hold);
    }
    if let [(date, p)] = worse.as_slice() {
        return Verdict::Hold(format!(
            "morning pain was {} {}, above {}; a second morning like that within 7 days means \
             stepping down",
            pain(*p),
            day_from(*date, ctx.today),
            ctx.usual()
        ));
    }
    if !ctx.full_week() {
        let days = days_between(ctx.programme.settings.start_date, ctx.today) + 1;
        return Verdict::Hold(format!(
            "the programme has run for {} so far; moving up needs a full 7 days",
            count(usize::try_from(days.max(0)).unwrap_or(0), "day")
        ));
    }
    let (done, planned) = ev.done_of_planned();
    if planned == 0 {
        return Verdict::Hold(format!(
            "no {} was planned in the last 7 days, so there is nothing to judge yet",
            ev.noun
        ));
    }
    let percent = done as f64 * 100.0 / planned as f64;
    let adherence = format!(
        "{done} of {} done ({}%)",
        count(planned, &format!("planned {}", ev.noun)),
        format_number(percent, 0)
    );
    if round_to(percent, 2) < t.adherence_min_percent.value {
        return Verdict::Hold(format!(
            "{adherence} in the last 7 days; moving up needs {}%. A missed day is not counted as \
             pain",
            format_number(t.adherence_min_percent.value, 0)
        ));
    }
    if ctx.baseline.is_none() {
        return Verdict::Hold(format!(
            "no usual morning pain is known yet (the assessment did not record one, and the \
             first week has fewer than {} check-ins); moving up waits until mornings can be \
             compared with it",
            format_number(t.mornings_for_weekly_average.value, 0)
        ));
    }
    let highest = ev.readings.values().map(|r| r.pain).max().unwrap_or(0);
    let all_good = format!(
        "every {} in the last 7 days was at {} or less (highest {}), {adherence}, and no morning \
         was worse than {}",
        ev.noun,
        super::words::pain_f(t.pain_safe_max.value),
        pain(highest),
        ctx.usual()
    );
    match ctx.kind {
        ReviewKind::AfterDay => Verdict::Hold(format!(
            "on track: {all_good}; moving up is decided at the weekly review"
        )),
        ReviewKind::Weekly => Verdict::Progress(all_good),
    }
}

fn red_flag_verdict(ctx: &Context) -> Option<Verdict> {
    if ctx.red_flags.is_empty() {
        return None;
    }
    let reported: Vec<String> = ctx
        .red_flags
        .iter()
        .map(|(d, f)| format!("{} {}", f.words(), day_from(*d, ctx.today)))
        .collect();
    let emergency = ctx.red_flags.iter().find(|(_, f)| f.is_emergency());
    let advice = emergency.map_or(RedFlagSymptom::NightPain.advice(), |(_, f)| f.advice());
    Some(Verdict::Stop {
        cause: format!("you reported {}", join_and(&reported)),
        advice,
    })
}

/// Hold for pain above safe but acceptable, citing the day that settled worst, then the latest.
fn acceptable_pain(ev: &Evidence, ctx: &Context) -> Option<String> {
    let safe = ctx.t.pain_safe_max.value;
    let (date, r, settled) = ev
        .readings
        .iter()
        .filter(|(_, r)| f64::from(r.pain) > safe)
        .map(|(d, r)| (*d, *r, ev.settled(*d, ctx)))
        .max_by_key(|(d, _, s)| (*s, *d))?;
    let pain_on = ev.pain_on(date, r, ctx.today);
    let next = next_day(date).unwrap_or(date);
    Some(match settled {
        Settled::Yes => format!("{pain_on} settled by {}", ctx.morning_of(next)),
        Settled::Pending => format!("{pain_on}; check that it has settled by tomorrow morning"),
        Settled::Unknown => format!(
            "{pain_on}, and there is no check-in {} to show it settled",
            ctx.morning_of(next)
        ),
        Settled::No(p) => format!(
            "{pain_on} had not settled by {}: {}, above {}; a second morning like that within \
             7 days means stepping down",
            ctx.morning_of(next),
            pain(p),
            ctx.usual()
        ),
    })
}

fn step(ex: &'static library::Exercise) -> ExerciseStep {
    ExerciseStep {
        exercise_id: ex.id,
        level: ex.level,
        name: ex.name.to_owned(),
    }
}

fn item_decision(item: &ProgrammeItem, ctx: &Context, ev: &Evidence) -> ProgressionDecision {
    let name = &item.name;
    let current = item.exercise_id().map(ExerciseId::exercise);
    let at_level = current.map_or(String::new(), |ex| format!(" at level {}", ex.level.get()));
    let (action, to, reason) = match judge(ev, ctx) {
        Verdict::Stop { cause, advice } => (
            ProgressionAction::StopSeeClinician,
            None,
            format!("Stop {name} and see your clinician: {cause}. {advice}"),
        ),
        Verdict::Hold(cause) => (
            ProgressionAction::Hold,
            None,
            format!("Holding {name}{at_level}: {cause}."),
        ),
        Verdict::Regress(cause) => {
            let easier = current.and_then(library::easier);
            let reason = match (current, easier) {
                (Some(ex), Some(e)) => format!(
                    "Stepping {name} down from level {} to level {} ({}): {cause}.",
                    ex.level.get(),
                    e.level.get(),
                    e.name
                ),
                (Some(_), None) => format!(
                    "Easing off {name}, already the easiest level: {cause}. Do fewer sets, and \
                     ask your clinician if it does not settle."
                ),
                (None, _) => {
                    format!("Easing off {name}: {cause}. Ask your clinician how to make it easier.")
                }
            };
            (ProgressionAction::Regress, easier.map(step), reason)
        }
        Verdict::Progress(cause) => {
            let harder = current.and_then(library::harder);
            match (current, harder) {
                (Some(ex), Some(h)) => (
                    ProgressionAction::Progress,
                    Some(step(h)),
                    format!(
                        "Moving {name} up from level {} to level {} ({}): {cause}.",
                        ex.level.get(),
                        h.level.get(),
                        h.name
                    ),
                ),
                (Some(_), None) => (
                    ProgressionAction::Hold,
                    None,
                    format!(
                        "Keeping {name}{at_level}, the top of its ladder: {cause}. Your clinician \
                         can raise the dose."
                    ),
                ),
                (None, _) => (
                    ProgressionAction::Progress,
                    None,
                    format!(
                        "Ready to move {name} up: {cause}. It is your clinician's own exercise, \
                         so they decide how."
                    ),
                ),
            }
        }
    };
    ProgressionDecision {
        item_key: item.key.clone(),
        name: name.clone(),
        action,
        level: item.level(),
        to,
        reason,
    }
}

fn running_decision(logs: &TrackingLogs, ctx: &Context) -> RunningDecision {
    let ev = Evidence::for_running(logs, ctx);
    let mut distances: Vec<f64> = logs
        .runs
        .iter()
        .filter(|r| (ctx.first..=ctx.today).contains(&r.date))
        .map(|r| r.distance_m)
        .collect();
    // Summed in a fixed order so the total does not depend on the order of the logs.
    distances.sort_by(f64::total_cmp);
    let total: f64 = distances.iter().sum();
    let t = ctx.t;
    let volume = format!("{} in the last 7 days", km(total));
    let (action, next, reason) = match judge(&ev, ctx) {
        Verdict::Stop { cause, advice } => (
            RunningAction::Stop,
            0.0,
            format!("Stop running and see your clinician: {cause}. {advice}"),
        ),
        Verdict::Regress(cause) => {
            let next = total * (1.0 - t.run_cut_percent.value / 100.0);
            (
                RunningAction::Cut,
                next,
                format!(
                    "Cutting running by {}% ({volume}, so at most {} in the next 7): {cause}.",
                    format_number(t.run_cut_percent.value, 0),
                    km(next)
                ),
            )
        }
        Verdict::Hold(cause) => (
            RunningAction::Hold,
            total,
            format!("Holding running at {volume}: {cause}."),
        ),
        Verdict::Progress(cause) => {
            let next = total * (1.0 + t.run_increase_max_percent.value / 100.0);
            (
                RunningAction::Add,
                next,
                format!(
                    "Adding up to {}% running ({volume}, so at most {} in the next 7): {cause}.",
                    format_number(t.run_increase_max_percent.value, 0),
                    km(next)
                ),
            )
        }
    };
    RunningDecision {
        action,
        last_7_days_m: total,
        next_7_days_max_m: next.round(),
        reason,
    }
}
