//! One bar per week on a value axis from zero — weekly average morning pain, adherence, running
//! volume — with an optional labelled reference line such as an 80% adherence target.

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::svg::{self, BLUE, C, Frame, INK, Key, MAX_X_LABELS, MUTED, PAPER, Plot};
use crate::{Chart, Table, dates};

/// One week's value; `None` for a week without data (it keeps its slot, marked "no data").
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeekValue {
    /// The first day of the week, as the caller counts weeks.
    pub week_start: Date,
    pub value: Option<f64>,
}

const NO_DATA: &str = "no data";
const PLOT_HEIGHT: f64 = 160.0;
/// Above this many bars the values are left to the axis and the table.
const MAX_VALUE_LABELS: usize = 10;

/// A bar chart of weekly values.
///
/// - `title` heads the chart and the table, e.g. "Adherence per week".
/// - `unit` follows values ("%", "km", "out of 10"; empty for none) and labels the value axis.
/// - Pass every week in the period, with `None` for weeks without data: bars are drawn in date
///   order, one slot per entry (a repeated `week_start` keeps its first entry).
/// - `y_max` fixes the top of the axis (10 for pain, 100 for adherence); otherwise a rounded value
///   above the largest bar. Values outside the axis are drawn at its edge; the table keeps them.
/// - `reference` draws a dashed line at a value, named in the legend with its short label and
///   value, e.g. `(80.0, "target")` shows "target 80%".
///
/// `None` when no week has a finite value.
pub fn weekly_bars(
    id: &str,
    title: &str,
    unit: &str,
    weeks: &[WeekValue],
    y_max: Option<f64>,
    reference: Option<(f64, &str)>,
) -> Option<Chart> {
    let mut weeks: Vec<(Date, Option<f64>)> = weeks
        .iter()
        .map(|w| (w.week_start, svg::finite(w.value)))
        .collect();
    weeks.sort_by_key(|w| w.0);
    weeks.dedup_by_key(|w| w.0);
    let values: Vec<(Date, f64)> = weeks
        .iter()
        .filter_map(|(d, v)| v.map(|v| (*d, v)))
        .collect();
    if values.is_empty() {
        return None;
    }
    let reference = reference.filter(|(v, _)| v.is_finite());
    let data_top = values
        .iter()
        .map(|v| v.1)
        .chain(reference.map(|r| r.0))
        .fold(0.0, f64::max);
    let (hi, step) = svg::value_axis(data_top, y_max);

    let description = describe(title, unit, &weeks, &values, reference);
    let stem = svg::id_stem(id);
    let mut legend = String::new();
    let top = match reference {
        Some((v, label)) => {
            let items = [
                (Key::Bar { colour: BLUE }, title.to_owned()),
                (Key::Reference, reference_label(v, label, unit)),
            ];
            svg::legend(&mut legend, &items) + 26.0
        }
        None => 30.0,
    };
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
            kind: "chart-weekly",
            height: plot.bottom + 26.0,
            title,
            description: &description,
        },
    );
    svg::value_grid(&mut out, &plot, unit);

    #[expect(clippy::cast_precision_loss, reason = "week counts are small")]
    let slot = plot.width() / weeks.len() as f64;
    let bar_width = (slot * 0.64).max(1.0);
    #[expect(clippy::cast_precision_loss, reason = "week counts are small")]
    let centre = |i: usize| plot.left() + (i as f64 + 0.5) * slot;
    out.push_str(r#"<g class="chart-bars">"#);
    let mut value_labels = String::new();
    for (i, (_, value)) in weeks.iter().enumerate() {
        let Some(v) = value else {
            let text = if slot >= 44.0 { NO_DATA } else { "–" };
            let _ = write!(
                out,
                r#"<text class="chart-missing" x="{}" y="{}" text-anchor="middle" font-size="10" fill="{MUTED}">{text}</text>"#,
                C(centre(i)),
                C(plot.bottom - 4.0),
            );
            continue;
        };
        // A zero still shows as a thin bar, unlike a week without data.
        let y = plot.y(*v).min(plot.bottom - 1.5);
        let _ = write!(
            out,
            r#"<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" fill="{BLUE}"/>"#,
            C(centre(i) - bar_width / 2.0),
            C(y),
            C(bar_width),
            C(plot.bottom - y),
        );
        if weeks.len() <= MAX_VALUE_LABELS {
            let shown = if unit.starts_with('%') {
                svg::with_unit(*v, unit)
            } else {
                svg::number(*v)
            };
            // A paper-coloured halo keeps the value readable where the reference line crosses it.
            let _ = write!(
                value_labels,
                r#"<text class="chart-value-label" x="{}" y="{}" text-anchor="middle" font-size="11" stroke="{PAPER}" stroke-width="3" paint-order="stroke">{}</text>"#,
                C(centre(i)),
                C(y - 4.0),
                svg::escape(&shown),
            );
        }
    }
    out.push_str("</g>");

    // The line's label is its legend entry: a label on the line would collide with the bars.
    if let Some((v, _)) = reference {
        let y = plot.y(v);
        let _ = write!(
            out,
            r#"<line class="chart-reference" x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
            l = C(plot.left()),
            r = C(plot.right()),
            y = C(y),
        );
    }
    out.push_str(&value_labels);

    let every = svg::label_every(weeks.len(), MAX_X_LABELS);
    let labelled: Vec<(usize, Date)> = weeks
        .iter()
        .enumerate()
        .step_by(every)
        .map(|(i, w)| (i, w.0))
        .collect();
    let label_dates: Vec<Date> = labelled.iter().map(|l| l.1).collect();
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
    out.push_str(&legend);
    out.push_str("</svg>");

    let value_header = if unit.is_empty() {
        title.to_owned()
    } else {
        format!("{title} ({unit})")
    };
    Some(Chart {
        id: stem,
        title: title.to_owned(),
        description,
        svg: out,
        table: Table {
            caption: title.to_owned(),
            headers: vec!["Week starting".to_owned(), value_header],
            rows: weeks
                .iter()
                .map(|(d, v)| {
                    vec![
                        dates::short_with_year(*d),
                        v.map_or_else(|| NO_DATA.to_owned(), svg::number),
                    ]
                })
                .collect(),
        },
    })
}

/// "target 80%".
fn reference_label(value: f64, label: &str, unit: &str) -> String {
    let value = svg::with_unit(value, unit);
    if label.is_empty() {
        value
    } else {
        format!("{label} {value}")
    }
}

/// "Adherence per week over 8 weeks, from the week of 6 October to the week of 24 November 2025:
/// lowest 55% (week of 13 Oct), highest 100% (week of 3 Nov), most recent 90%. 1 week has no data. A dashed line marks
/// 80% (target)."
fn describe(
    title: &str,
    unit: &str,
    weeks: &[(Date, Option<f64>)],
    values: &[(Date, f64)],
    reference: Option<(f64, &str)>,
) -> String {
    let mut text = String::new();
    let shown = |v: f64| svg::with_unit(v, unit);
    match (weeks.first(), weeks.last(), values) {
        (_, _, [(d, v)]) if weeks.len() == 1 => {
            let _ = write!(
                text,
                "{title}: {} in the week of {}.",
                shown(*v),
                dates::long(*d)
            );
        }
        (Some((first, _)), Some((last, latest)), _) => {
            let lowest = values.iter().min_by(|a, b| a.1.total_cmp(&b.1));
            let highest = values.iter().max_by(|a, b| a.1.total_cmp(&b.1));
            let _ = write!(
                text,
                "{title} over {} weeks, from the week of {}",
                weeks.len(),
                dates::join(*first, *last, "to the week of")
            );
            if let (Some(lo), Some(hi)) = (lowest, highest) {
                if values.len() == 1 {
                    let _ = write!(
                        text,
                        ": {} in the week of {} only",
                        shown(lo.1),
                        dates::short(lo.0)
                    );
                } else {
                    let _ = write!(
                        text,
                        ": lowest {} (week of {}), highest {} (week of {})",
                        shown(lo.1),
                        dates::short(lo.0),
                        shown(hi.1),
                        dates::short(hi.0)
                    );
                }
            }
            match latest {
                Some(v) => {
                    let _ = write!(text, ", most recent {}.", shown(*v));
                }
                None => text.push_str(", no data in the most recent week."),
            }
        }
        _ => {}
    }
    match weeks.len() - values.len() {
        0 => {}
        1 => text.push_str(" 1 week has no data."),
        n => {
            let _ = write!(text, " {n} weeks have no data.");
        }
    }
    if let Some((v, label)) = reference {
        if label.is_empty() {
            let _ = write!(text, " A dashed line marks {}.", shown(v));
        } else {
            let _ = write!(text, " A dashed line marks {} ({label}).", shown(v));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn weeks(values: &[Option<f64>]) -> Vec<WeekValue> {
        values
            .iter()
            .zip(0..)
            .map(|(v, i)| WeekValue {
                week_start: dates::add_days(date(2025, 10, 6), 7 * i).unwrap(),
                value: *v,
            })
            .collect()
    }

    #[test]
    fn adherence_with_a_target() {
        let chart = weekly_bars(
            "adh",
            "Adherence per week",
            "%",
            &weeks(&[Some(55.0), None, Some(100.0), Some(90.0)]),
            Some(100.0),
            Some((80.0, "target")),
        )
        .unwrap();
        assert_eq!(
            chart.description,
            "Adherence per week over 4 weeks, from the week of 6 to the week of 27 October 2025: \
             lowest 55% (week of 6 Oct), highest 100% (week of 20 Oct), most recent 90%. 1 week has no data. A dashed \
             line marks 80% (target)."
        );
        assert!(chart.svg.contains(">target 80%</text>"));
        assert_eq!(chart.svg.matches(r#"<rect class="chart-bar""#).count(), 4); // 3 + legend
        assert!(chart.svg.contains(">no data</text>"));
        assert_eq!(chart.table.headers[1], "Adherence per week (%)");
        assert_eq!(chart.table.rows[1], ["13 Oct 2025", "no data"]);
    }

    #[test]
    fn one_week_and_unsorted_input() {
        let chart = weekly_bars(
            "v",
            "Running volume per week",
            "km",
            &weeks(&[Some(12.5)]),
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            chart.description,
            "Running volume per week: 12.5 km in the week of 6 October 2025."
        );
        let mut w = weeks(&[Some(1.0), Some(2.0), Some(3.0)]);
        w.reverse();
        let chart = weekly_bars("v", "t", "", &w, None, None).unwrap();
        assert_eq!(chart.table.rows[0], ["6 Oct 2025", "1"]);
        assert!(
            chart.description.ends_with("most recent 3."),
            "{}",
            chart.description
        );
    }
}
