//! A moving stick figure with known angles, filmed from the side or from behind, as the landmark
//! series the page would post: the test bed for the form metrics (and their benchmark), with
//! jitter, dropped frames and frames where no person was found.

use std::f64::consts::TAU;

use super::{LANDMARKS, Landmark, RawFrame, RawSeries, View};

/// One side's landmarks in the order the generator poses them: shoulder, hip, knee, ankle,
/// heel, toe, elbow, wrist, pinky, index, thumb, ear.
const LEFT_SIDE: [Landmark; 12] = [
    Landmark::LeftShoulder,
    Landmark::LeftHip,
    Landmark::LeftKnee,
    Landmark::LeftAnkle,
    Landmark::LeftHeel,
    Landmark::LeftFootIndex,
    Landmark::LeftElbow,
    Landmark::LeftWrist,
    Landmark::LeftPinky,
    Landmark::LeftIndex,
    Landmark::LeftThumb,
    Landmark::LeftEar,
];
/// The other side's, in the same order.
const RIGHT_SIDE: [Landmark; 12] = [
    Landmark::RightShoulder,
    Landmark::RightHip,
    Landmark::RightKnee,
    Landmark::RightAnkle,
    Landmark::RightHeel,
    Landmark::RightFootIndex,
    Landmark::RightElbow,
    Landmark::RightWrist,
    Landmark::RightPinky,
    Landmark::RightIndex,
    Landmark::RightThumb,
    Landmark::RightEar,
];

/// What the figure does. Angles in degrees; the analysis should give them back.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticRunner {
    pub view: View,
    pub seconds: f64,
    pub frames_per_second: f64,
    pub width: f64,
    pub height: f64,
    /// Steps per minute.
    pub cadence: f64,
    /// Hip→shoulder from vertical at mid-stance, forward positive.
    pub trunk_lean: f64,
    /// Shoulder→ear from vertical, forward positive.
    pub head_forward: f64,
    /// Knee→ankle from vertical at initial contact, foot ahead positive.
    pub shank_at_contact: f64,
    /// 180° − the hip-knee-ankle angle at initial contact.
    pub knee_flexion_at_contact: f64,
    /// Rear view: the swinging side's hip lower, standing on the left / right leg.
    pub pelvic_drop_left_stance: f64,
    pub pelvic_drop_right_stance: f64,
    /// Rear view: the standing ankle's distance from the midline as a share of hip width
    /// (negative: crossed over).
    pub step_width: f64,
    /// The hips' rise and fall as a share of leg length.
    pub bounce: f64,
    /// Runs towards the picture's left.
    pub facing_left: bool,
    /// The share of the picture's width the runner crosses in the clip (0: on a treadmill, in
    /// the middle of the picture).
    pub travel: f64,
    /// How far a pose model pulls each side's hip landmark back with its thigh once the thigh
    /// swings more than 10° behind vertical, and that side's shoulder forward with its arm
    /// (which swings against the leg), as a share of leg length at a thigh 30° back; seen on the
    /// demo clip's walker, whose two sides agree at mid-stance and disagree by ~12° with the
    /// feet apart (bench/RESULTS.md, h4). 0: every landmark on its joint.
    pub limb_drag: f64,
    /// Pixel jitter (standard deviation) on every coordinate.
    pub noise_px: f64,
    /// Share of frames missing from the series (dropped by the browser).
    pub dropped: f64,
    /// Share of frames where the model found no person.
    pub no_pose: f64,
    /// The model's visibility for every landmark...
    pub visibility: f64,
    /// ...except these, seen poorly (visibility 0.1).
    pub hidden: Vec<Landmark>,
    pub seed: u64,
}

impl Default for SyntheticRunner {
    fn default() -> Self {
        SyntheticRunner {
            view: View::Side,
            seconds: 10.0,
            frames_per_second: 60.0,
            width: 1280.0,
            height: 720.0,
            cadence: 170.0,
            trunk_lean: 7.0,
            head_forward: 12.0,
            shank_at_contact: 8.0,
            knee_flexion_at_contact: 16.0,
            pelvic_drop_left_stance: 4.0,
            pelvic_drop_right_stance: 9.0,
            step_width: 0.3,
            bounce: 0.08,
            facing_left: false,
            travel: 0.0,
            limb_drag: 0.0,
            noise_px: 0.5,
            dropped: 0.1,
            no_pose: 0.03,
            visibility: 0.95,
            hidden: Vec::new(),
            seed: 7,
        }
    }
}

/// Thigh swing either side of its middle, degrees.
const THIGH_SWING: f64 = 25.0;
/// Extra knee bend at its peak in swing, degrees.
const KNEE_SWING: f64 = 70.0;
/// Where in the stride (0–1 from contact) the knee is most bent.
const KNEE_PEAK_PHASE: f64 = 0.7;
/// Where in the stride the left foot is when the clip starts.
const START_PHASE: f64 = 0.37;

/// A small deterministic random source (xorshift64*), so every run of a test sees the same clip.
struct Jitter(u64);

impl Jitter {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        (bits as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (TAU * v).cos()
    }
}

impl SyntheticRunner {
    fn thigh(&self, phase: f64) -> f64 {
        let at_contact = self.shank_at_contact + self.knee_flexion_at_contact;
        at_contact - THIGH_SWING + THIGH_SWING * (TAU * phase).cos()
    }
    fn knee(&self, phase: f64) -> f64 {
        let warp = phase.powf(0.5f64.ln() / KNEE_PEAK_PHASE.ln());
        self.knee_flexion_at_contact + KNEE_SWING * (1.0 - (TAU * warp).cos()) / 2.0
    }
    fn leg_length(&self) -> f64 {
        0.42 * self.height
    }
    /// The ankle from its hip, in leg lengths: (forward, down).
    fn ankle(&self, phase: f64) -> (f64, f64) {
        let a = self.thigh(phase).to_radians();
        let s = (self.thigh(phase) - self.knee(phase)).to_radians();
        (0.5 * (a.sin() + s.sin()), 0.5 * (a.cos() + s.cos()))
    }
    /// The phase of the left foot's mid-stance as the analysis defines it for this view.
    fn mid_stance_phase(&self) -> f64 {
        const STEPS: u32 = 4000;
        let phases = (0..STEPS).map(|i| f64::from(i) / f64::from(STEPS));
        match self.view {
            View::Side => phases
                .clone()
                .find(|&p| p > 0.0 && self.ankle(p).0 <= 0.0)
                .unwrap_or(0.25),
            View::Rear => phases
                .min_by(|&a, &b| {
                    let h = |p: f64| self.ankle((p + 0.5).fract()).1;
                    h(a).total_cmp(&h(b))
                })
                .unwrap_or(0.25),
        }
    }

    /// The landmark series of the clip.
    pub fn series(&self) -> RawSeries {
        let mut jitter = Jitter(self.seed.max(1));
        let total = (self.seconds * self.frames_per_second).round() as usize;
        let stride = 120.0 / self.cadence;
        let mid = self.mid_stance_phase();
        let mut frames = Vec::with_capacity(total);
        for i in 0..total {
            let t = i as f64 / self.frames_per_second;
            if jitter.uniform() < self.dropped {
                continue;
            }
            if jitter.uniform() < self.no_pose {
                frames.push(RawFrame {
                    t: Some(t),
                    landmarks: Vec::new(),
                });
                continue;
            }
            let left = (t / stride + START_PHASE).fract();
            let pose = match self.view {
                View::Side => self.side_pose(left, mid, t),
                View::Rear => self.rear_pose(left, mid),
            };
            let landmarks = pose
                .iter()
                .enumerate()
                .map(|(j, &(x, y))| {
                    let x = x + self.noise_px * jitter.normal();
                    let y = y + self.noise_px * jitter.normal();
                    let v = if self.hidden.contains(&Landmark::ALL[j]) {
                        0.1
                    } else {
                        self.visibility
                    };
                    vec![Some(x / self.width), Some(y / self.height), Some(v)]
                })
                .collect();
            frames.push(RawFrame {
                t: Some(t),
                landmarks,
            });
        }
        RawSeries {
            view: Some(
                match self.view {
                    View::Side => "side",
                    View::Rear => "rear",
                }
                .to_owned(),
            ),
            width: Some(self.width),
            height: Some(self.height),
            frames,
        }
    }

    /// Pixel positions of every landmark, filmed from the side.
    fn side_pose(&self, left: f64, mid: f64, t: f64) -> [(f64, f64); LANDMARKS] {
        use Landmark::*;
        let (w, h, leg) = (self.width, self.height, self.leg_length());
        let d = if self.facing_left { -1.0 } else { 1.0 };
        let since_mid = left - mid;
        let crossed = if self.seconds > 0.0 {
            t / self.seconds - 0.5
        } else {
            0.0
        };
        let hip = (
            w / 2.0 + d * self.travel * w * crossed,
            0.45 * h + self.bounce * leg / 2.0 * (2.0 * TAU * since_mid).cos(),
        );
        let lean = (self.trunk_lean + 2.0 * (2.0 * TAU * since_mid).sin()).to_radians();
        let shoulder = (
            hip.0 + d * 0.28 * h * lean.sin(),
            hip.1 - 0.28 * h * lean.cos(),
        );
        let head = self.head_forward.to_radians();
        let ear = (
            shoulder.0 + d * 0.1 * h * head.sin(),
            shoulder.1 - 0.1 * h * head.cos(),
        );
        let mut pose = [(0.0, 0.0); LANDMARKS];
        for face in [
            LeftEyeInner,
            LeftEye,
            LeftEyeOuter,
            RightEyeInner,
            RightEye,
            RightEyeOuter,
        ] {
            pose[face.index()] = (ear.0 + d * 0.03 * h, ear.1 - 0.01 * h);
        }
        pose[Nose.index()] = (ear.0 + d * 0.04 * h, ear.1 + 0.005 * h);
        pose[MouthLeft.index()] = (ear.0 + d * 0.035 * h, ear.1 + 0.03 * h);
        pose[MouthRight.index()] = pose[MouthLeft.index()];
        for (side_phase, [s, hp, k, a, he, toe, el, wr, pi, ix, th, ea]) in
            [(left, LEFT_SIDE), ((left + 0.5).fract(), RIGHT_SIDE)]
        {
            let thigh = self.thigh(side_phase).to_radians();
            let shank = (self.thigh(side_phase) - self.knee(side_phase)).to_radians();
            // The thigh behind the body pulls its hip landmark back and its shoulder forward.
            let behind = (-self.thigh(side_phase) - 10.0).max(0.0) / 20.0;
            let drag = -d * self.limb_drag * leg * behind;
            let (hip_seen, shoulder_seen) =
                ((hip.0 + drag, hip.1), (shoulder.0 - drag, shoulder.1));
            let knee = (
                hip.0 + d * 0.5 * leg * thigh.sin(),
                hip.1 + 0.5 * leg * thigh.cos(),
            );
            let ankle = (
                knee.0 + d * 0.5 * leg * shank.sin(),
                knee.1 + 0.5 * leg * shank.cos(),
            );
            pose[s.index()] = shoulder_seen;
            pose[ea.index()] = ear;
            pose[hp.index()] = hip_seen;
            pose[k.index()] = knee;
            pose[a.index()] = ankle;
            pose[he.index()] = (ankle.0 - d * 0.04 * h, ankle.1 + 0.03 * h);
            pose[toe.index()] = (ankle.0 + d * 0.1 * h, ankle.1 + 0.04 * h);
            let elbow = (shoulder_seen.0, shoulder_seen.1 + 0.12 * h);
            pose[el.index()] = elbow;
            let wrist = (elbow.0 + d * 0.08 * h, elbow.1 - 0.02 * h);
            for hand in [wr, pi, ix, th] {
                pose[hand.index()] = wrist;
            }
        }
        pose
    }

    /// Pixel positions of every landmark, filmed from behind (the runner's left on the left).
    fn rear_pose(&self, left: f64, mid: f64) -> [(f64, f64); LANDMARKS] {
        use Landmark::*;
        let (w, h, leg) = (self.width, self.height, self.leg_length());
        let hip_width = 0.12 * h;
        let since_mid = left - mid;
        let centre = (
            w / 2.0,
            0.45 * h + self.bounce * leg / 2.0 * (2.0 * TAU * since_mid).cos(),
        );
        let (dl, dr) = (self.pelvic_drop_left_stance, self.pelvic_drop_right_stance);
        let tilt = ((dl + dr) / 2.0 * (TAU * since_mid).cos() + (dl - dr) / 2.0).to_radians();
        let half = hip_width / 2.0;
        let hips = [
            (centre.0 - half * tilt.cos(), centre.1 - half * tilt.sin()),
            (centre.0 + half * tilt.cos(), centre.1 + half * tilt.sin()),
        ];
        let mut pose = [(0.0, 0.0); LANDMARKS];
        let neck = (centre.0, centre.1 - 0.28 * h);
        for face in [
            Nose,
            LeftEyeInner,
            LeftEye,
            LeftEyeOuter,
            RightEyeInner,
            RightEye,
            RightEyeOuter,
            MouthLeft,
            MouthRight,
        ] {
            pose[face.index()] = (neck.0, neck.1 - 0.09 * h);
        }
        for (i, (sign, phase, [s, hp, k, a, he, toe, el, wr, pi, ix, th, ea])) in [
            (-1.0, left, LEFT_SIDE),
            (1.0, (left + 0.5).fract(), RIGHT_SIDE),
        ]
        .into_iter()
        .enumerate()
        {
            let hip = hips[i];
            let (_, down) = self.ankle(phase);
            let thigh_down = 0.5 * leg * self.thigh(phase).to_radians().cos();
            let ankle = (
                centre.0 + sign * self.step_width * hip_width,
                hip.1 + down * leg,
            );
            let knee = ((hip.0 + ankle.0) / 2.0, hip.1 + thigh_down);
            pose[s.index()] = (neck.0 + sign * 0.1 * h, neck.1);
            pose[ea.index()] = (neck.0 + sign * 0.03 * h, neck.1 - 0.09 * h);
            pose[hp.index()] = hip;
            pose[k.index()] = knee;
            pose[a.index()] = ankle;
            pose[he.index()] = (ankle.0, ankle.1 + 0.03 * h);
            pose[toe.index()] = (ankle.0, ankle.1 + 0.02 * h);
            let elbow = (neck.0 + sign * 0.12 * h, neck.1 + 0.12 * h);
            pose[el.index()] = elbow;
            for hand in [wr, pi, ix, th] {
                pose[hand.index()] = (elbow.0, elbow.1 + 0.1 * h);
            }
        }
        pose
    }
}
