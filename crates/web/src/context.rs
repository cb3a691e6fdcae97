//! The request context every page handler starts from: the session, the logged-in person (if
//! any), the CSP nonce, and flash messages; and the session upkeep around every request.
//!
//! Reads don't write the session: a visitor who is not logged in has none (public forms carry a
//! signed token instead, see `visitor`), flash messages travel in a signed cookie, and a
//! signed-in session's idle expiry is pushed back at most once every [`TOUCH_INTERVAL_SECONDS`].

use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::security::{CSRF_SESSION_KEY, CspNonce, masked_csrf, random_token};
use crate::templates::{CsrfToken, Flash, NavUser, Page};
use crate::visitor::Visitor;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use backstride_core::{Role, UnitPreference};
use backstride_store::{Actor, Clinic, User};
use std::net::SocketAddr;
use tower_sessions::Session;

pub const USER_KEY: &str = "user_id";
/// A fingerprint of the password the session logged in with: changing the password ends every
/// session that holds the old one.
const PASSWORD_KEY: &str = "password_fingerprint";
/// The idle timeout this session logged in with, in seconds ("remember me" or not).
const IDLE_KEY: &str = "idle_seconds";
/// When the session's expiry was last pushed back (Unix seconds).
const TOUCHED_KEY: &str = "touched_at";
/// A signed-in session's idle expiry is pushed back at most this often, so reading pages does
/// not write the session row each time: it ends between `idle - 5 min` and `idle` after the
/// last request. Our choice.
pub const TOUCH_INTERVAL_SECONDS: i64 = 5 * 60;

/// How long a session lasts after its last request: 30 days with "remember me" ticked, else
/// 12 hours (also a visitor's session before logging in). Our choice.
const REMEMBERED_IDLE: jiff::SignedDuration = jiff::SignedDuration::from_hours(30 * 24);
pub(crate) const IDLE: jiff::SignedDuration = jiff::SignedDuration::from_hours(12);

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A session that ends `idle` after its last request, in tower-sessions' terms. The one place
/// the `time` crate's types appear (tower-sessions and its cookies take them; `cookie`
/// re-exports the crate): everything else keeps time with jiff.
pub(crate) fn expiry_after(idle: jiff::SignedDuration) -> tower_sessions::Expiry {
    tower_sessions::Expiry::OnInactivity(tower_sessions::cookie::time::Duration::seconds(
        idle.as_secs(),
    ))
}

/// Around every request, inside the session layer: reads the visitor's cookies (their id and
/// flash messages) for `Ctx` and `csrf_guard`; pushes a signed-in session's expiry back when
/// [`TOUCH_INTERVAL_SECONDS`] have passed since it last was (the only write a read makes);
/// keeps a saved session on its own idle timeout; and sets the visitor's cookies that changed.
pub async fn session_upkeep(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let visitor = Visitor::from_request(state.key.clone(), req.headers());
    req.extensions_mut().insert(visitor.clone());
    if session.id().is_some()
        && let Err(err) = touch(&session).await
    {
        tracing::warn!(%err, "could not read the session");
    }
    let mut res = next.run(req).await;
    if session.is_modified()
        && let Ok(Some(idle)) = session.get::<i64>(IDLE_KEY).await
    {
        session.set_expiry(Some(expiry_after(jiff::SignedDuration::from_secs(idle))));
    }
    for cookie in visitor.set_cookies(state.config.is_https()) {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    res
}

/// Marks a signed-in session to be saved (which pushes its expiry back) when it was last
/// touched [`TOUCH_INTERVAL_SECONDS`] ago or more.
async fn touch(session: &Session) -> Result<(), tower_sessions::session::Error> {
    if session.get::<i64>(USER_KEY).await?.is_none() {
        return Ok(());
    }
    let now = now();
    if due_for_touch(session.get(TOUCHED_KEY).await?, now) {
        session.insert(TOUCHED_KEY, now).await?;
    }
    Ok(())
}

/// Whether a session last touched at `touched` is due to be touched again at `now` (also when
/// it never was, or the clock went back).
fn due_for_touch(touched: Option<i64>, now: i64) -> bool {
    touched.is_none_or(|at| now - at >= TOUCH_INTERVAL_SECONDS || at > now)
}

/// Short, one-way, and says nothing about the password (it is a hash of its salted hash).
fn password_fingerprint(password_hash: &str) -> String {
    crate::security::token_hash(password_hash)[..16].to_owned()
}

/// Everything a page handler needs to know about who is asking.
pub struct Ctx {
    pub state: AppState,
    pub session: Session,
    /// The browser's cookies beside the session: visitor id and flash messages.
    pub visitor: Visitor,
    pub user: Option<User>,
    pub nonce: String,
    /// Path and query of this request, to come back to after logging in.
    pub here: String,
    /// The client's address for every rate limit ([`crate::WebConfig::client_address`]).
    pub ip: String,
    /// The signed-in person's clinic, read at most once a request (see [`Ctx::clinic`]).
    clinic: tokio::sync::OnceCell<Option<Clinic>>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, msg)| AppError::Internal(msg.to_owned()))?;
        let visitor = parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .unwrap_or_else(|| Visitor::from_request(state.key.clone(), &parts.headers));
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
                            visitor.flash(Flash {
                                kind: "info".into(),
                                message: "Your password was changed, so you were signed out here. Log in with the new one.".into(),
                            });
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
            visitor,
            user,
            nonce,
            here,
            ip,
            clinic: tokio::sync::OnceCell::new(),
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

    /// The CSRF token for this page's forms: a signed-in session's own token, masked afresh (see
    /// `security::masked_csrf`); without a session, a signed public-form token for this
    /// visitor, made only if the page shows a form (see `visitor`).
    pub async fn csrf(&self) -> AppResult<CsrfToken> {
        // Without a session cookie this reads nothing from the store.
        let held = self.session.get::<String>(CSRF_SESSION_KEY).await?;
        Ok(match held {
            Some(token) => CsrfToken::Fixed(masked_csrf(&token)),
            None => CsrfToken::Visitor(self.visitor.clone()),
        })
    }

    /// The CSRF token as text (for JSON answers).
    pub async fn csrf_token(&self) -> AppResult<String> {
        Ok(self.csrf().await?.to_string())
    }

    /// Queues a message for the next page this browser shows (in a signed cookie, so that
    /// neither a visitor nor a read needs a session write).
    pub async fn flash(&self, kind: &str, message: impl Into<String>) -> AppResult<()> {
        self.visitor.flash(Flash {
            kind: kind.to_owned(),
            message: message.into(),
        });
        Ok(())
    }

    /// Takes a value a previous request left in the session, writing the session only when
    /// there was one (a read with nothing waiting writes nothing).
    pub async fn take_from_session<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> AppResult<Option<T>> {
        if self.session.id().is_none() || self.session.get_value(key).await?.is_none() {
            return Ok(None);
        }
        Ok(self.session.remove(key).await?)
    }

    /// The frame of a page: title, navigation, CSRF token, nonce and pending flash messages.
    pub async fn page(&self, title: &str) -> AppResult<Page> {
        Ok(Page {
            title: title.to_owned(),
            user: self.user.as_ref().map(|u| NavUser {
                id: u.id,
                name: u.display_name.clone(),
                role: u.role.as_str(),
            }),
            csrf: self.csrf().await?,
            nonce: self.nonce.clone(),
            flashes: self.visitor.take_flashes(),
            path: self
                .here
                .split_once('?')
                .map_or(self.here.as_str(), |(path, _)| path)
                .to_owned(),
        })
    }

    /// The signed-in person's clinic (`None` without one), read from the store at most once
    /// per request however many parts of the page ask.
    pub async fn clinic(&self) -> AppResult<Option<&Clinic>> {
        let clinic = self
            .clinic
            .get_or_try_init(|| async {
                match self.user.as_ref().and_then(|u| u.clinic_id) {
                    Some(id) => self.state.store.clinic(id).await.map(Some),
                    None => Ok(None),
                }
            })
            .await?;
        Ok(clinic.as_ref())
    }

    /// The units this person sees: their own choice, else their clinic's default, else metric.
    pub async fn units(&self) -> AppResult<UnitPreference> {
        match self.user.as_ref().and_then(|u| u.units) {
            Some(units) => Ok(units),
            None => Ok(self.units_in(self.clinic().await?)),
        }
    }

    /// The units this person sees, with their clinic already read: their own choice, else the
    /// clinic's default, else metric.
    pub fn units_in(&self, clinic: Option<&Clinic>) -> UnitPreference {
        self.user
            .as_ref()
            .and_then(|u| u.units)
            .or(clinic.map(|c| c.units))
            .unwrap_or_default()
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
        let idle = if remember { REMEMBERED_IDLE } else { IDLE };
        self.session.insert(IDLE_KEY, idle.as_secs()).await?;
        self.session.insert(TOUCHED_KEY, now()).await?;
        self.session.set_expiry(Some(expiry_after(idle)));
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

    /// Ends this browser's session (its row is deleted and its cookie cleared).
    pub async fn log_out_here(&self) -> AppResult<()> {
        self.session.flush().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_touched_at_most_once_per_interval() {
        let at = 1_000_000;
        assert!(due_for_touch(None, at), "a session never touched");
        assert!(!due_for_touch(Some(at), at));
        assert!(!due_for_touch(Some(at), at + TOUCH_INTERVAL_SECONDS - 1));
        assert!(due_for_touch(Some(at), at + TOUCH_INTERVAL_SECONDS));
        assert!(due_for_touch(Some(at + 60), at), "the clock went back");
    }
}
