//! Layered configuration: defaults, then a TOML file, then `BACKSTRIDE_*` variables, then flags.

use anyhow::Context;
use backstride_store::Store;
use backstride_web::WebConfig;
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;

/// Flags shared by every command that opens the database.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConnectArgs {
    /// TOML configuration file (default: ./backstride.toml when it exists).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Database URL: postgres://user@host/db for PostgreSQL, or sqlite://path / a file path.
    /// Default: a SQLite file in the data directory.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Where the SQLite file and outgoing emails (file transport) are kept.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

/// Everything the binary reads from configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub addr: String,
    pub database_url: Option<String>,
    /// SQLite's `synchronous`: `full` (default; every acknowledged write survives a power cut)
    /// or `normal` (faster; survives a crash of the process, not of the machine).
    pub sqlite_synchronous: backstride_store::SqliteSynchronous,
    #[serde(flatten)]
    pub web: WebConfig,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            addr: "127.0.0.1:8080".into(),
            database_url: None,
            sqlite_synchronous: Default::default(),
            web: WebConfig::default(),
        }
    }
}

impl Settings {
    pub fn load(args: &ConnectArgs, addr: Option<String>) -> anyhow::Result<Self> {
        let file = args
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from("backstride.toml"));
        if args.config.is_some() && !file.exists() {
            anyhow::bail!("configuration file {} does not exist", file.display());
        }
        let mut settings: Settings = Figment::new()
            .merge(Toml::file(&file))
            .merge(Env::prefixed("BACKSTRIDE_").split("__"))
            .extract()
            .context("reading configuration")?;
        if let Some(url) = &args.database_url {
            settings.database_url = Some(url.clone());
        }
        if let Some(dir) = &args.data_dir {
            settings.web.data_dir = dir.clone();
        }
        if let Some(addr) = addr {
            settings.addr = addr;
        }
        // Links in emails follow the listening address unless a public URL was configured.
        if settings.web.public_url == WebConfig::default().public_url {
            settings.web.public_url = format!("http://{}", settings.addr);
        }
        Ok(settings)
    }

    /// The configured database, or `<data_dir>/backstride.db`.
    pub fn database_url(&self) -> anyhow::Result<String> {
        match &self.database_url {
            Some(url) => Ok(url.clone()),
            None => {
                backstride_store::files::create_private_dir(&self.web.data_dir).with_context(
                    || {
                        format!(
                            "creating the data directory {}",
                            self.web.data_dir.display()
                        )
                    },
                )?;
                Ok(self
                    .web
                    .data_dir
                    .join("backstride.db")
                    .display()
                    .to_string())
            }
        }
    }

    pub async fn open_store(&self) -> anyhow::Result<Arc<dyn Store>> {
        let url = self.database_url()?;
        backstride_store::connect_with(&url, self.sqlite_synchronous)
            .await
            .with_context(|| "opening the database".to_string())
    }

    /// The configured database with its bulk writer (for seeding a clinic-sized data set).
    pub async fn open_bulk(
        &self,
    ) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn backstride_store::bulk::BulkStore>)> {
        let url = self.database_url()?;
        backstride_store::bulk::connect_bulk(&url, self.sqlite_synchronous)
            .await
            .with_context(|| "opening the database".to_string())
    }
}
