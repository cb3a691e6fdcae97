-- Each email belongs to the clinic that sent it (NULL: instance-wide mail, for the operator
-- only), and names the runner it is about, so a staff member's view of it is audited.
ALTER TABLE outbox_email ADD COLUMN clinic_id BIGINT REFERENCES clinic(id);
ALTER TABLE outbox_email ADD COLUMN about_user_id BIGINT REFERENCES app_user(id);
CREATE INDEX outbox_email_clinic ON outbox_email (clinic_id, id);

-- Emails queued before: they belong to the clinic of the account they were sent to, if any.
-- Anything else (visitors' bookings, guide links) stays with the operator, hidden from clinics.
UPDATE outbox_email SET
    clinic_id = (SELECT u.clinic_id FROM app_user u WHERE u.email = outbox_email.to_address),
    about_user_id = (SELECT u.id FROM app_user u
                     WHERE u.email = outbox_email.to_address AND u.role = 'runner');
