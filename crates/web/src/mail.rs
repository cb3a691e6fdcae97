//! The email outbox worker and its transports: `.eml` files (default), SMTP through lettre
//! (STARTTLS or TLS with rustls), or a log line. Failed sends are retried with exponential
//! backoff and, after the last try, kept as failed for an admin to see and resend. An email with
//! a one-click "turn these off" address carries it in RFC 8058's `List-Unsubscribe` and
//! `List-Unsubscribe-Post` headers.

use crate::config::{MailConfig, MailTransport};
use backstride_store::{OutboxEmail, Store};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Attempts before an email is marked failed for good.
pub const MAX_ATTEMPTS: i64 = 8;
/// First retry after this many seconds; each later one waits twice as long (capped at an hour).
pub const FIRST_RETRY_SECONDS: i64 = 30;

/// Where emails go.
#[derive(Clone)]
pub enum Mailer {
    File {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Log,
}

impl Mailer {
    /// Builds the configured transport. `data_dir/mail` holds file-transport emails.
    pub fn from_config(config: &MailConfig, data_dir: &Path) -> anyhow::Result<Self> {
        Ok(match config.transport {
            MailTransport::File => {
                // The files hold reset and invitation links: the server's user alone reads them.
                // (A missing data folder is made 0700 on the way; `serve` tightens an old one.)
                let dir = data_dir.join("mail");
                backstride_store::files::create_private_dir(&dir)?;
                Mailer::File {
                    transport: AsyncFileTransport::new(dir.clone()),
                    dir,
                }
            }
            MailTransport::Log => Mailer::Log,
            MailTransport::Smtp => {
                let builder = match config.smtp_security.as_str() {
                    "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.smtp_host)?,
                    "none" => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.smtp_host)
                    }
                    _ => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.smtp_host)?,
                };
                let builder = builder
                    .port(config.smtp_port)
                    .timeout(Some(Duration::from_secs(20)));
                let builder = match (&config.smtp_username, &config.smtp_password) {
                    (Some(user), Some(pass)) => {
                        builder.credentials(Credentials::new(user.clone(), pass.clone()))
                    }
                    _ => builder,
                };
                Mailer::Smtp(builder.build())
            }
        })
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        match self {
            Mailer::File { transport, dir } => {
                let id = transport.send(message).await.map_err(|e| e.to_string())?;
                backstride_store::files::make_private(&dir.join(format!("{id}.eml")))
                    .map_err(|e| e.to_string())
            }
            Mailer::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Mailer::Log => {
                tracing::info!("email would be sent (log transport)");
                Ok(())
            }
        }
    }
}

fn build_message(from: &str, email: &OutboxEmail) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("bad From address: {e}"))?;
    let to: Mailbox = email
        .to
        .parse()
        .map_err(|e| format!("bad recipient: {e}"))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone());
    if let Some(url) = &email.list_unsubscribe {
        // RFC 8058: the mail program's own "Unsubscribe" button POSTs to the address.
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    let message = match &email.attachment {
        None => builder.body(email.body_text.clone()),
        Some(file) => {
            let content_type = ContentType::parse(&file.content_type)
                .map_err(|e| format!("bad attachment type: {e}"))?;
            builder.multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(email.body_text.clone()))
                    .singlepart(
                        Attachment::new(file.file_name.clone())
                            .body(file.body.clone(), content_type),
                    ),
            )
        }
    };
    message.map_err(|e| e.to_string())
}

/// When to try again after `attempts_so_far` failed attempts, or `None` to give up.
pub fn next_retry(now: i64, attempts_so_far: i64) -> Option<i64> {
    let attempt = attempts_so_far + 1;
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    let wait = FIRST_RETRY_SECONDS
        .saturating_mul(1 << (attempt - 1).clamp(0, 20))
        .min(3600);
    Some(now + wait)
}

/// Sends every email due at `now`; returns how many were attempted.
pub async fn deliver_due(
    store: &dyn Store,
    mailer: &Mailer,
    from: &str,
    now: i64,
) -> anyhow::Result<usize> {
    let due = store.claim_due_emails(now, 20).await?;
    for email in &due {
        let result = match build_message(from, email) {
            Ok(message) => mailer.send(message).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => store.mark_email_sent(email.id, now).await?,
            Err(error) => {
                tracing::warn!(email_id = email.id, %error, "email send failed");
                store
                    .mark_email_attempt_failed(email.id, &error, next_retry(now, email.attempts))
                    .await?;
            }
        }
    }
    Ok(due.len())
}

/// Runs until `shutdown` flips to true, delivering due emails every `poll`. Finishes the batch
/// in hand before stopping.
pub async fn run_worker(
    store: Arc<dyn Store>,
    mailer: Mailer,
    from: String,
    poll: Duration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *shutdown.borrow() {
            break;
        }
        let now = jiff::Timestamp::now().as_second();
        if let Err(err) = deliver_due(store.as_ref(), &mailer, &from, now).await {
            tracing::warn!(%err, "outbox pass failed");
        }
        tokio::select! {
            _ = shutdown.changed() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
    tracing::info!("outbox worker stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_gives_up() {
        assert_eq!(next_retry(0, 0), Some(30));
        assert_eq!(next_retry(0, 1), Some(60));
        assert_eq!(next_retry(0, 2), Some(120));
        assert_eq!(next_retry(0, 6), Some(1920));
        assert_eq!(next_retry(0, 7), None);
    }
}
