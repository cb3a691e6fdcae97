//! The email outbox worker: the file transport writes .eml files; a failing SMTP server leads to
//! retries with backoff and, in the end, a failed email an admin can see and resend.

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
        let id = store.enqueue_email(&new_email(), 100).await.unwrap();
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

        let clinic = clinic(&store, "Mail Clinic").await;
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
