//! Backstride's tracking charts, drawn in Rust as SVG strings so the page, the print view and a
//! PDF can share them (issue 5):
//!
//! - [`pain_over_time`]: pain during exercise, after runs and in the morning, day by day, with run
//!   days marked;
//! - [`weekly_bars`]: one bar per week — weekly average morning pain, adherence (with an 80%
//!   target line), running volume;
//! - [`sides_over_time`]: left and right values of a two-sided test over its test dates, with the
//!   limb symmetry index (LSI) under each date;
//! - [`before_after_bars`]: the re-test's before and after, one pair of bars per measure.
//!
//! Each chart is a [`Chart`]: a title, a plain-language description, the `<svg>` and a [`Table`]
//! of the same data for a data-table fallback. The functions return `None` when there is nothing
//! to draw.
//!
//! ```
//! use backstride_charts::{WeekValue, weekly_bars};
//! use jiff::civil::date;
//!
//! let weeks = [
//!     WeekValue { week_start: date(2025, 11, 3), value: Some(75.0) },
//!     WeekValue { week_start: date(2025, 11, 10), value: Some(90.0) },
//! ];
//! let chart = weekly_bars("adherence", "Adherence per week", "%", &weeks, Some(100.0),
//!     Some((80.0, "target"))).unwrap();
//! assert!(chart.svg.starts_with("<svg"));
//! assert_eq!(chart.table.rows[1], ["10 Nov 2025", "90"]);
//! assert!(weekly_bars("empty", "Adherence per week", "%", &[], None, None).is_none());
//! ```
//!
//! # Accessibility and the content security policy
//!
//! - The `<svg>` has `role="img"` and `aria-labelledby` naming its `<title>` and `<desc>`, whose
//!   ids are `chart-{id}-title` and `chart-{id}-desc` for the id stem passed in (made safe for
//!   an id: anything but ASCII letters, digits, `-` and `_` becomes `-`). Use a stem once per
//!   page.
//! - Every text is escaped; values that are not finite are skipped, so no "NaN" or "inf" appears.
//! - Series differ by colour, dash pattern and marker shape, and each multi-series chart has a
//!   legend inside the SVG; an LSI under the cut-off is bold, not only coloured.
//! - The SVG scales with its container (`viewBox`, `width="100%"`, no fixed height).
//! - Text is 11–12 units in a 400-unit-wide viewBox (360 for the before-and-after bars), so a
//!   chart scaled to a 375 px phone's width keeps text of about 10 px and never needs to scroll
//!   sideways; legends and the notes under a chart wrap inside the viewBox. On a wide screen,
//!   cap the chart's width (e.g. `max-width: 40rem`) so the text does not grow large.
//! - No `style` attributes and no `<style>` element: colours are presentation attributes, which
//!   any stylesheet rule overrides, so the web crate can restyle through the classes below (for
//!   example in dark mode or `forced-colors`).
//!
//! # Classes
//!
//! | class | on |
//! |---|---|
//! | `chart-svg` | every root `<svg>`, with one of `chart-pain`, `chart-weekly`, `chart-sides` |
//! | `chart-grid` | the group of horizontal grid lines |
//! | `chart-axis` | the baseline (value zero) |
//! | `chart-tick-label` | value labels left of the plot and date labels under it |
//! | `chart-axis-label` | the unit above the value labels ("Pain, 0–10", "%", "km", "s") |
//! | `chart-series` | a series group, with one of `chart-series-during`, `chart-series-after-run`, `chart-series-morning`, `chart-series-left`, `chart-series-right` (also on legend swatches) |
//! | `chart-line` | a series line (`stroke`, `stroke-dasharray`) |
//! | `chart-marker` | a point marker (`fill`): circle, square or diamond |
//! | `chart-run-days` | the group of run-day bands behind the pain plot |
//! | `chart-run-day-band` | one run day's shaded band (`fill`, `fill-opacity`) |
//! | `chart-run-day` | the group of run-day triangles under the pain axis |
//! | `chart-bars` | the group of weekly bars |
//! | `chart-bar` | one bar (`fill`), also the legend swatch |
//! | `chart-value-label` | the value above a bar (with a paper-coloured halo: `stroke`) |
//! | `chart-missing` | "no data" in a week's slot |
//! | `chart-reference` | the dashed reference line (`stroke`), labelled in the legend |
//! | `chart-lsi-heading` | "LSI" left of the LSI row |
//! | `chart-lsi` | an LSI value under a test date; `chart-lsi-below` when under the cut-off |
//! | `chart-note` | the note under the sides chart explaining the LSI |
//! | `chart-legend` | the legend group; `chart-legend-item` per entry, `chart-legend-label` its text |
//!
//! [`Chart::to_html`] wraps a chart in a `<figure>` with these classes: `chart-figure`,
//! `chart-caption` and `chart-data` (the `<details>` holding the table).
#![forbid(unsafe_code)]

mod before_after;
mod dates;
mod pain;
mod sides;
mod svg;
mod weekly;

pub use before_after::{BeforeAfter, before_after_bars};
pub use pain::{PainDay, pain_over_time};
pub use sides::{SidesPoint, sides_over_time};
pub use weekly::{WeekValue, weekly_bars};

/// A chart ready for a page: what to show and what to read out.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The id stem, made safe for element ids; the SVG's ids are `chart-{id}-title` and
    /// `chart-{id}-desc`.
    pub id: String,
    /// The heading, e.g. "Pain over time" (also the SVG's `<title>`).
    pub title: String,
    /// A plain-language summary of the data (also the SVG's `<desc>`); not escaped.
    pub description: String,
    /// The `<svg>` element, safe to insert unescaped: every text in it is escaped here.
    pub svg: String,
    /// The same data as a table, for the data-table fallback.
    pub table: Table,
}

/// A chart's data as a table; cells are plain text, not escaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub caption: String,
    /// Column headers; the first column (a date) heads each row.
    pub headers: Vec<String>,
    /// One row per date or week, as many cells as headers.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table as HTML, with `<th scope>` on the header row and on each row's first cell.
    #[must_use]
    pub fn to_html(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = write!(
            out,
            "<table><caption>{}</caption><thead><tr>",
            svg::escape(&self.caption)
        );
        for header in &self.headers {
            let _ = write!(out, r#"<th scope="col">{}</th>"#, svg::escape(header));
        }
        out.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            out.push_str("<tr>");
            for (k, cell) in row.iter().enumerate() {
                let tag = if k == 0 { r#"th scope="row""# } else { "td" };
                let close = if k == 0 { "th" } else { "td" };
                let _ = write!(out, "<{tag}>{}</{close}>", svg::escape(cell));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
        out
    }
}

impl Chart {
    /// The chart as an HTML `<figure>`: the title as its caption, the SVG, and the table in a
    /// closed `<details>` ("Show the data as a table").
    #[must_use]
    pub fn to_html(&self) -> String {
        format!(
            r#"<figure class="chart-figure" id="chart-{id}"><figcaption class="chart-caption">{title}</figcaption>{svg}<details class="chart-data"><summary>Show the data as a table</summary><div class="table-wrap">{table}</div></details></figure>"#,
            id = self.id,
            title = svg::escape(&self.title),
            svg = self.svg,
            table = self.table.to_html(),
        )
    }
}
