//! Core rules: McGill endurance ratios, leg lowering, straight leg lowers and the Pallof hold.

use super::explain::{format_judged, format_number, format_value, round_judged};
use super::findings::{Figure, Finding, Measured, Rule, Severity, Value};
use super::lsi::{Asymmetry, asymmetry_finding, shown_decimals};
use super::protocol::{self as p, TestSpec, Unit};
use super::scoring::{AreaReport, target_finding, your};
use super::thresholds::{Threshold, Thresholds};
use super::validate::CoreEndurance;
use super::values::{PerSide, Side};

/// `numerator ÷ denominator`, unrounded: the McGill cut-offs are compared with the exact value
/// and only its display is rounded. `None` when the denominator is 0.
pub fn hold_ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| numerator / denominator)
}

/// Places a ratio is shown with in a sentence (the precision the McGill cut-offs are given in).
pub const RATIO_SHOWN_DECIMALS: u32 = 2;
/// Places a ratio is kept with in a result and in machine output.
pub const RATIO_KEPT_DECIMALS: u32 = 3;

/// One McGill ratio rule: above `limit` is an imbalance.
struct RatioRule<'a> {
    id: &'static str,
    numerator: (&'static TestSpec, Option<Side>),
    denominator: (&'static TestSpec, Option<Side>),
    limit: &'a Threshold,
    meaning: &'static str,
}

fn label((spec, side): (&TestSpec, Option<Side>)) -> String {
    match side {
        Some(side) => format!("{side} {}", super::lsi::lower_first(spec.name)),
        None => super::lsi::lower_first(spec.name),
    }
}

fn ratio_finding(
    rule: &RatioRule<'_>,
    numerator: f64,
    denominator: f64,
    t: &Thresholds,
) -> Finding {
    let ratio = hold_ratio(numerator, denominator);
    let imbalance = ratio.is_none_or(|r| r > rule.limit.value);
    let (top, bottom) = (label(rule.numerator), label(rule.denominator));
    let limit = format!("{:.2}", rule.limit.value);
    let cut_off = [rule.limit.value];
    let explanation = match ratio {
        None => format!(
            "The {bottom} could not be held at all, so the {top} ({}) outweighs it: {}",
            format_value(numerator, Unit::Seconds),
            rule.meaning
        ),
        Some(r) => format!(
            "Your {top} ({}) ÷ {bottom} ({}) = {}, {} {limit}: {}",
            format_value(numerator, Unit::Seconds),
            format_value(denominator, Unit::Seconds),
            format_judged(r, shown_decimals(&t.ratio_shown_decimals), &cut_off),
            if imbalance { "above" } else { "within" },
            if imbalance { rule.meaning } else { "balanced." }
        ),
    };
    let finding = Finding::new(
        rule.numerator.0,
        if imbalance {
            Severity::NeedsAttention
        } else {
            Severity::Fine
        },
        Rule::against(
            rule.id,
            format!("{top} ÷ {bottom} above {limit}: imbalance"),
            rule.limit,
        ),
        Measured::Ratio {
            numerator_test: rule.numerator.0.id.to_owned(),
            numerator: Value::number(numerator, Unit::Seconds),
            denominator_test: rule.denominator.0.id.to_owned(),
            denominator: Value::number(denominator, Unit::Seconds),
            unit: Unit::Seconds,
            ratio: ratio.map(|r| round_judged(r, RATIO_KEPT_DECIMALS, &cut_off)),
        },
        explanation,
    );
    match rule.numerator.1 {
        Some(side) => finding.on(side),
        None => finding,
    }
}

/// Right ÷ left side bridge, judged by its distance from 1.0, with the LSI alongside.
fn side_bridge_balance(bridge: PerSide<f64>, t: &Thresholds) -> Finding {
    let spec = &p::MCGILL_SIDE_BRIDGE;
    let within = &t.mcgill_side_bridge_balance_within;
    // Both sides 0 count as balanced, like the LSI; only the left at 0 is an imbalance.
    let ratio = if bridge.left == 0.0 && bridge.right == 0.0 {
        Some(1.0)
    } else {
        hold_ratio(bridge.right, bridge.left)
    };
    // Compared with the bounds rather than through |r − 1|, which would carry float noise
    // (105 ÷ 100 − 1 > 0.05); the ratio is shown so that it stays on the side it was judged on.
    let cut_offs = [1.0 - within.value, 1.0 + within.value];
    let imbalance = ratio.is_none_or(|r| r < cut_offs[0] || r > cut_offs[1]);
    let asymmetry = Asymmetry::of(bridge, t);
    let share = match asymmetry.weaker_side {
        Some(weak) => format!(
            " The {weak} side is doing about {} of the {}'s work.",
            asymmetry.lsi_shown(t),
            weak.other()
        ),
        None => String::new(),
    };
    let explanation = format!(
        "Your side bridge held {} on the right and {} on the left: right ÷ left = {}, {} {} \
         away from 1.00.{share}",
        format_value(bridge.right, spec.unit),
        format_value(bridge.left, spec.unit),
        ratio.map_or_else(
            || "—".to_owned(),
            |r| format_judged(r, shown_decimals(&t.ratio_shown_decimals), &cut_offs)
        ),
        if imbalance { "more than" } else { "within" },
        format_number(within.value, 2),
    );
    let finding = Finding::new(
        spec,
        if imbalance {
            Severity::NeedsAttention
        } else {
            Severity::Fine
        },
        Rule::against(
            "mcgill_side_bridge_balance",
            format!(
                "Right ÷ left side bridge more than {} from 1.0: imbalance",
                format_number(within.value, 2)
            ),
            within,
        ),
        Measured::sides(bridge, spec.unit),
        explanation,
    )
    .with_asymmetry(asymmetry);
    match ratio {
        Some(r) => finding.with_figure(Figure {
            value: round_judged(r, RATIO_KEPT_DECIMALS, &cut_offs),
            ..Figure::new("right_to_left_ratio", r, Unit::Ratio)
        }),
        None => finding,
    }
}

/// Scores the core tests.
pub(crate) fn score(c: &CoreEndurance, t: &Thresholds, report: &mut AreaReport) {
    let flexor = c.mcgill_flexor.map(|s| s.get());
    let extensor = c.mcgill_extensor.map(|s| s.get());
    let bridge = c.mcgill_side_bridge.map(|b| b.map(|_, s| s.get()));
    for (spec, done) in [
        (&p::MCGILL_FLEXOR, flexor.is_some()),
        (&p::MCGILL_EXTENSOR, extensor.is_some()),
        (&p::MCGILL_SIDE_BRIDGE, bridge.is_some()),
    ] {
        if done {
            report.tested(spec);
        }
    }
    const BACK_WEAK: &str = "the back extensors are weak compared with the rest of the trunk.";
    if let (Some(f), Some(e)) = (flexor, extensor) {
        let rule = RatioRule {
            id: "mcgill_flexor_extensor",
            numerator: (&p::MCGILL_FLEXOR, None),
            denominator: (&p::MCGILL_EXTENSOR, None),
            limit: &t.mcgill_flexor_extensor_above,
            meaning: BACK_WEAK,
        };
        report.add(ratio_finding(&rule, f, e, t));
    }
    if let Some(bridge) = bridge {
        report.add(side_bridge_balance(bridge, t));
        if let Some(e) = extensor {
            for side in Side::BOTH {
                let rule = RatioRule {
                    id: "mcgill_side_bridge_extensor",
                    numerator: (&p::MCGILL_SIDE_BRIDGE, Some(side)),
                    denominator: (&p::MCGILL_EXTENSOR, None),
                    limit: &t.mcgill_side_bridge_extensor_above,
                    meaning: BACK_WEAK,
                };
                report.add(ratio_finding(&rule, *bridge.get(side), e, t));
            }
        }
    }
    if let Some(angle) = c.double_leg_lowering {
        report.add(leg_lowering_finding(angle.get(), t));
    }
    if let Some(reps) = c.straight_leg_lowers {
        let spec = &p::STRAIGHT_LEG_LOWERS;
        let reps = f64::from(reps.get());
        report.add(Finding::new(
            spec,
            Severity::Fine,
            Rule {
                our_choice: true,
                ..Rule::plain(
                    "straight_leg_lowers_recorded",
                    "Controlled reps with the back flat, recorded to compare at the re-test",
                    spec.source,
                )
            },
            Measured::one(reps, spec.unit),
            format!(
                "{} reached {} with the back flat. There is no norm; the re-test shows whether \
                 control is improving.",
                your(spec, None),
                format_value(reps, spec.unit)
            ),
        ));
    }
    if let Some(hold) = &c.pallof_hold {
        let spec = &p::PALLOF_HOLD;
        let values = hold.map(|_, s| s.get());
        for side in Side::BOTH {
            report.add(target_finding(
                spec,
                Some(side),
                *values.get(side),
                &t.pallof_hold_target,
                "The trunk is not yet resisting rotation on this side for long.",
            ));
        }
        report.add(asymmetry_finding(spec, values, t));
    }
}

fn leg_lowering_finding(angle: f64, t: &Thresholds) -> Finding {
    let spec = &p::DOUBLE_LEG_LOWERING;
    let good = &t.leg_lowering_good_below;
    let poor = &t.leg_lowering_poor_from;
    let (g, pr) = (
        format_value(good.value, spec.unit),
        format_value(poor.value, spec.unit),
    );
    let (severity, rule, verdict) = if angle < good.value {
        (
            Severity::Fine,
            Rule::against("leg_lowering_good", format!("Below {g}: good"), good),
            "good: the core keeps the low back down until the legs are low.",
        )
    } else if angle < poor.value {
        (
            Severity::Fine,
            Rule::against(
                "leg_lowering_fair",
                format!("{g} to below {pr}: fair"),
                poor,
            ),
            "fair, about average; there is room to keep the back down lower.",
        )
    } else {
        (
            Severity::NeedsAttention,
            Rule::against("leg_lowering_poor", format!("{pr} or more: poor"), poor),
            "poor: the low back lifts early, so the core is not yet holding the pelvis.",
        )
    };
    Finding::new(
        spec,
        severity,
        rule,
        Measured::one(angle, spec.unit),
        format!(
            "Your low back lifted with the legs at {} from the table (lower is better): {verdict}",
            format_value(angle, spec.unit)
        ),
    )
}
