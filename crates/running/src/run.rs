//! The run model: a decoded FIT file split into sessions, running sessions summarised per run,
//! per lap and per kilometre split, with spring-mass estimates and form flags. Other sports are
//! listed with the reason they were skipped.

use serde::Serialize;

use crate::fit::{self, DecodeOptions, FitError, FitFile, Record, SummaryMessage, profile};
use crate::metrics::{FormFlag, FormThresholds, Stats, form_flags};
use crate::spring_mass::{self, Body, SpringMassEstimate};

/// Records further apart than this are a pause, not moving time, s. **Our choice** (smart
/// recording writes a record at least every few seconds while moving).
pub const MOVING_MAX_GAP_S: u32 = 30;

/// Below this speed a runner is standing, not moving, m/s. **Our choice** (slow walking is about
/// 1 m/s).
pub const MOVING_MIN_SPEED_MPS: f64 = 0.5;

/// Length of the distance splits, m.
pub const SPLIT_M: f64 = 1000.0;

/// Settings for [`analyze`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AnalyzeOptions {
    /// The runner's mass and height, for forces in newtons and stiffness.
    pub body: Body,
    /// Form-flag thresholds.
    pub thresholds: FormThresholds,
}

/// Where a metric's values came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricSource {
    /// The watch's own FIT field.
    Native,
    /// A Stryd (or Garmin Running Power) developer field.
    Stryd,
    /// RunScribe developer fields.
    RunScribe,
    /// Computed from other metrics (e.g. step length from speed and cadence).
    Derived,
}

/// One record reduced to the running metrics we summarise.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sample {
    timestamp: Option<u32>,
    distance: Option<f64>,
    speed: Option<f64>,
    heart_rate: Option<f64>,
    cadence_spm: Option<f64>,
    gct_ms: Option<(f64, MetricSource)>,
    balance: Option<(f64, MetricSource)>,
    vo_mm: Option<(f64, MetricSource)>,
    vr_pct: Option<(f64, MetricSource)>,
    step_mm: Option<(f64, MetricSource)>,
    power: Option<(f64, MetricSource)>,
    lss: Option<f64>,
}

fn pos(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite() && *v > 0.0)
}

impl Sample {
    fn from_record(r: &Record) -> Sample {
        use MetricSource::{Derived, Native, RunScribe, Stryd};
        let speed = r
            .enhanced_speed
            .or(r.speed)
            .filter(|v| v.is_finite() && *v >= 0.0);
        let cadence_spm = pos(r.cadence).map(|c| 2.0 * (c + r.fractional_cadence.unwrap_or(0.0)));
        let rs = match (pos(r.dev.contact_time_left), pos(r.dev.contact_time_right)) {
            (Some(l), Some(rr)) => Some((l, rr)),
            _ => None,
        };
        let gct_ms = pos(r.stance_time)
            .map(|v| (v, Native))
            .or(pos(r.dev.ground_time).map(|v| (v, Stryd)))
            .or(rs.map(|(l, rr)| ((l + rr) / 2.0, RunScribe)));
        let balance = r
            .stance_time_balance
            .filter(|b| *b > 0.0 && *b < 100.0)
            .map(|v| (v, Native))
            .or(rs.map(|(l, rr)| (100.0 * l / (l + rr), RunScribe)));
        let vo_mm = pos(r.vertical_oscillation)
            .map(|v| (v, Native))
            .or(pos(r.dev.vertical_oscillation).map(|v| (v, Stryd)));
        let step_mm = pos(r.step_length)
            .map(|v| (v, Native))
            .or(match (pos(speed), cadence_spm) {
                (Some(v), Some(c)) => Some((v * 60.0 / c * 1000.0, Derived)),
                _ => None,
            });
        let vr_pct = pos(r.vertical_ratio)
            .map(|v| (v, Native))
            .or(match (vo_mm, step_mm) {
                (Some((vo, _)), Some((sl, _))) => Some((100.0 * vo / sl, Derived)),
                _ => None,
            });
        let power = r.power.filter(|p| p.is_finite()).map(|v| (v, Native)).or(r
            .dev
            .power
            .filter(|p| p.is_finite())
            .map(|v| (v, Stryd)));
        Sample {
            timestamp: r.timestamp,
            distance: r.distance,
            speed,
            heart_rate: pos(r.heart_rate),
            cadence_spm,
            gct_ms,
            balance,
            vo_mm,
            vr_pct,
            step_mm,
            power,
            lss: pos(r.dev.leg_spring_stiffness),
        }
    }
}

/// Summaries of every running metric over a stretch of records.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MetricSummary {
    /// Speed, m/s.
    pub speed_mps: Option<Stats>,
    /// Heart rate, bpm.
    pub heart_rate_bpm: Option<Stats>,
    /// Cadence, steps/min (2 × (cadence + fractional_cadence)).
    pub cadence_spm: Option<Stats>,
    /// Ground contact time, ms.
    pub ground_contact_ms: Option<Stats>,
    /// Ground contact time balance, % on the left foot.
    pub gct_balance_left_pct: Option<Stats>,
    /// Vertical oscillation, mm.
    pub vertical_oscillation_mm: Option<Stats>,
    /// Vertical ratio, % (oscillation / step length).
    pub vertical_ratio_pct: Option<Stats>,
    /// Step length, mm.
    pub step_length_mm: Option<Stats>,
    /// Power, W.
    pub power_w: Option<Stats>,
    /// Stryd leg spring stiffness, kN/m.
    pub leg_spring_stiffness_kn_per_m: Option<Stats>,
}

/// Statistics of one metric over `samples`, gathered in `scratch` (reused between metrics so a
/// summary allocates once).
fn stats_of<'s>(
    samples: impl Iterator<Item = &'s Sample>,
    scratch: &mut Vec<f64>,
    f: impl Fn(&Sample) -> Option<f64>,
) -> Option<Stats> {
    scratch.clear();
    scratch.extend(samples.filter_map(f));
    Stats::from_values(scratch)
}

impl MetricSummary {
    /// Summaries over `samples` (a slice's iterator, or a lap's picks from one).
    fn from_samples<'s>(samples: impl Iterator<Item = &'s Sample> + Clone) -> MetricSummary {
        let s = || samples.clone();
        let scratch = &mut Vec::with_capacity(samples.size_hint().0);
        MetricSummary {
            speed_mps: stats_of(s(), scratch, |x| x.speed),
            heart_rate_bpm: stats_of(s(), scratch, |x| x.heart_rate),
            cadence_spm: stats_of(s(), scratch, |x| x.cadence_spm),
            ground_contact_ms: stats_of(s(), scratch, |x| x.gct_ms.map(|v| v.0)),
            gct_balance_left_pct: stats_of(s(), scratch, |x| x.balance.map(|v| v.0)),
            vertical_oscillation_mm: stats_of(s(), scratch, |x| x.vo_mm.map(|v| v.0)),
            vertical_ratio_pct: stats_of(s(), scratch, |x| x.vr_pct.map(|v| v.0)),
            step_length_mm: stats_of(s(), scratch, |x| x.step_mm.map(|v| v.0)),
            power_w: stats_of(s(), scratch, |x| x.power.map(|v| v.0)),
            leg_spring_stiffness_kn_per_m: stats_of(s(), scratch, |x| x.lss),
        }
    }

    fn median(s: &Option<Stats>) -> Option<f64> {
        s.as_ref().map(|s| s.median)
    }

    fn spring_mass(&self, body: &Body) -> Option<SpringMassEstimate> {
        spring_mass::estimate(
            Self::median(&self.cadence_spm)?,
            Self::median(&self.ground_contact_ms)?,
            Self::median(&self.speed_mps),
            body,
        )
    }
}

/// Which source each running-dynamics metric came from (the most common one in the run).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct MetricSources {
    /// Ground contact time.
    pub ground_contact: Option<MetricSource>,
    /// Ground contact balance.
    pub gct_balance: Option<MetricSource>,
    /// Vertical oscillation.
    pub vertical_oscillation: Option<MetricSource>,
    /// Vertical ratio.
    pub vertical_ratio: Option<MetricSource>,
    /// Step length.
    pub step_length: Option<MetricSource>,
    /// Power.
    pub power: Option<MetricSource>,
}

fn main_source(
    samples: &[Sample],
    f: impl Fn(&Sample) -> Option<(f64, MetricSource)>,
) -> Option<MetricSource> {
    let mut counts = [0usize; 4];
    for s in samples {
        if let Some((_, src)) = f(s) {
            let i = src as usize;
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
        }
    }
    let all = [
        MetricSource::Native,
        MetricSource::Stryd,
        MetricSource::RunScribe,
        MetricSource::Derived,
    ];
    let (best, count) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (**c, usize::MAX - i))?;
    (*count > 0).then(|| all.get(best).copied()).flatten()
}

/// A lap or a distance split of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// 1-based number.
    pub number: usize,
    /// Seconds from the run's start to the segment's start.
    pub start_offset_s: Option<f64>,
    /// Duration, s.
    pub duration_s: Option<f64>,
    /// Distance, m.
    pub distance_m: Option<f64>,
    /// Pace, s/km.
    pub pace_s_per_km: Option<f64>,
    /// Metrics over the segment's records.
    pub metrics: MetricSummary,
    /// Spring-mass estimate from the segment's medians.
    pub spring_mass: Option<SpringMassEstimate>,
}

/// One running session with its metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// Index of the session in the file (0-based), or 0 for a file without sessions.
    pub session_index: usize,
    /// Start, UTC, RFC 3339.
    pub start_time: Option<String>,
    /// Start, Unix seconds.
    pub start_unix: Option<i64>,
    /// FIT sport name ("running").
    pub sport: String,
    /// FIT sub-sport name (e.g. "trail", "treadmill").
    pub sub_sport: Option<String>,
    /// Elapsed (wall-clock) time, s.
    pub elapsed_s: Option<f64>,
    /// Timer time (excluding pauses), s.
    pub timer_s: Option<f64>,
    /// Moving time from the records (see [`MOVING_MIN_SPEED_MPS`], [`MOVING_MAX_GAP_S`]), s.
    pub moving_s: Option<f64>,
    /// Distance, m.
    pub distance_m: Option<f64>,
    /// Average pace over moving (else timer) time, s/km.
    pub pace_s_per_km: Option<f64>,
    /// Number of records in the run.
    pub records: usize,
    /// Metric distributions over the whole run.
    pub metrics: MetricSummary,
    /// Where the running-dynamics values came from.
    pub sources: MetricSources,
    /// Spring-mass estimate from the run's median cadence, GCT and speed.
    pub spring_mass: Option<SpringMassEstimate>,
    /// Form flags from the run's medians.
    pub flags: Vec<FormFlag>,
    /// The device's laps.
    pub laps: Vec<Segment>,
    /// Per-kilometre splits (the last one may be shorter).
    pub splits: Vec<Segment>,
}

/// A session that is not a run, and why it has no running metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedSession {
    /// Index of the session in the file.
    pub session_index: usize,
    /// Start, UTC, RFC 3339.
    pub start_time: Option<String>,
    /// FIT sport name or number.
    pub sport: String,
    /// Why it was skipped.
    pub reason: String,
}

/// Everything `analyze` found in one FIT file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// FIT manufacturer id of the recording device.
    pub manufacturer: Option<u16>,
    /// FIT product id.
    pub product: Option<u16>,
    /// Number of chained FIT segments.
    pub segments: usize,
    /// Running sessions with metrics.
    pub runs: Vec<Run>,
    /// Other sessions.
    pub skipped: Vec<SkippedSession>,
    /// Non-fatal problems (e.g. a CRC mismatch that was tolerated).
    pub warnings: Vec<String>,
}

/// RFC 3339 UTC text for a FIT time.
pub fn fit_time_rfc3339(t: u32) -> Option<String> {
    let unix = fit::fit_time_to_unix(t)?;
    // Whole seconds in UTC print as `2024-05-01T07:00:00Z`, as stored since the first import.
    Some(jiff::Timestamp::from_second(unix).ok()?.to_string())
}

fn sport_label(sport: Option<u8>) -> String {
    match sport {
        Some(v) => profile::sport_name(v).map_or_else(|| format!("sport {v}"), str::to_owned),
        None => "unknown".to_owned(),
    }
}

/// Decodes a FIT file and analyses its runs. A file CRC mismatch is tolerated with a warning
/// (the data are usually fine); every other decoding error is returned.
pub fn analyze(bytes: &[u8], options: &AnalyzeOptions) -> Result<Analysis, FitError> {
    // The tolerated mismatch comes back as a warning of the decoder.
    let file = match fit::parse(bytes, DecodeOptions::default()) {
        Ok(f) => f,
        Err(FitError::FileCrc { .. } | FitError::HeaderCrc { .. }) => {
            fit::parse(bytes, DecodeOptions { check_crc: false })?
        }
        Err(e) => return Err(e),
    };
    Ok(analyze_file(&file, options))
}

/// Positions of timed items (records, laps, samples) by time, to find the items inside a
/// session's or lap's time window without scanning everything once per window.
///
/// Real sessions and laps split the time between them, so their windows hold about as many
/// items as there are. A crafted file can give thousands of laps or sessions the same window
/// over every record, which made the analysis quadratic (minutes for 100 kB). Windows are
/// served until `budget` items have been handed out; past it they come back empty.
struct TimeIndex {
    /// (time, position), sorted.
    by_time: Vec<(u32, usize)>,
    budget: usize,
}

impl TimeIndex {
    fn new(times: impl Iterator<Item = Option<u32>>) -> TimeIndex {
        let mut by_time: Vec<(u32, usize)> = times
            .enumerate()
            .filter_map(|(i, t)| Some((t?, i)))
            .collect();
        by_time.sort_unstable();
        let budget = by_time.len().saturating_mul(4).saturating_add(100_000);
        TimeIndex { by_time, budget }
    }

    /// Positions of the items timed in `start..=end`, in their original order; `None` once the
    /// budget is spent.
    fn window(&mut self, start: u32, end: u32) -> Option<Vec<usize>> {
        let lo = self.by_time.partition_point(|&(t, _)| t < start);
        let hi = self.by_time.partition_point(|&(t, _)| t <= end);
        let found = self.by_time.get(lo..hi).unwrap_or(&[]);
        self.budget = self.budget.checked_sub(found.len())?;
        let mut positions: Vec<usize> = found.iter().map(|&(_, i)| i).collect();
        positions.sort_unstable();
        Some(positions)
    }

    /// The items of `items` in the window, in order (none once the budget is spent).
    fn select<'a, T>(&mut self, items: &'a [T], start: u32, end: u32) -> Vec<&'a T> {
        self.window(start, end)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|i| items.get(i))
            .collect()
    }
}

fn window(s: &SummaryMessage) -> Option<(u32, u32)> {
    let start = s.start_time?;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped"
    )]
    let len = s
        .total_elapsed_time
        .map_or(0, |e| e.clamp(0.0, f64::from(u32::MAX)).ceil() as u32);
    let end = s.timestamp.unwrap_or(0).max(start.saturating_add(len));
    Some((start, end))
}

/// Analyses an already decoded file.
pub fn analyze_file(file: &FitFile, options: &AnalyzeOptions) -> Analysis {
    let mut analysis = Analysis {
        manufacturer: file.file_id.and_then(|f| f.manufacturer),
        product: file.file_id.and_then(|f| f.product),
        segments: file.segments,
        runs: Vec::new(),
        skipped: Vec::new(),
        warnings: file.warnings.iter().map(ToString::to_string).collect(),
    };
    let mut sessions: Vec<SummaryMessage> = file.sessions.clone();
    if sessions.is_empty() {
        if file.records.is_empty() {
            return analysis;
        }
        // No session message (e.g. a file cut short): treat the records as one session with
        // the sport of the sport message or the first lap.
        let sport = file
            .sports
            .first()
            .map(|s| (s.sport, s.sub_sport))
            .or(file.laps.first().map(|l| (l.sport, l.sub_sport)))
            .unwrap_or((None, None));
        analysis
            .warnings
            .push("no session message; the records are treated as one".to_owned());
        sessions.push(SummaryMessage {
            sport: sport.0,
            sub_sport: sport.1,
            start_time: file.records.iter().find_map(|r| r.timestamp),
            timestamp: file.records.iter().rev().find_map(|r| r.timestamp),
            ..SummaryMessage::default()
        });
    }
    let single = sessions.len() == 1;
    // Built on first use: a single session takes every record and lap without them.
    let mut record_times = None;
    let mut lap_times = None;
    for (i, s) in sessions.iter().enumerate() {
        if s.sport != Some(profile::SPORT_RUNNING) {
            analysis.skipped.push(SkippedSession {
                session_index: i,
                start_time: s.start_time.and_then(fit_time_rfc3339),
                sport: sport_label(s.sport),
                reason: if s.sport.is_none() {
                    "the session does not say its sport; running metrics need a running session"
                        .to_owned()
                } else {
                    "running metrics are computed for running sessions only".to_owned()
                },
            });
            continue;
        }
        let win = window(s);
        let records: Vec<&Record> = match win {
            _ if single => file.records.iter().collect(),
            Some((a, b)) => record_times
                .get_or_insert_with(|| TimeIndex::new(file.records.iter().map(|r| r.timestamp)))
                .select(&file.records, a, b),
            None => Vec::new(),
        };
        let laps: Vec<&SummaryMessage> = match (s.first_lap_index, s.num_laps, win) {
            (Some(first), Some(n), _)
                if usize::from(first) + usize::from(n) <= file.laps.len() && n > 0 =>
            {
                file.laps
                    .iter()
                    .skip(usize::from(first))
                    .take(usize::from(n))
                    .collect()
            }
            _ if single => file.laps.iter().collect(),
            (_, _, Some((a, b))) => lap_times
                .get_or_insert_with(|| TimeIndex::new(file.laps.iter().map(|l| l.start_time)))
                .select(&file.laps, a, b),
            _ => Vec::new(),
        };
        analysis
            .runs
            .push(build_run(i, s, &records, &laps, options));
    }
    analysis
}

fn pace(duration_s: Option<f64>, distance_m: Option<f64>) -> Option<f64> {
    match (duration_s, distance_m) {
        (Some(t), Some(d)) if d > 0.0 && t > 0.0 => Some(t / d * 1000.0),
        _ => None,
    }
}

fn moving_time(samples: &[Sample]) -> Option<f64> {
    let with_speed = samples.iter().filter(|s| s.speed.is_some()).count();
    if with_speed == 0 || with_speed * 2 < samples.len() {
        return None;
    }
    let mut total = 0u64;
    let mut prev: Option<u32> = None;
    for s in samples {
        let Some(t) = s.timestamp else { continue };
        if let Some(p) = prev {
            let dt = t.saturating_sub(p);
            if dt <= MOVING_MAX_GAP_S && s.speed.is_some_and(|v| v >= MOVING_MIN_SPEED_MPS) {
                total = total.saturating_add(u64::from(dt));
            }
        }
        prev = Some(t);
    }
    #[expect(clippy::cast_precision_loss, reason = "seconds in an activity")]
    Some(total as f64)
}

fn segment_of<'s>(
    number: usize,
    run_start: Option<u32>,
    start: Option<u32>,
    duration_s: Option<f64>,
    distance_m: Option<f64>,
    samples: impl Iterator<Item = &'s Sample> + Clone,
    body: &Body,
) -> Segment {
    let metrics = MetricSummary::from_samples(samples);
    Segment {
        number,
        start_offset_s: match (run_start, start) {
            (Some(a), Some(b)) => Some(f64::from(b) - f64::from(a)),
            _ => None,
        },
        duration_s,
        distance_m,
        pace_s_per_km: pace(duration_s, distance_m),
        spring_mass: metrics.spring_mass(body),
        metrics,
    }
}

fn splits(samples: &[Sample], run_start: Option<u32>, body: &Body) -> Vec<Segment> {
    /// Protects against a corrupt distance jumping to absurd values.
    const MAX_SPLITS: usize = 10_000;
    let Some(d0) = samples.iter().find_map(|s| s.distance) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut current = 0usize;
    let mut begin = 0usize;
    let mut begin_time = samples.first().and_then(|s| s.timestamp);
    let mut last_distance = d0;
    for (i, s) in samples.iter().enumerate() {
        let Some(d) = s.distance else { continue };
        last_distance = last_distance.max(d);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped"
        )]
        let idx = ((d - d0) / SPLIT_M).clamp(0.0, 1e9).floor() as usize;
        if idx > current && out.len() < MAX_SPLITS {
            let duration = match (begin_time, s.timestamp) {
                (Some(a), Some(b)) => Some(f64::from(b.saturating_sub(a))),
                _ => None,
            };
            let slice = samples.get(begin..i).unwrap_or(&[]);
            let n = out.len() + 1;
            out.push(segment_of(
                n,
                run_start,
                begin_time,
                duration,
                Some(SPLIT_M),
                slice.iter(),
                body,
            ));
            current = idx;
            begin = i;
            begin_time = s.timestamp;
        }
    }
    #[expect(clippy::cast_precision_loss, reason = "split counts are small")]
    let rest = last_distance - d0 - current as f64 * SPLIT_M;
    if rest > 1.0 && out.len() < MAX_SPLITS {
        let slice = samples.get(begin..).unwrap_or(&[]);
        let end = slice.iter().rev().find_map(|s| s.timestamp);
        let duration = match (begin_time, end) {
            (Some(a), Some(b)) => Some(f64::from(b.saturating_sub(a))),
            _ => None,
        };
        let n = out.len() + 1;
        out.push(segment_of(
            n,
            run_start,
            begin_time,
            duration,
            Some(rest),
            slice.iter(),
            body,
        ));
    }
    out
}

fn build_run(
    index: usize,
    s: &SummaryMessage,
    records: &[&Record],
    laps: &[&SummaryMessage],
    options: &AnalyzeOptions,
) -> Run {
    let body = &options.body;
    let samples: Vec<Sample> = records.iter().map(|r| Sample::from_record(r)).collect();
    let metrics = MetricSummary::from_samples(samples.iter());
    let start = s.start_time.or(samples.iter().find_map(|x| x.timestamp));
    let first_d = samples.iter().find_map(|x| x.distance);
    let last_d = samples.iter().rev().find_map(|x| x.distance);
    let distance_m = s.total_distance.or(match (first_d, last_d) {
        (Some(a), Some(b)) if b > a => Some(b - a),
        _ => None,
    });
    let moving_s = moving_time(&samples);
    let timer_s = s.total_timer_time;
    let mut sample_times = None;
    let lap_segments = laps
        .iter()
        .enumerate()
        .map(|(k, lap)| {
            let lap_samples: Vec<&Sample> = match window(lap) {
                Some((a, b)) => sample_times
                    .get_or_insert_with(|| TimeIndex::new(samples.iter().map(|x| x.timestamp)))
                    .select(&samples, a, b),
                None => Vec::new(),
            };
            segment_of(
                k + 1,
                start,
                lap.start_time,
                lap.total_timer_time.or(lap.total_elapsed_time),
                lap.total_distance,
                lap_samples.iter().copied(),
                body,
            )
        })
        .collect();
    let flags = form_flags(
        MetricSummary::median(&metrics.cadence_spm),
        MetricSummary::median(&metrics.ground_contact_ms),
        MetricSummary::median(&metrics.gct_balance_left_pct),
        MetricSummary::median(&metrics.vertical_ratio_pct),
        &options.thresholds,
    );
    Run {
        session_index: index,
        start_time: start.and_then(fit_time_rfc3339),
        start_unix: start.and_then(fit::fit_time_to_unix),
        sport: sport_label(s.sport),
        sub_sport: s
            .sub_sport
            .and_then(profile::sub_sport_name)
            .map(str::to_owned),
        elapsed_s: s.total_elapsed_time,
        timer_s,
        moving_s,
        distance_m,
        pace_s_per_km: pace(moving_s.filter(|m| *m > 0.0).or(timer_s), distance_m),
        records: samples.len(),
        sources: MetricSources {
            ground_contact: main_source(&samples, |x| x.gct_ms),
            gct_balance: main_source(&samples, |x| x.balance),
            vertical_oscillation: main_source(&samples, |x| x.vo_mm),
            vertical_ratio: main_source(&samples, |x| x.vr_pct),
            step_length: main_source(&samples, |x| x.step_mm),
            power: main_source(&samples, |x| x.power),
        },
        spring_mass: metrics.spring_mass(body),
        flags,
        laps: lap_segments,
        splits: splits(&samples, start, body),
        metrics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::SyntheticRun;

    /// The text stored with every imported run since the first import (when the `time` crate
    /// wrote it): whole seconds, UTC as `Z`; a relative FIT time is no date.
    #[test]
    fn fit_times_print_as_they_were_stored() {
        assert_eq!(
            fit_time_rfc3339(1_000_000_000).as_deref(),
            Some("2021-09-08T01:46:40Z")
        );
        assert_eq!(fit_time_rfc3339(5), None);
    }

    #[test]
    fn synthetic_run_is_summarised() {
        let spec = SyntheticRun {
            seconds: 1200,
            ..Default::default()
        };
        let options = AnalyzeOptions {
            body: Body {
                mass_kg: Some(65.0),
                height_m: Some(1.70),
            },
            ..Default::default()
        };
        let a = analyze(&spec.to_fit(), &options).unwrap();
        assert!(a.skipped.is_empty() && a.warnings.is_empty());
        let run = &a.runs[0];
        assert_eq!(run.start_time.as_deref(), Some("2024-05-01T07:00:00Z"));
        assert_eq!(run.sport, "running");
        assert_eq!(run.records, 1200);
        let m = &run.metrics;
        assert!((m.cadence_spm.unwrap().median - 170.0).abs() < 1e-9);
        assert!((m.ground_contact_ms.unwrap().median - 260.0).abs() < 1e-9);
        assert!((m.gct_balance_left_pct.unwrap().median - 50.6).abs() < 1e-9);
        assert_eq!(m.cadence_spm.unwrap().iqr, 2.0);
        assert_eq!(run.sources.ground_contact, Some(MetricSource::Native));
        // 1199 s at ~3 m/s: 3.6 km → 3 full splits and a partial one; one lap per km.
        let d = run.distance_m.unwrap();
        assert!((d - 3597.0).abs() < 1.0, "{d}");
        assert_eq!(run.splits.len(), 4);
        assert_eq!(run.laps.len(), 4);
        assert!((run.splits[0].pace_s_per_km.unwrap() - 333.0).abs() < 2.0);
        assert!((run.pace_s_per_km.unwrap() - 1199.0 / d * 1000.0).abs() < 1e-6);
        let sm = run.spring_mass.unwrap();
        assert!(sm.peak_force_n.is_some() && sm.leg_stiffness_kn_per_m.is_some());
        // 170 spm and 50.6% are inside the thresholds; 260 ms is Garmin's green zone.
        assert!(run.flags.iter().all(|f| !f.is_concern()), "{:?}", run.flags);
        assert!(matches!(
            run.flags[0],
            FormFlag::GroundContactZone { zone: 3, .. }
        ));
    }

    #[test]
    fn stryd_only_dynamics_are_used() {
        let spec = SyntheticRun {
            seconds: 300,
            stryd: true,
            ..Default::default()
        };
        let mut file = crate::parse(&spec.to_fit(), DecodeOptions::default()).unwrap();
        for r in &mut file.records {
            r.stance_time = None;
            r.power = None;
        }
        let a = analyze_file(&file, &AnalyzeOptions::default());
        let run = &a.runs[0];
        assert_eq!(run.sources.ground_contact, Some(MetricSource::Stryd));
        assert_eq!(run.sources.power, Some(MetricSource::Stryd));
        assert_eq!(run.metrics.power_w.unwrap().median, 250.0);
    }

    #[test]
    fn other_sports_are_skipped_with_a_reason() {
        let spec = SyntheticRun {
            seconds: 60,
            ..Default::default()
        };
        let mut file = crate::parse(&spec.to_fit(), DecodeOptions::default()).unwrap();
        file.sessions[0].sport = Some(2);
        let a = analyze_file(&file, &AnalyzeOptions::default());
        assert!(a.runs.is_empty());
        assert_eq!(a.skipped[0].sport, "cycling");
        assert!(a.skipped[0].reason.contains("running sessions only"));
    }

    #[test]
    fn low_cadence_is_flagged() {
        let spec = SyntheticRun {
            seconds: 120,
            cadence_spm: 150.0,
            ..Default::default()
        };
        let a = analyze(&spec.to_fit(), &AnalyzeOptions::default()).unwrap();
        assert!(matches!(a.runs[0].flags[0], FormFlag::LowCadence { .. }));
    }
}
