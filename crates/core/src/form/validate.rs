//! Checking the landmark series the page posts: every number finite and in the picture, frames in
//! time order, within size bounds, long enough, and a person big enough and whole in the picture.

use serde::{Deserialize, Serialize};

use super::{Frame, LANDMARKS, Landmark, LandmarkSeries, Part, Point, Side, View, geometry};
use crate::fields::FieldErrors;

/// Most frames a series may carry: over 11 minutes at 30 fps, far beyond a 5-stride clip, and
/// enough to bound the work of one analysis (our choice).
pub const MAX_FRAMES: usize = 20_000;
/// Shortest clip analysed: under 3 s there are not 5 strides even when running fast (our choice,
/// from Souza 2016's "at least 5 strides").
pub const MIN_SECONDS: f64 = 3.0;
/// Longest clip analysed (our choice).
pub const MAX_SECONDS: f64 = 600.0;
/// Coordinates are fractions of the picture; the model places a landmark just outside it when
/// that part is cut off. Further out than this it is not a landmark of this video (our choice).
const OUTSIDE_MARGIN: f64 = 0.5;
/// Picture sides in pixels.
const MIN_SIDE: f64 = 16.0;
const MAX_SIDE: f64 = 8192.0;
/// A person shorter than this share of the picture's height is too far away (our choice).
const MIN_PERSON_SHARE: f64 = 0.25;
/// Errors listed per kind before the rest are summed up, so a broken series gets a short answer.
const MAX_LISTED: usize = 5;

/// One frame as the page posts it: seconds from the start, and either 33 landmarks as
/// `[x, y, visibility]` (x and y as fractions of the picture's width and height, from the top
/// left) or none when the model found no person. `null` stands for a number that was not a number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawFrame {
    pub t: Option<f64>,
    #[serde(default)]
    pub landmarks: Vec<Vec<Option<f64>>>,
}

/// The landmark series as the page posts it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawSeries {
    /// `side` or `rear`.
    pub view: Option<String>,
    /// The video's width and height in pixels.
    pub width: Option<f64>,
    pub height: Option<f64>,
    #[serde(default)]
    pub frames: Vec<RawFrame>,
}

/// Checks `raw` into a [`LandmarkSeries`] in pixels, or says which fields were refused and why.
pub fn validate(raw: &RawSeries) -> Result<LandmarkSeries, FieldErrors> {
    let mut errors = FieldErrors::default();
    let view = match raw.view.as_deref() {
        Some("side") => Some(View::Side),
        Some("rear") => Some(View::Rear),
        _ => {
            errors.add(
                "view",
                "Choose whether the video was filmed from the side or from behind.",
            );
            None
        }
    };
    let width = side_length(&mut errors, "width", raw.width);
    let height = side_length(&mut errors, "height", raw.height);
    if raw.frames.len() > MAX_FRAMES {
        errors.add(
            "frames",
            format!(
                "The series has {} frames; at most {MAX_FRAMES} are analysed. Trim the video to the \
                 strides you want measured.",
                raw.frames.len()
            ),
        );
        return Err(errors);
    }
    if raw.frames.is_empty() {
        errors.add("frames", "The series has no frames.");
        return Err(errors);
    }
    let (frames, cut_off) = check_frames(&raw.frames, &mut errors);
    let (Some(view), Some(width), Some(height), true) = (view, width, height, errors.is_empty())
    else {
        return Err(errors);
    };
    let series = LandmarkSeries {
        view,
        width,
        height,
        frames: frames
            .into_iter()
            .map(|(t, pose)| Frame {
                t,
                pose: pose.map(|p| Box::new(p.map(|q| in_pixels(q, width, height)))),
            })
            .collect(),
    };
    check_clip(&series, cut_off, &mut errors);
    if errors.is_empty() {
        Ok(series)
    } else {
        Err(errors)
    }
}

fn side_length(errors: &mut FieldErrors, field: &str, v: Option<f64>) -> Option<f64> {
    match v {
        Some(v) if v.is_finite() && (MIN_SIDE..=MAX_SIDE).contains(&v) => Some(v),
        _ => {
            errors.add(
                field,
                format!("The video's {field} must be between {MIN_SIDE} and {MAX_SIDE} pixels."),
            );
            None
        }
    }
}

type CheckedFrame = (f64, Option<[Point; LANDMARKS]>);

/// Whether the head or either foot is outside the picture (fractions).
fn cut_off(pose: &[Point; LANDMARKS]) -> bool {
    let outside = |l: Landmark| {
        let p = pose[l.index()];
        !((0.0..=1.0).contains(&p.x) && (0.0..=1.0).contains(&p.y))
    };
    outside(Landmark::Nose)
        || Side::BOTH
            .iter()
            .any(|&s| outside(Landmark::of(Part::Ankle, s)))
}

/// Times and landmarks, still as fractions of the picture, and how many frames have the head or
/// a foot cut off.
fn check_frames(raw: &[RawFrame], errors: &mut FieldErrors) -> (Vec<CheckedFrame>, usize) {
    let mut cut = 0usize;
    let mut times = FieldErrors::default();
    let mut marks = FieldErrors::default();
    let (mut time_listed, mut time_more) = (0usize, 0usize);
    let mut out = Vec::with_capacity(raw.len());
    let mut previous: Option<f64> = None;
    let mut landmark_listed = 0usize;
    let mut landmark_more = 0usize;
    for (i, frame) in raw.iter().enumerate() {
        let t = match frame.t {
            Some(t) if t.is_finite() && (0.0..=MAX_SECONDS).contains(&t) => t,
            _ => {
                note(
                    &mut times,
                    &mut time_listed,
                    &mut time_more,
                    format!("frames[{i}].t"),
                    format!(
                        "A frame's time must be a number of seconds from 0 to {MAX_SECONDS:.0}."
                    ),
                );
                continue;
            }
        };
        if let Some(p) = previous.filter(|&p| t <= p) {
            note(
                &mut times,
                &mut time_listed,
                &mut time_more,
                format!("frames[{i}].t"),
                format!(
                    "Frames must be in time order: this one ({t:.3} s) is not after the one before \
                     ({p:.3} s)."
                ),
            );
        }
        previous = Some(t);
        let pose = if frame.landmarks.is_empty() {
            None
        } else if frame.landmarks.len() != LANDMARKS {
            note(
                &mut marks,
                &mut landmark_listed,
                &mut landmark_more,
                format!("frames[{i}].landmarks"),
                format!(
                    "A frame has either no landmarks or all {LANDMARKS}; this one has {}.",
                    frame.landmarks.len()
                ),
            );
            None
        } else {
            let mut pose = [Point {
                x: 0.0,
                y: 0.0,
                visibility: 0.0,
            }; LANDMARKS];
            let mut ok = true;
            for (j, l) in frame.landmarks.iter().enumerate() {
                match point(l) {
                    Ok(p) => pose[j] = p,
                    Err(why) => {
                        ok = false;
                        note(
                            &mut marks,
                            &mut landmark_listed,
                            &mut landmark_more,
                            format!("frames[{i}].landmarks[{j}]"),
                            format!("{} ({:?}): {why}", j, Landmark::ALL[j]),
                        );
                    }
                }
            }
            ok.then_some(pose)
        };
        if pose.as_ref().is_some_and(cut_off) {
            cut += 1;
        }
        out.push((t, pose));
    }
    errors.0.extend(times.0);
    if time_more > 0 {
        errors.add(
            "frames",
            format!("…and {time_more} more frames with a bad time."),
        );
    }
    errors.0.extend(marks.0);
    if landmark_more > 0 {
        errors.add(
            "frames",
            format!("…and {landmark_more} more bad landmarks."),
        );
    }
    (out, cut)
}

fn note(
    errors: &mut FieldErrors,
    listed: &mut usize,
    more: &mut usize,
    field: String,
    message: String,
) {
    if *listed < MAX_LISTED {
        errors.add(&field, message);
        *listed += 1;
    } else {
        *more += 1;
    }
}

/// One `[x, y, visibility]`, as fractions.
fn point(raw: &[Option<f64>]) -> Result<Point, &'static str> {
    let [Some(x), Some(y), Some(visibility)] = raw else {
        return Err("a landmark is three numbers: x, y and visibility");
    };
    if !(x.is_finite() && y.is_finite() && visibility.is_finite()) {
        return Err("not a number");
    }
    let inside = -OUTSIDE_MARGIN..=1.0 + OUTSIDE_MARGIN;
    if !inside.contains(x) || !inside.contains(y) {
        return Err("outside the picture (x and y are fractions of the picture, 0 to 1)");
    }
    if !(0.0..=1.0).contains(visibility) {
        return Err("visibility must be from 0 to 1");
    }
    // The model guesses where a part outside the picture would be: it was not seen.
    let seen_inside = (0.0..=1.0).contains(x) && (0.0..=1.0).contains(y);
    Ok(Point {
        x: *x,
        y: *y,
        visibility: if seen_inside { *visibility } else { 0.0 },
    })
}

fn in_pixels(p: Point, width: f64, height: f64) -> Point {
    Point {
        x: p.x * width,
        y: p.y * height,
        visibility: p.visibility,
    }
}

/// Whole-clip checks: long enough, a person in most frames, big enough, head and feet in picture.
fn check_clip(series: &LandmarkSeries, cut_off: usize, errors: &mut FieldErrors) {
    let duration = series.duration();
    if duration < MIN_SECONDS {
        errors.add(
            "frames",
            format!(
                "The clip is {duration:.1} s long; film at least {MIN_SECONDS:.0} seconds so that 5 \
                 or more strides are in it."
            ),
        );
        return;
    }
    let with_pose = series.frames_with_pose();
    if with_pose * 2 < series.frames().len() {
        errors.add(
            "frames",
            format!(
                "No runner was found in most of the video (a person in {with_pose} of {} frames). \
                 Film the whole body, side on, in good light.",
                series.frames().len()
            ),
        );
        return;
    }
    if cut_off * 2 > with_pose {
        errors.add(
            "frames",
            "The runner's head or feet are outside the picture in most frames. Stand the phone \
             further back (3–4 m) so the whole body is in the picture.",
        );
        return;
    }
    let mut heights: Vec<f64> = series
        .frames()
        .iter()
        .filter_map(|f| f.pose.as_ref())
        .map(|pose| {
            let head = pose[Landmark::Nose.index()];
            let feet = Side::BOTH.map(|s| pose[Landmark::of(Part::Ankle, s).index()]);
            (feet[0].y.max(feet[1].y) - head.y) / series.height()
        })
        .collect();
    let share = geometry::median(&mut heights).unwrap_or(0.0);
    if share < MIN_PERSON_SHARE {
        errors.add(
            "frames",
            format!(
                "The runner fills only {:.0}% of the picture's height; at least {:.0}% is needed. \
                 Stand the phone closer (3–4 m) or zoom in before recording.",
                share * 100.0,
                MIN_PERSON_SHARE * 100.0
            ),
        );
    }
}
