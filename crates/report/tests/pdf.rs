//! The handout and guide PDFs: valid, complete (checked through `pdftotext`), and unbroken by
//! hostile text.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use backstride_core::assessment::{Assessment, Thresholds, assess};
use backstride_core::library::{DosageKind, ExerciseId, RawDosage};
use backstride_core::programme::{
    self, DayOfWeek, MinutesCap, Programme, ProgrammeEdit, ProgrammeRequest,
};
use backstride_report::{
    BrandColour, Clinic, Handout, ReportError, guide_pdf, handout_pdf, typeset_handout,
};
use jiff::civil::Date;

const EXAMPLE: &str = include_str!("../../core/examples/assessment.json");

fn clinic() -> Clinic {
    Clinic {
        name: "Riverside Physio".to_owned(),
        contact: "0161 496 0000 · hello@riverside.example".to_owned(),
        brand_colour: "#0f6e6e".parse().unwrap(),
        self_directed: false,
    }
}

/// The example assessment's programme with room for everything, cut or filled to 10 items.
fn ten_item_programme() -> Programme {
    let raw: Assessment = serde_json::from_str(EXAMPLE).unwrap();
    let result = assess(&raw, &Thresholds::default()).unwrap();
    let mut request = ProgrammeRequest::new(Date::new(2026, 3, 2).unwrap()).run_days([
        DayOfWeek::Tuesday,
        DayOfWeek::Thursday,
        DayOfWeek::Sunday,
    ]);
    request.settings.minutes_cap = MinutesCap::try_from(120).unwrap();
    let mut programme = programme::generate(&result, &request).unwrap();
    let mut n = 0;
    while programme.items.len() < 10 {
        n += 1;
        let edit = ProgrammeEdit::AddCustom {
            title: format!("Clinician's walk {n}"),
            text: "Walk briskly, arms swinging, for the time given.".to_owned(),
            dosage: RawDosage {
                kind: DosageKind::HoldSeconds,
                sets: 1,
                reps_or_seconds: 300,
                rest_seconds: 0,
                days_per_week: 3,
            },
        };
        programme = programme::apply(&programme, edit).unwrap();
    }
    while programme.items.len() > 10 {
        let item = programme.items.last().unwrap().key.clone();
        programme = programme::apply(&programme, ProgrammeEdit::Remove { item }).unwrap();
    }
    programme
}

fn handout(runner_name: &str) -> Handout {
    Handout {
        clinic: clinic(),
        runner_name: runner_name.to_owned(),
        issued_on: Date::new(2026, 3, 1).unwrap(),
        programme: ten_item_programme(),
    }
}

/// Whitespace collapsed, so a phrase broken across lines still matches.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The PDF's text, whitespace collapsed; `None` (test skipped) when pdftotext is missing outside
/// CI. In CI a missing pdftotext fails the test.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path: PathBuf = std::env::temp_dir().join(format!(
        "backstride-report-{}-{}.pdf",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&path);
    match output {
        Ok(out) => {
            assert!(
                out.status.success(),
                "pdftotext failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(flat(&String::from_utf8(out.stdout).unwrap()))
        }
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: pdftotext is not installed ({e}); apt-get install poppler-utils");
            None
        }
        Err(e) => panic!("pdftotext is needed in CI (poppler-utils): {e}"),
    }
}

#[test]
fn the_handout_is_a_pdf_with_every_exercise_and_dose() {
    let h = handout("Ann Lee");
    assert_eq!(h.programme.items.len(), 10);
    let doc = typeset_handout(&h).unwrap();
    assert!(
        doc.warnings().is_empty(),
        "typst warned: {:?}",
        doc.warnings()
    );
    let pdf = doc.pdf().unwrap();
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let Some(text) = pdf_text(&pdf) else { return };
    let mut missing = Vec::new();
    for item in &h.programme.items {
        missing.extend([
            flat(&item.name),
            flat(&item.dosage.describe(item.sidedness)),
        ]);
    }
    missing.retain(|s| !text.contains(s.as_str()));
    assert!(
        missing.is_empty(),
        "missing from the PDF: {missing:#?}\n\n{text}"
    );
    for phrase in [
        "Home programme for Ann Lee",
        "Riverside Physio",
        "2 March 2026 to 15 March 2026",
        "When to stop and call the clinic",
        "pain goes above 5 out of 10",
        "has not settled back to your usual level by the next morning",
        "numbness or tingling in the saddle area",
        "go to an emergency department now",
    ] {
        assert!(text.contains(phrase), "missing {phrase:?}\n\n{text}");
    }
}

#[test]
fn the_handout_shows_the_extra_set_on_the_weaker_side() {
    let h = handout("Ann Lee");
    let Some(item) = h
        .programme
        .items
        .iter()
        .find(|i| i.extra_set_side.is_some())
    else {
        panic!("the example has an asymmetry, so some item has an extra set");
    };
    let side = item.extra_set_side.unwrap();
    let text = pdf_text(&handout_pdf(&h).unwrap());
    let Some(text) = text else { return };
    let sets = item.dosage.sets();
    assert!(text.contains(&format!("{} ×", sets + 1)), "{text}");
    assert!(
        text.contains(&format!("Your {side} side is the weaker one")),
        "{text}"
    );
}

#[test]
fn hostile_names_are_printed_as_typed() {
    let hostile = [
        "#set page(fill: red) Ann",
        "*bold* _under_ $x^2$",
        "[#panic()] ] [",
        r"back\slash \ end",
        "<label> @ref `code` ```raw```",
        "// not a comment /* nor this",
        "Jo\nnewline\r\n#import \"@preview/x:0.1.0\"",
        "= Heading - list",
        "+ enum 1. ~ ' \" -- --- Lee",
        "#{ while true {} }",
        "Zoë Ñúñez-O'Brien",
    ];
    for name in hostile {
        let pdf = handout_pdf(&Handout {
            runner_name: name.to_owned(),
            clinic: Clinic {
                name: format!("{name} clinic"),
                ..clinic()
            },
            ..handout("x")
        })
        .unwrap_or_else(|e| panic!("{name:?}: {e}"));
        assert!(pdf.starts_with(b"%PDF"));
        if let Some(text) = pdf_text(&pdf) {
            // A long name may wrap at any space or slash: compare without whitespace. (Keep each
            // name short enough for one line and not ending in `-`: pdftotext takes a line ending
            // in `-` for a hyphenated word and joins it to the next.)
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            let expected = squeeze(&format!("Home programme for {name}"));
            assert!(
                squeeze(&text).contains(&expected),
                "{expected:?} not in\n{text}"
            );
        }
    }
}

#[test]
fn bad_input_gets_a_clear_error_not_a_panic() {
    let mut h = handout("  \n ");
    assert_eq!(
        handout_pdf(&h).unwrap_err(),
        ReportError::Missing("runner's name")
    );
    h.runner_name = "x".repeat(500);
    let err = handout_pdf(&h).unwrap_err();
    assert!(err.to_string().contains("500 characters"), "{err}");
    assert!(matches!(
        "#zzz".parse::<BrandColour>(),
        Err(ReportError::BrandColour(_))
    ));
    assert_eq!(
        guide_pdf(&clinic(), &[]).unwrap_err(),
        ReportError::NoExercises
    );
}

#[test]
fn an_empty_programme_still_prints() {
    let mut h = handout("Ann Lee");
    let keys: Vec<String> = h.programme.items.iter().map(|i| i.key.clone()).collect();
    for item in keys {
        h.programme = programme::apply(&h.programme, ProgrammeEdit::Remove { item }).unwrap();
    }
    let doc = typeset_handout(&h).unwrap();
    assert!(doc.page_count() >= 1);
    assert!(doc.warnings().is_empty(), "{:?}", doc.warnings());
    assert!(doc.pdf().unwrap().starts_with(b"%PDF"));
}

#[test]
fn the_guide_has_each_exercise_with_its_dose() {
    let ids: Vec<ExerciseId> = [
        "couch_stretch",
        "hip_cars",
        "single_leg_bridge_hold",
        "band_hip_abduction",
        "straight_leg_lowers",
        "pallof_press_half_kneeling",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    let pdf = guide_pdf(&clinic(), &ids).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let Some(text) = pdf_text(&pdf) else { return };
    for id in &ids {
        let ex = id.exercise();
        assert!(text.contains(&flat(ex.name)), "{}\n{text}", ex.name);
        assert!(
            text.contains(&flat(&ex.dosage.describe(ex.sidedness))),
            "{}\n{text}",
            ex.name
        );
        assert!(text.contains(&flat(ex.steps[0])), "{}\n{text}", ex.name);
    }
    assert!(text.contains("When to stop and call the clinic"));
}
