//! Coaching-call booking: clinicians publish weekly hours and exceptions; visitors pick a slot in their own time zone and book it atomically; confirmation with .ics, 24-hour reminder, private cancel/reschedule link.

use crate::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
