//! Static files compiled into the binary: our stylesheets, scripts and the vendored htmx. Pages
//! link them by a content-hashed name (`url`), cached for a year; the plain name still works.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::Digest;
use std::collections::HashMap;
use std::sync::LazyLock;

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/app.js"),
    ),
    (
        "assessment.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/assessment.css"),
    ),
    (
        "assessment.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/assessment.js"),
    ),
    (
        "booking.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/booking.css"),
    ),
    (
        "booking.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/booking.js"),
    ),
    (
        "today.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/today.js"),
    ),
    (
        "vendor/htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/htmx.min.js"),
    ),
];

/// How long a browser may keep a file fetched by its plain name, which changes with a release.
const SHORT_CACHE: &str = "public, max-age=3600";
/// A file fetched by its content-hashed name never changes: a new version gets a new name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One embedded file: its content type, bytes and a short hash of those bytes.
struct Asset {
    mime: &'static str,
    bytes: &'static [u8],
    hash: String,
}

/// Every embedded file by its plain name, hashed once.
static ASSETS: LazyLock<HashMap<&'static str, Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, mime, bytes)| {
            let hash = crate::security::hex(&sha2::Sha256::digest(bytes)[..5]);
            (name, Asset { mime, bytes, hash })
        })
        .collect()
});

/// `app.css` → (`app`, `css`); `vendor/htmx.min.js` → (`vendor/htmx.min`, `js`).
fn split_extension(name: &str) -> Option<(&str, &str)> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !stem.ends_with('/')).then_some((stem, ext))
}

/// The address of an embedded file under its content-hashed name, for templates:
/// `{{ crate::assets::url("app.css") }}` gives `/static/app.1a2b3c4d5e.css`. A name that isn't
/// embedded (a typo) keeps its plain address, which answers 404 — the tests catch it.
pub fn url(name: &str) -> String {
    match (ASSETS.get(name), split_extension(name)) {
        (Some(asset), Some((stem, ext))) => format!("/static/{stem}.{}.{ext}", asset.hash),
        _ => format!("/static/{name}"),
    }
}

/// The file a path names and how long it may be cached: its plain name (a short while), or its
/// hashed name (for good). A hash of another version gets today's file for a short while, so a
/// page cached across a release still finds its stylesheet.
fn lookup(path: &str) -> Option<(&'static Asset, &'static str)> {
    if let Some(asset) = ASSETS.get(path) {
        return Some((asset, SHORT_CACHE));
    }
    let (stem, ext) = split_extension(path)?;
    let (name_stem, hash) = stem.rsplit_once('.')?;
    let asset = ASSETS.get(format!("{name_stem}.{ext}").as_str())?;
    Some((
        asset,
        if asset.hash == hash {
            IMMUTABLE
        } else {
            SHORT_CACHE
        },
    ))
}

/// `GET /static/{*path}`.
pub async fn serve(Path(path): Path<String>) -> Response {
    match lookup(&path) {
        Some((asset, cache)) => (
            [
                (header::CONTENT_TYPE, asset.mime),
                (header::CACHE_CONTROL, cache),
            ],
            asset.bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
