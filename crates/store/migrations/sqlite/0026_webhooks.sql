-- Issue 17: a clinic's webhooks. An endpoint is a URL of the clinic's other system, the events
-- it wants, and the secret its deliveries are signed with (HMAC-SHA256: the secret must be
-- kept as it is to sign, so it is stored as it is, and shown to the clinic's admins only).
-- Each event becomes one delivery per subscribed endpoint: a durable queue, worked like the
-- email outbox, kept as the delivery log. `event_key` names the event (`alert-12`), so the same
-- event is queued once per endpoint however often it is announced.
CREATE TABLE webhook_endpoint (
    id          INTEGER PRIMARY KEY,
    clinic_id   INTEGER NOT NULL REFERENCES clinic(id),
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    events      TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES app_user(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX webhook_endpoint_clinic ON webhook_endpoint (clinic_id, id);

CREATE TABLE webhook_delivery (
    id               INTEGER PRIMARY KEY,
    endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoint(id) ON DELETE CASCADE,
    clinic_id        INTEGER NOT NULL REFERENCES clinic(id),
    event            TEXT NOT NULL,
    event_key        TEXT NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    locked_until     INTEGER,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    delivered_at     INTEGER,
    CONSTRAINT webhook_delivery_once UNIQUE (endpoint_id, event_key)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (status, next_attempt_at);
CREATE INDEX webhook_delivery_clinic ON webhook_delivery (clinic_id, id);
