//! The calendar file (RFC 5545 `.ics`) attached to a booking confirmation: one event in UTC, so
//! every calendar shows it at the right local time.

use super::slots::Slot;
use crate::ical::{escape, fold};
use jiff::Timestamp;

/// What the calendar event says about a booked call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInvite {
    /// Stable and unique per booking, e.g. `booking-42@clinic.example`; a later file with the
    /// same uid (and `cancelled`) replaces the event.
    pub uid: String,
    /// "Coaching call with Dr Ann Lee".
    pub summary: String,
    /// How the call happens and how to change it.
    pub description: String,
    /// A phone number or video link, if known.
    pub location: Option<String>,
    /// When the file was made (DTSTAMP).
    pub stamp: Timestamp,
    /// A cancellation notice rather than the booking.
    pub cancelled: bool,
}

fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The `.ics` text for a booked (or cancelled) call.
pub fn call_invite(slot: &Slot, invite: &CallInvite) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Backstride//Booking//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!(
            "METHOD:{}",
            if invite.cancelled {
                "CANCEL"
            } else {
                "PUBLISH"
            }
        ),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(&invite.uid)),
        format!("DTSTAMP:{}", utc(invite.stamp)),
        format!("DTSTART:{}", utc(slot.start)),
        format!("DTEND:{}", utc(slot.end)),
        format!("SUMMARY:{}", escape(&invite.summary)),
        format!("DESCRIPTION:{}", escape(&invite.description)),
    ];
    if let Some(location) = &invite.location {
        lines.push(format!("LOCATION:{}", escape(location)));
    }
    if invite.cancelled {
        lines.push("STATUS:CANCELLED".to_owned());
        lines.push("SEQUENCE:1".to_owned());
    } else {
        lines.push("STATUS:CONFIRMED".to_owned());
        lines.push("SEQUENCE:0".to_owned());
    }
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    out
}
