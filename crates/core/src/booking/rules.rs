//! When a clinician takes calls: weekly hours in their own time zone, exceptions on single
//! dates, and how far ahead a visitor may book. Raw form input is checked here into values that
//! are valid by construction, with one plain message per field that is wrong.

use crate::account::TimeZoneName;
use crate::dates::CALL_HOURS_EXCEPTION;
use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};

/// Call length used when the clinician leaves it blank (our choice: a short coaching call).
pub const DEFAULT_SLOT_MINUTES: u16 = 30;
/// Shortest call that can be offered, in minutes (our choice).
pub const MIN_SLOT_MINUTES: u16 = 10;
/// Longest call that can be offered, in minutes (our choice).
pub const MAX_SLOT_MINUTES: u16 = 120;
/// Notice a visitor must give by default, in hours (our choice: time to read the request).
pub const DEFAULT_MINIMUM_NOTICE_HOURS: u16 = 12;
/// How far ahead a visitor may book by default, in days (our choice: four weeks).
pub const DEFAULT_HORIZON_DAYS: u16 = 28;
/// Longest horizon accepted, in days (our choice: a year keeps slot lists bounded).
pub const MAX_HORIZON_DAYS: u16 = 366;
/// Most stretches of hours accepted in one week or on one date (our choice).
pub const MAX_HOURS_ENTRIES: usize = 50;
/// Most exceptions accepted at once (our choice).
pub const MAX_EXCEPTIONS: usize = 400;

/// How long one call lasts, from [`MIN_SLOT_MINUTES`] to [`MAX_SLOT_MINUTES`] minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct SlotLength(u16);

impl SlotLength {
    /// The plain number of minutes.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl Default for SlotLength {
    fn default() -> Self {
        SlotLength(DEFAULT_SLOT_MINUTES)
    }
}

impl TryFrom<u16> for SlotLength {
    type Error = &'static str;
    fn try_from(minutes: u16) -> Result<Self, Self::Error> {
        if (MIN_SLOT_MINUTES..=MAX_SLOT_MINUTES).contains(&minutes) {
            Ok(SlotLength(minutes))
        } else {
            Err("A call lasts from 10 to 120 minutes.")
        }
    }
}

impl From<SlotLength> for u16 {
    fn from(length: SlotLength) -> u16 {
        length.0
    }
}

/// One stretch of a day during which calls of one length are offered back to back, in the
/// clinician's local (wall-clock) time. The end is after the start and leaves room for at least
/// one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "HoursParts", into = "HoursParts")]
pub struct Hours {
    start: Time,
    end: Time,
    slot: SlotLength,
}

#[derive(Serialize, Deserialize)]
struct HoursParts {
    start: Time,
    end: Time,
    slot_minutes: SlotLength,
}

impl TryFrom<HoursParts> for Hours {
    type Error = &'static str;
    fn try_from(p: HoursParts) -> Result<Self, Self::Error> {
        Hours::new(p.start, p.end, p.slot_minutes)
    }
}

impl From<Hours> for HoursParts {
    fn from(h: Hours) -> Self {
        HoursParts {
            start: h.start,
            end: h.end,
            slot_minutes: h.slot,
        }
    }
}

impl Hours {
    /// Hours from `start` to `end` in calls of `slot` length; refused when the end is not after
    /// the start or there is no room for one call.
    pub fn new(start: Time, end: Time, slot: SlotLength) -> Result<Self, &'static str> {
        if end <= start {
            return Err("The end time must be after the start time.");
        }
        let hours = Hours { start, end, slot };
        if hours.length_minutes() < i32::from(slot.minutes()) {
            return Err(
                "These hours are shorter than one call: make them longer or the call shorter.",
            );
        }
        Ok(hours)
    }

    pub fn start(&self) -> Time {
        self.start
    }

    pub fn end(&self) -> Time {
        self.end
    }

    pub fn slot(&self) -> SlotLength {
        self.slot
    }

    fn length_minutes(&self) -> i32 {
        minute_of_day(self.end) - minute_of_day(self.start)
    }

    /// Whether two stretches share any minute.
    pub fn overlaps(&self, other: &Hours) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Local start times of the calls, back to back from the start, each ending by the end.
    pub fn call_starts(&self) -> impl Iterator<Item = Time> + '_ {
        let step = i32::from(self.slot.minutes());
        let first = minute_of_day(self.start);
        let last = minute_of_day(self.end) - step;
        (first..=last)
            .step_by(step as usize)
            .filter_map(time_from_minute)
    }

    /// "09:00–12:00".
    pub fn words(&self) -> String {
        format!("{}–{}", hhmm(self.start), hhmm(self.end))
    }
}

/// Minutes since local midnight (seconds are never used).
pub(crate) fn minute_of_day(t: Time) -> i32 {
    i32::from(t.hour()) * 60 + i32::from(t.minute())
}

fn time_from_minute(m: i32) -> Option<Time> {
    Time::new(i8::try_from(m / 60).ok()?, i8::try_from(m % 60).ok()?, 0, 0).ok()
}

pub(crate) fn hhmm(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// Hours offered on every given day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    #[serde(with = "weekday_serde")]
    pub weekday: Weekday,
    pub hours: Hours,
}

/// Weekdays stored by their English name ("monday"): jiff's `Weekday` has no serde form.
mod weekday_serde {
    use super::{Weekday, parse_weekday, weekday_name};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&weekday_name(*day).to_lowercase())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let raw = String::deserialize(d)?;
        parse_weekday(&raw).ok_or_else(|| serde::de::Error::custom("unknown weekday"))
    }
}

/// A clinician's standing weekly hours, in their own time zone. No two stretches on the same day
/// overlap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AvailabilityParts", into = "AvailabilityParts")]
pub struct Availability {
    time_zone: TimeZoneName,
    weekly: Vec<WeeklyHours>,
}

/// The stored form of [`Availability`], checked again when read back.
#[derive(Serialize, Deserialize)]
struct AvailabilityParts {
    time_zone: TimeZoneName,
    weekly: Vec<WeeklyHours>,
}

impl TryFrom<AvailabilityParts> for Availability {
    type Error = FieldErrors;
    fn try_from(p: AvailabilityParts) -> Result<Self, FieldErrors> {
        Availability::new(p.time_zone, p.weekly)
    }
}

impl From<Availability> for AvailabilityParts {
    fn from(a: Availability) -> Self {
        AvailabilityParts {
            time_zone: a.time_zone,
            weekly: a.weekly,
        }
    }
}

impl Availability {
    /// Checks that no two stretches on the same weekday overlap.
    pub fn new(time_zone: TimeZoneName, weekly: Vec<WeeklyHours>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        if weekly.len() > MAX_HOURS_ENTRIES {
            errors.add("weekly", too_many_hours());
        }
        for (i, w) in weekly.iter().enumerate() {
            if let Some(earlier) = weekly[..i]
                .iter()
                .find(|e| e.weekday == w.weekday && e.hours.overlaps(&w.hours))
            {
                errors.add(
                    &format!("weekly[{i}].start"),
                    format!(
                        "These hours overlap {} {}: change one of them.",
                        weekday_name(earlier.weekday),
                        earlier.hours.words()
                    ),
                );
            }
        }
        into_result(errors, Availability { time_zone, weekly })
    }

    /// The time zone the hours are in.
    pub fn time_zone(&self) -> &TimeZoneName {
        &self.time_zone
    }

    pub fn weekly(&self) -> &[WeeklyHours] {
        &self.weekly
    }

    /// The standing hours on a given weekday, earliest first.
    pub fn hours_on(&self, weekday: Weekday) -> Vec<Hours> {
        let mut hours: Vec<Hours> = self
            .weekly
            .iter()
            .filter(|w| w.weekday == weekday)
            .map(|w| w.hours)
            .collect();
        hours.sort_by_key(|h| h.start);
        hours
    }
}

/// What changes on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "hours", rename_all = "snake_case")]
pub enum ExceptionKind {
    /// No calls at all that day.
    DayOff,
    /// These hours instead of the weekly ones.
    ChangedHours(Vec<Hours>),
    /// These hours as well as the weekly ones (never overlapping them).
    ExtraHours(Vec<Hours>),
}

/// A change to the weekly hours on one date of the clinician's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub date: Date,
    pub kind: ExceptionKind,
}

/// The hours offered on `date` once its exception (the first one for that date) is applied.
pub fn hours_on_date(
    availability: &Availability,
    exceptions: &[Exception],
    date: Date,
) -> Vec<Hours> {
    let mut hours = match exceptions.iter().find(|e| e.date == date).map(|e| &e.kind) {
        None => availability.hours_on(date.weekday()),
        Some(ExceptionKind::DayOff) => Vec::new(),
        Some(ExceptionKind::ChangedHours(h)) => h.clone(),
        Some(ExceptionKind::ExtraHours(h)) => {
            let mut all = availability.hours_on(date.weekday());
            all.extend(h.iter().copied());
            all
        }
    };
    hours.sort_by_key(|h| h.start);
    hours
}

/// How soon and how far ahead calls may be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingWindow {
    /// A call starts at least this many hours after it is booked.
    pub minimum_notice_hours: u16,
    /// A call starts less than this many days (of 24 hours) after it is booked.
    pub horizon_days: u16,
}

impl Default for BookingWindow {
    fn default() -> Self {
        BookingWindow {
            minimum_notice_hours: DEFAULT_MINIMUM_NOTICE_HOURS,
            horizon_days: DEFAULT_HORIZON_DAYS,
        }
    }
}

pub use crate::fields::{FieldError, FieldErrors};

/// `value` when nothing was refused.
fn into_result<T>(errors: FieldErrors, value: T) -> Result<T, FieldErrors> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

fn too_many_hours() -> String {
    format!("Add at most {MAX_HOURS_ENTRIES} stretches of hours.")
}

/// One stretch of hours as typed: times like `09:00`, minutes like `30` (blank means
/// [`DEFAULT_SLOT_MINUTES`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawHours {
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub slot_minutes: String,
}

/// Weekly hours as typed: a weekday name (`monday`, `Mon`) and the hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawWeeklyHours {
    pub weekday: String,
    #[serde(flatten)]
    pub hours: RawHours,
}

/// A clinician's weekly availability form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawAvailability {
    pub time_zone: String,
    #[serde(default)]
    pub weekly: Vec<RawWeeklyHours>,
}

/// An exception as typed: a date `YYYY-MM-DD`, a kind (`day_off`, `changed_hours` or
/// `extra_hours`) and, unless it is a day off, the hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawException {
    pub date: String,
    pub kind: String,
    #[serde(default)]
    pub hours: Vec<RawHours>,
}

/// Reads `09:00`, `9:00` or `9.00` (24-hour clock).
pub fn parse_time(raw: &str) -> Option<Time> {
    let (h, m) = raw.trim().split_once([':', '.'])?;
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(1..=2).contains(&h.len()) || m.len() != 2 || !all_digits(h) || !all_digits(m) {
        return None;
    }
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

/// Reads a weekday in English: `monday`, `Mon`, `MONDAY`.
pub fn parse_weekday(raw: &str) -> Option<Weekday> {
    let raw = raw.trim().to_lowercase();
    if raw.len() < 3 {
        return None;
    }
    ALL_WEEKDAYS
        .into_iter()
        .find(|d| weekday_name(*d).to_lowercase().starts_with(&raw))
}

const ALL_WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// "Monday".
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// Checks one stretch of hours, reporting under `prefix` (`weekly[0]` → `weekly[0].end`).
fn check_hours(raw: &RawHours, prefix: &str, errors: &mut FieldErrors) -> Option<Hours> {
    let start = parse_time(&raw.start);
    if start.is_none() {
        errors.add(
            &format!("{prefix}.start"),
            "Enter the start time on the 24-hour clock, for example 09:00.",
        );
    }
    let end = parse_time(&raw.end);
    if end.is_none() {
        errors.add(
            &format!("{prefix}.end"),
            "Enter the end time on the 24-hour clock, for example 17:30.",
        );
    }
    let slot = if raw.slot_minutes.trim().is_empty() {
        Some(SlotLength::default())
    } else {
        let slot = raw
            .slot_minutes
            .trim()
            .parse::<u16>()
            .ok()
            .and_then(|m| SlotLength::try_from(m).ok());
        if slot.is_none() {
            errors.add(
                &format!("{prefix}.slot_minutes"),
                "Enter how long a call lasts in whole minutes, from 10 to 120.",
            );
        }
        slot
    };
    let (start, end, slot) = (start?, end?, slot?);
    match Hours::new(start, end, slot) {
        Ok(hours) => Some(hours),
        Err(message) => {
            errors.add(&format!("{prefix}.end"), message);
            None
        }
    }
}

/// Reports every stretch in `list` that overlaps an earlier one or one of `standing`.
fn check_overlaps(
    list: &[(usize, Hours)],
    standing: &[Hours],
    prefix: &str,
    errors: &mut FieldErrors,
) {
    for (n, (i, h)) in list.iter().enumerate() {
        let clash = standing
            .iter()
            .map(|s| (s, "the weekly hours "))
            .chain(list[..n].iter().map(|(_, e)| (e, "")))
            .find(|(other, _)| other.overlaps(h));
        if let Some((other, which)) = clash {
            errors.add(
                &format!("{prefix}[{i}].start"),
                format!(
                    "These hours overlap {which}{}: change one of them.",
                    other.words()
                ),
            );
        }
    }
}

impl TryFrom<&RawAvailability> for Availability {
    type Error = FieldErrors;

    /// Checks a weekly-hours form: a known time zone, valid times and call lengths, an end after
    /// each start, and no overlaps on the same day.
    fn try_from(raw: &RawAvailability) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let time_zone = raw.time_zone.parse::<TimeZoneName>();
        if let Err(e) = &time_zone {
            errors.add("time_zone", e.to_string());
        }
        if raw.weekly.len() > MAX_HOURS_ENTRIES {
            errors.add("weekly", too_many_hours());
        }
        let mut by_day: Vec<(Weekday, usize, Hours)> = Vec::new();
        for (i, w) in raw.weekly.iter().enumerate().take(MAX_HOURS_ENTRIES) {
            let prefix = format!("weekly[{i}]");
            let weekday = parse_weekday(&w.weekday);
            if weekday.is_none() {
                errors.add(
                    &format!("{prefix}.weekday"),
                    "Pick a day of the week, for example Monday.",
                );
            }
            let hours = check_hours(&w.hours, &prefix, &mut errors);
            if let (Some(weekday), Some(hours)) = (weekday, hours) {
                by_day.push((weekday, i, hours));
            }
        }
        for day in ALL_WEEKDAYS {
            let list: Vec<(usize, Hours)> = by_day
                .iter()
                .filter(|(d, _, _)| *d == day)
                .map(|(_, i, h)| (*i, *h))
                .collect();
            check_overlaps(&list, &[], "weekly", &mut errors);
        }
        let time_zone = match time_zone {
            Ok(tz) if errors.0.is_empty() => tz,
            _ => return Err(errors),
        };
        let weekly = by_day
            .into_iter()
            .map(|(weekday, _, hours)| WeeklyHours { weekday, hours })
            .collect();
        Availability::new(time_zone, weekly)
    }
}

/// Checks an exceptions form on `today` (the clinician's) against the weekly hours: valid dates
/// within [`CALL_HOURS_EXCEPTION`], one exception per date, a known kind, valid hours (none for
/// a day off, at least one otherwise) and no overlaps — extra hours may not overlap the weekly
/// hours of that day either.
pub fn check_exceptions(
    raw: &[RawException],
    availability: &Availability,
    today: Date,
) -> Result<Vec<Exception>, FieldErrors> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Kind {
        DayOff,
        Changed,
        Extra,
    }
    let mut errors = FieldErrors::default();
    if raw.len() > MAX_EXCEPTIONS {
        errors.add(
            "exceptions",
            format!("Add at most {MAX_EXCEPTIONS} exceptions."),
        );
    }
    let mut out: Vec<Exception> = Vec::new();
    let mut seen: Vec<Date> = Vec::new();
    for (i, r) in raw.iter().enumerate().take(MAX_EXCEPTIONS) {
        let prefix = format!("exceptions[{i}]");
        let date = match r.date.trim().parse::<Date>() {
            Err(_) => Err("Enter the date as YYYY-MM-DD, for example 2025-12-24.".to_owned()),
            Ok(d) => CALL_HOURS_EXCEPTION.check(d, today),
        };
        let date = date
            .map_err(|message| errors.add(&format!("{prefix}.date"), message))
            .ok();
        match date {
            None => {}
            Some(d) if seen.contains(&d) => errors.add(
                &format!("{prefix}.date"),
                "This date already has an exception: change that one instead.",
            ),
            Some(d) => seen.push(d),
        }
        let kind = r.kind.trim().to_lowercase().replace([' ', '-'], "_");
        let kind = match kind.as_str() {
            "day_off" | "off" => Some(Kind::DayOff),
            "changed_hours" | "changed" => Some(Kind::Changed),
            "extra_hours" | "extra" => Some(Kind::Extra),
            _ => {
                errors.add(
                    &format!("{prefix}.kind"),
                    "Choose a day off, changed hours or extra hours.",
                );
                None
            }
        };
        let hours_prefix = format!("{prefix}.hours");
        if r.hours.len() > MAX_HOURS_ENTRIES {
            errors.add(&hours_prefix, too_many_hours());
        }
        let mut hours: Vec<(usize, Hours)> = Vec::new();
        if kind != Some(Kind::DayOff) {
            for (j, h) in r.hours.iter().enumerate().take(MAX_HOURS_ENTRIES) {
                if let Some(h) = check_hours(h, &format!("{hours_prefix}[{j}]"), &mut errors) {
                    hours.push((j, h));
                }
            }
        }
        match kind {
            Some(Kind::DayOff) if !r.hours.is_empty() => errors.add(
                &hours_prefix,
                "A day off has no hours: remove them, or choose changed hours.",
            ),
            Some(Kind::Changed | Kind::Extra) if r.hours.is_empty() => errors.add(
                &hours_prefix,
                "Add the hours for this date, or choose a day off.",
            ),
            _ => {}
        }
        let standing = match (kind, date) {
            (Some(Kind::Extra), Some(d)) => availability.hours_on(d.weekday()),
            _ => Vec::new(),
        };
        check_overlaps(&hours, &standing, &hours_prefix, &mut errors);
        if let (Some(date), Some(kind)) = (date, kind) {
            let hours: Vec<Hours> = hours.into_iter().map(|(_, h)| h).collect();
            let kind = match kind {
                Kind::DayOff => ExceptionKind::DayOff,
                Kind::Changed => ExceptionKind::ChangedHours(hours),
                Kind::Extra => ExceptionKind::ExtraHours(hours),
            };
            out.push(Exception { date, kind });
        }
    }
    into_result(errors, out)
}
