//! Coaching-call booking: clinicians publish weekly hours and exceptions; visitors pick a slot in their own time zone and book it atomically; confirmation with .ics, 24-hour reminder, private cancel/reschedule link.
//!
//! - `/clinic/availability[/{clinician_id}]`: a clinician's call hours (themself, or their
//!   clinic's admin; anyone else gets a 404 and the attempt is audited by the store).
//! - `/clinics/{clinic_id}/book`: the public booking page. When several clinicians of the
//!   clinic publish hours, the visitor chooses whom to talk to (the first by name is shown
//!   first); slots are never merged, so each slot belongs to one clinician.
//! - `/bookings/{token}`: the visitor's private link to see, cancel or move the call.
//!
//! All slot rules are core's (`backstride_core::booking`); the store decides races. The files:
//! `hours.rs` (clinicians' call hours), `holidays.rs` (the clinic's closed days), `book.rs` (the
//! public booking page, checked with the front door's `abuse` limits), `link.rs` (the private
//! link) and `emails.rs` (what the emails and `.ics` say). They share this module's imports.

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult, render_error};
use crate::front::abuse;
use crate::security::{random_token, token_hash};
use crate::templates::{FormState, Page, render, render_status};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use backstride_core::booking::{
    Availability, BookingError, BookingWindow, CallInvite, CallMode, ExceptionKind, FieldErrors,
    RawAvailability, RawException, RawHours, RawWeeklyHours, Slot, SlotDay, call_invite,
    check_call_mode, check_exceptions, check_request, open_slots, parse_requested_start,
    slot_label, slots_by_day,
};
use backstride_core::dates::CALL_HOURS_EXCEPTION;
use backstride_core::{Email, Role, TimeZoneName};
use backstride_store::{
    Booking, CallHours, Clinic, InboxKind, InboxStage, NewBooking, NewEmail, NewInboxItem,
    Reschedule, SLOT_TAKEN, SaveCallHours, StoreError, User,
};
use jiff::Timestamp;
use std::collections::HashMap;

/// Longest minimum notice a clinician may ask for, in hours (our choice: 30 days).
const MAX_NOTICE_HOURS: u16 = 720;
/// Free times offered after "someone has just booked that time".
const NEXT_FREE: usize = 5;
/// Empty rows offered for new weekly hours and exceptions.
const BLANK_WEEKLY_ROWS: usize = 3;
const BLANK_EXCEPTION_ROWS: usize = 2;
/// Rows read from a posted form (a little over core's limits, which then report "too many").
const MAX_FORM_ROWS: usize = 420;

mod book;
mod emails;
mod holidays;
mod hours;
mod link;

use book::*;
use emails::*;
use hours::*;
use link::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clinic/availability", get(own_hours))
        .route(
            "/clinic/availability/{clinician_id}",
            get(hours_page).post(save_hours),
        )
        .route("/clinic/holidays", get(holidays::page).post(holidays::save))
        .route("/clinics/{clinic_id}/book", get(book_page).post(book))
        .route("/bookings/{token}", get(booking_page))
        .route("/bookings/{token}/cancel", post(cancel))
        .route(
            "/bookings/{token}/reschedule",
            get(reschedule_page).post(reschedule),
        )
}

/// Now, by the app's clock.
fn now_ts(ctx: &Ctx) -> Timestamp {
    ctx.state.clock.now()
}

fn ts(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn slot_of(b: &Booking) -> Slot {
    Slot {
        start: ts(b.starts_at),
        end: ts(b.ends_at),
    }
}

/// `weekly[0].start` → `weekly-0-start`: an id that CSS and links take without escaping.
fn id_of(name: &str) -> String {
    name.replace('[', "-").replace(']', "").replace('.', "-")
}
