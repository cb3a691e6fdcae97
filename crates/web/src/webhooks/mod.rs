//! A clinic's webhooks (issue 17): its admins add, change and remove endpoints of their other
//! systems (`/admin/webhooks`), choose the events each receives, see each endpoint's signing
//! secret and the delivery log (status, attempts, last answer, next try). Deliveries are
//! queued by the pages that raise the events ([`events`]) and sent by a background worker
//! ([`deliver`], which also says how a receiver verifies the signature).

pub mod deliver;
pub mod events;

use crate::AppState;
use crate::clock::local_time;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::templates::{FormState, Page, render_status};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use backstride_core::Role;
use backstride_store::{
    Actor, MAX_WEBHOOK_ENDPOINTS, SaveWebhookEndpoint, StoreError, WEBHOOK_LIMIT, WebhookEndpoint,
};
use events::EVENTS;
use std::collections::HashMap;

pub use events::{Event, notify};

/// The longest endpoint address accepted. **Our choice**: room for any real address.
pub const MAX_URL_CHARS: usize = 500;
/// Deliveries the log shows.
const LOG_LINES: i64 = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", get(list_page).post(add))
        .route("/admin/webhooks/{id}", get(edit_page).post(save))
        .route("/admin/webhooks/{id}/delete", post(delete))
        .route("/admin/webhooks/deliveries/{id}/retry", post(retry))
}

/// An endpoint as listed.
pub struct EndpointLine {
    pub id: i64,
    pub url: String,
    pub events: String,
}

/// A delivery as the log shows it.
pub struct DeliveryLine {
    pub id: i64,
    pub url: String,
    pub event: String,
    pub status: String,
    pub attempts: i64,
    pub last_code: String,
    pub last_error: String,
    pub created: String,
    pub next_try: String,
}

/// One event's checkbox.
pub struct EventBox {
    pub field: &'static str,
    pub label: &'static str,
}

fn boxes() -> Vec<EventBox> {
    EVENTS
        .iter()
        .map(|&(_, field, label)| EventBox { field, label })
        .collect()
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct ListPage {
    page: Page,
    form: FormState,
    endpoints: Vec<EndpointLine>,
    deliveries: Vec<DeliveryLine>,
    events: Vec<EventBox>,
    max_endpoints: i64,
}

#[derive(Template)]
#[template(path = "webhook_edit.html")]
struct EditPage {
    page: Page,
    form: FormState,
    id: i64,
    secret: String,
    events: Vec<EventBox>,
}

fn admin(ctx: &Ctx) -> AppResult<Actor> {
    ctx.user_with_role(&[Role::Admin]).map(Actor::of)
}

fn labels(events: &[String]) -> String {
    EVENTS
        .iter()
        .filter(|(name, _, _)| events.iter().any(|e| e.as_str() == *name))
        .map(|(_, _, label)| *label)
        .collect::<Vec<_>>()
        .join("; ")
}

async fn list_with(ctx: &Ctx, form: FormState) -> AppResult<Response> {
    let actor = admin(ctx)?;
    let user = ctx.user()?;
    let store = &ctx.state.store;
    let endpoints = store
        .webhook_endpoints(&actor)
        .await?
        .into_iter()
        .map(|e| EndpointLine {
            id: e.id,
            events: labels(&e.events),
            url: e.url,
        })
        .collect();
    let deliveries = store
        .webhook_deliveries(&actor, LOG_LINES)
        .await?
        .into_iter()
        .map(|d| DeliveryLine {
            next_try: if d.status == "pending" || d.status == "sending" {
                local_time(d.next_attempt_at, &user.time_zone)
            } else {
                String::new()
            },
            id: d.id,
            url: d.url,
            event: d.event,
            status: d.status,
            attempts: d.attempts,
            last_code: d
                .last_status_code
                .map(|c| c.to_string())
                .unwrap_or_default(),
            last_error: d.last_error.unwrap_or_default(),
            created: local_time(d.created_at, &user.time_zone),
        })
        .collect();
    render_status(
        form.status(),
        ListPage {
            page: ctx.page("Webhooks").await?,
            form,
            endpoints,
            deliveries,
            events: boxes(),
            max_endpoints: MAX_WEBHOOK_ENDPOINTS,
        },
    )
}

/// `GET /admin/webhooks`: the clinic's endpoints, a form to add one, the delivery log.
async fn list_page(ctx: Ctx) -> AppResult<Response> {
    list_with(&ctx, FormState::default()).await
}

/// The address, checked: a full `https://` address, or `http://` to this machine while the app
/// itself is served over plain HTTP (development and tests).
pub fn check_url(raw: &str, allow_loopback_http: bool) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter the address your system receives deliveries at.".into());
    }
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(format!(
            "This address is too long: keep it to {MAX_URL_CHARS} characters."
        ));
    }
    if raw.chars().any(char::is_control) {
        return Err("Remove the line breaks and control characters from the address.".into());
    }
    let url = url::Url::parse(raw)
        .map_err(|_| "Enter a full web address, starting https://.".to_owned())?;
    let Some(host) = url.host() else {
        return Err("Enter a full web address, starting https://.".into());
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "Leave the user name and password out of the address: the signature shows a \
             delivery is ours."
                .into(),
        );
    }
    let loopback = match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    // This server's own network is no endpoint's (an address typed as a name is not looked up
    // here: the worker connects to whatever it names).
    let private = match host {
        url::Host::Ipv4(ip) => {
            ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                || (ip.octets()[0] == 100 && (64..128).contains(&ip.octets()[1]))
        }
        url::Host::Ipv6(ip) => {
            ip.is_unspecified()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || (ip.segments()[0] & 0xffc0) == 0xfe80
                || ip.to_ipv4_mapped().is_some()
        }
        url::Host::Domain(_) => false,
    };
    if private || (loopback && !allow_loopback_http) {
        return Err(
            "Use your system's public address: this server's own network can't \
                    receive webhooks."
                .into(),
        );
    }
    match url.scheme() {
        "https" => Ok(url.into()),
        "http" if loopback => Ok(url.into()),
        _ => {
            Err("Use an address starting https://, so deliveries are encrypted on the way.".into())
        }
    }
}

/// The endpoint the form describes, or `None` with its errors set.
fn read_form(ctx: &Ctx, form: &mut FormState) -> Option<SaveWebhookEndpoint> {
    let allow_http = !ctx.state.config.is_https();
    let url = form.parse("url", |raw| check_url(raw, allow_http));
    let events: Vec<String> = EVENTS
        .iter()
        .filter(|(_, field, _)| form.checked(field))
        .map(|(name, _, _)| (*name).to_owned())
        .collect();
    if events.is_empty() {
        form.set_error(EVENTS[0].1, "Choose at least one event to receive.");
    }
    match (url, events.is_empty()) {
        (Some(url), false) => Some(SaveWebhookEndpoint { url, events }),
        _ => None,
    }
}

/// `POST /admin/webhooks`: adds an endpoint with a new secret and shows it.
async fn add(ctx: Ctx, Form(fields): Form<HashMap<String, String>>) -> AppResult<Response> {
    let actor = admin(&ctx)?;
    let mut form = FormState::from_values(fields);
    let Some(endpoint) = read_form(&ctx, &mut form) else {
        return list_with(&ctx, form).await;
    };
    let secret = format!("whsec_{}", crate::security::random_token(32));
    let now = crate::auth::now();
    match ctx
        .state
        .store
        .add_webhook_endpoint(&actor, &endpoint, &secret, now)
        .await
    {
        Ok(added) => {
            ctx.flash(
                "success",
                "Endpoint added. Give its signing secret, below, to the system that receives \
                 the deliveries.",
            )
            .await?;
            Ok(Redirect::to(&format!("/admin/webhooks/{}", added.id)).into_response())
        }
        Err(StoreError::Conflict { constraint }) if constraint == WEBHOOK_LIMIT => {
            form.set_error(
                "url",
                format!(
                    "A clinic can have {MAX_WEBHOOK_ENDPOINTS} endpoints: remove one before \
                     adding another."
                ),
            );
            list_with(&ctx, form).await
        }
        Err(e) => Err(e.into()),
    }
}

fn form_of(endpoint: &WebhookEndpoint) -> FormState {
    let mut form = FormState::default().with_value("url", &endpoint.url);
    for (name, field, _) in EVENTS {
        if endpoint.events.iter().any(|e| e == name) {
            form = form.with_value(field, "on");
        }
    }
    form
}

async fn edit_with(ctx: &Ctx, id: i64, form: Option<FormState>) -> AppResult<Response> {
    let actor = admin(ctx)?;
    let endpoint = ctx.state.store.webhook_endpoint(&actor, id).await?;
    let form = form.unwrap_or_else(|| form_of(&endpoint));
    render_status(
        form.status(),
        EditPage {
            page: ctx.page("Webhook endpoint").await?,
            form,
            id,
            secret: endpoint.secret,
            events: boxes(),
        },
    )
}

/// `GET /admin/webhooks/{id}`: one endpoint, its secret, and the forms to change or remove it.
async fn edit_page(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    edit_with(&ctx, id, None).await
}

/// `POST /admin/webhooks/{id}`: saves its address and events.
async fn save(
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let actor = admin(&ctx)?;
    // Another clinic's endpoint is a 404 before anything typed is looked at.
    ctx.state.store.webhook_endpoint(&actor, id).await?;
    let mut form = FormState::from_values(fields);
    let Some(endpoint) = read_form(&ctx, &mut form) else {
        return edit_with(&ctx, id, Some(form)).await;
    };
    ctx.state
        .store
        .update_webhook_endpoint(&actor, id, &endpoint, crate::auth::now())
        .await?;
    ctx.flash("success", "Saved.").await?;
    Ok(Redirect::to(&format!("/admin/webhooks/{id}")).into_response())
}

/// `POST /admin/webhooks/{id}/delete`: removes it and its deliveries.
async fn delete(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let actor = admin(&ctx)?;
    ctx.state.store.delete_webhook_endpoint(&actor, id).await?;
    ctx.flash("success", "Endpoint removed.").await?;
    Ok(Redirect::to("/admin/webhooks").into_response())
}

/// `POST /admin/webhooks/deliveries/{id}/retry`: a delivery that failed for good is tried again.
async fn retry(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let actor = admin(&ctx)?;
    ctx.state
        .store
        .retry_webhook_delivery(&actor, id, crate::auth::now())
        .await?;
    ctx.flash("success", "The delivery is queued to be sent again.")
        .await?;
    Ok(Redirect::to("/admin/webhooks").into_response())
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn addresses_are_checked() {
        assert_eq!(
            check_url(" https://example.com/hook ", false).as_deref(),
            Ok("https://example.com/hook")
        );
        assert!(check_url("http://example.com/hook", true).is_err());
        assert!(check_url("http://127.0.0.1:9/hook", false).is_err());
        assert!(check_url("https://127.0.0.1/hook", false).is_err());
        assert!(check_url("https://localhost/hook", false).is_err());
        for inside in [
            "https://10.0.0.5/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.1]/",
        ] {
            assert!(check_url(inside, true).is_err(), "{inside}");
        }
        assert!(check_url("https://93.184.215.14/hook", false).is_ok());
        assert!(check_url("http://127.0.0.1:9/hook", true).is_ok());
        assert!(check_url("http://localhost/hook", true).is_ok());
        assert!(check_url("ftp://example.com/", false).is_err());
        assert!(check_url("https://user:pw@example.com/", false).is_err());
        assert!(check_url("example.com/hook", false).is_err());
        assert!(check_url("", false).is_err());
        assert!(check_url(&format!("https://example.com/{}", "a".repeat(500)), false).is_err());
        assert!(check_url("https://exa\u{0}mple.com/", false).is_err());
    }
}
