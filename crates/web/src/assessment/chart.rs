//! The left/right bar chart of a two-sided test, drawn in Rust as inline SVG (the same markup
//! serves the page and print), with a title, a description and the 90% line.

use std::fmt::Write;

/// What one chart shows.
pub struct SidesChart<'a> {
    /// Unique within the page (used for `aria-labelledby`).
    pub id: &'a str,
    pub test_name: &'a str,
    pub left: f64,
    pub right: f64,
    /// How each value is printed, with its unit ("18 s").
    pub left_shown: &'a str,
    pub right_shown: &'a str,
    pub lsi_percent: f64,
    /// The symmetric cut-off (percent of the stronger side), drawn as a line.
    pub symmetric_from: f64,
}

const WIDTH: f64 = 320.0;
const LABEL: f64 = 48.0;
const BAR: f64 = 22.0;
const GAP: f64 = 10.0;
const TOP: f64 = 8.0;
/// Room right of the bars for the value.
const VALUE: f64 = 64.0;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// The chart as an `<svg>` element: one bar per side scaled to the stronger side, the value at
/// the end of each bar, and a dashed line where the weaker side would count as symmetric.
pub fn sides_chart(c: &SidesChart<'_>) -> String {
    let span = WIDTH - LABEL - VALUE;
    let top = c.left.max(c.right).max(0.0);
    let scale = |v: f64| {
        if top > 0.0 {
            (v.max(0.0) / top) * span
        } else {
            0.0
        }
    };
    let height = TOP * 2.0 + BAR * 2.0 + GAP + 16.0;
    let line_x = LABEL + scale(top * c.symmetric_from / 100.0);
    let title = format!("{}: left and right", c.test_name);
    let desc = format!(
        "Left {}, right {}. Left/right balance {}%: the weaker side does {}% of the stronger \
         side's work; the dashed line marks {}% of the stronger side.",
        c.left_shown,
        c.right_shown,
        n(c.lsi_percent),
        n(c.lsi_percent),
        n(c.symmetric_from)
    );
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="sides-chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>"#,
        w = n(WIDTH),
        h = n(height),
        id = esc(c.id),
        title = esc(&title),
        desc = esc(&desc),
    );
    // Bars first, then the 90% line over them, then the values with a paper-coloured halo so a
    // label the line crosses stays readable.
    let mut labels = String::new();
    for (i, (side, value, shown)) in [
        ("Left", c.left, c.left_shown),
        ("Right", c.right, c.right_shown),
    ]
    .into_iter()
    .enumerate()
    {
        let y = TOP + i as f64 * (BAR + GAP);
        let width = scale(value);
        let weaker = value < c.left.max(c.right);
        let fill = if weaker { "#b35c00" } else { "#0b5e55" };
        let ty = n(y + BAR * 0.7);
        let _ = write!(
            out,
            r##"<text x="0" y="{ty}" font-size="13" fill="#1d2430">{side}</text><rect x="{x}" y="{y}" width="{wd}" height="{bh}" rx="3" fill="{fill}"/>"##,
            x = n(LABEL),
            y = n(y),
            wd = n(width.max(1.0)),
            bh = n(BAR),
        );
        let _ = write!(
            labels,
            r##"<text x="{vx}" y="{ty}" font-size="13" fill="#1d2430" stroke="#fff" stroke-width="3" paint-order="stroke">{shown}</text>"##,
            vx = n(LABEL + width + 6.0),
            shown = esc(shown),
        );
    }
    let bottom = TOP + BAR * 2.0 + GAP;
    let _ = write!(
        out,
        r##"<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="#1d2430" stroke-width="1.5" stroke-dasharray="4 3"/><text x="{x}" y="{ty}" font-size="11" text-anchor="middle" fill="#1d2430">{pct}%</text>"##,
        x = n(line_x),
        y1 = n(TOP - 4.0),
        y2 = n(bottom + 2.0),
        ty = n(bottom + 14.0),
        pct = n(c.symmetric_from),
    );
    out.push_str(&labels);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_stronger_side_and_the_line_sits_at_ninety_percent() {
        let svg = sides_chart(&SidesChart {
            id: "c1",
            test_name: "Side bridge <hold>",
            left: 18.0,
            right: 36.0,
            left_shown: "18 s",
            right_shown: "36 s",
            lsi_percent: 50.0,
            symmetric_from: 90.0,
        });
        assert!(
            svg.contains("<title id=\"c1-t\">Side bridge &lt;hold&gt;: left and right</title>")
        );
        let span = WIDTH - LABEL - VALUE;
        assert!(svg.contains(&format!("width=\"{}\"", n(span))), "{svg}");
        assert!(
            svg.contains(&format!("width=\"{}\"", n(span / 2.0))),
            "{svg}"
        );
        assert!(
            svg.contains(&format!("x1=\"{}\"", n(LABEL + span * 0.9))),
            "{svg}"
        );
        assert!(!svg.contains("style="));
    }
}
