//! The catalogue: one row per illustration (title, description, props, cues and positions).
//!
//! Positions are joint angles in degrees (see [`Pose`]); the side view looks at the body's right
//! side, so the right limbs are the near, darker ones. Adding an exercise means adding a row.

use crate::body::Joint::*;
use crate::body::{Arm, Leg, Pose};
use crate::scene::{
    BlockStyle, Cue, Figure, Ground, Key, Prop, Spot, along, at, key, key_pitch, key_roll,
};

const STAND: Pose = Pose::STAND;
const FRONT: f64 = 90.0;

// ---- arms -------------------------------------------------------------------------------------

const ARM_FLOOR: Arm = Arm::new(-6.0, 6.0, 0.0);
const HANDS_ON_HIPS: Arm = Arm::new(-10.0, 40.0, 100.0).int_rot(75.0);
const ARMS_CROSSED: Arm = Arm::new(15.0, -30.0, 140.0);
const PRESS_IN: Arm = Arm::new(30.0, -12.0, 115.0);
const PRESS_OUT: Arm = Arm::new(85.0, -18.0, 0.0);

// ---- lying on the back --------------------------------------------------------------------------

const SUPINE: Pose = Pose {
    body: [90.0, 0.0, 0.0],
    leg_l: Leg::new(0.0, 0.0, -30.0),
    leg_r: Leg::new(0.0, 0.0, -30.0),
    arm_l: ARM_FLOOR,
    arm_r: ARM_FLOOR,
    ..STAND
};
/// Knees bent, feet flat on the floor.
const HOOK: Leg = Leg::new(45.0, 90.0, -45.0);
const SUPINE_HOOK: Pose = Pose {
    leg_l: HOOK,
    leg_r: HOOK,
    ..SUPINE
};
/// Bridging: hips lifted in line with the thighs.
const BRIDGE_LEG: Leg = Leg::new(-2.0, 100.0, -14.0);
const BRIDGE: Pose = Pose {
    body: [112.0, 0.0, 0.0],
    neck: 35.0,
    leg_l: BRIDGE_LEG,
    leg_r: BRIDGE_LEG,
    arm_l: Arm::new(-26.0, 6.0, 0.0),
    arm_r: Arm::new(-26.0, 6.0, 0.0),
    ..SUPINE
};
const LEGS_UP: Leg = Leg::new(90.0, 0.0, -40.0);
const TABLETOP: Leg = Leg::new(90.0, 90.0, -10.0);
const REACH_UP: Arm = Arm::new(90.0, 0.0, 0.0);

// ---- lying face down, on hands and knees ----------------------------------------------------

const PRONE: Pose = Pose {
    body: [-90.0, 0.0, 0.0],
    leg_l: Leg::new(0.0, 0.0, -75.0),
    leg_r: Leg::new(0.0, 0.0, -75.0),
    arm_l: Arm::new(165.0, 25.0, 140.0),
    arm_r: Arm::new(165.0, 25.0, 140.0),
    ..STAND
};
const QUAD_LEG: Leg = Leg::new(72.0, 90.0, -85.0);
const QUAD_ARM: Arm = Arm::new(72.0, 0.0, 0.0);
const QUADRUPED: Pose = Pose {
    body: [-72.0, 0.0, 0.0],
    neck: -10.0,
    leg_l: QUAD_LEG,
    leg_r: QUAD_LEG,
    arm_l: QUAD_ARM,
    arm_r: QUAD_ARM,
    ..STAND
};
const PLANK: Pose = Pose {
    body: [-78.0, 0.0, 0.0],
    neck: -10.0,
    leg_l: Leg::new(0.0, 0.0, -18.0),
    leg_r: Leg::new(0.0, 0.0, -18.0),
    arm_l: Arm::new(80.0, 0.0, 90.0),
    arm_r: Arm::new(80.0, 0.0, 90.0),
    ..STAND
};

// ---- lying on the side (left side down) -------------------------------------------------------

const SIDE_LYING: Pose = Pose {
    body: [0.0, -90.0, 0.0],
    leg_l: Leg::new(0.0, 0.0, -20.0),
    leg_r: Leg::new(0.0, 0.0, -20.0),
    arm_l: Arm::new(170.0, 0.0, 40.0),
    arm_r: Arm::new(0.0, 5.0, 10.0),
    ..STAND
};
const CLAM: Leg = Leg::new(45.0, 95.0, -10.0);
const SIDE_PLANK: Pose = Pose {
    body: [0.0, -76.0, 0.0],
    leg_l: Leg::new(-3.0, 0.0, -15.0),
    leg_r: Leg::new(6.0, 0.0, -15.0),
    arm_l: Arm::new(0.0, 76.0, 90.0),
    arm_r: Arm::new(0.0, 2.0, 10.0),
    ..STAND
};
const SIDE_PLANK_SAG: Pose = Pose {
    lumbar: [0.0, 18.0, 0.0],
    thorax: [0.0, 6.0, 0.0],
    ..SIDE_PLANK
};
const SIDE_KNEES: Pose = Pose {
    leg_l: Leg::new(25.0, 95.0, -50.0),
    leg_r: Leg::new(25.0, 95.0, -50.0),
    ..SIDE_PLANK
};
const SIDE_KNEES_SAG: Pose = Pose {
    lumbar: [0.0, 18.0, 0.0],
    thorax: [0.0, 6.0, 0.0],
    ..SIDE_KNEES
};

// ---- kneeling -----------------------------------------------------------------------------------

const KNEEL: Leg = Leg::new(0.0, 90.0, -85.0);
const FRONT_FOOT: Leg = Leg::new(95.0, 95.0, 0.0);
const HALF_KNEEL: Pose = Pose {
    leg_r: KNEEL,
    leg_l: FRONT_FOOT,
    ..STAND
};

// ---- running ------------------------------------------------------------------------------------

const RUN_A: Pose = Pose {
    body: [-6.0, 0.0, 0.0],
    neck: -4.0,
    leg_r: Leg::new(18.0, 35.0, 8.0),
    leg_l: Leg::new(55.0, 105.0, -25.0),
    arm_r: Arm::new(-40.0, 0.0, 90.0),
    arm_l: Arm::new(35.0, 0.0, 95.0),
    ..STAND
};
const RUN_B: Pose = Pose {
    leg_r: RUN_A.leg_l,
    leg_l: RUN_A.leg_r,
    arm_r: RUN_A.arm_l,
    arm_l: RUN_A.arm_r,
    ..RUN_A
};

// ---- standing on one leg and split stances ------------------------------------------------------

const ONE_LEG: Pose = Pose {
    leg_l: Leg::new(35.0, 70.0, -20.0),
    leg_r: Leg::new(0.0, 5.0, 0.0),
    arm_l: HANDS_ON_HIPS,
    arm_r: HANDS_ON_HIPS,
    ..STAND
};
const CARS_UP: Pose = Pose {
    leg_r: Leg::new(95.0, 95.0, -10.0),
    leg_l: Leg::new(0.0, 5.0, 0.0),
    ..ONE_LEG
};
const CARS_SIDE: Pose = Pose {
    leg_r: Leg::new(55.0, 95.0, -10.0).abd(55.0).ext_rot(-35.0),
    ..CARS_UP
};
const CARS_BACK: Pose = Pose {
    leg_r: Leg::new(-15.0, 90.0, -20.0).abd(15.0).ext_rot(-20.0),
    ..CARS_UP
};

const SPLIT_TOP: Pose = Pose {
    leg_r: Leg::new(28.0, 8.0, -20.0),
    leg_l: Leg::new(-22.0, 28.0, 25.0),
    arm_l: HANDS_ON_HIPS,
    arm_r: HANDS_ON_HIPS,
    ..STAND
};
const SPLIT_BOTTOM: Pose = Pose {
    leg_r: Leg::new(88.0, 92.0, 4.0),
    leg_l: Leg::new(-5.0, 100.0, 0.0),
    ..SPLIT_TOP
};

const STEP_H: f64 = 14.0;

// ---- rows ---------------------------------------------------------------------------------------

const fn push(at: Spot, dir: [f64; 3], len: f64) -> Cue {
    Cue::Push { at, dir, len }
}

const fn trace(joint: crate::body::Joint, off: f64) -> Cue {
    Cue::Trace { joint, off }
}

const UP: [f64; 3] = [0.0, 1.0, 0.0];

const BAND_KNEES: Prop = Prop::Band {
    a: along(HipL, KneeL, 0.82),
    b: along(HipR, KneeR, 0.82),
};
const BAND_ANKLES: Prop = Prop::Band {
    a: along(KneeL, AnkleL, 0.75),
    b: along(KneeR, AnkleR, 0.75),
};
const PALLOF_ANCHOR: Prop = Prop::Cable {
    at: at(Chest).off(-6.0, -6.0, 58.0),
    to: along(HandL, HandR, 0.5),
};

const fn row(
    id: &'static str,
    title: &'static str,
    desc: &'static str,
    keys: &'static [Key],
) -> Figure {
    Figure {
        id,
        title,
        desc,
        keys,
        ..Figure::BASE
    }
}

/// Every illustration, tests first, then exercises.
pub(crate) static FIGURES: &[Figure] = &[
    // ---- assessment tests ----
    Figure {
        view: FRONT,
        props: &[Prop::Floor, BAND_ANKLES],
        cues: &[trace(KneeR, 7.0)],
        pin: HeelL,
        ..row(
            "band_hip_abduction",
            "Standing hip abduction with mini band",
            "Standing tall on one leg with a mini band around both lower legs and hands on the hips. \
             The other leg, knee straight and toes forward, moves out to the side against the band and \
             back, without leaning the trunk.",
            &[
                key(Pose {
                    leg_l: Leg::new(0.0, 5.0, 0.0).abd(3.0),
                    leg_r: Leg::STRAIGHT.abd(5.0),
                    arm_l: HANDS_ON_HIPS,
                    arm_r: HANDS_ON_HIPS,
                    ..STAND
                }),
                key(Pose {
                    leg_l: Leg::new(0.0, 5.0, 0.0).abd(3.0),
                    leg_r: Leg::STRAIGHT.abd(32.0),
                    arm_l: HANDS_ON_HIPS,
                    arm_r: HANDS_ON_HIPS,
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Stopwatch {
                at: at(Head).off(16.0, 4.0, 0.0),
            },
        ],
        secs: 0.7,
        hold: 0.0,
        ..row(
            "cadence_count",
            "Cadence count",
            "Running at an easy pace, seen from the side, while counting the steps taken in a timed \
             period: every foot strike counts, left and right.",
            &[key(RUN_A), key(RUN_B)],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Wall {
                at: at(ToeR).off(-2.5, 0.0, 0.0),
                height: 62.0,
            },
        ],
        cues: &[trace(Chest, 8.0)],
        pin: KneeR,
        plant: &[AnkleL],
        ..row(
            "couch_stretch",
            "Couch stretch",
            "Kneeling with the back of one knee close to a wall and that shin and foot up the wall; the \
             other foot is flat on the floor in front with the knee bent to a right angle. Starting \
             with the hands on the front knee, the trunk comes up tall over the pelvis, stretching the \
             front of the back hip and thigh.",
            &[
                key(Pose {
                    body: [-32.0, 0.0, 0.0],
                    leg_r: Leg::new(22.0, 150.0, -90.0),
                    leg_l: Leg::new(127.0, 95.0, 0.0),
                    arm_l: Arm::new(55.0, 0.0, 10.0),
                    arm_r: Arm::new(55.0, 0.0, 10.0),
                    ..STAND
                }),
                key(Pose {
                    leg_r: Leg::new(-10.0, 150.0, -90.0),
                    leg_l: Leg::new(95.0, 95.0, 0.0),
                    arm_l: HANDS_ON_HIPS,
                    arm_r: HANDS_ON_HIPS,
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        cues: &[trace(AnkleR, 8.0)],
        ..row(
            "double_leg_lowering",
            "Double leg lowering",
            "Lying on the back with both legs straight up towards the ceiling and the low back pressed \
             into the floor. Both legs lower together, slowly, only as far as the low back stays flat.",
            &[
                key(Pose {
                    leg_l: LEGS_UP,
                    leg_r: LEGS_UP,
                    ..SUPINE
                }),
                key(Pose {
                    leg_l: Leg::new(25.0, 0.0, -20.0),
                    leg_r: Leg::new(25.0, 0.0, -20.0),
                    ..SUPINE
                }),
            ],
        )
    },
    Figure {
        view: FRONT,
        props: &[
            Prop::Floor,
            Prop::Pad {
                at: along(KneeR, AnkleR, 0.8).off(0.0, 5.3, 0.0),
            },
        ],
        cues: &[push(along(KneeR, AnkleR, 0.8).off(0.0, 9.0, 0.0), UP, 9.0)],
        ..row(
            "hip_abduction_dynamometer",
            "Hip abduction strength (hand-held dynamometer)",
            "Lying on one side with the head resting on the lower arm and the legs straight. The top leg \
             is lifted a little and pushes up as hard as possible against a hand-held dynamometer held \
             just above the ankle.",
            &[key(Pose {
                leg_r: Leg::new(0.0, 0.0, -20.0).abd(12.0),
                ..SIDE_LYING
            })],
        )
    },
    Figure {
        view: 40.0,
        cues: &[trace(KneeR, 0.0)],
        pin: HeelL,
        secs: 6.0,
        ..row(
            "hip_cars",
            "Hip CARs (controlled articular rotations)",
            "Standing tall on one leg with hands on the hips. The other knee lifts in front, then the \
             thigh circles slowly out to the side and back behind the body, as far as it will go \
             without the pelvis or trunk moving, and returns the same way.",
            &[key(CARS_UP), key(CARS_SIDE), key(CARS_BACK)],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Block {
                at: at(Pelvis).off(4.0, -5.0, 0.0),
                x: [-64.0, 0.0],
                z: 16.0,
                style: BlockStyle::Bench,
            },
        ],
        ground: Ground::On(Pelvis, 44.0),
        ..row(
            "mcgill_extensor",
            "McGill trunk extensor endurance",
            "Lying face down on a bench with the hips at its edge and the legs held down. The upper body \
             sticks out over the edge, held level and straight with the arms crossed on the chest, for as \
             long as possible.",
            &[key(Pose {
                arm_l: ARMS_CROSSED,
                arm_r: ARMS_CROSSED,
                neck: 0.0,
                ..PRONE
            })],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Wedge {
                at: at(Pelvis).off(-16.0, -5.0, 0.0),
                deg: 60.0,
                len: 40.0,
            },
        ],
        ..row(
            "mcgill_flexor",
            "McGill trunk flexor endurance",
            "Sitting with knees and hips bent, feet flat and held down, arms crossed on the chest. The \
             back leans at 60 degrees; the support behind it has been moved away, and the position is \
             held for as long as possible.",
            &[key(Pose {
                body: [30.0, 0.0, 0.0],
                neck: 10.0,
                leg_l: Leg::new(105.0, 120.0, -15.0),
                leg_r: Leg::new(105.0, 120.0, -15.0),
                arm_l: ARMS_CROSSED,
                arm_r: ARMS_CROSSED,
                ..STAND
            })],
        )
    },
    Figure {
        view: 50.0,
        props: &[Prop::Floor, PALLOF_ANCHOR],
        pin: HeelR,
        ..row(
            "pallof_press",
            "Pallof press",
            "Standing side-on to a band or cable anchored at chest height, feet hip-width apart and knees \
             soft, hands together at the chest holding the handle. The hands press straight out in front \
             and come back, without letting the band turn the trunk.",
            &[
                key(Pose {
                    leg_l: Leg::new(12.0, 15.0, 3.0).abd(7.0),
                    leg_r: Leg::new(12.0, 15.0, 3.0).abd(7.0),
                    arm_l: PRESS_IN,
                    arm_r: PRESS_IN,
                    ..STAND
                }),
                key(Pose {
                    leg_l: Leg::new(12.0, 15.0, 3.0).abd(7.0),
                    leg_r: Leg::new(12.0, 15.0, 3.0).abd(7.0),
                    arm_l: PRESS_OUT,
                    arm_r: PRESS_OUT,
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        cues: &[trace(AnkleR, 6.0)],
        ..row(
            "prone_hip_extension",
            "Prone hip extension",
            "Lying face down with the forehead on the hands. One leg, knee straight, lifts a hand's \
             width off the floor from the hip and lowers again, without the low back arching or the \
             pelvis rolling.",
            &[
                key(PRONE),
                key(Pose {
                    leg_r: Leg::new(-16.0, 0.0, -75.0),
                    ..PRONE
                }),
            ],
        )
    },
    Figure {
        cues: &[Cue::Plumb { at: at(AnkleR) }],
        secs: 0.7,
        hold: 0.0,
        ..row(
            "running_side_view",
            "Running form, side view",
            "Running seen from the side: tall posture with the head and chest up, eyes on the ground a few \
             metres ahead, a slight forward lean of the whole body, and the foot landing close to under \
             the hips (the dashed line) rather than far in front.",
            &[key(RUN_A), key(RUN_B)],
        )
    },
    Figure {
        view: 75.0,
        ..row(
            "side_bridge",
            "Side bridge endurance",
            "Lying on one side propped on the forearm, elbow under the shoulder, legs straight with the top \
             foot in front of the bottom foot. The hips are lifted so the body makes a straight line from \
             head to feet, held for as long as possible.",
            &[key_roll(SIDE_PLANK, ToeL, ElbowL)],
        )
    },
    Figure {
        cues: &[push(at(Pelvis).off(-5.0, 11.0, 0.0), UP, 9.0)],
        pin: HeelL,
        ..row(
            "single_leg_bridge",
            "Single-leg bridge",
            "Lying on the back with one foot flat on the floor, knee bent, and the other leg straight with \
             the thighs level. Pushing through the planted heel, the hips lift until the body is straight \
             from shoulders to knee, and lower again.",
            &[
                key(Pose {
                    leg_l: HOOK,
                    leg_r: Leg::new(45.0, 0.0, -20.0),
                    ..SUPINE
                }),
                key_pitch(
                    Pose {
                        leg_l: BRIDGE_LEG,
                        leg_r: Leg::new(-2.0, 0.0, -20.0),
                        ..BRIDGE
                    },
                    HeelL,
                    Chest,
                ),
            ],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Block {
                at: at(HeelL).off(0.0, -2.0, 0.0),
                x: [-8.0, 10.0],
                z: 16.0,
                style: BlockStyle::Box,
            },
        ],
        cues: &[push(at(Pelvis).off(-5.0, 11.0, 0.0), UP, 9.0)],
        ..row(
            "single_leg_bridge_box",
            "Single-leg bridge with the heel on a box",
            "Lying on the back with one heel up on a box or chair seat, that knee slightly bent, and the \
             other leg held straight up. Pushing through the heel on the box, the hips lift until the \
             body is straight from shoulders to knee, and lower again.",
            &[key(Pose {
                leg_l: Leg::new(55.0, 25.0, -10.0),
                leg_r: Leg::new(90.0, 0.0, -30.0),
                ..SUPINE
            })],
        )
    },
    Figure {
        cues: &[Cue::Align {
            a: at(Chest).off(0.0, 8.0, 0.0),
            b: at(KneeR).off(0.0, 8.0, 0.0),
            ext: 4.0,
        }],
        pin: HeelL,
        ..row(
            "single_leg_bridge_hold",
            "Single-leg bridge, isometric hold",
            "Lying on the back, one foot flat on the floor and the other leg straight. The hips are lifted \
             and held still so the body is straight from shoulders to knee, with the pelvis level.",
            &[key_pitch(
                Pose {
                    leg_l: BRIDGE_LEG,
                    leg_r: Leg::new(-2.0, 0.0, -20.0),
                    ..BRIDGE
                },
                HeelL,
                Chest,
            )],
        )
    },
    Figure {
        view: 25.0,
        pin: HeelR,
        ..row(
            "single_leg_squat",
            "Single-leg squat",
            "Standing on one leg with the arms out in front and the other foot held just off the floor in \
             front. The standing knee bends to about 60 degrees and straightens again; the knee stays in \
             line over the foot and the pelvis stays level.",
            &[
                key(Pose {
                    leg_r: Leg::new(5.0, 5.0, 0.0),
                    leg_l: Leg::new(40.0, 40.0, -20.0),
                    arm_l: Arm::new(80.0, 5.0, 0.0),
                    arm_r: Arm::new(80.0, 5.0, 0.0),
                    ..STAND
                }),
                key(Pose {
                    body: [-25.0, 0.0, 0.0],
                    leg_r: Leg::new(70.0, 75.0, 30.0),
                    leg_l: Leg::new(85.0, 25.0, -20.0),
                    arm_l: Arm::new(95.0, 5.0, 0.0),
                    arm_r: Arm::new(95.0, 5.0, 0.0),
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        cues: &[trace(AnkleR, 8.0)],
        ..row(
            "straight_leg_lowers",
            "Straight leg lowers",
            "Lying on the back with both legs straight up and the low back flat on the floor. One leg, knee \
             straight, lowers slowly until it is just above the floor and comes back up, while the other \
             stays still.",
            &[
                key(Pose {
                    leg_l: LEGS_UP,
                    leg_r: LEGS_UP,
                    ..SUPINE
                }),
                key(Pose {
                    leg_l: LEGS_UP,
                    leg_r: Leg::new(8.0, 0.0, -20.0),
                    ..SUPINE
                }),
            ],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Block {
                at: at(Pelvis).off(6.0, -5.0, 0.0),
                x: [-72.0, 0.0],
                z: 20.0,
                style: BlockStyle::Bench,
            },
        ],
        cues: &[Cue::Align {
            a: at(HipR),
            b: at(HipR).off(46.0, 0.0, 0.0),
            ext: 0.0,
        }],
        ground: Ground::On(Pelvis, 48.0),
        ..row(
            "thomas_test",
            "Thomas test",
            "Lying on the back at the end of a table, hugging one knee to the chest so the low back is \
             flat. The other leg hangs over the edge: a tight hip flexor shows as the thigh staying above \
             the level of the table (the dashed line), a tight thigh muscle as the knee straightening.",
            &[key(Pose {
                leg_r: Leg::new(-8.0, 85.0, -25.0),
                leg_l: Leg::new(125.0, 135.0, -10.0),
                arm_l: Arm::new(20.0, 10.0, 75.0),
                arm_r: Arm::new(20.0, 10.0, 75.0),
                neck: 15.0,
                ..SUPINE
            })],
        )
    },
    Figure {
        cues: &[
            Cue::Plumb { at: at(AnkleR) },
            Cue::Align {
                a: at(AnkleR),
                b: at(Head),
                ext: 4.0,
            },
        ],
        ..row(
            "trunk_lean",
            "Trunk lean while running",
            "Running seen from the side at the moment the foot is under the body. The whole body leans \
             slightly forward from the ankle (the angle between the two dashed lines), with the ribs \
             stacked over the pelvis, rather than standing upright or leaning back.",
            &[key(Pose {
                body: [-9.0, 0.0, 0.0],
                ..RUN_A
            })],
        )
    },
    // ---- exercises ----
    Figure {
        cues: &[trace(Pelvis, -9.0)],
        pin: KneeR,
        plant: &[AnkleL],
        ..row(
            "hip_flexor_kneeling_stretch",
            "Kneeling hip flexor stretch",
            "Half-kneeling with one knee on the floor and the other foot flat in front. Keeping the trunk \
             tall and the pelvis tucked under, the hips shift forward and the arm on the kneeling side \
             reaches up, stretching the front of the back hip.",
            &[
                key(Pose {
                    arm_l: HANDS_ON_HIPS,
                    arm_r: HANDS_ON_HIPS,
                    ..HALF_KNEEL
                }),
                key(Pose {
                    leg_r: Leg::new(-22.0, 70.0, -85.0),
                    leg_l: Leg::new(70.0, 100.0, 30.0),
                    arm_l: HANDS_ON_HIPS,
                    arm_r: Arm::new(170.0, 5.0, 10.0),
                    ..HALF_KNEEL
                }),
            ],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Wall {
                at: at(ToeR).off(-2.5, 0.0, 0.0),
                height: 62.0,
            },
        ],
        cues: &[Cue::Plumb { at: at(Pelvis) }],
        pin: KneeR,
        ..row(
            "couch_stretch_upright",
            "Couch stretch, upright",
            "Kneeling with the back shin and foot up against a wall and the front foot flat, knee bent. The \
             trunk is tall, stacked over the pelvis (the dashed line), with the buttock of the back leg \
             squeezed, stretching the front of that hip and thigh.",
            &[key(Pose {
                leg_r: Leg::new(-10.0, 150.0, -90.0),
                leg_l: Leg::new(95.0, 95.0, 0.0),
                arm_l: HANDS_ON_HIPS,
                arm_r: HANDS_ON_HIPS,
                ..STAND
            })],
        )
    },
    Figure {
        view: -15.0,
        cues: &[trace(KneeR, 0.0)],
        pin: KneeL,
        plant: &[HandL, HandR],
        secs: 6.0,
        ..row(
            "hip_cars_quadruped",
            "Hip CARs on hands and knees",
            "On hands and knees with the back flat. One knee draws a slow, large circle: forward under the \
             body, out to the side, and back behind, as far as it will go without the trunk moving.",
            &[
                key_pitch(
                    Pose {
                        leg_r: Leg::new(100.0, 110.0, -85.0),
                        ..QUADRUPED
                    },
                    KneeL,
                    HandR,
                ),
                key_pitch(
                    Pose {
                        leg_r: Leg::new(62.0, 95.0, -60.0).abd(60.0).ext_rot(-20.0),
                        ..QUADRUPED
                    },
                    KneeL,
                    HandR,
                ),
                key_pitch(
                    Pose {
                        leg_r: Leg::new(-28.0, 90.0, -40.0).abd(10.0),
                        ..QUADRUPED
                    },
                    KneeL,
                    HandR,
                ),
            ],
        )
    },
    Figure {
        view: 40.0,
        props: &[Prop::Floor, Prop::Post { at: at(HandL) }],
        cues: &[trace(KneeR, 0.0)],
        pin: HeelL,
        secs: 6.0,
        ..row(
            "hip_cars_standing",
            "Standing hip CARs with support",
            "Standing on one leg holding a support. The other knee lifts in front, then the thigh circles \
             slowly out to the side and back behind the body, as far as it will go without the pelvis \
             moving, and returns the same way.",
            &[
                key(Pose {
                    arm_l: Arm::new(30.0, 35.0, 30.0),
                    ..CARS_UP
                }),
                key(Pose {
                    arm_l: Arm::new(30.0, 35.0, 30.0),
                    ..CARS_SIDE
                }),
                key(Pose {
                    arm_l: Arm::new(30.0, 35.0, 30.0),
                    ..CARS_BACK
                }),
            ],
        )
    },
    Figure {
        cues: &[push(at(Pelvis).off(-5.0, 11.0, 0.0), UP, 9.0)],
        pin: HeelR,
        plant: &[AnkleL],
        ..row(
            "glute_bridge",
            "Glute bridge",
            "Lying on the back with knees bent and feet flat, arms by the sides. Pushing through the heels, \
             the hips lift until the body is straight from shoulders to knees, and lower again.",
            &[key(SUPINE_HOOK), key_pitch(BRIDGE, HeelR, Chest)],
        )
    },
    Figure {
        cues: &[trace(KneeR, 6.0)],
        pin: HeelL,
        ..row(
            "single_leg_bridge_march",
            "Bridge march",
            "Holding a bridge with the hips up, one foot lifts off the floor, knee bent, and sets down \
             again, then the other, without the pelvis dropping or turning.",
            &[
                key_pitch(BRIDGE, HeelL, Chest),
                key_pitch(
                    Pose {
                        leg_r: Leg::new(80.0, 95.0, -10.0),
                        ..BRIDGE
                    },
                    HeelL,
                    Chest,
                ),
            ],
        )
    },
    Figure {
        view: FRONT,
        cues: &[trace(AnkleR, 6.0)],
        ..row(
            "side_lying_hip_abduction",
            "Side-lying hip abduction",
            "Lying on one side with the head on the lower arm. The top leg, knee straight and toes pointing \
             forward, lifts up and slightly back and lowers slowly, without the pelvis rolling.",
            &[
                key(SIDE_LYING),
                key(Pose {
                    leg_r: Leg::new(-5.0, 0.0, -20.0).abd(35.0),
                    ..SIDE_LYING
                }),
            ],
        )
    },
    Figure {
        view: 45.0,
        props: &[Prop::Floor, BAND_ANKLES],
        cues: &[trace(AnkleR, -6.0)],
        pin: HeelL,
        ..row(
            "band_lateral_walk",
            "Band lateral walk",
            "In a half squat with a mini band around the lower legs, hands on the hips. One foot steps out \
             to the side against the band, then the other follows, keeping the band taut and the knees \
             pushed out.",
            &[
                key(Pose {
                    body: [-15.0, 0.0, 0.0],
                    leg_l: Leg::new(45.0, 50.0, 10.0).abd(8.0),
                    leg_r: Leg::new(45.0, 50.0, 10.0).abd(8.0),
                    arm_l: HANDS_ON_HIPS,
                    arm_r: HANDS_ON_HIPS,
                    ..STAND
                }),
                key(Pose {
                    body: [-15.0, 0.0, 0.0],
                    leg_l: Leg::new(45.0, 50.0, 10.0).abd(8.0),
                    leg_r: Leg::new(45.0, 48.0, 10.0).abd(26.0),
                    arm_l: HANDS_ON_HIPS,
                    arm_r: HANDS_ON_HIPS,
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        cues: &[trace(AnkleR, 8.0)],
        ..row(
            "single_leg_lowers",
            "Single leg lowers",
            "Lying on the back with one knee bent and that foot flat on the floor, the other leg straight up. \
             The straight leg lowers slowly to the floor and comes back up while the low back stays flat.",
            &[
                key(Pose {
                    leg_l: HOOK,
                    leg_r: LEGS_UP,
                    ..SUPINE
                }),
                key(Pose {
                    leg_l: HOOK,
                    leg_r: Leg::new(4.0, 0.0, -20.0),
                    ..SUPINE
                }),
            ],
        )
    },
    Figure {
        cues: &[trace(AnkleR, 7.0), trace(HandL, -6.0)],
        ..row(
            "dead_bug",
            "Dead bug",
            "Lying on the back with hips and knees bent to right angles and arms reaching to the ceiling, low \
             back flat. One leg straightens out just above the floor while the opposite arm reaches \
             overhead, then they return.",
            &[
                key(Pose {
                    leg_l: TABLETOP,
                    leg_r: TABLETOP,
                    arm_l: REACH_UP,
                    arm_r: REACH_UP,
                    ..SUPINE
                }),
                key(Pose {
                    leg_l: TABLETOP,
                    leg_r: Leg::new(18.0, 0.0, -20.0),
                    arm_l: Arm::new(175.0, 0.0, 0.0),
                    arm_r: REACH_UP,
                    ..SUPINE
                }),
            ],
        )
    },
    Figure {
        cues: &[trace(AnkleR, -6.0), trace(HandL, 6.0)],
        pin: KneeL,
        plant: &[HandR],
        ..row(
            "bird_dog",
            "Bird dog",
            "On hands and knees with the back flat. One leg straightens out behind and the opposite arm \
             reaches forward until both are level with the trunk, held briefly without the back sagging or \
             the pelvis turning, then they return.",
            &[
                key_pitch(QUADRUPED, KneeL, HandR),
                key_pitch(
                    Pose {
                        leg_r: Leg::new(-18.0, 0.0, -40.0),
                        arm_l: Arm::new(162.0, 0.0, 0.0),
                        ..QUADRUPED
                    },
                    KneeL,
                    HandR,
                ),
            ],
        )
    },
    Figure {
        view: 75.0,
        cues: &[push(at(Pelvis).off(0.0, 8.0, 0.0), UP, 8.0)],
        pin: ElbowL,
        ..row(
            "side_plank_knees",
            "Side plank on the knees",
            "Lying on one side propped on the forearm, elbow under the shoulder, knees bent. The hips lift \
             until the body is straight from head to knees, and lower again.",
            &[
                key_roll(SIDE_KNEES_SAG, ToeL, ElbowL),
                key_roll(SIDE_KNEES, ToeL, ElbowL),
            ],
        )
    },
    Figure {
        view: 75.0,
        cues: &[push(at(Pelvis).off(0.0, 8.0, 0.0), UP, 8.0)],
        pin: ElbowL,
        ..row(
            "side_plank",
            "Side plank",
            "Lying on one side propped on the forearm, elbow under the shoulder, legs straight and feet \
             stacked. The hips lift until the body is straight from head to feet, and lower again.",
            &[
                key_roll(SIDE_PLANK_SAG, ToeL, ElbowL),
                key_roll(SIDE_PLANK, ToeL, ElbowL),
            ],
        )
    },
    Figure {
        view: 50.0,
        props: &[Prop::Floor, PALLOF_ANCHOR],
        pin: KneeR,
        ..row(
            "pallof_press_tall_kneeling",
            "Pallof press, tall kneeling",
            "Kneeling upright on both knees, side-on to a band anchored at chest height, hands together at the \
             chest. The hands press straight out and come back without the trunk turning towards the \
             anchor.",
            &[
                key(Pose {
                    leg_l: KNEEL,
                    leg_r: KNEEL,
                    arm_l: PRESS_IN,
                    arm_r: PRESS_IN,
                    ..STAND
                }),
                key(Pose {
                    leg_l: KNEEL,
                    leg_r: KNEEL,
                    arm_l: PRESS_OUT,
                    arm_r: PRESS_OUT,
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        view: 50.0,
        props: &[Prop::Floor, PALLOF_ANCHOR],
        pin: KneeL,
        ..row(
            "pallof_press_half_kneeling",
            "Pallof press, half kneeling",
            "Half-kneeling side-on to a band anchored at chest height, with the knee nearer the anchor on \
             the floor and the other foot flat in front. Hands together at the chest press straight out and \
             come back, without the trunk turning.",
            &[
                key(Pose {
                    leg_l: KNEEL,
                    leg_r: FRONT_FOOT,
                    arm_l: PRESS_IN,
                    arm_r: PRESS_IN,
                    ..STAND
                }),
                key(Pose {
                    leg_l: KNEEL,
                    leg_r: FRONT_FOOT,
                    arm_l: PRESS_OUT,
                    arm_r: PRESS_OUT,
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        view: 50.0,
        props: &[Prop::Floor, PALLOF_ANCHOR],
        pin: HeelR,
        ..row(
            "pallof_press_split_stance",
            "Pallof press, split stance",
            "Standing in a short split stance side-on to a band anchored at chest height, hands together at \
             the chest. The hands press straight out and come back, without the trunk turning.",
            &[
                key(Pose {
                    leg_r: Leg::new(22.0, 12.0, -10.0),
                    leg_l: Leg::new(-15.0, 12.0, 25.0),
                    arm_l: PRESS_IN,
                    arm_r: PRESS_IN,
                    ..STAND
                }),
                key(Pose {
                    leg_r: Leg::new(22.0, 12.0, -10.0),
                    leg_l: Leg::new(-15.0, 12.0, 25.0),
                    arm_l: PRESS_OUT,
                    arm_r: PRESS_OUT,
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        cues: &[trace(Pelvis, 9.0)],
        pin: HeelR,
        plant: &[AnkleL],
        ..row(
            "split_squat",
            "Split squat",
            "Standing in a long split stance, back heel up, hands on the hips. Both knees bend to lower the \
             back knee towards the floor, trunk upright and front knee over the foot, then push back up.",
            &[key(SPLIT_TOP), key(SPLIT_BOTTOM)],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Block {
                at: at(ToeL).off(0.0, -2.0, 0.0),
                x: [-22.0, 6.0],
                z: 15.0,
                style: BlockStyle::Bench,
            },
        ],
        cues: &[trace(Pelvis, 9.0)],
        pin: HeelR,
        plant: &[AnkleL],
        ..row(
            "rear_foot_elevated_split_squat",
            "Rear-foot-elevated split squat",
            "Standing on one leg with the top of the back foot resting on a bench behind. The front knee \
             bends to lower the body until the front thigh is nearly level, trunk tall, then pushes back up.",
            &[
                key(Pose {
                    leg_r: Leg::new(20.0, 8.0, -12.0),
                    leg_l: Leg::new(-30.0, 80.0, -60.0),
                    arm_l: HANDS_ON_HIPS,
                    arm_r: HANDS_ON_HIPS,
                    ..STAND
                }),
                key(Pose {
                    body: [-10.0, 0.0, 0.0],
                    leg_r: Leg::new(90.0, 85.0, 5.0),
                    leg_l: Leg::new(-5.0, 90.0, -60.0),
                    arm_l: HANDS_ON_HIPS,
                    arm_r: HANDS_ON_HIPS,
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Block {
                at: at(ToeR).off(0.0, -2.0, 0.0),
                x: [-6.0, 22.0],
                z: 15.0,
                style: BlockStyle::Box,
            },
            Prop::Post {
                at: at(HandR).off(6.0, 0.0, 0.0),
            },
        ],
        cues: &[trace(HeelR, -5.0)],
        ground: Ground::On(ToeR, STEP_H),
        pin: ToeR,
        ..row(
            "single_leg_calf_raise",
            "Single-leg calf raise",
            "Standing on the ball of one foot on the edge of a step, heel hanging off, the other knee bent \
             and a hand on a support for balance. The heel lowers below the step, then the body rises high \
             onto the toes, slowly.",
            &[
                key(Pose {
                    leg_r: Leg::new(0.0, 3.0, 18.0),
                    leg_l: Leg::new(-10.0, 80.0, -20.0),
                    arm_r: Arm::new(35.0, 10.0, 25.0),
                    ..STAND
                }),
                key(Pose {
                    leg_r: Leg::new(0.0, 0.0, -32.0),
                    leg_l: Leg::new(-10.0, 80.0, -20.0),
                    arm_r: Arm::new(35.0, 10.0, 25.0),
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Roller {
                at: at(Spine),
                r: 4.4,
            },
        ],
        cues: &[trace(Head, 7.0)],
        pin: HeelR,
        plant: &[AnkleL],
        ..row(
            "thoracic_extension_foam_roller",
            "Thoracic extension over a foam roller",
            "Lying on the back with a foam roller across the upper back, knees bent, feet flat, hands \
             supporting the head. The upper back arches back over the roller and returns, while the \
             ribs stay down and the low back does not arch.",
            &[
                key(Pose {
                    body: [73.0, 0.0, 0.0],
                    thorax: [12.0, 0.0, 0.0],
                    neck: 25.0,
                    leg_l: Leg::new(77.0, 140.0, -10.0),
                    leg_r: Leg::new(77.0, 140.0, -10.0),
                    arm_l: Arm::new(150.0, 35.0, 135.0),
                    arm_r: Arm::new(150.0, 35.0, 135.0),
                    ..STAND
                }),
                key(Pose {
                    body: [73.0, 0.0, 0.0],
                    thorax: [-20.0, 0.0, 0.0],
                    neck: 5.0,
                    leg_l: Leg::new(77.0, 140.0, -10.0),
                    leg_r: Leg::new(77.0, 140.0, -10.0),
                    arm_l: Arm::new(150.0, 35.0, 135.0),
                    arm_r: Arm::new(150.0, 35.0, 135.0),
                    ..STAND
                }),
            ],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Block {
                at: at(AnkleR).off(0.0, -3.0, 0.0),
                x: [-20.0, 8.0],
                z: 16.0,
                style: BlockStyle::Box,
            },
        ],
        ..row(
            "breathing_90_90",
            "90/90 breathing",
            "Lying on the back with the hips and knees bent to right angles and the calves resting on a box \
             or chair, hands on the belly and lower ribs. Slow breaths in through the nose fill the belly \
             and the sides of the ribs; long breaths out let the ribs sink down.",
            &[key(Pose {
                leg_l: TABLETOP,
                leg_r: TABLETOP,
                arm_l: Arm::new(28.0, 10.0, 95.0),
                arm_r: Arm::new(28.0, 10.0, 95.0),
                ..SUPINE
            })],
        )
    },
    Figure {
        cues: &[Cue::Align {
            a: at(AnkleR).off(0.0, 9.0, 0.0),
            b: at(ShoulderR).off(0.0, 9.0, 0.0),
            ext: 4.0,
        }],
        ..row(
            "plank",
            "Plank",
            "Face down propped on the forearms and toes, elbows under the shoulders. The body is held in a \
             straight line from head to heels (the dashed line), without the hips sagging or piking up.",
            &[key_pitch(PLANK, ToeR, ElbowR)],
        )
    },
    Figure {
        view: -60.0,
        props: &[Prop::Floor, BAND_KNEES],
        cues: &[trace(KneeR, 6.0)],
        ..row(
            "clamshell",
            "Clamshell",
            "Lying on one side with hips and knees bent and a mini band just above the knees, feet together. \
             The top knee opens up like a clamshell while the feet stay together and the pelvis does not \
             roll back, then closes slowly.",
            &[
                key(Pose {
                    leg_l: CLAM,
                    leg_r: CLAM,
                    ..SIDE_LYING
                }),
                key(Pose {
                    leg_l: CLAM,
                    leg_r: CLAM.abd(38.0).ext_rot(25.0),
                    ..SIDE_LYING
                }),
            ],
        )
    },
    Figure {
        props: &[
            Prop::Floor,
            Prop::Block {
                at: at(ToeR).off(0.0, -2.0, 0.0),
                x: [-26.0, 3.0],
                z: 15.0,
                style: BlockStyle::Box,
            },
        ],
        cues: &[trace(HeelL, -6.0)],
        ground: Ground::On(ToeR, STEP_H),
        pin: ToeR,
        ..row(
            "step_down",
            "Step down",
            "Standing on one leg on a step, hands on the hips, the other leg held in front off the edge. The \
             standing knee bends, tracking over the middle of the foot with the pelvis level, until the \
             other heel lightly touches the floor, then straightens.",
            &[
                key(Pose {
                    leg_r: Leg::new(0.0, 3.0, 0.0),
                    leg_l: Leg::new(20.0, 10.0, 0.0),
                    arm_l: HANDS_ON_HIPS,
                    arm_r: HANDS_ON_HIPS,
                    ..STAND
                }),
                key(Pose {
                    body: [-20.0, 0.0, 0.0],
                    leg_r: Leg::new(75.0, 90.0, 35.0),
                    leg_l: Leg::new(37.0, 0.0, 10.0),
                    arm_l: HANDS_ON_HIPS,
                    arm_r: HANDS_ON_HIPS,
                    ..STAND
                }),
            ],
        )
    },
];
