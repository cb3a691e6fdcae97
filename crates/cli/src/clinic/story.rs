//! One seeded runner's story, made up but plausible and the same for the same seed: when they
//! joined, their assessments and re-tests, every log since (morning check-ins, sessions, runs
//! with the watch's record of them), the reviews core made of those logs and what the
//! clinician did with them, the programme versions that followed, and alerts.
//!
//! Only the numbers a runner would type are invented (the pain curve, which sessions were done,
//! how far they ran); everything derived from them comes from core's own rules, as in the app:
//! assessments are scored by `assess`, programmes made by `generate` and moved on by the
//! accepted weekly reviews (`backstride_web::progressed`), logs checked by their `validate`,
//! reviews by `after_day` and `weekly_review`, alerts by `alerts`.
//!
//! The pain model (our choice, for plausible data only — no clinical claim): morning pain
//! starts at the runner's assessed level and eases towards a floor with a half-life of a few
//! weeks, with day-to-day wobble and an occasional flare-up that settles over about a week;
//! pain during sessions and runs follows the morning's. Adherence differs between runners and
//! some stop logging after a while.

use super::dice::Dice;
use super::watch::Watch;
use crate::demo::{EXAMPLE_ASSESSMENT, set_answer};
use backstride_core::assessment::values::{PainScore, PerSide};
use backstride_core::assessment::{Assessment, AssessmentResult, Thresholds, assess};
use backstride_core::library::Sidedness;
use backstride_core::programme::{DayOfWeek, ProgrammeRequest, generate};
use backstride_core::tracking::{
    self, MorningCheckIn, ProgressionThresholds, RawMorningCheckIn, RawRunLog, RawSessionLog,
    RawSets, Review, RunLog, SessionLog, TrackingLogs, UsualMorningPain,
};
use backstride_core::{Email, Role, TimeZoneName};
use backstride_store::bulk::{
    SeedAlert, SeedAssessment, SeedLog, SeedProgramme, SeedReview, SeedRun, SeedRunner,
};
use backstride_store::{
    AlertTier, AssessmentKind, LogKind, NewUser, ProgrammeStatus, ReviewKind, ReviewStatus,
};
use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::json;

/// Days of logs handed to core for one review or alert check: its 7-day window, the week
/// before (the weekly trend) and room for the alert window. Core reads only these days, so a
/// longer history gives the same answer (and it keeps seeding linear in the days).
const RULES_WINDOW_DAYS: i64 = 35;
/// After-day reviews are kept for the last this many days (the app makes one per logged day;
/// a year of them would be most of the database and nobody looks back at them — the weekly
/// reviews are the record). **Our choice**, for the seed only.
pub const AFTER_DAY_REVIEWS_KEPT: i64 = 28;
/// The clinician has decided every review older than this many days.
const DECIDED_AFTER_DAYS: i64 = 3;
/// Weeks between re-tests.
const RETEST_WEEKS: i64 = 12;
/// Share of runs recorded by a watch.
const WATCH_SHARE: f64 = 0.85;

/// What every runner of the seeded clinic shares.
pub struct Plan {
    pub seed: u64,
    pub clinic_id: i64,
    pub time_zone: TimeZoneName,
    pub today: Date,
    /// Now (Unix seconds): nothing is dated later.
    pub now: i64,
    /// Days of history of the longest-standing runners.
    pub days: i64,
    pub runners: usize,
    pub password_hash: String,
    pub thresholds: ProgressionThresholds,
}

/// First and last names, combined into 10,000 different people.
const FIRST: [&str; 40] = [
    "Amara", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hamid", "Isla", "Jonah", "Kira",
    "Liam", "Maya", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tess", "Umar", "Vera", "Wes",
    "Xia", "Yusuf", "Zara", "Aoife", "Bruno", "Carys", "Dara", "Emeka", "Freya", "Gus", "Hana",
    "Ivo", "Jess", "Kofi", "Lena", "Mo", "Nell",
];
const LAST: [&str; 25] = [
    "Adeyemi",
    "Brennan",
    "Castillo",
    "Dunn",
    "Evans",
    "Fischer",
    "Gallagher",
    "Hughes",
    "Iqbal",
    "Jensen",
    "Khan",
    "Lowe",
    "Murphy",
    "Novak",
    "Okafor",
    "Patel",
    "Quigley",
    "Reyes",
    "Sato",
    "Turner",
    "Uddin",
    "Vance",
    "Walsh",
    "Young",
    "Zielinski",
];

/// The seeded runner number `n`'s email (1-based).
pub fn email_of(n: usize) -> String {
    format!("runner{n:04}@demo.backstride.test")
}

/// How a runner's pain, habits and running go (drawn once per runner).
struct Profile {
    /// Morning pain when assessed, eased towards `floor` with a half-life of `half_life` weeks.
    start_pain: f64,
    floor: f64,
    half_life: f64,
    /// Chance of doing a planned day's sessions, and of checking in in the morning.
    adherence: f64,
    check_in: f64,
    /// Days after joining when they stop logging, if they do.
    stops_after: Option<i64>,
    /// Chance of a flare-up starting on any day.
    flare_chance: f64,
    cadence: f64,
    minutes: f64,
    run_days: [DayOfWeek; 3],
    /// 0 (even) to 1 (much weaker on one side): how uneven the assessment's tests are.
    uneven: f64,
}

impl Profile {
    fn draw(dice: &mut Dice) -> Profile {
        let start_pain = dice.between(2.0, 6.5);
        Profile {
            start_pain,
            floor: dice.between(0.3, 2.0).min(start_pain),
            half_life: dice.between(2.0, 10.0),
            adherence: dice.between(0.6, 0.97),
            check_in: dice.between(0.7, 0.98),
            stops_after: dice.chance(0.12).then(|| 42 + dice.below(200) as i64),
            flare_chance: dice.between(0.003, 0.02),
            cadence: dice.between(150.0, 168.0),
            minutes: dice.between(20.0, 35.0),
            run_days: *dice.pick(&[
                [DayOfWeek::Tuesday, DayOfWeek::Thursday, DayOfWeek::Saturday],
                [DayOfWeek::Monday, DayOfWeek::Wednesday, DayOfWeek::Saturday],
                [DayOfWeek::Tuesday, DayOfWeek::Friday, DayOfWeek::Sunday],
            ]),
            uneven: dice.between(0.0, 1.0),
        }
    }

    /// Morning pain `day` days after joining, before the wobble and flare-ups.
    fn eased(&self, day: i64) -> f64 {
        let weeks = day as f64 / 7.0;
        self.floor + (self.start_pain - self.floor) * 0.5_f64.powf(weeks / self.half_life)
    }
}

/// The runner's raw assessment: the example's protocol, with this runner's answers. `progress`
/// (0 at the baseline, towards 1 later) makes re-tests stronger and more even.
fn assessment_answers(
    p: &Profile,
    age: u32,
    pain_now: f64,
    progress: f64,
) -> anyhow::Result<Assessment> {
    let mut raw: serde_json::Value = serde_json::from_str(EXAMPLE_ASSESSMENT)?;
    raw["postpartum"] = serde_json::Value::Null;
    let weak = 1.0 - 0.3 * p.uneven * (1.0 - progress);
    let strong = 1.0 + 0.25 * progress;
    let pair = |left: f64, right: f64| json!({"left": (left * weak * strong).round(), "right": (right * strong).round()});
    let pain = |x: f64| x.round().clamp(0.0, 10.0);
    let set = set_answer;
    set(&mut raw, &["red_flags", "age_years"], age.into());
    // Older runners with new pain had the doctor's check the protocol asks for.
    set(
        &mut raw,
        &["red_flags", "cleared_by_clinician"],
        (age >= 50).into(),
    );
    set(&mut raw, &["baseline", "pain_now"], pain(pain_now).into());
    set(
        &mut raw,
        &["baseline", "pain_next_morning"],
        pain(pain_now).into(),
    );
    set(
        &mut raw,
        &["baseline", "pain_worst_last_run"],
        pain(pain_now + 2.0).into(),
    );
    set(
        &mut raw,
        &["baseline", "pain_after_last_run"],
        pain(pain_now + 1.0).into(),
    );
    let grc = if progress > 0.0 {
        (1.0 + 5.0 * progress).round()
    } else {
        0.0
    };
    set(
        &mut raw,
        &["baseline", "global_rating_of_change"],
        grc.into(),
    );
    if let Some(activities) = raw["baseline"]["psfs"].as_array_mut() {
        for (n, activity) in activities.iter_mut().enumerate() {
            let score = (4.0 + n as f64 + 4.0 * progress).round().min(10.0);
            activity["score"] = score.into();
        }
    }
    let steps = ((p.cadence + 12.0 * progress) / 2.0).round();
    set(
        &mut raw,
        &["posture_form", "cadence"],
        json!({"steps_in_30_s": steps}),
    );
    set(
        &mut raw,
        &["hip_stability", "single_leg_bridge_hold"],
        pair(30.0, 31.0),
    );
    set(
        &mut raw,
        &["hip_stability", "single_leg_bridge_reps"],
        pair(23.0, 24.0),
    );
    set(&mut raw, &["core", "pallof_hold"], pair(34.0, 35.0));
    set(&mut raw, &["core", "mcgill_side_bridge"], pair(54.0, 55.0));
    Ok(serde_json::from_value(raw)?)
}

/// A scored assessment, dated.
fn scored(
    raw: &Assessment,
    kind: AssessmentKind,
    at: i64,
) -> anyhow::Result<(SeedAssessment, AssessmentResult)> {
    let result = assess(raw, &Thresholds::default())
        .map_err(|e| anyhow::anyhow!("seeded assessment: {e:?}"))?;
    let notes = match kind {
        AssessmentKind::Baseline => "Seeded: assessed in clinic.",
        AssessmentKind::Retest => "Seeded: re-tested in clinic.",
    };
    Ok((
        SeedAssessment {
            kind,
            protocol_version: result.protocol_version.clone(),
            raw_json: serde_json::to_string(raw)?,
            result_json: serde_json::to_string(&result)?,
            notes: notes.into(),
            at,
        },
        result,
    ))
}

/// Everything logged so far, in date order, and the windows core is handed.
#[derive(Default)]
struct Logged {
    sessions: Vec<SessionLog>,
    runs: Vec<RunLog>,
    mornings: Vec<MorningCheckIn>,
}

impl Logged {
    /// The logs core needs for a decision on `day` (see [`RULES_WINDOW_DAYS`]), plus the last
    /// check-in before them, so "days without a log" counts from the right day.
    fn window(&self, day: Date) -> TrackingLogs {
        let first = day.saturating_sub((RULES_WINDOW_DAYS - 1).days());
        let from = |dates: &mut dyn Iterator<Item = Date>| dates.take_while(|d| *d < first).count();
        let s = from(&mut self.sessions.iter().map(|l| l.date));
        let r = from(&mut self.runs.iter().map(|l| l.date));
        let m = from(&mut self.mornings.iter().map(|l| l.date)).saturating_sub(1);
        TrackingLogs {
            sessions: self.sessions[s..].to_vec(),
            runs: self.runs[r..].to_vec(),
            mornings: self.mornings[m..].to_vec(),
        }
    }

    fn logged_on(&self, day: Date) -> bool {
        self.mornings.last().is_some_and(|l| l.date == day)
            || self.sessions.last().is_some_and(|l| l.date == day)
            || self.runs.last().is_some_and(|l| l.date == day)
    }
}

/// A log's JSON body as the app stores it (the checked log).
fn log_body<T: serde::Serialize>(log: &T) -> anyhow::Result<String> {
    Ok(serde_json::to_string(log)?)
}

/// Runner number `n` (1-based) of `plan`: number 1 has the whole history; the last joined
/// today (assessed, programme approved, nothing logged yet); the rest joined mostly in the
/// first month, some later.
pub fn runner(n: usize, plan: &Plan, watch: &Watch) -> anyhow::Result<SeedRunner> {
    let mut dice = Dice::new(plan.seed, n as u64);
    let days_ago = (if n == 1 {
        plan.days
    } else if n == plan.runners {
        0
    } else if dice.chance(0.7) {
        plan.days - dice.below(30) as i64
    } else {
        1 + dice.below(plan.days.max(1) as u64) as i64
    })
    .clamp(0, plan.days);
    let p = Profile::draw(&mut dice);
    let tz = plan.time_zone.zone().clone();
    let start = plan.today.saturating_sub(days_ago.days());
    let now = plan.now;
    // A time on a day, never later than now (today's assessment of the newest runner).
    let at = |date: Date, hour: i8, minute: i8| -> anyhow::Result<i64> {
        let t = date
            .at(hour, minute, 0, 0)
            .to_zoned(tz.clone())?
            .timestamp()
            .as_second();
        Ok(t.min(now))
    };
    let name = format!(
        "{} {}",
        FIRST[n % FIRST.len()],
        LAST[(n / FIRST.len()) % LAST.len()]
    );
    let mut story = SeedRunner::new(
        NewUser {
            clinic_id: Some(plan.clinic_id),
            email: email_of(n).parse::<Email>()?,
            display_name: name,
            password_hash: plan.password_hash.clone(),
            role: Role::Runner,
            time_zone: plan.time_zone.clone(),
            units: None,
        },
        at(start, 9, 0)?,
    );
    let age = 22 + dice.below(40) as u32;
    let raw = assessment_answers(&p, age, p.start_pain, 0.0)?;
    let (baseline, result) = scored(&raw, AssessmentKind::Baseline, at(start, 10, 0)?)?;
    story.assessments.push(baseline);
    let request = ProgrammeRequest::new(start).run_days(p.run_days);
    let mut programme = generate(&result, &request)?;
    story.programmes.push(SeedProgramme {
        assessment: Some(0),
        status: ProgrammeStatus::Approved,
        body_json: serde_json::to_string(&programme)?,
        at: at(start, 11, 0)?,
    });
    // As the app reads it: running waits while the assessment says so.
    let mut rules_programme = programme.clone();
    if rules_programme.running_allowed() {
        rules_programme.block_running(&result.running_blocked_because);
    }
    let usual = PainScore::try_from(p.start_pain.round().clamp(0.0, 10.0))
        .map_err(|e| anyhow::anyhow!("usual pain: {e:?}"))?;
    let baseline_morning = UsualMorningPain::choose(Some(usual), &[], start, &plan.thresholds);

    let mut logged = Logged::default();
    let mut flare = 0.0_f64;
    let mut ran_yesterday: Option<f64> = None;
    let mut km_scale = 1.0_f64;
    for offset in 0..days_ago {
        let date = start.saturating_add(offset.days());
        let week = offset / 7;
        let active = p.stops_after.is_none_or(|stop| offset < stop);
        if dice.chance(p.flare_chance) {
            flare = dice.between(2.0, 4.0);
            km_scale *= 0.7;
        }
        let morning = (p.eased(offset) + flare + dice.wobble(0.6))
            .clamp(0.0, 10.0)
            .round();
        flare *= 0.7;
        km_scale = (km_scale * 1.01).min(1.0 + week as f64 * 0.03).min(2.2);
        let mut day_logs: Vec<(LogKind, String, i64)> = Vec::new();
        if active && dice.chance(p.check_in) {
            let settled = ran_yesterday.map(|after| after <= f64::from(usual.get()));
            let log = RawMorningCheckIn {
                date,
                morning_pain: morning,
                stiffness: (morning - 1.0 + dice.wobble(0.5)).round().clamp(0.0, 10.0),
                settled_after_yesterday: settled,
                red_flags: Vec::new(),
            }
            .validate(date)
            .map_err(|e| anyhow::anyhow!("seeded check-in: {e:?}"))?;
            day_logs.push((LogKind::Morning, log_body(&log)?, at(date, 7, 30)?));
            logged.mornings.push(log);
        }
        ran_yesterday = None;
        let planned = rules_programme.day_on(date).cloned();
        if let Some(day) = planned.filter(|_| active && dice.chance(p.adherence)) {
            for key in &day.exercises {
                if !dice.chance(0.95) {
                    continue;
                }
                let item = rules_programme.item(key).expect("calendar keys are items");
                let sets = f64::from(item.dosage.sets());
                let sets = if dice.chance(0.85) {
                    sets
                } else {
                    (sets - 1.0).max(1.0)
                };
                let sets_done = match item.sidedness {
                    Sidedness::PerSide => RawSets::PerSide(PerSide {
                        left: sets,
                        right: sets,
                    }),
                    Sidedness::Bilateral => RawSets::Both(sets),
                };
                let log = RawSessionLog {
                    date,
                    item_key: key.clone(),
                    sets_done,
                    pain_during: (morning - 1.0 + dice.wobble(0.7)).round().clamp(0.0, 10.0),
                    effort: Some((5.0 + dice.wobble(1.2)).round().clamp(1.0, 10.0)),
                    note: None,
                    red_flags: Vec::new(),
                }
                .validate(&rules_programme, date)
                .map_err(|e| anyhow::anyhow!("seeded session: {e:?}"))?;
                day_logs.push((LogKind::Session, log_body(&log)?, at(date, 18, 30)?));
                logged.sessions.push(log);
            }
            if day.is_run_day && rules_programme.running_allowed() {
                let cadence = (p.cadence + 0.4 * week as f64).min(178.0);
                let (watch_run, key) = watch.run(cadence, p.minutes * km_scale)?;
                let pain_during =
                    (morning + dice.wobble(0.8) + if cadence < 160.0 { 0.7 } else { 0.0 })
                        .round()
                        .clamp(0.0, 10.0);
                let log = RawRunLog {
                    date,
                    distance_m: watch_run.distance_m.round(),
                    duration_s: watch_run.seconds.round(),
                    pain_before: (morning - 1.0).max(0.0),
                    pain_during,
                    pain_after: (pain_during + dice.wobble(0.6)).round().clamp(0.0, 10.0),
                    note: None,
                    red_flags: Vec::new(),
                }
                .validate(date)
                .map_err(|e| anyhow::anyhow!("seeded run: {e:?}"))?;
                ran_yesterday = Some(f64::from(log.pain_after.get()));
                let started = at(date, 7, 0)?;
                day_logs.push((LogKind::Run, log_body(&log)?, started + 3600 * 2));
                logged.runs.push(log);
                if dice.chance(WATCH_SHARE) {
                    story.runs.push(SeedRun {
                        run: watch.stored(key, started, n)?,
                        imported_at: started + 3600 * 3,
                    });
                }
            }
        }
        for (i, (kind, body_json, at)) in day_logs.into_iter().enumerate() {
            story.logs.push(SeedLog {
                kind,
                log_date: date.to_string(),
                body_json,
                idempotency_key: format!("seed-{date}-{i}"),
                at,
            });
        }

        let days_left = days_ago - offset;
        let decided =
            (days_left > DECIDED_AFTER_DAYS).then(|| at(date.saturating_add(1.day()), 9, 15));
        let decided = decided.transpose()?;
        if days_left <= AFTER_DAY_REVIEWS_KEPT && logged.logged_on(date) {
            let review = tracking::after_day(
                &rules_programme,
                &logged.window(date),
                baseline_morning,
                date,
                &plan.thresholds,
            );
            push_review(
                &mut story,
                &review,
                ReviewKind::AfterDay,
                decided,
                at(date, 20, 0)?,
            )?;
        }
        if offset > 0 && offset % 7 == 0 {
            let window = logged.window(date);
            let review = tracking::weekly_review(
                &rules_programme,
                &window,
                baseline_morning,
                date,
                &plan.thresholds,
            );
            push_review(
                &mut story,
                &review,
                ReviewKind::Weekly,
                decided,
                at(date, 20, 5)?,
            )?;
            if let (Some(when), Some(next)) =
                (decided, backstride_web::progressed(&programme, &review))
            {
                // The clinician's acceptance, as their button does: a new approved version.
                for earlier in &mut story.programmes {
                    earlier.status = ProgrammeStatus::Superseded;
                }
                story.programmes.push(SeedProgramme {
                    assessment: Some(0),
                    status: ProgrammeStatus::Approved,
                    body_json: serde_json::to_string(&next)?,
                    at: when,
                });
                let blocked = !rules_programme.running_allowed();
                rules_programme = next.clone();
                if blocked {
                    rules_programme.block_running(&result.running_blocked_because);
                }
                programme = next;
            }
            for a in tracking::alerts(&window, baseline_morning, start, date, &plan.thresholds) {
                raise(&mut story, a, at(date, 21, 0)?, decided);
            }
        }
        if offset > 0 && offset % (7 * RETEST_WEEKS) == 0 && active {
            let progress = (1.0 - p.eased(offset) / p.start_pain.max(0.1)).clamp(0.0, 1.0);
            let raw = assessment_answers(&p, age, morning, progress)?;
            let (retest, _) = scored(&raw, AssessmentKind::Retest, at(date, 10, 30)?)?;
            story.assessments.push(retest);
        }
    }
    if days_ago > 0 {
        // What is open for the clinician today.
        let window = logged.window(plan.today);
        for a in tracking::alerts(
            &window,
            baseline_morning,
            start,
            plan.today,
            &plan.thresholds,
        ) {
            raise(&mut story, a, at(plan.today, 6, 0)?, None);
        }
    }
    Ok(story)
}

/// Raises an alert core suggested at `at`, resolved by the clinician at `resolved`; like the
/// store, keeps one open alert per reason.
fn raise(story: &mut SeedRunner, a: tracking::AlertSuggestion, at: i64, resolved: Option<i64>) {
    let open = |o: &&SeedAlert| o.resolved_at.is_none() && o.reason == a.reason;
    if story.alerts.iter().any(|o| open(&o)) {
        return;
    }
    story.alerts.push(SeedAlert {
        tier: match a.tier {
            tracking::AlertTier::Critical => AlertTier::Critical,
            tracking::AlertTier::High => AlertTier::High,
            tracking::AlertTier::Low => AlertTier::Low,
        },
        reason: a.reason,
        at,
        resolved_at: resolved,
    });
}

/// Stores a review of the latest programme version: accepted by the clinician at `decided`,
/// else waiting for them.
fn push_review(
    story: &mut SeedRunner,
    review: &Review,
    kind: ReviewKind,
    decided: Option<i64>,
    at: i64,
) -> anyhow::Result<()> {
    story.reviews.push(SeedReview {
        programme: story.programmes.len() - 1,
        review_date: review.date.to_string(),
        kind,
        status: if decided.is_some() {
            ReviewStatus::Accepted
        } else {
            ReviewStatus::Suggested
        },
        body_json: serde_json::to_string(review)?,
        note: String::new(),
        decided_at: decided,
        at,
    });
    Ok(())
}

/// The programme a story's runner follows now.
#[cfg(test)]
pub fn approved(story: &SeedRunner) -> backstride_core::programme::Programme {
    let p = story
        .programmes
        .iter()
        .find(|p| p.status == ProgrammeStatus::Approved)
        .expect("an approved programme");
    serde_json::from_str(&p.body_json).unwrap()
}
