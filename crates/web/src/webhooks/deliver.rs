//! Delivering webhooks: the background worker takes due deliveries from the queue table, posts
//! each to its endpoint signed with the endpoint's secret, and marks it delivered (any 2xx) or
//! failed with the next try, on the email outbox's backoff (`mail::next_retry`: 30 s doubling,
//! at most an hour apart, [`crate::mail::MAX_ATTEMPTS`] attempts, then failed for good and shown
//! so in the admin's log). No request waits on it: pages only queue.
//!
//! # The signature
//!
//! Each delivery is a `POST` of a JSON body with these headers:
//!
//! - `Backstride-Event`: the event (`consult.requested`, `booking.created`, `alert.critical`);
//! - `Backstride-Delivery`: the delivery's number (the same on every retry);
//! - `Backstride-Signature: t=TIMESTAMP,v1=HEX`, where `TIMESTAMP` is the Unix time of this
//!   attempt and `HEX` the lower-case hex HMAC-SHA256, keyed with the endpoint's secret (the
//!   whole text shown to the admin, `whsec_…` included), of `TIMESTAMP`, a full stop, and the
//!   body's bytes exactly as received.
//!
//! To verify: compute the same HMAC over `t + "." + body`, compare it with `v1` in constant
//! time, and refuse a `t` more than five minutes from your clock (a replayed delivery). The
//! body's `id` is the event's: the same event may arrive more than once (a retry after a
//! timeout), so treat a repeated `id` as done.

use backstride_store::{DueWebhook, Store};
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use std::sync::Arc;
use std::time::Duration;

/// How long one delivery may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries claimed in one pass.
const BATCH: i64 = 20;

/// The HTTP client the worker posts with (HTTPS through rustls with the Web PKI's roots, plain
/// HTTP only where the endpoint's address was allowed it: loopback in development).
pub type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Builds the client.
pub fn client() -> anyhow::Result<HttpClient> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(hyper_util::rt::TokioExecutor::new()).build(https))
}

/// The `Backstride-Signature` header's value for `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    crate::security::hex(&mac.finalize().into_bytes())
}

/// Checks a `Backstride-Signature` header as a receiver would: the HMAC matches (in constant
/// time) and its time is within `tolerance` seconds of `now`.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance: i64) -> bool {
    let mut timestamp = None;
    let mut given = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => given = Some(v),
            _ => {}
        }
    }
    let (Some(t), Some(given)) = (timestamp, given) else {
        return false;
    };
    let expected = sign(secret, t, body);
    use subtle::ConstantTimeEq;
    (now - t).abs() <= tolerance && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// What became of one attempt.
enum Outcome {
    Delivered(u16),
    Refused(u16),
    Unreachable(String),
}

async fn post(client: &HttpClient, due: &DueWebhook, now: i64) -> Outcome {
    let body = due.body.clone().into_bytes();
    let request = hyper::Request::post(due.url.as_str())
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .header(hyper::header::USER_AGENT, "Backstride-Webhooks/1")
        .header("Backstride-Event", due.event.as_str())
        .header("Backstride-Delivery", due.id.to_string())
        .header("Backstride-Signature", signature(&due.secret, now, &body))
        .body(Full::new(Bytes::from(body)));
    let request = match request {
        Ok(r) => r,
        Err(e) => return Outcome::Unreachable(format!("the address can't be used: {e}")),
    };
    match tokio::time::timeout(TIMEOUT, client.request(request)).await {
        Err(_) => Outcome::Unreachable(format!("no answer within {} seconds", TIMEOUT.as_secs())),
        Ok(Err(e)) => Outcome::Unreachable(format!("could not reach the endpoint: {e}")),
        Ok(Ok(response)) => {
            let status = response.status();
            // The answer's body is not read: only its status counts.
            drop(response);
            if status.is_success() {
                Outcome::Delivered(status.as_u16())
            } else {
                Outcome::Refused(status.as_u16())
            }
        }
    }
}

/// Sends every delivery due at `now` (Unix seconds); returns how many were attempted.
pub async fn deliver_due(
    store: &dyn Store,
    client: &HttpClient,
    now: i64,
) -> anyhow::Result<usize> {
    let due = store.claim_due_webhooks(now, BATCH).await?;
    for d in &due {
        match post(client, d, now).await {
            Outcome::Delivered(code) => {
                store
                    .mark_webhook_delivered(d.id, i64::from(code), now)
                    .await?
            }
            Outcome::Refused(code) => {
                tracing::warn!(delivery = d.id, code, "webhook refused");
                store
                    .mark_webhook_attempt_failed(
                        d.id,
                        Some(i64::from(code)),
                        &format!("the endpoint answered {code}"),
                        crate::mail::next_retry(now, d.attempts),
                    )
                    .await?
            }
            Outcome::Unreachable(error) => {
                tracing::warn!(delivery = d.id, %error, "webhook not delivered");
                store
                    .mark_webhook_attempt_failed(
                        d.id,
                        None,
                        &error,
                        crate::mail::next_retry(now, d.attempts),
                    )
                    .await?
            }
        }
    }
    Ok(due.len())
}

/// Runs until `shutdown` turns true, delivering what is due every `poll`; finishes the batch in
/// hand before stopping.
pub async fn run_worker(
    store: Arc<dyn Store>,
    poll: Duration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let client = match client() {
        Ok(c) => c,
        Err(err) => {
            tracing::error!(%err, "webhooks: no HTTP client, nothing will be delivered");
            return;
        }
    };
    loop {
        if *shutdown.borrow() {
            break;
        }
        let now = jiff::Timestamp::now().as_second();
        if let Err(err) = deliver_due(store.as_ref(), &client, now).await {
            tracing::warn!(%err, "webhook pass failed");
        }
        tokio::select! {
            _ = shutdown.changed() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
    tracing::info!("webhook worker stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_a_changed_body_or_old_time_does_not() {
        let header = signature("whsec_abc", 1_700_000_000, b"{\"a\":1}");
        assert!(header.starts_with("t=1700000000,v1="));
        assert!(verify(
            "whsec_abc",
            &header,
            b"{\"a\":1}",
            1_700_000_100,
            300
        ));
        assert!(!verify(
            "whsec_abc",
            &header,
            b"{\"a\":2}",
            1_700_000_100,
            300
        ));
        assert!(!verify(
            "whsec_other",
            &header,
            b"{\"a\":1}",
            1_700_000_100,
            300
        ));
        assert!(!verify(
            "whsec_abc",
            &header,
            b"{\"a\":1}",
            1_700_001_000,
            300
        ));
        assert!(!verify("whsec_abc", "t=nonsense", b"", 0, 300));
    }

    #[test]
    fn the_hmac_is_the_standard_one() {
        // Computed independently: Python's hmac.new(b"key", b"1.body", hashlib.sha256).
        assert_eq!(
            sign("key", 1, b"body"),
            "91b5374b153842ad05b2c4eab9349b8321b14703165bd3fb8b034dfb8be98ae5"
        );
    }
}
