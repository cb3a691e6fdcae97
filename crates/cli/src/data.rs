//! The operator's data commands (issue 15): `export` a runner's zip, `import-export` it into
//! this server, `backup` a running SQLite server, `restore` a backup into an empty data folder.
//!
//! The operator exports on the runner's behalf (the runner's own view: not an access by
//! someone else, so not in the audit trail; whoever runs the CLI holds the database anyway).

use crate::settings::{ConnectArgs, Settings};
use anyhow::Context as _;
use backstride_core::{Email, Role};
use backstride_store::{RunnerExport, StoreError};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// The largest export zip `import-export` opens.
pub const MAX_EXPORT_ZIP_BYTES: u64 = 512 * 1024 * 1024;
/// The largest data document inside it.
pub const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;
/// The most bytes of watch files one import unpacks (each file at most ingest's limit).
pub const MAX_WATCH_FILE_BYTES: u64 = 1024 * 1024 * 1024;
/// The data document's name inside the zip.
pub const DOCUMENT: &str = "backstride-export.json";

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// Email of the runner whose data is exported.
    #[arg(long, value_name = "EMAIL")]
    pub runner: String,
    /// The zip file to write (must not exist yet).
    pub file: PathBuf,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(clap::Args, Debug)]
pub struct FileArgs {
    /// The zip (import-export) or database copy (backup, restore).
    pub file: PathBuf,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `backstride export --runner EMAIL FILE`.
pub async fn export(args: ExportArgs) -> anyhow::Result<()> {
    if args.file.exists() {
        anyhow::bail!(
            "{} already exists; choose a new file name",
            args.file.display()
        );
    }
    let settings = Settings::load(&args.connect, None)?;
    let store = settings.open_store().await?;
    store.migrate().await.context("migrating the database")?;
    let email: Email = args
        .runner
        .parse()
        .map_err(|e| anyhow::anyhow!("--runner {}: {e}", args.runner))?;
    let runner = match store.user_by_email(&email).await {
        Ok(u) if u.role == Role::Runner => u,
        Ok(u) => anyhow::bail!("{email} is a {} account, not a runner", u.role.as_str()),
        Err(StoreError::NotFound) => anyhow::bail!("no account with the email {email}"),
        Err(e) => return Err(e.into()),
    };
    let bar = crate::import::progress_bar(1, "parts");
    let step = {
        let bar = bar.clone();
        move |done: usize, total: usize| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let clock = backstride_web::Clock::system();
    let zip = backstride_web::account_data::export_zip(
        store.as_ref(),
        &clock,
        &runner,
        runner.id,
        settings.web.base_url(),
        &step,
    )
    .await
    .map_err(|e| anyhow::anyhow!("exporting {email}: {e}"))?;
    bar.finish_and_clear();
    std::fs::write(&args.file, &zip).with_context(|| format!("writing {}", args.file.display()))?;
    backstride_store::files::make_private(&args.file)?;
    println!(
        "Exported {email} to {} ({} KB).",
        args.file.display(),
        zip.len().div_ceil(1024)
    );
    Ok(())
}

/// Reads the data document out of an export zip, refusing anything else with a reason.
pub fn read_export(file: &Path) -> anyhow::Result<RunnerExport> {
    let size = std::fs::metadata(file)
        .with_context(|| format!("reading {}", file.display()))?
        .len();
    if size > MAX_EXPORT_ZIP_BYTES {
        anyhow::bail!(
            "{} is larger than {} MB: not a runner's export",
            file.display(),
            MAX_EXPORT_ZIP_BYTES / 1024 / 1024
        );
    }
    let opened =
        std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?;
    let mut archive = zip::ZipArchive::new(opened).map_err(|_| {
        anyhow::anyhow!(
            "{} is not a zip file (or it is damaged): nothing was imported",
            file.display()
        )
    })?;
    let mut read_entry = |name: &str, limit: u64| -> anyhow::Result<Option<Vec<u8>>> {
        let Ok(entry) = archive.by_name(name) else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        entry.take(limit + 1).read_to_end(&mut bytes).map_err(|e| {
            anyhow::anyhow!(
                "{name} in {} is damaged ({e}): nothing was imported",
                file.display()
            )
        })?;
        if bytes.len() as u64 > limit {
            anyhow::bail!("{name} is larger than a runner's data can be: nothing was imported");
        }
        Ok(Some(bytes))
    };
    let Some(text) = read_entry(DOCUMENT, MAX_DOCUMENT_BYTES)? else {
        anyhow::bail!(
            "{} has no {DOCUMENT}: it is not a Backstride runner export; nothing was imported",
            file.display()
        );
    };
    let mut doc: RunnerExport = serde_json::from_slice(&text).map_err(|e| {
        anyhow::anyhow!("{DOCUMENT} is not a runner export ({e}): nothing was imported")
    })?;
    // The watch files beside it, each checked against the hash the document gives.
    let mut budget = MAX_WATCH_FILE_BYTES;
    for f in &mut doc.watch_files {
        let limit = budget.min(backstride_ingest::MAX_FILE_BYTES);
        let Some(bytes) = read_entry(&f.entry, limit)? else {
            anyhow::bail!(
                "{} lacks the watch file {} the document lists: nothing was imported",
                file.display(),
                f.entry
            );
        };
        if backstride_ingest::content_hash(&bytes) != f.file_hash {
            anyhow::bail!(
                "the watch file {} in {} is damaged (its content is not what the document \
                 recorded): nothing was imported",
                f.entry,
                file.display()
            );
        }
        budget -= bytes.len() as u64;
        f.bytes = bytes;
    }
    doc.check()
        .map_err(|why| anyhow::anyhow!("{why}: nothing was imported"))?;
    Ok(doc)
}

/// `backstride import-export FILE`: the runner and every record, in one transaction.
pub async fn import(args: FileArgs) -> anyhow::Result<()> {
    let doc = read_export(&args.file)?;
    let settings = Settings::load(&args.connect, None)?;
    let store = settings.open_store().await?;
    store.migrate().await.context("migrating the database")?;
    let runner = match store.import_runner(&doc).await {
        Ok(user) => user,
        Err(StoreError::Conflict { constraint }) if constraint == "import_email_taken" => {
            anyhow::bail!(
                "{} already has an account on this server: nothing was imported",
                doc.runner.email
            )
        }
        Err(StoreError::Conflict { constraint }) if constraint == "import_clinic_missing" => {
            let clinics = quoted(doc.clinics());
            anyhow::bail!(
                "a clinic the export names ({clinics}) does not exist on this server; create \
                 it first (`backstride user add --clinic NAME …`): nothing was imported"
            )
        }
        Err(StoreError::Conflict { constraint }) if constraint == "import_clinician_missing" => {
            let clinicians = quoted(doc.booked_clinicians());
            anyhow::bail!(
                "a clinician the runner booked a call with ({clinicians}) has no account at \
                 that clinic on this server; add them first: nothing was imported"
            )
        }
        Err(StoreError::Conflict { constraint }) if constraint.starts_with("booking") => {
            anyhow::bail!(
                "a call the runner booked is at a time its clinician already has booked on this \
                 server: nothing was imported"
            )
        }
        Err(e) => {
            return Err(anyhow::anyhow!(
                "the import failed and was undone, nothing was imported: {e}"
            ));
        }
    };
    println!(
        "Imported {} ({} assessments, {} programme versions, {} logs, {} reviews, {} runs, \
         {} watch files, {} bookings, {} consents). They set a password with \"Forgot your \
         password?\".",
        runner.email,
        doc.assessments.len(),
        doc.programmes.len(),
        doc.logs.len(),
        doc.reviews.len(),
        doc.runs.len(),
        doc.watch_files.len(),
        doc.bookings.len(),
        doc.consents.len()
    );
    Ok(())
}

/// Names as `"a", "b"`.
fn quoted(names: std::collections::BTreeSet<&str>) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn postgres(settings: &Settings) -> bool {
    settings
        .database_url
        .as_deref()
        .is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// `backstride backup FILE`: a consistent copy of the SQLite database while the server runs.
pub async fn backup(args: FileArgs) -> anyhow::Result<()> {
    let settings = Settings::load(&args.connect, None)?;
    if postgres(&settings) {
        anyhow::bail!(
            "this server uses PostgreSQL: back it up with pg_dump (see the README, \"Backup and restore\")"
        );
    }
    if args.file.exists() {
        anyhow::bail!(
            "{} already exists; choose a new file name",
            args.file.display()
        );
    }
    let db = settings.database_url()?;
    if !Path::new(
        db.trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:"),
    )
    .exists()
    {
        anyhow::bail!("there is no database at {db} to back up");
    }
    let store = settings.open_store().await?;
    let target = std::path::absolute(&args.file)?;
    store
        .backup_into(&target.display().to_string())
        .await
        .with_context(|| format!("backing up to {}", args.file.display()))?;
    backstride_store::files::make_private(&target)?;
    let size = std::fs::metadata(&target)?.len();
    println!(
        "Backed up to {} ({} KB).",
        args.file.display(),
        size.div_ceil(1024)
    );
    Ok(())
}

/// `backstride restore FILE`: a backup into an empty (or new) data folder.
pub async fn restore(args: FileArgs) -> anyhow::Result<()> {
    let settings = Settings::load(&args.connect, None)?;
    if postgres(&settings) {
        anyhow::bail!(
            "this server uses PostgreSQL: restore with pg_restore (see the README, \"Backup and restore\")"
        );
    }
    if settings.database_url.is_some() {
        anyhow::bail!(
            "restore writes <data_dir>/backstride.db; leave database_url unset and choose --data-dir"
        );
    }
    let mut magic = [0u8; 16];
    std::fs::File::open(&args.file)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map_err(|_| anyhow::anyhow!("{} is not a SQLite backup", args.file.display()))?;
    if &magic != b"SQLite format 3\0" {
        anyhow::bail!("{} is not a SQLite backup", args.file.display());
    }
    let dir = &settings.web.data_dir;
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .with_context(|| format!("reading the data directory {}", dir.display()))?;
        if entries.next().is_some() {
            anyhow::bail!(
                "the data directory {} is not empty; restore into an empty or new one \
                 (nothing was changed)",
                dir.display()
            );
        }
    }
    backstride_store::files::create_private_dir(dir)?;
    let target = dir.join("backstride.db");
    backstride_store::files::create_private_file(&target)?;
    std::fs::copy(&args.file, &target)
        .with_context(|| format!("copying into {}", target.display()))?;
    let store = settings.open_store().await?;
    store
        .migrate()
        .await
        .context("the restored database does not open as Backstride's")?;
    println!(
        "Restored {} into {}.",
        args.file.display(),
        target.display()
    );
    Ok(())
}
