//! A runner's tracking record as core needs it: the approved programme, every log, the usual
//! morning pain and the clinic's cut-offs — and what happens after a log is stored (the day's
//! review, weekly reviews that have come due, alerts for the clinician, decisions applied).
//!
//! Pages only read: weekly reviews are stored by the log that completes a week and by the
//! hourly background task ([`make_weekly_reviews_for_everyone`]), only ever for the latest
//! [`WEEKLY_REVIEWS_CAUGHT_UP`] weeks. The rules replay a bounded window of logs (weeks, not
//! the whole history), in place.

use crate::clinic_settings::progression_thresholds;
use crate::error::{AppError, AppResult};
use crate::programme::hold::{RedFlagHold, hold_in};
use backstride_core::assessment::values::PainScore;
use backstride_core::assessment::{Assessment, AssessmentResult, validate};
use backstride_core::programme::{self, Programme, ProgrammeEdit};
use backstride_core::tracking::{
    self, MorningBaseline, MorningCheckIn, ProgressionAction, ProgressionThresholds, Review,
    RunLog, SessionLog, TrackingLogs, UsualMorningPain,
};
use backstride_store::{
    Actor, AlertTier, AssessmentRecord, Clinic, JournalRecords, LogKind, LogOutcome, LogRecord,
    NewProgramme, NewReview, ProgrammeRecord, ProgrammeStatus, ReviewKind, ReviewRecord,
    ReviewStatus, Store, User,
};
use jiff::civil::Date;
use std::collections::HashSet;
use std::sync::Arc;

/// How far back the record is read: the review window plus the back-fill allowance, with room
/// for the weekly comparison and the charts.
pub const HISTORY_DAYS: i64 = 120;

/// Most weekly reviews made at once: the latest weeks that have come due. **Our choice**: the
/// hourly task makes each within the hour, so more are missing only after a long outage, and
/// a week older than this is judged on logs the runner can no longer back-fill.
pub const WEEKLY_REVIEWS_CAUGHT_UP: i64 = 4;

/// How far back the Today page reads: the weekly reviews of the latest
/// [`WEEKLY_REVIEWS_CAUGHT_UP`] weeks (to know whether the latest is stored), which also covers
/// the logs its decisions weigh — a back-filled day's 7 days and the 7 before them (21 days).
/// A runner with a year of history reads the same few weeks as one who joined last week.
pub const TODAY_DAYS: i64 = 7 * WEEKLY_REVIEWS_CAUGHT_UP;

/// How far back a log's decisions read (a stored log, the hourly task): every weekly review
/// that may still be made ([`WEEKLY_REVIEWS_CAUGHT_UP`] weeks) with the 14 days of logs each
/// weighs (its 7 days and the 7 before them).
pub const DECISION_DAYS: i64 =
    7 * WEEKLY_REVIEWS_CAUGHT_UP + 2 * tracking::progression::WINDOW_DAYS;

/// What a log decides (see [`Journal::decide_after_log`]): the day's review shown to the
/// runner, everything to store with the log, and the weekly reviews among it.
pub struct AfterLog {
    pub review: Review,
    pub outcome: LogOutcome,
    weekly: Vec<Review>,
}

/// Everything the rules need about one runner.
pub struct Journal {
    pub runner: User,
    pub clinic: Option<Clinic>,
    pub programme_record: ProgrammeRecord,
    pub programme: Arc<Programme>,
    pub records: Vec<LogRecord>,
    pub logs: Arc<TrackingLogs>,
    /// The usual morning pain and where it came from: the assessment behind the programme (our
    /// choice: the "next morning after a run" answer, else pain now), else the median of the
    /// first week's check-ins; `None` while neither exists.
    pub baseline_morning: MorningBaseline,
    pub thresholds: ProgressionThresholds,
    /// Set while a red flag since the programme holds it: nothing is logged or reviewed.
    pub hold: Option<RedFlagHold>,
    /// The usual morning pain the programme's assessment recorded, if any (see
    /// `baseline_morning`).
    assessment_morning: Option<PainScore>,
    /// The reviews of the last [`HISTORY_DAYS`], newest first.
    pub reviews: Vec<ReviewRecord>,
    /// The runner's newest assessments, newest first (see `RECENT_ASSESSMENTS`).
    pub assessments: Vec<AssessmentRecord>,
}

pub fn days_before(date: Date, n: i64) -> Date {
    date.checked_sub(jiff::Span::new().days(n)).unwrap_or(date)
}

/// Reads a stored log into `logs` (a log that no longer parses is logged and skipped).
pub(crate) fn add_to(logs: &mut TrackingLogs, record: &LogRecord) {
    let body = &record.body_json;
    let parsed = match record.kind {
        LogKind::Session => serde_json::from_str::<SessionLog>(body).map(|l| logs.sessions.push(l)),
        LogKind::Run => serde_json::from_str::<RunLog>(body).map(|l| logs.runs.push(l)),
        LogKind::Morning => {
            serde_json::from_str::<MorningCheckIn>(body).map(|l| logs.mornings.push(l))
        }
    };
    if let Err(e) = parsed {
        tracing::warn!(log = record.id, error = %e, "stored log does not parse; skipped");
    }
}

/// The runner's approved programme, if there is one (one read of the approved version).
pub async fn approved_programme(
    store: &dyn Store,
    actor: &Actor,
    runner_id: i64,
) -> AppResult<Option<(ProgrammeRecord, Programme)>> {
    let (approved, _) = store.current_programme(actor, runner_id).await?;
    let Some(record) = approved else {
        return Ok(None);
    };
    let programme = record.programme().map_err(AppError::Internal)?;
    Ok(Some((record, programme)))
}

/// A runner's record for the daily pages in one store call: the approved programme, the newest
/// assessments, and the logs and reviews of the last [`HISTORY_DAYS`] before `today`.
/// Someone other than the runner is audited as doing `action`.
pub async fn read(
    store: &dyn Store,
    actor: &Actor,
    runner_id: i64,
    today: Date,
    action: &str,
) -> AppResult<JournalRecords> {
    read_days(store, actor, runner_id, today, HISTORY_DAYS, action).await
}

/// [`read`] with the logs and reviews of the last `days` before `today` only.
pub async fn read_days(
    store: &dyn Store,
    actor: &Actor,
    runner_id: i64,
    today: Date,
    days: i64,
    action: &str,
) -> AppResult<JournalRecords> {
    let since = days_before(today, days).to_string();
    Ok(store.journal(actor, runner_id, &since, action).await?)
}

/// The morning check-ins of the programme's first week that fall before the window read
/// (`since`): the usual morning pain is their median when the assessment recorded none. Read
/// only then (at most 7 rows); nothing when the window reaches the programme's start.
async fn first_week_before(
    store: &dyn Store,
    actor: &Actor,
    runner_id: i64,
    start: Date,
    since: Date,
) -> AppResult<Vec<LogRecord>> {
    if start >= since {
        return Ok(Vec::new());
    }
    let last = days_before(start, -6).min(days_before(since, 1));
    Ok(store
        .mornings_between(actor, runner_id, &start.to_string(), &last.to_string())
        .await?)
}

/// What the rules take from the assessment a programme was made from: the usual morning pain
/// it recorded, if any, and why running waits (for a programme stored before it kept the
/// reasons itself).
async fn from_assessment(
    store: &dyn Store,
    actor: &Actor,
    record: &ProgrammeRecord,
    recent: &[AssessmentRecord],
) -> AppResult<(Option<PainScore>, Vec<String>)> {
    let Some(id) = record.assessment_id else {
        return Ok((None, Vec::new()));
    };
    let assessment = match recent.iter().find(|a| a.id == id) {
        Some(a) => a.clone(),
        None => store.assessment(actor, id).await?,
    };
    let raw: Assessment = serde_json::from_str(&assessment.raw_json).unwrap_or_default();
    let baseline = validate(&raw).ok().and_then(|v| v.baseline);
    let running_blocked = assessment
        .result_json
        .as_deref()
        .and_then(|json| serde_json::from_str::<AssessmentResult>(json).ok())
        .map(|r| r.running_blocked_because)
        .unwrap_or_default();
    let usual = baseline.and_then(|b| b.pain_next_morning.or(b.pain_now));
    Ok((usual, running_blocked))
}

impl Journal {
    /// Loads the record as `actor` sees it; `None` when there is no approved programme yet.
    pub async fn load(
        store: &dyn Store,
        actor: &Actor,
        runner: &User,
        today: Date,
    ) -> AppResult<Option<Journal>> {
        let records = read(store, actor, runner.id, today, "view tracking record").await?;
        Journal::from_records(store, actor, records).await
    }

    /// [`Journal::load`] with the window a log's decisions need ([`DECISION_DAYS`]).
    pub async fn load_recent(
        store: &dyn Store,
        actor: &Actor,
        runner: &User,
        today: Date,
    ) -> AppResult<Option<Journal>> {
        let records = read_days(
            store,
            actor,
            runner.id,
            today,
            DECISION_DAYS,
            "view tracking record",
        )
        .await?;
        Journal::from_records(store, actor, records).await
    }

    /// The journal of records read by [`read`] or [`read_days`]; `None` when there is no
    /// approved programme.
    pub async fn from_records(
        store: &dyn Store,
        actor: &Actor,
        records: JournalRecords,
    ) -> AppResult<Option<Journal>> {
        let JournalRecords {
            runner,
            clinic,
            programme,
            assessments,
            logs,
            reviews,
            since,
            reminder: _,
        } = records;
        let Some(programme_record) = programme else {
            return Ok(None);
        };
        let mut programme = programme_record.programme().map_err(AppError::Internal)?;
        let (assessment_morning, running_blocked) =
            from_assessment(store, actor, &programme_record, &assessments).await?;
        if programme.running_allowed() {
            programme.block_running(&running_blocked);
        }
        let first_week = match assessment_morning {
            None => {
                let start = programme.settings.start_date;
                let since: Date = since
                    .parse()
                    .map_err(|e| AppError::Internal(format!("window start {since}: {e}")))?;
                first_week_before(store, actor, runner.id, start, since).await?
            }
            Some(_) => Vec::new(),
        };
        // The window's logs are few (a few weeks): parsed here, without a hand-off to a
        // blocking thread. The first week's mornings come first, as they are older.
        let mut tracking_logs = TrackingLogs::default();
        for r in first_week.iter().chain(&logs) {
            add_to(&mut tracking_logs, r);
        }
        let records = logs;
        let thresholds = progression_thresholds(clinic.as_ref());
        let baseline_morning = UsualMorningPain::choose(
            assessment_morning,
            &tracking_logs.mornings,
            programme.settings.start_date,
            &thresholds,
        );
        Ok(Some(Journal {
            assessment_morning,
            baseline_morning,
            thresholds,
            hold: hold_in(&assessments),
            runner,
            clinic,
            programme_record,
            programme: Arc::new(programme),
            records,
            logs: Arc::new(tracking_logs),
            reviews,
            assessments,
        }))
    }

    /// The journal with `record`, a log just stored, added as a fresh read would find it (after
    /// the logs of its date and before later ones), without reading the record again.
    pub fn with_stored(mut self, record: LogRecord) -> Journal {
        let logs = Arc::make_mut(&mut self.logs);
        add_to(logs, &record);
        // Stable sorts: the new log has the newest id, so it ends its date, as when read.
        logs.sessions.sort_by_key(|l| l.date);
        logs.runs.sort_by_key(|l| l.date);
        logs.mornings.sort_by_key(|l| l.date);
        let at = self
            .records
            .partition_point(|r| r.log_date <= record.log_date);
        self.records.insert(at, record);
        self.baseline_morning = UsualMorningPain::choose(
            self.assessment_morning,
            &self.logs.mornings,
            self.programme.settings.start_date,
            &self.thresholds,
        );
        self
    }

    /// A clinic's runner gets suggestions for the clinician; a self-directed runner's are final.
    fn review_status(&self) -> ReviewStatus {
        if self.runner.clinic_id.is_some() {
            ReviewStatus::Suggested
        } else {
            ReviewStatus::Accepted
        }
    }

    /// `review` as the store keeps it.
    fn new_review(&self, review: &Review, kind: ReviewKind) -> AppResult<NewReview> {
        let body_json =
            serde_json::to_string(review).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(NewReview {
            programme_id: self.programme_record.id,
            review_date: review.date.to_string(),
            kind,
            status: self.review_status(),
            body_json,
        })
    }

    async fn store_review(
        &self,
        store: &dyn Store,
        actor: &Actor,
        review: &Review,
        kind: ReviewKind,
    ) -> AppResult<ReviewRecord> {
        let review = self.new_review(review, kind)?;
        Ok(store.save_review(actor, self.runner.id, &review).await?)
    }

    /// What a log dated `day` decides, worked out on the journal that holds it (see
    /// [`Journal::with_stored`]) before it is stored, so the store keeps the log and its
    /// outcome in one transaction: the day's review, the weekly reviews come due and not
    /// stored yet, and alerts for the clinician — the same as [`Journal::after_log`] stores.
    pub async fn decide_after_log(&self, day: Date, today: Date) -> AppResult<AfterLog> {
        let review = self.review(day, ReviewKind::AfterDay).await?;
        let mut reviews = vec![self.new_review(&review, ReviewKind::AfterDay)?];
        let mut weekly = Vec::new();
        if self.hold.is_none() {
            for date in self.weekly_dates_missing(&self.reviews, today) {
                let week = self.review(date, ReviewKind::Weekly).await?;
                reviews.push(self.new_review(&week, ReviewKind::Weekly)?);
                weekly.push(week);
            }
        }
        let alerts = self.alerts_found(today).await?;
        Ok(AfterLog {
            review,
            outcome: LogOutcome {
                reviews,
                alerts,
                now: crate::auth::now(),
            },
            weekly,
        })
    }

    /// After [`Journal::decide_after_log`]'s outcome was stored: a self-directed runner's
    /// weekly reviews are final, so the first that moves an exercise is applied to the
    /// programme (as [`Journal::make_weekly_reviews`] does). Returns whether it changed.
    pub async fn apply_weekly(
        &self,
        store: &dyn Store,
        actor: &Actor,
        after: &AfterLog,
    ) -> AppResult<bool> {
        if self.review_status() != ReviewStatus::Accepted {
            return Ok(false);
        }
        for review in &after.weekly {
            if apply_review(store, actor, &self.programme_record, review).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// After a log dated `day` is stored: the day's review, any weekly review now due, and
    /// alerts for the clinician.
    pub async fn after_log(
        &self,
        store: &dyn Store,
        actor: &Actor,
        day: Date,
        today: Date,
    ) -> AppResult<Review> {
        let review = self.review(day, ReviewKind::AfterDay).await?;
        self.store_review(store, actor, &review, ReviewKind::AfterDay)
            .await?;
        self.make_weekly_reviews(store, actor, today).await?;
        self.raise_alerts(store, today).await?;
        Ok(review)
    }

    /// Core's review of `kind` for the days up to `day`. Worked out in place: the journal
    /// holds a window of weeks, not the whole history, so this is short work and a hand-off to
    /// a blocking thread would cost more than it saves.
    pub async fn review(&self, day: Date, kind: ReviewKind) -> AppResult<Review> {
        let (programme, logs, t) = (&self.programme, &self.logs, &self.thresholds);
        let baseline = self.baseline_morning;
        Ok(match kind {
            ReviewKind::AfterDay => tracking::after_day(programme, logs, baseline, day, t),
            ReviewKind::Weekly => tracking::weekly_review(programme, logs, baseline, day, t),
        })
    }

    /// The alerts core suggests for the logs up to `today`, for a clinic's runner only.
    async fn alerts_found(&self, today: Date) -> AppResult<Vec<(AlertTier, String)>> {
        if self.runner.clinic_id.is_none() {
            return Ok(Vec::new());
        }
        let since = self.programme.settings.start_date;
        let found = tracking::alerts(
            &self.logs,
            self.baseline_morning,
            since,
            today,
            &self.thresholds,
        );
        Ok(found
            .into_iter()
            .map(|a| {
                let tier = match a.tier {
                    tracking::AlertTier::Critical => AlertTier::Critical,
                    tracking::AlertTier::High => AlertTier::High,
                    tracking::AlertTier::Low => AlertTier::Low,
                };
                (tier, a.reason)
            })
            .collect())
    }

    /// Raises the alerts core suggests for the logs up to `today` (the store keeps one open
    /// alert per reason).
    pub async fn raise_alerts(&self, store: &dyn Store, today: Date) -> AppResult<()> {
        for (tier, reason) in self.alerts_found(today).await? {
            let alert = store
                .raise_alert(self.runner.id, tier, &reason, crate::auth::now())
                .await?;
            if tier == AlertTier::Critical {
                crate::webhooks::events::critical_alert(store, self.runner.id, alert).await;
            }
        }
        Ok(())
    }

    /// After a log's outcome was stored with it: each critical alert in it goes to the clinic's
    /// webhooks. The store keeps one open alert per reason, so raising it again only finds its
    /// id; a failure is logged, never shown to the runner, whose log is stored.
    pub async fn announce_critical(&self, store: &dyn Store, outcome: &LogOutcome) {
        for (tier, reason) in &outcome.alerts {
            if *tier != AlertTier::Critical {
                continue;
            }
            match store
                .raise_alert(self.runner.id, *tier, reason, outcome.now)
                .await
            {
                Ok(alert) => {
                    crate::webhooks::events::critical_alert(store, self.runner.id, alert).await
                }
                Err(err) => tracing::warn!(%err, "webhook: critical alert of a log not found"),
            }
        }
    }

    /// The weekly review dates that have come, the latest [`WEEKLY_REVIEWS_CAUGHT_UP`] of
    /// them, oldest first: every 7th day from the programme's start, counted without walking
    /// the weeks.
    pub fn weekly_dates(&self, today: Date) -> Vec<Date> {
        let start = self.programme.settings.start_date;
        let latest = i64::from((today - start).get_days()) / 7;
        let first = (latest - WEEKLY_REVIEWS_CAUGHT_UP + 1).max(1);
        (first..=latest)
            .filter_map(|week| start.checked_add(jiff::Span::new().days(7 * week)).ok())
            .collect()
    }

    /// The weekly review dates of [`Journal::weekly_dates`] with no weekly review stored yet.
    fn weekly_dates_missing(&self, stored: &[ReviewRecord], today: Date) -> Vec<Date> {
        let due = self.weekly_dates(today);
        let Some(oldest) = due.first().map(Date::to_string) else {
            return Vec::new();
        };
        // Newest first, so the reviews this far back are a prefix.
        let made: HashSet<&str> = stored
            .iter()
            .take_while(|r| r.review_date >= oldest)
            .filter(|r| r.kind == ReviewKind::Weekly)
            .map(|r| r.review_date.as_str())
            .collect();
        due.into_iter()
            .filter(|d| !made.contains(d.to_string().as_str()))
            .collect()
    }

    /// The latest weekly review as it stands when it has come due but is not stored yet (the
    /// log that completes the week or the hourly task stores it): pages show it without
    /// writing. `stored` is the runner's reviews, newest first.
    pub async fn weekly_review_pending(
        &self,
        stored: &[ReviewRecord],
        today: Date,
    ) -> AppResult<Option<(Review, ReviewStatus)>> {
        let latest = self.weekly_dates(today).pop();
        match latest {
            Some(date) if self.weekly_dates_missing(stored, today).contains(&date) => Ok(Some((
                self.review(date, ReviewKind::Weekly).await?,
                self.review_status(),
            ))),
            _ => Ok(None),
        }
    }

    /// Makes the weekly reviews that have come due and are not stored yet (at most the latest
    /// [`WEEKLY_REVIEWS_CAUGHT_UP`]). A self-directed runner's are applied to the programme at
    /// once; a clinic's runner's wait for the clinician. Returns whether a programme changed.
    pub async fn make_weekly_reviews(
        &self,
        store: &dyn Store,
        actor: &Actor,
        today: Date,
    ) -> AppResult<bool> {
        if self.hold.is_some() || self.weekly_dates(today).is_empty() {
            return Ok(false);
        }
        let mut applied = false;
        for date in self.weekly_dates_missing(&self.reviews, today) {
            let review = self.review(date, ReviewKind::Weekly).await?;
            let record = self
                .store_review(store, actor, &review, ReviewKind::Weekly)
                .await?;
            if record.status == ReviewStatus::Accepted && !applied {
                applied = apply_review(store, actor, &self.programme_record, &review).await?;
            }
        }
        Ok(applied)
    }
}

/// The hourly task's part: makes the weekly reviews due for every runner with an approved
/// programme (each as the runner, on their own today). One runner's failure is logged and the
/// rest go on. Returns how many runners were looked at.
pub async fn make_weekly_reviews_for_everyone(
    store: &dyn Store,
    clock: &crate::Clock,
) -> AppResult<usize> {
    let runners = store.runners_with_approved_programme().await?;
    for runner in &runners {
        let actor = Actor::of(runner);
        let today = clock.today_for(runner);
        let made = match Journal::load_recent(store, &actor, runner, today).await {
            Ok(Some(journal)) => journal.make_weekly_reviews(store, &actor, today).await,
            Ok(None) => Ok(false),
            Err(e) => Err(e),
        };
        if let Err(err) = made {
            tracing::warn!(runner = runner.id, %err, "weekly reviews not made");
        }
    }
    Ok(runners.len())
}

/// Applies a review the clinician has just accepted to the runner's approved programme (see
/// [`apply_review`]). Returns whether the programme changed.
pub async fn apply_accepted(
    store: &dyn Store,
    actor: &Actor,
    settled: &ReviewRecord,
) -> AppResult<bool> {
    let review: Review = serde_json::from_str(&settled.body_json)
        .map_err(|e| AppError::Internal(format!("stored review {}: {e}", settled.id)))?;
    match approved_programme(store, actor, settled.runner_id).await? {
        Some((record, _)) => apply_review(store, actor, &record, &review).await,
        None => Ok(false),
    }
}

/// Moves each item the review progresses or regresses to its new rung, as a new approved
/// programme version. Returns whether anything changed.
pub async fn apply_review(
    store: &dyn Store,
    actor: &Actor,
    record: &ProgrammeRecord,
    review: &Review,
) -> AppResult<bool> {
    let programme = record.programme().map_err(AppError::Internal)?;
    let Some(next) = progressed(&programme, review) else {
        return Ok(false);
    };
    let body_json = serde_json::to_string(&next).map_err(|e| AppError::Internal(e.to_string()))?;
    store
        .add_programme(
            actor,
            record.runner_id,
            &NewProgramme {
                assessment_id: record.assessment_id,
                status: ProgrammeStatus::Approved,
                body_json,
            },
        )
        .await?;
    Ok(true)
}

/// The programme with each item the review progresses or regresses moved to its new rung;
/// `None` when nothing moves. A move the programme refuses is logged and left out.
pub fn progressed(programme: &Programme, review: &Review) -> Option<Programme> {
    let mut programme = programme.clone();
    let mut changed = false;
    for d in &review.items {
        let moves = matches!(
            d.action,
            ProgressionAction::Progress | ProgressionAction::Regress
        );
        let (true, Some(to)) = (moves, d.to.as_ref()) else {
            continue;
        };
        let edit = ProgrammeEdit::SwapExercise {
            item: d.item_key.clone(),
            to: to.exercise_id.to_string(),
        };
        match programme::apply(&programme, edit) {
            Ok(next) => {
                programme = next;
                changed = true;
            }
            Err(e) => tracing::info!(item = %d.item_key, error = %e, "decision not applied"),
        }
    }
    changed.then_some(programme)
}
