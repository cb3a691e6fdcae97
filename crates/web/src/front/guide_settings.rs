//! `/clinic/guide`: the clinic admin picks the exercises of the free strength guide.

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{Page, render, render_status};
use askama::Template;
use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::Role;
use backstride_core::library::{self, ExerciseId};
use backstride_store::Store;

/// The guide before an admin chooses: five strength exercises for runners (our choice) — hip
/// stability on each side, the core's two patterns, and single-leg strength.
pub const DEFAULT_GUIDE: [&str; 5] = [
    "single_leg_bridge_hold",
    "band_hip_abduction",
    "straight_leg_lowers",
    "pallof_press_half_kneeling",
    "split_squat",
];

fn default_ids() -> Vec<ExerciseId> {
    DEFAULT_GUIDE
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect()
}

/// The exercises of a clinic's guide: the admin's choice (ids no longer in the library
/// skipped), else the default five.
pub async fn guide_ids(store: &dyn Store, clinic_id: i64) -> AppResult<Vec<ExerciseId>> {
    let chosen: Vec<ExerciseId> = store
        .guide_exercises(clinic_id)
        .await?
        .unwrap_or_default()
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    Ok(if chosen.is_empty() {
        default_ids()
    } else {
        chosen
    })
}

pub struct Choice {
    pub id: &'static str,
    pub name: &'static str,
    pub area: &'static str,
    pub dose: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "front_guide_settings.html")]
struct GuideSettingsPage {
    page: Page,
    clinic_id: i64,
    choices: Vec<Choice>,
    error: Option<String>,
}

fn admin_clinic(ctx: &Ctx) -> AppResult<i64> {
    ctx.user_with_role(&[Role::Admin])?
        .clinic_id
        .ok_or(AppError::Forbidden)
}

fn choices(checked: &[&str]) -> Vec<Choice> {
    library::all()
        .iter()
        .map(|e| Choice {
            id: e.id.as_str(),
            name: e.name,
            area: e.area.name(),
            dose: e.dosage.describe(e.sidedness),
            checked: checked.contains(&e.id.as_str()),
        })
        .collect()
}

/// `GET /clinic/guide`.
pub async fn page(ctx: Ctx) -> AppResult<Response> {
    let clinic_id = admin_clinic(&ctx)?;
    let ids = guide_ids(ctx.state.store.as_ref(), clinic_id).await?;
    let checked: Vec<&str> = ids.iter().map(|i| i.as_str()).collect();
    render(GuideSettingsPage {
        page: ctx.page("The free guide").await?,
        clinic_id,
        choices: choices(&checked),
        error: None,
    })
}

/// `POST /clinic/guide`: the ticked exercises, in the library's order.
pub async fn save(ctx: Ctx, Form(fields): Form<Vec<(String, String)>>) -> AppResult<Response> {
    let clinic_id = admin_clinic(&ctx)?;
    let ticked: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "exercise")
        .map(|(_, v)| v.clone())
        .collect();
    let ids: Vec<&'static str> = library::all()
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| ticked.iter().any(|t| t == id))
        .collect();
    let error = if ids.is_empty() {
        Some("Choose at least one exercise for the guide.".to_owned())
    } else if ids.len() > backstride_report::MAX_GUIDE_EXERCISES {
        Some(format!(
            "Choose at most {} exercises: a guide is a few pages, not the whole library.",
            backstride_report::MAX_GUIDE_EXERCISES
        ))
    } else {
        None
    };
    if error.is_some() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            GuideSettingsPage {
                page: ctx.page("The free guide").await?,
                clinic_id,
                choices: choices(&ids),
                error,
            },
        );
    }
    let list: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    ctx.state
        .store
        .set_guide_exercises(&ctx.actor()?, clinic_id, &list, ctx.state.clock.unix())
        .await?;
    ctx.flash(
        "success",
        format!("Saved: the guide now has {} exercises.", list.len()),
    )
    .await?;
    Ok(Redirect::to("/clinic/guide").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_guide_is_five_library_exercises() {
        assert_eq!(default_ids().len(), 5);
    }
}
