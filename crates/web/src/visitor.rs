//! What a browser carries without a server-side session: the signed double-submit CSRF token of
//! the public forms (bound to a random visitor id in a cookie, with an expiry) and the signed
//! flash-message cookie. Both are signed with HMAC-SHA256 under the server key, so a visitor who
//! only looks at pages makes no database row at all (a session row is made at login).
//!
//! The server key comes from `secret_key` in the settings (64 hex digits; the same on every
//! instance behind one load balancer), else from `<data_dir>/secret.key`, made on first start.

use crate::WebConfig;
use crate::templates::Flash;
use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::{Arc, Mutex};

/// The cookie holding the visitor id that public-form tokens are bound to.
pub const VISITOR_COOKIE: &str = "backstride_visitor";
/// The cookie carrying flash messages to the next page.
pub const FLASH_COOKIE: &str = "backstride_flash";
/// How long a public form's token is accepted after the page was shown: a form left open over
/// a day still sends. Our choice.
pub const FORM_TOKEN_TTL_SECONDS: i64 = 24 * 60 * 60;
/// How long the browser keeps the visitor id (longer than any token it signs).
const VISITOR_COOKIE_SECONDS: i64 = 30 * 24 * 60 * 60;
/// How long unshown flash messages wait for the next page.
const FLASH_COOKIE_SECONDS: i64 = 10 * 60;
/// Bounds on what the flash cookie carries: browsers keep about 4 KB per cookie.
const MAX_FLASHES: usize = 4;
const MAX_FLASH_CHARS: usize = 400;
const MAX_FLASH_COOKIE_BYTES: usize = 3_000;

/// The server's signing key.
#[derive(Clone)]
pub struct ServerKey(Arc<[u8; 32]>);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(<redacted>)")
    }
}

impl ServerKey {
    /// The key from the settings, else from `<data_dir>/secret.key` (made, 0600, when missing).
    /// When neither works (a read-only data folder), a key for this process only, with a
    /// warning: forms shown before a restart then ask to be reloaded.
    pub fn load(config: &WebConfig) -> ServerKey {
        if let Some(hex) = config
            .secret_key
            .as_ref()
            .map(|k| k.0.as_str())
            .filter(|k| !k.is_empty())
        {
            match decode_hex(hex.trim()) {
                Some(key) => return ServerKey(Arc::new(key)),
                None => tracing::warn!("secret_key is not 64 hex digits; using the key file"),
            }
        }
        match key_file(&config.data_dir) {
            Ok(key) => ServerKey(Arc::new(key)),
            Err(err) => {
                tracing::warn!(%err, "no key file in the data folder; forms shown before a restart will ask to be reloaded");
                ServerKey(Arc::new(random_key()))
            }
        }
    }

    fn tag(&self, purpose: &str, parts: &[&str]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0[..]).expect("any key length");
        // Length-prefixed, so no two lists of parts sign the same bytes.
        for part in std::iter::once(purpose).chain(parts.iter().copied()) {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac
    }

    fn sign(&self, purpose: &str, parts: &[&str]) -> String {
        B64.encode(self.tag(purpose, parts).finalize().into_bytes())
    }

    fn verify(&self, purpose: &str, parts: &[&str], signature: &str) -> bool {
        B64.decode(signature)
            .is_ok_and(|sig| self.tag(purpose, parts).verify_slice(&sig).is_ok())
    }

    /// An emailed link's token for one `purpose` and one person (`subject`, their id), with a
    /// `detail` that makes each email's token its own (a date, say; no dots):
    /// `{subject}.{detail}.{signature}`. It needs no database row and never expires; a token
    /// changed in any part, or made for another person or purpose, fails [`Self::link_subject`].
    pub fn link_token(&self, purpose: &str, subject: i64, detail: &str) -> String {
        let subject = subject.to_string();
        let signature = self.sign(purpose, &[&subject, detail]);
        format!("{subject}.{detail}.{signature}")
    }

    /// The person a link token signed here for `purpose` names.
    pub fn link_subject(&self, purpose: &str, token: &str) -> Option<i64> {
        let mut parts = token.splitn(3, '.');
        let (subject, detail, signature) = (parts.next()?, parts.next()?, parts.next()?);
        let id = subject.parse::<i64>().ok()?;
        (id.to_string() == subject && self.verify(purpose, &[subject, detail], signature))
            .then_some(id)
    }

    /// A public form's token for `visitor`, accepted until `expires_at` (Unix seconds). A fresh
    /// nonce each time, so no two pages carry the same bytes (nothing for BREACH to find).
    pub fn form_token(&self, visitor: &str, expires_at: i64) -> String {
        let nonce = crate::security::random_token(12);
        let expires = expires_at.to_string();
        let signature = self.sign("form", &[visitor, &nonce, &expires]);
        format!("{nonce}.{expires}.{signature}")
    }

    /// Whether `token` was signed here for `visitor` and is unexpired at `now`.
    pub fn form_token_ok(&self, visitor: &str, token: &str, now: i64) -> bool {
        let mut parts = token.splitn(3, '.');
        let (Some(nonce), Some(expires), Some(signature)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let Ok(expires_at) = expires.parse::<i64>() else {
            return false;
        };
        now <= expires_at
            && expires_at <= now + FORM_TOKEN_TTL_SECONDS
            && self.verify("form", &[visitor, nonce, expires], signature)
    }
}

fn decode_hex(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(key)
}

fn random_key() -> [u8; 32] {
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    key
}

/// Reads `<dir>/secret.key`, making it first when missing: written whole to a private file of
/// its own, then linked into place, so instances starting together agree on one key.
fn key_file(dir: &std::path::Path) -> std::io::Result<[u8; 32]> {
    let path = dir.join("secret.key");
    let read = |path: &std::path::Path| -> std::io::Result<[u8; 32]> {
        let text = std::fs::read_to_string(path)?;
        decode_hex(text.trim()).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not 64 hex digits", path.display()),
            )
        })
    };
    match read(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        other => return other,
    }
    backstride_store::files::create_private_dir(dir)?;
    let draft = dir.join(format!(
        "secret.key.{}.{}",
        std::process::id(),
        crate::security::random_token(6)
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    {
        use std::io::Write;
        let mut file = options.open(&draft)?;
        file.write_all(crate::security::hex(&random_key()).as_bytes())?;
        file.sync_all()?;
    }
    let linked = std::fs::hard_link(&draft, &path);
    let _ = std::fs::remove_file(&draft);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    read(&path)
}

/// One cookie's value from a request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A visitor id as this server makes them (and nothing longer from a cookie).
fn valid_visitor_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What this request's browser holds and what its response must set, shared between the
/// middleware (which reads and writes the cookies) and the page handler (through `Ctx`).
#[derive(Clone)]
pub struct Visitor {
    key: ServerKey,
    inner: Arc<Mutex<VisitorState>>,
}

struct VisitorState {
    /// The visitor id from the cookie, or one made for this response.
    id: Option<String>,
    /// The id was made now: the response sets the cookie.
    new_id: bool,
    /// Flash messages the cookie brought.
    incoming: Vec<Flash>,
    /// The cookie was there (so it is cleared once its messages are shown).
    had_flash_cookie: bool,
    /// A page showed the messages.
    shown: bool,
    /// Messages added during this request.
    outgoing: Vec<Flash>,
}

impl Visitor {
    /// Reads the visitor id and the flash messages (if their signature holds) from `headers`.
    pub fn from_request(key: ServerKey, headers: &HeaderMap) -> Visitor {
        let id = cookie(headers, VISITOR_COOKIE).filter(|id| valid_visitor_id(id));
        let flash = cookie(headers, FLASH_COOKIE);
        let incoming = flash
            .as_deref()
            .and_then(|value| {
                let (body, signature) = value.split_once('.')?;
                key.verify("flash", &[body], signature)
                    .then(|| B64.decode(body).ok())
                    .flatten()
                    .and_then(|json| serde_json::from_slice::<Vec<Flash>>(&json).ok())
            })
            .unwrap_or_default();
        Visitor {
            key,
            inner: Arc::new(Mutex::new(VisitorState {
                id,
                new_id: false,
                incoming,
                had_flash_cookie: flash.is_some(),
                shown: false,
                outgoing: Vec::new(),
            })),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, VisitorState> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The visitor id from the cookie, if any.
    pub fn id(&self) -> Option<String> {
        self.state().id.clone()
    }

    /// A fresh token for a public form, making a visitor id (and its cookie) when there is none.
    pub fn form_token(&self, now: i64) -> String {
        let id = {
            let mut state = self.state();
            if state.id.is_none() {
                state.id = Some(crate::security::random_token(24));
                state.new_id = true;
            }
            state.id.clone().unwrap_or_default()
        };
        self.key.form_token(&id, now + FORM_TOKEN_TTL_SECONDS)
    }

    /// Whether `token` is a public-form token for this visitor, unexpired at `now`.
    pub fn form_token_ok(&self, token: &str, now: i64) -> bool {
        let id = {
            let state = self.state();
            state.id.clone().filter(|_| !state.new_id)
        };
        id.is_some_and(|id| self.key.form_token_ok(&id, token, now))
    }

    /// Whether the browser brought flash messages to show (its page is then its own).
    pub fn brings_flashes(&self) -> bool {
        !self.state().incoming.is_empty()
    }

    /// Queues a message for the next page this browser shows.
    pub fn flash(&self, flash: Flash) {
        self.state().outgoing.push(flash);
    }

    /// The messages for the page being shown now (the cookie's, then this request's).
    pub fn take_flashes(&self) -> Vec<Flash> {
        let mut state = self.state();
        state.shown = true;
        let mut all = std::mem::take(&mut state.incoming);
        all.append(&mut state.outgoing);
        all
    }

    /// The `Set-Cookie` headers this response needs.
    pub fn set_cookies(&self, secure: bool) -> Vec<HeaderValue> {
        let state = self.state();
        let attributes = |max_age: i64| {
            format!(
                "Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
                if secure { "; Secure" } else { "" }
            )
        };
        let mut cookies = Vec::new();
        if state.new_id
            && let Some(id) = &state.id
        {
            cookies.push(format!(
                "{VISITOR_COOKIE}={id}; {}",
                attributes(VISITOR_COOKIE_SECONDS)
            ));
        }
        let mut pending: Vec<Flash> = if state.shown {
            Vec::new()
        } else {
            state.incoming.clone()
        };
        pending.extend(state.outgoing.iter().cloned());
        if !pending.is_empty() && (!state.outgoing.is_empty() || state.shown) {
            cookies.push(format!(
                "{FLASH_COOKIE}={}; {}",
                self.flash_value(pending),
                attributes(FLASH_COOKIE_SECONDS)
            ));
        } else if pending.is_empty() && state.had_flash_cookie {
            cookies.push(format!("{FLASH_COOKIE}=; {}", attributes(0)));
        }
        cookies
            .into_iter()
            .filter_map(|c| HeaderValue::from_str(&c).ok())
            .collect()
    }

    /// The signed cookie value for `flashes`, within the bounds above (the newest kept).
    fn flash_value(&self, mut flashes: Vec<Flash>) -> String {
        for flash in &mut flashes {
            if flash.message.chars().count() > MAX_FLASH_CHARS {
                flash.message = flash.message.chars().take(MAX_FLASH_CHARS).collect();
            }
        }
        if flashes.len() > MAX_FLASHES {
            flashes.drain(..flashes.len() - MAX_FLASHES);
        }
        loop {
            let body = B64.encode(serde_json::to_vec(&flashes).unwrap_or_default());
            if body.len() <= MAX_FLASH_COOKIE_BYTES || flashes.len() <= 1 {
                let signature = self.key.sign("flash", &[&body]);
                return format!("{body}.{signature}");
            }
            flashes.remove(0);
        }
    }
}

/// A public form's token for `visitor_id` that expires at `expires_at`, signed with the key
/// `config` leads to: for tests that need an expired or another visitor's token.
pub fn form_token_for(config: &WebConfig, visitor_id: &str, expires_at: i64) -> String {
    ServerKey::load(config).form_token(visitor_id, expires_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ServerKey {
        ServerKey(Arc::new([7u8; 32]))
    }

    #[test]
    fn a_link_token_names_its_person_for_its_purpose_only() {
        let key = key();
        let token = key.link_token("reminders-off", 42, "2026-03-02");
        assert_eq!(key.link_subject("reminders-off", &token), Some(42));
        assert_eq!(key.link_subject("password-reset", &token), None);
        let other = token.replacen("42.", "43.", 1);
        assert_eq!(key.link_subject("reminders-off", &other), None);
        let other_day = token.replacen("03-02", "03-03", 1);
        assert_eq!(key.link_subject("reminders-off", &other_day), None);
        for bad in ["", "42", "42.2026-03-02", "042.2026-03-02.x", "x.y.z"] {
            assert_eq!(key.link_subject("reminders-off", bad), None, "{bad}");
        }
        let another_key = ServerKey(Arc::new([8u8; 32]));
        assert_eq!(another_key.link_subject("reminders-off", &token), None);
    }

    #[test]
    fn a_form_token_holds_for_its_visitor_until_it_expires() {
        let key = key();
        let token = key.form_token("visitor-a", 1_000);
        assert!(key.form_token_ok("visitor-a", &token, 999));
        assert!(key.form_token_ok("visitor-a", &token, 1_000));
        assert!(!key.form_token_ok("visitor-a", &token, 1_001), "expired");
        assert!(
            !key.form_token_ok("visitor-b", &token, 999),
            "another visitor's"
        );
        let other = ServerKey(Arc::new([8u8; 32]));
        assert!(
            !other.form_token_ok("visitor-a", &token, 999),
            "another key's"
        );
        let far = key.form_token("visitor-a", 1_000 + 2 * FORM_TOKEN_TTL_SECONDS);
        assert!(
            !key.form_token_ok("visitor-a", &far, 1_000),
            "too far ahead"
        );
        for forged in ["", "a.b", "a.1000.c", "..", "x.1000.", &token[1..]] {
            assert!(!key.form_token_ok("visitor-a", forged, 999), "{forged}");
        }
    }

    #[test]
    fn flash_cookies_are_signed_and_bounded() {
        let visitor = Visitor::from_request(key(), &HeaderMap::new());
        for i in 0..10 {
            visitor.flash(Flash {
                kind: "info".into(),
                message: format!("{i} {}", "x".repeat(2_000)),
            });
        }
        let set = visitor.set_cookies(false);
        assert_eq!(set.len(), 1);
        let value = set[0].to_str().unwrap();
        assert!(value.len() < 4_000, "{}", value.len());
        let pair = value.split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(pair).unwrap());
        let next = Visitor::from_request(key(), &headers);
        let shown = next.take_flashes();
        assert!(!shown.is_empty() && shown.len() <= MAX_FLASHES);
        assert!(
            shown.last().unwrap().message.starts_with('9'),
            "the newest kept"
        );
        let cleared = next.set_cookies(false);
        assert!(cleared[0].to_str().unwrap().contains("Max-Age=0"));
        // A changed message fails its signature and shows nothing.
        let (name, value) = pair.split_once('=').unwrap();
        let first = if value.starts_with('A') { "B" } else { "A" };
        let tampered = format!("{name}={first}{}", &value[1..]);
        headers.insert(header::COOKIE, HeaderValue::from_str(&tampered).unwrap());
        assert!(
            Visitor::from_request(key(), &headers)
                .take_flashes()
                .is_empty()
        );
    }
}
