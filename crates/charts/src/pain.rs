//! Pain over time: the three ratings a runner logs (during exercise, after a run, in the
//! morning) on a 0–10 scale, one point per day, with run days marked along the axis.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use jiff::civil::Date;

use crate::svg::{
    self, BLUE, C, Frame, Key, MAX_X_LABELS, Marker, ORANGE, PURPLE, Plot, Series, TEAL,
};
use crate::{Chart, Table, dates};

/// One day's pain ratings, each 0–10; `None` where nothing was logged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PainDay {
    pub date: Date,
    /// Pain during the exercise session.
    pub during: Option<f64>,
    /// Pain after a run.
    pub after_run: Option<f64>,
    /// Pain on getting up in the morning.
    pub morning: Option<f64>,
}

const TITLE: &str = "Pain over time";
/// Shown in cells where a rating was not logged.
const NOT_LOGGED: &str = "not logged";
const PLOT_HEIGHT: f64 = 170.0;

/// The three series in the order of [`PainDay`]'s fields, with the words the description uses.
const SERIES: [(Series, &str); 3] = [
    (
        Series {
            class: "chart-series-during",
            label: "During exercise",
            colour: BLUE,
            dash: None,
            marker: Marker::Circle,
        },
        "pain during exercise",
    ),
    (
        Series {
            class: "chart-series-after-run",
            label: "After a run",
            colour: ORANGE,
            dash: Some("6 4"),
            marker: Marker::Square,
        },
        "pain after runs",
    ),
    (
        Series {
            class: "chart-series-morning",
            label: "Morning",
            colour: PURPLE,
            dash: Some("2 3"),
            marker: Marker::Diamond,
        },
        "morning pain",
    ),
];

/// Pain ratings day by day on a 0–10 axis, one line per kind of rating (broken where a day has
/// none), with each run day shaded and marked by a triangle under the axis.
///
/// The date axis runs from the first to the last day that has a rating or a run. Days are merged
/// by date (the first rating of each kind wins); non-finite ratings are skipped. `None` when there
/// is no rating to draw.
pub fn pain_over_time(id: &str, days: &[PainDay], run_days: &[Date]) -> Option<Chart> {
    let mut by_date: BTreeMap<Date, [Option<f64>; 3]> = BTreeMap::new();
    for day in days {
        let slot = by_date.entry(day.date).or_insert([None; 3]);
        for (kept, new) in slot
            .iter_mut()
            .zip([day.during, day.after_run, day.morning])
        {
            if kept.is_none() {
                *kept = svg::finite(new);
            }
        }
    }
    by_date.retain(|_, ratings| ratings.iter().any(Option::is_some));
    let runs: BTreeSet<Date> = run_days.iter().copied().collect();
    let first_rated = *by_date.keys().next()?;
    let last_rated = *by_date.keys().next_back()?;
    let first = runs.first().map_or(first_rated, |r| first_rated.min(*r));
    let last = runs.last().map_or(last_rated, |r| last_rated.max(*r));
    let n_days = dates::days_between(first, last) + 1;

    let description = describe(&by_date, &runs, first, last, n_days);
    let stem = svg::id_stem(id);
    let mut out = String::with_capacity(16 * 1024);
    let mut legend_items: Vec<(Key, String)> = SERIES
        .iter()
        .enumerate()
        .filter(|(k, _)| by_date.values().any(|r| r[*k].is_some()))
        .map(|(_, (s, _))| (Key::Series(*s), s.label.to_owned()))
        .collect();
    if !runs.is_empty() {
        legend_items.push((Key::RunDay, "Run day".to_owned()));
    }
    // The legend is measured first so the plot can sit below it.
    let mut legend = String::new();
    let legend_bottom = svg::legend(&mut legend, &legend_items);
    let top = legend_bottom + 26.0;
    let plot = Plot {
        top,
        bottom: top + PLOT_HEIGHT,
        hi: 10.0,
        step: 2.0,
    };
    let height = plot.bottom + 34.0;
    svg::open(
        &mut out,
        &Frame {
            stem: &stem,
            kind: "chart-pain",
            height,
            title: TITLE,
            description: &description,
        },
    );

    #[expect(clippy::cast_precision_loss, reason = "day counts are small")]
    let day_width = plot.width() / n_days as f64;
    #[expect(clippy::cast_precision_loss, reason = "day counts are small")]
    let day_x =
        |date: Date| plot.left() + (dates::days_between(first, date) as f64 + 0.5) * day_width;

    // Run days: a light band behind the plot, then the values drawn over it.
    if !runs.is_empty() {
        out.push_str(r#"<g class="chart-run-days">"#);
        for run in &runs {
            let _ = write!(
                out,
                r#"<rect class="chart-run-day-band" x="{}" y="{}" width="{}" height="{}" fill="{TEAL}" fill-opacity="0.12"/>"#,
                C(day_x(*run) - day_width / 2.0),
                C(plot.top),
                C(day_width.max(0.5)),
                C(plot.bottom - plot.top),
            );
        }
        out.push_str("</g>");
    }
    svg::value_grid(&mut out, &plot, "Pain, 0–10");

    let size = (day_width * 0.35).clamp(1.5, 4.0);
    for (k, (style, _)) in SERIES.iter().enumerate() {
        // One slot per calendar day, so a day without a rating breaks the line.
        let mut points: Vec<Option<(f64, f64)>> = Vec::new();
        let mut previous: Option<Date> = None;
        for (date, ratings) in &by_date {
            if previous.is_some_and(|p| dates::days_between(p, *date) > 1) {
                points.push(None);
            }
            points.push(ratings[k].map(|v| (day_x(*date), plot.y(v))));
            previous = Some(*date);
        }
        if points.iter().any(Option::is_some) {
            svg::series(&mut out, style, &points, size);
        }
    }

    if !runs.is_empty() {
        out.push_str(r#"<g class="chart-run-day">"#);
        let s = (day_width * 0.45).clamp(2.0, 5.0);
        for run in &runs {
            svg::marker(
                &mut out,
                Marker::Triangle,
                day_x(*run),
                plot.bottom + 3.0 + s,
                s,
                TEAL,
            );
        }
        out.push_str("</g>");
    }

    let ticks = dates::day_ticks(first, n_days, MAX_X_LABELS);
    let tick_dates: Vec<Date> = ticks
        .iter()
        .filter_map(|t| dates::add_days(first, *t))
        .collect();
    for (date, label) in tick_dates.iter().zip(dates::axis_labels(&tick_dates)) {
        svg::x_label(
            &mut out,
            "chart-tick-label",
            day_x(*date),
            plot.bottom + 28.0,
            &label,
            false,
        );
    }
    out.push_str(&legend);
    out.push_str("</svg>");

    let mut rows = Vec::new();
    let all_days: BTreeSet<Date> = by_date.keys().chain(&runs).copied().collect();
    for date in all_days {
        let ratings = by_date.get(&date).copied().unwrap_or([None; 3]);
        let mut row = vec![dates::with_weekday(date)];
        row.extend(
            ratings
                .iter()
                .map(|r| r.map_or_else(|| NOT_LOGGED.to_owned(), svg::number)),
        );
        row.push(if runs.contains(&date) { "yes" } else { "no" }.to_owned());
        rows.push(row);
    }
    Some(Chart {
        id: stem,
        title: TITLE.to_owned(),
        description,
        svg: out,
        table: Table {
            caption: TITLE.to_owned(),
            headers: vec![
                "Date".to_owned(),
                "During exercise (0–10)".to_owned(),
                "After a run (0–10)".to_owned(),
                "Morning (0–10)".to_owned(),
                "Run day".to_owned(),
            ],
            rows,
        },
    })
}

/// "Between 3 and 24 November 2025, pain during exercise ranged from 1 to 4 out of 10 and morning
/// pain was 0 out of 10 each time. Pain was logged on 15 of 22 days; 6 run days are marked."
fn describe(
    by_date: &BTreeMap<Date, [Option<f64>; 3]>,
    runs: &BTreeSet<Date>,
    first: Date,
    last: Date,
    n_days: i64,
) -> String {
    let mut parts = Vec::new();
    for (k, (_, words)) in SERIES.iter().enumerate() {
        let values = by_date.values().filter_map(|r| r[k]);
        let Some((lo, hi)) = values.fold(None, |acc: Option<(f64, f64)>, v| {
            Some(acc.map_or((v, v), |(a, b)| (a.min(v), b.max(v))))
        }) else {
            continue;
        };
        if svg::number(lo) == svg::number(hi) {
            parts.push(format!(
                "{words} was {} out of 10 each time",
                svg::number(lo)
            ));
        } else {
            parts.push(format!(
                "{words} ranged from {} to {} out of 10",
                svg::number(lo),
                svg::number(hi)
            ));
        }
    }
    let joined = match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last_part] => format!("{} and {last_part}", init.join(", ")),
    };
    let mut text = String::new();
    let when = dates::span(first, last);
    let _ = write!(
        text,
        "{}{}, {joined}.",
        when[..1].to_uppercase(),
        &when[1..]
    );
    let logged = by_date.len();
    let _ = write!(
        text,
        " Pain was logged on {logged} of {n_days} {}",
        if n_days == 1 { "day" } else { "days" }
    );
    match runs.len() {
        0 => text.push_str("; no run days in this period."),
        1 => text.push_str("; 1 run day is marked."),
        n => {
            let _ = write!(text, "; {n} run days are marked.");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn day(d: i8, during: Option<f64>, after_run: Option<f64>, morning: Option<f64>) -> PainDay {
        PainDay {
            date: date(2025, 11, d),
            during,
            after_run,
            morning,
        }
    }

    #[test]
    fn describes_ranges_logged_days_and_runs() {
        let chart = pain_over_time(
            "p",
            &[
                day(3, Some(1.0), None, Some(2.0)),
                day(4, Some(4.0), Some(3.0), Some(2.0)),
                day(10, Some(2.0), None, None),
            ],
            &[date(2025, 11, 4), date(2025, 11, 12)],
        )
        .unwrap();
        assert_eq!(
            chart.description,
            "Between 3 and 12 November 2025, pain during exercise ranged from 1 to 4 out of 10, \
             pain after runs was 3 out of 10 each time and morning pain was 2 out of 10 each time. \
             Pain was logged on 3 of 10 days; 2 run days are marked."
        );
    }

    #[test]
    fn a_missing_day_breaks_the_line() {
        let chart = pain_over_time(
            "p",
            &[
                day(3, Some(1.0), None, None),
                day(4, Some(2.0), None, None),
                day(6, Some(3.0), None, None),
                day(7, Some(3.0), None, None),
            ],
            &[],
        )
        .unwrap();
        let during = chart
            .svg
            .split(r#"<g class="chart-series chart-series-during">"#)
            .nth(1)
            .unwrap();
        let d = during
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(during.matches("<circle").count(), 4);
        assert!(!chart.svg.contains("chart-run-day\""));
    }
}
