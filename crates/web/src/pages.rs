//! The pages every signed-in person has — home and settings — plus health checks. (A
//! runner's record is `record/`.)

use crate::AppState;
use crate::auth::units_choice;
use crate::context::Ctx;
use crate::error::{AppResult, problem};
use crate::templates::{FormState, Home, Landing, Settings, render, render_status};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Redirect, Response};
use backstride_core::{DistanceUnit, TimeZoneName, UnitPreference};
use backstride_store::{Preferences, User};
use std::collections::HashMap;

pub async fn landing(ctx: Ctx) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/home").into_response());
    }
    render(Landing {
        page: ctx.page("Welcome").await?,
    })
}

/// Home: a runner's list of their own pages; for staff of a clinic, the day's worklist
/// (`worklist.rs`).
pub async fn home(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    if user.role.is_staff() && user.clinic_id.is_some() {
        return crate::worklist::page(&ctx, &user).await;
    }
    let clinic_name = ctx.clinic().await?.map(|c| c.name.clone());
    let first_self_check = user.role == backstride_core::Role::Runner
        && !ctx
            .state
            .store
            .has_assessment(&backstride_store::Actor::of(&user), user.id)
            .await?;
    render(Home {
        page: ctx.page("Home").await?,
        role: user.role.as_str(),
        clinic_name,
        runner_count: 0,
        first_self_check,
    })
}

fn units_label(units: UnitPreference) -> &'static str {
    match units.distance {
        DistanceUnit::Km => "kilometres and kilograms",
        DistanceUnit::Mi => "miles and pounds",
    }
}

/// The settings page, with either form carrying what was typed and its errors.
pub async fn settings_with(
    ctx: &Ctx,
    user: &User,
    form: Option<FormState>,
    password_form: Option<FormState>,
) -> AppResult<Response> {
    let clinic_units = match user.clinic_id {
        Some(id) => ctx.state.store.clinic(id).await?.units,
        None => UnitPreference::default(),
    };
    let has_errors = form.as_ref().is_some_and(FormState::has_errors)
        || password_form.as_ref().is_some_and(FormState::has_errors);
    let form = form.unwrap_or_else(|| {
        let units = match user.units {
            None => "clinic",
            Some(u) if u.distance == DistanceUnit::Mi => "imperial",
            Some(_) => "metric",
        };
        FormState::default()
            .with_value("display_name", &user.display_name)
            .with_value("time_zone", user.time_zone.as_str())
            .with_value("units", units)
    });
    let shown = user.units.unwrap_or(clinic_units);
    let five_k = shown.distance.from_metres(5000.0);
    let example = format!(
        "A 5 km run shows as {five_k:.1} {}; 70 kg shows as {:.0} {}.",
        shown.distance.as_str(),
        shown.mass.from_kg(70.0),
        shown.mass.as_str()
    );
    let page = Settings {
        page: ctx.page("Settings").await?,
        form,
        password_form: password_form.unwrap_or_default(),
        time_zones: TimeZoneName::all(),
        clinic_default: units_label(clinic_units).to_owned(),
        example,
    };
    render_status(
        if has_errors {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        page,
    )
}

pub async fn settings_page(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    settings_with(&ctx, &user, None, None).await
}

pub async fn save_settings(
    ctx: Ctx,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let mut form = FormState::from_values(fields);
    let name = crate::auth::display_name(&mut form);
    let tz = form.parse("time_zone", str::parse::<TimeZoneName>);
    let units = form.parse("units", |raw| match raw {
        "clinic" => Ok(None),
        other => units_choice(other)
            .map(Some)
            .ok_or("Choose one of the unit options."),
    });
    let (Some(display_name), Some(time_zone), Some(units)) = (name, tz, units) else {
        return settings_with(&ctx, &user, Some(form), None).await;
    };
    ctx.state
        .store
        .set_preferences(
            user.id,
            &Preferences {
                display_name,
                time_zone,
                units,
            },
        )
        .await?;
    ctx.flash("success", "Settings saved.").await?;
    Ok(Redirect::to("/settings").into_response())
}

/// `GET /api/me`: who is logged in, as JSON.
pub async fn api_me(ctx: Ctx) -> Response {
    match &ctx.user {
        Some(u) => match ctx.units().await {
            Ok(units) => Json(serde_json::json!({
                "id": u.id, "email": u.email, "name": u.display_name, "role": u.role,
                "clinic_id": u.clinic_id, "time_zone": u.time_zone, "units": units,
            }))
            .into_response(),
            Err(_) => problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Could not load your settings.",
            ),
        },
        None => problem(StatusCode::UNAUTHORIZED, "Log in first."),
    }
}

/// `GET /api/csrf`: this session's CSRF token and who is logged in, for the Today page's offline
/// queue when its page's token went stale (a new login since the entry was kept).
pub async fn api_csrf(ctx: Ctx) -> AppResult<Response> {
    Ok(Json(serde_json::json!({
        "user_id": ctx.user.as_ref().map(|u| u.id),
        "csrf_token": ctx.csrf_token().await?,
    }))
    .into_response())
}

pub async fn not_found(ctx: Ctx) -> AppResult<Response> {
    if ctx.here.starts_with("/api/") {
        return Ok(problem(StatusCode::NOT_FOUND, "No such endpoint."));
    }
    let page = crate::templates::ErrorPage {
        page: ctx.page("We couldn't find that page").await?,
        status: 404,
        advice: "The address may be mistyped, or the page may have moved. Try the links above."
            .into(),
    };
    render_status(StatusCode::NOT_FOUND, page)
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, format!("ready ({})", state.store.backend())).into_response(),
        Err(err) => {
            tracing::warn!(%err, "database not reachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database not reachable").into_response()
        }
    }
}
