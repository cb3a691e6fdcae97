//! Static files compiled into the binary: our stylesheets, scripts, app icons and the vendored
//! htmx and web font (Atkinson Hyperlegible from `@fontsource/atkinson-hyperlegible`, latin
//! woff2 only, SIL OFL 1.1 in `static/vendor/atkinson-hyperlegible/LICENSE`, served beside it).
//! Pages link them by a content-hashed name (`url`), cached for a year; the plain name still
//! works. The stylesheet names the fonts by their plain names (served as they are, byte for
//! byte), so those are cached for an hour, and the service worker keeps them for offline use.

use axum::body::Bytes;
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
        "editor.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/editor.css"),
    ),
    (
        "editor.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/editor.js"),
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
    (
        "shell.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/shell.js"),
    ),
    (
        "vendor/atkinson-hyperlegible/latin-400.woff2",
        "font/woff2",
        include_bytes!(
            "../static/vendor/atkinson-hyperlegible/atkinson-hyperlegible-latin-400-normal.woff2"
        ),
    ),
    (
        "vendor/atkinson-hyperlegible/latin-700.woff2",
        "font/woff2",
        include_bytes!(
            "../static/vendor/atkinson-hyperlegible/atkinson-hyperlegible-latin-700-normal.woff2"
        ),
    ),
    (
        "vendor/atkinson-hyperlegible/LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../static/vendor/atkinson-hyperlegible/LICENSE"),
    ),
    (
        "vendor/lucide/LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../static/vendor/lucide/LICENSE"),
    ),
    (
        "form_video.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/form_video.css"),
    ),
    (
        "form_video.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/form_video.js"),
    ),
    (
        "vendor/mp4box/mp4box.all.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/mp4box/mp4box.all.min.js"),
    ),
    (
        "vendor/mp4box/LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../static/vendor/mp4box/LICENSE"),
    ),
    (
        "vendor/mediapipe/tasks-vision/vision_bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/mediapipe/tasks-vision/vision_bundle.js"),
    ),
    (
        "vendor/mediapipe/tasks-vision/vision_wasm_internal.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/mediapipe/tasks-vision/vision_wasm_internal.js"),
    ),
    (
        "vendor/mediapipe/tasks-vision/vision_wasm_internal.wasm",
        "application/wasm",
        include_bytes!("../static/vendor/mediapipe/tasks-vision/vision_wasm_internal.wasm"),
    ),
    (
        "vendor/mediapipe/tasks-vision/pose_landmarker_lite.task",
        "application/octet-stream",
        include_bytes!("../static/vendor/mediapipe/tasks-vision/pose_landmarker_lite.task"),
    ),
    (
        "vendor/mediapipe/tasks-vision/pose_landmarker_full.task",
        "application/octet-stream",
        include_bytes!("../static/vendor/mediapipe/tasks-vision/pose_landmarker_full.task"),
    ),
    (
        "vendor/mediapipe/tasks-vision/LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../static/vendor/mediapipe/tasks-vision/LICENSE"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_bytes!("../static/icon.svg"),
    ),
    (
        "icon-192.png",
        "image/png",
        include_bytes!("../static/icon-192.png"),
    ),
    (
        "icon-512.png",
        "image/png",
        include_bytes!("../static/icon-512.png"),
    ),
];

/// The vendored MP4 reader (`mp4box` from npm, BSD-3-Clause, see the README there): loaded by
/// the running-form page only, to decode the chosen video's frames there.
pub const MP4BOX: &str = "vendor/mp4box/";

/// Where the vendored pose model lives (`@mediapipe/tasks-vision` and the pose model bundles,
/// Apache-2.0, see the README there): loaded by the running-form page only, by the plain names
/// its script asks for.
pub const POSE_MODEL: &str = "vendor/mediapipe/tasks-vision/";

/// How long a browser may keep a file fetched by its plain name, which changes with a release.
const SHORT_CACHE: &str = "public, max-age=3600";
/// A file fetched by its content-hashed name never changes: a new version gets a new name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One embedded file: its content type, bytes and a short hash of those bytes.
struct Asset {
    mime: &'static str,
    bytes: Bytes,
    hash: String,
}

impl Asset {
    fn new(mime: &'static str, bytes: Bytes) -> Asset {
        let hash = crate::security::hex(&sha2::Sha256::digest(&bytes)[..5]);
        Asset { mime, bytes, hash }
    }
}

/// Every embedded file by its plain name, hashed once.
static ASSETS: LazyLock<HashMap<&'static str, Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, mime, bytes)| (name, Asset::new(mime, Bytes::from_static(bytes))))
        .collect()
});

/// What the service worker keeps for offline use: every stylesheet, script, icon and font by
/// its hashed address, and the fonts by their plain names as the stylesheet asks for them.
pub fn all_urls() -> Vec<String> {
    let mut urls: Vec<String> = FILES
        .iter()
        .filter(|(name, _, _)| {
            // The pose model (megabytes) and the MP4 reader are fetched by their page only,
            // never kept offline.
            !name.ends_with(".txt")
                && !name.starts_with("icon-")
                && !name.starts_with(POSE_MODEL)
                && !name.starts_with(MP4BOX)
        })
        .map(|(name, _, _)| url(name))
        .collect();
    urls.extend(
        FILES
            .iter()
            .filter(|(name, _, _)| name.ends_with(".woff2"))
            .map(|(name, _, _)| format!("/static/{name}")),
    );
    urls.sort();
    urls
}

/// A short hash of every embedded file's hash: it changes whenever any file does.
pub fn version() -> String {
    let mut all = String::new();
    for name in all_urls() {
        all.push_str(&name);
    }
    crate::security::hex(&sha2::Sha256::digest(all.as_bytes())[..5])
}

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
            asset.bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
