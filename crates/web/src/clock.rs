//! The app's one clock: what time it is, a person's today in their own time zone, and a moment
//! written in the viewer's local time. The server reads the system clock; router tests pin it
//! (`Clock::pinned`, `Clock::set`) so weekly reviews, reminders, booking, articles, printed PDFs
//! and the demo (`backstride demo --today`) can be checked on a chosen date. Request handlers
//! and the hourly housekeeping read the time through `AppState::clock`.
//!
//! On purpose, security windows keep the system's time whatever the clock says (a pinned clock
//! must not stretch a sign-in link's or a session's life): emailed links and invitations
//! (`auth::now`), sessions, form tokens, rate limits and the mail worker.

use backstride_core::TimeZoneName;
use backstride_store::User;
use jiff::Timestamp;
use jiff::civil::Date;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Now, from the system or pinned to a moment (to the second).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    pinned: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock { pinned: None }
    }

    /// A clock that stays at `at` until [`Clock::set`] moves it (tests, demos).
    pub fn pinned(at: Timestamp) -> Self {
        Clock {
            pinned: Some(Arc::new(AtomicI64::new(at.as_second()))),
        }
    }

    /// Moves a pinned clock (and every copy of it) to `at`; the system clock can't be moved.
    pub fn set(&self, at: Timestamp) {
        if let Some(pinned) = &self.pinned {
            pinned.store(at.as_second(), Ordering::Relaxed);
        }
    }

    pub fn now(&self) -> Timestamp {
        match &self.pinned {
            Some(pinned) => Timestamp::from_second(pinned.load(Ordering::Relaxed))
                .unwrap_or(Timestamp::UNIX_EPOCH),
            None => Timestamp::now(),
        }
    }

    /// Now as Unix seconds, as the store keeps moments.
    pub fn unix(&self) -> i64 {
        self.now().as_second()
    }

    /// Today in a time zone.
    pub fn today_in(&self, tz: &TimeZoneName) -> Date {
        self.now().to_zoned(tz.zone()).date()
    }

    /// Today in the person's own time zone.
    pub fn today_for(&self, user: &User) -> Date {
        self.today_in(&user.time_zone)
    }
}

/// A date and time in the viewer's own time zone, e.g. "25 Nov 2026, 18:40".
pub fn local_time(unix: i64, tz: &TimeZoneName) -> String {
    Timestamp::from_second(unix)
        .map(|ts| {
            ts.to_zoned(tz.zone())
                .strftime("%-d %b %Y, %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_clock_stays_and_moves_with_its_copies() {
        let at: Timestamp = "2026-12-24T23:30:00Z".parse().unwrap();
        let clock = Clock::pinned(at);
        let copy = clock.clone();
        assert_eq!(copy.now(), at);
        let tz: TimeZoneName = "Europe/Berlin".parse().unwrap();
        // Half past eleven in London is Christmas Day in Berlin.
        assert_eq!(clock.today_in(&tz).to_string(), "2026-12-25");
        clock.set(at + jiff::SignedDuration::from_hours(24));
        assert_eq!(copy.today_in(&tz).to_string(), "2026-12-26");
        assert_eq!(local_time(at.as_second(), &tz), "25 Dec 2026, 00:30");
    }
}
