//! Alerts for the runner's clinician, in the tiers of CLINICAL.md §7 (after MedBridge's
//! published tiers): critical — pain at 7/10 or more, or any red-flag symptom; high — morning
//! pain 2 points or more above the usual, or 14 days without a log; low — 3 days without a log,
//! or morning pain at 5/10 or more and 1 point above the usual.
//!
//! Pain rises are judged on the morning check-in, which is what the usual (baseline) morning
//! pain is compared with; pain during an exercise or a run is judged by the critical level only
//! (our choice: 3–5/10 during activity is acceptable in the pain-monitoring guide). Each reading
//! raises at most one alert, the most urgent that applies. Readings of the last 7 days count.

use super::baseline::MorningBaseline;
use super::logs::TrackingLogs;
use super::thresholds::ProgressionThresholds;
use super::words::{count, day_from, days_before, days_between, pain};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How urgently the clinician should look, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertTier {
    Critical,
    High,
    Low,
}

/// An alert suggested for the clinician, with its reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSuggestion {
    pub tier: AlertTier,
    /// The date of the log behind it; `None` for days without a log.
    pub date: Option<Date>,
    pub reason: String,
}

/// The alerts for the logs up to `today`, most urgent first. `tracking_since` is the day
/// tracking began (the programme's start): days without a log are counted from it when nothing
/// has been logged yet.
pub fn alerts(
    logs: &TrackingLogs,
    baseline: MorningBaseline,
    tracking_since: Date,
    today: Date,
    t: &ProgressionThresholds,
) -> Vec<AlertSuggestion> {
    // Rounded and at least 1, so the cast cannot wrap.
    let window = t.alert_window_days.value.round().max(1.0) as i64;
    let first = days_before(today, window - 1).unwrap_or(today);
    let in_window = |d: Date| (first..=today).contains(&d);
    let mut found = Vec::new();
    let mut alert = |tier, date, reason: String| {
        found.push(AlertSuggestion {
            tier,
            date: Some(date),
            reason,
        });
    };
    let critical = |p: u8| f64::from(p) >= t.alert_critical_pain_from.value;

    for (date, flag) in logs.red_flags_between(first, today) {
        alert(
            AlertTier::Critical,
            date,
            format!(
                "Red-flag symptom reported {}: {}. {}",
                day_from(date, today),
                flag.words(),
                flag.advice()
            ),
        );
    }
    let activity_pains = logs
        .sessions
        .iter()
        .map(|s| {
            (
                s.date,
                s.pain_during.get(),
                format!("during {}", s.item_key),
            )
        })
        .chain(logs.runs.iter().flat_map(|r| {
            [
                (r.date, r.pain_during.get(), "during a run".to_owned()),
                (r.date, r.pain_after.get(), "after a run".to_owned()),
            ]
        }));
    for (date, p, when) in activity_pains.filter(|(d, p, _)| in_window(*d) && critical(*p)) {
        alert(
            AlertTier::Critical,
            date,
            format!("Pain {} {when} {}.", pain(p), day_from(date, today)),
        );
    }
    for m in logs.mornings.iter().filter(|m| in_window(m.date)) {
        let p = m.morning_pain.get();
        // Without a usual morning pain only the critical level applies: a missing answer is
        // not a usual 0/10.
        let rise = baseline.map(|b| f64::from(p) - f64::from(b.pain.get()));
        let rise = |at_least: f64| rise.is_some_and(|r| r >= at_least);
        let tier = if critical(p) {
            Some(AlertTier::Critical)
        } else if rise(t.alert_high_rise.value) {
            Some(AlertTier::High)
        } else if f64::from(p) >= t.alert_low_pain_from.value && rise(t.alert_low_rise.value) {
            Some(AlertTier::Low)
        } else {
            None
        };
        if let Some(tier) = tier {
            alert(
                tier,
                m.date,
                format!(
                    "Morning pain {} {}, against {}.",
                    pain(p),
                    day_from(m.date, today),
                    baseline.map_or_else(
                        || "no usual morning pain recorded yet".to_owned(),
                        |b| b.words().replacen("your usual", "a usual", 1)
                    )
                ),
            );
        }
    }

    let since = logs
        .last_logged(today)
        .or_else(|| days_before(tracking_since, 1))
        .unwrap_or(tracking_since);
    let days_without = days_between(since, today);
    let silence = if days_without as f64 >= t.alert_high_days_without_log.value {
        Some(AlertTier::High)
    } else if days_without as f64 >= t.alert_low_days_without_log.value {
        Some(AlertTier::Low)
    } else {
        None
    };
    if let Some(tier) = silence {
        found.push(AlertSuggestion {
            tier,
            date: None,
            reason: format!(
                "Nothing logged for {}.",
                count(usize::try_from(days_without).unwrap_or(0), "day")
            ),
        });
    }
    found.sort_by(|a, b| (a.tier, a.date, &a.reason).cmp(&(b.tier, b.date, &b.reason)));
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::values::PainScore;
    use crate::tracking::baseline::{UsualMorningPain, UsualMorningSource};
    use crate::tracking::logs::{MorningCheckIn, Rating, RedFlagSymptom, RunLog};
    use jiff::ToSpan;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 3, 19);

    fn p(n: u8) -> PainScore {
        PainScore::try_from(f64::from(n)).unwrap()
    }

    fn morning(days_ago: i64, pain: u8) -> MorningCheckIn {
        MorningCheckIn {
            date: TODAY.checked_sub(days_ago.days()).unwrap(),
            morning_pain: p(pain),
            stiffness: Rating::try_from(2.0).unwrap(),
            settled_after_yesterday: None,
            red_flags: vec![],
        }
    }

    fn tiers(logs: &TrackingLogs, baseline: u8, since_days_ago: i64) -> Vec<AlertTier> {
        let since = TODAY.checked_sub(since_days_ago.days()).unwrap();
        alerts(
            logs,
            p(baseline).into(),
            since,
            TODAY,
            &ProgressionThresholds::default(),
        )
        .into_iter()
        .map(|a| a.tier)
        .collect()
    }

    fn mornings(list: &[(i64, u8)]) -> TrackingLogs {
        TrackingLogs {
            mornings: list.iter().map(|(d, p)| morning(*d, *p)).collect(),
            ..TrackingLogs::default()
        }
    }

    #[test]
    fn morning_pain_tiers_at_each_boundary() {
        use AlertTier::*;
        // (baseline, morning pain, expected)
        let cases = [
            (2, 2, vec![]),
            (2, 3, vec![]),
            (2, 4, vec![High]),
            (3, 5, vec![High]),
            (4, 5, vec![Low]),
            (3, 4, vec![]),
            (5, 5, vec![]),
            (5, 6, vec![Low]),
            (6, 6, vec![]),
            (6, 7, vec![Critical]),
            (0, 6, vec![High]),
            (2, 7, vec![Critical]),
        ];
        for (baseline, pain, expected) in cases {
            assert_eq!(
                tiers(&mornings(&[(0, pain)]), baseline, 0),
                expected,
                "baseline {baseline}, pain {pain}"
            );
        }
    }

    #[test]
    fn days_without_a_log_at_each_boundary() {
        use AlertTier::*;
        let cases = [
            (2, vec![]),
            (3, vec![Low]),
            (13, vec![Low]),
            (14, vec![High]),
            (30, vec![High]),
        ];
        for (days_ago, expected) in cases {
            assert_eq!(
                tiers(&mornings(&[(days_ago, 1)]), 1, 60),
                expected,
                "last log {days_ago} days ago"
            );
        }
        // Nothing logged yet: counted from the start, the start day itself included.
        assert_eq!(tiers(&TrackingLogs::default(), 1, 1), vec![]);
        assert_eq!(tiers(&TrackingLogs::default(), 1, 2), vec![Low]);
        assert_eq!(tiers(&TrackingLogs::default(), 1, 13), vec![High]);
    }

    #[test]
    fn critical_for_activity_pain_and_red_flags_most_urgent_first() {
        let run = RunLog {
            date: TODAY,
            distance_m: 5000.0,
            duration_s: 1800.0,
            pain_before: p(1),
            pain_during: p(6),
            pain_after: p(7),
            note: None,
            red_flags: vec![],
        };
        let mut logs = mornings(&[(1, 5)]);
        logs.runs.push(run);
        logs.mornings[0]
            .red_flags
            .push(RedFlagSymptom::SaddleNumbness);
        let found = alerts(
            &logs,
            p(4).into(),
            TODAY,
            TODAY,
            &ProgressionThresholds::default(),
        );
        let got: Vec<_> = found.iter().map(|a| a.tier).collect();
        assert_eq!(
            got,
            vec![AlertTier::Critical, AlertTier::Critical, AlertTier::Low]
        );
        assert!(found[0].reason.contains("saddle"), "{}", found[0].reason);
        assert!(found[0].reason.contains("emergency"));
        assert_eq!(found[1].reason, "Pain 7/10 after a run today.");
        // A reading 8 days ago is outside the window.
        assert_eq!(tiers(&mornings(&[(7, 9)]), 1, 7), vec![AlertTier::Low]);
    }

    #[test]
    fn without_a_usual_morning_pain_2_of_10_is_not_a_rise() {
        let t = ProgressionThresholds::default();
        let logs = mornings(&[(0, 2)]);
        // No usual morning pain: only the critical level could alert.
        assert!(alerts(&logs, None, TODAY, TODAY, &t).is_empty());
        // The first week's check-ins give one: 2, 2, 3 → a usual 2/10, and 2/10 is not a rise.
        let since = TODAY.checked_sub(6.days()).unwrap();
        let first_week = mornings(&[(6, 2), (5, 3), (4, 2), (0, 5)]);
        let usual = UsualMorningPain::choose(None, &first_week.mornings, since, &t);
        assert_eq!(
            usual,
            Some(UsualMorningPain {
                pain: p(2),
                source: UsualMorningSource::FirstWeek
            })
        );
        assert!(alerts(&logs, usual, since, TODAY, &t).is_empty());
        let found = alerts(&mornings(&[(0, 4)]), usual, since, TODAY, &t);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].tier, AlertTier::High);
        assert!(
            found[0]
                .reason
                .ends_with("against a usual 2/10 (the middle of your first week's check-ins)."),
            "{}",
            found[0].reason
        );
        // The assessment's answer, when there is one, comes first.
        assert_eq!(
            UsualMorningPain::choose(Some(p(3)), &first_week.mornings, since, &t),
            p(3).into()
        );
        // Too few check-ins in the first week: still none.
        assert_eq!(
            UsualMorningPain::choose(None, &mornings(&[(6, 2), (5, 3)]).mornings, since, &t),
            None
        );
    }
}
