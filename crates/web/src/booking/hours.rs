//! Clinicians' call hours (`/clinic/availability[/{clinician_id}]`): weekly hours, exceptions,
//! the booking window and how the calls happen (phone or video), for the clinician themself or
//! their clinic's admin.

use super::*;

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
    /// `phone` or `video`, and the video link.
    pub call_mode: FieldView,
    pub video_link: FieldView,
    /// The clinic's closed days in the booking window, for the clinician to see.
    pub closed_days: Vec<String>,
    pub is_admin: bool,
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
pub(super) struct HoursForm {
    pub(super) values: HashMap<String, String>,
    pub(super) errors: Vec<(String, String)>,
}

impl HoursForm {
    pub(super) fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    pub(super) fn error(&mut self, name: &str, message: impl Into<String>) {
        if !self.errors.iter().any(|(n, _)| n == name) {
            self.errors.push((name.to_owned(), message.into()));
        }
    }

    pub(super) fn field(&self, name: String) -> FieldView {
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
    pub(super) fn rows(&self, prefix: &str) -> usize {
        self.values
            .keys()
            .filter_map(|k| k.strip_prefix(prefix)?.strip_prefix('[')?.split_once(']'))
            .filter_map(|(i, _)| i.parse::<usize>().ok())
            .filter(|i| *i < MAX_FORM_ROWS)
            .map(|i| i + 1)
            .max()
            .unwrap_or(0)
    }

    pub(super) fn blank(&self, names: &[String]) -> bool {
        names.iter().all(|n| self.value(n).trim().is_empty())
    }
}

pub(super) fn weekly_names(i: usize) -> [String; 4] {
    [
        format!("weekly[{i}].weekday"),
        format!("weekly[{i}].start"),
        format!("weekly[{i}].end"),
        format!("weekly[{i}].slot_minutes"),
    ]
}

pub(super) fn exception_names(i: usize) -> [String; 5] {
    [
        format!("exceptions[{i}].date"),
        format!("exceptions[{i}].kind"),
        format!("exceptions[{i}].hours[0].start"),
        format!("exceptions[{i}].hours[0].end"),
        format!("exceptions[{i}].hours[0].slot_minutes"),
    ]
}

/// Core numbers rows without the blank ones; put its messages back on the rows as shown.
pub(super) fn remap(field: &str, prefix: &str, shown: &[usize]) -> String {
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

pub(super) fn add_core_errors(
    form: &mut HoursForm,
    errors: &FieldErrors,
    prefix: &str,
    shown: &[usize],
) {
    for e in &errors.0 {
        let name = remap(&e.field, prefix, shown);
        form.error(&name, e.message.clone());
    }
}

/// The form as stored hours fill it in.
pub(super) fn stored_values(
    hours: Option<&CallHours>,
    fallback_zone: &TimeZoneName,
    now: Timestamp,
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
    let call = hours.map(|h| h.call.clone()).unwrap_or_default();
    v.insert("call_mode".to_owned(), call.key().to_owned());
    v.insert(
        "video_link".to_owned(),
        call.link().unwrap_or_default().to_owned(),
    );
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
    let today = now.to_zoned(hours.availability.time_zone().zone()).date();
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

pub(super) fn hhmm(t: jiff::civil::Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// Reads the posted form into core's raw input, checks it, and records every error.
pub(super) fn check_hours_form(form: &mut HoursForm, now: Timestamp) -> Option<SaveCallHours> {
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
    let today = now.to_zoned(against.time_zone().zone()).date();
    let exceptions = match check_exceptions(&raw_exceptions, against, today) {
        Ok(e) => Some(e),
        Err(errors) => {
            add_core_errors(form, &errors, "exceptions", &exceptions_shown);
            None
        }
    };
    let call = match check_call_mode(&form.value("call_mode"), &form.value("video_link")) {
        Ok(call) => Some(call),
        Err(errors) => {
            for e in &errors.0 {
                form.error(&e.field, e.message.clone());
            }
            None
        }
    };
    Some(SaveCallHours {
        call: call?,
        availability: availability?,
        exceptions: exceptions?,
        window: BookingWindow {
            minimum_notice_hours: notice?,
            horizon_days: horizon?,
        },
    })
}

pub(super) async fn own_hours(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Clinician, Role::Admin])?;
    Ok(Redirect::to(&format!("/clinic/availability/{}", user.id)).into_response())
}

pub(super) async fn hours_page(ctx: Ctx, Path(clinician_id): Path<i64>) -> AppResult<Response> {
    let actor = ctx.actor()?;
    let (clinician, hours) = ctx
        .state
        .store
        .open_call_hours(&actor, clinician_id)
        .await?;
    let zone = clinic_zone(&ctx, &clinician).await?;
    let form = HoursForm {
        values: stored_values(hours.as_ref(), &zone, now_ts(&ctx)),
        errors: Vec::new(),
    };
    let page = hours_view(&ctx, &clinician, form, true).await?;
    render(page)
}

pub(super) async fn clinic_zone(ctx: &Ctx, clinician: &User) -> AppResult<TimeZoneName> {
    Ok(match clinician.clinic_id {
        Some(id) => ctx.state.store.clinic(id).await?.time_zone,
        None => clinician.time_zone.clone(),
    })
}

pub(super) async fn save_hours(
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
    match check_hours_form(&mut form, now_ts(&ctx)) {
        Some(hours) if form.errors.is_empty() => {
            ctx.state
                .store
                .save_call_hours(&actor, clinician_id, &hours, now_ts(&ctx).as_second())
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

pub(super) async fn hours_view(
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
        .clinic_bookings(&actor, now_ts(ctx).as_second())
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
    let clinic = ctx.state.store.clinic(clinic_id).await?;
    let today = now_ts(ctx).to_zoned(clinic.time_zone.zone()).date();
    let until = today
        .checked_add(
            jiff::Span::new().days(i64::from(backstride_core::booking::rules::MAX_HORIZON_DAYS)),
        )
        .unwrap_or(today);
    let closed_days = super::holidays::of_clinic(ctx, &clinic)
        .await?
        .closed_between(today, until)
        .into_iter()
        .take(12)
        .map(|h| format!("{} — {}", h.date.strftime("%a %-d %b %Y"), h.name))
        .collect();
    Ok(HoursPage {
        call_mode: form.field("call_mode".into()),
        video_link: form.field("video_link".into()),
        closed_days,
        is_admin: viewer.role == Role::Admin,
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
