//! Line drawings for the running-form pages: how to set the phone up, and the runner's pose at
//! initial contact and mid-stance as a stick figure with the measured angles drawn in (SVG made
//! here, so the page, a print and an export show the same picture; styled by `form_video.css`).

use backstride_core::form::{
    FormReport, Landmark, MetricKind, Moment, Part, PoseStill, Side, View,
};
use std::fmt::Write;

/// The set-up, seen from above: the runner's path, the phone 3–4 m away, square to it, at hip
/// height.
pub const SETUP: &str = r##"<svg class="setup-figure" viewBox="0 0 320 200" role="img" aria-labelledby="setup-title setup-desc" xmlns="http://www.w3.org/2000/svg">
<title id="setup-title">How to set the phone up</title>
<desc id="setup-desc">Seen from above: the runner runs along a straight line from left to right. The phone stands still on a tripod or a shelf 3 to 4 metres away, at hip height, pointing straight at the middle of the line, so the whole body is in the picture for 5 or more strides.</desc>
<line class="path" x1="20" y1="40" x2="300" y2="40"/>
<polygon class="arrow" points="300,40 288,34 288,46"/>
<text x="20" y="26">Running line (5+ easy strides)</text>
<circle class="runner" cx="160" cy="40" r="9"/>
<line class="distance" x1="160" y1="58" x2="160" y2="150"/>
<text x="168" y="108">3–4 m</text>
<rect class="phone" x="148" y="152" width="24" height="14" rx="3"/>
<polygon class="view" points="160,152 60,52 260,52"/>
<text x="60" y="190">Phone still, at hip height, square to the line</text>
</svg>"##;

/// One drawing with its words.
#[derive(Debug, Clone)]
pub struct Still {
    pub title: &'static str,
    pub svg: String,
    pub caption: String,
}

/// Scale: leg lengths to drawing units.
const S: f64 = 100.0;

fn point(still: &PoseStill, landmark: Landmark) -> Option<(f64, f64)> {
    still
        .points
        .iter()
        .find(|(l, _, _)| *l == landmark)
        .map(|(_, x, y)| (x * S, y * S))
}

fn median(report: &FormReport, kind: MetricKind) -> Option<f64> {
    report.metric(kind).and_then(|m| m.outcome.value())
}

/// The stick figures of a report: initial contact and mid-stance (side view), or mid-stance
/// (rear view).
pub fn stills(report: &FormReport) -> Vec<Still> {
    report
        .stills
        .iter()
        .filter(|s| report.view == View::Side || s.moment == Moment::MidStance)
        .map(|s| draw(report, s))
        .collect()
}

fn draw(report: &FormReport, still: &PoseStill) -> Still {
    let title = match still.moment {
        Moment::InitialContact => "As the foot lands",
        Moment::MidStance => "Mid-stance",
    };
    let mut body = String::new();
    let mut words = Vec::new();
    let near = still.foot;
    // The far side first and fainter, so the near (standing) leg is drawn over it.
    for side in [near.other(), near] {
        let class = if side == near {
            "limb near"
        } else {
            "limb far"
        };
        let chain = Part::ALL;
        let pts: Vec<(f64, f64)> = chain
            .iter()
            .filter_map(|&p| point(still, Landmark::of(p, side)))
            .collect();
        if pts.len() == chain.len() {
            let path: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            let _ = write!(
                body,
                r#"<polyline class="{class}" points="{}"/>"#,
                path.join(" ")
            );
            // Heel back to the ankle closes the foot.
            let (ax, ay) = pts[4];
            let (hx, hy) = pts[5];
            let _ = write!(
                body,
                r#"<line class="{class}" x1="{ax:.1}" y1="{ay:.1}" x2="{hx:.1}" y2="{hy:.1}"/>"#
            );
        }
    }
    let side = |p| point(still, Landmark::of(p, near));
    let mid = |p| {
        let l = point(still, Landmark::of(p, Side::Left))?;
        let r = point(still, Landmark::of(p, Side::Right))?;
        Some(((l.0 + r.0) / 2.0, (l.1 + r.1) / 2.0))
    };
    match (report.view, still.moment) {
        (View::Side, Moment::InitialContact) => {
            if let (Some(knee), Some(ankle)) = (side(Part::Knee), side(Part::Ankle)) {
                reference(&mut body, knee, (knee.0, ankle.1));
                if let Some(v) = median(report, MetricKind::ShankAngleAtContact) {
                    label(
                        &mut body,
                        (ankle.0 + 8.0, (knee.1 + ankle.1) / 2.0),
                        &format!("shin {v:.0}°"),
                    );
                    words.push(format!("shin {v:.0}° from vertical"));
                }
                if let Some(v) = median(report, MetricKind::KneeFlexionAtContact) {
                    label(
                        &mut body,
                        (knee.0 + 8.0, knee.1 - 4.0),
                        &format!("knee bend {v:.0}°"),
                    );
                    words.push(format!("knee bent {v:.0}°"));
                }
            }
            if let Some(hip) = mid(Part::Hip) {
                reference(&mut body, hip, (hip.0, hip.1 + 130.0));
            }
        }
        (View::Side, Moment::MidStance) => {
            if let Some(hip) = mid(Part::Hip) {
                reference(&mut body, hip, (hip.0, hip.1 - 80.0));
                if let Some(v) = median(report, MetricKind::TrunkLean) {
                    label(
                        &mut body,
                        (hip.0 + 10.0, hip.1 - 40.0),
                        &format!("trunk {v:.0}°"),
                    );
                    words.push(format!("trunk leaning {v:.0}° forward of vertical"));
                }
            }
            if let Some(v) = median(report, MetricKind::ForwardHead) {
                if let Some(sh) = mid(Part::Shoulder) {
                    label(
                        &mut body,
                        (sh.0 + 10.0, sh.1 - 20.0),
                        &format!("head {v:.0}°"),
                    );
                }
                words.push(format!("head {v:.0}° forward of the shoulders"));
            }
        }
        (View::Rear, _) => {
            if let (Some(l), Some(r)) = (
                point(still, Landmark::of(Part::Hip, Side::Left)),
                point(still, Landmark::of(Part::Hip, Side::Right)),
            ) {
                let y = (l.1 + r.1) / 2.0;
                reference(&mut body, (l.0 - 20.0, y), (r.0 + 20.0, y));
                let _ = write!(
                    body,
                    r#"<line class="measure" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
                    l.0, l.1, r.0, r.1
                );
                for (kind, name) in [
                    (MetricKind::PelvicDropLeftStance, "on the left leg"),
                    (MetricKind::PelvicDropRightStance, "on the right leg"),
                ] {
                    if let Some(v) = median(report, kind) {
                        words.push(format!("pelvic drop {v:.0}° {name}"));
                    }
                }
            }
        }
    }
    let caption = if words.is_empty() {
        "The pose of one stride.".to_owned()
    } else {
        format!(
            "The pose of one stride; the angles are the medians over all strides: {}.",
            words.join(", ")
        )
    };
    let svg = format!(
        r#"<svg class="pose-figure" viewBox="-130 -175 260 320" role="img" aria-label="{title}: stick figure of the runner. {caption}" xmlns="http://www.w3.org/2000/svg"><line class="ground" x1="-130" y1="{:.1}" x2="130" y2="{:.1}"/>{body}</svg>"#,
        ground(still),
        ground(still),
    );
    Still {
        title,
        svg,
        caption,
    }
}

/// The lowest point of the figure, where the ground is.
fn ground(still: &PoseStill) -> f64 {
    still
        .points
        .iter()
        .map(|(_, _, y)| y * S)
        .fold(f64::NEG_INFINITY, f64::max)
        + 4.0
}

fn reference(body: &mut String, from: (f64, f64), to: (f64, f64)) {
    let _ = write!(
        body,
        r#"<line class="reference" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/>"#,
        from.0, from.1, to.0, to.1
    );
}

fn label(body: &mut String, at: (f64, f64), text: &str) {
    let _ = write!(
        body,
        r#"<text class="angle" x="{:.1}" y="{:.1}">{text}</text>"#,
        at.0, at.1
    );
}
