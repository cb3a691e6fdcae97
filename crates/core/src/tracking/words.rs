//! Small shared pieces of wording: days, pain scores and distances as a person reads them.

use crate::assessment::explain::format_number;
use crate::programme::DayOfWeek;
use jiff::ToSpan;
use jiff::civil::Date;

/// "Tuesday"; within a 7-day window a weekday names one date.
pub(crate) fn day(date: Date) -> &'static str {
    DayOfWeek::from(date.weekday()).name()
}

/// "today", "yesterday" or the weekday, relative to `today`.
pub(crate) fn day_from(date: Date, today: Date) -> String {
    if date == today {
        "today".to_owned()
    } else if Some(date) == days_before(today, 1) {
        "yesterday".to_owned()
    } else {
        format!("on {}", day(date))
    }
}

/// "4/10".
pub(crate) fn pain(score: u8) -> String {
    format!("{score}/10")
}

/// "4/10" for a threshold value.
pub(crate) fn pain_f(score: f64) -> String {
    format!("{}/10", format_number(score, 1))
}

/// "12.5 km" from metres.
pub(crate) fn km(metres: f64) -> String {
    format!("{} km", format_number(metres / 1000.0, 1))
}

/// `n` with its noun, plural when `n` is not 1: "1 morning", "2 mornings".
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The date `n` days before `date`, if the calendar has it.
pub(crate) fn days_before(date: Date, n: i64) -> Option<Date> {
    date.checked_sub(n.days()).ok()
}

/// The date after `date`, if the calendar has it.
pub(crate) fn next_day(date: Date) -> Option<Date> {
    date.checked_add(1.days()).ok()
}

/// Whole days from `earlier` to `later` (negative when `later` is earlier).
pub(crate) fn days_between(earlier: Date, later: Date) -> i64 {
    i64::from((later - earlier).get_days())
}

/// "A, B and C".
pub(crate) fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn words_read_naturally() {
        let today = date(2026, 3, 5); // a Thursday
        assert_eq!(day_from(today, today), "today");
        assert_eq!(day_from(date(2026, 3, 4), today), "yesterday");
        assert_eq!(day_from(date(2026, 3, 3), today), "on Tuesday");
        assert_eq!(km(12_345.0), "12.3 km");
        assert_eq!(count(1, "morning"), "1 morning");
        assert_eq!(count(2, "morning"), "2 mornings");
        assert_eq!(days_between(date(2026, 2, 27), today), 6);
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }
}
