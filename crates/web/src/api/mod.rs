//! The open JSON API under `/api/v1`: what the web pages do, for programs, authenticated by
//! personal access tokens (`auth`), answering errors as problem bodies (`problem`); its OpenAPI
//! 3.1 document generated from these handlers at `/api/openapi.json` and a vendored Swagger UI
//! at `/api/docs`. The tokens are made on the account page (`tokens`).
//!
//! Every record is read and written through the same audited store calls as the pages, with
//! the token owner as the actor: a runner reaches only their own record, staff their clinic's
//! runners (each access audited), anyone else gets 404.

pub mod assessments;
pub mod auth;
pub mod bookings;
pub mod logs;
pub mod people;
pub mod problem;
pub mod programmes;
pub mod runs;
pub mod tokens;

use crate::AppState;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api/openapi.json";
/// Where Swagger UI is served.
pub const DOCS_PATH: &str = "/api/docs";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Backstride API",
        version = "1",
        description = "What the Backstride web app does, for other programs. Authenticate with a \
            personal access token (made on the account page: Settings, API tokens) sent as \
            `Authorization: Bearer <token>`. A token acts as its owner: a runner reaches their own \
            record, a clinician or admin their clinic's runners (each access is audited). A read \
            token changes nothing. Errors are RFC 9457 problem bodies (`application/problem+json`), \
            with refused fields listed under `errors`; nothing is stored when a request is refused."
    ),
    paths(
        people::me,
        people::runners,
        assessments::list,
        assessments::get,
        assessments::create,
        programmes::current,
        programmes::versions,
        logs::list,
        logs::create,
        runs::list,
        runs::get,
        runs::upload,
        bookings::list,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "people", description = "Who the token acts as, and whose records it may open"),
        (name = "assessments", description = "Assessments and their scored results"),
        (name = "programmes", description = "Programme versions"),
        (name = "logs", description = "Sessions, runs and morning check-ins as logged"),
        (name = "runs", description = "Runs read from the watch"),
        (name = "bookings", description = "The clinic's booked calls"),
    )
)]
struct ApiDoc;

/// Declares the bearer-token scheme the paths refer to.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal access token, starting `bst_`"))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document, as served (pretty JSON).
pub fn openapi_json() -> String {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
    .clone()
}

async fn openapi_document() -> Response {
    let mut res = openapi_json().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// The API's routes with ordinary bodies (JSON, within the app's body limit).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi_document))
        .route("/api/v1/me", get(people::me))
        .route("/api/v1/runners", get(people::runners))
        .route(
            "/api/v1/runners/{runner_id}/assessments",
            get(assessments::list).post(assessments::create),
        )
        .route("/api/v1/assessments/{id}", get(assessments::get))
        .route(
            "/api/v1/runners/{runner_id}/programme",
            get(programmes::current),
        )
        .route(
            "/api/v1/runners/{runner_id}/programmes",
            get(programmes::versions),
        )
        .route(
            "/api/v1/runners/{runner_id}/logs",
            get(logs::list).post(logs::create),
        )
        .route("/api/v1/runners/{runner_id}/runs/{id}", get(runs::get))
        .route("/api/v1/bookings", get(bookings::list))
        .merge(tokens::routes())
        .merge(docs())
}

/// The API's routes that take a watch file (the upload limit applies).
pub fn upload_routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/runners/{runner_id}/runs",
        get(runs::list).post(runs::upload),
    )
}

/// Marks Swagger UI's answers: its page alone may use inline styles (see `security::headers`).
#[derive(Debug, Clone, Copy)]
pub struct DocsPage;

/// Swagger UI (its files are in the binary: no CDN), reading [`OPENAPI_PATH`].
fn docs() -> Router<AppState> {
    let config = utoipa_swagger_ui::Config::new([OPENAPI_PATH])
        .validator_url("none")
        .try_it_out_enabled(true);
    let ui = utoipa_swagger_ui::SwaggerUi::new(DOCS_PATH).config(config);
    Router::<AppState>::from(ui).layer(axum::middleware::map_response(
        |mut res: Response| async move {
            res.extensions_mut().insert(DocsPage);
            res
        },
    ))
}

/// A JSON document the store keeps as text, as a value (`null`, logged, if it no longer
/// parses).
pub(crate) fn stored_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|err| {
        tracing::warn!(%err, "a stored JSON document does not parse");
        serde_json::Value::Null
    })
}
