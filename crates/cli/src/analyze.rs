//! `backstride analyze`: decode one FIT file and print its runs' metrics.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use backstride_running::metrics::Stats;
use backstride_running::run::{MetricSource, MetricSummary, Segment};
use backstride_running::{Analysis, AnalyzeOptions, Run, analyze};

/// Decodes the FIT file at `path` and prints a readable report of its runs, or the analysis as
/// JSON when `json` is set.
pub fn run(path: &Path, json: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let analysis = analyze(&bytes, &AnalyzeOptions::default())
        .with_context(|| format!("{} is not a readable FIT file", path.display()))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&analysis)?);
    } else {
        print!("{}", report(&analysis, path));
    }
    Ok(())
}

fn duration(s: Option<f64>) -> String {
    match s {
        Some(s) if s.is_finite() && s >= 0.0 => {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked"
            )]
            let t = s.round() as u64;
            format!("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
        }
        _ => "–".to_owned(),
    }
}

fn pace(s_per_km: Option<f64>) -> String {
    match s_per_km {
        Some(p) if p.is_finite() && p > 0.0 && p < 6000.0 => {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked"
            )]
            let t = p.round() as u64;
            format!("{}:{:02} /km", t / 60, t % 60)
        }
        _ => "–".to_owned(),
    }
}

fn km(m: Option<f64>) -> String {
    m.map_or_else(|| "–".to_owned(), |m| format!("{:.2} km", m / 1000.0))
}

fn median(s: &Option<Stats>, decimals: usize) -> String {
    s.as_ref()
        .map_or_else(|| "–".to_owned(), |s| format!("{:.*}", decimals, s.median))
}

fn with_iqr(s: &Option<Stats>, decimals: usize, unit: &str) -> String {
    match s {
        Some(s) => format!(
            "{:.*} {unit}  (median; IQR {:.*}–{:.*}; mean {:.*}; n {})",
            decimals, s.median, decimals, s.q1, decimals, s.q3, decimals, s.mean, s.n
        ),
        None => "–".to_owned(),
    }
}

fn source(s: Option<MetricSource>) -> &'static str {
    match s {
        Some(MetricSource::Native) | None => "",
        Some(MetricSource::Stryd) => " [Stryd]",
        Some(MetricSource::RunScribe) => " [RunScribe]",
        Some(MetricSource::Derived) => " [derived]",
    }
}

fn segment_table(out: &mut String, title: &str, segments: &[Segment]) {
    if segments.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {title}");
    let _ = writeln!(
        out,
        "    {:>3} {:>9} {:>8} {:>10} {:>4} {:>4} {:>4} {:>5} {:>4} {:>4} {:>5}",
        "#", "dist", "time", "pace", "HR", "cad", "GCT", "bal%", "VO", "VR%", "force"
    );
    for s in segments {
        let m: &MetricSummary = &s.metrics;
        let _ = writeln!(
            out,
            "    {:>3} {:>9} {:>8} {:>10} {:>4} {:>4} {:>4} {:>5} {:>4} {:>4} {:>5}",
            s.number,
            km(s.distance_m),
            duration(s.duration_s),
            pace(s.pace_s_per_km),
            median(&m.heart_rate_bpm, 0),
            median(&m.cadence_spm, 0),
            median(&m.ground_contact_ms, 0),
            median(&m.gct_balance_left_pct, 1),
            median(&m.vertical_oscillation_mm, 0),
            median(&m.vertical_ratio_pct, 1),
            s.spring_mass
                .map_or_else(|| "–".to_owned(), |e| format!("{:.2}", e.peak_force_bw)),
        );
    }
}

fn run_report(out: &mut String, number: usize, r: &Run) {
    let sub = r
        .sub_sport
        .as_deref()
        .map(|s| format!(" ({s})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\nRun {number} — {} · {}{sub}",
        r.start_time.as_deref().unwrap_or("start time unknown"),
        r.sport
    );
    let m = &r.metrics;
    let rows: [(&str, String); 11] = [
        ("Distance", km(r.distance_m)),
        (
            "Time",
            format!(
                "{} elapsed · {} timer · {} moving",
                duration(r.elapsed_s),
                duration(r.timer_s),
                duration(r.moving_s)
            ),
        ),
        ("Pace", pace(r.pace_s_per_km)),
        ("Heart rate", with_iqr(&m.heart_rate_bpm, 0, "bpm")),
        ("Cadence", with_iqr(&m.cadence_spm, 0, "steps/min")),
        (
            "Ground contact",
            with_iqr(&m.ground_contact_ms, 0, "ms") + source(r.sources.ground_contact),
        ),
        (
            "GCT balance",
            with_iqr(&m.gct_balance_left_pct, 1, "% left") + source(r.sources.gct_balance),
        ),
        (
            "Vert. oscillation",
            with_iqr(&m.vertical_oscillation_mm, 0, "mm") + source(r.sources.vertical_oscillation),
        ),
        (
            "Vertical ratio",
            with_iqr(&m.vertical_ratio_pct, 1, "%") + source(r.sources.vertical_ratio),
        ),
        (
            "Step length",
            with_iqr(&m.step_length_mm, 0, "mm") + source(r.sources.step_length),
        ),
        (
            "Power",
            with_iqr(&m.power_w, 0, "W") + source(r.sources.power),
        ),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "  {label:<18} {value}");
    }
    match &r.spring_mass {
        Some(e) => {
            let newtons = e
                .peak_force_n
                .map(|n| format!(" = {n:.0} N"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<18} {:.2} body weights{newtons} (est., spring-mass model; flight {:.0} ms, \
                 duty factor {:.2})",
                "Peak force",
                e.peak_force_bw,
                e.flight_time_s * 1000.0,
                e.duty_factor
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  {:<18} – (needs cadence and ground contact time)",
                "Peak force"
            );
        }
    }
    if r.flags.is_empty() {
        let _ = writeln!(
            out,
            "  Flags: none (no cadence or running dynamics to judge)"
        );
    } else {
        let _ = writeln!(out, "  Flags:");
        for f in &r.flags {
            let mark = if f.is_concern() { "!" } else { "·" };
            let _ = writeln!(out, "    {mark} {f}");
        }
    }
    segment_table(out, "Laps", &r.laps);
    segment_table(out, "Splits (per km)", &r.splits);
}

fn report(a: &Analysis, path: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", path.display());
    let _ = writeln!(
        out,
        "  device: manufacturer {}, product {} · {} FIT segment(s) · {} run(s)",
        a.manufacturer
            .map_or_else(|| "?".to_owned(), |m| m.to_string()),
        a.product.map_or_else(|| "?".to_owned(), |p| p.to_string()),
        a.segments,
        a.runs.len()
    );
    for w in &a.warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    for (i, r) in a.runs.iter().enumerate() {
        run_report(&mut out, i + 1, r);
    }
    if !a.skipped.is_empty() {
        let _ = writeln!(out, "\nNot analysed:");
        for s in &a.skipped {
            let _ = writeln!(
                out,
                "  session {} ({}, {}): {}",
                s.session_index + 1,
                s.sport,
                s.start_time.as_deref().unwrap_or("start unknown"),
                s.reason
            );
        }
    }
    if a.runs.is_empty() && a.skipped.is_empty() {
        let _ = writeln!(out, "\nNo sessions or records in this file.");
    }
    out
}
