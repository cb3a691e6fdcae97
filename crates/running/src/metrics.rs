//! Summary statistics (mean, median, IQR) and the running-form thresholds and flags.
//!
//! Every threshold is a named constant with its source; where the number is our own choice
//! CLINICAL.md says so and the comment repeats it.

use backstride_core::assessment::Thresholds;
use backstride_core::assessment::explain::format_number;
use serde::Serialize;

/// Distribution of one metric over a run, lap or split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stats {
    /// Number of samples.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// First quartile (linear interpolation between order statistics).
    pub q1: f64,
    /// Third quartile.
    pub q3: f64,
    /// Interquartile range q3 − q1.
    pub iqr: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
}

/// Orders finite values (the only kind [`Stats::from_values`] keeps) by the plain comparison,
/// which is cheaper than a total order.
fn by_value(a: &f64, b: &f64) -> std::cmp::Ordering {
    a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal)
}

/// The `k`-th and `(k + 1)`-th smallest of `v` (the second is the first when `k` is the last
/// position). Reorders `v` so that `v[..k]` holds the `k` smallest and `v[k + 1..]` the rest.
fn order_pair(v: &mut [f64], k: usize) -> Option<(f64, f64)> {
    if k >= v.len() {
        return None;
    }
    let (_, a, right) = v.select_nth_unstable_by(k, by_value);
    let a = *a;
    let b = right.iter().copied().reduce(f64::min).unwrap_or(a);
    Some((a, b))
}

/// Position and weight of quantile `q` of `n` values (linear interpolation between order
/// statistics): the value is `x[lo] + (x[lo + 1] − x[lo]) × frac`.
fn quantile_position(n: usize, q: f64) -> (usize, f64) {
    #[expect(
        clippy::cast_precision_loss,
        reason = "sample counts are far below 2^53"
    )]
    let pos = q * n.saturating_sub(1) as f64;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "0 ≤ pos ≤ n − 1"
    )]
    let lo = pos.floor() as usize;
    (lo, pos - pos.floor())
}

fn interpolate((a, b): (f64, f64), frac: f64) -> f64 {
    a + (b - a) * frac
}

impl Stats {
    /// Statistics of the finite values in `values` (reorders the slice); `None` when empty.
    ///
    /// The quartiles come from selection rather than a full sort: the median splits the values,
    /// then each quartile is selected within its half, so the work is linear in the count.
    pub fn from_values(values: &mut Vec<f64>) -> Option<Stats> {
        values.retain(|v| v.is_finite());
        let n = values.len();
        let (&first, _) = values.split_first()?;
        let (mut sum, mut min, mut max) = (0.0, first, first);
        for &v in values.iter() {
            sum += v;
            min = min.min(v);
            max = max.max(v);
        }
        #[expect(
            clippy::cast_precision_loss,
            reason = "sample counts are far below 2^53"
        )]
        let mean = sum / n as f64;
        let (km, fm) = quantile_position(n, 0.5);
        let (k1, f1) = quantile_position(n, 0.25);
        let (k3, f3) = quantile_position(n, 0.75);
        let mid = order_pair(values, km)?;
        // Now values[..km] are the km smallest and values[km + 1..] the largest, with the
        // median pair's first value at km; k1 ≤ km ≤ k3.
        let (lower, rest) = values.split_at_mut(km);
        let upper = rest.get_mut(1..).unwrap_or(&mut []);
        let low_pair = if k1 == km {
            mid
        } else if k1 + 1 == km {
            (lower.iter().copied().reduce(f64::max)?, mid.0)
        } else {
            order_pair(lower, k1)?
        };
        let high_pair = if k3 == km {
            mid
        } else {
            order_pair(upper, k3 - km - 1)?
        };
        let q1 = interpolate(low_pair, f1);
        let q3 = interpolate(high_pair, f3);
        Some(Stats {
            n,
            mean,
            median: interpolate(mid, fm),
            q1,
            q3,
            iqr: q3 - q1,
            min,
            max,
        })
    }
}

/// Garmin ground-contact-time zones (CLINICAL.md §9): < 218 ms, 218–248, 249–277, 278–308,
/// > 308. Each number is the exclusive upper bound of a zone, on whole milliseconds.
pub const GCT_ZONE_UPPER_MS: [f64; 4] = [218.0, 249.0, 278.0, 309.0];

/// Garmin vertical-ratio zones (CLINICAL.md §9): < 6.1%, 6.1–7.4, 7.5–8.6, above. Exclusive
/// upper bounds on values with one decimal.
pub const VERTICAL_RATIO_ZONE_UPPER_PCT: [f64; 3] = [6.1, 7.5, 8.7];

/// Zones from this one up (the two slowest GCT zones, the highest vertical-ratio zone) are
/// flagged as a concern. **Our choice.**
pub const GCT_CONCERN_ZONE: u8 = 4;

/// Vertical-ratio zone flagged as a concern. **Our choice** (the zone above 8.6%).
pub const VERTICAL_RATIO_CONCERN_ZONE: u8 = 4;

/// The thresholds for form flags: the clinic's own, from core's one table
/// ([`Thresholds::low_cadence_below`], [`Thresholds::contact_balance_min_left_percent`] and
/// [`Thresholds::contact_balance_max_left_percent`]; CLINICAL.md §1 and §9, our choice,
/// configurable). `Default` holds CLINICAL.md's values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FormThresholds {
    /// Median cadence below this (steps/min) is low.
    pub low_cadence_spm: f64,
    /// Median left share of ground contact time below this (%) is an imbalance.
    pub balance_min_left_pct: f64,
    /// Median left share of ground contact time above this (%) is an imbalance.
    pub balance_max_left_pct: f64,
}

impl FormThresholds {
    /// The form-flag cut-offs of `t`.
    pub fn from_table(t: &Thresholds) -> Self {
        FormThresholds {
            low_cadence_spm: t.low_cadence_below.value,
            balance_min_left_pct: t.contact_balance_min_left_percent.value,
            balance_max_left_pct: t.contact_balance_max_left_percent.value,
        }
    }
}

impl Default for FormThresholds {
    fn default() -> Self {
        FormThresholds::from_table(&Thresholds::default())
    }
}

/// A form observation about a run, from the run's median values.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum FormFlag {
    /// Median cadence below the threshold.
    LowCadence {
        /// Median cadence, steps/min.
        median_spm: f64,
        /// The threshold used.
        threshold_spm: f64,
    },
    /// Median ground-contact balance outside the balanced band.
    GctImbalance {
        /// Median left share, %.
        median_left_pct: f64,
        /// The side that stays longer on the ground.
        longer_side: Side,
        /// The band used.
        band_pct: [f64; 2],
    },
    /// The Garmin ground-contact-time zone of the median.
    GroundContactZone {
        /// 1 (shortest) to 5 (longest).
        zone: u8,
        /// Zone name and range.
        label: &'static str,
        /// Median GCT, ms.
        median_ms: f64,
        /// Whether the zone is flagged as a concern.
        concern: bool,
    },
    /// The Garmin vertical-ratio zone of the median.
    VerticalRatioZone {
        /// 1 (lowest) to 4 (highest).
        zone: u8,
        /// Zone name and range.
        label: &'static str,
        /// Median vertical ratio, %.
        median_pct: f64,
        /// Whether the zone is flagged as a concern.
        concern: bool,
    },
}

/// Left or right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Left foot.
    Left,
    /// Right foot.
    Right,
}

impl FormFlag {
    /// Whether the flag asks for attention (zone flags may be purely informative).
    pub fn is_concern(&self) -> bool {
        match self {
            FormFlag::LowCadence { .. } | FormFlag::GctImbalance { .. } => true,
            FormFlag::GroundContactZone { concern, .. }
            | FormFlag::VerticalRatioZone { concern, .. } => *concern,
        }
    }
}

impl std::fmt::Display for FormFlag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormFlag::LowCadence {
                median_spm,
                threshold_spm,
            } => {
                write!(
                    f,
                    "low cadence: {median_spm:.0} steps/min (below {})",
                    format_number(*threshold_spm, 1)
                )
            }
            FormFlag::GctImbalance {
                median_left_pct,
                longer_side,
                band_pct,
            } => write!(
                f,
                "ground contact imbalance: {median_left_pct:.1}% left (balanced {}–{}%), \
                 longer on the {}",
                format_number(band_pct[0], 1),
                format_number(band_pct[1], 1),
                match longer_side {
                    Side::Left => "left",
                    Side::Right => "right",
                }
            ),
            FormFlag::GroundContactZone {
                label, median_ms, ..
            } => {
                write!(
                    f,
                    "ground contact time {median_ms:.0} ms: {label} by Garmin's ranges"
                )
            }
            FormFlag::VerticalRatioZone {
                label, median_pct, ..
            } => {
                write!(
                    f,
                    "vertical ratio {median_pct:.1}%: {label} by Garmin's ranges"
                )
            }
        }
    }
}

/// The Garmin GCT zone (1–5) and its label.
pub fn gct_zone(ms: f64) -> (u8, &'static str) {
    const LABELS: [&str; 5] = [
        "very short (under 218 ms)",
        "short (218–248 ms)",
        "typical (249–277 ms)",
        "long (278–308 ms)",
        "very long (over 308 ms)",
    ];
    let i = GCT_ZONE_UPPER_MS
        .iter()
        .position(|&u| ms.round() < u)
        .unwrap_or(4);
    (
        u8::try_from(i + 1).unwrap_or(5),
        LABELS.get(i).copied().unwrap_or("very long (over 308 ms)"),
    )
}

/// The Garmin vertical-ratio zone (1–4) and its label.
pub fn vertical_ratio_zone(pct: f64) -> (u8, &'static str) {
    const LABELS: [&str; 4] = [
        "very low (under 6.1%)",
        "low (6.1–7.4%)",
        "typical (7.5–8.6%)",
        "high (over 8.6%)",
    ];
    let rounded = (pct * 10.0).round() / 10.0;
    let i = VERTICAL_RATIO_ZONE_UPPER_PCT
        .iter()
        .position(|&u| rounded < u)
        .unwrap_or(3);
    (
        u8::try_from(i + 1).unwrap_or(4),
        LABELS.get(i).copied().unwrap_or("high (over 8.6%)"),
    )
}

/// The form flags for a run's median cadence, GCT, balance and vertical ratio.
pub fn form_flags(
    cadence_spm: Option<f64>,
    gct_ms: Option<f64>,
    balance_left_pct: Option<f64>,
    vertical_ratio_pct: Option<f64>,
    t: &FormThresholds,
) -> Vec<FormFlag> {
    let mut flags = Vec::new();
    if let Some(c) = cadence_spm.filter(|c| *c < t.low_cadence_spm) {
        flags.push(FormFlag::LowCadence {
            median_spm: c,
            threshold_spm: t.low_cadence_spm,
        });
    }
    if let Some(b) = balance_left_pct
        && (b < t.balance_min_left_pct || b > t.balance_max_left_pct)
    {
        flags.push(FormFlag::GctImbalance {
            median_left_pct: b,
            longer_side: if b > 50.0 { Side::Left } else { Side::Right },
            band_pct: [t.balance_min_left_pct, t.balance_max_left_pct],
        });
    }
    if let Some(ms) = gct_ms {
        let (zone, label) = gct_zone(ms);
        flags.push(FormFlag::GroundContactZone {
            zone,
            label,
            median_ms: ms,
            concern: zone >= GCT_CONCERN_ZONE,
        });
    }
    if let Some(vr) = vertical_ratio_pct {
        let (zone, label) = vertical_ratio_zone(vr);
        flags.push(FormFlag::VerticalRatioZone {
            zone,
            label,
            median_pct: vr,
            concern: zone >= VERTICAL_RATIO_CONCERN_ZONE,
        });
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_median_and_iqr() {
        let mut v = vec![4.0, 1.0, 3.0, 2.0, f64::NAN];
        let s = Stats::from_values(&mut v).unwrap();
        assert_eq!(s.n, 4);
        assert_eq!(s.mean, 2.5);
        assert_eq!(s.median, 2.5);
        assert_eq!(s.q1, 1.75);
        assert_eq!(s.q3, 3.25);
        assert_eq!(s.iqr, 1.5);
        assert!(Stats::from_values(&mut Vec::new()).is_none());
        let one = Stats::from_values(&mut vec![7.0]).unwrap();
        assert_eq!((one.median, one.iqr), (7.0, 0.0));
    }

    /// The quartiles by selection equal those read off a fully sorted copy, for every count
    /// from 1 to 60 and values with many ties.
    #[test]
    fn selected_quartiles_match_sorted_ones() {
        fn sorted_quantile(sorted: &[f64], q: f64) -> f64 {
            let (lo, frac) = quantile_position(sorted.len(), q);
            let a = sorted[lo];
            let b = *sorted.get(lo + 1).unwrap_or(&a);
            a + (b - a) * frac
        }
        let mut seed = 0x2545_f491_u64;
        for n in 1..=60 {
            for ties in [3, 1000] {
                let mut v: Vec<f64> = (0..n)
                    .map(|_| {
                        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        f64::from(u32::try_from((seed >> 33) % ties).unwrap())
                    })
                    .collect();
                let mut sorted = v.clone();
                sorted.sort_by(f64::total_cmp);
                let s = Stats::from_values(&mut v).unwrap();
                assert_eq!(s.median, sorted_quantile(&sorted, 0.5), "n={n}");
                assert_eq!(s.q1, sorted_quantile(&sorted, 0.25), "n={n}");
                assert_eq!(s.q3, sorted_quantile(&sorted, 0.75), "n={n}");
                assert_eq!((s.min, s.max), (sorted[0], sorted[n - 1]));
            }
        }
    }

    #[test]
    fn zones_follow_garmin_bounds() {
        assert_eq!(gct_zone(217.4).0, 1);
        assert_eq!(gct_zone(218.0).0, 2);
        assert_eq!(gct_zone(248.0).0, 2);
        assert_eq!(gct_zone(249.0).0, 3);
        assert_eq!(gct_zone(277.0).0, 3);
        assert_eq!(gct_zone(308.0).0, 4);
        assert_eq!(gct_zone(309.0).0, 5);
        assert_eq!(vertical_ratio_zone(6.0).0, 1);
        assert_eq!(vertical_ratio_zone(6.1).0, 2);
        assert_eq!(vertical_ratio_zone(7.4).0, 2);
        assert_eq!(vertical_ratio_zone(8.6).0, 3);
        assert_eq!(vertical_ratio_zone(8.7).0, 4);
    }

    #[test]
    fn flags_from_medians() {
        let t = FormThresholds::default();
        let f = form_flags(Some(155.0), Some(300.0), Some(52.0), Some(9.0), &t);
        assert!(matches!(f[0], FormFlag::LowCadence { .. }));
        assert!(matches!(
            f[1],
            FormFlag::GctImbalance {
                longer_side: Side::Left,
                ..
            }
        ));
        assert!(f.iter().all(FormFlag::is_concern));
        let ok = form_flags(Some(172.0), Some(230.0), Some(50.4), Some(7.0), &t);
        assert_eq!(ok.len(), 2);
        assert!(!ok.iter().any(FormFlag::is_concern));
    }
}
