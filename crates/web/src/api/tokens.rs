//! The account page's API tokens (`/settings/tokens`): make one (a name, read or read-and-change,
//! an optional expiry of at most a year), shown once on the answer to the form and stored only
//! as its SHA-256; the list with when each was last used; revoke.

use crate::AppState;
use crate::api::auth::TOKEN_PREFIX;
use crate::clock::local_time;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{FormState, Page, render_status};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use backstride_store::{ApiToken, NewApiToken, StoreError, TokenScope, User};
use std::collections::HashMap;

/// Longest token name, in characters.
pub const MAX_NAME_CHARS: usize = 60;
/// Longest expiry a token may have, in days (our choice: a year, then make a new one).
pub const MAX_EXPIRY_DAYS: i64 = 365;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/tokens", get(page).post(create))
        .route("/settings/tokens/{id}/revoke", post(revoke))
}

/// One row of the list.
pub struct TokenLine {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scope: &'static str,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub active: bool,
    /// "Revoked" or "Expired" for a token that can't be used.
    pub state: &'static str,
}

/// A token just made: the only time it is shown.
pub struct Made {
    pub name: String,
    pub token: String,
}

#[derive(Template)]
#[template(path = "api_tokens.html")]
struct TokensPage {
    page: Page,
    form: FormState,
    tokens: Vec<TokenLine>,
    made: Option<Made>,
}

fn line(t: ApiToken, user: &User, now: i64) -> TokenLine {
    let when = |at: i64| local_time(at, &user.time_zone);
    TokenLine {
        id: t.id,
        active: t.usable_at(now),
        state: if t.revoked_at.is_some() {
            "Revoked"
        } else {
            "Expired"
        },
        scope: match t.scope {
            TokenScope::Read => "Read",
            TokenScope::Write => "Read and change",
        },
        created: when(t.created_at),
        expires: t.expires_at.map_or_else(|| "Never".to_owned(), when),
        last_used: t.last_used_at.map_or_else(|| "Not yet".to_owned(), when),
        prefix: t.prefix,
        name: t.name,
    }
}

async fn show(ctx: &Ctx, user: &User, form: FormState, made: Option<Made>) -> AppResult<Response> {
    let now = ctx.state.clock.unix();
    let tokens = ctx
        .state
        .store
        .api_tokens_of(user.id)
        .await?
        .into_iter()
        .map(|t| line(t, user, now))
        .collect();
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        TokensPage {
            page: ctx.page("API tokens").await?,
            form,
            tokens,
            made,
        },
    )
}

async fn page(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    show(&ctx, &user, FormState::default(), None).await
}

/// `POST /settings/tokens`: makes a token and shows it once, on this answer (never in a
/// redirect or a cookie).
async fn create(ctx: Ctx, Form(fields): Form<HashMap<String, String>>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let mut form = FormState::from_values(fields);
    let name = form.parse("name", |raw| {
        let name = raw.trim();
        if name.is_empty() {
            Err("Give the token a name, so you can tell it apart later.".to_owned())
        } else if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            Err(format!(
                "Keep the name to one line of at most {MAX_NAME_CHARS} characters."
            ))
        } else {
            Ok(name.to_owned())
        }
    });
    let scope = form.parse("scope", |raw| match raw {
        "" | "read" => Ok(TokenScope::Read),
        "write" => Ok(TokenScope::Write),
        _ => Err("Choose read only, or read and change."),
    });
    let days = form.parse("expires_in_days", |raw| match raw.trim() {
        "" => Ok(None),
        days => match days.parse::<i64>() {
            Ok(d) if (1..=MAX_EXPIRY_DAYS).contains(&d) => Ok(Some(d)),
            _ => Err(format!(
                "Give a whole number of days from 1 to {MAX_EXPIRY_DAYS}, or leave it empty."
            )),
        },
    });
    let (Some(name), Some(scope), Some(days)) = (name, scope, days) else {
        return show(&ctx, &user, form, None).await;
    };
    let now = ctx.state.clock.unix();
    let token = format!("{TOKEN_PREFIX}{}", crate::security::random_token(32));
    let new = NewApiToken {
        name: name.clone(),
        prefix: token[..TOKEN_PREFIX.len() + 6].to_owned(),
        token_hash: crate::security::token_hash(&token),
        scope,
        expires_at: days.map(|d| now + d * 86_400),
    };
    match ctx.state.store.create_api_token(user.id, &new, now).await {
        Ok(_) => {}
        Err(StoreError::Conflict { .. }) => {
            form.set_error(
                "name",
                format!(
                    "You have {} tokens already, the most there may be. Revoke one you no longer use first.",
                    backstride_store::MAX_TOKENS_PER_USER
                ),
            );
            return show(&ctx, &user, form, None).await;
        }
        Err(other) => return Err(other.into()),
    }
    let mut res = show(
        &ctx,
        &user,
        FormState::default(),
        Some(Made { name, token }),
    )
    .await?;
    // The token is on this page only: no browser or proxy keeps it.
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// `POST /settings/tokens/{id}/revoke`: the token stops working at once.
async fn revoke(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    match ctx
        .state
        .store
        .revoke_api_token(user.id, id, ctx.state.clock.unix())
        .await
    {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(other) => return Err(other.into()),
    }
    ctx.flash("success", "Token revoked: it no longer works.")
        .await?;
    Ok(Redirect::to("/settings/tokens").into_response())
}
