//! Watch files in, stored runs out — shared by `backstride import` and the web upload page.
//!
//! - [`expand_zip`]: the FIT entries of a zip export, read under size limits that stop zip bombs,
//!   with unsafe (path-traversal) names refused.
//! - [`prepare`]: one file's bytes → its running sessions as store rows, or why not. Pure and
//!   CPU-bound, so callers run it on worker threads.
//! - [`save`]: writes a prepared file's runs and keeps the file; the same content for the same
//!   runner is a duplicate.
//! - [`StoredRun`] and [`Series`]: the `summary_json` format (the analysed run plus a downsampled
//!   series for the charts), written here and read by the run pages.

use backstride_running::fit::{self, DecodeOptions, FitError, FitFile, Record};
use backstride_running::{AnalyzeOptions, FormFlag, Run, analyze_file};
use backstride_store::{Actor, NewRun, NewWatchFile, Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read, Seek};

const MIB: u64 = 1024 * 1024;

/// The largest single FIT file we read. A multi-day activity is a few MiB; anything near this is
/// not a watch recording. **Our choice.**
pub const MAX_FILE_BYTES: u64 = 64 * MIB;

/// Most bytes unpacked from the zips of one web upload, nested ones included. **Our choice**: a
/// year of runs is about 300 FIT files of 100–300 KiB, well inside; a zip bomb stops here.
pub const UPLOAD_UNZIPPED_BYTES: u64 = 64 * MIB;

/// Largest zip inside a zip (it is held in memory while its entries are read). **Our choice**:
/// a Garmin export nests one zip per activity, each far smaller.
pub const MAX_NESTED_ZIP_BYTES: u64 = 256 * MIB;

/// How deep zips inside zips are opened: 2 means a zip in a zip in the upload. **Our choice**:
/// exports nest one level; deeper nesting is a crafted archive.
pub const MAX_ZIP_DEPTH: u8 = 2;

/// Bytes read from an entry at a time; the buffer grows only by what was actually read.
const READ_CHUNK: usize = 64 * 1024;

/// Limits on unpacking a zip, against zip bombs and endless archives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// Largest uncompressed FIT entry.
    pub entry_bytes: u64,
    /// Largest uncompressed zip inside the zip (Garmin exports nest them).
    pub nested_zip_bytes: u64,
    /// Most bytes unpacked from one archive, nested ones included.
    pub total_bytes: u64,
    /// Most entries looked at in one archive.
    pub entries: usize,
    /// How deep zips inside zips are opened.
    pub depth: u8,
}

impl Default for ZipLimits {
    /// The limits of `backstride import`: the operator's own files, a whole export at a time.
    fn default() -> Self {
        ZipLimits {
            entry_bytes: MAX_FILE_BYTES,
            nested_zip_bytes: MAX_NESTED_ZIP_BYTES,
            total_bytes: 8 * 1024 * MIB,
            entries: 200_000,
            depth: MAX_ZIP_DEPTH,
        }
    }
}

impl ZipLimits {
    /// The limits of one web upload: [`UPLOAD_UNZIPPED_BYTES`] in all, shared by every zip of
    /// the upload (see [`expand_zip_within`]).
    pub fn upload() -> Self {
        ZipLimits {
            entry_bytes: MAX_FILE_BYTES.min(UPLOAD_UNZIPPED_BYTES),
            nested_zip_bytes: UPLOAD_UNZIPPED_BYTES,
            total_bytes: UPLOAD_UNZIPPED_BYTES,
            entries: 20_000,
            depth: MAX_ZIP_DEPTH,
        }
    }
}

/// One watch file to import: the name a person will recognise and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchFile {
    /// File name, or `archive.zip/path/in/archive.fit` for a zip entry.
    pub name: String,
    /// The file's content.
    pub bytes: Vec<u8>,
}

/// Something that could not be read as a watch file at all (an unsafe or oversized zip entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// As in [`WatchFile::name`].
    pub name: String,
    /// Why, in words for the person importing.
    pub reason: String,
}

/// What import did with one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Its running sessions were stored.
    Imported {
        /// Ids of the stored runs.
        run_ids: Vec<i64>,
        /// Sports of sessions in the same file that are not runs (e.g. the bike of a triathlon).
        skipped: Vec<String>,
    },
    /// The same content was imported for this runner before.
    Duplicate,
    /// A readable file without a running session.
    NotARun {
        /// What it was instead ("cycling", "no activity data"…).
        what: String,
    },
    /// Not readable; nothing from it was stored.
    Failed {
        /// Why, with the byte offset where decoding stopped.
        reason: String,
    },
}

impl Outcome {
    /// A short word for summaries and CSS classes: imported, duplicate, not-a-run, failed.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Imported { .. } => "imported",
            Outcome::Duplicate => "duplicate",
            Outcome::NotARun { .. } => "not a run",
            Outcome::Failed { .. } => "failed",
        }
    }

    /// The detail a person needs next to the label.
    pub fn detail(&self) -> String {
        match self {
            Outcome::Imported { run_ids, skipped } => {
                let runs = match run_ids.len() {
                    1 => "1 run".to_owned(),
                    n => format!("{n} runs"),
                };
                if skipped.is_empty() {
                    runs
                } else {
                    format!("{runs}; not runs, so skipped: {}", skipped.join(", "))
                }
            }
            Outcome::Duplicate => "already imported; nothing was changed".to_owned(),
            Outcome::NotARun { what } => what.clone(),
            Outcome::Failed { reason } => reason.clone(),
        }
    }
}

/// One file's result, for the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// As in [`WatchFile::name`].
    pub name: String,
    /// Size in bytes (0 when it could not be read).
    pub bytes: u64,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl From<Rejected> for FileReport {
    fn from(r: Rejected) -> Self {
        FileReport {
            name: r.name,
            bytes: 0,
            outcome: Outcome::Failed { reason: r.reason },
        }
    }
}

/// A decoded file, ready to be written.
#[derive(Debug, Clone)]
pub enum Prepared {
    /// Running sessions as store rows, and the sports of other sessions.
    Runs {
        /// One row per running session.
        runs: Vec<NewRun>,
        /// Sports of the other sessions.
        skipped: Vec<String>,
        /// The file itself, kept with its runs (the runner's export holds it).
        file: Option<NewWatchFile>,
    },
    /// Readable, but without a running session.
    NotARun {
        /// What it was instead.
        what: String,
    },
    /// Not readable.
    Failed {
        /// Why.
        reason: String,
    },
}

/// Does this look like a zip archive (local header, or the end record of an empty one)?
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Is this a name we import from folders and archives (`*.fit`, any case)?
pub fn is_fit_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".fit")
}

/// Is this a zip by its name (`*.zip`, any case)?
pub fn is_zip_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".zip")
}

/// `n` bytes as "12.3 MiB" / "512 KiB" / "17 bytes".
pub fn human_bytes(n: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "display only")]
    let f = n as f64;
    if n >= MIB {
        format!("{:.1} MiB", f / MIB as f64)
    } else if n >= 1024 {
        format!("{:.0} KiB", f / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

/// Why a FIT file could not be read, in words, always with the byte offset.
pub fn describe_fit_error(e: &FitError) -> String {
    match e {
        FitError::Empty => "the file is empty (0 bytes): not a FIT file".to_owned(),
        FitError::NotFit { offset: 0 } => {
            "not a FIT file: no FIT header at byte 0 (is it a .gpx, .tcx or another format?)"
                .to_owned()
        }
        FitError::Truncated { .. } => format!("the file is cut short: {e}"),
        _ => format!("the file is damaged: {e}"),
    }
}

/// Hex SHA-256 of the bytes.
pub fn content_hash(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Keeps only what is safe to show of a name from an archive or a browser.
fn printable(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(200)
        .collect();
    if cleaned.is_empty() {
        "(no name)".to_owned()
    } else {
        cleaned
    }
}

/// The last path component of a name a browser sent (some send the whole client path).
pub fn upload_name(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or("");
    printable(raw.rsplit(['/', '\\']).next().unwrap_or(raw))
}

/// A zip entry name that could escape the folder it is unpacked into (absolute, drive letter,
/// `..`, NUL). We never unpack to disk, but such a name marks a crafted archive.
fn unsafe_entry_name(name: &str) -> bool {
    name.starts_with('/')
        || name.starts_with('\\')
        || name.contains('\0')
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..")
}

/// Calls `each` with every FIT entry of the zip read from `reader` (zips inside it are opened up
/// to `limits.depth`). Entries that are neither `.fit` nor `.zip` (a Garmin export holds JSON
/// and more) are passed over. Returns an error only when the archive itself can't be read.
pub fn expand_zip<R: Read + Seek>(
    zip_name: &str,
    reader: R,
    limits: &ZipLimits,
    each: &mut dyn FnMut(Result<WatchFile, Rejected>),
) -> Result<(), Rejected> {
    let mut budget = limits.total_bytes;
    expand_zip_within(zip_name, reader, limits, &mut budget, each)
}

/// Like [`expand_zip`], with `budget` (bytes still to be unpacked, out of `limits.total_bytes`)
/// shared with other archives: every zip of one upload draws on the same budget.
pub fn expand_zip_within<R: Read + Seek>(
    zip_name: &str,
    reader: R,
    limits: &ZipLimits,
    budget: &mut u64,
    each: &mut dyn FnMut(Result<WatchFile, Rejected>),
) -> Result<(), Rejected> {
    expand_zip_at(zip_name, reader, limits, limits.depth, budget, each).map(|_| ())
}

/// Whether to go on with the next entry once one archive is done: not once the budget is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    GoOn,
    Stop,
}

/// An entry read into memory, or how much was read before it went over its limit.
enum Unpacked {
    Whole(Vec<u8>),
    Over { read: u64 },
}

/// Reads `entry` to its end, but never more than `limit` bytes (plus one chunk to notice): the
/// buffer grows with what was actually read, never from a size the archive declares.
fn read_within(entry: &mut impl Read, limit: u64) -> std::io::Result<Unpacked> {
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; READ_CHUNK];
    loop {
        let n = match entry.read(&mut chunk) {
            Ok(0) => return Ok(Unpacked::Whole(bytes)),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let read = bytes.len() as u64 + n as u64;
        if read > limit {
            return Ok(Unpacked::Over { read });
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
}

/// Why the rest of an archive is not read once the budget is spent, with the limit in words.
fn over_budget(limits: &ZipLimits) -> String {
    format!(
        "unpacking would go over {} in all, the limit for one upload or import (a zip bomb?); \
         this entry and the rest were not read",
        human_bytes(limits.total_bytes)
    )
}

fn expand_zip_at<R: Read + Seek>(
    zip_name: &str,
    reader: R,
    limits: &ZipLimits,
    depth: u8,
    budget: &mut u64,
    each: &mut dyn FnMut(Result<WatchFile, Rejected>),
) -> Result<Next, Rejected> {
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| Rejected {
        name: zip_name.to_owned(),
        reason: format!("not a readable zip archive ({e})"),
    })?;
    let count = archive.len();
    if count > limits.entries {
        return Err(Rejected {
            name: zip_name.to_owned(),
            reason: format!(
                "the archive lists {count} entries, more than the {} we read",
                limits.entries
            ),
        });
    }
    for i in 0..count {
        // The raw entry gives the name and sizes without starting to decompress.
        let (raw_name, size, is_dir, encrypted) = match archive.by_index_raw(i) {
            Ok(e) => (
                e.name().map(|n| n.into_owned()).unwrap_or_default(),
                e.size(),
                e.is_dir(),
                e.encrypted(),
            ),
            Err(e) => {
                each(Err(Rejected {
                    name: format!("{zip_name} (entry {})", i + 1),
                    reason: format!("the entry can't be read ({e})"),
                }));
                continue;
            }
        };
        let fit = is_fit_name(&raw_name);
        let nested = is_zip_name(&raw_name);
        if is_dir || !(fit || nested) {
            continue;
        }
        let name = format!("{zip_name}/{}", printable(&raw_name));
        let reject = |reason: String| {
            Err(Rejected {
                name: name.clone(),
                reason,
            })
        };
        if unsafe_entry_name(&raw_name) {
            each(reject(
                "unsafe name: it points outside the archive (path traversal), so it was not read"
                    .to_owned(),
            ));
            continue;
        }
        if encrypted {
            each(reject(
                "the entry is password-protected; export it without a password".to_owned(),
            ));
            continue;
        }
        let (cap, what) = if fit {
            (limits.entry_bytes, "file")
        } else {
            (limits.nested_zip_bytes, "archive inside the archive")
        };
        if size > cap {
            each(reject(format!(
                "it unpacks to {}, more than the {} limit for one {what}",
                human_bytes(size),
                human_bytes(cap),
            )));
            continue;
        }
        if nested && depth == 0 {
            each(reject(format!(
                "zips inside zips are opened only {} levels deep; unpack this one first",
                limits.depth
            )));
            continue;
        }
        if size > *budget {
            each(reject(over_budget(limits)));
            return Ok(Next::Stop);
        }
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                each(reject(format!("it can't be unpacked ({e})")));
                continue;
            }
        };
        // Trust no declared size: the budget runs while the entry streams in.
        let limit = cap.min(*budget);
        let read = read_within(&mut entry, limit);
        drop(entry);
        let bytes = match read {
            Err(e) => {
                each(reject(format!("it can't be unpacked ({e})")));
                continue;
            }
            Ok(Unpacked::Over { read }) => {
                *budget = budget.saturating_sub(read);
                if limit < cap {
                    each(reject(over_budget(limits)));
                    return Ok(Next::Stop);
                }
                each(reject(format!(
                    "it unpacks to more than the {} limit for one {what} although it declares \
                     {} (a zip bomb?)",
                    human_bytes(cap),
                    human_bytes(size)
                )));
                continue;
            }
            Ok(Unpacked::Whole(bytes)) => bytes,
        };
        let actual = bytes.len() as u64;
        *budget -= actual;
        if actual != size {
            each(reject(format!(
                "it unpacks to {actual} bytes but declares {size}: the archive is damaged"
            )));
            continue;
        }
        if fit {
            each(Ok(WatchFile { name, bytes }));
            continue;
        }
        match expand_zip_at(&name, Cursor::new(bytes), limits, depth - 1, budget, each) {
            Ok(Next::GoOn) => {}
            Ok(Next::Stop) => return Ok(Next::Stop),
            Err(r) => each(Err(r)),
        }
    }
    Ok(Next::GoOn)
}

/// Decodes one file and turns its running sessions into store rows. Never panics; a zip, an
/// empty, truncated, corrupt or non-FIT file becomes [`Prepared::Failed`] with the reason.
pub fn prepare(name: &str, bytes: &[u8], options: &AnalyzeOptions) -> Prepared {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Prepared::Failed {
            reason: format!(
                "the file is {}, more than the {} limit for one watch file",
                human_bytes(bytes.len() as u64),
                human_bytes(MAX_FILE_BYTES)
            ),
        };
    }
    if is_zip(bytes) {
        return Prepared::Failed {
            reason: "a zip archive where a FIT file was expected".to_owned(),
        };
    }
    // As in `run::analyze`: a CRC mismatch is tolerated (the data are usually fine).
    let file = match fit::parse(bytes, DecodeOptions::default()) {
        Err(FitError::FileCrc { .. } | FitError::HeaderCrc { .. }) => {
            fit::parse(bytes, DecodeOptions { check_crc: false })
        }
        other => other,
    };
    let file = match file {
        Ok(f) => f,
        Err(e) => {
            return Prepared::Failed {
                reason: describe_fit_error(&e),
            };
        }
    };
    let analysis = analyze_file(&file, options);
    let skipped: Vec<String> = analysis.skipped.iter().map(|s| s.sport.clone()).collect();
    if analysis.runs.is_empty() {
        let what = if skipped.is_empty() {
            "no activity in it (no sessions or records: a settings, course or monitoring file?)"
                .to_owned()
        } else {
            format!("{}: only running sessions are imported", skipped.join(", "))
        };
        return Prepared::NotARun { what };
    }
    let hash = content_hash(bytes);
    let mut runs = Vec::with_capacity(analysis.runs.len());
    for run in &analysis.runs {
        let stored = StoredRunOut {
            format: SUMMARY_FORMAT,
            run,
            notes: run.flags.iter().map(FlagNote::of).collect(),
            series: Series::of(&file, run),
        };
        let summary_json = match serde_json::to_string(&stored) {
            Ok(json) => json,
            Err(e) => {
                return Prepared::Failed {
                    reason: format!("its summary could not be written ({e})"),
                };
            }
        };
        runs.push(NewRun {
            content_hash: format!("{hash}:{}", run.session_index),
            // The file's own name: a local folder path says nothing to the clinic.
            file_name: name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned(),
            started_at: run.start_unix.unwrap_or(0),
            sport: run.sport.clone(),
            summary_json,
        });
    }
    let file = NewWatchFile {
        file_hash: hash,
        file_name: name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned(),
        bytes: bytes.to_vec(),
    };
    Prepared::Runs {
        runs,
        skipped,
        file: Some(file),
    }
}

/// Writes a prepared file's runs for `runner_id`, each run in its own transaction. A run whose
/// content was stored before counts as a duplicate, so a file that was cut off half-way by a
/// crash imports its missing runs next time. Storage errors (not bad input) are returned.
pub async fn save(
    store: &dyn Store,
    actor: &Actor,
    runner_id: i64,
    prepared: Prepared,
) -> Result<Outcome, StoreError> {
    match prepared {
        Prepared::Failed { reason } => Ok(Outcome::Failed { reason }),
        Prepared::NotARun { what } => Ok(Outcome::NotARun { what }),
        Prepared::Runs {
            runs,
            skipped,
            file,
        } => {
            let mut run_ids = Vec::new();
            for run in &runs {
                match store.add_run(actor, runner_id, run).await {
                    Ok(record) => run_ids.push(record.id),
                    Err(StoreError::Conflict { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            // After its runs: a file is kept once per runner, also when its runs were stored
            // before it was (a duplicate upload fills it in).
            if let Some(file) = &file {
                store.add_watch_file(actor, runner_id, file).await?;
            }
            Ok(if run_ids.is_empty() {
                Outcome::Duplicate
            } else {
                Outcome::Imported { run_ids, skipped }
            })
        }
    }
}

/// Version of the `summary_json` layout.
pub const SUMMARY_FORMAT: u32 = 1;

/// What is written to `summary_json`: the analysed run as `backstride-running` serialises it,
/// plus readable flag notes and the chart series.
#[derive(Serialize)]
struct StoredRunOut<'a> {
    format: u32,
    #[serde(flatten)]
    run: &'a Run,
    notes: Vec<FlagNote>,
    series: Series,
}

/// A form flag as a sentence, and whether it asks for attention.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlagNote {
    /// E.g. "low cadence: 152 steps/min (below 160)".
    pub text: String,
    /// Whether it is a concern rather than information.
    pub concern: bool,
}

impl FlagNote {
    fn of(flag: &FormFlag) -> FlagNote {
        FlagNote {
            text: flag.to_string(),
            concern: flag.is_concern(),
        }
    }
}

/// Most points kept in a chart series. **Our choice**: enough for a smooth line on a phone.
pub const SERIES_POINTS: u32 = 200;

/// A run's metrics over time, averaged into at most [`SERIES_POINTS`] equal time buckets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Series {
    /// Middle of each bucket, seconds from the first record.
    pub t_s: Vec<f64>,
    /// Speed, m/s.
    pub speed_mps: Vec<Option<f64>>,
    /// Cadence, steps/min.
    pub cadence_spm: Vec<Option<f64>>,
    /// Ground contact time, ms.
    pub gct_ms: Vec<Option<f64>>,
    /// Ground contact balance, % left.
    pub balance_left_pct: Vec<Option<f64>>,
}

#[derive(Clone, Copy, Default)]
struct Mean {
    sum: f64,
    n: u32,
}

impl Mean {
    fn add(&mut self, v: Option<f64>) {
        if let Some(v) = v.filter(|v| v.is_finite()) {
            self.sum += v;
            self.n += 1;
        }
    }

    fn get(self) -> Option<f64> {
        (self.n > 0).then(|| (self.sum / f64::from(self.n) * 100.0).round() / 100.0)
    }
}

/// The per-record values charted. Native fields first, then the Stryd/RunScribe developer
/// fields, as `backstride_running::run` does for its summaries.
fn chart_values(r: &Record) -> [Option<f64>; 4] {
    let positive = |x: Option<f64>| x.filter(|v| v.is_finite() && *v > 0.0);
    let speed = r
        .enhanced_speed
        .or(r.speed)
        .filter(|v| v.is_finite() && *v >= 0.0);
    let cadence = positive(r.cadence).map(|c| 2.0 * (c + r.fractional_cadence.unwrap_or(0.0)));
    let runscribe = match (
        positive(r.dev.contact_time_left),
        positive(r.dev.contact_time_right),
    ) {
        (Some(l), Some(rr)) => Some((l, rr)),
        _ => None,
    };
    let gct = positive(r.stance_time)
        .or(positive(r.dev.ground_time))
        .or(runscribe.map(|(l, rr)| (l + rr) / 2.0));
    let balance = r
        .stance_time_balance
        .filter(|b| *b > 0.0 && *b < 100.0)
        .or(runscribe.map(|(l, rr)| 100.0 * l / (l + rr)));
    [speed, cadence, gct, balance]
}

impl Series {
    /// The series of one run of `file`: all records when the file has one session, else the
    /// records inside the run's time window.
    fn of(file: &FitFile, run: &Run) -> Series {
        let window = match (run.start_unix, file.sessions.len() > 1) {
            (Some(start), true) => {
                let from = start - fit::profile::FIT_EPOCH_UNIX;
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "clamped to a day's seconds"
                )]
                let len = run.elapsed_s.unwrap_or(0.0).clamp(0.0, 1e7).ceil() as i64;
                Some((from, from + len))
            }
            _ => None,
        };
        let timed = || {
            file.records.iter().filter_map(move |r| {
                let t = i64::from(r.timestamp?);
                window
                    .is_none_or(|(a, b)| t >= a && t <= b)
                    .then_some((t, r))
            })
        };
        let (Some(t0), Some(t1)) = (timed().map(|x| x.0).min(), timed().map(|x| x.0).max()) else {
            return Series::default();
        };
        let span = (t1 - t0).max(1);
        let width = (span + i64::from(SERIES_POINTS) - 1) / i64::from(SERIES_POINTS);
        let buckets = usize::try_from(span / width + 1).unwrap_or(1);
        let mut sums = vec![[Mean::default(); 4]; buckets];
        for (t, r) in timed() {
            let Some(bucket) = usize::try_from((t - t0) / width)
                .ok()
                .and_then(|i| sums.get_mut(i))
            else {
                continue;
            };
            for (m, v) in bucket.iter_mut().zip(chart_values(r)) {
                m.add(v);
            }
        }
        let mut s = Series::default();
        for (i, b) in sums.iter().enumerate() {
            if b.iter().all(|m| m.n == 0) {
                continue;
            }
            #[expect(clippy::cast_precision_loss, reason = "seconds in an activity")]
            s.t_s.push((i as f64 + 0.5) * width as f64);
            s.speed_mps.push(b[0].get());
            s.cadence_spm.push(b[1].get());
            s.gct_ms.push(b[2].get());
            s.balance_left_pct.push(b[3].get());
        }
        s
    }
}

/// Distribution of a metric as stored (the part of `backstride_running::Stats` shown).
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StoredStats {
    /// Median.
    pub median: f64,
}

/// The metric summaries of a run or lap as stored.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StoredMetrics {
    /// Heart rate, bpm.
    pub heart_rate_bpm: Option<StoredStats>,
    /// Cadence, steps/min.
    pub cadence_spm: Option<StoredStats>,
    /// Ground contact time, ms.
    pub ground_contact_ms: Option<StoredStats>,
    /// Ground contact balance, % left.
    pub gct_balance_left_pct: Option<StoredStats>,
    /// Vertical oscillation, mm.
    pub vertical_oscillation_mm: Option<StoredStats>,
    /// Vertical ratio, %.
    pub vertical_ratio_pct: Option<StoredStats>,
    /// Step length, mm.
    pub step_length_mm: Option<StoredStats>,
}

/// A lap as stored.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StoredSegment {
    /// 1-based.
    pub number: usize,
    /// s.
    pub duration_s: Option<f64>,
    /// m.
    pub distance_m: Option<f64>,
    /// s/km.
    pub pace_s_per_km: Option<f64>,
    /// Metrics over the lap.
    pub metrics: StoredMetrics,
}

/// The parts of a stored run the pages show, read back from `summary_json`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StoredRun {
    /// Start, Unix seconds.
    pub start_unix: Option<i64>,
    /// FIT sport name.
    pub sport: String,
    /// FIT sub-sport name.
    pub sub_sport: Option<String>,
    /// s.
    pub elapsed_s: Option<f64>,
    /// s.
    pub timer_s: Option<f64>,
    /// s.
    pub moving_s: Option<f64>,
    /// m.
    pub distance_m: Option<f64>,
    /// s/km.
    pub pace_s_per_km: Option<f64>,
    /// Whole-run metrics.
    pub metrics: StoredMetrics,
    /// The device's laps.
    pub laps: Vec<StoredSegment>,
    /// Form flags as sentences.
    pub notes: Vec<FlagNote>,
    /// Chart series.
    pub series: Series,
}

impl StoredRun {
    /// Reads `summary_json`; an unreadable one shows as an empty run rather than an error page.
    pub fn parse(json: &str) -> StoredRun {
        serde_json::from_str(json).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An endless entry (a zip bomb's output) that counts what is taken from it.
    struct Endless {
        taken: u64,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(0);
            self.taken += buf.len() as u64;
            Ok(buf.len())
        }
    }

    #[test]
    fn an_endless_entry_is_read_no_further_than_its_limit() {
        let mut bomb = Endless { taken: 0 };
        let limit = 3 * MIB + 17;
        match read_within(&mut bomb, limit).unwrap() {
            Unpacked::Over { read } => assert!(read > limit),
            Unpacked::Whole(_) => panic!("an endless entry ended"),
        }
        assert!(
            bomb.taken <= limit + READ_CHUNK as u64,
            "read {} for a limit of {limit}",
            bomb.taken
        );
    }

    #[test]
    fn an_entry_within_its_limit_is_read_whole() {
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        match read_within(&mut &data[..], data.len() as u64).unwrap() {
            Unpacked::Whole(bytes) => assert_eq!(bytes, data),
            Unpacked::Over { .. } => panic!("refused at exactly its limit"),
        }
    }
}
