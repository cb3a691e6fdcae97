//! Watch-run summaries kept compactly: a summary's JSON (the analysed run, its laps and splits
//! with every metric's distribution, and the chart series: 20–30 KB) is stored deflated and
//! base64-encoded behind a short mark, about a sixth of its size. Summaries stored before
//! (plain JSON) read as they are, so no migration rewrites them.
//!
//! Only the store sees the packed form: every run it returns carries the JSON.

use base64::Engine;
use std::io::{Read, Write};

/// What a packed summary begins with (JSON never does).
const MARK: &str = "deflate:";

/// Summaries shorter than this are kept as they are: packing would save little.
const PACK_FROM: usize = 512;

/// Most bytes a packed summary may unpack to. **Our choice**: far above any real summary (the
/// series is bounded to 200 points), so a damaged or hostile row cannot fill the memory.
const MAX_UNPACKED: u64 = 8 << 20;

/// The summary as stored: `json` deflated behind [`MARK`], or `json` itself when short or
/// packed already (so packing twice changes nothing).
pub fn pack(json: &str) -> String {
    if json.len() < PACK_FROM || json.starts_with(MARK) {
        return json.to_owned();
    }
    let mut encoder = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(json.len() / 4),
        flate2::Compression::fast(),
    );
    // Writing to a Vec cannot fail.
    let deflated = encoder
        .write_all(json.as_bytes())
        .and_then(|()| encoder.finish());
    match deflated {
        Ok(bytes) => {
            let mut out = String::with_capacity(MARK.len() + bytes.len() * 4 / 3 + 4);
            out.push_str(MARK);
            base64::engine::general_purpose::STANDARD_NO_PAD.encode_string(&bytes, &mut out);
            out
        }
        Err(_) => json.to_owned(),
    }
}

/// The summary's JSON from its stored form: unpacked, or as it is when it was stored plain. A
/// packed summary that cannot be read comes back as an empty object (the run page then shows
/// an empty run rather than an error), with a warning in the log.
pub fn unpack(stored: String) -> String {
    let Some(encoded) = stored.strip_prefix(MARK) else {
        return stored;
    };
    let unpacked = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(encoded)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            let mut json = String::new();
            flate2::read::DeflateDecoder::new(&bytes[..])
                .take(MAX_UNPACKED)
                .read_to_string(&mut json)
                .map_err(|e| e.to_string())?;
            Ok(json)
        });
    match unpacked {
        Ok(json) => json,
        Err(e) => {
            tracing::warn!(error = %e, "a stored run summary could not be unpacked");
            "{}".to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_packs_small_and_unpacks_to_itself() {
        let json = format!(
            "{{\"laps\":[{}]}}",
            (0..40)
                .map(|i| format!(
                    "{{\"number\":{i},\"cadence_spm\":{{\"median\":{}.0,\"q1\":155.0,\"q3\":157.0}}}}",
                    150 + i % 7
                ))
                .collect::<Vec<_>>()
                .join(",")
        );
        let packed = pack(&json);
        assert!(packed.starts_with(MARK));
        assert!(
            packed.len() * 2 < json.len(),
            "{} of {}",
            packed.len(),
            json.len()
        );
        assert_eq!(pack(&packed), packed, "packing twice changes nothing");
        assert_eq!(unpack(packed), json);
    }

    #[test]
    fn short_and_earlier_plain_summaries_read_as_they_are() {
        assert_eq!(pack("{}"), "{}");
        let plain = format!("{{\"notes\":\"{}\"}}", "x".repeat(600));
        assert_eq!(unpack(plain.clone()), plain);
    }

    #[test]
    fn a_damaged_summary_reads_as_an_empty_one() {
        assert_eq!(unpack(format!("{MARK}not base64!")), "{}");
        assert_eq!(unpack(format!("{MARK}AAAA")), "{}");
    }
}
