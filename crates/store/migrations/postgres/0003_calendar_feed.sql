-- Private calendar subscription links: one per runner, stored as a hash; a new link replaces the old.
CREATE TABLE calendar_feed (
    runner_id  BIGINT PRIMARY KEY REFERENCES app_user(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
