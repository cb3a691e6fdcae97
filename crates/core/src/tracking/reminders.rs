//! Reminders: the time of day and weekdays a runner wants a nudge to log on Today, checked from
//! what was typed, and when the next one falls in the runner's time zone.
//!
//! **Our choices**: a time is whole minutes, 24-hour `HH:MM` (what `<input type="time">`
//! sends); at least one weekday; at most one reminder a day (the store keeps one per local
//! date). A local time that does not exist on a day (a spring-forward gap) falls at the next
//! instant that does; one that happens twice (autumn) at the first.

use crate::fields::FieldErrors;
use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

/// The weekdays in the order forms list them, with their form value and name.
pub const WEEKDAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Monday, "mon", "Monday"),
    (Weekday::Tuesday, "tue", "Tuesday"),
    (Weekday::Wednesday, "wed", "Wednesday"),
    (Weekday::Thursday, "thu", "Thursday"),
    (Weekday::Friday, "fri", "Friday"),
    (Weekday::Saturday, "sat", "Saturday"),
    (Weekday::Sunday, "sun", "Sunday"),
];

/// A set of weekdays, one bit each from Monday (bit 0) to Sunday (bit 6); never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weekdays(u8);

impl Weekdays {
    /// From stored bits; `None` when empty or out of range.
    pub fn from_bits(bits: i64) -> Option<Weekdays> {
        u8::try_from(bits)
            .ok()
            .filter(|b| (1..=0x7f).contains(b))
            .map(Weekdays)
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    fn index(day: Weekday) -> u8 {
        u8::try_from(day.to_monday_zero_offset()).unwrap_or(0)
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << Self::index(day)) != 0
    }

    /// The form values of the days chosen (`mon`, `wed`…), in week order.
    pub fn values(self) -> Vec<&'static str> {
        WEEKDAYS
            .iter()
            .filter(|(d, _, _)| self.contains(*d))
            .map(|(_, v, _)| *v)
            .collect()
    }

    /// "every day", "weekdays", or "Monday, Wednesday and Friday".
    pub fn words(self) -> String {
        match self.0 {
            0x7f => return "every day".to_owned(),
            0x1f => return "weekdays".to_owned(),
            _ => {}
        }
        let names: Vec<&str> = WEEKDAYS
            .iter()
            .filter(|(d, _, _)| self.contains(*d))
            .map(|(_, _, n)| *n)
            .collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.concat(),
        }
    }
}

/// A reminder as typed: `time` as `HH:MM`, `days` as form values (`mon`…`sun`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawReminder {
    pub time: String,
    pub days: Vec<String>,
}

/// A checked reminder time and its days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderTime {
    /// Minutes after local midnight, 0 to 1439.
    minute_of_day: u16,
    pub days: Weekdays,
}

/// Minutes in a day: a stored minute must be below this.
pub const MINUTES_PER_DAY: i64 = 24 * 60;

impl ReminderTime {
    /// From stored values; `None` when either is out of range.
    pub fn from_stored(minute_of_day: i64, days: i64) -> Option<ReminderTime> {
        let minute_of_day = u16::try_from(minute_of_day)
            .ok()
            .filter(|m| i64::from(*m) < MINUTES_PER_DAY)?;
        Some(ReminderTime {
            minute_of_day,
            days: Weekdays::from_bits(days)?,
        })
    }

    pub fn minute_of_day(self) -> u16 {
        self.minute_of_day
    }

    /// `HH:MM`, as the time input shows it.
    pub fn time(self) -> String {
        format!(
            "{:02}:{:02}",
            self.minute_of_day / 60,
            self.minute_of_day % 60
        )
    }

    /// The first reminder instant strictly after `after`, in `tz`.
    pub fn next_after(self, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let today = after.to_zoned(tz.clone()).date();
        (0..=7).find_map(|n| {
            let day = today.checked_add(jiff::Span::new().days(n)).ok()?;
            self.on(day, tz).filter(|at| *at > after)
        })
    }

    /// The reminder instant on `day`, if `day` is one of the chosen days.
    pub fn on(self, day: Date, tz: &TimeZone) -> Option<Timestamp> {
        if !self.days.contains(day.weekday()) {
            return None;
        }
        let hour = i8::try_from(self.minute_of_day / 60).ok()?;
        let minute = i8::try_from(self.minute_of_day % 60).ok()?;
        let local = day.at(hour, minute, 0, 0);
        tz.to_ambiguous_zoned(local)
            .compatible()
            .ok()
            .map(|z| z.timestamp())
    }
}

const TIME_MESSAGE: &str = "Give a time from 00:00 to 23:59, like 18:30.";

impl RawReminder {
    /// Checks the time and the days; every refused field is named.
    pub fn validate(&self) -> Result<ReminderTime, FieldErrors> {
        let mut errors = FieldErrors::default();
        let minute_of_day = parse_time(self.time.trim());
        if minute_of_day.is_none() {
            errors.add("time", TIME_MESSAGE);
        }
        let mut bits = 0u8;
        let mut unknown = false;
        for value in &self.days {
            match WEEKDAYS.iter().position(|(_, v, _)| v == value) {
                Some(i) => bits |= 1 << i,
                None => unknown = true,
            }
        }
        if unknown {
            errors.add("days", "Choose days from the list.");
        } else if bits == 0 {
            errors.add("days", "Choose at least one day for the reminder.");
        }
        match (minute_of_day, Weekdays::from_bits(i64::from(bits))) {
            (Some(minute_of_day), Some(days)) if errors.is_empty() => Ok(ReminderTime {
                minute_of_day,
                days,
            }),
            _ => Err(errors),
        }
    }
}

/// `HH:MM` (or `H:MM`, and `HH:MM:SS` with zero seconds, as some browsers send) to minutes.
fn parse_time(raw: &str) -> Option<u16> {
    if raw.len() > 8 {
        return None;
    }
    let mut parts = raw.split(':');
    let hour: u16 = parts.next()?.parse().ok()?;
    let minute_part = parts.next()?;
    if minute_part.len() != 2 {
        return None;
    }
    let minute: u16 = minute_part.parse().ok()?;
    if let Some(seconds) = parts.next()
        && seconds != "00"
    {
        return None;
    }
    if parts.next().is_some() || hour > 23 || minute > 59 {
        return None;
    }
    Some(hour * 60 + minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(time: &str, days: &[&str]) -> RawReminder {
        RawReminder {
            time: time.to_owned(),
            days: days.iter().map(|d| (*d).to_owned()).collect(),
        }
    }

    #[test]
    fn times_and_days_are_checked() {
        let ok = raw("18:30", &["mon", "wed"]).validate().unwrap();
        assert_eq!(ok.time(), "18:30");
        assert_eq!(ok.days.values(), ["mon", "wed"]);
        assert_eq!(ok.days.words(), "Monday and Wednesday");
        assert_eq!(raw("7:05", &["sun"]).validate().unwrap().time(), "07:05");
        for bad in [
            "25:00", "24:00", "12:60", "", "noon", "12:5", "-1:00", "12:00:30",
        ] {
            let e = raw(bad, &["mon"]).validate().unwrap_err();
            assert_eq!(e.message("time"), Some(TIME_MESSAGE), "{bad}");
        }
        let none = raw("08:00", &[]).validate().unwrap_err();
        assert!(none.message("days").unwrap().contains("at least one day"));
        assert!(
            raw("08:00", &["funday"])
                .validate()
                .unwrap_err()
                .has("days")
        );
        let all = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        assert_eq!(
            raw("08:00", &all).validate().unwrap().days.words(),
            "every day"
        );
        assert!(ReminderTime::from_stored(1440, 1).is_none());
        assert!(ReminderTime::from_stored(0, 0).is_none());
        assert!(ReminderTime::from_stored(0, 128).is_none());
    }

    #[test]
    fn the_next_reminder_falls_on_a_chosen_day_in_local_time() {
        let tz = TimeZone::get("Europe/London").unwrap();
        let r = raw("18:30", &["mon", "thu"]).validate().unwrap();
        // Monday 2 March 2026, 19:00 London: past today's time, so Thursday 18:30.
        let after: Timestamp = "2026-03-02T19:00:00Z".parse().unwrap();
        let next = r.next_after(after, &tz).unwrap();
        assert_eq!(next.to_string(), "2026-03-05T18:30:00Z");
        // Before the time on a chosen day: that same day.
        let morning: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
        assert_eq!(
            r.next_after(morning, &tz).unwrap().to_string(),
            "2026-03-02T18:30:00Z"
        );
        // Summer time: 18:30 in London is 17:30 UTC.
        let summer: Timestamp = "2026-06-01T08:00:00Z".parse().unwrap();
        assert_eq!(
            r.next_after(summer, &tz).unwrap().to_string(),
            "2026-06-01T17:30:00Z"
        );
        // A time in the spring-forward gap falls after it.
        let gap = raw("01:30", &["sun"]).validate().unwrap();
        let before_gap: Timestamp = "2026-03-28T12:00:00Z".parse().unwrap();
        assert_eq!(
            gap.next_after(before_gap, &tz).unwrap().to_string(),
            "2026-03-29T01:30:00Z"
        );
    }
}
