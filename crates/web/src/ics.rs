//! iCalendar (RFC 5545) export of a programme's calendar: one all-day event per training day.

use backstride_core::ical::{escape, fold};
use backstride_core::programme::Programme;
use std::collections::HashMap;
use std::fmt::Write;

/// The programme's training days as a calendar; `stamp` (Unix seconds) is the DTSTAMP.
pub fn programme_calendar(programme: &Programme, programme_id: i64, stamp: i64) -> String {
    let names: HashMap<&str, &str> = programme
        .items
        .iter()
        .map(|i| (i.key.as_str(), i.name.as_str()))
        .collect();
    let dtstamp = jiff::Timestamp::from_second(stamp)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Backstride//Programme//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Backstride programme",
    ] {
        fold(line, &mut out);
    }
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
        let date = day.date.strftime("%Y%m%d").to_string();
        let next = day
            .date
            .tomorrow()
            .map(|d| d.strftime("%Y%m%d").to_string())
            .unwrap_or_else(|_| date.clone());
        fold("BEGIN:VEVENT", &mut out);
        fold(
            &format!("UID:programme-{programme_id}-{date}@backstride"),
            &mut out,
        );
        fold(&format!("DTSTAMP:{dtstamp}"), &mut out);
        fold(&format!("DTSTART;VALUE=DATE:{date}"), &mut out);
        fold(&format!("DTEND;VALUE=DATE:{next}"), &mut out);
        fold(
            &format!(
                "SUMMARY:{}",
                escape(&format!("Back programme: {} exercises", exercises.len()))
            ),
            &mut out,
        );
        fold(&format!("DESCRIPTION:{}", escape(&description)), &mut out);
        fold("TRANSP:TRANSPARENT", &mut out);
        fold("END:VEVENT", &mut out);
    }
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
