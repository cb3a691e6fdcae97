//! A programme on hold after a red flag: when the runner's newest finished assessment stopped
//! at the red-flag screen (an emergency sign, or a see-a-doctor sign no clinician has cleared),
//! every programme made before it is suspended at once — Today shows the referral instead of
//! exercises, nothing is logged or reviewed against it, no older suggestion can be built or
//! approved, every version's page says so, its calendar (file or subscription) holds only a note
//! and its handout is refused — until a later assessment passes the screen (CLINICAL.md §0).

use crate::assessment::results::{ReferralView, referral};
use crate::error::AppResult;
use backstride_core::assessment::{AssessmentResult, Referral};
use backstride_store::{Actor, AssessmentRecord, AssessmentStatus, Store};

/// Why the runner's programme is on hold, from the assessment that stopped.
#[derive(Clone)]
pub struct RedFlagHold {
    /// The assessment that stopped at the red-flag screen.
    pub assessment_id: i64,
    pub emergency: bool,
    /// The emergency or see-a-doctor referrals, with the answers behind them.
    pub referrals: Vec<ReferralView>,
}

impl RedFlagHold {
    /// Why something cannot be done while the hold lasts, and what lifts it.
    pub fn refusal(&self) -> String {
        let sign = if self.emergency {
            "an emergency warning sign"
        } else {
            "a warning sign that needs a doctor's check"
        };
        format!(
            "The programme is on hold: assessment #{} stopped at {sign}. It starts again once a \
             new assessment passes the red-flag screen (a clinician clears the sign after the \
             doctor's check).",
            self.assessment_id
        )
    }

    /// The results page of the assessment that stopped, where the referral is explained.
    pub fn results_path(&self) -> String {
        format!("/assessments/{}", self.assessment_id)
    }
}

/// The hold on `runner_id`'s programmes, if their newest finished assessment stopped at a red
/// flag. Read through the audited assessment list, as `actor`.
pub async fn red_flag_hold(
    store: &dyn Store,
    actor: &Actor,
    runner_id: i64,
) -> AppResult<Option<RedFlagHold>> {
    Ok(hold_in(&store.assessments_of(actor, runner_id).await?))
}

/// The hold the runner's `assessments` (any order; the newest among them count) put on their
/// programmes, if any.
pub fn hold_in(assessments: &[AssessmentRecord]) -> Option<RedFlagHold> {
    let newest = assessments
        .iter()
        .filter(|a| {
            matches!(
                a.status,
                AssessmentStatus::Complete | AssessmentStatus::Stopped
            )
        })
        .max_by_key(|a| (a.updated_at, a.id));
    let stopped = newest.filter(|a| a.status == AssessmentStatus::Stopped)?;
    let result: Option<AssessmentResult> = stopped
        .result_json
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let referrals: Vec<ReferralView> = result
        .as_ref()
        .map(|r| {
            r.referrals
                .iter()
                .filter(|k| matches!(k, Referral::Emergency | Referral::SeeDoctor))
                .map(|k| referral(*k, r))
                .collect()
        })
        .unwrap_or_default();
    Some(RedFlagHold {
        assessment_id: stopped.id,
        emergency: result
            .as_ref()
            .is_some_and(|r| r.referrals.contains(&Referral::Emergency)),
        referrals,
    })
}
