//! Security headers with a per-request CSP nonce, and CSRF protection on every state-changing
//! request (form field `csrf_token` or header `X-CSRF-Token`): checked against the session's
//! token, or — for a visitor without a session — as a signed public-form token bound to the
//! visitor id in their cookie (see `visitor`). The one exception is the emailed "turn reminders
//! off" link, whose signed token is the proof (see `reminders`).

use crate::AppState;
use crate::error::render_error;
use crate::visitor::Visitor;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

/// The nonce of this request's Content-Security-Policy, for `<script nonce=…>`.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

pub const CSRF_SESSION_KEY: &str = "csrf";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A fresh random token, URL-safe.
pub fn random_token(bytes: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// The session's CSRF token as a page shows it: behind a fresh one-time pad every time, so no
/// two pages carry the same secret bytes and compressing a page that also echoes what was typed
/// can't leak the token through its size (BREACH).
pub fn masked_csrf(token: &str) -> String {
    use base64::Engine;
    use rand::RngCore;
    let token = token.as_bytes();
    let mut pad = vec![0u8; token.len()];
    rand::rngs::OsRng.fill_bytes(&mut pad);
    let masked: Vec<u8> = pad.iter().zip(token).map(|(p, t)| p ^ t).collect();
    pad.extend(masked);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(pad)
}

/// The token a presented one stands for: a masked token unmasked, a plain one as it is.
fn unmasked(presented: &str, token_len: usize) -> Option<Vec<u8>> {
    use base64::Engine;
    if presented.len() == token_len {
        return Some(presented.as_bytes().to_vec());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(presented)
        .ok()?;
    if bytes.len() != 2 * token_len {
        return None;
    }
    let (pad, masked) = bytes.split_at(token_len);
    Some(pad.iter().zip(masked).map(|(p, m)| p ^ m).collect())
}

/// The route template a request matched (`/password/reset/{token}`), for logs: a raw path can
/// carry a secret (a reset, booking or unsubscribe token) and a query string anything at all.
pub fn route_of<B>(req: &axum::http::Request<B>) -> &str {
    req.extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(no route)", |matched| matched.as_str())
}

/// The span each request is logged in: its method and route template, never its URI.
pub fn request_span(req: &Request) -> tracing::Span {
    tracing::debug_span!("request", method = %req.method(), route = route_of(req))
}

/// SHA-256 of a token, hex: what the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(token.as_bytes()))
}

/// Bytes as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let nonce = random_token(18);
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    // The running-form page runs the pose model (WebAssembly) on a video chosen on the phone
    // (a `blob:` address); no other page may.
    // It may also use the camera, for the live check that the whole body is in the picture.
    let (wasm, media, camera) = if res
        .extensions()
        .get::<crate::form_video::PoseModelPage>()
        .is_some()
    {
        (
            " 'wasm-unsafe-eval'",
            " media-src 'self' blob:;",
            "camera=(self)",
        )
    } else {
        ("", "", "camera=()")
    };
    // Swagger UI (`/api/docs`) sets styles inline; no other page may.
    let inline_styles = if res.extensions().get::<crate::api::DocsPage>().is_some() {
        " 'unsafe-inline'"
    } else {
        ""
    };
    let h = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'{wasm}; style-src 'self'{inline_styles}; img-src 'self' data:;{media} \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("{camera}, microphone=(), geolocation=()")) {
        h.insert("permissions-policy", v);
    }
    if state.config.is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

fn csrf_rejected() -> Response {
    render_error(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "For your safety we only accept forms from a page you opened recently. Reload the page and send it again. \
         If you typed a lot, copy it first: go Back, copy your text, then reload.",
    )
}

fn query_param(query: &str, name: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v))
}

/// Rejects unsafe requests whose token is neither the session's nor a valid public-form token
/// of this visitor.
pub async fn csrf_guard(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    // A "turn reminders off" link's signed token is its own proof (a mail program's one-click
    // POST carries no cookie): there is no session whose authority a forged request could borrow.
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || crate::reminders::is_one_click_off(req.uri().path())
    {
        return next.run(req).await;
    }
    // The JSON API authenticates by the token in the header alone, never by cookies, so a
    // request carrying one can't be forged by another site. A cookie-only request to the API is
    // checked here like any other, and then refused by the API (no token).
    if req.uri().path().starts_with("/api/v1/") && crate::api::auth::has_bearer(req.headers()) {
        return next.run(req).await;
    }
    let expected: Option<String> = if session.id().is_some() {
        session.get(CSRF_SESSION_KEY).await.ok().flatten()
    } else {
        None
    };
    let visitor = req.extensions().get::<Visitor>().cloned();
    if expected.is_none() && visitor.as_ref().and_then(Visitor::id).is_none() {
        tracing::info!(route = route_of(&req), "csrf token missing or stale");
        return rejected(&req);
    }
    let header_token = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    // A multipart upload isn't buffered here: its form puts the token in the action's query.
    let query_token = if is_multipart {
        query_param(req.uri().query().unwrap_or(""), CSRF_FIELD)
    } else {
        None
    };
    let header_token = header_token.or(query_token);
    let (req, presented) = match header_token {
        Some(token) => (req, Some(token)),
        None if is_form => {
            let (parts, body) = req.into_parts();
            // The route's own limit comes later; read no more than the largest route allows.
            let limit = if crate::front::is_editor_path(parts.uri.path()) {
                state
                    .config
                    .body_limit_bytes
                    .max(crate::front::EDITOR_BODY_LIMIT_BYTES)
            } else {
                state.config.body_limit_bytes
            };
            let bytes = match axum::body::to_bytes(body, limit).await {
                Ok(bytes) => bytes,
                Err(_) => return crate::error::error_page(StatusCode::PAYLOAD_TOO_LARGE),
            };
            let token = query_param(std::str::from_utf8(&bytes).unwrap_or(""), CSRF_FIELD);
            (Request::from_parts(parts, Body::from(bytes)), token)
        }
        None => (req, None),
    };
    let session_match = |p: &str| {
        expected.as_ref().is_some_and(|expected| {
            unmasked(p, expected.len()).is_some_and(|p| {
                use subtle::ConstantTimeEq;
                bool::from(p.ct_eq(expected.as_bytes()))
            })
        })
    };
    let now = jiff::Timestamp::now().as_second();
    // A signed-in session takes its own token only: a public form's token from before login
    // is stale afterwards.
    let matches = presented.is_some_and(|p| match &expected {
        Some(_) => session_match(&p),
        None => visitor.as_ref().is_some_and(|v| v.form_token_ok(&p, now)),
    });
    if !matches {
        tracing::info!(route = route_of(&req), "csrf token missing or stale");
        return rejected(&req);
    }
    next.run(req).await
}

/// The refusal: a problem body for the API, else the page that says to reload.
fn rejected(req: &Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        crate::error::problem(
            StatusCode::FORBIDDEN,
            "Missing or stale CSRF token: reload and retry.",
        )
        .into_response()
    } else {
        csrf_rejected()
    }
}
