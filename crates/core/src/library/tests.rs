//! Library checks: ladders are whole, ids unique, every text filled in, doses valid, bad input named.

use super::*;
use std::collections::BTreeSet;

#[test]
fn ids_are_unique_snake_case_and_parse_back() {
    let mut seen = BTreeSet::new();
    for e in all() {
        assert!(seen.insert(e.id), "duplicate id {}", e.id);
        assert!(
            e.id.as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{} is not snake_case",
            e.id
        );
        assert_eq!(e.id.as_str().parse::<ExerciseId>(), Ok(e.id));
        assert_eq!(exercise(e.id.as_str()), Some(e));
    }
    let ladder_ids: BTreeSet<_> = ladders().iter().map(|l| l.id).collect();
    assert_eq!(ladder_ids.len(), ladders().len(), "duplicate ladder id");
}

#[test]
fn every_ladder_is_whole_and_every_rung_links_both_ways() {
    for spec in ladders() {
        let ladder = ladder(spec.id.as_str()).expect("listed ladders exist");
        let levels: Vec<u8> = ladder.rungs.iter().map(|e| e.level.get()).collect();
        let expected: Vec<u8> = (1..=levels.len() as u8).collect();
        assert_eq!(
            levels, expected,
            "{}: levels must run 1, 2, 3… without gaps",
            spec.id
        );
        assert!(levels.len() <= usize::from(MAX_LEVEL), "{}", spec.id);
        assert!(
            ladder.at(spec.anchor).is_ok(),
            "{}: anchor missing",
            spec.id
        );
        for e in &ladder.rungs {
            assert_eq!(e.area, spec.area, "{}: area differs from its ladder", e.id);
            match easier(e) {
                Some(down) => {
                    assert_eq!(down.level.get(), e.level.get() - 1);
                    assert_eq!(harder(down).map(|x| x.id), Some(e.id));
                }
                None => assert_eq!(e.level, Level::EASIEST, "{} has no easier rung", e.id),
            }
            match harder(e) {
                Some(up) => {
                    assert_eq!(up.level.get(), e.level.get() + 1);
                    assert_eq!(easier(up).map(|x| x.id), Some(e.id));
                }
                None => assert_eq!(e.level, ladder.highest(), "{} has no harder rung", e.id),
            }
        }
    }
    for e in all() {
        assert!(
            ladders().iter().any(|l| l.id == e.ladder),
            "{} is on an unknown ladder",
            e.id
        );
    }
}

#[test]
fn the_core_six_sit_at_level_3_with_two_easier_and_two_harder() {
    let core: Vec<&str> = all()
        .iter()
        .filter(|e| e.is_core_six())
        .map(|e| e.name)
        .collect();
    assert_eq!(
        core,
        [
            "Couch stretch",
            "Hip CARs",
            "Single-leg bridge isometric hold",
            "Standing hip abduction with mini band",
            "Straight leg lowers",
            "Half-kneeling Pallof press",
        ]
    );
    for spec in ladders().iter().filter(|l| l.core_six) {
        let ladder = ladder(spec.id.as_str()).unwrap();
        assert_eq!(spec.anchor.get(), 3, "{}", spec.id);
        assert_eq!(ladder.highest().get(), 5, "{}", spec.id);
    }
}

#[test]
fn the_supporting_exercises_a_clinician_expects_are_there() {
    for id in [
        "side_plank",
        "dead_bug",
        "bird_dog",
        "glute_bridge",
        "split_squat",
        "single_leg_calf_raise",
        "thoracic_extension",
        "breathing_90_90",
    ] {
        assert!(exercise(id).is_some(), "{id} missing");
    }
    let breathing = exercise("breathing_90_90").unwrap();
    assert_eq!(breathing.area, ExerciseArea::BreathingPelvicFloor);
    assert!(breathing.cautions.postpartum.is_some());
}

#[test]
fn every_exercise_is_filled_in_and_drawn() {
    for e in all() {
        let texts = [e.name, e.purpose, e.setup, e.cautions.pain, e.source];
        assert!(texts.iter().all(|t| !t.trim().is_empty()), "{}", e.id);
        assert!(!e.steps.is_empty(), "{} has no steps", e.id);
        assert!(!e.cues.is_empty(), "{} has no cues", e.id);
        assert!(!e.mistakes.is_empty(), "{} has no mistakes", e.id);
        for line in e.steps.iter().chain(e.cues).chain(e.mistakes) {
            assert!(!line.trim().is_empty(), "{}: empty line", e.id);
            assert!(!line.contains("  "), "{}: double space in {line:?}", e.id);
        }
        assert!(
            ILLUSTRATIONS.contains(&e.illustration),
            "{}: illustration {} is not in the drawing list",
            e.id,
            e.illustration
        );
        assert!(e.rep_seconds > 0, "{}", e.id);
        if e.cautions.postpartum_step_down {
            assert!(e.cautions.postpartum.is_some(), "{}: say why", e.id);
            assert!(easier(e).is_some(), "{}: nowhere to step down to", e.id);
        }
    }
}

#[test]
fn every_drawing_is_used() {
    let used: BTreeSet<&str> = all().iter().map(|e| e.illustration).collect();
    for id in ILLUSTRATIONS {
        assert!(used.contains(id), "no exercise uses the drawing {id}");
    }
}

#[test]
fn library_doses_are_valid_and_follow_clinical_section_8() {
    for e in all() {
        let d = e.dosage;
        assert_eq!(
            Dosage::try_from(RawDosage::from(d)),
            Ok(d),
            "{}: preset dose fails validation",
            e.id
        );
        match d.kind() {
            DosageKind::StretchSeconds => {
                assert!(d.reps_or_seconds() >= 30, "{}: Bandy 1997: 30 s", e.id);
                assert!(d.days_per_week() >= 5, "{}: stretch on 5+ days", e.id);
            }
            DosageKind::HoldSeconds if e.area != ExerciseArea::BreathingPelvicFloor => {
                assert!((30..=45).contains(&d.reps_or_seconds()), "{}", e.id);
                assert!((3..=5).contains(&d.sets()), "{}", e.id);
                assert!((2..=3).contains(&d.days_per_week()), "{}", e.id);
            }
            DosageKind::HoldSeconds => {}
            DosageKind::Reps => {
                assert!((1..=3).contains(&d.sets()), "{}", e.id);
                assert!(
                    (2..=3).contains(&d.days_per_week()) || d.days_per_week() >= 5,
                    "{}: strength 2–3 days, mobility most days",
                    e.id
                );
            }
        }
    }
}

#[test]
fn a_dose_outside_clinical_section_8_is_labelled_our_choice_with_its_reason() {
    let mut unlabelled = Vec::new();
    for e in all() {
        let d = e.dosage;
        let within = match d.kind() {
            DosageKind::StretchSeconds => d.reps_or_seconds() >= 30 && d.days_per_week() >= 5,
            DosageKind::HoldSeconds => {
                (30..=45).contains(&d.reps_or_seconds()) && (3..=5).contains(&d.sets())
            }
            // Strength for beginners 8–12 reps, or light endurance work above 15 (ACSM 2009).
            DosageKind::Reps => {
                (1..=3).contains(&d.sets())
                    && (2..=3).contains(&d.days_per_week())
                    && ((8..=12).contains(&d.reps_or_seconds()) || d.reps_or_seconds() > 15)
            }
        };
        let labelled = e.source.contains("dose our choice: ");
        if within == labelled {
            unlabelled.push(format!(
                "{} ({} × {}, {} days; within §8: {within}): {}",
                e.id,
                d.sets(),
                d.reps_or_seconds(),
                d.days_per_week(),
                e.source
            ));
        }
    }
    assert!(unlabelled.is_empty(), "\n{}", unlabelled.join("\n"));
}

#[test]
fn every_library_dose_takes_a_sensible_time() {
    for e in all() {
        let minutes = f64::from(e.session_seconds()) / 60.0;
        assert!((0.5..=8.0).contains(&minutes), "{}: {minutes:.1} min", e.id);
    }
}

#[test]
fn bad_doses_get_a_clear_message() {
    let raw = |sets, amount, rest, days| RawDosage {
        kind: DosageKind::HoldSeconds,
        sets,
        reps_or_seconds: amount,
        rest_seconds: rest,
        days_per_week: days,
    };
    let cases = [
        (raw(0, 30, 30, 3), "Sets must be at least 1, not 0."),
        (raw(-1, 30, 30, 3), "Sets can't be negative (-1)."),
        (raw(3, 0, 30, 3), "Hold time must be at least 1, not 0."),
        (raw(3, -30, 30, 3), "Hold time can't be negative (-30)."),
        (raw(3, 30, -5, 3), "Rest can't be negative (-5)."),
        (
            raw(50, 30, 30, 3),
            "Sets of 50 is more than the 10 a home programme uses; check for a typing mistake.",
        ),
        (
            raw(3, 3600, 30, 3),
            "Hold time of 3600 is more than the 600 a home programme uses; check for a typing \
             mistake.",
        ),
        (raw(3, 30, 30, 0), "Days a week must be from 1 to 7, not 0."),
        (raw(3, 30, 30, 8), "Days a week must be from 1 to 7, not 8."),
    ];
    for (input, message) in cases {
        let err = Dosage::try_from(input).expect_err(message);
        assert_eq!(err.to_string(), message);
    }
    let reps = Dosage::new(DosageKind::Reps, 3, 0, 30, 3).unwrap_err();
    assert_eq!(reps.to_string(), "Reps must be at least 1, not 0.");
    assert!(
        Dosage::new(DosageKind::Reps, 3, 12, 0, 3).is_ok(),
        "no rest is allowed"
    );
}

#[test]
fn a_dose_reads_back_from_json_only_when_valid() {
    let ok: Dosage = serde_json::from_str(
        r#"{"kind":"reps","sets":3,"reps_or_seconds":10,"rest_seconds":45,"days_per_week":3}"#,
    )
    .unwrap();
    assert_eq!(
        ok.describe(Sidedness::PerSide),
        "3 × 10 reps each side, 45 s rest between sets, 3 days a week"
    );
    let round_trip: Dosage = serde_json::from_str(&serde_json::to_string(&ok).unwrap()).unwrap();
    assert_eq!(round_trip, ok);
    let bad = serde_json::from_str::<Dosage>(
        r#"{"kind":"reps","sets":0,"reps_or_seconds":10,"rest_seconds":45,"days_per_week":3}"#,
    );
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("Sets must be at least 1")
    );
}

#[test]
fn unknown_ids_and_levels_outside_the_ladder_are_named() {
    assert_eq!(
        "plank_jacks".parse::<ExerciseId>().unwrap_err().to_string(),
        "Unknown exercise “plank_jacks”: pick an exercise from the library."
    );
    assert!(serde_json::from_str::<ExerciseId>(r#""nope""#).is_err());
    assert_eq!(
        serde_json::from_str::<ExerciseId>(r#""couch_stretch""#).unwrap(),
        exercise("couch_stretch").unwrap().id
    );
    for bad in [0, 6, -1, 400] {
        assert_eq!(
            Level::try_from(bad).unwrap_err().to_string(),
            format!("Level {bad} is outside the ladder: levels run from 1 (easiest) to 5.")
        );
    }
    assert_eq!(
        "6".parse::<Level>().unwrap_err(),
        LibraryError::LevelOutOfRange(6)
    );
    assert_eq!(
        "two".parse::<Level>().unwrap_err().to_string(),
        "“two” is not a level: give a whole number from 1 (easiest) to 5."
    );
    assert_eq!("3".parse::<Level>().map(Level::get), Ok(3));
    let side_plank = ladder("side_plank").unwrap();
    assert_eq!(
        side_plank
            .at(Level::try_from(4).unwrap())
            .unwrap_err()
            .to_string(),
        "Level 4 is outside the side plank ladder, which runs from level 1 to level 3."
    );
    assert!(ladder("nope").is_none());
    assert!("nope".parse::<LadderId>().is_err());
}

#[test]
fn the_time_estimate_follows_the_documented_formula() {
    // 30 s set-up + 2 sides × 3 sets × 30 s + 2 rests × 30 s = 270 s.
    let hold = exercise("single_leg_bridge_hold").unwrap();
    assert_eq!(hold.session_seconds(), 270);
    // One extra set on the weaker side adds one set's work and one rest.
    assert_eq!(
        hold.dosage
            .session_seconds(hold.sidedness, true, hold.rep_seconds),
        330
    );
    // Reps: 30 s + 1 side × 2 sets × 12 reps × 4 s + 1 × 45 s = 171 s.
    assert_eq!(exercise("glute_bridge").unwrap().session_seconds(), 171);
}
