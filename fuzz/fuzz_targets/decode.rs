//! cargo-fuzz target: the FIT decoding path of an import on arbitrary bytes — `fit::parse`
//! (strict, then tolerating CRC mismatches, as `backstride_ingest::prepare` does),
//! `analyze_file` and its JSON, and a streaming pass reading every field. Keep in step with
//! `exercise` in `crates/running/examples/fuzz_stable.rs` (the stable fallback).
#![no_main]

use backstride_running::fit::{self, DecodeOptions, Decoder};
use backstride_running::{AnalyzeOptions, analyze_file};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let file = match fit::parse(bytes, DecodeOptions::default()) {
        Err(fit::FitError::FileCrc { .. } | fit::FitError::HeaderCrc { .. }) => {
            fit::parse(bytes, DecodeOptions { check_crc: false })
        }
        other => other,
    };
    if let Ok(file) = file {
        let analysis = analyze_file(&file, &AnalyzeOptions::default());
        let _ = serde_json::to_string(&analysis);
    }
    let mut d = Decoder::with_options(bytes, DecodeOptions { check_crc: false });
    while let Ok(Some(m)) = d.next_message() {
        let _ = m.timestamp();
        for f in m.fields() {
            let _ = f.value();
            let _ = f.values().count();
            let _ = f.as_str();
        }
        for f in m.dev_fields() {
            let _ = f.value_f64();
            let _ = f.is_array();
        }
    }
});
