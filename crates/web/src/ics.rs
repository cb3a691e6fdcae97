//! iCalendar (RFC 5545) export of a programme's calendar: one all-day event per training day,
//! or a single note while the programme is on hold after a red flag.

use backstride_core::ical::{escape, fold};
use backstride_core::programme::Programme;
use std::collections::HashMap;
use std::fmt::Write;

/// The calendar's opening lines.
fn begin(out: &mut String) {
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Backstride//Programme//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Backstride programme",
    ] {
        fold(line, out);
    }
}

/// One all-day event on `date`, shown as free time.
fn all_day_event(
    out: &mut String,
    uid: &str,
    stamp: i64,
    date: jiff::civil::Date,
    summary: &str,
    description: &str,
) {
    let dtstamp = jiff::Timestamp::from_second(stamp)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let day = date.strftime("%Y%m%d").to_string();
    let next = date
        .tomorrow()
        .map(|d| d.strftime("%Y%m%d").to_string())
        .unwrap_or_else(|_| day.clone());
    fold("BEGIN:VEVENT", out);
    fold(&format!("UID:{uid}"), out);
    fold(&format!("DTSTAMP:{dtstamp}"), out);
    fold(&format!("DTSTART;VALUE=DATE:{day}"), out);
    fold(&format!("DTEND;VALUE=DATE:{next}"), out);
    fold(&format!("SUMMARY:{}", escape(summary)), out);
    fold(&format!("DESCRIPTION:{}", escape(description)), out);
    fold("TRANSP:TRANSPARENT", out);
    fold("END:VEVENT", out);
}

/// The programme's training days as a calendar; `stamp` (Unix seconds) is the DTSTAMP.
pub fn programme_calendar(programme: &Programme, programme_id: i64, stamp: i64) -> String {
    let names: HashMap<&str, &str> = programme
        .items
        .iter()
        .map(|i| (i.key.as_str(), i.name.as_str()))
        .collect();
    let mut out = String::new();
    begin(&mut out);
    for day in programme
        .calendar
        .iter()
        .filter(|d| !d.exercises.is_empty())
    {
        let exercises: Vec<&str> = day
            .exercises
            .iter()
            .map(|k| names.get(k.as_str()).copied().unwrap_or(k))
            .collect();
        let mut description = format!("About {} minutes: {}.", day.minutes, exercises.join(", "));
        if let Some(note) = &day.note {
            let _ = write!(description, "\n{note}");
        }
        all_day_event(
            &mut out,
            &format!(
                "programme-{programme_id}-{}@backstride",
                day.date.strftime("%Y%m%d")
            ),
            stamp,
            day.date,
            &format!("Back programme: {} exercises", exercises.len()),
            &description,
        );
    }
    fold("END:VCALENDAR", &mut out);
    out
}

/// The summary of the one event a programme on hold has in its calendar.
pub const ON_HOLD_SUMMARY: &str = "Programme on hold — see your results";

/// The calendar of a programme on hold after a red flag: no exercise days, only one all-day
/// note on `today` saying why (`notice`) and where the results are (`results_url`). Its UID
/// stays the same, so a subscribed calendar moves the note along rather than piling them up.
pub fn on_hold_calendar(
    programme_id: i64,
    notice: &str,
    results_url: &str,
    today: jiff::civil::Date,
    stamp: i64,
) -> String {
    let mut out = String::new();
    begin(&mut out);
    all_day_event(
        &mut out,
        &format!("programme-{programme_id}-on-hold@backstride"),
        stamp,
        today,
        ON_HOLD_SUMMARY,
        &format!("{notice}\nYour results: {results_url}"),
    );
    fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_lines_short_and_characters_whole() {
        let mut out = String::new();
        fold(&format!("DESCRIPTION:{}", "é".repeat(100)), &mut out);
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert_eq!(
            out.replace("\r\n ", "").trim_end(),
            format!("DESCRIPTION:{}", "é".repeat(100))
        );
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
