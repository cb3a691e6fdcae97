//! Running summaries of a runner's logs: one row per runner and calendar week (Monday first,
//! table `tracking_week`) holding what each day's logs add up to for the progress charts
//! ([`DaySummary`]: worst pain of each kind, morning pain, metres run, exercises done). Kept up
//! to date in the transaction that stores a log ([`add_to_week_summary!`]), written with the
//! logs by the seeder, and summed up once from the logs for runners whose logs were stored
//! before the table existed ([`catch_up`] after the migrations). So the progress page reads at
//! most [`SUMMARY_WEEKS`] small rows, however long the runner's history, instead of replaying
//! every log of half a year.
//!
//! Logs are never changed once stored (only erased with the whole account, which erases these
//! rows too), so a summary only ever grows by the log just stored.

use crate::{LogKind, StoreError, StoreResult};
use backstride_core::tracking::trends::{DaySummary, MAX_WEEKS};
use backstride_core::tracking::{MorningCheckIn, RunLog, SessionLog};
use jiff::civil::Date;
use std::collections::BTreeMap;

/// Most week rows one read of the summaries returns: the progress chart's
/// [`MAX_WEEKS`] programme weeks, which straddle one calendar week more, and the day its
/// window starts early for a viewer a time zone ahead.
pub const SUMMARY_WEEKS: i64 = MAX_WEEKS + 2;

/// The Monday of `date`'s calendar week: the key of its summary row.
pub fn week_of(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(jiff::Span::new().days(back))
        .unwrap_or(date)
}

/// A stored log as the summaries count it.
pub(crate) enum Logged {
    Session(SessionLog),
    Run(RunLog),
    Morning(MorningCheckIn),
}

impl Logged {
    /// A stored log's body, or `None` when it does not parse (the charts leave such a log out;
    /// the log itself is kept as it is).
    pub(crate) fn parse(kind: LogKind, body_json: &str) -> Option<Logged> {
        let parsed = match kind {
            LogKind::Session => serde_json::from_str(body_json).map(Logged::Session),
            LogKind::Run => serde_json::from_str(body_json).map(Logged::Run),
            LogKind::Morning => serde_json::from_str(body_json).map(Logged::Morning),
        };
        parsed
            .inspect_err(
                |e| tracing::warn!(error = %e, "log left out of the summaries: does not parse"),
            )
            .ok()
    }

    pub(crate) fn date(&self) -> Date {
        match self {
            Logged::Session(s) => s.date,
            Logged::Run(r) => r.date,
            Logged::Morning(m) => m.date,
        }
    }

    fn add_to(&self, day: &mut DaySummary) {
        match self {
            Logged::Session(s) => day.add_session(s),
            Logged::Run(r) => day.add_run(r),
            Logged::Morning(m) => day.add_morning(m),
        }
    }

    /// The week's stored summary (`days_json` of its row, `None` when it has none yet) with
    /// this log added.
    pub(crate) fn added_to(&self, stored: Option<&str>) -> StoreResult<String> {
        let mut days: Vec<DaySummary> = match stored {
            Some(json) => decode(json)?,
            None => Vec::new(),
        };
        let date = self.date();
        match days.binary_search_by_key(&date, |d| d.date) {
            Ok(i) => self.add_to(&mut days[i]),
            Err(i) => {
                let mut day = DaySummary::new(date);
                self.add_to(&mut day);
                days.insert(i, day);
            }
        }
        encode(&days)
    }
}

fn decode(days_json: &str) -> StoreResult<Vec<DaySummary>> {
    serde_json::from_str(days_json)
        .map_err(|e| StoreError::Other(format!("a week's summary does not parse: {e}")))
}

fn encode(days: &[DaySummary]) -> StoreResult<String> {
    serde_json::to_string(days).map_err(|e| StoreError::Other(format!("a week's summary: {e}")))
}

/// The week rows (`(week_start, days_json)`, oldest first) of a runner's logs (kind and body).
pub(crate) fn summarise<'a>(
    logs: impl IntoIterator<Item = (LogKind, &'a str)>,
) -> StoreResult<Vec<(String, String)>> {
    let mut weeks: BTreeMap<Date, BTreeMap<Date, DaySummary>> = BTreeMap::new();
    for (kind, body) in logs {
        let Some(log) = Logged::parse(kind, body) else {
            continue;
        };
        let date = log.date();
        let day = weeks
            .entry(week_of(date))
            .or_default()
            .entry(date)
            .or_insert_with(|| DaySummary::new(date));
        log.add_to(day);
    }
    weeks
        .into_iter()
        .map(|(week, days)| {
            Ok((
                week.to_string(),
                encode(&days.into_values().collect::<Vec<_>>())?,
            ))
        })
        .collect()
}

/// What the stored week rows (`days_json` each) say per day, dated `since` or later.
pub(crate) fn days_since(
    rows: &[(String,)],
    since: Date,
) -> StoreResult<BTreeMap<Date, DaySummary>> {
    let mut out = BTreeMap::new();
    for (json,) in rows {
        for day in decode(json)? {
            if day.date >= since {
                out.insert(day.date, day);
            }
        }
    }
    Ok(out)
}

/// Adds the log just stored (`$kind`, `$body_json`) to its week's summary inside `$tx`, the
/// transaction that stored it: one read and one upsert. Two logs of one runner cannot
/// interleave here: SQLite has one writer, and in PostgreSQL storing a log bumps the runner's
/// row in `runner_version` (migration 0022's trigger), which stays locked until the commit, so
/// the second transaction reads the summary the first wrote.
macro_rules! add_to_week_summary {
    ($tx:expr, $runner_id:expr, $kind:expr, $body_json:expr) => {{
        if let Some(log) = crate::summaries::Logged::parse($kind, $body_json) {
            let tx = $tx;
            let runner_id: i64 = $runner_id;
            let week = crate::summaries::week_of(log.date()).to_string();
            let stored: Option<(String,)> = sqlx::query_as(
                "SELECT days_json FROM tracking_week WHERE runner_id = $1 AND week_start = $2",
            )
            .bind(runner_id)
            .bind(&week)
            .fetch_optional(&mut **tx)
            .await?;
            let days_json = log.added_to(stored.as_ref().map(|(json,)| json.as_str()))?;
            sqlx::query(
                "INSERT INTO tracking_week (runner_id, week_start, days_json) VALUES ($1, $2, $3) \
                 ON CONFLICT (runner_id, week_start) DO UPDATE SET days_json = excluded.days_json",
            )
            .bind(runner_id)
            .bind(&week)
            .bind(&days_json)
            .execute(&mut **tx)
            .await?;
        }
    }};
}
pub(crate) use add_to_week_summary;

/// Stores the week rows of a runner (`$runner_id`) who has none yet, summed up from their logs
/// (`$logs`, `(LogKind, &str)` pairs), inside `$tx`.
macro_rules! store_summaries {
    ($tx:expr, $runner_id:expr, $logs:expr) => {{
        let tx = $tx;
        let runner_id: i64 = $runner_id;
        for (week, days_json) in crate::summaries::summarise($logs)? {
            sqlx::query(
                "INSERT INTO tracking_week (runner_id, week_start, days_json) VALUES ($1, $2, $3)",
            )
            .bind(runner_id)
            .bind(&week)
            .bind(&days_json)
            .execute(&mut **tx)
            .await?;
        }
    }};
}
pub(crate) use store_summaries;

/// Runners summed up per transaction by [`catch_up`].
const CATCH_UP_RUNNERS: i64 = 50;

macro_rules! impl_catch_up {
    ($name:ident, $db:ty, $begin_write:literal) => {
        /// Sums up the logs of every runner listed in `tracking_week_pending` (those with logs
        /// when migration 0029 made the summaries) into their week rows, a few runners per
        /// transaction, each taken off the list in the transaction that sums them up: safe to
        /// stop and run again. Nothing to do on a database made after the migration.
        pub(crate) async fn $name(pool: &sqlx::Pool<$db>) -> StoreResult<()> {
            loop {
                let mut tx = pool.begin_with($begin_write).await?;
                let pending: Vec<(i64,)> = sqlx::query_as(
                    "SELECT runner_id FROM tracking_week_pending ORDER BY runner_id LIMIT $1",
                )
                .bind(CATCH_UP_RUNNERS)
                .fetch_all(&mut *tx)
                .await?;
                if pending.is_empty() {
                    tx.commit().await?;
                    return Ok(());
                }
                for (runner_id,) in pending {
                    let logs: Vec<(String, String)> = sqlx::query_as(
                        "SELECT kind, body_json FROM tracking_log WHERE runner_id = $1",
                    )
                    .bind(runner_id)
                    .fetch_all(&mut *tx)
                    .await?;
                    let logs = logs
                        .iter()
                        .map(|(kind, body)| Ok((kind.parse::<LogKind>()?, body.as_str())))
                        .collect::<StoreResult<Vec<_>>>()?;
                    sqlx::query("DELETE FROM tracking_week WHERE runner_id = $1")
                        .bind(runner_id)
                        .execute(&mut *tx)
                        .await?;
                    store_summaries!(&mut tx, runner_id, logs);
                    sqlx::query("DELETE FROM tracking_week_pending WHERE runner_id = $1")
                        .bind(runner_id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
        }
    };
}

impl_catch_up!(catch_up_sqlite, sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_catch_up!(catch_up_postgres, sqlx::Postgres, "BEGIN");

#[cfg(test)]
mod tests {
    use super::*;

    fn body(kind: LogKind, date: &str) -> String {
        match kind {
            LogKind::Morning => format!(
                r#"{{"date":"{date}","morning_pain":3,"stiffness":1,"settled_after_yesterday":null}}"#
            ),
            LogKind::Run => format!(
                r#"{{"date":"{date}","distance_m":5000.0,"duration_s":1800.0,"pain_before":1,"pain_during":2,"pain_after":4,"note":null}}"#
            ),
            LogKind::Session => unreachable!(),
        }
    }

    #[test]
    fn a_week_is_keyed_by_its_monday() {
        let sunday: Date = "2026-12-06".parse().unwrap();
        assert_eq!(week_of(sunday).to_string(), "2026-11-30");
        let monday: Date = "2026-12-07".parse().unwrap();
        assert_eq!(week_of(monday), monday);
    }

    #[test]
    fn a_log_added_to_its_week_sums_up_like_all_the_logs_at_once() {
        let logs = [
            (LogKind::Run, body(LogKind::Run, "2026-12-07")),
            (LogKind::Morning, body(LogKind::Morning, "2026-12-08")),
            (LogKind::Run, body(LogKind::Run, "2026-12-07")),
            (LogKind::Morning, body(LogKind::Morning, "2026-12-14")),
        ];
        let mut stored: BTreeMap<String, String> = BTreeMap::new();
        for (kind, body) in &logs {
            let log = Logged::parse(*kind, body).unwrap();
            let week = week_of(log.date()).to_string();
            let json = log.added_to(stored.get(&week).map(String::as_str)).unwrap();
            stored.insert(week, json);
        }
        let at_once: BTreeMap<String, String> =
            summarise(logs.iter().map(|(k, b)| (*k, b.as_str())))
                .unwrap()
                .into_iter()
                .collect();
        assert_eq!(stored, at_once);
        let rows: Vec<(String,)> = at_once.into_values().map(|j| (j,)).collect();
        let days = days_since(&rows, "2026-12-08".parse().unwrap()).unwrap();
        assert_eq!(days.len(), 2, "the 7th is before the window");
        let all = days_since(&rows, "2026-12-01".parse().unwrap()).unwrap();
        let first = &all[&"2026-12-07".parse::<Date>().unwrap()];
        assert_eq!(
            (first.run, first.run_metres, first.ran),
            (Some(4), 10_000.0, true)
        );
        // A body that does not parse is left out, not an error.
        assert!(Logged::parse(LogKind::Morning, "{}").is_none());
    }
}
