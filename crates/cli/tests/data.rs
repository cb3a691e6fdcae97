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
    // Twice is refused.
    let (ok, _, err) = backstride(&b.0, &["import-export", &zip.display().to_string()], "");
    assert!(!ok && err.contains("already has an account"), "{err}");
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
    {
        let (a, tmp) = (TempDir::new("src"), TempDir::new("srcfiles"));
        backstride(&a.0, &["demo"], "");
        let good = tmp.join("good.zip");
        export(&a.0, &good);
        let bytes = std::fs::read(&good).unwrap();
        std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    }
    for (file, says) in [
        (&not_zip, "is not a zip file"),
        (&foreign, "is not a Backstride runner export"),
        (&other_format, "not a runner export"),
        (&truncated, "nothing was imported"),
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
