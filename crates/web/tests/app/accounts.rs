//! Sign-up, login, logout, password reset and change, invitations, settings — in-process.

use crate::client::*;
use axum::http::StatusCode;
use backstride_core::Role;

#[tokio::test]
async fn sign_up_log_out_and_log_back_in() {
    each_backend(|store| async move {
        let mut c = Client::new(store.clone());
        let page = c.get("/signup").await;
        assert_eq!(page.status, StatusCode::OK);
        let res = c
            .post(
                "/signup",
                &[
                    ("display_name", "Nia"),
                    ("email", "Nia@Example.com"),
                    ("password", "steady steps 10k"),
                    ("time_zone", "Europe/Paris"),
                    ("units", "imperial"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.location(), "/login");
        assert!(
            c.get("/login").await.body.contains("Nearly there"),
            "the person is told to open the emailed link"
        );
        assert_eq!(
            c.get("/home").await.status,
            StatusCode::SEE_OTHER,
            "not logged in yet"
        );
        // The password doesn't open an unconfirmed account: the same answer as a wrong one.
        let early = c.login("nia@example.com", "steady steps 10k").await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.body.contains("Just signed up? Open the link"));
        let link = link_in_email(&store, "nia@example.com", "http://").await;
        let path = link.trim_start_matches("http://127.0.0.1:8080");
        assert!(path.starts_with("/login/link/"), "{path}");
        assert_eq!(
            c.get(path).await.status,
            StatusCode::OK,
            "opening it changes nothing"
        );
        let res = c.post(path, &[]).await;
        assert_eq!(res.location(), "/home");
        let home = c.get("/home").await;
        assert!(home.body.contains("Hello, Nia"), "{}", home.body);
        assert!(
            home.body.contains("You&#39;re logged in") || home.body.contains("You're logged in"),
            "{}",
            home.body
        );
        let me = c.get("/api/me").await;
        assert!(me.body.contains("\"distance\":\"mi\""), "{}", me.body);
        assert!(me.body.contains("Europe/Paris"));

        let out = c.post("/logout", &[]).await;
        assert_eq!(out.location(), "/login?logged_out=1");
        assert_eq!(c.get("/home").await.location(), "/login?next=%2Fhome");

        let bad = c.login("nia@example.com", "wrong password!").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.body.contains("don&#39;t match an account"),
            "{}",
            bad.body
        );
        assert!(
            bad.body.contains("value=\"nia@example.com\""),
            "typed email is kept"
        );

        let ok = c.login("nia@example.com", "steady steps 10k").await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        assert!(c.get("/home").await.body.contains("Hello, Nia"));
    })
    .await;
}

#[tokio::test]
async fn sign_up_refuses_bad_input_and_keeps_what_was_typed() {
    each_backend(|store| async move {
        person(&store, None, "taken@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.get("/signup").await;
        let cases: &[(&str, &str, &str)] = &[
            (
                "not-an-email",
                "perfectly fine pass",
                "Enter an email address like name@example.com.",
            ),
            ("ok@example.com", "short", "Use at least 10 characters"),
            ("ok@example.com", "password123", "list of common passwords"),
        ];
        for (email, password, message) in cases {
            let res = c
                .post(
                    "/signup",
                    &[
                        ("display_name", "Ola"),
                        ("email", email),
                        ("password", password),
                        ("time_zone", "UTC"),
                        ("units", "metric"),
                    ],
                )
                .await;
            assert_eq!(
                res.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{email}/{password}"
            );
            assert!(
                res.body.contains(message),
                "{message} missing in {}",
                res.body
            );
            assert!(
                res.body.contains(&format!("value=\"{email}\"")),
                "the email typed is kept"
            );
            assert!(res.body.contains("value=\"Ola\""), "the name typed is kept");
            assert!(res.body.contains("aria-invalid=\"true\""));
        }
        let res = c
            .post(
                "/signup",
                &[
                    ("display_name", "Ola"),
                    ("email", "ok@example.com"),
                    ("password", "perfectly fine pass"),
                    ("time_zone", "Mars/Base"),
                ],
            )
            .await;
        assert!(res.body.contains("Unknown time zone"));
    })
    .await;
}

#[tokio::test]
async fn login_rotates_the_session_and_remember_me_lasts_30_days() {
    let store = backstride_store::testing::sqlite().await;
    person(&store, None, "rota@example.com", Role::Runner).await;
    let mut c = Client::new(store.clone());
    c.get("/login").await;
    assert!(
        c.session_cookie().is_none(),
        "a visitor has no session before logging in"
    );
    c.post(
        "/login",
        &[("email", "rota@example.com"), ("password", PASSWORD)],
    )
    .await;
    let before = c.session_cookie().expect("logging in makes the session");
    c.get("/settings").await;
    // Logging in again from the same browser (as after a planted session id) gets a new id.
    let res = c
        .post(
            "/login",
            &[
                ("email", "rota@example.com"),
                ("password", PASSWORD),
                ("remember", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let set = res
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(SESSION_COOKIE))
        .expect("the session cookie is set");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(
        set.contains(&format!("Max-Age={}", 30 * 24 * 3600)),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain http has no Secure flag");
    assert_ne!(
        c.session_cookie().unwrap(),
        before,
        "session id rotated on login"
    );
    // The old session id no longer logs anyone in.
    let mut old = c.another();
    let (name, value) = before.split_once('=').unwrap();
    old.cookies.insert(name.to_owned(), value.to_owned());
    assert_eq!(old.get("/home").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn lockout_after_ten_failures_even_with_the_right_password() {
    each_backend(|store| async move {
        person(&store, None, "lock@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        for _ in 0..10 {
            let res = c.login("lock@example.com", "not the password").await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let res = c.login("lock@example.com", PASSWORD).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(res.body.contains("paused for 15 minutes"), "{}", res.body);
        // Another account from the same address is not locked by this one.
        person(&store, None, "other@example.com", Role::Runner).await;
        assert_eq!(
            c.login("other@example.com", PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
    })
    .await;
}

#[tokio::test]
async fn password_reset_by_single_use_emailed_link() {
    each_backend(|store| async move {
        person(&store, None, "reset@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.get("/password/forgot").await;
        let res = c
            .post("/password/forgot", &[("email", "reset@example.com")])
            .await;
        assert_eq!(res.location(), "/login");
        // An unknown email gets the same answer and no email.
        let res = c
            .post("/password/forgot", &[("email", "nobody@example.com")])
            .await;
        assert_eq!(res.location(), "/login");
        assert_eq!(store.outbox(10).await.unwrap().len(), 1);
        let link = link_in_email(&store, "reset@example.com", "http://").await;
        let path = link.trim_start_matches("http://127.0.0.1:8080");
        assert!(path.starts_with("/password/reset/"));

        assert_eq!(c.get(path).await.status, StatusCode::OK);
        let short = c.post(path, &[("password", "tiny")]).await;
        assert_eq!(
            short.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a bad password doesn't use the link up"
        );
        let done = c.post(path, &[("password", "brand new password")]).await;
        assert_eq!(done.location(), "/login");
        assert_eq!(
            c.login("reset@example.com", PASSWORD).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            c.login("reset@example.com", "brand new password")
                .await
                .status,
            StatusCode::SEE_OTHER
        );

        let mut again = c.another();
        again.get(path).await;
        let reused = again
            .post(path, &[("password", "another new password")])
            .await;
        assert_eq!(reused.location(), "/password/forgot");
        assert!(
            again
                .get("/password/forgot")
                .await
                .body
                .contains("expired or was already used")
        );
    })
    .await;
}

#[tokio::test]
async fn change_password_needs_the_current_one() {
    let store = backstride_store::testing::sqlite().await;
    person(&store, None, "chg@example.com", Role::Runner).await;
    let mut c = Client::new(store.clone());
    c.login("chg@example.com", PASSWORD).await;
    c.get("/settings").await;
    let res = c
        .post(
            "/settings/password",
            &[
                ("current_password", "wrong one!!"),
                ("new_password", "my new password"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("That isn"));
    let res = c
        .post(
            "/settings/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "qwertyuiop"),
            ],
        )
        .await;
    assert!(res.body.contains("common passwords"));
    let res = c
        .post(
            "/settings/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "my new password"),
            ],
        )
        .await;
    assert_eq!(res.location(), "/settings");
    let mut fresh = c.another();
    assert_eq!(
        fresh
            .login("chg@example.com", "my new password")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn settings_keep_values_and_store_si_preferences() {
    let store = backstride_store::testing::sqlite().await;
    let u = person(&store, None, "set@example.com", Role::Runner).await;
    let mut c = Client::new(store.clone());
    c.login("set@example.com", PASSWORD).await;
    c.get("/settings").await;
    let res = c
        .post(
            "/settings",
            &[
                ("display_name", ""),
                ("time_zone", "America/Chicago"),
                ("units", "imperial"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Tell us what to call you"));
    assert!(
        res.body.contains("value=\"America/Chicago\" selected"),
        "the chosen zone is kept"
    );
    let res = c
        .post(
            "/settings",
            &[
                ("display_name", "Set"),
                ("time_zone", "America/Chicago"),
                ("units", "imperial"),
            ],
        )
        .await;
    assert_eq!(res.location(), "/settings");
    let page = c.get("/settings").await;
    assert!(page.body.contains("3.1 mi"), "a 5 km example in miles");
    let stored = store.user(u.id).await.unwrap();
    assert_eq!(stored.time_zone.as_str(), "America/Chicago");
    assert_eq!(
        stored.units.unwrap().distance,
        backstride_core::DistanceUnit::Mi
    );
}

#[tokio::test]
async fn admin_invites_a_clinician_who_joins_the_clinic() {
    each_backend(|store| async move {
        let clinic = clinic(&store, "Harbour Physio").await;
        person(&store, Some(&clinic), "boss@example.com", Role::Admin).await;
        let mut admin = Client::new(store.clone());
        admin.login("boss@example.com", PASSWORD).await;
        admin.get("/clinic").await;
        let bad = admin
            .post(
                "/clinic/invites",
                &[("email", "nope"), ("role", "clinician")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let res = admin
            .post(
                "/clinic/invites",
                &[("email", "newdoc@example.com"), ("role", "clinician")],
            )
            .await;
        assert_eq!(res.location(), "/clinic");
        let link = link_in_email(&store, "newdoc@example.com", "http://").await;
        let path = link.trim_start_matches("http://127.0.0.1:8080").to_owned();

        let mut doc = admin.another();
        let page = doc.get(&path).await;
        assert!(page.body.contains("Harbour Physio"));
        let res = doc
            .post(
                &path,
                &[
                    ("display_name", "Dr New"),
                    ("password", "short"),
                    ("time_zone", "UTC"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains("value=\"Dr New\""));
        let res = doc
            .post(
                &path,
                &[
                    ("display_name", "Dr New"),
                    ("password", "clinic password 1"),
                    ("time_zone", "UTC"),
                ],
            )
            .await;
        assert_eq!(res.location(), "/home");
        let home = doc.get("/home").await;
        assert!(
            home.body.contains("a clinician at Harbour Physio"),
            "{}",
            home.body
        );
        // The link works once.
        assert_eq!(doc.another().get(&path).await.status, StatusCode::NOT_FOUND);
        // A clinician may invite runners but not staff.
        doc.get("/clinic").await;
        let res = doc
            .post(
                "/clinic/invites",
                &[("email", "admin2@example.com"), ("role", "admin")],
            )
            .await;
        assert!(res.body.contains("ask an admin to invite staff"));
        let res = doc
            .post(
                "/clinic/invites",
                &[("email", "runner@example.com"), ("role", "runner")],
            )
            .await;
        assert_eq!(res.location(), "/clinic");
    })
    .await;
}

/// The answer and emails of one sign-up attempt.
async fn sign_up(c: &mut Client, email: &str) -> Resp {
    c.get("/signup").await;
    c.post(
        "/signup",
        &[
            ("display_name", "Ola"),
            ("email", email),
            ("password", "perfectly fine pass"),
            ("time_zone", "UTC"),
            ("units", "metric"),
        ],
    )
    .await
}

#[tokio::test]
async fn sign_up_answers_alike_whether_or_not_the_email_has_an_account() {
    each_backend(|store| async move {
        person(&store, None, "taken@example.com", Role::Runner).await;
        let mut new = Client::new(store.clone());
        let fresh = sign_up(&mut new, "fresh@example.com").await;
        let fresh_page = new.get("/login").await;
        let mut old = Client::new(store.clone());
        let taken = sign_up(&mut old, "taken@example.com").await;
        let taken_page = old.get("/login").await;
        assert_eq!(taken.status, fresh.status);
        assert_eq!(taken.location(), fresh.location());
        let said = |body: &str| {
            body.contains("Nearly there: we&#39;ve emailed")
                || body.contains("Nearly there: we've emailed")
        };
        assert!(
            said(&fresh_page.body) && said(&taken_page.body),
            "{}",
            taken_page.body
        );
        assert!(!taken_page.body.contains("already exists"));
        // The owner hears of it; their password and account are untouched.
        let outbox = store.outbox(10).await.unwrap();
        let to_owner = outbox
            .iter()
            .find(|e| e.to == "taken@example.com")
            .expect("the owner is emailed");
        assert!(
            to_owner
                .body_text
                .contains("tried to create a Backstride account")
        );
        assert!(
            !to_owner.body_text.contains("/login/link/"),
            "no way in for the visitor"
        );
        assert_eq!(
            old.another()
                .login("taken@example.com", PASSWORD)
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        // Signing up, then logging in with the password typed, tells nothing either.
        let probe = old.login("taken@example.com", "perfectly fine pass").await;
        let probe_new = new.login("fresh@example.com", "perfectly fine pass").await;
        assert_eq!(probe.status, probe_new.status);
        assert_eq!(probe.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn next_after_login_is_only_ever_a_local_path() {
    each_backend(|store| async move {
        person(&store, None, "next@example.com", Role::Runner).await;
        let cases = [
            ("/\t/evil.example", "/home"),
            ("/\n/evil.example", "/home"),
            ("/x\r\nSet-Cookie: a=b", "/home"),
            ("/\\evil.example", "/home"),
            ("//evil.example", "/home"),
            ("https://evil.example/", "/home"),
            ("/ /evil.example", "/home"),
            ("/runs?sort=new", "/runs?sort=new"),
            ("", "/home"),
        ];
        for (next, expected) in cases {
            let mut c = Client::new(store.clone());
            c.get("/login").await;
            let res = c
                .post(
                    "/login",
                    &[
                        ("email", "next@example.com"),
                        ("password", PASSWORD),
                        ("next", next),
                    ],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{next:?}: {}", res.body);
            assert_eq!(res.location(), expected, "{next:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn changing_the_password_signs_out_every_other_session() {
    each_backend(|store| async move {
        person(&store, None, "two@example.com", Role::Runner).await;
        let mut phone = Client::new(store.clone());
        let mut laptop = Client::new(store.clone());
        phone.login("two@example.com", PASSWORD).await;
        laptop.login("two@example.com", PASSWORD).await;
        assert_eq!(laptop.get("/home").await.status, StatusCode::OK);
        phone.get("/settings").await;
        let res = phone
            .post(
                "/settings/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "my new password"),
                ],
            )
            .await;
        assert_eq!(res.location(), "/settings");
        let settings = phone.get("/settings").await;
        assert_eq!(settings.status, StatusCode::OK, "this session stays");
        assert!(
            settings
                .body
                .contains("You were signed out everywhere else")
        );
        let home = laptop.get("/home").await;
        assert_eq!(
            home.location(),
            "/login?next=%2Fhome",
            "the other session ended"
        );
        assert!(
            laptop
                .get("/login")
                .await
                .body
                .contains("Your password was changed")
        );
        assert_eq!(
            laptop.get("/home").await.status,
            StatusCode::SEE_OTHER,
            "and stays ended"
        );
        assert_eq!(phone.get("/home").await.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn a_password_reset_signs_out_every_session() {
    each_backend(|store| async move {
        person(&store, None, "lost@example.com", Role::Runner).await;
        let mut old_phone = Client::new(store.clone());
        old_phone.login("lost@example.com", PASSWORD).await;
        let mut c = Client::new(store.clone());
        c.get("/password/forgot").await;
        c.post("/password/forgot", &[("email", "lost@example.com")])
            .await;
        let link = link_in_email(&store, "lost@example.com", "http://").await;
        let path = link.trim_start_matches("http://127.0.0.1:8080").to_owned();
        c.get(&path).await;
        let done = c.post(&path, &[("password", "brand new password")]).await;
        assert_eq!(done.location(), "/login");
        assert!(c.get("/login").await.body.contains("signed out everywhere"));
        assert_eq!(old_phone.get("/home").await.status, StatusCode::SEE_OTHER);
        assert_eq!(
            c.login("lost@example.com", "brand new password")
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    })
    .await;
}

#[tokio::test]
async fn forgot_password_and_sign_up_are_rate_limited() {
    each_backend(|store| async move {
        person(&store, None, "flood@example.com", Role::Runner).await;
        let mut c = Client::new(store.clone());
        c.get("/password/forgot").await;
        let mut limited = 0;
        for _ in 0..30 {
            let res = c
                .post("/password/forgot", &[("email", "flood@example.com")])
                .await;
            if res.status == StatusCode::TOO_MANY_REQUESTS {
                assert!(res.body.contains("many requests from here"), "{}", res.body);
                assert!(
                    res.body.contains("value=\"flood@example.com\""),
                    "typed email kept"
                );
                limited += 1;
            }
        }
        assert_eq!(limited, 27);
        let emails = store.outbox(100).await.unwrap();
        assert_eq!(
            emails
                .iter()
                .filter(|e| e.to == "flood@example.com")
                .count(),
            3
        );

        let mut signups = Client::new(store.clone());
        let mut accepted = 0;
        for i in 0..20 {
            let res = sign_up(&mut signups, &format!("bot{i}@example.com")).await;
            match res.status {
                StatusCode::SEE_OTHER => accepted += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    assert!(res.body.contains("many requests from here"))
                }
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(accepted, 10, "ten sign-ups an hour from one address");
        // Someone else, elsewhere, is not held up.
        let mut elsewhere = Client::new(store.clone());
        elsewhere.ip = "198.51.100.20:4000".parse().unwrap();
        assert_eq!(
            sign_up(&mut elsewhere, "real@example.com").await.status,
            StatusCode::SEE_OTHER
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_guesses_get_no_more_password_checks_than_the_limit() {
    each_backend(|store| async move {
        person(&store, None, "target@example.com", Role::Runner).await;
        let first = Client::new(store.clone());
        let mut guessers = tokio::task::JoinSet::new();
        for i in 0..40 {
            let mut c = first.another();
            guessers.spawn(async move {
                let res = c
                    .login("target@example.com", &format!("guess number {i}"))
                    .await;
                (res.status, res.body)
            });
        }
        let (mut checked, mut paused) = (0, 0);
        for (status, body) in guessers.join_all().await {
            match status {
                StatusCode::UNPROCESSABLE_ENTITY => {
                    assert!(body.contains("don&#39;t match an account"), "{body}");
                    checked += 1;
                }
                StatusCode::TOO_MANY_REQUESTS => {
                    assert!(body.contains("paused for 15 minutes"), "{body}");
                    paused += 1;
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!(
            checked, 10,
            "only the limit's worth of guesses were checked"
        );
        assert_eq!(paused, 30);
    })
    .await;
}

const LINK_SENT: &str = "we&#39;ve emailed it a link that finishes logging in";

#[tokio::test]
async fn a_busy_address_needs_an_emailed_link_instead_of_locking_everyone_out() {
    each_backend(|store| async move {
        person(&store, None, "office@example.com", Role::Runner).await;
        let c = Client::new(store.clone());
        let shared = c.ip.ip().to_string();
        let now = jiff::Timestamp::now().as_second();
        // Someone on the same network failed 50 times against other accounts.
        for i in 0..50 {
            store
                .record_login_failure(&format!("guess{i}@example.com"), &shared, now)
                .await
                .unwrap();
        }
        let mut wrong = c.another();
        let res = wrong.login("office@example.com", "not my password").await;
        assert!(res.body.contains(LINK_SENT), "{}", res.body);
        assert!(
            store.outbox(10).await.unwrap().is_empty(),
            "no email for a wrong password"
        );

        let mut right = c.another();
        let res = right.login("office@example.com", PASSWORD).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the same answer"
        );
        assert!(res.body.contains(LINK_SENT), "{}", res.body);
        assert_eq!(
            right.get("/home").await.status,
            StatusCode::SEE_OTHER,
            "not yet in"
        );
        let link = link_in_email(&store, "office@example.com", "http://").await;
        let path = link.trim_start_matches("http://127.0.0.1:8080").to_owned();
        right.get(&path).await;
        assert_eq!(right.post(&path, &[]).await.location(), "/home");
        assert_eq!(
            right.get("/home").await.status,
            StatusCode::OK,
            "the right password got in"
        );
        // The link works once.
        let mut again = c.another();
        again.get(&path).await;
        assert_eq!(again.post(&path, &[]).await.location(), "/login");
        assert_eq!(again.get("/home").await.status, StatusCode::SEE_OTHER);

        // From another address the password alone is enough.
        let mut home = c.another();
        home.ip = "198.51.100.30:4000".parse().unwrap();
        assert_eq!(
            home.login("office@example.com", PASSWORD).await.location(),
            "/home"
        );
    })
    .await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
    use axum::body::Body;
    use axum::http::{Request, header};
    each_backend(|store| async move {
        person(&store, None, "lb@example.com", Role::Runner).await;
        let balancer: std::net::SocketAddr = "10.0.0.2:40000".parse().unwrap();
        let config = backstride_web::WebConfig {
            client_ip_header: "X-Forwarded-For".into(),
            trusted_proxies: vec![balancer.ip()],
            ..config()
        };
        let mut first = Client::with_config(store.clone(), config);
        first.ip = balancer;
        let now = jiff::Timestamp::now().as_second();
        for i in 0..50 {
            store
                .record_login_failure(&format!("g{i}@example.com"), "203.0.113.5", now)
                .await
                .unwrap();
        }
        async fn login_from(c: &mut Client, forwarded: &str) -> Resp {
            c.get("/login").await;
            let body = serde_urlencoded::to_string([
                ("email", "lb@example.com"),
                ("password", PASSWORD),
                ("csrf_token", c.csrf.as_deref().unwrap()),
            ])
            .unwrap();
            let req = Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", forwarded)
                .body(Body::from(body))
                .unwrap();
            c.send(req).await
        }
        let mut busy = first.another();
        let res = login_from(&mut busy, "203.0.113.5").await;
        assert!(
            res.body.contains(LINK_SENT),
            "the busy client address counts"
        );
        let mut neighbour = first.another();
        let res = login_from(&mut neighbour, "203.0.113.6").await;
        assert_eq!(res.location(), "/home", "not the balancer's address");
        // A client can't pretend to be elsewhere by writing the header itself.
        let mut spoof = first.another();
        let res = login_from(&mut spoof, "203.0.113.7, 203.0.113.5").await;
        assert!(
            res.body.contains(LINK_SENT),
            "the nearest untrusted hop is the client"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_forgot_password_requests_send_no_more_emails_than_the_limit() {
    each_backend(|store| async move {
        person(&store, None, "burst@example.com", Role::Runner).await;
        let first = Client::new(store.clone());
        let mut burst = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let mut c = first.another();
            burst.spawn(async move {
                c.get("/password/forgot").await;
                c.post("/password/forgot", &[("email", "burst@example.com")])
                    .await
                    .status
            });
        }
        let answered = burst.join_all().await;
        let sent = answered
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count();
        assert!(sent <= 3, "{sent} got through");
        let emails = store.outbox(100).await.unwrap();
        assert_eq!(emails.len(), sent);
    })
    .await;
}
