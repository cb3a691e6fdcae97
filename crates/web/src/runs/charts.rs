//! Line charts of a run as SVG made in Rust, so the page, a print view and a PDF can share them.
//!
//! Each chart carries a `<title>` and a `<desc>` (read by screen readers) and comes with the
//! points as table rows for a data-table fallback. Colours are SVG presentation attributes: the
//! content security policy allows no inline styles.

use std::fmt::Write as _;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;
/// Rows in the data-table fallback. **Our choice**: a readable table, not every point.
const TABLE_ROWS: usize = 30;

/// What to draw: one metric over the run.
pub struct LineChart<'a> {
    /// Unique within the page; used for element ids.
    pub id: &'static str,
    /// E.g. "Cadence over the run".
    pub title: &'static str,
    /// Unit shown with the values, e.g. "steps/min".
    pub unit: String,
    /// Seconds from the start, one per point.
    pub x_s: &'a [f64],
    /// The values; `None` leaves a gap in the line.
    pub y: Vec<Option<f64>>,
    /// Formats a value for axis labels and the table.
    pub format: fn(f64) -> String,
    /// Draw smaller values higher (pace: faster is up).
    pub invert: bool,
    /// A shaded reference band (low, high) and what it means, e.g. the balanced 49–51%.
    pub band: Option<(f64, f64, &'static str)>,
}

/// A chart ready for the template.
pub struct ChartView {
    /// Element id stem.
    pub id: &'static str,
    /// Heading.
    pub title: &'static str,
    /// The `<svg>` element (trusted: built here with escaped text).
    pub svg: String,
    /// Unit of the table's value column.
    pub unit: String,
    /// Data-table fallback: (time, value).
    pub rows: Vec<(String, String)>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// "1:05:09" or "32:10" for seconds.
pub fn clock(seconds: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to a day's range"
    )]
    let t = seconds.clamp(0.0, 1e7).round() as u64;
    if t >= 3600 {
        format!("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
    } else {
        format!("{}:{:02}", t / 60, t % 60)
    }
}

impl LineChart<'_> {
    /// Draws the chart; `None` when there is nothing to draw.
    pub fn render(&self) -> Option<ChartView> {
        let points: Vec<(f64, f64)> = self
            .x_s
            .iter()
            .zip(&self.y)
            .filter_map(|(x, y)| y.filter(|v| v.is_finite()).map(|v| (*x, v)))
            .collect();
        if points.is_empty() {
            return None;
        }
        let (mut lo, mut hi) = points
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        if let Some((a, b, _)) = self.band {
            lo = lo.min(a);
            hi = hi.max(b);
        }
        let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.01).max(0.5);
        let (lo, hi) = (lo - pad, hi + pad);
        let x_max = self.x_s.last().copied().unwrap_or(1.0).max(1.0);
        let px = |x: f64| LEFT + x / x_max * (WIDTH - LEFT - RIGHT);
        let py = |y: f64| {
            let f = (y - lo) / (hi - lo);
            let f = if self.invert { f } else { 1.0 - f };
            TOP + f * (HEIGHT - TOP - BOTTOM)
        };
        let title_id = format!("chart-{}-title", self.id);
        let desc_id = format!("chart-{}-desc", self.id);
        let mut sorted: Vec<f64> = points.iter().map(|p| p.1).collect();
        sorted.sort_by(f64::total_cmp);
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
        let desc = format!(
            "{} from {} to {}: median {} {unit}, lowest {}, highest {}.{}",
            self.title,
            clock(points.first().map_or(0.0, |p| p.0)),
            clock(points.last().map_or(0.0, |p| p.0)),
            (self.format)(median),
            (self.format)(sorted.first().copied().unwrap_or(0.0)),
            (self.format)(sorted.last().copied().unwrap_or(0.0)),
            self.band
                .map(|(a, b, what)| format!(
                    " Shaded: {what} ({}–{}).",
                    (self.format)(a),
                    (self.format)(b)
                ))
                .unwrap_or_default(),
            unit = self.unit,
        );
        let mut svg = String::with_capacity(8 * 1024);
        let _ = write!(
            svg,
            r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12"><title id="{title_id}">{}</title><desc id="{desc_id}">{}</desc>"#,
            escape(self.title),
            escape(&desc)
        );
        if let Some((a, b, _)) = self.band {
            let (y1, y2) = (py(a).min(py(b)), py(a).max(py(b)));
            let _ = write!(
                svg,
                r##"<rect x="{LEFT}" y="{y1:.1}" width="{:.1}" height="{:.1}" fill="#2e7d32" fill-opacity="0.12"/>"##,
                WIDTH - LEFT - RIGHT,
                (y2 - y1).max(1.0)
            );
        }
        // Horizontal grid with value labels.
        for k in 0..=4 {
            let v = lo + (hi - lo) * f64::from(k) / 4.0;
            let y = py(v);
            let _ = write!(
                svg,
                r##"<line x1="{LEFT}" x2="{:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#d0d4da" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#4a5160">{}</text>"##,
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                escape(&(self.format)(v))
            );
        }
        // Time axis labels.
        for k in 0..=4 {
            let x = x_max * f64::from(k) / 4.0;
            let anchor = match k {
                0 => "start",
                4 => "end",
                _ => "middle",
            };
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}" fill="#4a5160">{}</text>"##,
                px(x),
                HEIGHT - 8.0,
                clock(x)
            );
        }
        let mut path = String::with_capacity(points.len() * 14);
        let mut pen_down = false;
        for (x, y) in self.x_s.iter().zip(&self.y) {
            match y.filter(|v| v.is_finite()) {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        px(*x),
                        py(v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            svg,
            r##"<path d="{}" fill="none" stroke="#1d5fa8" stroke-width="2" stroke-linejoin="round"/></svg>"##,
            path.trim_end()
        );
        let step = points.len().div_ceil(TABLE_ROWS).max(1);
        let rows = points
            .iter()
            .step_by(step)
            .map(|(x, y)| (clock(*x), (self.format)(*y)))
            .collect();
        Some(ChartView {
            id: self.id,
            title: self.title,
            svg,
            unit: self.unit.clone(),
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_has_title_desc_gaps_and_rows() {
        let x = [0.0, 60.0, 120.0, 180.0];
        let chart = LineChart {
            id: "cadence",
            title: "Cadence over the run",
            unit: "steps/min".into(),
            x_s: &x,
            y: vec![Some(170.0), None, Some(172.0), Some(168.0)],
            format: |v| format!("{v:.0}"),
            invert: false,
            band: Some((160.0, 185.0, "a <typical> range")),
        }
        .render()
        .unwrap();
        assert!(
            chart
                .svg
                .contains("<title id=\"chart-cadence-title\">Cadence over the run")
        );
        assert!(chart.svg.contains("median 170 steps/min"));
        assert!(chart.svg.contains("&lt;typical&gt;"));
        // The gap starts a new sub-path.
        assert_eq!(chart.svg.matches('M').count(), 2);
        assert_eq!(chart.rows.len(), 3);
        assert!(!chart.svg.contains("style="));
    }

    #[test]
    fn nothing_to_draw_is_none() {
        let chart = LineChart {
            id: "gct",
            title: "t",
            unit: String::new(),
            x_s: &[0.0],
            y: vec![None],
            format: |v| v.to_string(),
            invert: false,
            band: None,
        };
        assert!(chart.render().is_none());
    }
}
