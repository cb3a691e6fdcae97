use super::rules::parse_time;
use super::*;
use crate::account::TimeZoneName;
use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use proptest::prelude::*;

/// The day the exception checks are run on.
const TODAY: Date = jiff::civil::date(2026, 12, 7);

fn zone(name: &str) -> TimeZoneName {
    name.parse().unwrap()
}

fn time(raw: &str) -> Time {
    parse_time(raw).unwrap()
}

fn hours(start: &str, end: &str, minutes: u16) -> Hours {
    Hours::new(
        time(start),
        time(end),
        SlotLength::try_from(minutes).unwrap(),
    )
    .unwrap()
}

fn weekly(tz: &str, rows: &[(Weekday, &str, &str, u16)]) -> Availability {
    let weekly = rows
        .iter()
        .map(|(weekday, start, end, minutes)| WeeklyHours {
            weekday: *weekday,
            hours: hours(start, end, *minutes),
        })
        .collect();
    Availability::new(zone(tz), weekly).unwrap()
}

fn ts(raw: &str) -> Timestamp {
    raw.parse().unwrap()
}

fn date(raw: &str) -> Date {
    raw.parse().unwrap()
}

/// Open slots whose start falls on `day` in the clinician's zone, seen from a week before.
fn slots_on(availability: &Availability, exceptions: &[Exception], day: Date) -> Vec<Slot> {
    let tz = availability.time_zone().zone();
    let week_before = day
        .checked_sub(jiff::ToSpan::days(7))
        .unwrap()
        .to_zoned(tz.clone())
        .unwrap()
        .timestamp();
    open_slots(
        availability,
        exceptions,
        &[],
        week_before,
        &BookingWindow::default(),
    )
    .into_iter()
    .filter(|s| s.start.to_zoned(tz.clone()).date() == day)
    .collect()
}

struct DstCase {
    name: &'static str,
    zone: &'static str,
    rule: (Weekday, &'static str, &'static str, u16),
    day: &'static str,
    local: &'static [&'static str],
    utc: &'static [&'static str],
}

const DST_CASES: &[DstCase] = &[
    DstCase {
        name: "London spring forward: 01:00 and 01:30 do not exist",
        zone: "Europe/London",
        rule: (Weekday::Sunday, "00:30", "03:00", 30),
        day: "2026-03-29",
        local: &["00:30", "02:00", "02:30"],
        utc: &[
            "2026-03-29T00:30:00Z",
            "2026-03-29T01:00:00Z",
            "2026-03-29T01:30:00Z",
        ],
    },
    DstCase {
        name: "London fall back: 01:00 and 01:30 happen twice, the earlier is offered",
        zone: "Europe/London",
        rule: (Weekday::Sunday, "00:30", "02:30", 30),
        day: "2026-10-25",
        local: &["00:30", "01:00", "01:30", "02:00"],
        utc: &[
            "2026-10-24T23:30:00Z",
            "2026-10-25T00:00:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-25T02:00:00Z",
        ],
    },
    DstCase {
        name: "London Monday before the change: 09:00 GMT",
        zone: "Europe/London",
        rule: (Weekday::Monday, "09:00", "10:00", 30),
        day: "2026-03-23",
        local: &["09:00", "09:30"],
        utc: &["2026-03-23T09:00:00Z", "2026-03-23T09:30:00Z"],
    },
    DstCase {
        name: "London Monday after the change: still 09:00 local, now BST",
        zone: "Europe/London",
        rule: (Weekday::Monday, "09:00", "10:00", 30),
        day: "2026-03-30",
        local: &["09:00", "09:30"],
        utc: &["2026-03-30T08:00:00Z", "2026-03-30T08:30:00Z"],
    },
    DstCase {
        name: "London Monday after the autumn change: 09:00 GMT again",
        zone: "Europe/London",
        rule: (Weekday::Monday, "09:00", "10:00", 30),
        day: "2026-10-26",
        local: &["09:00", "09:30"],
        utc: &["2026-10-26T09:00:00Z", "2026-10-26T09:30:00Z"],
    },
    DstCase {
        name: "New York spring forward: 02:00 does not exist",
        zone: "America/New_York",
        rule: (Weekday::Sunday, "01:00", "04:00", 60),
        day: "2026-03-08",
        local: &["01:00", "03:00"],
        utc: &["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z"],
    },
    DstCase {
        name: "New York fall back: 01:00 happens twice, the earlier (EDT) is offered",
        zone: "America/New_York",
        rule: (Weekday::Sunday, "00:00", "03:00", 60),
        day: "2026-11-01",
        local: &["00:00", "01:00", "02:00"],
        utc: &[
            "2026-11-01T04:00:00Z",
            "2026-11-01T05:00:00Z",
            "2026-11-01T07:00:00Z",
        ],
    },
    DstCase {
        name: "New York Tuesday before spring forward: 09:00 EST",
        zone: "America/New_York",
        rule: (Weekday::Tuesday, "09:00", "09:45", 45),
        day: "2026-03-03",
        local: &["09:00"],
        utc: &["2026-03-03T14:00:00Z"],
    },
    DstCase {
        name: "New York Tuesday after spring forward: still 09:00 local, now EDT",
        zone: "America/New_York",
        rule: (Weekday::Tuesday, "09:00", "09:45", 45),
        day: "2026-03-10",
        local: &["09:00"],
        utc: &["2026-03-10T13:00:00Z"],
    },
    DstCase {
        name: "New York half-hour calls through the skipped hour",
        zone: "America/New_York",
        rule: (Weekday::Sunday, "01:30", "03:30", 30),
        day: "2026-03-08",
        local: &["01:30", "03:00"],
        utc: &["2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z"],
    },
];

#[test]
fn daylight_saving_weeks_keep_local_times() {
    for case in DST_CASES {
        let (weekday, start, end, minutes) = case.rule;
        let availability = weekly(case.zone, &[(weekday, start, end, minutes)]);
        let slots = slots_on(&availability, &[], date(case.day));
        let tz = zone(case.zone).zone();
        let local: Vec<String> = slots
            .iter()
            .map(|s| s.start.to_zoned(tz.clone()).strftime("%H:%M").to_string())
            .collect();
        let utc: Vec<String> = slots.iter().map(|s| s.start.to_string()).collect();
        assert_eq!(local, case.local, "{}", case.name);
        assert_eq!(utc, case.utc, "{}", case.name);
        for s in &slots {
            assert_eq!(
                s.duration().as_mins(),
                i64::from(minutes),
                "{}: calls last their length in real time",
                case.name
            );
        }
    }
}

#[test]
fn labels_show_the_visitors_own_time_and_zone() {
    let london = weekly(
        "Europe/London",
        &[
            (Weekday::Tuesday, "09:30", "10:00", 30),
            (Weekday::Tuesday, "20:00", "20:30", 30),
        ],
    );
    struct Case {
        day: &'static str,
        visitor: &'static str,
        labels: [&'static str; 2],
    }
    let cases = [
        Case {
            day: "2026-12-01",
            visitor: "Europe/London",
            labels: [
                "Tue 1 Dec, 09:30–10:00 (Europe/London)",
                "Tue 1 Dec, 20:00–20:30 (Europe/London)",
            ],
        },
        Case {
            day: "2026-12-01",
            visitor: "America/New_York",
            labels: [
                "Tue 1 Dec, 04:30–05:00 (America/New_York)",
                "Tue 1 Dec, 15:00–15:30 (America/New_York)",
            ],
        },
        Case {
            day: "2026-12-01",
            visitor: "Pacific/Auckland",
            labels: [
                "Tue 1 Dec, 22:30–23:00 (Pacific/Auckland)",
                "Wed 2 Dec, 09:00–09:30 (Pacific/Auckland)",
            ],
        },
        // New York has moved its clocks, London not yet: four hours apart, not five.
        Case {
            day: "2026-03-17",
            visitor: "America/New_York",
            labels: [
                "Tue 17 Mar, 05:30–06:00 (America/New_York)",
                "Tue 17 Mar, 16:00–16:30 (America/New_York)",
            ],
        },
        Case {
            day: "2026-03-31",
            visitor: "America/New_York",
            labels: [
                "Tue 31 Mar, 04:30–05:00 (America/New_York)",
                "Tue 31 Mar, 15:00–15:30 (America/New_York)",
            ],
        },
    ];
    for case in cases {
        let slots = slots_on(&london, &[], date(case.day));
        let labels: Vec<String> = slots
            .iter()
            .map(|s| slot_label(s, &zone(case.visitor)))
            .collect();
        assert_eq!(labels, case.labels, "{} {}", case.day, case.visitor);
    }
}

#[test]
fn slots_are_grouped_by_the_visitors_day() {
    let london = weekly(
        "Europe/London",
        &[
            (Weekday::Tuesday, "09:30", "10:30", 30),
            (Weekday::Tuesday, "20:00", "20:30", 30),
            (Weekday::Wednesday, "09:00", "09:30", 30),
        ],
    );
    let now = ts("2026-11-27T12:00:00Z");
    let slots: Vec<Slot> = open_slots(&london, &[], &[], now, &BookingWindow::default())
        .into_iter()
        .filter(|s| s.start < ts("2026-12-03T00:00:00Z"))
        .collect();
    let days = slots_by_day(&slots, &zone("Pacific/Auckland"));
    let summary: Vec<(String, Vec<String>)> = days
        .iter()
        .map(|d| {
            (
                d.heading.clone(),
                d.slots.iter().map(|s| s.time.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "Tuesday 1 December".to_owned(),
                vec!["22:30–23:00".to_owned(), "23:00–23:30".to_owned()]
            ),
            (
                "Wednesday 2 December".to_owned(),
                vec!["09:00–09:30".to_owned(), "22:00–22:30".to_owned()]
            ),
        ]
    );
    let first = &days[0].slots[0];
    assert_eq!(first.value, "2026-12-01T09:30:00Z");
    assert_eq!(parse_requested_start(&first.value), Ok(first.slot.start));
    assert_eq!(
        parse_requested_start("tomorrow"),
        Err(BookingError::NotOffered)
    );
}

#[test]
fn requests_are_checked_with_plain_reasons() {
    let availability = weekly(
        "Europe/London",
        &[
            (Weekday::Monday, "09:00", "12:00", 30),
            (Weekday::Tuesday, "09:00", "12:00", 30),
            (Weekday::Wednesday, "09:00", "12:00", 30),
            (Weekday::Thursday, "09:00", "12:00", 30),
            (Weekday::Friday, "09:00", "12:00", 30),
        ],
    );
    let exceptions = [
        Exception {
            date: date("2026-12-02"),
            kind: ExceptionKind::DayOff,
        },
        Exception {
            date: date("2026-12-03"),
            kind: ExceptionKind::ChangedHours(vec![hours("14:00", "15:00", 60)]),
        },
        Exception {
            date: date("2026-12-05"),
            kind: ExceptionKind::ExtraHours(vec![hours("10:00", "11:00", 20)]),
        },
    ];
    // Monday 30 November, 08:00 in London (GMT).
    let now = ts("2026-11-30T08:00:00Z");
    // A booking made under older hours, a quarter past: the 09:00 call is taken too.
    let booked = [ts("2026-12-01T10:00:00Z"), ts("2026-12-04T09:15:00Z")];
    let window = BookingWindow::default();
    let cases: &[(&str, Result<&str, BookingError>)] = &[
        ("2026-11-30T07:00:00Z", Err(BookingError::InThePast)),
        ("2026-11-30T08:00:00Z", Err(BookingError::InThePast)),
        (
            "2026-11-30T10:00:00Z",
            Err(BookingError::TooSoon { hours: 12 }),
        ),
        (
            "2026-11-30T19:59:00Z",
            Err(BookingError::TooSoon { hours: 12 }),
        ),
        ("2026-12-01T09:15:00Z", Err(BookingError::NotOffered)),
        ("2026-12-01T12:00:00Z", Err(BookingError::NotOffered)),
        ("2026-12-06T09:00:00Z", Err(BookingError::NotOffered)),
        ("2026-12-02T09:00:00Z", Err(BookingError::NotOffered)),
        ("2026-12-03T09:00:00Z", Err(BookingError::NotOffered)),
        ("2026-12-01T10:00:00Z", Err(BookingError::AlreadyTaken)),
        ("2026-12-04T09:00:00Z", Err(BookingError::AlreadyTaken)),
        (
            "2027-01-04T09:00:00Z",
            Err(BookingError::TooFarAhead { days: 28 }),
        ),
        ("2026-12-01T09:00:00Z", Ok("2026-12-01T09:30:00Z")),
        ("2026-12-01T11:30:00Z", Ok("2026-12-01T12:00:00Z")),
        ("2026-12-03T14:00:00Z", Ok("2026-12-03T15:00:00Z")),
        ("2026-12-05T10:40:00Z", Ok("2026-12-05T11:00:00Z")),
        ("2026-12-04T09:30:00Z", Ok("2026-12-04T10:00:00Z")),
    ];
    for (start, expected) in cases {
        let got = check_request(&availability, &exceptions, &booked, now, &window, ts(start));
        let expected = expected.clone().map(|end| Slot {
            start: ts(start),
            end: ts(end),
        });
        assert_eq!(got, expected, "{start}");
    }
    let open = open_slots(&availability, &exceptions, &booked, now, &window);
    for slot in &open {
        assert_eq!(
            check_request(
                &availability,
                &exceptions,
                &booked,
                now,
                &window,
                slot.start
            ),
            Ok(*slot)
        );
    }
    assert!(!open.iter().any(|s| s.start == ts("2026-12-01T10:00:00Z")));
    assert_eq!(
        open.first().map(|s| s.start),
        Some(ts("2026-12-01T09:00:00Z"))
    );
    assert_eq!(
        BookingError::TooSoon { hours: 12 }.to_string(),
        "Calls need to be booked at least 12 hours ahead. Pick a later time."
    );
}

#[test]
fn reminders_go_a_day_ahead_unless_booked_later() {
    let slot = Slot {
        start: ts("2026-12-01T09:00:00Z"),
        end: ts("2026-12-01T09:30:00Z"),
    };
    assert_eq!(
        slot.reminder_at(ts("2026-11-20T09:00:00Z")),
        Some(ts("2026-11-30T09:00:00Z"))
    );
    assert_eq!(slot.reminder_at(ts("2026-11-30T20:00:00Z")), None);
}

#[test]
fn calendar_invite_is_a_valid_ics_event() {
    let slot = Slot {
        start: ts("2026-12-01T09:30:00Z"),
        end: ts("2026-12-01T10:00:00Z"),
    };
    let invite = CallInvite {
        uid: "booking-42@clinic.example".into(),
        summary: "Coaching call with Dr Ann Lee, physio".into(),
        description: format!("We will ring you; to change it reply.\n{}", "é".repeat(60)),
        location: Some("Phone".into()),
        stamp: ts("2026-11-20T08:00:00Z"),
        booked_at: ts("2026-11-20T08:00:00Z"),
        cancelled: false,
    };
    let ics = call_invite(&slot, &invite);
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{line}");
        assert!(!line.contains('\n'));
    }
    let unfolded = ics.replace("\r\n ", "");
    for expected in [
        "DTSTART:20261201T093000Z",
        "DTEND:20261201T100000Z",
        "DTSTAMP:20261120T080000Z",
        "UID:booking-42@clinic.example",
        "SUMMARY:Coaching call with Dr Ann Lee\\, physio",
        "DESCRIPTION:We will ring you\\; to change it reply.\\né",
        "METHOD:PUBLISH",
        "STATUS:CONFIRMED",
    ] {
        assert!(unfolded.contains(expected), "{expected} in {unfolded}");
    }
    assert!(ics.contains("SEQUENCE:0\r\n"));
    // A move an hour later, then a cancellation: each outranks the file before it.
    let moved = call_invite(
        &slot,
        &CallInvite {
            stamp: ts("2026-11-20T09:00:00Z"),
            ..invite.clone()
        },
    );
    assert!(moved.contains("SEQUENCE:3600\r\n"), "{moved}");
    let cancelled = call_invite(
        &slot,
        &CallInvite {
            cancelled: true,
            stamp: ts("2026-11-20T09:00:05Z"),
            ..invite
        },
    );
    assert!(cancelled.contains("METHOD:CANCEL") && cancelled.contains("STATUS:CANCELLED"));
    assert!(cancelled.contains("SEQUENCE:3605\r\n"));
}

fn raw_week(rows: &[(&str, &str, &str, &str)]) -> RawAvailability {
    RawAvailability {
        time_zone: "Europe/London".into(),
        weekly: rows
            .iter()
            .map(|(weekday, start, end, minutes)| RawWeeklyHours {
                weekday: (*weekday).into(),
                hours: RawHours {
                    start: (*start).into(),
                    end: (*end).into(),
                    slot_minutes: (*minutes).into(),
                },
            })
            .collect(),
    }
}

#[test]
fn availability_input_is_checked_field_by_field() {
    let good = raw_week(&[
        ("Monday", "9:00", "12:00", ""),
        ("mon", "13:00", "17:30", "45"),
        ("TUESDAY", "09.00", "10:00", "60"),
    ]);
    let availability = Availability::try_from(&good).unwrap();
    assert_eq!(availability.hours_on(Weekday::Monday).len(), 2);
    assert_eq!(
        availability.hours_on(Weekday::Monday)[0].slot().minutes(),
        30
    );

    let cases: &[(RawAvailability, &str, &str)] = &[
        (
            RawAvailability {
                time_zone: "Mars/Olympus".into(),
                ..good.clone()
            },
            "time_zone",
            "Unknown time zone: pick one from the list, for example Europe/London.",
        ),
        (
            raw_week(&[("Funday", "09:00", "10:00", "")]),
            "weekly[0].weekday",
            "Pick a day of the week, for example Monday.",
        ),
        (
            raw_week(&[("Monday", "9am", "10:00", "")]),
            "weekly[0].start",
            "Enter the start time on the 24-hour clock, for example 09:00.",
        ),
        (
            raw_week(&[("Monday", "09:00", "25:00", "")]),
            "weekly[0].end",
            "Enter the end time on the 24-hour clock, for example 17:30.",
        ),
        (
            raw_week(&[("Monday", "10:00", "09:00", "")]),
            "weekly[0].end",
            "The end time must be after the start time.",
        ),
        (
            raw_week(&[("Monday", "10:00", "10:00", "")]),
            "weekly[0].end",
            "The end time must be after the start time.",
        ),
        (
            raw_week(&[("Monday", "10:00", "10:20", "30")]),
            "weekly[0].end",
            "These hours are shorter than one call: make them longer or the call shorter.",
        ),
        (
            raw_week(&[("Monday", "09:00", "10:00", "5")]),
            "weekly[0].slot_minutes",
            "Enter how long a call lasts in whole minutes, from 10 to 120.",
        ),
        (
            raw_week(&[("Monday", "09:00", "17:00", "121")]),
            "weekly[0].slot_minutes",
            "Enter how long a call lasts in whole minutes, from 10 to 120.",
        ),
        (
            raw_week(&[("Monday", "09:00", "17:00", "half an hour")]),
            "weekly[0].slot_minutes",
            "Enter how long a call lasts in whole minutes, from 10 to 120.",
        ),
        (
            raw_week(&[
                ("Monday", "09:00", "12:00", ""),
                ("Tuesday", "11:00", "13:00", ""),
                ("Monday", "11:30", "13:00", ""),
            ]),
            "weekly[2].start",
            "These hours overlap 09:00–12:00: change one of them.",
        ),
    ];
    for (raw, field, message) in cases {
        let errors = Availability::try_from(raw).unwrap_err();
        assert_eq!(errors.message(field), Some(*message), "{errors}");
    }
    // Every wrong field is reported at once.
    let errors = Availability::try_from(&raw_week(&[
        ("x", "y", "z", "0"),
        ("Monday", "09:00", "", ""),
    ]))
    .unwrap_err();
    for field in [
        "weekly[0].weekday",
        "weekly[0].start",
        "weekly[0].end",
        "weekly[0].slot_minutes",
        "weekly[1].end",
    ] {
        assert!(errors.has(field), "{field}: {errors}");
    }
    // Touching hours are fine; ten-minute and two-hour calls are the limits.
    assert!(
        Availability::try_from(&raw_week(&[
            ("Monday", "09:00", "10:00", "10"),
            ("Monday", "10:00", "12:00", "120"),
        ]))
        .is_ok()
    );
}

#[test]
fn exceptions_are_checked_against_the_week() {
    let availability = weekly("Europe/London", &[(Weekday::Monday, "09:00", "12:00", 30)]);
    let raw = |date: &str, kind: &str, hours: &[(&str, &str)]| RawException {
        date: date.into(),
        kind: kind.into(),
        hours: hours
            .iter()
            .map(|(s, e)| RawHours {
                start: (*s).into(),
                end: (*e).into(),
                slot_minutes: String::new(),
            })
            .collect(),
    };
    let ok = check_exceptions(
        &[
            raw("2026-12-07", "day_off", &[]),
            raw("2026-12-14", "extra_hours", &[("12:00", "13:00")]),
            raw("2026-12-21", "changed_hours", &[("10:00", "11:00")]),
        ],
        &availability,
        TODAY,
    )
    .unwrap();
    assert_eq!(ok[0].kind, ExceptionKind::DayOff);
    assert_eq!(
        hours_on_date(&availability, &ok, date("2026-12-14")).len(),
        2
    );
    assert_eq!(
        hours_on_date(&availability, &ok, date("2026-12-21")),
        vec![hours("10:00", "11:00", 30)]
    );

    let cases: &[(Vec<RawException>, &str, &str)] = &[
        (
            vec![raw("24/12/2026", "day_off", &[])],
            "exceptions[0].date",
            "Enter the date as YYYY-MM-DD, for example 2025-12-24.",
        ),
        (
            vec![
                raw("2026-12-07", "day_off", &[]),
                raw("2026-12-07", "extra", &[("13:00", "14:00")]),
            ],
            "exceptions[1].date",
            "This date already has an exception: change that one instead.",
        ),
        (
            vec![raw("2026-12-07", "holiday", &[])],
            "exceptions[0].kind",
            "Choose a day off, changed hours or extra hours.",
        ),
        (
            vec![raw("2026-12-07", "day_off", &[("09:00", "10:00")])],
            "exceptions[0].hours",
            "A day off has no hours: remove them, or choose changed hours.",
        ),
        (
            vec![raw("2026-12-07", "changed_hours", &[])],
            "exceptions[0].hours",
            "Add the hours for this date, or choose a day off.",
        ),
        (
            vec![raw("2026-12-07", "extra_hours", &[("11:00", "13:00")])],
            "exceptions[0].hours[0].start",
            "These hours overlap the weekly hours 09:00–12:00: change one of them.",
        ),
        (
            vec![raw(
                "2026-12-07",
                "changed_hours",
                &[("10:00", "11:00"), ("10:30", "12:00")],
            )],
            "exceptions[0].hours[1].start",
            "These hours overlap 10:00–11:00: change one of them.",
        ),
        (
            vec![raw("2026-12-07", "changed_hours", &[("11:00", "10:00")])],
            "exceptions[0].hours[0].end",
            "The end time must be after the start time.",
        ),
        (
            vec![raw("0000-01-01", "day_off", &[])],
            "exceptions[0].date",
            "Choose a date from a year ago to a year ahead: from 6 Dec 2025 to 8 Dec 2027.",
        ),
        (
            vec![
                raw("2026-12-07", "day_off", &[]),
                raw("9999-12-31", "day_off", &[]),
            ],
            "exceptions[1].date",
            "Choose a date from a year ago to a year ahead: from 6 Dec 2025 to 8 Dec 2027.",
        ),
    ];
    for (raw, field, message) in cases {
        let errors = check_exceptions(raw, &availability, TODAY).unwrap_err();
        assert_eq!(errors.message(field), Some(*message), "{errors}");
    }
}

#[test]
fn availability_round_trips_through_json_and_is_checked_on_the_way_back() {
    let availability = weekly(
        "America/New_York",
        &[(Weekday::Friday, "08:00", "09:00", 20)],
    );
    let json = serde_json::to_string(&availability).unwrap();
    assert!(json.contains("\"friday\""), "{json}");
    assert_eq!(
        serde_json::from_str::<Availability>(&json).unwrap(),
        availability
    );
    let overlapping = r#"{"time_zone":"UTC","weekly":[
        {"weekday":"monday","hours":{"start":"09:00","end":"10:00","slot_minutes":30}},
        {"weekday":"monday","hours":{"start":"09:30","end":"11:00","slot_minutes":30}}]}"#;
    assert!(serde_json::from_str::<Availability>(overlapping).is_err());
    let too_short = r#"{"start":"09:00","end":"09:10","slot_minutes":30}"#;
    assert!(serde_json::from_str::<Hours>(too_short).is_err());
    assert!(serde_json::from_str::<SlotLength>("9").is_err());
}

const ZONES: &[&str] = &[
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/Santiago",
    "UTC",
];
const LENGTHS: &[u16] = &[10, 15, 20, 25, 30, 45, 60, 90, 120];

/// (weekday 0–6, start minute, length in minutes, call length index)
type RawRule = (u8, i32, i32, usize);

fn hours_from(start: i32, length: i32, slot: usize) -> Option<Hours> {
    let end = (start + length).min(23 * 60 + 59);
    let t = |m: i32| Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).ok();
    Hours::new(
        t(start)?,
        t(end)?,
        SlotLength::try_from(LENGTHS[slot % LENGTHS.len()]).ok()?,
    )
    .ok()
}

fn availability_from(tz: &str, rules: &[RawRule]) -> Availability {
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    let mut weekly: Vec<WeeklyHours> = Vec::new();
    for (day, start, length, slot) in rules {
        let Some(hours) = hours_from(*start, *length, *slot) else {
            continue;
        };
        let w = WeeklyHours {
            weekday: days[usize::from(*day) % 7],
            hours,
        };
        if !weekly
            .iter()
            .any(|o| o.weekday == w.weekday && o.hours.overlaps(&w.hours))
        {
            weekly.push(w);
        }
    }
    Availability::new(zone(tz), weekly).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn open_slots_keep_every_promise(
        tz in proptest::sample::select(ZONES),
        rules in proptest::collection::vec((0u8..7, 0i32..1440, 10i32..600, 0usize..9), 0..12),
        // (day offset, kind, start minute, length, call length): extra hours may overlap the
        // week on purpose, to show open_slots stays sane even with unchecked exceptions.
        exceptions in proptest::collection::vec((0i64..40, 0u8..3, 0i32..1440, 10i32..300, 0usize..9), 0..8),
        now_secs in 1_704_067_200i64..1_830_297_600,
        notice in 0u16..48,
        horizon in 1u16..40,
        picks in proptest::collection::vec(any::<proptest::sample::Index>(), 0..6),
    ) {
        let availability = availability_from(tz, &rules);
        let zone_db = availability.time_zone().zone();
        let now = Timestamp::from_second(now_secs).unwrap();
        let today = now.to_zoned(zone_db.clone()).date();
        let exceptions: Vec<Exception> = exceptions
            .iter()
            .filter_map(|(offset, kind, start, length, slot)| {
                let date = today.checked_add(jiff::ToSpan::days(*offset)).ok()?;
                let kind = match kind {
                    0 => ExceptionKind::DayOff,
                    1 => ExceptionKind::ChangedHours(hours_from(*start, *length, *slot).into_iter().collect()),
                    _ => ExceptionKind::ExtraHours(hours_from(*start, *length, *slot).into_iter().collect()),
                };
                Some(Exception { date, kind })
            })
            .collect();
        let window = BookingWindow { minimum_notice_hours: notice, horizon_days: horizon };

        let all = open_slots(&availability, &exceptions, &[], now, &window);
        let booked: Vec<Timestamp> = if all.is_empty() {
            Vec::new()
        } else {
            picks.iter().map(|i| i.get(&all).start).collect()
        };
        let open = open_slots(&availability, &exceptions, &booked, now, &window);

        for pair in open.windows(2) {
            prop_assert!(pair[0].end <= pair[1].start, "overlap: {:?}", pair);
        }
        let earliest = now + jiff::SignedDuration::from_hours(i64::from(notice));
        let latest = now + jiff::SignedDuration::from_hours(i64::from(horizon) * 24);
        for slot in &open {
            prop_assert!(slot.start > now, "in the past: {:?}", slot);
            prop_assert!(slot.start >= earliest && slot.start < latest);
            prop_assert!(!booked.contains(&slot.start));
            let local = slot.start.to_zoned(zone_db.clone());
            let inside = hours_on_date(&availability, &exceptions, local.date())
                .iter()
                .any(|h| {
                    h.call_starts().any(|t| t == local.time())
                        && slot.duration().as_mins() == i64::from(h.slot().minutes())
                });
            prop_assert!(inside, "outside the hours: {} in {}", local, tz);
            prop_assert_eq!(
                check_request(&availability, &exceptions, &booked, now, &window, slot.start),
                Ok(*slot)
            );
        }
        for b in &booked {
            prop_assert_eq!(
                check_request(&availability, &exceptions, &booked, now, &window, *b),
                Err(BookingError::AlreadyTaken)
            );
        }
        prop_assert_eq!(open.len() + dedup_count(&booked), all.len());
    }
}

fn dedup_count(booked: &[Timestamp]) -> usize {
    let mut b = booked.to_vec();
    b.sort();
    b.dedup();
    b.len()
}
