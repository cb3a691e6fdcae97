//! The request context every page handler starts from: the session, the logged-in person (if
//! any), the CSP nonce, and flash messages.

use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::security::{CSRF_SESSION_KEY, CspNonce, masked_csrf, random_token};
use crate::templates::{Flash, NavUser, Page};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use backstride_core::{Role, UnitPreference};
use backstride_store::{Actor, User};
use std::net::SocketAddr;
use tower_sessions::Session;

pub const USER_KEY: &str = "user_id";
/// A fingerprint of the password the session logged in with: changing the password ends every
/// session that holds the old one.
const PASSWORD_KEY: &str = "password_fingerprint";
const FLASH_KEY: &str = "flash";

/// Short, one-way, and says nothing about the password (it is a hash of its salted hash).
fn password_fingerprint(password_hash: &str) -> String {
    crate::security::token_hash(password_hash)[..16].to_owned()
}

/// Everything a page handler needs to know about who is asking.
pub struct Ctx {
    pub state: AppState,
    pub session: Session,
    pub user: Option<User>,
    pub nonce: String,
    /// Path and query of this request, to come back to after logging in.
    pub here: String,
    /// The client's address for every rate limit ([`crate::WebConfig::client_address`]).
    pub ip: String,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, msg)| AppError::Internal(msg.to_owned()))?;
        let user_id: Option<i64> = session.get(USER_KEY).await?;
        let user = match user_id {
            Some(id) => match state.store.user(id).await {
                Ok(user) => {
                    let current = password_fingerprint(&user.password_hash);
                    match session.get::<String>(PASSWORD_KEY).await? {
                        Some(held) if held == current => Some(user),
                        Some(_) => {
                            // The password was changed or reset elsewhere: this session ends.
                            session.flush().await?;
                            session
                                .insert(
                                    FLASH_KEY,
                                    vec![Flash {
                                        kind: "info".into(),
                                        message: "Your password was changed, so you were signed out here. Log in with the new one.".into(),
                                    }],
                                )
                                .await?;
                            None
                        }
                        None => {
                            // A session from before fingerprints: it holds the current one now.
                            session.insert(PASSWORD_KEY, current).await?;
                            Some(user)
                        }
                    }
                }
                Err(backstride_store::StoreError::NotFound) => {
                    session.flush().await?;
                    None
                }
                Err(err) => return Err(err.into()),
            },
            None => None,
        };
        let nonce = parts
            .extensions
            .get::<CspNonce>()
            .map(|n| n.0.clone())
            .unwrap_or_default();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let ip = state.config.client_address(peer, &parts.headers);
        let here = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        Ok(Ctx {
            state: state.clone(),
            session,
            user,
            nonce,
            here,
            ip,
        })
    }
}

impl Ctx {
    /// The logged-in person, or a redirect to the login page that comes back here.
    pub fn user(&self) -> AppResult<&User> {
        self.user
            .as_ref()
            .ok_or_else(|| AppError::LoginRequired(self.here.clone()))
    }

    /// The logged-in person if they hold one of `roles`; 403 otherwise.
    pub fn user_with_role(&self, roles: &[Role]) -> AppResult<&User> {
        let user = self.user()?;
        if roles.contains(&user.role) {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn actor(&self) -> AppResult<Actor> {
        self.user().map(Actor::of)
    }

    /// This session's CSRF token (created on first use) masked afresh for this page, so each
    /// page shows different bytes for the same secret (see `security::masked_csrf`).
    pub async fn csrf_token(&self) -> AppResult<String> {
        if let Some(token) = self.session.get::<String>(CSRF_SESSION_KEY).await? {
            return Ok(masked_csrf(&token));
        }
        let token = random_token(32);
        self.session.insert(CSRF_SESSION_KEY, &token).await?;
        Ok(masked_csrf(&token))
    }

    /// Queues a message for the next page this person sees.
    pub async fn flash(&self, kind: &str, message: impl Into<String>) -> AppResult<()> {
        let mut all: Vec<Flash> = self.session.get(FLASH_KEY).await?.unwrap_or_default();
        all.push(Flash {
            kind: kind.to_owned(),
            message: message.into(),
        });
        self.session.insert(FLASH_KEY, all).await?;
        Ok(())
    }

    /// The frame of a page: title, navigation, CSRF token, nonce and pending flash messages.
    pub async fn page(&self, title: &str) -> AppResult<Page> {
        let flashes: Vec<Flash> = self.session.remove(FLASH_KEY).await?.unwrap_or_default();
        Ok(Page {
            title: title.to_owned(),
            user: self.user.as_ref().map(|u| NavUser {
                id: u.id,
                name: u.display_name.clone(),
                role: u.role.as_str(),
            }),
            csrf: self.csrf_token().await?,
            nonce: self.nonce.clone(),
            flashes,
            path: self
                .here
                .split_once('?')
                .map_or(self.here.as_str(), |(path, _)| path)
                .to_owned(),
        })
    }

    /// The units this person sees: their own choice, else their clinic's default, else metric.
    pub async fn units(&self) -> AppResult<UnitPreference> {
        let Some(user) = &self.user else {
            return Ok(UnitPreference::default());
        };
        if let Some(units) = user.units {
            return Ok(units);
        }
        match user.clinic_id {
            Some(id) => Ok(self.state.store.clinic(id).await?.units),
            None => Ok(UnitPreference::default()),
        }
    }

    /// Logs `user` in: a new session id (against fixation), a new CSRF token, and the idle
    /// timeout — 30 days with "remember me", else 12 hours.
    pub async fn log_in(&self, user: &User, remember: bool) -> AppResult<()> {
        self.session.cycle_id().await?;
        self.session.insert(USER_KEY, user.id).await?;
        self.session
            .insert(PASSWORD_KEY, password_fingerprint(&user.password_hash))
            .await?;
        self.session
            .insert(CSRF_SESSION_KEY, random_token(32))
            .await?;
        let idle = if remember {
            time::Duration::days(30)
        } else {
            time::Duration::hours(12)
        };
        self.session
            .set_expiry(Some(tower_sessions::Expiry::OnInactivity(idle)));
        Ok(())
    }

    /// After this person changed their password (now `new_hash`): this session stays signed in
    /// under a new id; every other session of the account holds the old fingerprint and ends.
    pub async fn keep_signed_in_after_password_change(&self, new_hash: &str) -> AppResult<()> {
        self.session.cycle_id().await?;
        self.session
            .insert(PASSWORD_KEY, password_fingerprint(new_hash))
            .await?;
        Ok(())
    }

    /// Ends this browser's session and starts an empty one (for a flash message).
    pub async fn log_out_here(&self) -> AppResult<()> {
        self.session.flush().await?;
        Ok(())
    }
}
