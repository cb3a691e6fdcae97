//! Clinic administration: the clinic's people, invitations, and the email outbox.

use crate::AppState;
use crate::auth::{INVITE_TTL_SECONDS, now};
use crate::clock::local_time;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::security::{random_token, token_hash};
use crate::templates::{
    AlertLine, ClinicPage, FormState, OutboxLine, OutboxPage, PersonLine, render, render_status,
};
use axum::Form;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::{Email, Role};
use backstride_store::{Actor, Clinic, NewEmail, NewInvite, StoreError, User};
use std::collections::HashMap;

fn staff_clinic(user: &User) -> AppResult<i64> {
    user.clinic_id.ok_or(AppError::Forbidden)
}

async fn clinic_with(ctx: &Ctx, invite: FormState) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Clinician, Role::Admin])?;
    let clinic = ctx.state.store.clinic(staff_clinic(user)?).await?;
    let (runners, staff): (Vec<User>, Vec<User>) = ctx
        .state
        .store
        .users_in_clinic(clinic.id)
        .await?
        .into_iter()
        .partition(|u| u.role == Role::Runner);
    let names: std::collections::HashMap<i64, String> = runners
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let alerts = ctx
        .state
        .store
        .open_alerts(&Actor::of(user))
        .await?
        .into_iter()
        .map(|a| AlertLine {
            id: a.id,
            tier: a.tier.as_str(),
            runner_id: a.runner_id,
            runner_name: names.get(&a.runner_id).cloned().unwrap_or_default(),
            reason: a.reason,
            when: local_time(a.created_at, &user.time_zone),
        })
        .collect();
    let line = |u: User| PersonLine {
        id: u.id,
        name: u.display_name,
        email: u.email.to_string(),
        role: u.role.as_str(),
    };
    let status = invite.status();
    render_status(
        status,
        ClinicPage {
            page: ctx.page(&clinic.name).await?,
            alerts,
            clinic_name: clinic.name,
            runners: runners.into_iter().map(line).collect(),
            staff: staff.into_iter().map(line).collect(),
            invite,
            can_invite_staff: user.role == Role::Admin,
        },
    )
}

pub async fn clinic_page(ctx: Ctx) -> AppResult<Response> {
    clinic_with(&ctx, FormState::default().with_value("role", "runner")).await
}

/// Admins may invite anyone; clinicians may invite runners.
pub async fn send_invite(
    ctx: Ctx,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Clinician, Role::Admin])?.clone();
    let clinic = ctx.state.store.clinic(staff_clinic(&user)?).await?;
    let mut form = FormState::from_values(fields);
    let email = form.parse("email", str::parse::<Email>);
    let role = form.parse("role", |raw| match raw.parse::<Role>() {
        Ok(Role::Runner) => Ok(Role::Runner),
        Ok(role) if user.role == Role::Admin => Ok(role),
        _ => Err("Clinicians can invite runners; ask an admin to invite staff."),
    });
    let (Some(email), Some(role)) = (email, role) else {
        return clinic_with(&ctx, form).await;
    };
    match ctx.state.store.user_by_email(&email).await {
        Ok(_) => {
            form.set_error("email", "Someone with this email already has an account.");
            return clinic_with(&ctx, form).await;
        }
        Err(StoreError::NotFound) => {}
        Err(err) => return Err(err.into()),
    }
    send_invite_email(&ctx.state, &user, &clinic, &email, role).await?;
    ctx.flash("success", format!("Invitation sent to {email}."))
        .await?;
    Ok(Redirect::to("/clinic").into_response())
}

/// Creates an invitation into `clinic` and queues its email; returns the token's hash, so the
/// caller can follow what becomes of it (the inbox moves an item to "enrolled" on sign-up).
pub(crate) async fn send_invite_email(
    state: &AppState,
    inviter: &User,
    clinic: &Clinic,
    email: &Email,
    role: Role,
) -> AppResult<String> {
    let token = random_token(32);
    let hash = token_hash(&token);
    let now = now();
    state
        .store
        .create_invite(&NewInvite {
            token_hash: hash.clone(),
            clinic_id: clinic.id,
            email: email.clone(),
            role,
            invited_by: inviter.id,
            expires_at: now + INVITE_TTL_SECONDS,
        })
        .await?;
    let link = format!("{}/invite/{token}", state.config.base_url());
    let body = format!(
        "Hello,\n\n{} has invited you to join {} on Backstride as a {role}.\n\n\
         Open this link within 7 days to create your account:\n\n{link}\n",
        inviter.display_name, clinic.name
    );
    state
        .store
        .enqueue_email(
            &NewEmail::text(
                email.clone(),
                format!("Join {} on Backstride", clinic.name),
                body,
            )
            .from_clinic(Some(clinic.id)),
            now,
        )
        .await?;
    Ok(hash)
}

/// The emails this admin's clinic sent (instance-wide mail is the operator's: `backstride
/// outbox`). The store audits the sight of emails about runners.
pub async fn outbox_page(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Admin])?;
    let emails = ctx
        .state
        .store
        .clinic_outbox(&Actor::of(user), 200)
        .await?
        .into_iter()
        .map(|e| OutboxLine {
            id: e.id,
            to: e.to,
            subject: e.subject,
            status: e.status.as_str(),
            attempts: e.attempts,
            when: local_time(e.sent_at.unwrap_or(e.created_at), &user.time_zone),
            last_error: e.last_error.unwrap_or_default(),
        })
        .collect();
    render(OutboxPage {
        page: ctx.page("Outbox").await?,
        emails,
    })
}

pub async fn retry_email(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let actor = ctx.user_with_role(&[Role::Admin]).map(Actor::of)?;
    ctx.state
        .store
        .retry_clinic_email(&actor, id, now())
        .await?;
    ctx.flash("success", "The email is queued to be sent again.")
        .await?;
    Ok(Redirect::to("/admin/outbox").into_response())
}

/// Marks an alert as dealt with (staff of the runner's clinic; audited by the store).
pub async fn resolve_alert(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let actor = ctx
        .user_with_role(&[Role::Clinician, Role::Admin])
        .map(Actor::of)?;
    ctx.state.store.resolve_alert(&actor, id, now()).await?;
    ctx.flash("success", "Alert marked as dealt with.").await?;
    Ok(Redirect::to("/clinic").into_response())
}
