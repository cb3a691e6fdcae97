-- The clinic's inbox: everyone who came through the front door (a free-guide download, a
-- consult request, a booked call), moved along a pipeline by the clinic's staff.
CREATE TABLE inbox_item (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id  BIGINT NOT NULL REFERENCES clinic(id),
    kind       TEXT NOT NULL CHECK (kind IN ('guide', 'consult', 'booking')),
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    message    TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    stage      TEXT NOT NULL DEFAULT 'new' CHECK (stage IN ('new', 'contacted', 'call_booked', 'enrolled', 'closed')),
    notes      TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX inbox_item_clinic ON inbox_item (clinic_id, stage, created_at);
