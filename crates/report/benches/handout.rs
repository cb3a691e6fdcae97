//! Warm rendering of a 10-exercise handout PDF (target: under 150 ms on the project's 2-core
//! machine).
//!
//! “Warm” means the process has already loaded the embedded fonts and parsed the template
//! ([`backstride_report::warm_up`]), as a running server has. Typst also memoises its work
//! between compilations (comemo); a server prints a different runner's handout each time, so the
//! headline figures clear that memo before every iteration (`sample_size = 1`, clearing outside
//! the timed part) and typeset everything afresh. `handout_pdf_reprint` keeps the memo, as when
//! the same handout is downloaded again, and `handout_pdf_next_runner` is a server's steady
//! state: a new runner each time, the memo kept as the library keeps it.
//!
//! The peer: rather than a second typesetter, the two stages of the same render are timed
//! apart, `typeset` (typst compile: template, layout, the SVG drawings) against `pdf_export`
//! (typst-pdf: fonts subset and embedded, pages written). Their sum is `handout_pdf`; the ratio
//! says where any future speed-up has to come from.

use backstride_core::assessment::{Assessment, Thresholds, assess};
use backstride_core::library::{DosageKind, RawDosage};
use backstride_core::programme::{self, DayOfWeek, MinutesCap, ProgrammeEdit, ProgrammeRequest};
use backstride_report::{Clinic, Handout, TypesetDocument, handout_pdf, typeset_handout};
use divan::Bencher;
use jiff::civil::Date;

fn main() {
    backstride_report::warm_up();
    // One render outside the measurement, so every lazily built table is in place.
    handout_pdf(&handout()).expect("the handout renders");
    divan::main();
}

/// The example assessment's programme with a 120-minute cap, cut or filled to 10 exercises.
fn handout() -> Handout {
    let raw: Assessment =
        serde_json::from_str(include_str!("../../core/examples/assessment.json")).unwrap();
    let result = assess(&raw, &Thresholds::default()).unwrap();
    let mut request = ProgrammeRequest::new(Date::new(2026, 3, 2).unwrap()).run_days([
        DayOfWeek::Tuesday,
        DayOfWeek::Thursday,
        DayOfWeek::Sunday,
    ]);
    request.settings.minutes_cap = MinutesCap::try_from(120).unwrap();
    let mut p = programme::generate(&result, &request).unwrap();
    while p.items.len() < 10 {
        let edit = ProgrammeEdit::AddCustom {
            title: format!("Clinician's walk {}", p.items.len()),
            text: "Walk briskly for the time given.".to_owned(),
            dosage: RawDosage {
                kind: DosageKind::HoldSeconds,
                sets: 1,
                reps_or_seconds: 300,
                rest_seconds: 0,
                days_per_week: 3,
            },
        };
        p = programme::apply(&p, edit).unwrap();
    }
    while p.items.len() > 10 {
        let item = p.items.last().unwrap().key.clone();
        p = programme::apply(&p, ProgrammeEdit::Remove { item }).unwrap();
    }
    Handout {
        clinic: Clinic {
            name: "Riverside Physio".to_owned(),
            contact: "0161 496 0000 · hello@riverside.example".to_owned(),
            brand_colour: "#0f6e6e".parse().unwrap(),
            self_directed: false,
        },
        runner_name: "Ann Lee".to_owned(),
        issued_on: Date::new(2026, 3, 1).unwrap(),
        programme: p,
    }
}

fn forget_memo() {
    typst::comemo::evict(0);
}

/// The whole render, typeset and PDF, for a handout typst has not seen.
#[divan::bench(sample_size = 1, sample_count = 40)]
fn handout_pdf_fresh(bencher: Bencher) {
    let h = handout();
    bencher
        .with_inputs(forget_memo)
        .bench_values(|()| handout_pdf(&h).unwrap());
}

/// A server's steady state: each iteration prints a handout for a different runner, with typst's
/// memo kept as the library keeps it between renders (drawings decoded and fonts shaped before
/// are reused; the document itself is new).
#[divan::bench(sample_size = 1, sample_count = 40)]
fn handout_pdf_next_runner(bencher: Bencher) {
    let h = handout();
    let n = std::sync::atomic::AtomicU32::new(0);
    bencher
        .with_inputs(|| {
            let n = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Handout {
                runner_name: format!("Runner number {n}"),
                ..h.clone()
            }
        })
        .bench_values(|h| handout_pdf(&h).unwrap());
}

/// The same handout printed again: typst's memo still holds the last render.
#[divan::bench(sample_size = 1, sample_count = 40)]
fn handout_pdf_reprint(bencher: Bencher) {
    let h = handout();
    bencher.bench(|| handout_pdf(&h).unwrap());
}

/// Stage 1 of `handout_pdf_fresh`: typst compile into pages.
#[divan::bench(sample_size = 1, sample_count = 40)]
fn typeset(bencher: Bencher) {
    let h = handout();
    bencher
        .with_inputs(forget_memo)
        .bench_values(|()| typeset_handout(&h).unwrap());
}

/// Stage 2 of `handout_pdf_fresh`: typst-pdf writing the typeset pages.
#[divan::bench(sample_size = 1, sample_count = 40)]
fn pdf_export(bencher: Bencher) {
    let document: TypesetDocument = typeset_handout(&handout()).unwrap();
    bencher
        .with_inputs(forget_memo)
        .bench_values(|()| document.pdf().unwrap());
}
