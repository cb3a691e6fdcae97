//! One trip per page: counts the SQL statements and rows each main page makes the database run,
//! for a runner with no history and for one with a year of it, and for a clinic of 2 runners
//! and of 12, on every backend — and fails when a page's statements grow with history or with
//! the runners (an N+1), or its rows grow by more than the page's window.
//!
//! sqlx reports every statement it runs as a `tracing` event (target `sqlx::query`, at DEBUG,
//! with `rows_returned` and `rows_affected`); a global layer counts them. nextest runs each test
//! in its own process, so nothing else runs statements while a page is counted.
//!
//! Run with `--no-capture` to see the figures (statements, rows per page).

use crate::client::*;
use crate::runs::{run_fit, upload};
use crate::tracking::approved_programme_for;
use backstride_core::Role;
use backstride_core::programme::ProgrammeRequest;
use backstride_store::{
    Actor, AssessmentKind, LogKind, NewLog, NewReview, NewRun, ProgrammeStatus, ReviewKind,
    ReviewStatus, Store, User,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tracing::field::{Field, Visit};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;

static STATEMENTS: AtomicU64 = AtomicU64::new(0);
static ROWS: AtomicU64 = AtomicU64::new(0);
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Counts sqlx's statement events.
struct StatementCounter;

#[derive(Default)]
struct StatementFields {
    returned: u64,
    affected: u64,
    summary: String,
}

impl StatementFields {
    /// Rows read, or written by a statement that writes. (SQLite's count of rows changed is
    /// the connection's last change, whatever the statement: a read reports the write before.)
    fn rows(&self) -> u64 {
        let verb = self.summary.split_whitespace().next().unwrap_or("");
        let writes = ["insert", "update", "delete"]
            .iter()
            .any(|w| verb.eq_ignore_ascii_case(w));
        self.returned + if writes { self.affected } else { 0 }
    }
}

impl Visit for StatementFields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "rows_returned" => self.returned = value,
            "rows_affected" => self.affected = value,
            _ => {}
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "summary" {
            self.summary = value.to_owned();
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" {
            self.summary = format!("{value:?}").trim_matches('"').to_owned();
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for StatementCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut fields = StatementFields::default();
        event.record(&mut fields);
        STATEMENTS.fetch_add(1, Ordering::SeqCst);
        ROWS.fetch_add(fields.rows(), Ordering::SeqCst);
        SEEN.lock().unwrap().push(fields.summary);
    }
}

/// Installs the counter once per process (statement events enabled at DEBUG).
fn count_statements() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let only_statements = tracing_subscriber::filter::Targets::new()
            .with_target("sqlx::query", tracing::Level::DEBUG);
        let subscriber =
            tracing_subscriber::registry().with(StatementCounter.with_filter(only_statements));
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in this test's process");
    });
}

/// What one request cost the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Trip {
    statements: u64,
    rows: u64,
}

/// Starts counting one request's statements: the counts so far.
fn count_from() -> (u64, u64) {
    SEEN.lock().unwrap().clear();
    (
        STATEMENTS.load(Ordering::SeqCst),
        ROWS.load(Ordering::SeqCst),
    )
}

/// The statements run since [`count_from`] gave `(s0, r0)`, and their summaries.
fn counted((s0, r0): (u64, u64)) -> (Trip, Vec<String>) {
    let trip = Trip {
        statements: STATEMENTS.load(Ordering::SeqCst) - s0,
        rows: ROWS.load(Ordering::SeqCst) - r0,
    };
    (trip, std::mem::take(&mut *SEEN.lock().unwrap()))
}

/// GETs `path` and counts the statements it ran (the page must answer 200, or redirect).
async fn trip(c: &mut Client, path: &str) -> (Trip, Vec<String>) {
    let from = count_from();
    let res = c.get(path).await;
    assert!(
        res.status == 200 || res.status.is_redirection(),
        "GET {path}: {} {}",
        res.status,
        res.body
    );
    counted(from)
}

/// Logs a run for today through `POST /today/log` (key `key`) and counts the statements it
/// ran: the journal's read, the log and what it decides stored in one transaction.
async fn log_trip(c: &mut Client, key: &str) -> (Trip, Vec<String>) {
    c.get("/today").await;
    let today = today().to_string();
    let from = count_from();
    let res = c
        .post(
            "/today/log",
            &[
                ("kind", "run"),
                ("date", &today),
                ("distance", "5"),
                ("duration_minutes", "30"),
                ("pain_before", "1"),
                ("pain_during", "2"),
                ("pain_after", "1"),
                ("idempotency_key", key),
            ],
        )
        .await;
    assert!(
        res.status.is_redirection(),
        "POST /today/log: {} {}",
        res.status,
        res.body
    );
    counted(from)
}

/// The figures of one comparison, printed and checked.
struct Comparison {
    backend: &'static str,
    lines: Vec<String>,
    failures: Vec<String>,
}

impl Comparison {
    fn new(backend: &'static str) -> Self {
        Comparison {
            backend,
            lines: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// `small` and `large` are the same page for little and much data; the statements must be
    /// the same (`slack` allows a branch taken only with data, never a loop), the rows may grow
    /// by at most `window`.
    fn check(
        &mut self,
        page: &str,
        (small, small_sql): &(Trip, Vec<String>),
        (large, large_sql): &(Trip, Vec<String>),
        slack: u64,
        window: u64,
    ) {
        self.lines.push(format!(
            "{:<9} {page:<44} {:>4} stmts {:>6} rows | {:>4} stmts {:>6} rows",
            self.backend, small.statements, small.rows, large.statements, large.rows
        ));
        if large.statements > small.statements + slack {
            self.failures.push(format!(
                "{page}: {} statements with more data, {} without (N+1?)\n  without: {small_sql:?}\n  with: {large_sql:?}",
                large.statements, small.statements
            ));
        }
        if large.rows > small.rows + window {
            self.failures.push(format!(
                "{page}: {} rows with more data, {} without; the window allows {window} more\n  statements: {large_sql:?}",
                large.rows, small.rows
            ));
        }
    }
}

const PASS: &str = PASSWORD;

/// A year of a runner's history, written through the store as the app and the hourly task
/// write it: programme versions every four weeks, assessments, a morning check-in and a
/// session every day, a run three times a week (a copy of a real uploaded run, and its log),
/// a day's review every day and a weekly one every week.
async fn a_year_of(store: &Arc<dyn Store>, runner: &User, doc: &User, c: &mut Client) -> i64 {
    let staff = Actor::of(doc);
    let own = Actor::of(runner);
    let first = days_ago(364);
    for week in (0..52).step_by(4) {
        let start = first.checked_add(jiff::Span::new().days(7 * week)).unwrap();
        approved_programme_for(store, runner, doc, &ProgrammeRequest::new(start)).await;
    }
    for kind in [AssessmentKind::Retest, AssessmentKind::Retest] {
        crate::programme::scored_assessment_of_kind(store, runner, doc, kind).await;
    }
    // The current version, started a week ago like the new runner's.
    let (programme_id, body) =
        approved_programme_for(store, runner, doc, &ProgrammeRequest::new(days_ago(8))).await;
    let item = body.items[0].key.clone();

    // One real run, uploaded; its summary stands for the year's other runs.
    assert!(
        upload(c, &[("run.fit", &run_fit(0))])
            .await
            .status
            .is_success()
    );
    let real = store.runs_of(&own, runner.id).await.unwrap()[0].clone();
    // A real day's review, made by the journal after a real log; its body serves every day.
    let t = today().to_string();
    c.get("/today").await;
    let logged = c
        .post(
            "/today/log",
            &[
                ("kind", "morning"),
                ("date", &t),
                ("idempotency_key", "year-today"),
                ("morning_pain", "2"),
                ("stiffness", "2"),
                ("settled", "yes"),
            ],
        )
        .await;
    assert!(logged.status.is_redirection(), "{}", logged.body);
    let review = store.reviews_of(&staff, runner.id).await.unwrap()[0].clone();

    for n in 1..365 {
        let day = days_ago(n).to_string();
        let pain = (n % 4) as u8;
        let logs = [
            (
                LogKind::Morning,
                serde_json::json!({"date": day, "morning_pain": pain, "stiffness": 2,
                    "settled_after_yesterday": null, "red_flags": []}),
            ),
            (
                LogKind::Session,
                serde_json::json!({"date": day, "item_key": item, "sets_done": 2,
                    "pain_during": pain, "effort": 5, "note": null, "red_flags": []}),
            ),
        ];
        for (i, (kind, body)) in logs.into_iter().enumerate() {
            store
                .add_log(
                    &own,
                    runner.id,
                    &NewLog {
                        kind,
                        log_date: day.clone(),
                        body_json: body.to_string(),
                        idempotency_key: format!("year-{n}-{i}"),
                    },
                )
                .await
                .unwrap();
        }
        if n % 7 < 3 {
            let at = real.started_at - n * 86_400;
            store
                .add_run(
                    &own,
                    runner.id,
                    &NewRun {
                        content_hash: format!("year-run-{n}"),
                        file_name: format!("run-{n}.fit"),
                        started_at: at,
                        sport: real.sport.clone(),
                        summary_json: real.summary_json.clone(),
                    },
                )
                .await
                .unwrap();
            let run = serde_json::json!({"date": day, "distance_m": 5000.0, "duration_s": 1800.0,
                "pain_before": 1, "pain_during": pain, "pain_after": 1, "note": null, "red_flags": []});
            store
                .add_log(
                    &own,
                    runner.id,
                    &NewLog {
                        kind: LogKind::Run,
                        log_date: day.clone(),
                        body_json: run.to_string(),
                        idempotency_key: format!("year-run-{n}"),
                    },
                )
                .await
                .unwrap();
        }
        let kinds: &[ReviewKind] = if n % 7 == 0 {
            &[ReviewKind::AfterDay, ReviewKind::Weekly]
        } else {
            &[ReviewKind::AfterDay]
        };
        for kind in kinds {
            store
                .save_review(
                    &own,
                    runner.id,
                    &NewReview {
                        programme_id,
                        review_date: day.clone(),
                        kind: *kind,
                        status: if n > 14 {
                            ReviewStatus::Accepted
                        } else {
                            ReviewStatus::Suggested
                        },
                        body_json: review.body_json.replace(&t, &day),
                    },
                )
                .await
                .unwrap();
        }
    }
    store.runs_of(&own, runner.id).await.unwrap()[0].id
}

/// A runner of `clinic` with an approved programme started a week ago and one uploaded run;
/// returns them, their logged-in browser and their run's id.
async fn new_runner(
    store: &Arc<dyn Store>,
    clinic: &backstride_store::Clinic,
    doc: &User,
    email: &str,
) -> (User, Client, i64) {
    let runner = person(store, Some(clinic), email, Role::Runner).await;
    approved_programme_for(store, &runner, doc, &ProgrammeRequest::new(days_ago(8))).await;
    let mut c = Client::new(store.clone());
    c.login(email, PASS).await;
    assert!(
        upload(&mut c, &[("run.fit", &run_fit(0))])
            .await
            .status
            .is_success()
    );
    let run = store.runs_of(&Actor::of(&runner), runner.id).await.unwrap()[0].id;
    (runner, c, run)
}

/// The pages a runner opens every day (`run` and `programme` are theirs).
fn runner_pages(run: i64, programme: i64) -> Vec<(&'static str, String)> {
    vec![
        ("runner /today", "/today".into()),
        ("runner /progress", "/progress".into()),
        ("runner /programme (redirect)", "/programme".into()),
        (
            "runner /programmes/{id}",
            format!("/programmes/{programme}"),
        ),
        ("runner /runs", "/runs".into()),
        ("runner /runs/{id}", format!("/runs/{run}")),
    ]
}

/// The runner's approved programme's id.
async fn current_programme(store: &Arc<dyn Store>, runner: &User) -> i64 {
    store
        .programmes_of(&Actor::of(runner), runner.id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.status == ProgrammeStatus::Approved)
        .unwrap()
        .id
}

/// The pages a clinician opens every day (`runner` is the record opened).
fn staff_pages(runner: i64) -> Vec<(&'static str, String)> {
    vec![
        ("staff /home (worklist)", "/home".into()),
        ("staff /clinic/caseload", "/clinic/caseload".into()),
        (
            "staff /clinic/caseload?sort=pain",
            "/clinic/caseload?sort=pain&show=all".into(),
        ),
        (
            "staff /clinic/caseload?show=worse",
            "/clinic/caseload?sort=alerts&show=worse".into(),
        ),
        ("staff /runners/{id}", format!("/runners/{runner}")),
    ]
}

/// Rows a year runner's pages may read beyond a new runner's: the days every page's window
/// reaches back (the journal's history), each with its morning check-in, a session, a run and
/// a day's review, and a little for the weekly reviews and the newest assessments.
fn window_rows() -> u64 {
    let days = backstride_web::HISTORY_DAYS as u64;
    days * 4 + days / 7 + backstride_store::RECENT_ASSESSMENTS as u64
}

/// Rows a year runner's Today page may read beyond a new runner's: its shorter window (the
/// weeks of [`backstride_web::TODAY_DAYS`]), counted as [`window_rows`] counts.
fn today_window_rows() -> u64 {
    let days = backstride_web::TODAY_DAYS as u64;
    days * 4 + days / 7 + backstride_store::RECENT_ASSESSMENTS as u64
}

/// Rows a year runner's progress page may read beyond a new runner's: one weekly summary per
/// calendar week its charts show ([`backstride_store::summaries::SUMMARY_WEEKS`]) and the
/// newest assessments; not a single log, however many there are.
fn progress_window_rows() -> u64 {
    (backstride_store::summaries::SUMMARY_WEEKS + backstride_store::RECENT_ASSESSMENTS) as u64
}

/// Rows a year runner's stored log may read and write beyond a new runner's: the window of a
/// log's decisions ([`backstride_web::DECISION_DAYS`]), counted as [`window_rows`] counts.
fn decision_window_rows() -> u64 {
    let days = backstride_web::DECISION_DAYS as u64;
    days * 4 + days / 7 + backstride_store::RECENT_ASSESSMENTS as u64
}

/// The runner record's window: the journal's, and the newest programme versions, reviews (of
/// any day, and decided with a note), runs, and audit lines it lists.
fn record_window_rows() -> u64 {
    window_rows()
        + 4 * backstride_store::RECORD_ENTRIES as u64
        + backstride_store::RECORD_AUDIT_LINES as u64
}

/// Statements a clinic list (the caseload, the worklist) may run more on the first look after
/// runners changed: the caseload reads the changed runners' details (seven statements, for
/// any number of them), and a view naming a new set of runners stores that list (two).
const FIRST_LOOK_STATEMENTS: u64 = 9;

#[tokio::test]
async fn pages_read_a_bounded_window_in_a_fixed_number_of_statements() {
    count_statements();
    each_backend(|store| async move {
        let started = std::time::Instant::now();
        let home = clinic(&store, "Trips Clinic").await;
        let doc = person(
            &store,
            Some(&home),
            "trips-doc@example.com",
            Role::Clinician,
        )
        .await;
        let (fresh, mut fresh_c, fresh_run) =
            new_runner(&store, &home, &doc, "trips-new@example.com").await;
        let year = person(&store, Some(&home), "trips-year@example.com", Role::Runner).await;
        let mut year_c = Client::new(store.clone());
        year_c.login("trips-year@example.com", PASS).await;
        let year_run = a_year_of(&store, &year, &doc, &mut year_c).await;
        eprintln!("a year of history written in {:?}", started.elapsed());
        let mut doc_c = Client::new(store.clone());
        doc_c.login("trips-doc@example.com", PASS).await;
        let mut visitor = Client::new(store.clone());

        let mut cmp = Comparison::new(store.backend());
        // Each page twice first: the second look is the steady state (no first-visit upkeep).
        let (fresh_programme, year_programme) = (
            current_programme(&store, &fresh).await,
            current_programme(&store, &year).await,
        );
        for ((page, small), (_, large)) in runner_pages(fresh_run, fresh_programme)
            .into_iter()
            .zip(runner_pages(year_run, year_programme))
        {
            trip(&mut fresh_c, &small).await;
            trip(&mut year_c, &large).await;
            let a = trip(&mut fresh_c, &small).await;
            let b = trip(&mut year_c, &large).await;
            let window = match page {
                "runner /today" => today_window_rows(),
                "runner /progress" => progress_window_rows(),
                _ => window_rows(),
            };
            cmp.check(page, &a, &b, 0, window);
        }
        // A stored log: the same statements for a year of history as for a week (but one),
        // its rows within the decisions' window. (Each runner logs once first: the steady state.)
        log_trip(&mut fresh_c, "trips-log-1").await;
        log_trip(&mut year_c, "trips-log-1").await;
        let a = log_trip(&mut fresh_c, "trips-log-2").await;
        let b = log_trip(&mut year_c, "trips-log-2").await;
        // Slack 1: the alerts' one statement runs only when the logs call for an alert.
        cmp.check("runner POST /today/log", &a, &b, 1, decision_window_rows());
        for ((page, small), (_, large)) in
            staff_pages(fresh.id).into_iter().zip(staff_pages(year.id))
        {
            trip(&mut doc_c, &small).await;
            let a = trip(&mut doc_c, &small).await;
            let b = trip(&mut doc_c, &large).await;
            // The caseload and the worklist show both runners either way.
            let window = if page.starts_with("staff /runners") {
                record_window_rows()
            } else {
                window_rows()
            };
            cmp.check(page, &a, &b, 0, window);
        }
        let public = format!("/clinics/{}", home.id);
        trip(&mut visitor, &public).await;
        let a = trip(&mut visitor, &public).await;

        // Ten more runners, each with a programme and a week of check-ins: the staff pages
        // that list the clinic must not run a statement per runner.
        let staff_before: Vec<_> = {
            let mut v = Vec::new();
            for (_, path) in staff_pages(fresh.id).into_iter().take(4) {
                v.push(trip(&mut doc_c, &path).await);
            }
            v
        };
        for k in 0..10 {
            let (runner, _, _) =
                new_runner(&store, &home, &doc, &format!("trips-more{k}@example.com")).await;
            for n in 0..7 {
                let day = days_ago(n).to_string();
                store
                    .add_log(
                        &Actor::of(&runner),
                        runner.id,
                        &NewLog {
                            kind: LogKind::Morning,
                            log_date: day.clone(),
                            body_json: serde_json::json!({"date": day, "morning_pain": 2,
                                "stiffness": 2, "settled_after_yesterday": null, "red_flags": []})
                            .to_string(),
                            idempotency_key: format!("more-{k}-{n}"),
                        },
                    )
                    .await
                    .unwrap();
            }
        }
        for ((page, path), before) in staff_pages(fresh.id).into_iter().take(4).zip(staff_before) {
            // The first look after the change works the ten new lines out and stores the new
            // list of runners its audit event names: a fixed number of statements more,
            // whatever the number of runners; their window of rows (a week of check-ins, a
            // programme, an assessment each) may be read.
            let first_look = trip(&mut doc_c, &path).await;
            cmp.check(
                &format!("{page} (+10 runners, first look)"),
                &before,
                &first_look,
                FIRST_LOOK_STATEMENTS,
                10 * 40,
            );
            // Then the same statements as before: one row more per runner at most.
            let after = trip(&mut doc_c, &path).await;
            cmp.check(
                &format!("{page} (+10 runners)"),
                &before,
                &after,
                0,
                10 * 40,
            );
        }
        let b = trip(&mut visitor, &public).await;
        cmp.check("public /clinics/{id} (+10 runners)", &a, &b, 0, 0);

        eprintln!(
            "{:<9} {:<44} {:>22} | {:>22}\n{}",
            "backend",
            "page",
            "less data",
            "more data",
            cmp.lines.join("\n")
        );
        assert!(cmp.failures.is_empty(), "{}", cmp.failures.join("\n"));
    })
    .await;
}
