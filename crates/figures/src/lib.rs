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

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

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

/// Still drawings made so far, by figure and position. A drawing never changes, and the pages
/// ask for the same few on every view (the Today page draws each exercise of the day), so each
/// is drawn once per process; the catalogue bounds how many are kept.
static STILLS: LazyLock<Mutex<HashMap<(&'static str, Phase), String>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// A still drawing of one position, with presentation attributes only (no CSS), for print and
/// PDF; `None` for an unknown id.
pub fn svg_static(id: &str, phase: Phase) -> Option<String> {
    let figure = find(id)?;
    let key = (figure.id, phase);
    // A panic while the lock was held cannot leave a half-made drawing: insert is the last step.
    let stills = || {
        STILLS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if let Some(drawn) = stills().get(&key) {
        return Some(drawn.clone());
    }
    let drawn = svg::render(figure, false, phase == Phase::End);
    stills().insert(key, drawn.clone());
    Some(drawn)
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
