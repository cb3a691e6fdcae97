-- Issue 19 item 6: images staff upload for their clinic's articles. The bytes are the
-- re-encoded image (metadata stripped), kept in the database so every web instance serves
-- them; `image_key` is the unguessable last part of the public address.
CREATE TABLE article_image (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id    BIGINT NOT NULL REFERENCES clinic(id),
    image_key    TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    alt          TEXT NOT NULL DEFAULT '',
    bytes        BYTEA NOT NULL,
    created_by   BIGINT NOT NULL REFERENCES app_user(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX article_image_clinic ON article_image (clinic_id, created_at);
