//! The seeded clinic's front door over the year: free-guide leads, consult requests and booked
//! calls, through the store's own front-door and booking methods (dated as they happened), with
//! older inbox items moved along the pipeline by the clinician and the emails of the year
//! marked sent, as the outbox worker would have left them.

use super::dice::Dice;
use backstride_core::{Email, TimeZoneName};
use backstride_store::{
    Actor, Clinic, InboxKind, InboxStage, NewBooking, NewEmail, NewInboxItem, NewLead, Store, User,
};
use backstride_web::Clock;
use jiff::ToSpan;
use jiff::civil::Date;

/// What the front door got: counts for the summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FrontCounts {
    pub leads: usize,
    pub consults: usize,
    pub bookings: usize,
}

/// Leads, consults and bookings for a clinic of `runners` over `days` days before `today`:
/// a lead for every five runners, a consult for every ten, a booked call for every twenty (a
/// few of them still to come). **Our choice** of proportions.
pub async fn seed(
    store: &dyn Store,
    clinic: &Clinic,
    clinician: &User,
    seed: u64,
    runners: usize,
    days: i64,
    clock: &Clock,
) -> anyhow::Result<FrontCounts> {
    let today = clock.today_in(&clinic.time_zone);
    let now = clock.unix();
    let mut dice = Dice::new(seed, u64::MAX);
    let tz = clinic.time_zone.zone().clone();
    let at = |date: Date, hour: i8, minute: i8| -> anyhow::Result<i64> {
        Ok(date
            .at(hour, minute, 0, 0)
            .to_zoned(tz.clone())?
            .timestamp()
            .as_second())
    };
    let staff = Actor::of(clinician);
    let mut counts = FrontCounts::default();
    let mut items = Vec::new();
    let days_back = |dice: &mut Dice| dice.below(days.max(1) as u64) as i64;
    for n in 1..=runners / 5 {
        let date = today.saturating_sub(days_back(&mut dice).days());
        let source = if dice.chance(0.6) {
            "landing page".to_owned()
        } else {
            "article:why-your-hips-matter-for-your-back".to_owned()
        };
        let (_, item) = store
            .add_lead(
                &NewLead {
                    clinic_id: clinic.id,
                    name: format!("Guide Reader {n}"),
                    email: format!("reader{n:04}@example.com"),
                    source,
                    consent_text: format!(
                        "Email me the guide, and occasional advice about running with low back pain from {}. \
                         I can unsubscribe at any time with the link in every email.",
                        clinic.name
                    ),
                },
                at(date, 12, (n % 60) as i8)?,
            )
            .await?;
        items.push((item.id, date));
        counts.leads += 1;
    }
    for n in 1..=runners / 10 {
        let date = today.saturating_sub(days_back(&mut dice).days());
        let item = store
            .add_inbox_item(
                &NewInboxItem {
                    clinic_id: clinic.id,
                    kind: InboxKind::Consult,
                    name: format!("Consult Asker {n}"),
                    email: format!("asker{n:04}@example.com"),
                    phone: String::new(),
                    message: "My lower back aches after long runs. Can you help?".into(),
                    source: "landing page".into(),
                    stage: InboxStage::New,
                },
                at(date, 13, (n % 60) as i8)?,
            )
            .await?;
        items.push((item.id, date));
        counts.consults += 1;
    }
    counts.bookings = book_calls(
        store,
        clinic,
        clinician,
        &mut dice,
        runners / 20,
        days,
        clock,
    )
    .await?;
    // Older items: the clinician got back to them.
    let stages = [
        InboxStage::Contacted,
        InboxStage::Enrolled,
        InboxStage::Closed,
    ];
    for (id, date) in items {
        if (today - date).get_days() > 14 {
            let stage = *dice.pick(&stages);
            store
                .update_inbox_item(
                    &staff,
                    id,
                    stage,
                    "Seeded: followed up.",
                    at(date.saturating_add(2.days()), 10, 0)?,
                )
                .await?;
        }
    }
    // The outbox worker sent everything that was due.
    loop {
        let due = store.claim_due_emails(now, 500).await?;
        if due.is_empty() {
            break;
        }
        for email in due {
            store.mark_email_sent(email.id, now).await?;
        }
    }
    Ok(counts)
}

/// `count` calls with the clinician on weekday mornings (09:00–11:30, half-hourly, as the demo
/// clinician's call hours), spread over the year; the last few are in the next two weeks.
async fn book_calls(
    store: &dyn Store,
    clinic: &Clinic,
    clinician: &User,
    dice: &mut Dice,
    count: usize,
    days: i64,
    clock: &Clock,
) -> anyhow::Result<usize> {
    let today = clock.today_in(&clinic.time_zone);
    let tz: &TimeZoneName = &clinic.time_zone;
    let mut taken = std::collections::BTreeSet::new();
    let mut booked = 0;
    for n in 1..=count {
        let ahead = n + 3 > count;
        let date = if ahead {
            today.saturating_add((1 + dice.below(14) as i64).days())
        } else {
            today.saturating_sub((1 + dice.below(days.max(1) as u64) as i64).days())
        };
        if matches!(
            date.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        ) {
            continue;
        }
        let minutes = 9 * 60 + 30 * dice.below(6) as i64;
        let starts = date
            .at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0)
            .to_zoned(tz.zone().clone())?
            .timestamp()
            .as_second();
        if !taken.insert(starts) {
            continue;
        }
        let email: Email = format!("caller{n:04}@example.com").parse()?;
        let name = format!("Call Booker {n}");
        let booked_at = (starts - 3 * 86_400).min(clock.unix() - 3600);
        store
            .book_call(
                &NewBooking {
                    clinic_id: clinic.id,
                    clinician_id: clinician.id,
                    starts_at: starts,
                    ends_at: starts + 30 * 60,
                    name: name.clone(),
                    email: email.clone(),
                    phone: String::new(),
                    message: "Seeded: a first call about my back.".into(),
                    time_zone: tz.clone(),
                    token_hash: format!("seed-booking-{n}-{:016x}", dice.next_u64()),
                    confirmation: NewEmail {
                        to: email.clone(),
                        subject: format!("Your call with {}", clinic.name),
                        body_text: format!("Hello {name}, your call is booked."),
                        attachment: None,
                        send_at: None,
                        clinic_id: Some(clinic.id),
                        about_runner: None,
                        list_unsubscribe: None,
                    },
                    reminder: None,
                    inbox: NewInboxItem {
                        clinic_id: clinic.id,
                        kind: InboxKind::Booking,
                        name,
                        email: email.to_string(),
                        phone: String::new(),
                        message: String::new(),
                        source: "booking page".into(),
                        stage: InboxStage::CallBooked,
                    },
                },
                booked_at,
            )
            .await?;
        booked += 1;
    }
    Ok(booked)
}
