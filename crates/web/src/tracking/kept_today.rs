//! Today's record as worked out from the runner's record, kept per runner while the record's
//! version is unchanged (`backstride_store::Kept`): reading the version is one statement, where
//! working the journal out again parses every log of the window, the programme and the
//! assessment behind it (about a quarter of a view's work for a runner with a year of history).

use super::journal::Journal;
use crate::error::{AppError, AppResult};
use crate::programme::hold::{RedFlagHold, hold_in};
use backstride_store::{Actor, Clinic, ReminderRecord, ReviewRecord, Store};
use std::sync::Arc;

/// How many runners' Today records are kept. **Our choice**: one is about 100–200 KB in
/// memory for a runner with a year of history (the window's logs, read and parsed, the
/// programme and the assessment behind it), so this stays within about 25 MB — the server's
/// peak under `bench/load.sh` stays under 200 MB — and holds the runners of a 1,000-runner
/// clinic who look at Today within the same few minutes.
pub(crate) const TODAY_HELD: usize = 128;

/// What Today shows from the runner's record, worked out once per version.
pub(crate) struct TodayRecord {
    pub clinic: Option<Clinic>,
    /// Set while a red flag since the programme holds it.
    pub hold: Option<RedFlagHold>,
    /// The window's reviews, newest first, while there is no journal (which holds them).
    reviews: Vec<ReviewRecord>,
    pub reminder: Option<ReminderRecord>,
    /// `None` while there is no approved programme.
    pub journal: Option<Journal>,
}

impl TodayRecord {
    /// The window's reviews, newest first.
    pub fn reviews(&self) -> &[ReviewRecord] {
        self.journal.as_ref().map_or(&self.reviews, |j| &j.reviews)
    }
}

/// The records kept, per runner, for the window's first day (`AppState::today`).
pub(crate) type KeptToday = backstride_store::Kept<String, TodayRecord>;

/// `runner_id`'s Today record for the window from `since`, as `actor`: from `kept` while the
/// record is unchanged, else read and worked out (and kept).
pub(crate) async fn today_record(
    store: &dyn Store,
    kept: &KeptToday,
    actor: &Actor,
    runner_id: i64,
    since: String,
) -> AppResult<Arc<TodayRecord>> {
    let held = kept.latest(runner_id, since.as_str());
    let read = store
        .journal_unless(
            actor,
            runner_id,
            &since,
            "view today",
            held.as_ref().map(|(version, _)| *version),
        )
        .await?;
    match (held, read.records) {
        (Some((_, held)), None) => Ok(held),
        (_, Some(mut records)) => {
            let clinic = records.clinic.clone();
            let hold = hold_in(&records.assessments);
            let reminder = records.reminder.take();
            let reviews = std::mem::take(&mut records.reviews);
            let (journal, reviews) = if records.programme.is_some() {
                records.reviews = reviews;
                (
                    Journal::from_records(store, actor, records).await?,
                    Vec::new(),
                )
            } else {
                (None, reviews)
            };
            let record = Arc::new(TodayRecord {
                clinic,
                hold,
                reviews,
                reminder,
                journal,
            });
            if let Some(version) = read.version {
                kept.put(runner_id, since, version, record.clone());
            }
            Ok(record)
        }
        (None, None) => Err(AppError::Internal(
            "today: no record read and none held".into(),
        )),
    }
}
