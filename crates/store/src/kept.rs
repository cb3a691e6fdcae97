//! What a page worked out from a runner's record, kept in memory with the record's version
//! (`runner_version`, which the database's triggers raise on every change to the runner, their
//! logs, reviews, assessments, programmes and alerts): a view whose version is unchanged reads
//! only the version and what has no version (the clinic) instead of the whole record. Per
//! process; another process's writes raise the same version, so nothing stale is served.
//! Bounded: the least recently used runner goes first.
//!
//! The web crate keeps Today's worked-out journal and the progress page's drawn charts this
//! way, which cost more to work out than to read; the store's `journal_unless` and `progress`
//! read only the version while the caller holds them.

use hashlink::LruCache;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// A value worked out at a version, for one `key` (what else it was worked out from: a
/// window's first day, a clinic's settings, a date).
struct Held<K, T> {
    key: K,
    version: i64,
    value: Arc<T>,
}

/// Up to a number of runners' values, each at the version it was worked out from.
pub struct Kept<K, T> {
    held: Mutex<LruCache<i64, Held<K, T>>>,
}

impl<K, T> std::fmt::Debug for Kept<K, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept").finish_non_exhaustive()
    }
}

impl<K: PartialEq, T> Kept<K, T> {
    /// Keeps at most `runners` runners' values.
    pub fn new(runners: usize) -> Self {
        Kept {
            held: Mutex::new(LruCache::new(runners.max(1))),
        }
    }

    fn held(&self) -> MutexGuard<'_, LruCache<i64, Held<K, T>>> {
        // A panic while holding the lock cannot leave an entry half-written: carry on.
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `runner_id`'s value for `key` and the version it was worked out at, whatever that
    /// version: what to ask the store whether the record has changed since.
    pub fn latest<Q>(&self, runner_id: i64, key: &Q) -> Option<(i64, Arc<T>)>
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.held()
            .get(&runner_id)
            .filter(|h| h.key.borrow() == key)
            .map(|h| (h.version, h.value.clone()))
    }

    /// `runner_id`'s value, if it was worked out at `version` for `key`.
    pub fn get<Q>(&self, runner_id: i64, key: &Q, version: i64) -> Option<Arc<T>>
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ?Sized,
    {
        self.held()
            .get(&runner_id)
            .filter(|h| h.version == version && h.key.borrow() == key)
            .map(|h| h.value.clone())
    }

    /// Keeps `value`, worked out at `version` for `key` (replacing what was kept for the
    /// runner).
    pub fn put(&self, runner_id: i64, key: K, version: i64, value: Arc<T>) {
        self.held().insert(
            runner_id,
            Held {
                key,
                version,
                value,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_given_back_only_at_its_version_and_key_and_the_oldest_goes_first() {
        let kept: Kept<&str, u32> = Kept::new(2);
        kept.put(1, "monday", 5, Arc::new(10));
        assert_eq!(kept.latest(1, &"monday").map(|(v, _)| v), Some(5));
        assert!(kept.latest(1, &"tuesday").is_none());
        assert_eq!(kept.get(1, &"monday", 5).as_deref(), Some(&10));
        assert!(kept.get(1, &"monday", 6).is_none(), "a newer version");
        assert!(kept.get(1, &"tuesday", 5).is_none(), "another key");
        kept.put(2, "monday", 1, Arc::new(20));
        kept.get(1, &"monday", 5);
        kept.put(3, "monday", 1, Arc::new(30));
        assert!(
            kept.latest(2, &"monday").is_none(),
            "the least recently used went"
        );
        assert_eq!(kept.get(1, &"monday", 5).as_deref(), Some(&10));
        assert_eq!(kept.get(3, &"monday", 1).as_deref(), Some(&30));
    }
}
