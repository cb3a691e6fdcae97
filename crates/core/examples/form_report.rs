//! Prints core's running-form report for a landmark series file (the JSON the video page posts),
//! with CLINICAL.md's default cut-offs: `cargo run --example form_report -- SERIES.json`.

use backstride_core::Thresholds;
use backstride_core::form::{RawSeries, analyse, validate};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: form_report SERIES.json");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let raw: RawSeries = match serde_json::from_str(&text) {
        Ok(raw) => raw,
        Err(e) => {
            eprintln!("{path}: not a landmark series: {e}");
            std::process::exit(1);
        }
    };
    match validate(&raw) {
        Ok(series) => {
            let report = analyse(&series, &Thresholds::default());
            match serde_json::to_string_pretty(&report) {
                Ok(json) => println!("{json}"),
                Err(e) => eprintln!("{e}"),
            }
        }
        Err(errors) => {
            eprintln!("refused: {errors}");
            std::process::exit(1);
        }
    }
}
