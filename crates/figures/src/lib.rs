//! Exercise and test illustrations for Backstride, drawn from one small figure model.
//!
//! Every illustration is a row in a table ([`catalog`]): a title, a plain-language description,
//! the props, and a start position with optional positions on the way and an end position, each
//! given as joint angles of a stick-and-capsule body. One renderer turns a row into a standalone
//! line-drawing SVG that scales to its container, follows `currentColor` and prints in black and
//! white. Where there is an end position, the SVG animates between the two with CSS (the start
//! position is shown when the reader prefers reduced motion); [`svg_static`] gives either position
//! as a still drawing for print and PDF.
//!
//! ```
//! let svg = backstride_figures::svg("glute_bridge").unwrap();
//! assert!(svg.starts_with("<svg"));
//! assert!(backstride_figures::svg("unknown").is_none());
//! ```
#![forbid(unsafe_code)]

mod body;
mod catalog;
mod scene;
mod svg;

use std::sync::LazyLock;

use scene::Figure;

/// Which still position of a figure to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Where the movement begins (also the position of a hold).
    Start,
    /// Where the movement ends; the same as [`Phase::Start`] for a hold.
    End,
}

static IDS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| catalog::FIGURES.iter().map(|f| f.id).collect());

fn find(id: &str) -> Option<&'static Figure> {
    catalog::FIGURES.iter().find(|f| f.id == id)
}

/// Every illustration id, in catalogue order.
pub fn ids() -> &'static [&'static str] {
    &IDS
}

/// The illustration as a standalone SVG, animated between its start and end positions where it
/// has both; `None` for an unknown id.
pub fn svg(id: &str) -> Option<String> {
    find(id).map(|f| svg::render(f, true, false))
}

/// A still drawing of one position, with presentation attributes only (no CSS), for print and
/// PDF; `None` for an unknown id.
pub fn svg_static(id: &str, phase: Phase) -> Option<String> {
    find(id).map(|f| svg::render(f, false, phase == Phase::End))
}

/// The illustration's title, e.g. "Glute bridge".
pub fn title(id: &str) -> Option<&'static str> {
    find(id).map(|f| f.title)
}

/// The plain-language description of the position(s), as used for the SVG's `<desc>`.
pub fn description(id: &str) -> Option<&'static str> {
    find(id).map(|f| f.desc)
}

/// Whether the illustration moves between a start and an end position.
pub fn is_animated(id: &str) -> bool {
    find(id).is_some_and(Figure::animated)
}
