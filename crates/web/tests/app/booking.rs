//! Coaching-call booking: the race for one slot (both backends), bad input, private links,
//! the confirmation's .ics and the reminder, clinic isolation of call hours, and a browser run
//! of booking then cancelling.

use crate::browser::Browser;
use crate::client::*;
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_core::booking::{
    Availability, BookingWindow, CallMode, RawAvailability, RawHours, RawWeeklyHours,
};
use backstride_store::{Actor, Clinic, SaveCallHours, Store, User};
use jiff::Timestamp;
use std::sync::Arc;

/// Every day, 09:00–17:00 UTC, half-hour calls, bookable from an hour ahead for two weeks.
pub(crate) fn every_day() -> SaveCallHours {
    let raw = RawAvailability {
        time_zone: "UTC".into(),
        weekly: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .map(|d| RawWeeklyHours {
                weekday: (*d).into(),
                hours: RawHours {
                    start: "09:00".into(),
                    end: "17:00".into(),
                    slot_minutes: "30".into(),
                },
            })
            .collect(),
    };
    SaveCallHours {
        availability: Availability::try_from(&raw).unwrap(),
        exceptions: Vec::new(),
        window: BookingWindow {
            minimum_notice_hours: 1,
            horizon_days: 14,
        },
        call: CallMode::Phone,
    }
}

/// A clinic with one clinician whose hours are set.
pub(crate) async fn bookable(store: &Arc<dyn Store>, name: &str) -> (Clinic, User) {
    let clinic = clinic(store, name).await;
    let slug = name.to_lowercase().replace(' ', "-");
    let clinician = person(
        store,
        Some(&clinic),
        &format!("coach@{slug}.example"),
        Role::Clinician,
    )
    .await;
    store
        .save_call_hours(&Actor::of(&clinician), clinician.id, &every_day(), 1)
        .await
        .unwrap();
    (clinic, clinician)
}

/// A bookable clinic's booking page, just opened by a new visitor: the clinic's clinician, the
/// page's path (`/clinics/{id}/book`), the visitor and the page.
async fn visit(store: &Arc<dyn Store>, name: &str) -> (User, String, Client, Resp) {
    let (clinic, clinician) = bookable(store, name).await;
    let path = format!("/clinics/{}/book", clinic.id);
    let mut visitor = Client::new(store.clone());
    let page = visitor.get(&path).await;
    (clinician, path, visitor, page)
}

/// The slot values (RFC 3339 starts) offered on a booking page, in order.
pub(crate) fn offered(body: &str) -> Vec<String> {
    body.match_indices("name=\"start\" value=\"")
        .map(|(at, m)| {
            let rest = &body[at + m.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// The first offered slot starting more than `hours` from now.
pub(crate) fn slot_after(body: &str, hours: i64) -> String {
    let after = Timestamp::now().as_second() + hours * 3600;
    offered(body)
        .into_iter()
        .find(|s| s.parse::<Timestamp>().unwrap().as_second() > after)
        .expect("a slot that far ahead")
}

pub(crate) fn details<'a>(start: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("start", start),
        ("tz", "Europe/London"),
        ("name", "Vera Visitor"),
        ("email", email),
        ("phone", "+44 20 7946 0000"),
        ("message", "Sore back after long runs."),
        ("website", ""),
    ]
}

pub(crate) fn token_of(location: &str) -> String {
    location
        .strip_prefix("/bookings/")
        .expect("redirect to the private link")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_visitors_get_one_booking_and_the_others_the_next_free_times() {
    each_backend(|store| async move {
        let (clinician, path, mut first, page) = visit(&store, "Race Clinic").await;
        assert_eq!(page.status, StatusCode::OK);
        let slot = slot_after(&page.body, 30);

        const N: usize = 8;
        let mut visitors = Vec::new();
        for i in 0..N {
            let mut c = first.another();
            // Different people on different networks (one address may only book a few calls).
            c.ip = format!("198.51.100.{}:5000", i + 1).parse().unwrap();
            c.get(&path).await;
            visitors.push(c);
        }
        let mut racing = tokio::task::JoinSet::new();
        for (i, mut c) in visitors.into_iter().enumerate() {
            let path = path.clone();
            let slot = slot.clone();
            racing.spawn(async move {
                let email = format!("racer{i}@example.com");
                let res = c.post(&path, &details(&slot, &email)).await;
                (email, res.status, res.location().to_owned(), res.body)
            });
        }
        let mut winners = Vec::new();
        let mut losers = 0;
        while let Some(done) = racing.join_next().await {
            let (email, status, location, body) = done.unwrap();
            match status {
                StatusCode::SEE_OTHER => winners.push((email, location)),
                StatusCode::CONFLICT => {
                    assert!(body.contains("Someone has just booked that time"), "{body}");
                    // The next free times are offered, and what was typed is kept.
                    assert!(body.contains("These are the next free times"));
                    assert!(!offered(&body).is_empty());
                    assert!(body.contains("Sore back after long runs."));
                    losers += 1;
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!(winners.len(), 1, "exactly one visitor gets the slot");
        assert_eq!(losers, N - 1);

        let booked = store.booked_starts(clinician.id, 0).await.unwrap();
        assert_eq!(booked, vec![slot.parse::<Timestamp>().unwrap().as_second()]);
        let outbox = store.outbox(100).await.unwrap();
        let (winner, _) = &winners[0];
        assert!(
            outbox.iter().all(|e| e.to == *winner),
            "only the winner is emailed"
        );
        let inbox = store.inbox(&Actor::of(&clinician)).await.unwrap();
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].stage, backstride_store::InboxStage::CallBooked);
        assert_eq!(inbox[0].email, *winner);
        // The taken slot is no longer offered.
        let page = first.get(&path).await;
        assert!(!offered(&page.body).contains(&slot));
    })
    .await;
}

#[tokio::test]
async fn confirmation_carries_the_invite_and_the_reminder_goes_with_a_cancel() {
    each_backend(|store| async move {
        let (clinician, path, mut c, _) = visit(&store, "Mail Clinic").await;
        let page = c.get(&format!("{path}?tz=America/New_York")).await;
        assert!(page.body.contains("America/New_York"));
        let slot = slot_after(&page.body, 30);
        let start = slot.parse::<Timestamp>().unwrap().as_second();
        let res = c.post(&path, &details(&slot, "vera@example.com")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let token = token_of(res.location());

        let outbox = store.outbox(10).await.unwrap();
        assert_eq!(outbox.len(), 2);
        let confirmation = outbox
            .iter()
            .find(|e| e.subject.contains("is booked"))
            .unwrap();
        let ics = confirmation
            .attachment
            .as_ref()
            .expect("the .ics is attached");
        assert_eq!(ics.file_name, "call.ics");
        assert!(ics.content_type.starts_with("text/calendar"));
        let dtstart = format!(
            "DTSTART:{}",
            Timestamp::from_second(start)
                .unwrap()
                .strftime("%Y%m%dT%H%M%SZ")
        );
        assert!(
            ics.body.contains("BEGIN:VCALENDAR") && ics.body.contains(&dtstart),
            "{}",
            ics.body
        );
        assert!(
            confirmation
                .body_text
                .contains(&format!("/bookings/{token}"))
        );
        // Both the visitor's zone and the clinic's.
        assert!(confirmation.body_text.contains("(Europe/London)"));
        assert!(confirmation.body_text.contains("(UTC) at the clinic"));
        let reminder = outbox
            .iter()
            .find(|e| e.subject.starts_with("Reminder"))
            .unwrap();
        assert_eq!(reminder.next_attempt_at, start - 86_400);
        assert!(reminder.attachment.is_none());
        // Not due yet: a worker now only picks up the confirmation.
        let now = Timestamp::now().as_second();
        let due = store.claim_due_emails(now, 10).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].id, confirmation.id);
        assert!(due[0].attachment.is_some());
        store.mark_email_sent(due[0].id, now).await.unwrap();

        // The private link shows the call; cancelling frees the slot and drops the reminder.
        let link = link_in_email(&store, "vera@example.com", "/bookings/").await;
        assert!(link.ends_with(&token));
        let mine = c.another().get(&format!("/bookings/{token}")).await;
        assert_eq!(mine.status, StatusCode::OK);
        assert!(mine.body.contains("Your call is booked") && mine.body.contains("coach"));
        assert!(!offered(&c.get(&path).await.body).contains(&slot));
        c.get(&format!("/bookings/{token}")).await;
        let res = c.post(&format!("/bookings/{token}/cancel"), &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let page = c.get(&format!("/bookings/{token}")).await;
        assert!(
            page.body.contains("Your call is cancelled"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("id=\"cancel-call\""));
        let outbox = store.outbox(10).await.unwrap();
        assert!(
            outbox.iter().all(|e| !e.subject.starts_with("Reminder")),
            "reminder dropped"
        );
        let notice = outbox
            .iter()
            .find(|e| e.subject.contains("cancelled"))
            .unwrap();
        assert!(
            notice
                .attachment
                .as_ref()
                .unwrap()
                .body
                .contains("METHOD:CANCEL")
        );
        assert!(
            offered(&c.get(&path).await.body).contains(&slot),
            "slot is free again"
        );
        assert!(
            store
                .booked_starts(clinician.id, 0)
                .await
                .unwrap()
                .is_empty()
        );
        // Cancelling twice is harmless.
        c.get(&format!("/bookings/{token}")).await;
        let again = c.post(&format!("/bookings/{token}/cancel"), &[]).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
    })
    .await;
}

#[tokio::test]
async fn the_invite_is_attached_when_the_email_is_sent() {
    let store = backstride_store::testing::sqlite().await;
    let (_, path, mut c, page) = visit(&store, "File Clinic").await;
    let slot = slot_after(&page.body, 2);
    let res = c.post(&path, &details(&slot, "eml@example.com")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let dir = std::env::temp_dir().join(format!("bs-booking-mail-{}", std::process::id()));
    let mailer = backstride_web::mail::Mailer::from_config(&Default::default(), &dir).unwrap();
    let now = Timestamp::now().as_second();
    backstride_web::mail::deliver_due(store.as_ref(), &mailer, "Clinic <c@example.com>", now)
        .await
        .unwrap();
    let eml: Vec<String> = std::fs::read_dir(dir.join("mail"))
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .filter(|t| t.contains("eml@example.com"))
        .collect();
    assert_eq!(eml.len(), 1);
    assert!(eml[0].contains("multipart/mixed"), "{}", eml[0]);
    assert!(eml[0].contains("text/calendar"));
    assert!(eml[0].contains("call.ics"));
}

#[tokio::test]
async fn bad_booking_input_gets_clear_messages_and_keeps_what_was_typed() {
    each_backend(|store| async move {
        let (clinician, path, mut c, page) = visit(&store, "Check Clinic").await;
        let slot = slot_after(&page.body, 2);

        let missing = c
            .post(
                &path,
                &[("start", slot.as_str()), ("name", ""), ("email", "nope")],
            )
            .await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.body.contains("Enter your name"));
        assert!(
            missing
                .body
                .contains("Enter an email address like name@example.com.")
        );
        assert!(missing.body.contains("value=\"nope\""));

        let long = "a".repeat(4_001);
        let mut fields = details(&slot, "long@example.com");
        fields.retain(|(k, _)| *k != "message");
        fields.push(("message", &long));
        let res = c.post(&path, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("That is 4001 characters"), "{}", res.body);
        assert!(res.body.contains(&long), "the message is kept");

        let past = Timestamp::from_second(Timestamp::now().as_second() - 3600)
            .unwrap()
            .to_string();
        let res = c.post(&path, &details(&past, "past@example.com")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("That time has already passed"));
        assert!(res.body.contains("value=\"Vera Visitor\""));

        for nonsense in ["tomorrow at nine", "2030-01-01T09:07:00Z"] {
            let res = c.post(&path, &details(nonsense, "odd@example.com")).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                res.body.contains("not one of the clinician")
                    || res.body.contains("up to 14 days ahead"),
                "{}",
                res.body
            );
        }
        let res = c.post(&path, &details("", "none@example.com")).await;
        assert!(res.body.contains("Pick a time for the call."));

        // The spam trap.
        let mut fields = details(&slot, "bot@example.com");
        fields.retain(|(k, _)| *k != "website");
        fields.push(("website", "http://spam.example"));
        let res = c.post(&path, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Nothing was booked or sent; an unknown clinic is a 404; a write without the form's
        // token is refused.
        assert!(
            store
                .booked_starts(clinician.id, 0)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(store.outbox(10).await.unwrap().is_empty());
        assert_eq!(
            c.get("/clinics/999999/book").await.status,
            StatusCode::NOT_FOUND
        );
        let body = serde_urlencoded::to_string(details(&slot, "x@example.com")).unwrap();
        assert_eq!(c.post_raw(&path, body).await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn tampered_links_are_refused_and_calls_can_move() {
    each_backend(|store| async move {
        let (clinician, path, mut c, page) = visit(&store, "Link Clinic").await;
        let slots = offered(&page.body);
        let (first, second) = (slots[0].clone(), slots[3].clone());
        let res = c.post(&path, &details(&first, "mover@example.com")).await;
        let token = token_of(res.location());

        let mut tampered = token.clone();
        tampered.replace_range(0..1, if tampered.starts_with('A') { "B" } else { "A" });
        for bad in [tampered.as_str(), "nonsense", &"x".repeat(300)] {
            let res = c.get(&format!("/bookings/{bad}")).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND);
            assert!(res.body.contains("find that booking"), "{}", res.body);
            let res = c.post(&format!("/bookings/{bad}/cancel"), &[]).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND);
        }
        assert_eq!(store.booked_starts(clinician.id, 0).await.unwrap().len(), 1);

        let res = c.get(&format!("/bookings/{token}/reschedule")).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains("Move your call"));
        let res = c
            .post(
                &format!("/bookings/{token}/reschedule"),
                &[("start", second.as_str())],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(
            store.booked_starts(clinician.id, 0).await.unwrap(),
            vec![second.parse::<Timestamp>().unwrap().as_second()]
        );
        assert!(
            offered(&c.get(&path).await.body).contains(&first),
            "old slot freed"
        );
        let moved = store.outbox(10).await.unwrap();
        assert!(
            moved
                .iter()
                .any(|e| e.subject.contains("has moved") && e.attachment.is_some())
        );

        // Someone else takes a slot; moving onto it is refused with the next free times.
        let mut other = c.another();
        other.get(&path).await;
        other
            .post(&path, &details(&first, "other@example.com"))
            .await;
        c.get(&format!("/bookings/{token}/reschedule")).await;
        let res = c
            .post(
                &format!("/bookings/{token}/reschedule"),
                &[("start", first.as_str())],
            )
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(res.body.contains("Someone has just booked that time"));
        assert_eq!(store.booked_starts(clinician.id, 0).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn call_hours_are_checked_field_by_field_and_stay_in_their_clinic() {
    each_backend(|store| async move {
        let a = clinic(&store, "Clinic A").await;
        let b = clinic(&store, "Clinic B").await;
        let coach_a = person(&store, Some(&a), "coach@a.example", Role::Clinician).await;
        let coach_b = person(&store, Some(&b), "coach@b.example", Role::Clinician).await;
        person(&store, Some(&a), "admin@a.example", Role::Admin).await;

        let mut ca = Client::new(store.clone());
        ca.login("coach@a.example", PASSWORD).await;
        let res = ca.get("/clinic/availability").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let own = format!("/clinic/availability/{}", coach_a.id);
        assert_eq!(res.location(), own);
        let page = ca.get(&own).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Weekly hours"));

        // Mistakes: each message beside its field, every value kept.
        let res = ca
            .post(
                &own,
                &[
                    ("time_zone", "UTC"),
                    ("minimum_notice_hours", "12"),
                    ("horizon_days", "28"),
                    ("weekly[0].weekday", "monday"),
                    ("weekly[0].start", "10:00"),
                    ("weekly[0].end", "09:00"),
                    ("weekly[0].slot_minutes", "30"),
                    ("weekly[1].weekday", ""),
                    ("weekly[1].start", ""),
                    ("weekly[1].end", ""),
                    ("weekly[1].slot_minutes", ""),
                    ("weekly[2].weekday", "tuesday"),
                    ("weekly[2].start", "9am"),
                    ("weekly[2].end", "12:00"),
                    ("weekly[2].slot_minutes", "5"),
                    ("exceptions[0].date", "24/12/2026"),
                    ("exceptions[0].kind", "day_off"),
                    ("exceptions[1].date", "9999-12-31"),
                    ("exceptions[1].kind", "day_off"),
                    ("exceptions[2].date", "0000-01-01"),
                    ("exceptions[2].kind", "day_off"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        for expected in [
            "id=\"weekly-0-end-error\"",
            "The end time must be after the start time.",
            "id=\"weekly-2-start-error\"",
            "Enter the start time on the 24-hour clock",
            "id=\"weekly-2-slot_minutes-error\"",
            "id=\"exceptions-0-date-error\"",
            "Enter the date as YYYY-MM-DD",
            "value=\"9am\"",
            "value=\"24/12/2026\"",
            "id=\"exceptions-1-date-error\"",
            "Choose a date from a year ago to a year ahead",
            "value=\"9999-12-31\"",
            "id=\"exceptions-2-date-error\"",
            "value=\"0000-01-01\"",
        ] {
            assert!(res.body.contains(expected), "{expected}");
        }

        // A day off within the year ahead that exceptions may reach.
        let soon = jiff::Zoned::now()
            .date()
            .checked_add(jiff::Span::new().days(30))
            .unwrap()
            .to_string();
        let good = [
            ("time_zone", "Europe/London"),
            ("minimum_notice_hours", "12"),
            ("horizon_days", "28"),
            ("weekly[0].weekday", "monday"),
            ("weekly[0].start", "09:00"),
            ("weekly[0].end", "12:00"),
            ("weekly[0].slot_minutes", "30"),
            ("exceptions[0].date", soon.as_str()),
            ("exceptions[0].kind", "day_off"),
        ];
        let res = ca.post(&own, &good).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = ca.get(&own).await;
        assert!(page.body.contains("Call hours saved"));
        assert!(page.body.contains(&format!("value=\"{soon}\"")));

        // A clinician of clinic B gets a 404 for clinic A's hours, reading or writing, and the
        // attempts are audited.
        let mut cb = Client::new(store.clone());
        cb.login("coach@b.example", PASSWORD).await;
        assert_eq!(cb.get(&own).await.status, StatusCode::NOT_FOUND);
        // Their own page works (and gives this session's form token).
        let theirs = cb
            .get(&format!("/clinic/availability/{}", coach_b.id))
            .await;
        assert_eq!(theirs.status, StatusCode::OK);
        let mut evil = good.to_vec();
        evil[3] = ("weekly[0].weekday", "sunday");
        assert_eq!(cb.post(&own, &evil).await.status, StatusCode::NOT_FOUND);
        let (_, kept) = store
            .open_call_hours(&Actor::of(&coach_a), coach_a.id)
            .await
            .unwrap();
        assert_eq!(
            kept.unwrap()
                .availability
                .hours_on(jiff::civil::Weekday::Sunday)
                .len(),
            0
        );
        let audit = store.audit_events_about(coach_a.id).await.unwrap();
        let denied: Vec<_> = audit
            .iter()
            .filter(|e| e.actor_user_id == coach_b.id && e.outcome == "denied")
            .collect();
        assert_eq!(denied.len(), 2, "{audit:?}");
        // Nor may a colleague in clinic A; their admin may.
        let colleague = person(&store, Some(&a), "colleague@a.example", Role::Clinician).await;
        let mut cc = Client::new(store.clone());
        cc.login("colleague@a.example", PASSWORD).await;
        assert_eq!(cc.get(&own).await.status, StatusCode::NOT_FOUND);
        let mut ad = Client::new(store.clone());
        ad.login("admin@a.example", PASSWORD).await;
        let page = ad.get(&own).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Call hours for coach"));
        assert_eq!(
            ad.get(&format!("/clinic/availability/{}", colleague.id))
                .await
                .status,
            StatusCode::OK
        );
        // Runners have no call hours.
        let runner = person(&store, Some(&a), "runner@a.example", Role::Runner).await;
        let mut cr = Client::new(store.clone());
        cr.login("runner@a.example", PASSWORD).await;
        assert_eq!(
            cr.get("/clinic/availability").await.status,
            StatusCode::FORBIDDEN
        );
        let res = cr.get(&format!("/clinic/availability/{}", runner.id)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert_eq!(
            ad.get(&format!("/clinic/availability/{}", runner.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // The clinic page links to the hours.
        assert!(
            ca.get("/clinic")
                .await
                .body
                .contains("/clinic/availability")
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_books_and_cancels_a_call_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (clinic, _) = bookable(&b.store, "Browser Clinic").await;
    b.goto("/login").await;
    b.fill("#email", "coach@browser-clinic.example").await;
    b.fill("#password", PASSWORD).await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Log out").await;
    b.goto("/clinic/availability").await;
    b.wait_for_text("Weekly hours").await;
    b.assert_accessible().await;
    b.screenshot("booking-hours").await;
    b.click("nav button.link").await; // Log out
    b.wait_for_text("You are logged out.").await;

    b.goto(&format!("/clinics/{}/book?tz=UTC", clinic.id)).await;
    b.wait_for_text("Book a call with Browser Clinic").await;
    b.assert_accessible().await;
    b.screenshot("booking-page").await;
    b.click("input[name=start]").await;
    b.fill("#name", "Vera Visitor").await;
    b.fill("#email", "vera@example.com").await;
    b.click("#book-call").await;
    b.wait_for_text("Your call is booked").await;
    b.assert_accessible().await;
    b.screenshot("booking-booked").await;
    b.click("#cancel-call").await;
    b.wait_for_text("Your call is cancelled").await;
    b.assert_accessible().await;
    b.screenshot("booking-cancelled").await;
    let outbox = b.store.outbox(10).await.unwrap();
    assert!(outbox.iter().any(|e| e.subject.contains("is booked")));
    assert!(outbox.iter().any(|e| e.subject.contains("cancelled")));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_database_decides_a_race_even_past_the_checks() {
    each_backend(|store| async move {
        let (clinic, clinician) = bookable(&store, "Store Race").await;
        let start = Timestamp::now().as_second() / 3600 * 3600 + 3 * 86_400;
        let mut racing = tokio::task::JoinSet::new();
        for i in 0..8 {
            let store = store.clone();
            let email: backstride_core::Email = format!("r{i}@example.com").parse().unwrap();
            let booking = backstride_store::NewBooking {
                clinic_id: clinic.id,
                clinician_id: clinician.id,
                starts_at: start,
                ends_at: start + 1800,
                name: format!("Racer {i}"),
                email: email.clone(),
                phone: String::new(),
                message: String::new(),
                time_zone: backstride_core::TimeZoneName::utc(),
                token_hash: format!("hash-{i}"),
                confirmation: backstride_store::NewEmail::text(email.clone(), "Booked", "Hello"),
                reminder: Some(
                    backstride_store::NewEmail::text(email, "Reminder", "Tomorrow")
                        .send_at(start - 86_400),
                ),
                inbox: backstride_store::NewInboxItem {
                    clinic_id: clinic.id,
                    kind: backstride_store::InboxKind::Booking,
                    name: format!("Racer {i}"),
                    email: format!("r{i}@example.com"),
                    phone: String::new(),
                    message: String::new(),
                    source: "test".into(),
                    stage: backstride_store::InboxStage::CallBooked,
                },
            };
            racing.spawn(async move { store.book_call(&booking, 1).await });
        }
        let (mut won, mut taken) = (0, 0);
        while let Some(done) = racing.join_next().await {
            match done.unwrap() {
                Ok(_) => won += 1,
                Err(backstride_store::StoreError::Conflict { constraint }) => {
                    assert_eq!(constraint, backstride_store::SLOT_TAKEN);
                    taken += 1;
                }
                Err(other) => panic!("{other}"),
            }
        }
        assert_eq!((won, taken), (1, 7));
        // The losers left nothing behind: one booking, its two emails, one inbox item.
        assert_eq!(store.outbox(100).await.unwrap().len(), 2);
        assert_eq!(store.inbox(&Actor::of(&clinician)).await.unwrap().len(), 1);
        // A cancelled booking frees the slot for the next visitor.
        let winner = store
            .clinic_bookings(&Actor::of(&clinician), 0)
            .await
            .unwrap();
        let notice =
            backstride_store::NewEmail::text("r0@example.com".parse().unwrap(), "Cancelled", "Bye");
        store
            .cancel_booking(&winner[0].token_hash, &notice, 2)
            .await
            .unwrap();
        assert!(
            store
                .booked_starts(clinician.id, 0)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn one_visitor_can_book_only_a_few_calls_an_hour() {
    each_backend(|store| async move {
        let (clinician, path, mut visitor, page) = visit(&store, "Busy Clinic").await;
        let slots = offered(&page.body);
        assert!(slots.len() >= 10, "enough free times to try");
        let mut booked = 0;
        for (i, slot) in slots.iter().take(8).enumerate() {
            let email = format!("grabber{i}@example.com");
            let res = visitor.post(&path, &details(slot, &email)).await;
            match res.status {
                StatusCode::SEE_OTHER => booked += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    assert!(res.body.contains("many requests from here"), "{}", res.body);
                    assert!(
                        res.body.contains("Sore back after long runs."),
                        "typed text kept"
                    );
                }
                other => panic!("unexpected {other}: {}", res.body),
            }
        }
        assert_eq!(booked, 5, "five calls an hour from one address");
        assert_eq!(store.booked_starts(clinician.id, 0).await.unwrap().len(), 5);
        let outbox = store.outbox(100).await.unwrap();
        for refused in 5..8 {
            let to = format!("grabber{refused}@example.com");
            assert!(
                outbox.iter().all(|e| e.to != to),
                "nothing sent for a refused booking"
            );
        }

        // One email address can't be sent many calls from many addresses either.
        let mut sent = 0;
        for (i, slot) in slots.iter().skip(8).take(4).enumerate() {
            let mut other = visitor.another();
            other.ip = format!("198.51.100.{}:5000", 100 + i).parse().unwrap();
            other.get(&path).await;
            let res = other
                .post(&path, &details(slot, "victim@example.com"))
                .await;
            if res.status == StatusCode::SEE_OTHER {
                sent += 1;
            } else {
                assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
            }
        }
        assert_eq!(sent, 3);
    })
    .await;
}

/// The UTC date an offered slot value (RFC 3339) starts on.
fn utc_date(slot: &str) -> jiff::civil::Date {
    slot.parse::<Timestamp>()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// Issue 19: the clinic's holidays close the booking page (a forged time on one is refused with
/// a message by the times, everything typed kept), the admin edits them with messages by the
/// field, and the clinician's call mode — video with its link — is on the booking page, the
/// confirmation page, its email and the `.ics`.
#[tokio::test]
async fn holidays_close_booking_and_the_call_mode_reaches_the_confirmation_and_ics() {
    each_backend(|store| async move {
        let (clinic, clinician) = bookable(&store, "Holiday Clinic").await;
        person(
            &store,
            Some(&clinic),
            "admin@holiday-clinic.example",
            Role::Admin,
        )
        .await;
        let video = SaveCallHours {
            call: CallMode::Video("https://meet.example/holiday-room".into()),
            ..every_day()
        };
        store
            .save_call_hours(&Actor::of(&clinician), clinician.id, &video, 1)
            .await
            .unwrap();
        let closed = utc_date(&Timestamp::now().to_string())
            .checked_add(jiff::Span::new().days(2))
            .unwrap();

        let mut admin = Client::new(store.clone());
        admin.login("admin@holiday-clinic.example", PASSWORD).await;
        let page = admin.get("/clinic/holidays").await;
        assert_eq!(page.status, StatusCode::OK);
        let bad = admin
            .post(
                "/clinic/holidays",
                &[("country", "atlantis"), ("own_days", "9999-01-01 Far away")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Choose a country from the list"));
        assert!(bad.body.contains("Line 1: Choose a date"), "{}", bad.body);
        assert!(
            bad.body.contains("9999-01-01 Far away"),
            "what was typed is kept"
        );
        let own = format!("{closed} Staff training");
        let saved = admin
            .post(
                "/clinic/holidays",
                &[("country", "england_and_wales"), ("own_days", &own)],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = admin.get("/clinic/holidays").await;
        assert!(page.body.contains("Christmas Day") && page.body.contains(&own));
        let hours = admin
            .get(&format!("/clinic/availability/{}", clinician.id))
            .await;
        assert!(
            hours.body.contains("Staff training"),
            "the clinician sees it"
        );

        let path = format!("/clinics/{}/book", clinic.id);
        let mut c = Client::new(store.clone());
        let page = c.get(&format!("{path}?tz=UTC")).await;
        assert!(
            page.body
                .contains("By video: join at https://meet.example/holiday-room")
        );
        assert!(page.body.contains("type=\"date\""), "a date picker");
        assert!(page.body.contains("/clinics/") && page.body.contains("brand.css"));
        let offered_now = offered(&page.body);
        assert!(!offered_now.is_empty());
        assert!(
            offered_now.iter().all(|s| utc_date(s) != closed),
            "nothing offered on the clinic's own closed day"
        );
        let christmas = offered_now.iter().any(|s| {
            let d = utc_date(s);
            d.month() == 12 && d.day() == 25
        });
        assert!(!christmas, "nor on Christmas Day");
        let on_closed = c.get(&format!("{path}?tz=UTC&day={closed}")).await;
        assert!(
            on_closed.body.contains("is closed on") && on_closed.body.contains("Staff training"),
            "{}",
            on_closed.body
        );

        let forged = format!("{closed}T10:00:00Z");
        let res = c.post(&path, &details(&forged, "hol@example.com")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body.contains("Holiday Clinic is closed on") && res.body.contains("Staff training"),
            "{}",
            res.body
        );
        assert!(
            res.body.contains("value=\"Vera Visitor\""),
            "what was typed is kept"
        );
        assert!(
            store
                .booked_starts(clinician.id, 0)
                .await
                .unwrap()
                .is_empty()
        );

        let slot = slot_after(&page.body, 2);
        let res = c.post(&path, &details(&slot, "vid@example.com")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let mine = c.get(res.location()).await;
        assert!(
            mine.body
                .contains("By video: join at https://meet.example/holiday-room")
                && mine.body.contains("Open the video call"),
            "{}",
            mine.body
        );
        let outbox = store.outbox(10).await.unwrap();
        let confirmation = outbox
            .iter()
            .find(|e| e.subject.contains("is booked"))
            .unwrap();
        assert!(
            confirmation
                .body_text
                .contains("How:  By video: join at https://meet.example/holiday-room")
        );
        let ics = &confirmation.attachment.as_ref().unwrap().body;
        assert!(
            ics.contains("LOCATION:https://meet.example/holiday-room") && ics.contains("By video"),
            "{ics}"
        );
    })
    .await;
}
