-- Issue 20 (outcomes): a clinic may show one sentence about its outcomes on its public page.
-- The admin who turned it on is recorded (the daily refresh counts the runners as that admin,
-- in the audit trail); the sentence and the day it was counted are kept so public pages only
-- read. No row: not shown.
CREATE TABLE clinic_public_outcomes (
    clinic_id   BIGINT PRIMARY KEY REFERENCES clinic(id),
    enabled_by  BIGINT NOT NULL REFERENCES app_user(id),
    sentence    TEXT NOT NULL DEFAULT '',
    counted_on  TEXT NOT NULL DEFAULT ''
);
