//! The decoding path of an import in one call, for the fuzzers (the cargo-fuzz target
//! `fuzz/fuzz_targets/decode.rs` and the stable fallback `examples/fuzz_stable.rs`) and the
//! hostile-input tests.

use crate::fit::{DecodeOptions, Decoder, FitError};
use crate::run::{AnalyzeOptions, analyze};

/// Runs everything an import does with untrusted bytes, discarding the results: [`analyze`]
/// (strict, then tolerating CRC mismatches, as `backstride_ingest::prepare` does) and the
/// analysis as JSON, then [`read_every_field`].
pub fn exercise(bytes: &[u8]) {
    if let Ok(analysis) = analyze(bytes, &AnalyzeOptions::default()) {
        let _ = serde_json::to_string(&analysis);
    }
    let _ = read_every_field(bytes, false);
}

/// Streams every message and reads each native and developer field in every way the decoder
/// offers (values are read lazily, so this is what exercises them); returns the number of data
/// messages, or the error decoding stopped at.
pub fn read_every_field(bytes: &[u8], check_crc: bool) -> Result<usize, FitError> {
    let mut decoder = Decoder::with_options(bytes, DecodeOptions { check_crc });
    let mut messages = 0usize;
    while let Some(message) = decoder.next_message()? {
        let _ = message.timestamp();
        for field in message.fields() {
            let _ = field.value();
            let _ = field.values().count();
            let _ = field.as_str();
        }
        for field in message.dev_fields() {
            let _ = field.value_f64();
            let _ = field.is_array();
        }
        messages = messages.saturating_add(1);
    }
    Ok(messages)
}
