//! The runner's usual run days: asked on the self-check (kept with its answers as
//! `baseline.run_days`) and ticked from the latest answer wherever run days are chosen — the
//! self-check's own question the next time, and the programme's set-up — with a warning beside
//! the field while no day is ticked (a programme without run days plans no running).
//!
//! **Our choices**: the self-check offers "Not running at the moment" beside the days, so
//! "none" is an answer of its own (kept as an empty set) and a question left blank is not
//! (nothing kept; the days then come from the last programme). Between an answer and a
//! programme set up later with other days, the newer wins.

use crate::context::Ctx;
use crate::error::AppResult;
use crate::templates::FormState;
use backstride_core::assessment::Assessment;
use backstride_core::programme::DayOfWeek;
use std::collections::BTreeSet;

/// The self-check's question: its fieldset's id, the name its message is kept under, and the
/// start of its boxes' names (`baseline.run_days.monday`).
pub const SELF_CHECK: &str = "baseline.run_days";
/// The self-check's "Not running at the moment" box.
const NOT_RUNNING: &str = "baseline.run_days.none";
/// The programme set-up's field (boxes `run_monday` …).
const PROGRAMME: &str = "run_days";

const WARNING: &str = "No run days ticked: the programme will plan no runs. Tick the days you \
     usually run, or leave them all empty if you are not running for now.";

/// A day as form values name it: `monday`.
pub fn day_key(day: DayOfWeek) -> &'static str {
    match day {
        DayOfWeek::Monday => "monday",
        DayOfWeek::Tuesday => "tuesday",
        DayOfWeek::Wednesday => "wednesday",
        DayOfWeek::Thursday => "thursday",
        DayOfWeek::Friday => "friday",
        DayOfWeek::Saturday => "saturday",
        DayOfWeek::Sunday => "sunday",
    }
}

/// One tick box.
pub struct DayBox {
    pub name: String,
    pub label: &'static str,
    pub ticked: bool,
}

/// The run-day question as a page draws it (the `run_days` macro in `macros.html`).
pub struct RunDaysField {
    /// The fieldset's id, which is also the name its message is kept under.
    pub id: &'static str,
    pub legend: &'static str,
    pub hint: &'static str,
    pub warning: &'static str,
    pub days: Vec<DayBox>,
    /// "Not running at the moment", on the self-check.
    pub not_running: Option<DayBox>,
    pub error: Option<String>,
}

impl RunDaysField {
    /// Whether any box is ticked (the warning is hidden then; `shell.js` keeps it in step).
    pub fn any_ticked(&self) -> bool {
        self.days
            .iter()
            .chain(self.not_running.iter())
            .any(|d| d.ticked)
    }

    fn of(form: &FormState, id: &'static str, name: impl Fn(&str) -> String) -> RunDaysField {
        RunDaysField {
            id,
            legend: "Your usual run days",
            hint: "Strength work goes on the other days where it can.",
            warning: WARNING,
            days: DayOfWeek::ALL
                .iter()
                .map(|d| {
                    let name = name(day_key(*d));
                    DayBox {
                        ticked: form.checked(&name),
                        name,
                        label: d.name(),
                    }
                })
                .collect(),
            not_running: None,
            error: form.error(id).map(str::to_owned),
        }
    }

    /// The programme set-up's field, ticked as `form` holds it.
    pub fn programme(form: &FormState) -> RunDaysField {
        Self::of(form, PROGRAMME, programme_name)
    }

    /// The self-check's question, ticked as `form` holds it.
    pub fn self_check(form: &FormState) -> RunDaysField {
        RunDaysField {
            legend: "Which days do you usually run?",
            hint: "Your programme puts strength work on the other days where it can. Tick \
                   “Not running at the moment” if you have stopped for now.",
            warning: "No day ticked yet: tick the days you usually run, or “Not running at the \
                      moment”.",
            not_running: Some(DayBox {
                name: NOT_RUNNING.to_owned(),
                label: "Not running at the moment",
                ticked: form.checked(NOT_RUNNING),
            }),
            ..Self::of(form, SELF_CHECK, self_check_name)
        }
    }
}

fn programme_name(key: &str) -> String {
    format!("run_{key}")
}

fn self_check_name(key: &str) -> String {
    format!("{SELF_CHECK}.{key}")
}

/// `form` with the boxes named by `name` ticked for `days`.
fn ticked(
    mut form: FormState,
    days: &BTreeSet<DayOfWeek>,
    name: impl Fn(&str) -> String,
) -> FormState {
    for day in days {
        form = form.with_value(&name(day_key(*day)), "on");
    }
    form
}

/// The programme set-up's form with `days` ticked.
pub fn tick_for_programme(form: FormState, days: &BTreeSet<DayOfWeek>) -> FormState {
    ticked(form, days, programme_name)
}

/// The days ticked on the programme set-up.
pub fn programme_days(form: &FormState) -> Vec<DayOfWeek> {
    DayOfWeek::ALL
        .into_iter()
        .filter(|d| form.checked(&programme_name(day_key(*d))))
        .collect()
}

/// The self-check's form values for an answer: its days ticked, or "not running" for none.
pub fn self_check_values(answer: &BTreeSet<DayOfWeek>) -> Vec<(String, String)> {
    let mut values: Vec<(String, String)> = answer
        .iter()
        .map(|d| (self_check_name(day_key(*d)), "on".to_owned()))
        .collect();
    if answer.is_empty() {
        values.push((NOT_RUNNING.to_owned(), "on".to_owned()));
    }
    values
}

/// The self-check's form with an answer ticked.
pub fn tick_for_self_check(form: FormState, answer: &BTreeSet<DayOfWeek>) -> FormState {
    self_check_values(answer)
        .into_iter()
        .fold(form, |form, (name, value)| form.with_value(&name, &value))
}

/// What the self-check's boxes answer: `None` when nothing is ticked, an empty set for "not
/// running at the moment"; a message (for [`SELF_CHECK`]) when days and "not running" are both
/// ticked.
pub fn self_check_answer(form: &FormState) -> Result<Option<BTreeSet<DayOfWeek>>, &'static str> {
    let days: BTreeSet<DayOfWeek> = DayOfWeek::ALL
        .into_iter()
        .filter(|d| form.checked(&self_check_name(day_key(*d))))
        .collect();
    match (form.checked(NOT_RUNNING), days.is_empty()) {
        (true, false) => Err("Tick the days you run, or “Not running at the moment”, not both."),
        (true, true) => Ok(Some(days)),
        (false, true) => Ok(None),
        (false, false) => Ok(Some(days)),
    }
}

/// The self-check's answer in a raw assessment, when it was given.
pub fn answer_in(raw: &Assessment) -> Option<&BTreeSet<DayOfWeek>> {
    raw.baseline.as_ref()?.run_days.as_ref()
}

/// The days to tick at first for `runner_id`: `this` assessment's answer when it has one, else
/// the newer of the latest answer on another self-check and the latest programme's run days;
/// none when there is neither.
pub async fn usual(
    ctx: &Ctx,
    runner_id: i64,
    this: Option<&Assessment>,
) -> AppResult<BTreeSet<DayOfWeek>> {
    if let Some(days) = this.and_then(answer_in) {
        return Ok(days.clone());
    }
    let actor = ctx.actor()?;
    let store = ctx.state.store.as_ref();
    let answered = store
        .assessments_of(&actor, runner_id)
        .await?
        .iter()
        .filter_map(|r| {
            let raw = Assessment::from_json(&r.raw_json).ok()?;
            Some((r.updated_at, answer_in(&raw)?.clone()))
        })
        .max_by_key(|(at, _)| *at);
    let programmed = store
        .programmes_of(&actor, runner_id)
        .await?
        .iter()
        .filter_map(|r| Some((r.created_at, r.programme().ok()?.settings.run_days)))
        .max_by_key(|(at, _)| *at);
    Ok(match (answered, programmed) {
        (Some(a), Some(p)) if p.0 > a.0 => p.1,
        (Some(a), _) => a.1,
        (None, p) => p.map(|p| p.1).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormState {
        FormState::from_values(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_self_checks_boxes_answer_days_none_or_nothing() {
        assert_eq!(self_check_answer(&form(&[])), Ok(None));
        assert_eq!(
            self_check_answer(&form(&[(NOT_RUNNING, "on")])),
            Ok(Some(BTreeSet::new()))
        );
        let days = self_check_answer(&form(&[
            ("baseline.run_days.tuesday", "on"),
            ("baseline.run_days.saturday", "on"),
            ("baseline.run_days.funday", "on"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(
            days.into_iter().collect::<Vec<_>>(),
            [DayOfWeek::Tuesday, DayOfWeek::Saturday]
        );
        assert!(
            self_check_answer(&form(&[
                ("baseline.run_days.monday", "on"),
                (NOT_RUNNING, "on")
            ]))
            .is_err()
        );
    }

    #[test]
    fn an_answer_ticks_its_boxes_and_reads_back_the_same() {
        for answer in [
            BTreeSet::new(),
            BTreeSet::from([DayOfWeek::Monday, DayOfWeek::Sunday]),
        ] {
            let f = tick_for_self_check(FormState::default(), &answer);
            assert_eq!(self_check_answer(&f), Ok(Some(answer.clone())));
            let field = RunDaysField::self_check(&f);
            assert!(field.any_ticked());
        }
        let f = tick_for_programme(FormState::default(), &BTreeSet::from([DayOfWeek::Friday]));
        assert_eq!(programme_days(&f), [DayOfWeek::Friday]);
        let field = RunDaysField::programme(&f);
        assert_eq!(field.days[4].name, "run_friday");
        assert!(field.days[4].ticked && field.not_running.is_none());
        assert!(!RunDaysField::programme(&FormState::default()).any_ticked());
    }
}
