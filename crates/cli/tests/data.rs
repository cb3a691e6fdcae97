//! `backstride export`, `import-export`, `backup` and `restore` end to end: the built binary on
//! SQLite data directories in temp folders, seeded with the demo clinic.

use backstride_store::RunnerExport;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const RILEY: &str = "riley@demo.backstride.test";

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "backstride-data-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary on `data` (success, stdout, stderr).
fn backstride(data: &Path, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backstride"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .env_remove("BACKSTRIDE_DATABASE_URL")
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
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn export(data: &Path, file: &Path) -> RunnerExport {
    let (ok, out, err) = backstride(
        data,
        &["export", "--runner", RILEY, &file.display().to_string()],
        "",
    );
    assert!(ok, "export: {out}{err}");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name("backstride-export.json")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn add_user(data: &Path, role: &str, email: &str) {
    let (ok, out, err) = backstride(
        data,
        &[
            "user",
            "add",
            "--password-stdin",
            "--role",
            role,
            "--clinic",
            "Riverside Running Clinic",
            "--email",
            email,
        ],
        "a long enough pass\n",
    );
    assert!(ok, "user add: {out}{err}");
}

#[test]
fn an_export_imports_into_another_server_and_exports_the_same() {
    let (a, b, files) = (TempDir::new("a"), TempDir::new("b"), TempDir::new("files"));
    let (ok, _, err) = backstride(&a.0, &["demo"], "");
    assert!(ok, "{err}");
    let zip = files.join("riley.zip");
    let original = export(&a.0, &zip);
    assert!(!original.assessments.is_empty() && !original.logs.is_empty());
    // Writing over an existing file is refused.
    let (ok, _, err) = backstride(
        &a.0,
        &["export", "--runner", RILEY, &zip.display().to_string()],
        "",
    );
    assert!(!ok && err.contains("already exists"), "{err}");

    // The clinic must exist on the other server first: refused, nothing imported.
    let (ok, _, err) = backstride(&b.0, &["import-export", &zip.display().to_string()], "");
    assert!(
        !ok && err.contains("does not exist on this server"),
        "{err}"
    );
    add_user(&b.0, "clinician", "clinician@demo.backstride.test");
    add_user(&b.0, "admin", "admin@demo.backstride.test");
    let (ok, out, err) = backstride(&b.0, &["import-export", &zip.display().to_string()], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("Imported riley@demo.backstride.test"), "{out}");
    let again = export(&b.0, &files.join("riley-b.zip"));
    assert_eq!(again.normalised(), original.normalised());
    // The watch files, byte for byte.
    assert!(!original.watch_files.is_empty());
    let watch = |zip: &Path| -> Vec<(String, Vec<u8>)> {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
        let mut out = Vec::new();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().into_owned();
            if name.starts_with("watch/") {
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).unwrap();
                out.push((name, bytes));
            }
        }
        out
    };
    assert_eq!(watch(&files.join("riley-b.zip")), watch(&zip));
    assert_eq!(watch(&zip).len(), original.watch_files.len());
    // Twice is refused.
    let (ok, _, err) = backstride(&b.0, &["import-export", &zip.display().to_string()], "");
    assert!(!ok && err.contains("already has an account"), "{err}");
}

/// A copy of the zip at `from` with each entry passed through `change` (`None` leaves it out).
fn rewrite_zip(from: &Path, to: &Path, change: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if let Some(bytes) = change(&name, bytes) {
            w.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(&bytes).unwrap();
        }
    }
    w.finish().unwrap();
}

#[test]
fn a_corrupt_or_foreign_zip_is_refused_and_nothing_is_imported() {
    let (data, files) = (TempDir::new("target"), TempDir::new("bad"));
    let not_zip = files.join("notes.zip");
    std::fs::write(&not_zip, b"this is not a zip").unwrap();
    let foreign = files.join("photos.zip");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&foreign).unwrap());
        w.start_file("cat.jpg", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"meow").unwrap();
        w.finish().unwrap();
    }
    let other_format = files.join("other.zip");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&other_format).unwrap());
        w.start_file(
            "backstride-export.json",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(br#"{"format":"someone-else","version":1}"#)
            .unwrap();
        w.finish().unwrap();
    }
    let truncated = files.join("truncated.zip");
    let tampered = files.join("tampered.zip");
    let without_watch = files.join("without-watch.zip");
    let no_clinician = files.join("no-clinician.zip");
    {
        let (a, tmp) = (TempDir::new("src"), TempDir::new("srcfiles"));
        backstride(&a.0, &["demo"], "");
        let good = tmp.join("good.zip");
        let doc = export(&a.0, &good);
        assert!(!doc.watch_files.is_empty(), "the demo runner's watch files");
        let bytes = std::fs::read(&good).unwrap();
        std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
        // One byte of a watch file changed.
        rewrite_zip(&good, &tampered, |name, mut bytes| {
            if name.starts_with("watch/") {
                let last = bytes.len() - 1;
                bytes[last] ^= 0xff;
            }
            Some(bytes)
        });
        rewrite_zip(&good, &without_watch, |name, bytes| {
            (!name.starts_with("watch/")).then_some(bytes)
        });
        // A valid document that fails in the store half-way: its last record, a booking, is
        // with a clinician this server does not have (after the runner and every other
        // record were written).
        rewrite_zip(&good, &no_clinician, |name, bytes| {
            if name != "backstride-export.json" {
                return Some(bytes);
            }
            let mut doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            doc["bookings"] = serde_json::json!([{
                "clinic": "Riverside Running Clinic", "clinician": "gone@demo.backstride.test",
                "enquiry_id": null, "starts_at": 1_900_000_000, "ends_at": 1_900_001_800,
                "name": "Riley", "email": RILEY, "phone": "", "message": "",
                "time_zone": "Europe/London", "created_at": 1, "updated_at": 1,
                "cancelled_at": null
            }]);
            Some(serde_json::to_vec(&doc).unwrap())
        });
    }
    // The clinic and its staff exist here, so the last one gets as far as the store.
    add_user(&data.0, "clinician", "clinician@demo.backstride.test");
    add_user(&data.0, "admin", "admin@demo.backstride.test");
    for (file, says) in [
        (&not_zip, "is not a zip file"),
        (&foreign, "is not a Backstride runner export"),
        (&other_format, "not a runner export"),
        (&truncated, "nothing was imported"),
        (&tampered, "is damaged"),
        (&without_watch, "lacks the watch file"),
        (&no_clinician, "gone@demo.backstride.test"),
    ] {
        let (ok, out, err) =
            backstride(&data.0, &["import-export", &file.display().to_string()], "");
        assert!(!ok, "{} was imported: {out}", file.display());
        assert!(
            err.contains(says) && err.contains("nothing was imported"),
            "{}: {err}",
            file.display()
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let (ok, _, err) = backstride(
        &data.0,
        &[
            "export",
            "--runner",
            RILEY,
            &files.join("x.zip").display().to_string(),
        ],
        "",
    );
    assert!(
        !ok && err.contains("no account"),
        "nothing was imported: {err}"
    );
}

#[test]
fn backup_then_restore_into_an_empty_directory_only() {
    let (a, files) = (TempDir::new("live"), TempDir::new("backups"));
    let (ok, _, err) = backstride(&a.0, &["demo"], "");
    assert!(ok, "{err}");
    let copy = files.join("backstride-backup.db");
    let (ok, out, err) = backstride(&a.0, &["backup", &copy.display().to_string()], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("Backed up"), "{out}");
    let (ok, _, err) = backstride(&a.0, &["backup", &copy.display().to_string()], "");
    assert!(!ok && err.contains("already exists"), "{err}");

    // Into a directory that holds anything: refused, with what to do.
    let busy = TempDir::new("busy");
    std::fs::write(busy.join("keep.txt"), "mine").unwrap();
    let (ok, _, err) = backstride(&busy.0, &["restore", &copy.display().to_string()], "");
    assert!(!ok && err.contains("is not empty"), "{err}");
    assert_eq!(
        std::fs::read_dir(&busy.0).unwrap().count(),
        1,
        "nothing was changed"
    );
    // Something that is not a backup: refused.
    let (ok, _, err) = backstride(
        files.join("new").as_path(),
        &["restore", &files.join("nothing").display().to_string()],
        "",
    );
    assert!(!ok && err.contains("not a SQLite backup"), "{err}");

    let fresh = files.join("restored");
    let (ok, out, err) = backstride(&fresh, &["restore", &copy.display().to_string()], "");
    assert!(ok, "{out}{err}");
    let before = export(&a.0, &files.join("before.zip"));
    let after = export(&fresh, &files.join("after.zip"));
    assert_eq!(after.normalised(), before.normalised());
    assert_eq!(
        after.logs.iter().map(|l| l.id).collect::<Vec<_>>(),
        before.logs.iter().map(|l| l.id).collect::<Vec<_>>()
    );
}

/// The issue's round trip: the demo server's database keeps taking Today logs (from this test,
/// through the store, while the binary runs `backup` in another process), is backed up, the
/// copy is restored into a new data directory, and the restored logs are exactly the live
/// ones up to some moment: a prefix, each the same, and the writes went on after it.
#[test]
fn a_backup_taken_while_writes_continue_restores_a_consistent_copy() {
    use backstride_store::{Actor, LogKind, NewLog, Store};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let (live, files) = (TempDir::new("writing"), TempDir::new("during"));
    let (ok, _, err) = backstride(&live.0, &["demo"], "");
    assert!(ok, "{err}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = live.join("backstride.db").display().to_string();
    let store = rt.block_on(backstride_store::connect(&db)).unwrap();
    let riley = rt
        .block_on(store.user_by_email(&RILEY.parse().unwrap()))
        .unwrap();
    let me = Actor::of(&riley);
    let (stop, written) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
    );
    let writer = {
        let (store, me, stop, written) = (store.clone(), me.clone(), stop.clone(), written.clone());
        rt.spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let n = written.load(Ordering::SeqCst);
                store
                    .add_log(
                        &me,
                        me.user_id,
                        &NewLog {
                            kind: LogKind::Session,
                            log_date: "2026-11-01".into(),
                            body_json: format!("{{\"during\":{n}}}"),
                            idempotency_key: format!("during-{n}"),
                        },
                    )
                    .await
                    .unwrap();
                written.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    let wait_for = |n: usize| {
        while written.load(Ordering::SeqCst) < n {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    wait_for(1);
    let copy = files.join("during.db");
    let (ok, out, err) = backstride(&live.0, &["backup", &copy.display().to_string()], "");
    assert!(ok, "{out}{err}");
    // The writes go on after the snapshot.
    let at_backup = written.load(Ordering::SeqCst);
    wait_for(at_backup + 5);
    stop.store(true, Ordering::SeqCst);
    rt.block_on(writer).unwrap();

    let restored_dir = files.join("restored");
    let (ok, out, err) = backstride(&restored_dir, &["restore", &copy.display().to_string()], "");
    assert!(ok, "{out}{err}");
    let restored = rt
        .block_on(backstride_store::connect(
            &restored_dir.join("backstride.db").display().to_string(),
        ))
        .unwrap();
    let during = |store: &Arc<dyn Store>| -> Vec<(i64, String, String)> {
        rt.block_on(store.logs_of(&me, me.user_id, ""))
            .unwrap()
            .into_iter()
            .filter(|l| l.idempotency_key.starts_with("during-"))
            .map(|l| (l.id, l.idempotency_key, l.body_json))
            .collect()
    };
    let (all, copied) = (during(&store), during(&restored));
    assert_eq!(all.len(), written.load(Ordering::SeqCst));
    assert!(!copied.is_empty(), "the copy holds the writes before it");
    assert!(copied.len() < all.len(), "writes continued after the copy");
    let sorted = |mut v: Vec<(i64, String, String)>| {
        v.sort();
        v
    };
    let (all, copied) = (sorted(all), sorted(copied));
    assert_eq!(copied[..], all[..copied.len()], "a prefix, each the same");
    eprintln!("the backup held {} of {} logs", copied.len(), all.len());
}
