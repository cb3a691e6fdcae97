-- The clinic's front door: the free guide's exercises, leads with their consent, single-use
-- links sent by email (guide download, unsubscribe), who asked to hear no more, counters for
-- the public forms' rate limits, articles, and invitations sent from the inbox.
CREATE TABLE front_guide (
    clinic_id  BIGINT PRIMARY KEY REFERENCES clinic(id),
    -- Library exercise ids, comma-separated, in the guide's order.
    exercises  TEXT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES app_user(id),
    updated_at BIGINT NOT NULL
);

CREATE TABLE front_lead (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id     BIGINT NOT NULL REFERENCES clinic(id),
    inbox_item_id BIGINT NOT NULL REFERENCES inbox_item(id),
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    source        TEXT NOT NULL,
    consent_text  TEXT NOT NULL,
    consent_at    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX front_lead_clinic ON front_lead (clinic_id, created_at);
CREATE INDEX front_lead_inbox ON front_lead (inbox_item_id);

CREATE TABLE front_mail_token (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('guide', 'unsubscribe')),
    clinic_id  BIGINT NOT NULL REFERENCES clinic(id),
    email      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE front_unsubscribed (
    email      TEXT PRIMARY KEY,
    at         BIGINT NOT NULL
);

CREATE TABLE front_attempt (
    id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form  TEXT NOT NULL,
    ip    TEXT NOT NULL,
    email TEXT NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX front_attempt_ip ON front_attempt (form, ip, at);
CREATE INDEX front_attempt_email ON front_attempt (form, email, at);

CREATE TABLE article (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id  BIGINT NOT NULL REFERENCES clinic(id),
    slug       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    tags       TEXT NOT NULL DEFAULT '',
    author     TEXT NOT NULL,
    article_date TEXT NOT NULL,
    published  BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT article_slug_key UNIQUE (clinic_id, slug)
);
CREATE INDEX article_clinic ON article (clinic_id, published, article_date);

CREATE TABLE front_inbox_invite (
    invite_token_hash TEXT PRIMARY KEY,
    inbox_item_id     BIGINT NOT NULL REFERENCES inbox_item(id),
    created_at        BIGINT NOT NULL
);
