//! Writes every kind of chart, with made-up data, to one HTML page for a person to look at:
//! `cargo run -p backstride-charts --example gallery [-- out.html]` (default: a file in the
//! system's temporary directory). Each chart's SVG is also written next to it as
//! `gallery-{id}.svg`, for tools that render SVG to PNG.

use std::path::PathBuf;

use backstride_charts::{
    Chart, PainDay, SidesPoint, WeekValue, pain_over_time, sides_over_time, weekly_bars,
};
use jiff::{Span, civil::Date, civil::date};

fn plus(d: Date, days: i64) -> Date {
    d.checked_add(Span::new().days(days)).expect("a near date")
}

/// A made-up but plausible value for day `i`: a wave, drifting down, rounded to halves.
fn wave(i: i64, base: f64, amplitude: f64, drift: f64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "small numbers")]
    let t = i as f64;
    let v = base + amplitude * (t * 0.9).sin() - drift * t;
    (v.clamp(0.0, 10.0) * 2.0).round() / 2.0
}

fn charts() -> Vec<Chart> {
    let start = date(2025, 11, 3);
    // Three weeks: exercise most days, a run every two or three days, a few days not logged.
    let days: Vec<PainDay> = (0..22)
        .filter(|i| ![5, 6, 13].contains(i))
        .map(|i| PainDay {
            date: plus(start, i),
            during: (i % 7 != 3).then(|| wave(i, 3.0, 1.5, 0.05)),
            after_run: (i % 3 == 1).then(|| wave(i + 2, 3.5, 1.0, 0.08)),
            morning: Some(wave(i + 4, 2.0, 1.0, 0.04)),
        })
        .collect();
    let runs: Vec<Date> = (0..22)
        .filter(|i| i % 3 == 1)
        .map(|i| plus(start, i))
        .collect();
    let mut out = vec![pain_over_time("pain-3-weeks", &days, &runs).expect("data")];

    // Four months of mornings only, runs twice a week.
    let long_start = date(2025, 9, 15);
    let days: Vec<PainDay> = (0..120)
        .filter(|i| i % 11 != 4)
        .map(|i| PainDay {
            date: plus(long_start, i),
            during: None,
            after_run: None,
            morning: Some(wave(i, 4.0, 1.5, 0.025)),
        })
        .collect();
    let runs: Vec<Date> = (0..120)
        .filter(|i| i % 7 == 1 || i % 7 == 4)
        .map(|i| plus(long_start, i))
        .collect();
    out.push(pain_over_time("pain-4-months", &days, &runs).expect("data"));

    let weeks = |values: &[Option<f64>]| -> Vec<WeekValue> {
        values
            .iter()
            .zip(0..)
            .map(|(v, i)| WeekValue {
                week_start: plus(date(2025, 10, 6), 7 * i),
                value: *v,
            })
            .collect()
    };
    out.push(
        weekly_bars(
            "morning-pain",
            "Weekly average morning pain",
            "out of 10",
            &weeks(&[
                Some(3.4),
                Some(3.1),
                Some(2.6),
                None,
                Some(2.0),
                Some(1.7),
                Some(1.4),
                Some(0.0),
            ]),
            Some(10.0),
            None,
        )
        .expect("data"),
    );
    out.push(
        weekly_bars(
            "adherence",
            "Adherence per week",
            "%",
            &weeks(&[
                Some(57.0),
                Some(71.0),
                Some(86.0),
                None,
                Some(100.0),
                Some(79.0),
                Some(93.0),
                Some(88.0),
            ]),
            Some(100.0),
            Some((80.0, "target")),
        )
        .expect("data"),
    );
    out.push(
        weekly_bars(
            "volume",
            "Running volume per week",
            "km",
            &weeks(&[
                Some(12.0),
                Some(14.5),
                Some(10.2),
                Some(16.0),
                Some(18.3),
                Some(0.0),
                Some(12.0),
                Some(20.1),
                Some(22.4),
                Some(21.0),
                Some(25.5),
                Some(24.0),
            ]),
            None,
            None,
        )
        .expect("data"),
    );

    let point = |d: Date, left: Option<f64>, right: Option<f64>| {
        let lsi = left
            .zip(right)
            .map(|(l, r): (f64, f64)| l.min(r) / l.max(r) * 100.0);
        SidesPoint {
            date: d,
            left,
            right,
            lsi,
        }
    };
    out.push(
        sides_over_time(
            "side-bridge",
            "Side bridge hold",
            "s",
            &[
                point(date(2025, 10, 6), Some(18.0), Some(36.0)),
                point(date(2025, 10, 20), Some(25.0), Some(35.0)),
                point(date(2025, 11, 17), Some(31.0), Some(36.0)),
                point(date(2026, 1, 12), Some(38.0), Some(40.0)),
            ],
            90.0,
        )
        .expect("data"),
    );
    out.push(
        sides_over_time(
            "single-leg-squat",
            "Single-leg squat",
            "reps",
            &[
                point(date(2025, 10, 6), Some(8.0), Some(12.0)),
                point(date(2025, 10, 20), None, Some(13.0)),
                point(date(2025, 11, 17), Some(12.0), Some(13.0)),
            ],
            90.0,
        )
        .expect("data"),
    );
    out.push(
        sides_over_time(
            "hip-abduction",
            "Side-lying hip abduction",
            "reps",
            &[point(date(2025, 10, 6), Some(20.0), Some(15.0))],
            90.0,
        )
        .expect("data"),
    );
    out
}

/// The page's own stylesheet shows the charts at a reading width; the charts need none.
const PAGE_CSS: &str = "body { font: 1rem/1.5 system-ui, sans-serif; color: #1d2430; \
    background: #fbfaf7; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; } \
    .chart-figure { margin: 0 0 2.5rem; padding: 1rem; background: #fff; border: 1px solid #d5d9e0; \
    border-radius: .5rem; } .chart-caption { font-weight: 600; font-size: 1.1rem; margin-bottom: .5rem; } \
    .chart-svg { display: block; height: auto; } .description { color: #4d5766; } \
    table { border-collapse: collapse; } th, td { text-align: left; padding: .2rem .6rem; \
    border-bottom: 1px solid #d5d9e0; }";

fn main() -> std::io::Result<()> {
    let path = std::env::args_os().nth(1).map_or_else(
        || std::env::temp_dir().join("backstride-charts-gallery.html"),
        PathBuf::from,
    );
    let mut html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>Backstride charts</title>\
         <style>{PAGE_CSS}</style></head><body><h1>Backstride charts</h1>"
    );
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    for chart in charts() {
        html.push_str(&chart.to_html());
        html.push_str(&format!(
            "<p class=\"description\">{}</p>",
            chart.description.replace('&', "&amp;").replace('<', "&lt;")
        ));
        std::fs::write(dir.join(format!("gallery-{}.svg", chart.id)), &chart.svg)?;
    }
    html.push_str("</body></html>\n");
    std::fs::write(&path, html)?;
    println!("{}", path.display());
    Ok(())
}
