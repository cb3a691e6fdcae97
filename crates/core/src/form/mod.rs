//! Running form from a phone video (CLINICAL.md §10): a pose model in the browser turns each
//! frame into 33 landmarks; this module checks that series, finds the stride events and measures
//! trunk lean, forward head, overstride, knee flexion at contact, cadence and vertical
//! oscillation (side view), or pelvic drop and crossover (rear view). Pure: no IO.
//!
//! The flow is [`RawSeries`] (the JSON the page posts) → [`validate`] → [`LandmarkSeries`] →
//! [`analyse`] with [`Thresholds`](crate::Thresholds) → [`FormReport`].

mod events;
mod geometry;
mod metrics;
mod prefill;
pub mod synthetic;
mod validate;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use crate::assessment::Side;
pub use events::{Stride, StrideEvents};
pub use metrics::{
    ANGLE_CAVEAT, FormMetric, FormReport, MetricKind, Moment, Observation, Outcome, PoseStill,
    analyse,
};
pub use prefill::{prefill, prefill_confirmed, withdraw};
pub use validate::{MAX_FRAMES, MAX_SECONDS, MIN_SECONDS, RawFrame, RawSeries, validate};

/// Declares [`Landmark`] and [`Landmark::ALL`] from one list, so the two cannot disagree.
macro_rules! landmarks {
    ($($name:ident),* $(,)?) => {
        /// The 33 landmarks of MediaPipe Pose, in the model's order (a frame's landmark `i` is
        /// `Landmark::ALL[i]`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Landmark {
            $($name),*
        }

        impl Landmark {
            /// Every landmark in the model's order.
            pub const ALL: [Landmark; LANDMARKS] = [$(Landmark::$name),*];
        }
    };
}

landmarks!(
    Nose,
    LeftEyeInner,
    LeftEye,
    LeftEyeOuter,
    RightEyeInner,
    RightEye,
    RightEyeOuter,
    LeftEar,
    RightEar,
    MouthLeft,
    MouthRight,
    LeftShoulder,
    RightShoulder,
    LeftElbow,
    RightElbow,
    LeftWrist,
    RightWrist,
    LeftPinky,
    RightPinky,
    LeftIndex,
    RightIndex,
    LeftThumb,
    RightThumb,
    LeftHip,
    RightHip,
    LeftKnee,
    RightKnee,
    LeftAnkle,
    RightAnkle,
    LeftHeel,
    RightHeel,
    LeftFootIndex,
    RightFootIndex,
);

/// How many landmarks a frame with a pose carries.
pub const LANDMARKS: usize = 33;

impl Landmark {
    /// The landmark's index in a frame.
    pub fn index(self) -> usize {
        self as usize
    }

    /// A body part on one side: `Landmark::of(Part::Knee, Side::Left)` is `LeftKnee`.
    pub fn of(part: Part, side: Side) -> Landmark {
        use Landmark::*;
        let (l, r) = match part {
            Part::Ear => (LeftEar, RightEar),
            Part::Shoulder => (LeftShoulder, RightShoulder),
            Part::Hip => (LeftHip, RightHip),
            Part::Knee => (LeftKnee, RightKnee),
            Part::Ankle => (LeftAnkle, RightAnkle),
            Part::Heel => (LeftHeel, RightHeel),
            Part::Toe => (LeftFootIndex, RightFootIndex),
        };
        match side {
            Side::Left => l,
            Side::Right => r,
        }
    }
}

/// The paired body parts the metrics use (CLINICAL.md §10: shoulder, hip, knee, ankle, heel, toe,
/// ear).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Ear,
    Shoulder,
    Hip,
    Knee,
    Ankle,
    Heel,
    Toe,
}

impl Part {
    /// Every part, from the head down to the toe: the order the stick figure is drawn in.
    pub const ALL: [Part; 7] = [
        Part::Ear,
        Part::Shoulder,
        Part::Hip,
        Part::Knee,
        Part::Ankle,
        Part::Heel,
        Part::Toe,
    ];
}

/// Where the phone filmed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// From the side, perpendicular to the line of running.
    Side,
    /// From behind.
    Rear,
}

impl View {
    /// The view in words.
    pub fn label(self) -> &'static str {
        match self {
            View::Side => "side view",
            View::Rear => "rear view",
        }
    }
}

/// One landmark in pixels of the video (x right, y down) with the model's visibility (0–1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub visibility: f64,
}

/// One frame: its time and, when the model found a person, the 33 landmarks.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Seconds from the start of the video.
    pub t: f64,
    pub pose: Option<Box<[Point; LANDMARKS]>>,
}

impl Frame {
    /// The landmark, when this frame has a pose.
    pub fn at(&self, landmark: Landmark) -> Option<Point> {
        self.pose.as_ref().map(|p| p[landmark.index()])
    }
}

/// A checked landmark series: times strictly increasing, coordinates finite and in (or just
/// around) the picture, within the size bounds of [`validate`].
#[derive(Debug, Clone, PartialEq)]
pub struct LandmarkSeries {
    view: View,
    width: f64,
    height: f64,
    frames: Vec<Frame>,
}

impl LandmarkSeries {
    pub fn view(&self) -> View {
        self.view
    }
    /// The picture's width in pixels.
    pub fn width(&self) -> f64 {
        self.width
    }
    /// The picture's height in pixels.
    pub fn height(&self) -> f64 {
        self.height
    }
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }
    /// Seconds from the first frame to the last.
    pub fn duration(&self) -> f64 {
        match (self.frames.first(), self.frames.last()) {
            (Some(a), Some(b)) => b.t - a.t,
            _ => 0.0,
        }
    }
    /// Frames per second, from the median gap between frames.
    pub fn frame_rate(&self) -> f64 {
        let mut gaps: Vec<f64> = self.frames.windows(2).map(|w| w[1].t - w[0].t).collect();
        match geometry::median(&mut gaps) {
            Some(g) if g > 0.0 => 1.0 / g,
            _ => 0.0,
        }
    }
    /// How many frames the model found a person in.
    pub fn frames_with_pose(&self) -> usize {
        self.frames.iter().filter(|f| f.pose.is_some()).count()
    }
}
