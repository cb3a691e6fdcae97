//! The runner's Today page read, through three SQLite drivers (issue 18, item 3): is the
//! per-statement thread hand-off of sqlx's SQLite driver the limit, and what would another
//! driver give?
//!
//! Seeds a SQLite database of a clinic (`BENCH_RUNNERS` runners, default 300, each with
//! `BENCH_DAYS` days of history, default 365: morning check-ins, session and run logs,
//! after-day and weekly reviews, re-tests, a programme version every four weeks) with the
//! store's own bulk writer and a signed-in session per runner, then reads what a GET `/today`
//! reads, for runners taken in turn:
//!
//! - the session row (`tower_sessions`, decoded as tower-sessions does), the signed-in user
//!   (`Ctx`), the journal read model in one read transaction (the runner again, the clinic, the
//!   approved programme, the newest assessments, the last 28 days' logs and reviews:
//!   `PageStore::journal`), and the reminder — the 9 statements `trips.rs` counts for `/today`, and
//!   `BEGIN` and `COMMIT`;
//!
//! through
//!
//! 1. **sqlx**: the app's own store (`connect`, its pool of 4 read-only connections) and
//!    session store, every statement handed to sqlx's worker thread and back;
//! 2. **rusqlite, one hand-off**: the same statements on a pool of 4 read-only rusqlite
//!    connections, the whole page read in one `spawn_blocking` closure;
//! 3. **rusqlite, inline**: the same on the async worker thread itself (blocks it for the read).
//!
//! rusqlite reads every column into owned values; the sqlx path also converts rows into the
//! store's records (parsing enums, email and time zone), which the rusqlite path skips — a
//! small advantage to rusqlite, said beside the figures.
//!
//! Prints page reads per second at 1 and 32 concurrent tasks (`BENCH_SECONDS` each, default
//! 4) and the heap allocations per page read (all threads, a counting global allocator), and
//! checks first that every driver reads the same rows.
//!
//! Run with `cargo bench -p backstride-store --bench today_read` (a release build).

use backstride_core::{DistanceUnit, MassUnit, Role, TimeZoneName, UnitPreference};
use backstride_store::bulk::{
    SeedAlert, SeedAssessment, SeedLog, SeedProgramme, SeedReview, SeedRunner, connect_bulk,
};
use backstride_store::columns::{
    ASSESSMENT_COLUMNS, CLINIC_COLUMNS, LOG_COLUMNS, PROGRAMME_COLUMNS, REMINDER_COLUMNS,
    REVIEW_COLUMNS, USER_COLUMNS,
};
use backstride_store::{
    Actor, AlertTier, AssessmentKind, LogKind, NewClinic, NewUser, ProgrammeStatus, ReviewKind,
    ReviewStatus, SessionBackend, Sessions, Store, connect, testing,
};
use jiff::civil::Date;
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, params};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The Today page's window (`TODAY_DAYS` in the web crate: 4 weekly reviews' weeks).
const TODAY_DAYS: i64 = 28;
/// The app's reader pool size on SQLite (`SQLITE_READERS`).
const READERS: usize = 4;
/// Newest assessments the journal reads (`RECENT_ASSESSMENTS`).
const RECENT_ASSESSMENTS: i64 = 12;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator, so every run seeds the same clinic.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A JSON document of about `size` bytes, shaped like the app's (named numbers and words).
fn document(kind: &str, size: usize, dice: &mut Dice) -> String {
    let mut body = format!("{{\"kind\":\"{kind}\",\"fields\":{{");
    let mut k = 0;
    while body.len() + 40 < size {
        if k > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            "\"item_{k}\":{{\"value\":{},\"unit\":\"reps\"}}",
            dice.below(100)
        ));
        k += 1;
    }
    body.push_str("}}");
    body
}

fn unix(date: Date, hour: i8) -> i64 {
    date.at(hour, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
        .as_second()
}

/// Runner `n`'s year: dated so the last day is `today`.
fn seed_runner(n: u64, clinic_id: i64, today: Date, days: i64) -> SeedRunner {
    let mut dice = Dice(n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5eed);
    let first = today.checked_sub(jiff::Span::new().days(days - 1)).unwrap();
    let user = NewUser {
        // As long as a real hash (the row's size).
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
            .into(),
        ..testing::new_user(Some(clinic_id), &format!("runner{n}@bench.example"), Role::Runner)
    };
    let mut runner = SeedRunner::new(user, unix(first, 9));
    for day in 0..days {
        let date = first.checked_add(jiff::Span::new().days(day)).unwrap();
        let date_text = date.to_string();
        // A re-test every six weeks, a programme version every four.
        if day % 42 == 0 {
            runner.assessments.push(SeedAssessment {
                kind: if day == 0 {
                    AssessmentKind::Baseline
                } else {
                    AssessmentKind::Retest
                },
                protocol_version: "1".into(),
                raw_json: document("answers", 1_400, &mut dice),
                result_json: document("result", 1_000, &mut dice),
                notes: String::new(),
                at: unix(date, 10),
            });
        }
        if day % 28 == 0 {
            runner.programmes.push(SeedProgramme {
                assessment: Some(runner.assessments.len() - 1),
                status: ProgrammeStatus::Superseded,
                body_json: document("programme", 6_000, &mut dice),
                at: unix(date, 11),
            });
        }
        let programme = runner.programmes.len() - 1;
        let log = |kind: LogKind, i: usize, size: usize, hour: i8, dice: &mut Dice| SeedLog {
            kind,
            log_date: date_text.clone(),
            body_json: document(kind.as_str(), size, dice),
            idempotency_key: format!("seed-{date_text}-{i}"),
            at: unix(date, hour),
        };
        runner
            .logs
            .push(log(LogKind::Morning, 0, 120, 7, &mut dice));
        // Exercises four days a week (four of them), a run two days a week.
        let weekday = day % 7;
        if [0, 2, 4, 5].contains(&weekday) {
            for i in 1..=4 {
                runner
                    .logs
                    .push(log(LogKind::Session, i, 200, 18, &mut dice));
            }
        }
        if [1, 5].contains(&weekday) {
            runner.logs.push(log(LogKind::Run, 5, 250, 9, &mut dice));
        }
        let recent = day >= days - 3;
        let review = |kind: ReviewKind, dice: &mut Dice| SeedReview {
            programme,
            review_date: date_text.clone(),
            kind,
            status: if recent {
                ReviewStatus::Suggested
            } else {
                ReviewStatus::Accepted
            },
            body_json: document("review", 400, dice),
            note: String::new(),
            decided_at: (!recent).then(|| unix(date, 20)),
            at: unix(date, 19),
        };
        if weekday != 3 {
            runner.reviews.push(review(ReviewKind::AfterDay, &mut dice));
        }
        if weekday == 6 {
            runner.reviews.push(review(ReviewKind::Weekly, &mut dice));
        }
        if dice.below(60) == 0 {
            runner.alerts.push(SeedAlert {
                tier: AlertTier::Low,
                reason: format!("pain rose on {date_text}"),
                at: unix(date, 19),
                resolved_at: (!recent).then(|| unix(date, 21)),
            });
        }
    }
    runner.programmes.last_mut().unwrap().status = ProgrammeStatus::Approved;
    runner
}

/// A seeded clinic: the database file, and each runner's id and session id.
struct Seeded {
    url: String,
    runners: Vec<(i64, Id)>,
    /// `since` of the Today window.
    since: String,
    /// Now, as tower-sessions' SQLite store binds it (an RFC 3339 text it compares).
    now_text: String,
}

async fn seed(runners: u64, days: i64) -> Seeded {
    let started = Instant::now();
    let url = testing::sqlite_url().await;
    let (store, bulk) = connect_bulk(&url, Default::default()).await.unwrap();
    let clinic = store
        .create_clinic(&NewClinic {
            name: "Bench Clinic".into(),
            units: UnitPreference {
                distance: DistanceUnit::Km,
                mass: MassUnit::Kg,
            },
            time_zone: TimeZoneName::utc(),
        })
        .await
        .unwrap();
    let clinician = store
        .create_user(&testing::new_user(
            Some(clinic.id),
            "clinician@bench.example",
            Role::Clinician,
        ))
        .await
        .unwrap();
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let mut ids = Vec::new();
    let mut logs = 0;
    for batch in (0..runners).collect::<Vec<_>>().chunks(20) {
        let seeds: Vec<SeedRunner> = batch
            .iter()
            .map(|n| seed_runner(*n, clinic.id, today, days))
            .collect();
        logs += seeds.iter().map(|s| s.logs.len()).sum::<usize>();
        ids.extend(bulk.insert_runners(clinician.id, &seeds).await.unwrap());
    }
    // A signed-in session per runner, as the login stores it.
    let sessions = store.session_backend().store();
    let expiry = tower_sessions::cookie::time::OffsetDateTime::now_utc()
        + tower_sessions::cookie::time::Duration::hours(12);
    let mut runners_sessions = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        let session = Id(0x5e55_0000_0000_0000_0000_0000_0000_0000 + k as i128);
        let mut data = std::collections::HashMap::new();
        data.insert("user_id".to_owned(), serde_json::json!(id));
        data.insert(
            "password_fingerprint".to_owned(),
            serde_json::json!("0123456789abcdef"),
        );
        data.insert("idle_seconds".to_owned(), serde_json::json!(43_200));
        data.insert(
            "touched_at".to_owned(),
            serde_json::json!(jiff::Timestamp::now().as_second()),
        );
        data.insert(
            "csrf_token".to_owned(),
            serde_json::json!("c3JmdG9rZW5jc3JmdG9rZW5jc3JmdG9rZW5jc3JmdG9rZW4"),
        );
        sessions
            .save(&Record {
                id: session,
                data,
                expiry_date: expiry,
            })
            .await
            .unwrap();
        runners_sessions.push((*id, session));
    }
    let SessionBackend::Sqlite(pool, _) = store.session_backend() else {
        unreachable!("a SQLite file")
    };
    let now_text: String = sqlx::query_scalar("SELECT CAST($1 AS TEXT)")
        .bind(tower_sessions::cookie::time::OffsetDateTime::now_utc())
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let size = std::fs::metadata(&url).map(|m| m.len()).unwrap_or(0);
    println!(
        "seeded {runners} runners × {days} days: {logs} logs, {:.0} MB, in {:.1} s",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let since = today
        .checked_sub(jiff::Span::new().days(TODAY_DAYS))
        .unwrap()
        .to_string();
    Seeded {
        url,
        runners: runners_sessions,
        since,
        now_text,
    }
}

/// How many rows one page read returned (to check the drivers agree, and so nothing is
/// optimised away).
type Rows = usize;

/// A small pool of rusqlite connections opened as the app opens its readers (read-only,
/// `busy_timeout`), each used by one page read at a time.
struct RusqlitePool {
    connections: Mutex<Vec<Connection>>,
    permits: tokio::sync::Semaphore,
    since: String,
    now_text: String,
}

impl RusqlitePool {
    fn open(clinic: &Seeded) -> Self {
        let connections = (0..READERS)
            .map(|_| {
                let conn = Connection::open_with_flags(
                    &clinic.url,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .unwrap();
                conn.busy_timeout(Duration::from_secs(10)).unwrap();
                conn.set_prepared_statement_cache_capacity(32);
                conn
            })
            .collect();
        RusqlitePool {
            connections: Mutex::new(connections),
            permits: tokio::sync::Semaphore::new(READERS),
            since: clinic.since.clone(),
            now_text: clinic.now_text.clone(),
        }
    }

    /// The page read with a connection of the pool, on a blocking thread (one hand-off) or
    /// on the calling thread.
    async fn today(self: &Arc<Self>, session: Id, hand_off: bool) -> Rows {
        let _permit = self.permits.acquire().await.unwrap();
        if hand_off {
            let pool = self.clone();
            tokio::task::spawn_blocking(move || pool.read_with_connection(session))
                .await
                .unwrap()
        } else {
            self.read_with_connection(session)
        }
    }

    fn read_with_connection(&self, session: Id) -> Rows {
        let conn = self.connections.lock().unwrap().pop().unwrap();
        let rows = today_rusqlite(&conn, session, &self.since, &self.now_text).unwrap();
        self.connections.lock().unwrap().push(conn);
        rows
    }
}

/// Every row of `sql` with `params`, each column read into an owned value.
fn all_rows(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<Vec<Vec<Value>>> {
    let mut statement = conn.prepare_cached(sql)?;
    let width = statement.column_count();
    let rows = statement.query_map(params, |row| {
        (0..width).map(|i| row.get::<_, Value>(i)).collect()
    })?;
    rows.collect()
}

/// What GET `/today` reads, as the app's statements read it (see the module's note).
fn today_rusqlite(
    conn: &Connection,
    session: Id,
    since: &str,
    now_text: &str,
) -> rusqlite::Result<Rows> {
    let data: Vec<u8> = conn
        .prepare_cached("SELECT data FROM tower_sessions WHERE id = ? AND expiry_date > ?")?
        .query_row(params![session.to_string(), now_text], |row| row.get(0))?;
    let record: Record = rmp_serde::from_slice(&data).expect("a session record");
    let runner_id = record.data["user_id"].as_i64().expect("signed in");
    let user_sql = format!("SELECT {USER_COLUMNS} FROM app_user WHERE id = $1");
    let user = all_rows(conn, &user_sql, [runner_id])?;
    conn.execute_batch("BEGIN")?;
    let runner = all_rows(conn, &user_sql, [runner_id])?;
    let clinic_id = &runner[0][1];
    let clinic = all_rows(
        conn,
        &format!("SELECT {CLINIC_COLUMNS} FROM clinic WHERE id = $1"),
        [clinic_id],
    )?;
    let programme = all_rows(
        conn,
        &format!(
            "SELECT {PROGRAMME_COLUMNS} FROM programme WHERE runner_id = $1 AND status = 'approved' \
             ORDER BY version DESC LIMIT 1"
        ),
        [runner_id],
    )?;
    let assessments = all_rows(
        conn,
        &format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessment WHERE runner_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT $2"
        ),
        [runner_id, RECENT_ASSESSMENTS],
    )?;
    let logs = all_rows(
        conn,
        &format!(
            "SELECT {LOG_COLUMNS} FROM tracking_log WHERE runner_id = $1 AND log_date >= $2 ORDER BY log_date, id"
        ),
        params![runner_id, since],
    )?;
    let reviews = all_rows(
        conn,
        &format!(
            "SELECT {REVIEW_COLUMNS} FROM review WHERE runner_id = $1 AND review_date >= $2 \
             ORDER BY review_date DESC, id DESC"
        ),
        params![runner_id, since],
    )?;
    conn.execute_batch("COMMIT")?;
    let reminder = all_rows(
        conn,
        &format!("SELECT {REMINDER_COLUMNS} FROM reminder WHERE runner_id = $1"),
        [runner_id],
    )?;
    let read = [
        user,
        runner,
        clinic,
        programme,
        assessments,
        logs,
        reviews,
        reminder,
    ];
    let rows = 1 + read.iter().map(Vec::len).sum::<usize>();
    black_box(read);
    Ok(rows)
}

/// The app's own read: its session store, `Store::user`, `PageStore::journal`, `reminder`.
async fn today_sqlx(store: &dyn Store, sessions: &Sessions, session: Id, since: &str) -> Rows {
    let record = sessions.load(&session).await.unwrap().expect("a session");
    let runner_id = record.data["user_id"].as_i64().expect("signed in");
    let user = store.user(runner_id).await.unwrap();
    let journal = store
        .journal(&Actor::of(&user), runner_id, since, "view today")
        .await
        .unwrap();
    let reminder = store.reminder(runner_id).await.unwrap();
    let rows = 3
        + usize::from(journal.clinic.is_some())
        + usize::from(journal.programme.is_some())
        + journal.assessments.len()
        + journal.logs.len()
        + journal.reviews.len()
        + usize::from(reminder.is_some());
    black_box((journal, reminder));
    rows
}

#[derive(Clone)]
enum Driver {
    Sqlx(Arc<dyn Store>, Arc<Sessions>, Arc<str>),
    Rusqlite(Arc<RusqlitePool>, bool),
}

impl Driver {
    fn name(&self) -> &'static str {
        match self {
            Driver::Sqlx(..) => "sqlx-sqlite (the app's store, 4 readers)",
            Driver::Rusqlite(_, true) => "rusqlite, 4 connections, one spawn_blocking per page",
            Driver::Rusqlite(_, false) => "rusqlite, 4 connections, on the async thread",
        }
    }

    async fn today(&self, session: Id) -> Rows {
        match self {
            Driver::Sqlx(store, sessions, since) => {
                today_sqlx(store.as_ref(), sessions, session, since).await
            }
            Driver::Rusqlite(pool, hand_off) => pool.today(session, *hand_off).await,
        }
    }
}

/// Page reads per second with `tasks` tasks reading for `seconds`, runners taken in turn.
async fn throughput(driver: &Driver, clinic: &Arc<Seeded>, tasks: usize, seconds: u64) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..tasks)
        .map(|t| {
            let (driver, clinic, done) = (driver.clone(), clinic.clone(), done.clone());
            tokio::spawn(async move {
                let mut k = t * 7919;
                while Instant::now() < until {
                    let (_, session) = clinic.runners[k % clinic.runners.len()];
                    black_box(driver.today(session).await);
                    done.fetch_add(1, Ordering::Relaxed);
                    k += 1;
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// Heap allocations and bytes per page read, one task, every thread counted.
async fn allocations(driver: &Driver, clinic: &Seeded, pages: usize) -> (f64, f64) {
    let region = Region::new(GLOBAL);
    for k in 0..pages {
        black_box(
            driver
                .today(clinic.runners[k % clinic.runners.len()].1)
                .await,
        );
    }
    let change = region.change();
    (
        change.allocations as f64 / pages as f64,
        change.bytes_allocated as f64 / pages as f64,
    )
}

fn main() {
    let runners = env_number("BENCH_RUNNERS", 300);
    let days = env_number("BENCH_DAYS", 365) as i64;
    let seconds = env_number("BENCH_SECONDS", 4);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let clinic = Arc::new(seed(runners, days).await);
        let store = connect(&clinic.url).await.unwrap();
        let sessions = Arc::new(store.session_backend().store());
        let pool = Arc::new(RusqlitePool::open(&clinic));
        let drivers = [
            Driver::Sqlx(store, sessions, clinic.since.as_str().into()),
            Driver::Rusqlite(pool.clone(), true),
            Driver::Rusqlite(pool, false),
        ];
        // The same rows through every driver, for a few runners.
        for (_, session) in clinic.runners.iter().take(5) {
            let mut counts = Vec::new();
            for d in &drivers {
                counts.push(d.today(*session).await);
            }
            assert!(
                counts.windows(2).all(|w| w[0] == w[1]),
                "the drivers read different rows: {counts:?}"
            );
        }
        let rows = drivers[0].today(clinic.runners[0].1).await;
        println!(
            "one page read: 9 statements and BEGIN, COMMIT; {rows} rows; {} runtime worker threads; {seconds} s a cell",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        println!(
            "| driver | page reads/s, 1 task | page reads/s, 32 tasks | allocations/page | KB allocated/page |"
        );
        println!("| --- | --- | --- | --- | --- |");
        for driver in &drivers {
            // A short warm-up fills the statement caches and the page cache.
            throughput(driver, &clinic, 4, 1).await;
            let one = throughput(driver, &clinic, 1, seconds).await;
            let many = throughput(driver, &clinic, 32, seconds).await;
            let (allocs, bytes) = allocations(driver, &clinic, 500).await;
            println!(
                "| {} | {one:.0} | {many:.0} | {allocs:.0} | {:.1} |",
                driver.name(),
                bytes / 1024.0
            );
        }
        // The database (a few hundred MB) goes with the run.
        if let Some(dir) = std::path::Path::new(&clinic.url).parent() {
            std::fs::remove_dir_all(dir).ok();
        }
    });
}
