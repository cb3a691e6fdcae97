//! A runner's record, as the runner and their clinic's staff see it: the page (`page`), the
//! clinician's summary at its top (`summary`), the timeline folded by week with the quick
//! email to the runner (`timeline`) and coaching programmes (`coaching`). Each page struct
//! sits beside its handler; the record's routes are here.

mod coaching;
mod page;
mod summary;
mod timeline;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/runners/{id}", get(page::runner_record))
        .route("/runners/{id}/email", post(timeline::email_runner))
        .route("/runners/{id}/coaching", post(coaching::start))
}
