//! Programmes through the API: the runner's current (approved) version and every version, with
//! the web's rule that a runner never sees a suggestion still waiting for their clinician.

use crate::AppState;
use crate::api::auth::ApiUser;
use crate::api::problem::{ApiError, ApiResult, NoToken, Problem, RunnerReadRefusals};
use crate::api::stored_json;
use crate::programme::shown_to;
use axum::Json;
use axum::extract::{Path, State};
use backstride_store::ProgrammeRecord;
use serde::Serialize;
use utoipa::ToSchema;

/// One version of a runner's programme.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeOut {
    pub id: i64,
    pub runner_id: i64,
    /// The assessment it was made from.
    pub assessment_id: Option<i64>,
    pub version: i64,
    /// `suggested`, `approved` or `superseded`.
    pub status: String,
    /// Unix seconds.
    pub created_at: i64,
    pub approved_at: Option<i64>,
    /// The programme: its days, exercises and dosage.
    #[schema(value_type = Object)]
    pub programme: serde_json::Value,
}

impl From<ProgrammeRecord> for ProgrammeOut {
    fn from(p: ProgrammeRecord) -> Self {
        ProgrammeOut {
            id: p.id,
            runner_id: p.runner_id,
            assessment_id: p.assessment_id,
            version: p.version,
            status: p.status.as_str().to_owned(),
            created_at: p.created_at,
            approved_at: p.approved_at,
            programme: stored_json(&p.body_json),
        }
    }
}

/// The runner's approved programme (404 while there is none).
#[utoipa::path(get, path = "/api/v1/runners/{runner_id}/programme", tag = "programmes",
    security(("bearer" = [])),
    params(("runner_id" = i64, Path, description = "The runner's id")),
    responses(
        (status = 200, description = "The approved version", body = ProgrammeOut),
        NoToken,
        (status = 404, description = "No approved programme, no such runner, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn current(
    State(state): State<AppState>,
    api: ApiUser,
    Path(runner_id): Path<i64>,
) -> ApiResult<Json<ProgrammeOut>> {
    let (approved, _waiting) = state
        .store
        .current_programme(&api.actor(), runner_id)
        .await?;
    approved.map(|p| Json(p.into())).ok_or(ApiError::NotFound)
}

/// Every version the caller may see, newest first (a runner sees no suggestion still waiting).
#[utoipa::path(get, path = "/api/v1/runners/{runner_id}/programmes", tag = "programmes",
    security(("bearer" = [])),
    params(("runner_id" = i64, Path, description = "The runner's id")),
    responses(
        (status = 200, description = "The versions", body = [ProgrammeOut]),
        RunnerReadRefusals,
    ))]
pub async fn versions(
    State(state): State<AppState>,
    api: ApiUser,
    Path(runner_id): Path<i64>,
) -> ApiResult<Json<Vec<ProgrammeOut>>> {
    let all = state.store.programmes_of(&api.actor(), runner_id).await?;
    Ok(Json(
        all.into_iter()
            .filter(|p| shown_to(&api.user, p))
            .map(ProgrammeOut::from)
            .collect(),
    ))
}
