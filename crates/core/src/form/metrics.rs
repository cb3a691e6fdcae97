//! The form metrics of CLINICAL.md §10, each the median over strides with the number of strides
//! used, or "could not measure" with the reason; and what each one is judged against.

use serde::{Deserialize, Serialize};

use super::events::{self, Body, Stride, StrideEvents};
use super::geometry::{self, Xy};
use super::{Landmark, LandmarkSeries, Part, Side, View};
use crate::assessment::{Threshold, Thresholds};

/// Frame rates below this are noted: §10 asks for 30 fps at least (a little slack for phones
/// that record 29.97).
const MIN_FRAME_RATE: f64 = 29.5;

/// The §10 caveat shown with every angle.
pub const ANGLE_CAVEAT: &str = "Angles from a phone video are flat (2D) estimates: the same \
     runner filmed twice on one day can differ by 3–8°, and on different days by 9–14° (Damsted et \
     al. 2015, IJSPT). Compare with your own earlier videos, and never judge by one stride.";

/// What is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    TrunkLean,
    ForwardHead,
    OverstrideDistance,
    ShankAngleAtContact,
    KneeFlexionAtContact,
    Cadence,
    VerticalOscillation,
    PelvicDropLeftStance,
    PelvicDropRightStance,
    Crossover,
}

impl MetricKind {
    /// The metrics of a view, in the order they are shown.
    pub fn of(view: View) -> &'static [MetricKind] {
        use MetricKind::*;
        match view {
            View::Side => &[
                TrunkLean,
                ForwardHead,
                OverstrideDistance,
                ShankAngleAtContact,
                KneeFlexionAtContact,
                Cadence,
                VerticalOscillation,
            ],
            View::Rear => &[
                PelvicDropLeftStance,
                PelvicDropRightStance,
                Crossover,
                Cadence,
            ],
        }
    }

    /// Its name in JSON, in the page's addresses and in a clinician's decisions (`trunk_lean`).
    pub fn id(self) -> &'static str {
        match self {
            MetricKind::TrunkLean => "trunk_lean",
            MetricKind::ForwardHead => "forward_head",
            MetricKind::OverstrideDistance => "overstride_distance",
            MetricKind::ShankAngleAtContact => "shank_angle_at_contact",
            MetricKind::KneeFlexionAtContact => "knee_flexion_at_contact",
            MetricKind::Cadence => "cadence",
            MetricKind::VerticalOscillation => "vertical_oscillation",
            MetricKind::PelvicDropLeftStance => "pelvic_drop_left_stance",
            MetricKind::PelvicDropRightStance => "pelvic_drop_right_stance",
            MetricKind::Crossover => "crossover",
        }
    }

    /// The metric named `id` (see [`MetricKind::id`]).
    pub fn from_id(id: &str) -> Option<MetricKind> {
        [View::Side, View::Rear]
            .iter()
            .flat_map(|&v| MetricKind::of(v))
            .copied()
            .find(|k| k.id() == id)
    }

    /// The metric's name in plain words.
    pub fn label(self) -> &'static str {
        match self {
            MetricKind::TrunkLean => "Trunk lean at mid-stance",
            MetricKind::ForwardHead => "Head forward of the shoulders",
            MetricKind::OverstrideDistance => "Heel ahead of the hip at landing",
            MetricKind::ShankAngleAtContact => "Shin angle at landing",
            MetricKind::KneeFlexionAtContact => "Knee bend at landing",
            MetricKind::Cadence => "Cadence",
            MetricKind::VerticalOscillation => "Up-and-down travel of the hips",
            MetricKind::PelvicDropLeftStance => "Pelvic drop, standing on the left leg",
            MetricKind::PelvicDropRightStance => "Pelvic drop, standing on the right leg",
            MetricKind::Crossover => "Foot landing from the body's midline",
        }
    }

    /// The unit the value is in.
    pub fn unit(self) -> &'static str {
        match self {
            MetricKind::Cadence => "steps/min",
            MetricKind::OverstrideDistance | MetricKind::VerticalOscillation => "% of leg length",
            MetricKind::Crossover => "% of hip width",
            _ => "°",
        }
    }

    /// Decimal places the value is shown with: whole degrees (§10), whole steps and percents.
    pub fn shown_decimals(self) -> u32 {
        0
    }

    /// How it is measured, in plain words, with its source (CLINICAL.md §10).
    pub fn how(self) -> &'static str {
        match self {
            MetricKind::TrunkLean => {
                "The line from hip to shoulder against vertical as the foot \
                passes under the body; forward is positive (Teng & Powers 2015; Bramah et al. 2018)."
            }
            MetricKind::ForwardHead => {
                "The line from shoulder to ear against vertical at \
                mid-stance; forward is positive (our choice)."
            }
            MetricKind::OverstrideDistance => {
                "How far the heel lands ahead of the hip, as a share \
                of leg length (Souza 2016; Lieberman et al. 2015)."
            }
            MetricKind::ShankAngleAtContact => {
                "The shin (knee to ankle) against vertical as the \
                foot lands; foot ahead of the knee is positive, vertical is the aim (Souza 2016)."
            }
            MetricKind::KneeFlexionAtContact => {
                "How bent the knee is as the foot lands: 0° is \
                straight (Bramah et al. 2018)."
            }
            MetricKind::Cadence => {
                "Steps per minute from the time between landings of both feet \
                (Heiderscheit et al. 2011)."
            }
            MetricKind::VerticalOscillation => {
                "The rise and fall of the hips in a stride, as a \
                share of leg length (report only)."
            }
            MetricKind::PelvicDropLeftStance | MetricKind::PelvicDropRightStance => {
                "The line \
                between the hips against horizontal at mid-stance, the swinging side lower is \
                positive (Bramah et al. 2018)."
            }
            MetricKind::Crossover => {
                "Where the standing foot is at mid-stance, from the middle of \
                the body towards its own side, as a share of hip width; below 0 it has crossed the \
                midline (our choice)."
            }
        }
    }
}

/// A measured value, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The median over `strides` strides (for cadence: the number of foot landings).
    Measured {
        value: f64,
        strides: usize,
    },
    CouldNotMeasure {
        reason: String,
    },
}

impl Outcome {
    pub fn value(&self) -> Option<f64> {
        match self {
            Outcome::Measured { value, .. } => Some(*value),
            Outcome::CouldNotMeasure { .. } => None,
        }
    }
}

/// An observation a video metric raises, named as the assessment's posture and form step names
/// it where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observation {
    Upright,
    LeaningBack,
    ForwardHead,
    LandingWellAhead,
    StraightKneeLanding,
    LowCadence,
    PelvicDrop,
    Crossover,
}

impl Observation {
    /// In plain words.
    pub fn label(self) -> &'static str {
        match self {
            Observation::Upright => "Running upright",
            Observation::LeaningBack => "Leaning back",
            Observation::ForwardHead => "Head pushed forward",
            Observation::LandingWellAhead => "Landing well ahead of the body",
            Observation::StraightKneeLanding => "Landing on a straight knee",
            Observation::LowCadence => "Low cadence",
            Observation::PelvicDrop => "Pelvis dropping on the swinging side",
            Observation::Crossover => "Feet crossing the midline",
        }
    }

    /// The assessment test and rule this observation matches (for the cues and exercises that
    /// address it, and to pre-fill the posture and running-form step).
    pub fn finding(self) -> (&'static str, Option<&'static str>) {
        match self {
            Observation::Upright => ("trunk_lean_degrees", Some("trunk_upright")),
            Observation::LeaningBack => ("trunk_lean_degrees", Some("trunk_leaning_back")),
            Observation::ForwardHead => ("forward_head", None),
            Observation::LandingWellAhead | Observation::StraightKneeLanding => {
                ("overstriding", None)
            }
            Observation::LowCadence => ("cadence", Some("low_cadence")),
            Observation::PelvicDrop | Observation::Crossover => {
                ("single_leg_squat_pelvic_drop", None)
            }
        }
    }
}

/// One metric: the value or why not, what it raises, and the cut-off it was judged against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormMetric {
    pub kind: MetricKind,
    #[serde(flatten)]
    pub outcome: Outcome,
    pub observation: Option<Observation>,
    /// The cut-offs the value was judged against (none for report-only metrics).
    pub cut_offs: Vec<Threshold>,
}

/// Which stride event a still shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moment {
    InitialContact,
    MidStance,
}

/// The pose at one event of one stride, for drawing: landmark positions in leg lengths from the
/// mid-hip (x forward, y down), so a drawing does not depend on the video's size or direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoseStill {
    pub moment: Moment,
    pub foot: Side,
    /// Seconds into the video.
    pub t: f64,
    pub points: Vec<(Landmark, f64, f64)>,
}

/// Everything measured from one video.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormReport {
    pub view: View,
    pub frames: usize,
    pub frames_with_pose: usize,
    pub seconds: f64,
    pub frames_per_second: f64,
    /// Below the 30 fps §10 asks for.
    pub low_frame_rate: bool,
    /// Stride events found (both feet).
    pub strides: usize,
    pub metrics: Vec<FormMetric>,
    /// Left-stance minus right-stance pelvic drop, degrees (rear view, when both were measured).
    pub pelvic_drop_difference: Option<f64>,
    pub stills: Vec<PoseStill>,
}

impl FormReport {
    /// The metric of `kind`, if this view has it.
    pub fn metric(&self, kind: MetricKind) -> Option<&FormMetric> {
        self.metrics.iter().find(|m| m.kind == kind)
    }
}

/// Per-stride values for one metric: which event, which landmarks it needs, and the value there.
struct Rule<'a> {
    event: fn(&Stride) -> Option<usize>,
    needs: &'a dyn Fn(&Body, usize, Side) -> bool,
    value: &'a dyn Fn(&Body, usize, Side) -> f64,
}

/// The context every metric reads.
struct Clip<'a> {
    body: &'a Body,
    strides: &'a [Stride],
    thresholds: &'a Thresholds,
    min_strides: usize,
}

impl Clip<'_> {
    /// The median over usable strides, or why there is none. A stride is usable when the landmarks
    /// were seen at its event and in most of its frames (§10).
    fn median(&self, rule: &Rule<'_>, what: &str) -> Outcome {
        let mut values = Vec::new();
        let mut with_event = 0usize;
        for s in self.strides {
            let Some(i) = (rule.event)(s) else { continue };
            with_event += 1;
            let end = s.end.unwrap_or(self.body.len()).max(i + 1);
            let start = s.contact.unwrap_or(i).min(i);
            let frames = end - start;
            let seen = (start..end)
                .filter(|&j| (rule.needs)(self.body, j, s.foot))
                .count();
            if (rule.needs)(self.body, i, s.foot) && seen * 2 > frames {
                values.push((rule.value)(self.body, i, s.foot));
            }
        }
        self.outcome(values, with_event, what)
    }

    fn outcome(&self, mut values: Vec<f64>, found: usize, what: &str) -> Outcome {
        let used = values.len();
        if found < self.min_strides {
            return Outcome::CouldNotMeasure {
                reason: format!(
                    "Only {found} stride{} found; at least {} are needed. Film 5 or more strides.",
                    if found == 1 { " was" } else { "s were" },
                    self.min_strides
                ),
            };
        }
        if used < self.min_strides || used * 2 <= found {
            return Outcome::CouldNotMeasure {
                reason: format!(
                    "The {what} were not seen well enough: clear in {used} of {found} strides, and \
                     at least {} and more than half are needed. Film in good light with the whole \
                     body in the picture.",
                    self.min_strides
                ),
            };
        }
        match geometry::median(&mut values) {
            Some(value) => Outcome::Measured {
                value,
                strides: used,
            },
            None => Outcome::CouldNotMeasure {
                reason: "No strides to measure.".to_owned(),
            },
        }
    }
}

/// Analyses a checked series with a clinic's cut-offs.
pub fn analyse(series: &LandmarkSeries, thresholds: &Thresholds) -> FormReport {
    let seen_from = thresholds.video_landmark_seen_from.value;
    let min_strides = thresholds.video_min_strides.value.max(1.0) as usize;
    let body = Body::new(series, seen_from);
    let view = series.view();
    let frame_rate = series.frame_rate();
    let base = FormReport {
        view,
        frames: series.frames().len(),
        frames_with_pose: body.len(),
        seconds: series.duration(),
        frames_per_second: frame_rate,
        low_frame_rate: frame_rate < MIN_FRAME_RATE,
        strides: 0,
        metrics: Vec::new(),
        pelvic_drop_difference: None,
        stills: Vec::new(),
    };
    let Some(leg) = body.leg_length() else {
        let reason = "The hips, knees and ankles were not seen well enough to measure the legs. \
                      Film in good light with the whole body in the picture.";
        return FormReport {
            metrics: MetricKind::of(view)
                .iter()
                .map(|&kind| FormMetric {
                    kind,
                    outcome: Outcome::CouldNotMeasure {
                        reason: reason.to_owned(),
                    },
                    observation: None,
                    cut_offs: Vec::new(),
                })
                .collect(),
            ..base
        };
    };
    let forward = match view {
        View::Side => body.forward(),
        View::Rear => 1.0,
    };
    let StrideEvents { strides } = events::find(&body, view, leg, forward);
    let clip = Clip {
        body: &body,
        strides: &strides,
        thresholds,
        min_strides,
    };
    let metrics: Vec<FormMetric> = MetricKind::of(view)
        .iter()
        .map(|&kind| measure(&clip, kind, leg, forward))
        .collect();
    let drop = |k| {
        metrics
            .iter()
            .find(|m: &&FormMetric| m.kind == k)
            .and_then(|m| m.outcome.value())
    };
    let pelvic_drop_difference = drop(MetricKind::PelvicDropLeftStance)
        .zip(drop(MetricKind::PelvicDropRightStance))
        .map(|(l, r)| l - r);
    FormReport {
        strides: strides.len(),
        stills: stills(&body, &strides, leg, forward),
        metrics,
        pelvic_drop_difference,
        ..base
    }
}

fn contact(s: &Stride) -> Option<usize> {
    s.contact
}
fn mid_stance(s: &Stride) -> Option<usize> {
    s.mid_stance
}

fn measure(clip: &Clip<'_>, kind: MetricKind, leg: f64, forward: f64) -> FormMetric {
    let t = clip.thresholds;
    let b = |body: &Body, i, part| body.mid(i, part);
    let (outcome, cut_offs): (Outcome, Vec<&Threshold>) = match kind {
        MetricKind::TrunkLean => (
            segment_from_vertical(
                clip,
                Part::Hip,
                Part::Shoulder,
                forward,
                "hips and shoulders",
            ),
            vec![&t.trunk_upright_below, &t.trunk_leaning_back_below],
        ),
        MetricKind::ForwardHead => (
            segment_from_vertical(
                clip,
                Part::Shoulder,
                Part::Ear,
                forward,
                "ears and shoulders",
            ),
            vec![&t.forward_head_above],
        ),
        MetricKind::OverstrideDistance => (
            clip.median(
                &Rule {
                    event: contact,
                    needs: &|body, i, foot| {
                        body.seen(i, Part::Heel, foot) && body.seen_either(i, Part::Hip)
                    },
                    value: &|body, i, foot| {
                        100.0 * forward * (body.at(i, Part::Heel, foot).x - b(body, i, Part::Hip).x)
                            / leg
                    },
                },
                "heels and hips",
            ),
            Vec::new(),
        ),
        MetricKind::ShankAngleAtContact => (
            clip.median(
                &Rule {
                    event: contact,
                    needs: &|body, i, foot| {
                        body.seen(i, Part::Knee, foot) && body.seen(i, Part::Ankle, foot)
                    },
                    value: &|body, i, foot| {
                        geometry::from_vertical(
                            body.at(i, Part::Knee, foot),
                            body.at(i, Part::Ankle, foot),
                            forward,
                            true,
                        )
                    },
                },
                "knees and ankles",
            ),
            vec![&t.overstride_shank_above],
        ),
        MetricKind::KneeFlexionAtContact => (
            clip.median(
                &Rule {
                    event: contact,
                    needs: &|body, i, foot| {
                        [Part::Hip, Part::Knee, Part::Ankle]
                            .iter()
                            .all(|&p| body.seen(i, p, foot))
                    },
                    value: &|body, i, foot| {
                        180.0
                            - geometry::joint_angle(
                                body.at(i, Part::Hip, foot),
                                body.at(i, Part::Knee, foot),
                                body.at(i, Part::Ankle, foot),
                            )
                    },
                },
                "hips, knees and ankles",
            ),
            vec![&t.straight_knee_landing_below],
        ),
        MetricKind::Cadence => (cadence(clip), vec![&t.low_cadence_below]),
        MetricKind::VerticalOscillation => (vertical_oscillation(clip, leg), Vec::new()),
        MetricKind::PelvicDropLeftStance | MetricKind::PelvicDropRightStance => {
            let stance = if kind == MetricKind::PelvicDropLeftStance {
                Side::Left
            } else {
                Side::Right
            };
            let only = Clip {
                strides: &clip
                    .strides
                    .iter()
                    .filter(|s| s.foot == stance)
                    .cloned()
                    .collect::<Vec<_>>(),
                ..*clip
            };
            (
                only.median(
                    &Rule {
                        event: mid_stance,
                        needs: &|body, i, _| Side::BOTH.iter().all(|&s| body.seen(i, Part::Hip, s)),
                        value: &|body, i, foot| {
                            geometry::from_horizontal(
                                body.at(i, Part::Hip, foot),
                                body.at(i, Part::Hip, foot.other()),
                            )
                        },
                    },
                    "hips",
                ),
                vec![&t.pelvic_drop_above],
            )
        }
        MetricKind::Crossover => (
            clip.median(
                &Rule {
                    event: mid_stance,
                    needs: &|body, i, foot| {
                        body.seen(i, Part::Ankle, foot)
                            && Side::BOTH.iter().all(|&s| body.seen(i, Part::Hip, s))
                    },
                    value: &|body, i, foot| {
                        let hips = Side::BOTH.map(|s| body.at(i, Part::Hip, s));
                        let width = (hips[1].x - hips[0].x).abs().max(1.0);
                        let middle = hips[0].mid(hips[1]).x;
                        // Towards the foot's own hip is positive.
                        let own = (body.at(i, Part::Hip, foot).x - middle).signum();
                        100.0 * own * (body.at(i, Part::Ankle, foot).x - middle) / width
                    },
                },
                "ankles and hips",
            ),
            Vec::new(),
        ),
    };
    let observation = outcome.value().and_then(|v| observe(kind, v, t, clip));
    FormMetric {
        kind,
        outcome,
        observation,
        cut_offs: cut_offs.into_iter().cloned().collect(),
    }
}

/// A body segment (the middle of `lower`'s pair to the middle of `upper`'s) against vertical at
/// mid-stance, forward positive: trunk lean (hip to shoulder) and forward head (shoulder to ear).
fn segment_from_vertical(
    clip: &Clip<'_>,
    lower: Part,
    upper: Part,
    forward: f64,
    label: &str,
) -> Outcome {
    clip.median(
        &Rule {
            event: mid_stance,
            needs: &|body, i, _| body.seen_either(i, lower) && body.seen_either(i, upper),
            value: &|body, i, _| {
                geometry::from_vertical(body.mid(i, lower), body.mid(i, upper), forward, false)
            },
        },
        label,
    )
}

fn observe(kind: MetricKind, v: f64, t: &Thresholds, clip: &Clip<'_>) -> Option<Observation> {
    match kind {
        MetricKind::TrunkLean if v < t.trunk_leaning_back_below.value => {
            Some(Observation::LeaningBack)
        }
        MetricKind::TrunkLean if v < t.trunk_upright_below.value => Some(Observation::Upright),
        MetricKind::ForwardHead if v > t.forward_head_above.value => Some(Observation::ForwardHead),
        MetricKind::ShankAngleAtContact if v > t.overstride_shank_above.value => {
            Some(Observation::LandingWellAhead)
        }
        MetricKind::KneeFlexionAtContact if v < t.straight_knee_landing_below.value => {
            Some(Observation::StraightKneeLanding)
        }
        MetricKind::Cadence if v < t.low_cadence_below.value => Some(Observation::LowCadence),
        MetricKind::PelvicDropLeftStance | MetricKind::PelvicDropRightStance
            if v > t.pelvic_drop_above.value =>
        {
            Some(Observation::PelvicDrop)
        }
        MetricKind::Crossover if crossed_in_most(clip) => Some(Observation::Crossover),
        _ => None,
    }
}

/// Whether the standing ankle is across the midline at mid-stance in most strides (§10, our
/// choice).
fn crossed_in_most(clip: &Clip<'_>) -> bool {
    let body = clip.body;
    let mut crossed = 0usize;
    let mut seen = 0usize;
    for s in clip.strides {
        let Some(i) = s.mid_stance else { continue };
        if !body.seen(i, Part::Ankle, s.foot) {
            continue;
        }
        seen += 1;
        let own = body.at(i, Part::Hip, s.foot).x;
        let other = body.at(i, Part::Hip, s.foot.other()).x;
        let middle = (own + other) / 2.0;
        if (body.at(i, Part::Ankle, s.foot).x - middle) * (own - middle) < 0.0 {
            crossed += 1;
        }
    }
    seen > 0 && crossed * 2 > seen
}

/// Two landings closer than this are one (seconds; our choice: a sprint's steps are 0.27 s
/// apart). In a side view the pose model can put both feet's landmarks on the near leg for a
/// moment, so one landing is found for each foot.
const SAME_LANDING: f64 = 0.2;

/// Steps per minute from the landings of both feet. The pose model often swaps left and right
/// in a side view (the far leg is hidden), so while both feet's landings are found, the steps
/// are timed from all landings in time order whichever foot they were put on: the step time is
/// the slope of landing times against step number (a missed landing leaves a gap, not a long
/// step). When nearly all landings are of one foot (the other hidden), that foot's stride time
/// is halved instead. Needs as many landings as the cut-off table asks (§10: 6).
fn cadence(clip: &Clip<'_>) -> Outcome {
    let needed = clip.thresholds.video_min_contacts.value.max(2.0) as usize;
    let found = clip.strides.len();
    if found < needed {
        return Outcome::CouldNotMeasure {
            reason: format!(
                "Only {found} foot landing{} found; at least {needed} are needed. Film 5 or more \
                 strides.",
                if found == 1 { " was" } else { "s were" }
            ),
        };
    }
    let of = |foot| -> Vec<f64> {
        clip.strides
            .iter()
            .filter(|s| s.foot == foot)
            .map(|s| s.time)
            .collect()
    };
    let feet = Side::BOTH.map(of);
    let fewer = feet.iter().map(Vec::len).min().unwrap_or(0);
    let step = if fewer * 3 >= found {
        let mut landings: Vec<f64> = Vec::with_capacity(found);
        for t in clip.strides.iter().map(|s| s.time) {
            match landings.last_mut() {
                Some(last) if t - *last < SAME_LANDING => *last = (*last + t) / 2.0,
                _ => landings.push(t),
            }
        }
        stride_time(&landings)
    } else {
        feet.iter()
            .max_by_key(|times| times.len())
            .and_then(|times| stride_time(times))
            .map(|stride| stride / 2.0)
    };
    match step {
        Some(step) if step > 0.0 => Outcome::Measured {
            value: 60.0 / step,
            strides: found,
        },
        _ => Outcome::CouldNotMeasure {
            reason: "The landings were not regular enough to time.".to_owned(),
        },
    }
}

/// The time between regular events (one foot's landings, or all steps) from their times: least
/// squares of time against event number.
fn stride_time(times: &[f64]) -> Option<f64> {
    if times.len() < 2 {
        return None;
    }
    let mut gaps: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let typical = geometry::median(&mut gaps)?;
    if typical <= 0.0 {
        return None;
    }
    let numbers: Vec<f64> = times
        .iter()
        .map(|t| ((t - times[0]) / typical).round())
        .collect();
    let n = times.len() as f64;
    let mean_k = numbers.iter().sum::<f64>() / n;
    let mean_t = times.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (k, t) in numbers.iter().zip(times) {
        sxy += (k - mean_k) * (t - mean_t);
        sxx += (k - mean_k) * (k - mean_k);
    }
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The hips' rise and fall in each stride (contact to the same foot's next contact), median.
fn vertical_oscillation(clip: &Clip<'_>, leg: f64) -> Outcome {
    let body = clip.body;
    let mut values = Vec::new();
    let mut found = 0usize;
    for s in clip.strides {
        let (Some(start), Some(end)) = (s.contact, s.end) else {
            continue;
        };
        found += 1;
        let seen = (start..end)
            .filter(|&i| body.seen_either(i, Part::Hip))
            .count();
        if seen * 2 <= end - start {
            continue;
        }
        let ys = (start..end).map(|i| body.smooth_mid(i, Part::Hip).y);
        let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
            (lo.min(y), hi.max(y))
        });
        values.push(100.0 * (hi - lo) / leg);
    }
    clip.outcome(values, found, "hips")
}

/// The pose at initial contact and at mid-stance of the middle stride that has both.
fn stills(body: &Body, strides: &[Stride], leg: f64, forward: f64) -> Vec<PoseStill> {
    let complete: Vec<&Stride> = strides.iter().filter(|s| s.mid_stance.is_some()).collect();
    let Some(stride) = complete.get(complete.len() / 2) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let moments = [
        (Moment::InitialContact, stride.contact),
        (Moment::MidStance, stride.mid_stance),
    ];
    for (moment, frame) in moments {
        let Some(i) = frame else { continue };
        let origin: Xy = body.mid(i, Part::Hip);
        let mut points = Vec::new();
        for part in Part::ALL {
            for side in Side::BOTH {
                let p = body.at(i, part, side);
                points.push((
                    Landmark::of(part, side),
                    forward * (p.x - origin.x) / leg,
                    (p.y - origin.y) / leg,
                ));
            }
        }
        out.push(PoseStill {
            moment,
            foot: stride.foot,
            t: body.t[i],
            points,
        });
    }
    out
}
