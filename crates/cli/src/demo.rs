//! Demo data for `serve --demo`: a clinic with an admin, a clinician and three runners, plus a
//! self-directed runner. Seeding is idempotent — people who already exist are left as they are.
//!
//! Every date is computed from today by the app's clock (the system's, or the day given to
//! `backstride demo --today`), so the demo tells the same story whenever it starts:
//! Riley's baseline three weeks ago and her re-test today (better numbers, so the change report
//! and the left/right charts show two dates), three watch runs a week with the pain around them,
//! and her latest weekly review waiting for the clinician; Jo (postpartum, nine weeks after
//! birth, running held back) four days into her programme; Sasha (self-directed, no clinic) ten
//! days into hers.

use backstride_core::assessment::{Assessment, AssessmentResult, Thresholds, assess};
use backstride_core::programme::{DayOfWeek, ProgrammeRequest, generate};
use backstride_core::{DistanceUnit, Email, MassUnit, Role, UnitPreference};
use backstride_store::{
    Actor, AssessmentKind, AssessmentStatus, NewClinic, NewProgramme, NewUser, ProgrammeStatus,
    SaveAssessment, Store, StoreError,
};
use backstride_web::Clock;

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

/// (role, name, email) of the demo's self-directed runner (signed up alone, no clinic).
const SELF_DIRECTED: (Role, &str, &str) =
    (Role::Runner, "Sasha Solo", "sasha@demo.backstride.test");

/// Where the demo is written and what time it is there.
struct Demo<'a> {
    store: &'a dyn Store,
    clock: &'a Clock,
}

impl Demo<'_> {
    /// Today in a person's own time zone.
    fn today_of(&self, user: &backstride_store::User) -> jiff::civil::Date {
        self.clock.today_for(user)
    }
}

/// Noon (UTC) of `day`: where `backstride demo --today` pins the clock, the same date in every
/// time zone from UTC-11 to UTC+11.
pub fn noon_of(day: jiff::civil::Date) -> anyhow::Result<jiff::Timestamp> {
    Ok(day
        .at(12, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)?
        .timestamp())
}

/// Seeds the demo clinic and people, dated from today by `clock`; returns (role, email) of
/// each.
pub async fn seed(store: &dyn Store, clock: &Clock) -> anyhow::Result<Vec<(Role, String)>> {
    let d = Demo { store, clock };
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
    let self_directed = NewUser {
        clinic_id: None,
        email: SELF_DIRECTED.2.parse()?,
        display_name: SELF_DIRECTED.1.into(),
        password_hash: hash.clone(),
        role: Role::Runner,
        time_zone: clinic.time_zone.clone(),
        units: None,
    };
    match store.create_user(&self_directed).await {
        Ok(_) | Err(StoreError::Conflict { .. }) => {
            logins.push((Role::Runner, SELF_DIRECTED.2.to_owned()));
        }
        Err(e) => return Err(e.into()),
    }
    seed_riley(&d).await?;
    seed_jo(&d).await?;
    seed_self_directed(&d).await?;
    seed_front_door(&d, &clinic).await?;
    Ok(logins)
}

/// The clinic's front door: a contact line, the clinician's call hours (weekday mornings) and a
/// published article with an exercise card, so the public pages have something to show.
/// Skipped when the clinician has hours already.
async fn seed_front_door(d: &Demo<'_>, clinic: &backstride_store::Clinic) -> anyhow::Result<()> {
    let store = d.store;
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
    let now = d.clock.unix();
    store
        .save_call_hours(
            &staff,
            clinician.id,
            &SaveCallHours {
                availability,
                exceptions: Vec::new(),
                window: BookingWindow::default(),
                call: backstride_core::booking::CallMode::Video(
                    "https://meet.riverside.example/casey".into(),
                ),
            },
            now,
        )
        .await?;
    let today = d.clock.today_in(&clinic.time_zone);
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
pub(crate) const EXAMPLE_ASSESSMENT: &str = include_str!("../../core/examples/assessment.json");

/// Sets the value at `path` (object keys) in an assessment's JSON.
pub(crate) fn set_answer(raw: &mut serde_json::Value, path: &[&str], value: serde_json::Value) {
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

/// Saves a complete assessment of `runner` by `by`, dated at 10 am on `date` (the runner's
/// time), and returns it with its result.
async fn save_dated_assessment(
    d: &Demo<'_>,
    by: &backstride_store::User,
    runner: &backstride_store::User,
    raw: &Assessment,
    kind: AssessmentKind,
    date: jiff::civil::Date,
    notes: &str,
) -> anyhow::Result<(backstride_store::AssessmentRecord, AssessmentResult)> {
    let result = assess(raw, &Thresholds::default())
        .map_err(|e| anyhow::anyhow!("demo assessment: {e:?}"))?;
    let actor = Actor::of(by);
    let saved = d
        .store
        .save_assessment(
            &actor,
            runner.id,
            &SaveAssessment {
                id: None,
                kind,
                status: AssessmentStatus::Complete,
                protocol_version: result.protocol_version.clone(),
                step: "done".into(),
                raw_json: serde_json::to_string(raw)?,
                result_json: Some(serde_json::to_string(&result)?),
                notes: notes.into(),
            },
        )
        .await?;
    let at = date
        .at(10, 0, 0, 0)
        .to_zoned(runner.time_zone.zone().clone())?
        .timestamp()
        .as_second()
        .min(d.clock.unix());
    d.store.date_assessment(&actor, saved.id, at).await?;
    Ok((saved, result))
}

/// A programme from `result` starting on `start`, approved (by `by`: a clinician, or the
/// self-directed runner themself).
async fn approved_programme(
    store: &dyn Store,
    by: &backstride_store::User,
    runner: &backstride_store::User,
    assessment_id: i64,
    result: &AssessmentResult,
    start: jiff::civil::Date,
) -> anyhow::Result<backstride_core::programme::Programme> {
    let request = ProgrammeRequest::new(start).run_days([
        DayOfWeek::Tuesday,
        DayOfWeek::Thursday,
        DayOfWeek::Saturday,
    ]);
    let programme = generate(result, &request)?;
    store
        .add_programme(
            &Actor::of(by),
            runner.id,
            &NewProgramme {
                assessment_id: Some(assessment_id),
                status: ProgrammeStatus::Approved,
                body_json: serde_json::to_string(&programme)?,
            },
        )
        .await?;
    Ok(programme)
}

/// Riley gets a scored baseline assessment three weeks ago and a programme the clinician
/// approved that day, three weeks of logs and watch runs, and a re-test today. Skipped when
/// Riley already has an assessment.
async fn seed_riley(d: &Demo<'_>) -> anyhow::Result<()> {
    let store = d.store;
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
    let today = d.today_of(&riley);
    let start = today.checked_sub(jiff::Span::new().days(DEMO_DAYS))?;
    let (saved, result) = save_dated_assessment(
        d,
        &clinician,
        &riley,
        &raw,
        AssessmentKind::Baseline,
        start,
        "Demo: assessed in clinic.",
    )
    .await?;
    let programme = approved_programme(store, &clinician, &riley, saved.id, &result, start).await?;
    let runs = seed_days(store, &riley, &programme, start, DEMO_DAYS, riley_pain).await?;
    seed_riley_reviews(store, &riley, &clinician, today).await?;
    seed_riley_watch_runs(store, &riley, &runs).await?;
    seed_riley_retest(d, &riley, &clinician, &raw, today).await?;
    Ok(())
}

/// Riley's morning pain on day `offset`: easing from 4 by a point a week as her cadence rises
/// (so the mornings after the first week's low-cadence runs are the worst), and worse after the
/// long run of day 9.
fn riley_pain(offset: i64) -> f64 {
    let ease = (offset as f64 / 7.0).floor();
    let bump = if offset == 9 { 2.0 } else { 0.0 };
    (4.0 - ease + bump).clamp(1.0, 10.0)
}

/// Jo: postpartum, nine weeks after birth (so running waits for twelve weeks and the hop test),
/// assessed four days ago with a programme the clinician approved that day and four days of
/// logs. Her first re-test is due in three days.
async fn seed_jo(d: &Demo<'_>) -> anyhow::Result<()> {
    let store = d.store;
    let jo = store
        .user_by_email(&"jo@demo.backstride.test".parse()?)
        .await?;
    let clinician = store
        .user_by_email(&"clinician@demo.backstride.test".parse()?)
        .await?;
    if !store
        .assessments_of(&Actor::of(&clinician), jo.id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let mut raw: serde_json::Value = serde_json::from_str(EXAMPLE_ASSESSMENT)?;
    set_answer(&mut raw, &["postpartum", "weeks_since_birth"], 9.into());
    set_answer(&mut raw, &["red_flags", "age_years"], 31.into());
    let raw: Assessment = serde_json::from_value(raw)?;
    let today = d.today_of(&jo);
    let start = today.checked_sub(jiff::Span::new().days(JO_DAYS))?;
    let (saved, result) = save_dated_assessment(
        d,
        &clinician,
        &jo,
        &raw,
        AssessmentKind::Baseline,
        start,
        "Demo: assessed in clinic, nine weeks after birth.",
    )
    .await?;
    let programme = approved_programme(store, &clinician, &jo, saved.id, &result, start).await?;
    seed_days(store, &jo, &programme, start, JO_DAYS, |offset| {
        3.0 - (offset / 3) as f64
    })
    .await?;
    if let Some(journal) = backstride_web::Journal::load(store, &Actor::of(&jo), &jo, today).await?
    {
        for offset in 0..JO_DAYS {
            let day = start.checked_add(jiff::Span::new().days(offset))?;
            journal
                .after_log(store, &Actor::of(&jo), day, today)
                .await?;
        }
    }
    Ok(())
}

/// Sasha signed up alone (no clinic), took the self-check ten days ago and got her programme at
/// once, as every self-directed runner does; ten days of logs, her first weekly review applied.
async fn seed_self_directed(d: &Demo<'_>) -> anyhow::Result<()> {
    let store = d.store;
    let sasha = store.user_by_email(&SELF_DIRECTED.2.parse()?).await?;
    let me = Actor::of(&sasha);
    if !store.assessments_of(&me, sasha.id).await?.is_empty() {
        return Ok(());
    }
    let mut raw: serde_json::Value = serde_json::from_str(EXAMPLE_ASSESSMENT)?;
    raw["postpartum"] = serde_json::Value::Null;
    set_answer(&mut raw, &["red_flags", "age_years"], 42.into());
    let raw: Assessment = serde_json::from_value(raw)?;
    let today = d.today_of(&sasha);
    let start = today.checked_sub(jiff::Span::new().days(SELF_DIRECTED_DAYS))?;
    let (saved, result) =
        save_dated_assessment(d, &sasha, &sasha, &raw, AssessmentKind::Baseline, start, "").await?;
    let programme = approved_programme(store, &sasha, &sasha, saved.id, &result, start).await?;
    seed_days(
        store,
        &sasha,
        &programme,
        start,
        SELF_DIRECTED_DAYS,
        |offset| {
            if offset < 5 { 3.0 } else { 2.0 }
        },
    )
    .await?;
    if let Some(journal) = backstride_web::Journal::load(store, &me, &sasha, today).await? {
        for offset in 0..SELF_DIRECTED_DAYS {
            let day = start.checked_add(jiff::Span::new().days(offset))?;
            journal.after_log(store, &me, day, today).await?;
        }
        journal.make_weekly_reviews(store, &me, today).await?;
    }
    Ok(())
}

/// Days of logs the demo runner has: three weeks, from her baseline to the day before her
/// re-test (today).
pub const DEMO_DAYS: i64 = 21;
/// Days Jo has been on her programme.
pub const JO_DAYS: i64 = 4;
/// Days the self-directed runner has been on her programme.
pub const SELF_DIRECTED_DAYS: i64 = 10;

/// A run Riley logged: its date, how far (km) and for how long (seconds).
struct DemoRun {
    date: jiff::civil::Date,
    km: f64,
    seconds: f64,
}

/// `days` days of realistic logs from `start`: a morning check-in each day (pain from
/// `morning_pain(day)`), most planned sessions done (one day in six missed), a run on every run
/// day growing slowly, with the pain before, during and after. Deterministic: the same every
/// time.
/// Returns the runs logged.
async fn seed_days(
    store: &dyn Store,
    runner: &backstride_store::User,
    programme: &backstride_core::programme::Programme,
    start: jiff::civil::Date,
    days: i64,
    morning_pain: fn(i64) -> f64,
) -> anyhow::Result<Vec<DemoRun>> {
    use backstride_store::{LogKind, NewLog};
    use serde_json::json;
    let me = Actor::of(runner);
    let mut runs = Vec::new();
    for offset in 0..days {
        let date = start.checked_add(jiff::Span::new().days(offset))?;
        let morning = morning_pain(offset).clamp(0.0, 10.0);
        let mut logs = vec![(
            LogKind::Morning,
            json!({"date": date, "morning_pain": morning, "stiffness": (morning - 1.0).max(0.0),
                   "settled_after_yesterday": if offset == 9 { Some(false) } else { None::<bool> }}),
        )];
        let skipped = offset % 6 == 4; // a missed day now and then
        if let Some(day) = programme.day_on(date) {
            for key in day.exercises.iter().filter(|_| !skipped) {
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
                    runner.id,
                    &NewLog {
                        kind,
                        log_date: date.to_string(),
                        body_json: body.to_string(),
                        idempotency_key: format!("demo-{date}-{n}"),
                    },
                )
                .await?;
        }
    }
    Ok(runs)
}

/// Riley's decisions: the day's decisions and the weekly reviews, the clinician through the
/// daily ones up to three days ago and every weekly review but the latest, which waits.
async fn seed_riley_reviews(
    store: &dyn Store,
    riley: &backstride_store::User,
    clinician: &backstride_store::User,
    today: jiff::civil::Date,
) -> anyhow::Result<()> {
    use backstride_store::{ReviewKind, ReviewStatus};
    let me = Actor::of(riley);
    let Some(journal) = backstride_web::Journal::load(store, &me, riley, today).await? else {
        return Ok(());
    };
    let start = journal.programme.settings.start_date;
    for offset in 0..DEMO_DAYS {
        let day = start.checked_add(jiff::Span::new().days(offset))?;
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
    Ok(())
}

/// Riley's watch, for each run she logged: a FIT file (written by `backstride-running`'s
/// synthetic run, imported the way an upload is) at 7 am on the day: three a week. Her cadence
/// starts below the low-cadence cut-off, as at the assessment (158 steps/min), and rises towards
/// the programme's target in the later weeks, with contact time, balance and vertical
/// oscillation improving beside it; the mornings after the low-cadence runs hurt more
/// ([`riley_pain`]), so pain versus load shows a pattern.
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
            // Shorter, more even ground contact and less bounce as the cadence rises.
            stance_time_ms: 285.0 - 10.0 * week as f64,
            balance_pct: 48.0 + 0.8 * week as f64,
            vertical_oscillation_mm: 96.0 - 4.0 * week as f64,
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

/// A re-test today, three weeks after the baseline, better on most tests, so the change report
/// has something to say.
async fn seed_riley_retest(
    d: &Demo<'_>,
    riley: &backstride_store::User,
    clinician: &backstride_store::User,
    baseline: &Assessment,
    today: jiff::civil::Date,
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
    set(
        &mut raw,
        &["posture_form", "cadence"],
        serde_json::json!({"steps_in_30_s": 84}),
    );
    set(
        &mut raw,
        &["core", "pallof_hold"],
        serde_json::json!({"left": 33, "right": 36}),
    );
    set(
        &mut raw,
        &["core", "mcgill_side_bridge"],
        serde_json::json!({"left": 55, "right": 58}),
    );
    let retest: Assessment = serde_json::from_value(raw)?;
    save_dated_assessment(
        d,
        clinician,
        riley,
        &retest,
        AssessmentKind::Retest,
        today,
        "Demo: re-tested after three weeks.",
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

    /// A runner's approved programme, parsed.
    async fn approved_programme_of(store: &dyn Store, staff: &Actor, riley: i64) -> Programme {
        let versions = store.programmes_of(staff, riley).await.unwrap();
        let approved = versions
            .iter()
            .find(|p| p.status == ProgrammeStatus::Approved)
            .expect("an approved programme");
        serde_json::from_str(&approved.body_json).unwrap()
    }

    /// Everyone's dates are computed from today by the clock given — here pinned to a summer
    /// Monday, not the real today: Riley's baseline three weeks ago and her re-test today; Jo's
    /// and Sasha's baselines and programmes 4 and 10 days ago; logs up to yesterday; the
    /// article dated today. Riley's change report shows improvement, her pain versus load has
    /// runs (three a week) and a flagged pattern, and her latest weekly review waits for the
    /// clinician.
    #[tokio::test]
    async fn the_demo_tells_the_story_with_dates_relative_to_today() {
        use backstride_core::tracking::change::Judgement;
        use backstride_core::tracking::load::{LoadCutOffs, pain_versus_load};
        let clock = Clock::pinned("2025-06-16T11:30:00Z".parse().unwrap());
        let today_of = |user: &backstride_store::User| clock.today_for(user);
        let mut stores = vec![backstride_store::testing::sqlite().await];
        stores.extend(backstride_store::testing::postgres().await);
        for store in stores {
            let store = store.as_ref();
            seed(store, &clock).await.unwrap();
            let clinic = store.clinic_by_name(DEMO_CLINIC).await.unwrap();
            let articles = store.published_articles(clinic.id).await.unwrap();
            assert_eq!(
                articles.iter().map(|a| a.date.as_str()).collect::<Vec<_>>(),
                ["2025-06-16"],
                "the article is dated the pinned today"
            );
            let clinician = store
                .user_by_email(&"clinician@demo.backstride.test".parse().unwrap())
                .await
                .unwrap();
            let staff = Actor::of(&clinician);
            let date_of = |user: &backstride_store::User, at: i64| {
                jiff::Timestamp::from_second(at)
                    .unwrap()
                    .to_zoned(user.time_zone.zone().clone())
                    .date()
            };
            let days_ago = |user: &backstride_store::User, n: i64| {
                today_of(user)
                    .checked_sub(jiff::Span::new().days(n))
                    .unwrap()
            };
            for (email, days, by_staff) in [
                ("riley@demo.backstride.test", DEMO_DAYS, true),
                ("jo@demo.backstride.test", JO_DAYS, true),
                (SELF_DIRECTED.2, SELF_DIRECTED_DAYS, false),
            ] {
                let runner = store.user_by_email(&email.parse().unwrap()).await.unwrap();
                let me = Actor::of(&runner);
                let actor = if by_staff { &staff } else { &me };
                assert_eq!(runner.clinic_id.is_some(), by_staff, "{email}");
                let assessments = store.assessments_of(actor, runner.id).await.unwrap();
                let baseline = assessments
                    .iter()
                    .find(|a| a.kind == AssessmentKind::Baseline)
                    .unwrap();
                assert_eq!(
                    date_of(&runner, baseline.created_at),
                    days_ago(&runner, days)
                );
                let programme = approved_programme_of(store, actor, runner.id).await;
                assert_eq!(programme.settings.start_date, days_ago(&runner, days));
                let logs = store.logs_of(actor, runner.id, "0000-01-01").await.unwrap();
                let last = logs.iter().map(|l| l.log_date.clone()).max().unwrap();
                assert_eq!(last, days_ago(&runner, 1).to_string(), "{email}");
            }

            let riley = store
                .user_by_email(&"riley@demo.backstride.test".parse().unwrap())
                .await
                .unwrap();
            let assessments = store.assessments_of(&staff, riley.id).await.unwrap();
            let retest = assessments
                .iter()
                .find(|a| a.kind == AssessmentKind::Retest)
                .expect("a re-test");
            assert_eq!(date_of(&riley, retest.created_at), today_of(&riley));
            let result = |a: &backstride_store::AssessmentRecord| -> AssessmentResult {
                serde_json::from_str(a.result_json.as_deref().unwrap()).unwrap()
            };
            let baseline = assessments
                .iter()
                .find(|a| a.kind == AssessmentKind::Baseline)
                .unwrap();
            let pain =
                |n: f64| backstride_core::assessment::values::PainScore::try_from(n).unwrap();
            let report = backstride_core::tracking::change_report(
                &result(baseline),
                &result(retest),
                pain(3.0),
                pain(1.0),
                &[],
                &[],
                None,
                &Default::default(),
            );
            let better = report
                .tests
                .iter()
                .filter(|t| t.lsi_change.is_some_and(|c| c > 0.0))
                .count();
            assert!(better >= 3, "{better} tests more even: {:#?}", report.tests);
            assert!(
                report
                    .tests
                    .iter()
                    .all(|t| t.lsi_change.is_none_or(|c| c >= 0.0)),
                "{:#?}",
                report.tests
            );
            assert_eq!(report.pain.judgement, Judgement::ImprovedMeaningfully);

            let watch = backstride_web::watch_runs(store, &staff, &riley)
                .await
                .unwrap();
            assert_eq!(
                watch.len(),
                3 * (DEMO_DAYS as usize / 7),
                "three watch runs a week"
            );
            let journal = backstride_web::Journal::load(store, &staff, &riley, today_of(&riley))
                .await
                .unwrap()
                .unwrap();
            let cut = LoadCutOffs {
                low_cadence_below: 160.0,
                balanced_left_pct: (47.5, 52.5),
            };
            let (rows, patterns) = pain_versus_load(&watch, &journal.logs, cut);
            assert!(rows.iter().filter(|r| r.next_morning.is_some()).count() >= 8);
            assert!(
                patterns
                    .iter()
                    .any(|p| p.factor == "low cadence" && p.flagged),
                "{patterns:#?}"
            );
            let waiting = store
                .reviews_of(&staff, riley.id)
                .await
                .unwrap()
                .into_iter()
                .filter(|r| {
                    r.kind == backstride_store::ReviewKind::Weekly
                        && r.status == backstride_store::ReviewStatus::Suggested
                })
                .count();
            assert_eq!(
                waiting, 1,
                "the latest weekly review waits for the clinician"
            );
        }
    }

    #[tokio::test]
    async fn the_demo_runner_is_cleared_to_run_with_watch_runs_beside_her_logs() {
        let mut stores = vec![backstride_store::testing::sqlite().await];
        stores.extend(backstride_store::testing::postgres().await);
        for store in stores {
            let store = store.as_ref();
            seed(store, &Clock::system()).await.unwrap();
            let riley = store
                .user_by_email(&"riley@demo.backstride.test".parse().unwrap())
                .await
                .unwrap();
            let clinician = store
                .user_by_email(&"clinician@demo.backstride.test".parse().unwrap())
                .await
                .unwrap();
            let staff = Actor::of(&clinician);
            let programme = approved_programme_of(store, &staff, riley.id).await;
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

            seed(store, &Clock::system()).await.unwrap();
            assert_eq!(
                store.runs_of(&staff, riley.id).await.unwrap().len(),
                watch.len(),
                "seeding again adds no runs"
            );
        }
    }
}
