//! The web tier's settings. The CLI layers defaults, a TOML file and `BACKSTRIDE_*` variables
//! into this; secrets never show in `Debug`.

use serde::Deserialize;
use std::path::PathBuf;

/// Settings for serving Backstride.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct WebConfig {
    /// The address people use to reach this instance; links in emails start with it, and an
    /// `https://` address turns on Secure cookies and HSTS.
    pub public_url: String,
    /// Where the SQLite file and the file-transport emails live.
    pub data_dir: PathBuf,
    /// Largest request body accepted, in bytes (larger → 413).
    pub body_limit_bytes: usize,
    /// Largest file upload accepted (watch files, zip exports), in bytes.
    pub upload_limit_bytes: usize,
    /// How often the outbox worker looks for due emails, in seconds.
    pub outbox_poll_seconds: u64,
    pub mail: MailConfig,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: "http://127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            body_limit_bytes: 64 * 1024,
            upload_limit_bytes: 100 * 1024 * 1024,
            outbox_poll_seconds: 5,
            mail: MailConfig::default(),
        }
    }
}

impl WebConfig {
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// `public_url` without a trailing slash, for building links.
    pub fn base_url(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}

/// How emails leave the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    /// Write each email as an `.eml` file under `<data_dir>/mail` (the default).
    #[default]
    File,
    /// Send through an SMTP server.
    Smtp,
    /// Only log that an email would have been sent (no content).
    Log,
}

/// Email settings.
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct MailConfig {
    pub transport: MailTransport,
    /// The From address.
    pub from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// `starttls` (default), `tls` (implicit TLS, port 465) or `none` (a trusted local relay).
    pub smtp_security: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            transport: MailTransport::File,
            from: "Backstride <no-reply@backstride.local>".into(),
            smtp_host: "localhost".into(),
            smtp_port: 587,
            smtp_username: None,
            smtp_password: None,
            smtp_security: "starttls".into(),
        }
    }
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("transport", &self.transport)
            .field("from", &self.from)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_username", &self.smtp_username)
            .field(
                "smtp_password",
                &self.smtp_password.as_ref().map(|_| "<redacted>"),
            )
            .field("smtp_security", &self.smtp_security)
            .finish()
    }
}
