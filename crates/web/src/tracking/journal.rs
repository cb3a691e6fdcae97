//! A runner's tracking record as core needs it: the approved programme, every log, the usual
//! morning pain and the clinic's cut-offs — and what happens after a log is stored (the day's
//! review, weekly reviews that have come due, alerts for the clinician, decisions applied).

use crate::clinic_settings::{clinic_of, progression_thresholds};
use crate::error::{AppError, AppResult};
use backstride_core::assessment::values::PainScore;
use backstride_core::assessment::{Assessment, validate};
use backstride_core::programme::{self, Programme, ProgrammeEdit};
use backstride_core::tracking::{
    self, MorningBaseline, MorningCheckIn, ProgressionAction, ProgressionThresholds, Review,
    RunLog, SessionLog, TrackingLogs, UsualMorningPain,
};
use backstride_store::{
    Actor, AlertTier, Clinic, LogKind, LogRecord, NewProgramme, NewReview, ProgrammeRecord,
    ProgrammeStatus, ReviewKind, ReviewRecord, ReviewStatus, Store, User,
};
use jiff::civil::Date;

/// How far back the record is read: the review window plus the back-fill allowance, with room
/// for the weekly comparison and the charts.
pub const HISTORY_DAYS: i64 = 120;

/// Everything the rules need about one runner.
pub struct Journal {
    pub runner: User,
    pub clinic: Option<Clinic>,
    pub programme_record: ProgrammeRecord,
    pub programme: Programme,
    pub records: Vec<LogRecord>,
    pub logs: TrackingLogs,
    /// The usual morning pain and where it came from: the assessment behind the programme (our
    /// choice: the "next morning after a run" answer, else pain now), else the median of the
    /// first week's check-ins; `None` while neither exists.
    pub baseline_morning: MorningBaseline,
    pub thresholds: ProgressionThresholds,
}

/// Today in the runner's own time zone.
pub fn today_for(user: &User) -> Date {
    jiff::Timestamp::now()
        .to_zoned(user.time_zone.zone())
        .date()
}

pub fn days_before(date: Date, n: i64) -> Date {
    date.checked_sub(jiff::Span::new().days(n)).unwrap_or(date)
}

/// Reads a stored log into `logs` (a log that no longer parses is logged and skipped).
fn add_to(logs: &mut TrackingLogs, record: &LogRecord) {
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

/// The runner's approved programme, if there is one.
pub async fn approved_programme(
    store: &dyn Store,
    actor: &Actor,
    runner_id: i64,
) -> AppResult<Option<(ProgrammeRecord, Programme)>> {
    let versions = store.programmes_of(actor, runner_id).await?;
    let Some(record) = versions
        .into_iter()
        .find(|p| p.status == ProgrammeStatus::Approved)
    else {
        return Ok(None);
    };
    let programme = serde_json::from_str(&record.body_json)
        .map_err(|e| AppError::Internal(format!("stored programme {}: {e}", record.id)))?;
    Ok(Some((record, programme)))
}

/// The usual morning pain the assessment a programme was made from recorded, if any.
async fn assessment_morning_pain(
    store: &dyn Store,
    actor: &Actor,
    record: &ProgrammeRecord,
) -> AppResult<Option<PainScore>> {
    let Some(id) = record.assessment_id else {
        return Ok(None);
    };
    let assessment = store.assessment(actor, id).await?;
    let raw: Assessment = serde_json::from_str(&assessment.raw_json).unwrap_or_default();
    let baseline = validate(&raw).ok().and_then(|v| v.baseline);
    Ok(baseline.and_then(|b| b.pain_next_morning.or(b.pain_now)))
}

impl Journal {
    /// Loads the record as `actor` sees it; `None` when there is no approved programme yet.
    pub async fn load(
        store: &dyn Store,
        actor: &Actor,
        runner: &User,
        today: Date,
    ) -> AppResult<Option<Journal>> {
        let Some((programme_record, programme)) =
            approved_programme(store, actor, runner.id).await?
        else {
            return Ok(None);
        };
        let since = days_before(today, HISTORY_DAYS).to_string();
        let records = store.logs_of(actor, runner.id, &since).await?;
        let mut logs = TrackingLogs::default();
        for r in &records {
            add_to(&mut logs, r);
        }
        let clinic = clinic_of(store, runner.id).await?;
        let thresholds = progression_thresholds(clinic.as_ref());
        let baseline_morning = UsualMorningPain::choose(
            assessment_morning_pain(store, actor, &programme_record).await?,
            &logs.mornings,
            programme.settings.start_date,
            &thresholds,
        );
        Ok(Some(Journal {
            baseline_morning,
            thresholds,
            runner: runner.clone(),
            clinic,
            programme_record,
            programme,
            records,
            logs,
        }))
    }

    /// A clinic's runner gets suggestions for the clinician; a self-directed runner's are final.
    fn review_status(&self) -> ReviewStatus {
        if self.runner.clinic_id.is_some() {
            ReviewStatus::Suggested
        } else {
            ReviewStatus::Accepted
        }
    }

    async fn store_review(
        &self,
        store: &dyn Store,
        actor: &Actor,
        review: &Review,
        kind: ReviewKind,
    ) -> AppResult<ReviewRecord> {
        let body_json =
            serde_json::to_string(review).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(store
            .save_review(
                actor,
                self.runner.id,
                &NewReview {
                    programme_id: self.programme_record.id,
                    review_date: review.date.to_string(),
                    kind,
                    status: self.review_status(),
                    body_json,
                },
            )
            .await?)
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
        let review = tracking::after_day(
            &self.programme,
            &self.logs,
            self.baseline_morning,
            day,
            &self.thresholds,
        );
        self.store_review(store, actor, &review, ReviewKind::AfterDay)
            .await?;
        self.raise_alerts(store, today).await?;
        Ok(review)
    }

    /// Raises the alerts core suggests for the logs up to `today` (the store keeps one open
    /// alert per reason).
    pub async fn raise_alerts(&self, store: &dyn Store, today: Date) -> AppResult<()> {
        if self.runner.clinic_id.is_none() {
            return Ok(());
        }
        let found = tracking::alerts(
            &self.logs,
            self.baseline_morning,
            self.programme.settings.start_date,
            today,
            &self.thresholds,
        );
        for a in found {
            let tier = match a.tier {
                tracking::AlertTier::Critical => AlertTier::Critical,
                tracking::AlertTier::High => AlertTier::High,
                tracking::AlertTier::Low => AlertTier::Low,
            };
            store
                .raise_alert(self.runner.id, tier, &a.reason, crate::auth::now())
                .await?;
        }
        Ok(())
    }

    /// The weekly review dates that have come: every 7th day from the programme's start.
    pub fn weekly_dates(&self, today: Date) -> Vec<Date> {
        let start = self.programme.settings.start_date;
        (1..)
            .map(|week| start.checked_add(jiff::Span::new().days(7 * week)).ok())
            .take_while(|d| d.is_some_and(|d| d <= today))
            .flatten()
            .collect()
    }

    /// Makes the weekly reviews that have come due and are not stored yet. A self-directed
    /// runner's are applied to the programme at once; a clinic's runner's wait for the
    /// clinician. Returns the newest programme when one was applied.
    pub async fn weekly_reviews_due(
        &self,
        store: &dyn Store,
        actor: &Actor,
        today: Date,
    ) -> AppResult<bool> {
        let stored = store.reviews_of(actor, self.runner.id).await?;
        let mut applied = false;
        for date in self.weekly_dates(today) {
            let exists = stored
                .iter()
                .any(|r| r.kind == ReviewKind::Weekly && r.review_date == date.to_string());
            if exists {
                continue;
            }
            let review = tracking::weekly_review(
                &self.programme,
                &self.logs,
                self.baseline_morning,
                date,
                &self.thresholds,
            );
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
    let mut programme: Programme = serde_json::from_str(&record.body_json)
        .map_err(|e| AppError::Internal(format!("stored programme {}: {e}", record.id)))?;
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
    if changed {
        let body_json =
            serde_json::to_string(&programme).map_err(|e| AppError::Internal(e.to_string()))?;
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
    }
    Ok(changed)
}
