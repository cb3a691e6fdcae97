-- The front door that converts (issue 19): how each clinician's calls happen (phone, or video
-- at a link), the clinic's closed days (its country's public holidays as edited by the admin),
-- and a new inbox kind for runners who signed up from the clinic's page.
ALTER TABLE inbox_item DROP CONSTRAINT inbox_item_kind_check;
ALTER TABLE inbox_item ADD CONSTRAINT inbox_item_kind_check
    CHECK (kind IN ('guide', 'consult', 'booking', 'signup'));
CREATE INDEX inbox_item_email ON inbox_item (clinic_id, email);

-- `phone` or `video`; the link visitors join a video call at.
ALTER TABLE call_hours ADD COLUMN call_mode TEXT NOT NULL DEFAULT 'phone' CHECK (call_mode IN ('phone', 'video'));
ALTER TABLE call_hours ADD COLUMN video_link TEXT NOT NULL DEFAULT '';

-- The clinic's closed days: core's `ClinicHolidays` as JSON (country, default holidays it opens
-- on, days of its own). No row: the default list for the country of the clinic's time zone.
CREATE TABLE clinic_holidays (
    clinic_id     BIGINT PRIMARY KEY REFERENCES clinic(id),
    holidays_json TEXT NOT NULL,
    updated_by    BIGINT NOT NULL REFERENCES app_user(id),
    updated_at    BIGINT NOT NULL
);
