//! The one renderer: a figure's frames, props and cues as a standalone line-drawing SVG.

use std::fmt::Write as _;

use crate::body::{Joint, Skeleton, len};
use crate::scene::{BlockStyle, Camera, Cue, Figure, Prop, Spot};

/// Outline colour for the gaps that keep overlapping limbs apart (themeable through CSS).
const PAPER: &str = "#fff";
/// A limb further from the viewer than the trunk is drawn this light.
const FAR_OPACITY: f64 = 0.4;
/// The halo on each side of a body stroke.
const HALO: f64 = 1.6;
/// Props and cues.
const THIN: f64 = 1.4;

type P2 = (f64, f64);

/// How one drawn item looks; its geometry comes from the frames.
#[derive(Clone, Copy, Debug)]
enum Look {
    /// A round-capped stroke of this width, in ink or in paper colour.
    Line { w: f64, paper: bool },
    /// A filled disc of this radius.
    Disc { r: f64, paper: bool },
}

/// One drawn item with its two points in every frame (a disc uses the first).
#[derive(Clone, Debug)]
struct Item {
    look: Look,
    pts: Vec<[P2; 2]>,
}

/// Items drawn together, optionally lighter.
#[derive(Clone, Debug, Default)]
struct Layer {
    opacity: Option<f64>,
    items: Vec<Item>,
}

/// A body part: its segments (from, to, width) in drawing order.
struct Part {
    segs: &'static [(Joint, Joint, f64)],
    head: bool,
    bias: f64,
}

const PARTS: [Part; 5] = {
    use Joint::*;
    [
        Part {
            segs: &[
                (HipL, KneeL, 7.0),
                (KneeL, AnkleL, 5.5),
                (AnkleL, HeelL, 4.0),
                (HeelL, ToeL, 4.0),
            ],
            head: false,
            bias: -1.0,
        },
        Part {
            segs: &[
                (HipR, KneeR, 7.0),
                (KneeR, AnkleR, 5.5),
                (AnkleR, HeelR, 4.0),
                (HeelR, ToeR, 4.0),
            ],
            head: false,
            bias: -1.0,
        },
        Part {
            segs: &[
                (HipL, HipR, 10.0),
                (Pelvis, Spine, 10.0),
                (Spine, Chest, 11.0),
                (ShoulderL, ShoulderR, 9.0),
                (Chest, NeckTop, 4.5),
            ],
            head: true,
            bias: 0.0,
        },
        Part {
            segs: &[(ShoulderL, ElbowL, 5.5), (ElbowL, HandL, 4.5)],
            head: false,
            bias: 1.0,
        },
        Part {
            segs: &[(ShoulderR, ElbowR, 5.5), (ElbowR, HandR, 4.5)],
            head: false,
            bias: 1.0,
        },
    ]
};

/// A bounding box in screen units.
#[derive(Clone, Copy, Debug)]
struct Bounds {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Bounds {
    const EMPTY: Bounds = Bounds {
        x0: f64::INFINITY,
        y0: f64::INFINITY,
        x1: f64::NEG_INFINITY,
        y1: f64::NEG_INFINITY,
    };

    fn add(&mut self, (x, y): P2, r: f64) {
        self.x0 = self.x0.min(x - r);
        self.y0 = self.y0.min(y - r);
        self.x1 = self.x1.max(x + r);
        self.y1 = self.y1.max(y + r);
    }
}

/// Formats a coordinate: one decimal, no trailing `.0`, never `-0`.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

/// Escapes text for XML content.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Everything static that is drawn: props behind, cues in front, with their extent.
struct Marks {
    back: String,
    front: String,
    bounds: Bounds,
}

/// Renders a figure. `animate` adds the CSS animation (and the themeable style); otherwise the
/// still frame for `end` is drawn with presentation attributes only, for print.
pub(crate) fn render(fig: &Figure, animate: bool, end: bool) -> String {
    let cam = Camera::new(fig.view);
    let frames: Vec<(f64, Skeleton)> = if animate && fig.animated() {
        fig.frames()
    } else {
        vec![(0.0, fig.still(end))]
    };
    let start = fig.start();
    let first = frames[0].1;

    let mut layers = body_layers(&cam, &frames);
    let moving = moving_props(fig, &cam, &frames);
    layers.push(Layer {
        opacity: None,
        items: moving,
    });

    let mut marks = Marks {
        back: String::new(),
        front: String::new(),
        bounds: Bounds::EMPTY,
    };
    for layer in &layers {
        for item in &layer.items {
            let r = match item.look {
                Look::Line { w, .. } => w / 2.0,
                Look::Disc { r, .. } => r,
            };
            for pts in &item.pts {
                marks.bounds.add(pts[0], r);
                marks.bounds.add(pts[1], r);
            }
        }
    }
    let body_bounds = marks.bounds;
    static_props(fig, &cam, &start, &mut marks);
    cues(fig, &cam, &start, &first, body_bounds, &mut marks);
    if fig.has_floor() {
        marks.bounds.add((marks.bounds.x0, 0.0), THIN);
    }
    // A small margin, rounded out to whole units so the numbers stay short.
    let m = 3.0;
    let b = marks.bounds;
    let (vx, vy) = ((b.x0 - m).floor(), (b.y0 - m).floor());
    let (vw, vh) = ((b.x1 + m - vx).ceil(), (b.y1 + m - vy).ceil());

    let scope = format!("bsf-{}", fig.id);
    let mut css = String::new();
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{} {} {} {}" role="img" class="{scope}">"#,
        n(vx),
        n(vy),
        n(vw),
        n(vh)
    );
    let _ = write!(out, "<title>{}</title>", esc(fig.title));
    let mut desc = fig.desc.to_owned();
    if animate && fig.animated() {
        desc.push_str(" The drawing moves slowly from the start to the end position and back.");
    }
    let _ = write!(out, "<desc>{}</desc>", esc(&desc));
    let style_at = out.len();
    let _ = write!(
        out,
        r#"<g fill="none" stroke="currentColor" stroke-linecap="round" stroke-linejoin="round">"#
    );
    if fig.has_floor() {
        let _ = write!(
            out,
            r#"<line x1="{}" y1="0" x2="{}" y2="0" stroke-width="{}"/>"#,
            n(vx),
            n(vx + vw),
            n(THIN)
        );
    }
    out.push_str(&marks.back);
    let mut anim = Anim {
        scope: &scope,
        secs: fig.secs,
        names: Vec::new(),
        css: &mut css,
        frames: &frames,
    };
    for layer in &layers {
        if layer.items.is_empty() {
            continue;
        }
        match layer.opacity {
            Some(o) => {
                let _ = write!(out, r#"<g opacity="{o}">"#);
            }
            None => out.push_str("<g>"),
        }
        for item in &layer.items {
            anim.item(item, &mut out);
        }
        out.push_str("</g>");
    }
    out.push_str(&marks.front);
    out.push_str("</g></svg>");
    if animate {
        let mut style = format!(
            "<style>.{scope} .p{{stroke:var(--figure-paper,{PAPER})}}.{scope} .pf{{fill:var(--figure-paper,{PAPER})}}"
        );
        if !css.is_empty() {
            let _ = write!(
                style,
                ".{scope} *{{transform-box:view-box;transform-origin:0 0}}{css}\
                 @media (prefers-reduced-motion:reduce){{.{scope} *{{animation:none!important}}}}"
            );
        }
        style.push_str("</style>");
        out.insert_str(style_at, &style);
    }
    out
}

/// The body as layers, far parts first, with each part's halos under its strokes.
fn body_layers(cam: &Camera, frames: &[(f64, Skeleton)]) -> Vec<Layer> {
    let s0 = &frames[0].1;
    let depth = |p: &Part| {
        let js: Vec<Joint> = p.segs.iter().flat_map(|&(a, b, _)| [a, b]).collect();
        js.iter().map(|&j| cam.depth(s0.get(j))).sum::<f64>() / js.len() as f64
    };
    let trunk = depth(&PARTS[2]);
    let mut order: Vec<(f64, usize)> = PARTS
        .iter()
        .enumerate()
        .map(|(i, p)| (depth(p) + p.bias, i))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let pts = |a: Joint, b: Joint, t0: f64| -> Vec<[P2; 2]> {
        frames
            .iter()
            .map(|(_, s)| {
                let (pa, pb) = (s.get(a), s.get(b));
                [cam.screen(pa.lerp(pb, t0)), cam.screen(pb)]
            })
            .collect()
    };
    let head = |r: f64, paper: bool| Item {
        look: Look::Disc { r, paper },
        pts: frames
            .iter()
            .map(|(_, s)| [cam.screen(s.get(Joint::Head)); 2])
            .collect(),
    };
    order
        .into_iter()
        .map(|(_, i)| {
            let part = &PARTS[i];
            let far = i != 2 && depth(part) < trunk - 4.5;
            let mut items = Vec::new();
            for (k, &(a, b, w)) in part.segs.iter().enumerate() {
                // A limb's first halo starts part way down, so it does not ring the joint it hangs from.
                let t0 = if k == 0 && i != 2 { 0.45 } else { 0.0 };
                items.push(Item {
                    look: Look::Line {
                        w: w + 2.0 * HALO,
                        paper: true,
                    },
                    pts: pts(a, b, t0),
                });
            }
            if part.head {
                items.push(head(len::HEAD_R + HALO, true));
            }
            for &(a, b, w) in part.segs {
                items.push(Item {
                    look: Look::Line { w, paper: false },
                    pts: pts(a, b, 0.0),
                });
            }
            if part.head {
                items.push(head(len::HEAD_R, false));
            }
            Layer {
                opacity: far.then_some(FAR_OPACITY),
                items,
            }
        })
        .collect()
}

/// Props that follow the body: bands and cables.
fn moving_props(fig: &Figure, cam: &Camera, frames: &[(f64, Skeleton)]) -> Vec<Item> {
    let seg = |a: &Spot, b: &Spot| -> Vec<[P2; 2]> {
        frames
            .iter()
            .map(|(_, s)| [cam.screen(a.world(s)), cam.screen(b.world(s))])
            .collect()
    };
    let mut items = Vec::new();
    for prop in fig.props {
        match prop {
            Prop::Band { a, b } => {
                let pts = seg(a, b);
                items.push(Item {
                    look: Look::Line {
                        w: 4.2,
                        paper: false,
                    },
                    pts: pts.clone(),
                });
                items.push(Item {
                    look: Look::Line {
                        w: 1.8,
                        paper: true,
                    },
                    pts,
                });
            }
            Prop::Cable { at, to } => {
                items.push(Item {
                    look: Look::Line {
                        w: 1.2,
                        paper: false,
                    },
                    pts: seg(at, to),
                });
            }
            _ => {}
        }
    }
    items
}

/// Props that stay put, drawn behind the body.
fn static_props(fig: &Figure, cam: &Camera, start: &Skeleton, marks: &mut Marks) {
    let w = n(THIN);
    let pelvis_x = cam.screen(start.get(Joint::Pelvis)).0;
    for prop in fig.props {
        let o = &mut marks.back;
        let bb = &mut marks.bounds;
        match prop {
            Prop::Floor | Prop::Band { .. } => {}
            Prop::Wall { at, height } => {
                let (x, _) = cam.screen(at.world(start));
                let side = if pelvis_x > x { -1.0 } else { 1.0 };
                let _ = write!(
                    o,
                    r#"<path stroke-width="{w}" d="M{} 0V{}"#,
                    n(x),
                    n(-height)
                );
                let mut y = -4.0;
                while y > -height {
                    let _ = write!(o, "M{} {}l{} 3", n(x), n(y), n(side * 3.0));
                    y -= 6.0;
                }
                o.push_str(r#""/>"#);
                bb.add((x + side * 3.0, -height), 0.0);
                bb.add((x, 0.0), 0.0);
            }
            Prop::Block { at, x, z, style } => {
                let p = at.world(start);
                let mut x0 = f64::INFINITY;
                let mut x1 = f64::NEG_INFINITY;
                for dx in x {
                    for dz in [-z, *z] {
                        let (sx, _) = cam.screen(p + crate::body::V3::new(*dx, 0.0, dz));
                        x0 = x0.min(sx);
                        x1 = x1.max(sx);
                    }
                }
                let top = -p.y;
                match style {
                    BlockStyle::Box => {
                        let _ = write!(
                            o,
                            r#"<rect x="{}" y="{}" width="{}" height="{}" stroke-width="{w}"/>"#,
                            n(x0),
                            n(top),
                            n(x1 - x0),
                            n(-top)
                        );
                    }
                    BlockStyle::Bench => {
                        let slab = 3.5_f64.min(-top);
                        let _ = write!(
                            o,
                            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="1" stroke-width="{w}"/><path stroke-width="{w}" d="M{} {}V0M{} {}V0"/>"#,
                            n(x0),
                            n(top),
                            n(x1 - x0),
                            n(slab),
                            n(x0 + 3.0),
                            n(top + slab),
                            n(x1 - 3.0),
                            n(top + slab)
                        );
                    }
                }
                bb.add((x0, top), 0.0);
                bb.add((x1, 0.0), 0.0);
            }
            Prop::Roller { at, r } => {
                let c = (cam.screen(at.world(start)).0, -r);
                let _ = write!(
                    o,
                    r#"<circle cx="{}" cy="{}" r="{}" stroke-width="{w}"/><circle cx="{}" cy="{}" r="{}" stroke-width="1"/>"#,
                    n(c.0),
                    n(c.1),
                    n(*r),
                    n(c.0),
                    n(c.1),
                    n(r * 0.35)
                );
                bb.add(c, *r);
            }
            Prop::Post { at } | Prop::Cable { at, .. } => {
                let (x, y) = cam.screen(at.world(start));
                let _ = write!(
                    o,
                    r#"<path stroke-width="2" d="M{} 0V{}M{} 0h8"/>"#,
                    n(x),
                    n(y - 5.0),
                    n(x - 4.0)
                );
                if matches!(prop, Prop::Cable { .. }) {
                    let _ = write!(
                        o,
                        r#"<circle cx="{}" cy="{}" r="1.8" stroke-width="{w}" fill="{PAPER}" class="pf"/>"#,
                        n(x),
                        n(y)
                    );
                }
                bb.add((x - 4.0, y - 5.0), 0.0);
                bb.add((x + 4.0, 0.0), 0.0);
            }
            Prop::Wedge { at, deg, len } => {
                let p = at.world(start);
                let (x, _) = cam.screen(p);
                let (s, c) = deg.to_radians().sin_cos();
                let dir = if cam.screen(start.get(Joint::Head)).0 < x {
                    -1.0
                } else {
                    1.0
                };
                let (tx, ty) = (x + dir * len * c, -len * s);
                let _ = write!(
                    o,
                    r#"<path stroke-width="{w}" d="M{} 0L{} {}V0Z"/>"#,
                    n(x),
                    n(tx),
                    n(ty)
                );
                bb.add((x, 0.0), 0.0);
                bb.add((tx, ty), 0.0);
            }
            Prop::Pad { at } => {
                let (x, y) = cam.screen(at.world(start));
                let _ = write!(
                    o,
                    r#"<rect x="{}" y="{}" width="8" height="4.5" rx="1.2" stroke-width="{w}"/>"#,
                    n(x - 4.0),
                    n(y - 2.25)
                );
                bb.add((x, y), 4.5);
            }
            Prop::Stopwatch { at } => {
                let (x, y) = cam.screen(at.world(start));
                let _ = write!(
                    o,
                    r#"<circle cx="{}" cy="{}" r="6" stroke-width="{w}"/><path stroke-width="{w}" d="M{} {}v-3.5l2.5 2M{} {}v-2M{} {}h3"/>"#,
                    n(x),
                    n(y),
                    n(x),
                    n(y),
                    n(x),
                    n(y - 6.0),
                    n(x - 1.5),
                    n(y - 8.0)
                );
                bb.add((x, y - 2.0), 7.0);
            }
        }
    }
}

/// Arrows and guide lines, drawn over the body.
fn cues(
    fig: &Figure,
    cam: &Camera,
    start: &Skeleton,
    shown: &Skeleton,
    body: Bounds,
    marks: &mut Marks,
) {
    let o = &mut marks.front;
    let bb = &mut marks.bounds;
    for cue in fig.cues {
        match cue {
            Cue::Trace { joint, off } => {
                if !fig.animated() {
                    continue;
                }
                let poses = fig.poses();
                let path: Vec<P2> = (0..=40)
                    .map(|i| {
                        let pose = fig.pose_at(&poses, f64::from(i) / 40.0);
                        cam.screen(fig.place(&pose, start).get(*joint))
                    })
                    .collect();
                let Some(arrow) = trace(&path, *off) else {
                    continue;
                };
                arrow_path(o, bb, &arrow);
            }
            Cue::Push { at, dir, len } => {
                let p = at.world(shown);
                let d = crate::body::V3::new(dir[0], dir[1], dir[2]);
                let d = d * (len / d.len().max(1e-9));
                let a = cam.screen(p);
                let b = cam.screen(p + d);
                arrow_path(o, bb, &[a, b]);
            }
            Cue::Plumb { at } => {
                let (x, _) = cam.screen(at.world(shown));
                let top = body.y0 - 4.0;
                let _ = write!(
                    o,
                    r#"<path stroke-width="1" stroke-dasharray="2.5 2.5" d="M{} 0V{}"/>"#,
                    n(x),
                    n(top)
                );
                bb.add((x, top), 1.0);
            }
            Cue::Align { a, b, ext } => {
                let pa = cam.screen(a.world(shown));
                let pb = cam.screen(b.world(shown));
                let (dx, dy) = (pb.0 - pa.0, pb.1 - pa.1);
                let l = dx.hypot(dy).max(1e-9);
                let (ux, uy) = (dx / l * ext, dy / l * ext);
                let (s, e) = ((pa.0 - ux, pa.1 - uy), (pb.0 + ux, pb.1 + uy));
                let _ = write!(
                    o,
                    r#"<path stroke-width="1" stroke-dasharray="2.5 2.5" d="M{} {}L{} {}"/>"#,
                    n(s.0),
                    n(s.1),
                    n(e.0),
                    n(e.1)
                );
                bb.add(s, 1.0);
                bb.add(e, 1.0);
            }
        }
    }
}

/// The middle of a joint's path, moved `off` to its side.
fn trace(path: &[P2], off: f64) -> Option<Vec<P2>> {
    let mut acc = vec![0.0];
    for w in path.windows(2) {
        let d = (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1);
        acc.push(acc[acc.len() - 1] + d);
    }
    let total = acc[acc.len() - 1];
    if total < 6.0 {
        return None;
    }
    let (a, b) = (path[0], path[path.len() - 1]);
    let mid = path[path.len() / 2];
    // Left of the direction of travel for a positive offset (or of the way out, for a round trip).
    let (cx, cy) = if (b.0 - a.0).hypot(b.1 - a.1) > 2.0 {
        (b.0 - a.0, b.1 - a.1)
    } else {
        (mid.0 - a.0, mid.1 - a.1)
    };
    let cl = cx.hypot(cy).max(1e-9);
    let (nx, ny) = (cy / cl, -cx / cl);
    let trim = (total * 0.18).min(10.0);
    let pts: Vec<P2> = path
        .iter()
        .zip(&acc)
        .filter(|&(_, &s)| s >= trim && s <= total - trim)
        .map(|(p, _)| (p.0 + nx * off, p.1 + ny * off))
        .collect();
    (pts.len() >= 2).then_some(pts)
}

/// An open arrow along a polyline.
fn arrow_path(o: &mut String, bb: &mut Bounds, pts: &[P2]) {
    let Some((&tip, rest)) = pts.split_last() else {
        return;
    };
    let Some(&prev) = rest
        .iter()
        .rev()
        .find(|p| (p.0 - tip.0).hypot(p.1 - tip.1) > 0.5)
    else {
        return;
    };
    let _ = write!(
        o,
        r#"<path stroke-width="{}" d="M{} {}"#,
        n(THIN),
        n(pts[0].0),
        n(pts[0].1)
    );
    for p in &pts[1..] {
        let _ = write!(o, "L{} {}", n(p.0), n(p.1));
        bb.add(*p, 2.0);
    }
    bb.add(pts[0], 2.0);
    let ang = (tip.1 - prev.1).atan2(tip.0 - prev.0);
    for s in [1.0, -1.0] {
        let a = ang + std::f64::consts::PI - s * 0.5;
        let _ = write!(
            o,
            "M{} {}l{} {}",
            n(tip.0),
            n(tip.1),
            n(3.4 * a.cos()),
            n(3.4 * a.sin())
        );
    }
    o.push_str(r#""/>"#);
}

/// Writes items, static or animated, collecting the keyframes.
struct Anim<'a> {
    scope: &'a str,
    secs: f64,
    names: Vec<(String, String)>,
    css: &'a mut String,
    frames: &'a [(f64, Skeleton)],
}

impl Anim<'_> {
    fn item(&mut self, item: &Item, out: &mut String) {
        let still = item
            .pts
            .iter()
            .all(|p| close(p[0], item.pts[0][0]) && close(p[1], item.pts[0][1]));
        let (paint, paper_class) = match item.look {
            Look::Line { w, paper: true } => (
                format!(r#"stroke-width="{}" stroke="{PAPER}""#, n(w)),
                Some("p"),
            ),
            Look::Line { w, paper: false } => (format!(r#"stroke-width="{}""#, n(w)), None),
            Look::Disc { r, paper: true } => (
                format!(r#"r="{}" stroke="none" fill="{PAPER}""#, n(r)),
                Some("pf"),
            ),
            Look::Disc { r, paper: false } => (
                format!(r#"r="{}" stroke="none" fill="currentColor""#, n(r)),
                None,
            ),
        };
        let class_attr = |extra: Option<&str>| {
            let classes: Vec<&str> = [paper_class, extra].into_iter().flatten().collect();
            if classes.is_empty() {
                String::new()
            } else {
                format!(r#" class="{}""#, classes.join(" "))
            }
        };
        let [a, b] = item.pts[0];
        if still {
            let c = class_attr(None);
            match item.look {
                Look::Line { .. } => {
                    let _ = write!(
                        out,
                        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {paint}{c}/>"#,
                        n(a.0),
                        n(a.1),
                        n(b.0),
                        n(b.1)
                    );
                }
                Look::Disc { .. } => {
                    let _ = write!(
                        out,
                        r#"<circle cx="{}" cy="{}" {paint}{c}/>"#,
                        n(a.0),
                        n(a.1)
                    );
                }
            }
            return;
        }
        // Moving: the element sits at the origin and a transform carries it; every frame is a keyframe.
        let lens: Vec<f64> = item
            .pts
            .iter()
            .map(|p| (p[1].0 - p[0].0).hypot(p[1].1 - p[0].1))
            .collect();
        let l0 = lens.iter().copied().fold(0.0, f64::max);
        let is_line = matches!(item.look, Look::Line { .. }) && l0 > 0.05;
        let scaled = is_line && lens.iter().any(|l| (l / l0 - 1.0).abs() > 0.005);
        // Start from the first frame that has a direction, so a point-like start takes it too.
        let mut angle = item
            .pts
            .iter()
            .zip(&lens)
            .find(|(_, l)| **l > 0.01)
            .map(|(p, _)| (p[1].1 - p[0].1).atan2(p[1].0 - p[0].0).to_degrees())
            .unwrap_or(0.0);
        let mut values = Vec::with_capacity(item.pts.len());
        for (p, l) in item.pts.iter().zip(&lens) {
            let mut t = format!("translate({}px,{}px)", n(p[0].0), n(p[0].1));
            if is_line {
                if *l > 0.01 {
                    let raw = (p[1].1 - p[0].1).atan2(p[1].0 - p[0].0).to_degrees();
                    angle += wrap(raw - angle);
                }
                let _ = write!(t, " rotate({}deg)", n(angle));
                if scaled {
                    let _ = write!(t, " scale({},1)", n3((l / l0).max(0.001)));
                }
            }
            values.push(t);
        }
        let attr = values[0]
            .replace("px", "")
            .replace("deg", "")
            .replace(',', " ");
        let body = keyframes(self.frames, &values);
        let name = match self.names.iter().find(|(b, _)| *b == body) {
            Some((_, name)) => name.clone(),
            None => {
                let name = format!("k{}", self.names.len());
                let _ = write!(
                    self.css,
                    ".{s} .{name}{{animation:{s}-{name} {secs}s linear infinite}}@keyframes {s}-{name}{{{body}}}",
                    s = self.scope,
                    secs = self.secs
                );
                self.names.push((body, name.clone()));
                name
            }
        };
        let c = class_attr(Some(&name));
        match item.look {
            Look::Line { .. } if is_line => {
                let _ = write!(
                    out,
                    r#"<line x2="{}" {paint}{c} transform="{attr}"/>"#,
                    n(l0)
                );
            }
            Look::Line { .. } => {
                let _ = write!(out, r#"<line {paint}{c} transform="{attr}"/>"#);
            }
            Look::Disc { .. } => {
                let _ = write!(out, r#"<circle {paint}{c} transform="{attr}"/>"#);
            }
        }
    }
}

/// Formats a scale factor with three decimals.
fn n3(v: f64) -> String {
    format!("{v:.3}")
}

fn close(a: P2, b: P2) -> bool {
    (a.0 - b.0).abs() < 0.05 && (a.1 - b.1).abs() < 0.05
}

/// An angle difference brought into −180..180.
fn wrap(d: f64) -> f64 {
    (d + 180.0).rem_euclid(360.0) - 180.0
}

/// `@keyframes` body; equal neighbouring frames share one rule.
fn keyframes(frames: &[(f64, Skeleton)], values: &[String]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < values.len() {
        let mut j = i;
        while j + 1 < values.len() && values[j + 1] == values[i] {
            j += 1;
        }
        let pct = |k: usize| format!("{}%", n(frames[k].0));
        let sel = if j > i {
            format!("{},{}", pct(i), pct(j))
        } else {
            pct(i)
        };
        let _ = write!(out, "{sel}{{transform:{}}}", values[i]);
        i = j + 1;
    }
    if frames.last().is_some_and(|f| f.0 < 100.0) {
        let _ = write!(out, "100%{{transform:{}}}", values[0]);
    }
    out
}
