-- Issue 15: a runner's data is theirs. A clinic keeps a deleted runner's clinical records for
-- the years it sets (1 to 30; 8 by default, our choice), under a pseudonym; `deleted_at` marks
-- such an account and `retain_until` is when housekeeping removes what was kept.
ALTER TABLE clinic ADD COLUMN retention_years BIGINT NOT NULL DEFAULT 8
    CHECK (retention_years BETWEEN 1 AND 30);
ALTER TABLE app_user ADD COLUMN deleted_at BIGINT;
ALTER TABLE app_user ADD COLUMN retain_until BIGINT;
CREATE INDEX app_user_retained ON app_user (retain_until) WHERE retain_until IS NOT NULL;
