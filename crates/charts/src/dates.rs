//! Dates as the charts write them ("3 Nov" on an axis, "3 November 2025" in a description) and
//! the few date sums the charts need.

use jiff::{Span, civil::Date};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(d: Date) -> &'static str {
    usize::try_from(d.month() - 1)
        .ok()
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or("")
}

fn month_short(d: Date) -> &'static str {
    month_name(d).get(..3).unwrap_or("")
}

/// "3 Nov".
pub(crate) fn short(d: Date) -> String {
    format!("{} {}", d.day(), month_short(d))
}

/// "3 Nov 2025".
pub(crate) fn short_with_year(d: Date) -> String {
    format!("{} {} {}", d.day(), month_short(d), d.year())
}

/// "Mon 3 Nov 2025", for a table of days.
pub(crate) fn with_weekday(d: Date) -> String {
    let day = match d.weekday() {
        jiff::civil::Weekday::Monday => "Mon",
        jiff::civil::Weekday::Tuesday => "Tue",
        jiff::civil::Weekday::Wednesday => "Wed",
        jiff::civil::Weekday::Thursday => "Thu",
        jiff::civil::Weekday::Friday => "Fri",
        jiff::civil::Weekday::Saturday => "Sat",
        jiff::civil::Weekday::Sunday => "Sun",
    };
    format!("{day} {}", short_with_year(d))
}

/// "3 November 2025".
pub(crate) fn long(d: Date) -> String {
    format!("{} {} {}", d.day(), month_name(d), d.year())
}

/// "between 3 and 24 November 2025", "between 28 October and 24 November 2025",
/// "between 28 December 2024 and 5 January 2025", or "on 3 November 2025" for one day.
pub(crate) fn span(first: Date, last: Date) -> String {
    if first == last {
        format!("on {}", long(first))
    } else {
        format!("between {}", join(first, last, "and"))
    }
}

/// "3 to 24 November 2025", "28 October to 24 November 2025", "28 December 2024 to 5 January
/// 2025" with `word` between the two dates.
pub(crate) fn join(first: Date, last: Date, word: &str) -> String {
    if first.year() != last.year() {
        format!("{} {word} {}", long(first), long(last))
    } else if first.month() != last.month() {
        format!(
            "{} {} {word} {}",
            first.day(),
            month_name(first),
            long(last)
        )
    } else {
        format!("{} {word} {}", first.day(), long(last))
    }
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub(crate) fn days_between(a: Date, b: Date) -> i64 {
    a.duration_until(b).as_secs().div_euclid(86_400)
}

/// `d` plus `n` days, if that is a date jiff can represent.
pub(crate) fn add_days(d: Date, n: i64) -> Option<Date> {
    let span = Span::new().try_days(n).ok()?;
    d.checked_add(span).ok()
}

/// Axis labels for dates in order: "3 Nov", with the year added to the first label and wherever
/// the year changes when the dates span more than one year.
pub(crate) fn axis_labels(dates: &[Date]) -> Vec<String> {
    let spans_years = dates
        .first()
        .zip(dates.last())
        .is_some_and(|(a, b)| a.year() != b.year());
    let mut previous: Option<i16> = None;
    dates
        .iter()
        .map(|d| {
            let label = if spans_years && previous != Some(d.year()) {
                short_with_year(*d)
            } else {
                short(*d)
            };
            previous = Some(d.year());
            label
        })
        .collect()
}

/// Which days (offsets from `first`, over `n_days` days) a continuous date axis labels: at most
/// `max`, every 1, 2 or 3 days, or every 1, 2 or 4… weeks on Mondays.
pub(crate) fn day_ticks(first: Date, n_days: i64, max: usize) -> Vec<i64> {
    let max = i64::try_from(max.max(1)).unwrap_or(8);
    let n_days = n_days.max(1);
    let monday_offset = (7 - i64::from(first.weekday().to_monday_zero_offset())) % 7;
    let count = |offset: i64, step: i64| {
        if offset < n_days {
            (n_days - 1 - offset) / step + 1
        } else {
            0
        }
    };
    let mut chosen = None;
    for step in [1, 2, 3, 7, 14] {
        let offset = if step % 7 == 0 { monday_offset } else { 0 };
        if count(offset, step) <= max {
            chosen = Some((offset, step));
            break;
        }
    }
    let (offset, step) = chosen.unwrap_or_else(|| {
        let weeks = 4 * (n_days.div_euclid(28 * max) + 1);
        (monday_offset, 7 * weeks)
    });
    let mut ticks = Vec::new();
    let mut day = offset;
    while day < n_days && ticks.len() < usize::try_from(max).unwrap_or(8) {
        ticks.push(day);
        day += step;
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn words() {
        assert_eq!(short(date(2025, 11, 3)), "3 Nov");
        assert_eq!(with_weekday(date(2025, 11, 3)), "Mon 3 Nov 2025");
        assert_eq!(
            span(date(2025, 11, 3), date(2025, 11, 24)),
            "between 3 and 24 November 2025"
        );
        assert_eq!(
            span(date(2025, 10, 28), date(2025, 11, 24)),
            "between 28 October and 24 November 2025"
        );
        assert_eq!(
            span(date(2024, 12, 28), date(2025, 1, 5)),
            "between 28 December 2024 and 5 January 2025"
        );
        assert_eq!(
            span(date(2025, 11, 3), date(2025, 11, 3)),
            "on 3 November 2025"
        );
        assert_eq!(
            axis_labels(&[date(2024, 12, 23), date(2024, 12, 30), date(2025, 1, 6)]),
            ["23 Dec 2024", "30 Dec", "6 Jan 2025"]
        );
        assert_eq!(
            axis_labels(&[date(2025, 1, 6), date(2025, 1, 13)]),
            ["6 Jan", "13 Jan"]
        );
    }

    #[test]
    fn sums() {
        assert_eq!(days_between(date(2025, 11, 3), date(2025, 11, 24)), 21);
        assert_eq!(days_between(date(2025, 3, 29), date(2025, 3, 31)), 2);
        assert_eq!(add_days(date(2025, 12, 30), 3), Some(date(2026, 1, 2)));
        assert_eq!(add_days(date(9999, 12, 30), 3), None);
    }

    #[test]
    fn ticks_are_few_and_on_mondays_for_weeks() {
        // 3 Nov 2025 is a Monday; a week of days is labelled daily.
        assert_eq!(
            day_ticks(date(2025, 11, 3), 7, 8),
            (0..7).collect::<Vec<_>>()
        );
        // Three weeks from a Wednesday: every 3 days.
        assert_eq!(
            day_ticks(date(2025, 11, 5), 21, 8),
            [0, 3, 6, 9, 12, 15, 18]
        );
        // Eight weeks from a Wednesday: weekly, on Mondays (offset 5).
        let t = day_ticks(date(2025, 11, 5), 56, 8);
        assert_eq!(t, [5, 12, 19, 26, 33, 40, 47, 54]);
        // A year: every 8 weeks at most 8 labels.
        let t = day_ticks(date(2025, 1, 1), 365, 8);
        assert!(t.len() <= 8 && t.len() >= 5, "{t:?}");
        assert!(t.windows(2).all(|w| (w[1] - w[0]) % 28 == 0));
        assert_eq!(day_ticks(date(2025, 1, 1), 1, 8), [0]);
    }
}
