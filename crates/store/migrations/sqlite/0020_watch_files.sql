-- Issue 15: the original watch files, kept beside the runs read from them, so a runner's export
-- holds them and deleting the account removes them. One row per file per runner (`file_hash`
-- is the hex SHA-256 of the bytes, the prefix of its runs' `content_hash`); at most
-- ingest's 64 MiB per file.
CREATE TABLE watch_file (
    id          INTEGER PRIMARY KEY,
    runner_id   INTEGER NOT NULL REFERENCES app_user(id),
    file_hash   TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    uploaded_at INTEGER NOT NULL,
    CONSTRAINT watch_file_key UNIQUE (runner_id, file_hash)
);
