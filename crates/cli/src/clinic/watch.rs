//! The seeded runners' watch runs, stored as an upload stores them: a FIT file written by
//! `backstride-running`'s synthetic run, decoded and analysed by `backstride-ingest`.
//!
//! Writing and analysing 150,000 files would take minutes, so runs are made from templates: one
//! analysed file per (cadence, duration) step, its summary restamped with each run's start. The
//! summary holds only times relative to the start besides `start_unix` and `start_time`, so a
//! restamped summary is what importing that run's own file would have stored.

use backstride_running::write::SyntheticRun;
use backstride_store::NewRun;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Cadence steps (steps/min) between templates.
const CADENCE_STEP: f64 = 2.0;
/// Duration steps (minutes) between templates.
const MINUTES_STEP: f64 = 5.0;
/// Stand-ins for the start in a template's summary, replaced per run.
const UNIX_MARK: &str = "\"@start_unix@\"";
const TIME_MARK: &str = "@start_time@";

/// A run as the watch recorded it: what the runner's log of it says too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WatchRun {
    pub seconds: f64,
    pub distance_m: f64,
}

/// One analysed template file.
struct Template {
    summary: String,
    sport: String,
    hash: String,
    run: WatchRun,
}

/// Templates made as they are first needed, shared by the threads making runners.
#[derive(Default)]
pub struct Watch {
    templates: Mutex<HashMap<(u32, u32), Arc<Template>>>,
}

/// The synthetic run for a cadence and duration: pace, ground contact, balance and bounce go
/// with the cadence (a runner who steps quicker runs lighter), as in the small demo.
fn synthetic(cadence: f64, minutes: f64) -> SyntheticRun {
    let quicker = (cadence - 157.0).max(-7.0);
    SyntheticRun {
        seconds: (minutes * 60.0) as u32,
        speed_mps: 2.7 + 0.03 * quicker,
        cadence_spm: cadence,
        stance_time_ms: 285.0 - 2.5 * quicker,
        balance_pct: (48.0 + 0.2 * quicker).min(50.2),
        vertical_oscillation_mm: 96.0 - 1.0 * quicker,
        ..SyntheticRun::default()
    }
}

impl Watch {
    /// The watch run nearest to `cadence` and `minutes` (on the template steps).
    pub fn run(&self, cadence: f64, minutes: f64) -> anyhow::Result<(WatchRun, RunKey)> {
        let key = (
            (cadence / CADENCE_STEP).round() as u32,
            (minutes / MINUTES_STEP).round().max(2.0) as u32,
        );
        Ok((self.template(key)?.run, RunKey(key)))
    }

    fn template(&self, key: (u32, u32)) -> anyhow::Result<Arc<Template>> {
        if let Some(t) = self.templates.lock().expect("not poisoned").get(&key) {
            return Ok(t.clone());
        }
        let synthetic = synthetic(
            f64::from(key.0) * CADENCE_STEP,
            f64::from(key.1) * MINUTES_STEP,
        );
        let bytes = synthetic.to_fit();
        let options = backstride_running::AnalyzeOptions::default();
        let name = format!("template-{}-{}.fit", key.0, key.1);
        let run = match backstride_ingest::prepare(&name, &bytes, &options) {
            backstride_ingest::Prepared::Runs { mut runs, .. } if runs.len() == 1 => runs.remove(0),
            other => {
                anyhow::bail!("the watch template {name} did not analyse as one run: {other:?}")
            }
        };
        let stored = backstride_ingest::StoredRun::parse(&run.summary_json);
        let mut summary: serde_json::Value = serde_json::from_str(&run.summary_json)?;
        summary["start_unix"] = UNIX_MARK.trim_matches('"').into();
        summary["start_time"] = TIME_MARK.into();
        let template = Arc::new(Template {
            summary: summary.to_string(),
            sport: run.sport,
            hash: run.content_hash,
            run: WatchRun {
                seconds: stored.elapsed_s.unwrap_or(f64::from(synthetic.seconds)),
                distance_m: stored.distance_m.unwrap_or(0.0),
            },
        });
        self.templates
            .lock()
            .expect("not poisoned")
            .insert(key, template.clone());
        Ok(template)
    }

    /// The stored run of `key` started at `start` (Unix seconds) by runner number `runner`.
    pub fn stored(&self, key: RunKey, start: i64, runner: usize) -> anyhow::Result<NewRun> {
        let t = self.template(key.0)?;
        let time = jiff::Timestamp::from_second(start)?.to_string();
        let summary = t
            .summary
            .replacen(UNIX_MARK, &start.to_string(), 1)
            .replacen(TIME_MARK, &time, 1);
        let date = &time[..10];
        Ok(NewRun {
            // The file's own hash would differ with its start; this is unique per runner's run.
            content_hash: format!("{}:{runner}:{start}", t.hash),
            file_name: format!("run-{date}.fit"),
            started_at: start,
            sport: t.sport.clone(),
            // Packed here, on the threads making runners, not on the one writing them.
            summary_json: backstride_store::packed::pack(&summary),
        })
    }
}

/// Which template a run was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunKey((u32, u32));

/// The FIT start of a synthetic run at `start` (Unix seconds), for tests that write the file.
#[cfg(test)]
pub fn fit_start(start: i64) -> u32 {
    use backstride_running::fit::profile::FIT_EPOCH_UNIX;
    u32::try_from(start - FIT_EPOCH_UNIX).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A restamped template is what importing the run's own file stores, but for the hash.
    #[test]
    fn a_restamped_template_reads_back_like_the_runs_own_file() {
        let watch = Watch::default();
        let (run, key) = watch.run(163.0, 31.0).unwrap();
        assert!((run.seconds - 1800.0).abs() < 2.0, "{run:?}");
        let start = 1_767_250_800; // 2026-01-01T07:00:00Z
        let stored = watch.stored(key, start, 4).unwrap();
        let own = SyntheticRun {
            start: fit_start(start),
            ..synthetic(164.0, 30.0)
        };
        let options = backstride_running::AnalyzeOptions::default();
        let backstride_ingest::Prepared::Runs { runs, .. } =
            backstride_ingest::prepare("own.fit", &own.to_fit(), &options)
        else {
            panic!("not a run");
        };
        let unpacked = backstride_store::packed::unpack(stored.summary_json.clone());
        let a: serde_json::Value = serde_json::from_str(&unpacked).unwrap();
        let b: serde_json::Value = serde_json::from_str(&runs[0].summary_json).unwrap();
        assert_eq!(a, b);
        assert_eq!(stored.started_at, start);
        assert_eq!(runs[0].started_at, start);
    }
}
