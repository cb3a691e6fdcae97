//! The public booking page (`/clinics/{clinic_id}/book`): the clinic's open times as a date
//! picker with the chosen day's times, closed on the clinic's holidays, and the visitor's
//! details checked with the front door's own checks (`front::abuse`).

use super::*;
use crate::front::Brand;
use crate::public_pages::{PublicPage, View, end_of_day};
use backstride_core::booking::{ClinicHolidays, Exception, Holiday};
use jiff::civil::Date;

/// Days with free times offered as quick links beside the date picker (our choice: a week's
/// worth fits a phone's width in two rows).
const DAY_LINKS: usize = 7;

/// One day of open times, shown only when it is the chosen day (the others stay in the page,
/// hidden, so the picker switches days without a reload).
pub struct ShownDay {
    pub day: SlotDay,
    pub chosen: bool,
}

/// A clinician a visitor may choose.
pub struct ClinicianChoice {
    pub id: i64,
    pub name: String,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "booking_book.html")]
pub struct BookPage {
    pub page: Page,
    pub brand: Brand,
    pub clinic_name: String,
    /// How the call happens, in a sentence.
    pub call_how: String,
    /// The date picker: the chosen day (`YYYY-MM-DD`) and the first and last days offered.
    pub chosen_day: String,
    pub chosen_heading: String,
    pub first_day: String,
    pub last_day: String,
    /// The same in words: "From Monday 7 December to Monday 21 December."
    pub days_offered: String,
    /// Why the chosen day has no times, when it is a clinic holiday.
    pub chosen_closed: Option<String>,
    /// The next days with free times: (date, short label).
    pub day_links: Vec<(String, String)>,
    /// Every closed day in the window: (date, name), for the script to explain an empty day.
    pub closed_days: Vec<(String, String)>,
    pub shown_days: Vec<ShownDay>,
    pub chosen_has_times: bool,
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
    /// After losing a race: the next free times.
    pub taken: bool,
    pub next_free: Vec<backstride_core::booking::ShownSlot>,
    pub form: FormState,
    /// Reschedule mode: only the time is asked for.
    pub rescheduling: bool,
    pub current: String,
    /// When the first time shown stops being offered (its minimum notice begins), if any time is
    /// shown: a kept copy of the page is not used past it.
    pub offered_until: Option<Timestamp>,
}

/// The clinic's clinicians with hours, and the one the visitor is looking at.
pub(super) struct Offer {
    pub(super) clinic: Clinic,
    pub(super) all: Vec<(User, CallHours)>,
    pub(super) chosen: usize,
    /// The clinic's closed days.
    pub(super) holidays: ClinicHolidays,
}

impl Offer {
    pub(super) fn clinician(&self) -> &User {
        &self.all[self.chosen].0
    }

    pub(super) fn hours(&self) -> &CallHours {
        &self.all[self.chosen].1
    }

    pub(super) async fn load(
        ctx: &Ctx,
        clinic_id: i64,
        clinician: Option<i64>,
    ) -> AppResult<Option<Self>> {
        let clinic = ctx.state.store.clinic(clinic_id).await?;
        let all = ctx.state.store.clinic_call_hours(clinic_id).await?;
        if all.is_empty() {
            return Ok(None);
        }
        let chosen = clinician
            .and_then(|id| all.iter().position(|(u, _)| u.id == id))
            .unwrap_or(0);
        let holidays = super::holidays::of_clinic(ctx, &clinic).await?;
        Ok(Some(Offer {
            clinic,
            all,
            chosen,
            holidays,
        }))
    }

    /// The clinician's local date of an instant.
    pub(super) fn local_date(&self, at: Timestamp) -> Date {
        at.to_zoned(self.hours().availability.time_zone().zone())
            .date()
    }

    /// The clinic's closed days that fall from a day before `now` to a day past the horizon.
    pub(super) fn closed_days(&self, now: Timestamp) -> Vec<Holiday> {
        let today = self.local_date(now);
        let first = today
            .checked_sub(jiff::Span::new().days(1))
            .unwrap_or(today);
        let last = today
            .checked_add(jiff::Span::new().days(i64::from(self.hours().window.horizon_days) + 1))
            .unwrap_or(today);
        self.holidays.closed_between(first, last)
    }

    /// The clinician's exceptions with the clinic's closed days first (a day off each), so a
    /// holiday closes the day whatever the clinician's exceptions say.
    pub(super) fn exceptions(&self, now: Timestamp) -> Vec<Exception> {
        self.closed_days(now)
            .into_iter()
            .map(|h| Exception {
                date: h.date,
                kind: ExceptionKind::DayOff,
            })
            .chain(self.hours().exceptions.iter().cloned())
            .collect()
    }

    pub(super) async fn booked(&self, ctx: &Ctx, now: Timestamp) -> AppResult<Vec<Timestamp>> {
        // A day back covers a long call that started before now.
        let starts = ctx
            .state
            .store
            .booked_starts(self.clinician().id, now.as_second() - 86_400)
            .await?;
        Ok(starts.into_iter().map(ts).collect())
    }

    pub(super) async fn open(&self, ctx: &Ctx, now: Timestamp) -> AppResult<Vec<Slot>> {
        let h = self.hours();
        let booked = self.booked(ctx, now).await?;
        Ok(open_slots(
            &h.availability,
            &self.exceptions(now),
            &booked,
            now,
            &h.window,
        ))
    }

    pub(super) async fn check(
        &self,
        ctx: &Ctx,
        now: Timestamp,
        start: Timestamp,
    ) -> AppResult<Result<Slot, BookingError>> {
        let h = self.hours();
        let booked = self.booked(ctx, now).await?;
        Ok(check_request(
            &h.availability,
            &self.exceptions(now),
            &booked,
            now,
            &h.window,
            start,
        ))
    }
}

/// The zone to show times in: a valid `tz`, else the clinic's.
pub(super) fn visitor_zone(raw: Option<&str>, clinic: &Clinic) -> (TimeZoneName, Option<String>) {
    match raw.filter(|r| !r.trim().is_empty()) {
        None => (clinic.time_zone.clone(), None),
        Some(raw) => match raw.parse::<TimeZoneName>() {
            Ok(tz) => (tz, None),
            Err(e) => (clinic.time_zone.clone(), Some(e.to_string())),
        },
    }
}

/// The day the picker shows: the one asked for (`day=`), else the day of the time picked, else
/// the first day with free times, else today — all in the visitor's zone.
fn chosen_day(
    asked: Option<&str>,
    form: &FormState,
    days: &[SlotDay],
    zone: &TimeZoneName,
    now: Timestamp,
) -> Date {
    let picked = parse_requested_start(form.value("start"))
        .ok()
        .map(|t| t.to_zoned(zone.zone()).date());
    asked
        .and_then(|d| d.trim().parse::<Date>().ok())
        .or(picked)
        .or(days.first().map(|d| d.date))
        .unwrap_or_else(|| now.to_zoned(zone.zone()).date())
}

#[expect(clippy::too_many_arguments)]
pub(super) async fn book_view(
    ctx: &Ctx,
    offer: &Offer,
    zone: TimeZoneName,
    zone_error: Option<String>,
    form: FormState,
    taken_at: Option<Timestamp>,
    rescheduling: Option<&Booking>,
    asked_day: Option<&str>,
) -> AppResult<BookPage> {
    let now = now_ts(ctx);
    let open = offer.open(ctx, now).await?;
    let notice =
        jiff::SignedDuration::from_hours(i64::from(offer.hours().window.minimum_notice_hours));
    let offered_until = open
        .iter()
        .map(|s| s.start)
        .min()
        .and_then(|first| first.checked_sub(notice).ok());
    let days = slots_by_day(&open, &zone);
    let chosen = chosen_day(asked_day, &form, &days, &zone, now);
    let today = now.to_zoned(zone.zone()).date();
    let last = today
        .checked_add(jiff::Span::new().days(i64::from(offer.hours().window.horizon_days)))
        .unwrap_or(today);
    let closed = offer.closed_days(now);
    let chosen_closed = closed.iter().find(|h| h.date == chosen).map(|h| {
        format!(
            "{} is closed on {} for {}.",
            offer.clinic.name,
            chosen.strftime("%A %-d %B"),
            h.name
        )
    });
    let day_links = days
        .iter()
        .filter(|d| d.date >= chosen)
        .take(DAY_LINKS)
        .map(|d| (d.date.to_string(), d.date.strftime("%a %-d %b").to_string()))
        .collect();
    let closed_days = closed
        .iter()
        .map(|h| (h.date.to_string(), h.name.clone()))
        .collect();
    let shown_days: Vec<ShownDay> = days
        .into_iter()
        .map(|day| ShownDay {
            chosen: day.date == chosen,
            day,
        })
        .collect();
    let chosen_has_times = shown_days.iter().any(|d| d.chosen);
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
        brand: Brand::of(&offer.clinic),
        clinic_name: offer.clinic.name.clone(),
        call_how: offer.hours().call.how(&offer.clinician().display_name, ""),
        chosen_day: chosen.to_string(),
        chosen_heading: chosen.strftime("%A %-d %B").to_string(),
        first_day: today.to_string(),
        last_day: last.to_string(),
        days_offered: format!(
            "From {} to {}.",
            today.strftime("%A %-d %B"),
            last.strftime("%A %-d %B")
        ),
        chosen_closed,
        day_links,
        closed_days,
        shown_days,
        chosen_has_times,
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
        taken: taken_at.is_some(),
        next_free,
        form,
        rescheduling: rescheduling.is_some(),
        current,
        offered_until,
    })
}

#[derive(Template)]
#[template(path = "booking_closed.html")]
pub struct NoHoursPage {
    pub page: Page,
    pub brand: Brand,
    pub clinic_name: String,
}

pub(super) async fn no_hours(ctx: &Ctx, clinic_id: i64) -> AppResult<Response> {
    let clinic = ctx.state.store.clinic(clinic_id).await?;
    render(NoHoursPage {
        page: ctx.page("Book a call").await?,
        brand: Brand::of(&clinic),
        clinic_name: clinic.name,
    })
}

/// `GET /clinics/{clinic_id}/book`: kept for every anonymous visitor, each response with the
/// visitor's own form token (see `public_pages`).
pub(super) async fn book_page(
    ctx: Ctx,
    Path(clinic_id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
    request: axum::http::HeaderMap,
) -> AppResult<Response> {
    let view = View::of(&ctx, PublicPage::booking(clinic_id, &query));
    if let Some(kept) = view.kept(&ctx, &request).await? {
        return Ok(kept);
    }
    let clinician = query.get("clinician").and_then(|c| c.parse().ok());
    let Some(offer) = Offer::load(&ctx, clinic_id, clinician).await? else {
        return no_hours(&ctx, clinic_id).await;
    };
    let (zone, zone_error) = visitor_zone(query.get("tz").map(String::as_str), &offer.clinic);
    let mut page = book_view(
        &ctx,
        &offer,
        zone,
        zone_error,
        FormState::default(),
        None,
        None,
        query.get("day").map(String::as_str),
    )
    .await?;
    page.page = view.frame(page.page);
    let now = now_ts(&ctx);
    let day_ends = end_of_day(&offer.clinic.time_zone, now);
    let until = page.offered_until.map_or(day_ends, |t| t.min(day_ends));
    let html = page.render()?;
    view.respond(&ctx, &request, html, until).await
}

/// The visitor's details, checked; errors recorded on the form.
pub(super) struct Visitor {
    pub(super) name: String,
    pub(super) email: Email,
    pub(super) phone: String,
    pub(super) message: String,
}

pub(super) fn check_visitor(form: &mut FormState) -> Option<Visitor> {
    let name = abuse::name(form, "Enter your name, so the clinician knows who to call.");
    let email = abuse::email(form);
    let phone = abuse::phone(form);
    let message = abuse::message(form, None);
    Some(Visitor {
        name: name?,
        email: email?,
        phone: phone?,
        message: message?,
    })
}

/// Reads the requested start and checks it with core; errors go on the `start` field.
pub(super) async fn check_start(
    ctx: &Ctx,
    offer: &Offer,
    form: &mut FormState,
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
    let day = offer.local_date(start);
    if let Some(holiday) = offer.closed_days(now).into_iter().find(|h| h.date == day) {
        form.set_error(
            "start",
            format!(
                "{} is closed on {} for {}. Pick a time on another day.",
                offer.clinic.name,
                day.strftime("%A %-d %B"),
                holiday.name
            ),
        );
        return Ok(Err(None));
    }
    match offer.check(ctx, now, start).await? {
        Ok(slot) => Ok(Ok(slot)),
        Err(BookingError::AlreadyTaken) => Ok(Err(Some(start))),
        Err(e) => {
            form.set_error("start", e.to_string());
            Ok(Err(None))
        }
    }
}

pub(super) async fn book(
    ctx: Ctx,
    Path(clinic_id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut form = FormState::from_values(fields.into_iter().collect());
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
    let now = now_ts(&ctx);
    // The front door's honeypot, counted like the other public forms. A booking is not
    // pretended (a person whose browser filled the hidden field would wait for a call that
    // does not exist): it is refused with a message instead.
    if abuse::caught_bot(ctx.state.store.as_ref(), abuse::BOOKING, &form, &ctx.ip).await? {
        form.set_error(
            "name",
            "We could not take this booking. Please reload the page and try again.",
        );
        let page = book_view(&ctx, &offer, zone, zone_error, form, None, None, None).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let visitor = check_visitor(&mut form);
    let slot = check_start(&ctx, &offer, &mut form, now).await?;
    let (visitor, slot) = match (visitor, slot) {
        (Some(v), Ok(s)) if !form.has_errors() => (v, s),
        (_, Err(Some(taken))) if !form.has_errors() => {
            return taken_page(&ctx, &offer, zone, form, taken, None).await;
        }
        _ => {
            let page = book_view(&ctx, &offer, zone, zone_error, form, None, None, None).await?;
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
        let page = book_view(&ctx, &offer, zone, zone_error, form, None, None, None).await?;
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
        call: offer.hours().call.clone(),
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
        Ok(booked) => {
            crate::webhooks::notify(
                ctx.state.store.as_ref(),
                booked.clinic_id,
                crate::webhooks::Event::CallBooked {
                    booking_id: booked.id,
                    starts_at: booked.starts_at,
                    inbox_item_id: booked.inbox_item_id,
                },
            )
            .await;
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
pub(super) async fn taken_page(
    ctx: &Ctx,
    offer: &Offer,
    zone: TimeZoneName,
    form: FormState,
    at: Timestamp,
    rescheduling: Option<&Booking>,
) -> AppResult<Response> {
    let page = book_view(ctx, offer, zone, None, form, Some(at), rescheduling, None).await?;
    render_status(StatusCode::CONFLICT, page)
}
