//! Every cut-off the tracking rules use, in one place, each with its source and whether the
//! literature gives it or we chose it. `Default` holds CLINICAL.md's values (§6, §7); a clinic
//! stores overrides as JSON and fields it leaves out keep their defaults.

use crate::assessment::Threshold;
use serde::{Deserialize, Serialize};

const PAIN_MODEL: &str = "Thomeé 1997; Silbernagel et al. 2007, AJSM 35:897";
const OUR_RULE: &str = "CLINICAL.md §7 decision rules (our choice)";
const ALERT_TIERS: &str = "MedBridge alert tiers, adapted (CLINICAL.md §7)";
const PSFS: &str = "Stratford 1995; Abbott & Schmitt 2014, JOSPT 44:560";

/// The cut-offs of the pain-monitoring guide, the alert tiers and the re-test judgements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProgressionThresholds {
    /// Pain during an activity up to this is safe; every session must stay here to move up.
    pub pain_safe_max: Threshold,
    /// Pain during an activity up to this is acceptable (hold); above it is too much (regress).
    pub pain_acceptable_max: Threshold,
    /// Moving up needs at least this percent of the planned sessions done in the last 7 days.
    pub adherence_min_percent: Threshold,
    /// This many mornings above the usual morning pain within 7 days means stepping down.
    pub mornings_above_baseline_to_regress: Threshold,
    /// The week's average morning pain rising by at least this many points means stepping down.
    pub weekly_morning_rise: Threshold,
    /// Each week needs at least this many morning check-ins before their averages are compared.
    pub mornings_for_weekly_average: Threshold,
    /// Running volume may grow by at most this percent when moving up.
    pub run_increase_max_percent: Threshold,
    /// Running volume is cut by this percent when stepping down.
    pub run_cut_percent: Threshold,
    /// Any pain at or above this raises a critical alert.
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

impl Default for ProgressionThresholds {
    fn default() -> Self {
        ProgressionThresholds {
            pain_safe_max: published(2.0, PAIN_MODEL),
            pain_acceptable_max: published(5.0, PAIN_MODEL),
            adherence_min_percent: chosen(80.0, OUR_RULE),
            mornings_above_baseline_to_regress: chosen(2.0, OUR_RULE),
            weekly_morning_rise: chosen(
                1.0,
                "Thomeé 1997 (morning pain must not rise week to week); 1 point is our choice",
            ),
            mornings_for_weekly_average: chosen(3.0, "Our choice"),
            run_increase_max_percent: chosen(10.0, OUR_RULE),
            run_cut_percent: chosen(30.0, OUR_RULE),
            alert_critical_pain_from: chosen(7.0, ALERT_TIERS),
            alert_high_rise: chosen(2.0, ALERT_TIERS),
            alert_high_days_without_log: chosen(14.0, ALERT_TIERS),
            alert_low_days_without_log: chosen(3.0, ALERT_TIERS),
            alert_low_pain_from: chosen(5.0, ALERT_TIERS),
            alert_low_rise: chosen(1.0, ALERT_TIERS),
            pain_meaningful_change: published(2.0, "Childs et al. 2005, Spine 30:1331"),
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
    fn published_values_are_not_marked_as_our_choice() {
        let t = ProgressionThresholds::default();
        assert!(!t.pain_safe_max.our_choice && !t.pain_meaningful_change.our_choice);
        assert!(t.adherence_min_percent.our_choice && t.run_cut_percent.our_choice);
    }
}
