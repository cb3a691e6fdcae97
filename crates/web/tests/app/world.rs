//! One fixture world for the security suites (`matrix`, `bounds`): two clinics full of records,
//! a self-directed runner, a logged-in browser per kind of person, and the router's routes as
//! its sources declare them.

use crate::booking::{details, every_day, slot_after, token_of};
use crate::client::*;
use crate::front::article;
use crate::programme::scored_assessment_of_kind;
use crate::runs::{run_fit, upload};
use crate::tracking::approved_programme;
use backstride_core::Role;
use backstride_store::{
    Actor, AlertTier, AssessmentKind, EmailStatus, NewProgramme, ProgrammeStatus, Store, User,
};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

/// Who asks, in the order of the matrix's columns. The record asked about is always the
/// owner's, a runner of clinic A.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// Nobody logged in (a visitor with a session, so a CSRF token).
    Visitor,
    /// The runner whose record it is.
    Owner,
    /// Another runner of the owner's clinic.
    Peer,
    /// The owner's clinic's clinician.
    Clinician,
    /// The owner's clinic's admin.
    Admin,
    OtherRunner,
    OtherClinician,
    OtherAdmin,
    /// A runner who signed up alone: no clinic.
    SelfDirected,
}

impl Who {
    pub const ALL: [Who; 9] = [
        Who::Visitor,
        Who::Owner,
        Who::Peer,
        Who::Clinician,
        Who::Admin,
        Who::OtherRunner,
        Who::OtherClinician,
        Who::OtherAdmin,
        Who::SelfDirected,
    ];

    /// Whether this person may see the owner's record at all (the owner and the clinic's staff).
    pub fn may_see_the_owner(self) -> bool {
        matches!(self, Who::Owner | Who::Clinician | Who::Admin)
    }
}

/// Text found only on pages about the owner's record (their display name, in their email
/// address and the subject of the email their clinician sent them).
pub const OWNER_MARK: &str = "zelda-owner";

/// One clinic's people and, for its first runner (the owner), one of every record.
pub struct ClinicRecords {
    pub clinic: i64,
    pub admin: User,
    pub clinician: User,
    /// `[owner, peer]`: both have an assessment, programmes, logs, a run and an alert.
    pub runners: [User; 2],
    pub assessment: i64,
    /// The owner's re-test after it, with its change report.
    pub retest: i64,
    /// The owner's approved programme version, and the suggested one after it.
    pub approved: i64,
    pub suggested: i64,
    pub run: i64,
    /// The owner's running-form video analysis (issue 16).
    pub form: i64,
    pub review: i64,
    pub alert: i64,
    /// The clinician's email to the owner, in the outbox, failed for good (so it can be sent again).
    pub email: i64,
    /// The private link's token of a call booked with the clinician.
    pub booking: String,
    pub article: i64,
    pub slug: String,
    /// The booking's inbox item.
    pub inbox_item: i64,
}

pub struct World {
    pub store: Arc<dyn Store>,
    pub a: ClinicRecords,
    pub b: ClinicRecords,
    pub self_directed: User,
    /// A client on the world's router; `another()` gives each person a browser.
    pub base: Client,
}

fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

async fn logged_in(base: &Client, email: &str) -> Client {
    let mut c = base.another();
    let res = c.login(email, PASSWORD).await;
    assert!(
        res.status.is_redirection() && !res.location().starts_with("/login"),
        "{email} logs in: {} {}",
        res.status,
        res.body
    );
    c
}

/// A clinic `name` (one lower-case word) with every kind of record, made the way people make
/// them: through the app where the app makes them, the store where a system does.
async fn clinic_records(store: &Arc<dyn Store>, base: &Client, name: &str) -> ClinicRecords {
    let clinic = clinic(store, &format!("Clinic {name}")).await;
    let admin = person(
        store,
        Some(&clinic),
        &format!("admin@{name}.example"),
        Role::Admin,
    )
    .await;
    let clinician = person(
        store,
        Some(&clinic),
        &format!("coach@{name}.example"),
        Role::Clinician,
    )
    .await;
    let owner_name = if name == "a" {
        OWNER_MARK
    } else {
        "yann-runner"
    };
    let runners = [
        person(
            store,
            Some(&clinic),
            &format!("{owner_name}@{name}.example"),
            Role::Runner,
        )
        .await,
        person(
            store,
            Some(&clinic),
            &format!("peer@{name}.example"),
            Role::Runner,
        )
        .await,
    ];
    let staff = Actor::of(&clinician);
    let mut doc = logged_in(base, clinician.email.as_str()).await;
    let mut owner = None;
    for runner in &runners {
        let (approved, body) = approved_programme(store, runner, &clinician, 8).await;
        let assessment = store.assessments_of(&staff, runner.id).await.unwrap()[0].id;
        let suggested = store
            .add_programme(
                &staff,
                runner.id,
                &NewProgramme {
                    assessment_id: Some(assessment),
                    status: ProgrammeStatus::Suggested,
                    body_json: serde_json::to_string(&body).unwrap(),
                },
            )
            .await
            .unwrap()
            .id;
        let retest =
            scored_assessment_of_kind(store, runner, &clinician, AssessmentKind::Retest).await;
        let mut c = logged_in(base, runner.email.as_str()).await;
        c.get("/today").await;
        let log = c
            .post(
                "/today/log",
                &[
                    ("kind", "morning"),
                    ("date", &today()),
                    ("idempotency_key", "world-morning"),
                    ("morning_pain", "1"),
                    ("stiffness", "2"),
                    ("settled", "yes"),
                ],
            )
            .await;
        assert!(log.status.is_redirection(), "{}", log.body);
        // The day's review is written by the journal (on the log or on the Today page).
        c.get("/today").await;
        let review = store.reviews_of(&staff, runner.id).await.unwrap()[0].id;
        let uploaded = upload(&mut c, &[("run.fit", &run_fit(0))]).await;
        assert!(uploaded.status.is_success(), "{}", uploaded.body);
        let run = store.runs_of(&staff, runner.id).await.unwrap()[0].id;
        let alert = store
            .raise_alert(runner.id, AlertTier::High, "Morning pain up 2 points", 1)
            .await
            .unwrap();
        owner.get_or_insert((assessment, retest, approved, suggested, run, review, alert));
    }
    let (assessment, retest, approved, suggested, run, review, alert) = owner.unwrap();

    let owner = &runners[0];
    let form = crate::form_video::saved_analysis(store, owner).await;
    doc.get(&format!("/runners/{}", owner.id)).await;
    let sent = doc
        .post(
            &format!("/runners/{}/email", owner.id),
            &[
                ("subject", &format!("A word for {owner_name}")),
                ("message", "See you on Tuesday."),
            ],
        )
        .await;
    assert!(sent.status.is_redirection(), "{}", sent.body);
    let email = store
        .outbox(500)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.to == owner.email.as_str())
        .unwrap()
        .id;
    store
        .mark_email_attempt_failed(email, "relay refused", None)
        .await
        .unwrap();
    let failed = store.outbox(500).await.unwrap();
    assert!(
        failed
            .iter()
            .any(|e| e.id == email && e.status == EmailStatus::Failed),
        "the email failed for good"
    );

    store
        .save_call_hours(&staff, clinician.id, &every_day(), 1)
        .await
        .unwrap();
    let mut visitor = base.another();
    let book = format!("/clinics/{}/book", clinic.id);
    let page = visitor.get(&book).await;
    let slot = slot_after(&page.body, 24);
    let visitor_email = format!("vera@{name}.example");
    let booked = visitor.post(&book, &details(&slot, &visitor_email)).await;
    let booking = token_of(booked.location());
    let inbox_item = store.inbox(&staff).await.unwrap()[0].id;

    let slug = format!("matrix-{name}");
    let article = article(store, &clinician, &slug, "2026-11-01", true).await;
    ClinicRecords {
        clinic: clinic.id,
        admin,
        clinician,
        runners,
        assessment,
        retest,
        approved,
        suggested,
        run,
        form,
        review,
        alert,
        email,
        booking,
        article,
        slug,
        inbox_item,
    }
}

impl World {
    pub async fn build(store: Arc<dyn Store>) -> World {
        let base = Client::new(store.clone());
        let a = clinic_records(&store, &base, "a").await;
        let b = clinic_records(&store, &base, "b").await;
        let self_directed = person(&store, None, "solo@example.com", Role::Runner).await;
        World {
            store,
            a,
            b,
            self_directed,
            base,
        }
    }

    fn email_of(&self, who: Who) -> Option<&str> {
        let user = match who {
            Who::Visitor => return None,
            Who::Owner => &self.a.runners[0],
            Who::Peer => &self.a.runners[1],
            Who::Clinician => &self.a.clinician,
            Who::Admin => &self.a.admin,
            Who::OtherRunner => &self.b.runners[0],
            Who::OtherClinician => &self.b.clinician,
            Who::OtherAdmin => &self.b.admin,
            Who::SelfDirected => &self.self_directed,
        };
        Some(user.email.as_str())
    }

    /// A browser for `who`: logged in, or for a visitor with a session and its CSRF token.
    pub async fn browser(&self, who: Who) -> Client {
        match self.email_of(who) {
            Some(email) => {
                let mut c = logged_in(&self.base, email).await;
                c.get("/settings").await;
                c
            }
            None => {
                let mut c = self.base.another();
                c.get("/login").await;
                c
            }
        }
    }

    /// `template` with `{owner}`, `{assessment}`, … replaced by the ids of clinic A's records.
    pub fn path(&self, template: &str) -> String {
        let a = &self.a;
        let ids: [(&str, String); 18] = [
            ("{owner}", a.runners[0].id.to_string()),
            ("{peer}", a.runners[1].id.to_string()),
            ("{clinic}", a.clinic.to_string()),
            ("{clinician}", a.clinician.id.to_string()),
            ("{assessment}", a.assessment.to_string()),
            ("{retest}", a.retest.to_string()),
            ("{approved}", a.approved.to_string()),
            ("{suggested}", a.suggested.to_string()),
            ("{run}", a.run.to_string()),
            ("{form}", a.form.to_string()),
            ("{review}", a.review.to_string()),
            ("{alert}", a.alert.to_string()),
            ("{email}", a.email.to_string()),
            ("{booking}", a.booking.clone()),
            ("{article}", a.article.to_string()),
            ("{slug}", a.slug.clone()),
            ("{item}", a.inbox_item.to_string()),
            ("{self}", self.self_directed.id.to_string()),
        ];
        let mut path = template.to_owned();
        for (name, id) in ids {
            path = path.replace(name, &id);
        }
        assert!(!path.contains('{'), "no id for a part of {template}");
        path
    }
}

/// Every `(method, path)` the router serves, read from the `.route("PATH", get(..).post(..))`
/// calls in the web crate's sources: axum can't list its routes, and a route added without a
/// row in the security tables must fail them.
pub fn served_routes() -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (at, _) in text.match_indices(".route(") {
            let call = &text[at + ".route(".len()..];
            let call = &call[..closing_paren(call)];
            let open = call.find('"').expect("a route's path is a literal");
            let path = &call[open + 1..];
            let path = &path[..path.find('"').unwrap()];
            let handlers = &call[open + 2 + path.len()..];
            for method in ["get", "post", "put", "patch", "delete"] {
                let called = handlers
                    .match_indices(&format!("{method}("))
                    .any(|(i, _)| i == 0 || !is_ident(handlers.as_bytes()[i - 1]));
                if called {
                    routes.insert((method.to_uppercase(), path.to_owned()));
                }
            }
        }
    }
    assert!(routes.len() > 50, "the router's sources were read");
    routes
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Where the call whose arguments start `text` ends.
fn closing_paren(text: &str) -> usize {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    panic!("unclosed .route(")
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
