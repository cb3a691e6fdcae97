//! `backstride assess`: score an assessment JSON file and print the findings.

use anyhow::{Context, anyhow, bail};
use backstride_core::assessment::explain::format_number;
use backstride_core::assessment::{
    Assessment, AssessmentResult, Finding, Severity, Thresholds, assess,
};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Reads the assessment at `path`, validates and scores it with the default thresholds, and
/// prints a readable report (or the result as pretty JSON, described by
/// `crates/core/examples/assessment-result.schema.json`). Every refused field is printed before
/// the error is returned.
pub fn run(path: &Path, json: bool) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read {}", path.display()))?;
    let raw = Assessment::from_json(&text)
        .map_err(|e| anyhow!("{} is not an assessment file: {e}", path.display()))?;
    let thresholds = Thresholds::default();
    let result = match assess(&raw, &thresholds) {
        Ok(result) => result,
        Err(errors) => {
            eprintln!("{} has {} problem(s):", path.display(), errors.0.len());
            for e in &errors.0 {
                eprintln!("  {}: {}", e.field, e.message);
            }
            bail!("the assessment was not scored; fix the fields above and try again");
        }
    };
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &result)?;
        writeln!(out)?;
    } else {
        out.write_all(report(&result, &thresholds).as_bytes())?;
    }
    Ok(())
}

/// The result as a readable text report: referrals and blocks first, then each area.
pub fn report(result: &AssessmentResult, thresholds: &Thresholds) -> String {
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut s, result, thresholds);
    s
}

fn write_report(
    s: &mut String,
    result: &AssessmentResult,
    thresholds: &Thresholds,
) -> std::fmt::Result {
    writeln!(
        s,
        "Backstride assessment (protocol {})",
        result.protocol_version
    )?;
    if !result.referrals.is_empty() {
        writeln!(s, "\nREFERRALS")?;
        for referral in &result.referrals {
            writeln!(s, "  ! {}", referral.message())?;
        }
    }
    if !result.disagreements.is_empty() {
        writeln!(s, "\nANSWERS THAT DISAGREE")?;
        for d in &result.disagreements {
            writeln!(s, "  ? {} ({})", d.message, d.fields.join(" / "))?;
        }
    }
    writeln!(s)?;
    allowed(
        s,
        "Exercise programme",
        result.programme_allowed,
        &result.programme_blocked_because,
    )?;
    allowed(
        s,
        "Running",
        result.running_allowed,
        &result.running_blocked_because,
    )?;
    for area in &result.areas {
        writeln!(s, "\n== {}: {}", area.name, area.status.label())?;
        if area.findings.is_empty() && area.not_tested.is_empty() {
            writeln!(s, "  Nothing to flag.")?;
        }
        for finding in &area.findings {
            write_finding(s, finding, thresholds)?;
        }
        if !area.not_tested.is_empty() {
            let names: Vec<&str> = area
                .not_tested
                .iter()
                .map(|n| n.test_name.as_str())
                .collect();
            writeln!(s, "  Not tested: {}", names.join("; "))?;
        }
    }
    Ok(())
}

fn allowed(s: &mut String, what: &str, yes: bool, because: &[String]) -> std::fmt::Result {
    if yes {
        writeln!(s, "{what}: allowed")
    } else {
        writeln!(s, "{what}: not yet")?;
        because
            .iter()
            .try_for_each(|reason| writeln!(s, "  - {reason}"))
    }
}

fn write_finding(s: &mut String, f: &Finding, thresholds: &Thresholds) -> std::fmt::Result {
    let mark = match f.severity {
        Severity::Fine => "ok",
        Severity::NeedsAttention => "attention",
        Severity::Priority => "PRIORITY",
    };
    let side = f.side.map(|side| format!(" ({side})")).unwrap_or_default();
    writeln!(
        s,
        "  [{mark}] {}{side}: {}",
        f.test_name,
        f.measured_shown()
    )?;
    if let Some(a) = f.asymmetry {
        let weaker = a
            .weaker_side
            .map_or_else(|| "sides equal".to_owned(), |side| format!("{side} weaker"));
        writeln!(s, "      LSI {} ({weaker})", a.lsi_shown(thresholds))?;
    }
    writeln!(s, "      {}", f.explanation)?;
    let threshold = f
        .rule
        .threshold
        .map(|t| format!("; threshold {}", format_number(t, 2)))
        .unwrap_or_default();
    let choice = if f.rule.our_choice {
        "; our choice"
    } else {
        ""
    };
    writeln!(
        s,
        "      Rule {}: {}{threshold}{choice}",
        f.rule.id, f.rule.text
    )?;
    writeln!(s, "      Source: {}", f.rule.source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example_path() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/examples/assessment.json")
    }

    #[test]
    fn the_example_scores_and_reports_every_area() {
        assert!(run(&example_path(), true).is_ok());
        let raw = Assessment::from_json(&std::fs::read_to_string(example_path()).unwrap()).unwrap();
        let t = Thresholds::default();
        let text = report(&assess(&raw, &t).unwrap(), &t);
        assert!(text.contains("== Hip stability: priority"), "{text}");
        assert!(text.contains("LSI 58% (left weaker)"), "{text}");
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let dir = std::env::temp_dir().join(format!("backstride-assess-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.json");
        std::fs::write(&bad, r#"{"baseline": {"pain_now": 11}}"#).unwrap();
        assert!(run(&bad, false).is_err());
        std::fs::write(&bad, "{not json").unwrap();
        assert!(run(&bad, false).is_err());
        assert!(run(&dir.join("missing.json"), false).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
