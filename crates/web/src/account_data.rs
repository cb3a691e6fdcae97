//! A runner's data is theirs (issue 15), the web side: the "Your data" page (download everything
//! as one zip; delete the account after re-entering the password, with what the clinic keeps
//! shown first), a clinician's export of a runner of their clinic (audited by the store), the
//! admin's retention period, and the zip itself ([`export_zip`], shared with `backstride export`).
//!
//! The zip is built in memory. Its size is bounded by the runner's records (which the app
//! bounds: see `backstride_store::export`) plus their watch files (each at most ingest's
//! `MAX_FILE_BYTES`), one handout PDF per approved programme version and one change report
//! per re-test; the fixture runner's zip is about 100 KB.

use crate::AppState;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::templates::{FormState, Page, render, render_status};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use backstride_core::Role;
use backstride_store::export::{DEFAULT_RETENTION_YEARS, RETENTION_YEARS};
use backstride_store::{Actor, DeletionPlan, RunnerExport, Store, User};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/data", get(page))
        .route("/account/data/export", post(export_own))
        .route("/account/delete", post(delete_account))
        .route("/runners/{id}/export", post(export_runner))
        .route(
            "/clinic/retention",
            get(retention_page).post(save_retention),
        )
}

/// What the zip holds, for the person who opens it.
const README: &str = "\
This is everything Backstride holds about you.

backstride-export.json  every record, as data: your account, assessments (your answers and
                        their results), programme versions, logs, reviews and your clinician's
                        decisions, runs from your watch, coaching programmes, alerts, your
                        reminder, what you asked a clinic for, booked calls, consents you
                        gave, and who else opened your record.
logs.csv                your logs (sessions, runs, morning check-ins), one row each.
runs.csv                your watch runs' summaries, one row each.
measurements.csv        every value entered in your assessments, one row each.
fhir-bundle.json        your pain scores, functional scale (PSFS), measurements and
                        assessments as FHIR R4 (a Bundle of Patient and Observation
                        resources), for a health record.
watch/                  your watch files (.fit) as you uploaded them.
pdf/                    your programme handouts and re-test change reports.

Another Backstride server can import this file: `backstride import-export FILE`.
";

/// Every record about `runner_id`, as `viewer` may see it, in one zip: the JSON document, CSV
/// files for spreadsheets, and the PDFs (handouts of approved versions, change reports).
/// `step(done, total)` is told as each part is ready (the CLI's progress bar); the PDFs are
/// printed on the viewer's today by `clock`; `base_url` (the server's public address) roots the
/// FHIR bundle's code system and identifiers.
pub async fn export_zip(
    store: &dyn Store,
    clock: &crate::Clock,
    viewer: &User,
    runner_id: i64,
    base_url: &str,
    step: &(dyn Fn(usize, usize) + Send + Sync),
) -> AppResult<Vec<u8>> {
    let actor = Actor::of(viewer);
    let mut doc = store.export_runner(&actor, runner_id).await?;
    let runner = store.user(runner_id).await?;
    let on_hold = crate::programme::hold::red_flag_hold(store, &actor, runner_id)
        .await?
        .is_some();
    let handouts: Vec<_> = if on_hold {
        Vec::new()
    } else {
        doc.programmes
            .iter()
            .filter(|p| p.approved_at.is_some())
            .collect()
    };
    let retests: Vec<_> = doc
        .assessments
        .iter()
        .filter(|a| a.kind == "retest" && a.status == "complete")
        .collect();
    let total = 3 + handouts.len() + retests.len();
    let mut done = 1;
    step(done, total);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let json = serde_json::to_vec_pretty(&doc)
        .map_err(|e| AppError::Internal(format!("export document: {e}")))?;
    files.push(("backstride-export.json".into(), json));
    files.push(("README.txt".into(), README.as_bytes().to_vec()));
    files.push(("logs.csv".into(), logs_csv(&doc).into_bytes()));
    files.push(("runs.csv".into(), runs_csv(&doc).into_bytes()));
    files.push((
        "measurements.csv".into(),
        measurements_csv(&doc).into_bytes(),
    ));
    files.push((
        "fhir-bundle.json".into(),
        crate::fhir::bundle_bytes(&doc, runner_id, base_url),
    ));
    // The files move into the zip's list rather than being copied (they may be large).
    for f in &mut doc.watch_files {
        files.push((f.entry.clone(), std::mem::take(&mut f.bytes)));
    }
    done += 1;
    step(done, total);
    let clinic = crate::clinic_settings::clinic_of(store, runner.id).await?;
    for p in handouts {
        let Ok(programme) = serde_json::from_str(&p.body) else {
            tracing::warn!(programme = p.id, "export: stored programme does not parse");
            continue;
        };
        let handout = backstride_report::Handout {
            clinic: crate::print::printed_clinic(clinic.as_ref()),
            runner_name: runner.display_name.clone(),
            issued_on: clock.today_for(viewer),
            programme,
        };
        match crate::print::typeset(move || backstride_report::handout_pdf(&handout)).await? {
            Ok(pdf) => files.push((format!("pdf/programme-version-{}.pdf", p.version), pdf)),
            Err(e) => return Err(AppError::Internal(format!("handout {}: {e}", p.id))),
        }
        done += 1;
        step(done, total);
    }
    for (n, a) in retests.iter().enumerate() {
        match crate::tracking::progress::change_pdf_bytes(store, clock, viewer, a.id).await {
            Ok(pdf) => files.push((format!("pdf/change-report-{}.pdf", n + 1), pdf)),
            // A re-test with nothing complete before it has no report.
            Err(AppError::NotFound) => {}
            Err(e) => return Err(e),
        }
        done += 1;
        step(done, total);
    }
    let zip = crate::blocking::off_runtime(move || write_zip(files)).await??;
    step(total, total);
    Ok(zip)
}

fn write_zip(files: Vec<(String, Vec<u8>)>) -> AppResult<Vec<u8>> {
    let failed = |e: zip::result::ZipError| AppError::Internal(format!("export zip: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name, options).map_err(failed)?;
        zip.write_all(&bytes)
            .map_err(|e| AppError::Internal(format!("export zip: {e}")))?;
    }
    Ok(zip.finish().map_err(failed)?.into_inner())
}

/// A date-and-time in UTC as spreadsheets read it.
fn utc(at: i64) -> String {
    jiff::Timestamp::from_second(at)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// One CSV cell: quoted when it needs to be, and text a spreadsheet would run as a formula
/// (starting `=`, `+`, `-` or `@`, and not a number) starts with an apostrophe.
fn cell(value: &str) -> String {
    let formula = value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err();
    let value = if formula {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A CSV of rows with fixed leading columns, then one column per key any row's details has.
fn table(fixed: &[&str], rows: Vec<(Vec<String>, BTreeMap<String, String>)>) -> String {
    let keys: BTreeSet<&String> = rows.iter().flat_map(|(_, d)| d.keys()).collect();
    let mut out = String::new();
    let header: Vec<String> = fixed
        .iter()
        .map(|f| cell(f))
        .chain(keys.iter().map(|k| cell(k)))
        .collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for (lead, details) in &rows {
        let line: Vec<String> = lead
            .iter()
            .map(|v| cell(v))
            .chain(
                keys.iter()
                    .map(|k| cell(details.get(*k).map_or("", String::as_str))),
            )
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The leaves of a JSON document as (dotted path, text); arrays of objects are numbered.
fn leaves(prefix: &str, value: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                leaves(&join(k), v, out);
            }
        }
        serde_json::Value::Array(items) => {
            // Long series (a run's samples) stay in the JSON document.
            if items.len() > 50 {
                return;
            }
            for (i, v) in items.iter().enumerate() {
                leaves(&join(&(i + 1).to_string()), v, out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

fn details(json: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(json) {
        leaves("", &value, &mut out);
    }
    out
}

fn logs_csv(doc: &RunnerExport) -> String {
    let rows = doc
        .logs
        .iter()
        .map(|l| {
            (
                vec![
                    l.log_date.clone(),
                    l.kind.clone(),
                    utc(l.created_at),
                    l.entered_by.clone(),
                ],
                details(&l.body),
            )
        })
        .collect();
    table(&["date", "kind", "saved (UTC)", "entered by"], rows)
}

fn runs_csv(doc: &RunnerExport) -> String {
    let rows = doc
        .runs
        .iter()
        .map(|r| {
            (
                vec![utc(r.started_at), r.sport.clone(), r.file_name.clone()],
                details(&r.summary),
            )
        })
        .collect();
    table(&["started (UTC)", "sport", "file"], rows)
}

fn measurements_csv(doc: &RunnerExport) -> String {
    let mut out =
        String::from("assessment,kind,status,date (UTC),entered by,measurement,value\r\n");
    for (n, a) in doc.assessments.iter().enumerate() {
        for (field, value) in details(&a.answers) {
            let line = [
                (n + 1).to_string(),
                a.kind.clone(),
                a.status.clone(),
                utc(a.created_at),
                a.entered_by.clone(),
                field,
                value,
            ]
            .map(|v| cell(&v));
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

fn zip_response(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn no_step(_: usize, _: usize) {}

/// One line of what deletion keeps or removes.
pub struct PlanLine {
    pub what: &'static str,
    pub count: i64,
}

fn lines(items: &[(&'static str, i64)]) -> Vec<PlanLine> {
    items
        .iter()
        .map(|&(what, count)| PlanLine { what, count })
        .collect()
}

#[derive(Template)]
#[template(path = "account_data.html")]
struct DataPage {
    page: Page,
    form: FormState,
    clinic: Option<String>,
    pseudonym: String,
    retention_years: i64,
    retain_until: String,
    kept: Vec<PlanLine>,
    removed: Vec<PlanLine>,
}

#[derive(Template)]
#[template(path = "account_deleted.html")]
struct DeletedPage {
    page: Page,
    clinic: Option<String>,
    pseudonym: String,
    retain_until: String,
    kept: Vec<PlanLine>,
}

fn day(at: Option<i64>, user: &User) -> String {
    at.and_then(|t| jiff::Timestamp::from_second(t).ok())
        .map(|t| {
            t.to_zoned(user.time_zone.zone().clone())
                .date()
                .strftime("%-d %B %Y")
                .to_string()
        })
        .unwrap_or_default()
}

async fn data_page(ctx: &Ctx, user: &User, form: FormState) -> AppResult<Response> {
    let plan: DeletionPlan = ctx
        .state
        .store
        .deletion_plan(user.id, ctx.state.clock.unix())
        .await?;
    let status = form.status();
    render_status(
        status,
        DataPage {
            page: ctx.page("Your data").await?,
            form,
            clinic: plan.clinic.clone(),
            pseudonym: plan.pseudonym.clone(),
            retention_years: plan.retention_years,
            retain_until: day(plan.retain_until, user),
            kept: lines(&plan.kept),
            removed: lines(&plan.removed),
        },
    )
}

/// `GET /account/data`: download everything, or delete the account (runners).
async fn page(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Runner])?.clone();
    data_page(&ctx, &user, FormState::default()).await
}

/// `POST /account/data/export`: the runner's own zip.
async fn export_own(ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Runner])?.clone();
    let zip = export_zip(
        ctx.state.store.as_ref(),
        &ctx.state.clock,
        &user,
        user.id,
        ctx.state.config.base_url(),
        &no_step,
    )
    .await?;
    Ok(zip_response(zip, "backstride-my-data.zip"))
}

/// `POST /runners/{id}/export`: the same zip, for staff of the runner's clinic (the store
/// audits it; anyone else gets the 404 of a record that does not exist).
async fn export_runner(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let zip = export_zip(
        ctx.state.store.as_ref(),
        &ctx.state.clock,
        &user,
        id,
        ctx.state.config.base_url(),
        &no_step,
    )
    .await?;
    Ok(zip_response(zip, &format!("backstride-runner-{id}.zip")))
}

/// `POST /account/delete`: with the password re-entered, the account goes (what the clinic
/// must keep stays under a pseudonym); a wrong password deletes nothing.
async fn delete_account(
    ctx: Ctx,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let user = ctx.user_with_role(&[Role::Runner])?.clone();
    let mut form = FormState::from_values(fields);
    let typed = form.value("password").to_owned();
    let ok = !typed.is_empty()
        && typed.len() <= 1024
        && ctx
            .state
            .passwords
            .verify(typed, Some(user.password_hash.clone()))
            .await;
    if !ok {
        form.set_error(
            "password",
            "That isn't your password. Nothing has been deleted.",
        );
        // What was typed in a password field is not shown again.
        let form = form.with_value("password", "");
        return data_page(&ctx, &user, form).await;
    }
    let plan = ctx
        .state
        .store
        .delete_runner(user.id, ctx.state.clock.unix())
        .await?;
    ctx.log_out_here().await?;
    let mut page = ctx.page("Your account has been deleted").await?;
    page.user = None;
    render(DeletedPage {
        page,
        clinic: plan.clinic.clone(),
        pseudonym: plan.pseudonym.clone(),
        retain_until: day(plan.retain_until, &user),
        kept: lines(&plan.kept),
    })
}

#[derive(Template)]
#[template(path = "clinic_retention.html")]
struct RetentionPage {
    page: Page,
    form: FormState,
    default_years: i64,
}

async fn retention_form(ctx: &Ctx, form: FormState) -> AppResult<Response> {
    render_status(
        form.status(),
        RetentionPage {
            page: ctx.page("Keeping deleted runners' records").await?,
            form,
            default_years: DEFAULT_RETENTION_YEARS,
        },
    )
}

/// `GET /clinic/retention`: how long the clinic keeps a deleted runner's clinical records.
async fn retention_page(ctx: Ctx) -> AppResult<Response> {
    let admin = ctx.user_with_role(&[Role::Admin])?.clone();
    let clinic = admin.clinic_id.ok_or(AppError::Forbidden)?;
    let years = ctx.state.store.retention_years(clinic).await?;
    retention_form(
        &ctx,
        FormState::default().with_value("retention_years", &years.to_string()),
    )
    .await
}

async fn save_retention(
    ctx: Ctx,
    Form(fields): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let admin = ctx.user_with_role(&[Role::Admin])?.clone();
    let clinic = admin.clinic_id.ok_or(AppError::Forbidden)?;
    let mut form = FormState::from_values(fields);
    let years = form.parse("retention_years", |raw| {
        raw.trim()
            .parse::<i64>()
            .ok()
            .filter(|y| RETENTION_YEARS.contains(y))
            .ok_or(format!(
                "Enter a whole number of years from {} to {}.",
                RETENTION_YEARS.start(),
                RETENTION_YEARS.end()
            ))
    });
    let Some(years) = years else {
        return retention_form(&ctx, form).await;
    };
    ctx.state
        .store
        .set_retention_years(&Actor::of(&admin), clinic, years)
        .await?;
    ctx.flash("success", "Saved.").await?;
    Ok(Redirect::to("/clinic/retention").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(cell("-3.5"), "-3.5");
    }
}
