//! A runner's record as FHIR R4 (issue 17), the web side: the runner downloads their own from
//! "Your data" (`GET /me/fhir.json`), staff of the runner's clinic theirs
//! (`GET /runners/{id}/fhir.json`); the store audits a read by anyone but the runner, and
//! anyone else gets the 404 of a record that does not exist. The bundle itself is made by
//! `backstride_fhir` from the same export document as the zip, which carries it too.

use crate::AppState;
use crate::context::Ctx;
use crate::error::AppResult;
use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use backstride_core::Role;
use backstride_store::{Actor, RunnerExport, Store, User};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/fhir.json", get(own))
        .route("/runners/{id}/fhir.json", get(runner))
}

/// The FHIR content type, so a health-record system knows what it is given.
const FHIR_JSON: &str = "application/fhir+json";

/// The export document as the FHIR builder's input.
pub(crate) fn record(
    doc: &RunnerExport,
    runner_id: i64,
    base_url: &str,
) -> backstride_fhir::Record {
    let json = |text: &str| serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
    backstride_fhir::Record {
        base_url: base_url.to_owned(),
        runner: backstride_fhir::Runner {
            id: runner_id,
            name: doc.runner.display_name.clone(),
            email: doc.runner.email.clone(),
        },
        logs: doc
            .logs
            .iter()
            .map(|l| backstride_fhir::Log {
                id: l.id,
                kind: l.kind.clone(),
                date: l.log_date.clone(),
                body: json(&l.body),
            })
            .collect(),
        assessments: doc
            .assessments
            .iter()
            .map(|a| backstride_fhir::Assessment {
                id: a.id,
                kind: a.kind.clone(),
                status: a.status.clone(),
                at: a.created_at,
                answers: json(&a.answers),
            })
            .collect(),
    }
}

/// The bundle as pretty JSON bytes.
pub(crate) fn bundle_bytes(doc: &RunnerExport, runner_id: i64, base_url: &str) -> Vec<u8> {
    let bundle = backstride_fhir::bundle(&record(doc, runner_id, base_url), doc.exported_at);
    serde_json::to_vec_pretty(&bundle).unwrap_or_default()
}

async fn answer(
    store: &dyn Store,
    viewer: &User,
    runner_id: i64,
    base_url: &str,
) -> AppResult<Response> {
    let doc = store.export_runner(&Actor::of(viewer), runner_id).await?;
    let bytes = bundle_bytes(&doc, runner_id, base_url);
    Ok((
        [
            (header::CONTENT_TYPE, FHIR_JSON.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"backstride-fhir-{runner_id}.json\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /me/fhir.json`: the runner's own.
async fn own(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Runner])?.clone();
    answer(
        ctx.state.store.as_ref(),
        &user,
        user.id,
        ctx.state.config.base_url(),
    )
    .await
}

/// `GET /runners/{id}/fhir.json`: staff of the runner's clinic (audited by the store).
async fn runner(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    answer(
        ctx.state.store.as_ref(),
        &user,
        id,
        ctx.state.config.base_url(),
    )
    .await
}
