//! Housekeeping: the front door forgets what it no longer needs, once an hour while the server
//! runs (rate-limit counters, old guide links, enquiries that went nowhere), and so do sign-ins
//! (expired sessions, old login failures); the weekly reviews that have come due are made
//! (pages only read them); the runners' due reminders to log are emailed
//! ([`send_reminders`], bounded per pass by `reminders::PER_PASS`); and each public outcomes
//! sentence is counted again once a day.

use std::sync::Arc;
use std::time::Duration;

use backstride_store::{Forgotten, SignInsForgotten, Store, StoreResult};

/// Rate-limit counters are kept a day. **Our choice**: the limits look back one hour
/// (`front::abuse::WINDOW_SECONDS`); a day leaves room to look into abuse.
pub const ATTEMPTS_KEPT_SECONDS: i64 = 24 * 60 * 60;

/// A free-guide or consult enquiry that did not become a runner or a booked call is forgotten
/// two years after it was last touched, with its lead and consent record. **Our choice**: long
/// enough for a slow decision, short of keeping strangers' details for ever.
pub const ENQUIRIES_KEPT_DAYS: i64 = 730;

/// Login failures are kept a day. **Our choice**: throttling looks back 15 minutes
/// (`auth::THROTTLE_WINDOW_SECONDS`); a day leaves room to look into an attack.
pub const LOGIN_FAILURES_KEPT_SECONDS: i64 = 24 * 60 * 60;

/// How often the pass runs.
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// One pass at `now` (Unix seconds).
pub async fn forget_old(store: &dyn Store, now: i64) -> StoreResult<Forgotten> {
    store
        .forget_old_front_door(
            now - ATTEMPTS_KEPT_SECONDS,
            now - ENQUIRIES_KEPT_DAYS * 24 * 60 * 60,
        )
        .await
}

/// Forgets sessions that have expired by `now` and login failures older than
/// [`LOGIN_FAILURES_KEPT_SECONDS`].
pub async fn forget_old_sign_ins(store: &dyn Store, now: i64) -> StoreResult<SignInsForgotten> {
    store
        .forget_old_sign_ins(now, now - LOGIN_FAILURES_KEPT_SECONDS)
        .await
}

/// Makes the weekly reviews that have come due for every runner with an approved programme
/// (a bounded number each: `tracking::journal::WEEKLY_REVIEWS_CAUGHT_UP`). Returns how many
/// runners were looked at.
pub async fn make_weekly_reviews(
    store: &dyn Store,
    clock: &crate::Clock,
) -> crate::error::AppResult<usize> {
    crate::tracking::journal::make_weekly_reviews_for_everyone(store, clock).await
}

pub use crate::reminders::RemindersHandled;

/// Emails the reminders to log that are due at `at` and whose day has nothing logged yet
/// (`reminders::send_due`); `base_url` starts the links in them and `key` (the web server's,
/// which checks them) signs their tokens.
pub async fn send_reminders(
    store: &dyn Store,
    key: &crate::ServerKey,
    base_url: &str,
    at: jiff::Timestamp,
) -> crate::error::AppResult<RemindersHandled> {
    crate::reminders::send_due(store, key, base_url, at).await
}

/// Runs a pass now and then every [`EVERY`] until `shutdown` turns true, at the time `clock`
/// tells (the app's own); `base_url` (the configured public address) starts the links in
/// reminder emails.
pub async fn run(
    store: Arc<dyn Store>,
    key: crate::ServerKey,
    clock: crate::Clock,
    base_url: String,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *shutdown.borrow() {
            break;
        }
        let now = clock.unix();
        match forget_old(store.as_ref(), now).await {
            Ok(gone) if gone != Forgotten::default() => tracing::info!(
                attempts = gone.attempts,
                guide_links = gone.guide_links,
                enquiries = gone.enquiries,
                "housekeeping: forgot old front-door records"
            ),
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, "housekeeping pass failed"),
        }
        match forget_old_sign_ins(store.as_ref(), now).await {
            Ok(gone) if gone != SignInsForgotten::default() => tracing::info!(
                sessions = gone.sessions,
                login_failures = gone.login_failures,
                "housekeeping: forgot expired sessions and old login failures"
            ),
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, "housekeeping pass on sign-ins failed"),
        }
        // Deleted runners' records kept for their clinic's retention period (issue 15).
        match store.forget_retained(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                runners = n,
                "housekeeping: retention ended, records removed"
            ),
            Err(err) => tracing::warn!(%err, "housekeeping: retained records not removed"),
        }
        if let Err(err) = make_weekly_reviews(store.as_ref(), &clock).await {
            tracing::warn!(%err, "housekeeping: weekly reviews not made");
        }
        match send_reminders(store.as_ref(), &key, &base_url, clock.now()).await {
            Ok(done) if done != RemindersHandled::default() => tracing::info!(
                sent = done.sent,
                skipped = done.skipped,
                "housekeeping: reminders to log handled"
            ),
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, "housekeeping: reminders not sent"),
        }
        if let Err(err) = crate::outcomes::refresh_public(store.as_ref(), &clock).await {
            tracing::warn!(%err, "housekeeping: public outcomes not counted");
        }
        tokio::select! {
            _ = shutdown.changed() => {}
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
