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
        assert_eq!(res.location(), "/home");
        let home = c.get("/home").await;
        assert!(home.body.contains("Hello, Nia"), "{}", home.body);
        assert!(home.body.contains("Your account is ready"));
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
            (
                "taken@example.com",
                "perfectly fine pass",
                "An account with this email already exists",
            ),
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
    let before = c
        .cookie
        .clone()
        .expect("an anonymous session holds the CSRF token");
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
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
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
        c.cookie.clone().unwrap(),
        before,
        "session id rotated on login"
    );
    // The old session id no longer logs anyone in.
    let mut old = c.another();
    old.cookie = Some(before);
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
