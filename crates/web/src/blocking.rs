//! CPU-bound work (typesetting, replaying a runner's logs through the rules) runs on tokio's
//! blocking threads, so a long one never holds up the async workers that answer everyone else.

use crate::error::{AppError, AppResult};

/// Runs `work` on a blocking thread and waits for it.
pub async fn off_runtime<T, F>(work: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(format!("blocking task: {e}")))
}
