//! Every cut-off the scoring uses, in one place, with its source; a clinic may override any.

use serde::{Deserialize, Serialize};

/// One cut-off: its value, where it comes from, and whether the literature gives it or we chose it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    pub value: f64,
    pub source: String,
    /// True where no published cut-off exists and the product (or the clinic) picked this one.
    pub our_choice: bool,
}

impl Threshold {
    /// The value as shown in a sentence, rounded to at most 2 places.
    pub fn shown(&self) -> String {
        super::explain::format_number(self.value, 2)
    }

    fn published(value: f64, source: &str) -> Self {
        Threshold {
            value,
            source: source.to_owned(),
            our_choice: false,
        }
    }
    fn chosen(value: f64, source: &str) -> Self {
        Threshold {
            value,
            source: source.to_owned(),
            our_choice: true,
        }
    }
}

/// The cut-offs scoring compares against. `Default` holds CLINICAL.md's values; a clinic stores
/// overrides as JSON, and fields it leaves out keep their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// Red flags: new pain under this age needs a doctor first.
    pub new_pain_younger_than: Threshold,
    /// Red flags: new pain over this age needs a doctor first.
    pub new_pain_older_than: Threshold,
    /// Runners under this age with pain on back extension see a clinician before loading.
    pub young_runner_younger_than: Threshold,
    /// No running before this many weeks after giving birth.
    pub postpartum_earliest_running_weeks: Threshold,
    /// Reps each side for each strength-readiness test after giving birth.
    pub postpartum_strength_reps: Threshold,
    /// Pain up to this is in the safe zone of the pain-monitoring guide.
    pub pain_safe_max: Threshold,
    /// Pain during running above this is too much.
    pub pain_acceptable_max: Threshold,
    /// Pain at or above this is severe: a priority finding in an assessment and a critical alert
    /// in tracking (the one entry for both).
    pub pain_critical_from: Threshold,
    /// A change in pain score of at least this many points matters (minimal important change).
    pub pain_meaningful_change: Threshold,
    /// A change in the functional-scale average of at least this many points matters.
    pub psfs_meaningful_change: Threshold,
    /// Cadence below this (steps/min) is low.
    pub low_cadence_below: Threshold,
    /// First cadence target: this many percent above the current cadence.
    pub cadence_first_step_percent: Threshold,
    /// Furthest cadence target: this many percent above the current cadence.
    pub cadence_max_step_percent: Threshold,
    /// A watch run's median left share of ground contact time below this (%) is an imbalance.
    pub contact_balance_min_left_percent: Threshold,
    /// A watch run's median left share of ground contact time above this (%) is an imbalance.
    pub contact_balance_max_left_percent: Threshold,
    /// Trunk lean below this (degrees forward) is upright.
    pub trunk_upright_below: Threshold,
    /// Trunk lean below this is leaning back.
    pub trunk_leaning_back_below: Threshold,
    /// Video: shoulder→ear line above this many degrees forward of vertical is a forward head.
    pub forward_head_above: Threshold,
    /// Video: shin angle at initial contact above this (degrees, foot ahead) is landing well
    /// ahead of the body.
    pub overstride_shank_above: Threshold,
    /// Video: knee bend at initial contact below this (degrees) is a straight-knee landing.
    pub straight_knee_landing_below: Threshold,
    /// Video (rear): contralateral pelvic drop at mid-stance above this (degrees) is flagged.
    pub pelvic_drop_above: Threshold,
    /// Video: a landmark counts as seen when the pose model's visibility is at least this (0–1).
    pub video_landmark_seen_from: Threshold,
    /// Video: a metric needs at least this many usable strides.
    pub video_min_strides: Threshold,
    /// Video: cadence needs at least this many foot landings.
    pub video_min_contacts: Threshold,
    /// Modified Thomas thigh angle above this (degrees above horizontal) means short hip flexors.
    pub thomas_thigh_above: Threshold,
    /// Modified Thomas knee bend below this means a short rectus femoris.
    pub thomas_knee_below: Threshold,
    /// Prone hip extension below this is limited.
    pub prone_hip_extension_below: Threshold,
    /// LSI at or above this (percent) is symmetric.
    pub lsi_symmetric_from: Threshold,
    /// LSI below this is a marked asymmetry (between the two: moderate).
    pub lsi_marked_below: Threshold,
    /// Single-leg bridge reps below this are poor.
    pub bridge_reps_poor_below: Threshold,
    /// Single-leg bridge reps above this are good.
    pub bridge_reps_good_above: Threshold,
    /// Single-leg bridge hold target, seconds per side.
    pub bridge_hold_target: Threshold,
    /// Hip abduction torque more than this many SDs below the norm is weak.
    pub hip_abduction_weak_sd_below_norm: Threshold,
    /// McGill flexor ÷ extensor above this is an imbalance.
    pub mcgill_flexor_extensor_above: Threshold,
    /// McGill right ÷ left side bridge further than this from 1.0 is an imbalance.
    pub mcgill_side_bridge_balance_within: Threshold,
    /// McGill side bridge ÷ extensor above this is an imbalance.
    pub mcgill_side_bridge_extensor_above: Threshold,
    /// Double-leg lowering below this angle is good.
    pub leg_lowering_good_below: Threshold,
    /// Double-leg lowering at or above this angle is poor.
    pub leg_lowering_poor_from: Threshold,
    /// Half-kneeling Pallof hold target, seconds per side.
    pub pallof_hold_target: Threshold,
    /// Decimal places an LSI is shown with in a sentence (more only where fewer would show it
    /// on the other side of a band's cut-off; the band is always chosen from the exact value).
    pub lsi_shown_decimals: Threshold,
    /// Decimal places a McGill ratio is shown with in a sentence (as for the LSI).
    pub ratio_shown_decimals: Threshold,
    /// A programme day's exercises fit in this many minutes unless the clinician sets another
    /// cap (the programme's default, [`crate::programme::DEFAULT_MINUTES_CAP`]).
    pub daily_minutes_cap: Threshold,
}

impl Default for Thresholds {
    fn default() -> Self {
        const NICE: &str = "NICE NG59";
        const GOOM: &str = "Goom, Donnelly & Brockwell 2019";
        const PAIN_MODEL: &str = "Thomeé 1997; Silbernagel et al. 2007, AJSM 35:897";
        const MCGILL: &str = "McGill et al. 1999, Arch Phys Med Rehabil 80:941";
        Thresholds {
            new_pain_younger_than: Threshold::published(20.0, NICE),
            new_pain_older_than: Threshold::published(50.0, NICE),
            young_runner_younger_than: Threshold::published(
                20.0,
                "Spondylolysis in adolescent athletes (NICE NG59; Finucane et al. 2020)",
            ),
            postpartum_earliest_running_weeks: Threshold::published(12.0, GOOM),
            postpartum_strength_reps: Threshold::published(20.0, GOOM),
            pain_safe_max: Threshold::published(2.0, PAIN_MODEL),
            pain_acceptable_max: Threshold::published(5.0, PAIN_MODEL),
            pain_critical_from: Threshold::chosen(7.0, "MedBridge alert tiers, adapted"),
            pain_meaningful_change: Threshold::published(2.0, "Childs et al. 2005, Spine 30:1331"),
            psfs_meaningful_change: Threshold::published(
                2.0,
                "Stratford 1995; Abbott & Schmitt 2014, JOSPT 44:560",
            ),
            low_cadence_below: Threshold::chosen(
                160.0,
                "Garmin (most runners 163–185); Heiderscheit et al. 2011",
            ),
            cadence_first_step_percent: Threshold::published(
                5.0,
                "Heiderscheit et al. 2011, MSSE 43:296",
            ),
            cadence_max_step_percent: Threshold::published(
                10.0,
                "Heiderscheit et al. 2011, MSSE 43:296",
            ),
            contact_balance_min_left_percent: Threshold::chosen(
                49.0,
                "50% is symmetric; each 1% of imbalance ~3.7% worse economy (Joubert 2020)",
            ),
            contact_balance_max_left_percent: Threshold::chosen(
                51.0,
                "50% is symmetric; each 1% of imbalance ~3.7% worse economy (Joubert 2020)",
            ),
            trunk_upright_below: Threshold::chosen(3.0, "Teng & Powers 2015, MSSE 47:625"),
            trunk_leaning_back_below: Threshold::chosen(0.0, "Teng & Powers 2015, MSSE 47:625"),
            forward_head_above: Threshold::chosen(
                20.0,
                "Our choice (CLINICAL.md §10); no published cut-off",
            ),
            overstride_shank_above: Threshold::chosen(
                10.0,
                "Souza 2016 (vertical shin is the aim; no validated cut-off)",
            ),
            straight_knee_landing_below: Threshold::chosen(
                10.0,
                "Bramah et al. 2018, AJSM 46:3010 (injured runners land straighter)",
            ),
            pelvic_drop_above: Threshold::chosen(
                7.0,
                "Bramah et al. 2018, AJSM 46:3010 (each degree ~80% higher odds of injury)",
            ),
            video_landmark_seen_from: Threshold::chosen(
                0.5,
                "MediaPipe Pose visibility score; our choice",
            ),
            video_min_strides: Threshold::chosen(
                3.0,
                "Souza 2016: judge over several strides, never one",
            ),
            video_min_contacts: Threshold::chosen(6.0, "CLINICAL.md §10"),
            thomas_thigh_above: Threshold::published(
                0.0,
                "BMC Sports Sci Med Rehabil 2021, doi 10.1186/s13102-021-00242-y, table 4",
            ),
            thomas_knee_below: Threshold::published(
                67.0,
                "BMC Sports Sci Med Rehabil 2021, doi 10.1186/s13102-021-00242-y, table 4",
            ),
            prone_hip_extension_below: Threshold::chosen(
                10.0,
                "Norkin & White (norm 0–20°), common practical target",
            ),
            lsi_symmetric_from: Threshold::chosen(
                90.0,
                "Return-to-sport cut-off for left/right balance (IJSPT; BJSM); Hewit 2012",
            ),
            lsi_marked_below: Threshold::chosen(80.0, "Hewit 2012 (uninjured < 15% asymmetry)"),
            bridge_reps_poor_below: Threshold::published(
                20.0,
                "Freckleton et al. 2014, BJSM 48:713",
            ),
            bridge_reps_good_above: Threshold::published(
                30.0,
                "Freckleton et al. 2014, BJSM 48:713",
            ),
            bridge_hold_target: Threshold::chosen(30.0, "No published norm"),
            hip_abduction_weak_sd_below_norm: Threshold::chosen(
                1.0,
                "Ramskov et al. 2014, IJSPT 9:68 (norm and SD)",
            ),
            mcgill_flexor_extensor_above: Threshold::published(1.0, MCGILL),
            mcgill_side_bridge_balance_within: Threshold::published(0.05, MCGILL),
            mcgill_side_bridge_extensor_above: Threshold::published(0.75, MCGILL),
            leg_lowering_good_below: Threshold::chosen(
                45.0,
                "Healthy adolescents 72 ± 13° (PMC8805102)",
            ),
            leg_lowering_poor_from: Threshold::chosen(
                75.0,
                "Healthy adolescents 72 ± 13° (PMC8805102)",
            ),
            pallof_hold_target: Threshold::chosen(30.0, "No published norm"),
            lsi_shown_decimals: Threshold::chosen(
                f64::from(super::lsi::LSI_SHOWN_DECIMALS),
                "A hand-timed hold or counted reps are not more exact than a whole percent",
            ),
            ratio_shown_decimals: Threshold::chosen(
                f64::from(super::trunk::RATIO_SHOWN_DECIMALS),
                "The precision McGill's cut-offs are given in (McGill et al. 1999)",
            ),
            daily_minutes_cap: Threshold::chosen(
                f64::from(crate::programme::DEFAULT_MINUTES_CAP),
                "A home programme that fits into a day; the dosage guidelines (Bandy 1997; ACSM 2009) give no cap",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clinic_overrides_one_value_and_keeps_the_rest() {
        let json = r#"{"low_cadence_below": {"value": 165, "source": "Clinic choice", "our_choice": true}}"#;
        let t: Thresholds = serde_json::from_str(json).unwrap();
        assert_eq!(t.low_cadence_below.value, 165.0);
        assert_eq!(
            t.lsi_symmetric_from,
            Thresholds::default().lsi_symmetric_from
        );
        let round_trip: Thresholds =
            serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(round_trip, t);
    }

    #[test]
    fn unknown_threshold_names_are_refused() {
        assert!(serde_json::from_str::<Thresholds>(r#"{"cadense": {}}"#).is_err());
    }
}
