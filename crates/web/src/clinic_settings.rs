//! The clinic's own settings page (admins): contact line and brand colour for printed documents,
//! and the cut-offs CLINICAL.md marks configurable, each shown with its default and source.
//!
//! Only the thresholds that are our choice (no published cut-off) can be changed; published
//! ones are shown for reference. A changed value is stored as an override labelled "set by the
//! clinic", and scoring and the pain-monitoring guide use it from then on.

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{FormState, Page, render_status};
use askama::Template;
use axum::Form;
use axum::response::{IntoResponse, Redirect, Response};
use backstride_core::Role;
use backstride_core::assessment::Thresholds;
use backstride_core::tracking::ProgressionThresholds;
use backstride_store::{Clinic, ClinicSettings, Store};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Which set of cut-offs a setting belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Assessment,
    Progression,
}

/// One configurable cut-off: its key in core's thresholds, words for the form, and the range a
/// clinic may choose from (our choice: wide enough for any sensible clinic, narrow enough to
/// catch a typo).
struct Setting {
    group: Group,
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    min: f64,
    max: f64,
}

const fn s(
    group: Group,
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    min: f64,
    max: f64,
) -> Setting {
    Setting {
        group,
        key,
        label,
        unit,
        min,
        max,
    }
}

use Group::{Assessment as A, Progression as P};

const SETTINGS: &[Setting] = &[
    s(
        A,
        "low_cadence_below",
        "Cadence counts as low below",
        "steps/min",
        120.0,
        200.0,
    ),
    s(
        A,
        "trunk_upright_below",
        "Trunk lean counts as upright below",
        "°",
        0.0,
        20.0,
    ),
    s(
        A,
        "trunk_leaning_back_below",
        "Trunk lean counts as leaning back below",
        "°",
        -20.0,
        5.0,
    ),
    s(
        A,
        "forward_head_above",
        "Video: head counts as pushed forward above",
        "°",
        5.0,
        45.0,
    ),
    s(
        A,
        "overstride_shank_above",
        "Video: shin angle at landing counts as landing well ahead above",
        "°",
        0.0,
        30.0,
    ),
    s(
        A,
        "straight_knee_landing_below",
        "Video: knee bend at landing counts as straight below",
        "°",
        0.0,
        30.0,
    ),
    s(
        A,
        "pelvic_drop_above",
        "Video: pelvic drop is flagged above",
        "°",
        2.0,
        20.0,
    ),
    s(
        A,
        "prone_hip_extension_below",
        "Prone hip extension is limited below",
        "°",
        0.0,
        30.0,
    ),
    s(
        A,
        "lsi_symmetric_from",
        "Sides count as symmetric from an LSI of",
        "%",
        60.0,
        100.0,
    ),
    s(
        A,
        "lsi_marked_below",
        "Asymmetry is marked below an LSI of",
        "%",
        50.0,
        100.0,
    ),
    s(
        A,
        "bridge_hold_target",
        "Single-leg bridge hold target",
        "s",
        10.0,
        120.0,
    ),
    s(
        A,
        "hip_abduction_weak_sd_below_norm",
        "Hip abduction is weak this many SDs below the norm",
        "SD",
        0.5,
        3.0,
    ),
    s(
        A,
        "leg_lowering_good_below",
        "Double-leg lowering is good below",
        "°",
        0.0,
        90.0,
    ),
    s(
        A,
        "leg_lowering_poor_from",
        "Double-leg lowering is poor from",
        "°",
        0.0,
        90.0,
    ),
    s(
        A,
        "pallof_hold_target",
        "Half-kneeling Pallof hold target",
        "s",
        10.0,
        120.0,
    ),
    s(
        A,
        "pain_critical_from",
        "Pain counts as severe, with a critical alert, from",
        "/10",
        5.0,
        10.0,
    ),
    s(
        A,
        "contact_balance_min_left_percent",
        "A watch run's contact-time balance is uneven below",
        "% left",
        40.0,
        50.0,
    ),
    s(
        A,
        "contact_balance_max_left_percent",
        "…or above",
        "% left",
        50.0,
        60.0,
    ),
    s(
        P,
        "adherence_min_percent",
        "Moving up needs at least this share of sessions done",
        "%",
        50.0,
        100.0,
    ),
    s(
        P,
        "mornings_above_baseline_to_regress",
        "Step down after this many mornings above usual in a week",
        "mornings",
        1.0,
        7.0,
    ),
    s(
        P,
        "weekly_morning_rise",
        "Step down when the week's morning pain rises by",
        "points",
        0.5,
        5.0,
    ),
    s(
        P,
        "mornings_for_weekly_average",
        "Check-ins needed in a week to compare weeks",
        "mornings",
        1.0,
        7.0,
    ),
    s(
        P,
        "run_increase_max_percent",
        "Running may grow each week by at most",
        "%",
        0.0,
        30.0,
    ),
    s(
        P,
        "run_cut_percent",
        "Running is cut when stepping down by",
        "%",
        5.0,
        100.0,
    ),
    s(
        P,
        "alert_high_rise",
        "High alert when morning pain is up by",
        "points",
        1.0,
        10.0,
    ),
    s(
        P,
        "alert_high_days_without_log",
        "High alert after this many days without a log",
        "days",
        2.0,
        60.0,
    ),
    s(
        P,
        "alert_low_days_without_log",
        "Low alert after this many days without a log",
        "days",
        1.0,
        30.0,
    ),
    s(
        P,
        "alert_low_pain_from",
        "Low alert from morning pain of",
        "/10",
        1.0,
        10.0,
    ),
    s(
        P,
        "alert_low_rise",
        "…when it is also up by",
        "points",
        0.5,
        10.0,
    ),
];

/// Pairs that must stay in order: (lower, higher), with the message shown by the lower one.
const ORDER: &[(&str, &str, &str)] = &[
    (
        "lsi_marked_below",
        "lsi_symmetric_from",
        "The marked-asymmetry LSI must be below the symmetric one.",
    ),
    (
        "trunk_leaning_back_below",
        "trunk_upright_below",
        "Leaning back must start below upright.",
    ),
    (
        "leg_lowering_good_below",
        "leg_lowering_poor_from",
        "The good angle must be below the poor one.",
    ),
    (
        "alert_low_days_without_log",
        "alert_high_days_without_log",
        "The low alert must come before the high one.",
    ),
    (
        "alert_low_pain_from",
        "pain_critical_from",
        "The low-alert pain must be below the severe (critical) one.",
    ),
    (
        "contact_balance_min_left_percent",
        "contact_balance_max_left_percent",
        "The lower balance limit must be below the upper one.",
    ),
];

/// Plain words for the published cut-offs shown for reference (their technical name and source
/// stay behind "Details"). **Ours**: written for a physiotherapist skimming the page.
const PLAIN_LABELS: &[(&str, &str)] = &[
    (
        "new_pain_younger_than",
        "New back pain is a see-a-doctor sign under this age",
    ),
    (
        "new_pain_older_than",
        "New back pain is a see-a-doctor sign over this age",
    ),
    (
        "young_runner_younger_than",
        "Young runners with pain bending back see a clinician first, under this age",
    ),
    (
        "postpartum_earliest_running_weeks",
        "Earliest return to running after giving birth (weeks)",
    ),
    (
        "postpartum_strength_reps",
        "Repetitions each side for each strength test after giving birth",
    ),
    ("pain_safe_max", "Pain up to this is in the safe zone"),
    (
        "pain_acceptable_max",
        "Pain while running above this is too much",
    ),
    (
        "pain_meaningful_change",
        "A change in pain of at least this many points matters",
    ),
    (
        "psfs_meaningful_change",
        "A change in the everyday-activities score of at least this matters",
    ),
    (
        "cadence_first_step_percent",
        "First cadence target, above the current cadence (%)",
    ),
    (
        "cadence_max_step_percent",
        "Furthest cadence target, above the current cadence (%)",
    ),
    (
        "thomas_thigh_above",
        "Tight hip flexors: thigh raised above this angle (Thomas test)",
    ),
    (
        "thomas_knee_below",
        "Tight front-thigh muscle: knee bent less than this (Thomas test)",
    ),
    (
        "bridge_reps_poor_below",
        "Single-leg bridge: fewer repetitions than this is poor",
    ),
    (
        "bridge_reps_good_above",
        "Single-leg bridge: more repetitions than this is good",
    ),
    (
        "mcgill_flexor_extensor_above",
        "Front-of-trunk hold much longer than back hold: uneven above this ratio",
    ),
    (
        "mcgill_side_bridge_balance_within",
        "Side plank: right and left holds count as even when their ratio is within this of 1",
    ),
    (
        "mcgill_side_bridge_extensor_above",
        "Side plank hold much longer than back hold: uneven above this ratio",
    ),
    (
        "lsi_shown_decimals",
        "Decimal places shown for a left/right comparison",
    ),
    (
        "ratio_shown_decimals",
        "Decimal places shown for a trunk-hold ratio",
    ),
    (
        "daily_minutes_cap",
        "Most minutes of exercises in a programme day",
    ),
];

/// The plain label of a published cut-off; its technical name only if we have none yet.
fn plain_label(key: &str) -> String {
    PLAIN_LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| key.replace('_', " "), |(_, label)| (*label).to_owned())
}

fn field_name(setting: &Setting) -> String {
    format!("t-{}", setting.key)
}

fn as_object<T: serde::Serialize>(t: &T) -> Map<String, Value> {
    match serde_json::to_value(t) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The value a threshold map holds for `key`.
fn value_of(map: &Map<String, Value>, key: &str) -> Option<f64> {
    map.get(key)?.get("value")?.as_f64()
}

/// The clinic a runner (or anyone) belongs to, if any.
pub async fn clinic_of(store: &dyn Store, user_id: i64) -> AppResult<Option<Clinic>> {
    match store.user(user_id).await?.clinic_id {
        Some(id) => Ok(Some(store.clinic(id).await?)),
        None => Ok(None),
    }
}

/// The cut-offs a clinic's assessments and watch runs are judged with: its overrides over
/// CLINICAL.md's defaults (a stored override that no longer parses is logged and ignored).
pub fn assessment_thresholds(clinic: Option<&Clinic>) -> Thresholds {
    parse_or_default(stored_overrides(clinic).0.as_deref())
}

/// The cut-offs of a clinic's pain-monitoring guide and alerts, with the pain levels of its
/// assessment table (one entry each, so severe pain and a critical alert cannot disagree).
pub fn progression_thresholds(clinic: Option<&Clinic>) -> ProgressionThresholds {
    parse_or_default::<ProgressionThresholds>(stored_overrides(clinic).1.as_deref())
        .sharing_pain_levels_of(&assessment_thresholds(clinic))
}

/// The clinic's stored (assessment, tracking) overrides, with the tracking overrides of pain
/// levels that now have their one entry in the assessment table moved there — unless the
/// assessment table already overrides that level — so settings saved before keep working.
fn stored_overrides(clinic: Option<&Clinic>) -> (Option<String>, Option<String>) {
    let Some(clinic) = clinic else {
        return (None, None);
    };
    let (assessment, tracking) = (
        clinic.settings.thresholds_json.clone(),
        clinic.settings.progression_json.clone(),
    );
    let tracking_map = match tracking.as_deref().map(serde_json::from_str::<Value>) {
        Some(Ok(Value::Object(map))) => map,
        _ => return (assessment, tracking),
    };
    let retired = ProgressionThresholds::RETIRED;
    if !retired
        .iter()
        .any(|(old, _)| tracking_map.contains_key(*old))
    {
        return (assessment, tracking);
    }
    let mut assessment_map = match assessment.as_deref().map(serde_json::from_str::<Value>) {
        Some(Ok(Value::Object(map))) => map,
        None => Map::new(),
        // Broken stored JSON stays broken (and is logged where it is parsed).
        _ => return (assessment, tracking),
    };
    let mut tracking_map = tracking_map;
    for (old, new) in retired {
        if let Some(value) = tracking_map.remove(old) {
            assessment_map.entry(new).or_insert(value);
        }
    }
    (
        Some(Value::Object(assessment_map).to_string()),
        Some(Value::Object(tracking_map).to_string()),
    )
}

fn parse_or_default<T: serde::de::DeserializeOwned + Default>(json: Option<&str>) -> T {
    match json.map(serde_json::from_str::<T>) {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            tracing::warn!(error = %e, "stored clinic thresholds do not parse; using defaults");
            T::default()
        }
        None => T::default(),
    }
}

/// One row of the form.
pub struct SettingRow {
    pub name: String,
    /// The technical name (core's key), behind "Details".
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub range: String,
    pub default: String,
    pub source: String,
    pub changed: bool,
}

/// A published cut-off, shown for reference.
pub struct FixedRow {
    pub label: String,
    /// The technical name (core's key), behind "Details".
    pub key: String,
    pub value: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "clinic_settings.html")]
struct SettingsPage {
    page: Page,
    clinic_name: String,
    form: FormState,
    assessment: Vec<SettingRow>,
    progression: Vec<SettingRow>,
    fixed: Vec<FixedRow>,
}

fn number(v: f64) -> String {
    backstride_core::assessment::explain::format_number(v, 2)
}

fn admin_clinic(ctx: &Ctx) -> AppResult<i64> {
    ctx.user_with_role(&[Role::Admin])?
        .clinic_id
        .ok_or(AppError::Forbidden)
}

async fn page_with(ctx: &Ctx, clinic: &Clinic, form: FormState) -> AppResult<Response> {
    let defaults = (
        as_object(&Thresholds::default()),
        as_object(&ProgressionThresholds::default()),
    );
    let current = (
        as_object(&assessment_thresholds(Some(clinic))),
        as_object(&progression_thresholds(Some(clinic))),
    );
    let row = |setting: &Setting| {
        let (default, now) = match setting.group {
            A => (&defaults.0, &current.0),
            P => (&defaults.1, &current.1),
        };
        let default_value = value_of(default, setting.key).unwrap_or_default();
        SettingRow {
            name: field_name(setting),
            key: setting.key,
            label: setting.label,
            unit: setting.unit,
            range: format!("{} to {}", number(setting.min), number(setting.max)),
            default: number(default_value),
            source: default
                .get(setting.key)
                .and_then(|t| t.get("source"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            changed: value_of(now, setting.key) != Some(default_value),
        }
    };
    let configurable: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
    let fixed = defaults
        .0
        .iter()
        .filter(|(k, v)| {
            !configurable.contains(&k.as_str()) && v.get("our_choice") == Some(&Value::Bool(false))
        })
        .map(|(k, v)| FixedRow {
            label: plain_label(k),
            key: k.clone(),
            value: v
                .get("value")
                .and_then(Value::as_f64)
                .map(number)
                .unwrap_or_default(),
            source: v
                .get("source")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        })
        .collect();
    let status = form.status();
    render_status(
        status,
        SettingsPage {
            page: ctx.page("Clinic settings").await?,
            clinic_name: clinic.name.clone(),
            assessment: SETTINGS.iter().filter(|s| s.group == A).map(row).collect(),
            progression: SETTINGS.iter().filter(|s| s.group == P).map(row).collect(),
            fixed,
            form,
        },
    )
}

/// The form filled in with what the clinic has now.
fn current_form(clinic: &Clinic) -> FormState {
    let current = (
        as_object(&assessment_thresholds(Some(clinic))),
        as_object(&progression_thresholds(Some(clinic))),
    );
    SETTINGS.iter().fold(
        FormState::default()
            .with_value("contact", &clinic.settings.contact)
            .with_value("brand_colour", &clinic.settings.brand_colour),
        |form, setting| {
            let map = match setting.group {
                A => &current.0,
                P => &current.1,
            };
            let v = value_of(map, setting.key).map(number).unwrap_or_default();
            form.with_value(&field_name(setting), &v)
        },
    )
}

/// `GET /clinic/settings`.
pub async fn settings_page(ctx: Ctx) -> AppResult<Response> {
    let clinic = ctx.state.store.clinic(admin_clinic(&ctx)?).await?;
    page_with(&ctx, &clinic, current_form(&clinic)).await
}

/// Checks the form; on success, the settings to store.
fn check(form: &mut FormState, clinic: &Clinic) -> Option<ClinicSettings> {
    let contact = form.parse("contact", |raw| {
        let line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.chars().count() > backstride_report::MAX_LINE_CHARS {
            Err(format!(
                "Keep the contact line to {} characters so it fits on one printed line.",
                backstride_report::MAX_LINE_CHARS
            ))
        } else if line.chars().any(char::is_control) {
            Err("Remove the special control characters.".to_owned())
        } else {
            Ok(line)
        }
    });
    let brand_colour = form.parse("brand_colour", |raw| {
        raw.trim()
            .parse::<backstride_report::BrandColour>()
            .map(|c| c.hex())
            .map_err(|_| "Give the colour as # and six hex digits, like #1f6f8b.")
    });
    let mut values: HashMap<&str, f64> = HashMap::new();
    for setting in SETTINGS {
        let name = field_name(setting);
        let parsed = form.parse(&name, |raw| match raw.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && (setting.min..=setting.max).contains(&v) => Ok(v),
            _ => Err(format!(
                "{}: give a number from {} to {} {}.",
                setting.label,
                number(setting.min),
                number(setting.max),
                setting.unit
            )),
        });
        if let Some(v) = parsed {
            values.insert(setting.key, v);
        }
    }
    for (lower, higher, message) in ORDER {
        if let (Some(l), Some(h)) = (values.get(lower), values.get(higher))
            && l >= h
        {
            form.set_error(&format!("t-{lower}"), *message);
        }
    }
    if form.has_errors() {
        return None;
    }
    let overrides = |group: Group, defaults: Map<String, Value>| -> Option<String> {
        let mut out = Map::new();
        for setting in SETTINGS.iter().filter(|s| s.group == group) {
            let value = values[setting.key];
            let default = value_of(&defaults, setting.key);
            if default != Some(value) {
                let was = default.map(number).unwrap_or_default();
                out.insert(
                    setting.key.to_owned(),
                    serde_json::json!({
                        "value": value,
                        "source": format!("Set by {} (default {was})", clinic.name),
                        "our_choice": true,
                    }),
                );
            }
        }
        (!out.is_empty()).then(|| Value::Object(out).to_string())
    };
    Some(ClinicSettings {
        contact: contact?,
        brand_colour: brand_colour?,
        thresholds_json: overrides(A, as_object(&Thresholds::default())),
        progression_json: overrides(P, as_object(&ProgressionThresholds::default())),
    })
}

/// `POST /clinic/settings`.
pub async fn save_settings(
    ctx: Ctx,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let clinic_id = admin_clinic(&ctx)?;
    let clinic = ctx.state.store.clinic(clinic_id).await?;
    let mut form = FormState::from_values(fields);
    let Some(settings) = check(&mut form, &clinic) else {
        return page_with(&ctx, &clinic, form).await;
    };
    ctx.state
        .store
        .update_clinic_settings(&ctx.actor()?, clinic_id, &settings)
        .await?;
    ctx.flash(
        "success",
        "Settings saved. New scores and reviews use them from now on.",
    )
    .await?;
    Ok(Redirect::to("/clinic/settings").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clinic(thresholds: Option<&str>, progression: Option<&str>) -> Clinic {
        Clinic {
            id: 1,
            name: "Riverside".to_owned(),
            units: backstride_core::UnitPreference::default(),
            time_zone: backstride_core::TimeZoneName::utc(),
            settings: ClinicSettings {
                thresholds_json: thresholds.map(str::to_owned),
                progression_json: progression.map(str::to_owned),
                ..ClinicSettings::default()
            },
        }
    }

    #[test]
    fn severe_pain_is_one_setting_for_scoring_and_alerts() {
        assert_eq!(
            SETTINGS
                .iter()
                .filter(|s| s.key.contains("critical_pain") || s.key.contains("pain_critical"))
                .count(),
            1
        );
        let set = r#"{"pain_critical_from": {"value": 8, "source": "Set", "our_choice": true}}"#;
        let c = clinic(Some(set), None);
        assert_eq!(
            assessment_thresholds(Some(&c)).pain_critical_from.value,
            8.0
        );
        assert_eq!(
            progression_thresholds(Some(&c))
                .alert_critical_pain_from
                .value,
            8.0
        );
        // A tracking override saved before the merge moves to the one entry, and the other
        // tracking overrides stored beside it are kept.
        let old = r#"{"alert_critical_pain_from": {"value": 6, "source": "Set", "our_choice": true},
                      "run_cut_percent": {"value": 20, "source": "Set", "our_choice": true}}"#;
        let c = clinic(None, Some(old));
        assert_eq!(
            assessment_thresholds(Some(&c)).pain_critical_from.value,
            6.0
        );
        let p = progression_thresholds(Some(&c));
        assert_eq!(
            (p.alert_critical_pain_from.value, p.run_cut_percent.value),
            (6.0, 20.0)
        );
        // Where both were set, the assessment's entry wins everywhere.
        let c = clinic(Some(set), Some(old));
        assert_eq!(
            progression_thresholds(Some(&c))
                .alert_critical_pain_from
                .value,
            8.0
        );
    }

    #[test]
    fn every_setting_names_a_threshold_core_knows_and_its_default_is_in_range() {
        let a = as_object(&Thresholds::default());
        let p = as_object(&ProgressionThresholds::default());
        for setting in SETTINGS {
            let map = if setting.group == A { &a } else { &p };
            let v = value_of(map, setting.key).unwrap_or_else(|| panic!("{}", setting.key));
            assert!((setting.min..=setting.max).contains(&v), "{}", setting.key);
            assert_eq!(
                map[setting.key]["our_choice"],
                Value::Bool(true),
                "{} is published, not configurable",
                setting.key
            );
        }
    }

    #[test]
    fn every_published_cut_off_has_a_plain_label() {
        let defaults = as_object(&Thresholds::default());
        let configurable: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        for (key, v) in &defaults {
            if configurable.contains(&key.as_str())
                || v.get("our_choice") != Some(&Value::Bool(false))
            {
                continue;
            }
            assert!(
                PLAIN_LABELS.iter().any(|(k, _)| k == key),
                "{key} needs a plain label"
            );
        }
    }
}
