//! A two-sided test over time: the left and right values at each test date joined by lines, the
//! limb symmetry index (LSI) printed under each date, and a note saying what the LSI means.
//!
//! The LSI itself is computed in `core` and passed in: this module only shows it.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::svg::{self, BLUE, Frame, Key, MUTED, Marker, ORANGE, Plot, Series};
use crate::{Chart, Table, dates};

/// One test date; `None` for a side not tested or an LSI that could not be computed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SidesPoint {
    pub date: Date,
    pub left: Option<f64>,
    pub right: Option<f64>,
    /// Limb symmetry index in percent, as computed by `core`.
    pub lsi: Option<f64>,
}

const LEFT_SERIES: Series = Series {
    class: "chart-series-left",
    label: "Left",
    colour: BLUE,
    dash: None,
    marker: Marker::Circle,
};
const RIGHT_SERIES: Series = Series {
    class: "chart-series-right",
    label: "Right",
    colour: ORANGE,
    dash: Some("6 4"),
    marker: Marker::Square,
};
const PLOT_HEIGHT: f64 = 150.0;
/// Up to this many test dates each get a date and an LSI label; beyond it, every k-th does.
const MAX_LABELS: usize = 6;
/// The note under the chart: its text size and line height.
const NOTE_SIZE: f64 = 11.0;
const NOTE_LINE: f64 = 14.0;

/// Left and right values of one two-sided test over its test dates, evenly spaced in date order
/// (tests are occasional, so each date gets the same room for its labels), each side's values
/// joined by a line.
///
/// - `test_name` as the runner knows it, e.g. "Side bridge hold".
/// - `unit` follows values ("s", "reps") and labels the value axis.
/// - `symmetric_from` is the LSI cut-off from `core` (90): LSIs below it are printed in bold and
///   the note names it.
///
/// Points are sorted by date (a repeated date keeps its first entry); non-finite values are
/// skipped. The value axis starts at zero. `None` when no side has a finite value.
pub fn sides_over_time(
    id: &str,
    test_name: &str,
    unit: &str,
    points: &[SidesPoint],
    symmetric_from: f64,
) -> Option<Chart> {
    let mut points: Vec<SidesPoint> = points
        .iter()
        .map(|p| SidesPoint {
            date: p.date,
            left: svg::finite(p.left),
            right: svg::finite(p.right),
            lsi: svg::finite(p.lsi),
        })
        .collect();
    points.sort_by_key(|p| p.date);
    points.dedup_by_key(|p| p.date);
    let data_top = points
        .iter()
        .flat_map(|p| [p.left, p.right])
        .flatten()
        .reduce(f64::max)?;
    let (hi, step) = svg::value_axis(data_top, None);
    let symmetric_from = Some(symmetric_from).filter(|s| s.is_finite());

    let title = format!("{test_name}: left and right over time");
    let note = match symmetric_from {
        Some(s) => format!(
            "Left/right balance = weaker ÷ stronger side × 100; {}% or more is usually considered balanced.",
            svg::number(s)
        ),
        None => "Left/right balance = weaker ÷ stronger side × 100.".to_owned(),
    };
    let description = describe(test_name, unit, &points, &note);
    let note_lines = svg::wrapped(&note, 4.0, NOTE_SIZE);
    let extra_note_lines = note_lines.iter().skip(1).map(|_| NOTE_LINE).sum::<f64>();
    let stem = svg::id_stem(id);
    let mut legend = String::new();
    let legend_bottom = svg::legend(
        &mut legend,
        &[
            (Key::Series(LEFT_SERIES), LEFT_SERIES.label.to_owned()),
            (Key::Series(RIGHT_SERIES), RIGHT_SERIES.label.to_owned()),
        ],
    );
    let top = legend_bottom + 26.0;
    let plot = Plot {
        top,
        bottom: top + PLOT_HEIGHT,
        hi,
        step,
    };
    let mut out = String::with_capacity(8 * 1024);
    svg::open(
        &mut out,
        &Frame {
            stem: &stem,
            kind: "chart-sides",
            height: plot.bottom + 66.0 + extra_note_lines,
            title: &title,
            description: &description,
        },
    );
    svg::value_grid(&mut out, &plot, unit);

    #[expect(clippy::cast_precision_loss, reason = "test dates are few")]
    let slot = plot.width() / points.len() as f64;
    #[expect(clippy::cast_precision_loss, reason = "test dates are few")]
    let centre = |i: usize| plot.left() + (i as f64 + 0.5) * slot;
    let size = (slot * 0.2).clamp(2.0, 4.5);
    for (style, side) in [
        (
            &LEFT_SERIES,
            (|p: &SidesPoint| p.left) as fn(&SidesPoint) -> Option<f64>,
        ),
        (&RIGHT_SERIES, |p: &SidesPoint| p.right),
    ] {
        // Tests are occasional, so the line joins a side's tested dates across a date where
        // that side was not tested (no marker there, and the LSI shows "–").
        let xy: Vec<Option<(f64, f64)>> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| side(p).map(|v| Some((centre(i), plot.y(v)))))
            .collect();
        if !xy.is_empty() {
            svg::series(&mut out, style, &xy, size);
        }
    }

    let every = svg::label_every(points.len(), MAX_LABELS);
    let labelled: Vec<(usize, &SidesPoint)> = points.iter().enumerate().step_by(every).collect();
    let label_dates: Vec<Date> = labelled.iter().map(|l| l.1.date).collect();
    for ((i, _), label) in labelled.iter().zip(dates::axis_labels(&label_dates)) {
        svg::x_label(
            &mut out,
            "chart-tick-label",
            centre(*i),
            plot.bottom + 18.0,
            &label,
            false,
        );
    }
    let lsi_y = plot.bottom + 38.0;
    let _ = write!(
        out,
        r#"<text class="chart-lsi-heading" x="4" y="{}" font-weight="bold">Balance</text>"#,
        svg::C(lsi_y)
    );
    for (i, p) in &labelled {
        let (text, below) = match p.lsi {
            Some(v) => (
                format!("{}%", svg::number(v)),
                symmetric_from.is_some_and(|s| v < s),
            ),
            None => ("–".to_owned(), false),
        };
        let class = if below {
            "chart-lsi chart-lsi-below"
        } else {
            "chart-lsi"
        };
        svg::x_label(&mut out, class, centre(*i), lsi_y, &text, below);
    }
    let mut note_y = plot.bottom + 60.0;
    for line in &note_lines {
        let _ = write!(
            out,
            r#"<text class="chart-note" x="4" y="{}" font-size="{NOTE_SIZE}" fill="{MUTED}">{}</text>"#,
            svg::C(note_y),
            svg::escape(line)
        );
        note_y += NOTE_LINE;
    }
    out.push_str(&legend);
    out.push_str("</svg>");

    let header = |side: &str| {
        if unit.is_empty() {
            side.to_owned()
        } else {
            format!("{side} ({unit})")
        }
    };
    let cell = |v: Option<f64>, missing: &str| v.map_or_else(|| missing.to_owned(), svg::number);
    Some(Chart {
        id: stem,
        title: title.clone(),
        description,
        svg: out,
        table: Table {
            caption: title,
            headers: vec![
                "Date".to_owned(),
                header("Left"),
                header("Right"),
                "Left/right balance (%)".to_owned(),
            ],
            rows: points
                .iter()
                .map(|p| {
                    vec![
                        dates::short_with_year(p.date),
                        cell(p.left, "not tested"),
                        cell(p.right, "not tested"),
                        cell(p.lsi, "not available"),
                    ]
                })
                .collect(),
        },
    })
}

/// "Side bridge hold, tested on 3 dates between 3 November and 1 December 2025. Left went from
/// 18 s to 30 s, right went from 36 s to 34 s and the LSI went from 50% to 88%. LSI = …"
fn describe(test_name: &str, unit: &str, points: &[SidesPoint], note: &str) -> String {
    let mut text = String::new();
    match (points.first(), points.last()) {
        (Some(first), Some(last)) if points.len() > 1 => {
            let _ = write!(
                text,
                "{test_name}, tested on {} dates {}.",
                points.len(),
                dates::span(first.date, last.date)
            );
        }
        (Some(only), _) => {
            let _ = write!(text, "{test_name}, tested on {}.", dates::long(only.date));
        }
        _ => {}
    }
    let change = |name: &str, values: Vec<f64>, unit: &str, missing: &str| match values.as_slice() {
        [] => format!("{name} {missing}"),
        [only] => format!("{name} was {}", svg::with_unit(*only, unit)),
        [first, .., last] => format!(
            "{name} went from {} to {}",
            svg::with_unit(*first, unit),
            svg::with_unit(*last, unit)
        ),
    };
    let left = change(
        "Left",
        points.iter().filter_map(|p| p.left).collect(),
        unit,
        "was not tested",
    );
    let right = change(
        "right",
        points.iter().filter_map(|p| p.right).collect(),
        unit,
        "was not tested",
    );
    let lsi = change(
        "the left/right balance",
        points.iter().filter_map(|p| p.lsi).collect(),
        "%",
        "could not be computed",
    );
    let _ = write!(text, " {left}, {right} and {lsi}. {note}");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn point(d: Date, left: f64, right: f64, lsi: f64) -> SidesPoint {
        SidesPoint {
            date: d,
            left: Some(left),
            right: Some(right),
            lsi: Some(lsi),
        }
    }

    #[test]
    fn lsi_per_date_with_the_ones_below_the_cut_off_in_bold() {
        let chart = sides_over_time(
            "sb",
            "Side bridge hold",
            "s",
            &[
                point(date(2025, 12, 1), 30.0, 34.0, 88.2),
                point(date(2025, 11, 3), 18.0, 36.0, 50.0),
                point(date(2025, 11, 17), 28.0, 30.0, 93.3),
            ],
            90.0,
        )
        .unwrap();
        assert_eq!(
            chart.description,
            "Side bridge hold, tested on 3 dates between 3 November and 1 December 2025. Left \
             went from 18 s to 30 s, right went from 36 s to 34 s and the left/right balance went \
             from 50% to 88.2%. Left/right balance = weaker ÷ stronger side × 100; 90% or more is \
             usually considered balanced."
        );
        assert_eq!(chart.svg.matches("chart-lsi chart-lsi-below").count(), 2);
        assert!(chart.svg.contains(">93.3%</text>"));
        assert_eq!(chart.table.rows[0], ["3 Nov 2025", "18", "36", "50"]);
        assert_eq!(chart.table.headers[1], "Left (s)");
    }

    #[test]
    fn one_side_missing() {
        let chart = sides_over_time(
            "x",
            "Single-leg bridge",
            "reps",
            &[SidesPoint {
                date: date(2025, 11, 3),
                left: Some(12.0),
                right: None,
                lsi: None,
            }],
            90.0,
        )
        .unwrap();
        assert!(
            chart.description.contains(
                "Left was 12 reps, right was not tested and the left/right balance could not be \
                 computed."
            ),
            "{}",
            chart.description
        );
        assert_eq!(
            chart.table.rows[0],
            ["3 Nov 2025", "12", "not tested", "not available"]
        );
    }
}
