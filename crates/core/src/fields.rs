//! Refused fields: which field of a form or document was refused and why, in words for the
//! person who typed it. One type for every checker (tracking logs, call hours, articles), so the
//! web tier shows them all the same way, beside the field.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One field that was refused, with a message for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name, e.g. `pain_during`, `weekly[2].end` or `title`.
    pub field: String,
    pub message: String,
}

/// Every field that was refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct FieldErrors(pub Vec<FieldError>);

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&lines.join(" "))
    }
}

impl FieldErrors {
    /// Whether `field` was refused.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// The first message for `field`, if it was refused.
    pub fn message(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Refuses `field` with `message`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// Whether nothing was refused.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
