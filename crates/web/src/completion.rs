//! Every request runs to its end, even when the client goes away half-way (a phone losing its
//! signal, a load tool stopping): hyper drops a request's future when its connection closes,
//! and a write dropped half-way is worse than one finished for nobody. A runner's log is then
//! stored whole or not at all, and the store is never left mid-transaction — sqlx's SQLite
//! `BEGIN` is not safe to cancel (sqlx issue 3932): a cancelled one left the single writer
//! connection believing it was inside a transaction, and every later write failed until a
//! restart.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

/// Runs the rest of the stack on its own task and waits for it; if the client has gone, the
/// task still finishes.
pub async fn run_to_completion(req: Request, next: Next) -> Response {
    let task = tokio::spawn(next.run(req).in_current_span());
    match task.await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "request task failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
