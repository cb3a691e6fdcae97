//! What guards the public forms: a honeypot field people never see, rate limits per client
//! address and per email kept in the database (so several web instances share them), and length
//! limits. Every form anyone can send without logging in (sign-up, forgot-password, the guide,
//! consult requests, "check your back", booking a call) goes through [`caught_bot`] and
//! [`over_limit`] with its [`PublicForm`], and reads who is writing with the same field
//! checks ([`name`], [`email`], [`phone`], [`message`]).
//!
//! The limits are our choice: generous for a person (who sends a form once or twice), tight for
//! a script.

use crate::auth::now;
use crate::error::AppResult;
use crate::templates::FormState;
use backstride_core::Email;
use backstride_store::Store;

/// The honeypot's field name: a plausible word, so form-filling bots fill it in.
pub const HONEYPOT: &str = "website";
/// The window the counters look back over.
pub const WINDOW_SECONDS: i64 = 60 * 60;

/// A form anyone can send, and how often within [`WINDOW_SECONDS`].
#[derive(Debug, Clone, Copy)]
pub struct PublicForm {
    /// The counters' name for the form.
    pub name: &'static str,
    /// Submissions from one client address.
    pub per_address: i64,
    /// Submissions for one email address (each may send that address an email).
    pub per_email: i64,
}

pub const GUIDE: PublicForm = PublicForm {
    name: "guide",
    per_address: 10,
    per_email: 3,
};
pub const CONSULT: PublicForm = PublicForm {
    name: "consult",
    per_address: 10,
    per_email: 3,
};
pub const SIGNUP: PublicForm = PublicForm {
    name: "signup",
    per_address: 10,
    per_email: 3,
};
pub const FORGOT_PASSWORD: PublicForm = PublicForm {
    name: "forgot-password",
    per_address: 10,
    per_email: 3,
};
/// Each booking holds a clinician's time and sends two emails.
pub const BOOKING: PublicForm = PublicForm {
    name: "booking",
    per_address: 5,
    per_email: 3,
};

/// What a person sees when a form was sent too often.
pub const PLEASE_WAIT: &str =
    "We have had many requests from here in the last hour. Please try again later.";

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_PHONE_CHARS: usize = 40;
pub const MAX_MESSAGE_CHARS: usize = 4000;
pub const MAX_TIMES_CHARS: usize = 500;
pub const MAX_SOURCE_CHARS: usize = 100;

/// Whether the hidden field was filled in: a bot. The caller answers as if it had worked and
/// stores nothing.
pub fn is_bot(form: &FormState) -> bool {
    !form.value(HONEYPOT).trim().is_empty()
}

/// A public form's first check: whether the hidden field was filled in. A bot's submission is
/// counted against the form's limit for its address (so a script that keeps trying is slowed
/// like anyone else); the caller stores nothing.
pub async fn caught_bot(
    store: &dyn Store,
    kind: PublicForm,
    form: &FormState,
    ip: &str,
) -> AppResult<bool> {
    if !is_bot(form) {
        return Ok(false);
    }
    over_limit(store, kind, ip, "").await?;
    Ok(true)
}

/// The sender's name (`name`): required, one line, at most [`MAX_NAME_CHARS`].
pub fn name(form: &mut FormState, missing: &str) -> Option<String> {
    one_line(form, "name", MAX_NAME_CHARS, Some(missing))
}

/// The sender's email address (`email`).
pub fn email(form: &mut FormState) -> Option<Email> {
    form.parse("email", |raw| {
        raw.parse::<Email>()
            .map_err(|_| "Enter an email address like name@example.com.")
    })
}

/// An optional phone number (`phone`): digits, spaces and `+ ( ) - .`, at most
/// [`MAX_PHONE_CHARS`].
pub fn phone(form: &mut FormState) -> Option<String> {
    form.parse("phone", |raw| {
        let phone = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if phone.chars().count() > MAX_PHONE_CHARS {
            Err(format!(
                "Keep the phone number to {MAX_PHONE_CHARS} characters or fewer."
            ))
        } else if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-.".contains(c))
        {
            Err("Use only digits, spaces and + ( ) - in the phone number.".to_owned())
        } else {
            Ok(phone)
        }
    })
}

/// The sender's message (`message`), at most [`MAX_MESSAGE_CHARS`]; `missing` when required.
pub fn message(form: &mut FormState, missing: Option<&str>) -> Option<String> {
    text(form, "message", MAX_MESSAGE_CHARS, missing)
}

/// Whether this submission of `form` from the client address `ip` (`Ctx::ip`) for `email`
/// (empty when there is none yet) goes over a limit. It is counted first and then the counts are
/// read, so parallel submissions can't all slip under the limit: each sees at least itself and
/// every one counted before it.
pub async fn over_limit(
    store: &dyn Store,
    form: PublicForm,
    ip: &str,
    email: &str,
) -> AppResult<bool> {
    let now = now();
    store.record_form_attempt(form.name, ip, email, now).await?;
    let seen = store
        .form_attempts_since(form.name, ip, email, now - WINDOW_SECONDS)
        .await?;
    let over =
        seen.by_ip > form.per_address || (!email.is_empty() && seen.by_email > form.per_email);
    if over {
        tracing::info!(form = form.name, "public form rate limit reached");
    }
    Ok(over)
}

/// A one-line field: spaces tidied, required or not, at most `max` characters.
pub fn one_line(
    form: &mut FormState,
    name: &str,
    max: usize,
    missing: Option<&str>,
) -> Option<String> {
    form.parse(name, |raw| {
        let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        match missing {
            Some(message) if text.is_empty() => Err(message.to_owned()),
            _ if text.chars().count() > max => {
                Err(format!("Keep this to {max} characters or fewer."))
            }
            _ => Ok(text),
        }
    })
}

/// A free-text field (line breaks kept), at most `max` characters.
pub fn text(form: &mut FormState, name: &str, max: usize, missing: Option<&str>) -> Option<String> {
    form.parse(name, |raw| {
        let text = raw.trim().replace("\r\n", "\n");
        let control = text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
        match missing {
            Some(message) if text.is_empty() => Err(message.to_owned()),
            _ if text.chars().count() > max => Err(format!(
                "That is {} characters: keep it to {max}.",
                text.chars().count()
            )),
            _ if control => Err("Remove the special control characters.".to_owned()),
            _ => Ok(text),
        }
    })
}

/// Where a form was sent from (`landing`, `article:couch-stretch-guide`): only letters, digits,
/// `:` and `-` kept, so it is safe anywhere it is shown.
pub fn source(raw: &str) -> String {
    let kept: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'))
        .take(MAX_SOURCE_CHARS)
        .collect();
    if kept.is_empty() {
        "landing".to_owned()
    } else {
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_keeps_only_safe_characters() {
        assert_eq!(source("article:couch-stretch"), "article:couch-stretch");
        assert_eq!(source("<script>"), "script");
        assert_eq!(source(""), "landing");
    }

    #[test]
    fn long_and_missing_fields_are_refused() {
        let mut form = FormState::default()
            .with_value("name", &"x".repeat(101))
            .with_value("msg", " ");
        assert!(one_line(&mut form, "name", MAX_NAME_CHARS, Some("Name?")).is_none());
        assert!(text(&mut form, "msg", 10, Some("Say something.")).is_none());
        assert_eq!(form.error("msg"), Some("Say something."));
    }
}
