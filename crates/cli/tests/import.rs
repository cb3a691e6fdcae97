//! `backstride import` end to end: the built binary against a SQLite data directory in a temp
//! folder, with FIT files made by `backstride_running::write`, bad files, a duplicate and a zip
//! with a path-traversal name; then a few real files from ../shared/data/fit when present.

use backstride_running::fit::BaseType;
use backstride_running::fit::profile::mesg;
use backstride_running::write::{FieldValue, FitWriter, SyntheticRun, WriteField};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const RUNNER: &str = "runner@example.com";

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "backstride-import-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn backstride(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backstride"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn import(data: &Path, paths: &[&Path]) -> (bool, String) {
    let mut args = vec!["import".to_owned()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    args.extend(["--runner".to_owned(), RUNNER.to_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = backstride(data, &args, "");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn add_runner(data: &Path) {
    let out = backstride(
        data,
        &[
            "user",
            "add",
            "--role",
            "runner",
            "--email",
            RUNNER,
            "--password-stdin",
        ],
        "a long enough pass\n",
    );
    assert!(out.status.success(), "{out:?}");
}

fn run_starting(minutes_later: u32) -> Vec<u8> {
    SyntheticRun {
        seconds: 600,
        start: SyntheticRun::default().start + minutes_later * 60,
        ..SyntheticRun::default()
    }
    .to_fit()
}

/// A valid FIT file whose only session is a bike ride.
fn ride() -> Vec<u8> {
    let mut w = FitWriter::new();
    w.define(
        0,
        mesg::FILE_ID,
        &[WriteField::new(0, BaseType::Enum)],
        false,
    );
    w.data(0, &[FieldValue::Int(4)], &[]);
    let fields = [
        WriteField::new(253, BaseType::Uint32),
        WriteField::new(2, BaseType::Uint32),
        WriteField::new(5, BaseType::Enum),
    ];
    w.define(1, mesg::SESSION, &fields, false);
    let t = i64::from(SyntheticRun::default().start);
    w.data(
        1,
        &[
            FieldValue::Int(t + 60),
            FieldValue::Int(t),
            FieldValue::Int(2),
        ],
        &[],
    );
    w.finish()
}

fn zip_with(path: &Path, entries: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Runs stored for the runner, read through the store.
fn stored_runs(data: &Path) -> usize {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let url = data.join("backstride.db").display().to_string();
        let store = backstride_store::connect(&url).await.unwrap();
        let runner = store.user_by_email(&RUNNER.parse().unwrap()).await.unwrap();
        store
            .runs_of(&backstride_store::Actor::of(&runner), runner.id)
            .await
            .unwrap()
            .len()
    })
}

fn summary_line(text: &str) -> &str {
    text.lines()
        .find(|l| l.starts_with("Summary:"))
        .unwrap_or_else(|| panic!("no summary in:\n{text}"))
}

#[test]
fn imports_a_folder_with_bad_files_and_a_zip() {
    let tmp = TempDir::new("folder");
    let data = tmp.0.join("data");
    let input = tmp.0.join("watch");
    std::fs::create_dir_all(input.join("older")).unwrap();
    add_runner(&data);

    let first = run_starting(0);
    std::fs::write(input.join("run1.fit"), &first).unwrap();
    std::fs::write(input.join("copy-of-run1.fit"), &first).unwrap();
    std::fs::write(input.join("RUN2.FIT"), run_starting(60)).unwrap();
    std::fs::write(input.join("older/run3.fit"), run_starting(120)).unwrap();
    std::fs::write(input.join("cut-short.fit"), &first[..first.len() / 2]).unwrap();
    std::fs::write(
        input.join("notes.fit"),
        b"these are my notes, not a FIT file",
    )
    .unwrap();
    std::fs::write(input.join("empty.fit"), b"").unwrap();
    std::fs::write(input.join("ride.fit"), ride()).unwrap();
    std::fs::write(input.join("readme.txt"), b"not looked at").unwrap();
    zip_with(
        &input.join("export.zip"),
        &[
            ("DI_CONNECT/run4.fit", &run_starting(180)),
            ("../../evil.fit", &run_starting(240)),
            ("DI_CONNECT/profile.json", b"{}"),
        ],
    );

    let (ok, text) = import(&data, &[&input]);
    assert!(ok, "{text}");
    assert!(
        summary_line(&text).starts_with(
            "Summary: 4 imported (4 runs), 1 duplicate, 1 not a run, 4 failed — 10 files"
        ),
        "{text}"
    );
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line for {needle} in:\n{text}"))
            .to_owned()
    };
    assert!(
        line("cut-short.fit").contains("cut short") && line("cut-short.fit").contains("at byte")
    );
    assert!(line("notes.fit").contains("not a FIT file") && line("notes.fit").contains("byte 0"));
    assert!(line("empty.fit").contains("empty"));
    assert!(line("evil.fit").contains("path traversal"));
    assert!(line("ride.fit").contains("cycling"));
    assert!(!text.contains("profile.json"));
    assert_eq!(stored_runs(&data), 4);

    // Again: everything readable is now a duplicate, and nothing new is written.
    let (ok, text) = import(&data, &[&input]);
    assert!(ok, "{text}");
    assert!(
        summary_line(&text)
            .starts_with("Summary: 0 imported (0 runs), 5 duplicate, 1 not a run, 4 failed"),
        "{text}"
    );
    assert_eq!(stored_runs(&data), 4);
}

#[test]
fn fails_when_every_file_fails_or_the_runner_is_unknown() {
    let tmp = TempDir::new("fail");
    let data = tmp.0.join("data");
    add_runner(&data);
    let bad = tmp.0.join("bad.fit");
    std::fs::write(&bad, b"\x0e\x10garbage").unwrap();
    let (ok, text) = import(&data, &[&bad]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("1 failed") && text.contains("no file could be imported"),
        "{text}"
    );

    let good = tmp.0.join("good.fit");
    std::fs::write(&good, run_starting(0)).unwrap();
    let out = backstride(
        &data,
        &[
            "import",
            good.to_str().unwrap(),
            "--runner",
            "nobody@example.com",
        ],
        "",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no account with the email"));
    assert_eq!(stored_runs(&data), 0);
}

#[test]
fn imports_real_watch_files_when_the_corpus_is_there() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/fit");
    if !corpus.is_dir() {
        eprintln!("skipped: no FIT corpus at {}", corpus.display());
        return;
    }
    let files: Vec<PathBuf> = [
        "python-fitparse/garmin-fenix-5-run.fit",
        "python-fitparse/activity-small-fenix2-run.fit",
        "python-fitparse/garmin-fenix-5-bike.fit",
        "python-fitparse/activity-unexpected-eof.fit",
        "Runalyze/Multisession.fit",
    ]
    .iter()
    .map(|f| corpus.join(f))
    .filter(|f| f.is_file())
    .collect();
    if files.len() < 5 {
        eprintln!("skipped: the corpus lacks some of the chosen files");
        return;
    }
    let tmp = TempDir::new("corpus");
    let data = tmp.0.join("data");
    add_runner(&data);
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let (ok, text) = import(&data, &paths);
    assert!(ok, "{text}");
    let summary = summary_line(&text);
    assert!(summary.contains("5 files"), "{text}");
    assert!(text.contains("garmin-fenix-5-bike.fit: cycling"), "{text}");
    assert!(stored_runs(&data) >= 3, "{text}");
}
