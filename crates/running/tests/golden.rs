//! Decodes every file of the shared FIT corpus and compares with GOLDEN.json (reference values
//! from Python fitparse 1.2.0), and cross-checks a few running files against the `fitparser`
//! crate. Skips with a message when the corpus is not there.

use std::collections::BTreeMap;
use std::path::PathBuf;

use backstride_running::fit::{self, DecodeOptions, Decoder, FitError, FitFile, Record};
use serde_json::Value as Json;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/fit")
}

/// fitparse's name for a global message number (the ones that occur in the corpus).
fn mesg_name(global: u16) -> String {
    let name = match global {
        0 => "file_id",
        2 => "device_settings",
        3 => "user_profile",
        4 => "hrm_profile",
        6 => "bike_profile",
        7 => "zones_target",
        8 => "hr_zone",
        9 => "power_zone",
        12 => "sport",
        18 => "session",
        19 => "lap",
        20 => "record",
        21 => "event",
        23 => "device_info",
        26 => "workout",
        27 => "workout_step",
        30 => "weight_scale",
        34 => "activity",
        49 => "file_creator",
        55 => "monitoring",
        72 => "training_file",
        78 => "hrv",
        101 => "length",
        103 => "monitoring_info",
        127 => "connectivity",
        128 => "weather_conditions",
        132 => "hr",
        142 => "segment_lap",
        160 => "gps_metadata",
        162 => "timestamp_correlation",
        206 => "field_description",
        207 => "developer_data_id",
        _ => return format!("unknown_{global}"),
    };
    name.to_owned()
}

/// ISO-8601 UTC like fitparse prints it, or the integer for device-relative times.
fn fit_time_json(t: u32) -> Json {
    match fit::fit_time_to_unix(t) {
        None => Json::from(t),
        Some(unix) => {
            let days = unix.div_euclid(86_400);
            let secs = unix.rem_euclid(86_400);
            // Howard Hinnant's civil_from_days.
            let z = days + 719_468;
            let era = z.div_euclid(146_097);
            let doe = z - era * 146_097;
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            let y = yoe + era * 400;
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            let mp = (5 * doy + 2) / 153;
            let d = doy - (153 * mp + 2) / 5 + 1;
            let m = if mp < 10 { mp + 3 } else { mp - 9 };
            let y = if m <= 2 { y + 1 } else { y };
            Json::from(format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            ))
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-5 * a.abs().max(b.abs()).max(1e-9)
}

fn cmp_opt(errs: &mut Vec<String>, what: &str, ours: Option<f64>, golden: &Json) {
    // An array field (e.g. the FR255's two-element enhanced_avg_speed): we keep the first element.
    let golden_value = match golden {
        Json::Array(items) => items.first().and_then(Json::as_f64),
        other => other.as_f64(),
    };
    match (ours, golden_value) {
        (None, None) => {}
        (Some(a), Some(b)) if close(a, b) => {}
        (a, _) => errs.push(format!("{what}: ours {a:?}, golden {golden}")),
    }
}

fn record_field(name: &str) -> Option<fn(&Record) -> Option<f64>> {
    Some(match name {
        "distance" => |r| r.distance,
        "speed" => |r| r.speed,
        "enhanced_speed" => |r| r.enhanced_speed,
        "heart_rate" => |r| r.heart_rate,
        "cadence" => |r| r.cadence,
        "fractional_cadence" => |r| r.fractional_cadence,
        "stance_time" => |r| r.stance_time,
        "stance_time_balance" => |r| r.stance_time_balance,
        "stance_time_percent" => |r| r.stance_time_percent,
        "vertical_oscillation" => |r| r.vertical_oscillation,
        "vertical_ratio" => |r| r.vertical_ratio,
        "step_length" => |r| r.step_length,
        "power" => |r| r.power,
        _ => return None,
    })
}

fn compare_records(errs: &mut Vec<String>, file: &FitFile, golden: &Json) {
    let recs = &golden["records"];
    if recs["count"].as_u64() != Some(file.records.len() as u64) {
        errs.push(format!(
            "record count: ours {}, golden {}",
            file.records.len(),
            recs["count"]
        ));
    }
    let ts: Vec<u32> = file.records.iter().filter_map(|r| r.timestamp).collect();
    let gts = &recs["timestamp"];
    if gts["n"].as_u64() != Some(ts.len() as u64) {
        errs.push(format!(
            "timestamp n: ours {}, golden {}",
            ts.len(),
            gts["n"]
        ));
    }
    if let (Some(first), Some(last)) = (ts.first(), ts.last())
        && (fit_time_json(*first) != gts["first"] || fit_time_json(*last) != gts["last"])
    {
        errs.push(format!(
            "timestamps: ours {}..{}, golden {}..{}",
            fit_time_json(*first),
            fit_time_json(*last),
            gts["first"],
            gts["last"]
        ));
    }
    let Some(fields) = recs.as_object() else {
        return;
    };
    for (name, g) in fields {
        let Some(get) = record_field(name) else {
            continue;
        };
        if g.get("n_non_numeric").is_some() {
            continue; // an array field: fitparse gives a tuple, we keep the first element.
        }
        let vals: Vec<f64> = file.records.iter().filter_map(get).collect();
        if g["n"].as_u64() != Some(vals.len() as u64) {
            errs.push(format!(
                "records.{name}.n: ours {}, golden {}",
                vals.len(),
                g["n"]
            ));
            continue;
        }
        if vals.is_empty() {
            continue;
        }
        let sum: f64 = vals.iter().sum();
        let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        cmp_opt(errs, &format!("records.{name}.min"), Some(min), &g["min"]);
        cmp_opt(errs, &format!("records.{name}.max"), Some(max), &g["max"]);
        cmp_opt(errs, &format!("records.{name}.sum"), Some(sum), &g["sum"]);
        cmp_opt(
            errs,
            &format!("records.{name}.mean"),
            Some(sum / vals.len() as f64),
            &g["mean"],
        );
    }
}

fn compare_sessions(errs: &mut Vec<String>, file: &FitFile, golden: &Json) {
    let g = golden["sessions"].as_array().cloned().unwrap_or_default();
    if g.len() != file.sessions.len() {
        errs.push(format!(
            "sessions: ours {}, golden {}",
            file.sessions.len(),
            g.len()
        ));
        return;
    }
    for (i, (s, gs)) in file.sessions.iter().zip(&g).enumerate() {
        let sport = s
            .sport
            .map(|v| fit::profile::sport_name(v).map_or(Json::from(v), Json::from));
        if sport.unwrap_or(Json::Null) != gs["sport"] {
            errs.push(format!(
                "session {i} sport: ours {:?}, golden {}",
                s.sport, gs["sport"]
            ));
        }
        let sub = s
            .sub_sport
            .map(|v| fit::profile::sub_sport_name(v).map_or(Json::from(v), Json::from));
        if sub.unwrap_or(Json::Null) != gs["sub_sport"] {
            errs.push(format!(
                "session {i} sub_sport: ours {:?}, golden {}",
                s.sub_sport, gs["sub_sport"]
            ));
        }
        if s.start_time.map_or(Json::Null, fit_time_json) != gs["start_time"] {
            errs.push(format!("session {i} start_time: ours {:?}", s.start_time));
        }
        let pairs = [
            ("total_elapsed_time", s.total_elapsed_time),
            ("total_timer_time", s.total_timer_time),
            ("total_distance", s.total_distance),
            ("avg_cadence", s.avg_cadence),
            ("avg_fractional_cadence", s.avg_fractional_cadence),
            ("avg_heart_rate", s.avg_heart_rate),
            ("avg_speed", s.avg_speed),
            ("enhanced_avg_speed", s.enhanced_avg_speed),
            ("avg_stance_time", s.avg_stance_time),
            ("avg_stance_time_balance", s.avg_stance_time_balance),
            ("avg_vertical_oscillation", s.avg_vertical_oscillation),
            ("avg_vertical_ratio", s.avg_vertical_ratio),
            ("avg_step_length", s.avg_step_length),
        ];
        for (name, ours) in pairs {
            cmp_opt(errs, &format!("session {i} {name}"), ours, &gs[name]);
        }
    }
    if golden["laps"].as_u64() != Some(file.laps.len() as u64) {
        errs.push(format!(
            "laps: ours {}, golden {}",
            file.laps.len(),
            golden["laps"]
        ));
    }
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn compare_cadence_median(errs: &mut Vec<String>, file: &FitFile, golden: &Json) {
    let all_running = !file.sessions.is_empty()
        && file
            .sessions
            .iter()
            .all(|s| s.sport == Some(fit::profile::SPORT_RUNNING));
    let ours = if all_running {
        median(
            file.records
                .iter()
                .filter_map(|r| Some(2.0 * (r.cadence? + r.fractional_cadence.unwrap_or(0.0))))
                .collect(),
        )
    } else {
        None
    };
    cmp_opt(
        errs,
        "running_steps_per_min_median",
        ours,
        &golden["running_steps_per_min_median"],
    );
}

/// Message counts by name, developer-field (n, sum, numeric count) by name, and the error.
type RawPass = (
    BTreeMap<String, u64>,
    BTreeMap<String, (u64, f64, u64)>,
    Option<FitError>,
);

/// Message counts and developer-field statistics, from a second pass with the raw decoder.
/// Returns how many messages of each kind were read before the decoder stopped, and its error.
fn raw_pass(bytes: &[u8], options: DecodeOptions) -> RawPass {
    let mut counts = BTreeMap::new();
    // name → (n, sum of scalar numeric values, how many of those)
    let mut dev: BTreeMap<String, (u64, f64, u64)> = BTreeMap::new();
    let mut decoder = Decoder::with_options(bytes, options);
    let error = loop {
        match decoder.next_message() {
            Ok(Some(msg)) => {
                *counts.entry(mesg_name(msg.global())).or_insert(0) += 1;
                if msg.global() != fit::profile::mesg::RECORD {
                    continue;
                }
                for d in msg.dev_fields() {
                    let Some(desc) = d.description else { continue };
                    let name = if desc.name.is_empty() {
                        format!("unnamed_dev_field_{}", desc.field_number)
                    } else {
                        desc.name.clone()
                    };
                    let base = desc.base_type;
                    let elems: Vec<_> = d
                        .bytes
                        .chunks_exact(base.size())
                        .map(|c| base.read(c, d.big_endian))
                        .collect();
                    let present = if base == fit::BaseType::String {
                        d.bytes.first().is_some_and(|b| *b != 0)
                    } else {
                        elems.iter().any(Option::is_some)
                    };
                    if !present {
                        continue;
                    }
                    let e = dev.entry(name).or_insert((0, 0.0, 0));
                    e.0 += 1;
                    if base != fit::BaseType::String
                        && elems.len() == 1
                        && let Some(Some(v)) = elems.first()
                    {
                        e.1 += v.as_f64();
                        e.2 += 1;
                    }
                }
            }
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    (counts, dev, error)
}

fn compare_counts(errs: &mut Vec<String>, ours: &BTreeMap<String, u64>, golden: &Json) {
    let g: BTreeMap<String, u64> = golden
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    if &g != ours {
        errs.push(format!("message counts: ours {ours:?}, golden {g:?}"));
    }
}

fn compare_dev(errs: &mut Vec<String>, ours: &BTreeMap<String, (u64, f64, u64)>, golden: &Json) {
    let Some(g) = golden.as_object() else { return };
    let our_names: Vec<_> = ours.keys().collect();
    let g_names: Vec<_> = g.keys().collect();
    if our_names != g_names {
        errs.push(format!(
            "developer fields: ours {our_names:?}, golden {g_names:?}"
        ));
        return;
    }
    for (name, gv) in g {
        let (n, sum, k) = ours[name];
        if gv["n"].as_u64() != Some(n) {
            errs.push(format!("dev {name}.n: ours {n}, golden {}", gv["n"]));
        }
        let mean = (k > 0).then(|| sum / k as f64);
        cmp_opt(errs, &format!("dev {name}.mean"), mean, &gv["mean"]);
    }
}

#[test]
fn corpus_matches_golden() {
    let dir = corpus_dir();
    let golden_path = dir.join("GOLDEN.json");
    if !golden_path.exists() {
        println!("skipped: shared FIT corpus not found at {}", dir.display());
        return;
    }
    let golden: Vec<Json> =
        serde_json::from_str(&std::fs::read_to_string(&golden_path).unwrap()).unwrap();
    let mut matched = 0;
    let mut failures = Vec::new();
    for g in &golden {
        let name = g["file"].as_str().unwrap();
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let parse = g["parse"].as_str().unwrap();
        let mut errs = Vec::new();
        let strict = fit::parse(&bytes, DecodeOptions::default());
        let lenient_opts = DecodeOptions { check_crc: false };
        if parse == "ok" || parse == "ok_without_crc" {
            if parse == "ok_without_crc" && !matches!(strict, Err(FitError::FileCrc { .. })) {
                errs.push(format!(
                    "expected a file CRC error, got {:?}",
                    strict.as_ref().err()
                ));
            }
            let opts = if parse == "ok" {
                DecodeOptions::default()
            } else {
                lenient_opts
            };
            match fit::parse(&bytes, opts) {
                Err(e) => errs.push(format!("decode failed: {e}")),
                Ok(file) => {
                    compare_sessions(&mut errs, &file, g);
                    compare_records(&mut errs, &file, g);
                    compare_cadence_median(&mut errs, &file, g);
                    let (counts, dev, _) = raw_pass(&bytes, opts);
                    compare_counts(&mut errs, &counts, &g["messages"]);
                    compare_dev(&mut errs, &dev, &g["developer_fields"]);
                }
            }
        } else {
            // fitparse failed on this file. We must fail cleanly too, having read the same
            // messages before the error — except where we decode more than fitparse can
            // (a misaligned field reads as absent, as the Garmin SDK does).
            let (counts, _, error) = raw_pass(&bytes, lenient_opts);
            match error {
                Some(e) => {
                    assert!(strict.is_err(), "{name}: strict decode should fail too");
                    assert!(
                        e.offset() <= bytes.len(),
                        "{name}: error offset out of range"
                    );
                    compare_counts(&mut errs, &counts, &g["messages_before_error"]);
                }
                None if name.contains("misaligned") => {
                    let before = &g["messages_before_error"];
                    let records = counts.get("record").copied().unwrap_or(0);
                    if records < before["record"].as_u64().unwrap_or(0) {
                        errs.push(format!(
                            "fewer records than fitparse before its error: {records}"
                        ));
                    }
                }
                None => errs.push(format!("expected an error ({parse}), decoded cleanly")),
            }
        }
        if errs.is_empty() {
            matched += 1;
        } else {
            failures.push(format!("{name}:\n  {}", errs.join("\n  ")));
        }
    }
    println!("{matched}/{} corpus files match GOLDEN.json", golden.len());
    assert!(
        failures.is_empty(),
        "{} files differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Record by record, our values against the `fitparser` crate's for a few running files.
#[test]
fn running_records_match_fitparser() {
    let dir = corpus_dir();
    if !dir.exists() {
        println!("skipped: shared FIT corpus not found at {}", dir.display());
        return;
    }
    let files = [
        "python-fitparse/garmin-fenix-5-run.fit",
        "python-fitparse/activity-small-fenix2-run.fit",
        "Runalyze/Fenix-3-with-runscribe-v1-38.fit",
        "GoldenCheetah/Fr955v19.28andStryd.fit",
        "sports-lib/6860622783.fit",
    ];
    type Get = fn(&Record) -> Option<f64>;
    let fields: [(&str, Get); 10] = [
        ("timestamp", |r| {
            r.timestamp
                .and_then(fit::fit_time_to_unix)
                .map(|t| t as f64)
        }),
        ("distance", |r| r.distance),
        ("enhanced_speed", |r| r.enhanced_speed),
        ("heart_rate", |r| r.heart_rate),
        ("cadence", |r| r.cadence),
        ("stance_time", |r| r.stance_time),
        ("stance_time_balance", |r| r.stance_time_balance),
        ("vertical_oscillation", |r| r.vertical_oscillation),
        ("vertical_ratio", |r| r.vertical_ratio),
        ("step_length", |r| r.step_length),
    ];
    let mut checked = 0;
    for name in files {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let ours = fit::parse(&bytes, DecodeOptions::default()).unwrap();
        let Ok(theirs) = fitparser::from_bytes(&bytes) else {
            println!("fitparser cannot decode {name}; not compared");
            continue;
        };
        let theirs: Vec<_> = theirs
            .iter()
            .filter(|m| m.kind() == fitparser::profile::MesgNum::Record)
            .collect();
        assert_eq!(ours.records.len(), theirs.len(), "{name}: record count");
        for (i, (a, b)) in ours.records.iter().zip(&theirs).enumerate() {
            for (field, get) in &fields {
                let their = b
                    .fields()
                    .iter()
                    .find(|f| f.name() == *field)
                    .and_then(|f| {
                        let v: Result<f64, _> = f.value().clone().try_into();
                        v.ok()
                    });
                let our = get(a);
                let same = match (our, their) {
                    (Some(x), Some(y)) => close(x, y),
                    (None, None) => true,
                    _ => false,
                };
                assert!(
                    same,
                    "{name} record {i} {field}: ours {our:?}, fitparser {their:?}"
                );
            }
        }
        checked += 1;
    }
    println!("{checked} running files match fitparser record by record");
}

/// Every corpus file through the run analysis, and truncated and corrupted copies of a few
/// through the decoder: clean results or clean errors, never a panic.
#[test]
fn corpus_analysis_and_damage_do_not_panic() {
    let dir = corpus_dir();
    let golden_path = dir.join("GOLDEN.json");
    if !golden_path.exists() {
        println!("skipped: shared FIT corpus not found at {}", dir.display());
        return;
    }
    let golden: Vec<Json> =
        serde_json::from_str(&std::fs::read_to_string(&golden_path).unwrap()).unwrap();
    let options = backstride_running::AnalyzeOptions::default();
    let mut runs = 0;
    for g in &golden {
        let bytes = std::fs::read(dir.join(g["file"].as_str().unwrap())).unwrap();
        if let Ok(a) = backstride_running::analyze(&bytes, &options) {
            runs += a.runs.len();
            serde_json::to_string(&a).unwrap();
        }
    }
    println!("{runs} runs analysed in the corpus");
    for name in [
        "python-fitparse/garmin-fenix-5-run.fit",
        "python-fitparse/DeveloperData.fit",
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let step = (bytes.len() / 300).max(1);
        for len in (0..bytes.len()).step_by(step) {
            let err = fit::parse(&bytes[..len], DecodeOptions::default()).unwrap_err();
            assert!(err.offset() <= len);
        }
        for i in (0..bytes.len()).step_by(step) {
            let mut b = bytes.clone();
            b[i] ^= 0xA5;
            let _ = backstride_running::analyze(&b, &options);
        }
    }
}
