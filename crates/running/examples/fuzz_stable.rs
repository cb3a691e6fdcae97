//! A small mutation fuzzer for the FIT decoding path that runs on the stable toolchain, for
//! machines without nightly and cargo-fuzz (`bench/fuzz.sh` picks one or the other).
//!
//! ```text
//! fuzz_stable SECONDS [--corpus DIR] [--crashes DIR]     fuzz for SECONDS
//! fuzz_stable --minimize FILE                            shrink a panicking input → FILE.min
//! ```
//!
//! Seeds are generated runs (`write::SyntheticRun`) plus the `.fit` files of `--corpus` (those up
//! to 512 KiB). Each input is a pure function of (run seed, input number): a seed file with 1–8
//! stacked mutations (bit flips, byte sets, interesting values, truncation, splices with another
//! seed, inserted and deleted ranges, header-size and data-size tweaks, definition field-size and
//! base-type tweaks). The decoding path (`backstride_running::fuzzing::exercise`) runs under
//! `catch_unwind`.
//!
//! The work runs in child processes so that what cannot be caught in-process is still found:
//! an abort (a failed huge allocation, a stack overflow) or a hang. A child reports progress;
//! when it dies or goes quiet, the parent replays the inputs since the last report one per
//! process and saves the culprit. Slow inputs (over [`SLOW`]) and inputs that push peak memory
//! over [`BIG_RSS_KB`] are saved too. Saved inputs go to `--crashes` (default
//! `bench/fuzz-crashes`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use backstride_running::fuzzing::exercise;
use backstride_running::write::SyntheticRun;

/// An input slower than this is saved as a hang candidate.
const SLOW: Duration = Duration::from_secs(2);
/// A child silent for this long is taken as hung.
const QUIET: Duration = Duration::from_secs(20);
/// Peak resident memory past which the input that caused it is saved.
const BIG_RSS_KB: u64 = 1024 * 1024;
/// Inputs per progress report of a child.
const REPORT_EVERY: u64 = 256;
/// Largest corpus file used as a seed.
const MAX_SEED_BYTES: u64 = 512 * 1024;

/// SplitMix64: small, fast, and seedable per input.
struct Rng(u64);

impl Rng {
    fn for_input(run_seed: u64, n: u64) -> Rng {
        let mut r = Rng(run_seed ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }
    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }
}

const INTERESTING: [u8; 10] = [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 12, 14, 0x40, 0x0D];

/// Offsets of the definition messages of the first FIT segment, found by walking the message
/// headers as the decoder does (for targeted tweaks of field counts, sizes and base types).
fn definition_offsets(b: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut sizes = [None::<usize>; 16];
    let mut pos = usize::from(b.first().copied().unwrap_or(0));
    while let Some(&h) = b.get(pos) {
        let slot = if h & 0x80 != 0 {
            usize::from((h >> 5) & 0x03)
        } else if h & 0x40 != 0 {
            out.push(pos);
            let n = usize::from(b.get(pos + 5).copied().unwrap_or(0));
            let mut next = pos + 6 + 3 * n;
            let mut size: usize = (0..n)
                .map(|i| usize::from(b.get(pos + 6 + 3 * i + 1).copied().unwrap_or(0)))
                .sum();
            if h & 0x20 != 0 {
                let m = usize::from(b.get(next).copied().unwrap_or(0));
                size += (0..m)
                    .map(|i| usize::from(b.get(next + 1 + 3 * i + 1).copied().unwrap_or(0)))
                    .sum::<usize>();
                next += 1 + 3 * m;
            }
            sizes[usize::from(h & 0x0F)] = Some(size);
            pos = next;
            continue;
        } else {
            usize::from(h & 0x0F)
        };
        match sizes[slot] {
            Some(size) => pos += 1 + size,
            None => break,
        }
    }
    out
}

fn mutate(seeds: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    let mut b = seeds[rng.below(seeds.len())].clone();
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        let len = b.len();
        match rng.below(12) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] = rng.byte();
            }
            2 if len > 0 => {
                let i = rng.below(len);
                b[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            3 => b.truncate(rng.below(len + 1)),
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let at = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                let n = rng.below(other.len() - from + 1).min(4096);
                b.truncate(at);
                b.extend_from_slice(&other[from..from + n]);
            }
            5 if len > 0 => {
                let at = rng.below(len);
                let n = rng.below(len - at + 1).min(64);
                b.drain(at..at + n);
            }
            6 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let fill: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
                b.splice(at..at, fill);
            }
            7 if len >= 1 => b[0] = [0, 11, 12, 13, 14, 15, 255][rng.below(7)],
            8 if len >= 8 => {
                let size: u32 = match rng.below(5) {
                    0 => 0,
                    1 => u32::MAX,
                    2 => u32::try_from(len).unwrap_or(0),
                    3 => u32::try_from(rng.below(len * 2 + 1)).unwrap_or(0),
                    _ => u32::try_from(rng.next() & 0xFFFF).unwrap_or(0),
                };
                b[4..8].copy_from_slice(&size.to_le_bytes());
            }
            9 if len >= 2 => {
                // Duplicate a chunk in place (repeated definitions and messages).
                let at = rng.below(len);
                let n = rng.below(len - at + 1).min(256);
                let chunk = b[at..at + n].to_vec();
                b.splice(at..at, chunk);
            }
            10 => {
                // A definition's field count, a field's size or its base type.
                let defs = definition_offsets(&b);
                if !defs.is_empty() {
                    let d = defs[rng.below(defs.len())];
                    let target = match rng.below(3) {
                        0 => d + 5,
                        1 => d + 6 + 3 * rng.below(8) + 1,
                        _ => d + 6 + 3 * rng.below(8) + 2,
                    };
                    if let Some(x) = b.get_mut(target) {
                        *x = INTERESTING[rng.below(INTERESTING.len())] ^ (rng.byte() & 0x0F);
                    }
                }
            }
            _ => {
                // A run of one value (large counters, timestamps, distances).
                if len > 0 {
                    let at = rng.below(len);
                    let v = INTERESTING[rng.below(INTERESTING.len())];
                    let end = (at + 1 + rng.below(8)).min(len);
                    b[at..end].fill(v);
                }
            }
        }
    }
    b
}

fn seeds(corpus: Option<&Path>) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for (i, seconds) in [1u32, 5, 40, 300].into_iter().enumerate() {
        seeds.push(
            SyntheticRun {
                seconds,
                stryd: i % 2 == 0,
                big_endian: i == 1,
                lap_every_m: if i == 3 { 200.0 } else { 1000.0 },
                ..Default::default()
            }
            .to_fit(),
        );
    }
    if let Some(dir) = corpus {
        let mut paths = Vec::new();
        collect(dir, &mut paths);
        paths.sort();
        for p in paths {
            if std::fs::metadata(&p).is_ok_and(|m| m.len() <= MAX_SEED_BYTES)
                && let Ok(b) = std::fs::read(&p)
            {
                seeds.push(b);
            }
        }
    }
    seeds
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("fit")) {
            out.push(p);
        }
    }
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn save(dir: &Path, kind: &str, bytes: &[u8]) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in bytes {
        h = (h ^ u64::from(x)).wrapping_mul(0x100_0000_01b3);
    }
    let path = dir.join(format!("{kind}-{h:016x}.fit"));
    let _ = std::fs::write(&path, bytes);
    path
}

fn panic_message(e: &(dyn std::any::Any + Send)) -> String {
    e.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string panic)".to_owned())
}

/// Child: inputs `from..to` of `run_seed`; reports `AT n` every [`REPORT_EVERY`] inputs and
/// `FOUND kind path message` for each finding.
fn worker(
    run_seed: u64,
    from: u64,
    to: u64,
    seeds: &[Vec<u8>],
    crashes: &Path,
    deadline: Option<Instant>,
) {
    let mut peak = peak_rss_kb();
    for n in from..to {
        if n % REPORT_EVERY == 0 {
            println!("AT {n}");
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
        }
        let input = mutate(seeds, &mut Rng::for_input(run_seed, n));
        let t = Instant::now();
        let result = std::panic::catch_unwind(|| {
            if n == 1000 {
                self_test();
            }
            exercise(&input);
        });
        let elapsed = t.elapsed();
        if let Err(e) = result {
            let path = save(crashes, "panic", &input);
            println!(
                "FOUND panic {} {}",
                path.display(),
                panic_message(e.as_ref())
            );
        }
        if elapsed > SLOW {
            let path = save(crashes, "slow", &input);
            println!(
                "FOUND slow {} {:.1} s",
                path.display(),
                elapsed.as_secs_f64()
            );
        }
        let now = peak_rss_kb();
        if now > peak && now > BIG_RSS_KB {
            let path = save(crashes, "memory", &input);
            println!("FOUND memory {} peak {} MiB", path.display(), now / 1024);
            // Reset the peak so the next culprit shows (Linux: 5 → clear_refs resets VmHWM).
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            peak = peak_rss_kb();
        } else {
            peak = peak.max(now);
        }
    }
    println!("DONE {to}");
}

/// `FUZZ_STABLE_SELF_TEST=panic|abort|hang` makes input 1000 misbehave, to check that the
/// fuzzer reports each kind.
fn self_test() {
    match std::env::var("FUZZ_STABLE_SELF_TEST").as_deref() {
        Ok("panic") => panic!("self-test panic"),
        Ok("abort") => std::process::abort(),
        Ok("hang") => std::thread::sleep(Duration::from_secs(3600)),
        _ => {}
    }
}

enum Line {
    Text(String),
    Eof,
}

/// Runs a child over `from..to`; returns the last input reached, whether it finished cleanly,
/// and the findings it printed.
fn run_child(args: &[String], timeout: Duration) -> (Option<u64>, bool, Vec<String>) {
    let exe = std::env::current_exe().expect("own path");
    let mut child = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn worker");
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(Line::Text(line)).is_err() {
                return;
            }
        }
        let _ = tx.send(Line::Eof);
    });
    let mut at = None;
    let mut done = false;
    let mut found = Vec::new();
    loop {
        match rx.recv_timeout(timeout) {
            Ok(Line::Text(l)) => {
                if let Some(n) = l.strip_prefix("AT ") {
                    at = n.parse().ok();
                } else if l.starts_with("DONE ") {
                    done = true;
                } else if let Some(f) = l.strip_prefix("FOUND ") {
                    println!("  found: {f}");
                    found.push(f.to_owned());
                }
            }
            Ok(Line::Eof) => break,
            Err(_) => {
                let _ = child.kill();
                break;
            }
        }
    }
    let status = child.wait().map(|s| s.success()).unwrap_or(false);
    (at, done && status, found)
}

/// After a child died or hung somewhere in `from..to`: one input per process to find it.
fn replay(
    run_seed: u64,
    (from, to): (u64, u64),
    seeds: &[Vec<u8>],
    crashes: &Path,
    extra: &[String],
) -> Vec<String> {
    let mut found = Vec::new();
    for n in from..to {
        let mut args = vec![
            "--worker".to_owned(),
            run_seed.to_string(),
            n.to_string(),
            (n + 1).to_string(),
        ];
        args.extend(extra.iter().cloned());
        let (_, ok, _) = run_child(&args, QUIET);
        if !ok {
            let input = mutate(seeds, &mut Rng::for_input(run_seed, n));
            let path = save(crashes, "abort-or-hang", &input);
            let line = format!("abort-or-hang {} (input {n})", path.display());
            println!("  found: {line}");
            found.push(line);
            break;
        }
    }
    found
}

fn minimize(path: &Path) {
    let Ok(mut bytes) = std::fs::read(path) else {
        eprintln!("cannot read {}", path.display());
        std::process::exit(1);
    };
    let panics = |b: &[u8]| std::panic::catch_unwind(|| exercise(b)).is_err();
    if !panics(&bytes) {
        println!("{} does not panic", path.display());
        return;
    }
    // Remove ever smaller chunks while the panic stays, then zero bytes that do not matter.
    let mut chunk = bytes.len() / 2;
    while chunk >= 1 {
        let mut at = 0;
        while at < bytes.len() {
            let mut shorter = bytes.clone();
            shorter.drain(at..(at + chunk).min(bytes.len()));
            if panics(&shorter) {
                bytes = shorter;
            } else {
                at += chunk;
            }
        }
        chunk /= 2;
    }
    for i in 0..bytes.len() {
        if bytes[i] != 0 {
            let mut z = bytes.clone();
            z[i] = 0;
            if panics(&z) {
                bytes = z;
            }
        }
    }
    let out = path.with_extension("min");
    let _ = std::fs::write(&out, &bytes);
    println!("{} bytes → {}: {:02x?}", bytes.len(), out.display(), bytes);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut corpus = None;
    let mut crashes = PathBuf::from("bench/fuzz-crashes");
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--corpus" => corpus = it.next().map(PathBuf::from),
            "--crashes" => crashes = it.next().map(PathBuf::from).unwrap_or(crashes),
            "--minimize" => {
                std::panic::set_hook(Box::new(|_| {}));
                minimize(Path::new(it.next().map_or("", String::as_str)));
                return;
            }
            _ => rest.push(a.clone()),
        }
    }
    if rest.first().map(String::as_str) == Some("--worker") {
        // --worker RUN_SEED FROM TO [SECONDS] [--corpus DIR] [--crashes DIR]
        let num = |i: usize| rest.get(i).and_then(|s| s.parse::<u64>().ok());
        let (Some(seed), Some(from), Some(to)) = (num(1), num(2), num(3)) else {
            std::process::exit(2);
        };
        let deadline = num(4).map(|s| Instant::now() + Duration::from_secs(s));
        std::panic::set_hook(Box::new(|_| {}));
        worker(
            seed,
            from,
            to,
            &seeds(corpus.as_deref()),
            &crashes,
            deadline,
        );
        return;
    }
    let Some(seconds) = rest.first().and_then(|s| s.parse::<u64>().ok()) else {
        eprintln!(
            "usage: fuzz_stable SECONDS [--corpus DIR] [--crashes DIR] | fuzz_stable --minimize FILE"
        );
        std::process::exit(2);
    };
    let seeds = seeds(corpus.as_deref());
    let run_seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_secs());
    println!(
        "stable fuzzer: {} seeds, run seed {run_seed}, {seconds} s, crashes to {}",
        seeds.len(),
        crashes.display()
    );
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut next = 0u64;
    let mut findings = Vec::new();
    let mut extra = Vec::new();
    if let Some(c) = &corpus {
        extra.extend(["--corpus".to_owned(), c.display().to_string()]);
    }
    extra.extend(["--crashes".to_owned(), crashes.display().to_string()]);
    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now()).as_secs() + 1;
        let to = next + 1_000_000_000;
        let mut args = vec![
            "--worker".to_owned(),
            run_seed.to_string(),
            next.to_string(),
            to.to_string(),
            left.to_string(),
        ];
        args.extend(extra.iter().cloned());
        let (at, ok, found) = run_child(&args, QUIET);
        findings.extend(found);
        let reached = at.unwrap_or(next);
        if ok {
            next = reached;
            break;
        }
        // Died or hung after its last report: find the input, then go on past it.
        let end = reached + REPORT_EVERY;
        findings.extend(replay(run_seed, (reached, end), &seeds, &crashes, &extra));
        next = end;
    }
    let secs = started.elapsed().as_secs_f64();
    #[expect(clippy::cast_precision_loss, reason = "display only")]
    let rate = next as f64 / secs;
    println!(
        "ran {next} inputs in {secs:.0} s ({rate:.0} inputs/s); {} finding(s)",
        findings.len()
    );
    if !findings.is_empty() {
        for f in &findings {
            println!("  {f}");
        }
        std::process::exit(1);
    }
}
