//! Installing the app on a phone's home screen: the web app manifest (`/manifest.webmanifest`)
//! and the service worker (`/sw.js`, whole-app scope, never cached by the browser's HTTP cache so
//! a release's new worker is found at once). What the worker keeps is said at the top of
//! `static/sw.js`: the app shell and Today's last copy, nothing else personal.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;

/// Our brand green, the browser's toolbar colour on a phone.
pub const THEME_COLOUR: &str = "#0b5e55";

static WORKER: LazyLock<String> = LazyLock::new(|| {
    let assets = serde_json::to_string(&crate::assets::all_urls()).unwrap_or_else(|_| "[]".into());
    include_str!("../static/sw.js")
        .replacen("__VERSION__", &crate::assets::version(), 1)
        .replacen("__ASSETS__", &assets, 1)
});

static MANIFEST: LazyLock<String> = LazyLock::new(|| {
    serde_json::json!({
        "name": "Backstride",
        "short_name": "Backstride",
        "description": "Exercises, runs and pain, day by day, for runners with low back pain.",
        "lang": "en",
        "start_url": "/today",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#fbfaf7",
        "icons": [
            { "src": crate::assets::url("icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any maskable" },
            { "src": crate::assets::url("icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable" },
            { "src": crate::assets::url("icon.svg"), "sizes": "any", "type": "image/svg+xml" }
        ]
    })
    .to_string()
});

/// `GET /sw.js`.
pub async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        WORKER.as_str(),
    )
        .into_response()
}

/// `GET /manifest.webmanifest`.
pub async fn manifest() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        MANIFEST.as_str(),
    )
        .into_response()
}
