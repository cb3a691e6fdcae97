//! FIT decoding: a fast streaming reader ([`Decoder`]) and typed views of the messages a run
//! needs ([`parse`] → [`FitFile`]). Never panics on any input; errors carry the byte offset.

mod base;
pub mod crc;
mod decoder;
mod messages;
pub mod profile;

pub use base::{BaseType, Value};
pub use decoder::{
    DecodeOptions, Decoder, Definition, DevFieldDef, DevFieldDescription, DevFieldRef, FieldDef,
    FieldRef, FitError, FitWarning, Message,
};
pub use messages::{
    Accumulator, DevRunning, Event, FileId, FitFile, MAX_EVENTS, MAX_LAPS, MAX_RECORDS,
    MAX_SESSIONS, Record, SportMessage, SummaryMessage, parse,
};
pub use profile::KnownDevField;

/// Converts FIT seconds to Unix seconds; `None` for device-relative times (below 0x10000000).
pub fn fit_time_to_unix(t: u32) -> Option<i64> {
    (t >= profile::DATE_TIME_MIN).then(|| i64::from(t) + profile::FIT_EPOCH_UNIX)
}

#[cfg(test)]
mod tests;
