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
    /// When the booking was first made: the event's SEQUENCE is the whole seconds from then to
    /// `stamp`, so a moved or cancelled call always outranks the file before it without a
    /// stored counter (0 for the first confirmation).
    pub booked_at: Timestamp,
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
    lines.push(
        if invite.cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        }
        .to_owned(),
    );
    // Later files outrank earlier ones, even a change in the booking's own second.
    let sequence = if invite.stamp > invite.booked_at {
        (invite.stamp.as_second() - invite.booked_at.as_second()).max(1)
    } else {
        0
    };
    lines.push(format!("SEQUENCE:{sequence}"));
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    out
}
