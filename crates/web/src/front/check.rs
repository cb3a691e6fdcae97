//! "Check your back — free" (`/clinics/{id}/check`): a visitor signs up as a runner of this
//! clinic, with no invitation, and goes on to the self-check once their email is confirmed. The
//! clinic sees the new runner in its inbox (one entry per visitor, with their other enquiries).
//!
//! Sign-up's own rules hold: the same answer whether or not the email has an account, an
//! emailed link to confirm it, and the public forms' honeypot and rate limits (`abuse`).
//! Our choice: only a new account joins the clinic and reaches its inbox — an existing one is
//! left as it is (its owner is emailed, as on `/signup`).

use super::{Brand, abuse, public_clinic};
use crate::auth::{display_name, new_password, sign_up_runner, units_choice};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::templates::{FormState, Page, render_status};
use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::{Role, TimeZoneName};
use backstride_store::{Clinic, InboxKind, InboxStage, NewInboxItem, NewUser};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "front_check.html")]
struct CheckPage {
    page: Page,
    brand: Brand,
    form: FormState,
    time_zones: Vec<String>,
    limited: bool,
}

async fn check_with(
    ctx: &Ctx,
    clinic: &Clinic,
    form: FormState,
    status: StatusCode,
) -> AppResult<Response> {
    render_status(
        status,
        CheckPage {
            page: ctx
                .page(&format!("Check your back — free · {}", clinic.name))
                .await?,
            brand: Brand::of(clinic),
            time_zones: TimeZoneName::all(),
            limited: status == StatusCode::TOO_MANY_REQUESTS,
            form,
        },
    )
}

/// `GET /clinics/{id}/check`.
pub async fn page(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    if ctx.user.is_some() {
        return Ok(Redirect::to("/assessment").into_response());
    }
    let form = FormState::default()
        .with_value("time_zone", clinic.time_zone.as_str())
        .with_value(
            "units",
            if clinic.units.distance == backstride_core::DistanceUnit::Mi {
                "imperial"
            } else {
                "metric"
            },
        );
    check_with(&ctx, &clinic, form, StatusCode::OK).await
}

/// `POST /clinics/{id}/check`: the runner's account in this clinic, waiting for its emailed
/// link, and an inbox item for the clinic.
pub async fn submit(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let store = ctx.state.store.clone();
    let clinic = public_clinic(store.as_ref(), id).await?;
    let mut form = FormState::from_values(fields);
    let sent = Redirect::to(&format!("/clinics/{id}/check/sent")).into_response();
    if abuse::caught_bot(store.as_ref(), abuse::SIGNUP, &form, &ctx.ip).await? {
        return Ok(sent);
    }
    // A runner's name follows the account rules (`auth`), shared with `/signup`.
    let name = display_name(&mut form);
    let email = abuse::email(&mut form);
    let password = new_password(&mut form, "password", email.as_ref());
    let tz = form.parse("time_zone", str::parse::<TimeZoneName>);
    let (Some(name), Some(email), Some(password), Some(tz), false) =
        (name, email, password, tz, form.has_errors())
    else {
        return check_with(&ctx, &clinic, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if abuse::over_limit(store.as_ref(), abuse::SIGNUP, &ctx.ip, email.as_str()).await? {
        form.set_error("email", abuse::PLEASE_WAIT);
        return check_with(&ctx, &clinic, form, StatusCode::TOO_MANY_REQUESTS).await;
    }
    // Hashed before we know whether the email is taken, so both answers take as long.
    let hash = ctx.state.passwords.hash(password.expose().to_owned()).await;
    let new = NewUser {
        clinic_id: Some(clinic.id),
        email,
        display_name: name,
        password_hash: hash,
        role: Role::Runner,
        time_zone: tz,
        units: units_choice(form.value("units")),
    };
    if let Some(runner) = sign_up_runner(&ctx, &new).await? {
        store
            .add_inbox_item(
                &NewInboxItem {
                    clinic_id: clinic.id,
                    kind: InboxKind::Signup,
                    name: runner.display_name.clone(),
                    email: runner.email.to_string(),
                    phone: String::new(),
                    message: "Signed up from your page with \"Check your back\" to take the free \
                              self-check. They join your runners once they confirm their email."
                        .to_owned(),
                    source: "check your back".to_owned(),
                    stage: InboxStage::New,
                },
                ctx.state.clock.unix(),
            )
            .await?;
    }
    ctx.flash(
        "info",
        format!(
            "Nearly there: we've emailed {}. Open the link in it to confirm your address and start your self-check.",
            new.email
        ),
    )
    .await?;
    Ok(sent)
}

/// `GET /clinics/{id}/check/sent`: look in your email.
pub async fn sent(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let clinic = public_clinic(ctx.state.store.as_ref(), id).await?;
    let page = super::public::message_page(
        &ctx,
        &clinic,
        "Look in your email",
        vec![
            "We've sent you a link. Open it to confirm your address; your free self-check starts right after.".to_owned(),
            format!(
                "Once you've confirmed, {} can see your results and your programme, and help when you ask.",
                clinic.name
            ),
        ],
    )
    .await?;
    Ok(page)
}
