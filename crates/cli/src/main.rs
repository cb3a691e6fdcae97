//! The `backstride` binary: serve the app, migrate, manage users, and the clinician's command-line
//! tools (score an assessment, analyse a watch file).
#![forbid(unsafe_code)]

mod analyze;
mod assess;
mod clinic;
mod data;
mod demo;
mod import;
mod outbox;
mod settings;
mod user;

use anyhow::Context;
use clap::{Parser, Subcommand};
use settings::{ConnectArgs, Settings};
use std::path::PathBuf;

/// mimalloc instead of the system allocator (see the dependency's note in Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Backstride: software for runners with low back pain and the clinicians who coach them.
///
/// Configuration comes from defaults, then a TOML file (--config, or ./backstride.toml if it
/// exists), then BACKSTRIDE_* environment variables (nested keys with a double underscore, e.g.
/// BACKSTRIDE_MAIL__TRANSPORT=smtp), then the flags given here.
#[derive(Parser)]
#[command(name = "backstride", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web app (SQLite in the data directory by default; migrates on start).
    Serve {
        #[command(flatten)]
        connect: ConnectArgs,
        /// Address to listen on, e.g. 127.0.0.1:8080 or 0.0.0.0:8080.
        #[arg(long)]
        addr: Option<String>,
        /// Seed a demo clinic with a clinician, an admin and three runners (idempotent) and
        /// print their logins.
        #[arg(long)]
        demo: bool,
    },
    /// Seed the demo clinic (idempotent), print its logins and exit.
    ///
    /// With --runners, the clinic at clinic scale as well: that many more runners
    /// (runner0001@demo.backstride.test … with the demo password) with up to --days days of
    /// history each — assessments and re-tests, programme versions, daily logs, watch runs,
    /// reviews and alerts — and a year of leads, consults and booked calls. Runner 1 has the
    /// whole history; the last one joined today. The same --seed makes the same clinic.
    Demo {
        #[command(flatten)]
        connect: ConnectArgs,
        /// How many runners to add (1 to 20,000).
        #[arg(long)]
        runners: Option<usize>,
        /// Days of history of the longest-standing runners (1 to 1,098).
        #[arg(long, default_value_t = 365)]
        days: i64,
        /// Seed of the made-up stories.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Date the demo as if today were this day (YYYY-MM-DD, from 2000-01-01 to
        /// 2099-12-31), e.g. to show it on a known date; today by default.
        #[arg(long, value_parser = parse_today)]
        today: Option<jiff::civil::Date>,
    },
    /// Bring the database schema up to date and exit.
    Migrate {
        #[command(flatten)]
        connect: ConnectArgs,
    },
    /// The operator's view of outgoing email: every clinic's and the instance-wide mail.
    Outbox {
        #[command(subcommand)]
        action: outbox::OutboxCommand,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: user::UserCommand,
    },
    /// Score an assessment given as JSON and print the findings (schema: `crates/core/examples/assessment.json`).
    Assess {
        /// The assessment JSON file.
        file: PathBuf,
        /// Print the scored result as JSON instead of a report.
        #[arg(long)]
        json: bool,
    },
    /// Decode a FIT watch file and print each run's cadence, contact time, balance and load.
    Analyze {
        /// The .fit file.
        file: PathBuf,
        /// Print JSON instead of a report.
        #[arg(long)]
        json: bool,
    },
    /// Import a runner's watch files: FIT files, folders and Garmin export zips, decoded in
    /// parallel, deduplicated by content, with a summary at the end.
    ///
    /// Exits non-zero when the runner is unknown or every file failed (or none was found);
    /// duplicates and files that are not runs are not failures, so re-running an import is safe.
    Import(import::ImportArgs),
    /// Write everything about one runner into a zip (the same as their "Download my data").
    Export(data::ExportArgs),
    /// Restore a runner's export zip into this server (same or other backend), in one
    /// transaction: a damaged or foreign zip is refused and nothing is imported.
    ImportExport(data::FileArgs),
    /// Copy a running SQLite server's database into FILE, consistently, without stopping it.
    Backup(data::FileArgs),
    /// Put a backup into an empty data directory (a non-empty one is refused).
    Restore(data::FileArgs),
}

/// Runs the command; a refusal or failure is printed as its message and causes, never with a
/// backtrace (whatever `RUST_BACKTRACE` says: it is an answer for a person, not a crash).
fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Assess { file, json } => assess::run(&file, json),
        Command::Analyze { file, json } => analyze::run(&file, json),
        other => {
            init_tracing();
            tokio::runtime::Runtime::new()
                .context("starting the async runtime")?
                .block_on(run_async(other))
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_sessions=warn")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
}

async fn run_async(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            connect,
            addr,
            demo,
        } => {
            let settings = Settings::load(&connect, addr)?;
            serve(settings, demo).await
        }
        Command::Demo {
            connect,
            runners,
            days,
            seed,
            today,
        } => {
            let settings = Settings::load(&connect, None)?;
            let (store, bulk) = settings.open_bulk().await?;
            store.migrate().await?;
            let clock = match today {
                Some(day) => backstride_web::Clock::pinned(demo::noon_of(day)?),
                None => backstride_web::Clock::system(),
            };
            let logins = demo::seed(store.as_ref(), &clock).await?;
            if let Some(runners) = runners {
                let started = std::time::Instant::now();
                let size = clinic::Size {
                    runners,
                    days,
                    seed,
                };
                let made = clinic::seed(store.as_ref(), bulk, size, true, &clock).await?;
                println!("{made} ({:.1} s)", started.elapsed().as_secs_f64());
                if !made.already {
                    println!(
                        "  {} has the whole history; {} joined today.",
                        clinic::story::email_of(1),
                        clinic::story::email_of(runners)
                    );
                }
            }
            demo::print_logins(&logins, &settings.web.public_url);
            Ok(())
        }
        Command::Migrate { connect } => {
            let settings = Settings::load(&connect, None)?;
            let store = settings.open_store().await?;
            store.migrate().await?;
            println!("Database is up to date ({}).", store.backend());
            Ok(())
        }
        Command::User { action } => user::run(action).await,
        Command::Outbox { action } => outbox::run(action).await,
        Command::Import(args) => import::run(args).await,
        Command::Export(args) => data::export(args).await,
        Command::ImportExport(args) => data::import(args).await,
        Command::Backup(args) => data::backup(args).await,
        Command::Restore(args) => data::restore(args).await,
        Command::Assess { .. } | Command::Analyze { .. } => {
            unreachable!("handled without a runtime")
        }
    }
}

/// `--today`: a date in the years a demo can be dated to.
fn parse_today(raw: &str) -> Result<jiff::civil::Date, String> {
    let bad = || format!("{raw:?} is not a date from 2000-01-01 to 2099-12-31 (YYYY-MM-DD)");
    let day: jiff::civil::Date = raw.trim().parse().map_err(|_| bad())?;
    if (2000..=2099).contains(&day.year()) {
        Ok(day)
    } else {
        Err(bad())
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let store = settings.open_store().await?;
    store.migrate().await.context("migrating the database")?;
    // One clock for the demo's dates, the pages and the hourly housekeeping.
    let clock = backstride_web::Clock::system();
    let demo_logins = if demo {
        Some(demo::seed(store.as_ref(), &clock).await?)
    } else {
        None
    };
    let mailer =
        backstride_web::mail::Mailer::from_config(&settings.web.mail, &settings.web.data_dir)?;
    let (stop_worker, worker_stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(backstride_web::mail::run_worker(
        store.clone(),
        mailer,
        settings.web.mail.from.clone(),
        std::time::Duration::from_secs(settings.web.outbox_poll_seconds.max(1)),
        worker_stop_rx.clone(),
    ));
    let webhooks = tokio::spawn(backstride_web::webhooks::deliver::run_worker(
        store.clone(),
        std::time::Duration::from_secs(settings.web.outbox_poll_seconds.max(1)),
        worker_stop_rx.clone(),
    ));
    let housekeeping = tokio::spawn(backstride_web::housekeeping::run(
        store.clone(),
        backstride_web::ServerKey::load(&settings.web),
        clock.clone(),
        settings.web.base_url().to_owned(),
        worker_stop_rx,
    ));
    let listener = tokio::net::TcpListener::bind(&settings.addr)
        .await
        .with_context(|| {
            format!(
                "could not listen on {} (is another program using it?)",
                settings.addr
            )
        })?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, backend = store.backend(), "Backstride is listening");
    if let Some(logins) = &demo_logins {
        demo::print_logins(logins, &settings.web.public_url);
    }
    println!("Backstride is running at http://{local}/ (press Ctrl-C to stop)");
    let state = backstride_web::AppState::new(store, settings.web.clone()).with_clock(clock);
    backstride_web::serve(state, listener, shutdown_signal()).await?;
    tracing::info!("stopping: in-flight requests finished, stopping the outbox worker");
    let _ = stop_worker.send(true);
    worker.await.ok();
    webhooks.await.ok();
    housekeeping.await.ok();
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
