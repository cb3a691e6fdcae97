//! Writes generated running FIT files (`backstride_running::write::SyntheticRun`) for
//! benchmarks.
//!
//! ```text
//! synthetic one OUT.fit [SECONDS]   one run of SECONDS 1 Hz records (default 3600)
//! synthetic many DIR COUNT          COUNT distinct runs of 30 to 90 minutes, one a day
//! ```

use std::path::PathBuf;

use backstride_running::write::SyntheticRun;

const DAY: u32 = 86_400;

fn usage() -> ! {
    eprintln!("usage: synthetic one OUT.fit [SECONDS] | synthetic many DIR COUNT");
    std::process::exit(2);
}

fn write(path: &PathBuf, run: &SyntheticRun) -> usize {
    let bytes = run.to_fit();
    if let Err(e) = std::fs::write(path, &bytes) {
        eprintln!("cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
    bytes.len()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["one", out, ref rest @ ..] => {
            let seconds = match rest {
                [] => 3600,
                [s] => s.parse().unwrap_or_else(|_| usage()),
                _ => usage(),
            };
            let run = SyntheticRun {
                seconds,
                ..Default::default()
            };
            let n = write(&PathBuf::from(out), &run);
            println!("wrote {out}: {seconds} s, {n} bytes");
        }
        ["many", dir, count] => {
            let count: u32 = count.parse().unwrap_or_else(|_| usage());
            let dir = PathBuf::from(dir);
            if let Err(e) = std::fs::create_dir_all(&dir) {
                eprintln!("cannot create {}: {e}", dir.display());
                std::process::exit(1);
            }
            let base = SyntheticRun::default();
            let mut total = 0;
            for i in 0..count {
                // Deterministic variety: every run has its own start, length and pace, so every
                // file has its own content hash.
                let run = SyntheticRun {
                    start: base.start + i * DAY,
                    seconds: 1800 + (i * 397) % 3601,
                    speed_mps: 2.6 + f64::from(i % 9) * 0.1,
                    cadence_spm: 162.0 + f64::from(i % 13),
                    stryd: i % 4 == 0,
                    ..base.clone()
                };
                total += write(&dir.join(format!("run-{i:05}.fit")), &run);
            }
            println!(
                "wrote {count} runs to {}: {total} bytes in all",
                dir.display()
            );
        }
        _ => usage(),
    }
}
