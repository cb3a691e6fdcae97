//! Printable PDFs for Backstride: the runner's programme handout and the clinic's free strength
//! guide, typeset with typst as a library.
//!
//! Everything a document needs is in memory: one template compiled into the binary, the
//! embedded fonts (loaded once per process), the exercise drawings from `backstride-figures`
//! and the document's data as a JSON file. Nothing is read from disk or fetched, and typst
//! packages are refused.
//!
//! **Text is data, never markup.** Names, clinic details and every exercise text reach the
//! template as strings in `/data.json`, read with typst's `json()`. A string from `json()` is
//! shown as plain text, so a runner called `#set page(fill: red)` or `*$_[@x]` is printed as
//! typed: there is no escaping function to get wrong or forget on a new field.
//!
//! **Rendering is CPU-bound** (tens of milliseconds to typeset a handout), so async callers must
//! not call [`handout_pdf`] or [`guide_pdf`] on the runtime's worker threads:
//!
//! ```ignore
//! let pdf = tokio::task::spawn_blocking(move || backstride_report::handout_pdf(&handout)).await??;
//! ```
#![forbid(unsafe_code)]

mod brand;
mod content;
mod world;

use backstride_core::library::ExerciseId;
use backstride_core::programme::Programme;
use jiff::civil::Date;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::Source;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

pub use brand::{BrandColour, Clinic, MAX_LINE_CHARS};
pub use world::warm_up;

use content::{ClinicData, DocumentData, Kind};
use world::{ReportWorld, project_file};

/// Most exercises one guide can hold (our choice: a guide is a handful of pages, not the library).
pub const MAX_GUIDE_EXERCISES: usize = 40;

/// How many memoised typst results survive between renders: enough to reuse the template's
/// parse and the fonts' layout work, few enough that a long-running server's memory stays flat.
const MEMO_MAX_AGE: usize = 8;

/// The template: one file for both documents, choosing by `data.kind`.
const TEMPLATE: &str = include_str!("templates/document.typ");

/// Why a document could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// A brand colour that is not `#rrggbb` or `#rgb`.
    #[error("“{0}” is not a colour: give it as #rrggbb, for example #0f6e6e.")]
    BrandColour(String),
    /// A name or contact line with nothing in it.
    #[error("The {0} is empty.")]
    Missing(&'static str),
    /// A name or contact line longer than [`MAX_LINE_CHARS`].
    #[error("The {field} is {chars} characters long; at most {max} fit on the page.")]
    TooLong {
        field: &'static str,
        chars: usize,
        max: usize,
    },
    /// A guide with no exercises.
    #[error("Choose at least one exercise for the guide.")]
    NoExercises,
    /// A guide with more than [`MAX_GUIDE_EXERCISES`] exercises.
    #[error("A guide holds at most {MAX_GUIDE_EXERCISES} exercises; {0} were chosen.")]
    TooManyExercises(usize),
    /// The template could not be typeset (a bug here, not the caller's input).
    #[error("The document could not be typeset: {0}")]
    Typeset(String),
    /// The typeset document could not be written as PDF.
    #[error("The PDF could not be written: {0}")]
    Export(String),
}

/// A runner's home programme, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Handout {
    /// Whose handout it is: name and contact in the header and footer, brand colour throughout.
    pub clinic: Clinic,
    /// As the runner wants to be addressed; printed as typed (whitespace collapsed).
    pub runner_name: String,
    /// The day it is printed (shown in the footer, and typst's “today”). The programme's own
    /// start date and length give the dates of the calendar.
    pub issued_on: Date,
    /// The approved programme: its items, calendar, form cues and cadence target.
    pub programme: Programme,
}

/// A document typeset into pages, not yet written as PDF. [`TypesetDocument::pdf`] writes it;
/// the two steps are separate so their costs can be measured apart.
pub struct TypesetDocument {
    document: PagedDocument,
    issued_on: Option<Date>,
    warnings: Vec<String>,
}

impl TypesetDocument {
    /// Typst's warnings (a missing glyph, say): the document still printed; worth logging.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        self.document.pages().len()
    }

    /// The document as PDF bytes (fonts embedded and subset).
    pub fn pdf(&self) -> Result<Vec<u8>, ReportError> {
        let timestamp = self.issued_on.and_then(typst_date).map(Timestamp::new_utc);
        let options = PdfOptions {
            ident: Smart::Auto,
            timestamp,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&self.document, &options).map_err(|e| ReportError::Export(joined(&e)))
    }
}

/// The runner's handout as an A4 PDF: clinic header, when to stop and call, the calendar, the
/// running-form cues and cadence target, then each exercise with its drawing, steps, cues and
/// per-side dose. CPU-bound: call it from `spawn_blocking`.
pub fn handout_pdf(handout: &Handout) -> Result<Vec<u8>, ReportError> {
    typeset_handout(handout)?.pdf()
}

/// The clinic's free strength guide as an A4 PDF: what the method looks at, when to stop, then
/// each chosen exercise at its library dose. CPU-bound: call it from `spawn_blocking`.
pub fn guide_pdf(clinic: &Clinic, exercises: &[ExerciseId]) -> Result<Vec<u8>, ReportError> {
    typeset_guide(clinic, exercises)?.pdf()
}

/// Typesets the handout without writing the PDF (see [`TypesetDocument`]).
pub fn typeset_handout(handout: &Handout) -> Result<TypesetDocument, ReportError> {
    let clinic = clinic_data(&handout.clinic)?;
    let runner = brand::one_line("runner's name", &handout.runner_name)?;
    let programme = &handout.programme;
    let start = programme.settings.start_date;
    let period = match programme.calendar.last() {
        Some(last) => format!(
            "{} to {}",
            content::long_date(start),
            content::long_date(last.date)
        ),
        None => format!("from {}", content::long_date(start)),
    };
    let data = DocumentData {
        kind: Kind::Handout,
        title: format!("Home programme for {runner}"),
        clinic,
        runner: Some(runner),
        period: Some(period),
        issued: Some(format!("Printed {}", content::long_date(handout.issued_on))),
        exercises: programme
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| content::programme_exercise(i + 1, item))
            .collect(),
        weeks: content::weeks(programme),
        calendar_notes: content::calendar_notes(programme),
        form_cues: content::form_cues(programme),
        cadence: content::cadence(programme),
        notes: programme.notes.clone(),
        change: None,
    };
    typeset(&data, Some(handout.issued_on))
}

/// Typesets the guide without writing the PDF (see [`TypesetDocument`]).
pub fn typeset_guide(
    clinic: &Clinic,
    exercises: &[ExerciseId],
) -> Result<TypesetDocument, ReportError> {
    if exercises.is_empty() {
        return Err(ReportError::NoExercises);
    }
    if exercises.len() > MAX_GUIDE_EXERCISES {
        return Err(ReportError::TooManyExercises(exercises.len()));
    }
    let clinic = clinic_data(clinic)?;
    let data = DocumentData {
        kind: Kind::Guide,
        title: format!(
            "{}: strength guide for runners with low back pain",
            clinic.name
        ),
        clinic,
        runner: None,
        period: None,
        issued: None,
        exercises: exercises
            .iter()
            .enumerate()
            .map(|(i, &id)| content::guide_exercise(i + 1, id))
            .collect(),
        weeks: Vec::new(),
        calendar_notes: Vec::new(),
        form_cues: Vec::new(),
        cadence: None,
        notes: Vec::new(),
        change: None,
    };
    typeset(&data, None)
}

/// A re-test's change report, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeDocument {
    pub clinic: Clinic,
    pub runner_name: String,
    /// "Assessment of 3 November 2026 and re-test of 17 November 2026".
    pub compared: String,
    pub issued_on: Date,
    pub report: backstride_core::tracking::ChangeReport,
    /// Running form from the side-view videos before and after, when there are both.
    pub form: Option<FormChangeTable>,
}

/// Running form before and after, from two side-view videos (CLINICAL.md §10), every value
/// already in words.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FormChangeTable {
    /// Which two videos: "side-view video of 3 Nov 2026, 10:00 against that of …".
    pub compared: String,
    pub rows: Vec<FormChangeRow>,
    /// The §10 caveat about angles from a phone video.
    pub caveat: String,
}

/// One running-form measure before and after: each value with the strides it is the median of
/// (or why it could not be measured).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FormChangeRow {
    pub measure: String,
    pub before: String,
    pub before_used: String,
    pub after: String,
    pub after_used: String,
}

/// The change report as an A4 PDF: pain and function against the changes that matter, each
/// area's status, then every test before and after with its LSI. CPU-bound: call it from
/// `spawn_blocking`.
pub fn change_pdf(doc: &ChangeDocument) -> Result<Vec<u8>, ReportError> {
    let clinic = clinic_data(&doc.clinic)?;
    let runner = brand::one_line("runner's name", &doc.runner_name)?;
    let data = DocumentData {
        kind: Kind::Change,
        title: format!("What has changed for {runner}"),
        clinic,
        runner: Some(runner),
        period: Some(doc.compared.clone()),
        issued: Some(format!("Printed {}", content::long_date(doc.issued_on))),
        exercises: Vec::new(),
        weeks: Vec::new(),
        calendar_notes: Vec::new(),
        form_cues: Vec::new(),
        cadence: None,
        notes: Vec::new(),
        change: Some(content::change(&doc.report, doc.form.clone())),
    };
    typeset(&data, Some(doc.issued_on))?.pdf()
}

fn clinic_data(clinic: &Clinic) -> Result<ClinicData, ReportError> {
    let name = brand::one_line("clinic's name", &clinic.name)?;
    let contact = brand::one_line("clinic's contact details", &clinic.contact)?;
    Ok(ClinicData::new(clinic, name, contact))
}

fn typst_date(date: Date) -> Option<Datetime> {
    Datetime::from_ymd(
        i32::from(date.year()),
        u8::try_from(date.month()).ok()?,
        u8::try_from(date.day()).ok()?,
    )
}

/// The template's source, parsed once per process.
static TEMPLATE_SOURCE: std::sync::LazyLock<Source> =
    std::sync::LazyLock::new(|| Source::new(project_file("/document.typ"), TEMPLATE.to_owned()));

fn typeset(data: &DocumentData, issued_on: Option<Date>) -> Result<TypesetDocument, ReportError> {
    let json = serde_json::to_vec(data).map_err(|e| ReportError::Typeset(e.to_string()))?;
    let logo = brand::logo_svg(&data.clinic.on_colour);
    let mut files = vec![
        (project_file("/data.json"), Bytes::new(json)),
        (project_file("/logo.svg"), Bytes::from_string(logo)),
    ];
    for exercise in &data.exercises {
        for figure in &exercise.figures {
            if let Some(bytes) = content::figure_file(&figure.path) {
                files.push((project_file(&figure.path), bytes));
            }
        }
    }
    let world = ReportWorld::new(
        TEMPLATE_SOURCE.clone(),
        [],
        files,
        issued_on.and_then(typst_date),
    );
    let compiled = typst::compile::<PagedDocument>(&world);
    typst::comemo::evict(MEMO_MAX_AGE);
    let document = compiled
        .output
        .map_err(|e| ReportError::Typeset(joined(&e)))?;
    Ok(TypesetDocument {
        document,
        issued_on,
        warnings: compiled
            .warnings
            .iter()
            .map(|w| w.message.to_string())
            .collect(),
    })
}

/// Typst's errors as one line each, joined, with their hints.
fn joined(diagnostics: &[SourceDiagnostic]) -> String {
    let lines: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let mut line = d.message.to_string();
            for hint in &d.hints {
                line.push_str(&format!(" (hint: {})", hint.v));
            }
            line
        })
        .collect();
    if lines.is_empty() {
        "typst gave no reason".to_owned()
    } else {
        lines.join("; ")
    }
}
