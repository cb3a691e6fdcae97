//! Side-to-side comparison: the limb symmetry index and the asymmetry band it falls in.

use super::explain::{format_judged, format_value, round_judged};
use super::findings::{Finding, Measured, Rule, Severity};
use super::protocol::TestSpec;
use super::thresholds::Thresholds;
use super::values::{PerSide, Side};
use serde::{Deserialize, Serialize};

/// Limb symmetry index: weaker ÷ stronger × 100, unrounded; 100 when both are 0.
///
/// The band is chosen from this exact value; only its display is rounded
/// ([`Asymmetry::lsi_shown`]). Negative inputs count as 0.
pub fn limb_symmetry_index(a: f64, b: f64) -> f64 {
    let (weaker, stronger) = (a.min(b).max(0.0), a.max(b).max(0.0));
    if stronger == 0.0 {
        return 100.0;
    }
    weaker / stronger * 100.0
}

/// Places the LSI is shown with in a sentence (our choice: a hand-timed hold is not more exact
/// than a whole percent).
pub const LSI_SHOWN_DECIMALS: u32 = 0;
/// Decimal places from a table entry (0–4; anything else counts as the nearest).
pub(crate) fn shown_decimals(t: &super::thresholds::Threshold) -> u32 {
    // Rounded and clamped first, so the cast cannot truncate or wrap.
    t.value.round().clamp(0.0, 4.0) as u32
}

/// Places the LSI is kept with in a result and in machine output.
pub const LSI_KEPT_DECIMALS: u32 = 1;

/// How far apart the sides are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AsymmetryBand {
    Symmetric,
    Moderate,
    Marked,
}

/// A side-to-side comparison of one test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Asymmetry {
    /// 0–100, to 1 decimal (more only where 1 decimal would cross a band's cut-off): the band
    /// was chosen from the exact value, and this value lies in the same band.
    pub lsi_percent: f64,
    /// The side with the smaller value; `None` when they are equal.
    pub weaker_side: Option<Side>,
    pub band: AsymmetryBand,
}

impl Asymmetry {
    /// Compares the sides of a test where more is better.
    pub fn of(values: PerSide<f64>, t: &Thresholds) -> Asymmetry {
        let exact = limb_symmetry_index(values.left, values.right);
        let cut_offs = [t.lsi_symmetric_from.value, t.lsi_marked_below.value];
        let weaker_side = match values.left.total_cmp(&values.right) {
            std::cmp::Ordering::Less => Some(Side::Left),
            std::cmp::Ordering::Greater => Some(Side::Right),
            std::cmp::Ordering::Equal => None,
        };
        let band = if exact >= t.lsi_symmetric_from.value {
            AsymmetryBand::Symmetric
        } else if exact >= t.lsi_marked_below.value {
            AsymmetryBand::Moderate
        } else {
            AsymmetryBand::Marked
        };
        Asymmetry {
            lsi_percent: round_judged(exact, LSI_KEPT_DECIMALS, &cut_offs),
            weaker_side,
            band,
        }
    }
}

impl Asymmetry {
    /// The LSI as shown, with its percent sign: whole percent, or a decimal more where a whole
    /// percent would land on the other side of a band's cut-off (89.67 → `89.7%`, not `90%`).
    pub fn lsi_shown(&self, t: &Thresholds) -> String {
        format!(
            "{}%",
            format_judged(
                self.lsi_percent,
                shown_decimals(&t.lsi_shown_decimals),
                &[t.lsi_symmetric_from.value, t.lsi_marked_below.value]
            )
        )
    }

    /// Whether the weaker side needs extra work (the LSI is under the symmetric cut-off).
    pub fn needs_extra_work(&self) -> bool {
        self.band != AsymmetryBand::Symmetric && self.weaker_side.is_some()
    }
}

/// The finding comparing the two sides of `spec`.
pub fn asymmetry_finding(spec: &TestSpec, values: PerSide<f64>, t: &Thresholds) -> Finding {
    let asymmetry = Asymmetry::of(values, t);
    let name = lower_first(spec.name);
    let lsi = asymmetry.lsi_shown(t);
    let (severity, rule) = match asymmetry.band {
        AsymmetryBand::Symmetric => (
            Severity::Fine,
            Rule::against(
                "lsi_symmetric",
                format!(
                    "Limb symmetry index (weaker ÷ stronger × 100) of {}% or more: symmetric",
                    t.lsi_symmetric_from.shown()
                ),
                &t.lsi_symmetric_from,
            ),
        ),
        AsymmetryBand::Moderate => (
            Severity::NeedsAttention,
            Rule::against(
                "lsi_moderate",
                format!(
                    "Limb symmetry index from {}% to below {}%: moderate asymmetry",
                    t.lsi_marked_below.shown(),
                    t.lsi_symmetric_from.shown()
                ),
                &t.lsi_symmetric_from,
            ),
        ),
        AsymmetryBand::Marked => (
            Severity::Priority,
            Rule::against(
                "lsi_marked",
                format!(
                    "Limb symmetry index below {}%: marked asymmetry",
                    t.lsi_marked_below.shown()
                ),
                &t.lsi_marked_below,
            ),
        ),
    };
    let explanation = match asymmetry.weaker_side {
        None => format!(
            "Your {name} was {} on both sides: the two sides are doing the same work.",
            format_value(values.left, spec.unit)
        ),
        Some(weak) => {
            let strong = weak.other();
            let verdict = match asymmetry.band {
                AsymmetryBand::Symmetric => " That is within the usual side-to-side difference.",
                AsymmetryBand::Moderate => {
                    " That is a moderate difference; the weaker side gets extra work."
                }
                AsymmetryBand::Marked => {
                    " That is a marked difference; evening it out is a priority."
                }
            };
            format!(
                "Your {weak} {name} was {} against {} on the {strong}: the {weak} side is doing \
                 about {lsi} of the {strong}'s work.{verdict}",
                format_value(*values.get(weak), spec.unit),
                format_value(*values.get(strong), spec.unit),
            )
        }
    };
    Finding::new(
        spec,
        severity,
        rule,
        Measured::sides(values, spec.unit),
        explanation,
    )
    .with_asymmetry(asymmetry)
}

/// "Single-leg bridge hold" → "single-leg bridge hold", for use inside a sentence.
pub(crate) fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::protocol::BRIDGE_HOLD;
    use proptest::prelude::*;

    fn band(left: f64, right: f64) -> AsymmetryBand {
        Asymmetry::of(PerSide { left, right }, &Thresholds::default()).band
    }

    #[test]
    fn bands_at_each_threshold() {
        let cases = [
            (100.0, 100.0, AsymmetryBand::Symmetric),
            (90.0, 100.0, AsymmetryBand::Symmetric),
            (89.0, 100.0, AsymmetryBand::Moderate),
            (80.0, 100.0, AsymmetryBand::Moderate),
            (79.0, 100.0, AsymmetryBand::Marked),
            (0.0, 10.0, AsymmetryBand::Marked),
            (0.0, 0.0, AsymmetryBand::Symmetric),
            // The exact value is judged, not the whole percent it is shown as.
            (89.5, 100.0, AsymmetryBand::Moderate),
            (89.99, 100.0, AsymmetryBand::Moderate),
            (79.5, 100.0, AsymmetryBand::Marked),
        ];
        for (left, right, expected) in cases {
            assert_eq!(band(left, right), expected, "{left} vs {right}");
            assert_eq!(band(right, left), expected, "{right} vs {left}");
        }
    }

    #[test]
    fn lsi_89_67_is_moderate_and_79_53_is_marked_and_each_is_shown_on_its_side() {
        let t = Thresholds::default();
        let near_symmetric = Asymmetry::of(
            PerSide {
                left: 89.67,
                right: 100.0,
            },
            &t,
        );
        assert_eq!(near_symmetric.band, AsymmetryBand::Moderate);
        assert!(near_symmetric.needs_extra_work());
        assert_eq!(near_symmetric.lsi_shown(&t), "89.7%");
        let near_moderate = Asymmetry::of(
            PerSide {
                left: 79.53,
                right: 100.0,
            },
            &t,
        );
        assert_eq!(near_moderate.band, AsymmetryBand::Marked);
        assert_eq!(near_moderate.lsi_shown(&t), "79.5%");
        let f = asymmetry_finding(
            &BRIDGE_HOLD,
            PerSide {
                left: 89.67,
                right: 100.0,
            },
            &t,
        );
        assert_eq!(f.rule.id, "lsi_moderate");
        assert!(
            f.explanation.contains("about 89.7% of"),
            "{}",
            f.explanation
        );
    }

    #[test]
    fn lsi_examples() {
        assert!((limb_symmetry_index(18.0, 31.0) - 58.064).abs() < 0.001);
        assert_eq!(limb_symmetry_index(0.0, 0.0), 100.0);
        assert_eq!(limb_symmetry_index(0.0, 5.0), 0.0);
    }

    #[test]
    fn the_explanation_names_the_weaker_side_and_its_share() {
        let f = asymmetry_finding(
            &BRIDGE_HOLD,
            PerSide {
                left: 18.0,
                right: 31.0,
            },
            &Thresholds::default(),
        );
        assert!(
            f.explanation.starts_with(
                "Your left single-leg bridge hold was 18 s against 31 s on the right: the left \
                 side is doing about 58% of the right's work."
            ),
            "{}",
            f.explanation
        );
        assert_eq!(f.severity, Severity::Priority);
        assert_eq!(f.rule.id, "lsi_marked");
        assert_eq!(f.asymmetry.map(|a| a.weaker_side), Some(Some(Side::Left)));
    }

    proptest! {
        #[test]
        fn lsi_is_symmetric_and_bounded(a in 0.0f64..1e6, b in 0.0f64..1e6) {
            let lsi = limb_symmetry_index(a, b);
            prop_assert_eq!(lsi, limb_symmetry_index(b, a));
            prop_assert!((0.0..=100.0).contains(&lsi));
            let t = Thresholds::default();
            let ab = Asymmetry::of(PerSide { left: a, right: b }, &t);
            let ba = Asymmetry::of(PerSide { left: b, right: a }, &t);
            prop_assert_eq!(ab.band, ba.band);
            prop_assert_eq!(ab.weaker_side.map(Side::other), ba.weaker_side);
        }
    }
}
