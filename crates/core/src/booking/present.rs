//! Showing call slots to a visitor in their own time zone: labels like
//! "Tue 1 Dec, 09:30–10:00 (Europe/London)" and the open slots grouped by the visitor's day.

use super::slots::Slot;
use crate::account::TimeZoneName;
use jiff::civil::Date;
use serde::Serialize;

/// "Tue 1 Dec, 09:30–10:00 (Europe/London)": the call in `zone`'s wall-clock time, with the zone
/// named so nobody has to guess.
pub fn slot_label(slot: &Slot, zone: &TimeZoneName) -> String {
    let tz = zone.zone();
    let start = slot.start.to_zoned(tz.clone());
    let end = slot.end.to_zoned(tz);
    format!(
        "{}, {}–{} ({})",
        start.strftime("%a %-d %b"),
        start.strftime("%H:%M"),
        end.strftime("%H:%M"),
        zone.as_str()
    )
}

/// One open slot as a visitor's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownSlot {
    pub slot: Slot,
    /// "09:30–10:00" in the visitor's zone.
    pub time: String,
    /// The full label, for screen readers and the confirmation: see [`slot_label`].
    pub label: String,
    /// What the booking form sends back: the start as an RFC 3339 instant
    /// (read it with [`super::parse_requested_start`]).
    pub value: String,
}

/// The open slots on one of the visitor's days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotDay {
    pub date: Date,
    /// "Tuesday 1 December".
    pub heading: String,
    pub slots: Vec<ShownSlot>,
}

/// Groups slots (sorted, as [`super::open_slots`] gives them) by their start date in the
/// visitor's zone.
pub fn slots_by_day(slots: &[Slot], zone: &TimeZoneName) -> Vec<SlotDay> {
    let tz = zone.zone();
    let mut days: Vec<SlotDay> = Vec::new();
    for slot in slots {
        let start = slot.start.to_zoned(tz.clone());
        let end = slot.end.to_zoned(tz.clone());
        let shown = ShownSlot {
            slot: *slot,
            time: format!("{}–{}", start.strftime("%H:%M"), end.strftime("%H:%M")),
            label: slot_label(slot, zone),
            value: slot.start.to_string(),
        };
        match days.last_mut() {
            Some(day) if day.date == start.date() => day.slots.push(shown),
            _ => days.push(SlotDay {
                date: start.date(),
                heading: start.strftime("%A %-d %B").to_string(),
                slots: vec![shown],
            }),
        }
    }
    days
}
