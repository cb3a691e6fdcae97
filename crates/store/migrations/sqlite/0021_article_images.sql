-- Issue 19 item 6: images staff upload for their clinic's articles. The bytes are the
-- re-encoded image (metadata stripped), kept in the database so every web instance serves
-- them; `image_key` is the unguessable last part of the public address.
CREATE TABLE article_image (
    id           INTEGER PRIMARY KEY,
    clinic_id    INTEGER NOT NULL REFERENCES clinic(id),
    image_key    TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    alt          TEXT NOT NULL DEFAULT '',
    bytes        BLOB NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES app_user(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX article_image_clinic ON article_image (clinic_id, created_at);
