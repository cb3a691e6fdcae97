//! Watch runs through the API: a runner's runs, one run with its analysis, and a FIT file (or a
//! zip of them) uploaded by the runner, imported like the runs page's upload — the same file
//! sent again is stored once.

use crate::AppState;
use crate::api::auth::{ApiUser, ApiWriter};
use crate::api::problem::{ApiError, ApiResult, NoToken, Problem, RunnerReadRefusals};
use crate::api::stored_json;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_store::RunRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A run in a list: what it was, without its analysis.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunSummary {
    pub id: i64,
    pub runner_id: i64,
    /// The watch file it came from.
    pub file_name: String,
    /// Unix seconds.
    pub started_at: i64,
    pub sport: String,
    pub imported_at: i64,
}

/// One run with its analysis (cadence, contact time, balance, flags, chart series).
#[derive(Debug, Serialize, ToSchema)]
pub struct RunOut {
    #[serde(flatten)]
    pub run: RunSummary,
    #[schema(value_type = Object)]
    pub analysis: serde_json::Value,
}

fn summary(r: &RunRecord) -> RunSummary {
    RunSummary {
        id: r.id,
        runner_id: r.runner_id,
        file_name: r.file_name.clone(),
        started_at: r.started_at,
        sport: r.sport.clone(),
        imported_at: r.imported_at,
    }
}

/// A runner's runs, newest first.
#[utoipa::path(get, path = "/api/v1/runners/{runner_id}/runs", tag = "runs",
    security(("bearer" = [])),
    params(("runner_id" = i64, Path, description = "The runner's id")),
    responses(
        (status = 200, description = "The runs", body = [RunSummary]),
        RunnerReadRefusals,
    ))]
pub async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Path(runner_id): Path<i64>,
) -> ApiResult<Json<Vec<RunSummary>>> {
    let runs = state.store.runs_of(&api.actor(), runner_id).await?;
    Ok(Json(runs.iter().map(summary).collect()))
}

/// One of the runner's runs, with its analysis.
#[utoipa::path(get, path = "/api/v1/runners/{runner_id}/runs/{id}", tag = "runs",
    security(("bearer" = [])),
    params(
        ("runner_id" = i64, Path, description = "The runner's id"),
        ("id" = i64, Path, description = "The run's id"),
    ),
    responses(
        (status = 200, description = "The run", body = RunOut),
        NoToken,
        (status = 404, description = "No such run of this runner, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    api: ApiUser,
    Path((runner_id, id)): Path<(i64, i64)>,
) -> ApiResult<Json<RunOut>> {
    let page = state.store.run_page(&api.actor(), runner_id, id).await?;
    Ok(Json(RunOut {
        run: summary(&page.run),
        analysis: stored_json(&page.run.summary_json),
    }))
}

/// Longest `file_name` taken.
const MAX_FILE_NAME_CHARS: usize = 255;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name, ending `.fit` or `.zip` (only its last part is kept).
    pub file_name: Option<String>,
}

/// What became of each file (a zip holds several).
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadOut {
    /// Per file: `name`, `bytes`, and `outcome` (`imported` with `run_ids` and `skipped`,
    /// `duplicate`, `not_a_run` with `what`, or `failed` with `reason`).
    #[schema(value_type = Vec<Object>)]
    pub files: Vec<backstride_ingest::FileReport>,
}

/// Uploads a watch file (FIT, or a zip of FIT files) as the request body, for the runner (the
/// runner's own token only). Each file is imported on its own; one that can't be read is
/// reported and stores nothing.
#[utoipa::path(post, path = "/api/v1/runners/{runner_id}/runs", tag = "runs",
    security(("bearer" = [])),
    params(("runner_id" = i64, Path, description = "The runner's id (the token's owner)"), UploadQuery),
    request_body(content = String, description = "The file's bytes", content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Each file's result", body = UploadOut),
        NoToken,
        (status = 403, description = "A read-only token, or staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the token owner's record", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty body", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    ApiWriter(api): ApiWriter,
    Path(runner_id): Path<i64>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<UploadOut>)> {
    if api.user.role != Role::Runner {
        state
            .store
            .open_runner_record(&api.actor(), runner_id, "upload run")
            .await?;
        return Err(ApiError::Forbidden(
            "Runners upload their own watch files; staff can read them.",
        ));
    }
    if runner_id != api.user.id {
        return Err(ApiError::NotFound);
    }
    if body.is_empty() {
        return Err(ApiError::Invalid(vec![
            backstride_core::fields::FieldError {
                field: "body".into(),
                message: "Send the file's bytes as the body.".into(),
            },
        ]));
    }
    let given = q
        .file_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if given.is_some_and(|n| n.chars().count() > MAX_FILE_NAME_CHARS) {
        return Err(ApiError::BadRequest(format!(
            "Keep `file_name` to at most {MAX_FILE_NAME_CHARS} characters."
        )));
    }
    let name = backstride_ingest::upload_name(Some(given.unwrap_or("upload.fit")));
    let files = crate::runs::import_files(
        state.store.as_ref(),
        &api.actor(),
        runner_id,
        vec![(name, body)],
    )
    .await?;
    Ok((StatusCode::CREATED, Json(UploadOut { files })))
}
