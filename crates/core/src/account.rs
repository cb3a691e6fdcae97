//! Accounts in the clinic's words: who a person is (email), what they may do (role), and the
//! rules a new password must meet.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why an account value was refused; each message is written for the person typing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("Enter an email address like name@example.com.")]
    MalformedEmail,
    #[error("Use at least {min} characters — a short phrase is easier to remember.", min = NewPassword::MIN_CHARS)]
    PasswordTooShort,
    #[error("That password is too long (at most {max} characters).", max = NewPassword::MAX_CHARS)]
    PasswordTooLong,
    #[error("That password is on a list of common passwords. Choose something less guessable.")]
    PasswordTooCommon,
    #[error("Choose a password that is not your email address.")]
    PasswordIsEmail,
    #[error("Unknown role: use runner, clinician or admin.")]
    UnknownRole,
    #[error("Unknown time zone: pick one from the list, for example Europe/London.")]
    UnknownTimeZone,
}

/// A syntactically plausible email address, trimmed and lower-cased so that one address is one
/// account whatever its capitalisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Longest address accepted (RFC 5321's path limit).
    pub const MAX_LEN: usize = 254;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = AccountError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let email = raw.trim().to_lowercase();
        let (local, domain) = email.split_once('@').ok_or(AccountError::MalformedEmail)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"@".contains(c));
        if email.len() > Self::MAX_LEN || !domain_ok || !local_ok {
            return Err(AccountError::MalformedEmail);
        }
        Ok(Email(email))
    }
}

impl TryFrom<String> for Email {
    type Error = AccountError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        raw.parse()
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password someone is choosing (sign-up, change, reset) that meets the policy: at least
/// [`NewPassword::MIN_CHARS`] characters, not on the common-password list, not the email itself.
/// `Debug` never shows it.
#[derive(Clone)]
pub struct NewPassword(String);

/// Passwords of at least ten characters that appear near the top of public breach-frequency
/// lists. Shorter ones are already refused by length. Our own curated list (our choice).
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

impl NewPassword {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 256;

    /// Checks the policy for an account with `email`.
    pub fn new(raw: &str, email: Option<&Email>) -> Result<Self, AccountError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(AccountError::PasswordTooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(AccountError::PasswordTooLong);
        }
        let lowered = raw.to_lowercase();
        let first = lowered.chars().next();
        let one_repeated_char = lowered.chars().all(|c| Some(c) == first);
        if one_repeated_char
            || COMMON_PASSWORDS
                .lines()
                .map(str::trim)
                .any(|common| !common.is_empty() && common == lowered)
        {
            return Err(AccountError::PasswordTooCommon);
        }
        if let Some(email) = email
            && (lowered == email.as_str()
                || lowered == email.as_str().split('@').next().unwrap_or(""))
        {
            return Err(AccountError::PasswordIsEmail);
        }
        Ok(NewPassword(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// What a person may do in Backstride.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A runner: sees only their own record.
    Runner,
    /// A clinician: sees the runners of their own clinic.
    Clinician,
    /// A clinic admin: everything a clinician can, plus the clinic's settings and outbox.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Runner => "runner",
            Role::Clinician => "clinician",
            Role::Admin => "admin",
        }
    }

    /// Clinicians and admins work with other people's records.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Clinician | Role::Admin)
    }
}

impl FromStr for Role {
    type Err = AccountError;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.trim().to_lowercase().as_str() {
            "runner" => Ok(Role::Runner),
            "clinician" => Ok(Role::Clinician),
            "admin" => Ok(Role::Admin),
            _ => Err(AccountError::UnknownRole),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An IANA time zone name known to the bundled time-zone database ("Europe/London"). A runner's
/// days, mornings and reminders are counted in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn utc() -> Self {
        TimeZoneName("UTC".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn zone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.0).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// Every zone name the bundled database knows, sorted, for pickers.
    pub fn all() -> Vec<String> {
        let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
        names.sort();
        names
    }
}

impl FromStr for TimeZoneName {
    type Err = AccountError;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > 64 {
            return Err(AccountError::UnknownTimeZone);
        }
        jiff::tz::TimeZone::get(raw).map_err(|_| AccountError::UnknownTimeZone)?;
        Ok(TimeZoneName(raw.to_owned()))
    }
}

impl TryFrom<String> for TimeZoneName {
    type Error = AccountError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        raw.parse()
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<TimeZoneName> for String {
    fn from(tz: TimeZoneName) -> String {
        tz.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            " Ann@Example.COM ".parse::<Email>().unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@.com",
            "a b@example.com",
            "ann@exa..mple.com",
            "<script>@x.io",
        ] {
            assert_eq!(
                bad.parse::<Email>(),
                Err(AccountError::MalformedEmail),
                "{bad}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(long.parse::<Email>().is_err());
    }

    #[test]
    fn password_policy_at_its_boundaries() {
        let email: Email = "ann@example.com".parse().unwrap();
        assert_eq!(
            NewPassword::new("nine-char", None).unwrap_err(),
            AccountError::PasswordTooShort
        );
        assert!(NewPassword::new("ten-chars!", None).is_ok());
        assert_eq!(
            NewPassword::new("Password123", None).unwrap_err(),
            AccountError::PasswordTooCommon
        );
        assert_eq!(
            NewPassword::new("qwertyuiop", None).unwrap_err(),
            AccountError::PasswordTooCommon
        );
        assert_eq!(
            NewPassword::new("zzzzzzzzzzzz", None).unwrap_err(),
            AccountError::PasswordTooCommon
        );
        assert_eq!(
            NewPassword::new("ann@example.com", Some(&email)).unwrap_err(),
            AccountError::PasswordIsEmail
        );
        assert_eq!(
            NewPassword::new(&"x".repeat(257), None).unwrap_err(),
            AccountError::PasswordTooLong
        );
        assert!(
            !format!("{:?}", NewPassword::new("correct horse", None).unwrap()).contains("horse")
        );
    }

    #[test]
    fn roles_and_time_zones_parse() {
        assert_eq!("Clinician".parse::<Role>().unwrap(), Role::Clinician);
        assert!("coach".parse::<Role>().is_err());
        assert!("Europe/London".parse::<TimeZoneName>().is_ok());
        assert!("America/New_York".parse::<TimeZoneName>().is_ok());
        assert!("Mars/Olympus".parse::<TimeZoneName>().is_err());
        assert!(TimeZoneName::all().len() > 300);
    }
}
