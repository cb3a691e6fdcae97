//! The authorization matrix: every route the router serves, asked by each kind of person about
//! one runner's record (the owner's, in clinic A), with the answer each must get. A route the
//! router gains without a row here fails the test, and so does a row for a route that is gone.

use crate::client::*;
use crate::world::{OWNER_MARK, Who, World, served_routes};
use axum::http::StatusCode;
use std::collections::BTreeSet;

/// What a person gets. `Y` means they got in: the page, a redirect onwards, or their input
/// checked (a harmless body is refused with 422 or 400 — but only after the access check).
/// `L` a redirect to the login page, `F` 403, `N` 404 (the same as for a record that does
/// not exist), `U` a 401 problem body (the JSON API), `D` refused one way or another (403,
/// 404, or sent to another page without the content: the runner's view of a suggested
/// programme version).
///
/// Columns: visitor, owner, peer (the owner's clinic's other runner), the owner's clinic's
/// clinician and admin, another clinic's runner, clinician and admin, a self-directed runner.
///
/// Each row is (method, route as the router declares it, the path asked, answers). POSTs run
/// after every GET, in the table's order, with an empty form (only the CSRF token): the rows
/// that change something for good when let in (approve, resolve, cancel, delete, log out) come
/// last, and within a row those let in go after those refused.
#[rustfmt::skip]
const MATRIX: &[(&str, &str, &str, &str)] = &[
    // The front page, accounts and settings.
    ("GET", "/", "/", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/home", "/home", "L Y Y Y Y Y Y Y Y"),
    ("GET", "/signup", "/signup", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/signup", "/signup", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/login", "/login", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/login", "/login", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/login/link/{token}", "/login/link/not-a-token", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/login/link/{token}", "/login/link/not-a-token", "L L L L L L L L L"),
    ("GET", "/password/forgot", "/password/forgot", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/password/forgot", "/password/forgot", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/password/reset/{token}", "/password/reset/not-a-token", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/password/reset/{token}", "/password/reset/not-a-token", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/invite/{token}", "/invite/not-a-token", "N N N N N N N N N"),
    ("POST", "/invite/{token}", "/invite/not-a-token", "N N N N N N N N N"),
    ("GET", "/settings", "/settings", "L Y Y Y Y Y Y Y Y"),
    ("POST", "/settings", "/settings", "L Y Y Y Y Y Y Y Y"),
    ("POST", "/settings/password", "/settings/password", "L Y Y Y Y Y Y Y Y"),
    // Issue 15: a runner's own data (an empty form deletes nothing: the password is missing).
    ("GET", "/account/data", "/account/data", "L Y Y F F Y F F Y"),
    ("POST", "/account/data/export", "/account/data/export", "L Y Y F F Y F F Y"),
    ("POST", "/account/delete", "/account/delete", "L Y Y F F Y F F Y"),
    // Issue 17: FHIR R4 export, the runner's own and staff's of their clinic's runner.
    ("GET", "/me/fhir.json", "/me/fhir.json", "L Y Y F F Y F F Y"),
    ("GET", "/api/me", "/api/me", "U Y Y Y Y Y Y Y Y"),
    ("GET", "/api/csrf", "/api/csrf", "Y Y Y Y Y Y Y Y Y"),
    // Issue 17: the open API takes tokens only, never the session cookie (tests in api.rs).
    ("GET", "/api/openapi.json", "/api/openapi.json", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/api/v1/me", "/api/v1/me", "U U U U U U U U U"),
    ("GET", "/api/v1/runners", "/api/v1/runners", "U U U U U U U U U"),
    ("GET", "/api/v1/runners/{runner_id}/assessments", "/api/v1/runners/{owner}/assessments", "U U U U U U U U U"),
    ("POST", "/api/v1/runners/{runner_id}/assessments", "/api/v1/runners/{owner}/assessments", "U U U U U U U U U"),
    ("GET", "/api/v1/assessments/{id}", "/api/v1/assessments/{assessment}", "U U U U U U U U U"),
    ("GET", "/api/v1/runners/{runner_id}/programme", "/api/v1/runners/{owner}/programme", "U U U U U U U U U"),
    ("GET", "/api/v1/runners/{runner_id}/programmes", "/api/v1/runners/{owner}/programmes", "U U U U U U U U U"),
    ("GET", "/api/v1/runners/{runner_id}/logs", "/api/v1/runners/{owner}/logs", "U U U U U U U U U"),
    ("POST", "/api/v1/runners/{runner_id}/logs", "/api/v1/runners/{owner}/logs", "U U U U U U U U U"),
    ("GET", "/api/v1/runners/{runner_id}/runs", "/api/v1/runners/{owner}/runs", "U U U U U U U U U"),
    ("POST", "/api/v1/runners/{runner_id}/runs", "/api/v1/runners/{owner}/runs", "U U U U U U U U U"),
    ("GET", "/api/v1/runners/{runner_id}/runs/{id}", "/api/v1/runners/{owner}/runs/{run}", "U U U U U U U U U"),
    ("GET", "/api/v1/bookings", "/api/v1/bookings", "U U U U U U U U U"),
    ("GET", "/settings/tokens", "/settings/tokens", "L Y Y Y Y Y Y Y Y"),
    ("POST", "/settings/tokens", "/settings/tokens", "L Y Y Y Y Y Y Y Y"),
    ("POST", "/settings/tokens/{id}/revoke", "/settings/tokens/0/revoke", "L N N N N N N N N"),
    ("GET", "/healthz", "/healthz", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/readyz", "/readyz", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/static/{*path}", "/static/app.css", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/sw.js", "/sw.js", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/manifest.webmanifest", "/manifest.webmanifest", "Y Y Y Y Y Y Y Y Y"),
    // The runner record and the clinic.
    ("GET", "/runners/{id}", "/runners/{owner}", "L Y N Y Y N N N N"),
    ("POST", "/runners/{id}/email", "/runners/{owner}/email", "L F F Y Y F N N F"),
    ("POST", "/runners/{id}/coaching", "/runners/{owner}/coaching", "L F F Y Y F N N F"),
    ("POST", "/runners/{id}/export", "/runners/{owner}/export", "L Y N Y Y N N N N"),
    ("GET", "/runners/{id}/fhir.json", "/runners/{owner}/fhir.json", "L Y N Y Y N N N N"),
    ("GET", "/clinic", "/clinic", "L F F Y Y F Y Y F"),
    ("POST", "/clinic/invites", "/clinic/invites", "L F F Y Y F Y Y F"),
    ("GET", "/clinic/caseload", "/clinic/caseload", "L F F Y Y F Y Y F"),
    // Issue 20: the clinic's outcomes (staff), its public page only while the admin shows it.
    ("GET", "/clinic/outcomes", "/clinic/outcomes", "L F F Y Y F Y Y F"),
    ("GET", "/clinic/outcomes.csv", "/clinic/outcomes.csv", "L F F Y Y F Y Y F"),
    ("POST", "/clinic/outcomes/public", "/clinic/outcomes/public", "L F F F Y F F Y F"),
    ("GET", "/clinics/{id}/outcomes", "/clinics/{clinic}/outcomes", "N N N N N N N N N"),
    ("GET", "/clinic/settings", "/clinic/settings", "L F F F Y F F Y F"),
    ("POST", "/clinic/settings", "/clinic/settings", "L F F F Y F F Y F"),
    ("GET", "/clinic/retention", "/clinic/retention", "L F F F Y F F Y F"),
    ("POST", "/clinic/retention", "/clinic/retention", "L F F F Y F F Y F"),
    // Issue 12 item 2: each admin sees and resends only their own clinic's emails.
    ("GET", "/admin/outbox", "/admin/outbox", "L F F F Y F F Y F"),
    ("POST", "/admin/outbox/{id}/retry", "/admin/outbox/{email}/retry", "L F F F Y F F N F"),
    // Issue 17: each admin manages only their own clinic's webhooks (an empty form is refused
    // by its fields; endpoint 0 exists in no clinic: see webhooks.rs for a real one).
    ("GET", "/admin/webhooks", "/admin/webhooks", "L F F F Y F F Y F"),
    ("POST", "/admin/webhooks", "/admin/webhooks", "L F F F Y F F Y F"),
    ("GET", "/admin/webhooks/{id}", "/admin/webhooks/0", "L F F F N F F N F"),
    ("POST", "/admin/webhooks/{id}", "/admin/webhooks/0", "L F F F N F F N F"),
    ("POST", "/admin/webhooks/{id}/delete", "/admin/webhooks/0/delete", "L F F F N F F N F"),
    ("POST", "/admin/webhooks/deliveries/{id}/retry", "/admin/webhooks/deliveries/0/retry", "L F F F N F F N F"),
    // Assessments.
    ("GET", "/assessment", "/assessment", "L Y Y F F Y F F Y"),
    ("GET", "/assessment/figures.css", "/assessment/figures.css", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/assessment/{id}/{step}", "/assessment/{assessment}/core", "L Y N Y Y N N N N"),
    ("POST", "/assessment/{id}/{step}", "/assessment/{assessment}/core", "L Y N Y Y N N N N"),
    ("GET", "/assessments/{id}", "/assessments/{assessment}", "L Y N Y Y N N N N"),
    ("GET", "/runners/{runner_id}/assessments", "/runners/{owner}/assessments", "L Y N Y Y N N N N"),
    ("GET", "/runners/{runner_id}/assessments/new", "/runners/{owner}/assessments/new", "L Y N Y Y N N N N"),
    ("POST", "/runners/{runner_id}/assessments/new", "/runners/{owner}/assessments/new", "L Y N Y Y N N N N"),
    // Runs.
    ("GET", "/runs", "/runs", "L Y Y F F Y F F Y"),
    ("GET", "/runs/load", "/runs/load", "L Y Y Y Y Y Y Y Y"),
    ("GET", "/runs/{id}", "/runs/{run}", "L Y N F F N F F N"),
    ("POST", "/runs/upload", "/runs/upload", "L Y Y F F Y F F Y"),
    ("GET", "/runners/{runner_id}/load", "/runners/{owner}/load", "L Y N Y Y N N N N"),
    ("GET", "/runners/{runner_id}/runs", "/runners/{owner}/runs", "L Y N Y Y N N N N"),
    ("GET", "/runners/{runner_id}/runs/{id}", "/runners/{owner}/runs/{run}", "L Y N Y Y N N N N"),
    // Issue 16: running form from a video (the save is a JSON body: an empty form is refused, 422).
    ("GET", "/form", "/form", "L Y Y F F Y F F Y"),
    ("GET", "/runners/{runner_id}/form", "/runners/{owner}/form", "L Y N Y Y N N N N"),
    ("GET", "/runners/{runner_id}/form/{id}", "/runners/{owner}/form/{form}", "L Y N Y Y N N N N"),
    ("POST", "/runners/{runner_id}/form/save", "/runners/{owner}/form/save", "L Y N Y Y N N N N"),
    // A finding confirmed or dismissed: the runner's clinic's staff only (an empty form is 422).
    ("POST", "/runners/{runner_id}/form/{id}/review", "/runners/{owner}/form/{form}/review", "L F F Y Y F N N F"),
    // Programmes: a suggested version is the clinician's until approved.
    ("GET", "/programme", "/programme", "L Y Y N N Y N N Y"),
    ("GET", "/assessments/{id}/programme", "/assessments/{assessment}/programme", "L Y N Y Y N N N N"),
    ("POST", "/assessments/{id}/programme", "/assessments/{assessment}/programme", "L Y N Y Y N N N N"),
    ("GET", "/runners/{id}/programmes", "/runners/{owner}/programmes", "L Y N Y Y N N N N"),
    ("GET", "/programmes/{id}", "/programmes/{approved}", "L Y N Y Y N N N N"),
    ("GET", "/programmes/{id}", "/programmes/{suggested}", "L D N Y Y N N N N"),
    ("GET", "/programmes/{id}/handout.pdf", "/programmes/{approved}/handout.pdf", "L Y N Y Y N N N N"),
    ("GET", "/programmes/{id}/handout.pdf", "/programmes/{suggested}/handout.pdf", "L D N Y Y N N N N"),
    ("GET", "/programmes/{id}/calendar.ics", "/programmes/{approved}/calendar.ics", "L Y N Y Y N N N N"),
    // Issue 12 item 8: refused the way its page and PDF are.
    ("GET", "/programmes/{id}/calendar.ics", "/programmes/{suggested}/calendar.ics", "L D N Y Y N N N N"),
    ("POST", "/programmes/{id}/edit", "/programmes/{suggested}/edit", "L F F Y Y F N N F"),
    ("POST", "/programme/calendar-link", "/programme/calendar-link", "L Y Y F F Y F F Y"),
    ("GET", "/calendar/{token}", "/calendar/not-a-token", "N N N N N N N N N"),
    // Daily tracking and progress.
    ("GET", "/today", "/today", "L Y Y F F Y F F Y"),
    ("POST", "/today/log", "/today/log", "L Y Y F F Y F F Y"),
    // Issue 14 item 6: reminders are the runner's own; the emailed link needs its token.
    ("POST", "/today/reminders", "/today/reminders", "L Y Y F F Y F F Y"),
    ("GET", "/reminders/off/{token}", "/reminders/off/not-a-token", "N N N N N N N N N"),
    ("POST", "/reminders/off/{token}", "/reminders/off/not-a-token", "N N N N N N N N N"),
    ("GET", "/progress", "/progress", "L Y Y Y Y Y Y Y Y"),
    ("GET", "/runners/{id}/progress", "/runners/{owner}/progress", "L Y N Y Y N N N N"),
    ("GET", "/assessments/{id}/change", "/assessments/{retest}/change", "L Y N Y Y N N N N"),
    ("GET", "/assessments/{id}/change.pdf", "/assessments/{retest}/change.pdf", "L Y N Y Y N N N N"),
    // Call hours and bookings: the private link is the key.
    ("GET", "/clinic/availability", "/clinic/availability", "L F F Y Y F Y Y F"),
    ("GET", "/clinic/availability/{clinician_id}", "/clinic/availability/{clinician}", "L N N Y Y N N N N"),
    ("POST", "/clinic/availability/{clinician_id}", "/clinic/availability/{clinician}", "L N N Y Y N N N N"),
    ("GET", "/clinics/{clinic_id}/book", "/clinics/{clinic}/book", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/clinics/{clinic_id}/book", "/clinics/{clinic}/book", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/bookings/{token}", "/bookings/{booking}", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/bookings/{token}", "/bookings/not-a-token", "N N N N N N N N N"),
    ("GET", "/bookings/{token}/reschedule", "/bookings/{booking}/reschedule", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/bookings/{token}/reschedule", "/bookings/{booking}/reschedule", "Y Y Y Y Y Y Y Y Y"),
    // Issue 19: the clinic's holidays are its admins'.
    ("GET", "/clinic/holidays", "/clinic/holidays", "L F F F Y F F Y F"),
    ("POST", "/clinic/holidays", "/clinic/holidays", "L F F F Y F F Y F"),
    // The public front door.
    ("GET", "/clinics/{id}", "/clinics/{clinic}", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/clinics/{id}/brand.css", "/clinics/{clinic}/brand.css", "Y Y Y Y Y Y Y Y Y"),
    // Issue 19: "Check your back" signs a visitor up in the clinic (someone logged in goes on).
    ("GET", "/clinics/{id}/check", "/clinics/{clinic}/check", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/clinics/{id}/check", "/clinics/{clinic}/check", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/clinics/{id}/check/sent", "/clinics/{clinic}/check/sent", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/clinics/{id}/guide", "/clinics/{clinic}/guide", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/clinics/{id}/guide", "/clinics/{clinic}/guide", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/clinics/{id}/guide/ready/{token}", "/clinics/{clinic}/guide/ready/not-a-token", "N N N N N N N N N"),
    ("GET", "/clinics/{id}/guide/sent", "/clinics/{clinic}/guide/sent", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/clinics/{id}/consult", "/clinics/{clinic}/consult", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/clinics/{id}/consult", "/clinics/{clinic}/consult", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/clinics/{id}/consult/thanks", "/clinics/{clinic}/consult/thanks", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/guide/{file}", "/guide/not-a-file", "N N N N N N N N N"),
    ("GET", "/unsubscribe/{token}", "/unsubscribe/not-a-token", "N N N N N N N N N"),
    ("POST", "/unsubscribe/{token}", "/unsubscribe/not-a-token", "N N N N N N N N N"),
    ("GET", "/clinics/{id}/articles", "/clinics/{clinic}/articles", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/clinics/{id}/articles/feed.atom", "/clinics/{clinic}/articles/feed.atom", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/clinics/{id}/articles/tags/{tag}", "/clinics/{clinic}/articles/tags/hips", "Y Y Y Y Y Y Y Y Y"),
    ("GET", "/clinics/{id}/articles/{slug}", "/clinics/{clinic}/articles/{slug}", "Y Y Y Y Y Y Y Y Y"),
    // The staff side of the front door.
    ("GET", "/clinic/articles", "/clinic/articles", "L F F Y Y F Y Y F"),
    ("GET", "/clinic/articles/new", "/clinic/articles/new", "L F F Y Y F Y Y F"),
    ("POST", "/clinic/articles/new", "/clinic/articles/new", "L F F Y Y F Y Y F"),
    ("GET", "/clinic/articles/{id}", "/clinic/articles/{article}", "L F F Y Y F N N F"),
    ("GET", "/clinic/articles/{id}/edit", "/clinic/articles/{article}/edit", "L F F Y Y F N N F"),
    ("POST", "/clinic/articles/{id}/edit", "/clinic/articles/{article}/edit", "L F F Y Y F N N F"),
    // Issue 19: the editor's live preview (renders, stores nothing) and the clinic's images.
    ("POST", "/clinic/articles/preview", "/clinic/articles/preview", "L F F Y Y F Y Y F"),
    ("GET", "/clinic/articles/images", "/clinic/articles/images", "L F F Y Y F Y Y F"),
    ("POST", "/clinic/articles/images", "/clinic/articles/images", "L F F Y Y F Y Y F"),
    ("GET", "/clinics/{id}/images/{key}", "/clinics/{clinic}/images/not-a-key.png", "N N N N N N N N N"),
    ("GET", "/clinic/guide", "/clinic/guide", "L F F F Y F F Y F"),
    ("POST", "/clinic/guide", "/clinic/guide", "L F F F Y F F Y F"),
    ("GET", "/clinic/inbox", "/clinic/inbox", "L F F Y Y F Y Y F"),
    ("GET", "/clinic/inbox/{id}", "/clinic/inbox/{item}", "L F F Y Y F N N F"),
    ("POST", "/clinic/inbox/{id}", "/clinic/inbox/{item}", "L F F Y Y F N N F"),
    ("POST", "/clinic/inbox/{id}/invite", "/clinic/inbox/{item}/invite", "L F F Y Y F N N F"),
    // A review decided exercise by exercise (an empty form is refused as stale: nothing changes).
    ("GET", "/reviews/{id}", "/reviews/{review}", "L F F Y Y F N N F"),
    ("POST", "/reviews/{id}/decide", "/reviews/{review}/decide", "L F F Y Y F N N F"),
    // Last: the rows that change something for good when let in.
    ("POST", "/programmes/{id}/approve", "/programmes/{suggested}/approve", "L N N Y Y N N N N"),
    ("POST", "/clinic/alerts/{id}/resolve", "/clinic/alerts/{alert}/resolve", "L F F Y Y F N N F"),
    ("POST", "/clinic/articles/{id}/delete", "/clinic/articles/{article}/delete", "L F F Y Y F N N F"),
    ("POST", "/bookings/{token}/cancel", "/bookings/{booking}/cancel", "Y Y Y Y Y Y Y Y Y"),
    ("POST", "/reviews/{id}/settle", "/reviews/{review}/settle", "L F F Y Y F N N F"),
    // Logging out leads everyone to the login page.
    ("POST", "/logout", "/logout", "L L L L L L L L L"),
];

/// The form sent with a row's POST where an empty one would not reach the access check.
const BODIES: &[(&str, &[(&str, &str)])] =
    &[("/reviews/{review}/settle", &[("decision", "accept")])];

/// What `status` (and where it sends) tells about access, as a matrix letter.
fn answer(status: StatusCode, location: &str) -> char {
    match status.as_u16() {
        300..=399 if location.starts_with("/login") => 'L',
        200..=399 | 400 | 409 | 422 => 'Y',
        401 => 'U',
        403 => 'F',
        404 => 'N',
        _ => '?',
    }
}

/// Whether the answer `got` (from [`answer`]) is the `expected` letter.
fn fits(expected: char, got: char, status: StatusCode) -> bool {
    match expected {
        'D' => matches!(got, 'F' | 'N') || (got == 'Y' && status.is_redirection()),
        _ => got == expected,
    }
}

#[test]
fn every_route_has_a_row_and_every_row_a_route() {
    let served = served_routes();
    let mut rows = BTreeSet::new();
    for (method, route, _, answers) in MATRIX {
        assert_eq!(
            answers.split(' ').count(),
            Who::ALL.len(),
            "{method} {route}"
        );
        rows.insert((method.to_string(), route.to_string()));
    }
    let missing: Vec<_> = served.difference(&rows).collect();
    let gone: Vec<_> = rows.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "routes with no row in the authorization matrix: {missing:?}"
    );
    assert!(
        gone.is_empty(),
        "matrix rows for routes the router no longer serves: {gone:?}"
    );
}

#[tokio::test]
async fn each_person_gets_the_answer_the_matrix_gives() {
    // Every backend's differences are gathered before failing, so one run shows them all.
    let wrong = std::sync::Mutex::new(Vec::new());
    each_backend(|store| async {
        let backend = store.backend();
        let world = World::build(store).await;
        let mut browsers = Vec::new();
        for who in Who::ALL {
            browsers.push(world.browser(who).await);
        }
        let gets = MATRIX.iter().filter(|r| r.0 == "GET");
        let posts = MATRIX.iter().filter(|r| r.0 == "POST");
        for (method, route, template, answers) in gets.chain(posts) {
            let path = world.path(template);
            let expected: Vec<char> = answers
                .split(' ')
                .map(|a| a.chars().next().unwrap())
                .collect();
            // Those refused first, so a row that changes something is refused on the record
            // as it was.
            let mut order: Vec<usize> = (0..Who::ALL.len()).collect();
            order.sort_by_key(|&i| expected[i] == 'Y');
            for i in order {
                let who = Who::ALL[i];
                let browser = &mut browsers[i];
                let res = if *method == "GET" {
                    browser.get(&path).await
                } else {
                    let body = BODIES
                        .iter()
                        .find(|b| b.0 == *template)
                        .map_or(&[][..], |b| b.1);
                    browser.post(&path, body).await
                };
                let got = answer(res.status, res.location());
                if !fits(expected[i], got, res.status) {
                    wrong.lock().unwrap().push(format!(
                        "{backend}: {method} {route} ({path}) as {who:?}: expected {}, got {got} ({} {})",
                        expected[i],
                        res.status,
                        res.location()
                    ));
                }
                if !who.may_see_the_owner() && res.body.contains(OWNER_MARK) {
                    wrong.lock().unwrap().push(format!(
                        "{backend}: {method} {route} ({path}) as {who:?}: the owner's record shows through"
                    ));
                }
            }
        }
    })
    .await;
    let wrong = wrong.into_inner().unwrap();
    assert!(
        wrong.is_empty(),
        "{} answers differ from the matrix:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
