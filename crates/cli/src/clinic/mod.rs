//! `backstride demo --runners N --days D`: the demo clinic at clinic scale — N more runners
//! with up to D days of history each (see [`story`]), and a year of its front door (see
//! [`front`]), for benchmarks (`bench/load.sh`) and for trying the app with a full caseload.
//!
//! Runners' stories are made on every core at once and written in order, a batch per
//! transaction, through the store's bulk writer; the same seed makes the same clinic.

mod dice;
mod front;
pub mod story;
mod watch;

use crate::demo::{DEMO_CLINIC, DEMO_PASSWORD};
use backstride_store::bulk::{BulkStore, SeedRunner};
use backstride_store::{Store, StoreError};
use std::sync::Arc;

/// Runners written per transaction.
const BATCH: usize = 25;
/// Most runners and days one seeding makes (a bound on the work asked for). **Our choice.**
pub const MAX_RUNNERS: usize = 20_000;
pub const MAX_DAYS: i64 = 3 * 366;

/// What to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub runners: usize,
    pub days: i64,
    pub seed: u64,
}

/// What was made.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Made {
    pub runners: usize,
    pub logs: usize,
    pub runs: usize,
    pub reviews: usize,
    pub alerts: usize,
    pub programmes: usize,
    pub assessments: usize,
    pub front: front::FrontCounts,
    /// The clinic had its seeded runners already; nothing was added.
    pub already: bool,
}

impl std::fmt::Display for Made {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.already {
            return write!(
                f,
                "The clinic's seeded runners exist already; nothing was added."
            );
        }
        write!(
            f,
            "Seeded {} runners: {} assessments, {} programme versions, {} logs, {} watch runs, \
             {} reviews, {} alerts; {} guide leads, {} consult requests, {} booked calls.",
            self.runners,
            self.assessments,
            self.programmes,
            self.logs,
            self.runs,
            self.reviews,
            self.alerts,
            self.front.leads,
            self.front.consults,
            self.front.bookings
        )
    }
}

/// Seeds the clinic-sized set into the demo clinic (seeded first by [`crate::demo::seed`]),
/// with the demo clinician as everyone's clinician, dated from today by `clock`. Refuses sizes
/// past [`MAX_RUNNERS`] and [`MAX_DAYS`]; does nothing when runner 1 exists already.
pub async fn seed(
    store: &dyn Store,
    bulk: Arc<dyn BulkStore>,
    size: Size,
    show_progress: bool,
    clock: &backstride_web::Clock,
) -> anyhow::Result<Made> {
    if size.runners == 0 || size.runners > MAX_RUNNERS {
        anyhow::bail!("--runners must be from 1 to {MAX_RUNNERS}");
    }
    if !(1..=MAX_DAYS).contains(&size.days) {
        anyhow::bail!("--days must be from 1 to {MAX_DAYS}");
    }
    match store.user_by_email(&story::email_of(1).parse()?).await {
        Ok(_) => {
            return Ok(Made {
                already: true,
                ..Made::default()
            });
        }
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let clinic = store.clinic_by_name(DEMO_CLINIC).await?;
    let clinician = store
        .user_by_email(&"clinician@demo.backstride.test".parse()?)
        .await?;
    let today = clock.today_in(&clinic.time_zone);
    let password_hash =
        tokio::task::spawn_blocking(|| backstride_web::hash_password(DEMO_PASSWORD)).await?;
    let plan = Arc::new(story::Plan {
        seed: size.seed,
        clinic_id: clinic.id,
        time_zone: clinic.time_zone.clone(),
        today,
        now: clock.unix(),
        days: size.days,
        runners: size.runners,
        password_hash,
        thresholds: backstride_web::progression_thresholds(Some(&clinic)),
    });
    let bar = show_progress.then(|| crate::import::progress_bar(size.runners as u64, "runners"));
    let made = write_runners(bulk.as_ref(), &plan, clinician.id, bar.as_ref()).await?;
    if let Some(bar) = &bar {
        bar.set_message("front door");
    }
    let front = front::seed(
        store,
        &clinic,
        &clinician,
        size.seed,
        size.runners,
        size.days,
        clock,
    )
    .await?;
    bulk.analyse().await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(Made { front, ..made })
}

/// Makes the runners' stories on every core (worker `w` makes batches `w`, `w + workers`, …)
/// and writes the batches in order as they come.
async fn write_runners(
    bulk: &dyn BulkStore,
    plan: &Arc<story::Plan>,
    clinician_id: i64,
    bar: Option<&indicatif::ProgressBar>,
) -> anyhow::Result<Made> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let batches: Vec<std::ops::Range<usize>> = (1..=plan.runners)
        .step_by(BATCH)
        .map(|first| first..(first + BATCH).min(plan.runners + 1))
        .collect();
    let watch = Arc::new(watch::Watch::default());
    let mut receivers = Vec::new();
    let mut makers = Vec::new();
    for w in 0..workers {
        let (send, receive) = tokio::sync::mpsc::channel::<anyhow::Result<Vec<SeedRunner>>>(2);
        receivers.push(receive);
        let mine: Vec<_> = batches.iter().skip(w).step_by(workers).cloned().collect();
        let (plan, watch) = (plan.clone(), watch.clone());
        makers.push(tokio::task::spawn_blocking(move || {
            for range in mine {
                let batch = range.map(|n| story::runner(n, &plan, &watch)).collect();
                if send.blocking_send(batch).is_err() {
                    return; // the writer stopped
                }
            }
        }));
    }
    let mut made = Made::default();
    for b in 0..batches.len() {
        let batch = receivers[b % workers]
            .recv()
            .await
            .ok_or_else(|| anyhow::anyhow!("a worker making runners stopped"))??;
        for r in &batch {
            made.logs += r.logs.len();
            made.runs += r.runs.len();
            made.reviews += r.reviews.len();
            made.alerts += r.alerts.len();
            made.programmes += r.programmes.len();
            made.assessments += r.assessments.len();
        }
        bulk.insert_runners(clinician_id, &batch).await?;
        made.runners += batch.len();
        if let Some(bar) = bar {
            bar.inc(batch.len() as u64);
        }
    }
    for maker in makers {
        maker.await?;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use axum::http::{Request, StatusCode, header};
    use backstride_store::{Actor, ProgrammeStatus};
    use tower::ServiceExt;

    /// A browser on the in-process app: keeps cookies and the page's CSRF token.
    struct Browser {
        app: axum::Router,
        cookies: std::collections::BTreeMap<String, String>,
        csrf: String,
    }

    impl Browser {
        fn new(store: Arc<dyn Store>) -> Browser {
            let config = backstride_web::WebConfig {
                data_dir: std::env::temp_dir()
                    .join(format!("backstride-seed-{}", std::process::id())),
                ..backstride_web::WebConfig::default()
            };
            Browser {
                app: backstride_web::router(backstride_web::AppState::new(store, config)),
                cookies: Default::default(),
                csrf: String::new(),
            }
        }

        async fn send(&mut self, mut req: Request<Body>) -> (StatusCode, String) {
            let ip: std::net::SocketAddr = "192.0.2.20:5000".parse().unwrap();
            req.extensions_mut().insert(ConnectInfo(ip));
            let cookie: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            if !cookie.is_empty() {
                req.headers_mut()
                    .insert(header::COOKIE, cookie.join("; ").parse().unwrap());
            }
            let res = self.app.clone().oneshot(req).await.unwrap();
            for set in res.headers().get_all(header::SET_COOKIE) {
                let pair = set.to_str().unwrap().split(';').next().unwrap();
                let (name, value) = pair.split_once('=').unwrap();
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
            let status = res.status();
            let bytes = axum::body::to_bytes(res.into_body(), 16 << 20)
                .await
                .unwrap();
            let body = String::from_utf8_lossy(&bytes).into_owned();
            let mark = "name=\"csrf_token\" value=\"";
            if let Some(at) = body.find(mark).map(|a| a + mark.len()) {
                self.csrf = body[at..at + body[at..].find('"').unwrap()].to_owned();
            }
            (status, body)
        }

        async fn get(&mut self, path: &str) -> (StatusCode, String) {
            self.send(Request::get(path).body(Body::empty()).unwrap())
                .await
        }

        async fn login(&mut self, email: &str) {
            self.get("/login").await;
            let form = format!(
                "email={}&password={DEMO_PASSWORD}&csrf_token={}",
                email.replace('@', "%40"),
                self.csrf
            );
            let req = Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap();
            let (status, _) = self.send(req).await;
            assert!(status.is_redirection(), "login as {email}: {status}");
        }

        /// Every page answers 200 and shows no error.
        async fn pages(&mut self, who: &str, paths: &[String]) {
            for path in paths {
                let (status, body) = self.get(path).await;
                assert_eq!(status, StatusCode::OK, "{who} {path}: {body:.400}");
            }
        }
    }

    /// A small seeded clinic on each backend is consistent: every runner has one approved
    /// programme, their reviews name their own programme versions, the store holds every log
    /// and run made, and the pages of the long-standing runner, the new runner, their
    /// clinician and the public front door all render.
    #[tokio::test]
    async fn a_seeded_clinic_is_consistent_and_its_pages_render() {
        let mut urls = vec![backstride_store::testing::sqlite_url().await];
        urls.extend(backstride_store::testing::postgres_url().await);
        for url in urls {
            let (store, bulk) = backstride_store::bulk::connect_bulk(&url, Default::default())
                .await
                .unwrap();
            let clock = backstride_web::Clock::system();
            crate::demo::seed(store.as_ref(), &clock).await.unwrap();
            let size = Size {
                runners: 6,
                days: 70,
                seed: 7,
            };
            let made = seed(store.as_ref(), bulk.clone(), size, false, &clock)
                .await
                .unwrap();
            assert_eq!(made.runners, 6, "{}", store.backend());
            assert!(
                made.logs > 6 * 20 && made.runs > 10 && made.reviews > 10,
                "{made}"
            );
            assert!(
                made.front.leads >= 1 && made.front.consults == 0,
                "{made:?}"
            );

            let clinician = store
                .user_by_email(&"clinician@demo.backstride.test".parse().unwrap())
                .await
                .unwrap();
            let staff = Actor::of(&clinician);
            let (mut logs, mut runs) = (0, 0);
            let (mut ids, mut names) = (Vec::new(), Vec::new());
            for n in 1..=size.runners {
                let runner = store
                    .user_by_email(&story::email_of(n).parse().unwrap())
                    .await
                    .unwrap();
                ids.push(runner.id);
                names.push(runner.display_name.clone());
                let programmes = store.programmes_of(&staff, runner.id).await.unwrap();
                let approved = programmes
                    .iter()
                    .filter(|p| p.status == ProgrammeStatus::Approved);
                assert_eq!(approved.count(), 1, "runner {n}");
                let versions: std::collections::HashSet<i64> =
                    programmes.iter().map(|p| p.id).collect();
                let reviews = store.reviews_of(&staff, runner.id).await.unwrap();
                assert!(
                    reviews.iter().all(|r| versions.contains(&r.programme_id)),
                    "runner {n}"
                );
                logs += store
                    .logs_of(&staff, runner.id, "0000-01-01")
                    .await
                    .unwrap()
                    .len();
                runs += store.runs_of(&staff, runner.id).await.unwrap().len();
            }
            assert_eq!((logs, runs), (made.logs, made.runs));
            let again = seed(store.as_ref(), bulk, size, false, &clock)
                .await
                .unwrap();
            assert!(again.already, "seeding again adds nobody");

            let run = store.runs_of(&staff, ids[0]).await.unwrap()[0].id;
            let programme = store.programmes_of(&staff, ids[0]).await.unwrap()[0].id;
            let clinic = store.clinic_by_name(DEMO_CLINIC).await.unwrap().id;

            let mut long = Browser::new(store.clone());
            long.login(&story::email_of(1)).await;
            let paths = ["/today", "/progress", "/runs"];
            let mut paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
            paths.push(format!("/runs/{run}"));
            paths.push(format!("/programmes/{programme}"));
            paths.push(format!("/runners/{}/load", ids[0]));
            long.pages("runner 1", &paths).await;

            let mut new = Browser::new(store.clone());
            new.login(&story::email_of(size.runners)).await;
            new.pages("the new runner", &["/today".into(), "/progress".into()])
                .await;

            let mut clinician = Browser::new(store.clone());
            clinician.login("clinician@demo.backstride.test").await;
            let first = ids[0];
            let paths = [
                "/clinic/caseload".to_owned(),
                "/clinic/caseload?sort=pain&show=all".to_owned(),
                "/clinic/caseload?sort=alerts&show=alerts".to_owned(),
                "/clinic/inbox".to_owned(),
                format!("/runners/{first}"),
                format!("/runners/{first}/progress"),
                format!("/runners/{first}/runs"),
                format!("/runners/{first}/runs/{run}"),
                format!("/runners/{first}/programmes"),
            ];
            clinician.pages("the clinician", &paths).await;
            let (_, caseload) = clinician.get("/clinic/caseload?show=all").await;
            for name in &names {
                assert!(
                    caseload.contains(name.as_str()),
                    "the caseload lists {name}"
                );
            }

            let mut visitor = Browser::new(store.clone());
            let paths = [
                format!("/clinics/{clinic}"),
                format!("/clinics/{clinic}/book"),
                format!("/clinics/{clinic}/articles/why-your-hips-matter-for-your-back"),
            ];
            visitor.pages("a visitor", &paths).await;
        }
    }

    /// The same seed tells the same story; another seed another.
    #[test]
    fn the_same_seed_makes_the_same_runner() {
        let plan = |seed| story::Plan {
            seed,
            clinic_id: 1,
            time_zone: "Europe/London".parse().unwrap(),
            today: jiff::civil::date(2026, 6, 1),
            now: 1_780_315_200, // noon that day
            days: 90,
            runners: 10,
            password_hash: "x".into(),
            thresholds: Default::default(),
        };
        let watch = watch::Watch::default();
        let bodies = |seed| -> Vec<String> {
            let r = story::runner(1, &plan(seed), &watch).unwrap();
            r.logs.iter().map(|l| l.body_json.clone()).collect()
        };
        assert_eq!(bodies(1), bodies(1));
        assert_ne!(bodies(1), bodies(2));
        let r = story::runner(1, &plan(1), &watch).unwrap();
        let first = r.logs.first().unwrap().log_date.as_str();
        assert!(
            ("2026-03-03".."2026-03-07").contains(&first),
            "runner 1 has the whole 90 days: {first}"
        );
        assert!(story::approved(&r).items.len() >= 3);
        let new = story::runner(10, &plan(1), &watch).unwrap();
        assert!(
            new.logs.is_empty() && new.programmes.len() == 1,
            "the last runner joined today"
        );
    }
}
