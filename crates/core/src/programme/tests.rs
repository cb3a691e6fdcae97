//! Generator rules case by case, the calendar and cap, edits, bad input, and determinism.

use super::*;
use crate::assessment::{Assessment, Finding, Severity, assess};
use crate::library::{DosageKind, RawDosage};
use jiff::ToSpan;
use proptest::prelude::*;
use serde_json::{Value as Json, json};

const EXAMPLE: &str = include_str!("../../examples/assessment.json");

fn example_json() -> Json {
    serde_json::from_str(EXAMPLE).expect("the example parses")
}

fn scored(input: Json) -> AssessmentResult {
    let raw: Assessment = serde_json::from_value(input).expect("test input has the right shape");
    assess(&raw, &Thresholds::default()).expect("test input is valid")
}

/// The example with `path` (e.g. `/hip_stability/single_leg_bridge_hold`) set to `value`.
fn example_with(changes: &[(&str, Json)]) -> AssessmentResult {
    let mut input = example_json();
    for (path, value) in changes {
        *input.pointer_mut(path).unwrap_or_else(|| panic!("{path}")) = value.clone();
    }
    scored(input)
}

fn monday() -> Date {
    Date::new(2026, 3, 2).unwrap()
}

fn request() -> ProgrammeRequest {
    ProgrammeRequest::new(monday()).run_days([
        DayOfWeek::Tuesday,
        DayOfWeek::Thursday,
        DayOfWeek::Sunday,
    ])
}

/// A request with room for everything, to test choices without the cap getting in the way.
fn roomy() -> ProgrammeRequest {
    let mut r = request();
    r.settings.minutes_cap = MinutesCap::try_from(120).unwrap();
    r
}

fn item<'p>(p: &'p Programme, key: &str) -> Option<&'p ProgrammeItem> {
    p.items.iter().find(|i| i.key == key)
}

fn ladder_item<'p>(p: &'p Programme, ladder: &str) -> Option<&'p ProgrammeItem> {
    p.items.iter().find(|i| {
        i.exercise_id()
            .is_some_and(|id| id.exercise().ladder.as_str() == ladder)
    })
}

#[test]
fn the_example_gets_a_programme_that_cites_its_numbers() {
    let p = generate(&example_with(&[]), &roomy()).unwrap();
    assert_eq!(p.library_version, LIBRARY_VERSION);
    assert_eq!(p.protocol_version, crate::assessment::PROTOCOL_VERSION);
    let bridge = ladder_item(&p, "single_leg_bridge_hold").expect("bridge ladder chosen");
    assert_eq!(bridge.priority, ItemPriority::Priority);
    assert_eq!(
        bridge.level().map(Level::get),
        Some(2),
        "priority → one below"
    );
    assert_eq!(bridge.extra_set_side, Some(Side::Left));
    assert!(
        bridge
            .reason
            .contains("your left single-leg bridge hold was 18 s against 31 s on the right (58%)"),
        "{}",
        bridge.reason
    );
    assert!(p.postpartum);
    assert!(item(&p, "breathing_90_90").is_some());
    for i in &p.items {
        assert!(!i.reason.is_empty() && !i.cautions.is_empty(), "{}", i.key);
    }
}

/// A posture and form section with nothing to work on.
fn fine_form() -> Json {
    json!({"forward_head": "no", "rounded_shoulders": "no", "leaning_back": "no",
           "overstriding": "no", "cadence": {"steps_per_minute": 172}, "trunk_lean_degrees": 6})
}

/// One generator rule: a change to the example, a ladder, and what the item on it should be
/// (`None`: no item on that ladder).
struct Case {
    name: &'static str,
    changes: Vec<(&'static str, Json)>,
    ladder: &'static str,
    expected: Option<(u8, Option<Side>, ItemPriority)>,
}

#[test]
fn generator_rules_case_by_case() {
    use ItemPriority::*;
    let symmetric_core = json!({
        "mcgill_flexor": 90, "mcgill_extensor": 100, "mcgill_side_bridge": {"left": 50, "right": 50},
        "double_leg_lowering": 40, "straight_leg_lowers": 12, "pallof_hold": {"left": 35, "right": 35}
    });
    let cases = vec![
        Case {
            name: "marked bridge asymmetry: priority, level 2, extra set left",
            changes: vec![],
            ladder: "single_leg_bridge_hold",
            expected: Some((2, Some(Side::Left), Priority)),
        },
        Case {
            name: "moderate side-bridge asymmetry (87%): side plank at its named level, extra set left",
            changes: vec![],
            ladder: "side_plank",
            expected: Some((2, Some(Side::Left), NeedsAttention)),
        },
        Case {
            name: "Pallof hold 25 vs 35 s (71%): priority, one below the core level",
            changes: vec![],
            ladder: "pallof_press",
            expected: Some((2, Some(Side::Left), Priority)),
        },
        Case {
            name: "Pallof hold short but even: needs attention, core level, no extra set",
            changes: vec![("/core/pallof_hold", json!({"left": 25, "right": 26}))],
            ladder: "pallof_press",
            expected: Some((3, None, NeedsAttention)),
        },
        Case {
            name: "right side weaker → extra set right",
            changes: vec![("/core/pallof_hold", json!({"left": 35, "right": 25}))],
            ladder: "pallof_press",
            expected: Some((2, Some(Side::Right), Priority)),
        },
        Case {
            name: "couch stretch impossible without pain → level 1",
            changes: vec![(
                "/hip_mobility/couch_stretch",
                json!({"left": "unable", "right": "upright"}),
            )],
            ladder: "couch_stretch",
            expected: Some((1, Some(Side::Left), Priority)),
        },
        Case {
            name: "hip circle pinches → one rung easier",
            changes: vec![],
            ladder: "hip_cars",
            expected: Some((2, None, NeedsAttention)),
        },
        Case {
            name: "all core fine (and no leaning back) → Pallof press kept as maintenance",
            changes: vec![
                ("/core", symmetric_core.clone()),
                ("/posture_form", fine_form()),
            ],
            ladder: "pallof_press",
            expected: Some((3, None, Maintenance)),
        },
        Case {
            name: "all core fine → no side plank",
            changes: vec![("/core", symmetric_core)],
            ladder: "side_plank",
            expected: None,
        },
        Case {
            name: "core not tested → Pallof press as a starting point",
            changes: vec![("/core", Json::Null)],
            ladder: "pallof_press",
            expected: Some((3, None, StartingPoint)),
        },
        Case {
            name: "forward head seen → thoracic extension",
            changes: vec![],
            ladder: "thoracic_extension",
            expected: Some((1, None, NeedsAttention)),
        },
        Case {
            name: "no posture findings → no thoracic extension",
            changes: vec![("/posture_form", fine_form())],
            ladder: "thoracic_extension",
            expected: None,
        },
        Case {
            name: "not postpartum → no breathing",
            changes: vec![("/postpartum", Json::Null)],
            ladder: "breathing_90_90",
            expected: None,
        },
        Case {
            name: "postpartum → breathing ahead of needs-attention work",
            changes: vec![],
            ladder: "breathing_90_90",
            expected: Some((1, None, PelvicFloor)),
        },
        Case {
            name: "after giving birth, double-leg lowers step down to straight leg lowers",
            changes: vec![("/core/double_leg_lowering", json!(85))],
            ladder: "straight_leg_lowers",
            expected: Some((3, None, NeedsAttention)),
        },
        Case {
            name: "pain 8/10 now → one more rung easier (the glute bridge: both legs, no extra set)",
            changes: vec![("/baseline/pain_now", json!(8))],
            ladder: "single_leg_bridge_hold",
            expected: Some((1, None, Priority)),
        },
    ];
    for case in cases {
        let p = generate(&example_with(&case.changes), &roomy()).unwrap();
        let found = ladder_item(&p, case.ladder)
            .map(|i| (i.level().unwrap().get(), i.extra_set_side, i.priority));
        assert_eq!(found, case.expected, "{}", case.name);
    }
}

/// The example with only the red-flag screen answered: every test skipped.
fn every_test_skipped() -> Json {
    let mut input = example_json();
    for step in [
        "postpartum",
        "baseline",
        "posture_form",
        "hip_mobility",
        "hip_stability",
        "core",
    ] {
        input[step] = Json::Null;
    }
    input
}

#[test]
fn every_test_skipped_gives_the_six_core_exercises_as_a_starting_point() {
    let p = generate(&scored(every_test_skipped()), &request()).unwrap();
    let ladders: Vec<&str> = p
        .items
        .iter()
        .map(|i| i.exercise_id().unwrap().exercise().ladder.as_str())
        .collect();
    assert_eq!(
        ladders,
        [
            "couch_stretch",
            "hip_cars",
            "single_leg_bridge_hold",
            "band_hip_abduction",
            "straight_leg_lowers",
            "pallof_press",
        ],
        "nothing left out by the daily cap either: {:?}",
        p.left_out
    );
    for i in &p.items {
        assert_eq!(i.priority, ItemPriority::StartingPoint, "{}", i.name);
        assert_eq!(i.level().map(Level::get), Some(3), "{}", i.name);
        let ex = i.exercise_id().unwrap().exercise();
        assert!(
            i.reason.starts_with("A starting point, not personalised:")
                && i.reason.contains("was not tested")
                && i.reason.contains(ex.purpose)
                && i.reason.contains("Test later to personalise it."),
            "{}",
            i.reason
        );
        if ex.dosage.days_per_week() < 5 {
            assert_eq!(
                i.dosage.days_per_week(),
                2,
                "strength starts at 2 days a week"
            );
        }
    }
    assert!(
        p.notes.iter().any(|n| n.starts_with(
            "Hip mobility was not tested, so its exercises here are a \
                                     general starting point"
        )),
        "{:?}",
        p.notes
    );
    assert!(
        p.notes.iter().any(|n| n
            .starts_with("Posture and running form was not tested, so nothing in this programme")),
        "{:?}",
        p.notes
    );
}

#[test]
fn a_red_flag_still_stops_a_programme_with_every_test_skipped() {
    let mut input = every_test_skipped();
    input["red_flags"]["saddle_numbness"] = json!(true);
    assert!(matches!(
        generate(&scored(input), &request()),
        Err(ProgrammeError::Blocked { .. })
    ));
}

#[test]
fn a_tested_area_that_was_fine_gets_no_starting_point() {
    let mut input = every_test_skipped();
    input["hip_mobility"] = json!({
        "thomas_thigh_angle": {"left": -5, "right": -5},
        "thomas_knee_angle": {"left": 75, "right": 75},
        "prone_hip_extension": {"left": 15, "right": 15},
        "hip_cars": {"left": "smooth", "right": "smooth"},
        "couch_stretch": {"left": "upright", "right": "upright"}
    });
    let p = generate(&scored(input), &roomy()).unwrap();
    let hip_mobility: Vec<&ProgrammeItem> = p
        .items
        .iter()
        .filter(|i| i.exercise_id().unwrap().exercise().area == library::ExerciseArea::HipMobility)
        .collect();
    assert_eq!(hip_mobility.len(), 1, "no hip CARs padding");
    assert_eq!(hip_mobility[0].priority, ItemPriority::Maintenance);
    assert!(ladder_item(&p, "hip_cars").is_none());
    assert!(
        !p.notes.iter().any(|n| n.starts_with("Hip mobility")),
        "{:?}",
        p.notes
    );
    // The untested areas still get their starting point.
    assert_eq!(
        p.items
            .iter()
            .filter(|i| i.priority == ItemPriority::StartingPoint)
            .count(),
        4
    );
}

#[test]
fn a_bilateral_rung_keeps_the_weaker_side_in_words_only() {
    // Pain 8/10 drops the bridge to the glute bridge, which works both legs at once.
    let p = generate(&example_with(&[("/baseline/pain_now", json!(8))]), &roomy()).unwrap();
    let bridge = ladder_item(&p, "single_leg_bridge_hold").unwrap();
    assert_eq!(bridge.key, "glute_bridge");
    assert_eq!(bridge.extra_set_side, None);
    assert!(
        bridge
            .reason
            .contains("the left side gets its extra set once")
    );
    assert!(p.notes.iter().any(|n| n.contains("one level easier")));
}

#[test]
fn a_pelvic_floor_symptom_is_quoted_in_the_breathing_reason() {
    let result = example_with(&[("/postpartum/symptom_leaking_or_urgency", json!(true))]);
    let p = generate(&result, &roomy()).unwrap();
    let breathing = &p.items[0];
    assert_eq!(breathing.key, "breathing_90_90");
    assert_eq!(breathing.priority, ItemPriority::PelvicFloor);
    assert!(
        breathing.reason.contains("leaking or urgency"),
        "{}",
        breathing.reason
    );
    assert!(
        breathing.cautions.len() == 2,
        "pain and postpartum cautions"
    );
    assert!(p.notes.iter().any(|n| n.starts_with("Running: ")));
}

#[test]
fn items_come_in_priority_order_core_six_first() {
    let p = generate(&example_with(&[]), &roomy()).unwrap();
    let keys: Vec<(ItemPriority, bool)> = p
        .items
        .iter()
        .map(|i| {
            (
                i.priority,
                !i.exercise_id().unwrap().exercise().ladder_is_core_six(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(
        p.items[0].key, "breathing_90_90",
        "the pelvic floor comes first"
    );
    assert_eq!(p.items[1].priority, ItemPriority::Priority);
}

impl library::Exercise {
    fn ladder_is_core_six(&self) -> bool {
        library::ladder_of(self).spec.core_six
    }
}

#[test]
fn a_blocked_assessment_gets_no_programme() {
    let result = example_with(&[("/red_flags/saddle_numbness", json!(true))]);
    assert!(!result.programme_allowed);
    match generate(&result, &request()) {
        Err(ProgrammeError::Blocked { reasons }) => {
            assert_eq!(reasons, result.programme_blocked_because);
            assert!(!reasons.is_empty());
        }
        other => panic!("expected Blocked, got {other:?}"),
    }
    let message = generate(&result, &request()).unwrap_err().to_string();
    assert!(message.starts_with("No programme yet: "), "{message}");
}

#[test]
fn the_calendar_has_the_asked_length_and_respects_strength_spacing() {
    for days in [7, 10, 14, 28] {
        let mut r = roomy();
        r.settings.days = CalendarLength::try_from(days).unwrap();
        let p = generate(&example_with(&[]), &r).unwrap();
        assert_eq!(p.calendar.len(), days as usize);
        for (i, day) in p.calendar.iter().enumerate() {
            assert_eq!(day.date, monday().checked_add((i as i64).days()).unwrap());
            assert_eq!(
                day.is_run_day,
                p.running_allowed() && r.settings.run_days.contains(&day.weekday),
                "{}",
                day.date
            );
        }
        for item in &p.items {
            let on: Vec<usize> = p
                .calendar
                .iter()
                .enumerate()
                .filter(|(_, d)| d.exercises.contains(&item.key))
                .map(|(i, _)| i)
                .collect();
            assert!(!on.is_empty(), "{} never scheduled", item.key);
            if item.frequency.pattern == DayPattern::NonConsecutive {
                assert!(
                    on.windows(2).all(|w| w[1] - w[0] > 1),
                    "{} on consecutive days: {on:?}",
                    item.key
                );
            }
            if days == 14 {
                assert_eq!(
                    on.len(),
                    2 * usize::from(item.frequency.days_per_week),
                    "{} days in two weeks",
                    item.key
                );
            }
        }
    }
}

#[test]
fn running_held_back_leaves_no_run_days_on_the_calendar() {
    // The example's runner gave birth and has not passed every readiness test yet.
    let blocked = example_with(&[]);
    assert!(!blocked.running_allowed);
    let p = generate(&blocked, &roomy()).unwrap();
    assert!(!p.running_allowed());
    assert_eq!(p.running_blocked_because, blocked.running_blocked_because);
    assert!(p.calendar.iter().all(|d| !d.is_run_day), "no run days");
    assert!(
        p.calendar.iter().all(|d| d.note.is_none()),
        "no after-run notes"
    );
    assert!(p.notes.iter().any(|n| n.starts_with("Running: ")));
    // A clinician's edit plans the calendar again, still without runs.
    let key = p.items[0].key.clone();
    let edited = apply(&p, ProgrammeEdit::Remove { item: key }).unwrap();
    assert!(edited.calendar.iter().all(|d| !d.is_run_day));
    // Cleared for running, the usual run days are back.
    let cleared = generate(&example_with(&[("/postpartum", Json::Null)]), &roomy()).unwrap();
    assert!(cleared.running_allowed());
    assert_eq!(cleared.calendar.iter().filter(|d| d.is_run_day).count(), 6);
    // A programme stored before it kept the reasons is held back the same way.
    let mut old = cleared.clone();
    old.block_running(&blocked.running_blocked_because);
    assert!(!old.running_allowed() && old.calendar.iter().all(|d| !d.is_run_day));
}

#[test]
fn strength_prefers_non_run_days_when_there_is_room() {
    // One strength item and three run days: it lands on the three non-run, non-adjacent days.
    let result = example_with(&[
        ("/postpartum", Json::Null),
        ("/posture_form", Json::Null),
        ("/hip_mobility", Json::Null),
        ("/core", Json::Null),
        (
            "/hip_stability",
            json!({"single_leg_bridge_hold": {"left": 18, "right": 31}}),
        ),
    ]);
    let mut r = request().run_days([DayOfWeek::Tuesday, DayOfWeek::Thursday, DayOfWeek::Saturday]);
    r.settings.days = CalendarLength::try_from(7).unwrap();
    let p = generate(&result, &r).unwrap();
    // The untested areas' starting points aside, one item from a finding.
    let found: Vec<&ProgrammeItem> = p
        .items
        .iter()
        .filter(|i| i.priority != ItemPriority::StartingPoint)
        .collect();
    assert_eq!(found.len(), 1);
    let days: Vec<DayOfWeek> = p
        .calendar
        .iter()
        .filter(|d| d.exercises.contains(&found[0].key))
        .map(|d| d.weekday)
        .collect();
    assert_eq!(
        days,
        [DayOfWeek::Monday, DayOfWeek::Wednesday, DayOfWeek::Friday]
    );
    assert!(
        p.calendar
            .iter()
            .filter(|d| d.exercises.contains(&found[0].key))
            .all(|d| d.note.is_none())
    );
}

#[test]
fn the_cap_leaves_out_the_lowest_priority_and_says_so() {
    let p = generate(&example_with(&[]), &request()).unwrap();
    let cap = request().settings.minutes_cap.get();
    assert!(
        !p.left_out.is_empty(),
        "the example does not fit in 20 minutes"
    );
    for day in &p.calendar {
        assert!(
            day.seconds <= u32::from(cap) * 60,
            "{} is {} s",
            day.date,
            day.seconds
        );
        assert!(!day.over_cap);
    }
    for out in &p.left_out {
        assert!(
            out.reason
                .starts_with("Left out to keep each day within 20 minutes"),
            "{}",
            out.reason
        );
        assert!(item(&p, out.exercise_id.as_str()).is_none());
    }
    assert!(p.notes.iter().any(|n| n.contains("left out")));
    // Each exercise left out really does not fit: adding it back puts some day over the cap.
    let roomy = generate(&example_with(&[]), &roomy()).unwrap();
    assert_eq!(p.items.len() + p.left_out.len(), roomy.items.len());
    for out in &p.left_out {
        // In its ranked place, as the generator tried it.
        let kept_or_this =
            |i: &&ProgrammeItem| i.key == out.exercise_id.as_str() || item(&p, &i.key).is_some();
        let with: Vec<ProgrammeItem> = roomy.items.iter().filter(kept_or_this).cloned().collect();
        let days = calendar::schedule(&p.settings, p.running_allowed(), &with);
        assert!(
            days.iter().any(|d| d.over_cap),
            "{} would fit",
            out.exercise_id
        );
    }
    // A tight cap leaves out more.
    let mut tight = request();
    tight.settings.minutes_cap = MinutesCap::try_from(5).unwrap();
    let small = generate(&example_with(&[]), &tight).unwrap();
    assert!(small.left_out.len() > p.left_out.len());
    assert!(small.calendar.iter().all(|d| d.minutes <= 5));
}

#[test]
fn form_cues_and_cadence_follow_the_findings() {
    let p = generate(&example_with(&[]), &roomy()).unwrap();
    let ids: Vec<&str> = p.form_cues.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["head_up", "lean_from_ankles", "quick_short_steps"]);
    let lean = &p.form_cues[1];
    assert!(
        lean.reason.contains("Upper body leaning back was seen."),
        "{}",
        lean.reason
    );
    assert!(lean.reason.contains("(-2°)"), "{}", lean.reason);
    let target = p.cadence_target.as_ref().expect("158 is low");
    assert_eq!(
        (target.current, target.first_step, target.later),
        (158.0, 166.0, 174.0)
    );
    assert_eq!(target.source, form::CADENCE_SOURCE);

    // A watch cadence above the cut-off replaces the assessment's: no target, no step cue.
    let mut watch = roomy();
    watch.measured_cadence = Some(MeasuredCadence::try_from(172.0).unwrap());
    let p = generate(&example_with(&[]), &watch).unwrap();
    assert!(p.cadence_target.is_none());
    assert!(!p.form_cues.iter().any(|c| c.id == "quick_short_steps"));

    // A low watch cadence gives a target even when the assessment had none.
    watch.measured_cadence = Some(MeasuredCadence::try_from(150.0).unwrap());
    let p = generate(
        &example_with(&[("/posture_form/cadence", json!({"steps_per_minute": 170}))]),
        &watch,
    )
    .unwrap();
    let target = p.cadence_target.unwrap();
    assert_eq!((target.first_step, target.later), (158.0, 165.0));
    assert!(target.reason.contains("from your watch"));

    let fine = example_with(&[("/posture_form", fine_form())]);
    let p = generate(&fine, &roomy()).unwrap();
    assert!(p.form_cues.is_empty() && p.cadence_target.is_none());
}

#[test]
fn bad_requests_get_a_clear_message() {
    let cases: [(Result<(), ProgrammeError>, &str); 8] = [
        (
            CalendarLength::try_from(0).map(|_| ()),
            "A programme calendar runs from 7 to 28 days (usually 7 or 14); 0 days is outside that.",
        ),
        (
            CalendarLength::try_from(400).map(|_| ()),
            "A programme calendar runs from 7 to 28 days (usually 7 or 14); 400 days is outside that.",
        ),
        (
            MinutesCap::try_from(0).map(|_| ()),
            "The daily time limit must be from 5 to 120 minutes; 0 is outside that.",
        ),
        (
            MeasuredCadence::try_from(-1.0).map(|_| ()),
            "Cadence must be from 100 to 250 steps per minute; -1 is outside that.",
        ),
        (
            raw_request(monday(), Some(400))
                .validate(monday())
                .map(|_| ()),
            "A programme calendar runs from 7 to 28 days (usually 7 or 14); 400 days is outside that.",
        ),
        (
            raw_request(Date::new(1, 1, 1).unwrap(), None)
                .validate(monday())
                .map(|_| ()),
            "Choose a date within a year of today: from 1 Mar 2025 to 3 Mar 2027.",
        ),
        (
            raw_request(Date::new(9999, 12, 31).unwrap(), None)
                .validate(monday())
                .map(|_| ()),
            "Choose a date within a year of today: from 1 Mar 2025 to 3 Mar 2027.",
        ),
        (
            {
                let mut r = request();
                r.settings.start_date = Date::new(9999, 12, 20).unwrap();
                generate(&example_with(&[]), &r).map(|_| ())
            },
            "The start date is too far in the future to plan a calendar from.",
        ),
    ];
    for (result, message) in cases {
        assert_eq!(result.unwrap_err().to_string(), message);
    }
    let raw: RawProgrammeRequest = serde_json::from_value(json!({
        "start_date": "2026-03-02", "days": 7, "run_days": ["monday", "friday"], "minutes_cap": 25
    }))
    .unwrap();
    let r = raw.validate(monday()).unwrap();
    assert_eq!(r.settings.days.get(), 7);
    assert_eq!(r.settings.minutes_cap.get(), 25);
    assert_eq!(r.settings.run_days.len(), 2);
}

fn raw_request(start_date: Date, days: Option<i64>) -> RawProgrammeRequest {
    RawProgrammeRequest {
        start_date,
        days,
        run_days: vec![],
        minutes_cap: None,
        measured_cadence: None,
    }
}

fn raw_dosage(sets: i64, amount: i64) -> RawDosage {
    RawDosage {
        kind: DosageKind::Reps,
        sets,
        reps_or_seconds: amount,
        rest_seconds: 30,
        days_per_week: 3,
    }
}

#[test]
fn clinician_edits_are_checked_and_applied() {
    let p = generate(&example_with(&[]), &roomy()).unwrap();
    let bridge = ladder_item(&p, "single_leg_bridge_hold")
        .unwrap()
        .key
        .clone();

    let up = apply(
        &p,
        ProgrammeEdit::ChangeLevel {
            item: bridge.clone(),
            level: 3,
        },
    )
    .unwrap();
    let moved = item(&up, "single_leg_bridge_hold").expect("level 3 is the hold");
    assert_eq!(
        moved.extra_set_side,
        Some(Side::Left),
        "the weaker side stays"
    );
    assert!(moved.changed_by_clinician);
    assert!(up.calendar.iter().any(|d| d.exercises.contains(&moved.key)));
    assert!(up.calendar.iter().all(|d| !d.exercises.contains(&bridge)));

    let swapped = apply(
        &up,
        ProgrammeEdit::SwapExercise {
            item: "single_leg_bridge_hold".into(),
            to: "single_leg_bridge".into(),
        },
    )
    .unwrap();
    assert!(item(&swapped, "single_leg_bridge").is_some());

    let dosed = apply(
        &p,
        ProgrammeEdit::ChangeDosage {
            item: bridge.clone(),
            dosage: raw_dosage(2, 15),
        },
    )
    .unwrap();
    assert_eq!(item(&dosed, &bridge).unwrap().dosage.sets(), 2);

    let two_days = apply(
        &p,
        ProgrammeEdit::ChangeDays {
            item: bridge.clone(),
            days_per_week: 2,
        },
    )
    .unwrap();
    let count = two_days
        .calendar
        .iter()
        .filter(|d| d.exercises.contains(&bridge))
        .count();
    assert_eq!(count, 4, "2 days a week over 14 days");

    let custom = apply(
        &p,
        ProgrammeEdit::AddCustom {
            title: " Skipping ".into(),
            text: "Easy skipping on the spot.".into(),
            dosage: raw_dosage(2, 30),
        },
    )
    .unwrap();
    let added = item(&custom, "custom_1").unwrap();
    assert_eq!(added.name, "Skipping");
    assert_eq!(added.priority, ItemPriority::Clinician);
    let again = apply(
        &custom,
        ProgrammeEdit::AddCustom {
            title: "Hops".into(),
            text: String::new(),
            dosage: raw_dosage(1, 10),
        },
    )
    .unwrap();
    assert!(item(&again, "custom_2").is_some());

    let removed = apply(
        &p,
        ProgrammeEdit::Remove {
            item: bridge.clone(),
        },
    )
    .unwrap();
    assert!(item(&removed, &bridge).is_none());
    assert!(
        removed
            .calendar
            .iter()
            .all(|d| !d.exercises.contains(&bridge))
    );
}

#[test]
fn bad_edits_get_a_clear_message() {
    let p = generate(&example_with(&[]), &roomy()).unwrap();
    let bridge = ladder_item(&p, "single_leg_bridge_hold")
        .unwrap()
        .key
        .clone();
    let side_plank = ladder_item(&p, "side_plank").unwrap().key.clone();
    let custom = apply(
        &p,
        ProgrammeEdit::AddCustom {
            title: "Skipping".into(),
            text: String::new(),
            dosage: raw_dosage(2, 30),
        },
    )
    .unwrap();
    let cases: Vec<(&Programme, ProgrammeEdit, &str)> = vec![
        (
            &p,
            ProgrammeEdit::SwapExercise {
                item: bridge.clone(),
                to: "burpees".into(),
            },
            "Unknown exercise “burpees”: pick an exercise from the library.",
        ),
        (
            &p,
            ProgrammeEdit::ChangeLevel {
                item: bridge.clone(),
                level: 6,
            },
            "Level 6 is outside the ladder: levels run from 1 (easiest) to 5.",
        ),
        (
            &p,
            ProgrammeEdit::ChangeLevel {
                item: side_plank,
                level: 4,
            },
            "Level 4 is outside the side plank ladder, which runs from level 1 to level 3.",
        ),
        (
            &p,
            ProgrammeEdit::ChangeDosage {
                item: bridge.clone(),
                dosage: raw_dosage(0, 10),
            },
            "Sets must be at least 1, not 0.",
        ),
        (
            &p,
            ProgrammeEdit::ChangeDosage {
                item: bridge.clone(),
                dosage: raw_dosage(3, -1),
            },
            "Reps can't be negative (-1).",
        ),
        (
            &p,
            ProgrammeEdit::ChangeDays {
                item: bridge.clone(),
                days_per_week: 0,
            },
            "Days a week must be from 1 to 7, not 0.",
        ),
        (
            &p,
            ProgrammeEdit::Remove {
                item: "nope".into(),
            },
            "There is no “nope” in this programme.",
        ),
        (
            &p,
            ProgrammeEdit::SwapExercise {
                item: bridge.clone(),
                to: "couch_stretch_supported".into(),
            },
            "Supported couch stretch is already in the programme; change that one instead.",
        ),
        (
            &custom,
            ProgrammeEdit::ChangeLevel {
                item: "custom_1".into(),
                level: 2,
            },
            "“custom_1” is a clinician's own exercise and has no ladder; change its dosage instead.",
        ),
        (
            &p,
            ProgrammeEdit::AddCustom {
                title: "  ".into(),
                text: String::new(),
                dosage: raw_dosage(1, 10),
            },
            "Give the exercise a title.",
        ),
    ];
    for (programme, edit, message) in cases {
        assert_eq!(apply(programme, edit).unwrap_err().to_string(), message);
    }
}

#[test]
fn a_programme_and_its_edits_round_trip_through_json() {
    let p = generate(&example_with(&[]), &request()).unwrap();
    let json = serde_json::to_string(&p).unwrap();
    let back: Programme = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    let edit: ProgrammeEdit = serde_json::from_value(json!({
        "edit": "change_level", "item": "couch_stretch_supported", "level": 3
    }))
    .unwrap();
    assert!(matches!(edit, ProgrammeEdit::ChangeLevel { level: 3, .. }));
}

/// The example with some numbers and answers varied.
fn varied_example() -> impl Strategy<Value = (Json, ProgrammeRequest)> {
    (
        (0u32..60, 0u32..60, 0u32..90, 0u32..90, 140u32..190),
        (
            any::<bool>(),
            any::<bool>(),
            0u8..128,
            5i64..40,
            7i64..=28,
            0i64..700,
        ),
    )
        .prop_map(
            |((bl, br, sl, sr, cadence), (postpartum, head, runs, cap, days, offset))| {
                let mut input = example_json();
                input["hip_stability"]["single_leg_bridge_hold"] = json!({"left": bl, "right": br});
                input["core"]["mcgill_side_bridge"] = json!({"left": sl, "right": sr});
                input["posture_form"]["cadence"] = json!({"steps_per_minute": cadence});
                input["posture_form"]["forward_head"] = json!(if head { "yes" } else { "no" });
                if !postpartum {
                    input["postpartum"] = Json::Null;
                }
                let mut r = ProgrammeRequest::new(monday().checked_add(offset.days()).unwrap())
                    .run_days(
                        DayOfWeek::ALL
                            .into_iter()
                            .enumerate()
                            .filter(|(i, _)| runs & (1 << i) != 0)
                            .map(|(_, d)| d),
                    );
                r.settings.minutes_cap = MinutesCap::try_from(cap).unwrap();
                r.settings.days = CalendarLength::try_from(days).unwrap();
                (input, r)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_same_input_gives_the_same_programme_in_any_finding_order(
        (input, request) in varied_example(),
        shuffle in prop::collection::vec(any::<u32>(), 80),
    ) {
        let result = scored(input);
        let first = generate(&result, &request).unwrap();
        prop_assert_eq!(&first, &generate(&result, &request).unwrap());

        let mut shuffled = result.clone();
        shuffled.areas.reverse();
        for area in &mut shuffled.areas {
            let mut keyed: Vec<(u32, Finding)> = area
                .findings
                .drain(..)
                .enumerate()
                .map(|(i, f)| (shuffle[i % shuffle.len()], f))
                .collect();
            keyed.sort_by_key(|(k, _)| *k);
            area.findings = keyed.into_iter().map(|(_, f)| f).collect();
        }
        prop_assert_eq!(&first, &generate(&shuffled, &request).unwrap());

        // Invariants that hold whatever the input.
        let cap = u32::from(request.settings.minutes_cap.get()) * 60;
        prop_assert!(first.calendar.iter().all(|d| d.seconds <= cap));
        prop_assert_eq!(first.calendar.len(), usize::from(request.settings.days.get()));
        for i in &first.items {
            prop_assert!(i.priority != ItemPriority::Clinician);
            let ex = i.exercise_id().unwrap().exercise();
            prop_assert_eq!(Some(ex.level), i.level());
            if i.extra_set_side.is_some() {
                prop_assert_eq!(ex.sidedness, library::Sidedness::PerSide);
            }
        }
        prop_assert_eq!(first.running_allowed(), result.running_allowed);
        prop_assert!(first.running_allowed() || first.calendar.iter().all(|d| !d.is_run_day));
        let severe = result.findings().any(|f| f.severity > Severity::Fine);
        prop_assert!(severe || first.items.iter().all(|i| i.priority >= ItemPriority::PelvicFloor));
    }
}

#[test]
fn the_why_describes_the_level_planned_after_a_move_up_or_down() {
    let p = generate(&example_with(&[]), &request()).unwrap();
    let movable = p
        .items
        .iter()
        .find(|i| {
            i.exercise_id()
                .and_then(|e| library::harder(e.exercise()))
                .is_some()
        })
        .expect("an item that can move up");
    let from = movable.level().unwrap().get();
    let before = movable.why();
    assert!(before.contains(&format!("Level {from} of ")), "{before}");
    let harder = library::harder(movable.exercise_id().unwrap().exercise()).unwrap();
    let up = apply(
        &p,
        ProgrammeEdit::SwapExercise {
            item: movable.key.clone(),
            to: harder.id.to_string(),
        },
    )
    .unwrap();
    let moved = up
        .items
        .iter()
        .find(|i| i.key == harder.id.as_str())
        .unwrap();
    let why = moved.why();
    let to = harder.level.get();
    assert!(why.contains(&format!("Level {to} of ")), "{why}");
    assert!(!why.contains(&format!("Level {from} of ")), "{why}");
    assert!(
        why.contains(&format!("moved up from level {from}")),
        "{why}"
    );
    assert!(
        !why.contains("Swapped by"),
        "a move on the ladder is not a swap: {why}"
    );
    // Why it is there at all stays.
    assert!(why.starts_with(&movable.reason), "{why}");
}

#[test]
fn a_reason_stored_before_the_level_was_kept_apart_loses_its_old_level_when_moved() {
    let p = generate(&example_with(&[]), &request()).unwrap();
    let mut old = p.clone();
    let i = old
        .items
        .iter()
        .position(|i| {
            i.exercise_id()
                .and_then(|e| library::harder(e.exercise()))
                .is_some()
        })
        .unwrap();
    // As stored before: the level inside the reason, no level reason.
    let why = old.items[i].why();
    old.items[i].reason = why;
    old.items[i].level_reason = None;
    let from = old.items[i].level().unwrap().get();
    assert_eq!(old.items[i].why(), old.items[i].reason, "shown as stored");
    let stored: Programme = serde_json::from_str(&serde_json::to_string(&old).unwrap()).unwrap();
    assert_eq!(stored.items[i].level_reason, None);
    let harder = library::harder(old.items[i].exercise_id().unwrap().exercise()).unwrap();
    let up = apply(
        &stored,
        ProgrammeEdit::SwapExercise {
            item: old.items[i].key.clone(),
            to: harder.id.to_string(),
        },
    )
    .unwrap();
    let why = up.items[i].why();
    assert!(!why.contains(&format!("Level {from} of ")), "{why}");
    assert!(
        why.contains(&format!("Level {} of ", harder.level.get())),
        "{why}"
    );
}
