//! Static files compiled into the binary: our stylesheet and the vendored htmx.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

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
        "vendor/htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/vendor/htmx.min.js"),
    ),
];

pub async fn serve(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, mime, bytes)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
