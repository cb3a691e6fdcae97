//! `backstride user`: create clinicians, admins and runners from the command line.

use crate::settings::{ConnectArgs, Settings};
use anyhow::{Context, bail};
use backstride_core::{Email, NewPassword, Role, TimeZoneName, UnitPreference};
use backstride_store::{NewClinic, NewUser, StoreError};
use std::io::BufRead;

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create an account. Clinicians and admins belong to a clinic (created if it doesn't
    /// exist yet). The password is asked for, or read from standard input with --password-stdin.
    Add {
        #[command(flatten)]
        connect: ConnectArgs,
        /// runner, clinician or admin.
        #[arg(long)]
        role: String,
        /// The clinic's name (required for clinicians and admins).
        #[arg(long)]
        clinic: Option<String>,
        #[arg(long)]
        email: String,
        /// Display name (default: the part of the email before @).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add {
        connect,
        role,
        clinic,
        email,
        name,
        password_stdin,
    } = command;
    let role: Role = role.parse()?;
    let email: Email = email.parse()?;
    if role.is_staff() && clinic.is_none() {
        bail!("a {role} belongs to a clinic: add --clinic \"Clinic name\"");
    }
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        if rpassword::prompt_password("Again: ")? != first {
            bail!("the two passwords differ");
        }
        first
    };
    let password = NewPassword::new(&password, Some(&email))?;
    let settings = Settings::load(&connect, None)?;
    let store = settings.open_store().await?;
    store.migrate().await?;
    let clinic_id = match clinic {
        Some(name) => Some(match store.clinic_by_name(&name).await {
            Ok(c) => c.id,
            Err(StoreError::NotFound) => {
                let c = store
                    .create_clinic(&NewClinic {
                        name: name.clone(),
                        units: UnitPreference::default(),
                        time_zone: TimeZoneName::utc(),
                    })
                    .await?;
                println!("Created clinic \"{name}\".");
                c.id
            }
            Err(e) => return Err(e.into()),
        }),
        None => None,
    };
    let hash =
        tokio::task::spawn_blocking(move || backstride_web::hash_password(password.expose()))
            .await?;
    let display_name =
        name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_owned());
    let user = NewUser {
        clinic_id,
        email: email.clone(),
        display_name,
        password_hash: hash,
        role,
        time_zone: TimeZoneName::utc(),
        units: None,
    };
    match store.create_user(&user).await {
        Ok(u) => {
            println!("Created {role} {email} (id {}).", u.id);
            Ok(())
        }
        Err(StoreError::Conflict { .. }) => bail!("an account with {email} already exists"),
        Err(e) => Err(e.into()),
    }
}
