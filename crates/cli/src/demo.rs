//! Demo data for `serve --demo`: a clinic with an admin, a clinician and three runners. Seeding
//! is idempotent — people who already exist are left as they are.

use backstride_core::assessment::{Assessment, Thresholds, assess};
use backstride_core::programme::{DayOfWeek, ProgrammeRequest, generate};
use backstride_core::{DistanceUnit, Email, MassUnit, Role, UnitPreference};
use backstride_store::{
    Actor, AssessmentKind, AssessmentStatus, NewClinic, NewProgramme, NewUser, ProgrammeStatus,
    SaveAssessment, Store, StoreError,
};

/// The demo clinic's name.
pub const DEMO_CLINIC: &str = "Riverside Running Clinic";
/// Every demo account's password (demo only; never use on a real server).
pub const DEMO_PASSWORD: &str = "backstride-demo";

/// (role, name, email) of the demo people.
const PEOPLE: &[(Role, &str, &str)] = &[
    (Role::Admin, "Alex Admin", "admin@demo.backstride.test"),
    (
        Role::Clinician,
        "Dr Casey Clinician",
        "clinician@demo.backstride.test",
    ),
    (Role::Runner, "Riley Runner", "riley@demo.backstride.test"),
    (Role::Runner, "Sam Steady", "sam@demo.backstride.test"),
    (Role::Runner, "Jo Postpartum", "jo@demo.backstride.test"),
];

/// Seeds the demo clinic and people; returns (role, email) of each.
pub async fn seed(store: &dyn Store) -> anyhow::Result<Vec<(Role, String)>> {
    let clinic = match store.clinic_by_name(DEMO_CLINIC).await {
        Ok(c) => c,
        Err(StoreError::NotFound) => {
            store
                .create_clinic(&NewClinic {
                    name: DEMO_CLINIC.into(),
                    units: UnitPreference {
                        distance: DistanceUnit::Km,
                        mass: MassUnit::Kg,
                    },
                    time_zone: "Europe/London".parse()?,
                })
                .await?
        }
        Err(e) => return Err(e.into()),
    };
    let hash = tokio::task::spawn_blocking(|| backstride_web::hash_password(DEMO_PASSWORD)).await?;
    let mut logins = Vec::new();
    for (role, name, email) in PEOPLE {
        let email: Email = email.parse()?;
        let new = NewUser {
            clinic_id: Some(clinic.id),
            email: email.clone(),
            display_name: (*name).into(),
            password_hash: hash.clone(),
            role: *role,
            time_zone: clinic.time_zone.clone(),
            units: None,
        };
        match store.create_user(&new).await {
            Ok(_) | Err(StoreError::Conflict { .. }) => logins.push((*role, email.to_string())),
            Err(e) => return Err(e.into()),
        }
    }
    seed_riley(store).await?;
    Ok(logins)
}

/// The example assessment shipped with the protocol, as a demo runner's baseline.
const EXAMPLE_ASSESSMENT: &str = include_str!("../../core/examples/assessment.json");

/// Riley gets a scored baseline assessment and a programme the clinician approved, so a new
/// user sees findings and a programme on first start. Skipped when Riley already has one.
async fn seed_riley(store: &dyn Store) -> anyhow::Result<()> {
    let riley = store
        .user_by_email(&"riley@demo.backstride.test".parse()?)
        .await?;
    let clinician = store
        .user_by_email(&"clinician@demo.backstride.test".parse()?)
        .await?;
    let staff = Actor::of(&clinician);
    if !store.assessments_of(&staff, riley.id).await?.is_empty() {
        return Ok(());
    }
    let raw: Assessment = serde_json::from_str(EXAMPLE_ASSESSMENT)?;
    let result = assess(&raw, &Thresholds::default())
        .map_err(|e| anyhow::anyhow!("demo assessment: {e:?}"))?;
    let saved = store
        .save_assessment(
            &staff,
            riley.id,
            &SaveAssessment {
                id: None,
                kind: AssessmentKind::Baseline,
                status: AssessmentStatus::Complete,
                protocol_version: result.protocol_version.clone(),
                step: "done".into(),
                raw_json: EXAMPLE_ASSESSMENT.into(),
                result_json: Some(serde_json::to_string(&result)?),
                notes: "Demo: assessed in clinic.".into(),
            },
        )
        .await?;
    let today = jiff::Zoned::now()
        .with_time_zone(riley.time_zone.zone())
        .date();
    let request = ProgrammeRequest::new(today).run_days([
        DayOfWeek::Tuesday,
        DayOfWeek::Thursday,
        DayOfWeek::Saturday,
    ]);
    let programme = generate(&result, &request)?;
    store
        .add_programme(
            &staff,
            riley.id,
            &NewProgramme {
                assessment_id: Some(saved.id),
                status: ProgrammeStatus::Approved,
                body_json: serde_json::to_string(&programme)?,
            },
        )
        .await?;
    Ok(())
}

pub fn print_logins(logins: &[(Role, String)], url: &str) {
    println!(
        "Demo clinic \"{DEMO_CLINIC}\" is ready at {url} — log in as any of these (password: {DEMO_PASSWORD}):"
    );
    for (role, email) in logins {
        println!("  {:<10} {email}", role.as_str());
    }
}
