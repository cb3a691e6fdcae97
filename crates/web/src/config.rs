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
    /// The header a reverse proxy or load balancer puts the client's address in (for example
    /// `X-Forwarded-For`); read only on connections from `trusted_proxies`. Empty: every rate
    /// limit counts the connection's own address.
    pub client_ip_header: String,
    /// Addresses of the proxies allowed to say who the client is.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The key that signs public-form tokens and flash cookies: 64 hex digits, the same on every
    /// instance behind one load balancer. Unset: `<data_dir>/secret.key`, made on first start.
    pub secret_key: Option<SecretKey>,
    pub mail: MailConfig,
}

/// A secret setting: its text never shows in `Debug`.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SecretKey(pub String);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: "http://127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            body_limit_bytes: 64 * 1024,
            upload_limit_bytes: 100 * 1024 * 1024,
            outbox_poll_seconds: 5,
            client_ip_header: String::new(),
            trusted_proxies: Vec::new(),
            secret_key: None,
            mail: MailConfig::default(),
        }
    }
}

impl WebConfig {
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Who is asking, for every rate limit: the connection's address, or — when that is one of
    /// `trusted_proxies` — the nearest address in `client_ip_header` that is not a trusted proxy
    /// (entries further left were written by the client and could be made up).
    pub fn client_address(
        &self,
        peer: Option<std::net::IpAddr>,
        headers: &axum::http::HeaderMap,
    ) -> String {
        let Some(peer) = peer else {
            return "unknown".into();
        };
        if self.client_ip_header.is_empty() || !self.trusted_proxies.contains(&peer) {
            return peer.to_string();
        }
        let forwarded = headers
            .get_all(self.client_ip_header.as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        let mut nearest = peer;
        for hop in forwarded.iter().rev() {
            match hop.trim().parse::<std::net::IpAddr>() {
                Ok(addr) if self.trusted_proxies.contains(&addr) => nearest = addr,
                Ok(addr) => return addr.to_string(),
                Err(_) => break,
            }
        }
        nearest.to_string()
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn behind_balancer() -> WebConfig {
        WebConfig {
            client_ip_header: "X-Forwarded-For".into(),
            trusted_proxies: vec!["10.0.0.2".parse().unwrap(), "10.0.0.3".parse().unwrap()],
            ..WebConfig::default()
        }
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    #[test]
    fn the_client_address_comes_from_a_trusted_proxy_only() {
        let config = behind_balancer();
        let proxy = Some("10.0.0.2".parse().unwrap());
        let stranger = Some("198.51.100.7".parse().unwrap());
        let headers = forwarded("203.0.113.9, 192.0.2.1, 10.0.0.3");
        assert_eq!(config.client_address(proxy, &headers), "192.0.2.1");
        assert_eq!(config.client_address(stranger, &headers), "198.51.100.7");
        assert_eq!(config.client_address(proxy, &HeaderMap::new()), "10.0.0.2");
        assert_eq!(
            config.client_address(proxy, &forwarded("nonsense")),
            "10.0.0.2"
        );
        assert_eq!(
            WebConfig::default().client_address(proxy, &headers),
            "10.0.0.2",
            "no header configured: the socket address"
        );
        assert_eq!(config.client_address(None, &headers), "unknown");
    }
}
