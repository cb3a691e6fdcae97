//! Choosing exercises: which ladder each finding calls for, at which level, with which extra set.

use super::{ItemPriority, ProgrammeItem};
use crate::assessment::explain::format_value;
use crate::assessment::lsi::lower_first;
use crate::assessment::{
    Area, AreaStatus, AssessmentResult, Finding, Measured, Severity, Side, Thresholds, Unit, Value,
};
use crate::library::{self, Exercise, Ladder, LadderSpec, Level};
use std::cmp::Reverse;

/// Which ladder a finding calls for (our choice): test id, the rule id when only some of that
/// test's findings count (`None`: any), and the ladder. Only findings that need attention or are a
/// priority count; a test not listed (pain scores, cadence, overstriding) calls for no exercise —
/// cadence and overstriding get running cues instead.
pub const FINDING_LADDERS: &[(&str, Option<&str>, &str)] = &[
    // Posture and running form.
    ("forward_head", None, "thoracic_extension"),
    ("rounded_shoulders", None, "thoracic_extension"),
    ("leaning_back", None, "straight_leg_lowers"),
    (
        "trunk_lean_degrees",
        Some("trunk_leaning_back"),
        "straight_leg_lowers",
    ),
    // Runners with weak hip extensors tend to run upright (Teng & Powers 2015).
    (
        "trunk_lean_degrees",
        Some("trunk_upright"),
        "single_leg_bridge_hold",
    ),
    // Hip mobility.
    ("thomas_thigh_angle", None, "couch_stretch"),
    ("thomas_knee_angle", None, "couch_stretch"),
    ("prone_hip_extension", None, "couch_stretch"),
    ("couch_stretch", None, "couch_stretch"),
    ("hip_cars", None, "hip_cars"),
    // Hip stability.
    ("single_leg_bridge_reps", None, "single_leg_bridge_hold"),
    ("single_leg_bridge_hold", None, "single_leg_bridge_hold"),
    ("band_hip_abduction_reps", None, "band_hip_abduction"),
    ("hip_abduction_dynamometer", None, "band_hip_abduction"),
    ("single_leg_squat_pelvic_drop", None, "band_hip_abduction"),
    ("single_leg_squat", None, "split_squat"),
    // Core: a high flexor ÷ extensor or side bridge ÷ extensor ratio means weak back extensors.
    ("mcgill_flexor", None, "bird_dog"),
    (
        "mcgill_side_bridge",
        Some("mcgill_side_bridge_extensor"),
        "bird_dog",
    ),
    (
        "mcgill_side_bridge",
        Some("mcgill_side_bridge_balance"),
        "side_plank",
    ),
    ("double_leg_lowering", None, "straight_leg_lowers"),
    ("straight_leg_lowers", None, "straight_leg_lowers"),
    ("pallof_hold", None, "pallof_press"),
    // After giving birth: the return-to-running readiness tests.
    (
        "readiness_single_leg_bridge",
        None,
        "single_leg_bridge_hold",
    ),
    ("readiness_side_lying_abduction", None, "band_hip_abduction"),
    ("readiness_sit_to_stand", None, "split_squat"),
    ("readiness_single_leg_squat", None, "split_squat"),
    ("readiness_single_leg_balance", None, "split_squat"),
    ("readiness_running_man", None, "split_squat"),
    ("readiness_calf_raise", None, "single_leg_calf_raise"),
    ("readiness_hop_on_spot", None, "single_leg_calf_raise"),
    ("readiness_forward_bounds", None, "single_leg_calf_raise"),
    ("readiness_jog_on_spot", None, "single_leg_calf_raise"),
    ("symptom_leaking_or_urgency", None, "breathing_90_90"),
    ("symptom_heaviness_or_dragging", None, "breathing_90_90"),
];

/// The exercise kept up in a fine area (our choice): its core exercise.
pub const MAINTENANCE: &[(Area, &str)] = &[
    (Area::HipMobility, "couch_stretch"),
    (Area::HipStability, "single_leg_bridge_hold"),
    (Area::Core, "pallof_press"),
];

/// The exercises an untested area starts with (our choice): the clinic's six core exercises, by
/// area. Only for an area whose tests were not done; a tested area that was fine gets
/// [`MAINTENANCE`] alone. Posture and running form has none: it gets a note.
pub const STARTING_POINT: &[(Area, &str)] = &[
    (Area::HipMobility, "couch_stretch"),
    (Area::HipMobility, "hip_cars"),
    (Area::HipStability, "single_leg_bridge_hold"),
    (Area::HipStability, "band_hip_abduction"),
    (Area::Core, "straight_leg_lowers"),
    (Area::Core, "pallof_press"),
];

/// The areas a programme works on; one left untested gets a note.
const PROGRAMME_AREAS: [Area; 4] = [
    Area::PostureForm,
    Area::HipMobility,
    Area::HipStability,
    Area::Core,
];

/// Most findings quoted in one reason; the rest are counted.
const MAX_QUOTED: usize = 3;

/// The chosen items (most important first) and notes for the programme.
pub(crate) struct Plan {
    pub items: Vec<ProgrammeItem>,
    pub notes: Vec<String>,
    pub postpartum: bool,
}

/// A ladder that findings call for.
struct Need<'r> {
    spec: &'static LadderSpec,
    priority: ItemPriority,
    /// In canonical order: most severe first.
    findings: Vec<&'r Finding>,
}

impl Need<'_> {
    /// The findings to quote: the most urgent of each test, the ladder's own area first.
    fn quoted(&self) -> Vec<&Finding> {
        let mut quoted: Vec<&Finding> = Vec::new();
        for f in &self.findings {
            if !quoted.iter().any(|q| q.test_id == f.test_id) {
                quoted.push(f);
            }
        }
        quoted
    }
}

/// Every finding in a fixed order that does not depend on how the result was built: area, then
/// most severe first, then test, side, rule and text.
/// The ladders [`FINDING_LADDERS`] chooses for a finding of `test` (and `rule`, when given): what
/// the programme would add for it.
pub fn finding_ladders(test: &str, rule: Option<&str>) -> Vec<&'static str> {
    FINDING_LADDERS
        .iter()
        .filter(|(t, r, _)| *t == test && (r.is_none() || *r == rule))
        .map(|(_, _, ladder)| *ladder)
        .collect()
}

pub(crate) fn canonical_findings(result: &AssessmentResult) -> Vec<&Finding> {
    findings_by_area(result)
        .into_iter()
        .map(|(_, f)| f)
        .collect()
}

/// [`canonical_findings`] with each finding's area.
fn findings_by_area(result: &AssessmentResult) -> Vec<(Area, &Finding)> {
    let mut findings: Vec<(Area, &Finding)> = result
        .areas
        .iter()
        .flat_map(|a| a.findings.iter().map(move |f| (a.area, f)))
        .collect();
    findings.sort_by(|(a1, f1), (a2, f2)| {
        (a1, Reverse(f1.severity), &f1.test_id, f1.side, &f1.rule.id)
            .cmp(&(a2, Reverse(f2.severity), &f2.test_id, f2.side, &f2.rule.id))
            .then_with(|| f1.explanation.cmp(&f2.explanation))
    });
    findings
}

fn ladders_for(f: &Finding) -> impl Iterator<Item = &'static str> + '_ {
    FINDING_LADDERS
        .iter()
        .filter(move |(test, rule, _)| *test == f.test_id && rule.is_none_or(|r| r == f.rule.id))
        .map(|(_, _, ladder)| *ladder)
}

fn ladder_spec(id: &str) -> &'static LadderSpec {
    library::ladders()
        .iter()
        .find(|l| l.id.as_str() == id)
        .expect("the mapping tables name library ladders")
}

fn ladder_index(spec: &LadderSpec) -> usize {
    library::ladders()
        .iter()
        .position(|l| l.id == spec.id)
        .unwrap_or(usize::MAX)
}

/// Whether the runner has given birth: the assessment has a postpartum section.
pub(crate) fn is_postpartum(result: &AssessmentResult) -> bool {
    result
        .area(Area::Postpartum)
        .is_some_and(|a| a.status != AreaStatus::NotTested)
}

/// Chooses the items.
pub(crate) fn plan(result: &AssessmentResult, t: &Thresholds) -> Plan {
    let findings = findings_by_area(result);
    let postpartum = is_postpartum(result);
    let high_pain = findings
        .iter()
        .map(|(_, f)| *f)
        .find(|f| f.rule.id == "pain_high");
    let mut needs: Vec<Need> = Vec::new();
    for &(_, f) in findings.iter().filter(|(_, f)| f.severity > Severity::Fine) {
        for id in ladders_for(f) {
            let spec = ladder_spec(id);
            let priority = match f.severity {
                Severity::Priority => ItemPriority::Priority,
                _ => ItemPriority::NeedsAttention,
            };
            match needs.iter_mut().find(|n| n.spec.id == spec.id) {
                Some(need) => {
                    need.priority = need.priority.min(priority);
                    need.findings.push(f);
                }
                None => needs.push(Need {
                    spec,
                    priority,
                    findings: vec![f],
                }),
            }
        }
    }
    // Quote findings from the ladder's own area first, then the most urgent; the sort is stable,
    // so ties keep the canonical order.
    let area_of = |f: &Finding| {
        findings
            .iter()
            .find(|(_, g)| std::ptr::eq(*g, f))
            .map(|(a, _)| *a)
    };
    for need in &mut needs {
        let own = need.spec.area.assessment_area();
        need.findings
            .sort_by_key(|f| (area_of(f) != own, Reverse(f.severity)));
    }
    // Breathing for every runner who has given birth, ahead of needs-attention work.
    if postpartum {
        let spec = ladder_spec("breathing_90_90");
        match needs.iter_mut().find(|n| n.spec.id == spec.id) {
            Some(need) => need.priority = need.priority.min(ItemPriority::PelvicFloor),
            None => needs.push(Need {
                spec,
                priority: ItemPriority::PelvicFloor,
                findings: Vec::new(),
            }),
        }
    }
    let mut notes = Vec::new();
    for area in PROGRAMME_AREAS {
        let status = result
            .area(area)
            .map_or(AreaStatus::NotTested, |a| a.status);
        if status == AreaStatus::NotTested {
            let starting: Vec<&str> = STARTING_POINT
                .iter()
                .filter(|(a, _)| *a == area)
                .map(|(_, ladder)| *ladder)
                .collect();
            notes.push(if starting.is_empty() {
                format!(
                    "{} was not tested, so nothing in this programme is aimed at it yet.",
                    area.name()
                )
            } else {
                format!(
                    "{} was not tested, so its exercises here are a general starting point, not \
                     chosen from your results. Test it later to personalise them.",
                    area.name()
                )
            });
            for ladder in starting {
                if !needs.iter().any(|n| n.spec.id.as_str() == ladder) {
                    needs.push(Need {
                        spec: ladder_spec(ladder),
                        priority: ItemPriority::StartingPoint,
                        findings: Vec::new(),
                    });
                }
            }
            continue;
        }
        let covered = needs
            .iter()
            .any(|n| n.spec.area.assessment_area() == Some(area));
        let maintenance = MAINTENANCE.iter().find(|(a, _)| *a == area);
        if status == AreaStatus::Fine
            && !covered
            && let Some((_, ladder)) = maintenance
        {
            needs.push(Need {
                spec: ladder_spec(ladder),
                priority: ItemPriority::Maintenance,
                findings: Vec::new(),
            });
        }
    }
    needs.sort_by_key(|n| (n.priority, !n.spec.core_six, ladder_index(n.spec)));

    let mut stepped_down_after_birth = false;
    let items = needs
        .iter()
        .map(|need| {
            let ladder = library::ladder(need.spec.id.as_str()).expect("listed ladders exist");
            let choice = choose_level(need, &ladder, high_pain, postpartum);
            stepped_down_after_birth |= choice.after_birth;
            build_item(need, choice, t, postpartum)
        })
        .collect();
    if let Some(pain) = high_pain {
        notes.push(format!(
            "{} Every exercise starts one level easier, and your clinician has been alerted.",
            first_sentence(&pain.explanation)
        ));
    }
    if stepped_down_after_birth {
        notes.push(
            "After giving birth, the harder core levels that press on the tummy wall wait until \
             your clinician moves you up."
                .to_owned(),
        );
    }
    if !result.running_allowed {
        notes.push(format!(
            "Running: {} The exercises prepare you for it; the running cues apply once running \
             starts.",
            result.running_blocked_because.join(" ")
        ));
    }
    Plan {
        items,
        notes,
        postpartum,
    }
}

/// The level chosen for a need and the reasons, in order.
struct LevelChoice {
    exercise: &'static Exercise,
    why: Vec<String>,
    after_birth: bool,
}

fn answer_is(f: &Finding, answer: &str) -> bool {
    matches!(&f.measured, Measured::One { value: Value::Text(t), .. } if t == answer)
}

fn choose_level(
    need: &Need,
    ladder: &Ladder,
    high_pain: Option<&Finding>,
    postpartum: bool,
) -> LevelChoice {
    let anchor = need.spec.anchor;
    let one_below = anchor.down().unwrap_or(anchor);
    let mut why = Vec::new();
    let mut level = if need.findings.iter().any(|f| answer_is(f, "unable")) {
        why.push("the easiest level, because the position was not possible without pain".into());
        Level::EASIEST
    } else if need.priority == ItemPriority::Priority && one_below != anchor {
        why.push(format!(
            "one step easier than the {}, because this is a priority to build up steadily",
            lower_first(ladder.anchor().name)
        ));
        one_below
    } else if need.findings.iter().any(|f| answer_is(f, "pinch or pain")) && one_below != anchor {
        why.push(
            "one step easier than the full version, to stay in the range that does not pinch"
                .into(),
        );
        one_below
    } else {
        anchor
    };
    if high_pain.is_some()
        && let Some(lower) = level.down()
    {
        level = lower;
        why.push("one more step easier while the pain is high".into());
    }
    let mut exercise = ladder.at(level).unwrap_or_else(|_| ladder.anchor());
    let mut after_birth = false;
    while postpartum && exercise.cautions.postpartum_step_down {
        let Some(lower) = library::easier(exercise) else {
            break;
        };
        exercise = lower;
        after_birth = true;
    }
    if after_birth {
        why.push("a step easier after giving birth, until your clinician moves you up".into());
    }
    LevelChoice {
        exercise,
        why,
        after_birth,
    }
}

/// The first sentence of an explanation, where the measured numbers are.
pub(crate) fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}

/// The weakest side-to-side comparison behind a need that is under the symmetric cut-off.
///
/// The asymmetry's band decides (it was chosen from the exact LSI), not its rounded percent.
fn weakest_side<'r>(need: &Need<'r>) -> Option<(Side, &'r Finding)> {
    need.findings
        .iter()
        .filter_map(|f| {
            let a = f.asymmetry?;
            let side = a.weaker_side?;
            a.needs_extra_work().then_some((a.lsi_percent, side, *f))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, side, f)| (side, f))
}

/// “your left single-leg bridge hold was 18 s against 31 s on the right (58%)”.
fn side_comparison(f: &Finding, weak: Side, t: &Thresholds) -> String {
    let lsi = f.asymmetry.map(|a| a.lsi_shown(t)).unwrap_or_default();
    match &f.measured {
        Measured::LeftRight { left, right, unit } => {
            let shown = |side: Side| match side {
                Side::Left => left.shown(*unit),
                Side::Right => right.shown(*unit),
            };
            format!(
                "your {weak} {} was {} against {} on the {} ({lsi})",
                lower_first(&f.test_name),
                shown(weak),
                shown(weak.other()),
                weak.other()
            )
        }
        _ => format!("your {weak} side measured {lsi} of the {}", weak.other()),
    }
}

fn build_item(need: &Need, choice: LevelChoice, t: &Thresholds, postpartum: bool) -> ProgrammeItem {
    let ex = choice.exercise;
    let mut reason = String::new();
    let area = need
        .spec
        .area
        .assessment_area()
        .map_or("this area", Area::name)
        .to_lowercase();
    match need.priority {
        ItemPriority::Maintenance => {
            reason.push_str(&format!(
                "Your {area} tests were fine; this keeps them that way. It is the first exercise to \
                 go when time is short."
            ));
        }
        ItemPriority::StartingPoint => {
            reason.push_str(&format!(
                "A starting point, not personalised: your {area} was not tested, so this is one of \
                 the six core exercises rather than one chosen from your results. {} \
                 Test later to personalise it.",
                ex.purpose
            ));
        }
        ItemPriority::PelvicFloor if need.findings.is_empty() => reason.push_str(
            "You have given birth: breathing with the pelvic floor comes first, and the \
             return-to-running guideline asks for a pelvic floor that copes with load before \
             running.",
        ),
        _ => {
            let quoted: Vec<&str> = need
                .quoted()
                .into_iter()
                .take(MAX_QUOTED)
                .map(|f| first_sentence(&f.explanation))
                .collect();
            reason.push_str(&quoted.join(" "));
            let more = need.findings.len().saturating_sub(quoted.len());
            if more > 0 {
                reason.push_str(&if more == 1 {
                    " (1 more finding points the same way.)".to_owned()
                } else {
                    format!(" ({more} more findings point the same way.)")
                });
            }
        }
    }
    let extra = weakest_side(need);
    if let Some((side, f)) = extra {
        let symmetric = format_value(t.lsi_symmetric_from.value, Unit::Percent);
        if ex.sidedness == library::Sidedness::PerSide {
            reason.push_str(&format!(
                " One extra set on the {side} side, because {}, under {symmetric}.",
                side_comparison(f, side, t)
            ));
        } else {
            reason.push_str(&format!(
                " This level works both legs together; the {side} side gets its extra set once \
                 the exercise is done one side at a time ({}).",
                side_comparison(f, side, t)
            ));
        }
    }
    let mut item = ProgrammeItem::from_library(
        ex,
        need.priority,
        extra.map(|(side, _)| side),
        reason,
        postpartum,
    )
    .with_maintenance_days(need.priority);
    // "Level n of m" is added by `ProgrammeItem::why` from the level planned at the time.
    item.level_reason = Some(choice.why.join("; "));
    item
}

impl ProgrammeItem {
    /// Maintenance and starting-point strength work is 2 days a week, the low end of ACSM's 2–3
    /// (our choice).
    fn with_maintenance_days(mut self, priority: ItemPriority) -> ProgrammeItem {
        if matches!(
            priority,
            ItemPriority::Maintenance | ItemPriority::StartingPoint
        ) && self.dosage.days_per_week() < 5
            && let Ok(dosage) = self.dosage.with_days_per_week(2)
        {
            self.dosage = dosage;
            self.refresh();
        }
        self
    }
}
