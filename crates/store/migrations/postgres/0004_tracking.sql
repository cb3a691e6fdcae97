-- A clinic's own settings (how it is printed and reached, the cut-offs it chose) and a runner's
-- daily tracking: logs as typed (sessions, runs, morning check-ins) and the pain-monitoring
-- reviews made of them, which a clinician accepts or overrides.
ALTER TABLE clinic ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE clinic ADD COLUMN brand_colour TEXT NOT NULL DEFAULT '#1f6f8b';
ALTER TABLE clinic ADD COLUMN thresholds_json TEXT;
ALTER TABLE clinic ADD COLUMN progression_json TEXT;

CREATE TABLE tracking_log (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    runner_id       BIGINT NOT NULL REFERENCES app_user(id),
    entered_by      BIGINT NOT NULL REFERENCES app_user(id),
    kind            TEXT NOT NULL CHECK (kind IN ('session', 'run', 'morning')),
    log_date        TEXT NOT NULL,
    body_json       TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    CONSTRAINT tracking_log_idempotency_key UNIQUE (runner_id, idempotency_key)
);
CREATE INDEX tracking_log_runner ON tracking_log (runner_id, log_date);
CREATE UNIQUE INDEX tracking_log_one_morning ON tracking_log (runner_id, log_date) WHERE kind = 'morning';

CREATE TABLE review (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    runner_id      BIGINT NOT NULL REFERENCES app_user(id),
    programme_id   BIGINT NOT NULL REFERENCES programme(id),
    review_date    TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('after_day', 'weekly')),
    status         TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'overridden')),
    body_json      TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    decided_by     BIGINT REFERENCES app_user(id),
    decided_at     BIGINT,
    created_at     BIGINT NOT NULL,
    CONSTRAINT review_day_key UNIQUE (runner_id, programme_id, review_date, kind)
);
CREATE INDEX review_runner ON review (runner_id, review_date);
