-- Issue 17: personal access tokens for the JSON API (`/api/v1`). Same shape as
-- sqlite/0025_api_tokens.sql.

-- One row per token a person made on their account page. The token itself is shown once and
-- kept only as its SHA-256 (`token_hash`); `prefix` is its first characters, so a list can
-- tell tokens apart. `scope` is 'read' or 'write' (read-write). `expires_at` is NULL for a
-- token without an expiry; `revoked_at` is set when its owner revokes it (the row stays, so a
-- revoked token is answered as revoked). `last_used_at` is updated at most every few minutes.
CREATE TABLE api_token (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_token_user ON api_token (user_id);
