-- Issue 18: a change to a clinic raises the version of everyone in it. Same as
-- sqlite/0030_clinic_version.sql (see there), once per statement as in 0022.
CREATE FUNCTION runner_version_bump_clinics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO runner_version (runner_id, version)
    SELECT u.id, 1 FROM app_user u JOIN new_rows c ON u.clinic_id = c.id ORDER BY u.id
    ON CONFLICT (runner_id) DO UPDATE SET version = runner_version.version + 1;
    RETURN NULL;
END; $$;

CREATE TRIGGER clinic_version_update AFTER UPDATE ON clinic
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_clinics();

-- The runner's reminder is kept with their record for Today: a change to it raises their
-- version too (0022's functions).
CREATE TRIGGER reminder_version_insert AFTER INSERT ON reminder
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER reminder_version_update AFTER UPDATE ON reminder
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER reminder_version_delete AFTER DELETE ON reminder
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_old();
