//! Hip mobility and hip stability rules, side by side.

use super::explain::{format_number, format_value, round_to};
use super::findings::{Figure, Finding, Measured, Rule, Severity};
use super::lsi::asymmetry_finding;
use super::protocol::{self as p, TestSpec};
use super::scoring::{AreaReport, target_finding, your};
use super::thresholds::Thresholds;
use super::validate::{HipAbductionStrength, HipMobility, HipStability};
use super::values::{CouchStretchPosition, HipCarsQuality, PerSide, Sex, Side};

/// Ramskov et al. 2014: eccentric hip abduction norm in novice runners, Nm/kg.
const RAMSKOV_INTERCEPT: f64 = 1.600;
const RAMSKOV_PER_YEAR: f64 = 0.005;
const RAMSKOV_MALE: f64 = 0.215;
const RAMSKOV_SD: f64 = 0.354;

/// Adds one finding per side from `judge`, which sees the side and its value.
fn each_side<T>(
    report: &mut AreaReport,
    values: &PerSide<T>,
    mut judge: impl FnMut(Side, &T) -> Option<Finding>,
) {
    for side in Side::BOTH {
        if let Some(finding) = judge(side, values.get(side)) {
            report.add(finding.on(side));
        }
    }
}

/// A two-sided capacity test: a target rule per side (if any) and the side-to-side comparison.
fn capacity<T: Copy>(
    report: &mut AreaReport,
    spec: &'static TestSpec,
    values: &PerSide<T>,
    number: impl Fn(T) -> f64,
    t: &Thresholds,
    per_side: impl Fn(Side, f64) -> Option<Finding>,
) {
    let numbers = values.map(|_, v| number(*v));
    report.tested(spec);
    each_side(report, &numbers, |side, v| per_side(side, *v));
    report.add(asymmetry_finding(spec, numbers, t));
}

/// A per-side angle judged against one cut-off; `too_far` says which side of it is the problem.
fn angle_finding(
    spec: &TestSpec,
    side: Side,
    angle: f64,
    problem: bool,
    rule: Rule,
    problem_text: &str,
    fine_text: &str,
) -> Finding {
    let (severity, text) = if problem {
        (Severity::NeedsAttention, problem_text)
    } else {
        (Severity::Fine, fine_text)
    };
    Finding::new(
        spec,
        severity,
        rule,
        Measured::one(angle, spec.unit),
        format!(
            "{} was {}: {text}",
            your(spec, Some(side)),
            format_value(angle, spec.unit)
        ),
    )
}

/// Scores hip mobility.
pub(crate) fn score_mobility(h: &HipMobility, t: &Thresholds, report: &mut AreaReport) {
    if let Some(thigh) = &h.thomas_thigh_angle {
        let limit = &t.thomas_thigh_above;
        each_side(report, thigh, |side, angle| {
            let angle = angle.get();
            Some(angle_finding(
                &p::THOMAS_THIGH,
                side,
                angle,
                angle > limit.value,
                Rule::against(
                    "thomas_thigh_above",
                    format!(
                        "Thigh above {} (with the pelvis tucked): short one-joint hip flexors",
                        format_value(limit.value, p::THOMAS_THIGH.unit)
                    ),
                    limit,
                ),
                "the thigh rests above horizontal, so the deep hip flexors are short and the leg \
                 cannot go far behind you. The couch stretch targets this.",
                "the thigh rests at or below horizontal, which is normal hip extension.",
            ))
        });
    }
    if let Some(knee) = &h.thomas_knee_angle {
        let limit = &t.thomas_knee_below;
        each_side(report, knee, |side, angle| {
            let angle = angle.get();
            Some(angle_finding(
                &p::THOMAS_KNEE,
                side,
                angle,
                angle < limit.value,
                Rule::against(
                    "thomas_knee_below",
                    format!(
                        "Knee bend below {}: short rectus femoris",
                        format_value(limit.value, p::THOMAS_KNEE.unit)
                    ),
                    limit,
                ),
                "the knee does not bend far, so the front-of-thigh muscle that crosses both hip \
                 and knee is short.",
                "the knee bends far enough, so the front-of-thigh muscle is not short.",
            ))
        });
    }
    if let Some(range) = &h.prone_hip_extension {
        capacity(
            report,
            &p::PRONE_HIP_EXTENSION,
            range,
            |d| d.get(),
            t,
            |side, v| {
                Some(target_finding(
                    &p::PRONE_HIP_EXTENSION,
                    Some(side),
                    v,
                    &t.prone_hip_extension_below,
                    "The leg does not go far behind you, so the low back arches to make up the stride.",
                ))
            },
        );
    }
    if let Some(cars) = &h.hip_cars {
        report.tested(&p::HIP_CARS);
        each_side(report, cars, |side, quality| {
            let (answer, text) = match quality {
                HipCarsQuality::Smooth => return None,
                HipCarsQuality::PinchOrPain => (
                    "pinch or pain",
                    "it pinched or hurt somewhere in the circle; work in the pain-free part and \
                     let the range grow.",
                ),
                HipCarsQuality::Compensation => (
                    "compensation",
                    "the pelvis or trunk had to move; the hip itself is not using its full \
                     range yet.",
                ),
            };
            Some(observed(&p::HIP_CARS, side, answer, text))
        });
    }
    if let Some(couch) = &h.couch_stretch {
        report.tested(&p::COUCH_STRETCH);
        each_side(report, couch, |side, position| {
            let (answer, text) = match position {
                CouchStretchPosition::Upright => return None,
                CouchStretchPosition::OnlyLeaningForward => (
                    "only leaning forward",
                    "only possible leaning forward, so the front of the hip is tight.",
                ),
                CouchStretchPosition::Unable => (
                    "unable",
                    "not possible without back pain; start with an easier version of the \
                     stretch.",
                ),
            };
            Some(observed(&p::COUCH_STRETCH, side, answer, text))
        });
    }
}

fn observed(spec: &TestSpec, side: Side, answer: &str, text: &str) -> Finding {
    Finding::new(
        spec,
        Severity::NeedsAttention,
        Rule::plain(
            format!("{}_not_clear", spec.id),
            format!("{} (observation)", spec.name),
            spec.source,
        ),
        Measured::answer(answer),
        format!("{}, {side}: {text}", spec.name),
    )
}

/// Scores hip stability.
pub(crate) fn score_stability(h: &HipStability, t: &Thresholds, report: &mut AreaReport) {
    if let Some(reps) = &h.single_leg_bridge_reps {
        capacity(
            report,
            &p::BRIDGE_REPS,
            reps,
            |r| f64::from(r.get()),
            t,
            |side, v| Some(bridge_reps_finding(side, v, t)),
        );
    }
    if let Some(hold) = &h.single_leg_bridge_hold {
        capacity(
            report,
            &p::BRIDGE_HOLD,
            hold,
            |s| s.get(),
            t,
            |side, v| {
                Some(target_finding(
                    &p::BRIDGE_HOLD,
                    Some(side),
                    v,
                    &t.bridge_hold_target,
                    "The hip extensors on this side tire early, and the low back takes over.",
                ))
            },
        );
    }
    if let Some(reps) = &h.band_hip_abduction_reps {
        capacity(
            report,
            &p::BAND_ABDUCTION,
            reps,
            |r| f64::from(r.get()),
            t,
            |_, _| None,
        );
    }
    if let Some(grades) = &h.single_leg_squat {
        each_side(report, grades, |side, grade| {
            let (severity, id, text) = match grade.get() {
                3 => (
                    Severity::Fine,
                    "squat_aligned",
                    "the knee stayed over the foot to about 60° of bend.",
                ),
                2 => (
                    Severity::Fine,
                    "squat_shallow",
                    "aligned, but not as deep; depth comes with strength.",
                ),
                _ => (
                    Severity::NeedsAttention,
                    "squat_alignment_lost",
                    "the knee caved in or balance went, a sign the hip is not controlling the leg.",
                ),
            };
            Some(Finding::new(
                &p::SINGLE_LEG_SQUAT,
                severity,
                Rule::plain(
                    id,
                    "3 = aligned to about 60°, 2 = aligned but shallower, 1 = alignment or \
                     balance lost",
                    p::SINGLE_LEG_SQUAT.source,
                ),
                Measured::one(f64::from(grade.get()), p::SINGLE_LEG_SQUAT.unit),
                format!(
                    "{} scored {}: {text}",
                    your(&p::SINGLE_LEG_SQUAT, Some(side)),
                    format_value(f64::from(grade.get()), p::SINGLE_LEG_SQUAT.unit)
                ),
            ))
        });
    }
    if let Some(drop) = &h.single_leg_squat_pelvic_drop {
        report.tested(&p::SQUAT_PELVIC_DROP);
        each_side(report, drop, |side, dropped| {
            dropped.then(|| {
                Finding::new(
                    &p::SQUAT_PELVIC_DROP,
                    Severity::NeedsAttention,
                    Rule::plain(
                        "pelvic_drop_seen",
                        "Pelvis drops on the lifted-leg side",
                        p::SQUAT_PELVIC_DROP.source,
                    ),
                    Measured::answer("yes"),
                    format!(
                        "Standing on your {side} leg, the other side of the pelvis dropped: the \
                         {side} hip's side muscles are not holding it level. In running, more \
                         pelvic drop has been linked to injury."
                    ),
                )
            })
        });
    }
    if let Some(strength) = &h.hip_abduction {
        capacity(
            report,
            &p::HIP_ABDUCTION_DYNAMOMETER,
            &strength.torque,
            |n| n.get(),
            t,
            |side, v| Some(hip_abduction_finding(strength, side, v, t)),
        );
    }
}

fn bridge_reps_finding(side: Side, reps: f64, t: &Thresholds) -> Finding {
    let spec = &p::BRIDGE_REPS;
    let poor = &t.bridge_reps_poor_below;
    let good = &t.bridge_reps_good_above;
    let (severity, rule, text) = if reps < poor.value {
        (
            Severity::NeedsAttention,
            Rule::against(
                "bridge_reps_poor",
                format!("Fewer than {} reps: poor", poor.shown()),
                poor,
            ),
            "which is poor: the hip extensors on this side tire early.",
        )
    } else if reps > good.value {
        (
            Severity::Fine,
            Rule::against(
                "bridge_reps_good",
                format!("More than {} reps: good", good.shown()),
                good,
            ),
            "which is good endurance.",
        )
    } else {
        (
            Severity::Fine,
            Rule::against(
                "bridge_reps_average",
                format!("{} to {} reps: average", poor.shown(), good.shown()),
                poor,
            ),
            "about average, with room to build.",
        )
    };
    Finding::new(
        spec,
        severity,
        rule,
        Measured::one(reps, spec.unit),
        format!(
            "{} reached {}, {text}",
            your(spec, Some(side)),
            format_value(reps, spec.unit)
        ),
    )
}

/// The Ramskov norm for this runner, and the cut-off below which the hip counts as weak.
pub fn hip_abduction_norm(age: f64, sex: Sex, sds_below: f64) -> (f64, f64) {
    let male = if sex == Sex::Male { RAMSKOV_MALE } else { 0.0 };
    let norm = RAMSKOV_INTERCEPT - RAMSKOV_PER_YEAR * age + male;
    // Rounded to the formula's own precision so a value at the cut-off is judged as typed.
    (
        round_to(norm, 3),
        round_to(norm - sds_below * RAMSKOV_SD, 3),
    )
}

fn hip_abduction_finding(
    s: &HipAbductionStrength,
    side: Side,
    value: f64,
    t: &Thresholds,
) -> Finding {
    let spec = &p::HIP_ABDUCTION_DYNAMOMETER;
    let sds = &t.hip_abduction_weak_sd_below_norm;
    let (norm, cut_off) = hip_abduction_norm(f64::from(s.age.get()), s.sex, sds.value);
    let weak = value < cut_off;
    let who = match s.sex {
        Sex::Female => "woman",
        Sex::Male => "man",
    };
    Finding::new(
        spec,
        if weak {
            Severity::NeedsAttention
        } else {
            Severity::Fine
        },
        Rule::against(
            if weak {
                "hip_abduction_weak"
            } else {
                "hip_abduction_within_norm"
            },
            format!(
                "More than {} SD below the Ramskov norm (1.600 − 0.005 × age + 0.215 if male; \
                 SD 0.354 Nm/kg): weak",
                format_number(sds.value, 2)
            ),
            sds,
        ),
        Measured::one(value, spec.unit),
        format!(
            "{} was {}. For a {}-year-old {who} the norm in new runners is about {}, so below {} \
             counts as weak: {}",
            your(spec, Some(side)),
            format_value(value, spec.unit),
            s.age.get(),
            format_value(norm, spec.unit),
            format_value(cut_off, spec.unit),
            if weak {
                "this side is weak for its job of holding the pelvis level."
            } else {
                "this side is within the usual range."
            }
        ),
    )
    .with_figure(Figure::new("norm", norm, spec.unit))
    .with_figure(Figure::new("weak_below", cut_off, spec.unit))
}
