//! Errors as people see them: a friendly HTML page (or a JSON problem body under `/api`), with
//! internal details logged and never shown.

use crate::templates::{ErrorPage, Page};
use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use backstride_store::StoreError;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The page needs a logged-in person; carries where to return after login.
    #[error("login required")]
    LoginRequired(String),
    #[error("internal: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(err: tower_sessions::session::Error) -> Self {
        AppError::Internal(format!("session: {err}"))
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        AppError::Internal(format!("template: {err}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound => error_page(StatusCode::NOT_FOUND),
            AppError::Forbidden => error_page(StatusCode::FORBIDDEN),
            AppError::LoginRequired(next) => {
                let target = format!("/login?next={}", urlencode(&next));
                Redirect::to(&target).into_response()
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                error_page(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

pub fn urlencode(raw: &str) -> String {
    serde_urlencoded::to_string([("", raw)])
        .map(|s| s[1..].to_owned())
        .unwrap_or_default()
}

/// The words on each error page: a title and what to do next.
fn error_words(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        403 => (
            "You can't open this page",
            "Your account doesn't have access to it. If you think it should, ask your clinic.",
        ),
        404 => (
            "We couldn't find that page",
            "The address may be mistyped, or the page may have moved. Try the links above.",
        ),
        405 => (
            "That didn't work",
            "This page can't be used that way. Go back and try again.",
        ),
        413 => (
            "That was more than we can accept",
            "What you sent was too large. Use your browser's Back button — what you typed is still there — and send something smaller.",
        ),
        429 => ("Too many requests", "Please wait a little and try again."),
        s if s < 500 => (
            "Something in the request wasn't right",
            "Go back, check what you entered and try again.",
        ),
        _ => (
            "Something went wrong on our side",
            "It has been logged. Please try again in a moment; nothing you saved has been lost.",
        ),
    }
}

/// A friendly page for a status, without session context (used for framework-made errors too).
pub fn error_page(status: StatusCode) -> Response {
    let (title, advice) = error_words(status);
    render_error(status, title, advice)
}

pub fn render_error(status: StatusCode, title: &str, advice: &str) -> Response {
    let page = ErrorPage {
        page: Page::bare(title),
        status: status.as_u16(),
        advice: advice.to_owned(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, title.to_owned()).into_response(),
    }
}

/// A JSON problem body (RFC 9457) for the API.
pub fn problem(status: StatusCode, detail: &str) -> Response {
    let (title, _) = error_words(status);
    let body = serde_json::json!({ "type": "about:blank", "title": title, "status": status.as_u16(), "detail": detail });
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

/// Replaces the bare error responses the framework makes (404 for unknown routes, 405, 413 from
/// the body limit, 422 from extractors) with our friendly page or a JSON problem body.
pub async fn friendly_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    let ours = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.contains("json"));
    if !(status.is_client_error() || status.is_server_error()) || ours {
        return res;
    }
    if is_api {
        problem(status, error_words(status).1)
    } else {
        error_page(status)
    }
}
