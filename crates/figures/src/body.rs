//! The body model: joint angles of one position and forward kinematics from the pelvis.
//!
//! World axes (body units, a standing body is 100 tall): `x` is where the standing body faces,
//! `y` is up, `z` is the body's right. All angles are in degrees. Segment lengths follow the usual
//! proportions of a standard adult body (Winter's anthropometric table, rounded).

use std::ops::{Add, Mul, Sub};

/// A point or direction in world space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct V3 {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl V3 {
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        V3 { x, y, z }
    }

    pub fn dot(self, o: V3) -> f64 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }

    pub fn len(self) -> f64 {
        self.dot(self).sqrt()
    }

    pub fn lerp(self, o: V3, t: f64) -> V3 {
        self + (o - self) * t
    }
}

impl Add for V3 {
    type Output = V3;
    fn add(self, o: V3) -> V3 {
        V3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
}

impl Sub for V3 {
    type Output = V3;
    fn sub(self, o: V3) -> V3 {
        V3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
}

impl Mul<f64> for V3 {
    type Output = V3;
    fn mul(self, k: f64) -> V3 {
        V3::new(self.x * k, self.y * k, self.z * k)
    }
}

/// A rotation as a 3×3 matrix (rows).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rot([[f64; 3]; 3]);

impl Rot {
    /// Rotation about the forward axis.
    pub fn x(deg: f64) -> Rot {
        let (s, c) = deg.to_radians().sin_cos();
        Rot([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
    }

    /// Rotation about the vertical axis.
    pub fn y(deg: f64) -> Rot {
        let (s, c) = deg.to_radians().sin_cos();
        Rot([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    }

    /// Rotation about the body's right axis; positive turns forward into up.
    pub fn z(deg: f64) -> Rot {
        let (s, c) = deg.to_radians().sin_cos();
        Rot([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    }

    pub fn then(self, o: Rot) -> Rot {
        let mut m = [[0.0; 3]; 3];
        for (i, row) in m.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = (0..3).map(|k| self.0[i][k] * o.0[k][j]).sum();
            }
        }
        Rot(m)
    }

    pub fn apply(self, v: V3) -> V3 {
        let r = |i: usize| self.0[i][0] * v.x + self.0[i][1] * v.y + self.0[i][2] * v.z;
        V3::new(r(0), r(1), r(2))
    }
}

/// Segment lengths and offsets in body units (standing height 100).
pub(crate) mod len {
    pub const HIP_HALF: f64 = 5.5;
    pub const LUMBAR: f64 = 13.0;
    pub const THORAX: f64 = 16.0;
    pub const SHOULDER_HALF: f64 = 10.5;
    pub const NECK: f64 = 5.5;
    pub const HEAD_R: f64 = 6.3;
    pub const UPPER_ARM: f64 = 18.6;
    pub const FOREARM: f64 = 16.0;
    pub const THIGH: f64 = 24.5;
    pub const SHIN: f64 = 24.6;
    pub const ANKLE_H: f64 = 3.6;
    pub const HEEL_BACK: f64 = 3.0;
    pub const TOE_FWD: f64 = 12.0;
}

/// Every point the renderer and the props know by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Joint {
    Pelvis,
    Spine,
    Chest,
    NeckTop,
    Head,
    HipL,
    KneeL,
    AnkleL,
    HeelL,
    ToeL,
    HipR,
    KneeR,
    AnkleR,
    HeelR,
    ToeR,
    ShoulderL,
    ElbowL,
    HandL,
    ShoulderR,
    ElbowR,
    HandR,
}

/// How many [`Joint`]s there are.
pub(crate) const JOINTS: usize = 21;

impl Joint {
    pub const ALL: [Joint; JOINTS] = [
        Joint::Pelvis,
        Joint::Spine,
        Joint::Chest,
        Joint::NeckTop,
        Joint::Head,
        Joint::HipL,
        Joint::KneeL,
        Joint::AnkleL,
        Joint::HeelL,
        Joint::ToeL,
        Joint::HipR,
        Joint::KneeR,
        Joint::AnkleR,
        Joint::HeelR,
        Joint::ToeR,
        Joint::ShoulderL,
        Joint::ElbowL,
        Joint::HandL,
        Joint::ShoulderR,
        Joint::ElbowR,
        Joint::HandR,
    ];

    /// Half the thickness drawn around this joint: where it touches a surface.
    pub fn radius(self) -> f64 {
        use Joint::*;
        match self {
            Pelvis | HipL | HipR => 5.0,
            Spine => 5.0,
            Chest => 5.5,
            NeckTop => 2.25,
            Head => len::HEAD_R,
            KneeL | KneeR => 3.5,
            AnkleL | AnkleR => 2.75,
            HeelL | HeelR | ToeL | ToeR => 2.0,
            ShoulderL | ShoulderR => 4.5,
            ElbowL | ElbowR => 2.75,
            HandL | HandR => 2.25,
        }
    }
}

/// One leg: hip `[flexion, abduction, external rotation]`, knee flexion, ankle dorsiflexion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Leg {
    pub hip: [f64; 3],
    pub knee: f64,
    pub ankle: f64,
}

impl Leg {
    pub const STRAIGHT: Leg = Leg {
        hip: [0.0; 3],
        knee: 0.0,
        ankle: 0.0,
    };

    /// A leg in the sagittal plane: hip flexion, knee flexion, ankle dorsiflexion.
    pub const fn new(hip: f64, knee: f64, ankle: f64) -> Leg {
        Leg {
            hip: [hip, 0.0, 0.0],
            knee,
            ankle,
        }
    }

    /// The same leg with the hip abducted (negative: adducted).
    pub const fn abd(mut self, deg: f64) -> Leg {
        self.hip[1] = deg;
        self
    }

    /// The same leg with the hip rotated outwards (negative: inwards).
    pub const fn ext_rot(mut self, deg: f64) -> Leg {
        self.hip[2] = deg;
        self
    }
}

/// One arm: shoulder `[flexion, abduction, internal rotation]`, elbow flexion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Arm {
    pub shoulder: [f64; 3],
    pub elbow: f64,
}

impl Arm {
    pub const SIDE: Arm = Arm::new(0.0, 0.0, 8.0);

    /// An arm: shoulder flexion, shoulder abduction, elbow flexion.
    pub const fn new(flex: f64, abd: f64, elbow: f64) -> Arm {
        Arm {
            shoulder: [flex, abd, 0.0],
            elbow,
        }
    }

    /// The same arm with the shoulder turned inwards, so a bent elbow brings the hand across.
    pub const fn int_rot(mut self, deg: f64) -> Arm {
        self.shoulder[2] = deg;
        self
    }
}

/// One body position as joint angles (degrees).
///
/// `body` orients the pelvis in the world as `[pitch, roll, yaw]`: pitch 90 lies on the back with
/// the head towards −x, pitch −90 lies face down with the head towards +x, roll −90 lies on the left
/// side. `lumbar` and `thorax` are `[flexion, side bend to the right, twist to the left]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Pose {
    pub body: [f64; 3],
    pub lumbar: [f64; 3],
    pub thorax: [f64; 3],
    pub neck: f64,
    pub leg_l: Leg,
    pub leg_r: Leg,
    pub arm_l: Arm,
    pub arm_r: Arm,
}

impl Pose {
    /// Standing tall, arms relaxed at the sides.
    pub const STAND: Pose = Pose {
        body: [0.0; 3],
        lumbar: [0.0; 3],
        thorax: [0.0; 3],
        neck: 0.0,
        leg_l: Leg::STRAIGHT,
        leg_r: Leg::STRAIGHT,
        arm_l: Arm::SIDE,
        arm_r: Arm::SIDE,
    };

    /// A position part of the way (`t` in 0..=1) from `self` to `o`, angle by angle.
    pub fn lerp(&self, o: &Pose, t: f64) -> Pose {
        let f = |a: f64, b: f64| a + (b - a) * t;
        let f3 = |a: [f64; 3], b: [f64; 3]| [f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2])];
        let leg = |a: Leg, b: Leg| Leg {
            hip: f3(a.hip, b.hip),
            knee: f(a.knee, b.knee),
            ankle: f(a.ankle, b.ankle),
        };
        let arm = |a: Arm, b: Arm| Arm {
            shoulder: f3(a.shoulder, b.shoulder),
            elbow: f(a.elbow, b.elbow),
        };
        Pose {
            body: f3(self.body, o.body),
            lumbar: f3(self.lumbar, o.lumbar),
            thorax: f3(self.thorax, o.thorax),
            neck: f(self.neck, o.neck),
            leg_l: leg(self.leg_l, o.leg_l),
            leg_r: leg(self.leg_r, o.leg_r),
            arm_l: arm(self.arm_l, o.arm_l),
            arm_r: arm(self.arm_r, o.arm_r),
        }
    }

    /// Forward kinematics: every joint's world position with the pelvis at the origin.
    pub fn joints(&self) -> Skeleton {
        let mut p = [V3::new(0.0, 0.0, 0.0); JOINTS];
        let [pitch, roll, yaw] = self.body;
        let pelvis = Rot::y(yaw).then(Rot::z(pitch)).then(Rot::x(roll));
        let spine_rot =
            |r: Rot, a: [f64; 3]| r.then(Rot::z(-a[0])).then(Rot::x(a[1])).then(Rot::y(a[2]));
        let lumbar = spine_rot(pelvis, self.lumbar);
        let thorax = spine_rot(lumbar, self.thorax);
        let head = thorax.then(Rot::z(-self.neck));
        let at = |j: Joint| j as usize;

        p[at(Joint::Spine)] = lumbar.apply(V3::new(0.0, len::LUMBAR, 0.0));
        p[at(Joint::Chest)] = p[at(Joint::Spine)] + thorax.apply(V3::new(0.0, len::THORAX, 0.0));
        p[at(Joint::NeckTop)] = p[at(Joint::Chest)] + head.apply(V3::new(0.6, len::NECK, 0.0));
        p[at(Joint::Head)] =
            p[at(Joint::NeckTop)] + head.apply(V3::new(1.2, len::HEAD_R - 0.8, 0.0));

        let legs = [
            (
                -1.0,
                self.leg_l,
                [
                    Joint::HipL,
                    Joint::KneeL,
                    Joint::AnkleL,
                    Joint::HeelL,
                    Joint::ToeL,
                ],
            ),
            (
                1.0,
                self.leg_r,
                [
                    Joint::HipR,
                    Joint::KneeR,
                    Joint::AnkleR,
                    Joint::HeelR,
                    Joint::ToeR,
                ],
            ),
        ];
        for (s, leg, [hip, knee, ankle, heel, toe]) in legs {
            p[at(hip)] = pelvis.apply(V3::new(0.0, 0.0, s * len::HIP_HALF));
            let thigh = pelvis
                .then(Rot::z(leg.hip[0]))
                .then(Rot::x(-s * leg.hip[1]))
                .then(Rot::y(-s * leg.hip[2]));
            p[at(knee)] = p[at(hip)] + thigh.apply(V3::new(0.0, -len::THIGH, 0.0));
            let shin = thigh.then(Rot::z(-leg.knee));
            p[at(ankle)] = p[at(knee)] + shin.apply(V3::new(0.0, -len::SHIN, 0.0));
            let foot = shin.then(Rot::z(leg.ankle));
            p[at(heel)] = p[at(ankle)] + foot.apply(V3::new(-len::HEEL_BACK, -len::ANKLE_H, 0.0));
            p[at(toe)] = p[at(ankle)] + foot.apply(V3::new(len::TOE_FWD, -len::ANKLE_H, 0.0));
        }

        let arms = [
            (
                -1.0,
                self.arm_l,
                [Joint::ShoulderL, Joint::ElbowL, Joint::HandL],
            ),
            (
                1.0,
                self.arm_r,
                [Joint::ShoulderR, Joint::ElbowR, Joint::HandR],
            ),
        ];
        for (s, arm, [shoulder, elbow, hand]) in arms {
            p[at(shoulder)] =
                p[at(Joint::Chest)] + thorax.apply(V3::new(0.0, -1.0, s * len::SHOULDER_HALF));
            let upper = thorax
                .then(Rot::z(arm.shoulder[0]))
                .then(Rot::x(-s * arm.shoulder[1]))
                .then(Rot::y(s * arm.shoulder[2]));
            p[at(elbow)] = p[at(shoulder)] + upper.apply(V3::new(0.0, -len::UPPER_ARM, 0.0));
            let fore = upper.then(Rot::z(arm.elbow));
            p[at(hand)] = p[at(elbow)] + fore.apply(V3::new(0.0, -len::FOREARM, 0.0));
        }
        Skeleton(p)
    }
}

/// World positions of every [`Joint`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Skeleton(pub [V3; JOINTS]);

impl Skeleton {
    pub fn get(&self, j: Joint) -> V3 {
        self.0[j as usize]
    }

    /// Moves every joint by `d`.
    pub fn shift(&mut self, d: V3) {
        for p in &mut self.0 {
            *p = *p + d;
        }
    }

    /// The height of a joint's underside.
    pub fn bottom(&self, j: Joint) -> f64 {
        self.get(j).y - j.radius()
    }

    /// The lowest underside of any joint.
    pub fn lowest(&self) -> f64 {
        Joint::ALL
            .iter()
            .map(|&j| self.bottom(j))
            .fold(f64::INFINITY, f64::min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: V3, b: V3) -> bool {
        (a - b).len() < 1e-9
    }

    #[test]
    fn standing_body_is_about_100_tall_and_faces_plus_x() {
        let s = Pose::STAND.joints();
        let top = s.get(Joint::Head).y + len::HEAD_R;
        let bottom = s.lowest();
        assert!(
            (top - bottom - 100.0).abs() < 3.0,
            "height {}",
            top - bottom
        );
        assert!(s.get(Joint::ToeR).x > s.get(Joint::HeelR).x);
        assert!(s.get(Joint::HipR).z > 0.0);
    }

    #[test]
    fn hip_flexion_brings_the_thigh_forward_and_knee_flexion_takes_the_shin_back() {
        let s = Pose {
            leg_r: Leg::new(90.0, 90.0, 0.0),
            ..Pose::STAND
        }
        .joints();
        let hip = s.get(Joint::HipR);
        assert!(close(
            s.get(Joint::KneeR),
            hip + V3::new(len::THIGH, 0.0, 0.0)
        ));
        assert!(close(
            s.get(Joint::AnkleR),
            s.get(Joint::KneeR) + V3::new(0.0, -len::SHIN, 0.0)
        ));
    }

    #[test]
    fn abduction_takes_each_leg_outwards() {
        let s = Pose {
            leg_r: Leg::STRAIGHT.abd(30.0),
            leg_l: Leg::STRAIGHT.abd(30.0),
            ..Pose::STAND
        }
        .joints();
        assert!(s.get(Joint::KneeR).z > s.get(Joint::HipR).z);
        assert!(s.get(Joint::KneeL).z < s.get(Joint::HipL).z);
    }

    #[test]
    fn pitch_90_lies_on_the_back() {
        let s = Pose {
            body: [90.0, 0.0, 0.0],
            ..Pose::STAND
        }
        .joints();
        assert!(s.get(Joint::Head).x < -30.0);
        assert!(
            s.get(Joint::ToeR).y > s.get(Joint::HeelR).y,
            "toes point up"
        );
    }
}
