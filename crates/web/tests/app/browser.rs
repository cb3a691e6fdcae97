//! Browser tests: the real server on a loopback port, driven by Debian's headless Chromium
//! through chromedriver, at phone size, with axe-core checking each page.
//!
//! Skipped (with a note) when chromedriver is missing, except under CI, where that fails.

use crate::client::PASSWORD;
use backstride_core::Role;
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const AXE: &str = include_str!("../vendor/axe.min.js");

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Chromium's network emulation through chromedriver (`/chromium/network_conditions`): the
/// page and its service worker offline, or back online.
#[derive(Debug)]
struct NetworkConditions {
    offline: bool,
}

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = serde_json::json!({ "network_conditions": {
            "offline": self.offline, "latency": 0,
            "download_throughput": -1, "upload_throughput": -1 } });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

/// Where browser tests save screenshots for a person to look at: `BACKSTRIDE_SCREENSHOTS`, else
/// `screenshots/` in the target folder, beside the test binaries (wherever `CARGO_TARGET_DIR` is).
pub fn screenshot_dir() -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("BACKSTRIDE_SCREENSHOTS") {
        return dir.into();
    }
    let tmp = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(&tmp).join("screenshots")
}

/// A running app plus a browser pointed at it.
pub struct Browser {
    pub client: Client,
    pub base: String,
    pub store: std::sync::Arc<dyn backstride_store::Store>,
    _driver: Driver,
}

impl Browser {
    /// Starts the app on SQLite and a headless Chromium; `None` when no browser is installed here.
    pub async fn start() -> Option<Browser> {
        Self::start_with(false).await
    }

    /// As [`Browser::start`], with WebGL drawn in software (SwiftShader) for pages that run a
    /// model on the GPU (the running-form page's pose model).
    pub async fn start_with_webgl() -> Option<Browser> {
        Self::start_with(true).await
    }

    /// As [`Browser::start_with_webgl`], with Chromium's fake camera (a moving test pattern)
    /// allowed without asking.
    pub async fn start_with_fake_camera() -> Option<Browser> {
        Self::start_with_args(
            true,
            &[
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
            ],
        )
        .await
    }

    /// As [`Browser::start_with_fake_camera`], the fake camera playing `video` (a `.y4m` file,
    /// over and over) instead of its test pattern.
    pub async fn start_with_fake_camera_playing(video: &std::path::Path) -> Option<Browser> {
        let file = format!("--use-file-for-fake-video-capture={}", video.display());
        Self::start_with_args(
            true,
            &[
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                file.as_str(),
            ],
        )
        .await
    }

    async fn start_with(webgl: bool) -> Option<Browser> {
        Self::start_with_args(webgl, &[]).await
    }

    async fn start_with_args(webgl: bool, extra: &[&str]) -> Option<Browser> {
        if !std::path::Path::new(CHROMEDRIVER).exists() {
            assert!(
                std::env::var("CI").is_err(),
                "CI must install chromium-driver (see .ci/run)"
            );
            eprintln!(
                "skipped: {CHROMEDRIVER} not found; install chromium and chromium-driver to run browser tests"
            );
            return None;
        }
        let store = backstride_store::testing::sqlite().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let config = backstride_web::WebConfig {
            public_url: base.clone(),
            ..crate::client::config()
        };
        let state = backstride_web::AppState::new(store.clone(), config);
        tokio::spawn(backstride_web::serve(
            state,
            listener,
            std::future::pending(),
        ));

        let port = free_port();
        let driver = Driver(
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let profile = std::env::temp_dir().join(format!("bs-chrome-{}-{port}", std::process::id()));
        let gpu = if webgl {
            "--enable-unsafe-swiftshader"
        } else {
            "--disable-gpu"
        };
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            gpu,
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
            "--autoplay-policy=no-user-gesture-required",
            "--window-size=390,844",
        ]
        .iter()
        .chain(extra)
        .map(|a| (*a).to_owned())
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": "/usr/bin/chromium", "args": args }),
        );
        // Two TLS back ends are linked (lettre's ring, the driver client's default): pick one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut client = None;
        for _ in 0..100 {
            match ClientBuilder::rustls()
                .unwrap()
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        Some(Browser {
            client: client.expect("chromedriver answers"),
            base,
            store,
            _driver: driver,
        })
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.client.find(Locator::Css(css)).await.unwrap();
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    /// Clicks the first element `css` finds, scrolled to the middle of the window first so the
    /// runner's bottom tab bar on a phone never covers it.
    pub async fn click(&self, css: &str) {
        let el = self.client.find(Locator::Css(css)).await.unwrap();
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                vec![serde_json::to_value(&el).unwrap()],
            )
            .await
            .unwrap();
        el.click().await.unwrap();
    }

    /// Logs `email` in through the login form (every test person's password is `PASSWORD`) and
    /// waits for a signed-in page.
    pub async fn log_in(&self, email: &str) {
        self.goto("/login").await;
        self.fill("#email", email).await;
        self.fill("#password", crate::client::PASSWORD).await;
        self.click("form.stack button[type=submit]").await;
        self.wait_for_text("Log out").await;
    }

    /// Switches the browser's network off (`true`) or back on.
    pub async fn set_offline(&self, offline: bool) {
        self.client
            .issue_cmd(NetworkConditions { offline })
            .await
            .expect("chromedriver emulates the network");
    }

    /// Waits for the page and its stylesheets to finish loading (after a click that left the
    /// page, the new page's text can be there before its styles are).
    pub async fn wait_loaded(&self) {
        for _ in 0..100 {
            let state = self
                .client
                .execute("return document.readyState;", vec![])
                .await
                .unwrap();
            if state == "complete" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for text to appear in the page body.
    pub async fn wait_for_text(&self, text: &str) {
        for _ in 0..100 {
            let body = self.client.source().await.unwrap();
            if body.contains(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{text:?} never appeared; page was:\n{}",
            self.client.source().await.unwrap()
        );
    }

    /// Runs axe-core on the current page and fails on any violation.
    pub async fn assert_accessible(&self) {
        let violations = self.accessibility_problems().await;
        let url = self.client.current_url().await.unwrap();
        assert!(
            violations.is_empty(),
            "axe-core found problems on {url}: {violations:#?}"
        );
    }

    /// What axe-core finds wrong with the current page, one line per rule.
    pub async fn accessibility_problems(&self) -> Vec<String> {
        self.client.execute(AXE, vec![]).await.unwrap();
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                    .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(result).unwrap()
    }

    /// Narrows the window to a 375 px phone and checks the current page fits it: the document is
    /// no wider than the viewport (no sideways scroll), and every visible link, button, input,
    /// select and summary is at least 44 px tall and wide (a tick box or radio button with its label).
    pub async fn assert_fits_a_phone(&self) {
        let problems = self.phone_problems().await;
        let url = self.client.current_url().await.unwrap();
        assert!(
            problems.is_empty(),
            "{url} does not fit a 375 px phone: {problems:#?}"
        );
    }

    /// What [`Browser::assert_fits_a_phone`] would fail on, one line each.
    pub async fn phone_problems(&self) -> Vec<String> {
        self.wait_loaded().await;
        self.client.set_window_size(375, 812).await.unwrap();
        let found = self
            .client
            .execute(
                "const doc = document.documentElement;
                 const out = [];
                 if (doc.scrollWidth > doc.clientWidth) out.push('document ' + doc.scrollWidth + ' px wide in a ' + doc.clientWidth + ' px viewport');
                 for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
                   const r = el.getBoundingClientRect();
                   if (r.width === 0 || r.height === 0 || r.right <= 0 || getComputedStyle(el).visibility === 'hidden') continue;
                   if (el.closest('.visually-hidden, details:not([open]) > :not(summary)')) continue;
                   // A tick box or radio button is tapped through its label as well.
                   const targets = /^(checkbox|radio)$/.test(el.type) ? [el, ...el.labels] : [el];
                   if (targets.some(t => { const b = t.getBoundingClientRect(); return b.height >= 44 && b.width >= 44; })) continue;
                   if (r.height < 44 || r.width < 44) out.push(el.outerHTML.slice(0, 120) + ' is ' + Math.round(r.width) + ' × ' + Math.round(r.height) + ' px');
                 }
                 return out;",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(found).unwrap()
    }

    /// Saves the whole page as `<name>.png` in [`screenshot_dir`], not only what fits the window:
    /// the window is made as tall as the page (up to 12,000 px) for the picture, then put back.
    pub async fn save_page(&self, name: &str) {
        let (width, height) = self.client.get_window_size().await.unwrap();
        self.client
            .execute("window.scrollTo(0, 0);", vec![])
            .await
            .unwrap();
        let page = self
            .client
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(height)
            .clamp(height, 12_000);
        let size = |n: u64| u32::try_from(n).unwrap_or(900);
        self.client
            .set_window_size(size(width), size(page))
            .await
            .unwrap();
        let png = self.client.screenshot().await.unwrap();
        self.client
            .set_window_size(size(width), size(height))
            .await
            .unwrap();
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// What is wrong with the current page at `width` px, one line each naming `name` and the
    /// address: at a phone's width (375 px or less) all that [`Browser::phone_problems`] finds,
    /// at any other a document wider than the window; and at both, what axe-core finds. Then
    /// leaves a whole-page screenshot as `{name}-{width}.png` in [`screenshot_dir`]. The window
    /// stays at `width` (812 px tall on a phone, else 900). Every browser test's page check
    /// comes through here.
    pub async fn problems_at(&self, width: u32, name: &str) -> Vec<String> {
        self.wait_loaded().await;
        let url = self.client.current_url().await.unwrap();
        let at = format!("{name} ({}) at {width} px", url.path());
        let mut problems = Vec::new();
        if width <= 375 {
            self.client.set_window_size(width, 812).await.unwrap();
            for p in self.phone_problems().await {
                problems.push(format!("{at}: {p}"));
            }
            self.client.set_window_size(width, 812).await.unwrap();
        } else {
            self.client.set_window_size(width, 900).await.unwrap();
            let widths = self
                .client
                .execute(
                    "const d = document.documentElement; return [d.scrollWidth, d.clientWidth];",
                    vec![],
                )
                .await
                .unwrap();
            let [scroll, client]: [u64; 2] = serde_json::from_value(widths).unwrap();
            if scroll > client {
                problems.push(format!(
                    "{at}: document {scroll} px wide in a {client} px window"
                ));
            }
        }
        for p in self.accessibility_problems().await {
            problems.push(format!("{at}, axe-core: {p}"));
        }
        self.save_page(&format!("{name}-{width}")).await;
        problems
    }

    /// [`Browser::problems_at`], failing on the first page with any.
    pub async fn check_at(&self, width: u32, name: &str) {
        let problems = self.problems_at(width, name).await;
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// Boxes inside the page's main content that reach past the window's right edge or scroll
    /// sideways inside themselves (a chart wider than a phone, say), one line each.
    pub async fn boxes_wider_than_the_window(&self) -> Vec<String> {
        let found = self
            .client
            .execute(
                "const out = [];
                 const right = document.documentElement.clientWidth;
                 for (const el of document.querySelectorAll('main *')) {
                   const r = el.getBoundingClientRect();
                   if (r.width === 0 || r.height === 0) continue;
                   if (el.closest('.visually-hidden, details:not([open]) > :not(summary)')) continue;
                   const what = el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined ? '.' + el.className : '');
                   if (r.right > right + 0.5) out.push(what + ' ends at ' + Math.round(r.right) + ' px in a ' + right + ' px window');
                   const x = getComputedStyle(el).overflowX;
                   if ((x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + 1)
                     out.push(what + ' scrolls sideways: ' + el.scrollWidth + ' px in ' + el.clientWidth + ' px');
                 }
                 return out;",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(found).unwrap()
    }

    /// Checks the page as it is at 1280 px and at a 375 px phone (see [`Browser::check_at`]),
    /// leaving `{name}-1280.png` and `{name}-375.png`; the window is back at 1280 px afterwards.
    pub async fn check_both_widths(&self, name: &str) {
        self.check_at(1280, name).await;
        self.check_at(375, name).await;
        self.client.set_window_size(1280, 900).await.unwrap();
    }

    /// Saves a screenshot when BACKSTRIDE_SCREENSHOTS names a folder (for a person to look at).
    pub async fn screenshot(&self, name: &str) {
        if let Ok(dir) = std::env::var("BACKSTRIDE_SCREENSHOTS") {
            let png = self.client.screenshot().await.unwrap();
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png).unwrap();
        }
    }

    pub async fn close(self) {
        let Browser {
            client, _driver, ..
        } = self;
        let _ = client.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_log_out_and_log_back_in_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    b.goto("/").await;
    b.assert_accessible().await;
    b.screenshot("landing").await;
    b.goto("/signup").await;
    b.assert_accessible().await;
    // A mistake first: the error shows beside the field and the typed values stay.
    b.fill("#display_name", "Maya Miles").await;
    b.fill("#email", "maya@example").await;
    b.fill("#password", "short").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Enter an email address like name@example.com.")
        .await;
    b.assert_accessible().await;
    b.screenshot("signup-errors").await;
    let kept = b
        .client
        .find(Locator::Css("#display_name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Maya Miles"));
    b.fill("#email", "maya@example.com").await;
    b.fill("#password", "ten miles a week").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Nearly there").await;
    b.assert_accessible().await;
    // The emailed link confirms the address and logs in.
    let link = crate::client::link_in_email(&b.store, "maya@example.com", "http://").await;
    b.goto(link.trim_start_matches(&b.base)).await;
    b.assert_accessible().await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Hello, Maya Miles").await;
    b.assert_accessible().await;
    b.screenshot("home").await;

    b.click("nav button.link").await; // Log out
    b.wait_for_text("You are logged out.").await;
    b.assert_accessible().await;
    b.fill("#email", "maya@example.com").await;
    b.fill("#password", "ten miles a week").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Hello, Maya Miles").await;
    b.goto("/settings").await;
    b.assert_accessible().await;
    b.screenshot("settings").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_pages_are_accessible_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let clinic = crate::client::clinic(&b.store, "Axe Clinic").await;
    crate::client::person(
        &b.store,
        Some(&clinic),
        "axe-admin@example.com",
        Role::Admin,
    )
    .await;
    let runner = crate::client::person(
        &b.store,
        Some(&clinic),
        "axe-runner@example.com",
        Role::Runner,
    )
    .await;
    b.goto("/login").await;
    b.fill("#email", "axe-admin@example.com").await;
    b.fill("#password", PASSWORD).await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("an admin at Axe Clinic").await;
    for path in [
        "/clinic".to_owned(),
        "/admin/outbox".to_owned(),
        "/clinic/settings".to_owned(),
        "/clinic/caseload".to_owned(),
        format!("/runners/{}", runner.id),
        format!("/runners/{}/progress", runner.id),
        format!("/runners/{}/load", runner.id),
        "/nope".to_owned(),
    ] {
        b.goto(&path).await;
        b.assert_accessible().await;
    }
    // A refused form on the record: messages by the fields, still accessible.
    b.goto(&format!("/runners/{}", runner.id)).await;
    b.click("section[aria-labelledby=coaching-h] details > summary")
        .await;
    b.fill("#weeks", "60").await;
    b.click("form[action$='/coaching'] button[type=submit]")
        .await;
    b.wait_for_text("Please check the form").await;
    b.wait_for_text("from 1 to 52").await;
    b.assert_accessible().await;
    b.screenshot("clinic").await;
    b.close().await;
}

/// Issue 15: "Your data" at phone size — what the clinic keeps is shown before confirming, a
/// wrong password is refused by its field, the right one deletes the account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn your_data_page_fits_a_phone_and_deletes_with_the_password() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let clinic = crate::client::clinic(&b.store, "Phone Clinic").await;
    crate::client::person(
        &b.store,
        Some(&clinic),
        "phone-runner@example.com",
        Role::Runner,
    )
    .await;
    b.log_in("phone-runner@example.com").await;
    b.goto("/settings").await;
    b.click("a[href='/account/data']").await;
    b.wait_for_text("Former runner #").await;
    b.assert_fits_a_phone().await;
    b.assert_accessible().await;
    b.fill("#password", "not the password").await;
    b.click("form[action='/account/delete'] button[type=submit]")
        .await;
    b.wait_for_text("Nothing has been deleted").await;
    b.assert_fits_a_phone().await;
    b.assert_accessible().await;
    b.fill("#password", PASSWORD).await;
    b.click("form[action='/account/delete'] button[type=submit]")
        .await;
    b.wait_for_text("Your account has been deleted").await;
    b.assert_fits_a_phone().await;
    b.assert_accessible().await;
    b.close().await;
}
