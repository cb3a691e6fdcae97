-- Issue 18: a change to a clinic (its name, units, time zone, contact, colour, thresholds)
-- raises the version of everyone in it, as a change to their own record does (0022). What a
-- page worked out from a runner's record and their clinic's settings can then be kept while
-- the version is unchanged, without reading the clinic on every view.
CREATE TRIGGER clinic_version_update AFTER UPDATE ON clinic BEGIN
INSERT INTO runner_version (runner_id, version)
SELECT id, 1 FROM app_user WHERE clinic_id = NEW.id
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;

-- The runner's reminder is kept with their record for Today (its form shows it): a change to
-- it raises their version too.
CREATE TRIGGER reminder_version_insert AFTER INSERT ON reminder BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER reminder_version_update AFTER UPDATE ON reminder BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER reminder_version_delete AFTER DELETE ON reminder BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (OLD.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
