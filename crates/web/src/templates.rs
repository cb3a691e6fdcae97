//! Page templates (askama, under `templates/`) and the pieces they share: the page frame and
//! form state that keeps what was typed and shows each error beside its field.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

use crate::error::AppResult;

/// A message shown once at the top of the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// "success", "info" or "error".
    pub kind: String,
    pub message: String,
}

/// The logged-in person as the navigation needs them.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub id: i64,
    pub name: String,
    pub role: &'static str,
}

/// A page's CSRF token, written into its forms as `{{ page.csrf }}`: a signed-in session's
/// token, or a visitor's public-form token, made when a form shows it (so a page without a form
/// sets no cookie).
#[derive(Clone)]
pub enum CsrfToken {
    /// No token (error pages made outside any handler).
    None,
    Fixed(String),
    Visitor(crate::visitor::Visitor),
}

impl std::fmt::Display for CsrfToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CsrfToken::None => Ok(()),
            CsrfToken::Fixed(token) => f.write_str(token),
            CsrfToken::Visitor(visitor) => {
                f.write_str(&visitor.form_token(jiff::Timestamp::now().as_second()))
            }
        }
    }
}

impl std::fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfToken(<redacted>)")
    }
}

/// The frame around every page.
#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    pub user: Option<NavUser>,
    pub csrf: CsrfToken,
    pub nonce: String,
    pub flashes: Vec<Flash>,
    /// The path of this page (no query), to mark the navigation's current tab.
    pub path: String,
}

impl Page {
    /// A frame without a session (error pages made outside any handler).
    pub fn bare(title: &str) -> Self {
        Page {
            title: title.to_owned(),
            user: None,
            csrf: CsrfToken::None,
            nonce: String::new(),
            flashes: Vec::new(),
            path: String::new(),
        }
    }

    /// Whether this page belongs under the runner's tab `tab` (`today`, `programme`, `progress`,
    /// `runs` or `me`), for `aria-current="page"`. Our choice: everything about the runner that
    /// is not one of the first four (home, self-check, record, settings) sits under "Me".
    pub fn in_tab(&self, tab: &str) -> bool {
        runner_tab(&self.path) == Some(tab)
    }

    /// Whether this page is `path` itself or below it, for the staff menu's `aria-current`.
    pub fn under(&self, path: &str) -> bool {
        self.path == path
            || self
                .path
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('/'))
    }

    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role != "runner")
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == "admin")
    }
}

/// The runner's tab a path belongs to, if any.
fn runner_tab(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["today", ..] => Some("today"),
        ["programme" | "programmes", ..]
        | ["assessments", _, "programme"]
        | ["runners", _, "programmes"] => Some("programme"),
        ["progress"] | ["runners", _, "progress"] | ["assessments", _, "change"] => {
            Some("progress")
        }
        ["runs", ..] | ["runners", _, "runs" | "load", ..] => Some("runs"),
        ["home" | "settings" | "assessment", ..]
        | ["assessments", _]
        | ["runners", _]
        | ["runners", _, "assessments"] => Some("me"),
        _ => None,
    }
}

/// What was typed into a form, and what was wrong with it, field by field.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    values: HashMap<String, String>,
    errors: BTreeMap<String, String>,
}

impl FormState {
    pub fn from_values(values: HashMap<String, String>) -> Self {
        FormState {
            values,
            errors: BTreeMap::new(),
        }
    }

    pub fn with_value(mut self, name: &str, value: &str) -> Self {
        self.values.insert(name.to_owned(), value.to_owned());
        self
    }

    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn checked(&self, name: &str) -> bool {
        matches!(self.value(name), "on" | "true" | "1" | "yes")
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    pub fn set_error(&mut self, name: &str, message: impl Into<String>) {
        self.errors
            .entry(name.to_owned())
            .or_insert_with(|| message.into());
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The status of a page showing this form: 422 when a field was refused, else 200.
    pub fn status(&self) -> StatusCode {
        if self.has_errors() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        }
    }

    /// Parses a field, recording its error and returning `None` when it doesn't parse.
    pub fn parse<T, E: std::fmt::Display>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match parse(self.value(name)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.set_error(name, e.to_string());
                None
            }
        }
    }

    /// A short summary for the top of the form (screen readers land here first).
    pub fn summary(&self) -> Vec<(&str, &str)> {
        self.errors
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

/// Renders a page with 200.
pub fn render(t: impl Template) -> AppResult<Response> {
    Ok(Html(t.render()?).into_response())
}

/// Renders a page with another status (422 for a form with errors).
pub fn render_status(status: StatusCode, t: impl Template) -> AppResult<Response> {
    Ok((status, Html(t.render()?)).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_runner_page_sits_under_one_tab() {
        for (path, tab) in [
            ("/today", Some("today")),
            ("/programme", Some("programme")),
            ("/programmes/4", Some("programme")),
            ("/assessments/3/programme", Some("programme")),
            ("/progress", Some("progress")),
            ("/runners/2/progress", Some("progress")),
            ("/assessments/3/change", Some("progress")),
            ("/runs", Some("runs")),
            ("/runs/7", Some("runs")),
            ("/runners/2/load", Some("runs")),
            ("/home", Some("me")),
            ("/assessment/3/baseline", Some("me")),
            ("/assessments/3", Some("me")),
            ("/runners/2", Some("me")),
            ("/clinic", None),
            ("/", None),
        ] {
            assert_eq!(super::runner_tab(path), tab, "{path}");
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub page: Page,
    pub status: u16,
    pub advice: String,
}

#[derive(Template)]
#[template(path = "landing.html")]
pub struct Landing {
    pub page: Page,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct Home {
    pub page: Page,
    pub role: &'static str,
    pub clinic_name: Option<String>,
    pub runner_count: usize,
    /// A runner with no assessment yet: the page starts with the self-check.
    pub first_self_check: bool,
}

/// One form page for all the account forms; `kind` picks the fields.
#[derive(Template)]
#[template(path = "account_form.html")]
pub struct AccountForm {
    pub page: Page,
    pub kind: AccountFormKind,
    pub form: FormState,
    pub action: String,
    pub time_zones: Vec<String>,
    pub intro: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountFormKind {
    Signup,
    Login,
    Forgot,
    Reset,
    Invite,
    /// The button behind an emailed sign-in link.
    LoginLink,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct Settings {
    pub page: Page,
    pub form: FormState,
    pub password_form: FormState,
    pub time_zones: Vec<String>,
    pub clinic_default: String,
    pub example: String,
}

pub struct PersonLine {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: &'static str,
}

#[derive(Template)]
#[template(path = "clinic.html")]
pub struct ClinicPage {
    pub page: Page,
    pub alerts: Vec<AlertLine>,
    pub clinic_name: String,
    pub runners: Vec<PersonLine>,
    pub staff: Vec<PersonLine>,
    pub invite: FormState,
    pub can_invite_staff: bool,
}

/// An open alert as the clinic page lists it.
pub struct AlertLine {
    pub id: i64,
    pub tier: &'static str,
    pub runner_id: i64,
    pub runner_name: String,
    pub reason: String,
    pub when: String,
}

pub struct OutboxLine {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub status: &'static str,
    pub attempts: i64,
    pub when: String,
    pub last_error: String,
}

#[derive(Template)]
#[template(path = "outbox.html")]
pub struct OutboxPage {
    pub page: Page,
    pub emails: Vec<OutboxLine>,
}
