//! The clinic's public pages kept in memory for every anonymous visitor (`public_pages`): a
//! write through the app shows at once (a booked time is gone from the very next view, a
//! settings change shows), a kept page is really used (a change made behind the app's back does
//! not show until the page's time is up), clinics never share a kept page, a signed-in person
//! never gets the anonymous copy nor anyone theirs, each encoding is right, and the booking
//! page gives each visitor their own form token. On every backend, with the app's clock pinned
//! so that nothing expires by itself mid-test.

use crate::booking::{bookable, details, every_day, offered, slot_after};
use crate::client::*;
use crate::front::article;
use crate::http::{decoded_bytes, header_of};
use crate::sessions::set_cookies;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backstride_core::Role;
use backstride_core::booking::CallMode;
use backstride_store::{Actor, SaveCallHours, Store};
use backstride_web::Clock;
use std::sync::Arc;

fn pinned(store: &Arc<dyn Store>) -> (Client, Clock) {
    let clock = Clock::pinned(jiff::Timestamp::now());
    (Client::with_clock(store.clone(), clock.clone()), clock)
}

async fn get_with(client: &mut Client, path: &str, name: &str, value: &str) -> Resp {
    client
        .send(
            Request::get(path)
                .header(name, value)
                .body(Body::empty())
                .unwrap(),
        )
        .await
}

fn decoded(res: &Resp) -> String {
    String::from_utf8(decoded_bytes(res)).unwrap()
}

#[tokio::test]
async fn a_booked_time_leaves_the_kept_booking_page_at_once() {
    each_backend(|store| async move {
        let (clinic, clinician) = bookable(&store, "Kept Booking Clinic").await;
        let path = format!("/clinics/{}/book", clinic.id);
        let (mut first, clock) = pinned(&store);
        let page = first.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        let slot = slot_after(&page.body, 30);

        // Behind the app's back (another instance, say), the clinician switches to video: the
        // kept page is still the one shown (it is really kept) …
        let video = SaveCallHours {
            call: CallMode::Video("https://meet.example/kept-room".into()),
            ..every_day()
        };
        store
            .save_call_hours(&Actor::of(&clinician), clinician.id, &video, 1)
            .await
            .unwrap();
        let mut second = first.another();
        let again = second.get(&path).await;
        assert_eq!(again.status, StatusCode::OK);
        assert!(!again.body.contains("meet.example/kept-room"), "kept");
        assert_eq!(offered(&again.body), offered(&page.body));
        // … yet each visitor has their own token and visitor cookie.
        assert!(first.csrf.is_some() && second.csrf.is_some());
        assert_ne!(first.csrf, second.csrf, "a token of one's own");
        assert_ne!(
            first.cookies.get(backstride_web::VISITOR_COOKIE),
            second.cookies.get(backstride_web::VISITOR_COOKIE)
        );

        // A booking through the app takes the time off the very next view, for everyone.
        let booked = second
            .post(&path, &details(&slot, "kept@example.com"))
            .await;
        assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.body);
        let after = first.get(&path).await;
        assert!(
            !offered(&after.body).contains(&slot),
            "the taken time is gone"
        );
        assert!(
            after.body.contains("meet.example/kept-room"),
            "rendered again"
        );
        // The first visitor's token, from the kept page, still books another time.
        let other = slot_after(&after.body, 60);
        let res = first
            .post(&path, &details(&other, "first@example.com"))
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert!(!offered(&first.another().get(&path).await.body).contains(&other));

        // The next day (by the app's clock) the page starts from that day.
        let tomorrow = clock
            .now()
            .checked_add(jiff::SignedDuration::from_hours(24))
            .unwrap();
        let kept_first_day = format!("min=\"{}\"", today());
        assert!(after.body.contains(&kept_first_day), "{}", after.body);
        clock.set(tomorrow);
        let next_day = first.another().get(&path).await;
        let day = tomorrow.to_zoned(jiff::tz::TimeZone::UTC).date();
        assert!(next_day.body.contains(&format!("min=\"{day}\"")));
    })
    .await;
}

#[tokio::test]
async fn a_settings_change_and_a_new_article_show_on_the_kept_pages_at_once() {
    each_backend(|store| async move {
        let c = clinic(&store, "Kept Landing Clinic").await;
        let writer = person(&store, Some(&c), "kept-writer@example.com", Role::Clinician).await;
        person(&store, Some(&c), "kept-admin@example.com", Role::Admin).await;
        article(&store, &writer, "kept-first", "2024-03-01", true).await;
        let landing = format!("/clinics/{}", c.id);
        let article_path = format!("/clinics/{}/articles/kept-first", c.id);
        let (mut visitor, _clock) = pinned(&store);
        let before = visitor.get(&landing).await;
        assert!(before.body.contains("Title kept-first"));
        let read = visitor.get(&article_path).await;
        assert_eq!(read.status, StatusCode::OK);

        // Behind the app's back: not shown yet (the kept copy is used).
        article(&store, &writer, "kept-second", "2024-03-02", true).await;
        assert!(
            !visitor
                .another()
                .get(&landing)
                .await
                .body
                .contains("Title kept-second")
        );

        // The admin changes the contact line through the app: shown at once, with the article
        // the store had meanwhile.
        let mut admin = visitor.another();
        admin.login("kept-admin@example.com", PASSWORD).await;
        let page = admin.get("/clinic/settings").await;
        let mut values: Vec<(String, String)> = page
            .body
            .split("<input ")
            .skip(1)
            .filter_map(|tag| {
                let attr = |name: &str| {
                    let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
                    Some(tag[at..at + tag[at..].find('"')?].to_owned())
                };
                Some((attr("name")?, attr("value").unwrap_or_default()))
            })
            .filter(|(k, _)| k != "csrf_token")
            .collect();
        values.iter_mut().find(|(k, _)| k == "contact").unwrap().1 =
            "Call 0161 496 0999".to_owned();
        let fields: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let saved = admin.post("/clinic/settings", &fields).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        for path in [&landing, &article_path] {
            let now = visitor.another().get(path).await;
            assert!(now.body.contains("Call 0161 496 0999"), "{path}");
        }
        assert!(
            visitor
                .another()
                .get(&landing)
                .await
                .body
                .contains("Title kept-second")
        );
    })
    .await;
}

#[tokio::test]
async fn clinics_never_share_a_kept_page_and_signed_in_people_get_their_own() {
    each_backend(|store| async move {
        let a = clinic(&store, "Kept Clinic Alpha").await;
        let b = clinic(&store, "Kept Clinic Beta").await;
        let doc_a = person(&store, Some(&a), "kept-a@example.com", Role::Clinician).await;
        let doc_b = person(&store, Some(&b), "kept-b@example.com", Role::Clinician).await;
        // The same slug in both clinics.
        article(&store, &doc_a, "same-slug", "2024-03-01", true).await;
        article(&store, &doc_b, "same-slug", "2024-03-01", true).await;
        let (mut visitor, _clock) = pinned(&store);
        // Twice: the second round is served from the kept pages.
        for _ in 0..2 {
            for (c, name, other) in [
                (&a, "Kept Clinic Alpha", "Kept Clinic Beta"),
                (&b, "Kept Clinic Beta", "Kept Clinic Alpha"),
            ] {
                for path in [
                    format!("/clinics/{}", c.id),
                    format!("/clinics/{}/articles/same-slug", c.id),
                ] {
                    let res = visitor.get(&path).await;
                    assert_eq!(res.status, StatusCode::OK, "{path}");
                    assert!(
                        res.body.contains(name) && !res.body.contains(other),
                        "{path}"
                    );
                    assert!(set_cookies(&res).is_empty(), "{path} sets no cookie");
                    assert_eq!(
                        header_of(&res, header::CACHE_CONTROL),
                        "public, max-age=300"
                    );
                }
            }
        }
        // A signed-in clinician sees the page with their own navigation; the next visitor does
        // not get it.
        let mut doc = visitor.another();
        doc.login("kept-a@example.com", PASSWORD).await;
        let theirs = doc.get(&format!("/clinics/{}", a.id)).await;
        assert!(
            theirs.body.contains("action=\"/logout\""),
            "{}",
            theirs.body
        );
        assert_eq!(header_of(&theirs, header::CACHE_CONTROL), "no-store");
        let anonymous = visitor.another().get(&format!("/clinics/{}", a.id)).await;
        assert!(!anonymous.body.contains("/logout") && !anonymous.body.contains("data-user"));
        let missing = visitor.another().get("/clinics/999999").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn kept_pages_come_in_each_encoding_with_their_own_tag_and_answer_304() {
    each_backend(|store| async move {
        let c = clinic(&store, "Kept Encoding Clinic").await;
        let writer = person(&store, Some(&c), "kept-enc@example.com", Role::Clinician).await;
        article(&store, &writer, "encoded", "2024-03-01", true).await;
        let (mut visitor, _clock) = pinned(&store);
        for path in [
            format!("/clinics/{}", c.id),
            format!("/clinics/{}/articles/encoded", c.id),
        ] {
            let plain = visitor.get(&path).await;
            assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "");
            assert!(plain.body.starts_with("<!doctype html>"));
            assert!(!plain.body.contains("nonce=\"") || plain.body.contains("nonce=\"\""));
            let mut tags = vec![header_of(&plain, header::ETAG).to_owned()];
            for (encoding, expected) in [
                ("gzip", "gzip"),
                ("br", "br"),
                ("gzip, deflate, br", "br"),
                ("br;q=0, gzip", "gzip"),
            ] {
                let res = get_with(&mut visitor, &path, "accept-encoding", encoding).await;
                assert_eq!(res.status, StatusCode::OK);
                assert_eq!(
                    header_of(&res, header::CONTENT_ENCODING),
                    expected,
                    "{encoding}"
                );
                assert!(header_of(&res, header::VARY).contains("accept-encoding"));
                assert_eq!(decoded(&res), plain.body, "{path} {encoding}");
                let tag = header_of(&res, header::ETAG).to_owned();
                // The tag held answers 304 for the same encoding.
                let mut again = visitor.another();
                let res = again
                    .send(
                        Request::get(path.as_str())
                            .header("accept-encoding", encoding)
                            .header("if-none-match", tag.as_str())
                            .body(Body::empty())
                            .unwrap(),
                    )
                    .await;
                assert_eq!(res.status, StatusCode::NOT_MODIFIED, "{path} {encoding}");
                assert!(res.bytes.is_empty());
                tags.push(tag);
            }
            tags.sort();
            tags.dedup();
            assert_eq!(tags.len(), 3, "one tag per encoding: {tags:?}");
            let held = header_of(&plain, header::ETAG).to_owned();
            let res = get_with(&mut visitor, &path, "if-none-match", &held).await;
            assert_eq!(res.status, StatusCode::NOT_MODIFIED);
            assert!(set_cookies(&res).is_empty());
            // Another encoding's tag does not stand for the plain page.
            for other in tags.iter().filter(|t| **t != held) {
                let res = get_with(&mut visitor, &path, "if-none-match", other).await;
                assert_eq!(res.status, StatusCode::OK, "{other}");
            }
        }
    })
    .await;
}
