//! How a booked call happens, as the clinic chooses in its call-hours settings: by phone (the
//! clinician rings the visitor) or by video at the clinic's meeting link. The confirmation page,
//! its email and the `.ics` all say which.

use crate::fields::FieldErrors;
use serde::{Deserialize, Serialize};

/// Longest video link accepted, in characters (our choice: meeting links are far shorter).
pub const MAX_LINK_CHARS: usize = 500;

/// How the call happens.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", content = "link", rename_all = "snake_case")]
pub enum CallMode {
    /// The clinician rings the number the visitor gives (the default, as before modes existed).
    #[default]
    Phone,
    /// A video call at this `https://` link.
    Video(String),
}

impl CallMode {
    /// The value a form sends: `phone` or `video`.
    pub fn key(&self) -> &'static str {
        match self {
            CallMode::Phone => "phone",
            CallMode::Video(_) => "video",
        }
    }

    /// The video link, if the call is by video.
    pub fn link(&self) -> Option<&str> {
        match self {
            CallMode::Phone => None,
            CallMode::Video(link) => Some(link),
        }
    }

    /// "By phone" / "By video", for headings.
    pub fn name(&self) -> &'static str {
        match self {
            CallMode::Phone => "By phone",
            CallMode::Video(_) => "By video",
        }
    }

    /// One sentence on how the visitor joins, e.g. "By video: join at https://… at the time of
    /// the call." `clinician` names who rings; `phone` is the visitor's number (may be empty).
    pub fn how(&self, clinician: &str, phone: &str) -> String {
        match self {
            CallMode::Video(link) => {
                format!("By video: join at {link} at the time of the call.")
            }
            CallMode::Phone if phone.is_empty() => {
                format!("By phone: {clinician} will email you to ask for the number to ring.")
            }
            CallMode::Phone => format!("By phone: {clinician} will ring you on {phone}."),
        }
    }

    /// What the calendar event's LOCATION says, if anything.
    pub fn location(&self, phone: &str) -> Option<String> {
        match self {
            CallMode::Video(link) => Some(link.clone()),
            CallMode::Phone if phone.is_empty() => None,
            CallMode::Phone => Some(format!("Phone: {phone}")),
        }
    }
}

/// Checks the call-hours form's `call_mode` (`phone` or `video`) and `video_link` (an `https://`
/// address with no spaces, at most [`MAX_LINK_CHARS`] characters, needed for video).
pub fn check_call_mode(mode: &str, link: &str) -> Result<CallMode, FieldErrors> {
    let mut errors = FieldErrors::default();
    let link = link.trim();
    let mode = match mode.trim() {
        "" | "phone" => Some(CallMode::Phone),
        "video" => {
            let host = link.strip_prefix("https://").unwrap_or("");
            if link.is_empty() {
                errors.add(
                    "video_link",
                    "Paste the link visitors open to join the video call.",
                );
            } else if link.chars().count() > MAX_LINK_CHARS {
                errors.add(
                    "video_link",
                    format!("Keep the link to {MAX_LINK_CHARS} characters or fewer."),
                );
            } else if host.is_empty()
                || host.starts_with('/')
                || link
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '"')
            {
                errors.add(
                    "video_link",
                    "Give the whole link, starting with https:// and without spaces.",
                );
            }
            Some(CallMode::Video(link.to_owned()))
        }
        _ => {
            errors.add("call_mode", "Choose phone or video.");
            None
        }
    };
    match mode {
        Some(mode) if errors.is_empty() => Ok(mode),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_needs_a_whole_https_link() {
        assert_eq!(check_call_mode("phone", "ignored"), Ok(CallMode::Phone));
        assert_eq!(
            check_call_mode("video", " https://meet.example/abc "),
            Ok(CallMode::Video("https://meet.example/abc".into()))
        );
        for bad in [
            "",
            "http://meet.example/abc",
            "https://",
            "https://meet example",
            "javascript:alert(1)",
        ] {
            let e = check_call_mode("video", bad).unwrap_err();
            assert!(e.has("video_link"), "{bad}");
        }
        let long = format!("https://m.example/{}", "a".repeat(MAX_LINK_CHARS));
        assert!(
            check_call_mode("video", &long)
                .unwrap_err()
                .has("video_link")
        );
        assert!(
            check_call_mode("carrier pigeon", "")
                .unwrap_err()
                .has("call_mode")
        );
    }

    #[test]
    fn the_mode_says_how_to_join() {
        let video = CallMode::Video("https://meet.example/x".into());
        assert!(video.how("Dr Lee", "").contains("https://meet.example/x"));
        assert_eq!(
            video.location("0161"),
            Some("https://meet.example/x".into())
        );
        assert!(
            CallMode::Phone
                .how("Dr Lee", "0161")
                .contains("ring you on 0161")
        );
        assert_eq!(CallMode::Phone.location(""), None);
    }
}
