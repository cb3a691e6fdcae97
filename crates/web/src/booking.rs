//! Coaching-call booking: clinicians publish weekly hours and exceptions; visitors pick a slot in their own time zone and book it atomically; confirmation with .ics, 24-hour reminder, private cancel/reschedule link.
//!
//! - `/clinic/availability[/{clinician_id}]`: a clinician's call hours (themself, or their
//!   clinic's admin; anyone else gets a 404 and the attempt is audited by the store).
//! - `/clinics/{clinic_id}/book`: the public booking page. When several clinicians of the
//!   clinic publish hours, the visitor chooses whom to talk to (the first by name is shown
//!   first); slots are never merged, so each slot belongs to one clinician.
//! - `/bookings/{token}`: the visitor's private link to see, cancel or move the call.
//!
//! All slot rules are core's (`backstride_core::booking`); the store decides races.

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult, render_error};
use crate::front::abuse;
use crate::security::{random_token, token_hash};
use crate::templates::{Page, render, render_status};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use backstride_core::booking::{
    Availability, BookingError, BookingWindow, CallInvite, ExceptionKind, FieldErrors,
    RawAvailability, RawException, RawHours, RawWeeklyHours, Slot, SlotDay, call_invite,
    check_exceptions, check_request, open_slots, parse_requested_start, slot_label, slots_by_day,
};
use backstride_core::dates::CALL_HOURS_EXCEPTION;
use backstride_core::{Email, Role, TimeZoneName};
use backstride_store::{
    Booking, CallHours, Clinic, InboxKind, InboxStage, NewBooking, NewEmail, NewInboxItem,
    Reschedule, SLOT_TAKEN, SaveCallHours, StoreError, User,
};
use jiff::Timestamp;
use std::collections::HashMap;

/// Longest message a visitor may send with a booking, in characters (issue 7).
pub const MAX_MESSAGE_CHARS: usize = 2_000;
const MAX_NAME_CHARS: usize = 200;
const MAX_PHONE_CHARS: usize = 40;
/// Longest minimum notice a clinician may ask for, in hours (our choice: 30 days).
const MAX_NOTICE_HOURS: u16 = 720;
/// Free times offered after "someone has just booked that time".
const NEXT_FREE: usize = 5;
/// Empty rows offered for new weekly hours and exceptions.
const BLANK_WEEKLY_ROWS: usize = 3;
const BLANK_EXCEPTION_ROWS: usize = 2;
/// Rows read from a posted form (a little over core's limits, which then report "too many").
const MAX_FORM_ROWS: usize = 420;
/// The honeypot: hidden from people, so anything in it was typed by a bot.
const HONEYPOT: &str = "website";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clinic/availability", get(own_hours))
        .route(
            "/clinic/availability/{clinician_id}",
            get(hours_page).post(save_hours),
        )
        .route("/clinics/{clinic_id}/book", get(book_page).post(book))
        .route("/bookings/{token}", get(booking_page))
        .route("/bookings/{token}/cancel", post(cancel))
        .route(
            "/bookings/{token}/reschedule",
            get(reschedule_page).post(reschedule),
        )
}

fn now_ts() -> Timestamp {
    Timestamp::now()
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

// ---------------------------------------------------------------------------------------------
// Clinicians' call hours
// ---------------------------------------------------------------------------------------------

/// One input of the hours form, with what was typed and what was wrong.
pub struct FieldView {
    pub name: String,
    pub id: String,
    pub value: String,
    pub error: Option<String>,
}

impl FieldView {
    /// Whether this field holds `value` (for selected options).
    pub fn is(&self, value: &str) -> bool {
        self.value == value
    }
}

pub struct WeeklyRow {
    pub n: usize,
    pub weekday: FieldView,
    pub start: FieldView,
    pub end: FieldView,
    pub slot: FieldView,
}

pub struct ExceptionRow {
    pub n: usize,
    pub date: FieldView,
    pub kind: FieldView,
    pub start: FieldView,
    pub end: FieldView,
    pub slot: FieldView,
}

pub struct BookingLine {
    pub when: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "booking_hours.html")]
pub struct HoursPage {
    pub page: Page,
    pub clinician_id: i64,
    pub clinician_name: String,
    pub is_self: bool,
    pub book_link: String,
    pub time_zones: Vec<String>,
    pub time_zone: FieldView,
    pub notice: FieldView,
    pub horizon: FieldView,
    pub weekly: Vec<WeeklyRow>,
    pub exceptions: Vec<ExceptionRow>,
    /// (field id, message), in form order.
    pub summary: Vec<(String, String)>,
    pub colleagues: Vec<(i64, String)>,
    pub bookings: Vec<BookingLine>,
    pub weekdays: &'static [(&'static str, &'static str)],
    pub kinds: &'static [(&'static str, &'static str)],
}

pub const WEEKDAYS: [(&str, &str); 7] = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
];
pub const KINDS: [(&str, &str); 3] = [
    ("day_off", "Day off"),
    ("changed_hours", "Changed hours"),
    ("extra_hours", "Extra hours"),
];

/// The values and errors of an hours form, keyed by field name.
struct HoursForm {
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

impl HoursForm {
    fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    fn error(&mut self, name: &str, message: impl Into<String>) {
        if !self.errors.iter().any(|(n, _)| n == name) {
            self.errors.push((name.to_owned(), message.into()));
        }
    }

    fn field(&self, name: String) -> FieldView {
        FieldView {
            id: id_of(&name),
            value: self.value(&name),
            error: self
                .errors
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, m)| m.clone()),
            name,
        }
    }

    /// Rows present in the form: one past the highest index seen under `prefix`.
    fn rows(&self, prefix: &str) -> usize {
        self.values
            .keys()
            .filter_map(|k| k.strip_prefix(prefix)?.strip_prefix('[')?.split_once(']'))
            .filter_map(|(i, _)| i.parse::<usize>().ok())
            .filter(|i| *i < MAX_FORM_ROWS)
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
    }

    fn blank(&self, names: &[String]) -> bool {
        names.iter().all(|n| self.value(n).trim().is_empty())
    }
}

fn weekly_names(i: usize) -> [String; 4] {
    [
        format!("weekly[{i}].weekday"),
        format!("weekly[{i}].start"),
        format!("weekly[{i}].end"),
        format!("weekly[{i}].slot_minutes"),
    ]
}

fn exception_names(i: usize) -> [String; 5] {
    [
        format!("exceptions[{i}].date"),
        format!("exceptions[{i}].kind"),
        format!("exceptions[{i}].hours[0].start"),
        format!("exceptions[{i}].hours[0].end"),
        format!("exceptions[{i}].hours[0].slot_minutes"),
    ]
}

/// Core numbers rows without the blank ones; put its messages back on the rows as shown.
fn remap(field: &str, prefix: &str, shown: &[usize]) -> String {
    let mapped = field
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('['))
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(k, tail)| {
            let orig = shown.get(k.parse::<usize>().ok()?)?;
            Some(format!("{prefix}[{orig}]{tail}"))
        })
        .unwrap_or_else(|| field.to_owned());
    // "exceptions[2].hours" (none, or some where none belong) is shown at the first hours field.
    if mapped.starts_with("exceptions[") && mapped.ends_with("].hours") {
        format!("{mapped}[0].start")
    } else {
        mapped
    }
}

fn add_core_errors(form: &mut HoursForm, errors: &FieldErrors, prefix: &str, shown: &[usize]) {
    for e in &errors.0 {
        let name = remap(&e.field, prefix, shown);
        form.error(&name, e.message.clone());
    }
}

/// The form as stored hours fill it in.
fn stored_values(
    hours: Option<&CallHours>,
    fallback_zone: &TimeZoneName,
) -> HashMap<String, String> {
    let mut v = HashMap::new();
    let window = hours.map(|h| h.window).unwrap_or_default();
    v.insert(
        "time_zone".to_owned(),
        hours
            .map(|h| h.availability.time_zone().as_str().to_owned())
            .unwrap_or_else(|| fallback_zone.as_str().to_owned()),
    );
    v.insert(
        "minimum_notice_hours".to_owned(),
        window.minimum_notice_hours.to_string(),
    );
    v.insert("horizon_days".to_owned(), window.horizon_days.to_string());
    let Some(hours) = hours else { return v };
    for (i, w) in hours.availability.weekly().iter().enumerate() {
        let [day, start, end, slot] = weekly_names(i);
        let name = WEEKDAYS
            .iter()
            .find(|(_, long)| backstride_core::booking::rules::weekday_name(w.weekday) == *long)
            .map(|(short, _)| *short)
            .unwrap_or("");
        v.insert(day, name.to_owned());
        v.insert(start, hhmm(w.hours.start()));
        v.insert(end, hhmm(w.hours.end()));
        v.insert(slot, w.hours.slot().minutes().to_string());
    }
    // An exception too old to save again has no effect any more: the form leaves it out.
    let today = now_ts()
        .to_zoned(hours.availability.time_zone().zone())
        .date();
    let current = hours
        .exceptions
        .iter()
        .filter(|e| CALL_HOURS_EXCEPTION.contains(e.date, today));
    for (i, e) in current.enumerate() {
        let [date, kind, start, end, slot] = exception_names(i);
        v.insert(date, e.date.to_string());
        let (k, list) = match &e.kind {
            ExceptionKind::DayOff => ("day_off", &[][..]),
            ExceptionKind::ChangedHours(h) => ("changed_hours", &h[..]),
            ExceptionKind::ExtraHours(h) => ("extra_hours", &h[..]),
        };
        v.insert(kind, k.to_owned());
        if let Some(h) = list.first() {
            v.insert(start, hhmm(h.start()));
            v.insert(end, hhmm(h.end()));
            v.insert(slot, h.slot().minutes().to_string());
        }
    }
    v
}

fn hhmm(t: jiff::civil::Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// Reads the posted form into core's raw input, checks it, and records every error.
fn check_hours_form(form: &mut HoursForm) -> Option<SaveCallHours> {
    let notice = form
        .value("minimum_notice_hours")
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|h| *h <= MAX_NOTICE_HOURS);
    if notice.is_none() {
        form.error(
            "minimum_notice_hours",
            format!("Enter the notice in whole hours, from 0 to {MAX_NOTICE_HOURS}."),
        );
    }
    let horizon = form
        .value("horizon_days")
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|d| (1..=backstride_core::booking::rules::MAX_HORIZON_DAYS).contains(d));
    if horizon.is_none() {
        form.error(
            "horizon_days",
            format!(
                "Enter how far ahead in whole days, from 1 to {}.",
                backstride_core::booking::rules::MAX_HORIZON_DAYS
            ),
        );
    }

    let mut weekly_shown = Vec::new();
    let mut raw = RawAvailability {
        time_zone: form.value("time_zone"),
        weekly: Vec::new(),
    };
    for i in 0..form.rows("weekly") {
        let names = weekly_names(i);
        if form.blank(&names) {
            continue;
        }
        weekly_shown.push(i);
        raw.weekly.push(RawWeeklyHours {
            weekday: form.value(&names[0]),
            hours: RawHours {
                start: form.value(&names[1]),
                end: form.value(&names[2]),
                slot_minutes: form.value(&names[3]),
            },
        });
    }
    let availability = match Availability::try_from(&raw) {
        Ok(a) => Some(a),
        Err(errors) => {
            add_core_errors(form, &errors, "weekly", &weekly_shown);
            None
        }
    };

    let mut exceptions_shown = Vec::new();
    let mut raw_exceptions = Vec::new();
    for i in 0..form.rows("exceptions") {
        let names = exception_names(i);
        let typed = [&names[0], &names[2], &names[3], &names[4]].map(|n| form.value(n));
        if typed.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        exceptions_shown.push(i);
        let hours = if typed[1].trim().is_empty() && typed[2].trim().is_empty() {
            Vec::new()
        } else {
            vec![RawHours {
                start: typed[1].clone(),
                end: typed[2].clone(),
                slot_minutes: typed[3].clone(),
            }]
        };
        raw_exceptions.push(RawException {
            date: typed[0].clone(),
            kind: form.value(&names[1]),
            hours,
        });
    }
    // Exceptions are checked even when the week has mistakes, so every error shows at once.
    let empty_week = Availability::new(TimeZoneName::utc(), Vec::new());
    let against = match (&availability, &empty_week) {
        (Some(a), _) | (None, Ok(a)) => a,
        (None, Err(_)) => return None,
    };
    let today = now_ts().to_zoned(against.time_zone().zone()).date();
    let exceptions = match check_exceptions(&raw_exceptions, against, today) {
        Ok(e) => Some(e),
        Err(errors) => {
            add_core_errors(form, &errors, "exceptions", &exceptions_shown);
            None
        }
    };
    Some(SaveCallHours {
        availability: availability?,
        exceptions: exceptions?,
        window: BookingWindow {
            minimum_notice_hours: notice?,
            horizon_days: horizon?,
        },
    })
}

async fn own_hours(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Clinician, Role::Admin])?;
    Ok(Redirect::to(&format!("/clinic/availability/{}", user.id)).into_response())
}

async fn hours_page(ctx: Ctx, Path(clinician_id): Path<i64>) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let (clinician, hours) = ctx
        .state
        .store
        .open_call_hours(&actor, clinician_id)
        .await?;
    let zone = clinic_zone(&ctx, &clinician).await?;
    let form = HoursForm {
        values: stored_values(hours.as_ref(), &zone),
        errors: Vec::new(),
    };
    let page = hours_view(&ctx, &clinician, form, true).await?;
    render(page)
}

async fn clinic_zone(ctx: &Ctx, clinician: &User) -> AppResult<TimeZoneName> {
    Ok(match clinician.clinic_id {
        Some(id) => ctx.state.store.clinic(id).await?.time_zone,
        None => clinician.time_zone.clone(),
    })
}

async fn save_hours(
    ctx: Ctx,
    Path(clinician_id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let actor = ctx.actor()?;
    // Opening first gives a 404 (audited) before anything is read from the form.
    let (clinician, _) = ctx
        .state
        .store
        .open_call_hours(&actor, clinician_id)
        .await?;
    let mut form = HoursForm {
        values: fields.into_iter().collect(),
        errors: Vec::new(),
    };
    match check_hours_form(&mut form) {
        Some(hours) if form.errors.is_empty() => {
            ctx.state
                .store
                .save_call_hours(&actor, clinician_id, &hours, now_ts().as_second())
                .await?;
            ctx.flash(
                "success",
                "Call hours saved. Visitors see the new times now.",
            )
            .await?;
            Ok(Redirect::to(&format!("/clinic/availability/{clinician_id}")).into_response())
        }
        _ => {
            let page = hours_view(&ctx, &clinician, form, false).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

async fn hours_view(
    ctx: &Ctx,
    clinician: &User,
    form: HoursForm,
    add_blank_rows: bool,
) -> AppResult<HoursPage> {
    let viewer = ctx.user()?;
    let extra = |n: usize| if add_blank_rows { n } else { 0 };
    let weekly_rows = form.rows("weekly") + extra(BLANK_WEEKLY_ROWS);
    let exception_rows = form.rows("exceptions") + extra(BLANK_EXCEPTION_ROWS);
    let weekly = (0..weekly_rows.max(1))
        .map(|n| {
            let [d, s, e, m] = weekly_names(n);
            WeeklyRow {
                n: n + 1,
                weekday: form.field(d),
                start: form.field(s),
                end: form.field(e),
                slot: form.field(m),
            }
        })
        .collect();
    let exceptions = (0..exception_rows.max(1))
        .map(|n| {
            let [d, k, s, e, m] = exception_names(n);
            ExceptionRow {
                n: n + 1,
                date: form.field(d),
                kind: form.field(k),
                start: form.field(s),
                end: form.field(e),
                slot: form.field(m),
            }
        })
        .collect();
    let summary = form
        .errors
        .iter()
        .map(|(name, message)| {
            let target = match name.as_str() {
                "weekly" => "weekly-h".to_owned(),
                "exceptions" => "exceptions-h".to_owned(),
                other => id_of(other),
            };
            (target, message.clone())
        })
        .collect();
    let clinic_id = clinician.clinic_id.unwrap_or_default();
    let colleagues = if viewer.role == Role::Admin {
        ctx.state
            .store
            .users_in_clinic(clinic_id)
            .await?
            .into_iter()
            .filter(|u| u.role.is_staff() && u.id != clinician.id)
            .map(|u| (u.id, u.display_name))
            .collect()
    } else {
        Vec::new()
    };
    let actor = ctx.actor()?;
    let bookings = ctx
        .state
        .store
        .clinic_bookings(&actor, now_ts().as_second())
        .await?
        .into_iter()
        .filter(|b| b.clinician_id == clinician.id)
        .map(|b| BookingLine {
            when: slot_label(&slot_of(&b), &viewer.time_zone),
            name: b.name,
            email: b.email,
            phone: b.phone,
            message: b.message,
        })
        .collect();
    Ok(HoursPage {
        page: ctx.page("Call hours").await?,
        clinician_id: clinician.id,
        clinician_name: clinician.display_name.clone(),
        is_self: viewer.id == clinician.id,
        book_link: format!("/clinics/{clinic_id}/book"),
        time_zones: TimeZoneName::all(),
        time_zone: form.field("time_zone".into()),
        notice: form.field("minimum_notice_hours".into()),
        horizon: form.field("horizon_days".into()),
        weekly,
        exceptions,
        summary,
        colleagues,
        bookings,
        weekdays: &WEEKDAYS,
        kinds: &KINDS,
    })
}

// ---------------------------------------------------------------------------------------------
// Visitors: the booking page
// ---------------------------------------------------------------------------------------------

/// A clinician a visitor may choose.
pub struct ClinicianChoice {
    pub id: i64,
    pub name: String,
    pub chosen: bool,
}

/// A visitor's booking form: what was typed and what was wrong, by field.
#[derive(Default)]
pub struct VisitorForm {
    pub values: HashMap<String, String>,
    pub errors: Vec<(String, String)>,
}

impl VisitorForm {
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.as_str())
    }

    fn set_error(&mut self, name: &str, message: impl Into<String>) {
        if self.error(name).is_none() {
            self.errors.push((name.to_owned(), message.into()));
        }
    }
}

#[derive(Template)]
#[template(path = "booking_book.html")]
pub struct BookPage {
    pub page: Page,
    pub clinic_name: String,
    /// Where the form posts.
    pub action: String,
    /// Where the time-zone picker goes (GET).
    pub picker_action: String,
    pub clinicians: Vec<ClinicianChoice>,
    pub clinician_id: i64,
    pub clinician_name: String,
    pub zone: String,
    pub zone_error: Option<String>,
    pub time_zones: Vec<String>,
    pub days: Vec<SlotDay>,
    /// After losing a race: the next free times.
    pub taken: bool,
    pub next_free: Vec<backstride_core::booking::ShownSlot>,
    pub form: VisitorForm,
    /// Reschedule mode: only the time is asked for.
    pub rescheduling: bool,
    pub current: String,
}

/// The clinic's clinicians with hours, and the one the visitor is looking at.
struct Offer {
    clinic: Clinic,
    all: Vec<(User, CallHours)>,
    chosen: usize,
}

impl Offer {
    fn clinician(&self) -> &User {
        &self.all[self.chosen].0
    }

    fn hours(&self) -> &CallHours {
        &self.all[self.chosen].1
    }

    async fn load(ctx: &Ctx, clinic_id: i64, clinician: Option<i64>) -> AppResult<Option<Self>> {
        let clinic = ctx.state.store.clinic(clinic_id).await?;
        let all = ctx.state.store.clinic_call_hours(clinic_id).await?;
        if all.is_empty() {
            return Ok(None);
        }
        let chosen = clinician
            .and_then(|id| all.iter().position(|(u, _)| u.id == id))
            .unwrap_or(0);
        Ok(Some(Offer {
            clinic,
            all,
            chosen,
        }))
    }

    async fn booked(&self, ctx: &Ctx, now: Timestamp) -> AppResult<Vec<Timestamp>> {
        // A day back covers a long call that started before now.
        let starts = ctx
            .state
            .store
            .booked_starts(self.clinician().id, now.as_second() - 86_400)
            .await?;
        Ok(starts.into_iter().map(ts).collect())
    }

    async fn open(&self, ctx: &Ctx, now: Timestamp) -> AppResult<Vec<Slot>> {
        let h = self.hours();
        let booked = self.booked(ctx, now).await?;
        Ok(open_slots(
            &h.availability,
            &h.exceptions,
            &booked,
            now,
            &h.window,
        ))
    }

    async fn check(
        &self,
        ctx: &Ctx,
        now: Timestamp,
        start: Timestamp,
    ) -> AppResult<Result<Slot, BookingError>> {
        let h = self.hours();
        let booked = self.booked(ctx, now).await?;
        Ok(check_request(
            &h.availability,
            &h.exceptions,
            &booked,
            now,
            &h.window,
            start,
        ))
    }
}

/// The zone to show times in: a valid `tz`, else the clinic's.
fn visitor_zone(raw: Option<&str>, clinic: &Clinic) -> (TimeZoneName, Option<String>) {
    match raw.filter(|r| !r.trim().is_empty()) {
        None => (clinic.time_zone.clone(), None),
        Some(raw) => match raw.parse::<TimeZoneName>() {
            Ok(tz) => (tz, None),
            Err(e) => (clinic.time_zone.clone(), Some(e.to_string())),
        },
    }
}

async fn book_view(
    ctx: &Ctx,
    offer: &Offer,
    zone: TimeZoneName,
    zone_error: Option<String>,
    form: VisitorForm,
    taken_at: Option<Timestamp>,
    rescheduling: Option<&Booking>,
) -> AppResult<BookPage> {
    let now = now_ts();
    let open = offer.open(ctx, now).await?;
    let next_free = match taken_at {
        Some(at) => {
            let after: Vec<Slot> = open.iter().filter(|s| s.start > at).copied().collect();
            let list = if after.is_empty() {
                open.clone()
            } else {
                after
            };
            slots_by_day(&list[..list.len().min(NEXT_FREE)], &zone)
                .into_iter()
                .flat_map(|d| d.slots)
                .collect()
        }
        None => Vec::new(),
    };
    let (action, picker_action, current, title) = match rescheduling {
        Some(b) => (
            ctx.here.split('?').next().unwrap_or("").to_owned(),
            ctx.here.split('?').next().unwrap_or("").to_owned(),
            slot_label(&slot_of(b), &zone),
            "Move your call",
        ),
        None => {
            let action = format!("/clinics/{}/book", offer.clinic.id);
            (action.clone(), action, String::new(), "Book a call")
        }
    };
    Ok(BookPage {
        page: ctx.page(title).await?,
        clinic_name: offer.clinic.name.clone(),
        action,
        picker_action,
        clinicians: offer
            .all
            .iter()
            .enumerate()
            .map(|(i, (u, _))| ClinicianChoice {
                id: u.id,
                name: u.display_name.clone(),
                chosen: i == offer.chosen,
            })
            .collect(),
        clinician_id: offer.clinician().id,
        clinician_name: offer.clinician().display_name.clone(),
        zone: zone.as_str().to_owned(),
        zone_error,
        time_zones: TimeZoneName::all(),
        days: slots_by_day(&open, &zone),
        taken: taken_at.is_some(),
        next_free,
        form,
        rescheduling: rescheduling.is_some(),
        current,
    })
}

#[derive(Template)]
#[template(path = "booking_closed.html")]
pub struct NoHoursPage {
    pub page: Page,
    pub clinic_name: String,
}

async fn no_hours(ctx: &Ctx, clinic_id: i64) -> AppResult<Response> {
    let clinic = ctx.state.store.clinic(clinic_id).await?;
    render(NoHoursPage {
        page: ctx.page("Book a call").await?,
        clinic_name: clinic.name,
    })
}

async fn book_page(
    ctx: Ctx,
    Path(clinic_id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    let clinician = query.get("clinician").and_then(|c| c.parse().ok());
    let Some(offer) = Offer::load(&ctx, clinic_id, clinician).await? else {
        return no_hours(&ctx, clinic_id).await;
    };
    let (zone, zone_error) = visitor_zone(query.get("tz").map(String::as_str), &offer.clinic);
    let page = book_view(
        &ctx,
        &offer,
        zone,
        zone_error,
        VisitorForm::default(),
        None,
        None,
    )
    .await?;
    render(page)
}

/// The visitor's details, checked; errors recorded on the form.
struct Visitor {
    name: String,
    email: Email,
    phone: String,
    message: String,
}

fn check_visitor(form: &mut VisitorForm) -> Option<Visitor> {
    if !form.value(HONEYPOT).is_empty() {
        form.set_error(
            "name",
            "We could not take this booking. Please reload the page and try again.",
        );
        return None;
    }
    let name = form.value("name").trim().to_owned();
    if name.is_empty() {
        form.set_error(
            "name",
            "Enter your name, so the clinician knows who to call.",
        );
    } else if name.chars().count() > MAX_NAME_CHARS {
        form.set_error(
            "name",
            format!("Keep your name to {MAX_NAME_CHARS} characters."),
        );
    }
    let email = match form.value("email").parse::<Email>() {
        Ok(e) => Some(e),
        Err(e) => {
            form.set_error("email", e.to_string());
            None
        }
    };
    let phone = form.value("phone").trim().to_owned();
    let phone_ok = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if phone.chars().count() > MAX_PHONE_CHARS || !phone_ok {
        form.set_error(
            "phone",
            "Enter a phone number with digits, spaces and + only, or leave it empty.",
        );
    }
    let message = form.value("message").trim().to_owned();
    let length = message.chars().count();
    if length > MAX_MESSAGE_CHARS {
        form.set_error(
            "message",
            format!(
                "Keep the message to {MAX_MESSAGE_CHARS} characters or fewer — it has {length}. Your text is still here to shorten."
            ),
        );
    }
    if !form.errors.is_empty() {
        return None;
    }
    Some(Visitor {
        name,
        email: email?,
        phone,
        message,
    })
}

/// Reads the requested start and checks it with core; errors go on the `start` field.
async fn check_start(
    ctx: &Ctx,
    offer: &Offer,
    form: &mut VisitorForm,
    now: Timestamp,
) -> AppResult<Result<Slot, Option<Timestamp>>> {
    let raw = form.value("start").to_owned();
    if raw.trim().is_empty() {
        form.set_error("start", "Pick a time for the call.");
        return Ok(Err(None));
    }
    let start = match parse_requested_start(&raw) {
        Ok(s) => s,
        Err(e) => {
            form.set_error("start", e.to_string());
            return Ok(Err(None));
        }
    };
    match offer.check(ctx, now, start).await? {
        Ok(slot) => Ok(Ok(slot)),
        Err(BookingError::AlreadyTaken) => Ok(Err(Some(start))),
        Err(e) => {
            form.set_error("start", e.to_string());
            Ok(Err(None))
        }
    }
}

/// Everything a booking's emails say.
struct CallFacts<'a> {
    clinic: &'a Clinic,
    clinician: &'a str,
    visitor_name: &'a str,
    phone: &'a str,
    zone: &'a TimeZoneName,
    slot: Slot,
    link: String,
    uid: String,
    /// When the booking was first made (the calendar event's SEQUENCE counts from it).
    booked_at: Timestamp,
}

impl CallFacts<'_> {
    fn when(&self) -> String {
        let mut when = slot_label(&self.slot, self.zone);
        if self.clinic.time_zone != *self.zone {
            when.push_str(&format!(
                "\n      {} at the clinic",
                slot_label(&self.slot, &self.clinic.time_zone)
            ));
        }
        when
    }

    fn how(&self) -> String {
        if self.phone.is_empty() {
            format!(
                "{} will get in touch by email with how to join.",
                self.clinician
            )
        } else {
            format!("{} will ring you on {}.", self.clinician, self.phone)
        }
    }

    fn invite(&self, stamp: Timestamp, cancelled: bool) -> String {
        call_invite(
            &self.slot,
            &CallInvite {
                uid: self.uid.clone(),
                summary: format!(
                    "Coaching call with {} ({})",
                    self.clinician, self.clinic.name
                ),
                description: format!("{}\nTo cancel or move the call: {}", self.how(), self.link),
                location: (!self.phone.is_empty()).then(|| format!("Phone: {}", self.phone)),
                stamp,
                booked_at: self.booked_at,
                cancelled,
            },
        )
    }

    fn confirmation(&self, to: &Email, now: Timestamp, moved: bool) -> NewEmail {
        let subject = if moved {
            format!("Your call with {} has moved", self.clinic.name)
        } else {
            format!("Your call with {} is booked", self.clinic.name)
        };
        let body = format!(
            "Hello {name},\n\n{opening} coaching call with {clinician} at {clinic}.\n\n\
             When: {when}\nHow:  {how}\n\n\
             The attached calendar file (call.ics) adds the call to your calendar.\n\n\
             To cancel or move the call, use your private link (anyone with it can change the booking, so keep it to yourself):\n\
             {link}\n\nWe will send a reminder a day before.\n\n{clinic}\n",
            name = self.visitor_name,
            opening = if moved {
                "We have moved your"
            } else {
                "You have booked a"
            },
            clinician = self.clinician,
            clinic = self.clinic.name,
            when = self.when(),
            how = self.how(),
            link = self.link,
        );
        NewEmail::text(to.clone(), subject, body)
            .from_clinic(Some(self.clinic.id))
            .with_attachment(
                "call.ics",
                "text/calendar; charset=utf-8; method=PUBLISH",
                self.invite(now, false),
            )
    }

    fn reminder(&self, to: &Email, now: Timestamp) -> Option<NewEmail> {
        let due = self.slot.reminder_at(now)?;
        let body = format!(
            "Hello {name},\n\nA reminder: your coaching call with {clinician} at {clinic} is tomorrow.\n\n\
             When: {when}\nHow:  {how}\n\nCan't make it? Cancel or move the call with your private link:\n{link}\n\n{clinic}\n",
            name = self.visitor_name,
            clinician = self.clinician,
            clinic = self.clinic.name,
            when = self.when(),
            how = self.how(),
            link = self.link,
        );
        Some(
            NewEmail::text(
                to.clone(),
                format!("Reminder: your call with {} tomorrow", self.clinic.name),
                body,
            )
            .send_at(due.as_second())
            .from_clinic(Some(self.clinic.id)),
        )
    }

    fn cancellation(&self, to: &Email, now: Timestamp) -> NewEmail {
        let body = format!(
            "Hello {name},\n\nYour coaching call with {clinician} at {clinic} is cancelled.\n\n\
             It was: {when}\n\nThe attached calendar file (cancel.ics) removes it from your calendar. \
             To book another time: {book}\n\n{clinic}\n",
            name = self.visitor_name,
            clinician = self.clinician,
            clinic = self.clinic.name,
            when = self.when(),
            book = self
                .link
                .split("/bookings/")
                .next()
                .map(|base| format!("{base}/clinics/{}/book", self.clinic.id))
                .unwrap_or_default(),
        );
        NewEmail::text(
            to.clone(),
            format!("Your call with {} is cancelled", self.clinic.name),
            body,
        )
        .from_clinic(Some(self.clinic.id))
        .with_attachment(
            "cancel.ics",
            "text/calendar; charset=utf-8; method=CANCEL",
            self.invite(now, true),
        )
    }
}

fn call_uid(hash: &str) -> String {
    format!("booking-{}@backstride", &hash[..hash.len().min(24)])
}

async fn book(
    ctx: Ctx,
    Path(clinic_id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut form = VisitorForm {
        values: fields.into_iter().collect(),
        errors: Vec::new(),
    };
    let wanted: Option<i64> = form.value("clinician_id").parse().ok();
    let Some(offer) = Offer::load(&ctx, clinic_id, wanted).await? else {
        return no_hours(&ctx, clinic_id).await;
    };
    if wanted != Some(offer.clinician().id) && offer.all.len() > 1 {
        form.set_error(
            "start",
            "Choose who you would like to talk to, then pick a time.",
        );
    }
    let (zone, zone_error) = visitor_zone(Some(form.value("tz")), &offer.clinic);
    let now = now_ts();
    let visitor = check_visitor(&mut form);
    let slot = check_start(&ctx, &offer, &mut form, now).await?;
    let (visitor, slot) = match (visitor, slot) {
        (Some(v), Ok(s)) if form.errors.is_empty() => (v, s),
        (_, Err(Some(taken))) if form.errors.is_empty() => {
            return taken_page(&ctx, &offer, zone, form, taken, None).await;
        }
        _ => {
            let page = book_view(&ctx, &offer, zone, zone_error, form, None, None).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };

    // Each booking holds a clinician's time and sends two emails: the public forms' limits.
    if abuse::over_limit(
        ctx.state.store.as_ref(),
        abuse::BOOKING,
        &ctx.ip,
        visitor.email.as_str(),
    )
    .await?
    {
        form.set_error("email", abuse::PLEASE_WAIT);
        let page = book_view(&ctx, &offer, zone, zone_error, form, None, None).await?;
        return render_status(StatusCode::TOO_MANY_REQUESTS, page);
    }
    let token = random_token(32);
    let hash = token_hash(&token);
    let facts = CallFacts {
        clinic: &offer.clinic,
        clinician: &offer.clinician().display_name,
        visitor_name: &visitor.name,
        phone: &visitor.phone,
        zone: &zone,
        slot,
        link: format!("{}/bookings/{token}", ctx.state.config.base_url()),
        uid: call_uid(&hash),
        booked_at: now,
    };
    let booking = NewBooking {
        clinic_id,
        clinician_id: offer.clinician().id,
        starts_at: slot.start.as_second(),
        ends_at: slot.end.as_second(),
        name: visitor.name.clone(),
        email: visitor.email.clone(),
        phone: visitor.phone.clone(),
        message: visitor.message.clone(),
        time_zone: zone.clone(),
        token_hash: hash.clone(),
        confirmation: facts.confirmation(&visitor.email, now, false),
        reminder: facts.reminder(&visitor.email, now),
        inbox: NewInboxItem {
            clinic_id,
            kind: InboxKind::Booking,
            name: visitor.name.clone(),
            email: visitor.email.as_str().to_owned(),
            phone: visitor.phone.clone(),
            message: format!(
                "Call with {} on {}.{}{}",
                offer.clinician().display_name,
                slot_label(&slot, &offer.clinic.time_zone),
                if visitor.message.is_empty() {
                    ""
                } else {
                    "\n\n"
                },
                visitor.message
            ),
            source: "booking page".to_owned(),
            stage: InboxStage::CallBooked,
        },
    };
    match ctx.state.store.book_call(&booking, now.as_second()).await {
        Ok(_) => {
            ctx.flash(
                "success",
                format!(
                    "Your call is booked. We have emailed the details to {}.",
                    visitor.email
                ),
            )
            .await?;
            Ok(Redirect::to(&format!("/bookings/{token}")).into_response())
        }
        Err(StoreError::Conflict { constraint }) if constraint == SLOT_TAKEN => {
            taken_page(&ctx, &offer, zone, form, slot.start, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// "Someone has just booked that time", the next free times, and everything typed kept.
async fn taken_page(
    ctx: &Ctx,
    offer: &Offer,
    zone: TimeZoneName,
    form: VisitorForm,
    at: Timestamp,
    rescheduling: Option<&Booking>,
) -> AppResult<Response> {
    let page = book_view(ctx, offer, zone, None, form, Some(at), rescheduling).await?;
    render_status(StatusCode::CONFLICT, page)
}

// ---------------------------------------------------------------------------------------------
// Visitors: the private link
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "booking_view.html")]
pub struct BookingPage {
    pub page: Page,
    pub token: String,
    pub clinic_name: String,
    pub clinic_id: i64,
    pub clinician_name: String,
    pub when: String,
    pub when_clinic: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
    /// "booked", "cancelled" or "past".
    pub state: &'static str,
}

fn unknown_link() -> Response {
    render_error(
        StatusCode::NOT_FOUND,
        "We couldn't find that booking",
        "The link may be incomplete or mistyped: open it again from your confirmation email, making sure \
         you copy all of it. If you moved or booked the call again, use the link in the newest email.",
    )
}

/// The booking a link names, or the "couldn't find that booking" page.
async fn by_token(ctx: &Ctx, token: &str) -> AppResult<Result<Booking, Response>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(Err(unknown_link()));
    }
    match ctx.state.store.booking_by_token(&token_hash(token)).await {
        Ok(b) => Ok(Ok(b)),
        Err(StoreError::NotFound) => Ok(Err(unknown_link())),
        Err(e) => Err(e.into()),
    }
}

async fn clinician_name(ctx: &Ctx, b: &Booking) -> AppResult<String> {
    Ok(ctx.state.store.user(b.clinician_id).await?.display_name)
}

fn state_of(b: &Booking, now: Timestamp) -> &'static str {
    if b.cancelled_at.is_some() {
        "cancelled"
    } else if b.starts_at <= now.as_second() {
        "past"
    } else {
        "booked"
    }
}

async fn booking_view(
    ctx: &Ctx,
    token: &str,
    b: &Booking,
    status: StatusCode,
) -> AppResult<Response> {
    let clinic = ctx.state.store.clinic(b.clinic_id).await?;
    let slot = slot_of(b);
    let page = BookingPage {
        page: ctx.page("Your call").await?,
        token: token.to_owned(),
        clinic_name: clinic.name.clone(),
        clinic_id: clinic.id,
        clinician_name: clinician_name(ctx, b).await?,
        when: slot_label(&slot, &b.time_zone),
        when_clinic: if clinic.time_zone == b.time_zone {
            String::new()
        } else {
            slot_label(&slot, &clinic.time_zone)
        },
        name: b.name.clone(),
        email: b.email.clone(),
        phone: b.phone.clone(),
        message: b.message.clone(),
        state: state_of(b, now_ts()),
    };
    render_status(status, page)
}

async fn booking_page(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let b = match by_token(&ctx, &token).await? {
        Ok(b) => b,
        Err(page) => return Ok(page),
    };
    booking_view(&ctx, &token, &b, StatusCode::OK).await
}

async fn facts_for<'a>(
    ctx: &Ctx,
    clinic: &'a Clinic,
    clinician: &'a str,
    b: &'a Booking,
    token: &str,
) -> CallFacts<'a> {
    CallFacts {
        clinic,
        clinician,
        visitor_name: &b.name,
        phone: &b.phone,
        zone: &b.time_zone,
        slot: slot_of(b),
        link: format!("{}/bookings/{token}", ctx.state.config.base_url()),
        uid: call_uid(&b.token_hash),
        booked_at: Timestamp::from_second(b.created_at).unwrap_or(Timestamp::UNIX_EPOCH),
    }
}

async fn cancel(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let b = match by_token(&ctx, &token).await? {
        Ok(b) => b,
        Err(page) => return Ok(page),
    };
    let now = now_ts();
    match state_of(&b, now) {
        "cancelled" => {
            ctx.flash("info", "This call was already cancelled.")
                .await?;
            return Ok(Redirect::to(&format!("/bookings/{token}")).into_response());
        }
        "past" => {
            ctx.flash(
                "error",
                "This call has already started or taken place, so it can no longer be cancelled.",
            )
            .await?;
            return booking_view(&ctx, &token, &b, StatusCode::CONFLICT).await;
        }
        _ => {}
    }
    let clinic = ctx.state.store.clinic(b.clinic_id).await?;
    let clinician = clinician_name(&ctx, &b).await?;
    let to: Email = b
        .email
        .parse()
        .map_err(|_| AppError::Internal("stored booking email".into()))?;
    let notice = facts_for(&ctx, &clinic, &clinician, &b, &token)
        .await
        .cancellation(&to, now);
    ctx.state
        .store
        .cancel_booking(&b.token_hash, &notice, now.as_second())
        .await?;
    ctx.flash(
        "success",
        "Your call is cancelled, and the time is free for someone else. We have emailed you a note for your calendar.",
    )
    .await?;
    Ok(Redirect::to(&format!("/bookings/{token}")).into_response())
}

async fn reschedule_page(
    ctx: Ctx,
    Path(token): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    let b = match by_token(&ctx, &token).await? {
        Ok(b) => b,
        Err(page) => return Ok(page),
    };
    if state_of(&b, now_ts()) != "booked" {
        return booking_view(&ctx, &token, &b, StatusCode::CONFLICT).await;
    }
    let Some(offer) = Offer::load(&ctx, b.clinic_id, Some(b.clinician_id)).await? else {
        return no_hours(&ctx, b.clinic_id).await;
    };
    let (zone, zone_error) = match query.get("tz") {
        Some(raw) => visitor_zone(Some(raw), &offer.clinic),
        None => (b.time_zone.clone(), None),
    };
    let page = book_view(
        &ctx,
        &offer,
        zone,
        zone_error,
        VisitorForm::default(),
        None,
        Some(&b),
    )
    .await?;
    render(page)
}

async fn reschedule(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let b = match by_token(&ctx, &token).await? {
        Ok(b) => b,
        Err(page) => return Ok(page),
    };
    let now = now_ts();
    if state_of(&b, now) != "booked" {
        ctx.flash("error", "Only a call that is still to come can be moved.")
            .await?;
        return booking_view(&ctx, &token, &b, StatusCode::CONFLICT).await;
    }
    let Some(offer) = Offer::load(&ctx, b.clinic_id, Some(b.clinician_id)).await? else {
        return no_hours(&ctx, b.clinic_id).await;
    };
    if offer.clinician().id != b.clinician_id {
        return no_hours(&ctx, b.clinic_id).await;
    }
    let mut form = VisitorForm {
        values: fields.into_iter().collect(),
        errors: Vec::new(),
    };
    let zone = b.time_zone.clone();
    let slot = match check_start(&ctx, &offer, &mut form, now).await? {
        Ok(slot) => slot,
        Err(Some(taken)) => return taken_page(&ctx, &offer, zone, form, taken, Some(&b)).await,
        Err(None) => {
            let page = book_view(&ctx, &offer, zone, None, form, None, Some(&b)).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };
    let clinician = offer.clinician().display_name.clone();
    let to: Email = b
        .email
        .parse()
        .map_err(|_| AppError::Internal("stored booking email".into()))?;
    let mut facts = facts_for(&ctx, &offer.clinic, &clinician, &b, &token).await;
    facts.slot = slot;
    let change = Reschedule {
        starts_at: slot.start.as_second(),
        ends_at: slot.end.as_second(),
        confirmation: facts.confirmation(&to, now, true),
        reminder: facts.reminder(&to, now),
    };
    match ctx
        .state
        .store
        .reschedule_booking(&b.token_hash, &change, now.as_second())
        .await
    {
        Ok(_) => {
            ctx.flash(
                "success",
                format!(
                    "Your call has moved to {}. We have emailed you the new details.",
                    slot_label(&slot, &zone)
                ),
            )
            .await?;
            Ok(Redirect::to(&format!("/bookings/{token}")).into_response())
        }
        Err(StoreError::Conflict { constraint }) if constraint == SLOT_TAKEN => {
            taken_page(&ctx, &offer, zone, form, slot.start, Some(&b)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_go_back_to_the_rows_as_shown() {
        assert_eq!(remap("weekly[1].end", "weekly", &[0, 3]), "weekly[3].end");
        assert_eq!(remap("weekly", "weekly", &[0, 3]), "weekly");
        assert_eq!(
            remap("exceptions[0].hours", "exceptions", &[2]),
            "exceptions[2].hours[0].start"
        );
        assert_eq!(
            remap("exceptions[0].hours[0].end", "exceptions", &[2]),
            "exceptions[2].hours[0].end"
        );
        assert_eq!(
            id_of("exceptions[2].hours[0].end"),
            "exceptions-2-hours-0-end"
        );
    }
}
