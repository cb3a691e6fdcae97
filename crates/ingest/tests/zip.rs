//! Zip bombs and deep nesting: refused with the limits in words, within the budget of one upload.

use backstride_ingest::{
    MAX_ZIP_DEPTH, Rejected, UPLOAD_UNZIPPED_BYTES, WatchFile, ZipLimits, expand_zip,
    expand_zip_within,
};
use std::io::{Cursor, Write};

const MIB: usize = 1024 * 1024;

fn zip_of(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(true);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Two zips of 40 MiB (stored), each holding two 20 MiB "FIT files" of zeros, packed into a
/// deflated zip of well under a megabyte: 160 MiB in all once unpacked.
fn nested_bomb() -> Vec<u8> {
    let zeros = vec![0u8; 20 * MIB];
    let inner = zip_of(
        &[("a.fit", &zeros), ("b.fit", &zeros)],
        zip::CompressionMethod::Stored,
    );
    zip_of(
        &[("one.zip", &inner), ("two.zip", &inner)],
        zip::CompressionMethod::Deflated,
    )
}

fn expand(bytes: &[u8], limits: &ZipLimits, budget: &mut u64) -> (Vec<WatchFile>, Vec<Rejected>) {
    let (mut files, mut refused) = (Vec::new(), Vec::new());
    expand_zip_within(
        "bomb.zip",
        Cursor::new(bytes),
        limits,
        budget,
        &mut |e| match e {
            Ok(file) => files.push(file),
            Err(r) => refused.push(r),
        },
    )
    .unwrap();
    (files, refused)
}

#[test]
fn a_nested_zip_bomb_stops_at_the_upload_budget_with_the_limit_in_words() {
    let bomb = nested_bomb();
    assert!(bomb.len() < 2 * MIB, "the bomb is small: {}", bomb.len());
    let limits = ZipLimits::upload();
    let mut budget = limits.total_bytes;
    let (files, refused) = expand(&bomb, &limits, &mut budget);
    let unpacked: u64 = files.iter().map(|f| f.bytes.len() as u64).sum();
    assert!(unpacked <= UPLOAD_UNZIPPED_BYTES, "{unpacked}");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].reason.contains("64.0 MiB in all") && refused[0].reason.contains("zip bomb"),
        "{}",
        refused[0].reason
    );
    assert!(
        !files.iter().any(|f| f.name.contains("two.zip")),
        "nothing after the refusal is read"
    );

    // The budget is the upload's: a second zip in the same upload gets only what is left.
    let (files, refused) = expand(&bomb, &limits, &mut budget);
    assert!(files.is_empty());
    assert!(refused[0].reason.contains("64.0 MiB"), "{refused:?}");
}

#[test]
fn zips_nested_deeper_than_the_limit_are_refused_saying_how_deep() {
    let fit = b".FIT placeholder";
    let mut archive = zip_of(&[("run.fit", fit)], zip::CompressionMethod::Deflated);
    for _ in 0..=MAX_ZIP_DEPTH {
        archive = zip_of(&[("inner.zip", &archive)], zip::CompressionMethod::Deflated);
    }
    let (mut files, mut refused) = (Vec::new(), Vec::new());
    expand_zip(
        "deep.zip",
        Cursor::new(&archive),
        &ZipLimits::upload(),
        &mut |e| match e {
            Ok(file) => files.push(file),
            Err(r) => refused.push(r),
        },
    )
    .unwrap();
    assert!(files.is_empty());
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0]
            .reason
            .contains(&format!("only {MAX_ZIP_DEPTH} levels deep")),
        "{}",
        refused[0].reason
    );
}
