//! The app around the pages (issue 14 item 5), in-process on every backend: the web app
//! manifest and its icons, the service worker's address, scope and caching, the vendored font
//! and licences, the navigation's tabs with `aria-current`, and run days asked on the self-check
//! (kept with its answers) and ticked from that answer — or the last programme — wherever run
//! days are chosen, with a warning when none are.

use crate::assessment::{Fields, fields, post, red_flags, start, step};
use crate::client::*;
use crate::http::header_of;
use axum::http::{StatusCode, header};
use backstride_core::Role;

/// A self-check with the red-flag screen answered, `baseline` on its step (the run-day
/// question is there) and every test skipped; its id.
async fn self_check_with(c: &mut Client, runner_id: i64, baseline: &Fields) -> i64 {
    let id = start(c, runner_id).await;
    step(c, id, "red_flags", &red_flags(&[]), "baseline").await;
    step(c, id, "baseline", baseline, "posture_form").await;
    for (area, next) in [
        ("posture_form", "hip_mobility"),
        ("hip_mobility", "hip_stability"),
        ("hip_stability", "core"),
        ("core", "results"),
    ] {
        step(c, id, area, &Fields::new(), next).await;
    }
    id
}

/// A self-check with the red-flag screen answered and everything else skipped; its id.
async fn skipped_self_check(c: &mut Client, runner_id: i64) -> i64 {
    self_check_with(c, runner_id, &Fields::new()).await
}

/// Whether the page has the tick box `name` ticked.
fn ticked(page: &str, name: &str) -> bool {
    page.contains(&format!("name=\"{name}\" value=\"on\" checked>"))
}

#[tokio::test]
async fn the_app_installs_a_manifest_with_icons_and_a_no_cache_service_worker_at_the_root() {
    each_backend(|store| async move {
        let mut visitor = Client::new(store.clone());
        let page = visitor.get("/login").await;
        assert!(
            page.body
                .contains("<link rel=\"manifest\" href=\"/manifest.webmanifest\">")
        );
        assert!(
            page.body
                .contains("<meta name=\"theme-color\" content=\"#0b5e55\">")
        );

        let manifest = visitor.get("/manifest.webmanifest").await;
        assert_eq!(manifest.status, StatusCode::OK);
        assert_eq!(
            header_of(&manifest, header::CONTENT_TYPE),
            "application/manifest+json"
        );
        let json: serde_json::Value = serde_json::from_str(&manifest.body).unwrap();
        assert_eq!(json["start_url"], "/today");
        assert_eq!(json["display"], "standalone");
        assert_eq!(json["theme_color"], "#0b5e55");
        let mut sizes = Vec::new();
        for icon in json["icons"].as_array().unwrap() {
            let src = icon["src"].as_str().unwrap();
            let res = visitor.get(src).await;
            assert_eq!(res.status, StatusCode::OK, "{src}");
            assert_eq!(header_of(&res, header::CONTENT_TYPE), icon["type"], "{src}");
            if icon["type"] == "image/png" {
                assert!(res.bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{src}");
                // The PNG's own width, from its header: what the manifest says it is.
                let width = u32::from_be_bytes(res.bytes[16..20].try_into().unwrap());
                assert_eq!(icon["sizes"], format!("{width}x{width}"), "{src}");
                sizes.push(width);
            }
        }
        assert_eq!(sizes, [192, 512]);

        let worker = visitor.get("/sw.js").await;
        assert_eq!(worker.status, StatusCode::OK);
        assert_eq!(
            header_of(&worker, header::CONTENT_TYPE),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(header_of(&worker, header::CACHE_CONTROL), "no-cache");
        assert!(!worker.body.contains("__ASSETS__") && !worker.body.contains("__VERSION__"));
        // It keeps the very stylesheet and scripts the pages link, by their hashed names.
        for linked in page.body.split('"').filter(|s| s.starts_with("/static/")) {
            if !linked.contains("/icon-") {
                assert!(worker.body.contains(&format!("\"{linked}\"")), "{linked}");
            }
        }
        assert!(
            worker.body.contains("request.method !== \"GET\""),
            "forms go straight through"
        );
    })
    .await;
}

#[tokio::test]
async fn the_web_font_and_the_licences_of_what_we_vendor_are_served() {
    each_backend(|store| async move {
        let mut visitor = Client::new(store.clone());
        let css = visitor.get("/static/app.css").await.body;
        for weight in ["400", "700"] {
            let url = format!("/static/vendor/atkinson-hyperlegible/latin-{weight}.woff2");
            assert!(css.contains(&format!("url({url})")), "{weight}");
            let font = visitor.get(&url).await;
            assert_eq!(font.status, StatusCode::OK);
            assert_eq!(header_of(&font, header::CONTENT_TYPE), "font/woff2");
            assert!(font.bytes.starts_with(b"wOF2"), "a woff2 file");
        }
        let font_licence = visitor
            .get("/static/vendor/atkinson-hyperlegible/LICENSE.txt")
            .await;
        assert!(font_licence.body.contains("SIL Open Font License"));
        let icon_licence = visitor.get("/static/vendor/lucide/LICENSE.txt").await;
        assert!(icon_licence.body.contains("ISC License"));
    })
    .await;
}

#[tokio::test]
async fn a_runner_gets_five_tabs_with_the_current_one_marked_and_staff_a_short_menu() {
    each_backend(|store| async move {
        let home = clinic(&store, "Tab Clinic").await;
        let runner = person(&store, Some(&home), "tab-run@example.com", Role::Runner).await;
        person(&store, Some(&home), "tab-doc@example.com", Role::Clinician).await;
        let mut c = Client::new(store.clone());
        c.login("tab-run@example.com", PASSWORD).await;
        let progress = format!("/runners/{}/progress", runner.id);
        for (path, current) in [
            ("/today", "/today"),
            ("/programme", "/programme"),
            ("/runs", "/runs"),
            ("/home", "/home"),
            ("/settings", "/home"),
            (progress.as_str(), "/progress"),
        ] {
            let page = c.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            let tabs = &page.body[page.body.find("<ul class=\"tabs\">").unwrap()..];
            let tabs = &tabs[..tabs.find("</ul>").unwrap()];
            assert_eq!(tabs.matches("<li>").count(), 5, "{path}");
            for word in ["Today", "Programme", "Progress", "Runs", "Me"] {
                assert!(
                    tabs.contains(&format!("<span>{word}</span>")),
                    "{path}: {word}"
                );
            }
            assert_eq!(tabs.matches("aria-current=\"page\"").count(), 1, "{path}");
            assert!(
                tabs.contains(&format!("<a href=\"{current}\" aria-current=\"page\">")),
                "{path}: {tabs}"
            );
            assert!(
                tabs.contains("aria-hidden=\"true\""),
                "the icons are decorative"
            );
            assert!(page.body.contains("<nav aria-label=\"Main\">"));
        }
        let mut doc = Client::new(store.clone());
        doc.login("tab-doc@example.com", PASSWORD).await;
        let page = doc.get("/clinic/caseload").await;
        assert!(!page.body.contains("class=\"tabs\""));
        assert!(
            page.body
                .contains("<a href=\"/clinic\" aria-current=\"page\">")
        );
        assert!(
            page.body
                .contains("<button type=\"submit\" class=\"link\">")
        );
    })
    .await;
}

#[tokio::test]
async fn run_days_are_ticked_from_the_last_programme_and_a_warning_shows_when_none_are() {
    each_backend(|store| async move {
        let runner = person(&store, None, "days@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.login("days@example.com", PASSWORD).await;
        let first = skipped_self_check(&mut c, runner.id).await;
        let setup = c.get(&format!("/assessments/{first}/programme")).await;
        assert_eq!(setup.status, StatusCode::OK);
        assert!(
            !setup.body.contains("value=\"on\" checked>"),
            "nothing to go on yet"
        );
        assert!(
            setup.body.contains("data-none-warning>No run days ticked"),
            "the warning shows: {}",
            setup.body
        );
        let res = c
            .post(
                &format!("/assessments/{first}/programme"),
                &[
                    ("start_date", &typed_days_ahead(0)),
                    ("days", "14"),
                    ("minutes_cap", "20"),
                    ("run_tuesday", "on"),
                    ("run_saturday", "on"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        let again = skipped_self_check(&mut c, runner.id).await;
        let setup = c.get(&format!("/assessments/{again}/programme")).await;
        for day in ["tuesday", "saturday"] {
            assert!(
                setup
                    .body
                    .contains(&format!("name=\"run_{day}\" value=\"on\" checked>")),
                "{day}: {}",
                setup.body
            );
        }
        assert!(
            !setup
                .body
                .contains("name=\"run_monday\" value=\"on\" checked>")
        );
        assert!(setup.body.contains("data-none-warning hidden>"));
    })
    .await;
}

#[tokio::test]
async fn run_days_given_on_the_self_check_are_kept_with_its_answers_and_ticked_for_the_programme() {
    each_backend(|store| async move {
        let runner = person(&store, None, "answers@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.login("answers@example.com", PASSWORD).await;
        let id = start(&mut c, runner.id).await;
        step(&mut c, id, "red_flags", &red_flags(&[]), "baseline").await;

        // The question is on the pain-and-function step, warning while nothing is ticked.
        let page = c.get(&format!("/assessment/{id}/baseline")).await;
        assert!(page.body.contains("Which days do you usually run?"));
        assert!(page.body.contains("name=\"baseline.run_days.none\""));
        assert!(
            page.body.contains("data-none-warning>No day ticked yet"),
            "{}",
            page.body
        );
        // Days and "not running" both: refused by the field, the ticks kept, nothing saved.
        let both = post(
            &mut c,
            &format!("/assessment/{id}/baseline"),
            &fields(&[
                ("baseline.run_days.monday", "on"),
                ("baseline.run_days.none", "on"),
            ]),
        )
        .await;
        assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(both.body.contains("id=\"run-days-error\""), "{}", both.body);
        assert!(both.body.contains("href=\"#baseline.run_days\""));
        assert!(ticked(&both.body, "baseline.run_days.monday"));
        let actor = backstride_store::Actor::of(&runner);
        let raw = store.assessment(&actor, id).await.unwrap().raw_json;
        assert!(!raw.contains("run_days"), "{raw}");

        // Days given: kept with the answers, shown back on the step.
        let days = fields(&[
            ("baseline.run_days.wednesday", "on"),
            ("baseline.run_days.sunday", "on"),
        ]);
        step(&mut c, id, "baseline", &days, "posture_form").await;
        let raw = store.assessment(&actor, id).await.unwrap().raw_json;
        assert!(
            raw.contains("\"run_days\":[\"wednesday\",\"sunday\"]"),
            "{raw}"
        );
        let page = c.get(&format!("/assessment/{id}/baseline")).await;
        assert!(ticked(&page.body, "baseline.run_days.sunday"));
        assert!(page.body.contains("data-none-warning hidden>"));
        for (area, next) in [
            ("baseline", "posture_form"),
            ("posture_form", "hip_mobility"),
            ("hip_mobility", "hip_stability"),
            ("hip_stability", "core"),
            ("core", "results"),
        ] {
            let answers = if area == "baseline" {
                days.clone()
            } else {
                Fields::new()
            };
            step(&mut c, id, area, &answers, next).await;
        }

        // The programme's set-up ticks them.
        let setup = c.get(&format!("/assessments/{id}/programme")).await;
        assert!(ticked(&setup.body, "run_wednesday") && ticked(&setup.body, "run_sunday"));
        assert!(!ticked(&setup.body, "run_monday"));
        assert!(setup.body.contains("data-none-warning hidden>"));

        // The next self-check asks again with the same days ticked; "not running" ticks none on
        // the programme's set-up, which warns.
        let again = start(&mut c, runner.id).await;
        step(&mut c, again, "red_flags", &red_flags(&[]), "baseline").await;
        let page = c.get(&format!("/assessment/{again}/baseline")).await;
        assert!(ticked(&page.body, "baseline.run_days.wednesday"));
        assert!(!ticked(&page.body, "baseline.run_days.monday"));
        let again = self_check_with(
            &mut c,
            runner.id,
            &fields(&[("baseline.run_days.none", "on")]),
        )
        .await;
        let raw = store.assessment(&actor, again).await.unwrap().raw_json;
        assert!(raw.contains("\"run_days\":[]"), "{raw}");
        let setup = c.get(&format!("/assessments/{again}/programme")).await;
        assert!(
            !setup.body.contains("value=\"on\" checked>"),
            "{}",
            setup.body
        );
        assert!(setup.body.contains("data-none-warning>No run days ticked"));
    })
    .await;
}
