//! (being built) Routes for the runs pages.

use crate::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}

/// Routes that accept file uploads (a larger body limit applies to them).
pub fn upload_routes() -> Router<AppState> {
    Router::new()
}
