-- Clinics, people, tokens, login throttling, the audit trail and the email outbox.
-- Times are Unix seconds (UTC); units are SI. same shape as sqlite/0001_accounts.sql.
CREATE TABLE clinic (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    distance_unit TEXT NOT NULL DEFAULT 'km' CHECK (distance_unit IN ('km', 'mi')),
    mass_unit     TEXT NOT NULL DEFAULT 'kg' CHECK (mass_unit IN ('kg', 'lb')),
    time_zone     TEXT NOT NULL DEFAULT 'UTC',
    created_at    BIGINT NOT NULL
);

CREATE TABLE app_user (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id     BIGINT REFERENCES clinic(id),
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('runner', 'clinician', 'admin')),
    time_zone     TEXT NOT NULL DEFAULT 'UTC',
    distance_unit TEXT CHECK (distance_unit IN ('km', 'mi')),
    mass_unit     TEXT CHECK (mass_unit IN ('kg', 'lb')),
    created_at    BIGINT NOT NULL,
    CONSTRAINT app_user_email_key UNIQUE (email)
);
CREATE INDEX app_user_clinic ON app_user (clinic_id);

CREATE TABLE password_reset (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE TABLE invite (
    token_hash TEXT PRIMARY KEY,
    clinic_id  BIGINT NOT NULL REFERENCES clinic(id),
    email      TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('runner', 'clinician', 'admin')),
    invited_by BIGINT NOT NULL REFERENCES app_user(id),
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE TABLE login_failure (
    id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX login_failure_email ON login_failure (email, at);
CREATE INDEX login_failure_ip ON login_failure (ip, at);

CREATE TABLE audit_event (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              BIGINT NOT NULL,
    actor_user_id   BIGINT NOT NULL,
    subject_user_id BIGINT NOT NULL,
    action          TEXT NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_subject ON audit_event (subject_user_id, at);
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();

CREATE TABLE outbox_email (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until    BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX outbox_email_due ON outbox_email (status, next_attempt_at);
