//! `/api/v1/me` (who the token acts as) and `/api/v1/runners` (the runners the token's owner may
//! open: themself, or their clinic's runners for staff).

use crate::AppState;
use crate::api::auth::ApiUser;
use crate::api::problem::{ApiResult, NoToken};
use axum::Json;
use axum::extract::State;
use backstride_core::Role;
use serde::Serialize;
use utoipa::ToSchema;

/// The person a token acts as, and the token.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// `runner`, `clinician` or `admin`.
    pub role: String,
    pub clinic_id: Option<i64>,
    /// IANA time zone, e.g. `Europe/London`: the runner's days follow it.
    pub time_zone: String,
    /// The token's name as its owner gave it.
    pub token_name: String,
    /// `read` or `write`.
    pub token_scope: String,
    /// Unix seconds; `null` for a token that does not expire.
    pub token_expires_at: Option<i64>,
}

/// A runner the caller may open.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunnerSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// Who the token acts as.
#[utoipa::path(get, path = "/api/v1/me", tag = "people",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The token's owner", body = Me),
        NoToken,
    ))]
pub async fn me(api: ApiUser) -> ApiResult<Json<Me>> {
    let u = &api.user;
    Ok(Json(Me {
        id: u.id,
        email: u.email.as_str().to_owned(),
        name: u.display_name.clone(),
        role: u.role.as_str().to_owned(),
        clinic_id: u.clinic_id,
        time_zone: u.time_zone.as_str().to_owned(),
        token_name: api.token.name.clone(),
        token_scope: api.token.scope.as_str().to_owned(),
        token_expires_at: api.token.expires_at,
    }))
}

/// The runners whose records the caller may open: a runner only themself; staff every runner
/// of their clinic (names and addresses only: no record is opened).
#[utoipa::path(get, path = "/api/v1/runners", tag = "people",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Runners, by name", body = [RunnerSummary]),
        NoToken,
    ))]
pub async fn runners(
    State(state): State<AppState>,
    api: ApiUser,
) -> ApiResult<Json<Vec<RunnerSummary>>> {
    let u = &api.user;
    let people = match (u.role.is_staff(), u.clinic_id) {
        (true, Some(clinic)) => state.store.users_in_clinic(clinic).await?,
        (true, None) => Vec::new(),
        (false, _) => vec![u.clone()],
    };
    Ok(Json(
        people
            .into_iter()
            .filter(|p| p.role == Role::Runner)
            .map(|p| RunnerSummary {
                id: p.id,
                email: p.email.as_str().to_owned(),
                name: p.display_name,
            })
            .collect(),
    ))
}
