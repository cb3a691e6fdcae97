-- A runner's record: assessments, programmes (every version kept), imported runs, and alerts for
-- their clinician. Scored results and programme bodies are JSON documents produced by `core`;
-- each keeps the protocol or library version it was made with.
CREATE TABLE assessment (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    runner_id        BIGINT NOT NULL REFERENCES app_user(id),
    entered_by       BIGINT NOT NULL REFERENCES app_user(id),
    kind             TEXT NOT NULL CHECK (kind IN ('baseline', 'retest')),
    status           TEXT NOT NULL CHECK (status IN ('draft', 'complete', 'stopped')),
    protocol_version TEXT NOT NULL,
    step             TEXT NOT NULL DEFAULT '',
    raw_json         TEXT NOT NULL,
    result_json      TEXT,
    notes            TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX assessment_runner ON assessment (runner_id, created_at);

CREATE TABLE programme (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    runner_id     BIGINT NOT NULL REFERENCES app_user(id),
    assessment_id BIGINT REFERENCES assessment(id),
    version       BIGINT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('suggested', 'approved', 'superseded')),
    body_json     TEXT NOT NULL,
    created_by    BIGINT NOT NULL REFERENCES app_user(id),
    created_at    BIGINT NOT NULL,
    approved_by   BIGINT REFERENCES app_user(id),
    approved_at   BIGINT,
    CONSTRAINT programme_version_key UNIQUE (runner_id, version)
);

CREATE TABLE run (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    runner_id    BIGINT NOT NULL REFERENCES app_user(id),
    content_hash TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    sport        TEXT NOT NULL,
    summary_json TEXT NOT NULL,
    imported_at  BIGINT NOT NULL,
    CONSTRAINT run_content_key UNIQUE (runner_id, content_hash)
);
CREATE INDEX run_runner ON run (runner_id, started_at);

CREATE TABLE alert (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    runner_id   BIGINT NOT NULL REFERENCES app_user(id),
    tier        TEXT NOT NULL CHECK (tier IN ('critical', 'high', 'low')),
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by BIGINT REFERENCES app_user(id)
);
CREATE INDEX alert_runner ON alert (runner_id, resolved_at);
