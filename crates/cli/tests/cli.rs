//! The `backstride` binary end to end: help, demo seeding (idempotent, on a day given), user
//! creation, migrate, serve (with its files private to its user).

use std::io::Write;
use std::process::{Command, Stdio};

fn backstride(data: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_backstride"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("BACKSTRIDE_DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bs-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn help_explains_every_command() {
    let out = Command::new(env!("CARGO_BIN_EXE_backstride"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for command in [
        "serve", "migrate", "demo", "user", "assess", "analyze", "outbox",
    ] {
        assert!(
            text.contains(command),
            "{command} missing from --help:\n{text}"
        );
    }
    assert!(
        text.contains("BACKSTRIDE_"),
        "--help explains the environment variables"
    );
}

#[test]
fn demo_seeding_is_idempotent() {
    let data = temp_dir("demo");
    let (ok, first, err) = backstride(&data, &["demo"]);
    assert!(ok, "{err}");
    assert!(
        first.contains("riley@demo.backstride.test")
            && first.contains("clinician@demo.backstride.test")
    );
    let (ok, second, err) = backstride(&data, &["demo"]);
    assert!(ok, "{err}");
    assert_eq!(first, second, "seeding twice changes nothing");
    let (ok, migrated, _) = backstride(&data, &["migrate"]);
    assert!(ok && migrated.contains("up to date"));
}

/// `demo --today` dates the demo on a chosen day; a day out of bounds is refused by its flag.
#[test]
fn the_demo_is_dated_on_the_day_given_and_a_bad_day_is_refused() {
    let data = temp_dir("demo-today");
    for bad in ["1999-12-31", "16/06/2025", "2025-02-30"] {
        let (ok, _, err) = backstride(&data, &["demo", "--today", bad]);
        assert!(!ok, "{bad}");
        assert!(
            err.contains("is not a date from 2000-01-01 to 2099-12-31"),
            "{bad}: {err}"
        );
    }
    let (ok, out, err) = backstride(&data, &["demo", "--today", "2025-06-16"]);
    assert!(ok, "{err}");
    assert!(out.contains("riley@demo.backstride.test"));
}

#[test]
fn user_add_checks_its_input() {
    let data = temp_dir("user");
    let add = |args: &[&str], password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_backstride"))
            .args(["user", "add", "--password-stdin", "--data-dir"])
            .arg(&data)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let hill = [
        "--role",
        "clinician",
        "--clinic",
        "Hill Clinic",
        "--email",
        "doc@example.com",
    ];
    let cases: [(&[&str], &str, bool, &[&str]); 5] = [
        (
            &["--role", "clinician", "--email", "doc@example.com"],
            "a long password",
            false,
            &["--clinic"],
        ),
        (&hill, "short", false, &["at least 10 characters"]),
        (
            &["--role", "coach", "--email", "doc@example.com"],
            "a long password",
            false,
            &["Unknown role"],
        ),
        (
            &hill,
            "a long password",
            true,
            &["Created clinic", "Created clinician"],
        ),
        (&hill, "a long password", false, &["already exists"]),
    ];
    for (args, password, succeeds, says) in cases {
        let (ok, text) = add(args, password);
        assert_eq!(ok, succeeds, "{args:?}: {text}");
        for words in says {
            assert!(
                text.contains(words),
                "{args:?} should say {words:?}: {text}"
            );
        }
    }
}

#[test]
fn assess_scores_the_example_and_refuses_bad_files() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/examples/assessment.json"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_backstride"))
        .args(["assess", example])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("LSI"));
    let bad = temp_dir("assess").with_extension("json");
    std::fs::write(&bad, r#"{"baseline": {"pain_now": 11}}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_backstride"))
        .args(["assess"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("0") && text.contains("10"), "{text}");
}

/// Runs `backstride assess` on `input` with `RUST_BACKTRACE=1`: (success, stdout, stderr).
fn assess(name: &str, input: &str, json: bool) -> (bool, String, String) {
    let file = temp_dir(name).with_extension("json");
    std::fs::write(&file, input).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_backstride"));
    command.arg("assess").arg(&file).env("RUST_BACKTRACE", "1");
    if json {
        command.arg("--json");
    }
    let out = command.output().unwrap();
    let _ = std::fs::remove_file(&file);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn assess_refuses_an_array_without_a_backtrace() {
    let (ok, out, err) = assess(
        "array",
        r#"["2026.1", {"age_years": 40, "saddle_numbness": true}]"#,
        false,
    );
    assert!(!ok, "an array was scored: {out}");
    assert!(!out.contains("emergency"), "{out}");
    assert!(err.contains("an assessment is a JSON object"), "{err}");
    assert!(!err.to_lowercase().contains("backtrace"), "{err}");
    let (ok, _, err) = assess("range", r#"{"baseline": {"pain_now": 11}}"#, false);
    assert!(!ok);
    assert!(!err.to_lowercase().contains("backtrace"), "{err}");
}

#[test]
fn assess_reports_answers_that_disagree() {
    let input = r#"{"posture_form": {"trunk_lean_degrees": -10, "leaning_back": "no"}}"#;
    let (ok, out, err) = assess("disagree", input, false);
    assert!(ok, "{err}");
    assert!(out.contains("ANSWERS THAT DISAGREE"), "{out}");
    assert!(out.contains("the measured lean was scored"), "{out}");
    let (ok, out, err) = assess("disagree-json", input, true);
    assert!(ok, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["disagreements"][0]["used"],
        "posture_form.trunk_lean_degrees"
    );
}

#[test]
fn serve_answers_health_checks_and_stops_cleanly_on_sigterm() {
    use std::io::{BufRead, BufReader, Read};
    let data = temp_dir("serve");
    let mut child = Command::new(env!("CARGO_BIN_EXE_backstride"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("running at") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "server exited early"
        );
    }
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    for path in ["/healthz", "/readyz"] {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200"), "{path}: {reply}");
    }
    #[cfg(unix)]
    {
        // Files at rest are the server's user's alone: reset and invitation links sit in them.
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: std::path::PathBuf| {
            let meta = std::fs::metadata(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            (path, meta.permissions().mode() & 0o777)
        };
        for dir in [data.clone(), data.join("mail")] {
            let (dir, found) = mode(dir);
            assert_eq!(found, 0o700, "{dir:?} is {found:o}");
        }
        for file in ["backstride.db", "backstride.db-wal", "backstride.db-shm"] {
            let (file, found) = mode(data.join(file));
            assert_eq!(found, 0o600, "{file:?} is {found:o}");
        }
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    assert!(status.success(), "exit status {status:?}\n{logs}");
    assert!(logs.contains("outbox worker stopped"), "{logs}");
    assert!(
        data.join("backstride.db").exists(),
        "SQLite file in the data directory"
    );
}

#[test]
fn the_operator_lists_every_clinics_email_and_the_instance_wide_mail() {
    use backstride_store::{NewClinic, NewEmail};
    let data = temp_dir("outbox");
    let (ok, _, err) = backstride(&data, &["migrate"]);
    assert!(ok, "{err}");
    let failed = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = backstride_store::connect(&data.join("backstride.db").display().to_string())
            .await
            .unwrap();
        let clinic = store
            .create_clinic(&NewClinic {
                name: "Operator Clinic".into(),
                units: Default::default(),
                time_zone: backstride_core::TimeZoneName::utc(),
            })
            .await
            .unwrap();
        let email = |to: &str, subject: &str| NewEmail::text(to.parse().unwrap(), subject, "Body");
        store
            .enqueue_email(
                &email("visitor@example.com", "Your call is booked").from_clinic(Some(clinic.id)),
                10,
            )
            .await
            .unwrap();
        let reset = store
            .enqueue_email(&email("solo@example.com", "Reset your password"), 11)
            .await
            .unwrap();
        store
            .mark_email_attempt_failed(reset, "relay refused", None)
            .await
            .unwrap();
        reset
    });
    let (ok, listed, err) = backstride(&data, &["outbox", "list"]);
    assert!(ok, "{err}");
    assert!(
        listed.contains("Operator Clinic\tvisitor@example.com\tYour call is booked"),
        "{listed}"
    );
    assert!(
        listed.contains("(instance-wide)\tsolo@example.com\tReset your password\t(relay refused)"),
        "{listed}"
    );
    let (ok, said, err) = backstride(&data, &["outbox", "retry", &failed.to_string()]);
    assert!(
        ok && said.contains("queued to be sent again"),
        "{said}{err}"
    );
    let (ok, _, err) = backstride(&data, &["outbox", "retry", &failed.to_string()]);
    assert!(!ok && err.contains("no failed email"), "{err}");
}
