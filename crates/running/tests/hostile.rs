//! Hostile files that decode cleanly but were built to exhaust time or memory (found while
//! adding the fuzzers' hang and memory guards; each took minutes or gigabytes before its fix):
//!
//! - many laps or sessions whose time windows all cover every record (the analysis was
//!   quadratic: 107 s for the 80 kB sessions file below);
//! - thousands of developer field descriptions and records with hundreds of developer fields
//!   (a linear search per field per record);
//! - millions of one-byte records (5 MB of them took 1.5 GB).
//!
//! The inputs are generated rather than byte literals: the trouble is in their size.

use std::time::{Duration, Instant};

use backstride_running::fit::profile::{self, mesg};
use backstride_running::fit::{self, BaseType, DecodeOptions, FitWarning, MAX_RECORDS};
use backstride_running::write::{FieldValue, FitWriter, WriteField};
use backstride_running::{AnalyzeOptions, analyze};

/// `records` one-byte records (no fields, compressed timestamps 0, 1, 2, …), then `laps` lap
/// messages and `sessions` running-session messages, each spanning every record.
fn overlapping(records: u32, laps: u32, sessions: u32) -> Vec<u8> {
    use FieldValue::Int;
    let mut w = FitWriter::new();
    w.define(0, mesg::RECORD, &[], false);
    for t in 0..records {
        w.data_compressed(0, u8::try_from(t % 32).unwrap(), &[], &[]);
    }
    let summary = |f: &profile::SummaryFields| {
        vec![
            WriteField::new(f.start_time, BaseType::Uint32),
            WriteField::new(f.sport, BaseType::Enum),
            WriteField::new(f.total_elapsed_time.num, BaseType::Uint32),
        ]
    };
    let values = [
        Int(0),
        Int(i64::from(profile::SPORT_RUNNING)),
        Int(i64::from(records) * 1000),
    ];
    w.define(1, mesg::LAP, &summary(&profile::LAP), false);
    for _ in 0..laps {
        w.data(1, &values, &[]);
    }
    w.define(2, mesg::SESSION, &summary(&profile::SESSION), false);
    for _ in 0..sessions {
        w.data(2, &values, &[]);
    }
    w.finish()
}

fn timed(bytes: &[u8]) -> Duration {
    let t = Instant::now();
    let analysis = analyze(bytes, &AnalyzeOptions::default()).unwrap();
    assert!(!analysis.runs.is_empty());
    t.elapsed()
}

#[test]
fn overlapping_laps_are_analysed_in_linear_time() {
    // 50 kB of records, 30 kB of laps.
    let bytes = overlapping(50_000, 2_500, 1);
    let took = timed(&bytes);
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn overlapping_sessions_are_analysed_in_linear_time() {
    let bytes = overlapping(50_000, 0, 2_500);
    let took = timed(&bytes);
    assert!(took < Duration::from_secs(5), "{took:?}");
}

/// One-byte records: a definition without fields, then compressed-timestamp headers.
fn one_byte_records(n: usize) -> Vec<u8> {
    let mut w = FitWriter::new();
    w.define(0, mesg::RECORD, &[], false);
    for t in 0..n {
        w.data_compressed(0, u8::try_from(t % 32).unwrap(), &[], &[]);
    }
    w.finish()
}

#[test]
fn records_past_the_limit_are_dropped_with_a_warning() {
    let file = fit::parse(
        &one_byte_records(MAX_RECORDS + 10),
        DecodeOptions::default(),
    )
    .unwrap();
    assert_eq!(file.records.len(), MAX_RECORDS);
    assert_eq!(file.messages, MAX_RECORDS + 10);
    assert_eq!(
        file.warnings,
        vec![FitWarning::TooMany {
            what: "record",
            kept: MAX_RECORDS
        }]
    );
    let at_limit = fit::parse(&one_byte_records(MAX_RECORDS), DecodeOptions::default()).unwrap();
    assert!(at_limit.warnings.is_empty());
}

#[test]
fn developer_field_lookups_do_not_scan_every_description() {
    use FieldValue::Int;
    let mut w = FitWriter::new();
    let description = [
        WriteField::new(0, BaseType::Uint8),
        WriteField::new(1, BaseType::Uint8),
        WriteField::new(2, BaseType::Uint8),
    ];
    w.define(1, mesg::FIELD_DESCRIPTION, &description, false);
    for index in 0..=254u8 {
        for num in 0..=255u8 {
            w.data(1, &[Int(index.into()), Int(num.into()), Int(0x84)], &[]);
        }
    }
    // Records with 255 developer fields of size 0 of index 255, which has no descriptions.
    let dev: Vec<(u8, u8, u8)> = (0..=254u8).map(|num| (num, 0, 255)).collect();
    w.define_with_dev(0, mesg::RECORD, &[], &dev, false);
    for _ in 0..2_000 {
        w.data(0, &[], &[]);
    }
    let bytes = w.finish();
    let t = Instant::now();
    let file = fit::parse(&bytes, DecodeOptions::default()).unwrap();
    let took = t.elapsed();
    assert_eq!(file.records.len(), 2_000);
    // Field number 255 is the invalid value, so no description has it.
    assert_eq!(file.dev_fields.len(), 255 * 255);
    assert!(took < Duration::from_secs(5), "{took:?}");
}
