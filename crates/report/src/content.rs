//! What a document says, as plain data: the handout and the guide turned into one JSON file that
//! the template reads with `json()`. Text never becomes typst markup, so nothing needs escaping.

use std::collections::HashMap;
use std::sync::LazyLock;

use backstride_core::assessment::Side;
use backstride_core::library::{self, Dosage, DosageKind, ExerciseId, Sidedness};
use backstride_core::programme::{PlannedExercise, Programme, ProgrammeItem};
use backstride_figures::Phase;
use jiff::civil::Date;
use serde::Serialize;
use typst::foundations::Bytes;

use crate::brand::Clinic;

/// Every drawing, still, in both positions, rendered once per process: `/figures/<id>-start.svg`
/// and `/figures/<id>-end.svg` (the end only where the figure moves).
static FIGURES: LazyLock<HashMap<String, Bytes>> = LazyLock::new(|| {
    let mut files = HashMap::new();
    for &id in backstride_figures::ids() {
        let phases: &[(Phase, &str)] = if backstride_figures::is_animated(id) {
            &[(Phase::Start, "start"), (Phase::End, "end")]
        } else {
            &[(Phase::Start, "start")]
        };
        for &(phase, name) in phases {
            if let Some(svg) = backstride_figures::svg_static(id, phase) {
                files.insert(format!("/figures/{id}-{name}.svg"), Bytes::from_string(svg));
            }
        }
    }
    files
});

/// The drawing files a document uses, by path.
pub(crate) fn figure_file(path: &str) -> Option<Bytes> {
    FIGURES.get(path).cloned()
}

/// The whole document as the template sees it.
#[derive(Debug, Serialize)]
pub(crate) struct DocumentData {
    pub kind: Kind,
    pub clinic: ClinicData,
    /// Document title for the PDF's metadata.
    pub title: String,
    pub runner: Option<String>,
    /// “2 March 2026 to 15 March 2026”.
    pub period: Option<String>,
    /// “Printed 1 March 2026”.
    pub issued: Option<String>,
    pub exercises: Vec<ExerciseData>,
    pub weeks: Vec<WeekData>,
    pub calendar_notes: Vec<String>,
    pub form_cues: Vec<FormCueData>,
    pub cadence: Option<CadenceData>,
    pub notes: Vec<String>,
    /// The re-test change report (only in that kind of document).
    pub change: Option<ChangeData>,
}

/// A re-test compared with the assessment before it, every value already in words.
#[derive(Debug, Serialize)]
pub(crate) struct ChangeData {
    /// Pain, the functional-scale average and each activity: label, before, after, verdict.
    pub scores: Vec<ScoreRow>,
    pub global: Option<String>,
    pub areas: Vec<(String, String)>,
    pub tests: Vec<TestRow>,
    /// Running form from the videos before and after.
    pub form: Option<crate::FormChangeTable>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ScoreRow {
    pub label: String,
    pub before: String,
    pub after: String,
    pub verdict: String,
    pub source: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct TestRow {
    pub name: String,
    pub before: String,
    pub after: String,
    pub lsi: String,
    pub text: String,
}

fn score_row(label: &str, c: &backstride_core::tracking::ScoreChange) -> ScoreRow {
    let n = |v: f64| backstride_core::assessment::explain::format_number(v, 1);
    ScoreRow {
        label: label.to_owned(),
        before: n(c.before),
        after: n(c.after),
        verdict: c.text.clone(),
        source: c.source.clone(),
    }
}

/// The change report as the template reads it.
pub(crate) fn change(
    report: &backstride_core::tracking::ChangeReport,
    form: Option<crate::FormChangeTable>,
) -> ChangeData {
    let mut scores = vec![score_row("Pain (0–10)", &report.pain)];
    if let Some(p) = &report.psfs {
        scores.push(score_row(
            "Activities you find hard: average (0–10)",
            &p.mean,
        ));
        for a in &p.activities {
            scores.push(score_row(&format!("“{}”", a.activity), &a.change));
        }
    }
    let pct = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}%"));
    ChangeData {
        scores,
        global: report
            .global_rating
            .as_ref()
            .map(|g| format!("{} (from −7 to +7): {}", g.value, g.text)),
        areas: report
            .areas
            .iter()
            .map(|a| (a.name.clone(), a.text.clone()))
            .collect(),
        tests: report
            .tests
            .iter()
            .map(|t| TestRow {
                name: match t.side {
                    Some(side) => format!("{} ({side})", t.test_name),
                    None => t.test_name.clone(),
                },
                before: t.before.clone().unwrap_or_else(|| "not tested".to_owned()),
                after: t.after.clone().unwrap_or_else(|| "not tested".to_owned()),
                lsi: match (t.lsi_before, t.lsi_after) {
                    (None, None) => String::new(),
                    (b, a) => format!("{} → {}", pct(b), pct(a)),
                },
                text: t.text.clone(),
            })
            .collect(),
        form,
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Kind {
    Handout,
    Guide,
    Change,
}

#[derive(Debug, Serialize)]
pub(crate) struct ClinicData {
    pub name: String,
    pub contact: String,
    /// The brand colour itself, for bands and fills.
    pub colour: String,
    /// Text on a brand-coloured band.
    pub on_colour: String,
    /// Headings and rules on white paper (the brand colour, darkened if too pale to read).
    pub ink: String,
    /// No clinic to call: the stop box and footer say where to get help instead.
    pub self_directed: bool,
}

impl ClinicData {
    pub(crate) fn new(clinic: &Clinic, name: String, contact: String) -> ClinicData {
        ClinicData {
            name,
            contact,
            colour: clinic.brand_colour.hex(),
            on_colour: clinic.brand_colour.on_brand().hex(),
            ink: clinic.brand_colour.ink().hex(),
            self_directed: clinic.self_directed,
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct FigureData {
    pub path: String,
    /// “Start” or “End” under the drawing, when there are two.
    pub label: Option<&'static str>,
    pub alt: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct ExerciseData {
    pub number: usize,
    pub name: String,
    /// “Hip stability · level 2 of 5”.
    pub tag: Option<String>,
    pub purpose: Option<String>,
    pub setup: Option<String>,
    pub steps: Vec<String>,
    pub cues: Vec<String>,
    /// A clinician's own exercise: their text, as written.
    pub text: Option<String>,
    pub figures: Vec<FigureData>,
    pub dosage: DosageData,
    /// Why it is in the programme, with the numbers.
    pub reason: Option<String>,
    pub cautions: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DosageData {
    /// The dose in words, as everywhere else in Backstride (`Dosage::describe`).
    pub summary: String,
    /// “Reps”, “Hold” or “Stretch”: what the amount column counts.
    pub amount_heading: &'static str,
    pub rows: Vec<DoseRow>,
    pub extra_note: Option<String>,
    pub frequency: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct DoseRow {
    pub side: &'static str,
    /// “3 × 30 s”, “4 × 12 reps”.
    pub dose: String,
    pub rest: String,
    pub extra: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct WeekData {
    pub title: String,
    pub days: Vec<DayHead>,
    pub rows: Vec<CalendarRow>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DayHead {
    /// “Mon”.
    pub weekday: String,
    /// Day of the month, “2”.
    pub date: String,
    pub run: bool,
    /// Estimated minutes of exercise that day.
    pub minutes: u32,
}

#[derive(Debug, Serialize)]
pub(crate) struct CalendarRow {
    pub number: usize,
    pub name: String,
    pub marks: Vec<bool>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FormCueData {
    pub text: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct CadenceData {
    pub current: String,
    pub first_step: String,
    pub later: String,
    pub first_step_percent: String,
    pub later_percent: String,
    pub reason: String,
    pub source: String,
}

/// “2 March 2026”.
pub(crate) fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

fn whole(number: f64) -> String {
    format!("{number:.0}")
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Left => "Left",
        Side::Right => "Right",
    }
}

fn amount(dosage: &Dosage) -> (&'static str, String) {
    let n = dosage.reps_or_seconds();
    match dosage.kind() {
        DosageKind::Reps => ("Reps", format!("{n} reps")),
        DosageKind::HoldSeconds => ("Hold", format!("{n} s hold")),
        DosageKind::StretchSeconds => ("Stretch", format!("{n} s stretch")),
    }
}

/// The per-side table: left and right for a one-sided exercise, the weaker side with its extra
/// set; one row for an exercise done with both sides together.
pub(crate) fn dosage_data(
    dosage: &Dosage,
    sidedness: Sidedness,
    extra_set_side: Option<Side>,
    frequency: String,
) -> DosageData {
    let (amount_heading, amount) = amount(dosage);
    let rest = match dosage.rest_seconds() {
        0 => "none".to_owned(),
        s => format!("{s} s"),
    };
    let sets = dosage.sets();
    let row = |side: &'static str, extra: bool| DoseRow {
        side,
        dose: format!("{} × {amount}", sets + u8::from(extra)),
        rest: rest.clone(),
        extra,
    };
    let (rows, extra_note) = match sidedness {
        Sidedness::PerSide => (
            Side::BOTH
                .iter()
                .map(|&side| row(side_name(side), extra_set_side == Some(side)))
                .collect(),
            extra_set_side.map(|side| {
                format!(
                    "Your {side} side is the weaker one: it gets one extra set. Start each \
                     round with it."
                )
            }),
        ),
        Sidedness::Bilateral => (vec![row("Both sides together", false)], None),
    };
    DosageData {
        summary: dosage.describe(sidedness),
        amount_heading,
        rows,
        extra_note,
        frequency,
    }
}

fn figures(ex: &library::Exercise) -> Vec<FigureData> {
    let id = ex.illustration;
    let alt = backstride_figures::description(id)
        .unwrap_or(ex.name)
        .to_owned();
    let start = format!("/figures/{id}-start.svg");
    let end = format!("/figures/{id}-end.svg");
    if !FIGURES.contains_key(&start) {
        return Vec::new();
    }
    if FIGURES.contains_key(&end) {
        vec![
            FigureData {
                path: start,
                label: Some("Start"),
                alt: alt.clone(),
            },
            FigureData {
                path: end,
                label: Some("End"),
                alt,
            },
        ]
    } else {
        vec![FigureData {
            path: start,
            label: None,
            alt,
        }]
    }
}

fn tag(ex: &library::Exercise) -> String {
    let highest = library::ladder_of(ex).highest();
    format!(
        "{} · level {} of {}",
        ex.area.name(),
        ex.level.get(),
        highest.get()
    )
}

/// A library exercise at its library dose, for the guide.
pub(crate) fn guide_exercise(number: usize, id: ExerciseId) -> ExerciseData {
    let ex = id.exercise();
    let frequency = backstride_core::programme::Frequency::of(&ex.dosage).text;
    ExerciseData {
        number,
        name: ex.name.to_owned(),
        tag: Some(tag(ex)),
        purpose: Some(ex.purpose.to_owned()),
        setup: Some(ex.setup.to_owned()),
        steps: ex.steps.iter().map(|s| (*s).to_owned()).collect(),
        cues: ex.cues.iter().map(|s| (*s).to_owned()).collect(),
        text: None,
        figures: figures(ex),
        dosage: dosage_data(&ex.dosage, ex.sidedness, None, frequency),
        reason: None,
        cautions: vec![ex.cautions.pain.to_owned()],
    }
}

/// A programme item: the library's words and drawing, the programme's dose, reason and cautions.
pub(crate) fn programme_exercise(number: usize, item: &ProgrammeItem) -> ExerciseData {
    let dosage = dosage_data(
        &item.dosage,
        item.sidedness,
        item.extra_set_side,
        item.frequency.text.clone(),
    );
    let base = ExerciseData {
        number,
        name: item.name.clone(),
        tag: None,
        purpose: None,
        setup: None,
        steps: Vec::new(),
        cues: Vec::new(),
        text: None,
        figures: Vec::new(),
        dosage,
        reason: Some(item.why()),
        cautions: item.cautions.clone(),
    };
    match &item.exercise {
        PlannedExercise::Library { exercise_id, .. } => {
            let ex = exercise_id.exercise();
            ExerciseData {
                tag: Some(tag(ex)),
                purpose: Some(ex.purpose.to_owned()),
                setup: Some(ex.setup.to_owned()),
                steps: ex.steps.iter().map(|s| (*s).to_owned()).collect(),
                cues: ex.cues.iter().map(|s| (*s).to_owned()).collect(),
                figures: figures(ex),
                ..base
            }
        }
        PlannedExercise::Custom { text, .. } => ExerciseData {
            tag: Some("From your clinician".to_owned()),
            text: Some(text.clone()),
            ..base
        },
    }
}

/// Days in one calendar table: two weeks fit across an A4 page.
const DAYS_PER_TABLE: usize = 14;

/// The calendar, a table per two weeks (a last, shorter block has fewer columns).
pub(crate) fn weeks(programme: &Programme) -> Vec<WeekData> {
    programme
        .calendar
        .chunks(DAYS_PER_TABLE)
        .map(|days| {
            let title = match (days.first(), days.last()) {
                (Some(a), Some(b)) => format!("{} to {}", long_date(a.date), long_date(b.date)),
                _ => String::new(),
            };
            WeekData {
                title,
                days: days
                    .iter()
                    .map(|d| DayHead {
                        weekday: d.weekday.name()[..3].to_owned(),
                        date: d.date.day().to_string(),
                        run: d.is_run_day,
                        minutes: d.minutes,
                    })
                    .collect(),
                rows: programme
                    .items
                    .iter()
                    .enumerate()
                    .map(|(n, item)| CalendarRow {
                        number: n + 1,
                        name: item.name.clone(),
                        marks: days
                            .iter()
                            .map(|d| d.exercises.contains(&item.key))
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Day notes from the calendar, each once, in date order.
pub(crate) fn calendar_notes(programme: &Programme) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    for note in programme.calendar.iter().filter_map(|d| d.note.as_ref()) {
        if !notes.contains(note) {
            notes.push(note.clone());
        }
    }
    notes
}

pub(crate) fn form_cues(programme: &Programme) -> Vec<FormCueData> {
    programme
        .form_cues
        .iter()
        .map(|c| FormCueData {
            text: c.text.clone(),
            reason: c.reason.clone(),
        })
        .collect()
}

pub(crate) fn cadence(programme: &Programme) -> Option<CadenceData> {
    programme.cadence_target.as_ref().map(|c| CadenceData {
        current: whole(c.current),
        first_step: whole(c.first_step),
        later: whole(c.later),
        first_step_percent: whole(c.first_step_percent),
        later_percent: whole(c.later_percent),
        reason: c.reason.clone(),
        source: c.source.clone(),
    })
}
