//! Coaching programmes: a clinic's named multi-week programme ("Return to Run, 6 weeks") that
//! groups a runner's exercise programmes and weekly check-ins. Checks what a clinician types,
//! and says which week a date falls in.

use crate::dates::COACHING_START;
use jiff::civil::Date;

/// Longest name. **Our choice.**
pub const MAX_NAME_CHARS: usize = 80;
/// Longest programme, in weeks. **Our choice**: a season.
pub const MAX_WEEKS: i64 = 52;

/// A coaching programme as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoachingPlan {
    pub name: String,
    pub weeks: i64,
    pub starts_on: Date,
}

/// Where a date falls in a coaching programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoachingWeek {
    NotStarted,
    /// 1-based.
    Week(i64),
    Finished,
}

impl CoachingPlan {
    /// Checks each field as typed on `today`, the start within [`COACHING_START`], returning
    /// (field, message) for every one refused.
    pub fn check(
        name: &str,
        weeks: &str,
        starts_on: &str,
        today: Date,
    ) -> Result<CoachingPlan, Vec<(&'static str, String)>> {
        Self::check_within(name, weeks, starts_on, Some(today))
    }

    /// Reads a stored programme back: the same checks but the start date's window, which held
    /// on the day it was typed.
    pub fn stored(name: &str, weeks: &str, starts_on: &str) -> Option<CoachingPlan> {
        Self::check_within(name, weeks, starts_on, None).ok()
    }

    fn check_within(
        name: &str,
        weeks: &str,
        starts_on: &str,
        today: Option<Date>,
    ) -> Result<CoachingPlan, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            errors.push((
                "name",
                format!("Name the programme in 1 to {MAX_NAME_CHARS} characters."),
            ));
        } else if name.chars().any(char::is_control) {
            errors.push(("name", "Remove the special control characters.".to_owned()));
        }
        let weeks = match weeks.trim().parse::<i64>() {
            Ok(w) if (1..=MAX_WEEKS).contains(&w) => Some(w),
            _ => {
                errors.push((
                    "weeks",
                    format!("Give the length in whole weeks, from 1 to {MAX_WEEKS}."),
                ));
                None
            }
        };
        let starts_on = match starts_on.trim().parse::<Date>() {
            Err(_) => Err("Give the start date as YYYY-MM-DD.".to_owned()),
            Ok(d) => match today {
                Some(today) => COACHING_START.check(d, today),
                None => Ok(d),
            },
        };
        let starts_on = starts_on
            .map_err(|message| errors.push(("starts_on", message)))
            .ok();
        match (weeks, starts_on) {
            (Some(weeks), Some(starts_on)) if errors.is_empty() => Ok(CoachingPlan {
                name,
                weeks,
                starts_on,
            }),
            _ => Err(errors),
        }
    }

    /// The week `date` falls in.
    pub fn week_of(&self, date: Date) -> CoachingWeek {
        let days = i64::from((date - self.starts_on).get_days());
        if days < 0 {
            CoachingWeek::NotStarted
        } else if days / 7 >= self.weeks {
            CoachingWeek::Finished
        } else {
            CoachingWeek::Week(days / 7 + 1)
        }
    }

    /// "Return to Run: week 2 of 6", "… starts 1 Dec", "… finished 12 Jan".
    pub fn describe(&self, today: Date) -> String {
        match self.week_of(today) {
            CoachingWeek::NotStarted => format!(
                "{}: starts {}",
                self.name,
                self.starts_on.strftime("%-d %b %Y")
            ),
            CoachingWeek::Week(n) => format!("{}: week {n} of {}", self.name, self.weeks),
            CoachingWeek::Finished => {
                let end = self
                    .starts_on
                    .checked_add(jiff::Span::new().days(self.weeks * 7 - 1))
                    .unwrap_or(self.starts_on);
                format!("{}: finished {}", self.name, end.strftime("%-d %b %Y"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn fields_are_checked_and_weeks_counted_at_the_edges() {
        let today = date(2026, 11, 10);
        assert!(
            CoachingPlan::check(" ", "0", "soon", today)
                .unwrap_err()
                .len()
                == 3
        );
        assert!(CoachingPlan::check("x", "53", "2026-12-01", today).is_err());
        let plan = CoachingPlan::check("Return  to Run", "6", "2026-11-02", today).unwrap();
        assert_eq!(plan.name, "Return to Run");
        assert_eq!(plan.week_of(date(2026, 11, 1)), CoachingWeek::NotStarted);
        assert_eq!(plan.week_of(date(2026, 11, 2)), CoachingWeek::Week(1));
        assert_eq!(plan.week_of(date(2026, 11, 8)), CoachingWeek::Week(1));
        assert_eq!(plan.week_of(date(2026, 11, 9)), CoachingWeek::Week(2));
        assert_eq!(plan.week_of(date(2026, 12, 13)), CoachingWeek::Week(6));
        assert_eq!(plan.week_of(date(2026, 12, 14)), CoachingWeek::Finished);
        assert_eq!(
            plan.describe(date(2026, 11, 10)),
            "Return to Run: week 2 of 6"
        );
        assert_eq!(
            plan.describe(date(2026, 12, 20)),
            "Return to Run: finished 13 Dec 2026"
        );
    }

    #[test]
    fn a_start_years_away_is_refused_by_its_field_but_a_stored_one_still_reads() {
        let today = date(2026, 12, 7);
        for far in ["0001-01-01", "0000-01-01", "9999-12-31"] {
            let errors = CoachingPlan::check("Return to Run", "6", far, today).unwrap_err();
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].0, "starts_on");
            assert!(
                errors[0].1.contains("within a year of today"),
                "{}",
                errors[0].1
            );
        }
        assert!(CoachingPlan::check("Return to Run", "6", "2027-12-08", today).is_ok());
        assert!(CoachingPlan::stored("Return to Run", "6", "2024-01-01").is_some());
    }
}
