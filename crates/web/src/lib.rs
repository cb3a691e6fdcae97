//! Backstride's web tier: server-rendered pages (askama + htmx), a small JSON API, accounts and
//! sessions, CSRF and security headers, login throttling and the email outbox worker.
//!
//! The tier is stateless: sessions, throttling counters and the outbox live in the database, so
//! several instances can run behind a load balancer.
#![forbid(unsafe_code)]

pub mod account_data;
mod admin;
mod api;
mod assessment;
mod assets;
mod auth;
mod blocking;
mod booking;
mod caching;
mod caseload;
mod clinic_settings;
mod clock;
mod completion;
mod config;
mod context;
mod decision;
mod error;
mod fhir;
mod form_video;
mod front;
pub mod housekeeping;
mod icons;
mod ics;
pub mod mail;
mod outcomes;
mod pages;
mod passwords;
mod print;
mod programme;
mod public_pages;
mod pwa;
mod record;
mod reminders;
mod run_days;
mod runs;
mod security;
mod templates;
mod tracking;
mod visitor;
pub mod webhooks;
mod wording;
mod worklist;

pub use api::openapi_json;
pub use clinic_settings::progression_thresholds;
pub use clock::Clock;
pub use config::{MailConfig, MailTransport, SecretKey, WebConfig};
pub use context::TOUCH_INTERVAL_SECONDS;
pub use passwords::hash_password;
pub use runs::analyze_options_for;
pub use runs::load::watch_runs;
pub use tracking::journal::{
    DECISION_DAYS, HISTORY_DAYS, Journal, TODAY_DAYS, WEEKLY_REVIEWS_CAUGHT_UP, apply_accepted,
    progressed,
};
pub use visitor::{
    FLASH_COOKIE, FORM_TOKEN_TTL_SECONDS, ServerKey, VISITOR_COOKIE, form_token_for,
};

use axum::Router;
use axum::routing::{get, post};
use backstride_store::Store;
use std::sync::Arc;
use tower_sessions::SessionManagerLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<WebConfig>,
    /// What time it is: the system's, or pinned in tests.
    pub clock: Clock,
    passwords: passwords::Hasher,
    /// Signs public-form tokens and flash cookies.
    key: visitor::ServerKey,
    /// The caseload's worked-out lines.
    pub(crate) caseload: Arc<caseload::LineCache>,
    /// The clinic's public pages as every anonymous visitor sees them.
    pub(crate) public_pages: Arc<public_pages::PublicPages>,
    /// Stores the runners' logs in batches, one commit each (group commit).
    pub(crate) logs: Arc<backstride_store::LogWriter>,
    /// Today's records worked out, kept while the runner's record is unchanged.
    pub(crate) today: Arc<tracking::kept_today::KeptToday>,
    /// The progress pages drawn, kept while the runner's record is unchanged.
    pub(crate) progress: Arc<tracking::progress::DrawnPages>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: WebConfig) -> Self {
        AppState {
            logs: Arc::new(backstride_store::LogWriter::new(store.clone())),
            store,
            key: visitor::ServerKey::load(&config),
            config: Arc::new(config),
            clock: Clock::system(),
            passwords: passwords::Hasher::new(),
            caseload: Arc::default(),
            public_pages: Arc::default(),
            today: Arc::new(backstride_store::Kept::new(
                tracking::kept_today::TODAY_HELD,
            )),
            progress: Arc::new(backstride_store::Kept::new(tracking::progress::DRAWN_HELD)),
        }
    }

    /// The same app reading the time from `clock` (a pinned one in tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

/// The whole application as a router, ready to serve or to call in-process in tests.
pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(state.store.session_backend().store())
        .with_name("backstride_session")
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(state.config.is_https())
        .with_expiry(context::expiry_after(context::IDLE));
    let body_limit = state.config.body_limit_bytes;

    let limited = Router::new()
        .route("/", get(pages::landing))
        .route("/home", get(pages::home))
        .route("/signup", get(auth::signup_page).post(auth::signup))
        .route("/login", get(auth::login_page).post(auth::login))
        .route(
            "/login/link/{token}",
            get(auth::login_link_page).post(auth::use_login_link),
        )
        .route("/logout", post(auth::logout))
        .route(
            "/password/forgot",
            get(auth::forgot_page).post(auth::forgot),
        )
        .route(
            "/password/reset/{token}",
            get(auth::reset_page).post(auth::reset),
        )
        .route(
            "/settings",
            get(pages::settings_page).post(pages::save_settings),
        )
        .route("/settings/password", post(auth::change_password))
        .route("/clinic", get(admin::clinic_page))
        .route("/clinic/invites", post(admin::send_invite))
        .route("/clinic/caseload", get(caseload::page))
        .route("/clinic/outcomes", get(outcomes::page))
        .route("/clinic/outcomes.csv", get(outcomes::csv))
        .route("/clinic/outcomes/public", post(outcomes::set_public))
        .route("/clinics/{id}/outcomes", get(outcomes::public_page))
        .route(
            "/clinic/settings",
            get(clinic_settings::settings_page).post(clinic_settings::save_settings),
        )
        .route("/clinic/alerts/{id}/resolve", post(admin::resolve_alert))
        .route(
            "/invite/{token}",
            get(auth::invite_page).post(auth::accept_invite),
        )
        .route("/admin/outbox", get(admin::outbox_page))
        .route("/admin/outbox/{id}/retry", post(admin::retry_email))
        .route("/api/me", get(pages::api_me))
        .route("/api/csrf", get(pages::api_csrf))
        .route("/healthz", get(pages::healthz))
        .route("/readyz", get(pages::readyz))
        .route("/static/{*path}", get(assets::serve))
        .merge(record::routes())
        .merge(account_data::routes())
        .merge(fhir::routes())
        .route("/sw.js", get(pwa::service_worker))
        .route("/manifest.webmanifest", get(pwa::manifest))
        .merge(assessment::routes())
        .merge(runs::routes())
        .merge(programme::routes())
        .merge(print::routes())
        .merge(tracking::routes())
        .merge(reminders::routes())
        .merge(decision::routes())
        .merge(front::routes())
        .merge(booking::routes())
        .merge(form_video::routes())
        .merge(api::routes())
        .merge(webhooks::routes())
        .fallback(pages::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(body_limit));
    // File uploads have their own, larger limit.
    let upload_limit = state.config.upload_limit_bytes;
    let uploads = runs::upload_routes()
        .merge(api::upload_routes())
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(upload_limit));

    // A running-form landmark series (a long clip is a few megabytes of numbers).
    let form_limit = body_limit.max(form_video::SAVE_LIMIT_BYTES);
    let form_saves = form_video::save_routes()
        .layer(axum::extract::DefaultBodyLimit::max(form_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(form_limit));

    // The article editor takes the longest article there may be (and a little more, so a too
    // long one gets a message by its field).
    let editor_limit = body_limit.max(front::EDITOR_BODY_LIMIT_BYTES);
    let editor = front::editor_routes()
        .layer(axum::extract::DefaultBodyLimit::max(editor_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(editor_limit));

    // Article images: room past their own 5 MB bound, so a larger one gets a message.
    let images = front::image_routes()
        .layer(axum::extract::DefaultBodyLimit::max(
            front::IMAGE_UPLOAD_LIMIT_BYTES,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            front::IMAGE_UPLOAD_LIMIT_BYTES,
        ));

    limited
        .merge(uploads)
        .merge(editor)
        .merge(images)
        .merge(form_saves)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::csrf_guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::session_upkeep,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn(error::friendly_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        // Outside the handlers' own work, so a kept public page is stale once a write finished.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            public_pages::stale_after_writes,
        ))
        // Outside the headers, so every response (error pages too) is compressed when worth it.
        .layer(caching::compression())
        // Everything inside finishes even when the client goes away.
        .layer(axum::middleware::from_fn(completion::run_to_completion))
        // Logged by route template: raw paths carry reset, booking and unsubscribe tokens.
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(security::request_span))
        .with_state(state)
}

/// Serves the app on `listener` until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
