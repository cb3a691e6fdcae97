//! Decoder throughput over a folder of FIT files, on one thread: our decode + analyse
//! (`backstride_running::analyze`, as `backstride analyze` and import use it) and the `fitparser`
//! crate's `from_bytes` (every field of every message), each over the same bytes held in memory;
//! our decoding alone (`fit::parse`, CRC not checked) is shown for context.
//!
//! ```text
//! cargo run --release -p backstride-running --example throughput -- DIR [MIN_SECONDS]
//! ```
//!
//! Each decoder walks the whole corpus repeatedly for at least `MIN_SECONDS` (default 3) and at
//! least 3 passes; the median pass gives MB/s (10^6 bytes) and files/s. Files a decoder
//! rejects still count (its time on them is spent). `bench/fit/run.sh` parses the `RESULT` lines.

use std::path::{Path, PathBuf};
use std::time::Instant;

use backstride_running::fit::{self, DecodeOptions};
use backstride_running::{AnalyzeOptions, analyze};

fn fit_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            fit_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("fit"))
        {
            out.push(path);
        }
    }
}

/// Decodes one file; false when the decoder rejects it.
type Decode<'a> = dyn Fn(&[u8]) -> bool + 'a;

/// Runs `decode` over every file per pass until `min_s` seconds and 3 passes have gone by;
/// returns the median pass in seconds and how many files `decode` rejected.
fn measure(files: &[Vec<u8>], min_s: f64, decode: &Decode<'_>) -> (f64, usize) {
    let started = Instant::now();
    let mut passes = Vec::new();
    let mut rejected = 0;
    while passes.len() < 3 || started.elapsed().as_secs_f64() < min_s {
        let t = Instant::now();
        rejected = files
            .iter()
            .filter(|b| !decode(std::hint::black_box(b)))
            .count();
        passes.push(t.elapsed().as_secs_f64());
    }
    passes.sort_by(f64::total_cmp);
    (passes[passes.len() / 2], rejected)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: throughput DIR [MIN_SECONDS]");
        std::process::exit(2);
    };
    let min_s: f64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(3.0);
    let mut paths = Vec::new();
    fit_files(&dir, &mut paths);
    paths.sort();
    let files: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    if files.is_empty() {
        println!("skipped: no .fit files under {}", dir.display());
        return;
    }
    let total: usize = files.iter().map(Vec::len).sum();
    println!(
        "corpus: {} files, {:.2} MB, from {}",
        files.len(),
        total as f64 / 1e6,
        dir.display()
    );
    // fitparser may panic on damaged input; keep its panics out of the output and count them as
    // rejections.
    std::panic::set_hook(Box::new(|_| {}));
    let options = AnalyzeOptions::default();
    let ours = |b: &[u8]| analyze(b, &options).is_ok();
    let fitparser =
        |b: &[u8]| std::panic::catch_unwind(|| fitparser::from_bytes(b).is_ok()).unwrap_or(false);
    // For context: our decoding alone (typed records, laps, sessions), without the analysis.
    let ours_decode = |b: &[u8]| fit::parse(b, DecodeOptions { check_crc: false }).is_ok();
    let decoders: [(&str, &Decode<'_>); 3] = [
        ("backstride", &ours),
        ("backstride_decode_only", &ours_decode),
        ("fitparser", &fitparser),
    ];
    for (name, decode) in decoders {
        let (secs, rejected) = measure(&files, min_s, decode);
        println!(
            "RESULT {name} mb_per_s={:.3} files_per_s={:.2} rejected={rejected} pass_s={secs:.4}",
            total as f64 / secs / 1e6,
            files.len() as f64 / secs,
        );
    }
}
