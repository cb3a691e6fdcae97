//! The SVG vocabulary every chart shares: escaping, numbers that can never print as NaN or inf,
//! the root element with its `<title>` and `<desc>`, the value axis, x labels, the legend and the
//! point markers.
//!
//! Everything is drawn with presentation attributes and `chart-` classes only: the pages' content
//! security policy allows no `style` attribute and no `<style>` element, and a stylesheet rule on
//! a class overrides a presentation attribute, so the web crate can restyle any part.

use std::fmt::{self, Write as _};

/// The viewBox width; the height depends on the chart. Narrow, so a chart scaled to a 375 px
/// phone's width (about 340 px of page) keeps its 12-unit text at about 10 px, and no chart
/// needs to scroll sideways inside its box.
pub(crate) const WIDTH: f64 = 400.0;
/// Room left of the plot for the value labels.
pub(crate) const LEFT: f64 = 48.0;
/// Room right of the plot so an end label fits.
pub(crate) const RIGHT: f64 = 24.0;
/// At most this many x labels on a date axis (a "12 Mar" label is about 42 units wide).
pub(crate) const MAX_X_LABELS: usize = 6;
/// Body text size in viewBox units.
const FONT_SIZE: f64 = 12.0;
const LEGEND_ROW: f64 = 20.0;
/// Where legend rows wrap: inside the viewBox, so no entry is cut off ("Morn…").
const LEGEND_RIGHT: f64 = WIDTH - 8.0;

pub(crate) const INK: &str = "#1d2430";
pub(crate) const MUTED: &str = "#4d5766";
const GRID: &str = "#d5d9e0";
/// The paper: marker outlines and the halo behind labels that cross a line.
pub(crate) const PAPER: &str = "#fff";
/// Series colours: dark enough for 4.5:1 on white, told apart by hue for most colour vision and
/// always also by dash pattern and marker shape.
pub(crate) const BLUE: &str = "#1d5fa8";
pub(crate) const ORANGE: &str = "#a85400";
pub(crate) const PURPLE: &str = "#6a3d9a";
pub(crate) const TEAL: &str = "#0b5e55";

/// Text made safe for element content and attribute values: markup characters escaped and the
/// control characters XML 1.0 forbids dropped.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate or length for an attribute: one decimal, and 0 for anything non-finite, so no
/// "NaN" or "inf" can reach the markup whatever went wrong upstream.
#[derive(Clone, Copy)]
pub(crate) struct C(pub f64);

impl fmt::Display for C {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = (self.0 * 10.0).round() / 10.0;
        if r.is_finite() && r != 0.0 {
            write!(f, "{r}")
        } else {
            f.write_str("0")
        }
    }
}

/// A value as a person reads it: at most one decimal ("3", "2.5"); the caller has already
/// dropped non-finite values (shown as a dash if one slips through).
pub(crate) fn number(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    if v.abs() >= 1e9 {
        return format!("{v:.2e}");
    }
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".to_owned()
    } else {
        format!("{r}")
    }
}

/// A value with its unit: "85%", "12.5 km", "3 out of 10", or the bare number without a unit.
pub(crate) fn with_unit(v: f64, unit: &str) -> String {
    let n = number(v);
    if unit.is_empty() {
        n
    } else if unit.starts_with('%') {
        format!("{n}{unit}")
    } else {
        format!("{n} {unit}")
    }
}

/// A tick label with as many decimals as the step needs (0.25 needs two, 2.5 one, 5 none).
fn tick_number(v: f64, step: f64) -> String {
    if v.abs() >= 1e6 {
        return format!("{v:e}");
    }
    let decimals = if (step - step.round()).abs() < 1e-9 {
        0
    } else if (step * 10.0 - (step * 10.0).round()).abs() < 1e-9 {
        1
    } else {
        2
    };
    let s = format!("{v:.decimals$}");
    if s.trim_start_matches(['-', '0', '.']).is_empty() {
        "0".to_owned()
    } else {
        s
    }
}

/// A finite value or nothing.
pub(crate) fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// The id stem made safe for an XML id: ASCII letters, digits, `-` and `_`; anything else
/// becomes `-`.
pub(crate) fn id_stem(id: &str) -> String {
    let stem: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if stem.is_empty() {
        "chart".to_owned()
    } else {
        stem
    }
}

/// Roughly how wide a text is in viewBox units (system-ui averages about 0.56 em a character).
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "short labels")]
    let n = text.chars().count() as f64;
    n * size * 0.58
}

/// A "nice" value axis from zero: the top and the step between ticks (1, 2, 2.5 or 5 times a
/// power of ten, five or so steps). `fixed_top`, when finite and positive, is used as given.
pub(crate) fn value_axis(data_top: f64, fixed_top: Option<f64>) -> (f64, f64) {
    if let Some(top) = fixed_top.filter(|t| t.is_finite() && *t > 0.0 && *t <= 1e12) {
        return (top, nice_step(top / 5.0));
    }
    // Implausible magnitudes are capped so the axis arithmetic stays finite; bars beyond the top
    // are clipped and the table still has the value.
    let top = if data_top.is_finite() && data_top > 0.0 {
        data_top.min(1e12)
    } else {
        1.0
    };
    let top = top.max(1.0);
    let step = nice_step(top / 5.0);
    let top = (top / step - 1e-9).ceil().max(1.0) * step;
    (top, step)
}

fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    let f = raw / power;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// The plotting rectangle and the value range it shows.
#[derive(Clone, Copy)]
pub(crate) struct Plot {
    pub top: f64,
    pub bottom: f64,
    /// The value at the bottom (always 0 here) and at the top.
    pub hi: f64,
    pub step: f64,
}

impl Plot {
    pub fn left(&self) -> f64 {
        LEFT
    }

    pub fn right(&self) -> f64 {
        WIDTH - RIGHT
    }

    pub fn width(&self) -> f64 {
        self.right() - self.left()
    }

    /// The y of a value, clamped to the plot so an out-of-range value sits on its edge.
    pub fn y(&self, v: f64) -> f64 {
        let f = (v / self.hi).clamp(0.0, 1.0);
        let f = if f.is_finite() { f } else { 0.0 };
        self.bottom - f * (self.bottom - self.top)
    }
}

/// What a chart's root element needs.
pub(crate) struct Frame<'a> {
    pub stem: &'a str,
    /// Added to `chart-svg`, e.g. `chart-pain`.
    pub kind: &'a str,
    pub height: f64,
    pub title: &'a str,
    pub description: &'a str,
}

/// Opens the `<svg>` with its `<title>` and `<desc>`; the caller closes it with `</svg>`.
pub(crate) fn open(out: &mut String, frame: &Frame<'_>) {
    let stem = frame.stem;
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg {kind}" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="chart-{stem}-title chart-{stem}-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="{FONT_SIZE}" fill="{INK}"><title id="chart-{stem}-title">{title}</title><desc id="chart-{stem}-desc">{desc}</desc>"#,
        kind = frame.kind,
        w = C(WIDTH),
        h = C(frame.height),
        title = escape(frame.title),
        desc = escape(frame.description),
    );
}

/// Horizontal grid lines with their value labels, the baseline, and the unit above the labels.
pub(crate) fn value_grid(out: &mut String, plot: &Plot, unit_label: &str) {
    out.push_str(r#"<g class="chart-grid">"#);
    let steps = (plot.hi / plot.step).round().clamp(1.0, 20.0);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to 1..=20"
    )]
    let steps = steps as u32;
    for k in 1..=steps {
        let v = plot.step * f64::from(k);
        if v > plot.hi * (1.0 + 1e-9) {
            break;
        }
        let y = plot.y(v);
        let _ = write!(
            out,
            r#"<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{GRID}" stroke-width="1"/>"#,
            C(plot.left()),
            C(plot.right()),
            y = C(y),
        );
    }
    out.push_str("</g>");
    for k in 0..=steps {
        let v = plot.step * f64::from(k);
        if v > plot.hi * (1.0 + 1e-9) {
            break;
        }
        let _ = write!(
            out,
            r#"<text class="chart-tick-label" x="{}" y="{}" text-anchor="end" fill="{MUTED}">{}</text>"#,
            C(plot.left() - 6.0),
            C(plot.y(v) + 4.0),
            escape(&tick_number(v, plot.step)),
        );
    }
    let _ = write!(
        out,
        r#"<line class="chart-axis" x1="{l}" x2="{r}" y1="{b}" y2="{b}" stroke="{INK}" stroke-width="1"/>"#,
        l = C(plot.left()),
        r = C(plot.right()),
        b = C(plot.bottom),
    );
    if !unit_label.is_empty() {
        let _ = write!(
            out,
            r#"<text class="chart-axis-label" x="4" y="{}" fill="{MUTED}">{}</text>"#,
            C(plot.top - 18.0),
            escape(unit_label),
        );
    }
}

/// A label under the plot, kept inside the viewBox near either edge.
pub(crate) fn x_label(out: &mut String, class: &str, x: f64, y: f64, text: &str, bold: bool) {
    let half = text_width(text, FONT_SIZE) / 2.0;
    let (x, anchor) = if x - half < 2.0 {
        (x.max(2.0), "start")
    } else if x + half > WIDTH - 2.0 {
        (x.min(WIDTH - 2.0), "end")
    } else {
        (x, "middle")
    };
    let weight = if bold { r#" font-weight="bold""# } else { "" };
    let _ = write!(
        out,
        r#"<text class="{class}" x="{}" y="{}" text-anchor="{anchor}"{weight}>{}</text>"#,
        C(x),
        C(y),
        escape(text),
    );
}

/// A note in `size`-unit text cut into lines at spaces, each fitting the viewBox from `x`; the
/// caller draws one `<text>` per line.
pub(crate) fn wrapped(text: &str, x: f64, size: f64) -> Vec<String> {
    let room = WIDTH - x - 4.0;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let longer = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(&longer, size) > room {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        } else {
            line = longer;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A point marker shape; each series has its own so the series differ without colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    Circle,
    Square,
    Diamond,
    /// Pointing up; used for run days under the axis.
    Triangle,
}

/// How one line series looks.
#[derive(Clone, Copy)]
pub(crate) struct Series {
    /// E.g. `chart-series-left`.
    pub class: &'static str,
    pub label: &'static str,
    pub colour: &'static str,
    pub dash: Option<&'static str>,
    pub marker: Marker,
}

/// Draws a marker of half-size `s` centred on (x, y).
pub(crate) fn marker(out: &mut String, shape: Marker, x: f64, y: f64, s: f64, colour: &str) {
    let common =
        format!(r#"class="chart-marker" fill="{colour}" stroke="{PAPER}" stroke-width="1""#);
    match shape {
        Marker::Circle => {
            let _ = write!(
                out,
                r#"<circle {common} cx="{}" cy="{}" r="{}"/>"#,
                C(x),
                C(y),
                C(s)
            );
        }
        Marker::Square => {
            let _ = write!(
                out,
                r#"<rect {common} x="{}" y="{}" width="{w}" height="{w}"/>"#,
                C(x - s * 0.9),
                C(y - s * 0.9),
                w = C(s * 1.8),
            );
        }
        Marker::Diamond => {
            let d = s * 1.25;
            let _ = write!(
                out,
                r#"<polygon {common} points="{},{} {},{} {},{} {},{}"/>"#,
                C(x),
                C(y - d),
                C(x + d),
                C(y),
                C(x),
                C(y + d),
                C(x - d),
                C(y),
            );
        }
        Marker::Triangle => {
            let _ = write!(
                out,
                r#"<polygon {common} points="{},{} {},{} {},{}"/>"#,
                C(x),
                C(y - s),
                C(x + s),
                C(y + s * 0.8),
                C(x - s),
                C(y + s * 0.8),
            );
        }
    }
}

/// One series: lines through consecutive points (`None` breaks the line) and a marker on every
/// point, in a group carrying the series class.
pub(crate) fn series(out: &mut String, style: &Series, points: &[Option<(f64, f64)>], size: f64) {
    let _ = write!(out, r#"<g class="chart-series {}">"#, style.class);
    let mut d = String::new();
    for run in points.split(Option::is_none) {
        if run.len() < 2 {
            continue;
        }
        for (k, (x, y)) in run.iter().flatten().enumerate() {
            let _ = write!(d, "{}{},{} ", if k == 0 { 'M' } else { 'L' }, C(*x), C(*y));
        }
    }
    if !d.is_empty() {
        let dash = style
            .dash
            .map(|p| format!(r#" stroke-dasharray="{p}""#))
            .unwrap_or_default();
        let _ = write!(
            out,
            r#"<path class="chart-line" d="{}" fill="none" stroke="{}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"{dash}/>"#,
            d.trim_end(),
            style.colour,
        );
    }
    for (x, y) in points.iter().flatten() {
        marker(out, style.marker, *x, *y, size, style.colour);
    }
    out.push_str("</g>");
}

/// What a legend entry shows before its label.
pub(crate) enum Key {
    Series(Series),
    Bar { colour: &'static str },
    Reference,
    RunDay,
}

/// Lays the legend out in rows from the top left and returns the y below it.
pub(crate) fn legend(out: &mut String, items: &[(Key, String)]) -> f64 {
    const SWATCH: f64 = 26.0;
    let mut x = LEFT;
    let mut y = 4.0;
    out.push_str(r#"<g class="chart-legend">"#);
    for (key, label) in items {
        let w = SWATCH + 6.0 + text_width(label, FONT_SIZE);
        if x > LEFT && x + w > LEGEND_RIGHT {
            x = LEFT;
            y += LEGEND_ROW;
        }
        let mid = y + LEGEND_ROW / 2.0;
        out.push_str(r#"<g class="chart-legend-item">"#);
        match key {
            Key::Series(s) => {
                let dash = s
                    .dash
                    .map(|p| format!(r#" stroke-dasharray="{p}""#))
                    .unwrap_or_default();
                let _ = write!(
                    out,
                    r#"<g class="chart-series {}"><line class="chart-line" x1="{}" x2="{}" y1="{m}" y2="{m}" stroke="{}" stroke-width="2"{dash}/>"#,
                    s.class,
                    C(x),
                    C(x + SWATCH),
                    s.colour,
                    m = C(mid),
                );
                marker(out, s.marker, x + SWATCH / 2.0, mid, 4.0, s.colour);
                out.push_str("</g>");
            }
            Key::Bar { colour } => {
                let _ = write!(
                    out,
                    r#"<rect class="chart-bar" x="{}" y="{}" width="{}" height="12" fill="{colour}"/>"#,
                    C(x + 6.0),
                    C(mid - 6.0),
                    C(SWATCH - 12.0),
                );
            }
            Key::Reference => {
                let _ = write!(
                    out,
                    r#"<line class="chart-reference" x1="{}" x2="{}" y1="{m}" y2="{m}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
                    C(x),
                    C(x + SWATCH),
                    m = C(mid),
                );
            }
            Key::RunDay => {
                let _ = write!(
                    out,
                    r#"<rect class="chart-run-day-band" x="{}" y="{}" width="10" height="16" fill="{TEAL}" fill-opacity="0.12"/><g class="chart-run-day">"#,
                    C(x + SWATCH / 2.0 - 5.0),
                    C(mid - 8.0),
                );
                marker(
                    out,
                    Marker::Triangle,
                    x + SWATCH / 2.0,
                    mid + 2.0,
                    5.0,
                    TEAL,
                );
                out.push_str("</g>");
            }
        }
        let _ = write!(
            out,
            r#"<text class="chart-legend-label" x="{}" y="{}">{}</text></g>"#,
            C(x + SWATCH + 6.0),
            C(mid + 4.0),
            escape(label),
        );
        x += w + 18.0;
    }
    out.push_str("</g>");
    y + LEGEND_ROW
}

/// Which of `n` evenly spaced slots get a label so that at most `max` do.
pub(crate) fn label_every(n: usize, max: usize) -> usize {
    n.div_ceil(max.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_never_print_nan_or_inf() {
        assert_eq!(C(f64::NAN).to_string(), "0");
        assert_eq!(C(f64::INFINITY).to_string(), "0");
        assert_eq!(C(f64::MAX).to_string(), "0");
        assert_eq!(C(-0.01).to_string(), "0");
        assert_eq!(C(12.345).to_string(), "12.3");
        assert_eq!(number(2.0), "2");
        assert_eq!(number(2.46), "2.5");
        assert_eq!(number(-0.04), "0");
        assert_eq!(number(f64::NAN), "–");
        assert_eq!(with_unit(85.0, "%"), "85%");
        assert_eq!(with_unit(12.5, "km"), "12.5 km");
    }

    #[test]
    fn nice_axes() {
        assert_eq!(value_axis(7.3, None), (8.0, 2.0));
        assert_eq!(value_axis(42.0, None), (50.0, 10.0));
        assert_eq!(value_axis(0.0, None), (1.0, 0.2));
        assert_eq!(value_axis(12.0, None), (12.5, 2.5));
        assert_eq!(value_axis(3.0, Some(10.0)), (10.0, 2.0));
        assert_eq!(value_axis(3.0, Some(100.0)), (100.0, 20.0));
        assert_eq!(value_axis(3.0, Some(f64::NAN)), (3.0, 1.0));
        let (top, step) = value_axis(f64::MAX, None);
        assert!(top.is_finite() && step.is_finite() && top >= 1e12);
        assert_eq!(tick_number(7.5, 2.5), "7.5");
        assert_eq!(tick_number(0.0, 0.25), "0");
        assert_eq!(tick_number(10.0, 2.0), "10");
    }

    #[test]
    fn a_long_note_wraps_into_lines_that_fit() {
        let note = "Left/right balance = weaker ÷ stronger side × 100; 90% or more is usually \
                    considered balanced.";
        let lines = wrapped(note, 4.0, 11.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), note);
        for line in &lines {
            assert!(4.0 + text_width(line, 11.0) <= WIDTH - 4.0, "{line}");
        }
        assert!(wrapped("", 4.0, 11.0).is_empty());
    }

    #[test]
    fn escaping_and_ids() {
        assert_eq!(escape("a<b>&\"c'\u{1}d"), "a&lt;b&gt;&amp;&quot;c&#39;d");
        assert_eq!(id_stem("pain 1/\"x\""), "pain-1--x-");
        assert_eq!(id_stem(""), "chart");
    }

    /// Every legend entry ends inside the chart, so none is cut off ("Morn…"); a long legend
    /// wraps into rows instead.
    #[test]
    fn legend_rows_wrap_within_a_phones_view() {
        let labels = [
            "Pain during the run",
            "Pain after the run",
            "Morning pain",
            "Run day",
        ];
        let items: Vec<(Key, String)> = labels
            .iter()
            .map(|l| (Key::Reference, (*l).to_owned()))
            .collect();
        let mut out = String::new();
        let bottom = legend(&mut out, &items);
        assert!(bottom > 4.0 + LEGEND_ROW, "the legend wraps: {out}");
        for (at, _) in out.match_indices(r#"class="chart-legend-label" x=""#) {
            let rest = &out[at + r#"class="chart-legend-label" x=""#.len()..];
            let x: f64 = rest[..rest.find('"').unwrap()].parse().unwrap();
            let label = &rest[rest.find('>').unwrap() + 1..rest.find('<').unwrap()];
            assert!(
                x + text_width(label, FONT_SIZE) <= LEGEND_RIGHT,
                "{label} ends past {LEGEND_RIGHT}"
            );
        }
    }
}
