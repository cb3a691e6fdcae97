//! Every cut-off the tracking rules use, in one place, each with its source and whether the
//! literature gives it or we chose it. `Default` holds CLINICAL.md's values (§6, §7); a clinic
//! stores overrides as JSON and fields it leaves out keep their defaults.
//!
//! The pain levels the assessment also judges (safe, acceptable, severe, a meaningful change)
//! have one entry, in the assessment's [`Thresholds`]: they are not read from or written to this
//! table's JSON, and [`ProgressionThresholds::sharing_pain_levels_of`] copies them in.

use crate::assessment::{Threshold, Thresholds};
use serde::{Deserialize, Serialize};

const OUR_RULE: &str = "Decision rules after the pain-monitoring model of Thomeé 1997 and Silbernagel et al. 2007 (our choice)";
const ALERT_TIERS: &str = "MedBridge alert tiers, adapted";
const PSFS: &str = "Stratford 1995; Abbott & Schmitt 2014, JOSPT 44:560";

/// The cut-offs of the pain-monitoring guide, the alert tiers and the re-test judgements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProgressionThresholds {
    /// Pain during an activity up to this is safe; every session must stay here to move up.
    #[serde(skip)]
    pub pain_safe_max: Threshold,
    /// Pain during an activity up to this is acceptable (hold); above it is too much (regress).
    #[serde(skip)]
    pub pain_acceptable_max: Threshold,
    /// Moving up needs at least this percent of the planned sessions done in the last 7 days.
    pub adherence_min_percent: Threshold,
    /// This many mornings above the usual morning pain within 7 days means stepping down.
    pub mornings_above_baseline_to_regress: Threshold,
    /// The week's average morning pain rising by at least this many points means stepping down.
    pub weekly_morning_rise: Threshold,
    /// Each week needs at least this many morning check-ins before their averages are compared.
    pub mornings_for_weekly_average: Threshold,
    /// Morning pain up to this many points above the usual still counts as "settled" after the
    /// day before's activity.
    pub settled_within_of_usual: Threshold,
    /// Alerts look at the readings of this many days, ending today.
    pub alert_window_days: Threshold,
    /// Running volume may grow by at most this percent when moving up.
    pub run_increase_max_percent: Threshold,
    /// Running volume is cut by this percent when stepping down.
    pub run_cut_percent: Threshold,
    /// Any pain at or above this raises a critical alert ([`Thresholds::pain_critical_from`]).
    #[serde(skip)]
    pub alert_critical_pain_from: Threshold,
    /// Morning pain this many points above the usual raises a high alert.
    pub alert_high_rise: Threshold,
    /// This many days without any log raises a high alert.
    pub alert_high_days_without_log: Threshold,
    /// This many days without any log raises a low alert.
    pub alert_low_days_without_log: Threshold,
    /// Morning pain at or above this, and up by [`Self::alert_low_rise`], raises a low alert.
    pub alert_low_pain_from: Threshold,
    /// See [`Self::alert_low_pain_from`].
    pub alert_low_rise: Threshold,
    /// A change in pain score of at least this many points matters (NPRS).
    #[serde(skip)]
    pub pain_meaningful_change: Threshold,
    /// A change of at least this many points in the functional-scale average matters.
    pub psfs_mean_meaningful_change: Threshold,
    /// A change of at least this many points in one functional-scale activity matters.
    pub psfs_activity_meaningful_change: Threshold,
}

fn published(value: f64, source: &str) -> Threshold {
    Threshold {
        value,
        source: source.to_owned(),
        our_choice: false,
    }
}

fn chosen(value: f64, source: &str) -> Threshold {
    Threshold {
        value,
        source: source.to_owned(),
        our_choice: true,
    }
}

impl ProgressionThresholds {
    /// Keys once stored in a clinic's tracking overrides that now belong to the assessment's
    /// table, with the key they became there.
    pub const RETIRED: [(&'static str, &'static str); 4] = [
        ("pain_safe_max", "pain_safe_max"),
        ("pain_acceptable_max", "pain_acceptable_max"),
        ("alert_critical_pain_from", "pain_critical_from"),
        ("pain_meaningful_change", "pain_meaningful_change"),
    ];

    /// These cut-offs with the pain levels of `t`, the one table that holds them.
    pub fn sharing_pain_levels_of(mut self, t: &Thresholds) -> Self {
        self.pain_safe_max = t.pain_safe_max.clone();
        self.pain_acceptable_max = t.pain_acceptable_max.clone();
        self.alert_critical_pain_from = t.pain_critical_from.clone();
        self.pain_meaningful_change = t.pain_meaningful_change.clone();
        self
    }
}

impl Default for ProgressionThresholds {
    fn default() -> Self {
        let shared = Thresholds::default();
        ProgressionThresholds {
            pain_safe_max: shared.pain_safe_max,
            pain_acceptable_max: shared.pain_acceptable_max,
            adherence_min_percent: chosen(80.0, OUR_RULE),
            mornings_above_baseline_to_regress: chosen(2.0, OUR_RULE),
            weekly_morning_rise: chosen(
                1.0,
                "Thomeé 1997 (morning pain must not rise week to week); 1 point is our choice",
            ),
            mornings_for_weekly_average: chosen(3.0, "Our choice"),
            settled_within_of_usual: chosen(
                0.0,
                "Silbernagel et al. 2007 (pain must settle by the next morning); settled meaning \
                 no higher than the usual morning pain is our choice",
            ),
            alert_window_days: chosen(
                f64::from(u8::try_from(super::progression::WINDOW_DAYS).unwrap_or(7)),
                "Our choice: the pain-monitoring guide's 7-day review window (Silbernagel et al. 2007)",
            ),
            run_increase_max_percent: chosen(10.0, OUR_RULE),
            run_cut_percent: chosen(30.0, OUR_RULE),
            alert_critical_pain_from: shared.pain_critical_from,
            alert_high_rise: chosen(2.0, ALERT_TIERS),
            alert_high_days_without_log: chosen(14.0, ALERT_TIERS),
            alert_low_days_without_log: chosen(3.0, ALERT_TIERS),
            alert_low_pain_from: chosen(5.0, ALERT_TIERS),
            alert_low_rise: chosen(1.0, ALERT_TIERS),
            pain_meaningful_change: shared.pain_meaningful_change,
            psfs_mean_meaningful_change: published(2.0, PSFS),
            psfs_activity_meaningful_change: published(3.0, PSFS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clinic_overrides_one_value_and_keeps_the_rest() {
        let json =
            r#"{"adherence_min_percent": {"value": 70, "source": "Clinic", "our_choice": true}}"#;
        let t: ProgressionThresholds = serde_json::from_str(json).unwrap();
        assert_eq!(t.adherence_min_percent.value, 70.0);
        assert_eq!(
            t.pain_safe_max,
            ProgressionThresholds::default().pain_safe_max
        );
        assert!(serde_json::from_str::<ProgressionThresholds>(r#"{"pain_sfe_max": {}}"#).is_err());
    }

    #[test]
    fn critical_pain_has_one_entry_for_the_assessment_and_the_alerts() {
        // A stored tracking override of a shared level is not this table's any more.
        assert!(
            serde_json::from_str::<ProgressionThresholds>(
                r#"{"alert_critical_pain_from": {"value": 8, "source": "x", "our_choice": true}}"#
            )
            .is_err()
        );
        let json = serde_json::to_value(ProgressionThresholds::default()).unwrap();
        for (retired, _) in ProgressionThresholds::RETIRED {
            assert!(json.get(retired).is_none(), "{retired}");
        }
        let mut t = Thresholds::default();
        t.pain_critical_from.value = 8.0;
        let p = ProgressionThresholds::default().sharing_pain_levels_of(&t);
        assert_eq!(p.alert_critical_pain_from.value, 8.0);
        assert_eq!(
            ProgressionThresholds::default().alert_critical_pain_from,
            Thresholds::default().pain_critical_from
        );
    }

    #[test]
    fn published_values_are_not_marked_as_our_choice() {
        let t = ProgressionThresholds::default();
        assert!(!t.pain_safe_max.our_choice && !t.pain_meaningful_change.our_choice);
        assert!(t.adherence_min_percent.our_choice && t.run_cut_percent.our_choice);
    }
}
