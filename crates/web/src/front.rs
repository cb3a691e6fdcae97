//! The clinic's public front door (landing page, free guide, consult requests, articles with an Atom feed) and the clinician inbox.
//!
//! - [`public`]: the branded landing page, its stylesheet, the free guide (lead, PDF, email,
//!   unsubscribe) and consult requests — all without an account.
//! - [`check`]: "Check your back — free": sign-up as a runner of the clinic, then the
//!   self-check.
//! - [`abuse`]: what guards the public forms: a honeypot, store-backed rate limits per IP and
//!   per email, length limits.
//! - [`articles`]: the public article list, tag pages, article pages and Atom feed; the
//!   clinicians' editor; exercise cards and calls to action embedded in articles.
//! - [`inbox`]: the clinic's inbox of leads, consult requests and bookings, with one-click
//!   invitations.
//! - [`guide_settings`]: the admin's choice of the guide's exercises.
//! - [`images`]: images staff upload for articles (checked, re-encoded, served from our path).
//!
//! Branding: each clinic's pages link `/clinics/{id}/brand.css`, a tiny stylesheet that sets the
//! page's brand colour (darkened for contrast when too pale), since the CSP allows no inline
//! styles. The logo is a generated monogram (the clinic's initials in a brand-coloured disc) —
//! no uploads to validate or store.

pub(crate) mod abuse;
mod articles;
mod check;
mod guide_settings;
mod images;
pub(crate) mod inbox;
mod public;

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use axum::Router;
use axum::routing::get;
use backstride_store::{Clinic, Store, StoreError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clinics/{id}", get(public::landing))
        .route("/clinics/{id}/brand.css", get(public::brand_css))
        .route("/clinics/{id}/check", get(check::page).post(check::submit))
        .route("/clinics/{id}/check/sent", get(check::sent))
        .route(
            "/clinics/{id}/guide",
            get(public::guide_page).post(public::guide_submit),
        )
        .route(
            "/clinics/{id}/guide/ready/{token}",
            get(public::guide_ready),
        )
        .route("/clinics/{id}/guide/sent", get(public::guide_sent))
        .route(
            "/clinics/{id}/consult",
            get(public::consult_page).post(public::consult_submit),
        )
        .route("/clinics/{id}/consult/thanks", get(public::consult_thanks))
        .route("/guide/{file}", get(public::guide_download))
        .route(
            "/unsubscribe/{token}",
            get(public::unsubscribe_page).post(public::unsubscribe),
        )
        .route("/clinics/{id}/articles", get(articles::list))
        .route("/clinics/{id}/articles/feed.atom", get(articles::feed))
        .route("/clinics/{id}/articles/tags/{tag}", get(articles::tag_page))
        .route("/clinics/{id}/articles/{slug}", get(articles::article_page))
        .route("/clinics/{id}/images/{key}", get(images::serve))
        .route("/clinic/articles", get(articles::staff_list))
        .route("/clinic/articles/{id}", get(articles::staff_preview))
        .route(
            "/clinic/articles/{id}/delete",
            axum::routing::post(articles::delete),
        )
        .route(
            "/clinic/guide",
            get(guide_settings::page).post(guide_settings::save),
        )
        .route("/clinic/inbox", get(inbox::list))
        .route("/clinic/inbox/{id}", get(inbox::item).post(inbox::update))
        .route(
            "/clinic/inbox/{id}/invite",
            axum::routing::post(inbox::invite),
        )
}

/// The article editor: it takes a body of up to [`EDITOR_BODY_LIMIT_BYTES`] (see `lib.rs`).
pub fn editor_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/clinic/articles/new",
            get(articles::new_page).post(articles::create),
        )
        .route(
            "/clinic/articles/{id}/edit",
            get(articles::edit_page).post(articles::update),
        )
        .route(
            "/clinic/articles/preview",
            axum::routing::post(articles::preview),
        )
}

/// The article images page and its upload: it takes a body of up to
/// [`IMAGE_UPLOAD_LIMIT_BYTES`], so an image that is too large gets a message, not the 413 page.
pub fn image_routes() -> Router<AppState> {
    Router::new().route(
        "/clinic/articles/images",
        get(images::library).post(images::upload),
    )
}

pub use images::UPLOAD_BODY_LIMIT_BYTES as IMAGE_UPLOAD_LIMIT_BYTES;

/// Whether `path` is one of [`editor_routes`] (the CSRF guard reads their forms' bodies too).
pub fn is_editor_path(path: &str) -> bool {
    path == "/clinic/articles/new"
        || path == "/clinic/articles/preview"
        || path
            .strip_prefix("/clinic/articles/")
            .and_then(|rest| rest.strip_suffix("/edit"))
            .is_some_and(|id| !id.contains('/'))
}

/// The article editor's request body limit, agreeing with the longest article: a form-encoded
/// character takes at most 12 bytes (4 bytes of UTF-8, each sent as `%XX`), plus room for the
/// other fields. An article that is too long therefore reaches the editor and gets a message
/// beside its body (with the text kept) instead of the 413 page.
pub const EDITOR_BODY_LIMIT_BYTES: usize =
    backstride_publishing::article::MAX_BODY_CHARS * 12 + 64 * 1024;

/// A clinic by the id in a public address; any failure to find it is a plain 404.
pub(crate) async fn public_clinic(store: &dyn Store, id: i64) -> AppResult<Clinic> {
    match store.clinic(id).await {
        Ok(c) => Ok(c),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// How a clinic appears at the top of its public pages.
#[derive(Debug, Clone)]
pub struct Brand {
    pub clinic_id: i64,
    pub name: String,
    pub contact: String,
    /// Up to two letters for the monogram.
    pub initials: String,
}

impl Brand {
    pub fn of(clinic: &Clinic) -> Self {
        Brand {
            clinic_id: clinic.id,
            name: clinic.name.clone(),
            contact: clinic.settings.contact.clone(),
            initials: initials(&clinic.name),
        }
    }
}

/// The monogram's letters: the first letter of the first two words that start with one.
fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "·".to_owned()
    } else {
        letters
    }
}

/// Today's date in the clinic's time zone, by the app's clock (articles are public from their
/// date on).
fn clinic_today(ctx: &Ctx, clinic: &Clinic) -> jiff::civil::Date {
    ctx.state.clock.today_in(&clinic.time_zone)
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn monogram_takes_the_first_letters_of_two_words() {
        assert_eq!(initials("Riverside Physio Clinic"), "RP");
        assert_eq!(initials("élan"), "É");
        assert_eq!(initials("  <b> "), "B");
        assert_eq!(initials("!!"), "·");
    }
}
