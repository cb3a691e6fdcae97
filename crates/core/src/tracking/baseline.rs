//! The runner's usual morning pain: what each morning check-in is compared with, and where it
//! came from.
//!
//! The assessment's answer when it recorded one; otherwise the median of the check-ins of the
//! first 7 days of tracking, once there are enough of them to average a week
//! ([`ProgressionThresholds::mornings_for_weekly_average`]). Without either there is no usual
//! morning pain yet, and no morning is judged "above usual" — a missing answer is not 0/10.

use super::logs::MorningCheckIn;
use super::thresholds::ProgressionThresholds;
use super::words::pain;
use crate::assessment::values::PainScore;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Where a usual morning pain came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsualMorningSource {
    /// The assessment behind the programme (pain the morning after a run, else pain now).
    Assessment,
    /// The median of the morning check-ins of the first week of tracking.
    FirstWeek,
}

/// The usual morning pain and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UsualMorningPain {
    pub pain: PainScore,
    pub source: UsualMorningSource,
}

/// What the rules compare mornings with: `None` until a usual morning pain is known.
pub type MorningBaseline = Option<UsualMorningPain>;

impl From<PainScore> for MorningBaseline {
    /// A usual morning pain recorded by the assessment.
    fn from(pain: PainScore) -> Self {
        Some(UsualMorningPain {
            pain,
            source: UsualMorningSource::Assessment,
        })
    }
}

impl UsualMorningPain {
    /// The assessment's value when it has one, else the median of the check-ins dated in the
    /// first 7 days from `since` (the programme's start), once at least
    /// `mornings_for_weekly_average` of them exist. An even count takes the lower middle value
    /// (our choice: a morning is then sooner "above usual", the cautious side).
    pub fn choose(
        from_assessment: Option<PainScore>,
        mornings: &[MorningCheckIn],
        since: Date,
        t: &ProgressionThresholds,
    ) -> MorningBaseline {
        if let Some(pain) = from_assessment {
            return pain.into();
        }
        let last = since.checked_add(6.days()).ok()?;
        let mut first_week: Vec<PainScore> = mornings
            .iter()
            .filter(|m| (since..=last).contains(&m.date))
            .map(|m| m.morning_pain)
            .collect();
        if (first_week.len() as f64) < t.mornings_for_weekly_average.value.max(1.0) {
            return None;
        }
        first_week.sort_by_key(|p| p.get());
        let pain = first_week[(first_week.len() - 1) / 2];
        Some(UsualMorningPain {
            pain,
            source: UsualMorningSource::FirstWeek,
        })
    }

    /// "your usual 2/10 (from the assessment)".
    pub fn words(&self) -> String {
        format!(
            "your usual {} ({})",
            pain(self.pain.get()),
            self.source_words()
        )
    }

    /// Where it came from, in words.
    pub fn source_words(&self) -> &'static str {
        match self.source {
            UsualMorningSource::Assessment => "from the assessment",
            UsualMorningSource::FirstWeek => "the middle of your first week's check-ins",
        }
    }
}
