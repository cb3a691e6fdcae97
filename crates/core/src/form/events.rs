//! Stride events from the landmark tracks. Side view: initial contact where the heel is furthest
//! ahead of the hip, toe-off where the toe is furthest behind it (the kinematic method of Zeni et
//! al. 2008, Gait Posture 27:710), mid-stance where the ankle passes under the hip (CLINICAL.md
//! §10). Rear view: mid-stance where the swinging foot is highest, as it passes the standing leg
//! (our choice: the rear view shows no forward travel).

use serde::Serialize;

use super::geometry::{self, Xy};
use super::{LandmarkSeries, Part, Side, View};
use crate::form::Landmark;

/// Landmark positions are averaged over this many seconds either side to calm the model's
/// jitter (our choice: one frame either side at 30 fps, two at 60 fps).
const SMOOTHING_HALF_WINDOW: f64 = 0.035;
/// Two contacts of the same foot are at least twice this far apart in time (a stride of a fast
/// run lasts over 0.5 s).
const PEAK_HALF_WINDOW: f64 = 0.25;
/// A side-view contact stands out by at least this share of leg length from the lowest point
/// before it (our choice).
const SIDE_PROMINENCE: f64 = 0.1;
/// A rear-view swing peak rises at least this share of leg length (our choice).
const REAR_PROMINENCE: f64 = 0.03;

fn slot(part: Part, side: Side) -> usize {
    let p = Part::ALL.iter().position(|&q| q == part).unwrap_or(0);
    p * 2 + usize::from(side == Side::Right)
}

/// The frames with a pose: each paired landmark as found and smoothed over time (for finding
/// events; angles are measured on the landmarks as found, since smoothing flattens the peaks),
/// and whether it was seen.
pub(super) struct Body {
    pub t: Vec<f64>,
    raw: Vec<[Xy; 14]>,
    points: Vec<[Xy; 14]>,
    seen: Vec<[bool; 14]>,
}

impl Body {
    /// Tracks from `series`; a landmark counts as seen when the model's visibility is at least
    /// `seen_from`.
    pub fn new(series: &LandmarkSeries, seen_from: f64) -> Body {
        let mut t = Vec::new();
        let mut raw: Vec<[Xy; 14]> = Vec::new();
        let mut seen = Vec::new();
        for f in series.frames() {
            let Some(pose) = f.pose.as_ref() else {
                continue;
            };
            let mut pts = [Xy::default(); 14];
            let mut vis = [false; 14];
            for part in Part::ALL {
                for side in Side::BOTH {
                    let p = pose[Landmark::of(part, side).index()];
                    pts[slot(part, side)] = Xy { x: p.x, y: p.y };
                    vis[slot(part, side)] = p.visibility >= seen_from;
                }
            }
            t.push(f.t);
            raw.push(pts);
            seen.push(vis);
        }
        let mut points = raw.clone();
        for k in 0..14 {
            let xs: Vec<f64> = raw.iter().map(|p| p[k].x).collect();
            let ys: Vec<f64> = raw.iter().map(|p| p[k].y).collect();
            let xs = geometry::smooth(&t, &xs, SMOOTHING_HALF_WINDOW);
            let ys = geometry::smooth(&t, &ys, SMOOTHING_HALF_WINDOW);
            for (i, p) in points.iter_mut().enumerate() {
                p[k] = Xy { x: xs[i], y: ys[i] };
            }
        }
        Body {
            t,
            raw,
            points,
            seen,
        }
    }

    pub fn len(&self) -> usize {
        self.t.len()
    }

    /// The landmark as the model found it.
    pub fn at(&self, i: usize, part: Part, side: Side) -> Xy {
        self.raw[i][slot(part, side)]
    }

    /// The landmark smoothed over time.
    pub fn smooth(&self, i: usize, part: Part, side: Side) -> Xy {
        self.points[i][slot(part, side)]
    }

    pub fn seen(&self, i: usize, part: Part, side: Side) -> bool {
        self.seen[i][slot(part, side)]
    }

    /// Seen on at least one side.
    pub fn seen_either(&self, i: usize, part: Part) -> bool {
        Side::BOTH.iter().any(|&s| self.seen(i, part, s))
    }

    /// The middle of the two landmarks of `part`.
    pub fn mid(&self, i: usize, part: Part) -> Xy {
        self.at(i, part, Side::Left)
            .mid(self.at(i, part, Side::Right))
    }

    /// The middle of the two smoothed landmarks of `part`.
    pub fn smooth_mid(&self, i: usize, part: Part) -> Xy {
        self.smooth(i, part, Side::Left)
            .mid(self.smooth(i, part, Side::Right))
    }

    /// Leg length in pixels: thigh plus shank, the median over frames where both legs' hips, knees
    /// and ankles were seen (segment lengths do not change with knee bend; our choice where
    /// §10 asks for standing frames, which a running clip does not have).
    pub fn leg_length(&self) -> Option<f64> {
        let mut lengths: Vec<f64> = Vec::new();
        for i in 0..self.len() {
            for side in Side::BOTH {
                let needed = [Part::Hip, Part::Knee, Part::Ankle];
                if needed.iter().all(|&p| self.seen(i, p, side)) {
                    let hip = self.at(i, Part::Hip, side);
                    let knee = self.at(i, Part::Knee, side);
                    let ankle = self.at(i, Part::Ankle, side);
                    lengths.push(hip.distance(knee) + knee.distance(ankle));
                }
            }
        }
        geometry::median(&mut lengths).filter(|&l| l > 0.0)
    }

    /// Which way the runner faces in a side view: +1 towards the picture's right, −1 left (toes
    /// ahead of heels in most frames).
    pub fn forward(&self) -> f64 {
        let mut ahead: Vec<f64> = (0..self.len())
            .flat_map(|i| {
                Side::BOTH.map(|s| self.smooth(i, Part::Toe, s).x - self.smooth(i, Part::Heel, s).x)
            })
            .collect();
        match geometry::median(&mut ahead) {
            Some(v) if v < 0.0 => -1.0,
            _ => 1.0,
        }
    }
}

/// One stride of one foot, as indexes into the [`Body`]'s frames.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stride {
    pub foot: Side,
    /// Initial contact (side view only).
    pub contact: Option<usize>,
    /// The time the stride's event happened, refined between frames: initial contact in a side
    /// view, mid-stance in a rear view.
    pub time: f64,
    pub mid_stance: Option<usize>,
    pub toe_off: Option<usize>,
    /// The same foot's next event: where this stride ends.
    pub end: Option<usize>,
}

/// The strides found in a clip, in time order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrideEvents {
    pub strides: Vec<Stride>,
}

/// Finds the strides of both feet.
pub(super) fn find(body: &Body, view: View, leg: f64, forward: f64) -> StrideEvents {
    let mut strides = Vec::new();
    for foot in Side::BOTH {
        match view {
            View::Side => side_strides(body, foot, leg, forward, &mut strides),
            View::Rear => rear_strides(body, foot, leg, &mut strides),
        }
    }
    strides.sort_by(|a, b| a.time.total_cmp(&b.time));
    StrideEvents { strides }
}

fn ahead_of_hip(body: &Body, part: Part, foot: Side, forward: f64) -> Vec<f64> {
    (0..body.len())
        .map(|i| forward * (body.smooth(i, part, foot).x - body.smooth_mid(i, Part::Hip).x))
        .collect()
}

fn side_strides(body: &Body, foot: Side, leg: f64, forward: f64, out: &mut Vec<Stride>) {
    let heel = ahead_of_hip(body, Part::Heel, foot, forward);
    let toe = ahead_of_hip(body, Part::Toe, foot, forward);
    let ankle = ahead_of_hip(body, Part::Ankle, foot, forward);
    let contacts = geometry::maxima(&body.t, &heel, PEAK_HALF_WINDOW, SIDE_PROMINENCE * leg);
    for (k, &ic) in contacts.iter().enumerate() {
        let end = contacts.get(k + 1).copied();
        let toe_off = end.and_then(|e| (ic + 1..e).min_by(|&a, &b| toe[a].total_cmp(&toe[b])));
        let stance_end = toe_off.or(end).unwrap_or(body.len());
        let mid_stance = (ic + 1..stance_end).find(|&i| ankle[i] <= 0.0);
        out.push(Stride {
            foot,
            contact: Some(ic),
            time: geometry::peak_time(&body.t, &heel, ic),
            mid_stance,
            toe_off,
            end,
        });
    }
}

fn rear_strides(body: &Body, foot: Side, leg: f64, out: &mut Vec<Stride>) {
    let swing = foot.other();
    let height: Vec<f64> = (0..body.len())
        .map(|i| -body.smooth(i, Part::Ankle, swing).y)
        .collect();
    let peaks = geometry::maxima(&body.t, &height, PEAK_HALF_WINDOW, REAR_PROMINENCE * leg);
    for (k, &ms) in peaks.iter().enumerate() {
        out.push(Stride {
            foot,
            contact: None,
            time: geometry::peak_time(&body.t, &height, ms),
            mid_stance: Some(ms),
            toe_off: None,
            end: peaks.get(k + 1).copied(),
        });
    }
}
