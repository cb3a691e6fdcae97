//! Tracking rules end to end: every boundary of the pain-monitoring rules (table-driven),
//! missed and back-filled days, running volume, log validation, and order independence.

use super::*;
use crate::assessment::values::PainScore;
use crate::assessment::{Assessment, AssessmentResult, PerSide, Thresholds, assess};
use crate::library;
use crate::programme::{CalendarDay, DayOfWeek, Programme, ProgrammeRequest, generate};
use jiff::ToSpan;
use jiff::civil::{Date, date};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

const EXAMPLE: &str = include_str!("../../examples/assessment.json");

/// The programme starts on this Monday (2 March 2026).
const START: Date = date(2026, 3, 2);
/// Day 0 of the reviewed week: Monday 9 March; the weekly review is on day 6, Sunday 15 March.
const WEEK: Date = date(2026, 3, 9);
const BASELINE: u8 = 2;

fn on(offset: i64) -> Date {
    WEEK.checked_add(offset.days()).unwrap()
}

fn sunday() -> Date {
    on(6)
}

fn p(n: u8) -> PainScore {
    PainScore::try_from(f64::from(n)).unwrap()
}

pub(crate) fn example_result(changes: &[(&str, Json)]) -> AssessmentResult {
    let mut input: Json = serde_json::from_str(EXAMPLE).unwrap();
    for (path, value) in changes {
        *input.pointer_mut(path).unwrap_or_else(|| panic!("{path}")) = value.clone();
    }
    let raw: Assessment = serde_json::from_value(input).unwrap();
    assess(&raw, &Thresholds::default()).unwrap()
}

/// The example's programme cut to one item with rungs above and below it, on a 7-day calendar
/// that repeats: the exercise Monday to Friday, runs on Tuesday, Thursday and Saturday.
fn programme() -> Programme {
    static PROGRAMME: std::sync::OnceLock<Programme> = std::sync::OnceLock::new();
    PROGRAMME.get_or_init(one_item_programme).clone()
}

fn one_item_programme() -> Programme {
    let mut p = generate(&example_result(&[]), &ProgrammeRequest::new(START)).unwrap();
    let item = p
        .items
        .iter()
        .find(|i| {
            i.exercise_id().is_some_and(|id| {
                library::harder(id.exercise()).is_some() && library::easier(id.exercise()).is_some()
            })
        })
        .expect("the example has an exercise in the middle of a ladder")
        .clone();
    p.calendar = (0..7)
        .map(|i| {
            let d = START.checked_add(i.days()).unwrap();
            CalendarDay {
                date: d,
                weekday: DayOfWeek::from(d.weekday()),
                is_run_day: [1, 3, 5].contains(&i),
                exercises: if i < 5 {
                    vec![item.key.clone()]
                } else {
                    vec![]
                },
                minutes: 5,
                seconds: 300,
                over_cap: false,
                note: None,
            }
        })
        .collect();
    p.items = vec![item];
    // Cleared for running (the example's own runner is not yet): running is judged too.
    p.running_blocked_because.clear();
    p
}

fn key() -> String {
    programme().items[0].key.clone()
}

fn session(offset: i64, pain: u8) -> SessionLog {
    SessionLog {
        date: on(offset),
        item_key: key(),
        sets_done: SetsDone::Both(3),
        pain_during: p(pain),
        effort: Some(Rating::try_from(5.0).unwrap()),
        note: None,
        red_flags: vec![],
    }
}

fn morning(offset: i64, pain: u8) -> MorningCheckIn {
    MorningCheckIn {
        date: on(offset),
        morning_pain: p(pain),
        stiffness: Rating::try_from(3.0).unwrap(),
        settled_after_yesterday: None,
        red_flags: vec![],
    }
}

fn run(offset: i64, km: f64, during: u8, after: u8) -> RunLog {
    RunLog {
        date: on(offset),
        distance_m: km * 1000.0,
        duration_s: km * 360.0,
        pain_before: p(1),
        pain_during: p(during),
        pain_after: p(after),
        note: None,
        red_flags: vec![],
    }
}

/// A good week: sessions Monday to Friday at pain 1, runs of 5 km on the run days at pain 1,
/// every morning at the usual 2/10.
fn good_week() -> TrackingLogs {
    TrackingLogs {
        sessions: (0..5).map(|d| session(d, 1)).collect(),
        runs: [1, 3, 5].iter().map(|d| run(*d, 5.0, 1, 1)).collect(),
        mornings: (0..7).map(|d| morning(d, BASELINE)).collect(),
    }
}

fn review(logs: &TrackingLogs, kind: ReviewKind) -> Review {
    decide(
        &programme(),
        logs,
        p(BASELINE).into(),
        sunday(),
        kind,
        &ProgressionThresholds::default(),
    )
}

/// A change to the good week, what the exercise decision should be, and words its reason has.
struct Case {
    name: &'static str,
    change: fn(&mut TrackingLogs),
    expected: ProgressionAction,
    says: &'static str,
}

fn set_session(logs: &mut TrackingLogs, offset: i64, pain: u8) {
    logs.sessions.retain(|s| s.date != on(offset));
    logs.sessions.push(session(offset, pain));
}

fn set_morning(logs: &mut TrackingLogs, offset: i64, pain: u8) {
    logs.mornings.retain(|m| m.date != on(offset));
    logs.mornings.push(morning(offset, pain));
}

fn miss(logs: &mut TrackingLogs, offsets: &[i64]) {
    logs.sessions
        .retain(|s| !offsets.iter().any(|o| s.date == on(*o)));
}

#[test]
fn exercise_decisions_at_every_boundary() {
    use ProgressionAction::*;
    let cases = [
        Case {
            name: "all sessions at pain 2 (the safe maximum)",
            change: |l| (0..5).for_each(|d| set_session(l, d, 2)),
            expected: Progress,
            says: "every session in the last 7 days was at 2/10 or less (highest 2/10), 5 of 5 \
                   planned sessions done (100%), and no morning was worse than your usual 2/10",
        },
        Case {
            name: "pain 3 that settled",
            change: |l| set_session(l, 1, 3),
            expected: Hold,
            says: "pain 3/10 on Tuesday settled by Wednesday morning",
        },
        Case {
            name: "pain 5 that settled",
            change: |l| set_session(l, 2, 5),
            expected: Hold,
            says: "pain 5/10 on Wednesday settled by Thursday morning",
        },
        Case {
            name: "pain 6 during",
            change: |l| set_session(l, 2, 6),
            expected: Regress,
            says: "pain 6/10 on Wednesday is more than the 5/10 that is acceptable",
        },
        Case {
            name: "pain 4 not settled by the next morning",
            change: |l| {
                set_session(l, 2, 4);
                set_morning(l, 3, 3);
            },
            expected: Hold,
            says: "pain 4/10 on Wednesday had not settled by Thursday morning: 3/10, above your \
                   usual 2/10 (from the assessment); a second morning",
        },
        Case {
            name: "pain 4 with no check-in the next morning",
            change: |l| {
                set_session(l, 2, 4);
                l.mornings.retain(|m| m.date != on(3));
            },
            expected: Hold,
            says: "pain 4/10 on Wednesday, and there is no check-in Thursday morning",
        },
        Case {
            name: "pain 4 today, the next morning still to come",
            change: |l| set_session(l, 6, 4),
            expected: Hold,
            says: "pain 4/10 today; check that it has settled by tomorrow morning",
        },
        Case {
            name: "4 of 5 planned sessions (exactly 80%)",
            change: |l| miss(l, &[2]),
            expected: Progress,
            says: "4 of 5 planned sessions done (80%)",
        },
        Case {
            name: "3 of 5 planned sessions (under 80%); missed days are not pain",
            change: |l| miss(l, &[1, 3]),
            expected: Hold,
            says: "3 of 5 planned sessions done (60%) in the last 7 days; moving up needs 80%",
        },
        Case {
            name: "nothing logged at all",
            change: |l| l.sessions.clear(),
            expected: Hold,
            says: "0 of 5 planned sessions done (0%)",
        },
        Case {
            name: "a session on an unplanned day makes up a missed one",
            change: |l| {
                miss(l, &[2]);
                miss(l, &[3]);
                set_session(l, 5, 1);
            },
            expected: Progress,
            says: "4 of 5 planned sessions done (80%)",
        },
        Case {
            name: "a logged session with no sets is not done",
            change: |l| {
                miss(l, &[2, 3]);
                let mut s = session(2, 1);
                s.sets_done = SetsDone::Both(0);
                l.sessions.push(s);
            },
            expected: Hold,
            says: "3 of 5 planned sessions done (60%)",
        },
        Case {
            name: "one morning 1 above the usual",
            change: |l| set_morning(l, 4, 3),
            expected: Hold,
            says: "morning pain was 3/10 on Friday, above your usual 2/10",
        },
        Case {
            name: "two mornings above the usual in 7 days",
            change: |l| {
                set_morning(l, 2, 3);
                set_morning(l, 4, 4);
            },
            expected: Regress,
            says: "morning pain was above your usual 2/10 (from the assessment) on 2 mornings in \
                   the last 7 days: Wednesday (3/10) and Friday (4/10)",
        },
        Case {
            name: "a morning above the usual 7 days back is outside the window",
            change: |l| {
                l.mornings.push(morning(-1, 4));
                set_morning(l, 4, 4);
            },
            expected: Hold,
            says: "morning pain was 4/10 on Friday",
        },
        Case {
            name: "weekly morning pain up by exactly 1 point",
            change: |l| l.mornings.extend((-7..-4).map(|d| morning(d, 1))),
            expected: Regress,
            says: "average morning pain rose from 1/10 the week before to 2/10 this week",
        },
        Case {
            name: "weekly morning pain up by less than 1 point",
            change: |l| {
                l.mornings.extend((-7..-5).map(|d| morning(d, 1)));
                l.mornings.push(morning(-5, 2));
            },
            expected: Progress,
            says: "Moving",
        },
        Case {
            name: "too few check-ins the week before to compare",
            change: |l| l.mornings.extend((-7..-5).map(|d| morning(d, 0))),
            expected: Progress,
            says: "Moving",
        },
        Case {
            name: "a red-flag symptom",
            change: |l| l.mornings[3].red_flags.push(RedFlagSymptom::BladderChange),
            expected: StopSeeClinician,
            says: "you reported a change in bladder control on Thursday. Go to an emergency \
                   department now",
        },
        Case {
            name: "a red flag outweighs everything else",
            change: |l| {
                set_session(l, 2, 8);
                l.sessions[0].red_flags.push(RedFlagSymptom::NightPain);
            },
            expected: StopSeeClinician,
            says: "constant pain at night on Monday. Stop the programme and see a doctor",
        },
    ];
    for case in cases {
        let mut logs = good_week();
        (case.change)(&mut logs);
        let decision = &review(&logs, ReviewKind::Weekly).items[0];
        assert_eq!(
            decision.action, case.expected,
            "{}: {}",
            case.name, decision.reason
        );
        assert!(
            decision.reason.contains(case.says),
            "{}: {}",
            case.name,
            decision.reason
        );
    }
}

#[test]
fn progress_names_both_rungs_and_regress_the_rung_below() {
    let item = &programme().items[0];
    let ex = item.exercise_id().unwrap().exercise();
    let (harder, easier) = (library::harder(ex).unwrap(), library::easier(ex).unwrap());
    let up = &review(&good_week(), ReviewKind::Weekly).items[0];
    assert_eq!(up.action, ProgressionAction::Progress);
    assert_eq!(up.to.as_ref().map(|s| s.exercise_id), Some(harder.id));
    assert!(up.reason.starts_with(&format!(
        "Moving {} up from level {} to level {} ({}): ",
        item.name,
        ex.level.get(),
        harder.level.get(),
        harder.name
    )));
    let mut logs = good_week();
    set_session(&mut logs, 2, 7);
    let down = &review(&logs, ReviewKind::Weekly).items[0];
    assert_eq!(down.to.as_ref().map(|s| s.level), Some(easier.level));
    let mut logs = good_week();
    set_session(&mut logs, 1, 4);
    let hold = &review(&logs, ReviewKind::Weekly).items[0];
    assert_eq!(
        hold.reason,
        format!(
            "Holding {} at level {}: pain 4/10 on Tuesday settled by Wednesday morning.",
            item.name,
            ex.level.get()
        )
    );
}

#[test]
fn after_a_day_the_review_holds_where_the_week_would_progress() {
    let day = review(&good_week(), ReviewKind::AfterDay);
    assert_eq!(day.items[0].action, ProgressionAction::Hold);
    assert!(day.items[0].reason.contains("on track"));
    assert!(
        day.items[0]
            .reason
            .contains("moving up is decided at the weekly review")
    );
    assert_eq!(day.running.map(|r| r.action), Some(RunningAction::Hold));
    // The week-to-week trend is a weekly rule only.
    let mut logs = good_week();
    logs.mornings.extend((-7..-4).map(|d| morning(d, 1)));
    assert_eq!(
        review(&logs, ReviewKind::AfterDay).items[0].action,
        ProgressionAction::Hold
    );
    // Stepping down does not wait for the week.
    let mut logs = good_week();
    set_session(&mut logs, 6, 6);
    assert_eq!(
        review(&logs, ReviewKind::AfterDay).items[0].action,
        ProgressionAction::Regress
    );
}

#[test]
fn back_filled_days_count_for_their_own_date() {
    // Wednesday's session at pain 4 and Thursday's check-in, entered late on Sunday (last in
    // the list), settle exactly as if entered on time.
    let mut on_time = good_week();
    set_session(&mut on_time, 2, 4);
    let mut late = good_week();
    late.sessions.retain(|s| s.date != on(2));
    late.mornings.retain(|m| m.date != on(3));
    let before = review(&late, ReviewKind::Weekly).items[0].clone();
    assert!(before.reason.contains("4 of 5"), "{}", before.reason);
    late.sessions.push(session(2, 4));
    late.mornings.push(morning(3, BASELINE));
    assert_eq!(
        review(&late, ReviewKind::Weekly),
        review(&on_time, ReviewKind::Weekly)
    );
    assert!(
        review(&late, ReviewKind::Weekly).items[0]
            .reason
            .contains("settled by Thursday morning")
    );
    // A log dated after the day reviewed is left out of that day's review.
    let mut future = good_week();
    set_session(&mut future, 7, 9);
    assert_eq!(
        review(&future, ReviewKind::Weekly),
        review(&good_week(), ReviewKind::Weekly)
    );
}

#[test]
fn a_programme_younger_than_a_week_holds() {
    let mut young = programme();
    young.settings.start_date = on(3);
    let logs = good_week();
    let r = decide(
        &young,
        &logs,
        p(BASELINE).into(),
        sunday(),
        ReviewKind::Weekly,
        &ProgressionThresholds::default(),
    );
    assert_eq!(r.items[0].action, ProgressionAction::Hold);
    assert!(
        r.items[0].reason.contains("run for 4 days so far"),
        "{}",
        r.items[0].reason
    );
}

#[test]
fn the_calendar_repeats_after_its_last_day() {
    // The reviewed week (9–15 March) is after the 7-day calendar (2–8 March).
    let r = review(&good_week(), ReviewKind::Weekly);
    assert!(
        r.items[0].reason.contains("5 of 5"),
        "{}",
        r.items[0].reason
    );
    let running = r.running.expect("running is cleared");
    assert!(running.reason.contains("3 of 3"), "{}", running.reason);
}

#[test]
fn running_held_back_gets_no_running_decisions_however_many_runs_are_logged() {
    // The example's own runner: not cleared to run after giving birth.
    let result = example_result(&[]);
    assert!(!result.running_allowed);
    let request = ProgrammeRequest::new(START).run_days([
        DayOfWeek::Tuesday,
        DayOfWeek::Thursday,
        DayOfWeek::Saturday,
    ]);
    let blocked = generate(&result, &request).unwrap();
    assert!(blocked.calendar.iter().all(|d| !d.is_run_day));
    // A week of runs logged anyway, good and bad.
    let mut logs = good_week();
    logs.runs[1].pain_after = p(6);
    for kind in [ReviewKind::AfterDay, ReviewKind::Weekly] {
        let r = decide(
            &blocked,
            &logs,
            p(BASELINE).into(),
            sunday(),
            kind,
            &ProgressionThresholds::default(),
        );
        assert_eq!(r.running, None, "{kind:?}");
        assert_eq!(r.items.len(), blocked.items.len());
    }
    // The same logs on a programme cleared for running are judged.
    let mut cleared = blocked.clone();
    cleared.running_blocked_because.clear();
    let r = decide(
        &cleared,
        &logs,
        p(BASELINE).into(),
        sunday(),
        ReviewKind::Weekly,
        &ProgressionThresholds::default(),
    );
    assert_eq!(r.running.map(|d| d.action), Some(RunningAction::Cut));
}

struct RunCase {
    name: &'static str,
    change: fn(&mut TrackingLogs),
    expected: RunningAction,
    next_km: f64,
    says: &'static str,
}

#[test]
fn running_volume_at_every_boundary() {
    use RunningAction::*;
    let cases = [
        RunCase {
            name: "all runs at pain 2 or less",
            change: |l| l.runs[0].pain_after = p(2),
            expected: Add,
            next_km: 16.5,
            says: "Adding up to 10% running (15 km in the last 7 days, so at most 16.5 km in the \
                   next 7): every run in the last 7 days was at 2/10 or less (highest 2/10), 3 \
                   of 3 planned runs done (100%)",
        },
        RunCase {
            name: "pain 6 after a run",
            change: |l| l.runs[1].pain_after = p(6),
            expected: Cut,
            next_km: 10.5,
            says: "pain 6/10 after the run on Thursday is more than the 5/10 that is acceptable",
        },
        RunCase {
            name: "pain 5 during a run that settled",
            change: |l| l.runs[0].pain_during = p(5),
            expected: Hold,
            next_km: 15.0,
            says: "pain 5/10 during the run on Tuesday settled by Wednesday morning",
        },
        RunCase {
            name: "a run the runner said had not settled",
            change: |l| {
                l.runs[0].pain_during = p(4);
                l.mornings[2].settled_after_yesterday = Some(false);
            },
            expected: Hold,
            next_km: 15.0,
            says: "had not settled by Wednesday morning",
        },
        RunCase {
            name: "two mornings above the usual",
            change: |l| {
                set_morning(l, 0, 3);
                set_morning(l, 6, 3);
            },
            expected: Cut,
            next_km: 10.5,
            says: "on 2 mornings in the last 7 days: Monday (3/10) and Sunday (3/10)",
        },
        RunCase {
            name: "2 of 3 planned runs",
            change: |l| {
                l.runs.remove(2);
            },
            expected: Hold,
            next_km: 10.0,
            says: "2 of 3 planned runs done (67%)",
        },
        RunCase {
            name: "a red flag",
            change: |l| l.runs[2].red_flags.push(RedFlagSymptom::LegWeakness),
            expected: Stop,
            next_km: 0.0,
            says: "Stop running and see your clinician: you reported weakness in the legs",
        },
    ];
    for case in cases {
        let mut logs = good_week();
        (case.change)(&mut logs);
        let running = review(&logs, ReviewKind::Weekly)
            .running
            .expect("running is cleared");
        assert_eq!(
            running.action, case.expected,
            "{}: {}",
            case.name, running.reason
        );
        assert_eq!(
            running.next_7_days_max_m,
            case.next_km * 1000.0,
            "{}",
            case.name
        );
        assert!(
            running.reason.contains(case.says),
            "{}: {}",
            case.name,
            running.reason
        );
    }
}

#[test]
fn every_review_says_it_is_a_guide() {
    let r = review(&good_week(), ReviewKind::Weekly);
    assert!(
        r.note
            .contains("tendon pain, not back pain: use it as a guide")
    );
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(serde_json::from_str::<Review>(&json).unwrap(), r);
}

#[test]
fn logs_are_checked_field_by_field() {
    let prog = programme();
    let today = sunday();
    let raw = |v: Json| serde_json::from_value::<RawSessionLog>(v).unwrap();
    let good = raw(
        json!({"date": "2026-03-15", "item_key": key(), "sets_done": 3,
        "pain_during": 2, "effort": 5, "note": "  fine  "}),
    );
    let log = good.clone().validate(&prog, today).unwrap();
    assert_eq!(log.note.as_deref(), Some("fine"));

    let bad = raw(
        json!({"date": "2026-03-16", "item_key": "moon_walk", "sets_done": -1,
        "pain_during": 11, "effort": 4.5}),
    );
    let errors = bad.validate(&prog, today).unwrap_err();
    for field in ["date", "item_key", "sets_done", "pain_during", "effort"] {
        assert!(errors.has(field), "{field}: {errors}");
    }
    assert!(
        errors
            .to_string()
            .contains("“moon_walk” is not in your programme")
    );
    assert!(errors.to_string().contains("in the future"));
    assert!(errors.to_string().contains("0 (none) to 10"));

    // Back-fill: exactly 7 days back is accepted, 8 is not.
    let back = |days: i64| {
        let mut r = good.clone();
        r.date = today.checked_sub(days.days()).unwrap();
        r.validate(&prog, today)
    };
    assert!(back(7).is_ok());
    let too_old = back(8).unwrap_err();
    assert!(
        too_old
            .to_string()
            .contains("up to 7 days back; this one is 8 days ago")
    );

    let run = |v: Json| {
        serde_json::from_value::<RawRunLog>(v)
            .unwrap()
            .validate(today)
    };
    let errors = run(
        json!({"date": "2026-03-14", "distance_m": -5, "duration_s": 0,
        "pain_before": 0, "pain_during": 3, "pain_after": 10.5}),
    )
    .unwrap_err();
    assert_eq!(
        errors
            .0
            .iter()
            .map(|e| e.field.as_str())
            .collect::<Vec<_>>(),
        ["distance_m", "duration_s", "pain_after"]
    );
    let morning = serde_json::from_value::<RawMorningCheckIn>(json!({"date": "2026-03-15",
        "morning_pain": 3, "stiffness": 12, "settled_after_yesterday": true}))
    .unwrap()
    .validate(today)
    .unwrap_err();
    assert!(morning.has("stiffness") && !morning.has("morning_pain"));
}

#[test]
fn sets_follow_the_exercise_sides() {
    let mut prog = programme();
    let today = sunday();
    let with_sets = |sets: Json| {
        serde_json::from_value::<RawSessionLog>(json!({"date": "2026-03-15", "item_key": key(),
            "sets_done": sets, "pain_during": 1, "effort": 3}))
        .unwrap()
    };
    prog.items[0].sidedness = library::Sidedness::PerSide;
    let per_side = with_sets(json!({"left": 3, "right": 2}))
        .validate(&prog, today)
        .unwrap();
    assert_eq!(
        per_side.sets_done,
        SetsDone::PerSide(PerSide { left: 3, right: 2 })
    );
    let one_number = with_sets(json!(3)).validate(&prog, today).unwrap();
    assert_eq!(
        one_number.sets_done,
        SetsDone::PerSide(PerSide { left: 3, right: 3 })
    );
    let errors = with_sets(json!({"left": 3, "right": 21}))
        .validate(&prog, today)
        .unwrap_err();
    assert!(errors.has("sets_done.right") && !errors.has("sets_done.left"));
    prog.items[0].sidedness = library::Sidedness::Bilateral;
    assert!(
        with_sets(json!({"left": 3, "right": 3}))
            .validate(&prog, today)
            .unwrap_err()
            .has("sets_done")
    );
    // A stored log round-trips, and a stored pain outside 0–10 is refused.
    let json = serde_json::to_value(&per_side).unwrap();
    assert_eq!(
        serde_json::from_value::<SessionLog>(json.clone()).unwrap(),
        per_side
    );
    let mut broken = json;
    broken["pain_during"] = json!(12);
    assert!(serde_json::from_value::<SessionLog>(broken).is_err());
}

fn arb_logs() -> impl Strategy<Value = TrackingLogs> {
    let offset = -10i64..8;
    let pain = 0u8..=10;
    let session = (offset.clone(), pain.clone(), 0u8..4, prop::bool::ANY).prop_map(
        |(d, pain, sets, other)| {
            let mut s = session(d, pain);
            s.sets_done = SetsDone::Both(sets);
            if other {
                s.item_key = "somebody_elses".to_owned();
            }
            s
        },
    );
    let run = (offset.clone(), 1u32..20_000, pain.clone(), pain.clone())
        .prop_map(|(d, m, during, after)| run(d, f64::from(m) / 1000.0, during, after));
    let morning = (offset, pain, prop::option::of(prop::bool::ANY), 0u8..30).prop_map(
        |(d, pain, settled, flag)| {
            let mut m = morning(d, pain);
            m.settled_after_yesterday = settled;
            if flag == 0 {
                m.red_flags.push(RedFlagSymptom::FeverOrChills);
            }
            m
        },
    );
    (
        prop::collection::vec(session, 0..12),
        prop::collection::vec(run, 0..6),
        prop::collection::vec(morning, 0..16),
    )
        .prop_map(|(sessions, runs, mornings)| TrackingLogs {
            sessions,
            runs,
            mornings,
        })
}

fn shuffled(logs: TrackingLogs) -> impl Strategy<Value = (TrackingLogs, TrackingLogs)> {
    let original = logs.clone();
    (
        Just(logs.sessions).prop_shuffle(),
        Just(logs.runs).prop_shuffle(),
        Just(logs.mornings).prop_shuffle(),
    )
        .prop_map(move |(sessions, runs, mornings)| {
            (
                original.clone(),
                TrackingLogs {
                    sessions,
                    runs,
                    mornings,
                },
            )
        })
}

proptest! {
    #[test]
    fn decisions_are_deterministic_and_ignore_log_order(
        (logs, reordered) in arb_logs().prop_flat_map(shuffled),
        baseline in 0u8..=10,
        weekly in prop::bool::ANY,
    ) {
        let kind = if weekly { ReviewKind::Weekly } else { ReviewKind::AfterDay };
        let t = ProgressionThresholds::default();
        let prog = programme();
        let first = decide(&prog, &logs, p(baseline).into(), sunday(), kind, &t);
        prop_assert_eq!(&first, &decide(&prog, &logs, p(baseline).into(), sunday(), kind, &t));
        prop_assert_eq!(&first, &decide(&prog, &reordered, p(baseline).into(), sunday(), kind, &t));
        prop_assert_eq!(
            alerts(&logs, p(baseline).into(), START, sunday(), &t),
            alerts(&reordered, p(baseline).into(), START, sunday(), &t)
        );
    }
}

#[test]
fn a_clinicians_own_exercise_is_left_to_the_clinician() {
    let mut prog = programme();
    prog.items[0].exercise = crate::programme::PlannedExercise::Custom {
        title: "Hip hinge drill".to_owned(),
        text: "As shown in clinic.".to_owned(),
    };
    prog.items[0].name = "Hip hinge drill".to_owned();
    let t = ProgressionThresholds::default();
    let up = decide(
        &prog,
        &good_week(),
        p(BASELINE).into(),
        sunday(),
        ReviewKind::Weekly,
        &t,
    );
    assert_eq!(up.items[0].action, ProgressionAction::Progress);
    assert_eq!(up.items[0].to, None);
    assert!(
        up.items[0]
            .reason
            .starts_with("Ready to move Hip hinge drill up: ")
    );
    assert!(up.items[0].reason.ends_with("so they decide how."));
    let mut logs = good_week();
    set_session(&mut logs, 3, 9);
    let down = decide(
        &prog,
        &logs,
        p(BASELINE).into(),
        sunday(),
        ReviewKind::Weekly,
        &t,
    );
    assert_eq!(down.items[0].action, ProgressionAction::Regress);
    assert!(
        down.items[0]
            .reason
            .contains("Ask your clinician how to make it easier.")
    );
}

#[test]
fn weekly_trends_of_a_programme_begun_centuries_ago_are_the_latest_weeks_only() {
    use super::trends::{MAX_WEEKS, weeks};
    let mut old = programme();
    old.settings.start_date = date(1, 1, 1);
    let today = date(2026, 12, 7);
    let w = weeks(&old, &good_week(), today);
    assert_eq!(w.len() as i64, MAX_WEEKS);
    let last = w.last().unwrap().start;
    assert!(last <= today && today < last + 7.days(), "{last}");
    assert_eq!(w[0].start, last - (7 * (MAX_WEEKS - 1)).days());
    // Not begun yet: no weeks.
    old.settings.start_date = date(2027, 1, 1);
    assert!(weeks(&old, &good_week(), today).is_empty());
}

#[test]
fn adherence_counts_every_exercise_planned_today_once_one_is_logged() {
    use super::trends::weeks;
    // Four exercises planned each weekday; only the first exists in the logs.
    let mut four = programme();
    for day in four.calendar.iter_mut().filter(|d| !d.exercises.is_empty()) {
        day.exercises = vec![key(), "b".into(), "c".into(), "d".into()];
    }
    let mut logs = good_week();
    logs.sessions.push(session(7, 2));
    let today = on(9);
    let before = weeks(&four, &logs, today);
    // Monday: 1 of 4; Tuesday: 0 of 4; today not begun, so not counted yet.
    assert_eq!(
        (before[2].sessions_done, before[2].sessions_planned),
        (1, 8)
    );
    logs.sessions.push(session(9, 1));
    let after = weeks(&four, &logs, today);
    // Logging 1 of today's 4 counts all 4 of today's: never 100% for a part-done day.
    assert_eq!((after[2].sessions_done, after[2].sessions_planned), (2, 12));
    assert_eq!(after[2].adherence_percent, Some(17.0));
    // The one-exercise programme: today done is 1 of 1.
    let one = weeks(&programme(), &logs, today);
    assert_eq!((one[2].sessions_done, one[2].sessions_planned), (2, 3));
}

#[test]
fn weekly_trends_count_adherence_like_the_rules() {
    use super::trends::{daily_pain, weeks};
    let mut logs = good_week();
    // Second week, today is day 9 (Wednesday): Monday done, Tuesday missed, today not yet.
    logs.sessions.push(session(7, 2));
    logs.mornings.push(morning(7, 4));
    logs.mornings.push(morning(8, 3));
    let today = on(9);
    let w = weeks(&programme(), &logs, today);
    assert_eq!(
        w.len(),
        3,
        "the programme began a week before the good week"
    );
    assert_eq!((w[0].sessions_done, w[0].sessions_planned), (0, 5));
    assert_eq!(w[0].morning_pain_mean, None);
    assert_eq!((w[1].sessions_done, w[1].sessions_planned), (5, 5));
    assert_eq!(w[1].adherence_percent, Some(100.0));
    assert_eq!(w[1].morning_pain_mean, Some(2.0));
    assert_eq!(w[1].run_metres, 15_000.0);
    // Today isn't over: only Monday and Tuesday are planned so far.
    assert_eq!((w[2].sessions_done, w[2].sessions_planned), (1, 2));
    assert_eq!(w[2].adherence_percent, Some(50.0));
    assert_eq!(w[2].morning_pain_mean, Some(3.5));
    // A session on an unplanned day counts for the same exercise, up to what was planned.
    logs.sessions.push(session(5, 1));
    let w = weeks(&programme(), &logs, today);
    assert_eq!((w[1].sessions_done, w[1].sessions_planned), (5, 5));
    let days = daily_pain(&logs, on(0), on(9));
    let day1 = days.iter().find(|d| d.date == on(1)).unwrap();
    assert_eq!(
        (day1.during_exercise, day1.run, day1.morning, day1.ran),
        (Some(1), Some(1), Some(2), true)
    );
    assert!(days.iter().all(|d| d.date <= on(9)));
}

#[test]
fn pain_versus_load_pairs_runs_with_pain_and_flags_patterns_at_the_cut_off() {
    use super::load::{LoadCutOffs, WatchRun, pain_versus_load};
    let cut = LoadCutOffs {
        low_cadence_below: 160.0,
        balanced_left_pct: (49.0, 51.0),
    };
    let watch = |offset: i64, cadence: f64, balance: f64| WatchRun {
        date: on(offset),
        distance_m: Some(5000.0),
        duration_s: Some(1800.0),
        cadence_spm: Some(cadence),
        gct_balance_left_pct: Some(balance),
    };
    // Low cadence on days 0 and 2, fine on 4 and 6; balance fine throughout (49 and 51 are in).
    let runs = [
        watch(0, 152.0, 49.0),
        watch(2, 155.0, 51.0),
        watch(4, 168.0, 50.0),
        watch(6, 170.0, 50.0),
    ];
    let mut logs = TrackingLogs {
        runs: vec![run(0, 5.0, 3, 4)],
        ..TrackingLogs::default()
    };
    for (offset, pain) in [(1, 4), (3, 3), (5, 2), (7, 2)] {
        logs.mornings.push(morning(offset, pain));
    }
    let (rows, patterns) = pain_versus_load(&runs, &logs, cut);
    assert_eq!(rows.len(), 4);
    assert_eq!(
        (
            rows[0].pain_during,
            rows[0].pain_after,
            rows[0].next_morning
        ),
        (Some(3), Some(4), Some(4))
    );
    assert!(rows[0].low_cadence && !rows[0].off_balance && !rows[2].low_cadence);
    assert_eq!(rows[1].pain_after, None, "no run log that day");
    let cadence = patterns.iter().find(|p| p.factor == "low cadence").unwrap();
    // 3.5 after low-cadence runs against 2.0: 1.5 points, flagged.
    assert_eq!(
        (cadence.mean_with, cadence.mean_without, cadence.flagged),
        (3.5, 2.0, true)
    );
    assert!(
        cadence.text.starts_with("Worth discussing"),
        "{}",
        cadence.text
    );
    assert!(
        patterns
            .iter()
            .all(|p| p.factor != "off-balance ground contact"),
        "no off-balance runs to compare"
    );
    // Exactly 1 point apart is flagged; 0.5 is not.
    logs.mornings.retain(|m| m.date != on(3));
    logs.mornings.push(morning(3, 2));
    let (_, patterns) = pain_versus_load(&runs, &logs, cut);
    assert!(patterns[0].flagged, "3.0 against 2.0");
    logs.mornings.retain(|m| m.date != on(1));
    logs.mornings.push(morning(1, 3));
    let (_, patterns) = pain_versus_load(&runs, &logs, cut);
    assert!(!patterns[0].flagged, "2.5 against 2.0");
    assert!(patterns[0].text.starts_with("No clear pattern"));
}

#[test]
fn pain_trend_compares_the_last_week_with_the_one_before() {
    use super::trends::{PainDirection, pain_trend};
    let mut logs = TrackingLogs::default();
    let today = on(13);
    assert_eq!(
        pain_trend(&logs, today, 3, 1.0).direction,
        PainDirection::Unknown
    );
    for d in 0..7 {
        logs.mornings.push(morning(d, 4));
    }
    for d in 7..14 {
        logs.mornings.push(morning(d, 3));
    }
    let t = pain_trend(&logs, today, 3, 1.0);
    assert_eq!(
        (t.latest, t.last_week_mean, t.week_before_mean),
        (Some(3), Some(3.0), Some(4.0))
    );
    assert_eq!(t.direction, PainDirection::Better, "exactly 1 point better");
    logs.mornings.retain(|m| m.date < on(7));
    for d in 7..14 {
        logs.mornings
            .push(morning(d, if d % 2 == 0 { 4 } else { 5 }));
    }
    assert_eq!(
        pain_trend(&logs, today, 3, 1.0).direction,
        PainDirection::Steady
    );
    logs.mornings.retain(|m| m.date < on(11));
    assert_eq!(
        pain_trend(&logs, today, 5, 1.0).direction,
        PainDirection::Unknown,
        "4 check-ins are not enough when 5 are needed"
    );
}

#[test]
fn without_a_usual_morning_pain_no_morning_is_above_it_and_moving_up_waits() {
    let t = ProgressionThresholds::default();
    let mut logs = good_week();
    set_morning(&mut logs, 2, 3);
    set_morning(&mut logs, 4, 4);
    // With a usual 0/10 (the old default) these two mornings would step the exercise down.
    let none = decide(&programme(), &logs, None, sunday(), ReviewKind::Weekly, &t);
    assert_eq!(
        none.items[0].action,
        ProgressionAction::Hold,
        "{}",
        none.items[0].reason
    );
    assert!(
        none.items[0]
            .reason
            .contains("no usual morning pain is known yet"),
        "{}",
        none.items[0].reason
    );
    // The first week's check-ins give one (here the reviewed week is the first with
    // check-ins: 2, 2, 3, 2, 4, 2, 2 → 2/10), and the reason says where it came from.
    let since = on(0);
    let usual = UsualMorningPain::choose(None, &logs.mornings, since, &t);
    assert_eq!(usual.map(|u| u.source), Some(UsualMorningSource::FirstWeek));
    let down = decide(&programme(), &logs, usual, sunday(), ReviewKind::Weekly, &t);
    assert_eq!(
        down.items[0].action,
        ProgressionAction::Regress,
        "{}",
        down.items[0].reason
    );
    assert!(
        down.items[0]
            .reason
            .contains("(the middle of your first week's check-ins)"),
        "{}",
        down.items[0].reason
    );
}
