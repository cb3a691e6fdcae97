//! The clinic's front door: the free guide (lead, PDF, email, unsubscribe), consult requests
//! into the inbox and an invitation to the runner's first login, articles and their feed,
//! escaping, abuse limits and clinic isolation — in-process, on every backend.

use crate::client::*;
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_store::{Actor, InboxKind, InboxStage, NewInboxItem, SaveArticle, Store, User};
use std::sync::Arc;

const BASE: &str = "http://127.0.0.1:8080";

/// Every link in any email to `to` that starts with `prefix` (newest emails first).
async fn links_to(store: &Arc<dyn Store>, to: &str, prefix: &str) -> Vec<String> {
    let mut links = Vec::new();
    for email in store
        .outbox(200)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.to == to)
    {
        for word in email.body_text.split_whitespace() {
            if word.starts_with(prefix) {
                links.push(word.to_owned());
            }
        }
    }
    links
}

async fn emails_to(store: &Arc<dyn Store>, to: &str) -> usize {
    store
        .outbox(200)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.to == to)
        .count()
}

fn path_of(link: &str) -> String {
    link.trim_start_matches(BASE).to_owned()
}

#[tokio::test]
async fn guide_download_stores_the_lead_emails_a_link_and_unsubscribe_stops_emails() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Riverside Physio").await;
        let admin = person(
            &store,
            Some(&clinic),
            "admin@riverside.example",
            Role::Admin,
        )
        .await;
        let id = clinic.id;

        let mut visitor = Client::new(store.clone());
        let landing = visitor.get(&format!("/clinics/{id}")).await;
        assert_eq!(landing.status, StatusCode::OK);
        assert!(landing.body.contains("Riverside Physio"));
        for href in ["guide", "consult", "book", "brand.css"] {
            assert!(
                landing.body.contains(&format!("/clinics/{id}/{href}")),
                "{href}"
            );
        }
        let css = visitor.get(&format!("/clinics/{id}/brand.css")).await;
        assert_eq!(css.headers["content-type"], "text/css; charset=utf-8");
        assert!(css.body.contains("--brand: #"), "{}", css.body);
        assert_eq!(
            visitor.get("/clinics/999999").await.status,
            StatusCode::NOT_FOUND
        );

        let page = visitor
            .get(&format!("/clinics/{id}/guide?from=article:hips"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Single-leg bridge isometric hold"),
            "default exercises listed"
        );
        // A name is still needed (consent is not: see the test of the guide without it).
        let res = visitor
            .post(
                &format!("/clinics/{id}/guide"),
                &[
                    ("name", ""),
                    ("email", "ada@example.com"),
                    ("consent", "on"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("value=\"ada@example.com\""));
        assert!(res.body.contains("Tell us your name."));
        let res = visitor
            .post(
                &format!("/clinics/{id}/guide"),
                &[
                    ("name", "Ada Runner"),
                    ("email", "Ada@Example.com"),
                    ("consent", "on"),
                    ("source", "article:hips"),
                    ("website", ""),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let ready = res.location().to_owned();
        assert!(
            ready.starts_with(&format!("/clinics/{id}/guide/ready/")),
            "{ready}"
        );
        let page = visitor.get(&ready).await;
        assert_eq!(page.status, StatusCode::OK);
        let token = ready.rsplit('/').next().unwrap();
        let pdf_path = format!("/guide/{token}.pdf");
        assert!(page.body.contains(&pdf_path));
        assert!(page.body.contains("data-autodownload"));
        let pdf = visitor.get(&pdf_path).await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert_eq!(pdf.headers["content-type"], "application/pdf");
        assert!(pdf.bytes.starts_with(b"%PDF"));

        // The lead is in the inbox with its source and consent time.
        let actor = Actor::of(&admin);
        let inbox = store.inbox(&actor).await.unwrap();
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].kind, InboxKind::Guide);
        assert_eq!(inbox[0].email, "ada@example.com");
        assert_eq!(inbox[0].source, "article:hips");
        let lead = store
            .lead_of_inbox_item(&actor, inbox[0].id)
            .await
            .unwrap()
            .expect("a lead");
        assert!(lead.consent_at > 0);
        assert!(lead.consent_text.contains("unsubscribe"));

        // The email carries the download link and an unsubscribe link.
        let downloads = links_to(&store, "ada@example.com", &format!("{BASE}/guide/")).await;
        assert_eq!(downloads.len(), 1);
        let again = visitor.another().get(&path_of(&downloads[0])).await;
        assert_eq!(again.status, StatusCode::OK);
        assert!(again.bytes.starts_with(b"%PDF"));
        assert_eq!(
            visitor.get("/guide/not-a-token.pdf").await.status,
            StatusCode::NOT_FOUND
        );
        let unsub = links_to(&store, "ada@example.com", &format!("{BASE}/unsubscribe/")).await;
        assert_eq!(unsub.len(), 1);
        let mut reader = visitor.another();
        let page = reader.get(&path_of(&unsub[0])).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!store.is_unsubscribed("ada@example.com").await.unwrap());
        let done = reader.post(&path_of(&unsub[0]), &[]).await;
        assert_eq!(done.status, StatusCode::OK);
        assert!(done.body.contains("You are unsubscribed"));
        assert!(store.is_unsubscribed("ada@example.com").await.unwrap());

        // Asking again: the download still works, but no email goes out.
        let before = emails_to(&store, "ada@example.com").await;
        visitor.get(&format!("/clinics/{id}/guide")).await;
        let res = visitor
            .post(
                &format!("/clinics/{id}/guide"),
                &[
                    ("name", "Ada"),
                    ("email", "ada@example.com"),
                    ("consent", "on"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(res.location().ends_with("?quiet=1"));
        assert_eq!(emails_to(&store, "ada@example.com").await, before);
        // Nor does a consult confirmation.
        visitor.get(&format!("/clinics/{id}/consult")).await;
        let res = visitor
            .post(
                &format!("/clinics/{id}/consult"),
                &[
                    ("name", "Ada"),
                    ("email", "ada@example.com"),
                    ("message", "Sore back"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(emails_to(&store, "ada@example.com").await, before);

        // The admin picks the guide's exercises.
        let mut a = Client::new(store.clone());
        a.login("admin@riverside.example", PASSWORD).await;
        let page = a.get("/clinic/guide").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("value=\"split_squat\" checked"));
        let res = a.post("/clinic/guide", &[]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        let res = a
            .post(
                "/clinic/guide",
                &[
                    ("exercise", "couch_stretch"),
                    ("exercise", "hip_cars"),
                    ("exercise", "nonsense"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(
            store.guide_exercises(id).await.unwrap(),
            Some(vec!["couch_stretch".to_owned(), "hip_cars".to_owned()])
        );
        let page = visitor.get(&format!("/clinics/{id}/guide")).await;
        assert!(page.body.contains("Couch stretch"));
        assert!(!page.body.contains("Split squat"));
        // Clinicians may not change it.
        person(
            &store,
            Some(&clinic),
            "doc@riverside.example",
            Role::Clinician,
        )
        .await;
        let mut doc = Client::new(store.clone());
        doc.login("doc@riverside.example", PASSWORD).await;
        assert_eq!(doc.get("/clinic/guide").await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn consult_lands_in_the_inbox_and_an_invite_leads_to_the_runners_first_login() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Harbour Physio").await;
        person(
            &store,
            Some(&clinic),
            "doc@harbour.example",
            Role::Clinician,
        )
        .await;
        let id = clinic.id;

        let mut visitor = Client::new(store.clone());
        let page = visitor.get(&format!("/clinics/{id}/consult")).await;
        assert!(page.body.contains("emergency services"), "red-flag note");
        let res = visitor
            .post(
                &format!("/clinics/{id}/consult"),
                &[
                    ("name", "Sam Stride"),
                    ("email", "sam@example.com"),
                    ("phone", "call me maybe"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("value=\"Sam Stride\""));
        assert!(
            res.body
                .contains("Tell us a little about what is going on.")
        );
        assert!(res.body.contains("Use only digits"));
        let res = visitor
            .post(
                &format!("/clinics/{id}/consult"),
                &[
                    ("name", "Sam Stride"),
                    ("email", "sam@example.com"),
                    ("phone", "+44 161 496 0000"),
                    ("message", "Low back aches after 10 km.\nWorse on hills."),
                    ("times", "Weekday mornings"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let thanks = visitor.get(res.location()).await;
        assert!(thanks.body.contains("we have your request"));
        assert_eq!(
            emails_to(&store, "sam@example.com").await,
            1,
            "confirmation"
        );

        let mut doc = Client::new(store.clone());
        doc.login("doc@harbour.example", PASSWORD).await;
        let clinic_page = doc.get("/clinic").await;
        assert!(clinic_page.body.contains("href=\"/clinic/inbox\""));
        assert!(clinic_page.body.contains("href=\"/clinic/articles\""));
        let inbox = doc.get("/clinic/inbox").await;
        assert_eq!(inbox.status, StatusCode::OK);
        assert!(inbox.body.contains("Sam Stride"));
        let item_id = store
            .inbox(&doc_actor(&store, "doc@harbour.example").await)
            .await
            .unwrap()[0]
            .id;
        let item = doc.get(&format!("/clinic/inbox/{item_id}")).await;
        assert!(item.body.contains("Worse on hills."));
        assert!(item.body.contains("Preferred times: Weekday mornings"));
        assert!(item.body.contains("+44 161 496 0000"));
        let bad = doc
            .post(
                &format!("/clinic/inbox/{item_id}"),
                &[("stage", "nowhere"), ("notes", "keep me")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("keep me"));
        let res = doc
            .post(
                &format!("/clinic/inbox/{item_id}"),
                &[("stage", "call_booked"), ("notes", "Call on Tuesday.")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let actor = doc_actor(&store, "doc@harbour.example").await;
        let saved = store.inbox_item(&actor, item_id).await.unwrap();
        assert_eq!(saved.stage, InboxStage::CallBooked);
        assert_eq!(saved.notes, "Call on Tuesday.");

        // One click invites them as a runner of the clinic.
        doc.get(&format!("/clinic/inbox/{item_id}")).await;
        let res = doc
            .post(&format!("/clinic/inbox/{item_id}/invite"), &[])
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let page = doc.get(res.location()).await;
        assert!(
            page.body.contains("Invitation sent to sam@example.com"),
            "{}",
            page.body
        );
        let invites = links_to(&store, "sam@example.com", &format!("{BASE}/invite/")).await;
        assert_eq!(invites.len(), 1);

        // The runner follows the link, creates the account and is in.
        let mut sam = Client::new(store.clone());
        let path = path_of(&invites[0]);
        let page = sam.get(&path).await;
        assert!(page.body.contains("Harbour Physio"));
        let res = sam
            .post(
                &path,
                &[
                    ("display_name", "Sam Stride"),
                    ("password", "hills are fine now"),
                    ("time_zone", "UTC"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.location(), "/home");
        let home = sam.get("/home").await;
        assert!(home.body.contains("Hello, Sam Stride"), "{}", home.body);
        let user = store
            .user_by_email(&"sam@example.com".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(user.clinic_id, Some(clinic.id));
        assert_eq!(user.role, Role::Runner);
        assert_eq!(
            store.inbox_item(&actor, item_id).await.unwrap().stage,
            InboxStage::Enrolled
        );
        // Their first login with the new password.
        let mut again = Client::new(store.clone());
        let res = again.login("sam@example.com", "hills are fine now").await;
        assert_eq!(res.location(), "/home");
        // They already have an account now: no second invitation.
        let page = doc.get(&format!("/clinic/inbox/{item_id}")).await;
        assert!(page.body.contains("already has an account"));
    })
    .await;
}

async fn doc_actor(store: &Arc<dyn Store>, email: &str) -> Actor {
    Actor::of(&store.user_by_email(&email.parse().unwrap()).await.unwrap())
}

/// Raw HTML, attribute breakers and script addresses, each with a character escaping changes.
const XSS: &[&str] = &[
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "' onmouseover='alert(1)",
    "</textarea><script>alert(2)</script>",
    "<a href=\"javascript:alert(3)\">click</a>",
    "{{cta guide}}<iframe src=//evil.example>",
];

/// No payload reaches the page as markup; every script is one of ours.
fn assert_escaped(body: &str, what: &str) {
    for p in XSS {
        assert!(!body.contains(p), "{what}: {p:?} not escaped in\n{body}");
    }
    for (i, _) in body.match_indices("<script") {
        assert!(
            body[i..].starts_with("<script src=\"/static/"),
            "{what}: foreign script at {i}"
        );
    }
    assert!(!body.contains("href=\"javascript:"), "{what}: script link");
    assert!(!body.contains("<iframe"), "{what}: iframe");
}

#[tokio::test]
async fn xss_payloads_are_escaped_on_every_page_and_in_the_feed() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Clinic <b>bold</b> \"quoted\"").await;
        person(&store, Some(&clinic), "doc@xss.example", Role::Clinician).await;
        let id = clinic.id;
        let mut visitor = Client::new(store.clone());
        for (n, p) in XSS.iter().enumerate() {
            let email = format!("x{n}@example.com");
            visitor.get(&format!("/clinics/{id}/consult")).await;
            let res = visitor
                .post(
                    &format!("/clinics/{id}/consult"),
                    &[("name", p), ("email", &email), ("message", p), ("times", p), ("source", p)],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{p}: {}", res.body);
            // A form sent back with an error shows the payload as typed, escaped.
            let res = visitor
                .post(
                    &format!("/clinics/{id}/guide"),
                    &[("name", p), ("email", "not an email")],
                )
                .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_escaped(&res.body, "guide form");
        }
        let mut doc = Client::new(store.clone());
        doc.login("doc@xss.example", PASSWORD).await;
        let inbox = doc.get("/clinic/inbox").await;
        assert!(
            inbox.body.contains("&lt;script&gt;") || inbox.body.contains("&#60;script&#62;"),
            "shown as text"
        );
        assert_escaped(&inbox.body, "inbox");
        for item in store.inbox(&doc_actor(&store, "doc@xss.example").await).await.unwrap() {
            let page = doc.get(&format!("/clinic/inbox/{}", item.id)).await;
            assert_escaped(&page.body, "inbox item");
            let page = doc
                .post(&format!("/clinic/inbox/{}", item.id), &[("stage", "new"), ("notes", XSS[4])])
                .await;
            assert_eq!(page.status, StatusCode::SEE_OTHER);
        }
        assert_escaped(&doc.get("/clinic/inbox").await.body, "inbox with notes");

        // Articles: payloads in every field.
        doc.get("/clinic/articles/new").await;
        let body = format!(
            "Intro {}\n\n{}\n\n[link](javascript:alert(4))\n\n{{{{exercise couch_stretch}}}}\n\n{{{{cta consult}}}}\n",
            XSS[0], XSS[1]
        );
        let res = doc
            .post(
                "/clinic/articles/new",
                &[
                    ("title", XSS[2]),
                    ("slug", ""),
                    ("date", "2024-01-02"),
                    ("author", XSS[3]),
                    ("tags", "<img src=x onerror=alert(1)>, back pain"),
                    ("body", &body),
                    ("published", "on"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let preview = doc.get(res.location()).await;
        assert_escaped(&preview.body, "preview");
        assert!(preview.body.contains("exercise-card"), "the embed rendered");
        let staff_list = doc.get("/clinic/articles").await;
        assert_escaped(&staff_list.body, "staff list");
        let record = store
            .articles_for_staff(&doc_actor(&store, "doc@xss.example").await)
            .await
            .unwrap()
            .remove(0);
        assert_escaped(
            &doc.get(&format!("/clinic/articles/{}/edit", record.id)).await.body,
            "edit form",
        );
        let mut reader = Client::new(store.clone());
        for path in [
            format!("/clinics/{id}"),
            format!("/clinics/{id}/articles"),
            format!("/clinics/{id}/articles/{}", record.slug),
            format!("/clinics/{id}/articles/tags/img-src-x-onerror-alert-1"),
            format!("/clinics/{id}/articles/tags/back-pain"),
            format!("/clinics/{id}/guide"),
            format!("/clinics/{id}/consult"),
        ] {
            let page = reader.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert_escaped(&page.body, &path);
            assert!(!page.body.contains("<b>bold</b>"), "{path}: clinic name escaped");
        }
        let feed = reader.get(&format!("/clinics/{id}/articles/feed.atom")).await;
        let doc_xml = roxmltree::Document::parse(&feed.body).expect("the feed parses");
        let title = doc_xml
            .descendants()
            .find(|n| n.has_tag_name("entry"))
            .and_then(|e| e.children().find(|n| n.has_tag_name("title")))
            .and_then(|t| t.text())
            .unwrap();
        assert_eq!(title, XSS[2], "the title round-trips as text");
    })
    .await;
}

#[tokio::test]
async fn honeypot_rate_limits_and_length_limits_guard_the_public_forms() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Guarded Clinic").await;
        let admin = person(&store, Some(&clinic), "admin@guarded.example", Role::Admin).await;
        let id = clinic.id;
        let consult = format!("/clinics/{id}/consult");
        let mut bot = Client::new(store.clone());
        bot.get(&consult).await;
        let res = bot
            .post(
                &consult,
                &[
                    ("name", "Bot"),
                    ("email", "bot@example.com"),
                    ("message", "buy"),
                    ("website", "http://spam.example"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "looks like it worked");
        assert!(store.inbox(&Actor::of(&admin)).await.unwrap().is_empty());
        assert_eq!(emails_to(&store, "bot@example.com").await, 0);

        // Per email: three an hour.
        let mut person_a = Client::new(store.clone());
        person_a.get(&consult).await;
        let form = |email: &'static str| {
            vec![
                ("name", "Kim"),
                ("email", email),
                ("message", "Back pain when running"),
            ]
        };
        for _ in 0..3 {
            let res = person_a.post(&consult, &form("kim@example.com")).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER);
        }
        let res = person_a.post(&consult, &form("kim@example.com")).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(res.body.contains("value=\"Kim\""), "what was typed stays");
        // Per IP: ten an hour (the bot's try and the refused one counted too).
        let mut emails = [
            "a@example.com",
            "b@example.com",
            "c@example.com",
            "d@example.com",
            "e@example.com",
        ]
        .iter();
        for email in emails.by_ref() {
            let res = person_a.post(&consult, &form(email)).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{email}");
        }
        let res = person_a.post(&consult, &form("g@example.com")).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        // Someone else, elsewhere, is not held up.
        let mut other = Client::new(store.clone());
        other.ip = "198.51.100.7:4000".parse().unwrap();
        other.get(&consult).await;
        let res = other.post(&consult, &form("g@example.com")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        // The guide form counts separately.
        other.get(&format!("/clinics/{id}/guide")).await;
        let res = other
            .post(
                &format!("/clinics/{id}/guide"),
                &[
                    ("name", "Kim"),
                    ("email", "kim@example.com"),
                    ("consent", "on"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);

        // Length limits.
        let long_message = "x".repeat(4001);
        let long_name = "n".repeat(101);
        let mut third = Client::new(store.clone());
        third.ip = "203.0.113.9:4000".parse().unwrap();
        third.get(&consult).await;
        let res = third
            .post(
                &consult,
                &[
                    ("name", &long_name),
                    ("email", "long@example.com"),
                    ("message", &long_message),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("Keep this to 100 characters or fewer."));
        assert!(res.body.contains("keep it to 4000"));
        // Without the session's CSRF token nothing is accepted.
        let mut stranger = Client::new(store.clone());
        let res = stranger
            .post_raw(&consult, "name=X&email=x%40example.com&message=hi".into())
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    })
    .await;
}

pub(crate) async fn article(
    store: &Arc<dyn Store>,
    who: &User,
    slug: &str,
    date: &str,
    published: bool,
) -> i64 {
    store
        .save_article(
            &Actor::of(who),
            None,
            &SaveArticle {
                slug: slug.into(),
                title: format!("Title {slug}"),
                body: format!("Body of {slug}.\n\n{{{{exercise hip_cars}}}}\n"),
                tags: "hips".into(),
                author: "Dr A".into(),
                date: date.into(),
                published,
            },
            1_700_000_000,
        )
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn clinics_are_isolated_and_drafts_stay_private() {
    each_backend(|store| async move {
        let a = clinic(&store, "Clinic A").await;
        let b = clinic(&store, "Clinic B").await;
        person(&store, Some(&a), "doc@a.example", Role::Clinician).await;
        let doc_b = person(&store, Some(&b), "doc@b.example", Role::Clinician).await;
        person(&store, Some(&b), "runner@b.example", Role::Runner).await;
        let b_item = store
            .add_inbox_item(
                &NewInboxItem {
                    clinic_id: b.id,
                    kind: InboxKind::Consult,
                    name: "B's lead".into(),
                    email: "lead@b.example".into(),
                    phone: String::new(),
                    message: "private".into(),
                    source: "landing".into(),
                    stage: InboxStage::New,
                },
                1_700_000_000,
            )
            .await
            .unwrap();
        let b_draft = article(&store, &doc_b, "b-draft", "2024-01-01", false).await;
        let b_public = article(&store, &doc_b, "b-public", "2024-01-02", true).await;
        article(&store, &doc_b, "b-future", "2999-01-01", true).await;

        let mut doc_a = Client::new(store.clone());
        doc_a.login("doc@a.example", PASSWORD).await;
        doc_a.get("/clinic").await;
        for path in [
            format!("/clinic/inbox/{}", b_item.id),
            format!("/clinic/articles/{b_draft}/edit"),
            format!("/clinic/articles/{b_draft}"),
            format!("/clinic/articles/{b_public}/edit"),
        ] {
            assert_eq!(
                doc_a.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        for path in [
            format!("/clinic/inbox/{}", b_item.id),
            format!("/clinic/inbox/{}/invite", b_item.id),
        ] {
            let res = doc_a
                .post(&path, &[("stage", "closed"), ("notes", "mine")])
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        }
        let res = doc_a
            .post(
                &format!("/clinic/articles/{b_draft}/edit"),
                &[
                    ("title", "Taken"),
                    ("date", "2024-01-01"),
                    ("author", "A"),
                    ("body", "x"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = doc_a
            .post(
                &format!("/clinic/articles/{b_public}/delete"),
                &[("confirm", "on")],
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let inbox = doc_a.get("/clinic/inbox").await;
        assert!(!inbox.body.contains("B's lead"));
        let list = doc_a.get("/clinic/articles").await;
        assert!(!list.body.contains("b-draft") && !list.body.contains("Title b-public"));
        let untouched = store
            .inbox_item(&Actor::of(&doc_b), b_item.id)
            .await
            .unwrap();
        assert_eq!(untouched.stage, InboxStage::New);

        // The public (and clinic A) see B's published article only, at B's address.
        let mut public = Client::new(store.clone());
        let list = public.get(&format!("/clinics/{}/articles", b.id)).await;
        assert!(list.body.contains("Title b-public"));
        assert!(!list.body.contains("Title b-draft"));
        assert!(!list.body.contains("Title b-future"), "future-dated waits");
        for (clinic, slug) in [(b.id, "b-draft"), (b.id, "b-future"), (a.id, "b-public")] {
            let res = public
                .get(&format!("/clinics/{clinic}/articles/{slug}"))
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{clinic}/{slug}");
        }
        assert_eq!(
            public
                .get(&format!("/clinics/{}/articles/b-public", b.id))
                .await
                .status,
            StatusCode::OK
        );
        let a_list = doc_a.get(&format!("/clinics/{}/articles", a.id)).await;
        assert!(!a_list.body.contains("Title b-"));
        let feed = public
            .get(&format!("/clinics/{}/articles/feed.atom", b.id))
            .await;
        assert!(!feed.body.contains("b-draft") && !feed.body.contains("b-future"));

        // Runners and visitors have no inbox.
        let mut runner = Client::new(store.clone());
        runner.login("runner@b.example", PASSWORD).await;
        assert_eq!(
            runner.get("/clinic/inbox").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            runner.get("/clinic/articles/new").await.status,
            StatusCode::FORBIDDEN
        );
        let res = public.get("/clinic/inbox").await;
        assert!(res.location().starts_with("/login"));

        // B's clinician deletes B's public article, only once the box is ticked (on the same
        // server as the public reader: another instance's write would show there within the
        // kept page's lifetime, see `public_pages`).
        let mut doc = public.another();
        doc.login("doc@b.example", PASSWORD).await;
        let edit = doc.get(&format!("/clinic/articles/{b_public}/edit")).await;
        assert!(
            edit.body
                .contains(&format!("/clinic/articles/{b_public}/delete"))
        );
        let delete = format!("/clinic/articles/{b_public}/delete");
        let res = doc.post(&delete, &[]).await;
        assert!(res.location().ends_with("/edit"));
        let edit = doc.get(&format!("/clinic/articles/{b_public}/edit")).await;
        assert!(edit.body.contains("was not deleted"), "{}", edit.body);
        let res = doc.post(&delete, &[("confirm", "on")]).await;
        assert_eq!(res.location(), "/clinic/articles");
        assert!(
            doc.get("/clinic/articles")
                .await
                .body
                .contains("was deleted")
        );
        assert_eq!(
            public
                .get(&format!("/clinics/{}/articles/b-public", b.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert!(
            !doc.get("/clinic/articles/new")
                .await
                .body
                .contains("/delete\"")
        );
    })
    .await;
}

#[tokio::test]
async fn the_editor_keeps_values_and_shows_errors_by_field_and_the_feed_is_atom() {
    each_backend(|store| async move {
        let c = clinic(&store, "Feed Clinic").await;
        person(&store, Some(&c), "writer@feed.example", Role::Clinician).await;
        let mut doc = Client::new(store.clone());
        doc.login("writer@feed.example", PASSWORD).await;
        let page = doc.get("/clinic/articles/new").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("value=\"writer\""), "author filled in");
        let res = doc
            .post(
                "/clinic/articles/new",
                &[
                    ("title", ""),
                    ("slug", "Bad Slug"),
                    ("date", "14/03/2025"),
                    ("author", "Dr Writer"),
                    ("tags", "hips"),
                    ("body", "My *draft* text"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("id=\"title-error\""));
        assert!(res.body.contains("id=\"slug-error\""));
        assert!(res.body.contains("id=\"date-error\""));
        assert!(res.body.contains("My *draft* text"));
        assert!(res.body.contains("value=\"Dr Writer\""));
        for far in ["0000-01-01", "9999-12-31"] {
            let res = doc
                .post(
                    "/clinic/articles/new",
                    &[
                        ("title", "Far away"),
                        ("slug", ""),
                        ("date", far),
                        ("author", "Dr Writer"),
                        ("tags", "hips"),
                        ("body", "Text"),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{far}");
            assert!(
                res.body
                    .contains("id=\"date-error\">Choose a date from 30 years ago to a year ahead"),
                "{}",
                res.body
            );
            assert!(res.body.contains(&format!("value=\"{far}\"")));
        }
        for (title, slug, date) in [
            ("Hips first", "hips-first", "2024-03-01"),
            ("Core second", "core-second", "2024-03-02"),
        ] {
            let res = doc
                .post(
                    "/clinic/articles/new",
                    &[
                        ("title", title),
                        ("slug", ""),
                        ("date", date),
                        ("author", "Dr Writer"),
                        ("tags", "Back pain, Strength"),
                        (
                            "body",
                            "Start here.\n\n{{exercise single_leg_bridge_hold}}\n\n{{cta guide}}\n",
                        ),
                        ("published", "on"),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            assert!(slug.len() > 3);
        }
        // The same web address twice is refused on the slug field.
        let res = doc
            .post(
                "/clinic/articles/new",
                &[
                    ("title", "Hips first"),
                    ("date", "2024-03-05"),
                    ("author", "Dr Writer"),
                    ("body", "x"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("already has this web address"));

        let mut reader = Client::new(store.clone());
        let page = reader
            .get(&format!("/clinics/{}/articles/hips-first", c.id))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Single-leg bridge isometric hold"),
            "exercise card"
        );
        assert!(page.body.contains("<svg"), "with its drawing");
        assert!(
            page.body
                .contains(&format!("/clinics/{}/guide?from=article:hips-first", c.id))
        );
        let tag = reader
            .get(&format!("/clinics/{}/articles/tags/back-pain", c.id))
            .await;
        assert!(tag.body.contains("Hips first") && tag.body.contains("Core second"));
        assert_eq!(
            reader
                .get(&format!("/clinics/{}/articles/tags/nope", c.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let feed = reader
            .get(&format!("/clinics/{}/articles/feed.atom", c.id))
            .await;
        assert_eq!(feed.status, StatusCode::OK);
        assert_eq!(
            feed.headers["content-type"],
            "application/atom+xml; charset=utf-8"
        );
        let xml = roxmltree::Document::parse(&feed.body).expect("well-formed");
        let root = xml.root_element();
        assert_eq!(root.tag_name().name(), "feed");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom")
        );
        let titles: Vec<&str> = root
            .children()
            .filter(|n| n.has_tag_name("entry"))
            .filter_map(|e| e.children().find(|n| n.has_tag_name("title")))
            .filter_map(|t| t.text())
            .collect();
        assert_eq!(titles, ["Core second", "Hips first"], "newest first");
        let content = root
            .descendants()
            .find(|n| n.has_tag_name("content"))
            .and_then(|n| n.text())
            .unwrap();
        assert!(
            content.contains(&format!("href=\"{BASE}/clinics/{}/guide", c.id)),
            "absolute links"
        );
    })
    .await;
}

// ---- In Chromium ------------------------------------------------------------------------------

use crate::browser::Browser;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clinician_publishes_an_article_with_an_exercise_card_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let c = clinic(&b.store, "Browser Physio").await;
    person(
        &b.store,
        Some(&c),
        "writer@browser.example",
        Role::Clinician,
    )
    .await;
    b.log_in("writer@browser.example").await;
    b.goto("/clinic").await;
    b.click("a[href='/clinic/articles']").await;
    b.wait_for_text("Write an article").await;
    b.assert_accessible().await;
    b.click("a[href='/clinic/articles/new']").await;
    b.wait_for_text("New article").await;
    b.assert_accessible().await;
    // A mistake first: the error sits by its field and the text stays.
    b.fill("#date", "soon").await;
    b.fill(
        "#body",
        "Hips matter.\n\n{{exercise couch_stretch}}\n\n{{cta consult}}\n",
    )
    .await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Give the article a title.").await;
    b.assert_accessible().await;
    b.fill("#title", "Stretch the front of the hip").await;
    b.fill("#date", "2024-05-01").await;
    b.fill("#tags", "hips, mobility").await;
    b.click("#published").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Article published.").await;
    b.wait_for_text("exercise-card").await;
    b.assert_accessible().await;
    b.screenshot("article-preview").await;

    b.goto(&format!(
        "/clinics/{}/articles/stretch-the-front-of-the-hip",
        c.id
    ))
    .await;
    b.wait_for_text("Couch stretch").await;
    b.wait_for_text("Ask for a free consult").await;
    b.assert_accessible().await;
    b.screenshot("article-public").await;
    b.goto(&format!("/clinics/{}/articles", c.id)).await;
    b.wait_for_text("Stretch the front of the hip").await;
    b.assert_accessible().await;
    b.goto(&format!("/clinics/{}/articles/tags/mobility", c.id))
        .await;
    b.wait_for_text("Articles about mobility").await;
    b.assert_accessible().await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guide_consult_inbox_and_invite_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let c = clinic(&b.store, "Front Door Physio").await;
    person(&b.store, Some(&c), "doc@frontdoor.example", Role::Clinician).await;
    let id = c.id;

    b.goto(&format!("/clinics/{id}")).await;
    b.wait_for_text("Get the free guide").await;
    b.assert_accessible().await;
    b.screenshot("front-landing").await;
    b.click(&format!("a[href='/clinics/{id}/guide']")).await;
    b.wait_for_text("Free strength guide for runners").await;
    b.assert_accessible().await;
    b.fill("#name", "Lee Long").await;
    b.fill("#email", "lee@example.com").await;
    b.click("#consent").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Your guide is ready").await;
    b.assert_accessible().await;
    assert_eq!(emails_to(&b.store, "lee@example.com").await, 1);

    b.goto(&format!("/clinics/{id}/consult")).await;
    b.wait_for_text("Ask for a free consult").await;
    b.assert_accessible().await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Tell us your name.").await;
    b.assert_accessible().await;
    b.fill("#name", "Lee Long").await;
    b.fill("#email", "lee@example.com").await;
    b.fill("#message", "My back aches after long runs.").await;
    b.fill("#times", "Evenings").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("we have your request").await;
    b.assert_accessible().await;

    b.log_in("doc@frontdoor.example").await;
    b.goto("/clinic/inbox").await;
    b.wait_for_text("Consult request").await;
    b.assert_accessible().await;
    b.screenshot("inbox").await;
    let consult_id = b
        .store
        .inbox(&doc_actor(&b.store, "doc@frontdoor.example").await)
        .await
        .unwrap()
        .iter()
        .find(|i| i.kind == InboxKind::Consult)
        .unwrap()
        .id;
    b.click(&format!("a[href='/clinic/inbox/{consult_id}']"))
        .await;
    b.wait_for_text("My back aches after long runs.").await;
    b.assert_accessible().await;
    b.fill("#notes", "Called, wants to start.").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Saved.").await;
    b.click(&format!(
        "form[action='/clinic/inbox/{consult_id}/invite'] button"
    ))
    .await;
    b.wait_for_text("Invitation sent to lee@example.com").await;
    b.assert_accessible().await;
    b.click("nav button.link").await; // Log out
    b.wait_for_text("You are logged out.").await;

    let invite = links_to(&b.store, "lee@example.com", &format!("{}/invite/", b.base)).await;
    let path = invite[0].trim_start_matches(&b.base).to_owned();
    b.goto(&path).await;
    b.wait_for_text("Front Door Physio").await;
    b.assert_accessible().await;
    b.fill("#display_name", "Lee Long").await;
    b.fill("#password", "long runs again soon").await;
    b.click("form.stack button[type=submit]").await;
    b.wait_for_text("Hello, Lee Long").await;
    b.assert_accessible().await;
    let item = b
        .store
        .inbox_item(
            &doc_actor(&b.store, "doc@frontdoor.example").await,
            consult_id,
        )
        .await
        .unwrap();
    assert_eq!(item.stage, InboxStage::Enrolled);
    let _ = b.client.find(Locator::Css("main")).await.unwrap();
    b.close().await;
}

#[tokio::test]
async fn the_longest_article_fits_the_body_limit_and_a_longer_one_gets_a_message_by_its_field() {
    each_backend(|store| async move {
        let c = clinic(&store, "Long Clinic").await;
        person(&store, Some(&c), "long@writer.example", Role::Clinician).await;
        let mut doc = Client::new(store.clone());
        doc.login("long@writer.example", PASSWORD).await;
        doc.get("/clinic/articles/new").await;
        let max = backstride_publishing::article::MAX_BODY_CHARS;
        // Characters that take the most bytes when a form sends them (4 bytes, each as %XX).
        let longest = "🏃".repeat(max);
        let fields = |body: &'static str| {
            vec![
                ("title", "Long read"),
                ("slug", ""),
                ("date", "2024-05-01"),
                ("author", "Dr Long"),
                ("tags", "hips"),
                ("body", body),
            ]
        };
        let longest: &'static str = Box::leak(longest.into_boxed_str());
        let res = doc.post("/clinic/articles/new", &fields(longest)).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "{}",
            &res.body[..res.body.len().min(500)]
        );

        doc.get("/clinic/articles/new").await;
        let too_long: &'static str = Box::leak(format!("{longest}é").into_boxed_str());
        let res = doc.post("/clinic/articles/new", &fields(too_long)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("id=\"body-error\""));
        assert!(
            res.body.contains(&format!("keep it to {max}")),
            "the limit is named"
        );
        assert!(res.body.contains(&"🏃".repeat(50)), "the text is kept");
        assert!(res.body.contains("value=\"Dr Long\""));
    })
    .await;
}

/// Issue 19: the guide downloads without the marketing box ticked — the box is consent to
/// emails only — and nothing is emailed; the closing page points to the self-check and the six
/// exercises behind it.
#[tokio::test]
async fn the_guide_downloads_without_marketing_consent_and_sends_no_email() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Consent Physio").await;
        let admin = person(&store, Some(&clinic), "admin@consent.example", Role::Admin).await;
        let id = clinic.id;
        let mut visitor = Client::new(store.clone());
        let page = visitor.get(&format!("/clinics/{id}/guide")).await;
        assert!(page.body.contains("the guide downloads either way"));
        let res = visitor
            .post(
                &format!("/clinics/{id}/guide"),
                &[
                    ("name", "Nia No-Mail"),
                    ("email", "nia@example.com"),
                    ("website", ""),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let ready = res.location().to_owned();
        assert!(ready.ends_with("?quiet=1"), "{ready}");
        let page = visitor.get(&ready).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("We have also emailed you"));
        assert!(page.body.contains(&format!("/clinics/{id}/check")));
        for name in [
            "Couch stretch",
            "Hip CARs",
            "Single-leg bridge hold",
            "Standing hip abduction with mini band",
            "Straight leg lowers",
            "Half-kneeling Pallof press",
        ] {
            assert!(page.body.contains(name), "{name}");
        }
        let token = ready
            .trim_end_matches("?quiet=1")
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let pdf = visitor.get(&format!("/guide/{token}.pdf")).await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.bytes.starts_with(b"%PDF"));
        assert_eq!(
            emails_to(&store, "nia@example.com").await,
            0,
            "no email at all"
        );
        let actor = Actor::of(&admin);
        let inbox = store.inbox(&actor).await.unwrap();
        assert_eq!(inbox.len(), 1);
        let lead = store
            .lead_of_inbox_item(&actor, inbox[0].id)
            .await
            .unwrap()
            .unwrap();
        assert!(lead.consent_text.is_empty(), "no consent recorded");
    })
    .await;
}

/// Issue 19: "Check your back — free" on the clinic page signs a visitor up as a runner of that
/// clinic without an invitation (bad input answered by its field, an existing email answered
/// alike without joining), the clinic sees them in its inbox, and the emailed link leads to the
/// self-check.
#[tokio::test]
async fn check_your_back_signs_up_inside_the_clinic_and_lands_in_its_inbox() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Check Physio").await;
        let doc = person(&store, Some(&clinic), "doc@check.example", Role::Clinician).await;
        person(&store, None, "taken@example.com", Role::Runner).await;
        let id = clinic.id;
        let mut v = Client::new(store.clone());
        let landing = v.get(&format!("/clinics/{id}")).await;
        assert!(
            landing
                .body
                .contains(&format!("href=\"/clinics/{id}/check\""))
        );
        assert!(landing.body.contains("Check your back — free"));
        let page = v.get(&format!("/clinics/{id}/check")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Check Physio") && page.body.contains("brand.css"));

        let bad = v
            .post(
                &format!("/clinics/{id}/check"),
                &[
                    ("display_name", "Rae Runner"),
                    ("email", "rae@example.com"),
                    ("password", "short"),
                    ("time_zone", "Europe/London"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("value=\"Rae Runner\""));
        assert!(bad.body.contains("id=\"password-error\""));

        let res = v
            .post(
                &format!("/clinics/{id}/check"),
                &[
                    ("display_name", "Rae Runner"),
                    ("email", "rae@example.com"),
                    ("password", "my back is better now"),
                    ("time_zone", "Europe/London"),
                    ("units", "metric"),
                    ("website", ""),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.location(), format!("/clinics/{id}/check/sent"));
        let rae = store
            .user_by_email(&"rae@example.com".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(rae.clinic_id, Some(id));
        assert_eq!(rae.role, Role::Runner);
        let inbox = store.inbox(&Actor::of(&doc)).await.unwrap();
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].kind, InboxKind::Signup);
        assert_eq!(inbox[0].email, "rae@example.com");
        let mut staff = Client::new(store.clone());
        staff.login("doc@check.example", PASSWORD).await;
        let list = staff.get("/clinic/inbox").await;
        assert!(
            list.body.contains("Rae Runner") && list.body.contains("Signed up: check your back")
        );

        // An email that has an account: the same answer, nobody joins, nothing in the inbox.
        let same = v
            .post(
                &format!("/clinics/{id}/check"),
                &[
                    ("display_name", "Someone"),
                    ("email", "taken@example.com"),
                    ("password", "another long password"),
                    ("time_zone", "UTC"),
                ],
            )
            .await;
        assert_eq!(same.location(), format!("/clinics/{id}/check/sent"));
        let taken = store
            .user_by_email(&"taken@example.com".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(taken.clinic_id, None);
        assert_eq!(store.inbox(&Actor::of(&doc)).await.unwrap().len(), 1);

        // The emailed link confirms the address and starts the self-check.
        let link = link_in_email(&store, "rae@example.com", "/login/link/").await;
        let path = path_of(&link);
        let mut rae_browser = Client::new(store.clone());
        rae_browser.get(&path).await;
        let done = rae_browser.post(&path, &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(done.location(), "/assessment");
        let start = rae_browser.get("/assessment").await;
        assert_eq!(start.status, StatusCode::OK);
        // The clinic's staff can open the new runner's record.
        assert_eq!(
            staff.get(&format!("/runners/{}", rae.id)).await.status,
            StatusCode::OK
        );
    })
    .await;
}

/// Issue 19: one visitor is one inbox entry, with their enquiries (whatever the email's case)
/// under it.
#[tokio::test]
async fn one_visitor_is_one_inbox_entry_with_their_enquiries_under_it() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Inbox Physio").await;
        person(&store, Some(&clinic), "doc@inbox.example", Role::Clinician).await;
        let id = clinic.id;
        let mut v = Client::new(store.clone());
        v.get(&format!("/clinics/{id}/guide")).await;
        for (path, fields) in [
            (
                "guide",
                vec![
                    ("name", "Ola Once"),
                    ("email", "ola@example.com"),
                    ("consent", "on"),
                ],
            ),
            (
                "consult",
                vec![
                    ("name", "Ola Once"),
                    ("email", "OLA@example.com"),
                    ("message", "Sore after long runs."),
                ],
            ),
            (
                "guide",
                vec![("name", "Pat Other"), ("email", "pat@example.com")],
            ),
        ] {
            let res = v.post(&format!("/clinics/{id}/{path}"), &fields).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        }
        let mut doc = Client::new(store.clone());
        doc.login("doc@inbox.example", PASSWORD).await;
        let page = doc.get("/clinic/inbox").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            page.body.matches("class=\"inbox-visitor\"").count(),
            2,
            "{}",
            page.body
        );
        let body = page.body.to_lowercase();
        assert_eq!(body.matches("ola@example.com").count(), 1, "{body}");
        let ola = &body[body.find("ola@example.com").unwrap()..];
        let ola = &ola[..ola.find("</ul>").unwrap()];
        assert!(
            ola.contains("guide download") && ola.contains("consult request"),
            "{ola}"
        );
    })
    .await;
}
