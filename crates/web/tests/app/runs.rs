//! The runs pages: uploading one file, several files and a zip; the list and the run page with
//! its charts; duplicates and bad files reported per file; staff access and its audit.

use crate::client::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backstride_core::Role;
use backstride_running::write::SyntheticRun;
use backstride_store::Actor;
use std::io::Write as _;

const BOUNDARY: &str = "----backstride-test-boundary-7MA4YWxkTrZu0gW";

/// A multipart body with each file as a `files` part.
fn multipart(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; \
                 filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads files the way a browser does: posts them (see `post_upload`) and follows the
/// redirect to the page that shows what happened to each.
pub(crate) async fn upload(c: &mut Client, files: &[(&str, &[u8])]) -> Resp {
    let res = post_upload(c, files).await;
    if res.status != StatusCode::SEE_OTHER {
        return res;
    }
    let location = res.location().to_owned();
    c.get(&location).await
}

/// Posts files the way the upload form does: multipart, CSRF token in the query.
async fn post_upload(c: &mut Client, files: &[(&str, &[u8])]) -> Resp {
    c.get("/runs").await;
    let token = c.csrf.clone().expect("a CSRF token on the runs page");
    let req = Request::post(format!("/runs/upload?csrf_token={token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(multipart(files)))
        .unwrap();
    c.send(req).await
}

pub(crate) fn run_fit(minutes_later: u32) -> Vec<u8> {
    SyntheticRun {
        seconds: 1200,
        start: SyntheticRun::default().start + minutes_later * 60,
        ..SyntheticRun::default()
    }
    .to_fit()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The first link to a run page (`{prefix}/<id>`) in a page.
/// The first link to a run (`{prefix}/{id}`, a number) on the page.
fn run_link(body: &str, prefix: &str) -> String {
    let needle = format!("href=\"{prefix}/");
    body.match_indices(&needle)
        .map(|(at, _)| {
            let at = at + "href=\"".len();
            let end = body[at..].find('"').unwrap();
            body[at..at + end].to_owned()
        })
        .find(|link| {
            link.rsplit('/')
                .next()
                .is_some_and(|id| id.parse::<i64>().is_ok())
        })
        .expect("a link to a run")
}

/// The results row of one file.
fn row<'a>(body: &'a str, file: &str) -> &'a str {
    let at = body
        .find(&format!("<td data-label=\"File\">{file}</td>"))
        .unwrap_or_else(|| panic!("no row for {file} in {body}"));
    let end = body[at..].find("</tr>").unwrap();
    &body[at..at + end]
}

#[tokio::test]
async fn an_uploaded_run_is_flagged_with_the_clinics_own_cut_offs() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Quick Feet Clinic").await;
        let admin = person(&store, Some(&clinic), "qf-admin@example.com", Role::Admin).await;
        person(&store, Some(&clinic), "qf-runner@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.login("qf-runner@example.com", PASSWORD).await;
        // The default cut-offs: 170 spm and 50.6% left are not flagged.
        let res = upload(&mut c, &[("before.fit", &run_fit(0))]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(!c.get("/runs").await.body.contains("low cadence"));

        let overrides = r#"{
            "low_cadence_below": {"value": 175, "source": "Set by Quick Feet", "our_choice": true},
            "contact_balance_min_left_percent": {"value": 49.5, "source": "Set", "our_choice": true},
            "contact_balance_max_left_percent": {"value": 50.5, "source": "Set", "our_choice": true}
        }"#;
        let mut settings = store.clinic(clinic.id).await.unwrap().settings;
        settings.thresholds_json = Some(overrides.to_owned());
        store
            .update_clinic_settings(&Actor::of(&admin), clinic.id, &settings)
            .await
            .unwrap();
        let res = upload(&mut c, &[("after.fit", &run_fit(600))]).await;
        assert!(row(&res.body, "after.fit").contains("Imported"), "{}", res.body);
        let list = c.get("/runs").await.body;
        assert!(
            list.contains("low cadence: 170 steps/min (below 175)"),
            "{list}"
        );
        assert!(
            list.contains("ground contact imbalance: 50.6% left (balanced 49.5–50.5%)"),
            "{list}"
        );
        // The run page's balance chart shades the clinic's band.
        let run = c.get(&run_link(&list, "/runs")).await.body;
        assert!(run.contains("balanced, the clinic&#x27;s cut-offs") || run.contains("balanced, the clinic's cut-offs"), "{run}");
    })
    .await;
}

#[tokio::test]
async fn upload_list_run_page_duplicates_and_bad_files() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Runs Clinic").await;
        person(&store, Some(&clinic), "uploader@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.login("uploader@example.com", PASSWORD).await;

        let page = c.get("/runs").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("No runs yet"));
        assert!(page.body.contains("enctype=\"multipart/form-data\""));

        let first = run_fit(0);
        let res = upload(&mut c, &[("morning.fit", &first)]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(
            row(&res.body, "morning.fit").contains("Imported"),
            "{}",
            res.body
        );
        assert!(
            res.body
                .contains("1 imported, 0 duplicate, 0 not a run, 0 failed.")
        );

        let list = c.get("/runs").await;
        assert!(list.body.contains("1 May 2024, 07:00"), "{}", list.body);
        assert!(list.body.contains("3.60 km"), "{}", list.body);
        assert!(list.body.contains("170 spm") && list.body.contains("260 ms"));
        assert!(list.body.contains("50.6 %"));

        let href = run_link(&list.body, "/runs");
        let run = c.get(&href).await;
        assert_eq!(run.status, StatusCode::OK, "{}", run.body);
        for chart in ["pace", "cadence", "gct", "balance"] {
            assert!(
                run.body
                    .contains(&format!("<title id=\"chart-{chart}-title\">")),
                "chart {chart} missing"
            );
        }
        assert!(run.body.contains("<desc id=\"chart-cadence-desc\">"));
        assert!(run.body.contains("Show the numbers as a table"));
        assert!(
            run.body.contains("<h2 id=\"laps-h\">Laps</h2>")
                && run.body.contains("<td data-label=\"Lap\">4</td>")
        );
        assert!(!run.body.contains("style="), "inline styles break the CSP");

        // The same file again, with a second new one and a zip with a traversal name.
        let second = run_fit(90);
        let zip = zip_of(&[
            ("export/third.fit", &run_fit(180)),
            ("../../etc/evil.fit", &run_fit(240)),
            ("export/summary.json", b"{}"),
        ]);
        let res = upload(
            &mut c,
            &[
                ("again.fit", &first),
                ("evening.FIT", &second),
                ("garmin-export.zip", &zip),
            ],
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(row(&res.body, "again.fit").contains("already imported"));
        assert!(row(&res.body, "evening.FIT").contains("Imported"));
        assert!(row(&res.body, "garmin-export.zip/export/third.fit").contains("Imported"));
        assert!(row(&res.body, "garmin-export.zip/../../etc/evil.fit").contains("path traversal"));
        assert!(!res.body.contains("summary.json"));

        // Bad files: each gets its own reason, with the byte offset where decoding stopped.
        let res = upload(
            &mut c,
            &[
                ("cut.fit", &first[..first.len() / 3]),
                ("photo.jpg", b"\xff\xd8\xff\xe0 not a watch file at all"),
                ("empty.fit", b""),
                ("broken.zip", b"PK\x03\x04 this is no archive"),
            ],
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let cut = row(&res.body, "cut.fit");
        assert!(cut.contains("Failed") && cut.contains("cut short") && cut.contains("at byte"));
        assert!(row(&res.body, "photo.jpg").contains("not a FIT file: no FIT header at byte 0"));
        assert!(row(&res.body, "empty.fit").contains("empty"));
        assert!(row(&res.body, "broken.zip").contains("not a readable zip archive"));
        assert!(
            res.body
                .contains("0 imported, 0 duplicate, 0 not a run, 4 failed.")
        );

        // Nothing chosen.
        let res = upload(&mut c, &[]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("Choose one or more .fit files"));

        // Without the token the upload is refused.
        let req = Request::post("/runs/upload")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(multipart(&[("x.fit", &first)])))
            .unwrap();
        assert_eq!(c.send(req).await.status, StatusCode::FORBIDDEN);

        let list = c.get("/runs").await;
        assert_eq!(
            list.body.matches("href=\"/runs/").count()
                - list.body.matches("href=\"/runs/load\"").count(),
            3,
            "{}",
            list.body
        );
    })
    .await;
}

#[tokio::test]
async fn clinic_staff_see_runs_and_everyone_else_gets_404() {
    each_backend(|store| async move {
        let home = clinic(&store, "Home Clinic").await;
        let other = clinic(&store, "Other Clinic").await;
        let runner = person(&store, Some(&home), "r@example.com", Role::Runner).await;
        let clinician = person(&store, Some(&home), "c@example.com", Role::Clinician).await;
        person(&store, Some(&other), "o@example.com", Role::Clinician).await;
        person(&store, Some(&home), "r2@example.com", Role::Runner).await;

        let mut c = Client::new(store.clone());
        c.login("r@example.com", PASSWORD).await;
        let res = upload(&mut c, &[("run.fit", &run_fit(0))]).await;
        assert!(res.body.contains("1 imported"), "{}", res.body);
        let own = run_link(&c.get("/runs").await.body, "/runs");
        let run_id = own.rsplit('/').next().unwrap().to_owned();

        let mut staff = c.another();
        staff.login("c@example.com", PASSWORD).await;
        let list = staff.get(&format!("/runners/{}/runs", runner.id)).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert!(list.body.contains("Runs of r") && list.body.contains("170 spm"));
        assert!(
            !list.body.contains("multipart/form-data"),
            "staff get no upload form"
        );
        let page = staff
            .get(&format!("/runners/{}/runs/{run_id}", runner.id))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("All runs of r"));
        let audit = store.audit_events_about(runner.id).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.actor_user_id == clinician.id && e.action == "list runs"),
            "{audit:?}"
        );

        let mut stranger = c.another();
        stranger.login("o@example.com", PASSWORD).await;
        for path in [
            format!("/runners/{}/runs", runner.id),
            format!("/runners/{}/runs/{run_id}", runner.id),
        ] {
            assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
        }
        let mut peer = c.another();
        peer.login("r2@example.com", PASSWORD).await;
        assert_eq!(
            peer.get(&format!("/runners/{}/runs", runner.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            peer.get(&format!("/runs/{run_id}")).await.status,
            StatusCode::NOT_FOUND
        );
        // Staff have no runs of their own to upload to.
        assert_eq!(staff.get("/runs").await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn pain_versus_load_flags_a_pattern_and_watch_cadence_fills_the_assessment() {
    each_backend(|store| async move {
        let home = clinic(&store, "Load Clinic").await;
        let away = clinic(&store, "Other Load Clinic").await;
        let runner = person(&store, Some(&home), "load@example.com", Role::Runner).await;
        person(
            &store,
            Some(&away),
            "load-other@example.com",
            Role::Clinician,
        )
        .await;
        let today = jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        let day = |n: i64| today.checked_sub(jiff::Span::new().days(n)).unwrap();
        // FIT times count from 1989-12-31 00:00 UTC.
        let fit_start = |date: jiff::civil::Date| {
            let unix = date
                .at(7, 0, 0, 0)
                .to_zoned(jiff::tz::TimeZone::UTC)
                .unwrap()
                .timestamp();
            u32::try_from(unix.as_second() - 631_065_600).unwrap()
        };
        let mut c = Client::new(store.clone());
        c.login("load@example.com", PASSWORD).await;
        // Two low-cadence runs followed by sorer mornings, two good ones followed by easy ones.
        let runs: Vec<(String, Vec<u8>)> = [(8, 150.0), (6, 152.0), (4, 170.0), (2, 172.0)]
            .iter()
            .map(|(n, cadence)| {
                let fit = SyntheticRun {
                    seconds: 900,
                    start: fit_start(day(*n)),
                    cadence_spm: *cadence,
                    ..SyntheticRun::default()
                }
                .to_fit();
                (format!("run-{n}.fit"), fit)
            })
            .collect();
        let files: Vec<(&str, &[u8])> = runs
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        assert_eq!(upload(&mut c, &files).await.status, StatusCode::OK);
        let me = backstride_store::Actor::of(&runner);
        for (n, pain) in [(7, 5), (5, 4), (3, 2), (1, 2)] {
            let body = serde_json::json!({"date": day(n), "morning_pain": pain, "stiffness": 2});
            store
                .add_log(
                    &me,
                    runner.id,
                    &backstride_store::NewLog {
                        kind: backstride_store::LogKind::Morning,
                        log_date: day(n).to_string(),
                        body_json: body.to_string(),
                        idempotency_key: format!("load-{n}"),
                    },
                )
                .await
                .unwrap();
        }
        let page = c.get("/runs/load").await;
        assert_eq!(page.location(), format!("/runners/{}/load", runner.id));
        let page = c.get(page.location()).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Worth discussing"), "{}", page.body);
        assert!(page.body.contains("with low cadence"));
        assert!(page.body.contains("4.5/10"), "{}", page.body);
        assert!(page.body.contains("<span class=\"tag\">low</span>"));
        let mut other = c.another();
        other.login("load-other@example.com", PASSWORD).await;
        assert_eq!(
            other
                .get(&format!("/runners/{}/load", runner.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // A new assessment starts with the watch's cadence filled in (median of the last runs).
        let res = c
            .post(&format!("/runners/{}/assessments/new", runner.id), &[])
            .await;
        let id: i64 = res
            .location()
            .trim_start_matches("/assessment/")
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let started = store.assessment(&me, id).await.unwrap();
        let raw: serde_json::Value = serde_json::from_str(&started.raw_json).unwrap();
        assert_eq!(
            raw["posture_form"]["cadence"]["steps_per_minute"], 161.0,
            "{raw}"
        );
    })
    .await;
}

/// Zips of one upload share one budget of unpacked bytes: two small zips that each unpack to
/// 80 MiB are refused past the first 64 MiB, and the refusal states the limit.
#[tokio::test]
async fn nested_zip_bombs_in_one_upload_share_its_unpacking_budget() {
    let store = backstride_store::testing::sqlite().await;
    let clinic = clinic(&store, "Bomb Clinic").await;
    person(&store, Some(&clinic), "bomber@example.com", Role::Runner).await;
    let mut c = Client::new(store.clone());
    c.login("bomber@example.com", PASSWORD).await;
    c.get("/runs").await;
    let zeros = vec![0u8; 20 * 1024 * 1024];
    let mut inner = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    for name in ["a.fit", "b.fit"] {
        inner.start_file(name, stored).unwrap();
        inner.write_all(&zeros).unwrap();
    }
    let inner = inner.finish().unwrap().into_inner();
    let bomb = zip_of(&[("inner.zip", &inner)]);
    assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());

    let res = upload(&mut c, &[("one.zip", &bomb), ("two.zip", &bomb)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    for refused in ["one.zip/inner.zip/b.fit", "two.zip/inner.zip"] {
        let line = row(&res.body, refused);
        assert!(
            line.contains("64.0 MiB in all") && line.contains("zip bomb"),
            "{line}"
        );
    }
    assert!(!res.body.contains("two.zip/inner.zip/a.fit"));
}

/// An upload answers 303 to the runs page, whose address holds no CSRF token; that page shows
/// each file's result once, and loading it again imports nothing and shows the plain list.
#[tokio::test]
async fn upload_redirects_to_its_result_without_the_token_and_a_reload_imports_nothing() {
    each_backend(|store| async move {
        let runner = person(&store, None, "reload@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.login("reload@example.com", PASSWORD).await;
        let res = post_upload(&mut c, &[("morning.fit", &run_fit(0))]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let location = res.location().to_owned();
        assert_eq!(location, "/runs");
        assert!(!location.contains("csrf") && !location.contains('?'));

        let result = c.get(&location).await;
        assert_eq!(result.status, StatusCode::OK);
        assert!(
            row(&result.body, "morning.fit").contains("Imported"),
            "{}",
            result.body
        );
        assert!(
            result
                .body
                .contains("1 imported, 0 duplicate, 0 not a run, 0 failed.")
        );
        let actor = Actor::of(&runner);
        assert_eq!(store.runs_of(&actor, runner.id).await.unwrap().len(), 1);

        // The reload: the same address again shows the list without the results, and no new run.
        let again = c.get(&location).await;
        assert_eq!(again.status, StatusCode::OK);
        assert!(
            !again.body.contains("What happened to each file"),
            "{}",
            again.body
        );
        assert!(!again.body.contains("morning.fit"));
        assert_eq!(store.runs_of(&actor, runner.id).await.unwrap().len(), 1);

        // A form without files is answered in place, nothing stored, and no results left over.
        let empty = post_upload(&mut c, &[]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body.contains("Choose one or more .fit files"));
        assert!(!empty.body.contains("What happened to each file"));
        assert_eq!(store.runs_of(&actor, runner.id).await.unwrap().len(), 1);
    })
    .await;
}
