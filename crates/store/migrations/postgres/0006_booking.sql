-- Coaching-call booking (issue 7): each clinician's call hours, the calls visitors book, and
-- optional attachments (the .ics invite) on queued emails.

-- One row per clinician who has set call hours: core's `Availability` and `Exception`s as JSON
-- (checked again by core when read back), and how soon and how far ahead calls may be booked.
CREATE TABLE call_hours (
    clinician_id         BIGINT PRIMARY KEY REFERENCES app_user(id),
    clinic_id            BIGINT NOT NULL REFERENCES clinic(id),
    availability_json    TEXT NOT NULL,
    exceptions_json      TEXT NOT NULL DEFAULT '[]',
    minimum_notice_hours BIGINT NOT NULL,
    horizon_days         BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX call_hours_clinic ON call_hours (clinic_id);

-- A booked call. The visitor's private link is kept only as a hash. A live booking holds its
-- slot through the unique index, so when two visitors race for one slot the database decides;
-- a cancelled one frees it.
CREATE TABLE booking (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id         BIGINT NOT NULL REFERENCES clinic(id),
    clinician_id      BIGINT NOT NULL REFERENCES app_user(id),
    starts_at         BIGINT NOT NULL,
    ends_at           BIGINT NOT NULL,
    name              TEXT NOT NULL,
    email             TEXT NOT NULL,
    phone             TEXT NOT NULL DEFAULT '',
    message           TEXT NOT NULL DEFAULT '',
    time_zone         TEXT NOT NULL,
    token_hash        TEXT NOT NULL UNIQUE,
    reminder_email_id BIGINT REFERENCES outbox_email(id) ON DELETE SET NULL,
    inbox_item_id     BIGINT REFERENCES inbox_item(id),
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    cancelled_at      BIGINT
);
CREATE UNIQUE INDEX booking_slot_taken ON booking (clinician_id, starts_at) WHERE cancelled_at IS NULL;
CREATE INDEX booking_clinic ON booking (clinic_id, starts_at);

ALTER TABLE outbox_email ADD COLUMN attachment_name TEXT;
ALTER TABLE outbox_email ADD COLUMN attachment_type TEXT;
ALTER TABLE outbox_email ADD COLUMN attachment_body TEXT;
