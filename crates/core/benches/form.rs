//! Running form from video: checking and analysing the landmark series of a 10-s clip (the
//! page's whole work after the pose model). Target: under 5 ms (issue 16).
//!
//! Run with `cargo bench --workspace --bench form`.

use backstride_core::Thresholds;
use backstride_core::form::synthetic::SyntheticRunner;
use backstride_core::form::{RawSeries, View, analyse, validate};
use divan::Bencher;

fn main() {
    divan::main();
}

fn clip(view: View, fps: f64) -> RawSeries {
    SyntheticRunner {
        view,
        frames_per_second: fps,
        seconds: 10.0,
        ..SyntheticRunner::default()
    }
    .series()
}

/// Checking and analysing a 10-s side-view clip at 30 and 60 fps.
#[divan::bench(args = [30.0, 60.0])]
fn side_view_10_s(bencher: Bencher, fps: f64) {
    let raw = clip(View::Side, fps);
    let thresholds = Thresholds::default();
    bencher.bench(|| {
        let series = validate(divan::black_box(&raw)).expect("valid");
        analyse(&series, &thresholds)
    });
}

/// The same from behind.
#[divan::bench(args = [30.0, 60.0])]
fn rear_view_10_s(bencher: Bencher, fps: f64) {
    let raw = clip(View::Rear, fps);
    let thresholds = Thresholds::default();
    bencher.bench(|| {
        let series = validate(divan::black_box(&raw)).expect("valid");
        analyse(&series, &thresholds)
    });
}

/// Parsing the posted JSON as well (what the server does per save).
#[divan::bench]
fn side_view_10_s_from_json(bencher: Bencher) {
    let json = serde_json::to_string(&clip(View::Side, 30.0)).expect("json");
    let thresholds = Thresholds::default();
    bencher.bench(|| {
        let raw: RawSeries = serde_json::from_str(divan::black_box(&json)).expect("json");
        let series = validate(&raw).expect("valid");
        analyse(&series, &thresholds)
    });
}
