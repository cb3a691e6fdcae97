//! Coaching-call booking (issue 7): a clinician's weekly hours and exceptions, the open slots a
//! visitor sees in their own time zone, and the checks a booking request must pass.
//!
//! Everything here is pure: no IO and no clock. Functions are given `now`, and the list of
//! booked start instants, so the same input always gives the same slots. Making the booking
//! atomic (one booking per slot, even when two visitors press the button together) is the
//! store's job; [`check_request`] says whether a request is worth trying.
//!
//! - [`rules`]: weekly hours, exceptions, minimum notice and horizon, and the checks on what a
//!   clinician types in.
//! - [`slots`]: open slots across daylight-saving changes, and the request check.
//! - [`present`]: slot labels and day groups in a visitor's time zone.
//! - [`invite`]: the `.ics` calendar file for the confirmation email.
//! - [`holidays`]: the clinic's closed days (its country's public holidays, edited by the admin).
//! - [`mode`]: how a call happens (phone, or video at the clinic's link).

pub mod holidays;
pub mod invite;
pub mod mode;
pub mod present;
pub mod rules;
pub mod slots;

#[cfg(test)]
mod tests;

pub use holidays::{ClinicHolidays, Country, Holiday, RawClinicHolidays, check_holidays};
pub use invite::{CallInvite, call_invite};
pub use mode::{CallMode, check_call_mode};
pub use present::{ShownSlot, SlotDay, slot_label, slots_by_day};
pub use rules::{
    Availability, BookingWindow, Exception, ExceptionKind, FieldError, FieldErrors, Hours,
    RawAvailability, RawException, RawHours, RawWeeklyHours, SlotLength, WeeklyHours,
    check_exceptions, hours_on_date,
};
pub use slots::{
    BookingError, REMINDER_BEFORE, Slot, check_request, open_slots, parse_requested_start,
};
