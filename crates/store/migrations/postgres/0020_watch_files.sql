-- Issue 15: the original watch files, kept beside the runs read from them, so a runner's export
-- holds them and deleting the account removes them. One row per file per runner (`file_hash`
-- is the hex SHA-256 of the bytes, the prefix of its runs' `content_hash`); at most
-- ingest's 64 MiB per file.
CREATE TABLE watch_file (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    runner_id   BIGINT NOT NULL REFERENCES app_user(id),
    file_hash   TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    bytes       BYTEA NOT NULL,
    uploaded_at BIGINT NOT NULL,
    CONSTRAINT watch_file_key UNIQUE (runner_id, file_hash)
);
