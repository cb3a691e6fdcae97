//! The clinic's public front door (landing page, free guide, consult requests, articles with an Atom feed) and the clinician inbox.

use crate::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
