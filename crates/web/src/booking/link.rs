//! The visitor's private link (`/bookings/{token}`): see, cancel or move the call.

use super::*;

#[derive(Template)]
#[template(path = "booking_view.html")]
pub struct BookingPage {
    pub page: Page,
    pub brand: crate::front::Brand,
    /// How the call happens, in a sentence, and the video link to show as a link.
    pub how: String,
    pub video_link: Option<String>,
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

pub(super) fn unknown_link() -> Response {
    render_error(
        StatusCode::NOT_FOUND,
        "We couldn't find that booking",
        "The link may be incomplete or mistyped: open it again from your confirmation email, making sure \
         you copy all of it. If you moved or booked the call again, use the link in the newest email.",
    )
}

/// The booking a link names, or the "couldn't find that booking" page.
pub(super) async fn by_token(ctx: &Ctx, token: &str) -> AppResult<Result<Booking, Response>> {
    if token.is_empty() || token.len() > 100 {
        return Ok(Err(unknown_link()));
    }
    match ctx.state.store.booking_by_token(&token_hash(token)).await {
        Ok(b) => Ok(Ok(b)),
        Err(StoreError::NotFound) => Ok(Err(unknown_link())),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn clinician_name(ctx: &Ctx, b: &Booking) -> AppResult<String> {
    Ok(ctx.state.store.user(b.clinician_id).await?.display_name)
}

pub(super) fn state_of(b: &Booking, now: Timestamp) -> &'static str {
    if b.cancelled_at.is_some() {
        "cancelled"
    } else if b.starts_at <= now.as_second() {
        "past"
    } else {
        "booked"
    }
}

pub(super) async fn booking_view(
    ctx: &Ctx,
    token: &str,
    b: &Booking,
    status: StatusCode,
) -> AppResult<Response> {
    let clinic = ctx.state.store.clinic(b.clinic_id).await?;
    let slot = slot_of(b);
    let clinician = clinician_name(ctx, b).await?;
    let call = call_of(ctx, b).await?;
    let page = BookingPage {
        brand: crate::front::Brand::of(&clinic),
        how: call.how(&clinician, &b.phone),
        video_link: call.link().map(str::to_owned),
        page: ctx.page("Your call").await?,
        token: token.to_owned(),
        clinic_name: clinic.name.clone(),
        clinic_id: clinic.id,
        clinician_name: clinician,
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
        state: state_of(b, now_ts(ctx)),
    };
    render_status(status, page)
}

pub(super) async fn booking_page(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let b = match by_token(&ctx, &token).await? {
        Ok(b) => b,
        Err(page) => return Ok(page),
    };
    booking_view(&ctx, &token, &b, StatusCode::OK).await
}

/// How a booked call happens: the mode its clinician's call hours give now (a changed video
/// link reaches the visitor's page at once).
pub(super) async fn call_of(ctx: &Ctx, b: &Booking) -> AppResult<CallMode> {
    Ok(ctx
        .state
        .store
        .clinic_call_hours(b.clinic_id)
        .await?
        .into_iter()
        .find(|(u, _)| u.id == b.clinician_id)
        .map(|(_, h)| h.call)
        .unwrap_or_default())
}

pub(super) async fn facts_for<'a>(
    ctx: &Ctx,
    clinic: &'a Clinic,
    clinician: &'a str,
    b: &'a Booking,
    token: &str,
) -> AppResult<CallFacts<'a>> {
    Ok(CallFacts {
        call: call_of(ctx, b).await?,
        clinic,
        clinician,
        visitor_name: &b.name,
        phone: &b.phone,
        zone: &b.time_zone,
        slot: slot_of(b),
        link: format!("{}/bookings/{token}", ctx.state.config.base_url()),
        uid: call_uid(&b.token_hash),
        booked_at: Timestamp::from_second(b.created_at).unwrap_or(Timestamp::UNIX_EPOCH),
    })
}

pub(super) async fn cancel(ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let b = match by_token(&ctx, &token).await? {
        Ok(b) => b,
        Err(page) => return Ok(page),
    };
    let now = now_ts(&ctx);
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
        .await?
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

pub(super) async fn reschedule_page(
    ctx: Ctx,
    Path(token): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    let b = match by_token(&ctx, &token).await? {
        Ok(b) => b,
        Err(page) => return Ok(page),
    };
    if state_of(&b, now_ts(&ctx)) != "booked" {
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
        FormState::default(),
        None,
        Some(&b),
        query.get("day").map(String::as_str),
    )
    .await?;
    render(page)
}

pub(super) async fn reschedule(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let b = match by_token(&ctx, &token).await? {
        Ok(b) => b,
        Err(page) => return Ok(page),
    };
    let now = now_ts(&ctx);
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
    let mut form = FormState::from_values(fields.into_iter().collect());
    let zone = b.time_zone.clone();
    let slot = match check_start(&ctx, &offer, &mut form, now).await? {
        Ok(slot) => slot,
        Err(Some(taken)) => return taken_page(&ctx, &offer, zone, form, taken, Some(&b)).await,
        Err(None) => {
            let page = book_view(&ctx, &offer, zone, None, form, None, Some(&b), None).await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };
    let clinician = offer.clinician().display_name.clone();
    let to: Email = b
        .email
        .parse()
        .map_err(|_| AppError::Internal("stored booking email".into()))?;
    let mut facts = facts_for(&ctx, &offer.clinic, &clinician, &b, &token).await?;
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
