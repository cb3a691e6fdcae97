//! The decoding path of an import in one call, for the fuzzers: the cargo-fuzz target
//! (`fuzz/fuzz_targets/decode.rs`) and the stable fallback (`examples/fuzz_stable.rs`).

use crate::fit::{DecodeOptions, Decoder};
use crate::run::{AnalyzeOptions, analyze};

/// Runs everything an import does with untrusted bytes, discarding the results: [`analyze`]
/// (strict, then tolerating CRC mismatches, as `backstride_ingest::prepare` does) and the
/// analysis as JSON, then a streaming pass that reads every native and developer field.
pub fn exercise(bytes: &[u8]) {
    if let Ok(analysis) = analyze(bytes, &AnalyzeOptions::default()) {
        let _ = serde_json::to_string(&analysis);
    }
    let mut decoder = Decoder::with_options(bytes, DecodeOptions { check_crc: false });
    while let Ok(Some(message)) = decoder.next_message() {
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
    }
}
