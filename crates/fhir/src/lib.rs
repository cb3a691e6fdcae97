//! A runner's record as a FHIR R4 `Bundle` (type `collection`): one `Patient` and an
//! `Observation` for each pain score, functional scale (PSFS), measurement and assessment, so
//! it can reach a health record. Pure: the caller reads the record and gets JSON back.
//!
//! Codes. A pain score on the 0–10 numeric rating scale carries LOINC 72514-3 ("Pain severity -
//! 0-10 verbal numeric rating [Score] - Reported") beside our own code saying which pain it was
//! (this morning, during a run, …). Nothing else has a LOINC code we could verify (the
//! Patient-Specific Functional Scale, the hip and core tests, cadence), so everything carries a
//! code of our own code system, [`code_system`], a URL under the server's public address; its
//! codes are the assessment's field names ([`backstride_core::assessment::PROTOCOL`]) and the
//! log fields named in this file. Categories come from FHIR's own observation-category code
//! system: `survey` for what the runner reports, `exam` for tests, `activity` for runs.
//! Units are UCUM (`http://unitsofmeasure.org`).

#![forbid(unsafe_code)]

use backstride_core::assessment::{PROTOCOL, Sides, TestSpec, Unit};
use serde_json::{Value, json};

/// LOINC's system URL.
pub const LOINC: &str = "http://loinc.org";
/// LOINC 72514-3: pain severity on the 0–10 verbal numeric rating scale, reported.
pub const PAIN_SEVERITY_0_10: &str = "72514-3";
const PAIN_SEVERITY_DISPLAY: &str = "Pain severity - 0-10 verbal numeric rating [Score] - Reported";
/// UCUM's system URL.
pub const UCUM: &str = "http://unitsofmeasure.org";
const CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// Our code system for what has no standard code: `{base_url}/fhir/CodeSystem/backstride`.
pub fn code_system(base_url: &str) -> String {
    format!(
        "{}/fhir/CodeSystem/backstride",
        base_url.trim_end_matches('/')
    )
}

/// Whose record it is.
#[derive(Debug, Clone)]
pub struct Runner {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// A log of a day: `kind` is `session`, `run` or `morning`; `date` is `YYYY-MM-DD`; `body` the
/// stored log (core's `SessionLog`, `RunLog` or `MorningCheckIn` as JSON).
#[derive(Debug, Clone)]
pub struct Log {
    pub id: i64,
    pub kind: String,
    pub date: String,
    pub body: Value,
}

/// An assessment: `kind` is `baseline` or `retest`, `status` `draft`, `complete` or
/// `stopped`, `at` Unix seconds, `answers` the assessment as entered (core's `Assessment`).
#[derive(Debug, Clone)]
pub struct Assessment {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub at: i64,
    pub answers: Value,
}

/// Everything the bundle is made from.
#[derive(Debug, Clone)]
pub struct Record {
    /// The server's public address (`https://clinic.example`), the root of our code system,
    /// identifiers and the entries' full URLs.
    pub base_url: String,
    pub runner: Runner,
    pub logs: Vec<Log>,
    pub assessments: Vec<Assessment>,
}

/// The record as a FHIR R4 Bundle of type `collection`, stamped `generated_at` (Unix seconds).
pub fn bundle(record: &Record, generated_at: i64) -> Value {
    let b = Builder::new(record);
    let mut entries = vec![b.entry("Patient", b.patient())];
    for log in &record.logs {
        for obs in b.log_observations(log) {
            entries.push(b.entry("Observation", obs));
        }
    }
    for a in &record.assessments {
        let members = b.assessment_observations(a);
        let refs: Vec<Value> = members
            .iter()
            .map(|m| json!({ "reference": format!("Observation/{}", m["id"].as_str().unwrap_or("")) }))
            .collect();
        entries.push(b.entry("Observation", b.assessment_panel(a, refs)));
        for obs in members {
            entries.push(b.entry("Observation", obs));
        }
    }
    json!({
        "resourceType": "Bundle",
        "id": format!("runner-{}-export", record.runner.id),
        "identifier": {
            "system": format!("{}/export", b.identifiers),
            "value": format!("runner-{}-{generated_at}", record.runner.id),
        },
        "type": "collection",
        "timestamp": instant(generated_at),
        "entry": entries,
    })
}

/// A FHIR `instant` / `dateTime` in UTC (`2026-05-01T07:30:00Z`).
fn instant(at: i64) -> String {
    jiff::Timestamp::from_second(at)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A resource id (FHIR allows letters, digits, `-` and `.`, at most 64).
fn resource_id(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect()
}

/// A UCUM quantity for a value in one of the protocol's units (`None`: not a number).
fn quantity(value: f64, unit: Unit) -> Option<Value> {
    let (code, shown) = match unit {
        Unit::Years => ("a", "years"),
        Unit::Weeks => ("wk", "weeks"),
        Unit::Pain | Unit::Rating | Unit::Change => ("{score}", "score"),
        Unit::StepsPerMinute => ("{steps}/min", "steps/min"),
        Unit::Degrees => ("deg", "degrees"),
        Unit::Seconds => ("s", "seconds"),
        Unit::Reps => ("{repetitions}", "repetitions"),
        Unit::Grade => ("{grade}", "grade"),
        Unit::NewtonMetresPerKg => ("N.m/kg", "Nm/kg"),
        Unit::Ratio => ("1", "ratio"),
        Unit::Percent => ("%", "%"),
        Unit::Answer | Unit::Observation | Unit::Text => return None,
    };
    value
        .is_finite()
        .then(|| json!({ "value": value, "unit": shown, "system": UCUM, "code": code }))
}

/// A UCUM quantity in metres or seconds (a run's distance and time).
fn si(value: f64, code: &str, shown: &str) -> Option<Value> {
    value
        .is_finite()
        .then(|| json!({ "value": value, "unit": shown, "system": UCUM, "code": code }))
}

/// Where an observation sits in FHIR's categories.
#[derive(Clone, Copy)]
enum Category {
    Survey,
    Exam,
    Activity,
}

impl Category {
    fn concept(self) -> Value {
        let (code, display) = match self {
            Category::Survey => ("survey", "Survey"),
            Category::Exam => ("exam", "Exam"),
            Category::Activity => ("activity", "Activity"),
        };
        json!([{ "coding": [{ "system": CATEGORY, "code": code, "display": display }] }])
    }
}

/// A number of a log: (its field, our code, its display, a 0–10 pain score?, its UCUM unit and
/// how it is shown, when not a 0–10 score).
type LogField = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    Option<(&'static str, &'static str)>,
);

/// One observation before it becomes a resource.
struct Obs {
    id: String,
    /// Our code and its display.
    code: String,
    display: String,
    /// Also LOINC 72514-3 (a 0–10 pain score).
    pain: bool,
    category: Category,
    status: &'static str,
    /// `dateTime` (a date or a UTC time).
    effective: String,
    value: Option<Value>,
    components: Vec<Value>,
}

struct Builder<'a> {
    record: &'a Record,
    base: String,
    system: String,
    identifiers: String,
    patient_id: String,
}

impl<'a> Builder<'a> {
    fn new(record: &'a Record) -> Self {
        let base = record.base_url.trim_end_matches('/').to_owned();
        Builder {
            record,
            system: code_system(&base),
            identifiers: format!("{base}/fhir/identifier"),
            patient_id: format!("runner-{}", record.runner.id),
            base,
        }
    }

    fn entry(&self, kind: &str, resource: Value) -> Value {
        let id = resource["id"].as_str().unwrap_or("").to_owned();
        json!({ "fullUrl": format!("{}/fhir/{kind}/{id}", self.base), "resource": resource })
    }

    fn patient(&self) -> Value {
        let r = &self.record.runner;
        let mut patient = json!({
            "resourceType": "Patient",
            "id": self.patient_id,
            "identifier": [{ "system": format!("{}/runner", self.identifiers), "value": r.id.to_string() }],
            "name": [{ "text": r.name }],
        });
        if !r.email.is_empty() {
            patient["telecom"] = json!([{ "system": "email", "value": r.email }]);
        }
        patient
    }

    fn concept(&self, code: &str, display: &str, pain: bool) -> Value {
        let mut codings = Vec::new();
        if pain {
            codings.push(json!({ "system": LOINC, "code": PAIN_SEVERITY_0_10, "display": PAIN_SEVERITY_DISPLAY }));
        }
        codings.push(json!({ "system": self.system, "code": code, "display": display }));
        json!({ "coding": codings, "text": display })
    }

    fn resource(&self, o: Obs) -> Value {
        let mut r = json!({
            "resourceType": "Observation",
            "id": resource_id(&o.id),
            "identifier": [{ "system": format!("{}/observation", self.identifiers), "value": o.id }],
            "status": o.status,
            "category": o.category.concept(),
            "code": self.concept(&o.code, &o.display, o.pain),
            "subject": { "reference": format!("Patient/{}", self.patient_id) },
            "effectiveDateTime": o.effective,
        });
        if let Some(v) = o.value {
            r["valueQuantity"] = v;
        }
        if !o.components.is_empty() {
            r["component"] = Value::Array(o.components);
        }
        r
    }

    /// The pain scores and numbers of one day's log.
    fn log_observations(&self, log: &Log) -> Vec<Value> {
        // Only a real date: a stored log always has one, and a FHIR dateTime must be one.
        if jiff::civil::Date::strptime("%Y-%m-%d", &log.date).is_err() {
            return Vec::new();
        }
        let number = |field: &str| log.body.get(field).and_then(Value::as_f64);
        let fields: &[LogField] = match log.kind.as_str() {
            "morning" => &[
                (
                    "morning_pain",
                    "morning_pain",
                    "Back pain on getting up (0-10)",
                    true,
                    None,
                ),
                (
                    "stiffness",
                    "morning_stiffness",
                    "Morning stiffness (0-10)",
                    false,
                    None,
                ),
            ],
            "session" => &[
                (
                    "pain_during",
                    "session_pain_during",
                    "Back pain during the exercise session (0-10)",
                    true,
                    None,
                ),
                (
                    "effort",
                    "session_effort",
                    "Effort of the exercise session (0-10)",
                    false,
                    None,
                ),
            ],
            "run" => &[
                (
                    "pain_before",
                    "run_pain_before",
                    "Back pain before the run (0-10)",
                    true,
                    None,
                ),
                (
                    "pain_during",
                    "run_pain_during",
                    "Back pain during the run (0-10)",
                    true,
                    None,
                ),
                (
                    "pain_after",
                    "run_pain_after",
                    "Back pain after the run (0-10)",
                    true,
                    None,
                ),
                (
                    "distance_m",
                    "run_distance",
                    "Distance run",
                    false,
                    Some(("m", "metres")),
                ),
                (
                    "duration_s",
                    "run_duration",
                    "Time running",
                    false,
                    Some(("s", "seconds")),
                ),
            ],
            _ => &[],
        };
        fields
            .iter()
            .filter_map(|&(field, code, display, pain, unit)| {
                let v = number(field)?;
                let value = match unit {
                    Some((ucum, shown)) => si(v, ucum, shown)?,
                    None => quantity(v, Unit::Rating)?,
                };
                let category = match (log.kind.as_str(), unit) {
                    ("run", Some(_)) => Category::Activity,
                    _ => Category::Survey,
                };
                Some(self.resource(Obs {
                    id: format!("log-{}-{code}", log.id),
                    code: code.to_owned(),
                    display: display.to_owned(),
                    pain,
                    category,
                    status: "final",
                    effective: log.date.clone(),
                    value: Some(value),
                    components: Vec::new(),
                }))
            })
            .collect()
    }

    fn status_of(a: &Assessment) -> &'static str {
        match a.status.as_str() {
            "complete" => "final",
            "stopped" => "cancelled",
            _ => "preliminary",
        }
    }

    /// The assessment itself: a panel whose members are its measurements.
    fn assessment_panel(&self, a: &Assessment, members: Vec<Value>) -> Value {
        let (code, display) = match a.kind.as_str() {
            "retest" => ("assessment_retest", "Backstride re-test"),
            _ => ("assessment_baseline", "Backstride baseline assessment"),
        };
        let mut panel = self.resource(Obs {
            id: format!("assessment-{}", a.id),
            code: code.to_owned(),
            display: display.to_owned(),
            pain: false,
            category: Category::Exam,
            status: Self::status_of(a),
            effective: instant(a.at),
            value: None,
            components: Vec::new(),
        });
        if !members.is_empty() {
            panel["hasMember"] = Value::Array(members);
        }
        panel
    }

    /// Every number the assessment holds: pain scores, the PSFS, tests (one component a side).
    fn assessment_observations(&self, a: &Assessment) -> Vec<Value> {
        let mut out = Vec::new();
        for spec in PROTOCOL.iter().copied() {
            let Ok(Value::String(area)) = serde_json::to_value(spec.area) else {
                continue;
            };
            let Some(answer) = a.answers.get(&area).and_then(|s| s.get(spec.id)) else {
                continue;
            };
            let obs = |value: Option<Value>, components: Vec<Value>| Obs {
                id: format!("assessment-{}-{}", a.id, spec.id),
                code: spec.id.to_owned(),
                display: spec.name.to_owned(),
                pain: spec.unit == Unit::Pain,
                category: if spec.unit == Unit::Pain
                    || spec.area == backstride_core::assessment::Area::Baseline
                {
                    Category::Survey
                } else {
                    Category::Exam
                },
                status: Self::status_of(a),
                effective: instant(a.at),
                value,
                components,
            };
            if spec.id == "psfs" {
                if let Some(o) = self.psfs(answer, obs) {
                    out.push(o);
                }
                continue;
            }
            let made = match spec.sides {
                Sides::One => single(spec, answer).map(|v| obs(Some(v), Vec::new())),
                Sides::LeftRight => {
                    let components: Vec<Value> = ["left", "right"]
                        .iter()
                        .filter_map(|side| {
                            let v = quantity(answer.get(side)?.as_f64()?, spec.unit)?;
                            Some(json!({
                                "code": self.concept(&format!("{}.{side}", spec.id), &format!("{} ({side})", spec.name), false),
                                "valueQuantity": v,
                            }))
                        })
                        .collect();
                    (!components.is_empty()).then(|| obs(None, components))
                }
            };
            if let Some(o) = made {
                out.push(self.resource(o));
            }
        }
        out
    }

    /// The Patient-Specific Functional Scale: the mean score as the value, each activity a
    /// component named in the runner's words.
    fn psfs(
        &self,
        answer: &Value,
        obs: impl Fn(Option<Value>, Vec<Value>) -> Obs,
    ) -> Option<Value> {
        let items: Vec<(String, f64)> = answer
            .as_array()?
            .iter()
            .filter_map(|i| {
                let score = i.get("score")?.as_f64().filter(|s| s.is_finite())?;
                let activity = i.get("activity")?.as_str()?.trim();
                (!activity.is_empty()).then(|| (activity.to_owned(), score))
            })
            .collect();
        if items.is_empty() {
            return None;
        }
        let mean = items.iter().map(|(_, s)| s).sum::<f64>() / items.len() as f64;
        let mean = (mean * 10.0).round() / 10.0;
        let components = items
            .iter()
            .map(|(activity, score)| {
                json!({
                    "code": { "coding": [{ "system": self.system, "code": "psfs_activity", "display": "PSFS activity" }], "text": activity },
                    "valueQuantity": quantity(*score, Unit::Rating),
                })
            })
            .collect();
        Some(self.resource(obs(quantity(mean, Unit::Rating), components)))
    }
}

/// A one-sided test's number: a plain number, or cadence typed either way.
fn single(spec: &TestSpec, answer: &Value) -> Option<Value> {
    let v = match answer {
        Value::Number(n) => n.as_f64()?,
        Value::Object(o) if spec.unit == Unit::StepsPerMinute => o
            .get("steps_per_minute")
            .and_then(Value::as_f64)
            .or_else(|| Some(o.get("steps_in_30_s")?.as_f64()? * 2.0))?,
        _ => return None,
    };
    quantity(v, spec.unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Record {
        Record {
            base_url: "https://clinic.example/".into(),
            runner: Runner {
                id: 7,
                name: "Riley Runner".into(),
                email: "riley@example.com".into(),
            },
            logs: vec![Log {
                id: 3,
                kind: "morning".into(),
                date: "2026-05-01".into(),
                body: json!({ "date": "2026-05-01", "morning_pain": 3, "stiffness": 2 }),
            }],
            assessments: vec![Assessment {
                id: 9,
                kind: "baseline".into(),
                status: "complete".into(),
                at: 1_777_600_000,
                answers: json!({
                    "baseline": { "pain_now": 4, "psfs": [{ "activity": "run 5 km", "score": 4 }, { "activity": "sit", "score": 7 }] },
                    "posture_form": { "cadence": { "steps_in_30_s": 80 } },
                    "hip_mobility": { "thomas_thigh_angle": { "left": -5, "right": 10 } },
                }),
            }],
        }
    }

    fn observations(bundle: &Value) -> Vec<&Value> {
        bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["resource"])
            .filter(|r| r["resourceType"] == "Observation")
            .collect()
    }

    fn by_code<'b>(bundle: &'b Value, code: &str) -> &'b Value {
        observations(bundle)
            .into_iter()
            .find(|o| {
                o["code"]["coding"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["code"] == code)
            })
            .unwrap_or_else(|| panic!("an observation coded {code}"))
    }

    #[test]
    fn pain_scores_carry_loinc_and_our_code() {
        let b = bundle(&record(), 1_777_700_000);
        let morning = by_code(&b, "morning_pain");
        assert_eq!(morning["code"]["coding"][0]["system"], LOINC);
        assert_eq!(morning["code"]["coding"][0]["code"], "72514-3");
        assert_eq!(
            morning["code"]["coding"][1]["system"],
            "https://clinic.example/fhir/CodeSystem/backstride"
        );
        assert_eq!(morning["valueQuantity"]["value"], 3.0);
        assert_eq!(morning["valueQuantity"]["code"], "{score}");
        assert_eq!(morning["effectiveDateTime"], "2026-05-01");
        assert_eq!(
            by_code(&b, "pain_now")["code"]["coding"][0]["code"],
            "72514-3"
        );
        // Stiffness is not pain: our code only.
        assert_eq!(
            by_code(&b, "morning_stiffness")["code"]["coding"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn measurements_have_ucum_units_and_one_component_a_side() {
        let b = bundle(&record(), 1_777_700_000);
        let cadence = by_code(&b, "cadence");
        assert_eq!(cadence["valueQuantity"]["value"], 160.0);
        assert_eq!(cadence["valueQuantity"]["system"], UCUM);
        let thomas = by_code(&b, "thomas_thigh_angle");
        assert_eq!(thomas["component"][0]["valueQuantity"]["value"], -5.0);
        assert_eq!(thomas["component"][1]["valueQuantity"]["code"], "deg");
        let psfs = by_code(&b, "psfs");
        assert_eq!(psfs["valueQuantity"]["value"], 5.5);
        assert_eq!(psfs["component"][0]["code"]["text"], "run 5 km");
    }

    #[test]
    fn the_assessment_is_a_panel_of_its_measurements() {
        let b = bundle(&record(), 1_777_700_000);
        let panel = by_code(&b, "assessment_baseline");
        assert_eq!(panel["status"], "final");
        assert_eq!(panel["effectiveDateTime"], "2026-05-01T01:46:40Z");
        let members = panel["hasMember"].as_array().unwrap();
        assert_eq!(members.len(), 4);
        for m in members {
            let id = m["reference"]
                .as_str()
                .unwrap()
                .strip_prefix("Observation/")
                .unwrap();
            assert!(
                observations(&b).iter().any(|o| o["id"] == id),
                "{id} is in the bundle"
            );
        }
        assert_eq!(b["entry"][0]["resource"]["resourceType"], "Patient");
        assert_eq!(
            b["entry"][0]["fullUrl"],
            "https://clinic.example/fhir/Patient/runner-7"
        );
        assert_eq!(b["type"], "collection");
    }
}
