//! Dates a person types, checked against a window around today: a wrong year ("0001-01-01",
//! "9999-12-31") is refused beside its field instead of planning, tracking or reviewing
//! centuries. Every validator of a typed date uses one of the windows here.

use jiff::Span;
use jiff::civil::Date;

/// How far before and after today a typed date may fall, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateWindow {
    /// Days before today allowed.
    pub days_before: i64,
    /// Days after today allowed.
    pub days_after: i64,
    /// The window in words for the message, e.g. "within a year of today".
    pub reach: &'static str,
}

/// A year of days, for the windows below (a leap year's extra day included).
pub const YEAR_DAYS: i64 = 366;

/// A programme's first day: within a year of today, either way. **Our choice**: a clinician
/// may plan ahead or record a programme already begun, but not by years; every week since the
/// start is a week the tracking looks at.
pub const PROGRAMME_START: DateWindow = DateWindow {
    days_before: YEAR_DAYS,
    days_after: YEAR_DAYS,
    reach: "within a year of today",
};

/// A coaching programme's first day: within a year of today, either way. **Our choice**, as
/// for [`PROGRAMME_START`]; a coaching programme lasts at most a year itself.
pub const COACHING_START: DateWindow = PROGRAMME_START;

/// A date with changed, extra or no call hours: from a year back (so that a past exception
/// shown on the form can be saved again) to a year ahead, the longest booking horizon
/// (`booking::rules::MAX_HORIZON_DAYS`). **Our choice.**
pub const CALL_HOURS_EXCEPTION: DateWindow = DateWindow {
    days_before: YEAR_DAYS,
    days_after: crate::booking::rules::MAX_HORIZON_DAYS as i64,
    reach: "from a year ago to a year ahead",
};

/// The date an article carries: from 30 years back (a clinic's older writing keeps its date)
/// to a year ahead (an article made public later). **Our choice.**
pub const ARTICLE_DATE: DateWindow = DateWindow {
    days_before: 30 * 365,
    days_after: YEAR_DAYS,
    reach: "from 30 years ago to a year ahead",
};

/// The ends of a period a clinic's outcomes are counted over: from ten years back to today.
/// **Our choice**: no clinic has outcomes from before Backstride, nor from the future.
pub const OUTCOMES_PERIOD: DateWindow = DateWindow {
    days_before: 10 * YEAR_DAYS,
    days_after: 0,
    reach: "from ten years ago to today",
};

/// The message for a date that is not a date at all.
pub const NOT_A_DATE: &str = "Enter the date as YYYY-MM-DD, for example 2026-03-02.";

impl DateWindow {
    /// The earliest date allowed on `today`.
    pub fn first(&self, today: Date) -> Date {
        today
            .checked_sub(Span::new().days(self.days_before))
            .unwrap_or(Date::MIN)
    }

    /// The latest date allowed on `today`.
    pub fn last(&self, today: Date) -> Date {
        today
            .checked_add(Span::new().days(self.days_after))
            .unwrap_or(Date::MAX)
    }

    /// Whether `date` is inside the window on `today`.
    pub fn contains(&self, date: Date, today: Date) -> bool {
        (self.first(today)..=self.last(today)).contains(&date)
    }

    /// `date` when it is inside the window, else a message naming the window's dates.
    pub fn check(&self, date: Date, today: Date) -> Result<Date, String> {
        if self.contains(date, today) {
            Ok(date)
        } else {
            Err(format!(
                "Choose a date {}: from {} to {}.",
                self.reach,
                self.first(today).strftime("%-d %b %Y"),
                self.last(today).strftime("%-d %b %Y"),
            ))
        }
    }

    /// Reads a typed date (`YYYY-MM-DD`, spaces around it ignored) and checks it.
    pub fn parse(&self, raw: &str, today: Date) -> Result<Date, String> {
        let date = raw
            .trim()
            .parse::<Date>()
            .map_err(|_| NOT_A_DATE.to_owned())?;
        self.check(date, today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 12, 7);

    #[test]
    fn a_year_either_side_is_allowed_and_one_day_more_is_not() {
        let w = PROGRAMME_START;
        assert_eq!(w.first(TODAY), date(2025, 12, 6));
        assert_eq!(w.last(TODAY), date(2027, 12, 8));
        assert!(w.check(date(2025, 12, 6), TODAY).is_ok());
        assert!(w.check(date(2027, 12, 8), TODAY).is_ok());
        assert!(w.check(date(2025, 12, 5), TODAY).is_err());
        assert!(w.check(date(2027, 12, 9), TODAY).is_err());
    }

    #[test]
    fn far_years_and_non_dates_are_refused_with_words() {
        for raw in ["0001-01-01", "9999-12-31", "-009999-01-01"] {
            let message = PROGRAMME_START.parse(raw, TODAY).unwrap_err();
            assert_eq!(
                message,
                "Choose a date within a year of today: from 6 Dec 2025 to 8 Dec 2027."
            );
        }
        assert_eq!(
            COACHING_START.parse("0000-01-01", TODAY).unwrap_err(),
            "Choose a date within a year of today: from 6 Dec 2025 to 8 Dec 2027."
        );
        assert_eq!(
            PROGRAMME_START.parse("soon", TODAY).unwrap_err(),
            NOT_A_DATE
        );
        assert_eq!(
            CALL_HOURS_EXCEPTION.parse(" 2027-06-01 ", TODAY),
            Ok(date(2027, 6, 1))
        );
    }

    #[test]
    fn the_window_holds_at_the_ends_of_the_calendar() {
        let w = CALL_HOURS_EXCEPTION;
        assert_eq!(w.first(Date::MIN), Date::MIN);
        assert_eq!(w.last(Date::MAX), Date::MAX);
        assert!(w.contains(Date::MAX, Date::MAX));
    }
}
