//! Session logs through the API: a runner's logs from a date on, and a new log (an exercise
//! session, a run or the morning check-in) checked and stored by the Today page's own path
//! (`tracking::save_log`), with its idempotency key: the same entry sent twice is stored once.

use crate::AppState;
use crate::api::auth::{ApiUser, ApiWriter};
use crate::api::problem::{
    ApiError, ApiJson, ApiResult, JsonWriteRefusals, Problem, RunnerReadRefusals,
};
use crate::api::stored_json;
use crate::tracking::{LogRefusal, RED_FLAGS, flag_value, save_log};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use backstride_core::fields::FieldError;
use backstride_core::{DistanceUnit, Role};
use backstride_store::LogRecord;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// How far back a list reaches when no `since` is given, in days.
const DEFAULT_DAYS: i64 = 28;
/// The earliest `since` taken (our bound: older is no log of this app).
const EARLIEST: Date = jiff::civil::date(2000, 1, 1);

/// One stored log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogOut {
    pub id: i64,
    pub runner_id: i64,
    /// `session`, `run` or `morning`.
    pub kind: String,
    /// The day it is about, `YYYY-MM-DD`.
    pub date: String,
    /// What was logged, as checked and stored.
    #[schema(value_type = Object)]
    pub entry: serde_json::Value,
    pub idempotency_key: String,
    /// Unix seconds.
    pub created_at: i64,
}

impl From<LogRecord> for LogOut {
    fn from(l: LogRecord) -> Self {
        LogOut {
            id: l.id,
            runner_id: l.runner_id,
            kind: l.kind.as_str().to_owned(),
            date: l.log_date,
            entry: stored_json(&l.body_json),
            idempotency_key: l.idempotency_key,
            created_at: l.created_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogsQuery {
    /// The first day listed, `YYYY-MM-DD` (from 2000-01-01); 28 days ago when left out.
    pub since: Option<String>,
}

/// A runner's logs dated on or after `since`, oldest first.
#[utoipa::path(get, path = "/api/v1/runners/{runner_id}/logs", tag = "logs",
    security(("bearer" = [])),
    params(("runner_id" = i64, Path, description = "The runner's id"), LogsQuery),
    responses(
        (status = 200, description = "The logs", body = [LogOut]),
        (status = 400, description = "A date that can't be read", body = Problem, content_type = "application/problem+json"),
        RunnerReadRefusals,
    ))]
pub async fn list(
    State(state): State<AppState>,
    api: ApiUser,
    Path(runner_id): Path<i64>,
    Query(q): Query<LogsQuery>,
) -> ApiResult<Json<Vec<LogOut>>> {
    let today = state.clock.today_for(&api.user);
    let since = match q.since.as_deref().map(str::trim) {
        None | Some("") => today
            .checked_sub(jiff::Span::new().days(DEFAULT_DAYS))
            .unwrap_or(EARLIEST),
        Some(raw) => match raw.parse::<Date>() {
            Ok(d) if d >= EARLIEST => d,
            _ => {
                return Err(ApiError::BadRequest(
                    "Give `since` as a date YYYY-MM-DD, from 2000-01-01 on.".to_owned(),
                ));
            }
        },
    };
    let logs = state
        .store
        .logs_of(&api.actor(), runner_id, &since.to_string())
        .await?;
    Ok(Json(logs.into_iter().map(LogOut::from).collect()))
}

/// What is being logged.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NewLogKind {
    Session,
    Run,
    Morning,
}

/// A new log: an exercise session (`item_key`, `sets` or `sets_left` and `sets_right`,
/// `pain_during`, optional `effort`), a run (`distance_km`, `duration_minutes`, `pain_before`,
/// `pain_during`, `pain_after`) or the morning check-in (`morning_pain`, `stiffness`,
/// optional `settled`). Pain is 0 to 10. Fields of another kind are ignored; fields this
/// request does not know are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLogIn {
    pub kind: NewLogKind,
    /// The day it is about, `YYYY-MM-DD`: today or one of the 7 days before; today when left out.
    pub date: Option<String>,
    /// Made by the caller for each entry (1 to 100 characters): an entry sent again with the
    /// same key is stored once.
    pub idempotency_key: String,
    /// The exercise's key in the programme (a session).
    pub item_key: Option<String>,
    pub sets: Option<f64>,
    pub sets_left: Option<f64>,
    pub sets_right: Option<f64>,
    pub pain_during: Option<f64>,
    /// How hard it felt, 0 to 10 (a session).
    pub effort: Option<f64>,
    pub distance_km: Option<f64>,
    pub duration_minutes: Option<f64>,
    pub pain_before: Option<f64>,
    pub pain_after: Option<f64>,
    pub morning_pain: Option<f64>,
    pub stiffness: Option<f64>,
    /// Whether yesterday's pain settled by this morning.
    pub settled: Option<bool>,
    /// Up to 500 characters.
    pub note: Option<String>,
    /// Warning signs noticed: `saddle_numbness`, `bladder_change`, `bowel_control_loss`,
    /// `leg_weakness`, `fever_or_chills`, `night_pain`.
    #[serde(default)]
    pub red_flags: Vec<String>,
}

/// What became of a new log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogSavedOut {
    /// `stored`, or `already_stored` for a key sent before.
    pub status: String,
    /// What the runner is told (the day's decision, or what to do about a warning sign).
    pub message: String,
    /// A warning sign that means going to an emergency department now.
    pub emergency: bool,
}

impl NewLogIn {
    /// The Today form's fields for this log, or the refused red flags.
    fn fields(&self) -> Result<Vec<(String, String)>, Vec<FieldError>> {
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut put = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                fields.push((name.to_owned(), value));
            }
        };
        let num = |v: Option<f64>| v.map(|v| v.to_string());
        put(
            "kind",
            Some(
                match self.kind {
                    NewLogKind::Session => "session",
                    NewLogKind::Run => "run",
                    NewLogKind::Morning => "morning",
                }
                .to_owned(),
            ),
        );
        put("date", self.date.clone());
        put("idempotency_key", Some(self.idempotency_key.clone()));
        put("item_key", self.item_key.clone());
        put("sets", num(self.sets));
        put("sets_left", num(self.sets_left));
        put("sets_right", num(self.sets_right));
        put("pain_during", num(self.pain_during));
        put("effort", num(self.effort));
        put("distance", num(self.distance_km));
        put("duration_minutes", num(self.duration_minutes));
        put("pain_before", num(self.pain_before));
        put("pain_after", num(self.pain_after));
        put("morning_pain", num(self.morning_pain));
        put("stiffness", num(self.stiffness));
        put(
            "settled",
            self.settled
                .map(|s| if s { "yes" } else { "no" }.to_owned()),
        );
        put("note", self.note.clone());
        let known: Vec<String> = RED_FLAGS.iter().map(|f| flag_value(*f)).collect();
        let mut errors = Vec::new();
        if self.red_flags.len() > known.len() {
            errors.push(FieldError {
                field: "red_flags".into(),
                message: "List each warning sign once.".into(),
            });
        }
        for flag in self.red_flags.iter().take(known.len()) {
            if known.contains(flag) {
                fields.push(("red_flag".to_owned(), flag.clone()));
            } else {
                errors.push(FieldError {
                    field: "red_flags".into(),
                    message: format!("Use the warning signs' names: {}.", known.join(", ")),
                });
            }
        }
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(errors)
        }
    }
}

/// The API's names for the Today form's fields.
fn api_field(mut e: FieldError) -> FieldError {
    if e.field == "distance" {
        e.field = "distance_km".into();
    }
    e
}

/// Logs a session, run or morning check-in for the runner (the runner's own token only: staff
/// read logs, they don't make them).
#[utoipa::path(post, path = "/api/v1/runners/{runner_id}/logs", tag = "logs",
    security(("bearer" = [])),
    params(("runner_id" = i64, Path, description = "The runner's id (the token's owner)")),
    request_body = NewLogIn,
    responses(
        (status = 201, description = "Stored", body = LogSavedOut),
        (status = 200, description = "Stored before under this key: stored once", body = LogSavedOut),
        JsonWriteRefusals,
        (status = 403, description = "A read-only token, or staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the token owner's record", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No approved programme to log against, or one on hold", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(api): ApiWriter,
    Path(runner_id): Path<i64>,
    ApiJson(body): ApiJson<NewLogIn>,
) -> ApiResult<(StatusCode, Json<LogSavedOut>)> {
    if api.user.role != Role::Runner {
        // Staff: whose record is checked (and audited) first, so another clinic's is a 404.
        state
            .store
            .open_runner_record(&api.actor(), runner_id, "add log")
            .await?;
        return Err(ApiError::Forbidden(
            "Runners log their own sessions; staff can read them.",
        ));
    }
    if runner_id != api.user.id {
        return Err(ApiError::NotFound);
    }
    let fields = body.fields().map_err(ApiError::Invalid)?;
    match save_log(&state, &api.user, Some(DistanceUnit::Km), &fields).await? {
        Ok(stored) => Ok((
            if stored.already_stored {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            },
            Json(LogSavedOut {
                status: if stored.already_stored {
                    "already_stored"
                } else {
                    "stored"
                }
                .to_owned(),
                message: stored.message,
                emergency: stored.emergency,
            }),
        )),
        Err(LogRefusal::Whole(message)) => Err(ApiError::Conflict(message)),
        Err(LogRefusal::Fields(errors) | LogRefusal::Twice(errors, _)) if errors.is_empty() => {
            // The form's checks refuse a number of sets that isn't whole without naming it.
            Err(ApiError::Invalid(vec![FieldError {
                field: "sets".into(),
                message: "Give the sets done as whole numbers.".into(),
            }]))
        }
        Err(LogRefusal::Fields(errors) | LogRefusal::Twice(errors, _)) => Err(ApiError::Invalid(
            errors.into_iter().map(api_field).collect(),
        )),
    }
}
