//! A figure as data (positions, props, cues) and its frames: grounded, pinned and projected.

use crate::body::{Joint, Pose, Skeleton, V3, len};

/// A point tied to the body: part way from joint `a` to joint `b`, then moved by `off` (world).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spot {
    pub a: Joint,
    pub b: Joint,
    pub t: f64,
    pub off: [f64; 3],
}

/// A spot at a joint.
pub(crate) const fn at(j: Joint) -> Spot {
    Spot {
        a: j,
        b: j,
        t: 0.0,
        off: [0.0; 3],
    }
}

/// A spot part way (`t`) along the line from `a` to `b`.
pub(crate) const fn along(a: Joint, b: Joint, t: f64) -> Spot {
    Spot {
        a,
        b,
        t,
        off: [0.0; 3],
    }
}

impl Spot {
    /// The same spot moved by a world offset.
    pub const fn off(mut self, x: f64, y: f64, z: f64) -> Spot {
        self.off = [x, y, z];
        self
    }

    pub fn world(&self, s: &Skeleton) -> V3 {
        let [x, y, z] = self.off;
        s.get(self.a).lerp(s.get(self.b), self.t) + V3::new(x, y, z)
    }
}

/// How a block prop is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockStyle {
    /// A solid box or step: an outlined rectangle.
    Box,
    /// A bench, table or chair: a top and two legs.
    Bench,
}

/// Equipment and surroundings, placed relative to the start position.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Prop {
    /// The floor at height 0.
    Floor,
    /// A wall through the spot, facing along x, `height` tall.
    Wall { at: Spot, height: f64 },
    /// A box, step, bench or table whose top is at the spot's height, spanning `x` (relative to the
    /// spot) front to back and `z` either side.
    Block {
        at: Spot,
        x: [f64; 2],
        z: f64,
        style: BlockStyle,
    },
    /// A foam roller on the floor across the body, under the spot.
    Roller { at: Spot, r: f64 },
    /// A post standing on the floor up to the spot (something to hold, or a cable anchor).
    Post { at: Spot },
    /// A band or cable anchored at a post (`at`) and held at `to`; it follows the hands.
    Cable { at: Spot, to: Spot },
    /// A mini band looped between two limbs; it follows them.
    Band { a: Spot, b: Spot },
    /// A wedge behind the back: its front foot at the spot, rising back at `deg` for `len`.
    Wedge { at: Spot, deg: f64, len: f64 },
    /// A small pad: a hand-held dynamometer or a pressure cuff.
    Pad { at: Spot },
    /// A stopwatch, for timed counts.
    Stopwatch { at: Spot },
}

/// Marks drawn over the figure to show what to do or what to look for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cue {
    /// An arrow along a joint's path from the start to the end position, moved `off` to the left
    /// of the direction of travel (negative: to the right).
    Trace { joint: Joint, off: f64 },
    /// A straight arrow from the spot in a world direction.
    Push { at: Spot, dir: [f64; 3], len: f64 },
    /// A dashed vertical line through the spot from the floor up past the head.
    Plumb { at: Spot },
    /// A dashed line through two spots, extended by `ext` beyond both.
    Align { a: Spot, b: Spot, ext: f64 },
}

/// Where the start position sits.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ground {
    /// The lowest point rests on the floor.
    Floor,
    /// The underside of a joint rests at a height (on a bench, a step, a table).
    On(Joint, f64),
}

/// Which body angle is adjusted so that two supports rest at the same height.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Level {
    /// Tilt the whole body forwards or backwards (`body[0]`).
    Pitch(Joint, Joint),
    /// Tilt the whole body sideways (`body[1]`).
    Roll(Joint, Joint),
}

/// One position of a figure: joint angles, and optionally two supports to level.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key {
    pub pose: Pose,
    pub level: Option<Level>,
}

/// A key with no levelling.
pub(crate) const fn key(pose: Pose) -> Key {
    Key { pose, level: None }
}

/// A key whose body pitch is adjusted until `a` and `b` rest at the same height.
pub(crate) const fn key_pitch(pose: Pose, a: Joint, b: Joint) -> Key {
    Key {
        pose,
        level: Some(Level::Pitch(a, b)),
    }
}

/// A key whose body roll is adjusted until `a` and `b` rest at the same height.
pub(crate) const fn key_roll(pose: Pose, a: Joint, b: Joint) -> Key {
    Key {
        pose,
        level: Some(Level::Roll(a, b)),
    }
}

/// One illustration: a row of the catalogue.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Figure {
    pub id: &'static str,
    pub title: &'static str,
    pub desc: &'static str,
    /// Camera direction: 0 looks at the body's right side, 90 at its front.
    pub view: f64,
    /// Start position, optional positions on the way, end position.
    pub keys: &'static [Key],
    pub props: &'static [Prop],
    pub cues: &'static [Cue],
    pub ground: Ground,
    /// The joint that stays put while the body moves (a planted foot, the pelvis on the floor).
    pub pin: Joint,
    /// Ankles or hands that also stay where they start; their limb bends to reach them.
    pub plant: &'static [Joint],
    /// Seconds for one full cycle there and back.
    pub secs: f64,
    /// Share of the cycle spent still at each end.
    pub hold: f64,
}

impl Figure {
    /// Defaults for the optional columns of a row.
    pub const BASE: Figure = Figure {
        id: "",
        title: "",
        desc: "",
        view: 0.0,
        keys: &[],
        props: &[Prop::Floor],
        cues: &[],
        ground: Ground::Floor,
        pin: Joint::Pelvis,
        plant: &[],
        secs: 4.0,
        hold: 0.15,
    };

    pub fn animated(&self) -> bool {
        self.keys.len() > 1
    }

    pub fn has_floor(&self) -> bool {
        self.props.iter().any(|p| matches!(p, Prop::Floor))
    }

    /// The keyed positions with any levelling solved.
    pub fn poses(&self) -> Vec<Pose> {
        self.keys.iter().map(solve).collect()
    }

    /// The start position, grounded.
    pub fn start(&self) -> Skeleton {
        let mut s = self.poses()[0].joints();
        let dy = match self.ground {
            Ground::Floor => -s.lowest(),
            Ground::On(j, h) => h - s.bottom(j),
        };
        s.shift(V3::new(0.0, dy, 0.0));
        s
    }

    /// A position placed so the pinned joint sits where it does at the start.
    pub fn place(&self, pose: &Pose, start: &Skeleton) -> Skeleton {
        let mut s = pose.joints();
        s.shift(start.get(self.pin) - s.get(self.pin));
        for &end in self.plant {
            reach(&mut s, start, end);
        }
        s
    }

    /// The position part way along the movement: `u` = 0 is the start, 1 the end.
    pub fn pose_at(&self, poses: &[Pose], u: f64) -> Pose {
        let legs = poses.len().saturating_sub(1);
        if legs == 0 {
            return poses[0];
        }
        let x = (u.clamp(0.0, 1.0) * legs as f64).min(legs as f64 - 1e-9);
        let i = x.floor() as usize;
        poses[i].lerp(&poses[i + 1], x - i as f64)
    }

    /// Animation frames as `(percent of the cycle, skeleton)`, start to end and back.
    pub fn frames(&self) -> Vec<(f64, Skeleton)> {
        let poses = self.poses();
        let start = self.start();
        if poses.len() < 2 {
            return vec![(0.0, start)];
        }
        let steps = 6 * (poses.len() - 1);
        let h = self.hold * 100.0;
        let travel = 50.0 - h;
        let ease = |u: f64| (1.0 - (std::f64::consts::PI * u).cos()) / 2.0;
        let mut out = vec![(0.0, start)];
        if h > 0.0 {
            out.push((h, start));
        }
        for m in 1..=steps {
            let u = m as f64 / steps as f64;
            let pose = self.pose_at(&poses, ease(u));
            out.push((h + travel * u, self.place(&pose, &start)));
        }
        let end = out[out.len() - 1].1;
        if h > 0.0 {
            out.push((50.0 + h, end));
        }
        for m in 1..=steps {
            let u = m as f64 / steps as f64;
            let pose = self.pose_at(&poses, ease(1.0 - u));
            out.push((50.0 + h + travel * u, self.place(&pose, &start)));
        }
        out
    }

    /// The still frame for a phase.
    pub fn still(&self, end: bool) -> Skeleton {
        let start = self.start();
        if !end || !self.animated() {
            return start;
        }
        let poses = self.poses();
        self.place(&poses[poses.len() - 1], &start)
    }
}

/// Bends the limb that ends at `end` (an ankle or a hand) so that the end, and a foot with it,
/// is back where it was in `start`; the knee or elbow stays on the side it was bent to.
fn reach(s: &mut Skeleton, start: &Skeleton, end: Joint) {
    use Joint::*;
    let (root, mid, l1, l2, extras): (Joint, Joint, f64, f64, &[Joint]) = match end {
        AnkleL => (HipL, KneeL, len::THIGH, len::SHIN, &[HeelL, ToeL]),
        AnkleR => (HipR, KneeR, len::THIGH, len::SHIN, &[HeelR, ToeR]),
        HandL => (ShoulderL, ElbowL, len::UPPER_ARM, len::FOREARM, &[]),
        HandR => (ShoulderR, ElbowR, len::UPPER_ARM, len::FOREARM, &[]),
        _ => return,
    };
    let h = s.get(root);
    let target = start.get(end);
    let to = target - h;
    let d = to.len().clamp((l1 - l2).abs() + 1e-6, l1 + l2 - 1e-6);
    let u = to * (1.0 / to.len().max(1e-9));
    let bent = s.get(mid) - h;
    let mut w = bent - u * bent.dot(u);
    if w.len() < 1e-6 {
        w = start.get(mid) - start.get(root);
        w = w - u * w.dot(u);
    }
    let w = w * (1.0 / w.len().max(1e-9));
    let cos_b = ((l1 * l1 + d * d - l2 * l2) / (2.0 * l1 * d)).clamp(-1.0, 1.0);
    let sin_b = (1.0 - cos_b * cos_b).sqrt();
    s.0[mid as usize] = h + (u * cos_b + w * sin_b) * l1;
    s.0[end as usize] = h + u * d;
    for &x in extras {
        s.0[x as usize] = s.get(end) + (start.get(x) - target);
    }
}

/// Adjusts the body's pitch or roll so the two supports of a key rest at the same height.
fn solve(k: &Key) -> Pose {
    let Some(level) = k.level else { return k.pose };
    let (axis, a, b) = match level {
        Level::Pitch(a, b) => (0, a, b),
        Level::Roll(a, b) => (1, a, b),
    };
    let gap = |deg: f64| {
        let mut p = k.pose;
        p.body[axis] = deg;
        let s = p.joints();
        s.bottom(a) - s.bottom(b)
    };
    let base = k.pose.body[axis];
    // Walk outwards from the given angle to the nearest change of sign, then bisect.
    let g0 = gap(base);
    let mut bracket = None;
    'walk: for i in 1..=180 {
        for dir in [1.0, -1.0] {
            let d = base + dir * f64::from(i) * 0.5;
            let prev = base + dir * f64::from(i - 1) * 0.5;
            if gap(d).signum() != gap(prev).signum() || g0 == 0.0 {
                bracket = Some((prev, d));
                break 'walk;
            }
        }
    }
    let mut p = k.pose;
    if let Some((mut lo, mut hi)) = bracket {
        for _ in 0..40 {
            let mid = (lo + hi) / 2.0;
            if gap(mid).signum() == gap(lo).signum() {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        p.body[axis] = (lo + hi) / 2.0;
    }
    p
}

/// An orthographic camera looking horizontally at the body.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Camera {
    right: V3,
    toward: V3,
}

impl Camera {
    pub fn new(azimuth: f64) -> Camera {
        let (s, c) = azimuth.to_radians().sin_cos();
        Camera {
            right: V3::new(c, 0.0, -s),
            toward: V3::new(s, 0.0, c),
        }
    }

    /// Screen position (y down) of a world point.
    pub fn screen(&self, p: V3) -> (f64, f64) {
        (p.dot(self.right), -p.y)
    }

    /// How near the camera a world point is.
    pub fn depth(&self, p: V3) -> f64 {
        p.dot(self.toward)
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::FIGURES;

    /// How far a stroke may dip into the floor line (it is drawn 1.4 thick).
    const TOLERANCE: f64 = 0.7;

    #[test]
    fn every_joint_stays_on_or_above_the_floor_in_every_frame() {
        for fig in FIGURES.iter().filter(|f| f.has_floor()) {
            let mut frames: Vec<_> = fig.frames().into_iter().map(|(_, s)| s).collect();
            frames.push(fig.still(true));
            for (i, s) in frames.iter().enumerate() {
                for j in crate::body::Joint::ALL {
                    let b = s.bottom(j);
                    assert!(
                        b >= -TOLERANCE,
                        "{} frame {i}: {j:?} is {b:.1} below the floor",
                        fig.id
                    );
                }
            }
        }
    }

    #[test]
    fn coordinates_are_finite() {
        for fig in FIGURES {
            for (pct, s) in fig.frames() {
                assert!((0.0..=100.0).contains(&pct), "{}", fig.id);
                assert!(
                    s.0.iter()
                        .all(|p| p.x.is_finite() && p.y.is_finite() && p.z.is_finite()),
                    "{}",
                    fig.id
                );
            }
        }
    }

    #[test]
    fn the_start_rests_on_its_support() {
        for fig in FIGURES.iter().filter(|f| f.has_floor()) {
            let s = fig.start();
            let touching = match fig.ground {
                super::Ground::Floor => s.lowest().abs() < 1e-9,
                super::Ground::On(j, h) => (s.bottom(j) - h).abs() < 1e-9,
            };
            assert!(touching, "{}", fig.id);
        }
    }

    #[test]
    fn planted_feet_and_pins_stay_put() {
        for fig in FIGURES.iter().filter(|f| f.animated()) {
            let start = fig.start();
            for (_, s) in fig.frames() {
                for j in std::iter::once(fig.pin).chain(fig.plant.iter().copied()) {
                    assert!(
                        (s.get(j) - start.get(j)).len() < 1.0,
                        "{}: {j:?} slides",
                        fig.id
                    );
                }
            }
        }
    }
}
