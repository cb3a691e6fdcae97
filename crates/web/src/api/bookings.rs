//! Booked coaching calls through the API: the clinic's upcoming calls, for its staff (as the
//! inbox shows them). Calls are booked by visitors on the clinic's public page; the API does
//! not book them.

use crate::AppState;
use crate::api::auth::ApiUser;
use crate::api::problem::{ApiError, ApiResult, NoToken, Problem};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

/// A booked call.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingOut {
    pub id: i64,
    pub clinician_id: i64,
    /// Unix seconds.
    pub starts_at: i64,
    pub ends_at: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
    /// The visitor's time zone when they booked.
    pub time_zone: String,
    pub created_at: i64,
}

/// The clinic's calls that have not ended, soonest first (staff only).
#[utoipa::path(get, path = "/api/v1/bookings", tag = "bookings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Upcoming calls", body = [BookingOut]),
        NoToken,
        (status = 403, description = "Not a clinic's staff", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(State(state): State<AppState>, api: ApiUser) -> ApiResult<Json<Vec<BookingOut>>> {
    if !api.user.role.is_staff() || api.user.clinic_id.is_none() {
        return Err(ApiError::Forbidden(
            "Only a clinic's staff see its booked calls.",
        ));
    }
    let bookings = state
        .store
        .clinic_bookings(&api.actor(), state.clock.unix())
        .await?;
    Ok(Json(
        bookings
            .into_iter()
            .map(|b| BookingOut {
                id: b.id,
                clinician_id: b.clinician_id,
                starts_at: b.starts_at,
                ends_at: b.ends_at,
                name: b.name,
                email: b.email,
                phone: b.phone,
                message: b.message,
                time_zone: b.time_zone.as_str().to_owned(),
                created_at: b.created_at,
            })
            .collect(),
    ))
}
