//! Printed documents: the runner's programme handout as a PDF, typeset by `backstride-report`
//! on a blocking thread so it never holds up the async runtime.

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::programme::hold::red_flag_hold;
use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use backstride_core::programme::Programme;
use backstride_report::{BrandColour, Handout, ReportError};
use backstride_store::Clinic;

pub fn routes() -> Router<AppState> {
    Router::new().route("/programmes/{id}/handout.pdf", get(handout))
}

/// What a runner asking for the handout of a programme on hold is told, above the page's notice.
pub const NO_HANDOUT_ON_HOLD: &str =
    "There is no printable handout while the programme is on hold: see why below.";

/// Backstride's own colours and words, for runners outside any clinic.
const FALLBACK_BRAND: &str = "#1f6f8b";

/// The clinic as it is printed: its name, contact line and brand colour (a colour that does not
/// parse falls back to Backstride's own rather than failing the document).
pub fn printed_clinic(clinic: Option<&Clinic>) -> backstride_report::Clinic {
    let brand = |hex: &str| hex.parse::<BrandColour>().ok();
    match clinic {
        Some(c) => backstride_report::Clinic {
            name: c.name.clone(),
            contact: if c.settings.contact.trim().is_empty() {
                "Contact your clinic through Backstride".to_owned()
            } else {
                c.settings.contact.clone()
            },
            brand_colour: brand(&c.settings.brand_colour)
                .or_else(|| brand(FALLBACK_BRAND))
                .expect("fallback colour parses"),
            self_directed: false,
        },
        None => backstride_report::Clinic {
            name: "Backstride".to_owned(),
            contact: "Self-directed programme".to_owned(),
            brand_colour: brand(FALLBACK_BRAND).expect("fallback colour parses"),
            self_directed: true,
        },
    }
}

/// Typesets a PDF on a blocking thread.
pub async fn typeset<F>(make: F) -> AppResult<Result<Vec<u8>, ReportError>>
where
    F: FnOnce() -> Result<Vec<u8>, ReportError> + Send + 'static,
{
    crate::blocking::off_runtime(make).await
}

/// A PDF response, offered as a download named `file_name`.
pub fn pdf_response(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /programmes/{id}/handout.pdf`: the printable handout of a programme version. A runner
/// gets only an approved version of their own; staff of the runner's clinic any version. While
/// a red flag holds the programme there is no handout: back to the version's page, which says
/// why.
async fn handout(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let viewer = ctx.user()?.clone();
    let record = crate::programme::downloadable(&ctx, id).await?;
    let store = ctx.state.store.as_ref();
    if red_flag_hold(store, &ctx.actor()?, record.runner_id)
        .await?
        .is_some()
    {
        ctx.flash("info", NO_HANDOUT_ON_HOLD).await?;
        return Ok(Redirect::to(&format!("/programmes/{id}")).into_response());
    }
    let mut programme: Programme = serde_json::from_str(&record.body_json)
        .map_err(|e| AppError::Internal(format!("stored programme {id}: {e}")))?;
    let runner = ctx.state.store.user(record.runner_id).await?;
    crate::wording::programme_for_runner(&mut programme, runner.clinic_id.is_some());
    let clinic = crate::clinic_settings::clinic_of(ctx.state.store.as_ref(), runner.id).await?;
    let handout = Handout {
        clinic: printed_clinic(clinic.as_ref()),
        runner_name: runner.display_name.clone(),
        issued_on: ctx.state.clock.today_for(&viewer),
        programme,
    };
    match typeset(move || backstride_report::handout_pdf(&handout)).await? {
        Ok(bytes) => Ok(pdf_response(bytes, "backstride-programme.pdf")),
        Err(e) => Err(AppError::Internal(format!("handout {id}: {e}"))),
    }
}
