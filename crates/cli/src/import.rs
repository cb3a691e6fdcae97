//! `backstride import`: bring a runner's watch files in — single files, folders and Garmin export
//! zips — decoded in parallel on every core, written one file at a time, with a progress bar and
//! a closing summary.
//!
//! One reader thread walks the inputs and unpacks zips, worker threads decode, and one writer
//! stores the runs, so a slow disk, a slow database and the decoder overlap.

use std::fs::File;
use std::io::{BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use backstride_core::{Email, Role};
use backstride_running::AnalyzeOptions;
use backstride_store::{Actor, Store, StoreError};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::settings::{ConnectArgs, Settings};

use backstride_ingest::{
    self as ingest, FileReport, Outcome, Prepared, Rejected, WatchFile, ZipLimits,
};

/// Flags of `backstride import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// FIT files, folders (searched recursively for *.fit and *.zip, any case) and zip exports
    /// (every *.fit inside, zips inside zips too).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Email of the runner the runs belong to.
    #[arg(long, value_name = "EMAIL")]
    pub runner: String,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// What the reader thread hands to the decoders.
enum Job {
    /// A file on disk, read by the worker that decodes it.
    Path(PathBuf),
    /// A file unpacked from a zip.
    Unpacked(WatchFile),
}

/// What a decoder hands to the writer.
struct Decoded {
    name: String,
    bytes: u64,
    prepared: Prepared,
}

/// Imports `args.paths` for the runner. Fails (non-zero exit) when the runner is unknown, when
/// nothing importable was found, or when every file failed; duplicates and files that are not
/// runs are not failures.
pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    let settings = Settings::load(&args.connect, None)?;
    let store = settings.open_store().await?;
    store.migrate().await.context("migrating the database")?;
    let email: Email = args
        .runner
        .parse()
        .map_err(|e| anyhow::anyhow!("--runner {}: {e}", args.runner))?;
    let runner = match store.user_by_email(&email).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => anyhow::bail!(
            "no account with the email {email}; create it first with \
             `backstride user add --role runner --email {email}`"
        ),
        Err(e) => return Err(e.into()),
    };
    if runner.role != Role::Runner {
        anyhow::bail!(
            "{email} is a {} account; runs are imported for runners",
            runner.role.as_str()
        );
    }
    let inputs = Inputs::collect(&args.paths);
    if inputs.files.is_empty() && inputs.zips.is_empty() && inputs.missing.is_empty() {
        anyhow::bail!("no .fit or .zip files found in the paths given");
    }
    let actor = Actor::of(&runner);
    let options = backstride_web::analyze_options_for(store.as_ref(), runner.id).await?;
    let handle = tokio::runtime::Handle::current();
    let started = Instant::now();
    let reports = tokio::task::spawn_blocking(move || {
        pipeline(&handle, store.as_ref(), &actor, runner.id, inputs, options)
    })
    .await
    .context("the import stopped unexpectedly")??;
    let summary = Summary::of(&reports, started.elapsed());
    print!("{}", summary.render(&reports));
    if reports.is_empty() {
        anyhow::bail!("no .fit files were found in the paths given");
    }
    if summary.failed == reports.len() {
        anyhow::bail!("no file could be imported");
    }
    Ok(())
}

/// The paths to read, sorted so that runs import in a stable order.
#[derive(Default)]
struct Inputs {
    files: Vec<PathBuf>,
    /// Each zip with the number of files expected from it (its top-level .fit entries, or 1).
    zips: Vec<(PathBuf, u64)>,
    missing: Vec<Rejected>,
}

impl Inputs {
    fn collect(paths: &[PathBuf]) -> Inputs {
        let mut inputs = Inputs::default();
        for path in paths {
            if path.is_dir() {
                inputs.walk(path);
            } else if path.is_file() {
                // A file named on the command line is read whatever its extension.
                if looks_like_zip(path) {
                    inputs.add_zip(path.clone());
                } else {
                    inputs.files.push(path.clone());
                }
            } else {
                inputs.missing.push(Rejected {
                    name: path.display().to_string(),
                    reason: "no such file or folder".to_owned(),
                });
            }
        }
        inputs
    }

    fn walk(&mut self, dir: &Path) {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                self.missing.push(Rejected {
                    name: dir.display().to_string(),
                    reason: format!("the folder can't be read ({e})"),
                });
                return;
            }
        };
        entries.sort();
        for path in entries {
            let name = path.to_string_lossy().into_owned();
            if path.is_dir() {
                self.walk(&path);
            } else if ingest::is_fit_name(&name) {
                self.files.push(path);
            } else if ingest::is_zip_name(&name) {
                self.add_zip(path);
            }
        }
    }

    /// Adds a zip, counting its top-level .fit entries from the central directory (cheap).
    fn add_zip(&mut self, path: PathBuf) {
        let expected = File::open(&path)
            .ok()
            .and_then(|f| zip::ZipArchive::new(BufReader::new(f)).ok())
            .map_or(0, |a| {
                a.file_names()
                    .filter(|n| n.as_ref().is_ok_and(|n| ingest::is_fit_name(n)))
                    .count()
            });
        self.zips.push((path, (expected as u64).max(1)));
    }

    /// Files to process as far as known before unpacking.
    fn count(&self) -> u64 {
        let in_zips: u64 = self.zips.iter().map(|z| z.1).sum();
        (self.files.len() + self.missing.len()) as u64 + in_zips
    }
}

fn looks_like_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| ingest::is_zip(&magic))
}

/// A bar on standard error counting `len` of `unit` (shared by `import` and `export`).
pub(crate) fn progress_bar(len: u64, unit: &str) -> ProgressBar {
    // indicatif draws nothing when standard error is not a terminal.
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {unit} ({{per_sec}}) {{msg}}"
    )) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Reads, decodes on every core and writes; returns one report per file, in the order written.
fn pipeline(
    handle: &tokio::runtime::Handle,
    store: &dyn Store,
    actor: &Actor,
    runner_id: i64,
    inputs: Inputs,
    options: AnalyzeOptions,
) -> anyhow::Result<Vec<FileReport>> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let bar = progress_bar(inputs.count(), "files");
    let (job_tx, job_rx) = sync_channel::<Job>(workers * 4);
    let (done_tx, done_rx) = sync_channel::<Decoded>(workers * 4);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let mut reports = Vec::new();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let reader_done = done_tx.clone();
        let reader_bar = bar.clone();
        scope.spawn(move || read_inputs(inputs, &job_tx, &reader_done, &reader_bar));
        for _ in 0..workers {
            let rx = Arc::clone(&job_rx);
            let tx = done_tx.clone();
            scope.spawn(move || decode_jobs(&rx, &tx, &options));
        }
        // Only the workers hold the job queue, so the reader stops if they all stop.
        drop(job_rx);
        // The writer ends when every reader and worker has dropped its sender.
        drop(done_tx);
        for decoded in done_rx {
            bar.set_message(decoded.name.clone());
            let outcome = handle
                .block_on(ingest::save(store, actor, runner_id, decoded.prepared))
                .context("storing runs")?;
            reports.push(FileReport {
                name: decoded.name,
                bytes: decoded.bytes,
                outcome,
            });
            bar.inc(1);
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    Ok(reports)
}

/// The reader: queues plain files and unpacks zips entry by entry (so memory stays bounded).
fn read_inputs(
    inputs: Inputs,
    jobs: &SyncSender<Job>,
    done: &SyncSender<Decoded>,
    bar: &ProgressBar,
) {
    let fail = |r: Rejected| {
        let _ = done.send(Decoded {
            name: r.name,
            bytes: 0,
            prepared: Prepared::Failed { reason: r.reason },
        });
    };
    for r in inputs.missing {
        fail(r);
    }
    for path in inputs.files {
        if jobs.send(Job::Path(path)).is_err() {
            return;
        }
    }
    let limits = ZipLimits::default();
    for (zip, expected) in inputs.zips {
        let name = zip.display().to_string();
        let file = match File::open(&zip) {
            Ok(f) => BufReader::new(f),
            Err(e) => {
                fail(Rejected {
                    name,
                    reason: format!("can't be opened ({e})"),
                });
                continue;
            }
        };
        let mut found = 0u64;
        let result = ingest::expand_zip(&name, file, &limits, &mut |entry| {
            found += 1;
            match entry {
                Ok(w) => {
                    let _ = jobs.send(Job::Unpacked(w));
                }
                Err(r) => fail(r),
            }
        });
        if let Err(r) = result {
            found += 1;
            fail(r);
        }
        // Nested zips and skipped entries make the first count approximate; correct it.
        if found > expected {
            bar.inc_length(found - expected);
        } else if let Some(len) = bar.length() {
            bar.set_length(len.saturating_sub(expected - found));
        }
    }
}

/// A decoder: takes jobs until the reader is done.
fn decode_jobs(jobs: &Mutex<Receiver<Job>>, done: &SyncSender<Decoded>, options: &AnalyzeOptions) {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let decoded = match job {
            Job::Path(path) => decode_path(&path, options),
            Job::Unpacked(w) => Decoded {
                bytes: w.bytes.len() as u64,
                prepared: ingest::prepare(&w.name, &w.bytes, options),
                name: w.name,
            },
        };
        if done.send(decoded).is_err() {
            return;
        }
    }
}

fn decode_path(path: &Path, options: &AnalyzeOptions) -> Decoded {
    let name = path.display().to_string();
    let failed = |name: String, reason: String| Decoded {
        name,
        bytes: 0,
        prepared: Prepared::Failed { reason },
    };
    // Check the size first so a huge file is never read into memory.
    match std::fs::metadata(path) {
        Ok(m) if m.len() > ingest::MAX_FILE_BYTES => {
            return failed(
                name,
                format!(
                    "the file is {}, more than the {} limit for one watch file",
                    ingest::human_bytes(m.len()),
                    ingest::human_bytes(ingest::MAX_FILE_BYTES)
                ),
            );
        }
        Ok(_) => {}
        Err(e) => return failed(name, format!("can't be read ({e})")),
    }
    match std::fs::read(path) {
        Ok(bytes) => Decoded {
            bytes: bytes.len() as u64,
            prepared: ingest::prepare(&name, &bytes, options),
            name,
        },
        Err(e) => failed(name, format!("can't be read ({e})")),
    }
}

/// Counts for the closing summary.
#[derive(Debug, Default)]
struct Summary {
    imported: usize,
    runs: usize,
    duplicate: usize,
    not_a_run: usize,
    failed: usize,
    bytes: u64,
    elapsed: Duration,
}

impl Summary {
    fn of(reports: &[FileReport], elapsed: Duration) -> Summary {
        let mut s = Summary {
            elapsed,
            ..Summary::default()
        };
        for r in reports {
            s.bytes += r.bytes;
            match &r.outcome {
                Outcome::Imported { run_ids, .. } => {
                    s.imported += 1;
                    s.runs += run_ids.len();
                }
                Outcome::Duplicate => s.duplicate += 1,
                Outcome::NotARun { .. } => s.not_a_run += 1,
                Outcome::Failed { .. } => s.failed += 1,
            }
        }
        s
    }

    fn render(&self, reports: &[FileReport]) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for (title, wanted) in [("Not a run", "not a run"), ("Failed", "failed")] {
            let mut rows = reports
                .iter()
                .filter(|r| r.outcome.label() == wanted)
                .peekable();
            if rows.peek().is_none() {
                continue;
            }
            let _ = writeln!(out, "{title}:");
            for r in rows {
                let _ = writeln!(out, "  {}: {}", r.name, r.outcome.detail());
            }
        }
        let secs = self.elapsed.as_secs_f64().max(1e-6);
        #[expect(clippy::cast_precision_loss, reason = "display only")]
        let (files, mb) = (reports.len() as f64, self.bytes as f64 / 1e6);
        let _ = writeln!(
            out,
            "Summary: {} imported ({} runs), {} duplicate, {} not a run, {} failed — \
             {} files, {:.1} MB in {:.2} s ({:.0} files/s, {:.1} MB/s)",
            self.imported,
            self.runs,
            self.duplicate,
            self.not_a_run,
            self.failed,
            reports.len(),
            mb,
            secs,
            files / secs,
            mb / secs
        );
        out
    }
}
