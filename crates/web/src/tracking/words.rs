//! Tracking in plain words: day labels, log summaries, the message after a log, and a stored
//! review as the runner and clinician read it.

use crate::clock::local_time;
use backstride_core::tracking::{
    MorningCheckIn, ProgressionAction, ProgressionDecision, RedFlagSymptom, Review, RunLog,
    RunningAction, SessionLog, SetsDone,
};
use backstride_core::{DistanceUnit, TimeZoneName};
use backstride_store::{ReviewKind, ReviewRecord, ReviewStatus};
use jiff::civil::Date;

/// "Today", "Yesterday", or "Mon 23 Nov".
pub fn day_label(date: Date, today: Date) -> String {
    let back = (today - date).get_days();
    match back {
        0 => "Today".to_owned(),
        1 => "Yesterday".to_owned(),
        _ => date.strftime("%a %-d %b").to_string(),
    }
}

pub fn session_summary(s: &SessionLog) -> String {
    let sets = match s.sets_done {
        SetsDone::Both(n) => format!("{n} sets"),
        SetsDone::PerSide(p) => format!("{} left, {} right", p.left, p.right),
    };
    let effort = s
        .effort
        .map(|e| format!(", effort {}/10", e.get()))
        .unwrap_or_default();
    format!("Done: {sets}, pain {}/10{effort}", s.pain_during.get())
}

pub fn morning_summary(m: &MorningCheckIn) -> String {
    let settled = match m.settled_after_yesterday {
        Some(true) => ", yesterday's run settled",
        Some(false) => ", yesterday's run had not settled",
        None => "",
    };
    format!(
        "Morning pain {}/10, stiffness {}/10{settled}.",
        m.morning_pain.get(),
        m.stiffness.get()
    )
}

pub fn run_summary(r: &RunLog, unit: DistanceUnit) -> String {
    let distance = unit.from_metres(r.distance_m);
    format!(
        "{:.1} {} in {:.0} min; pain {}/10 before, {}/10 during, {}/10 after.",
        distance,
        unit.as_str(),
        r.duration_s / 60.0,
        r.pain_before.get(),
        r.pain_during.get(),
        r.pain_after.get()
    )
}

/// What the runner is told once a log is stored: red-flag advice first, then the day's decision.
pub fn saved_message(review: &Review, flags: &[RedFlagSymptom], has_clinician: bool) -> String {
    if let Some(worst) = flags.iter().find(|f| f.is_emergency()).or(flags.first()) {
        let told = if has_clinician {
            " Your clinician has been alerted."
        } else {
            ""
        };
        return format!(
            "Saved. You reported {}. {}{told}",
            worst.words(),
            worst.advice()
        );
    }
    let moving: Vec<String> = review
        .items
        .iter()
        .filter(|d| d.action != ProgressionAction::Hold)
        .map(|d| d.reason.clone())
        .collect();
    let summary = if moving.is_empty() {
        "Today's decision: keep your exercises where they are.".to_owned()
    } else {
        format!("Today's decision: {}", moving.join(" "))
    };
    let pending = if has_clinician {
        " Your clinician will confirm it."
    } else {
        ""
    };
    format!("Saved. {summary}{pending}")
}

/// One decision, ready for the page: the exercises given the same action for the same reason
/// share a line (day 1 holds every exercise for one reason: one line, not one per exercise).
pub struct DecisionLine {
    /// "Couch stretch", or "Couch stretch, Hip CARs and Side plank".
    pub name: String,
    pub action: &'static str,
    pub class: &'static str,
    pub reason: String,
}

/// A stored review, ready for the page.
pub struct ReviewView {
    pub id: i64,
    pub heading: String,
    /// The decision in one line, e.g. "All holding — keep going".
    pub summary: String,
    pub status: String,
    pub suggested: bool,
    pub lines: Vec<DecisionLine>,
    /// None while the programme holds running back.
    pub running: Option<String>,
    pub note: String,
    pub clinician_note: String,
}

impl ReviewView {
    /// The review without clinic wording for a self-directed runner (see [`crate::wording`]).
    pub fn for_runner(mut self, has_clinic: bool) -> ReviewView {
        if has_clinic {
            return self;
        }
        for line in &mut self.lines {
            if line.class == "stop" {
                line.action = "Stop and see a physiotherapist or doctor";
            }
            crate::wording::rewrite(&mut line.reason, false);
        }
        if let Some(run) = self.running.as_mut() {
            crate::wording::rewrite(run, false);
        }
        crate::wording::rewrite(&mut self.note, false);
        crate::wording::rewrite(&mut self.status, false);
        self
    }
}

fn action_words(a: ProgressionAction) -> (&'static str, &'static str) {
    match a {
        ProgressionAction::Progress => ("Move up", "progress"),
        ProgressionAction::Hold => ("Hold", "hold"),
        ProgressionAction::Regress => ("Step down", "regress"),
        ProgressionAction::StopSeeClinician => ("Stop and see your clinician", "stop"),
    }
}

/// "A", "A and B", "A, B and C".
fn join_names(names: &[String]) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// The review in one line: the most urgent action first (our wording).
fn summary_of(review: &Review) -> String {
    let count = |a: ProgressionAction| review.items.iter().filter(|d| d.action == a).count();
    let exercises = |n: usize| {
        if n == 1 {
            "1 exercise".to_owned()
        } else {
            format!("{n} exercises")
        }
    };
    let mut parts = Vec::new();
    if count(ProgressionAction::StopSeeClinician) > 0 {
        parts.push("Stop and see your clinician".to_owned());
    } else {
        let down = count(ProgressionAction::Regress);
        let up = count(ProgressionAction::Progress);
        if down > 0 {
            parts.push(format!("Step down on {}", exercises(down)));
        }
        if up > 0 {
            parts.push(format!("Move up on {}", exercises(up)));
        }
        if parts.is_empty() {
            parts.push("All holding — keep going".to_owned());
        } else if count(ProgressionAction::Hold) > 0 {
            parts.push("hold the rest".to_owned());
        }
    }
    if let Some(run) = review
        .running
        .as_ref()
        .filter(|r| r.action != RunningAction::Hold)
    {
        parts.push(running_words(run.action).to_lowercase());
    }
    parts.join("; ")
}

/// The cause shared by holds: "Holding Bridge march at level 2: the programme has run for 1
/// day so far; …" holds for "the programme has run for 1 day so far; …", whichever the
/// exercise and its level. `None` for any other reason (their words name the levels moved to).
fn shared_cause(d: &ProgressionDecision) -> Option<&str> {
    if d.action != ProgressionAction::Hold {
        return None;
    }
    let rest = d
        .reason
        .strip_prefix("Holding ")?
        .strip_prefix(d.name.as_str())?;
    let (_, cause) = rest.split_once(": ")?;
    Some(cause)
}

/// "the programme …" as a sentence: "The programme …".
fn sentence(cause: &str) -> String {
    let mut chars = cause.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The review's decisions, one line per action and reason, in the order they first appear.
/// Holds for the same cause share a line whatever their exercise and level.
fn grouped_lines(review: &Review) -> Vec<DecisionLine> {
    // (action, grouping key, the first decision's full reason, names)
    let mut groups: Vec<(ProgressionAction, &str, &str, Vec<String>)> = Vec::new();
    for d in &review.items {
        let key = shared_cause(d).unwrap_or(&d.reason);
        match groups
            .iter_mut()
            .find(|(a, k, _, _)| *a == d.action && *k == key)
        {
            Some((_, _, _, names)) => names.push(d.name.clone()),
            None => groups.push((d.action, key, &d.reason, vec![d.name.clone()])),
        }
    }
    groups
        .into_iter()
        .map(|(a, key, reason, names)| {
            let (action, class) = action_words(a);
            let reason = if names.len() > 1 && key != reason {
                sentence(key)
            } else {
                reason.to_owned()
            };
            DecisionLine {
                name: join_names(&names),
                action,
                class,
                reason,
            }
        })
        .collect()
}

fn running_words(a: RunningAction) -> &'static str {
    match a {
        RunningAction::Add => "Running: add a little",
        RunningAction::Hold => "Running: keep the same",
        RunningAction::Cut => "Running: cut back",
        RunningAction::Stop => "Running: stop for now",
    }
}

/// The review as words; `None` if its body no longer parses.
pub fn review_view(record: &ReviewRecord, tz: &TimeZoneName) -> Option<ReviewView> {
    let review: Review = serde_json::from_str(&record.body_json).ok()?;
    let decided = record
        .decided_at
        .map(|at| format!(" ({})", local_time(at, tz)))
        .unwrap_or_default();
    Some(view_of(
        review,
        record.kind,
        record.status,
        record.id,
        decided,
        record.note.clone(),
    ))
}

/// A weekly review that has come due but is not stored yet, as words (no id: nothing to
/// settle until it is stored).
pub fn pending_review_view(review: &Review, status: ReviewStatus) -> ReviewView {
    view_of(
        review.clone(),
        ReviewKind::Weekly,
        status,
        0,
        String::new(),
        String::new(),
    )
}

fn view_of(
    review: Review,
    kind: ReviewKind,
    status: ReviewStatus,
    id: i64,
    decided: String,
    clinician_note: String,
) -> ReviewView {
    let kind_words = match kind {
        ReviewKind::AfterDay => "Decision after",
        ReviewKind::Weekly => "Weekly review to",
    };
    let status_words = match status {
        ReviewStatus::Suggested => "suggested, awaiting your clinician",
        ReviewStatus::Accepted => "accepted",
        ReviewStatus::Overridden => "changed by your clinician",
    };
    ReviewView {
        id,
        heading: format!("{kind_words} {}", review.date.strftime("%a %-d %b")),
        status: format!("{status_words}{decided}"),
        suggested: status == ReviewStatus::Suggested,
        summary: summary_of(&review),
        lines: grouped_lines(&review),
        running: review
            .running
            .map(|r| format!("{}: {}", running_words(r.action), r.reason)),
        note: review.note,
        clinician_note,
    }
}
