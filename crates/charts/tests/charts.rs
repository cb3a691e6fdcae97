//! The charts as a page gets them: well-formed SVG with an accessible name, escaped text, no
//! NaN or inf, tables that match the data, and geometry inside the viewBox for any input.

use backstride_charts::{
    Chart, PainDay, SidesPoint, WeekValue, pain_over_time, sides_over_time, weekly_bars,
};
use jiff::civil::{Date, date};
use proptest::prelude::*;

fn day(d: Date, during: Option<f64>, after_run: Option<f64>, morning: Option<f64>) -> PainDay {
    PainDay {
        date: d,
        during,
        after_run,
        morning,
    }
}

fn nov(d: i8) -> Date {
    date(2025, 11, d)
}

fn week(i: i64, value: Option<f64>) -> WeekValue {
    WeekValue {
        week_start: date(2025, 10, 6)
            .checked_add(jiff::Span::new().days(7 * i))
            .unwrap(),
        value,
    }
}

fn sides(d: Date, left: Option<f64>, right: Option<f64>, lsi: Option<f64>) -> SidesPoint {
    SidesPoint {
        date: d,
        left,
        right,
        lsi,
    }
}

/// One of each chart, with gaps and a missing value each.
fn examples() -> Vec<Chart> {
    vec![
        pain_over_time(
            "pain",
            &[
                day(nov(3), Some(2.0), None, Some(1.0)),
                day(nov(4), Some(3.0), Some(2.0), Some(1.0)),
                day(nov(7), None, Some(4.0), Some(2.0)),
            ],
            &[nov(4), nov(7)],
        )
        .unwrap(),
        weekly_bars(
            "adherence",
            "Adherence per week",
            "%",
            &[week(0, Some(70.0)), week(1, None), week(2, Some(95.0))],
            Some(100.0),
            Some((80.0, "target")),
        )
        .unwrap(),
        sides_over_time(
            "side-bridge",
            "Side bridge hold",
            "s",
            &[
                sides(nov(3), Some(18.0), Some(36.0), Some(50.0)),
                sides(nov(24), Some(30.0), None, None),
            ],
            90.0,
        )
        .unwrap(),
    ]
}

/// Parses the SVG and checks the accessible name: `role="img"` and `aria-labelledby` naming
/// exactly the `<title>` and `<desc>`, which carry the chart's title and description.
fn check_accessible(chart: &Chart) {
    let doc = roxmltree::Document::parse(&chart.svg)
        .unwrap_or_else(|e| panic!("not well-formed: {e}\n{}", chart.svg));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    assert_eq!(root.attribute("width"), Some("100%"));
    assert!(root.attribute("height").is_none());
    let ids: Vec<&str> = root
        .attribute("aria-labelledby")
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        ids,
        [
            format!("chart-{}-title", chart.id),
            format!("chart-{}-desc", chart.id)
        ]
    );
    let by_id = |id: &str| {
        let found: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute("id") == Some(id))
            .collect();
        assert_eq!(found.len(), 1, "id {id} once");
        found[0]
    };
    let title = by_id(ids[0]);
    assert_eq!(title.tag_name().name(), "title");
    assert_eq!(title.text(), Some(chart.title.as_str()));
    let desc = by_id(ids[1]);
    assert_eq!(desc.tag_name().name(), "desc");
    assert_eq!(desc.text(), Some(chart.description.as_str()));
    // The first child is the title, so it names the image in every reader.
    assert_eq!(root.first_element_child(), Some(title));
    for node in doc.descendants().filter(roxmltree::Node::is_element) {
        assert_ne!(node.tag_name().name(), "style");
        assert!(node.attribute("style").is_none());
        if let Some(class) = node.attribute("class") {
            assert!(
                class.split_whitespace().all(|c| c.starts_with("chart-")),
                "{class}"
            );
        }
    }
    for row in &chart.table.rows {
        assert_eq!(row.len(), chart.table.headers.len());
    }
}

/// Every coordinate and length finite and inside the viewBox (with rounding's 0.05).
fn check_geometry(svg: &str) -> Result<(), String> {
    let doc = roxmltree::Document::parse(svg).map_err(|e| e.to_string())?;
    let root = doc.root_element();
    let view_box: Vec<f64> = root
        .attribute("viewBox")
        .ok_or("no viewBox")?
        .split_whitespace()
        .map(|v| v.parse::<f64>().map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let [x0, y0, w, h] = view_box[..] else {
        return Err("viewBox has four numbers".into());
    };
    if x0 != 0.0 || y0 != 0.0 || !(w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite()) {
        return Err(format!("viewBox {view_box:?}"));
    }
    let inside = |v: f64, max: f64, what: &str| {
        if v.is_finite() && (-0.05..=max + 0.05).contains(&v) {
            Ok(())
        } else {
            Err(format!("{what}={v} outside 0..{max}"))
        }
    };
    let num = |node: roxmltree::Node, name: &str| -> Result<Option<f64>, String> {
        node.attribute(name)
            .map(|v| v.parse::<f64>().map_err(|e| format!("{name}={v}: {e}")))
            .transpose()
    };
    for node in doc.descendants().filter(roxmltree::Node::is_element) {
        if node == root {
            continue;
        }
        for name in ["x", "x1", "x2", "cx"] {
            if let Some(v) = num(node, name)? {
                inside(v, w, name)?;
            }
        }
        for name in ["y", "y1", "y2", "cy"] {
            if let Some(v) = num(node, name)? {
                inside(v, h, name)?;
            }
        }
        if let Some(width) = num(node, "width")? {
            inside(width, w, "width")?;
            inside(num(node, "x")?.unwrap_or(0.0) + width, w, "x + width")?;
        }
        if let Some(height) = num(node, "height")? {
            inside(height, h, "height")?;
            inside(num(node, "y")?.unwrap_or(0.0) + height, h, "y + height")?;
        }
        if let Some(r) = num(node, "r")? {
            let (cx, cy) = (
                num(node, "cx")?.unwrap_or(0.0),
                num(node, "cy")?.unwrap_or(0.0),
            );
            inside(cx - r, w, "cx - r")?;
            inside(cx + r, w, "cx + r")?;
            inside(cy - r, h, "cy - r")?;
            inside(cy + r, h, "cy + r")?;
        }
        for name in ["points", "d"] {
            let Some(list) = node.attribute(name) else {
                continue;
            };
            let numbers: Vec<f64> = list
                .split(|c: char| c.is_whitespace() || c == ',' || c.is_ascii_alphabetic())
                .filter(|t| !t.is_empty())
                .map(|t| t.parse::<f64>().map_err(|e| format!("{name}: {t}: {e}")))
                .collect::<Result<_, _>>()?;
            if !numbers.len().is_multiple_of(2) {
                return Err(format!("{name} has an odd count: {list}"));
            }
            for pair in numbers.chunks(2) {
                inside(pair[0], w, name)?;
                inside(pair[1], h, name)?;
            }
        }
    }
    Ok(())
}

#[test]
fn the_geometry_check_catches_what_it_should() {
    let svg = |inner: &str| {
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50">{inner}</svg>"#)
    };
    assert!(check_geometry(&svg(r#"<rect x="10" y="10" width="90" height="40"/>"#)).is_ok());
    for bad in [
        r#"<rect x="10" y="10" width="91" height="4"/>"#,
        r#"<line x1="0" x2="0" y1="-3" y2="4"/>"#,
        r#"<circle cx="98" cy="10" r="4"/>"#,
        r#"<path d="M1,2 L3,NaN"/>"#,
        r#"<polygon points="1,2 3,inf 5,6"/>"#,
        r#"<text x="120" y="3">t</text>"#,
    ] {
        assert!(check_geometry(&svg(bad)).is_err(), "{bad}");
    }
}

#[test]
fn every_chart_is_well_formed_and_named_by_its_title_and_description() {
    for chart in examples() {
        check_accessible(&chart);
        check_geometry(&chart.svg).unwrap();
        let html = chart.to_html();
        roxmltree::Document::parse(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));
    }
}

#[test]
fn markup_characters_are_escaped() {
    let nasty = r#"<b>&"it's"</b>"#;
    let weekly = weekly_bars(
        "x\"><script>",
        nasty,
        nasty,
        &[week(0, Some(1.0))],
        None,
        Some((0.5, nasty)),
    )
    .unwrap();
    let sides = sides_over_time(
        nasty,
        nasty,
        nasty,
        &[sides(nov(3), Some(1.0), Some(2.0), Some(50.0))],
        90.0,
    )
    .unwrap();
    for chart in [weekly, sides] {
        check_accessible(&chart);
        assert!(
            chart
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        );
        assert!(!chart.svg.contains("<b>"));
        assert!(!chart.svg.contains("<script"));
        assert!(
            chart
                .svg
                .contains("&lt;b&gt;&amp;&quot;it&#39;s&quot;&lt;/b&gt;")
        );
        assert!(chart.title.contains(nasty), "plain text in the struct");
        let html = chart.to_html();
        assert!(!html.contains("<b>"));
        roxmltree::Document::parse(&html).unwrap();
    }
}

#[test]
fn non_finite_values_are_skipped() {
    let bad = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
    let pain = pain_over_time(
        "p",
        &[
            day(nov(3), Some(bad[0]), Some(2.0), Some(bad[1])),
            day(nov(4), Some(bad[2]), Some(3.0), None),
        ],
        &[nov(4)],
    )
    .unwrap();
    let weekly = weekly_bars(
        "w",
        "Running volume per week",
        "km",
        &[
            week(0, Some(bad[0])),
            week(1, Some(5.0)),
            week(2, Some(bad[1])),
        ],
        Some(bad[1]),
        Some((bad[0], "target")),
    )
    .unwrap();
    let sides = sides_over_time(
        "s",
        "Single-leg bridge",
        "reps",
        &[
            sides(nov(3), Some(bad[0]), Some(10.0), Some(bad[1])),
            sides(nov(10), Some(9.0), Some(bad[2]), Some(bad[0])),
        ],
        bad[0],
    )
    .unwrap();
    for chart in [&pain, &weekly, &sides] {
        check_accessible(chart);
        check_geometry(&chart.svg).unwrap();
        let all = format!("{}{}{:?}", chart.svg, chart.description, chart.table);
        for word in ["NaN", "inf", "Inf"] {
            assert!(!all.contains(word), "{word} in {all}");
        }
    }
    assert_eq!(pain.table.rows[0][1], "not logged");
    assert_eq!(weekly.table.rows[0][1], "no data");
    assert!(!weekly.svg.contains("chart-reference"));
    assert_eq!(
        sides.table.rows[1],
        ["10 Nov 2025", "9", "not tested", "not available"]
    );
}

#[test]
fn nothing_to_draw_is_none() {
    assert!(pain_over_time("p", &[], &[]).is_none());
    assert!(pain_over_time("p", &[day(nov(3), None, Some(f64::NAN), None)], &[nov(3)]).is_none());
    assert!(weekly_bars("w", "t", "", &[], Some(10.0), None).is_none());
    assert!(
        weekly_bars(
            "w",
            "t",
            "",
            &[week(0, None), week(1, Some(f64::NAN))],
            None,
            None
        )
        .is_none()
    );
    assert!(sides_over_time("s", "t", "s", &[], 90.0).is_none());
    assert!(
        sides_over_time(
            "s",
            "t",
            "s",
            &[sides(nov(3), None, None, Some(80.0))],
            90.0
        )
        .is_none()
    );
}

#[test]
fn pain_table_has_a_row_per_logged_day_or_run_day() {
    let chart = pain_over_time(
        "p",
        &[
            day(nov(5), None, Some(2.5), Some(1.0)),
            day(nov(3), Some(2.0), None, None),
            // A second entry for a day fills in what the first left empty.
            day(nov(3), Some(9.0), None, Some(0.0)),
            day(nov(4), None, None, None),
        ],
        &[nov(5), nov(6), nov(6)],
    )
    .unwrap();
    assert_eq!(
        chart.table.headers,
        [
            "Date",
            "During exercise (0–10)",
            "After a run (0–10)",
            "Morning (0–10)",
            "Run day"
        ]
    );
    assert_eq!(
        chart.table.rows,
        [
            ["Mon 3 Nov 2025", "2", "not logged", "0", "no"],
            ["Wed 5 Nov 2025", "not logged", "2.5", "1", "yes"],
            [
                "Thu 6 Nov 2025",
                "not logged",
                "not logged",
                "not logged",
                "yes"
            ],
        ]
    );
    // Four days on the axis, two run days marked.
    assert!(
        chart
            .description
            .contains("logged on 2 of 4 days; 2 run days")
    );
    assert_eq!(chart.svg.matches("chart-run-day-band").count(), 3); // 2 + legend
}

#[test]
fn weekly_and_sides_tables_match_the_data() {
    let chart = weekly_bars(
        "m",
        "Weekly average morning pain",
        "out of 10",
        &[week(0, Some(2.25)), week(1, Some(3.0)), week(2, None)],
        Some(10.0),
        None,
    )
    .unwrap();
    assert_eq!(
        chart.table.headers,
        ["Week starting", "Weekly average morning pain (out of 10)"]
    );
    assert_eq!(
        chart.table.rows,
        [
            ["6 Oct 2025", "2.3"],
            ["13 Oct 2025", "3"],
            ["20 Oct 2025", "no data"]
        ]
    );
    let chart = sides_over_time(
        "s",
        "Side bridge hold",
        "s",
        &[
            sides(nov(24), Some(30.0), Some(34.0), Some(88.2)),
            sides(nov(3), Some(18.0), Some(36.0), Some(50.0)),
        ],
        90.0,
    )
    .unwrap();
    assert_eq!(
        chart.table.rows,
        [
            ["3 Nov 2025", "18", "36", "50"],
            ["24 Nov 2025", "30", "34", "88.2"]
        ]
    );
    assert_eq!(
        chart.table.caption,
        "Side bridge hold: left and right over time"
    );
}

#[test]
fn x_labels_stay_few_over_long_periods() {
    let days: Vec<PainDay> = (0..200)
        .map(|i| {
            let d = date(2025, 1, 1)
                .checked_add(jiff::Span::new().days(i))
                .unwrap();
            let v = f64::from(u8::try_from(i % 11).unwrap());
            day(d, Some(v), None, Some(v / 2.0))
        })
        .collect();
    let chart = pain_over_time("long", &days, &[]).unwrap();
    let doc = roxmltree::Document::parse(&chart.svg).unwrap();
    let labels = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("chart-tick-label"))
        .filter(|n| n.attribute("text-anchor") != Some("end"))
        .count();
    assert!((4..=8).contains(&labels), "{labels} date labels");
    let weeks: Vec<WeekValue> = (0..30).map(|i| week(i, Some(1.0))).collect();
    let chart = weekly_bars("w", "t", "km", &weeks, None, None).unwrap();
    let doc = roxmltree::Document::parse(&chart.svg).unwrap();
    let labels = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("chart-tick-label"))
        .filter(|n| n.attribute("text-anchor") != Some("end"))
        .count();
    assert!((4..=8).contains(&labels), "{labels} week labels");
    assert!(!chart.svg.contains("chart-value-label"));
}

/// Mostly plausible values, some out of range, some missing, some not finite or absurd.
fn value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        6 => (-2.0..120.0f64).prop_map(Some),
        2 => Just(None),
        1 => prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::MAX),
            Just(-f64::MAX),
            Just(f64::MIN_POSITIVE),
            any::<f64>(),
        ]
        .prop_map(Some),
    ]
}

fn some_date() -> impl Strategy<Value = Date> {
    // Over a year change, so labels with years are exercised too.
    (0i64..500).prop_map(|d| {
        date(2024, 10, 1)
            .checked_add(jiff::Span::new().days(d))
            .unwrap()
    })
}

/// Text without the letters of "NaN" and "inf", so finding those in the output means a number
/// went wrong; the markup characters and a control character are in.
fn text() -> impl Strategy<Value = String> {
    "[a-hj-mo-zA-MO-Z0-9 <>&\"'\t\u{1}é×%-]{0,16}"
}

fn check_all(chart: &Chart) -> Result<(), TestCaseError> {
    check_geometry(&chart.svg).map_err(|e| TestCaseError::fail(format!("{e}\n{}", chart.svg)))?;
    let all = format!("{}{}{:?}", chart.svg, chart.description, chart.table);
    prop_assert!(!all.contains("NaN") && !all.contains("inf"), "{}", all);
    for row in &chart.table.rows {
        prop_assert_eq!(row.len(), chart.table.headers.len());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_pain_series_draw_inside_the_view_box(
        id in text(),
        days in prop::collection::vec((some_date(), value(), value(), value()), 0..60),
        runs in prop::collection::vec(some_date(), 0..30),
    ) {
        let days: Vec<PainDay> = days.into_iter().map(|(d, a, b, c)| day(d, a, b, c)).collect();
        let logged = days.iter().any(|d| {
            [d.during, d.after_run, d.morning].iter().flatten().any(|v| v.is_finite())
        });
        match pain_over_time(&id, &days, &runs) {
            Some(chart) => check_all(&chart)?,
            None => prop_assert!(!logged),
        }
    }

    #[test]
    fn random_weekly_series_draw_inside_the_view_box(
        title in text(),
        unit in text(),
        values in prop::collection::vec(value(), 0..40),
        y_max in value(),
        reference in prop::option::of((value(), text())),
    ) {
        let weeks: Vec<WeekValue> = values.iter().zip(0..).map(|(v, i)| week(i, *v)).collect();
        let reference = reference.and_then(|(v, label)| v.map(|v| (v, label)));
        let chart = weekly_bars(
            "w", &title, &unit, &weeks, y_max, reference.as_ref().map(|(v, l)| (*v, l.as_str())),
        );
        match chart {
            Some(chart) => {
                check_all(&chart)?;
                prop_assert_eq!(chart.table.rows.len(), weeks.len());
            }
            None => prop_assert!(values.iter().flatten().all(|v| !v.is_finite())),
        }
    }

    #[test]
    fn random_sides_series_draw_inside_the_view_box(
        name in text(),
        unit in text(),
        points in prop::collection::vec((some_date(), value(), value(), value()), 0..25),
        cut_off in value(),
    ) {
        let points: Vec<SidesPoint> =
            points.into_iter().map(|(d, l, r, lsi)| sides(d, l, r, lsi)).collect();
        match sides_over_time("s", &name, &unit, &points, cut_off.unwrap_or(90.0)) {
            Some(chart) => check_all(&chart)?,
            None => prop_assert!(points
                .iter()
                .flat_map(|p| [p.left, p.right])
                .flatten()
                .all(|v| !v.is_finite())),
        }
    }

    #[test]
    fn any_text_gives_well_formed_markup(
        title in any::<String>(),
        unit in any::<String>(),
        label in any::<String>(),
    ) {
        let chart = weekly_bars(&title, &title, &unit, &[week(0, Some(3.0))], None, Some((2.0, &label)))
            .unwrap();
        prop_assert!(roxmltree::Document::parse(&chart.svg).is_ok(), "{}", chart.svg);
        prop_assert!(roxmltree::Document::parse(&chart.to_html()).is_ok());
        let chart = sides_over_time(&label, &title, &unit, &[sides(nov(3), Some(1.0), Some(2.0), Some(50.0))], 90.0)
            .unwrap();
        prop_assert!(roxmltree::Document::parse(&chart.svg).is_ok(), "{}", chart.svg);
    }
}
