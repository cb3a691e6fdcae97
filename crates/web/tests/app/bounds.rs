//! Bounded input: every form the app serves, each field in turn given a generated corpus of
//! hostile values (dates in years 0 and 9999, negative and huge numbers, long and 1 MB strings,
//! control characters, invalid UTF-8) while the rest of the form stays as the page offered it.
//! No answer may be a 5xx, and nothing may be stored out of bounds.
//!
//! "No request over a second" is checked as bounded work instead of time: the project keeps
//! wall-clock limits out of tests (they fail on a busy CI machine and pass on a slow bug). A
//! request's work is what it writes, so the store is counted after the corpus: a date far in
//! the past must not make the journal write a weekly review for every week since, nor a
//! calendar length a day row per requested day.

use crate::assessment::{
    baseline, hip_mobility, hip_stability, posture_form, red_flags, start, step,
};
use crate::client::*;
use crate::world::{Who, World, served_routes};
use axum::body::Body;
use axum::http::{Request, header};
use backstride_core::programme::Programme;
use backstride_store::{Actor, Store};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Where a POST route's fields come from.
enum Fields {
    /// The forms posting to the route on this page (read from its HTML, so a field added to a
    /// form joins the corpus by itself).
    Page(&'static str),
    /// A route with no form to read: these field names.
    Named(&'static [&'static str]),
    /// Not fuzzed here, and why.
    Elsewhere(&'static str),
}

/// Every POST route: the path posted to, who posts (someone let in, so the checks are
/// reached) and its fields. `{draft}`, `{invite}` and `{reset}` are made by the test; the
/// rest are the world's. The rows that change something for good come last.
#[rustfmt::skip]
const FORMS: &[(&str, &str, Who, Fields)] = &[
    ("/signup", "/signup", Who::Visitor, Fields::Page("/signup")),
    ("/login", "/login", Who::Visitor, Fields::Page("/login")),
    ("/login/link/{token}", "/login/link/not-a-token", Who::Visitor, Fields::Page("/login/link/not-a-token")),
    ("/password/forgot", "/password/forgot", Who::Visitor, Fields::Page("/password/forgot")),
    ("/invite/{token}", "/invite/{invite}", Who::Visitor, Fields::Page("/invite/{invite}")),
    ("/settings", "/settings", Who::Owner, Fields::Page("/settings")),
    ("/settings/password", "/settings/password", Who::Owner, Fields::Page("/settings")),
    ("/settings/tokens", "/settings/tokens", Who::Owner, Fields::Page("/settings/tokens")),
    ("/settings/tokens/{id}/revoke", "/settings/tokens/0/revoke", Who::Owner, Fields::Named(&[])),
    ("/api/v1/runners/{runner_id}/assessments", "/api/v1/runners/{owner}/assessments", Who::Owner, Fields::Elsewhere("the JSON API: bad tokens and bodies in api.rs; the assessment document's bounds in crates/core")),
    ("/api/v1/runners/{runner_id}/logs", "/api/v1/runners/{owner}/logs", Who::Owner, Fields::Elsewhere("the JSON API: bad tokens and bodies in api.rs; the fields are the Today form's (/today/log)")),
    ("/api/v1/runners/{runner_id}/runs", "/api/v1/runners/{owner}/runs", Who::Owner, Fields::Elsewhere("watch files: as /runs/upload; tokens in api.rs")),
    ("/account/data/export", "/account/data/export", Who::Owner, Fields::Named(&[])),
    ("/account/delete", "/account/delete", Who::SelfDirected, Fields::Page("/account/data")),
    ("/runners/{id}/export", "/runners/{owner}/export", Who::Clinician, Fields::Named(&[])),
    ("/clinic/retention", "/clinic/retention", Who::Admin, Fields::Page("/clinic/retention")),
    ("/clinic/outcomes/public", "/clinic/outcomes/public", Who::Admin, Fields::Named(&["show"])),
    ("/runners/{id}/email", "/runners/{owner}/email", Who::Clinician, Fields::Page("/runners/{owner}")),
    ("/runners/{id}/coaching", "/runners/{owner}/coaching", Who::Clinician, Fields::Page("/runners/{owner}")),
    ("/clinic/invites", "/clinic/invites", Who::Admin, Fields::Page("/clinic")),
    ("/clinic/settings", "/clinic/settings", Who::Admin, Fields::Page("/clinic/settings")),
    // First of the steps: once the last one is let through, the draft is complete.
    ("/assessment/{id}/{step}", "/assessment/{draft}/red_flags", Who::Owner, Fields::Page("/assessment/{draft}/red_flags")),
    ("/assessment/{id}/{step}", "/assessment/{draft}/baseline", Who::Owner, Fields::Page("/assessment/{draft}/baseline")),
    ("/assessment/{id}/{step}", "/assessment/{draft}/posture_form", Who::Owner, Fields::Page("/assessment/{draft}/posture_form")),
    ("/assessment/{id}/{step}", "/assessment/{draft}/hip_mobility", Who::Owner, Fields::Page("/assessment/{draft}/hip_mobility")),
    ("/assessment/{id}/{step}", "/assessment/{draft}/hip_stability", Who::Owner, Fields::Page("/assessment/{draft}/hip_stability")),
    ("/assessment/{id}/{step}", "/assessment/{draft}/core", Who::Owner, Fields::Page("/assessment/{draft}/core")),
    ("/runners/{runner_id}/assessments/new", "/runners/{owner}/assessments/new", Who::Clinician, Fields::Page("/runners/{owner}/assessments")),
    ("/runs/upload", "/runs/upload", Who::Owner, Fields::Elsewhere("watch files: crates/ingest and crates/running fuzz and hostile-input tests, runs.rs")),
    ("/runners/{runner_id}/form/save", "/runners/{owner}/form/save", Who::Owner, Fields::Elsewhere("a JSON landmark series: crates/core form tests (NaN, out of the picture, 100,000 frames, time order) and form_video.rs")),
    ("/runners/{runner_id}/form/{id}/review", "/runners/{owner}/form/{form}/review", Who::Clinician, Fields::Named(&["metric", "decision"])),
    ("/assessments/{id}/programme", "/assessments/{assessment}/programme", Who::Clinician, Fields::Page("/assessments/{assessment}/programme")),
    ("/programmes/{id}/edit", "/programmes/{suggested}/edit", Who::Clinician, Fields::Page("/programmes/{suggested}")),
    ("/programme/calendar-link", "/programme/calendar-link", Who::Owner, Fields::Named(&[])),
    ("/today/log", "/today/log", Who::Owner, Fields::Page("/today")),
    ("/today/reminders", "/today/reminders", Who::Owner, Fields::Page("/today")),
    ("/reminders/off/{token}", "/reminders/off/not-a-token", Who::Visitor, Fields::Named(&[])),
    ("/clinic/availability/{clinician_id}", "/clinic/availability/{clinician}", Who::Clinician, Fields::Page("/clinic/availability/{clinician}")),
    ("/clinics/{clinic_id}/book", "/clinics/{clinic}/book", Who::Visitor, Fields::Page("/clinics/{clinic}/book")),
    ("/bookings/{token}/reschedule", "/bookings/{booking}/reschedule", Who::Visitor, Fields::Page("/bookings/{booking}/reschedule")),
    ("/clinics/{id}/guide", "/clinics/{clinic}/guide", Who::Visitor, Fields::Page("/clinics/{clinic}/guide")),
    ("/clinics/{id}/check", "/clinics/{clinic}/check", Who::Visitor, Fields::Page("/clinics/{clinic}/check")),
    ("/clinic/holidays", "/clinic/holidays", Who::Admin, Fields::Page("/clinic/holidays")),
    ("/clinics/{id}/consult", "/clinics/{clinic}/consult", Who::Visitor, Fields::Page("/clinics/{clinic}/consult")),
    ("/unsubscribe/{token}", "/unsubscribe/not-a-token", Who::Visitor, Fields::Named(&["email"])),
    ("/clinic/articles/new", "/clinic/articles/new", Who::Clinician, Fields::Page("/clinic/articles/new")),
    ("/clinic/articles/{id}/edit", "/clinic/articles/{article}/edit", Who::Clinician, Fields::Page("/clinic/articles/{article}/edit")),
    ("/clinic/articles/preview", "/clinic/articles/preview", Who::Clinician, Fields::Named(&["body", "slug"])),
    ("/clinic/articles/images", "/clinic/articles/images", Who::Clinician, Fields::Elsewhere("image files: front/images.rs unit tests and front.rs upload tests (not an image, 20 MB, metadata)")),
    ("/clinic/guide", "/clinic/guide", Who::Admin, Fields::Page("/clinic/guide")),
    ("/clinic/inbox/{id}", "/clinic/inbox/{item}", Who::Clinician, Fields::Page("/clinic/inbox/{item}")),
    ("/clinic/inbox/{id}/invite", "/clinic/inbox/{item}/invite", Who::Clinician, Fields::Named(&[])),
    ("/admin/outbox/{id}/retry", "/admin/outbox/{email}/retry", Who::Admin, Fields::Named(&[])),
    ("/admin/webhooks", "/admin/webhooks", Who::Admin, Fields::Page("/admin/webhooks")),
    ("/admin/webhooks/{id}", "/admin/webhooks/0", Who::Admin, Fields::Elsewhere("an endpoint of the test's own: webhooks.rs checks its form")),
    ("/admin/webhooks/{id}/delete", "/admin/webhooks/0/delete", Who::Admin, Fields::Elsewhere("no fields")),
    ("/admin/webhooks/deliveries/{id}/retry", "/admin/webhooks/deliveries/0/retry", Who::Admin, Fields::Named(&[])),
    ("/reviews/{id}/decide", "/reviews/{review}/decide", Who::Clinician, Fields::Page("/reviews/{review}")),
    ("/reviews/{id}/settle", "/reviews/{review}/settle", Who::Clinician, Fields::Named(&["decision", "note", "runner_id"])),
    ("/programmes/{id}/approve", "/programmes/{suggested}/approve", Who::Clinician, Fields::Named(&[])),
    ("/clinic/alerts/{id}/resolve", "/clinic/alerts/{alert}/resolve", Who::Clinician, Fields::Named(&[])),
    ("/clinic/articles/{id}/delete", "/clinic/articles/{article}/delete", Who::Clinician, Fields::Named(&["confirm"])),
    ("/bookings/{token}/cancel", "/bookings/{booking}/cancel", Who::Visitor, Fields::Named(&[])),
    ("/logout", "/logout", Who::Owner, Fields::Named(&[])),
    // Last: a reset that goes through ends every session of the owner's account.
    ("/password/reset/{token}", "/password/reset/{reset}", Who::Visitor, Fields::Page("/password/reset/{reset}")),
];

/// The body limit's size and beyond: refused at the door (413), never a 5xx.
const ONE_MB: usize = 1 << 20;
/// Long, but inside the 64 KiB body limit once encoded, so the handler's own checks see it.
const LONG: usize = 60_000;

/// Values aimed at one field's bounds, tried in each field in turn with the rest of the form
/// as offered, so a bound checked only once the other fields are valid is still reached.
fn at_the_bounds() -> Vec<(&'static str, String)> {
    [
        ("year 0", "0000-01-01"),
        ("year 9999", "9999-12-31"),
        ("30 February", "2026-02-30"),
        ("negative", "-1"),
        ("huge", "99999999999999999999999"),
        ("2^63", "9223372036854775808"),
        // A NUL among them: PostgreSQL refuses it in text, so the app must refuse it first.
        (
            "control characters",
            "a\u{0}b\u{1}\u{7}\u{1b}[2J\r\n\t\u{7f}\u{85}",
        ),
    ]
    .into_iter()
    .map(|(what, v)| (what, encode(v)))
    .collect()
}

/// Values every field gets at once (one request per form and value, to keep the corpus
/// quick: these are refused by parsing, whatever the other fields hold). A long string is
/// shared out so the form stays inside the body limit. Already form-encoded: invalid UTF-8
/// can't be a `&str`.
fn everywhere(fields: usize) -> Vec<(&'static str, String)> {
    let mut values: Vec<(&str, String)> = [
        ("empty", String::new()),
        ("year 99999", "99999-01-01".into()),
        ("a time in year 9999", "9999-12-31T23:59:59Z".into()),
        ("a clock time past midnight", "24:01".into()),
        ("1e308", "1e308".into()),
        ("NaN", "NaN".into()),
        ("infinity", "inf".into()),
        ("a long string", "x".repeat(LONG / fields.max(1))),
        ("year -1", "-0001-01-01".into()),
        ("very negative", "-9223372036854775809".into()),
        ("bidi and zero-width", "\u{202e}evil\u{200b}\u{feff}".into()),
    ]
    .into_iter()
    .map(|(what, v)| (what, encode(&v)))
    .collect();
    values.push(("invalid UTF-8", "%FF%FE%C0%80a%ED%A0%80".into()));
    values
}

fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)]).unwrap()[1..].to_owned()
}

/// The forms on `page` that post to `action`, each as its fields with the values the page
/// offered (checked boxes and radios, the selected option, textareas' text).
fn forms_on(page: &str, action: &str) -> Vec<Vec<(String, String)>> {
    let mut forms = Vec::new();
    for (at, _) in page.match_indices("<form") {
        let rest = &page[at..];
        let tag = &rest[..rest.find('>').unwrap()];
        if attr(tag, "action").as_deref() != Some(action) {
            continue;
        }
        let inner = &rest[..rest.find("</form>").unwrap_or(rest.len())];
        forms.push(fields_in(inner));
    }
    forms
}

fn fields_in(form: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let kind = tag.split_whitespace().next().unwrap_or("");
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        if name == "csrf_token" || fields.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let value = match kind {
            "input" => {
                let checkable = matches!(attr(tag, "type").as_deref(), Some("checkbox" | "radio"));
                if checkable && !has_flag(tag, "checked") {
                    continue;
                }
                attr(tag, "value").unwrap_or_default()
            }
            "textarea" => {
                let text = &rest[end + 1..];
                unescape(&text[..text.find("</textarea>").unwrap_or(0)])
            }
            "select" => {
                let options = &rest[end..rest.find("</select>").unwrap_or(end)];
                let option = |chosen: bool| {
                    options
                        .split("<option")
                        .skip(1)
                        .find(|o| !chosen || has_flag(&o[..o.find('>').unwrap_or(0)], "selected"))
                        .and_then(|o| attr(&o[..o.find('>').unwrap_or(0)], "value"))
                };
                option(true).or_else(|| option(false)).unwrap_or_default()
            }
            "button" => attr(tag, "value").unwrap_or_default(),
            _ => continue,
        };
        fields.push((name, value));
    }
    fields
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let at = tag.find(&needle)? + needle.len();
    let end = tag[at..].find('"')?;
    Some(unescape(&tag[at..at + end]))
}

fn has_flag(tag: &str, flag: &str) -> bool {
    tag.split_whitespace()
        .any(|w| w == flag || w.starts_with(&format!("{flag}=")))
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A form body: `fields` as offered, with `hostile` (already encoded) as the value of each
/// field named in `targets`.
fn body_with(fields: &[(String, String)], targets: &[&str], hostile: &str, csrf: &str) -> String {
    let mut parts: Vec<String> = fields
        .iter()
        .filter(|(n, _)| !targets.contains(&n.as_str()))
        .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
        .collect();
    for target in targets {
        parts.push(format!("{}={hostile}", encode(target)));
    }
    parts.push(format!("csrf_token={}", encode(csrf)));
    parts.join("&")
}

#[test]
fn every_post_route_has_a_corpus() {
    let posts: BTreeSet<String> = served_routes()
        .into_iter()
        .filter(|(m, _)| m == "POST")
        .map(|(_, p)| p)
        .collect();
    let listed: BTreeSet<String> = FORMS.iter().map(|f| f.0.to_owned()).collect();
    let missing: Vec<_> = posts.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&posts).collect();
    assert!(
        missing.is_empty(),
        "POST routes with no hostile corpus: {missing:?}"
    );
    assert!(
        gone.is_empty(),
        "corpus rows for routes that are gone: {gone:?}"
    );
}

/// Ids the world doesn't have: a draft assessment of the owner, a live invitation and a live
/// password-reset link.
async fn made_for_the_corpus(world: &World) -> [(&'static str, String); 3] {
    // A draft with every step but the last done, so every step's page has its form.
    let mut owner = world.browser(Who::Owner).await;
    let draft = start(&mut owner, world.a.runners[0].id).await;
    let steps = [
        ("red_flags", red_flags(&[])),
        ("baseline", baseline()),
        ("posture_form", posture_form()),
        ("hip_mobility", hip_mobility()),
        ("hip_stability", hip_stability()),
    ];
    for (i, (area, fields)) in steps.iter().enumerate() {
        let next = steps.get(i + 1).map_or("core", |s| s.0);
        step(&mut owner, draft, area, fields, next).await;
    }
    let draft = draft.to_string();

    let mut admin = world.browser(Who::Admin).await;
    admin.get("/clinic").await;
    let invited = admin
        .post(
            "/clinic/invites",
            &[("email", "newbie@a.example"), ("role", "runner")],
        )
        .await;
    assert!(invited.status.is_redirection(), "{}", invited.body);
    let invite = link_in_email(&world.store, "newbie@a.example", "/invite/").await;

    let mut visitor = world.browser(Who::Visitor).await;
    visitor.get("/password/forgot").await;
    let owner_email = world.a.runners[0].email.as_str().to_owned();
    visitor
        .post("/password/forgot", &[("email", &owner_email)])
        .await;
    let reset = link_in_email(&world.store, &owner_email, "/password/reset/").await;
    let path_of =
        |link: &str, prefix: &str| link[link.find(prefix).unwrap() + prefix.len()..].to_owned();
    [
        ("{draft}", draft),
        ("{invite}", path_of(&invite, "/invite/")),
        ("{reset}", path_of(&reset, "/password/reset/")),
    ]
}

#[tokio::test]
async fn hostile_values_in_every_field_get_no_5xx_and_store_nothing_out_of_bounds() {
    let wrong = std::sync::Mutex::new(Vec::new());
    let wrong_ref = &wrong;
    each_backend(|store| async move {
        let backend = store.backend();
        let world = World::build(store).await;
        let made = made_for_the_corpus(&world).await;
        let path = |template: &str| {
            let mut t = template.to_owned();
            for (name, id) in &made {
                t = t.replace(name, id);
            }
            world.path(&t)
        };
        // One browser each, logged in once: the hostile current passwords count as failed
        // logins, and logging in again after ten of them is refused.
        let mut browsers = Vec::new();
        for who in Who::ALL {
            browsers.push(world.browser(who).await);
        }
        let bounds = at_the_bounds();
        let mut requests = 0;
        let fail = |what: String| wrong_ref.lock().unwrap().push(format!("{backend}: {what}"));
        for (n, (route, target, who, fields)) in FORMS.iter().enumerate() {
            let target = path(target);
            let forms = match fields {
                Fields::Elsewhere(why) => {
                    eprintln!("{route}: fuzzed elsewhere ({why})");
                    continue;
                }
                Fields::Named(names) => {
                    vec![
                        names
                            .iter()
                            .map(|n| (n.to_string(), String::new()))
                            .collect(),
                    ]
                }
                Fields::Page(page) => {
                    let c = &mut browsers[Who::ALL.iter().position(|w| w == who).unwrap()];
                    let forms = forms_on(&c.get(&path(page)).await.body, &target);
                    if forms.is_empty() {
                        fail(format!("{route}: no form posting to {target} on {page}"));
                    }
                    forms
                }
            };
            let c = &mut browsers[Who::ALL.iter().position(|w| w == who).unwrap()];
            let csrf = c.csrf.clone().unwrap_or_default();
            for (f, form) in forms.iter().enumerate() {
                // Each request from its own address, so the public forms' rate limits don't
                // stand in for their checks.
                let send = async |c: &mut Client, body: String| {
                    c.ip = format!("10.{n}.{f}.1:4000").parse().unwrap();
                    let req = Request::post(&target)
                        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                        .body(Body::from(body))
                        .unwrap();
                    c.send(req).await
                };
                let mut names: Vec<&str> = form.iter().map(|(n, _)| n.as_str()).collect();
                if names.is_empty() {
                    names.push("x");
                }
                let mut tries = vec![("x", "1 MB".to_owned(), "x".repeat(ONE_MB))];
                for (what, value) in everywhere(names.len()) {
                    tries.push(("every field", what.to_owned(), value));
                }
                for field in &names {
                    for (what, value) in &bounds {
                        tries.push((field, what.to_string(), value.clone()));
                    }
                }
                for (field, what, value) in tries {
                    let targets = if field == "every field" {
                        names.clone()
                    } else {
                        vec![field]
                    };
                    let res = send(c, body_with(form, &targets, &value, &csrf)).await;
                    requests += 1;
                    if res.status.is_server_error() {
                        fail(format!(
                            "POST {target} with {field} = {what}: {}",
                            res.status
                        ));
                    }
                }
            }
        }
        eprintln!("{backend}: {requests} hostile requests");
        for problem in stored_out_of_bounds(&world).await {
            fail(problem);
        }
    })
    .await;
    let wrong = wrong.into_inner().unwrap();
    assert!(
        wrong.is_empty(),
        "{} problems:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// What the store holds after the corpus that it must not: dates outside their windows,
/// text past its limits, and more rows than the requests could have asked for.
async fn stored_out_of_bounds(world: &World) -> Vec<String> {
    let store: &Arc<dyn Store> = &world.store;
    let owner = &world.a.runners[0];
    let staff = Actor::of(&world.a.clinician);
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let days = |n: i64| jiff::Span::new().days(n);
    let mut problems = Vec::new();

    // Logs: dated today or up to 7 days back (CLINICAL.md's back-fill), notes within limit.
    let week_ago = today.checked_sub(days(7)).unwrap();
    for log in store.logs_of(&staff, owner.id, "0000-01-01").await.unwrap() {
        match log.log_date.parse::<jiff::civil::Date>() {
            Ok(d) if d >= week_ago && d <= today => {}
            _ => problems.push(format!("a log dated {}", log.log_date)),
        }
    }
    // Programmes: start within a year of today (issue 12 item 1).
    let year = days(366);
    for p in store.programmes_of(&staff, owner.id).await.unwrap() {
        let body: Programme = serde_json::from_str(&p.body_json).unwrap();
        let start = body.settings.start_date;
        if start < today.checked_sub(year).unwrap() || start > today.checked_add(year).unwrap() {
            problems.push(format!("programme {} starts on {start}", p.id));
        }
    }
    // Coaching programmes: a sane start and length.
    for c in store.coaching_of(&staff, owner.id).await.unwrap() {
        match c.starts_on.parse::<jiff::civil::Date>() {
            Ok(d) if d.year() >= 1900 && d.year() <= 2200 => {}
            _ => problems.push(format!("a coaching programme starting {}", c.starts_on)),
        }
        if !(1..=52).contains(&c.weeks) {
            problems.push(format!("a coaching programme of {} weeks", c.weeks));
        }
    }
    // Bounded work: the journal writes a day's review and a week's, not one per week since a
    // date far back; the owner's programme is eight days old.
    let reviews = store.reviews_of(&staff, owner.id).await.unwrap();
    if reviews.len() > 20 {
        problems.push(format!(
            "{} reviews written for an eight-day programme",
            reviews.len()
        ));
    }
    // Articles: a date in a sane year.
    for a in store.articles_for_staff(&staff).await.unwrap() {
        match a.date.parse::<jiff::civil::Date>() {
            Ok(d) if d.year() >= 1900 && d.year() <= 2200 => {}
            _ => problems.push(format!("article {} dated {:?}", a.id, a.date)),
        }
    }
    problems
}
