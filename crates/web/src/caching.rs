//! HTTP caching and compression: a public response the same for everyone carries a strong
//! `ETag` and a short public lifetime and answers a matching `If-None-Match` with 304; text
//! responses (HTML, CSS, JS, SVG, JSON, Atom) are gzip- or brotli-compressed when asked for.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::Digest;
use tower_http::compression::predicate::{Predicate, SizeAbove};

/// How long a shared cache or browser may keep a clinic's public page before asking again.
pub(crate) const PUBLIC_CACHE: &str = "public, max-age=300";

/// A response that is the same for everyone (no session token, no cookie, no CSP nonce in the
/// body): its strong `ETag` is a hash of the body, and a request already holding that version
/// gets 304 Not Modified without the body.
pub fn public(request: &HeaderMap, content_type: &'static str, body: String) -> Response {
    let etag = format!(
        "\"{}\"",
        crate::security::hex(&sha2::Sha256::digest(body.as_bytes())[..16])
    );
    let headers = [
        (header::CACHE_CONTROL, PUBLIC_CACHE.to_owned()),
        (header::ETAG, etag.clone()),
    ];
    if holds(request, &etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (
        headers,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for GET) or is `*`.
pub(crate) fn holds(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// Which responses are worth compressing: text the browser renders or parses, past a few bytes.
/// Images other than SVG, PDFs, zips and calendar files are left as they are.
#[derive(Clone, Copy)]
pub struct TextResponses;

const COMPRESSED_TYPES: &[&str] = &[
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "image/svg+xml",
    "application/json",
    "application/problem+json",
    "application/atom+xml",
];

impl Predicate for TextResponses {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        let textual = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|ct| ct.split(';').next())
            .is_some_and(|ct| COMPRESSED_TYPES.contains(&ct.trim()));
        textual && SizeAbove::new(256).should_compress(response)
    }
}

/// The compression layer: gzip or brotli, as the request's `Accept-Encoding` prefers.
pub fn compression() -> tower_http::compression::CompressionLayer<TextResponses> {
    tower_http::compression::CompressionLayer::new()
        .gzip(true)
        .br(true)
        .compress_when(TextResponses)
}
