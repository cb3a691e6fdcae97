//! The API's errors as RFC 9457 problem bodies (`application/problem+json`), with the refused
//! fields listed, and the JSON body extractor that answers malformed JSON (400), a body of the
//! wrong shape or with unknown fields (422) and a missing JSON content type (415) that way.

use crate::error::AppError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use backstride_core::fields::FieldError;
use serde::Serialize;
use utoipa::ToSchema;

/// A problem body (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong and what to do, in words.
    pub detail: String,
    /// Each refused field of the body, when fields were refused.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// The OpenAPI answer of every route to a request without a valid token.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 401,
    description = "No valid token",
    content_type = "application/problem+json"
)]
#[allow(dead_code)] // Only described in the OpenAPI document; `ApiError` builds the answer.
pub struct NoToken(Problem);

/// The OpenAPI answers of a read of one runner's record: no valid token, or a runner the
/// caller may not see.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Only described in the OpenAPI document; `ApiError` builds the answers.
pub enum RunnerReadRefusals {
    #[response(
        status = 401,
        description = "No valid token",
        content_type = "application/problem+json"
    )]
    NoToken(Problem),
    #[response(
        status = 404,
        description = "No such runner, or not one the caller may see",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
}

/// The OpenAPI answers of a write with a JSON body, before whose record it is: no valid token,
/// a body that is not JSON or not sent as JSON, and refused fields (nothing stored).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Only described in the OpenAPI document; `ApiError` builds the answers.
pub enum JsonWriteRefusals {
    #[response(
        status = 400,
        description = "Not JSON",
        content_type = "application/problem+json"
    )]
    NotJson(Problem),
    #[response(
        status = 401,
        description = "No valid token",
        content_type = "application/problem+json"
    )]
    NoToken(Problem),
    #[response(
        status = 415,
        description = "Not sent as JSON",
        content_type = "application/problem+json"
    )]
    NotSentAsJson(Problem),
    #[response(
        status = 422,
        description = "Fields refused; nothing stored",
        content_type = "application/problem+json"
    )]
    Refused(Problem),
}

/// One refused field.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

/// What an API handler can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// No token, or one that is unknown, revoked or expired (401).
    Unauthorized(&'static str),
    /// The token may not do this (403).
    Forbidden(&'static str),
    /// No such record, or not one this person may know of (404).
    NotFound,
    /// The body is not JSON, or a query parameter can't be read (400).
    BadRequest(String),
    /// The body is not JSON at all (415).
    UnsupportedMediaType,
    /// Fields refused, each with its message (422).
    Invalid(Vec<FieldError>),
    /// The body's shape is wrong: an unknown field, a missing one, a wrong type (422).
    Shape(String),
    /// The request conflicts with what is stored (409).
    Conflict(String),
    /// Logged, never shown (500).
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound => ApiError::NotFound,
            AppError::Forbidden => ApiError::Forbidden("Your account may not do this."),
            AppError::LoginRequired(_) => ApiError::Unauthorized(MISSING_TOKEN),
            AppError::Internal(detail) => ApiError::Internal(detail),
        }
    }
}

impl From<backstride_store::StoreError> for ApiError {
    fn from(err: backstride_store::StoreError) -> Self {
        AppError::from(err).into()
    }
}

pub const MISSING_TOKEN: &str = "Send a personal access token in the Authorization header \
    (Authorization: Bearer followed by the token). Make one on your account page, under \
    Settings, API tokens.";

/// Short titles for the statuses the API answers with.
fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Bad request",
        401 => "Not signed in",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict",
        413 => "Too large",
        415 => "Unsupported media type",
        422 => "Please check the request",
        _ => "Something went wrong on our side",
    }
}

/// A problem response: `status`, `detail` and the refused fields.
pub fn problem_response(status: StatusCode, detail: &str, errors: Vec<FieldError>) -> Response {
    let body = Problem {
        kind: "about:blank".to_owned(),
        title: title(status).to_owned(),
        status: status.as_u16(),
        detail: detail.to_owned(),
        errors: errors
            .into_iter()
            .map(|e| ProblemField {
                field: e.field,
                message: e.message,
            })
            .collect(),
    };
    let text = serde_json::to_string(&body).unwrap_or_default();
    let mut res = (status, text).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Unauthorized(detail) => {
                let mut res = problem_response(StatusCode::UNAUTHORIZED, detail, Vec::new());
                res.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"backstride\""),
                );
                res
            }
            ApiError::Forbidden(detail) => {
                problem_response(StatusCode::FORBIDDEN, detail, Vec::new())
            }
            ApiError::NotFound => problem_response(
                StatusCode::NOT_FOUND,
                "There is no such record, or it is not one you may see.",
                Vec::new(),
            ),
            ApiError::BadRequest(detail) => {
                problem_response(StatusCode::BAD_REQUEST, &detail, Vec::new())
            }
            ApiError::UnsupportedMediaType => problem_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the body as JSON, with the header Content-Type: application/json.",
                Vec::new(),
            ),
            ApiError::Invalid(errors) => problem_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Some fields were refused; each is listed with the reason. Nothing was stored.",
                errors,
            ),
            ApiError::Shape(detail) => problem_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!(
                    "The body does not have the fields this request takes ({detail}). Nothing was stored."
                ),
                Vec::new(),
            ),
            ApiError::Conflict(detail) => {
                problem_response(StatusCode::CONFLICT, &detail, Vec::new())
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "api request failed");
                problem_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "It has been logged. Please try again in a moment; nothing was stored.",
                    Vec::new(),
                )
            }
        }
    }
}

/// A JSON body, refused as a problem body when it can't be read.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError::BadRequest(format!(
                "The body is not valid JSON ({}). Nothing was stored.",
                inner_reason(&e.body_text())
            ))),
            Err(JsonRejection::JsonDataError(e)) => {
                Err(ApiError::Shape(inner_reason(&e.body_text())))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType),
            Err(other) if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(
                ApiError::BadRequest("The body is larger than the API accepts.".to_owned()),
            ),
            Err(_) => Err(ApiError::BadRequest(
                "The body could not be read. Nothing was stored.".to_owned(),
            )),
        }
    }
}

/// The parser's reason without axum's lead-in ("Failed to deserialize the JSON body into the
/// target type: ", "Failed to parse the request body as JSON: ").
fn inner_reason(text: &str) -> String {
    ["target type: ", "as JSON: "]
        .iter()
        .find_map(|lead| text.split_once(lead).map(|(_, reason)| reason))
        .unwrap_or(text)
        .to_owned()
}
