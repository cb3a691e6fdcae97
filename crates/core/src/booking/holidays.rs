//! The days a clinic is closed for calls: public holidays of the clinic's country as a default
//! list the admin can edit (open on a default holiday, or close on days of their own).
//!
//! Defaults (**our choice** of what to compute, from each country's official calendar):
//! fixed-date holidays, Easter-based ones (Easter Sunday by the anonymous Gregorian algorithm,
//! Meeus/Jones/Butcher) and "nth weekday of a month" ones, nationwide only. Substitute days when
//! a holiday falls on a weekend, regional holidays and one-off days (a coronation, a jubilee)
//! are not computed: the admin adds them as days of their own. The country comes from the
//! clinic's time zone until the admin chooses one.

use crate::account::TimeZoneName;
use crate::dates::CALL_HOURS_EXCEPTION;
use crate::fields::FieldErrors;
use jiff::Span;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// Most days of the clinic's own it may close on (our choice: a year of Sundays and more).
pub const MAX_OWN_DAYS: usize = 100;
/// Longest name of a closed day, in characters (our choice).
pub const MAX_NAME_CHARS: usize = 80;

/// A country whose public holidays we compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Country {
    /// England and Wales (Scotland and Northern Ireland differ; add their days yourself).
    EnglandAndWales,
    Ireland,
    UnitedStates,
    Germany,
    France,
    Netherlands,
}

impl Country {
    pub const ALL: [Country; 6] = [
        Country::EnglandAndWales,
        Country::Ireland,
        Country::UnitedStates,
        Country::Germany,
        Country::France,
        Country::Netherlands,
    ];

    /// The value a form sends.
    pub fn key(self) -> &'static str {
        match self {
            Country::EnglandAndWales => "england_and_wales",
            Country::Ireland => "ireland",
            Country::UnitedStates => "united_states",
            Country::Germany => "germany",
            Country::France => "france",
            Country::Netherlands => "netherlands",
        }
    }

    /// The name people read.
    pub fn name(self) -> &'static str {
        match self {
            Country::EnglandAndWales => "United Kingdom: England and Wales",
            Country::Ireland => "Ireland",
            Country::UnitedStates => "United States (federal holidays)",
            Country::Germany => "Germany (nationwide holidays)",
            Country::France => "France",
            Country::Netherlands => "Netherlands",
        }
    }

    pub fn from_key(key: &str) -> Option<Country> {
        Country::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The country a clinic's time zone is in, when it is one we know.
    pub fn of_zone(zone: &TimeZoneName) -> Option<Country> {
        let name = zone.as_str();
        match name {
            "Europe/London" => Some(Country::EnglandAndWales),
            "Europe/Dublin" => Some(Country::Ireland),
            "Europe/Berlin" => Some(Country::Germany),
            "Europe/Paris" => Some(Country::France),
            "Europe/Amsterdam" => Some(Country::Netherlands),
            "America/New_York"
            | "America/Chicago"
            | "America/Denver"
            | "America/Phoenix"
            | "America/Los_Angeles"
            | "America/Anchorage"
            | "America/Detroit"
            | "Pacific/Honolulu" => Some(Country::UnitedStates),
            _ => None,
        }
    }

    /// The country's public holidays in `year`, by date.
    pub fn holidays(self, year: i16) -> Vec<Holiday> {
        let rules: &[(Rule, &str)] = match self {
            Country::EnglandAndWales => &[
                (Rule::Fixed(1, 1), "New Year's Day"),
                (Rule::Easter(-2), "Good Friday"),
                (Rule::Easter(1), "Easter Monday"),
                (Rule::Nth(5, Weekday::Monday, 1), "Early May bank holiday"),
                (Rule::Nth(5, Weekday::Monday, -1), "Spring bank holiday"),
                (Rule::Nth(8, Weekday::Monday, -1), "Summer bank holiday"),
                (Rule::Fixed(12, 25), "Christmas Day"),
                (Rule::Fixed(12, 26), "Boxing Day"),
            ],
            Country::Ireland => &[
                (Rule::Fixed(1, 1), "New Year's Day"),
                (Rule::Fixed(3, 17), "Saint Patrick's Day"),
                (Rule::Easter(1), "Easter Monday"),
                (Rule::Nth(5, Weekday::Monday, 1), "May bank holiday"),
                (Rule::Nth(6, Weekday::Monday, 1), "June bank holiday"),
                (Rule::Nth(8, Weekday::Monday, 1), "August bank holiday"),
                (Rule::Nth(10, Weekday::Monday, -1), "October bank holiday"),
                (Rule::Fixed(12, 25), "Christmas Day"),
                (Rule::Fixed(12, 26), "Saint Stephen's Day"),
            ],
            Country::UnitedStates => &[
                (Rule::Fixed(1, 1), "New Year's Day"),
                (
                    Rule::Nth(1, Weekday::Monday, 3),
                    "Martin Luther King Jr. Day",
                ),
                (Rule::Nth(2, Weekday::Monday, 3), "Washington's Birthday"),
                (Rule::Nth(5, Weekday::Monday, -1), "Memorial Day"),
                (Rule::Fixed(6, 19), "Juneteenth"),
                (Rule::Fixed(7, 4), "Independence Day"),
                (Rule::Nth(9, Weekday::Monday, 1), "Labor Day"),
                (Rule::Nth(10, Weekday::Monday, 2), "Columbus Day"),
                (Rule::Fixed(11, 11), "Veterans Day"),
                (Rule::Nth(11, Weekday::Thursday, 4), "Thanksgiving Day"),
                (Rule::Fixed(12, 25), "Christmas Day"),
            ],
            Country::Germany => &[
                (Rule::Fixed(1, 1), "Neujahr (New Year's Day)"),
                (Rule::Easter(-2), "Karfreitag (Good Friday)"),
                (Rule::Easter(1), "Ostermontag (Easter Monday)"),
                (Rule::Fixed(5, 1), "Tag der Arbeit (Labour Day)"),
                (Rule::Easter(39), "Christi Himmelfahrt (Ascension Day)"),
                (Rule::Easter(50), "Pfingstmontag (Whit Monday)"),
                (
                    Rule::Fixed(10, 3),
                    "Tag der Deutschen Einheit (German Unity Day)",
                ),
                (Rule::Fixed(12, 25), "Erster Weihnachtstag (Christmas Day)"),
                (Rule::Fixed(12, 26), "Zweiter Weihnachtstag (Boxing Day)"),
            ],
            Country::France => &[
                (Rule::Fixed(1, 1), "Jour de l'an (New Year's Day)"),
                (Rule::Easter(1), "Lundi de Pâques (Easter Monday)"),
                (Rule::Fixed(5, 1), "Fête du Travail (Labour Day)"),
                (Rule::Fixed(5, 8), "Victoire 1945 (Victory in Europe Day)"),
                (Rule::Easter(39), "Ascension (Ascension Day)"),
                (Rule::Easter(50), "Lundi de Pentecôte (Whit Monday)"),
                (Rule::Fixed(7, 14), "Fête nationale (Bastille Day)"),
                (Rule::Fixed(8, 15), "Assomption (Assumption Day)"),
                (Rule::Fixed(11, 1), "Toussaint (All Saints' Day)"),
                (Rule::Fixed(11, 11), "Armistice 1918 (Armistice Day)"),
                (Rule::Fixed(12, 25), "Noël (Christmas Day)"),
            ],
            Country::Netherlands => &[
                (Rule::Fixed(1, 1), "Nieuwjaarsdag (New Year's Day)"),
                (Rule::Easter(-2), "Goede Vrijdag (Good Friday)"),
                (Rule::Easter(1), "Tweede Paasdag (Easter Monday)"),
                (Rule::KingsDay, "Koningsdag (King's Day)"),
                (Rule::Easter(39), "Hemelvaartsdag (Ascension Day)"),
                (Rule::Easter(50), "Tweede Pinksterdag (Whit Monday)"),
                (Rule::Fixed(12, 25), "Eerste Kerstdag (Christmas Day)"),
                (Rule::Fixed(12, 26), "Tweede Kerstdag (Boxing Day)"),
            ],
        };
        let mut days: Vec<Holiday> = rules
            .iter()
            .filter_map(|(rule, name)| {
                Some(Holiday {
                    date: rule.date_in(year)?,
                    name: (*name).to_owned(),
                })
            })
            .collect();
        days.sort_by_key(|h| h.date);
        days
    }
}

/// How a holiday's date is found in a year.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Month and day.
    Fixed(i8, i8),
    /// Days after Easter Sunday (negative: before).
    Easter(i64),
    /// The nth weekday of a month (n = -1: the last).
    Nth(i8, Weekday, i8),
    /// The Netherlands' King's Day: 27 April, or the 26th when the 27th is a Sunday.
    KingsDay,
}

impl Rule {
    fn date_in(self, year: i16) -> Option<Date> {
        match self {
            Rule::Fixed(month, day) => Date::new(year, month, day).ok(),
            Rule::Easter(offset) => easter_sunday(year)?
                .checked_add(Span::new().days(offset))
                .ok(),
            Rule::Nth(month, weekday, n) => Date::new(year, month, 1)
                .ok()?
                .nth_weekday_of_month(n, weekday)
                .ok(),
            Rule::KingsDay => {
                let day = Date::new(year, 4, 27).ok()?;
                if day.weekday() == Weekday::Sunday {
                    Date::new(year, 4, 26).ok()
                } else {
                    Some(day)
                }
            }
        }
    }
}

/// Easter Sunday in the Gregorian calendar (the anonymous algorithm in Meeus, *Astronomical
/// Algorithms*, 1991); `None` outside the years jiff can hold.
pub fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    if y < 1583 {
        return None;
    }
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// A day the clinic takes no calls, with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: Date,
    pub name: String,
}

/// What the clinic's admin chose: the country whose holidays are the default (none: no
/// defaults), default holidays the clinic is open on after all, and days of its own.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClinicHolidays {
    pub country: Option<Country>,
    #[serde(default)]
    pub open_on: Vec<Date>,
    #[serde(default)]
    pub own_days: Vec<Holiday>,
}

impl ClinicHolidays {
    /// The default before the admin has chosen: the country of the clinic's time zone.
    pub fn default_for(zone: &TimeZoneName) -> ClinicHolidays {
        ClinicHolidays {
            country: Country::of_zone(zone),
            open_on: Vec::new(),
            own_days: Vec::new(),
        }
    }

    /// The country's holidays from `first` to `last` (inclusive), whether or not the clinic
    /// is open on them.
    pub fn defaults_between(&self, first: Date, last: Date) -> Vec<Holiday> {
        let Some(country) = self.country else {
            return Vec::new();
        };
        (first.year()..=last.year())
            .flat_map(|y| country.holidays(y))
            .filter(|h| (first..=last).contains(&h.date))
            .collect()
    }

    /// Every day the clinic is closed from `first` to `last`, by date (a day of its own first
    /// when it shares a date with a holiday).
    pub fn closed_between(&self, first: Date, last: Date) -> Vec<Holiday> {
        let mut days: Vec<Holiday> = self
            .own_days
            .iter()
            .filter(|h| (first..=last).contains(&h.date))
            .cloned()
            .collect();
        for h in self.defaults_between(first, last) {
            if !self.open_on.contains(&h.date) && !days.iter().any(|d| d.date == h.date) {
                days.push(h);
            }
        }
        days.sort_by_key(|h| h.date);
        days
    }

    /// Why the clinic is closed on `date`, if it is.
    pub fn closed_on(&self, date: Date) -> Option<Holiday> {
        self.closed_between(date, date).into_iter().next()
    }
}

/// What the admin's form sends: the country's key (empty: none), the default dates ticked as
/// open, and the clinic's own days, one a line as `YYYY-MM-DD name`.
#[derive(Debug, Clone, Default)]
pub struct RawClinicHolidays {
    pub country: String,
    pub open_on: Vec<String>,
    pub own_days: String,
}

/// Checks the admin's form on `today`: a known country, real dates, own days within the
/// call-hours window (a year back to a year ahead), at most [`MAX_OWN_DAYS`], each named in at
/// most [`MAX_NAME_CHARS`] characters. Errors are on `country`, `open_on` and `own_days`.
pub fn check_holidays(raw: &RawClinicHolidays, today: Date) -> Result<ClinicHolidays, FieldErrors> {
    let mut errors = FieldErrors::default();
    let country = match raw.country.trim() {
        "" => None,
        key => match Country::from_key(key) {
            Some(c) => Some(c),
            None => {
                errors.add("country", "Choose a country from the list, or none.");
                None
            }
        },
    };
    let mut open_on = Vec::new();
    for value in raw.open_on.iter().take(MAX_OWN_DAYS * 4) {
        match value.trim().parse::<Date>() {
            Ok(d) if !open_on.contains(&d) => open_on.push(d),
            Ok(_) => {}
            Err(_) => errors.add("open_on", "Reload the page and tick the days again."),
        }
    }
    let mut own_days: Vec<Holiday> = Vec::new();
    let lines: Vec<&str> = raw
        .own_days
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > MAX_OWN_DAYS {
        errors.add(
            "own_days",
            format!(
                "List at most {MAX_OWN_DAYS} days of your own — this has {}.",
                lines.len()
            ),
        );
    } else {
        for (n, line) in lines.iter().enumerate() {
            let (when, name) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            let line_no = n + 1;
            match CALL_HOURS_EXCEPTION.parse(when, today) {
                Err(message) => {
                    errors.add("own_days", format!("Line {line_no}: {message}"));
                    break;
                }
                Ok(_) if name.chars().count() > MAX_NAME_CHARS => {
                    errors.add(
                        "own_days",
                        format!(
                            "Line {line_no}: keep the name to {MAX_NAME_CHARS} characters or fewer."
                        ),
                    );
                    break;
                }
                Ok(_) if name.chars().any(char::is_control) => {
                    errors.add(
                        "own_days",
                        format!("Line {line_no}: remove the special characters."),
                    );
                    break;
                }
                Ok(d) => {
                    if !own_days.iter().any(|h| h.date == d) {
                        own_days.push(Holiday {
                            date: d,
                            name: if name.is_empty() {
                                "Closed".to_owned()
                            } else {
                                name
                            },
                        });
                    }
                }
            }
        }
    }
    own_days.sort_by_key(|h| h.date);
    if errors.is_empty() {
        Ok(ClinicHolidays {
            country,
            open_on,
            own_days,
        })
    } else {
        Err(errors)
    }
}

/// The clinic's own days as the form's text shows them, one a line.
pub fn own_days_text(holidays: &ClinicHolidays) -> String {
    holidays
        .own_days
        .iter()
        .map(|h| format!("{} {}", h.date, h.name))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_falls_on_the_published_dates() {
        // Dates as published by the churches' tables for those years.
        for (y, m, d) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "{y}");
        }
        assert_eq!(easter_sunday(1500), None);
        assert_eq!(easter_sunday(1583), Some(date(1583, 4, 10)));
    }

    #[test]
    fn england_closes_on_christmas_new_year_and_the_easter_days() {
        let h = Country::EnglandAndWales.holidays(2026);
        let dates: Vec<Date> = h.iter().map(|h| h.date).collect();
        assert_eq!(
            dates,
            [
                date(2026, 1, 1),
                date(2026, 4, 3),
                date(2026, 4, 6),
                date(2026, 5, 4),
                date(2026, 5, 25),
                date(2026, 8, 31),
                date(2026, 12, 25),
                date(2026, 12, 26),
            ]
        );
        let us = Country::UnitedStates.holidays(2026);
        assert!(
            us.iter()
                .any(|h| h.date == date(2026, 11, 26) && h.name == "Thanksgiving Day")
        );
        let nl = Country::Netherlands.holidays(2025);
        assert!(
            nl.iter().any(|h| h.date == date(2025, 4, 26)),
            "27 April 2025 is a Sunday"
        );
    }

    #[test]
    fn the_admin_opens_on_a_holiday_and_closes_on_days_of_their_own() {
        let today = date(2026, 12, 7);
        let raw = RawClinicHolidays {
            country: "england_and_wales".into(),
            open_on: vec!["2026-12-26".into()],
            own_days: "2026-12-24 Christmas Eve\n\n2026-12-31".into(),
        };
        let h = check_holidays(&raw, today).unwrap();
        let closed = h.closed_between(date(2026, 12, 20), date(2027, 1, 2));
        let shown: Vec<(Date, &str)> = closed.iter().map(|h| (h.date, h.name.as_str())).collect();
        assert_eq!(
            shown,
            [
                (date(2026, 12, 24), "Christmas Eve"),
                (date(2026, 12, 25), "Christmas Day"),
                (date(2026, 12, 31), "Closed"),
                (date(2027, 1, 1), "New Year's Day"),
            ]
        );
        assert_eq!(
            own_days_text(&h),
            "2026-12-24 Christmas Eve\n2026-12-31 Closed"
        );
    }

    #[test]
    fn bad_holiday_input_is_refused_by_its_field() {
        let today = date(2026, 12, 7);
        let bad = |raw: RawClinicHolidays| check_holidays(&raw, today).unwrap_err();
        assert!(
            bad(RawClinicHolidays {
                country: "atlantis".into(),
                ..Default::default()
            })
            .has("country")
        );
        let e = bad(RawClinicHolidays {
            own_days: "2026-12-24 Eve\n9999-01-01 Far".into(),
            ..Default::default()
        });
        assert!(e.message("own_days").unwrap().starts_with("Line 2:"));
        assert!(
            bad(RawClinicHolidays {
                own_days: "2026-12-24 ".to_owned() + &"x".repeat(81),
                ..Default::default()
            })
            .has("own_days")
        );
        assert!(
            bad(RawClinicHolidays {
                own_days: "2026-12-24 x\n".repeat(MAX_OWN_DAYS + 1),
                ..Default::default()
            })
            .has("own_days")
        );
    }

    #[test]
    fn the_country_comes_from_the_time_zone() {
        let london: TimeZoneName = "Europe/London".parse().unwrap();
        assert_eq!(
            ClinicHolidays::default_for(&london).country,
            Some(Country::EnglandAndWales)
        );
        let tokyo: TimeZoneName = "Asia/Tokyo".parse().unwrap();
        assert_eq!(ClinicHolidays::default_for(&tokyo).country, None);
    }
}
