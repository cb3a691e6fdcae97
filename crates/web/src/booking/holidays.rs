//! The clinic's holidays (`/clinic/holidays`, the clinic's admins): its country's public
//! holidays as the default list — the country taken from the clinic's time zone until the admin
//! chooses — with a tick to stay open on any of them, and days of the clinic's own. No call can
//! be booked on a closed day (`book.rs`); the rules are core's (`booking::holidays`).

use super::*;
use backstride_core::booking::holidays::{MAX_NAME_CHARS, MAX_OWN_DAYS, own_days_text};
use backstride_core::booking::{ClinicHolidays, Country, RawClinicHolidays, check_holidays};

/// The clinic's closed days: as its admin saved them, else the default for its time zone.
pub(super) async fn of_clinic(ctx: &Ctx, clinic: &Clinic) -> AppResult<ClinicHolidays> {
    Ok(ctx
        .state
        .store
        .clinic_holidays(clinic.id)
        .await?
        .unwrap_or_else(|| ClinicHolidays::default_for(&clinic.time_zone)))
}

/// One default holiday on the form, with whether the clinic stays open.
pub struct DefaultDay {
    pub date: String,
    pub label: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "booking_holidays.html")]
pub struct HolidaysPage {
    pub page: Page,
    pub clinic_id: i64,
    pub countries: Vec<(&'static str, &'static str)>,
    pub country: String,
    pub defaults: Vec<DefaultDay>,
    pub own_days: String,
    /// (field, message).
    pub errors: Vec<(String, String)>,
    pub max_own_days: usize,
    pub max_name_chars: usize,
}

impl HolidaysPage {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// The admin and their clinic; anyone else gets the forbidden page.
async fn admin_clinic(ctx: &Ctx) -> AppResult<Clinic> {
    let admin = ctx.user_with_role(&[Role::Admin])?;
    let clinic_id = admin.clinic_id.ok_or(AppError::Forbidden)?;
    Ok(ctx.state.store.clinic(clinic_id).await?)
}

/// The clinic's today and the last day anyone could book (a year ahead, the longest horizon).
fn shown_range(ctx: &Ctx, clinic: &Clinic) -> (jiff::civil::Date, jiff::civil::Date) {
    let today = ctx.state.clock.today_in(&clinic.time_zone);
    let last = today
        .checked_add(
            jiff::Span::new().days(i64::from(backstride_core::booking::rules::MAX_HORIZON_DAYS)),
        )
        .unwrap_or(today);
    (today, last)
}

async fn view(
    ctx: &Ctx,
    clinic: &Clinic,
    chosen: &ClinicHolidays,
    own_days: String,
    errors: Vec<(String, String)>,
) -> AppResult<HolidaysPage> {
    let (today, last) = shown_range(ctx, clinic);
    let defaults = chosen
        .defaults_between(today, last)
        .into_iter()
        .map(|h| DefaultDay {
            date: h.date.to_string(),
            label: format!("{} — {}", h.date.strftime("%a %-d %b %Y"), h.name),
            open: chosen.open_on.contains(&h.date),
        })
        .collect();
    Ok(HolidaysPage {
        page: ctx.page("Clinic holidays").await?,
        clinic_id: clinic.id,
        countries: Country::ALL.iter().map(|c| (c.key(), c.name())).collect(),
        country: chosen.country.map(|c| c.key()).unwrap_or("").to_owned(),
        defaults,
        own_days,
        errors,
        max_own_days: MAX_OWN_DAYS,
        max_name_chars: MAX_NAME_CHARS,
    })
}

/// `GET /clinic/holidays`.
pub(super) async fn page(ctx: Ctx) -> AppResult<Response> {
    let clinic = admin_clinic(&ctx).await?;
    let chosen = of_clinic(&ctx, &clinic).await?;
    let text = own_days_text(&chosen);
    render(view(&ctx, &clinic, &chosen, text, Vec::new()).await?)
}

/// `POST /clinic/holidays`: saves the country, the holidays the clinic stays open on and its
/// own days; a mistake is shown by its field with everything typed kept.
pub(super) async fn save(
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let clinic = admin_clinic(&ctx).await?;
    let mut raw = RawClinicHolidays::default();
    for (name, value) in fields.into_iter().take(MAX_FORM_ROWS) {
        match name.as_str() {
            "country" => raw.country = value,
            "open_on" => raw.open_on.push(value),
            "own_days" => raw.own_days = value,
            _ => {}
        }
    }
    let (today, _) = shown_range(&ctx, &clinic);
    match check_holidays(&raw, today) {
        Ok(chosen) => {
            ctx.state
                .store
                .save_clinic_holidays(&ctx.actor()?, clinic.id, &chosen, ctx.state.clock.unix())
                .await?;
            ctx.flash("success", "The clinic's holidays are saved.")
                .await?;
            Ok(Redirect::to("/clinic/holidays").into_response())
        }
        Err(errors) => {
            // Shown as typed: the country as chosen when known, the own days as typed.
            let shown = ClinicHolidays {
                country: Country::from_key(raw.country.trim()),
                open_on: raw
                    .open_on
                    .iter()
                    .filter_map(|d| d.trim().parse().ok())
                    .collect(),
                own_days: Vec::new(),
            };
            let errors = errors.0.into_iter().map(|e| (e.field, e.message)).collect();
            let page = view(&ctx, &clinic, &shown, raw.own_days, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}
