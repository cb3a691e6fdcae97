//! Writes the example handout and guide to `target/handout.pdf` and `target/guide.pdf` (or the
//! folder given), to look at them: `cargo run -p backstride-report --example handout -- /tmp`.

use backstride_core::assessment::{Assessment, Thresholds, assess};
use backstride_core::library::ExerciseId;
use backstride_core::programme::{self, DayOfWeek, MinutesCap, ProgrammeRequest};
use backstride_report::{Clinic, Handout, guide_pdf, handout_pdf};
use jiff::civil::Date;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target".to_owned());
    let colour = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "#0f6e6e".to_owned());
    let raw: Assessment =
        serde_json::from_str(include_str!("../../core/examples/assessment.json"))?;
    let result = assess(&raw, &Thresholds::default())?;
    let mut request = ProgrammeRequest::new(Date::new(2026, 3, 2)?).run_days([
        DayOfWeek::Tuesday,
        DayOfWeek::Thursday,
        DayOfWeek::Sunday,
    ]);
    request.settings.minutes_cap = MinutesCap::try_from(120)?;
    let clinic = Clinic {
        name: "Riverside Physio".to_owned(),
        contact: "0161 496 0000 · hello@riverside.example".to_owned(),
        brand_colour: colour.parse()?,
        self_directed: false,
    };
    let handout = Handout {
        clinic: clinic.clone(),
        runner_name: "Ann Lee".to_owned(),
        issued_on: Date::new(2026, 3, 1)?,
        programme: programme::generate(&result, &request)?,
    };
    std::fs::write(format!("{dir}/handout.pdf"), handout_pdf(&handout)?)?;
    let six: Vec<ExerciseId> = backstride_core::library::all()
        .iter()
        .filter(|e| e.is_core_six())
        .map(|e| e.id)
        .collect();
    std::fs::write(format!("{dir}/guide.pdf"), guide_pdf(&clinic, &six)?)?;
    Ok(())
}
