//! Demo data for `serve --demo`: a clinic with an admin, a clinician and three runners. Seeding
//! is idempotent — people who already exist are left as they are.

use backstride_core::{DistanceUnit, Email, MassUnit, Role, UnitPreference};
use backstride_store::{NewClinic, NewUser, Store, StoreError};

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
    Ok(logins)
}

pub fn print_logins(logins: &[(Role, String)], url: &str) {
    println!(
        "Demo clinic \"{DEMO_CLINIC}\" is ready at {url} — log in as any of these (password: {DEMO_PASSWORD}):"
    );
    for (role, email) in logins {
        println!("  {:<10} {email}", role.as_str());
    }
}
