//! Assessments through the API: a runner's list, one assessment, and a whole assessment sent
//! at once (the document `backstride assess` reads), checked and scored by core like the
//! wizard's last step, with the same alerts for the clinician.

use crate::AppState;
use crate::api::auth::{ApiUser, ApiWriter};
use crate::api::problem::{
    ApiError, ApiJson, ApiResult, JsonWriteRefusals, NoToken, Problem, RunnerReadRefusals,
};
use crate::api::stored_json;
use crate::assessment::steps::{slug, steps_of};
use crate::assessment::{alert_clinician, alert_on_high_pain, next_kind, red_flag_reason, to_json};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use backstride_core::assessment::{Assessment, PROTOCOL_VERSION, assess};
use backstride_core::fields::FieldError;
use backstride_store::{AssessmentRecord, AssessmentStatus, SaveAssessment};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A stored assessment: the answers as entered and, once scored, the result.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentOut {
    pub id: i64,
    pub runner_id: i64,
    /// Who entered it (the runner, or a clinician of their clinic).
    pub entered_by: i64,
    /// `baseline` or `retest`.
    pub kind: String,
    /// `draft`, `complete`, or `stopped` (at a red flag).
    pub status: String,
    pub protocol_version: String,
    pub notes: String,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
    /// The answers, as in `crates/core/examples/assessment.json`.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    /// The scored result (findings, referrals, left/right figures), `null` for a draft; see
    /// `crates/core/examples/assessment-result.schema.json`.
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
}

impl From<AssessmentRecord> for AssessmentOut {
    fn from(r: AssessmentRecord) -> Self {
        AssessmentOut {
            id: r.id,
            runner_id: r.runner_id,
            entered_by: r.entered_by,
            kind: r.kind.as_str().to_owned(),
            status: r.status.as_str().to_owned(),
            protocol_version: r.protocol_version,
            notes: r.notes,
            created_at: r.created_at,
            updated_at: r.updated_at,
            answers: stored_json(&r.raw_json),
            result: r.result_json.as_deref().map(stored_json),
        }
    }
}

/// A whole assessment, as in `crates/core/examples/assessment.json`: `red_flags`, `baseline`,
/// `posture_form`, `hip_mobility`, `hip_stability`, `core` (and `postpartum` after a birth in
/// the last year). Unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(value_type = Object)]
pub struct AssessmentDocument(pub serde_json::Value);

/// A runner's assessments, newest first.
#[utoipa::path(get, path = "/api/v1/runners/{runner_id}/assessments", tag = "assessments",
    security(("bearer" = [])),
    params(("runner_id" = i64, Path, description = "The runner's id")),
    responses(
        (status = 200, description = "The runner's assessments", body = [AssessmentOut]),
        RunnerReadRefusals,
    ))]
pub async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Path(runner_id): Path<i64>,
) -> ApiResult<Json<Vec<AssessmentOut>>> {
    let records = state.store.assessments_of(&api.actor(), runner_id).await?;
    Ok(Json(records.into_iter().map(AssessmentOut::from).collect()))
}

/// One assessment.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assessments",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The assessment", body = AssessmentOut),
        NoToken,
        (status = 404, description = "No such assessment, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    api: ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<AssessmentOut>> {
    let record = state.store.assessment(&api.actor(), id).await?;
    Ok(Json(record.into()))
}

/// Adds a whole assessment of the runner, scored at once: `complete`, or `stopped` when the
/// red-flag screen stops exercise (the clinic's staff are alerted, as from the wizard). The
/// body is the assessment document of `crates/core/examples/assessment.json`; a refused field
/// is listed by its path (e.g. `hip_mobility.thomas_test.left`) and nothing is stored.
#[utoipa::path(post, path = "/api/v1/runners/{runner_id}/assessments", tag = "assessments",
    security(("bearer" = [])),
    params(("runner_id" = i64, Path, description = "The runner's id")),
    request_body(content = AssessmentDocument, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored and scored", body = AssessmentOut),
        JsonWriteRefusals,
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such runner, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(api): ApiWriter,
    Path(runner_id): Path<i64>,
    ApiJson(AssessmentDocument(body)): ApiJson<AssessmentDocument>,
) -> ApiResult<(StatusCode, Json<AssessmentOut>)> {
    let store = state.store.as_ref();
    let actor = api.actor();
    // Whose record first (audited for anyone but the runner), so a refused body tells nothing
    // about a record the caller may not see.
    store
        .open_runner_record(&actor, runner_id, "add assessment")
        .await?;
    let raw = Assessment::from_json(&body.to_string()).map_err(ApiError::Shape)?;
    let clinic = crate::clinic_settings::clinic_of(store, runner_id).await?;
    let thresholds = crate::clinic_settings::assessment_thresholds(clinic.as_ref());
    let result = assess(&raw, &thresholds).map_err(|e| {
        ApiError::Invalid(
            e.0.into_iter()
                .map(|e| FieldError {
                    field: e.field,
                    message: e.message,
                })
                .collect(),
        )
    })?;
    let earlier = store.assessments_of(&actor, runner_id).await?;
    let status = if result.programme_allowed {
        AssessmentStatus::Complete
    } else {
        AssessmentStatus::Stopped
    };
    let last_step = steps_of(&raw).last().copied().map_or("core", slug);
    let raw = Assessment {
        protocol_version: Some(PROTOCOL_VERSION.to_owned()),
        ..raw
    };
    let record = store
        .save_assessment(
            &actor,
            runner_id,
            &SaveAssessment {
                id: None,
                kind: next_kind(&earlier),
                status,
                protocol_version: PROTOCOL_VERSION.to_owned(),
                step: last_step.to_owned(),
                raw_json: to_json(&raw)?,
                result_json: Some(to_json(&result)?),
                notes: String::new(),
            },
        )
        .await?;
    if result.programme_allowed {
        alert_on_high_pain(store, &state.clock, runner_id, record.id, &result).await?;
    } else {
        alert_clinician(
            store,
            &state.clock,
            runner_id,
            &red_flag_reason(&result, record.id),
        )
        .await?;
    }
    Ok((StatusCode::CREATED, Json(record.into())))
}
