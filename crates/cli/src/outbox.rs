//! `backstride outbox`: the operator's view of every email the instance sends — each clinic's and
//! the instance-wide mail (a self-signed-up runner's password reset) that no clinic's admin sees.

use crate::settings::{ConnectArgs, Settings};
use anyhow::bail;
use backstride_store::StoreError;
use std::collections::HashMap;

#[derive(clap::Subcommand)]
pub enum OutboxCommand {
    /// List emails, failed first, then newest: id, status, attempts, clinic, to, subject.
    List {
        #[command(flatten)]
        connect: ConnectArgs,
        /// Show at most this many.
        #[arg(long, default_value_t = 200)]
        limit: i64,
    },
    /// Queue a failed email to be sent again.
    Retry {
        #[command(flatten)]
        connect: ConnectArgs,
        /// The email's id, as `outbox list` shows it.
        id: i64,
    },
}

pub async fn run(command: OutboxCommand) -> anyhow::Result<()> {
    match command {
        OutboxCommand::List { connect, limit } => {
            let store = Settings::load(&connect, None)?.open_store().await?;
            store.migrate().await?;
            let emails = store.outbox(limit.max(1)).await?;
            if emails.is_empty() {
                println!("The outbox is empty.");
                return Ok(());
            }
            let mut clinics: HashMap<i64, String> = HashMap::new();
            for id in emails.iter().filter_map(|e| e.clinic_id) {
                if let std::collections::hash_map::Entry::Vacant(slot) = clinics.entry(id) {
                    slot.insert(store.clinic(id).await?.name);
                }
            }
            for e in &emails {
                let clinic = e
                    .clinic_id
                    .and_then(|id| clinics.get(&id).cloned())
                    .unwrap_or_else(|| "(instance-wide)".to_owned());
                println!(
                    "{id}\t{status}\t{attempts}\t{clinic}\t{to}\t{subject}{error}",
                    id = e.id,
                    status = e.status.as_str(),
                    attempts = e.attempts,
                    to = e.to,
                    subject = e.subject,
                    error = e
                        .last_error
                        .as_deref()
                        .map(|err| format!("\t({err})"))
                        .unwrap_or_default(),
                );
            }
            Ok(())
        }
        OutboxCommand::Retry { connect, id } => {
            let store = Settings::load(&connect, None)?.open_store().await?;
            store.migrate().await?;
            let now = jiff::Timestamp::now().as_second();
            match store.retry_email(id, now).await {
                Ok(()) => {
                    println!("Email {id} is queued to be sent again.");
                    Ok(())
                }
                Err(StoreError::NotFound) => {
                    bail!("no failed email with id {id}: `backstride outbox list` shows them")
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}
