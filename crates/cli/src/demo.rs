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
    seed_front_door(store, &clinic).await?;
    Ok(logins)
}

/// The clinic's front door: a contact line, the clinician's call hours (weekday mornings) and a
/// published article with an exercise card, so the public pages have something to show.
/// Skipped when the clinician has hours already.
async fn seed_front_door(
    store: &dyn Store,
    clinic: &backstride_store::Clinic,
) -> anyhow::Result<()> {
    use backstride_core::booking::{
        Availability, BookingWindow, RawAvailability, RawHours, RawWeeklyHours,
    };
    use backstride_store::{ClinicSettings, SaveArticle, SaveCallHours};
    let admin = store
        .user_by_email(&"admin@demo.backstride.test".parse()?)
        .await?;
    let clinician = store
        .user_by_email(&"clinician@demo.backstride.test".parse()?)
        .await?;
    let staff = Actor::of(&clinician);
    if store
        .clinic_call_hours(clinic.id)
        .await?
        .iter()
        .any(|(u, _)| u.id == clinician.id)
    {
        return Ok(());
    }
    store
        .update_clinic_settings(
            &Actor::of(&admin),
            clinic.id,
            &ClinicSettings {
                contact: "0161 496 0000 · hello@riverside.example".into(),
                ..clinic.settings.clone()
            },
        )
        .await?;
    let raw = RawAvailability {
        time_zone: clinic.time_zone.to_string(),
        weekly: ["monday", "tuesday", "wednesday", "thursday", "friday"]
            .iter()
            .map(|day| RawWeeklyHours {
                weekday: (*day).into(),
                hours: RawHours {
                    start: "09:00".into(),
                    end: "12:00".into(),
                    slot_minutes: "30".into(),
                },
            })
            .collect(),
    };
    let availability =
        Availability::try_from(&raw).map_err(|e| anyhow::anyhow!("demo call hours: {e}"))?;
    let now = jiff::Timestamp::now().as_second();
    store
        .save_call_hours(
            &staff,
            clinician.id,
            &SaveCallHours {
                availability,
                exceptions: Vec::new(),
                window: BookingWindow::default(),
            },
            now,
        )
        .await?;
    let today = jiff::Zoned::now()
        .with_time_zone(clinic.time_zone.zone())
        .date();
    store
        .save_article(
            &staff,
            None,
            &SaveArticle {
                slug: "why-your-hips-matter-for-your-back".into(),
                title: "Why your hips matter for your back".into(),
                body: "When the hips don't share the work of running, the low back often takes \
                       more than its share. A strong, steady pelvis on one leg is a good start.\n\n\
                       {{exercise single-leg-bridge-hold}}\n\n\
                       Try it for a week, then see how your runs feel.\n\n{{cta guide}}\n"
                    .into(),
                tags: "back pain, strength training".into(),
                author: clinician.display_name.clone(),
                date: today.to_string(),
                published: true,
            },
            now,
        )
        .await?;
    Ok(())
}

/// The example assessment shipped with the protocol, the start of the demo runner's baseline.
const EXAMPLE_ASSESSMENT: &str = include_str!("../../core/examples/assessment.json");

/// Sets the value at `path` (object keys) in an assessment's JSON.
fn set_answer(raw: &mut serde_json::Value, path: &[&str], value: serde_json::Value) {
    let mut at = raw;
    for key in path {
        at = &mut at[*key];
    }
    *at = value;
}

/// Riley's baseline: the example assessment, but with every postpartum readiness test done and
/// passed (the example leaves the hop untested and the single-leg bridge short of 20), so her
/// running is cleared and the demo shows run days, running decisions and watch runs.
fn riley_baseline() -> anyhow::Result<Assessment> {
    let mut raw: serde_json::Value = serde_json::from_str(EXAMPLE_ASSESSMENT)?;
    set_answer(
        &mut raw,
        &["postpartum", "readiness_hop_on_spot"],
        true.into(),
    );
    set_answer(
        &mut raw,
        &["postpartum", "readiness_single_leg_bridge"],
        serde_json::json!({"left": 20, "right": 24}),
    );
    Ok(serde_json::from_value(raw)?)
}

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
    let raw = riley_baseline()?;
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
                raw_json: serde_json::to_string(&raw)?,
                result_json: Some(serde_json::to_string(&result)?),
                notes: "Demo: assessed in clinic.".into(),
            },
        )
        .await?;
    let today = jiff::Zoned::now()
        .with_time_zone(riley.time_zone.zone())
        .date();
    let start = today.checked_sub(jiff::Span::new().days(DEMO_DAYS))?;
    let request = ProgrammeRequest::new(start).run_days([
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
    let runs = seed_riley_tracking(store, &riley, &clinician, &programme, start, today).await?;
    seed_riley_watch_runs(store, &riley, &runs).await?;
    seed_riley_retest(store, &riley, &clinician, &raw).await?;
    Ok(())
}

/// Days of logs the demo runner has: three weeks.
const DEMO_DAYS: i64 = 21;

/// A run Riley logged: its date, how far (km) and for how long (seconds).
struct DemoRun {
    date: jiff::civil::Date,
    km: f64,
    seconds: f64,
}

/// Three weeks of realistic logs for Riley: most planned sessions done (a few missed), runs on
/// the run days growing slowly, pain easing from 4 to about 2 with a bad day after a long run;
/// then the day's decisions, the weekly reviews (the first two accepted by the clinician, the
/// last waiting), and any alerts. Deterministic: the same every time. Returns the runs logged.
async fn seed_riley_tracking(
    store: &dyn Store,
    riley: &backstride_store::User,
    clinician: &backstride_store::User,
    programme: &backstride_core::programme::Programme,
    start: jiff::civil::Date,
    today: jiff::civil::Date,
) -> anyhow::Result<Vec<DemoRun>> {
    use backstride_store::{LogKind, NewLog, ReviewKind, ReviewStatus};
    use serde_json::json;
    let me = Actor::of(riley);
    let mut logged_days = Vec::new();
    let mut runs = Vec::new();
    for offset in 0..DEMO_DAYS {
        let date = start.checked_add(jiff::Span::new().days(offset))?;
        // Pain eases over the weeks; day 9 follows the longest run and is worse.
        let ease = (offset as f64 / 7.0).floor();
        let bump = if offset == 9 { 2.0 } else { 0.0 };
        let morning = (4.0 - ease + bump).clamp(1.0, 10.0);
        let mut logs = vec![(
            LogKind::Morning,
            json!({"date": date, "morning_pain": morning, "stiffness": (morning - 1.0).max(0.0),
                   "settled_after_yesterday": if offset == 9 { Some(false) } else { None::<bool> }}),
        )];
        let skipped = offset % 6 == 4; // a missed day now and then
        if let Some(day) = programme.day_on(date).filter(|_| !skipped) {
            for key in &day.exercises {
                let item = programme.item(key).expect("calendar keys are items");
                let sets = item.dosage.sets();
                let sets_done = match item.sidedness {
                    backstride_core::library::Sidedness::PerSide => {
                        json!({"left": sets, "right": sets})
                    }
                    backstride_core::library::Sidedness::Bilateral => json!(sets),
                };
                logs.push((
                    LogKind::Session,
                    json!({"date": date, "item_key": key, "sets_done": sets_done,
                           "pain_during": (morning - 1.0).max(0.0), "effort": 5}),
                ));
            }
            if day.is_run_day {
                let km = 4.0 + offset as f64 * 0.15;
                let run = DemoRun {
                    date,
                    km,
                    seconds: km * 345.0,
                };
                logs.push((
                    LogKind::Run,
                    json!({"date": date, "distance_m": km * 1000.0, "duration_s": run.seconds,
                           "pain_before": (morning - 1.0).max(0.0), "pain_during": morning,
                           "pain_after": morning}),
                ));
                runs.push(run);
            }
        }
        for (n, (kind, body)) in logs.into_iter().enumerate() {
            store
                .add_log(
                    &me,
                    riley.id,
                    &NewLog {
                        kind,
                        log_date: date.to_string(),
                        body_json: body.to_string(),
                        idempotency_key: format!("demo-{date}-{n}"),
                    },
                )
                .await?;
        }
        logged_days.push(date);
    }
    let Some(journal) = backstride_web::Journal::load(store, &me, riley, today).await? else {
        return Ok(runs);
    };
    for day in logged_days {
        journal.after_log(store, &me, day, today).await?;
    }
    journal.make_weekly_reviews(store, &me, today).await?;
    let staff = Actor::of(clinician);
    let mut weekly: Vec<_> = store
        .reviews_of(&staff, riley.id)
        .await?
        .into_iter()
        .filter(|r| r.kind == ReviewKind::Weekly)
        .collect();
    weekly.sort_by(|a, b| a.review_date.cmp(&b.review_date));
    // The clinician has been through the daily decisions up to three days ago.
    let seen_until = today.checked_sub(jiff::Span::new().days(3))?.to_string();
    let daily = store
        .reviews_of(&staff, riley.id)
        .await?
        .into_iter()
        .filter(|r| {
            r.kind == ReviewKind::AfterDay && r.review_date.as_str() <= seen_until.as_str()
        });
    let accepted = daily.map(|r| (r, "")).chain(
        weekly
            .iter()
            .take(weekly.len().saturating_sub(1))
            .cloned()
            .map(|r| (r, "Demo: reviewed in clinic.")),
    );
    // Accepted as the clinician's button does: level changes become a new programme version.
    for (review, note) in accepted {
        let settled = store
            .settle_review(&staff, review.id, ReviewStatus::Accepted, note)
            .await?;
        backstride_web::apply_accepted(store, &staff, &settled).await?;
    }
    Ok(runs)
}

/// Riley's watch, for each run she logged: a FIT file (written by `backstride-running`'s
/// synthetic run, imported the way an upload is) at 7 am on the day. Her cadence starts below
/// the low-cadence cut-off, as at the assessment (158 steps/min), and rises towards the
/// programme's target in the later weeks, so pain versus load has runs on both sides of it.
async fn seed_riley_watch_runs(
    store: &dyn Store,
    riley: &backstride_store::User,
    runs: &[DemoRun],
) -> anyhow::Result<()> {
    use backstride_running::fit::profile::FIT_EPOCH_UNIX;
    use backstride_running::write::SyntheticRun;
    let first = runs.first().map(|r| r.date);
    let mut files = Vec::new();
    for run in runs {
        let start = run
            .date
            .at(7, 0, 0, 0)
            .to_zoned(riley.time_zone.zone().clone())?
            .timestamp()
            .as_second();
        let week = first.map_or(0, |d| (run.date - d).get_days() / 7);
        let synthetic = SyntheticRun {
            start: u32::try_from(start - FIT_EPOCH_UNIX)?,
            seconds: run.seconds.round() as u32,
            speed_mps: run.km * 1000.0 / run.seconds,
            cadence_spm: 157.0 + 4.0 * week as f64,
            ..SyntheticRun::default()
        };
        files.push((format!("demo-run-{}.fit", run.date), synthetic));
    }
    let prepared = tokio::task::spawn_blocking(move || {
        let options = backstride_running::AnalyzeOptions::default();
        files
            .into_iter()
            .map(|(name, run)| backstride_ingest::prepare(&name, &run.to_fit(), &options))
            .collect::<Vec<_>>()
    })
    .await?;
    let me = Actor::of(riley);
    for file in prepared {
        match backstride_ingest::save(store, &me, riley.id, file).await? {
            backstride_ingest::Outcome::Imported { .. } | backstride_ingest::Outcome::Duplicate => {
            }
            other => anyhow::bail!("demo watch run: {other:?}"),
        }
    }
    Ok(())
}

/// A re-test at the end of the second week, better on most tests, so the change report has
/// something to say.
async fn seed_riley_retest(
    store: &dyn Store,
    riley: &backstride_store::User,
    clinician: &backstride_store::User,
    baseline: &Assessment,
) -> anyhow::Result<()> {
    let mut raw = serde_json::to_value(baseline)?;
    let set = set_answer;
    set(&mut raw, &["baseline", "pain_now"], 1.into());
    set(&mut raw, &["baseline", "pain_next_morning"], 2.into());
    set(&mut raw, &["baseline", "global_rating_of_change"], 4.into());
    if let Some(activities) = raw["baseline"]["psfs"].as_array_mut() {
        for (activity, score) in activities.iter_mut().zip([7, 8, 8]) {
            activity["score"] = score.into();
        }
    }
    set(
        &mut raw,
        &["hip_stability", "single_leg_bridge_hold"],
        serde_json::json!({"left": 27, "right": 32}),
    );
    set(
        &mut raw,
        &["hip_stability", "single_leg_bridge_reps"],
        serde_json::json!({"left": 21, "right": 25}),
    );
    set(
        &mut raw,
        &["hip_mobility", "thomas_thigh_angle"],
        serde_json::json!({"left": 1, "right": -2}),
    );
    let retest: Assessment = serde_json::from_value(raw)?;
    let result = assess(&retest, &Thresholds::default())
        .map_err(|e| anyhow::anyhow!("demo re-test: {e:?}"))?;
    store
        .save_assessment(
            &Actor::of(clinician),
            riley.id,
            &SaveAssessment {
                id: None,
                kind: AssessmentKind::Retest,
                status: AssessmentStatus::Complete,
                protocol_version: result.protocol_version.clone(),
                step: "done".into(),
                raw_json: serde_json::to_string(&retest)?,
                result_json: Some(serde_json::to_string(&result)?),
                notes: "Demo: re-tested at the end of week two.".into(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use backstride_core::programme::Programme;

    /// Riley's approved programme, parsed.
    async fn approved_programme(store: &dyn Store, staff: &Actor, riley: i64) -> Programme {
        let versions = store.programmes_of(staff, riley).await.unwrap();
        let approved = versions
            .iter()
            .find(|p| p.status == ProgrammeStatus::Approved)
            .expect("an approved programme");
        serde_json::from_str(&approved.body_json).unwrap()
    }

    #[tokio::test]
    async fn the_demo_runner_is_cleared_to_run_with_watch_runs_beside_her_logs() {
        let mut stores = vec![backstride_store::testing::sqlite().await];
        stores.extend(backstride_store::testing::postgres().await);
        for store in stores {
            let store = store.as_ref();
            seed(store).await.unwrap();
            let riley = store
                .user_by_email(&"riley@demo.backstride.test".parse().unwrap())
                .await
                .unwrap();
            let clinician = store
                .user_by_email(&"clinician@demo.backstride.test".parse().unwrap())
                .await
                .unwrap();
            let staff = Actor::of(&clinician);
            let programme = approved_programme(store, &staff, riley.id).await;
            assert!(
                programme.running_allowed(),
                "{:?}",
                programme.running_blocked_because
            );
            assert!(programme.calendar.iter().any(|d| d.is_run_day));
            let logged_runs = store
                .logs_of(&staff, riley.id, "0000-01-01")
                .await
                .unwrap()
                .iter()
                .filter(|l| l.kind == backstride_store::LogKind::Run)
                .count();
            let watch = store.runs_of(&staff, riley.id).await.unwrap();
            assert!(logged_runs >= 3, "{logged_runs} runs logged");
            assert_eq!(watch.len(), logged_runs, "a watch file for each logged run");
            let cadences: Vec<f64> = watch
                .iter()
                .filter_map(|r| {
                    backstride_ingest::StoredRun::parse(&r.summary_json)
                        .metrics
                        .cadence_spm
                        .map(|s| s.median)
                })
                .collect();
            assert_eq!(cadences.len(), watch.len());
            assert!(cadences.iter().any(|c| *c < 160.0) && cadences.iter().any(|c| *c >= 160.0));

            seed(store).await.unwrap();
            assert_eq!(
                store.runs_of(&staff, riley.id).await.unwrap().len(),
                watch.len(),
                "seeding again adds no runs"
            );
        }
    }
}
