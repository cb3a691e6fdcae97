//! The library's data: twelve ladders and every exercise on them, in our own plain words.
//!
//! Ladders are listed core six first. Within a ladder the exercises go from easiest to hardest;
//! the library's tests check that levels run 1, 2, 3… without gaps and that every illustration id
//! is one the drawings exist for.

use super::dosage::{Dosage, DosageKind::*, SECONDS_PER_REP};
use super::{
    Cautions, Equipment::*, Exercise, ExerciseArea as A, ExerciseId as Id, LadderId as L,
    LadderSpec, Level, Sidedness::*,
};

// --- Doses (CLINICAL.md §8) --------------------------------------------------------------------

/// Static stretch: 30 s a set, on 6 days a week (Bandy 1997: at least 5).
const fn stretch(sets: u8, seconds: u16) -> Dosage {
    Dosage::preset(StretchSeconds, sets, seconds, 10, 6)
}
/// Mobility drill: slow reps on 6 days a week, like a stretch (our choice).
const fn mobility(sets: u8, reps: u16) -> Dosage {
    Dosage::preset(Reps, sets, reps, 15, 6)
}
/// Isometric hold: 30–45 s × 3–5, 3 days a week (our choice within published practice).
const fn hold(sets: u8, seconds: u16) -> Dosage {
    Dosage::preset(HoldSeconds, sets, seconds, 30, 3)
}
/// Strength: 1–3 sets of 8–12 (more for light endurance work), 3 days a week (ACSM 2009). The
/// easier rungs below a ladder's named exercise use 2 sets, the named one and harder 3 (our choice).
const fn strength(sets: u8, reps: u16, rest: u16) -> Dosage {
    Dosage::preset(Reps, sets, reps, rest, 3)
}

// --- Shared cautions ---------------------------------------------------------------------------

const PAIN_STRETCH: &str = "A stretch should feel strong, never sharp. If the low back aches or \
     pinches, tuck the pelvis further or go back a level.";
const PAIN_MOBILITY: &str = "Move only in the range that is free of pain; a pinch means make the \
     circle smaller there. The range grows with practice.";
const PAIN_LOAD: &str = "Effort and mild discomfort are fine. Stop the set if back pain goes above \
     5/10, spreads down a leg, or is still worse the next morning; go back a level next time.";
const PAIN_TRUNK: &str = "Stop the set when the low back starts to lift, arch or ache: reps with \
     the back out of position train the wrong thing. Pain above 5/10 means go back a level.";
const PP_PRESSURE: &str = "After giving birth: breathe out as you make the effort and watch the \
     middle of the tummy. If it domes or bulges, or you feel heaviness or leaking, go back a \
     level and tell your clinician.";
const PP_IMPACT: &str = "After giving birth: stop if you feel heaviness, dragging or leaking, and \
     tell your clinician; this is a sign to build pelvic-floor strength first.";

const CORE_SIX: &str =
    "Clinic method (one of the six core exercises); dose after Bandy 1997 and ACSM 2009";
const PRACTICE: &str = "Common clinical practice; dose after Bandy 1997 and ACSM 2009";
/// Mobility drills: CLINICAL.md §8 doses stretches, holds and strength, not slow joint circles.
const CORE_SIX_MOBILITY: &str = "Clinic method (one of the six core exercises); dose our choice: \
     a few slow reps on most days, like a stretch (the dosage guidelines give no dose for mobility drills)";
const PRACTICE_MOBILITY: &str = "Common clinical practice; dose our choice: a few slow reps on \
     most days, like a stretch (the dosage guidelines give no dose for mobility drills)";

const fn pain(text: &'static str) -> Cautions {
    Cautions {
        pain: text,
        postpartum: None,
        postpartum_step_down: false,
    }
}
const fn with_postpartum(text: &'static str, postpartum: &'static str) -> Cautions {
    Cautions {
        pain: text,
        postpartum: Some(postpartum),
        postpartum_step_down: false,
    }
}
const fn postpartum_later(text: &'static str, postpartum: &'static str) -> Cautions {
    Cautions {
        pain: text,
        postpartum: Some(postpartum),
        postpartum_step_down: true,
    }
}

const fn spec(
    id: &'static str,
    name: &'static str,
    area: A,
    anchor: u8,
    core_six: bool,
) -> LadderSpec {
    LadderSpec {
        id: L(id),
        name,
        area,
        anchor: Level::at(anchor),
        core_six,
    }
}

/// Every ladder: the core six first, then the supporting ladders.
pub(super) static LADDERS: &[LadderSpec] = &[
    spec("couch_stretch", "Couch stretch", A::HipMobility, 3, true),
    spec("hip_cars", "Hip CARs", A::HipMobility, 3, true),
    spec(
        "single_leg_bridge_hold",
        "Single-leg bridge hold",
        A::HipStability,
        3,
        true,
    ),
    spec(
        "band_hip_abduction",
        "Standing hip abduction with mini band",
        A::HipStability,
        3,
        true,
    ),
    spec(
        "straight_leg_lowers",
        "Straight leg lowers",
        A::Core,
        3,
        true,
    ),
    spec(
        "pallof_press",
        "Half-kneeling Pallof press",
        A::Core,
        3,
        true,
    ),
    spec("side_plank", "Side plank", A::Core, 2, false),
    spec("bird_dog", "Bird dog", A::Core, 2, false),
    spec("split_squat", "Split squat", A::HipStability, 2, false),
    spec(
        "single_leg_calf_raise",
        "Single-leg calf raise",
        A::LegStrength,
        2,
        false,
    ),
    spec(
        "thoracic_extension",
        "Thoracic extension",
        A::PostureForm,
        1,
        false,
    ),
    spec(
        "breathing_90_90",
        "90/90 breathing",
        A::BreathingPelvicFloor,
        1,
        false,
    ),
];

const COUCH_SETUP: &str = "Kneel with your back to a sofa or wall, the back knee on a cushion \
     close to it and that shin resting up against it. Put the other foot flat in front with the \
     knee over the ankle.";
const BRIDGE_SETUP: &str = "Lie on your back with the knees bent and the feet flat, hip-width \
     apart, heels about a hand-length from your bottom. Arms rest by your sides.";
const PALLOF_ANCHOR: &str = "Tie a long band to something solid at chest height and stand or \
     kneel side-on to it, far enough away that the band pulls when held at the chest.";
const LOWERS_SETUP: &str = "Lie on your back on a mat. Flatten the low back gently into the \
     floor by tucking the pelvis and drawing the lower ribs down.";

/// Every exercise, ladder by ladder, easiest first.
pub(super) static EXERCISES: &[Exercise] = &[
    // --- Couch stretch ladder (hip mobility) ---------------------------------------------------
    Exercise {
        id: Id("half_kneeling_hip_flexor_stretch"),
        name: "Half-kneeling hip flexor stretch",
        area: A::HipMobility,
        purpose: "Lengthens the deep hip flexors at the front of the hip so the leg can travel \
             further behind you in the stride.",
        setup: "Kneel on one knee on a cushion with the other foot flat in front, both knees \
             bent to about a right angle. Hands on the front knee or the hips.",
        steps: &[
            "Tuck the pelvis under, as if pointing the belt buckle up towards the chin.",
            "Squeeze the buttock of the kneeling leg.",
            "Shift the whole body a little forward until the front of the back hip stretches.",
            "Hold, breathing slowly, then change sides.",
        ],
        cues: &[
            "Tuck first, then shift.",
            "Tall through the top of the head.",
        ],
        mistakes: &[
            "Arching the low back to go further: the stretch moves into the spine.",
            "Leaning the trunk forward, which takes the stretch off the hip.",
        ],
        equipment: &[Cushion, Mat],
        sidedness: PerSide,
        ladder: L("couch_stretch"),
        level: Level::at(1),
        dosage: stretch(3, 30),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_STRETCH),
        illustration: "hip_flexor_kneeling_stretch",
        source: PRACTICE,
    },
    Exercise {
        id: Id("couch_stretch_supported"),
        name: "Supported couch stretch",
        area: A::HipMobility,
        purpose: "Adds the muscle on the front of the thigh to the hip-flexor stretch, with the \
             hands on a chair taking some weight.",
        setup: "Set up for the couch stretch, but with the back knee a hand-width from the wall \
             and a chair in front of you for the hands.",
        steps: &[
            "Hands on the chair, trunk leaning forward.",
            "Tuck the pelvis under and squeeze the buttock of the back leg.",
            "Lift the chest only as far as you can keep the tuck.",
            "Hold, then change sides.",
        ],
        cues: &[
            "Tuck and squeeze before you lift.",
            "Let the chair take your weight.",
        ],
        mistakes: &[
            "Setting the knee too close to the wall on the first day.",
            "Arching the low back to get the chest up.",
        ],
        equipment: &[Cushion, WallOrSofa, Chair],
        sidedness: PerSide,
        ladder: L("couch_stretch"),
        level: Level::at(2),
        dosage: stretch(3, 30),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_STRETCH),
        illustration: "couch_stretch",
        source: PRACTICE,
    },
    Exercise {
        id: Id("couch_stretch"),
        name: "Couch stretch",
        area: A::HipMobility,
        purpose: "Lengthens the hip flexors and the front of the thigh together, the muscles \
             that stop the leg going behind you when you run.",
        setup: COUCH_SETUP,
        steps: &[
            "Tuck the pelvis under and squeeze the buttock of the back leg.",
            "Bring the trunk up towards upright, hands on the front knee.",
            "Stop where the front of the back thigh and hip stretch strongly.",
            "Hold, breathing slowly, then change sides.",
        ],
        cues: &[
            "Squeeze the back buttock.",
            "Ribcage stacked over the pelvis.",
            "Breathe out slowly to settle into it.",
        ],
        mistakes: &[
            "Arching the low back to get upright: the stretch moves into the spine.",
            "Letting the back knee slide away from the wall.",
            "The front knee falling inward.",
        ],
        equipment: &[Cushion, WallOrSofa],
        sidedness: PerSide,
        ladder: L("couch_stretch"),
        level: Level::at(3),
        dosage: stretch(3, 30),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_STRETCH),
        illustration: "couch_stretch",
        source: CORE_SIX,
    },
    Exercise {
        id: Id("couch_stretch_upright"),
        name: "Upright couch stretch",
        area: A::HipMobility,
        purpose: "Holds the couch stretch with the trunk fully upright, for runners who already \
             reach the position without back pain.",
        setup: COUCH_SETUP,
        steps: &[
            "Set the tuck and the buttock squeeze.",
            "Bring the trunk fully upright with the hands resting on the hips.",
            "Keep the front knee over the ankle.",
            "Hold, then change sides.",
        ],
        cues: &[
            "Proud chest, ribs down.",
            "Squeeze harder rather than lean back.",
        ],
        mistakes: &[
            "Leaning back behind upright, which arches the low back.",
            "Losing the buttock squeeze as the trunk comes up.",
        ],
        equipment: &[Cushion, WallOrSofa],
        sidedness: PerSide,
        ladder: L("couch_stretch"),
        level: Level::at(4),
        dosage: stretch(3, 30),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_STRETCH),
        illustration: "couch_stretch_upright",
        source: PRACTICE,
    },
    Exercise {
        id: Id("couch_stretch_overhead_reach"),
        name: "Couch stretch with overhead reach",
        area: A::HipMobility,
        purpose: "Adds a reach up and over, stretching the whole front of the body from the \
             knee to the lower ribs.",
        setup: COUCH_SETUP,
        steps: &[
            "Come fully upright with the tuck and the buttock squeeze.",
            "Reach the arm on the back-leg side up overhead.",
            "Lean the trunk slightly towards the front-leg side without arching.",
            "Hold, then change sides.",
        ],
        cues: &[
            "Long from knee to fingertips.",
            "Ribs stay down as the arm goes up.",
        ],
        mistakes: &[
            "Flaring the ribs and arching the back to reach higher.",
            "Twisting the trunk instead of leaning to the side.",
        ],
        equipment: &[Cushion, WallOrSofa],
        sidedness: PerSide,
        ladder: L("couch_stretch"),
        level: Level::at(5),
        dosage: stretch(3, 30),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_STRETCH),
        illustration: "couch_stretch_upright",
        source: PRACTICE,
    },
    // --- Hip CARs ladder (hip mobility) --------------------------------------------------------
    Exercise {
        id: Id("hip_cars_quadruped"),
        name: "Hip circles on hands and knees",
        area: A::HipMobility,
        purpose: "Takes the hip through its full circle with the body supported, so the hip \
             moves and the back stays still.",
        setup: "Kneel on hands and knees, hands under the shoulders and knees under the hips, \
             back flat like a table.",
        steps: &[
            "Lift one knee a little off the floor.",
            "Draw a slow circle with the knee: forward, out to the side, back and in.",
            "Go the other way round, then change sides.",
        ],
        cues: &[
            "Only the hip moves.",
            "Slow enough to feel every part of the circle.",
        ],
        mistakes: &[
            "Rocking the pelvis or twisting the back to make the circle bigger.",
            "Rushing the circle.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("hip_cars"),
        level: Level::at(1),
        dosage: mobility(2, 5),
        rep_seconds: 8,
        cautions: pain(PAIN_MOBILITY),
        illustration: "hip_cars_quadruped",
        source: PRACTICE_MOBILITY,
    },
    Exercise {
        id: Id("hip_cars_supported"),
        name: "Supported standing hip circles",
        area: A::HipMobility,
        purpose: "Brings the hip circle up to standing, holding on with both hands while the \
             circle is still small.",
        setup: "Stand tall facing a wall or worktop with both hands on it, weight on one leg.",
        steps: &[
            "Lift the other knee to hip height.",
            "Draw a circle as large as is comfortable: out to the side, back behind you, and \
             down.",
            "Reverse the circle, then change legs.",
        ],
        cues: &[
            "Stand tall on the support leg.",
            "Pelvis faces the wall the whole time.",
        ],
        mistakes: &[
            "Leaning the trunk to lift the knee higher.",
            "Letting the standing knee bend and sag.",
        ],
        equipment: &[WallOrSofa],
        sidedness: PerSide,
        ladder: L("hip_cars"),
        level: Level::at(2),
        dosage: mobility(2, 5),
        rep_seconds: 10,
        cautions: pain(PAIN_MOBILITY),
        illustration: "hip_cars_standing",
        source: PRACTICE_MOBILITY,
    },
    Exercise {
        id: Id("hip_cars"),
        name: "Hip CARs",
        area: A::HipMobility,
        purpose: "Controlled hip circles that use the hip's whole range under control, the \
             range the stride needs so the back does not have to make up for it.",
        setup: "Stand tall side-on to a wall or chair, one hand lightly on it, weight on the \
             inside leg.",
        steps: &[
            "Brace the trunk gently and lift the outside knee up in front.",
            "Take the knee out to the side, then rotate it back and round behind you.",
            "Bring it down and back under the hip, slowly.",
            "Reverse the circle, then turn round and do the other leg.",
        ],
        cues: &[
            "Biggest circle you can make without the pelvis moving.",
            "Slow and smooth, about ten seconds a circle.",
        ],
        mistakes: &[
            "Turning the pelvis or trunk with the leg.",
            "Swinging the leg instead of drawing the circle.",
            "Pushing through a pinch instead of making the circle smaller there.",
        ],
        equipment: &[WallOrSofa],
        sidedness: PerSide,
        ladder: L("hip_cars"),
        level: Level::at(3),
        dosage: mobility(2, 5),
        rep_seconds: 10,
        cautions: pain(PAIN_MOBILITY),
        illustration: "hip_cars",
        source: CORE_SIX_MOBILITY,
    },
    Exercise {
        id: Id("hip_cars_unsupported"),
        name: "Hip CARs without support",
        area: A::HipMobility,
        purpose: "The same circles with no hand support, so the standing hip has to hold the \
             pelvis level too.",
        setup: "Stand tall on one leg, hands on the hips, with a wall within reach for safety.",
        steps: &[
            "Lift the knee up in front.",
            "Draw the full circle: out, back, round behind and down.",
            "Reverse the circle, then change legs.",
        ],
        cues: &[
            "Hips stay level like a tray.",
            "Standing knee soft, not locked.",
        ],
        mistakes: &[
            "The standing hip dropping or sliding out.",
            "Shrinking the circle to keep balance.",
        ],
        equipment: &[],
        sidedness: PerSide,
        ladder: L("hip_cars"),
        level: Level::at(4),
        dosage: mobility(2, 5),
        rep_seconds: 10,
        cautions: pain(PAIN_MOBILITY),
        illustration: "hip_cars_standing",
        source: PRACTICE_MOBILITY,
    },
    Exercise {
        id: Id("hip_cars_end_range_holds"),
        name: "Hip CARs with end-range holds",
        area: A::HipMobility,
        purpose: "Pauses at the edges of the circle and works hard there, building strength at \
             the end of the range.",
        setup: "Stand tall side-on to a wall, one hand lightly on it.",
        steps: &[
            "Start the circle as for hip CARs.",
            "Pause for 5 seconds in front, at the side and behind, squeezing as if to go further.",
            "Finish the circle, reverse it, then change legs.",
        ],
        cues: &["Squeeze hard at each pause.", "Nothing moves but the hip."],
        mistakes: &[
            "Holding the breath during the pauses.",
            "Letting the pelvis tip to reach further behind.",
        ],
        equipment: &[WallOrSofa],
        sidedness: PerSide,
        ladder: L("hip_cars"),
        level: Level::at(5),
        dosage: mobility(2, 3),
        rep_seconds: 25,
        cautions: pain(PAIN_MOBILITY),
        illustration: "hip_cars_standing",
        source: PRACTICE_MOBILITY,
    },
    // --- Single-leg bridge hold ladder (hip stability) -----------------------------------------
    Exercise {
        id: Id("glute_bridge"),
        name: "Glute bridge",
        area: A::HipStability,
        purpose: "Wakes up the buttock muscles that push the leg behind you, with both feet \
             sharing the work.",
        setup: BRIDGE_SETUP,
        steps: &[
            "Flatten the low back gently and squeeze the buttocks.",
            "Push through the heels to lift the hips until knees, hips and shoulders line up.",
            "Pause for a breath, then lower slowly.",
        ],
        cues: &[
            "Push the floor away with the heels.",
            "Lift with the buttocks, not the back.",
        ],
        mistakes: &[
            "Arching the low back at the top.",
            "Feeling it mostly in the hamstrings: bring the heels a little closer.",
        ],
        equipment: &[Mat],
        sidedness: Bilateral,
        ladder: L("single_leg_bridge_hold"),
        level: Level::at(1),
        dosage: strength(2, 12, 45),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "glute_bridge",
        source: PRACTICE,
    },
    Exercise {
        id: Id("single_leg_bridge_march"),
        name: "Bridge march",
        area: A::HipStability,
        purpose: "Holds a bridge while each foot lifts in turn, so one hip at a time keeps the \
             pelvis level.",
        setup: BRIDGE_SETUP,
        steps: &[
            "Lift into a glute bridge.",
            "Keeping the hips high and level, lift one foot a few centimetres.",
            "Put it down and lift the other; each lift counts for the leg that stays down.",
        ],
        cues: &["Hips level like a tray of drinks.", "Small, slow lifts."],
        mistakes: &[
            "The hip on the lifted side dropping.",
            "The hips sinking lower as the set goes on.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("single_leg_bridge_hold"),
        level: Level::at(2),
        dosage: strength(2, 8, 45),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "single_leg_bridge_march",
        source: PRACTICE,
    },
    Exercise {
        id: Id("single_leg_bridge_hold"),
        name: "Single-leg bridge isometric hold",
        area: A::HipStability,
        purpose: "Builds endurance in one hip's extensors at a time, so the weaker side stops \
             handing its work to the low back.",
        setup: BRIDGE_SETUP,
        steps: &[
            "Lift one foot and hold that knee above the hip.",
            "Push through the other heel to lift the hips into a straight line.",
            "Hold still with the pelvis level for the set time.",
            "Lower slowly and change sides.",
        ],
        cues: &[
            "Hips level: no dropping on the lifted side.",
            "Squeeze the buttock of the working leg.",
            "Keep breathing.",
        ],
        mistakes: &[
            "The pelvis tilting or dropping towards the lifted leg.",
            "Cramping in the hamstring: bring the heel closer and squeeze the buttock more.",
            "Arching the back to stay up.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("single_leg_bridge_hold"),
        level: Level::at(3),
        dosage: hold(3, 30),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "single_leg_bridge_hold",
        source: CORE_SIX,
    },
    Exercise {
        id: Id("single_leg_bridge"),
        name: "Single-leg bridge",
        area: A::HipStability,
        purpose: "Lifts and lowers on one leg, adding strength through the range to the \
             endurance of the hold.",
        setup: BRIDGE_SETUP,
        steps: &[
            "Lift one foot and hold that knee above the hip.",
            "Push through the other heel to lift the hips into a straight line.",
            "Lower until the bottom nearly touches, then lift again.",
            "Finish the set and change sides.",
        ],
        cues: &[
            "Drive through the heel.",
            "Pelvis level on the way up and down.",
        ],
        mistakes: &[
            "Twisting the pelvis as it lifts.",
            "Bouncing off the floor between reps.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("single_leg_bridge_hold"),
        level: Level::at(4),
        dosage: strength(3, 10, 45),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "single_leg_bridge",
        source: PRACTICE,
    },
    Exercise {
        id: Id("single_leg_bridge_hold_elevated"),
        name: "Single-leg bridge hold, heel on a box",
        area: A::HipStability,
        purpose: "Raises the heel so the hip extensors work over a longer lever, closer to the \
             demand of running.",
        setup: "Lie on your back with one heel on a box, bench or sofa seat about knee height, \
             knee slightly bent. Arms by your sides.",
        steps: &[
            "Lift the other leg and hold the knee above the hip.",
            "Press the heel into the box to lift the hips into a straight line.",
            "Hold still with the pelvis level, then lower and change sides.",
        ],
        cues: &["Heel presses down and back.", "Hips level and high."],
        mistakes: &[
            "Starting with the knee almost straight, which overloads the hamstring.",
            "The pelvis dropping on the lifted side.",
        ],
        equipment: &[Mat, BoxOrBench],
        sidedness: PerSide,
        ladder: L("single_leg_bridge_hold"),
        level: Level::at(5),
        dosage: hold(4, 45),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "single_leg_bridge",
        source: PRACTICE,
    },
    // --- Standing hip abduction ladder (hip stability) -----------------------------------------
    Exercise {
        id: Id("clamshell"),
        name: "Clamshell",
        area: A::HipStability,
        purpose: "Starts the side-of-hip muscles that hold the pelvis level, lying down so \
             nothing else can help.",
        setup: "Lie on your side with the hips and knees bent, heels in line with the bottom, \
             head on the lower arm.",
        steps: &[
            "Keep the feet together and roll the hips slightly forward.",
            "Open the top knee like a clamshell without the pelvis rolling back.",
            "Lower slowly; finish the set and turn over.",
        ],
        cues: &[
            "Hips stacked, pelvis still.",
            "Lift from the back of the hip.",
        ],
        mistakes: &[
            "Rolling the pelvis backwards to lift the knee higher.",
            "Rushing the lowering.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("band_hip_abduction"),
        level: Level::at(1),
        dosage: strength(2, 12, 30),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "clamshell",
        source: PRACTICE,
    },
    Exercise {
        id: Id("side_lying_hip_abduction"),
        name: "Side-lying hip abduction",
        area: A::HipStability,
        purpose: "Lifts the straight top leg against gravity to strengthen the side of the hip; \
             also one of the postpartum return-to-running strength tests.",
        setup: "Lie on your side, lower knee bent for balance, top leg straight and in line \
             with the body.",
        steps: &[
            "Turn the top toes slightly down.",
            "Lift the top leg up and slightly back, leading with the heel.",
            "Lower slowly; finish the set and turn over.",
        ],
        cues: &[
            "Heel leads, slightly behind you.",
            "Waist stays long; no hitching the hip.",
        ],
        mistakes: &[
            "Bringing the leg forward, which hands the work to the hip flexors.",
            "Rolling the pelvis back.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("band_hip_abduction"),
        level: Level::at(2),
        dosage: strength(2, 12, 30),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "side_lying_hip_abduction",
        source: PRACTICE,
    },
    Exercise {
        id: Id("band_hip_abduction"),
        name: "Standing hip abduction with mini band",
        area: A::HipStability,
        purpose: "Works the side of the hip while standing on the other leg, both sides \
             holding the pelvis level as they must in running.",
        setup: "Put a mini band around the ankles and stand tall, one hand lightly on a wall \
             if needed.",
        steps: &[
            "Shift your weight onto one leg with the knee soft.",
            "Move the other leg out to the side against the band, toes forward.",
            "Bring it back under control; finish the set and change legs.",
        ],
        cues: &[
            "Stand tall; the trunk stays upright.",
            "Toes point forward, not up.",
        ],
        mistakes: &[
            "Leaning the trunk away from the moving leg.",
            "Turning the toes out so the front of the hip does the work.",
            "Letting the band snap the leg back.",
        ],
        equipment: &[MiniBand],
        sidedness: PerSide,
        ladder: L("band_hip_abduction"),
        level: Level::at(3),
        dosage: strength(3, 12, 45),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "band_hip_abduction",
        source: CORE_SIX,
    },
    Exercise {
        id: Id("band_lateral_walk"),
        name: "Band side steps",
        area: A::HipStability,
        purpose: "Steps sideways against the band in a half squat, so both hips work at once.",
        setup: "Put a mini band around the ankles or just above the knees and sit into a \
             shallow half squat, feet hip-width apart.",
        steps: &[
            "Step sideways with one foot against the band.",
            "Let the other foot follow without the band going slack.",
            "Take the set number of steps, then step back the other way.",
        ],
        cues: &["Stay low and level.", "Knees push out over the toes."],
        mistakes: &[
            "Bobbing up and down with each step.",
            "Knees falling inward.",
        ],
        equipment: &[MiniBand],
        sidedness: PerSide,
        ladder: L("band_hip_abduction"),
        level: Level::at(4),
        dosage: strength(3, 10, 45),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "band_lateral_walk",
        source: PRACTICE,
    },
    Exercise {
        id: Id("step_down"),
        name: "Lateral step-down",
        area: A::HipStability,
        purpose: "Lowers the body on one leg from a step, training the hip to keep the knee \
             and pelvis in line under load, as in each running stride.",
        setup: "Stand side-on at the edge of a step on one leg, the other foot hanging beside \
             it. Hold a rail if you need to.",
        steps: &[
            "Bend the standing knee to lower the free heel towards the floor.",
            "Touch the heel down lightly without putting weight on it.",
            "Push back up through the standing leg; finish the set and change sides.",
        ],
        cues: &["Knee tracks over the second toe.", "Hips stay level."],
        mistakes: &[
            "The knee caving inward.",
            "Dropping the free hip to reach the floor.",
        ],
        equipment: &[Step],
        sidedness: PerSide,
        ladder: L("band_hip_abduction"),
        level: Level::at(5),
        dosage: strength(3, 8, 60),
        rep_seconds: SECONDS_PER_REP,
        cautions: with_postpartum(PAIN_LOAD, PP_IMPACT),
        illustration: "step_down",
        source: PRACTICE,
    },
    // --- Straight leg lowers ladder (core) -----------------------------------------------------
    Exercise {
        id: Id("dead_bug"),
        name: "Dead bug",
        area: A::Core,
        purpose: "Teaches the trunk to keep the low back still while the arms and legs move, \
             the first step in holding the pelvis when you run.",
        setup: "Lie on your back, arms pointing at the ceiling, hips and knees bent at right \
             angles with the shins level.",
        steps: &[
            "Flatten the low back gently into the floor.",
            "Reach one arm back overhead as the opposite leg straightens out just above the floor.",
            "Return and change sides; each pair counts for the side of the leg that moved.",
        ],
        cues: &[
            "Back stays heavy on the floor.",
            "Breathe out as the limbs reach.",
        ],
        mistakes: &[
            "The low back arching off the floor as the leg goes out.",
            "Moving fast and losing control.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("straight_leg_lowers"),
        level: Level::at(1),
        dosage: strength(2, 8, 30),
        rep_seconds: 5,
        cautions: with_postpartum(PAIN_TRUNK, PP_PRESSURE),
        illustration: "dead_bug",
        source: PRACTICE,
    },
    Exercise {
        id: Id("single_leg_lowers"),
        name: "Single-leg lowers, other foot down",
        area: A::Core,
        purpose: "Lowers one straight leg while the other foot stays on the floor to anchor \
             the pelvis.",
        setup: LOWERS_SETUP,
        steps: &[
            "Bend one knee with the foot flat; point the other leg straight at the ceiling.",
            "Lower the straight leg slowly towards the floor, back still flat.",
            "Stop just above the floor, or sooner if the back starts to lift, and raise it again.",
            "Finish the set and change legs.",
        ],
        cues: &["Ribs down, back heavy.", "Lower for three slow counts."],
        mistakes: &["Going lower than the back can hold.", "Holding the breath."],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("straight_leg_lowers"),
        level: Level::at(2),
        dosage: strength(2, 8, 30),
        rep_seconds: 5,
        cautions: with_postpartum(PAIN_TRUNK, PP_PRESSURE),
        illustration: "single_leg_lowers",
        source: PRACTICE,
    },
    Exercise {
        id: Id("straight_leg_lowers"),
        name: "Straight leg lowers",
        area: A::Core,
        purpose: "Builds the front of the core to hold the pelvis and low back still while a \
             leg moves, so the back stops arching as you run.",
        setup: LOWERS_SETUP,
        steps: &[
            "Point both legs straight up at the ceiling.",
            "Keep one leg up and slowly lower the other towards the floor, back flat.",
            "Stop before the back lifts, bring it back up, then lower the other leg.",
        ],
        cues: &[
            "Back flat the whole time.",
            "Breathe out as the leg goes down.",
            "Slow on the way down.",
        ],
        mistakes: &[
            "The low back arching off the floor.",
            "Bending the lowering knee to make it easier without noticing.",
            "Letting the legs drop fast.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("straight_leg_lowers"),
        level: Level::at(3),
        dosage: strength(3, 8, 45),
        rep_seconds: 5,
        cautions: with_postpartum(PAIN_TRUNK, PP_PRESSURE),
        illustration: "straight_leg_lowers",
        source: CORE_SIX,
    },
    Exercise {
        id: Id("bent_knee_double_leg_lowers"),
        name: "Double-leg lowers, knees bent",
        area: A::Core,
        purpose: "Lowers both legs together with the knees bent, a heavier load on the core \
             with a shorter lever.",
        setup: LOWERS_SETUP,
        steps: &[
            "Lift both legs with the hips and knees bent at right angles.",
            "Lower both feet together towards the floor, back flat.",
            "Tap the heels down lightly and bring the legs back up.",
        ],
        cues: &["Back heavy on the floor.", "Breathe out on the way down."],
        mistakes: &[
            "The back arching as the feet near the floor.",
            "Swinging the legs up with momentum.",
        ],
        equipment: &[Mat],
        sidedness: Bilateral,
        ladder: L("straight_leg_lowers"),
        level: Level::at(4),
        dosage: strength(3, 8, 45),
        rep_seconds: 5,
        cautions: postpartum_later(PAIN_TRUNK, PP_PRESSURE),
        illustration: "double_leg_lowering",
        source: PRACTICE,
    },
    Exercise {
        id: Id("double_leg_lowers"),
        name: "Double-leg lowers",
        area: A::Core,
        purpose: "Lowers both straight legs together: the longest lever and the hardest test \
             of the core holding the low back down.",
        setup: LOWERS_SETUP,
        steps: &[
            "Point both legs straight up at the ceiling.",
            "Lower them together slowly, only as far as the back stays flat.",
            "Raise them again under control.",
        ],
        cues: &["Stop before the back lifts.", "Slow down, slow up."],
        mistakes: &[
            "Lowering further than the back can hold.",
            "Pushing the hands into the floor to help.",
        ],
        equipment: &[Mat],
        sidedness: Bilateral,
        ladder: L("straight_leg_lowers"),
        level: Level::at(5),
        dosage: strength(3, 8, 60),
        rep_seconds: 6,
        cautions: postpartum_later(PAIN_TRUNK, PP_PRESSURE),
        illustration: "double_leg_lowering",
        source: PRACTICE,
    },
    // --- Pallof press ladder (core) ------------------------------------------------------------
    Exercise {
        id: Id("pallof_press_standing"),
        name: "Standing Pallof press",
        area: A::Core,
        purpose: "Trains the trunk to resist being turned, standing on a wide base so it is \
             easy to balance.",
        setup: PALLOF_ANCHOR,
        steps: &[
            "Stand with the feet wider than the hips, holding the band at the chest with both \
             hands.",
            "Press the hands straight out in front and hold for two seconds.",
            "Bring them back to the chest; finish the set, then face the other way.",
        ],
        cues: &[
            "Hands stay in the middle of the body.",
            "Hips and shoulders face forward.",
        ],
        mistakes: &[
            "Letting the band turn the trunk towards the anchor.",
            "Shrugging the shoulders up.",
        ],
        equipment: &[LongBandAndAnchor],
        sidedness: PerSide,
        ladder: L("pallof_press"),
        level: Level::at(1),
        dosage: strength(2, 10, 30),
        rep_seconds: 5,
        cautions: pain(PAIN_LOAD),
        illustration: "pallof_press",
        source: PRACTICE,
    },
    Exercise {
        id: Id("pallof_press_tall_kneeling"),
        name: "Tall-kneeling Pallof press",
        area: A::Core,
        purpose: "The same press kneeling on both knees, so the hips cannot help and the trunk \
             does more.",
        setup: PALLOF_ANCHOR,
        steps: &[
            "Kneel upright on both knees on a cushion, hips straight, band at the chest.",
            "Press the hands straight out and hold for two seconds.",
            "Bring them back; finish the set, then face the other way.",
        ],
        cues: &["Squeeze the buttocks to stay tall.", "Nothing turns."],
        mistakes: &[
            "Sitting back towards the heels.",
            "Arching the low back as the arms go out.",
        ],
        equipment: &[LongBandAndAnchor, Cushion],
        sidedness: PerSide,
        ladder: L("pallof_press"),
        level: Level::at(2),
        dosage: strength(2, 10, 30),
        rep_seconds: 5,
        cautions: pain(PAIN_LOAD),
        illustration: "pallof_press_tall_kneeling",
        source: PRACTICE,
    },
    Exercise {
        id: Id("pallof_press_half_kneeling"),
        name: "Half-kneeling Pallof press",
        area: A::Core,
        purpose: "Trains the trunk to resist rotation on a narrow, running-like base, so the \
             pelvis and ribs stay together with each stride.",
        setup: PALLOF_ANCHOR,
        steps: &[
            "Kneel on the knee nearest the anchor with the other foot flat in front.",
            "Hold the band at the chest, tuck the pelvis slightly and squeeze the back buttock.",
            "Press the hands straight out and hold for three seconds without turning.",
            "Bring them back; finish the set, then turn round and kneel on the other knee.",
        ],
        cues: &[
            "Ribcage stacked over the pelvis.",
            "Hands stay on the midline.",
            "Breathe out as you press.",
        ],
        mistakes: &[
            "The trunk turning towards the anchor as the arms go out.",
            "Leaning away from the band instead of resisting it.",
            "Arching the low back.",
        ],
        equipment: &[LongBandAndAnchor, Cushion],
        sidedness: PerSide,
        ladder: L("pallof_press"),
        level: Level::at(3),
        dosage: strength(3, 10, 45),
        rep_seconds: 6,
        cautions: pain(PAIN_LOAD),
        illustration: "pallof_press_half_kneeling",
        source: CORE_SIX,
    },
    Exercise {
        id: Id("pallof_press_split_stance"),
        name: "Split-stance Pallof press",
        area: A::Core,
        purpose: "Brings the press up to standing in a stride position, closer to running.",
        setup: PALLOF_ANCHOR,
        steps: &[
            "Stand in a short split stance, the leg nearest the anchor behind.",
            "Hold the band at the chest, press straight out and hold for three seconds.",
            "Bring it back; finish the set, then swap the legs and face the other way.",
        ],
        cues: &[
            "Tall, with a small forward lean.",
            "Weight even on both feet.",
        ],
        mistakes: &[
            "Turning towards the band.",
            "Letting the front knee fall inward.",
        ],
        equipment: &[LongBandAndAnchor],
        sidedness: PerSide,
        ladder: L("pallof_press"),
        level: Level::at(4),
        dosage: strength(3, 10, 45),
        rep_seconds: 6,
        cautions: pain(PAIN_LOAD),
        illustration: "pallof_press_split_stance",
        source: PRACTICE,
    },
    Exercise {
        id: Id("pallof_press_and_lift"),
        name: "Split-stance Pallof press and lift",
        area: A::Core,
        purpose: "Adds an overhead lift after the press, so the trunk resists turning and \
             arching at once.",
        setup: PALLOF_ANCHOR,
        steps: &[
            "From the split stance, press the band straight out.",
            "Keeping the arms straight, raise them overhead without the ribs flaring.",
            "Lower the arms, bring the band back to the chest; finish the set and swap sides.",
        ],
        cues: &["Ribs down as the arms go up.", "Hips and shoulders square."],
        mistakes: &[
            "Arching the back to get the arms overhead.",
            "Letting the band twist the trunk at the top.",
        ],
        equipment: &[LongBandAndAnchor],
        sidedness: PerSide,
        ladder: L("pallof_press"),
        level: Level::at(5),
        dosage: strength(3, 8, 45),
        rep_seconds: 6,
        cautions: pain(PAIN_LOAD),
        illustration: "pallof_press_split_stance",
        source: PRACTICE,
    },
    // --- Side plank ladder (core) --------------------------------------------------------------
    Exercise {
        id: Id("side_plank_knees"),
        name: "Side plank on the knees",
        area: A::Core,
        purpose: "Builds endurance in the side of the trunk, with the knees down to shorten \
             the lever.",
        setup: "Lie on your side on one elbow, elbow under the shoulder, knees bent behind you.",
        steps: &[
            "Lift the hips until knees, hips and shoulders make a straight line.",
            "Hold still, breathing, for the set time.",
            "Lower gently and change sides.",
        ],
        cues: &[
            "Push the floor away with the elbow.",
            "Hips forward, not piked back.",
        ],
        mistakes: &[
            "The hips sagging towards the floor.",
            "Rolling forward or back.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("side_plank"),
        level: Level::at(1),
        dosage: hold(3, 30),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "side_plank_knees",
        source: "McGill et al. 1999 (side bridge); common practice; dose after Bandy 1997 and ACSM 2009",
    },
    Exercise {
        id: Id("side_plank"),
        name: "Side plank",
        area: A::Core,
        purpose: "Holds the whole body straight on the elbow and feet, building the side-trunk \
             endurance the McGill side-bridge test measures.",
        setup: "Lie on your side on one elbow, elbow under the shoulder, legs straight with the \
             top foot in front of the bottom one.",
        steps: &[
            "Lift the hips until the body is straight from head to feet.",
            "Hold still, breathing, for the set time.",
            "Lower gently and change sides.",
        ],
        cues: &[
            "Long and straight like a plank of wood.",
            "Top hip stacked over the bottom.",
        ],
        mistakes: &[
            "Sagging at the hips as the set goes on.",
            "Letting the shoulder creep up to the ear.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("side_plank"),
        level: Level::at(2),
        dosage: hold(3, 30),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "side_plank",
        source: "McGill et al. 1999 (side bridge); common practice; dose after Bandy 1997 and ACSM 2009",
    },
    Exercise {
        id: Id("side_plank_leg_lift"),
        name: "Side plank with top-leg lift",
        area: A::Core,
        purpose: "Lifts the top leg while holding the side plank, so the side of the hip and \
             the side of the trunk work together.",
        setup: "Set up as for the side plank with the feet stacked.",
        steps: &[
            "Lift into the side plank.",
            "Raise the top leg a little and lower it, keeping the hips high.",
            "Finish the set, lower down and change sides.",
        ],
        cues: &["Bottom hip stays high.", "Small, controlled lifts."],
        mistakes: &[
            "The hips dropping each time the leg lifts.",
            "Swinging the leg forward.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("side_plank"),
        level: Level::at(3),
        dosage: strength(3, 8, 45),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "side_bridge",
        source: PRACTICE,
    },
    // --- Bird dog ladder (core) ----------------------------------------------------------------
    Exercise {
        id: Id("bird_dog_leg_reach"),
        name: "Bird dog, leg only",
        area: A::Core,
        purpose: "Starts the back and hip extensors working while the trunk stays still, on \
             hands and knees.",
        setup: "Kneel on hands and knees, hands under the shoulders and knees under the hips.",
        steps: &[
            "Slide one leg back and lift it to hip height, toes pointing down.",
            "Hold for three seconds with the back flat.",
            "Bring it back and change legs.",
        ],
        cues: &["Back flat like a table.", "Reach long through the heel."],
        mistakes: &[
            "Lifting the leg higher than the hip, which arches the back.",
            "Shifting the hips to one side.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("bird_dog"),
        level: Level::at(1),
        dosage: strength(2, 8, 30),
        rep_seconds: 6,
        cautions: pain(PAIN_TRUNK),
        illustration: "bird_dog",
        source: "McGill (back extensor endurance); common practice; dose after Bandy 1997 and ACSM 2009",
    },
    Exercise {
        id: Id("bird_dog"),
        name: "Bird dog",
        area: A::Core,
        purpose: "Builds endurance in the back extensors and buttocks with the spine held \
             still, the side of the trunk the McGill flexor-to-extensor ratio flags.",
        setup: "Kneel on hands and knees, hands under the shoulders and knees under the hips.",
        steps: &[
            "Reach one arm forward and the opposite leg back until both are level with the body.",
            "Hold for three seconds without the back moving.",
            "Bring them back slowly and change sides.",
        ],
        cues: &[
            "Imagine a cup of tea on your low back.",
            "Reach long, not high.",
        ],
        mistakes: &[
            "Arching the back to lift the leg higher.",
            "Rushing the hold.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("bird_dog"),
        level: Level::at(2),
        dosage: strength(3, 8, 30),
        rep_seconds: 6,
        cautions: pain(PAIN_TRUNK),
        illustration: "bird_dog",
        source: "McGill (back extensor endurance); common practice; dose after Bandy 1997 and ACSM 2009",
    },
    Exercise {
        id: Id("plank_leg_lift"),
        name: "Front plank with leg lift",
        area: A::Core,
        purpose: "Holds a plank on the forearms and lifts one leg at a time, so the trunk holds \
             still while a hip extends.",
        setup: "Lie face down on the forearms, elbows under the shoulders, legs straight and \
             toes tucked.",
        steps: &[
            "Lift the body into a straight line from head to heels.",
            "Lift one foot a few centimetres, hold for two seconds and lower it.",
            "Change legs; finish the set and rest on the knees.",
        ],
        cues: &[
            "Squeeze the buttocks.",
            "Straight line; no sagging or piking.",
        ],
        mistakes: &[
            "The low back sagging.",
            "Twisting the hips as the leg lifts.",
        ],
        equipment: &[Mat],
        sidedness: PerSide,
        ladder: L("bird_dog"),
        level: Level::at(3),
        dosage: strength(3, 8, 45),
        rep_seconds: 5,
        cautions: postpartum_later(PAIN_TRUNK, PP_PRESSURE),
        illustration: "plank",
        source: PRACTICE,
    },
    // --- Split squat ladder (hip stability) ----------------------------------------------------
    Exercise {
        id: Id("split_squat_supported"),
        name: "Supported split squat",
        area: A::HipStability,
        purpose: "Strengthens each leg in a stride position, holding a chair so balance does \
             not limit the work.",
        setup: "Stand in a long stride with a chair beside you, back heel lifted, feet \
             hip-width apart.",
        steps: &[
            "Holding the chair, lower the back knee straight down towards the floor.",
            "Stop a hand's width above the floor, front knee over the foot.",
            "Push up through the front foot; finish the set and swap legs.",
        ],
        cues: &[
            "Straight down, like a lift.",
            "Front knee over the second toe.",
        ],
        mistakes: &[
            "The front knee caving inward.",
            "Leaning the trunk far forward.",
        ],
        equipment: &[Chair],
        sidedness: PerSide,
        ladder: L("split_squat"),
        level: Level::at(1),
        dosage: strength(2, 8, 45),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "split_squat",
        source: PRACTICE,
    },
    Exercise {
        id: Id("split_squat"),
        name: "Split squat",
        area: A::HipStability,
        purpose: "Strengthens the front leg's hip and knee in a stride position with the hip \
             keeping the knee in line.",
        setup: "Stand in a long stride, back heel lifted, feet hip-width apart, hands on the \
             hips.",
        steps: &[
            "Lower the back knee straight down towards the floor.",
            "Stop a hand's width above the floor with the front knee over the foot.",
            "Push up through the front foot; finish the set and swap legs.",
        ],
        cues: &[
            "Trunk tall with a slight lean.",
            "Knee tracks over the toes.",
        ],
        mistakes: &[
            "The front knee caving inward or the pelvis dropping.",
            "Pushing off the back foot instead of the front.",
        ],
        equipment: &[],
        sidedness: PerSide,
        ladder: L("split_squat"),
        level: Level::at(2),
        dosage: strength(3, 10, 60),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "split_squat",
        source: PRACTICE,
    },
    Exercise {
        id: Id("rear_foot_elevated_split_squat"),
        name: "Rear-foot-elevated split squat",
        area: A::HipStability,
        purpose: "Puts the back foot up on a bench so nearly all the load goes through the \
             front leg.",
        setup: "Stand a long stride in front of a bench or sofa and rest the top of the back \
             foot on it.",
        steps: &[
            "Lower straight down until the front thigh is nearly level.",
            "Keep the front knee in line with the foot.",
            "Push up through the front heel; finish the set and swap legs.",
        ],
        cues: &[
            "Most of the weight on the front foot.",
            "Hips level and square.",
        ],
        mistakes: &[
            "Standing too close to the bench so the knee shoots forward.",
            "Arching the low back at the bottom.",
        ],
        equipment: &[BoxOrBench],
        sidedness: PerSide,
        ladder: L("split_squat"),
        level: Level::at(3),
        dosage: strength(3, 8, 60),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "rear_foot_elevated_split_squat",
        source: PRACTICE,
    },
    Exercise {
        id: Id("single_leg_squat"),
        name: "Single-leg squat to a box",
        area: A::HipStability,
        purpose: "Squats on one leg to a box, the running-stride demand on the hip with the \
             depth limited by the box.",
        setup: "Stand on one leg in front of a box or chair, the other leg held just off the \
             floor in front.",
        steps: &[
            "Sit back slowly until you lightly touch the box.",
            "Keep the knee over the foot and the pelvis level.",
            "Stand back up on the same leg; finish the set and change legs.",
        ],
        cues: &[
            "Knee over the second toe.",
            "Hips level; no dropping on the free side.",
        ],
        mistakes: &[
            "The knee caving in or the pelvis dropping.",
            "Flopping onto the box instead of touching it.",
        ],
        equipment: &[BoxOrBench],
        sidedness: PerSide,
        ladder: L("split_squat"),
        level: Level::at(4),
        dosage: strength(3, 8, 60),
        rep_seconds: SECONDS_PER_REP,
        cautions: with_postpartum(PAIN_LOAD, PP_IMPACT),
        illustration: "single_leg_squat",
        source: "Frohm 2010; Kivlan & Martin 2012 (single-leg squat); dose after Bandy 1997 and ACSM 2009",
    },
    // --- Calf raise ladder (leg strength) ------------------------------------------------------
    Exercise {
        id: Id("double_leg_calf_raise"),
        name: "Calf raise on both feet",
        area: A::LegStrength,
        purpose: "Builds the calf strength every running stride pushes off with, on both feet \
             to start.",
        setup: "Stand tall with the feet hip-width apart, fingertips on a wall for balance.",
        steps: &[
            "Rise onto the balls of both feet as high as you can.",
            "Pause at the top.",
            "Lower slowly over three counts.",
        ],
        cues: &["Straight up, not forward.", "Slow on the way down."],
        mistakes: &[
            "Rolling out onto the little toes.",
            "Bouncing at the bottom.",
        ],
        equipment: &[WallOrSofa],
        sidedness: Bilateral,
        ladder: L("single_leg_calf_raise"),
        level: Level::at(1),
        dosage: strength(2, 15, 45),
        rep_seconds: SECONDS_PER_REP,
        cautions: pain(PAIN_LOAD),
        illustration: "single_leg_calf_raise",
        source: "Common clinical practice; dose our choice: 15 light reps on both feet, the first step \
             towards the 20 one-leg reps asked before running after birth (Goom, Donnelly & \
             Brockwell 2019); ACSM 2009 counts light endurance work from 15 reps",
    },
    Exercise {
        id: Id("single_leg_calf_raise"),
        name: "Single-leg calf raise",
        area: A::LegStrength,
        purpose: "Builds each calf on its own; 20 on each side is one of the postpartum \
             return-to-running strength tests.",
        setup: "Stand on one foot, fingertips on a wall for balance, the other foot lifted \
             behind.",
        steps: &[
            "Rise onto the ball of the foot as high as you can.",
            "Pause at the top.",
            "Lower slowly; finish the set and change feet.",
        ],
        cues: &["Push through the big toe.", "Full height every time."],
        mistakes: &[
            "Leaning on the wall to help.",
            "The reps getting shorter as the set goes on.",
        ],
        equipment: &[WallOrSofa],
        sidedness: PerSide,
        ladder: L("single_leg_calf_raise"),
        level: Level::at(2),
        dosage: strength(3, 12, 45),
        rep_seconds: SECONDS_PER_REP,
        cautions: with_postpartum(PAIN_LOAD, PP_IMPACT),
        illustration: "single_leg_calf_raise",
        source: "Goom, Donnelly & Brockwell 2019 (strength readiness); dose after Bandy 1997 and ACSM 2009",
    },
    Exercise {
        id: Id("single_leg_calf_raise_step"),
        name: "Single-leg calf raise off a step",
        area: A::LegStrength,
        purpose: "Works the calf through its full range, heel dropping below the step.",
        setup: "Stand on one foot on the edge of a step, heel hanging off, holding a rail.",
        steps: &[
            "Let the heel sink slowly below the step.",
            "Rise as high as you can onto the ball of the foot.",
            "Lower slowly; finish the set and change feet.",
        ],
        cues: &["All the way down, all the way up.", "Slow and even."],
        mistakes: &[
            "Bouncing at the bottom of the range.",
            "Bending the knee to push up.",
        ],
        equipment: &[Step],
        sidedness: PerSide,
        ladder: L("single_leg_calf_raise"),
        level: Level::at(3),
        dosage: strength(3, 12, 60),
        rep_seconds: SECONDS_PER_REP,
        cautions: with_postpartum(PAIN_LOAD, PP_IMPACT),
        illustration: "single_leg_calf_raise",
        source: PRACTICE,
    },
    // --- Thoracic extension (posture) ----------------------------------------------------------
    Exercise {
        id: Id("thoracic_extension"),
        name: "Thoracic extension on a foam roller",
        area: A::PostureForm,
        purpose: "Loosens the upper back into extension so the chest can lift and the head sit \
             over the shoulders, instead of the low back arching to stand tall.",
        setup: "Sit on the floor with a foam roller across the upper back below the shoulder \
             blades, knees bent, hands supporting the head.",
        steps: &[
            "Lift the hips slightly, or keep them down, and tuck the ribs in.",
            "Let the upper back extend gently over the roller, elbows together.",
            "Come back up; move the roller a few centimetres higher between sets.",
        ],
        cues: &[
            "Bend over the roller, not from the low back.",
            "Breathe out as you extend.",
        ],
        mistakes: &[
            "Rolling onto the low back, which arches the wrong part.",
            "Pulling on the neck with the hands.",
        ],
        equipment: &[FoamRoller, Mat],
        sidedness: Bilateral,
        ladder: L("thoracic_extension"),
        level: Level::at(1),
        dosage: mobility(2, 8),
        rep_seconds: 5,
        cautions: pain(PAIN_MOBILITY),
        illustration: "thoracic_extension_foam_roller",
        source: PRACTICE_MOBILITY,
    },
    // --- 90/90 breathing (breathing and pelvic floor) ------------------------------------------
    Exercise {
        id: Id("breathing_90_90"),
        name: "90/90 breathing with pelvic-floor awareness",
        area: A::BreathingPelvicFloor,
        purpose: "Brings breathing, the deep tummy muscles and the pelvic floor back to working \
             together, the base the other exercises build on after giving birth.",
        setup: "Lie on your back with the feet on a wall or the calves on a chair, hips and \
             knees at right angles. One hand on the chest, one on the belly.",
        steps: &[
            "Breathe in slowly through the nose and let the belly, sides and pelvic floor widen \
             and soften.",
            "Breathe out gently through pursed lips; feel the lower ribs draw down and the \
             pelvic floor lift a little, as if picking up a blueberry.",
            "Let everything relax fully before the next breath; about five breaths a minute.",
        ],
        cues: &[
            "Ribs down and in as you breathe out.",
            "Lift gently, then let go completely.",
        ],
        mistakes: &[
            "Squeezing hard or holding the breath: the pelvic floor needs to relax as well as lift.",
            "Breathing only into the chest.",
            "Arching the low back off the floor.",
        ],
        equipment: &[Mat, WallOrSofa],
        sidedness: Bilateral,
        ladder: L("breathing_90_90"),
        level: Level::at(1),
        dosage: Dosage::preset(HoldSeconds, 2, 60, 10, 7),
        rep_seconds: SECONDS_PER_REP,
        cautions: with_postpartum(
            "This should feel easy. Dizziness means breathe more gently.",
            "After giving birth: if you feel pain, heaviness or leaking, or cannot feel the \
             pelvic floor lift and let go, see a pelvic-health physiotherapist.",
        ),
        illustration: "breathing_90_90",
        source: "Goom, Donnelly & Brockwell 2019 (pelvic floor before running); common \
             pelvic-health practice; dose our choice: 2 slow minutes of breathing every day, \
             practice rather than a strength hold (published holds are for strength, and no \
             published dose exists)",
    },
];
