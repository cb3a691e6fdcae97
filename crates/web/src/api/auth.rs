//! Who calls the API: a personal access token in `Authorization: Bearer …`, looked up by its
//! SHA-256. The API takes no cookies, so a page on another site can't make a browser call it
//! with someone's session (and token requests need no CSRF token; see `security::csrf_guard`).
//! A token acts as its owner, with its owner's role and clinic; a read token changes nothing.

use crate::AppState;
use crate::api::problem::{ApiError, MISSING_TOKEN};
use crate::context::TOUCH_INTERVAL_SECONDS;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use backstride_store::{Actor, ApiToken, StoreError, TokenScope, User};

/// What every token starts with, so a leaked one is easy to recognise (and to search for).
pub const TOKEN_PREFIX: &str = "bst_";

/// The longest `Authorization` value read: a token is far shorter.
const MAX_TOKEN_CHARS: usize = 200;

/// Whether a request carries a bearer token (checked again, properly, by [`ApiUser`]).
pub fn has_bearer(headers: &axum::http::HeaderMap) -> bool {
    bearer(headers).is_some()
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The person a valid token stands for, and the token.
pub struct ApiUser {
    pub user: User,
    pub token: ApiToken,
}

impl ApiUser {
    pub fn actor(&self) -> Actor {
        Actor::of(&self.user)
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(presented) = bearer(&parts.headers) else {
            return Err(ApiError::Unauthorized(MISSING_TOKEN));
        };
        const UNKNOWN: &str = "This token is not valid. Check that it was copied whole, or make \
                               a new one on your account page.";
        if presented.len() > MAX_TOKEN_CHARS || !presented.starts_with(TOKEN_PREFIX) {
            return Err(ApiError::Unauthorized(UNKNOWN));
        }
        let hash = crate::security::token_hash(presented);
        let Some(token) = state.store.api_token_by_hash(&hash).await? else {
            return Err(ApiError::Unauthorized(UNKNOWN));
        };
        let now = state.clock.unix();
        if token.revoked_at.is_some() {
            return Err(ApiError::Unauthorized(
                "This token was revoked. Make a new one on your account page.",
            ));
        }
        if !token.usable_at(now) {
            return Err(ApiError::Unauthorized(
                "This token has expired. Make a new one on your account page.",
            ));
        }
        let user = match state.store.user(token.user_id).await {
            Ok(user) => user,
            Err(StoreError::NotFound) => return Err(ApiError::Unauthorized(UNKNOWN)),
            Err(other) => return Err(other.into()),
        };
        // Like a session's expiry: noted at most once per interval, so reads rarely write.
        state
            .store
            .touch_api_token(token.id, now, now - TOUCH_INTERVAL_SECONDS)
            .await?;
        Ok(ApiUser { user, token })
    }
}

/// An [`ApiUser`] whose token may change things (scope `write`); a read token gets 403 before
/// its body is read.
pub struct ApiWriter(pub ApiUser);

impl FromRequestParts<AppState> for ApiWriter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = ApiUser::from_request_parts(parts, state).await?;
        if user.token.scope != TokenScope::Write {
            return Err(ApiError::Forbidden(
                "This token may only read. Make a read-and-change token to change anything.",
            ));
        }
        Ok(ApiWriter(user))
    }
}
