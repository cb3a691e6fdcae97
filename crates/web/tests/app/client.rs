//! A small in-process client: keeps its cookies (session, visitor id, flash messages) and the
//! page's CSRF token like a browser.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use backstride_core::{Email, Role, TimeZoneName};
use backstride_store::{Clinic, NewClinic, NewUser, Store, User};
use backstride_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

pub const PASSWORD: &str = "a long enough pass";

/// Today (UTC), so that a typed date checked against a window around today stays inside it
/// whenever the tests run.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// `n` days before today.
pub fn days_ago(n: i64) -> jiff::civil::Date {
    today().checked_sub(jiff::Span::new().days(n)).unwrap()
}

/// `n` days after today, as typed into a date field (`YYYY-MM-DD`).
pub fn typed_days_ahead(n: i64) -> String {
    days_ago(-n).to_string()
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as text (lossy for binary bodies; see `bytes`).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "backstride_session";

pub struct Client {
    pub app: Router,
    pub store: Arc<dyn Store>,
    /// Cookie name → value, as the server set them.
    pub cookies: std::collections::BTreeMap<String, String>,
    pub csrf: Option<String>,
    pub ip: SocketAddr,
}

pub fn config() -> WebConfig {
    let dir = std::env::temp_dir().join(format!("backstride-web-test-{}", std::process::id()));
    WebConfig {
        data_dir: dir,
        ..WebConfig::default()
    }
}

impl Client {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_config(store, config())
    }

    pub fn with_config(store: Arc<dyn Store>, config: WebConfig) -> Self {
        Self::with_state(store.clone(), AppState::new(store, config))
    }

    /// A client of an app that reads the time from `clock` (pinned to a chosen moment).
    pub fn with_clock(store: Arc<dyn Store>, clock: backstride_web::Clock) -> Self {
        Self::with_state(
            store.clone(),
            AppState::new(store, config()).with_clock(clock),
        )
    }

    fn with_state(store: Arc<dyn Store>, state: AppState) -> Self {
        let app = backstride_web::router(state);
        Client {
            app,
            store,
            cookies: Default::default(),
            csrf: None,
            ip: "192.0.2.10:5000".parse().unwrap(),
        }
    }

    /// Another browser on the same server: no cookie, no token.
    pub fn another(&self) -> Self {
        Client {
            app: self.app.clone(),
            store: self.store.clone(),
            cookies: Default::default(),
            csrf: None,
            ip: self.ip,
        }
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Resp {
        req.extensions_mut().insert(ConnectInfo(self.ip));
        if !self.cookies.is_empty() && !req.headers().contains_key(header::COOKIE) {
            let all: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            req.headers_mut()
                .insert(header::COOKIE, all.join("; ").parse().unwrap());
        }
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(token) = csrf_in(&body) {
            self.csrf = Some(token);
        }
        Resp {
            status,
            headers,
            body,
            bytes,
        }
    }

    /// The session cookie (`name=value`), if the server set one.
    pub fn session_cookie(&self) -> Option<String> {
        self.cookies
            .get(SESSION_COOKIE)
            .map(|id| format!("{SESSION_COOKIE}={id}"))
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// Posts a form with the current CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().unwrap_or_default();
        all.push(("csrf_token", &token));
        self.post_raw(path, serde_urlencoded::to_string(&all).unwrap())
            .await
    }

    pub async fn post_raw(&mut self, path: &str, body: String) -> Resp {
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Resp {
        self.get("/login").await;
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }
}

fn csrf_in(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let end = body[at..].find('"')?;
    let token = &body[at..at + end];
    (!token.is_empty()).then(|| token.to_owned())
}

pub async fn clinic(store: &Arc<dyn Store>, name: &str) -> Clinic {
    store
        .create_clinic(&NewClinic {
            name: name.into(),
            units: Default::default(),
            time_zone: TimeZoneName::utc(),
        })
        .await
        .unwrap()
}

/// Creates a person with [`PASSWORD`].
pub async fn person(
    store: &Arc<dyn Store>,
    clinic: Option<&Clinic>,
    email: &str,
    role: Role,
) -> User {
    store
        .create_user(&NewUser {
            clinic_id: clinic.map(|c| c.id),
            email: email.parse::<Email>().unwrap(),
            display_name: email.split('@').next().unwrap().into(),
            password_hash: backstride_web::hash_password(PASSWORD),
            role,
            time_zone: TimeZoneName::utc(),
            units: None,
        })
        .await
        .unwrap()
}

pub use backstride_store::testing::each_backend;

/// The link in the newest email to `to` that has one starting `path_prefix`.
pub async fn link_in_email(store: &Arc<dyn Store>, to: &str, path_prefix: &str) -> String {
    let emails = store.outbox(50).await.unwrap();
    let email = emails
        .iter()
        .find(|e| e.to == to && e.body_text.contains(path_prefix))
        .expect("an email was queued");
    let at = email
        .body_text
        .find(path_prefix)
        .expect("the email has the link");
    email.body_text[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}
