-- Issue 18: the clinician's lists at clinic scale.
--
-- 1. One audit event per view of a list. A staff member's view of a list of runners (the
--    caseload, the worklist) is one `audit_event` whose `list_id` names the runners in
--    `audit_list_runner`; every view of the same runners shares the list (found by its
--    digest), so a view writes one event, not a row per runner. Such an event's
--    `subject_user_id` is 0: the runners are the list's. A runner's access record reads both
--    the events about them alone and the events of every list that names them.
CREATE TABLE audit_list (
    id         INTEGER PRIMARY KEY,
    digest     TEXT NOT NULL UNIQUE,
    runners    INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE audit_list_runner (
    runner_id INTEGER NOT NULL,
    list_id   INTEGER NOT NULL REFERENCES audit_list(id),
    PRIMARY KEY (runner_id, list_id)
) WITHOUT ROWID;
ALTER TABLE audit_event ADD COLUMN list_id INTEGER REFERENCES audit_list(id);
CREATE INDEX audit_event_list ON audit_event (list_id);
CREATE TRIGGER audit_list_no_update BEFORE UPDATE ON audit_list
BEGIN SELECT RAISE(ABORT, 'audit_list is append-only'); END;
CREATE TRIGGER audit_list_no_delete BEFORE DELETE ON audit_list
BEGIN SELECT RAISE(ABORT, 'audit_list is append-only'); END;
CREATE TRIGGER audit_list_runner_no_update BEFORE UPDATE ON audit_list_runner
BEGIN SELECT RAISE(ABORT, 'audit_list_runner is append-only'); END;
CREATE TRIGGER audit_list_runner_no_delete BEFORE DELETE ON audit_list_runner
BEGIN SELECT RAISE(ABORT, 'audit_list_runner is append-only'); END;

-- 2. A version per person, raised in the same transaction as every write to what a caseload
--    line is worked out from (the person's row, logs, reviews, assessments, programme
--    versions, alerts). The app keeps each runner's worked-out line with the version it was
--    worked out from, so a view works out again only the lines whose runner changed (or whose
--    day moved on). Rows are never deleted, so a version is never repeated for an id.
CREATE TABLE runner_version (
    runner_id INTEGER PRIMARY KEY,
    version   INTEGER NOT NULL
);
INSERT INTO runner_version (runner_id, version) SELECT id, 1 FROM app_user;

CREATE TRIGGER app_user_version_insert AFTER INSERT ON app_user BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER app_user_version_update AFTER UPDATE ON app_user BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER app_user_version_delete AFTER DELETE ON app_user BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (OLD.id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;

CREATE TRIGGER tracking_log_version_insert AFTER INSERT ON tracking_log BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER tracking_log_version_update AFTER UPDATE ON tracking_log BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER tracking_log_version_delete AFTER DELETE ON tracking_log BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (OLD.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;

CREATE TRIGGER review_version_insert AFTER INSERT ON review BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER review_version_update AFTER UPDATE ON review BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER review_version_delete AFTER DELETE ON review BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (OLD.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;

CREATE TRIGGER assessment_version_insert AFTER INSERT ON assessment BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER assessment_version_update AFTER UPDATE ON assessment BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER assessment_version_delete AFTER DELETE ON assessment BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (OLD.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;

CREATE TRIGGER programme_version_insert AFTER INSERT ON programme BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER programme_version_update AFTER UPDATE ON programme BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER programme_version_delete AFTER DELETE ON programme BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (OLD.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;

CREATE TRIGGER alert_version_insert AFTER INSERT ON alert BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER alert_version_update AFTER UPDATE ON alert BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (NEW.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
CREATE TRIGGER alert_version_delete AFTER DELETE ON alert BEGIN
INSERT INTO runner_version (runner_id, version) VALUES (OLD.runner_id, 1)
ON CONFLICT (runner_id) DO UPDATE SET version = version + 1; END;
