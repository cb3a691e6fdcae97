//! The daily pages' reads of a runner's record kept in memory, each with the record's version
//! (`runner_version`, which the database's triggers raise on every change to the runner, their
//! logs, reviews, assessments, programmes and alerts): a view whose version is unchanged reads
//! only the version and the clinic instead of the programme, assessments and weeks of logs and
//! reviews. Per process; another process's writes raise the same version, so nothing stale is
//! served. Bounded: the least recently used record goes first.

use crate::pages::JournalRecords;
use hashlink::LruCache;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// How many runners' records are kept. **Our choice**: a record of Today's four weeks is
/// about 50–100 KB in memory, so this stays within about 25 MB and holds the runners of a
/// 1,000-runner clinic who look at Today in the same hour.
const HELD: usize = 256;

/// A record read at a version, for one window (its first day).
struct Held {
    since: String,
    version: i64,
    records: Arc<JournalRecords>,
}

pub(crate) struct JournalCache {
    held: Mutex<LruCache<i64, Held>>,
}

impl Default for JournalCache {
    fn default() -> Self {
        JournalCache {
            held: Mutex::new(LruCache::new(HELD)),
        }
    }
}

impl std::fmt::Debug for JournalCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalCache").finish_non_exhaustive()
    }
}

impl JournalCache {
    fn held(&self) -> MutexGuard<'_, LruCache<i64, Held>> {
        // A panic while holding the lock cannot leave an entry half-written: carry on.
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `runner_id`'s record from `since`, if it was read at `version`.
    pub(crate) fn get(
        &self,
        runner_id: i64,
        since: &str,
        version: i64,
    ) -> Option<Arc<JournalRecords>> {
        self.held()
            .get(&runner_id)
            .filter(|h| h.version == version && h.since == since)
            .map(|h| h.records.clone())
    }

    /// Keeps `records`, read at `version` (replacing what was held for the runner).
    pub(crate) fn put(&self, runner_id: i64, version: i64, records: Arc<JournalRecords>) {
        let since = records.since.clone();
        self.held().insert(
            runner_id,
            Held {
                since,
                version,
                records,
            },
        );
    }
}
