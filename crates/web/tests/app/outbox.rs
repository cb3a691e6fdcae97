//! The email outbox worker: the file transport writes .eml files; a failing SMTP server leads to
//! retries with backoff and, in the end, a failed email an admin can see and resend — an admin of
//! the clinic that sent it, and no one else.

use crate::client::*;
use axum::http::StatusCode;
use backstride_core::Role;
use backstride_store::{EmailStatus, NewEmail};
use backstride_web::mail::{Mailer, deliver_due};
use backstride_web::{MailConfig, MailTransport};

/// The outbox entry `id`, as stored now.
async fn email(
    store: &std::sync::Arc<dyn backstride_store::Store>,
    id: i64,
) -> backstride_store::OutboxEmail {
    store
        .outbox(50)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id == id)
        .unwrap()
}

fn new_email() -> NewEmail {
    NewEmail::text(
        "to@example.com".parse().unwrap(),
        "Your plan",
        "Hello from the outbox",
    )
}

#[tokio::test]
async fn file_transport_writes_eml_files() {
    let store = backstride_store::testing::sqlite().await;
    let dir = std::env::temp_dir().join(format!("bs-mail-{}-{}", std::process::id(), line!()));
    let mailer = Mailer::from_config(&MailConfig::default(), &dir).unwrap();
    store.enqueue_email(&new_email(), 10).await.unwrap();
    assert_eq!(
        deliver_due(store.as_ref(), &mailer, "Clinic <c@example.com>", 10)
            .await
            .unwrap(),
        1
    );
    let files: Vec<_> = std::fs::read_dir(dir.join("mail")).unwrap().collect();
    assert_eq!(files.len(), 1);
    let path = files[0].as_ref().unwrap().path();
    #[cfg(unix)]
    {
        // It holds reset and invitation links: readable by the server's user only.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.join("mail")), 0o700);
        assert_eq!(mode(&dir), 0o700);
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("Subject: Your plan") && text.contains("Hello from the outbox"));
    assert_eq!(store.outbox(5).await.unwrap()[0].status, EmailStatus::Sent);
}

/// An email that can be turned off in one click carries RFC 8058's two headers; others none.
#[tokio::test]
async fn a_one_click_address_becomes_the_list_unsubscribe_headers() {
    let store = backstride_store::testing::sqlite().await;
    let dir = std::env::temp_dir().join(format!("bs-mail-{}-{}", std::process::id(), line!()));
    let mailer = Mailer::from_config(&MailConfig::default(), &dir).unwrap();
    let off = "https://app.example/reminders/off/7.2026-03-02.c2lnbmVk";
    store
        .enqueue_email(&new_email().one_click_unsubscribe(off), 10)
        .await
        .unwrap();
    store.enqueue_email(&new_email(), 10).await.unwrap();
    deliver_due(store.as_ref(), &mailer, "Clinic <c@example.com>", 10)
        .await
        .unwrap();
    let texts: Vec<String> = std::fs::read_dir(dir.join("mail"))
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect();
    assert_eq!(texts.len(), 2);
    let with: Vec<&String> = texts
        .iter()
        .filter(|t| t.contains("List-Unsubscribe"))
        .collect();
    assert_eq!(with.len(), 1, "only the email with an address");
    assert!(
        with[0].contains(&format!("List-Unsubscribe: <{off}>\r\n")),
        "{}",
        with[0]
    );
    assert!(
        with[0].contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"),
        "{}",
        with[0]
    );
}

/// A real SMTP exchange with a loopback server that answers every command with an error.
async fn refusing_smtp_server() -> u16 {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let _ = write.write_all(b"220 test ESMTP\r\n").await;
                let mut lines = BufReader::new(read).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply: &[u8] = if line.starts_with("EHLO") || line.starts_with("HELO") {
                        b"250 test\r\n"
                    } else if line.starts_with("QUIT") {
                        b"221 bye\r\n"
                    } else {
                        b"554 5.7.1 relay refused\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn smtp_failures_retry_with_backoff_and_stay_visible() {
    each_backend(|store| async move {
        let port = refusing_smtp_server().await;
        let config = MailConfig {
            transport: MailTransport::Smtp,
            smtp_host: "127.0.0.1".into(),
            smtp_port: port,
            smtp_security: "none".into(),
            ..MailConfig::default()
        };
        let mailer = Mailer::from_config(&config, &std::env::temp_dir()).unwrap();
        let clinic = clinic(&store, "Mail Clinic").await;
        let id = store
            .enqueue_email(&new_email().from_clinic(Some(clinic.id)), 100)
            .await
            .unwrap();
        deliver_due(store.as_ref(), &mailer, "c@example.com", 100)
            .await
            .unwrap();
        let e = email(&store, id).await;
        assert_eq!(e.status, EmailStatus::Pending);
        assert_eq!(e.attempts, 1);
        assert_eq!(e.next_attempt_at, 130, "first retry after 30 s");
        assert!(e.last_error.unwrap().contains("relay refused"));
        let mut now = 130;
        for _ in 0..7 {
            deliver_due(store.as_ref(), &mailer, "c@example.com", now)
                .await
                .unwrap();
            now += 4000;
        }
        let e = email(&store, id).await;
        assert_eq!(
            e.status,
            EmailStatus::Failed,
            "given up after the last try, but kept"
        );
        assert_eq!(e.attempts, backstride_web::mail::MAX_ATTEMPTS);

        person(&store, Some(&clinic), "mailadmin@example.com", Role::Admin).await;
        let mut admin = Client::new(store.clone());
        admin.login("mailadmin@example.com", PASSWORD).await;
        let page = admin.get("/admin/outbox").await;
        assert!(page.body.contains("relay refused") && page.body.contains("Send again"));
        let res = admin.post(&format!("/admin/outbox/{id}/retry"), &[]).await;
        assert_eq!(res.location(), "/admin/outbox");
        let e = email(&store, id).await;
        assert_eq!(e.status, EmailStatus::Pending);
        assert_eq!(
            admin.post("/admin/outbox/424242/retry", &[]).await.status,
            StatusCode::NOT_FOUND
        );
    })
    .await;
}

#[tokio::test]
async fn another_clinics_admin_sees_none_of_your_emails_and_cannot_resend_them() {
    each_backend(|store| async move {
        let home = clinic(&store, "Home Clinic").await;
        let away = clinic(&store, "Away Clinic").await;
        let runner = person(&store, Some(&home), "ob-run@example.com", Role::Runner).await;
        person(&store, Some(&home), "ob-doc@example.com", Role::Clinician).await;
        let home_admin = person(&store, Some(&home), "ob-admin@example.com", Role::Admin).await;
        person(&store, Some(&away), "ob-away@example.com", Role::Admin).await;
        person(&store, None, "ob-solo@example.com", Role::Runner).await;

        // The clinician writes to the runner; a self-signed-up runner asks for a reset.
        let mut doc = Client::new(store.clone());
        doc.login("ob-doc@example.com", PASSWORD).await;
        doc.get(&format!("/runners/{}", runner.id)).await;
        doc.post(
            &format!("/runners/{}/email", runner.id),
            &[
                ("subject", "Re: your night pain and 9/10 run pain"),
                ("message", "Please call us today."),
            ],
        )
        .await;
        let mut solo = doc.another();
        solo.get("/password/forgot").await;
        solo.post("/password/forgot", &[("email", "ob-solo@example.com")])
            .await;
        let all = store.outbox(50).await.unwrap();
        let message = all.iter().find(|e| e.to == "ob-run@example.com").unwrap();
        assert_eq!(message.clinic_id, Some(home.id));
        assert_eq!(message.about_runner, Some(runner.id));
        let reset = all.iter().find(|e| e.to == "ob-solo@example.com").unwrap();
        assert_eq!(reset.clinic_id, None, "instance-wide mail");
        for id in [message.id, reset.id] {
            store
                .mark_email_attempt_failed(id, "relay refused", None)
                .await
                .unwrap();
        }

        let mut other = doc.another();
        other.login("ob-away@example.com", PASSWORD).await;
        let page = other.get("/admin/outbox").await;
        assert_eq!(page.status, StatusCode::OK);
        for secret in ["night pain", "ob-run@example.com", "ob-solo@example.com"] {
            assert!(
                !page.body.contains(secret),
                "{secret} shown to another clinic"
            );
        }
        for id in [message.id, reset.id] {
            let res = other.post(&format!("/admin/outbox/{id}/retry"), &[]).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "email {id}");
        }
        assert_eq!(email(&store, message.id).await.status, EmailStatus::Failed);

        let before = store.audit_events_about(runner.id).await.unwrap().len();
        let mut admin = doc.another();
        admin.login("ob-admin@example.com", PASSWORD).await;
        let page = admin.get("/admin/outbox").await;
        assert!(page.body.contains("night pain"), "{}", page.body);
        assert!(
            !page.body.contains("ob-solo@example.com"),
            "instance-wide mail is the operator's"
        );
        let audit = store.audit_events_about(runner.id).await.unwrap();
        assert_eq!(audit.len(), before + 1);
        assert_eq!(audit[0].action, "see emails in the outbox");
        assert_eq!(audit[0].actor_user_id, home_admin.id);
        assert_eq!(
            admin
                .post(&format!("/admin/outbox/{}/retry", reset.id), &[])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let res = admin
            .post(&format!("/admin/outbox/{}/retry", message.id), &[])
            .await;
        assert_eq!(res.location(), "/admin/outbox");
        assert_eq!(email(&store, message.id).await.status, EmailStatus::Pending);
    })
    .await;
}

#[tokio::test]
async fn the_clinic_page_audits_the_alert_reasons_it_shows() {
    each_backend(|store| async move {
        let home = clinic(&store, "Alert Clinic").await;
        let runner = person(&store, Some(&home), "al-run@example.com", Role::Runner).await;
        let doc = person(&store, Some(&home), "al-doc@example.com", Role::Clinician).await;
        store
            .raise_alert(
                runner.id,
                backstride_store::AlertTier::High,
                "Pain 9/10 after a run today.",
                100,
            )
            .await
            .unwrap();
        let before = store.audit_events_about(runner.id).await.unwrap().len();
        let mut c = Client::new(store.clone());
        c.login("al-doc@example.com", PASSWORD).await;
        let page = c.get("/clinic").await;
        assert!(page.body.contains("Pain 9/10 after a run today."));
        let audit = store.audit_events_about(runner.id).await.unwrap();
        assert_eq!(audit.len(), before + 1, "{audit:?}");
        assert_eq!(audit[0].action, "see open alerts");
        assert_eq!(audit[0].actor_user_id, doc.id);
    })
    .await;
}
