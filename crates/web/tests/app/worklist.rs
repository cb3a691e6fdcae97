//! The clinician's day: the staff home as a worklist scoped to the clinic, the caseload's
//! "waiting for you", a review decided exercise by exercise (one new programme version, bad and
//! stale decisions refused with nothing changed), the record's summary in the third person,
//! plain labels for the clinic's settings, and the empty pain-versus-load page for staff.

use crate::booking::{details, every_day, slot_after};
use crate::client::*;
use crate::tracking::approved_programme;
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_core::library::{self, Level};
use backstride_core::programme::{PlannedExercise, Programme};
use backstride_core::tracking::{
    ExerciseStep, ProgressionAction, ProgressionDecision, Review, ReviewKind as CoreKind,
};
use backstride_store::{
    Actor, AlertTier, InboxKind, InboxStage, LogKind, NewInboxItem, NewLog, NewReview, NewUser,
    ProgrammeStatus, ReviewKind, ReviewRecord, ReviewStatus, Store, User,
};
use std::sync::Arc;

/// The level of a programme item and the ladder it sits on.
fn level_of(programme: &Programme, key: &str) -> (Level, library::Ladder) {
    let item = programme.item(key).unwrap();
    let PlannedExercise::Library { exercise_id, .. } = item.exercise else {
        panic!("{key} is a library exercise");
    };
    let ex = exercise_id.exercise();
    (ex.level, library::ladder_of(ex))
}

/// A suggested weekly review of `programme` proposing to move every library exercise up a
/// level where its ladder has one (else hold), as core's guide would after a good week.
pub(crate) async fn moving_up_review(
    store: &Arc<dyn Store>,
    runner: &User,
    programme_id: i64,
    programme: &Programme,
) -> ReviewRecord {
    let items = programme
        .items
        .iter()
        .filter(|i| matches!(i.exercise, PlannedExercise::Library { .. }))
        .map(|i| {
            let (level, ladder) = level_of(programme, &i.key);
            let to = level
                .up()
                .and_then(|l| ladder.at(l).ok())
                .map(|e| ExerciseStep {
                    exercise_id: e.id,
                    level: e.level,
                    name: e.name.to_owned(),
                });
            ProgressionDecision {
                item_key: i.key.clone(),
                name: i.name.clone(),
                action: if to.is_some() {
                    ProgressionAction::Progress
                } else {
                    ProgressionAction::Hold
                },
                level: Some(level),
                to,
                reason: format!(
                    "Ready to move {} up: every session at 2/10 or less.",
                    i.name
                ),
            }
        })
        .collect();
    let review = Review {
        kind: CoreKind::Weekly,
        date: today(),
        items,
        running: None,
        note: backstride_core::tracking::progression::GUIDE_NOTE.to_owned(),
    };
    store
        .save_review(
            &Actor::of(runner),
            runner.id,
            &NewReview {
                programme_id,
                review_date: today().to_string(),
                kind: ReviewKind::Weekly,
                status: ReviewStatus::Suggested,
                body_json: serde_json::to_string(&review).unwrap(),
            },
        )
        .await
        .unwrap()
}

fn lead(clinic_id: i64, name: &str) -> NewInboxItem {
    NewInboxItem {
        clinic_id,
        kind: InboxKind::Guide,
        name: name.to_owned(),
        email: format!("{}@example.com", name.to_lowercase()),
        phone: String::new(),
        message: String::new(),
        source: "landing page".to_owned(),
        stage: InboxStage::New,
    }
}

/// The value of hidden field `name` on a page.
fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body.find(&marker).expect("the field is on the page") + marker.len();
    body[at..at + body[at..].find('"').unwrap()].to_owned()
}

/// Posts owned fields as a form.
async fn send(c: &mut Client, path: &str, fields: &[(String, String)]) -> Resp {
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &form).await
}

#[tokio::test]
async fn the_worklist_shows_what_waits_for_the_clinic_and_nothing_of_another() {
    each_backend(|store| async move {
        let home = clinic(&store, "Worklist Clinic").await;
        let away = clinic(&store, "Worklist Elsewhere").await;
        let ann = person(&store, Some(&home), "wl-ann@example.com", Role::Runner).await;
        let bob = person(&store, Some(&home), "wl-bob@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "wl-doc@example.com", Role::Clinician).await;
        let zed = person(&store, Some(&away), "wl-zed@example.com", Role::Runner).await;
        let far = person(&store, Some(&away), "wl-far@example.com", Role::Clinician).await;
        // Ann: a programme begun 9 days ago (her day-7 re-test is due) and a review waiting.
        let (pid, programme) = approved_programme(&store, &ann, &doc, 9).await;
        let review = moving_up_review(&store, &ann, pid, &programme).await;
        store
            .raise_alert(bob.id, AlertTier::High, "Morning pain up 3 points", 1)
            .await
            .unwrap();
        store
            .add_inbox_item(&lead(home.id, "Lena Lead"), 1)
            .await
            .unwrap();
        // A call booked through the public page, within today or tomorrow.
        let staff = Actor::of(&doc);
        store
            .save_call_hours(&staff, doc.id, &every_day(), 1)
            .await
            .unwrap();
        let mut visitor = Client::new(store.clone());
        let book = format!("/clinics/{}/book", home.id);
        let page = visitor.get(&book).await;
        let slot = slot_after(&page.body, 0);
        let booked = visitor
            .post(&book, &details(&slot, "vera@wl.example"))
            .await;
        assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.body);
        // The other clinic has the same kinds of things, none of which may show.
        let (zpid, zprog) = approved_programme(&store, &zed, &far, 9).await;
        moving_up_review(&store, &zed, zpid, &zprog).await;
        store
            .raise_alert(zed.id, AlertTier::Critical, "Zed's secret alert", 1)
            .await
            .unwrap();
        store
            .add_inbox_item(&lead(away.id, "Otto Elsewhere"), 1)
            .await
            .unwrap();

        let mut c = Client::new(store.clone());
        c.login("wl-doc@example.com", PASSWORD).await;
        let page = c.get("/home").await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        assert!(body.contains("Today's work"), "{body}");
        assert!(
            body.contains(&format!("href=\"/reviews/{}\"", review.id)),
            "the waiting decision links to its page: {body}"
        );
        assert!(body.contains("wl-ann: Weekly review of"), "{body}");
        assert!(
            body.contains("Proposed:") && body.contains("(move up)"),
            "what is proposed: {body}"
        );
        assert!(body.contains("Why: Ready to move"), "and why: {body}");
        assert!(body.contains("Morning pain up 3 points"), "the alert");
        assert!(body.contains(&format!("href=\"/runners/{}\"", bob.id)));
        assert!(body.contains("Lena Lead"), "the new lead");
        assert!(body.contains("Vera Visitor"), "the call: {body}");
        assert!(
            body.contains("Re-test due since"),
            "ann's re-test is due: {body}"
        );
        for secret in ["wl-zed", "Zed's secret alert", "Otto Elsewhere"] {
            assert!(!body.contains(secret), "{secret} is another clinic's");
        }
        let audit = store.audit_events_about(ann.id).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.actor_user_id == doc.id && e.action == "see worklist"),
            "seeing a runner's waiting decision is audited"
        );

        // A runner's home is still their own list, not the worklist.
        let mut runner = c.another();
        runner.login("wl-ann@example.com", PASSWORD).await;
        let theirs = runner.get("/home").await.body;
        assert!(!theirs.contains("Today's work") && theirs.contains("Your record"));
    })
    .await;
}

#[tokio::test]
async fn the_caseload_shows_and_filters_who_is_waiting_for_you() {
    each_backend(|store| async move {
        let home = clinic(&store, "Waiting Clinic").await;
        let ann = person(&store, Some(&home), "wf-ann@example.com", Role::Runner).await;
        person(&store, Some(&home), "wf-bob@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "wf-doc@example.com", Role::Clinician).await;
        let (pid, programme) = approved_programme(&store, &ann, &doc, 3).await;
        moving_up_review(&store, &ann, pid, &programme).await;
        let mut c = Client::new(store.clone());
        c.login("wf-doc@example.com", PASSWORD).await;
        let all = c.get("/clinic/caseload").await.body;
        assert!(
            all.contains("Waiting for you") && all.contains("1 decision<"),
            "{all}"
        );
        let waiting = c.get("/clinic/caseload?show=waiting").await.body;
        assert!(waiting.contains(">wf-ann<") && !waiting.contains(">wf-bob<"));
        let sorted = c.get("/clinic/caseload?sort=waiting&show=all").await.body;
        assert!(sorted.find(">wf-ann<").unwrap() < sorted.find(">wf-bob<").unwrap());
    })
    .await;
}

#[tokio::test]
async fn each_exercise_is_accepted_changed_or_held_as_one_new_version() {
    each_backend(|store| async move {
        let home = clinic(&store, "Decide Clinic").await;
        let ann = person(&store, Some(&home), "pd-ann@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "pd-doc@example.com", Role::Clinician).await;
        let (pid, programme) = approved_programme(&store, &ann, &doc, 8).await;
        let review = moving_up_review(&store, &ann, pid, &programme).await;
        let body: Review = serde_json::from_str(&review.body_json).unwrap();
        let moving: Vec<&ProgressionDecision> = body
            .items
            .iter()
            .filter(|d| d.action == ProgressionAction::Progress)
            .collect();
        assert!(
            moving.len() >= 3,
            "the example programme has room to move up"
        );
        let (accepted, held, changed) = (moving[0], moving[1], moving[2]);
        let (changed_from, ladder) = level_of(&programme, &changed.item_key);
        let changed_to = ladder
            .rungs
            .iter()
            .map(|e| e.level)
            .find(|l| *l != changed_from && Some(*l) != changed.to.as_ref().map(|t| t.level))
            .expect("another level on the ladder");

        let mut c = Client::new(store.clone());
        c.login("pd-doc@example.com", PASSWORD).await;
        let path = format!("/reviews/{}", review.id);
        let page = c.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("You can accept, change or hold each of them.")
        );
        assert!(
            !page.body.contains("your clinician"),
            "third person on staff pages"
        );
        let mut fields: Vec<(String, String)> = vec![
            ("seen_log".into(), hidden(&page.body, "seen_log")),
            (
                "seen_programme".into(),
                hidden(&page.body, "seen_programme"),
            ),
            ("note".into(), "Good week; one step at a time.".into()),
        ];
        for d in &body.items {
            let choice = if d.item_key == held.item_key {
                "hold".to_owned()
            } else if d.item_key == changed.item_key {
                format!("level-{}", changed_to.get())
            } else {
                "accept".to_owned()
            };
            fields.push((format!("item-{}", d.item_key), choice));
        }
        let form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let before = store.programmes_of(&Actor::of(&doc), ann.id).await.unwrap();
        let done = c.post(&format!("{path}/decide"), &form).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let after = store.programmes_of(&Actor::of(&doc), ann.id).await.unwrap();
        assert_eq!(after.len(), before.len() + 1, "one new version");
        let newest = &after[0];
        assert_eq!(newest.status, ProgrammeStatus::Approved);
        let next: Programme = serde_json::from_str(&newest.body_json).unwrap();
        // Item keys are exercise ids: a moved item carries its new exercise's id.
        let accepted_to = accepted.to.as_ref().unwrap();
        assert!(
            next.item(&accepted_to.exercise_id.to_string()).is_some(),
            "accepted: moved up to {}",
            accepted_to.name
        );
        assert!(next.item(&held.item_key).is_some(), "held: unchanged");
        let changed_exercise = ladder.at(changed_to).unwrap();
        assert!(
            next.item(&changed_exercise.id.to_string()).is_some(),
            "changed: level {} ({})",
            changed_to.get(),
            changed_exercise.name
        );
        let settled = store
            .reviews_of(&Actor::of(&doc), ann.id)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.id == review.id)
            .unwrap();
        assert_eq!(settled.status, ReviewStatus::Overridden);
        assert!(settled.note.starts_with("Good week; one step at a time."));
        assert!(
            settled
                .note
                .contains(&format!("{}: held where it is", held.name))
        );
        assert!(settled.note.contains(&format!(
            "{}: moved to level {} instead",
            changed.name,
            changed_to.get()
        )));
        // Deciding again finds it dealt with; nothing more is stored.
        let again = c.post(&format!("{path}/decide"), &form).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        assert_eq!(
            store
                .programmes_of(&Actor::of(&doc), ann.id)
                .await
                .unwrap()
                .len(),
            after.len()
        );
    })
    .await;
}

#[tokio::test]
async fn bad_and_stale_decisions_are_refused_with_nothing_changed() {
    each_backend(|store| async move {
        let home = clinic(&store, "Refuse Clinic").await;
        let away = clinic(&store, "Refuse Elsewhere").await;
        let ann = person(&store, Some(&home), "bd-ann@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "bd-doc@example.com", Role::Clinician).await;
        person(&store, Some(&away), "bd-far@example.com", Role::Clinician).await;
        let (pid, programme) = approved_programme(&store, &ann, &doc, 8).await;
        let review = moving_up_review(&store, &ann, pid, &programme).await;
        let body: Review = serde_json::from_str(&review.body_json).unwrap();
        let first = &body.items[0];
        let field = format!("item-{}", first.item_key);

        let mut c = Client::new(store.clone());
        c.login("bd-doc@example.com", PASSWORD).await;
        let path = format!("/reviews/{}", review.id);
        let page = c.get(&path).await.body;
        let seen_log = hidden(&page, "seen_log");
        let seen_programme = hidden(&page, "seen_programme");
        let versions = store
            .programmes_of(&Actor::of(&doc), ann.id)
            .await
            .unwrap()
            .len();
        let review_id = review.id;
        let unchanged = |store: Arc<dyn Store>, doc: User, ann: User| async move {
            let now = store.programmes_of(&Actor::of(&doc), ann.id).await.unwrap();
            let r = store.reviews_of(&Actor::of(&doc), ann.id).await.unwrap();
            (
                now.len(),
                r.iter().find(|r| r.id == review_id).unwrap().status,
            )
        };
        let post = |extra: Vec<(String, String)>| {
            let mut fields = vec![
                ("seen_log".to_owned(), seen_log.clone()),
                ("seen_programme".to_owned(), seen_programme.clone()),
                ("note".to_owned(), "Kept note".to_owned()),
            ];
            for d in &body.items {
                if !extra
                    .iter()
                    .any(|(k, _)| *k == format!("item-{}", d.item_key))
                {
                    fields.push((format!("item-{}", d.item_key), "accept".to_owned()));
                }
            }
            fields.extend(extra);
            fields
        };
        let decide = format!("{path}/decide");

        // An exercise that is not in the programme.
        let res = send(
            &mut c,
            &decide,
            &post(vec![("item-not_an_exercise".into(), "accept".into())]),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body
                .contains("“not_an_exercise” is not an exercise in bd-ann"),
            "{}",
            res.body
        );
        assert!(res.body.contains("Kept note"), "the note typed is kept");
        assert_eq!(
            unchanged(store.clone(), doc.clone(), ann.clone()).await,
            (versions, ReviewStatus::Suggested)
        );

        // A level the ladder does not have.
        let res = send(
            &mut c,
            &decide,
            &post(vec![(field.clone(), "level-99".into())]),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body.contains(&format!("id=\"{field}-error\""))
                && res.body.contains("has levels 1 to"),
            "{}",
            res.body
        );
        assert_eq!(
            unchanged(store.clone(), doc.clone(), ann.clone()).await,
            (versions, ReviewStatus::Suggested)
        );

        // The runner logged since the review was shown: stale, choices kept.
        let mut runner = c.another();
        runner.login("bd-ann@example.com", PASSWORD).await;
        // A session's forms carry its own token: the form is read after logging in.
        runner.get("/today").await;
        let logged = runner
            .post(
                "/today/log",
                &[
                    ("kind", "morning"),
                    ("date", &today().to_string()),
                    ("idempotency_key", "bd-m1"),
                    ("morning_pain", "2"),
                    ("stiffness", "2"),
                ],
            )
            .await;
        assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
        let res = send(&mut c, &decide, &post(vec![(field.clone(), "hold".into())])).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.body
                .contains("bd-ann has logged since this review was shown"),
            "{}",
            res.body
        );
        assert!(
            res.body.contains("value=\"hold\" selected"),
            "the choice made is kept"
        );
        assert_eq!(
            unchanged(store.clone(), doc.clone(), ann.clone()).await,
            (versions, ReviewStatus::Suggested)
        );
        // Shown again with the new marker, the same choices go through.
        let fresh = hidden(&res.body, "seen_log");
        assert_ne!(fresh, seen_log);

        // Another clinic's clinician: the same 404 as for no review at all.
        let mut far = c.another();
        far.login("bd-far@example.com", PASSWORD).await;
        assert_eq!(far.get(&path).await.status, StatusCode::NOT_FOUND);
        // A runner may not decide.
        assert_eq!(runner.get(&path).await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn the_record_starts_with_a_summary_and_speaks_of_the_runner() {
    each_backend(|store| async move {
        let home = clinic(&store, "Summary Clinic").await;
        let ann = person(&store, Some(&home), "rs-ann@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "rs-doc@example.com", Role::Clinician).await;
        let (pid, programme) = approved_programme(&store, &ann, &doc, 9).await;
        let review = moving_up_review(&store, &ann, pid, &programme).await;
        let mut c = Client::new(store.clone());
        c.login("rs-doc@example.com", PASSWORD).await;
        let page = c.get(&format!("/runners/{}", ann.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        let summary = body.find("Summary for the clinician").expect("a summary");
        assert!(
            summary
                < body
                    .find("Decisions from the pain-monitoring guide")
                    .unwrap()
        );
        for fact in [
            "On programme version",
            "Sessions this week",
            "Latest findings",
            "Next re-test",
            "due since",
        ] {
            assert!(body.contains(fact), "{fact}: {body}");
        }
        assert!(body.contains(&format!("href=\"/reviews/{}\"", review.id)));
        assert!(body.contains("waiting for you"), "{body}");
        assert!(
            !body.to_lowercase().contains("your clinician"),
            "third person on a staff page: {body}"
        );
        assert!(
            body.contains("<details class=\"timeline-week\" open>"),
            "latest week open"
        );
        // The runner's own record keeps its own words and has no clinician's summary.
        let mut runner = c.another();
        runner.login("rs-ann@example.com", PASSWORD).await;
        let own = runner.get(&format!("/runners/{}", ann.id)).await.body;
        assert!(!own.contains("Summary for the clinician"));
        assert!(own.contains("awaiting your clinician"));
    })
    .await;
}

#[tokio::test]
async fn settings_have_plain_labels_and_staff_get_no_dead_upload_link() {
    let store = backstride_store::testing::sqlite().await;
    let home = clinic(&store, "Labels Clinic").await;
    let ann = person(&store, Some(&home), "pl-ann@example.com", Role::Runner).await;
    person(&store, Some(&home), "pl-admin@example.com", Role::Admin).await;
    let mut c = Client::new(store.clone());
    c.login("pl-admin@example.com", PASSWORD).await;
    let page = c.get("/clinic/settings").await.body;
    assert!(page.contains("Side plank: right and left holds count as even"));
    assert!(!page.contains("<td>mcgill side bridge balance within</td>"));
    assert!(
        page.contains("<code>mcgill_side_bridge_balance_within</code>"),
        "the technical name behind Details"
    );
    assert!(page.contains("<code>low_cadence_below</code>"));
    // Pain versus load with no runs: staff are told how runs arrive, not sent to a 403.
    let load = c.get(&format!("/runners/{}/load", ann.id)).await;
    assert_eq!(load.status, StatusCode::OK);
    assert!(!load.body.contains("href=\"/runs\""), "{}", load.body);
    assert!(
        load.body
            .contains("uploads watch files from their own Runs page")
    );
    let mut runner = c.another();
    runner.login("pl-ann@example.com", PASSWORD).await;
    // `/runs/load` sends the runner to their own page, which offers the upload.
    let own = runner.get("/runs/load").await;
    assert_eq!(own.location(), format!("/runners/{}/load", ann.id));
    let page = runner.get(own.location()).await.body;
    assert!(
        page.contains("<a href=\"/runs\">Upload a watch file</a>"),
        "{page}"
    );
}

#[tokio::test]
async fn the_caseload_pages_a_large_clinic_audits_each_view_once_and_stays_fresh() {
    each_backend(|store| async move {
        let home = clinic(&store, "Paged Clinic").await;
        let doc = person(&store, Some(&home), "pg-doc@example.com", Role::Clinician).await;
        // One more runner than a page holds (made directly: they never sign in).
        let mut runners = Vec::new();
        for k in 0..=100 {
            let email = format!("pg-r{k:03}@example.com");
            runners.push(
                store
                    .create_user(&NewUser {
                        clinic_id: Some(home.id),
                        email: email.parse().unwrap(),
                        display_name: email.split('@').next().unwrap().into(),
                        password_hash: "$argon2id$not-a-password".into(),
                        role: Role::Runner,
                        time_zone: backstride_core::TimeZoneName::utc(),
                        units: None,
                    })
                    .await
                    .unwrap(),
            );
        }
        let (_, _) = approved_programme(&store, &runners[50], &doc, 3).await;
        let mut c = Client::new(store.clone());
        c.login("pg-doc@example.com", PASSWORD).await;

        let first = c.get("/clinic/caseload?sort=name&show=all").await;
        assert_eq!(first.status, StatusCode::OK);
        let body = &first.body;
        assert!(
            body.contains("101 of 101 runners, 1 to 100 shown here"),
            "{body}"
        );
        assert!(body.contains(">pg-r000<") && body.contains(">pg-r099<"));
        assert!(!body.contains(">pg-r100<"), "the 101st is on the next page");
        assert!(
            body.contains(
                "href=\"/clinic/caseload?sort=name&#38;show=all&#38;page=2\" rel=\"next\""
            ),
            "{body}"
        );
        let second = c
            .get("/clinic/caseload?sort=name&show=all&page=2")
            .await
            .body;
        assert!(second.contains(">pg-r100<") && !second.contains(">pg-r000<"));
        assert!(second.contains("101 to 101 shown here") && second.contains("rel=\"prev\""));
        // A page number that is not one shows the first page; one past the end, the last.
        for (page, shows) in [
            ("abc", ">pg-r000<"),
            ("-3", ">pg-r000<"),
            ("99999999999999999999", ">pg-r000<"),
            ("7", ">pg-r100<"),
        ] {
            let res = c
                .get(&format!("/clinic/caseload?sort=name&page={page}"))
                .await;
            assert_eq!(res.status, StatusCode::OK, "page={page}");
            assert!(res.body.contains(shows), "page={page}");
        }

        // Each view is one audit event, about every runner of the caseload (not a row each).
        let before: Vec<usize> = {
            let mut v = Vec::new();
            for r in [&runners[0], &runners[100]] {
                v.push(store.audit_events_about(r.id).await.unwrap().len());
            }
            v
        };
        c.get("/clinic/caseload").await;
        for (r, n) in [&runners[0], &runners[100]].into_iter().zip(before) {
            let trail = store.audit_events_about(r.id).await.unwrap();
            assert_eq!(trail.len(), n + 1, "{}", r.email);
            assert_eq!(
                (trail[0].action.as_str(), trail[0].actor_user_id),
                ("see caseload", doc.id)
            );
        }
        // And the record page's access list shows the view.
        let record = c.get(&format!("/runners/{}", runners[100].id)).await.body;
        let access = &record[record.find("id=\"audit-h\"").unwrap()..];
        assert!(access.contains("see caseload"), "{access}");

        // A check-in written after a view shows at the next view (the line is worked out again).
        let today = today().to_string();
        store
            .add_log(
                &Actor::of(&runners[50]),
                runners[50].id,
                &NewLog {
                    kind: LogKind::Morning,
                    log_date: today.clone(),
                    body_json: serde_json::json!({"date": today, "morning_pain": 7, "stiffness": 2,
                        "settled_after_yesterday": null, "red_flags": []})
                    .to_string(),
                    idempotency_key: "pg-morning".into(),
                },
            )
            .await
            .unwrap();
        let by_pain = c.get("/clinic/caseload?sort=pain&show=all").await.body;
        let first_line = by_pain.find("<tbody>").map(|i| &by_pain[i..]).unwrap();
        assert!(
            first_line.find(">pg-r050<").unwrap() < first_line.find(">pg-r000<").unwrap(),
            "{first_line}"
        );
        assert!(first_line.contains("7/10 (Today)"), "{first_line}");
    })
    .await;
}
