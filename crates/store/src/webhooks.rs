//! A clinic's webhooks (`0026`, issue 17): its endpoints (URL, events, signing secret) and the
//! durable queue of deliveries, which is also the delivery log its admins see.
//!
//! A part of [`crate::Store`] kept in its own trait and file (like `form_video.rs`). Endpoints
//! and the log are the clinic's admins' alone: anyone else gets `NotFound`. An event is queued
//! by the app ([`WebhookStore::enqueue_webhook_event`], one delivery per endpoint subscribed to
//! it, once per event key) and worked by a background worker like the email outbox: claimed
//! (safe with several workers), then marked delivered, or failed with the time of the next try.
//! Deliveries carry ids and links, never a runner's health details, so reading the log is not
//! an access to a record.

use crate::{Actor, SqlStore, StoreError, StoreResult};
use async_trait::async_trait;
use backstride_core::Role;

/// Most endpoints a clinic may have. **Our choice**: a clinic connects a few systems.
pub const MAX_WEBHOOK_ENDPOINTS: i64 = 10;
/// How long a claimed delivery is left to its worker before another may take it over.
pub const WEBHOOK_CLAIM_SECONDS: i64 = 120;
/// The constraint named when a clinic already has [`MAX_WEBHOOK_ENDPOINTS`].
pub const WEBHOOK_LIMIT: &str = "webhook_endpoint_limit";

/// One endpoint of a clinic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    pub id: i64,
    pub clinic_id: i64,
    pub url: String,
    /// The signing secret (shown to the clinic's admins, never logged).
    pub secret: String,
    /// The events it receives (e.g. `consult.requested`).
    pub events: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What an admin saves.
#[derive(Debug, Clone)]
pub struct SaveWebhookEndpoint {
    pub url: String,
    pub events: Vec<String>,
}

/// One delivery, as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub url: String,
    pub event: String,
    pub event_key: String,
    pub body: String,
    /// `pending`, `sending`, `delivered` or `failed` (for good).
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

/// A delivery claimed for sending, with where it goes and what signs it.
#[derive(Debug, Clone)]
pub struct DueWebhook {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub body: String,
    /// Attempts made before this one.
    pub attempts: i64,
}

#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// The actor's clinic's endpoints, oldest first (its admins only).
    async fn webhook_endpoints(&self, actor: &Actor) -> StoreResult<Vec<WebhookEndpoint>>;
    /// One endpoint of the actor's clinic (its admins only).
    async fn webhook_endpoint(&self, actor: &Actor, id: i64) -> StoreResult<WebhookEndpoint>;
    /// Adds an endpoint to the actor's clinic with its secret; a clinic that has
    /// [`MAX_WEBHOOK_ENDPOINTS`] already gets `Conflict` on [`WEBHOOK_LIMIT`].
    async fn add_webhook_endpoint(
        &self,
        actor: &Actor,
        endpoint: &SaveWebhookEndpoint,
        secret: &str,
        now: i64,
    ) -> StoreResult<WebhookEndpoint>;
    /// Changes an endpoint's URL and events (its secret stays).
    async fn update_webhook_endpoint(
        &self,
        actor: &Actor,
        id: i64,
        endpoint: &SaveWebhookEndpoint,
        now: i64,
    ) -> StoreResult<WebhookEndpoint>;
    /// Removes an endpoint and its deliveries.
    async fn delete_webhook_endpoint(&self, actor: &Actor, id: i64) -> StoreResult<()>;
    /// The actor's clinic's deliveries, newest first, at most `limit` (its admins only).
    async fn webhook_deliveries(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> StoreResult<Vec<WebhookDelivery>>;
    /// Puts a delivery of the actor's clinic that failed for good back in the queue, due at
    /// `now` (its admins only; anything else is `NotFound`).
    async fn retry_webhook_delivery(&self, actor: &Actor, id: i64, now: i64) -> StoreResult<()>;
    /// Queues `body` for every endpoint of `clinic_id` subscribed to `event`, due at `now`;
    /// an endpoint that already has `event_key` is left alone. Returns how many were queued.
    async fn enqueue_webhook_event(
        &self,
        clinic_id: i64,
        event: &str,
        event_key: &str,
        body: &str,
        now: i64,
    ) -> StoreResult<u64>;
    /// Claims up to `limit` deliveries due at `now` (safe with several workers).
    async fn claim_due_webhooks(&self, now: i64, limit: i64) -> StoreResult<Vec<DueWebhook>>;
    async fn mark_webhook_delivered(&self, id: i64, status_code: i64, now: i64) -> StoreResult<()>;
    /// Records a failed attempt (`status_code` when the endpoint answered): tried again at
    /// `retry_at`, or failed for good when `None`.
    async fn mark_webhook_attempt_failed(
        &self,
        id: i64,
        status_code: Option<i64>,
        error: &str,
        retry_at: Option<i64>,
    ) -> StoreResult<()>;
}

/// The clinic the actor administers, or `NotFound`.
fn admin_clinic(actor: &Actor) -> StoreResult<i64> {
    match (actor.role, actor.clinic_id) {
        (Role::Admin, Some(clinic)) => Ok(clinic),
        _ => Err(StoreError::NotFound),
    }
}

type EndpointRow = (i64, i64, String, String, String, i64, i64);
const ENDPOINT_COLUMNS: &str = "id, clinic_id, url, secret, events, created_at, updated_at";

fn endpoint(row: EndpointRow) -> WebhookEndpoint {
    WebhookEndpoint {
        id: row.0,
        clinic_id: row.1,
        url: row.2,
        secret: row.3,
        events: row
            .4
            .split(',')
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
        created_at: row.5,
        updated_at: row.6,
    }
}

type DeliveryRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    i64,
    Option<i64>,
);
const DELIVERY_COLUMNS: &str = "d.id, d.endpoint_id, e.url, d.event, d.event_key, d.body, d.status, \
     d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at";

fn delivery(r: DeliveryRow) -> WebhookDelivery {
    WebhookDelivery {
        id: r.0,
        endpoint_id: r.1,
        url: r.2,
        event: r.3,
        event_key: r.4,
        body: r.5,
        status: r.6,
        attempts: r.7,
        next_attempt_at: r.8,
        last_status_code: r.9,
        last_error: r.10,
        created_at: r.11,
        delivered_at: r.12,
    }
}

macro_rules! impl_webhooks {
    ($db:ty, $begin_write:literal) => {
        #[async_trait]
        impl WebhookStore for SqlStore<$db> {
            async fn webhook_endpoints(&self, actor: &Actor) -> StoreResult<Vec<WebhookEndpoint>> {
                let clinic = admin_clinic(actor)?;
                let sql = format!(
                    "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE clinic_id = $1 ORDER BY id"
                );
                let rows: Vec<EndpointRow> =
                    sqlx::query_as(&sql).bind(clinic).fetch_all(&self.read).await?;
                Ok(rows.into_iter().map(endpoint).collect())
            }

            async fn webhook_endpoint(&self, actor: &Actor, id: i64) -> StoreResult<WebhookEndpoint> {
                let clinic = admin_clinic(actor)?;
                let sql = format!(
                    "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = $1 AND clinic_id = $2"
                );
                let row: Option<EndpointRow> = sqlx::query_as(&sql)
                    .bind(id)
                    .bind(clinic)
                    .fetch_optional(&self.read)
                    .await?;
                row.map(endpoint).ok_or(StoreError::NotFound)
            }

            async fn add_webhook_endpoint(
                &self,
                actor: &Actor,
                save: &SaveWebhookEndpoint,
                secret: &str,
                now: i64,
            ) -> StoreResult<WebhookEndpoint> {
                let clinic = admin_clinic(actor)?;
                let mut tx = self.pool.begin_with($begin_write).await?;
                let (count,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM webhook_endpoint WHERE clinic_id = $1")
                        .bind(clinic)
                        .fetch_one(&mut *tx)
                        .await?;
                if count >= MAX_WEBHOOK_ENDPOINTS {
                    return Err(StoreError::Conflict { constraint: WEBHOOK_LIMIT.to_owned() });
                }
                let sql = format!(
                    "INSERT INTO webhook_endpoint (clinic_id, url, secret, events, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {ENDPOINT_COLUMNS}"
                );
                let row: EndpointRow = sqlx::query_as(&sql)
                    .bind(clinic)
                    .bind(&save.url)
                    .bind(secret)
                    .bind(save.events.join(","))
                    .bind(actor.user_id)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(endpoint(row))
            }

            async fn update_webhook_endpoint(
                &self,
                actor: &Actor,
                id: i64,
                save: &SaveWebhookEndpoint,
                now: i64,
            ) -> StoreResult<WebhookEndpoint> {
                let clinic = admin_clinic(actor)?;
                let sql = format!(
                    "UPDATE webhook_endpoint SET url = $1, events = $2, updated_at = $3 \
                     WHERE id = $4 AND clinic_id = $5 RETURNING {ENDPOINT_COLUMNS}"
                );
                let row: Option<EndpointRow> = sqlx::query_as(&sql)
                    .bind(&save.url)
                    .bind(save.events.join(","))
                    .bind(now)
                    .bind(id)
                    .bind(clinic)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(endpoint).ok_or(StoreError::NotFound)
            }

            async fn delete_webhook_endpoint(&self, actor: &Actor, id: i64) -> StoreResult<()> {
                let clinic = admin_clinic(actor)?;
                let mut tx = self.pool.begin_with($begin_write).await?;
                sqlx::query("DELETE FROM webhook_delivery WHERE endpoint_id = $1 AND clinic_id = $2")
                    .bind(id)
                    .bind(clinic)
                    .execute(&mut *tx)
                    .await?;
                let gone = sqlx::query("DELETE FROM webhook_endpoint WHERE id = $1 AND clinic_id = $2")
                    .bind(id)
                    .bind(clinic)
                    .execute(&mut *tx)
                    .await?;
                if gone.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                tx.commit().await?;
                Ok(())
            }

            async fn webhook_deliveries(
                &self,
                actor: &Actor,
                limit: i64,
            ) -> StoreResult<Vec<WebhookDelivery>> {
                let clinic = admin_clinic(actor)?;
                let sql = format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_delivery d \
                     JOIN webhook_endpoint e ON e.id = d.endpoint_id \
                     WHERE d.clinic_id = $1 ORDER BY d.id DESC LIMIT $2"
                );
                let rows: Vec<DeliveryRow> = sqlx::query_as(&sql)
                    .bind(clinic)
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await?;
                Ok(rows.into_iter().map(delivery).collect())
            }

            async fn retry_webhook_delivery(&self, actor: &Actor, id: i64, now: i64) -> StoreResult<()> {
                let clinic = admin_clinic(actor)?;
                let done = sqlx::query(
                    "UPDATE webhook_delivery SET status = 'pending', next_attempt_at = $1 \
                     WHERE id = $2 AND clinic_id = $3 AND status = 'failed'",
                )
                .bind(now)
                .bind(id)
                .bind(clinic)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn enqueue_webhook_event(
                &self,
                clinic_id: i64,
                event: &str,
                event_key: &str,
                body: &str,
                now: i64,
            ) -> StoreResult<u64> {
                // The WHERE clause also keeps SQLite from reading ON CONFLICT as a join's.
                let done = sqlx::query(
                    "INSERT INTO webhook_delivery \
                     (endpoint_id, clinic_id, event, event_key, body, next_attempt_at, created_at) \
                     SELECT id, clinic_id, $2, $3, $4, $5, $5 FROM webhook_endpoint \
                     WHERE clinic_id = $1 AND (',' || events || ',') LIKE ('%,' || $2 || ',%') \
                     ON CONFLICT (endpoint_id, event_key) DO NOTHING",
                )
                .bind(clinic_id)
                .bind(event)
                .bind(event_key)
                .bind(body)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected())
            }

            async fn claim_due_webhooks(&self, now: i64, limit: i64) -> StoreResult<Vec<DueWebhook>> {
                // As the outbox: the outer status test is re-checked under the row lock on
                // PostgreSQL, so two workers never claim the same delivery.
                let claimed: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
                    "UPDATE webhook_delivery SET status = 'sending', locked_until = $1 \
                     WHERE (status = 'pending' OR (status = 'sending' AND locked_until < $2)) AND id IN ( \
                         SELECT id FROM webhook_delivery \
                         WHERE (status = 'pending' AND next_attempt_at <= $2) \
                            OR (status = 'sending' AND locked_until < $2) \
                         ORDER BY id LIMIT $3) \
                     RETURNING id, endpoint_id, event, body, attempts",
                )
                .bind(now + WEBHOOK_CLAIM_SECONDS)
                .bind(now)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                let mut due = Vec::with_capacity(claimed.len());
                for (id, endpoint_id, event, body, attempts) in claimed {
                    let target: Option<(String, String)> =
                        sqlx::query_as("SELECT url, secret FROM webhook_endpoint WHERE id = $1")
                            .bind(endpoint_id)
                            .fetch_optional(&self.pool)
                            .await?;
                    // An endpoint removed meanwhile took its deliveries with it.
                    if let Some((url, secret)) = target {
                        due.push(DueWebhook { id, url, secret, event, body, attempts });
                    }
                }
                due.sort_by_key(|d| d.id);
                Ok(due)
            }

            async fn mark_webhook_delivered(&self, id: i64, status_code: i64, now: i64) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE webhook_delivery SET status = 'delivered', delivered_at = $1, \
                     attempts = attempts + 1, last_status_code = $2, last_error = NULL, \
                     locked_until = NULL WHERE id = $3",
                )
                .bind(now)
                .bind(status_code)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mark_webhook_attempt_failed(
                &self,
                id: i64,
                status_code: Option<i64>,
                error: &str,
                retry_at: Option<i64>,
            ) -> StoreResult<()> {
                let status = if retry_at.is_some() { "pending" } else { "failed" };
                sqlx::query(
                    "UPDATE webhook_delivery SET status = $1, attempts = attempts + 1, \
                     last_status_code = $2, last_error = $3, \
                     next_attempt_at = COALESCE($4, next_attempt_at), locked_until = NULL WHERE id = $5",
                )
                .bind(status)
                .bind(status_code)
                .bind(error)
                .bind(retry_at)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}

impl_webhooks!(sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_webhooks!(sqlx::Postgres, "BEGIN");
