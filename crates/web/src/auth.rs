//! Accounts: sign-up (confirmed by an emailed link), login with throttling, logout, password
//! reset by emailed single-use token, password change (which ends every other session), and
//! accepting an invitation.

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::front::abuse;
use crate::security::{random_token, token_hash};
use crate::templates::{AccountForm, AccountFormKind, FormState, render_status};
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::{
    DistanceUnit, Email, MassUnit, NewPassword, Role, TimeZoneName, UnitPreference,
};
use backstride_store::{NewEmail, NewUser, StoreError, User};
use std::collections::HashMap;

/// Failed logins counted per account and per address within this window …
pub const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;
/// … pause the account's login once this many have failed (until the window ends). Attempts are
/// counted before the password is checked, so parallel guesses get no more checks than this.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 10;
/// … and, once this many have failed from one client address, logging in from there needs an
/// emailed link as well as the password. The address is not refused: several people can share
/// one (an office, a clinic's wifi), and one person's typos must not lock the others out.
pub const MAX_FAILURES_PER_IP: i64 = 50;
/// An emailed sign-in link (sign-up confirmation, or the second step above) works once, this long.
pub const LOGIN_LINK_TTL_SECONDS: i64 = 24 * 60 * 60;
/// A password-reset link works once, for this long.
pub const RESET_TTL_SECONDS: i64 = 60 * 60;
/// An invitation works once, for this long.
pub const INVITE_TTL_SECONDS: i64 = 7 * 24 * 60 * 60;

type Fields = Form<HashMap<String, String>>;

/// Now by the system clock, in Unix seconds (handlers with a request read `AppState::clock`).
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
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

pub(crate) fn new_password(
    form: &mut FormState,
    field: &str,
    email: Option<&Email>,
) -> Option<NewPassword> {
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
    if abuse::over_limit(
        ctx.state.store.as_ref(),
        abuse::SIGNUP,
        &ctx.ip,
        email.as_str(),
    )
    .await?
    {
        form.set_error("email", abuse::PLEASE_WAIT);
        let res = account_form(
            &ctx,
            AccountFormKind::Signup,
            "Create your account",
            "/signup",
            form,
            "",
        )
        .await?;
        return Ok(too_many(res));
    }
    // Hashed before we know whether the email is taken, so both answers take as long.
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
    sign_up_runner(&ctx, &new).await?;
    ctx.flash(
        "info",
        format!(
            "Nearly there: we've emailed {}. Open the link in it to confirm your address and log in.",
            new.email
        ),
    )
    .await?;
    Ok(Redirect::to("/login").into_response())
}

/// Creates a runner's account that waits for its emailed link, and returns it. The same answer
/// whether or not the email has an account, so sign-up can't be asked who has one: when it has,
/// the owner is told (or, unconfirmed, sent a fresh link) and `None` is returned. Used by
/// `/signup` and by the clinic page's "Check your back" (`front::check`).
pub(crate) async fn sign_up_runner(ctx: &Ctx, new: &NewUser) -> AppResult<Option<User>> {
    match ctx.state.store.create_unconfirmed_user(new).await {
        Ok(user) => {
            send_login_link(ctx, &user, LoginLinkReason::SignUp).await?;
            Ok(Some(user))
        }
        Err(StoreError::Conflict { .. }) => {
            let owner = ctx.state.store.user_by_email(&new.email).await?;
            if ctx.state.store.email_confirmed(owner.id).await? {
                tell_owner_of_sign_up(ctx, &owner).await?;
            } else {
                send_login_link(ctx, &owner, LoginLinkReason::SignUp).await?;
            }
            Ok(None)
        }
        Err(err) => Err(err.into()),
    }
}

/// An email to `user` about their own account. A clinic member's is that clinic's mail (its
/// admins see it in the outbox, audited for a runner); a self-signed-up runner's is the
/// operator's alone.
fn account_email(user: &User, subject: &str, body: String) -> NewEmail {
    let email = NewEmail::text(user.email.clone(), subject, body).from_clinic(user.clinic_id);
    if user.role == Role::Runner {
        email.about_runner(user.id)
    } else {
        email
    }
}

/// Why an emailed sign-in link was sent: it says so in the email.
#[derive(Clone, Copy)]
enum LoginLinkReason {
    SignUp,
    SecondStep,
}

/// Emails `user` a single-use link that finishes logging in (and confirms the address).
async fn send_login_link(ctx: &Ctx, user: &User, reason: LoginLinkReason) -> AppResult<()> {
    let token = random_token(32);
    let now = now();
    ctx.state
        .store
        .create_login_link(user.id, &token_hash(&token), now + LOGIN_LINK_TTL_SECONDS)
        .await?;
    let link = format!("{}/login/link/{token}", ctx.state.config.base_url());
    let (subject, why) = match reason {
        LoginLinkReason::SignUp => (
            "Confirm your email for Backstride",
            "Thanks for signing up to Backstride. Open this link within a day to confirm your \
             email address and log in",
        ),
        LoginLinkReason::SecondStep => (
            "Finish logging in to Backstride",
            "Someone (hopefully you) logged in to Backstride with your password from a network \
             where many logins have failed lately. Open this link within a day to finish logging in",
        ),
    };
    let body = format!(
        "Hello {},\n\n{why}:\n\n{link}\n\nIf it wasn't you, ignore this email and consider \
         changing your password.\n",
        user.display_name
    );
    ctx.state
        .store
        .enqueue_email(&account_email(user, subject, body), now)
        .await?;
    Ok(())
}

/// Someone signed up with an email that has an account: its owner hears of it, the visitor
/// doesn't.
async fn tell_owner_of_sign_up(ctx: &Ctx, owner: &User) -> AppResult<()> {
    let base = ctx.state.config.base_url();
    let body = format!(
        "Hello {},\n\nSomeone (hopefully you) tried to create a Backstride account with this \
         email address, which already has one. If it was you, log in at {base}/login, or choose \
         a new password at {base}/password/forgot if you've forgotten it.\n\n\
         If it wasn't you, ignore this email: nothing has changed.\n",
        owner.display_name
    );
    ctx.state
        .store
        .enqueue_email(
            &account_email(owner, "Your Backstride account", body),
            now(),
        )
        .await?;
    Ok(())
}

fn too_many(mut res: Response) -> Response {
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    res
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

/// Only a local path is followed after login (no open redirects): it starts with one `/`, and
/// holds printable ASCII only, without `\\` — browsers drop tabs and line breaks and read `\\`
/// as `/`, so `/\t/evil.example` or `/\\evil.example` would lead to another host — and it must
/// parse as a path (a line break would otherwise reach the `Location` header).
fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && next.parse::<axum::http::uri::PathAndQuery>().is_ok();
    if local { next } else { "/home" }
}

/// What a login answers when its password is right but one more step is needed, and — word
/// for word — when it is wrong, so the answer says nothing about the password.
const LINK_SENT: &str = "For your safety, logging in from here needs one more step: if that \
    email and password match an account, we've emailed it a link that finishes logging in.";

pub async fn login(ctx: Ctx, Form(fields): Fields) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let typed_email = form.value("email").trim().to_lowercase();
    // Failures are counted under what was typed, less control characters: no account has
    // them, and PostgreSQL refuses a NUL in text.
    let throttle_key: String = typed_email.chars().filter(|c| !c.is_control()).collect();
    let now = now();
    let since = now - THROTTLE_WINDOW_SECONDS;
    let store = ctx.state.store.clone();
    // Counted before the check, in one statement: parallel guesses each get their own number.
    let attempts = store.count_login_attempt(&throttle_key, now, since).await?;
    if attempts > MAX_FAILURES_PER_ACCOUNT {
        form.set_error(
            "email",
            "Too many failed attempts. For your safety, logging in is paused for 15 minutes. You can reset your password meanwhile.",
        );
        let res = account_form(&ctx, AccountFormKind::Login, "Log in", "/login", form, "").await?;
        return Ok(too_many(res));
    }
    let busy_address = store
        .login_failures_since(&throttle_key, &ctx.ip, since)
        .await?
        .for_ip
        >= MAX_FAILURES_PER_IP;
    let user = match typed_email.parse::<Email>() {
        Ok(email) => match store.user_by_email(&email).await {
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
    let user = match (ok, user) {
        (true, Some(user)) => Some(user),
        _ => None,
    };
    let confirmed = match &user {
        Some(user) => store.email_confirmed(user.id).await?,
        None => false,
    };
    match user {
        Some(user) if confirmed && !busy_address => {
            store.clear_login_failures(&throttle_key).await?;
            ctx.log_in(&user, form.checked("remember")).await?;
            return Ok(Redirect::to(safe_next(form.value("next"))).into_response());
        }
        Some(user) if busy_address => {
            send_login_link(&ctx, &user, LoginLinkReason::SecondStep).await?;
        }
        // The right password for a sign-up whose email is unconfirmed answers like a wrong one:
        // otherwise signing up, then logging in, would tell whether the email had an account.
        _ => {
            store
                .record_login_failure(&throttle_key, &ctx.ip, now)
                .await?;
        }
    }
    if busy_address {
        form.set_error("email", LINK_SENT);
    } else {
        form.set_error(
            "password",
            "That email and password don't match an account. Check both and try again. \
             Just signed up? Open the link we emailed you first.",
        );
    }
    account_form(&ctx, AccountFormKind::Login, "Log in", "/login", form, "").await
}

/// `GET /login/link/{token}`: a button that finishes logging in. Opening the link changes
/// nothing, so a mail scanner that follows links doesn't use it up.
pub async fn login_link_page(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    account_form(
        &ctx,
        AccountFormKind::LoginLink,
        "Finish logging in",
        &format!("/login/link/{token}"),
        FormState::default(),
        "Your emailed link works once. Continue to log in on this device.",
    )
    .await
}

/// `POST /login/link/{token}`: uses the emailed link, confirms the address and logs in.
pub async fn use_login_link(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let store = ctx.state.store.clone();
    let Some(user_id) = store.consume_login_link(&token_hash(&token), now()).await? else {
        ctx.flash(
            "error",
            "That link has expired or was already used. Log in below, or reset your password to get a fresh link.",
        )
        .await?;
        return Ok(Redirect::to("/login").into_response());
    };
    let user = store.user(user_id).await?;
    store.confirm_email(user.id).await?;
    store.clear_login_failures(user.email.as_str()).await?;
    ctx.log_in(&user, false).await?;
    // A runner who joined from a clinic's "Check your back" goes straight on to the self-check.
    let to_self_check = user.role == Role::Runner
        && user.clinic_id.is_some()
        && store
            .assessments_of(&backstride_store::Actor::of(&user), user.id)
            .await?
            .is_empty();
    if to_self_check {
        ctx.flash(
            "success",
            "Welcome to Backstride. You're logged in: start your free self-check below.",
        )
        .await?;
        return Ok(Redirect::to("/assessment").into_response());
    }
    ctx.flash("success", "Welcome to Backstride. You're logged in.")
        .await?;
    Ok(Redirect::to("/home").into_response())
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
    let email = form.parse("email", str::parse::<Email>);
    let limited = match &email {
        Some(email) => {
            abuse::over_limit(
                ctx.state.store.as_ref(),
                abuse::FORGOT_PASSWORD,
                &ctx.ip,
                email.as_str(),
            )
            .await?
        }
        None => false,
    };
    if limited {
        form.set_error("email", abuse::PLEASE_WAIT);
    }
    let (Some(email), false) = (email, limited) else {
        let res = account_form(
            &ctx,
            AccountFormKind::Forgot,
            "Reset your password",
            "/password/forgot",
            form,
            "",
        )
        .await?;
        return Ok(if limited { too_many(res) } else { res });
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
            let email = account_email(&user, "Reset your Backstride password", body);
            ctx.state.store.enqueue_email(&email, now).await?;
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
    // The link proves the address, so a sign-up waiting for its link is confirmed too.
    ctx.state.store.confirm_email(user.id).await?;
    ctx.state
        .store
        .clear_login_failures(user.email.as_str())
        .await?;
    // Every session of the account ends with the old password (see `Ctx`); this browser starts
    // afresh so that the message below survives.
    ctx.log_out_here().await?;
    ctx.flash(
        "success",
        "Your password has been changed, and you were signed out everywhere. Log in with the new one.",
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
            // Other sessions still hold the old password's fingerprint: they end (see `Ctx`).
            ctx.keep_signed_in_after_password_change(&hash).await?;
            ctx.flash(
                "success",
                "Your password has been changed. You were signed out everywhere else.",
            )
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
