//! Open call slots: the weekly hours and exceptions turned into instants, minus what is booked,
//! too soon or too far ahead; and the check a booking request must pass.
//!
//! Hours are wall-clock times in the clinician's zone, so a 09:00 call stays at 09:00 local
//! across a daylight-saving change. A local time that does not exist that day (the hour skipped
//! in spring) offers no call; a local time that happens twice (the hour repeated in autumn)
//! offers one call, at the earlier of the two instants.

use super::rules::{Availability, BookingWindow, Exception, hours_on_date};
use jiff::civil::Date;
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

/// One call that can be (or has been) booked: from `start` up to, not including, `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Slot {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Slot {
    /// Whether two calls share any instant.
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The call's length.
    pub fn duration(&self) -> SignedDuration {
        self.end.duration_since(self.start)
    }

    /// When the reminder email is due: 24 hours before the call. `None` when the call was
    /// booked less than a day ahead (the confirmation is reminder enough).
    pub fn reminder_at(&self, booked_at: Timestamp) -> Option<Timestamp> {
        let due = self.start.checked_sub(REMINDER_BEFORE).ok()?;
        (due > booked_at).then_some(due)
    }
}

/// How long before a call its reminder is sent (issue 7: a day before).
pub const REMINDER_BEFORE: SignedDuration = SignedDuration::from_hours(24);

/// Why a booking request was refused; each message tells the visitor what to do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingError {
    #[error("That time has already passed. Pick one of the open times.")]
    InThePast,
    #[error("Calls need to be booked at least {hours} hours ahead. Pick a later time.")]
    TooSoon { hours: u16 },
    #[error("Calls can be booked up to {days} days ahead. Pick an earlier time.")]
    TooFarAhead { days: u16 },
    #[error("That time is not one of the clinician's call times. Pick one of the open times.")]
    NotOffered,
    #[error("Someone else has just booked that time. Pick another of the open times.")]
    AlreadyTaken,
}

/// The instant a local wall-clock time names, or `None` when that time is skipped by a
/// daylight-saving change; a repeated time gives its earlier instant.
pub(crate) fn local_instant(zone: &TimeZone, dt: jiff::civil::DateTime) -> Option<Timestamp> {
    let offset = match zone.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        AmbiguousOffset::Gap { .. } => return None,
        AmbiguousOffset::Fold { before, .. } => before,
    };
    offset.to_timestamp(dt).ok()
}

/// Every call offered on the clinician's local dates `first..=last`, ignoring bookings and the
/// clock; sorted, and never overlapping (a call overlapping an earlier one is dropped).
pub(crate) fn offered(
    availability: &Availability,
    exceptions: &[Exception],
    first: Date,
    last: Date,
) -> Vec<Slot> {
    let zone = availability.time_zone().zone();
    let mut slots = Vec::new();
    let mut date = first;
    while date <= last {
        for hours in hours_on_date(availability, exceptions, date) {
            let length = SignedDuration::from_mins(i64::from(hours.slot().minutes()));
            for time in hours.call_starts() {
                let Some(start) = local_instant(&zone, date.to_datetime(time)) else {
                    continue;
                };
                if let Ok(end) = start.checked_add(length) {
                    slots.push(Slot { start, end });
                }
            }
        }
        match date.checked_add(1.day()) {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    slots.sort();
    let mut kept: Vec<Slot> = Vec::with_capacity(slots.len());
    for slot in slots {
        if kept.last().is_none_or(|last| last.end <= slot.start) {
            kept.push(slot);
        }
    }
    kept
}

/// Whether a booking that starts at one of `booked` falls inside `slot`.
fn taken(slot: &Slot, booked: &[Timestamp]) -> bool {
    booked.iter().any(|b| slot.start <= *b && *b < slot.end)
}

fn earliest(now: Timestamp, window: &BookingWindow) -> Timestamp {
    now.checked_add(SignedDuration::from_hours(i64::from(
        window.minimum_notice_hours,
    )))
    .unwrap_or(Timestamp::MAX)
}

fn latest(now: Timestamp, window: &BookingWindow) -> Timestamp {
    now.checked_add(SignedDuration::from_hours(
        i64::from(window.horizon_days) * 24,
    ))
    .unwrap_or(Timestamp::MAX)
}

/// The clinician's local date of an instant, a day either side.
fn local_dates_around(zone: &TimeZone, at: Timestamp, days_after: i64) -> Option<(Date, Date)> {
    let date = at.to_zoned(zone.clone()).date();
    Some((
        date.checked_sub(1.day()).ok()?,
        date.checked_add(days_after.days())
            .ok()?
            .checked_add(1.day())
            .ok()?,
    ))
}

/// The calls a visitor can book at `now`: offered by the weekly hours and exceptions, starting
/// after `now` by at least the minimum notice and within the horizon, and not already booked
/// (`booked` holds the start of every booking). Sorted and never overlapping.
pub fn open_slots(
    availability: &Availability,
    exceptions: &[Exception],
    booked: &[Timestamp],
    now: Timestamp,
    window: &BookingWindow,
) -> Vec<Slot> {
    let zone = availability.time_zone().zone();
    let Some((first, last)) = local_dates_around(&zone, now, i64::from(window.horizon_days)) else {
        return Vec::new();
    };
    let (from, until) = (earliest(now, window), latest(now, window));
    offered(availability, exceptions, first, last)
        .into_iter()
        .filter(|s| s.start > now && s.start >= from && s.start < until && !taken(s, booked))
        .collect()
}

/// Checks a visitor's request for the call starting at `start`, as of `now`, and gives the slot
/// to book. The store still has to book it atomically: two visitors can pass this check for the
/// same slot, and the loser should be told [`BookingError::AlreadyTaken`].
pub fn check_request(
    availability: &Availability,
    exceptions: &[Exception],
    booked: &[Timestamp],
    now: Timestamp,
    window: &BookingWindow,
    start: Timestamp,
) -> Result<Slot, BookingError> {
    if start <= now {
        return Err(BookingError::InThePast);
    }
    if start < earliest(now, window) {
        return Err(BookingError::TooSoon {
            hours: window.minimum_notice_hours,
        });
    }
    if start >= latest(now, window) {
        return Err(BookingError::TooFarAhead {
            days: window.horizon_days,
        });
    }
    let zone = availability.time_zone().zone();
    let (first, last) = local_dates_around(&zone, start, 0).ok_or(BookingError::NotOffered)?;
    let slot = offered(availability, exceptions, first, last)
        .into_iter()
        .find(|s| s.start == start)
        .ok_or(BookingError::NotOffered)?;
    if taken(&slot, booked) {
        return Err(BookingError::AlreadyTaken);
    }
    Ok(slot)
}

/// Reads the start of a requested call as sent back by a form (an RFC 3339 instant, as given by
/// [`super::ShownSlot::value`]); anything else is a time that was never offered.
pub fn parse_requested_start(raw: &str) -> Result<Timestamp, BookingError> {
    raw.trim()
        .parse::<Timestamp>()
        .map_err(|_| BookingError::NotOffered)
}
