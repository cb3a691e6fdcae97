//! The summary at the top of a runner's record for the clinician: programme status, pain trend,
//! adherence, latest findings, what is waiting and the next re-test, in the third person.
//!
//! Pain, trend, adherence and the re-test come from the caseload's line for the runner (one
//! rule for both pages), worked out from the runner's journal (one read); findings from the
//! newest finished assessment, as core scored them.

use crate::caseload::{LineBasis, line};
use crate::clinic_settings::progression_thresholds;
use crate::clock::local_time;
use crate::error::AppResult;
use crate::tracking::journal::Journal;
use backstride_core::assessment::AssessmentResult;
use backstride_core::assessment::findings::Severity;
use backstride_core::tracking::TrackingLogs;
use backstride_store::{
    Actor, AssessmentKind, AssessmentRecord, AssessmentStatus, ProgrammeStatus, ReviewRecord,
    ReviewStatus, RunnerRecords, Store, User,
};

/// Findings listed in the summary. **Our choice**: the few worth a glance; the rest are a link away.
const FINDINGS_SHOWN: usize = 4;

/// A link to act on.
pub struct Act {
    pub href: String,
    pub label: String,
}

/// The clinician's summary of a runner.
pub struct RecordSummary {
    pub status: String,
    pub pain: String,
    pub trend: &'static str,
    pub adherence: String,
    pub findings: Vec<String>,
    pub findings_href: Option<String>,
    pub waiting: Vec<Act>,
    pub retest: String,
}

fn severity_words(s: Severity) -> &'static str {
    match s {
        Severity::Priority => "work on first",
        Severity::NeedsAttention => "needs attention",
        Severity::Fine => "fine",
    }
}

/// The newest finished assessment's findings that are not fine, most pressing first.
fn findings(assessments: &[AssessmentRecord]) -> (Vec<String>, Option<String>) {
    let Some(latest) = assessments
        .iter()
        .find(|a| a.status == AssessmentStatus::Complete)
    else {
        return (Vec::new(), None);
    };
    let href = Some(format!("/assessments/{}", latest.id));
    let Some(result) = latest
        .result_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<AssessmentResult>(j).ok())
    else {
        return (Vec::new(), href);
    };
    let mut found: Vec<_> = result
        .findings()
        .filter(|f| f.severity != Severity::Fine)
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let lines = found
        .iter()
        .take(FINDINGS_SHOWN)
        .map(|f| {
            let side = f
                .side
                .map(|s| format!(" ({})", format!("{s:?}").to_lowercase()))
                .unwrap_or_default();
            format!("{}{side}: {}", f.test_name, severity_words(f.severity))
        })
        .collect();
    (lines, href)
}

/// The summary of the runner whose record `records` holds, as `actor` (staff of the runner's
/// clinic) sees it, from the record's one read.
pub async fn summary(
    store: &dyn Store,
    clock: &crate::Clock,
    actor: &Actor,
    viewer: &User,
    records: &RunnerRecords,
) -> AppResult<RecordSummary> {
    let runner = &records.journal.runner;
    let programmes = &records.programmes;
    let waiting_reviews: Vec<&ReviewRecord> = records
        .journal
        .reviews
        .iter()
        .filter(|r| r.status == ReviewStatus::Suggested)
        .collect();
    let assessments = &records.journal.assessments;
    let retests_at: Vec<i64> = assessments
        .iter()
        .filter(|a| a.kind == AssessmentKind::Retest && a.status == AssessmentStatus::Complete)
        .map(|a| a.created_at)
        .collect();
    let (findings, findings_href) = findings(assessments);
    let journal = Journal::from_records(store, actor, records.journal.clone()).await?;
    let (none, defaults) = (TrackingLogs::default(), progression_thresholds(None));
    let case = line(&LineBasis {
        runner,
        programme: journal.as_ref().map(|j| j.programme.as_ref()),
        logs: journal.as_ref().map_or(&none, |j| j.logs.as_ref()),
        thresholds: journal.as_ref().map_or(&defaults, |j| &j.thresholds),
        retests_at: &retests_at,
        alerts: &[],
        waiting: waiting_reviews.len() as i64,
        today: clock.today_for(runner),
    });
    let approved = programmes
        .iter()
        .find(|p| p.status == ProgrammeStatus::Approved);
    let status = match approved {
        Some(p) => format!(
            "On programme version {}, approved {}.",
            p.version,
            local_time(p.approved_at.unwrap_or(p.created_at), &viewer.time_zone)
        ),
        None => "No approved programme yet.".to_owned(),
    };
    let mut waiting: Vec<Act> = waiting_reviews
        .iter()
        .map(|r| Act {
            href: format!("/reviews/{}", r.id),
            label: format!(
                "Decide the {} of {}",
                match r.kind {
                    backstride_store::ReviewKind::Weekly => "weekly review",
                    backstride_store::ReviewKind::AfterDay => "day's decision",
                },
                r.review_date
            ),
        })
        .collect();
    if let Some(p) = programmes
        .iter()
        .find(|p| p.status == ProgrammeStatus::Suggested)
    {
        waiting.push(Act {
            href: format!("/programmes/{}", p.id),
            label: format!("Review and approve programme version {}", p.version),
        });
    }
    Ok(RecordSummary {
        status,
        pain: case.pain,
        trend: case.trend,
        adherence: case.adherence,
        findings,
        findings_href,
        waiting,
        retest: case.retest,
    })
}
