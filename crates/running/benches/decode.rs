//! Decoding speed: our FIT decoder against the `fitparser` crate on the largest running files
//! of the shared corpus (or a generated run when the corpus is absent). Throughput is shown in
//! divan's table; a MB/s summary for each file is printed at the end.
//!
//! Run with `CARGO_TARGET_DIR=/work/target-running cargo bench -p backstride-running`.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use backstride_running::fit::{self, DecodeOptions, Decoder};
use backstride_running::write::SyntheticRun;
use divan::Bencher;
use divan::counter::BytesCount;

/// The largest running (or multisport with running) files of the corpus, largest first.
const CORPUS_FILES: [&str; 4] = [
    "GoldenCheetah/MultiSport-2019-11-24.fit",
    "sports-lib/4623204522.fit",
    "Runalyze/support-001885-rs-pronation.fit",
    "Runalyze/garmin-runPower.fit",
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/fit")
}

fn inputs() -> &'static [(&'static str, Vec<u8>)] {
    static INPUTS: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let dir = corpus_dir();
        let mut v: Vec<(&'static str, Vec<u8>)> = CORPUS_FILES
            .iter()
            .filter_map(|name| std::fs::read(dir.join(name)).ok().map(|b| (*name, b)))
            .collect();
        if v.is_empty() {
            println!(
                "skipped corpus: shared FIT corpus not found at {}; using a generated run",
                dir.display()
            );
        }
        // A generated 6-hour run with running dynamics and Stryd fields (about 1 MB).
        let spec = SyntheticRun {
            seconds: 21_600,
            stryd: true,
            ..Default::default()
        };
        v.push(("generated-6h-run", spec.to_fit()));
        v
    })
}

fn names() -> Vec<&'static str> {
    inputs().iter().map(|(n, _)| *n).collect()
}

fn bytes_of(name: &str) -> &'static [u8] {
    inputs()
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| b.as_slice())
        .unwrap_or(&[])
}

/// Ours, full: decode and build the typed records, laps and sessions.
#[divan::bench(args = names())]
fn ours_parse(bencher: Bencher, name: &str) {
    let bytes = bytes_of(name);
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench(|| fit::parse(divan::black_box(bytes), DecodeOptions::default()).unwrap());
}

/// Ours, streaming only: walk every message (CRC checked) without building anything.
#[divan::bench(args = names())]
fn ours_stream(bencher: Bencher, name: &str) {
    let bytes = bytes_of(name);
    bencher.counter(BytesCount::new(bytes.len())).bench(|| {
        let mut d = Decoder::new(divan::black_box(bytes));
        let mut n = 0usize;
        while let Some(m) = d.next_message().unwrap() {
            n += usize::from(m.global());
        }
        n
    });
}

/// The `fitparser` crate (0.11): decodes every field of every message.
#[divan::bench(args = names())]
fn fitparser_from_bytes(bencher: Bencher, name: &str) {
    let bytes = bytes_of(name);
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench(|| fitparser::from_bytes(divan::black_box(bytes)).map(|v| v.len()));
}

/// Median-of-runs MB/s of `f` on `bytes`, timed by hand for the closing summary.
fn mb_per_s(bytes: &[u8], mut f: impl FnMut(&[u8])) -> f64 {
    let mut times = Vec::new();
    let deadline = Instant::now();
    while times.len() < 5 || (deadline.elapsed().as_secs_f64() < 1.0 && times.len() < 200) {
        let t = Instant::now();
        f(divan::black_box(bytes));
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    bytes.len() as f64 / median / 1e6
}

fn main() {
    divan::main();
    println!("\nSummary (median MB/s; ratio = ours_parse / fitparser):");
    println!(
        "{:<58} {:>10} {:>10} {:>10} {:>7}",
        "file", "ours_parse", "ours_strm", "fitparser", "ratio"
    );
    for (name, bytes) in inputs() {
        let ours = mb_per_s(bytes, |b| {
            fit::parse(b, DecodeOptions::default()).unwrap();
        });
        let stream = mb_per_s(bytes, |b| {
            let mut d = Decoder::new(b);
            while d.next_message().unwrap().is_some() {}
        });
        let ok = fitparser::from_bytes(bytes).is_ok();
        let theirs = mb_per_s(bytes, |b| {
            let _ = fitparser::from_bytes(b);
        });
        println!(
            "{:<58} {:>10.1} {:>10.1} {:>10.1} {:>6.1}x{}",
            format!("{name} ({} kB)", bytes.len() / 1000),
            ours,
            stream,
            theirs,
            ours / theirs,
            if ok {
                ""
            } else {
                "  (fitparser failed on this file)"
            }
        );
    }
}
