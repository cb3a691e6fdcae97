-- Issue 14 item 6: an email that can be turned off in one click (RFC 8058) carries the
-- address its List-Unsubscribe header names; NULL for every other email. Same as
-- postgres/0028_list_unsubscribe.sql.
ALTER TABLE outbox_email ADD COLUMN list_unsubscribe TEXT;
