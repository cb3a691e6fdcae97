//! What a booking's emails and calendar files say: the confirmation (with the `.ics`), the
//! reminder a day before, and the cancellation notice.

use super::*;

/// Everything a booking's emails say.
pub(super) struct CallFacts<'a> {
    pub(super) clinic: &'a Clinic,
    pub(super) clinician: &'a str,
    pub(super) visitor_name: &'a str,
    pub(super) phone: &'a str,
    pub(super) zone: &'a TimeZoneName,
    pub(super) slot: Slot,
    pub(super) link: String,
    pub(super) uid: String,
    /// When the booking was first made (the calendar event's SEQUENCE counts from it).
    pub(super) booked_at: Timestamp,
    /// How the call happens, as the clinician's call hours say.
    pub(super) call: CallMode,
}

impl CallFacts<'_> {
    pub(super) fn when(&self) -> String {
        let mut when = slot_label(&self.slot, self.zone);
        if self.clinic.time_zone != *self.zone {
            when.push_str(&format!(
                "\n      {} at the clinic",
                slot_label(&self.slot, &self.clinic.time_zone)
            ));
        }
        when
    }

    pub(super) fn how(&self) -> String {
        self.call.how(self.clinician, self.phone)
    }

    pub(super) fn invite(&self, stamp: Timestamp, cancelled: bool) -> String {
        call_invite(
            &self.slot,
            &CallInvite {
                uid: self.uid.clone(),
                summary: format!(
                    "Coaching call with {} ({})",
                    self.clinician, self.clinic.name
                ),
                description: format!("{}\nTo cancel or move the call: {}", self.how(), self.link),
                location: self.call.location(self.phone),
                stamp,
                booked_at: self.booked_at,
                cancelled,
            },
        )
    }

    pub(super) fn confirmation(&self, to: &Email, now: Timestamp, moved: bool) -> NewEmail {
        let subject = if moved {
            format!("Your call with {} has moved", self.clinic.name)
        } else {
            format!("Your call with {} is booked", self.clinic.name)
        };
        let body = format!(
            "Hello {name},\n\n{opening} coaching call with {clinician} at {clinic}.\n\n\
             When: {when}\nHow:  {how}\n\n\
             The attached calendar file (call.ics) adds the call to your calendar.\n\n\
             To cancel or move the call, use your private link (anyone with it can change the booking, so keep it to yourself):\n\
             {link}\n\nWe will send a reminder a day before.\n\n{clinic}\n",
            name = self.visitor_name,
            opening = if moved {
                "We have moved your"
            } else {
                "You have booked a"
            },
            clinician = self.clinician,
            clinic = self.clinic.name,
            when = self.when(),
            how = self.how(),
            link = self.link,
        );
        NewEmail::text(to.clone(), subject, body)
            .from_clinic(Some(self.clinic.id))
            .with_attachment(
                "call.ics",
                "text/calendar; charset=utf-8; method=PUBLISH",
                self.invite(now, false),
            )
    }

    pub(super) fn reminder(&self, to: &Email, now: Timestamp) -> Option<NewEmail> {
        let due = self.slot.reminder_at(now)?;
        let body = format!(
            "Hello {name},\n\nA reminder: your coaching call with {clinician} at {clinic} is tomorrow.\n\n\
             When: {when}\nHow:  {how}\n\nCan't make it? Cancel or move the call with your private link:\n{link}\n\n{clinic}\n",
            name = self.visitor_name,
            clinician = self.clinician,
            clinic = self.clinic.name,
            when = self.when(),
            how = self.how(),
            link = self.link,
        );
        Some(
            NewEmail::text(
                to.clone(),
                format!("Reminder: your call with {} tomorrow", self.clinic.name),
                body,
            )
            .send_at(due.as_second())
            .from_clinic(Some(self.clinic.id)),
        )
    }

    pub(super) fn cancellation(&self, to: &Email, now: Timestamp) -> NewEmail {
        let body = format!(
            "Hello {name},\n\nYour coaching call with {clinician} at {clinic} is cancelled.\n\n\
             It was: {when}\n\nThe attached calendar file (cancel.ics) removes it from your calendar. \
             To book another time: {book}\n\n{clinic}\n",
            name = self.visitor_name,
            clinician = self.clinician,
            clinic = self.clinic.name,
            when = self.when(),
            book = self
                .link
                .split("/bookings/")
                .next()
                .map(|base| format!("{base}/clinics/{}/book", self.clinic.id))
                .unwrap_or_default(),
        );
        NewEmail::text(
            to.clone(),
            format!("Your call with {} is cancelled", self.clinic.name),
            body,
        )
        .from_clinic(Some(self.clinic.id))
        .with_attachment(
            "cancel.ics",
            "text/calendar; charset=utf-8; method=CANCEL",
            self.invite(now, true),
        )
    }
}

pub(super) fn call_uid(hash: &str) -> String {
    format!("booking-{}@backstride", &hash[..hash.len().min(24)])
}
