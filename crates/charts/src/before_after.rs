//! Before and after bars for the re-test's change report: one pair of horizontal bars per
//! measure (pain, the activities' average, each test's left/right balance), each pair scaled to
//! its own top (10 for a 0–10 score, 100 for a percentage), with the values written at the ends.
//!
//! The viewBox is narrow (360 units) so the 12-unit text stays readable on a phone without
//! sideways scrolling.

use crate::svg::{self, C, INK, MUTED, PAPER, TEAL};
use crate::{Chart, Table};
use std::fmt::Write as _;

/// One measure before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct BeforeAfter {
    /// What was measured, e.g. "Pain" or "Single-leg bridge hold: left/right balance".
    pub label: String,
    /// `None` when not measured that time.
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// The value a full bar stands for (10 for a 0–10 score, 100 for a percentage).
    pub top: f64,
    /// Written after each value, e.g. "/10" or "%".
    pub unit: String,
}

const WIDTH: f64 = 360.0;
const LABEL_W: f64 = 52.0;
const VALUE_W: f64 = 48.0;
const BAR: f64 = 14.0;
const ROW: f64 = 62.0;

/// The bars, or `None` when no measure has a value either time.
#[must_use]
pub fn before_after_bars(id: &str, title: &str, rows: &[BeforeAfter]) -> Option<Chart> {
    let rows: Vec<&BeforeAfter> = rows
        .iter()
        .filter(|r| svg::finite(r.before).is_some() || svg::finite(r.after).is_some())
        .collect();
    if rows.is_empty() {
        return None;
    }
    let shown = |v: Option<f64>, unit: &str| match svg::finite(v) {
        Some(v) => format!("{}{unit}", svg::number(v)),
        None => "not measured".to_owned(),
    };
    let description = rows
        .iter()
        .map(|r| {
            format!(
                "{}: before {}, after {}.",
                r.label,
                shown(r.before, &r.unit),
                shown(r.after, &r.unit)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let stem = svg::id_stem(id);
    let height = ROW * rows.len() as f64 + 8.0;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-before-after" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="chart-{stem}-title chart-{stem}-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="12" fill="{INK}"><title id="chart-{stem}-title">{title}</title><desc id="chart-{stem}-desc">{desc}</desc>"#,
        w = C(WIDTH),
        h = C(height),
        title = svg::escape(title),
        desc = svg::escape(&description),
    );
    let span = WIDTH - LABEL_W - VALUE_W;
    for (i, r) in rows.iter().enumerate() {
        let y = ROW * i as f64 + 16.0;
        let _ = write!(
            out,
            r#"<text class="chart-row-label" x="0" y="{}" font-weight="bold">{}</text>"#,
            C(y),
            svg::escape(&r.label)
        );
        for (k, (word, value, colour, class)) in [
            ("Before", r.before, MUTED, "chart-before"),
            ("After", r.after, TEAL, "chart-after"),
        ]
        .into_iter()
        .enumerate()
        {
            let top = y + 8.0 + k as f64 * (BAR + 4.0);
            let _ = write!(
                out,
                r#"<text class="chart-tick-label" x="0" y="{}" fill="{MUTED}">{word}</text>"#,
                C(top + BAR - 3.0)
            );
            let text = shown(value, &r.unit);
            let end = match svg::finite(value) {
                Some(v) => {
                    let w = if r.top > 0.0 {
                        (v / r.top).clamp(0.0, 1.0) * span
                    } else {
                        0.0
                    };
                    let _ = write!(
                        out,
                        r#"<rect class="chart-bar {class}" x="{}" y="{}" width="{}" height="{}" fill="{colour}"/>"#,
                        C(LABEL_W),
                        C(top),
                        C(w),
                        C(BAR)
                    );
                    LABEL_W + w
                }
                None => LABEL_W,
            };
            let _ = write!(
                out,
                r#"<text class="chart-value-label" x="{}" y="{}" stroke="{PAPER}" stroke-width="3" paint-order="stroke">{}</text>"#,
                C(end + 4.0),
                C(top + BAR - 3.0),
                svg::escape(&text)
            );
        }
    }
    out.push_str("</svg>");
    Some(Chart {
        id: stem,
        title: title.to_owned(),
        description,
        svg: out,
        table: Table {
            caption: title.to_owned(),
            headers: vec!["Measure".into(), "Before".into(), "After".into()],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        r.label.clone(),
                        shown(r.before, &r.unit),
                        shown(r.after, &r.unit),
                    ]
                })
                .collect(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pain(before: Option<f64>, after: Option<f64>) -> BeforeAfter {
        BeforeAfter {
            label: "Pain <now>".into(),
            before,
            after,
            top: 10.0,
            unit: "/10".into(),
        }
    }

    #[test]
    fn bars_say_before_and_after_and_escape_labels() {
        let c =
            before_after_bars("change", "Before and after", &[pain(Some(6.0), Some(2.0))]).unwrap();
        assert!(c.svg.contains("Pain &lt;now&gt;"), "{}", c.svg);
        assert!(
            c.svg.contains(">6/10<") && c.svg.contains(">2/10<"),
            "{}",
            c.svg
        );
        assert_eq!(c.description, "Pain <now>: before 6/10, after 2/10.");
        assert_eq!(c.table.rows, vec![vec!["Pain <now>", "6/10", "2/10"]]);
        assert!(!c.svg.contains("NaN"));
    }

    #[test]
    fn nothing_measured_draws_nothing_and_a_gap_is_said() {
        assert!(before_after_bars("x", "t", &[pain(None, None)]).is_none());
        let c = before_after_bars(
            "x",
            "t",
            &[pain(None, Some(f64::NAN)), pain(Some(3.0), None)],
        )
        .unwrap();
        assert_eq!(c.table.rows.len(), 1);
        assert!(c.svg.contains("not measured"));
    }
}
