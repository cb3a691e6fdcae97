//! Accounts: sign-up, login with throttling, logout, password reset by emailed single-use
//! token, password change, and accepting an invitation.

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::security::{random_token, token_hash};
use crate::templates::{AccountForm, AccountFormKind, FormState, render_status};
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::{
    DistanceUnit, Email, MassUnit, NewPassword, Role, TimeZoneName, UnitPreference,
};
use backstride_store::{NewEmail, NewUser, StoreError};
use std::collections::HashMap;

/// Failed logins counted per account and per address within this window …
pub const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;
/// … lock the account's login once this many have failed (the lock lasts until they age out).
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 10;
/// … and an address once this many have failed (several people can share one address).
pub const MAX_FAILURES_PER_IP: i64 = 50;
/// A password-reset link works once, for this long.
pub const RESET_TTL_SECONDS: i64 = 60 * 60;
/// An invitation works once, for this long.
pub const INVITE_TTL_SECONDS: i64 = 7 * 24 * 60 * 60;

type Fields = Form<HashMap<String, String>>;

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn account_form(
    ctx: &Ctx,
    kind: AccountFormKind,
    title: &str,
    action: &str,
    form: FormState,
    intro: &str,
) -> AppResult<Response> {
    let status = form.status();
    let time_zones = if matches!(kind, AccountFormKind::Signup | AccountFormKind::Invite) {
        TimeZoneName::all()
    } else {
        Vec::new()
    };
    render_status(
        status,
        AccountForm {
            page: ctx.page(title).await?,
            kind,
            form,
            action: action.to_owned(),
            time_zones,
            intro: intro.to_owned(),
        },
    )
}

pub(crate) fn units_choice(raw: &str) -> Option<UnitPreference> {
    match raw {
        "imperial" => Some(UnitPreference {
            distance: DistanceUnit::Mi,
            mass: MassUnit::Lb,
        }),
        "metric" => Some(UnitPreference {
            distance: DistanceUnit::Km,
            mass: MassUnit::Kg,
        }),
        _ => None,
    }
}

pub(crate) fn display_name(form: &mut FormState) -> Option<String> {
    form.parse("display_name", |raw| {
        let name = raw.trim();
        match name.chars().count() {
            0 => Err("Tell us what to call you."),
            _ if name.chars().any(char::is_control) => {
                Err("Remove the special control characters from your name.")
            }
            1..=80 => Ok(name.to_owned()),
            _ => Err("Keep your name under 80 characters."),
        }
    })
}

fn new_password(form: &mut FormState, field: &str, email: Option<&Email>) -> Option<NewPassword> {
    let raw = form.value(field).to_owned();
    form.parse(field, |_| NewPassword::new(&raw, email))
}

pub async fn signup_page(ctx: Ctx) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/home").into_response());
    }
    let form = FormState::default()
        .with_value("time_zone", "Europe/London")
        .with_value("units", "metric");
    account_form(
        &ctx,
        AccountFormKind::Signup,
        "Create your account",
        "/signup",
        form,
        "For runners. Clinicians join through an invitation from their clinic.",
    )
    .await
}

pub async fn signup(ctx: Ctx, Form(fields): Fields) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let name = display_name(&mut form);
    let email = form.parse("email", str::parse::<Email>);
    let password = new_password(&mut form, "password", email.as_ref());
    let tz = form.parse("time_zone", str::parse::<TimeZoneName>);
    let (Some(name), Some(email), Some(password), Some(tz), false) =
        (name, email, password, tz, form.has_errors())
    else {
        return account_form(
            &ctx,
            AccountFormKind::Signup,
            "Create your account",
            "/signup",
            form,
            "",
        )
        .await;
    };
    let hash = ctx.state.passwords.hash(password.expose().to_owned()).await;
    let new = NewUser {
        clinic_id: None,
        email,
        display_name: name,
        password_hash: hash,
        role: Role::Runner,
        time_zone: tz,
        units: units_choice(form.value("units")),
    };
    match ctx.state.store.create_user(&new).await {
        Ok(user) => {
            ctx.log_in(&user, false).await?;
            ctx.flash("success", "Welcome to Backstride. Your account is ready.")
                .await?;
            Ok(Redirect::to("/home").into_response())
        }
        Err(StoreError::Conflict { .. }) => {
            form.set_error("email", "An account with this email already exists. Log in, or reset your password if you forgot it.");
            account_form(
                &ctx,
                AccountFormKind::Signup,
                "Create your account",
                "/signup",
                form,
                "",
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    logged_out: Option<String>,
}

pub async fn login_page(
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/home").into_response());
    }
    if q.logged_out.is_some() {
        ctx.flash("info", "You are logged out.").await?;
    }
    let form = FormState::default().with_value("next", q.next.as_deref().unwrap_or(""));
    account_form(&ctx, AccountFormKind::Login, "Log in", "/login", form, "").await
}

/// Only same-site paths are followed after login (no open redirects).
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/home"
    }
}

pub async fn login(ctx: Ctx, Form(fields): Fields) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let typed_email = form.value("email").trim().to_lowercase();
    // Failures are counted under what was typed, less control characters: no account has
    // them, and PostgreSQL refuses a NUL in text.
    let throttle_key: String = typed_email.chars().filter(|c| !c.is_control()).collect();
    let now = now();
    let failures = ctx
        .state
        .store
        .login_failures_since(&throttle_key, &ctx.ip, now - THROTTLE_WINDOW_SECONDS)
        .await?;
    if failures.for_email >= MAX_FAILURES_PER_ACCOUNT || failures.for_ip >= MAX_FAILURES_PER_IP {
        form.set_error(
            "email",
            "Too many failed attempts. For your safety, logging in is paused for 15 minutes. You can reset your password meanwhile.",
        );
        let mut res =
            account_form(&ctx, AccountFormKind::Login, "Log in", "/login", form, "").await?;
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return Ok(res);
    }
    let user = match typed_email.parse::<Email>() {
        Ok(email) => match ctx.state.store.user_by_email(&email).await {
            Ok(user) => Some(user),
            Err(StoreError::NotFound) => None,
            Err(err) => return Err(err.into()),
        },
        Err(_) => None,
    };
    let password = form.value("password").to_owned();
    let ok = ctx
        .state
        .passwords
        .verify(password, user.as_ref().map(|u| u.password_hash.clone()))
        .await;
    match (ok, user) {
        (true, Some(user)) => {
            ctx.state.store.clear_login_failures(&throttle_key).await?;
            ctx.log_in(&user, form.checked("remember")).await?;
            Ok(Redirect::to(safe_next(form.value("next"))).into_response())
        }
        _ => {
            ctx.state
                .store
                .record_login_failure(&throttle_key, &ctx.ip, now)
                .await?;
            form.set_error(
                "password",
                "That email and password don't match an account. Check both and try again.",
            );
            account_form(&ctx, AccountFormKind::Login, "Log in", "/login", form, "").await
        }
    }
}

pub async fn logout(ctx: Ctx) -> AppResult<Response> {
    ctx.session.flush().await?;
    Ok(Redirect::to("/login?logged_out=1").into_response())
}

pub async fn forgot_page(ctx: Ctx) -> AppResult<Response> {
    account_form(
        &ctx,
        AccountFormKind::Forgot,
        "Reset your password",
        "/password/forgot",
        FormState::default(),
        "",
    )
    .await
}

pub async fn forgot(ctx: Ctx, Form(fields): Fields) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let Some(email) = form.parse("email", str::parse::<Email>) else {
        return account_form(
            &ctx,
            AccountFormKind::Forgot,
            "Reset your password",
            "/password/forgot",
            form,
            "",
        )
        .await;
    };
    match ctx.state.store.user_by_email(&email).await {
        Ok(user) => {
            let token = random_token(32);
            let now = now();
            ctx.state
                .store
                .create_password_reset(user.id, &token_hash(&token), now + RESET_TTL_SECONDS)
                .await?;
            let link = format!("{}/password/reset/{token}", ctx.state.config.base_url());
            let body = format!(
                "Hello {},\n\nSomeone (hopefully you) asked to reset your Backstride password. \
                 Open this link within one hour to choose a new one:\n\n{link}\n\n\
                 If it wasn't you, ignore this email: your password stays as it is.\n",
                user.display_name
            );
            ctx.state
                .store
                .enqueue_email(
                    &NewEmail::text(user.email, "Reset your Backstride password", body),
                    now,
                )
                .await?;
        }
        Err(StoreError::NotFound) => {}
        Err(err) => return Err(err.into()),
    }
    ctx.flash("info", "If an account exists for that email, we've sent a link to reset the password. It works once, for one hour.").await?;
    Ok(Redirect::to("/login").into_response())
}

pub async fn reset_page(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    account_form(
        &ctx,
        AccountFormKind::Reset,
        "Choose a new password",
        &format!("/password/reset/{token}"),
        FormState::default(),
        "",
    )
    .await
}

pub async fn reset(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(fields): Fields,
) -> AppResult<Response> {
    let action = format!("/password/reset/{token}");
    let mut form = FormState::from_values(fields);
    // Check the password first, so a typo doesn't use up the link.
    let Some(password) = new_password(&mut form, "password", None) else {
        return account_form(
            &ctx,
            AccountFormKind::Reset,
            "Choose a new password",
            &action,
            form,
            "",
        )
        .await;
    };
    let Some(user_id) = ctx
        .state
        .store
        .consume_password_reset(&token_hash(&token), now())
        .await?
    else {
        ctx.flash(
            "error",
            "That reset link has expired or was already used. Ask for a new one below.",
        )
        .await?;
        return Ok(Redirect::to("/password/forgot").into_response());
    };
    let user = ctx.state.store.user(user_id).await?;
    if let Err(err) = NewPassword::new(password.expose(), Some(&user.email)) {
        // Rare: the password equals the email. Issue a fresh link so nothing is lost.
        let fresh = random_token(32);
        ctx.state
            .store
            .create_password_reset(user.id, &token_hash(&fresh), now() + RESET_TTL_SECONDS)
            .await?;
        form.set_error("password", err.to_string());
        return account_form(
            &ctx,
            AccountFormKind::Reset,
            "Choose a new password",
            &format!("/password/reset/{fresh}"),
            form,
            "",
        )
        .await;
    }
    let hash = ctx.state.passwords.hash(password.expose().to_owned()).await;
    ctx.state.store.set_password_hash(user.id, &hash).await?;
    ctx.state
        .store
        .clear_login_failures(user.email.as_str())
        .await?;
    ctx.flash(
        "success",
        "Your password has been changed. Log in with the new one.",
    )
    .await?;
    Ok(Redirect::to("/login").into_response())
}

pub async fn change_password(ctx: Ctx, Form(fields): Fields) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let mut form = FormState::from_values(fields);
    let current = form.value("current_password").to_owned();
    let new = new_password(&mut form, "new_password", Some(&user.email));
    let current_ok = ctx
        .state
        .passwords
        .verify(current, Some(user.password_hash.clone()))
        .await;
    if !current_ok {
        form.set_error("current_password", "That isn't your current password.");
    }
    match new {
        Some(new) if current_ok && !form.has_errors() => {
            let hash = ctx.state.passwords.hash(new.expose().to_owned()).await;
            ctx.state.store.set_password_hash(user.id, &hash).await?;
            ctx.session.cycle_id().await?;
            ctx.flash("success", "Your password has been changed.")
                .await?;
            Ok(Redirect::to("/settings").into_response())
        }
        _ => crate::pages::settings_with(&ctx, &user, None, Some(form)).await,
    }
}

pub async fn invite_page(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let invite = ctx
        .state
        .store
        .invite(&token_hash(&token), now())
        .await?
        .ok_or(AppError::NotFound)?;
    let clinic = ctx.state.store.clinic(invite.clinic_id).await?;
    let form = FormState::default().with_value("time_zone", clinic.time_zone.as_str());
    let intro = format!(
        "You've been invited to join {} as a {}. Your login will be {}.",
        clinic.name, invite.role, invite.email
    );
    account_form(
        &ctx,
        AccountFormKind::Invite,
        "Join your clinic",
        &format!("/invite/{token}"),
        form,
        &intro,
    )
    .await
}

pub async fn accept_invite(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(fields): Fields,
) -> AppResult<Response> {
    let hash = token_hash(&token);
    let invite = ctx
        .state
        .store
        .invite(&hash, now())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut form = FormState::from_values(fields);
    let name = display_name(&mut form);
    let password = new_password(&mut form, "password", Some(&invite.email));
    let tz = form.parse("time_zone", str::parse::<TimeZoneName>);
    let (Some(name), Some(password), Some(tz), false) = (name, password, tz, form.has_errors())
    else {
        return account_form(
            &ctx,
            AccountFormKind::Invite,
            "Join your clinic",
            &format!("/invite/{token}"),
            form,
            "",
        )
        .await;
    };
    let new = NewUser {
        clinic_id: Some(invite.clinic_id),
        email: invite.email.clone(),
        display_name: name,
        password_hash: ctx.state.passwords.hash(password.expose().to_owned()).await,
        role: invite.role,
        time_zone: tz,
        units: None,
    };
    match ctx.state.store.accept_invite(&hash, &new, now()).await {
        Ok(user) => {
            // An invitation sent from the clinic's inbox moves its item to "enrolled".
            ctx.state.store.enrol_from_invite(&hash, now()).await?;
            ctx.log_in(&user, false).await?;
            ctx.flash("success", "Welcome! Your account is ready.")
                .await?;
            Ok(Redirect::to("/home").into_response())
        }
        Err(StoreError::Conflict { .. }) => {
            ctx.flash(
                "error",
                "An account with this email already exists. Log in with it instead.",
            )
            .await?;
            Ok(Redirect::to("/login").into_response())
        }
        Err(err) => Err(err.into()),
    }
}
