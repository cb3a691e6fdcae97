-- Issue 18: the clinician's lists at clinic scale. Same shape as sqlite/0022_clinic_lists.sql
-- (see there); the versions are raised by statement-level triggers, once per statement for
-- the runners it touched.
CREATE TABLE audit_list (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    digest     TEXT NOT NULL UNIQUE,
    runners    BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE audit_list_runner (
    runner_id BIGINT NOT NULL,
    list_id   BIGINT NOT NULL REFERENCES audit_list(id),
    PRIMARY KEY (runner_id, list_id)
);
ALTER TABLE audit_event ADD COLUMN list_id BIGINT REFERENCES audit_list(id);
CREATE INDEX audit_event_list ON audit_event (list_id);
CREATE TRIGGER audit_list_append_only BEFORE UPDATE OR DELETE ON audit_list
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_list_runner_append_only BEFORE UPDATE OR DELETE ON audit_list_runner
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();

CREATE TABLE runner_version (
    runner_id BIGINT PRIMARY KEY,
    version   BIGINT NOT NULL
);
INSERT INTO runner_version (runner_id, version) SELECT id, 1 FROM app_user;

CREATE FUNCTION runner_version_bump_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO runner_version (runner_id, version)
    SELECT DISTINCT runner_id, 1 FROM new_rows ORDER BY runner_id
    ON CONFLICT (runner_id) DO UPDATE SET version = runner_version.version + 1;
    RETURN NULL;
END; $$;

CREATE FUNCTION runner_version_bump_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO runner_version (runner_id, version)
    SELECT DISTINCT runner_id, 1 FROM old_rows ORDER BY runner_id
    ON CONFLICT (runner_id) DO UPDATE SET version = runner_version.version + 1;
    RETURN NULL;
END; $$;

CREATE FUNCTION runner_version_bump_new_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO runner_version (runner_id, version)
    SELECT DISTINCT id, 1 FROM new_rows ORDER BY id
    ON CONFLICT (runner_id) DO UPDATE SET version = runner_version.version + 1;
    RETURN NULL;
END; $$;

CREATE FUNCTION runner_version_bump_old_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO runner_version (runner_id, version)
    SELECT DISTINCT id, 1 FROM old_rows ORDER BY id
    ON CONFLICT (runner_id) DO UPDATE SET version = runner_version.version + 1;
    RETURN NULL;
END; $$;

CREATE TRIGGER app_user_version_insert AFTER INSERT ON app_user
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new_users();
CREATE TRIGGER app_user_version_update AFTER UPDATE ON app_user
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new_users();
CREATE TRIGGER app_user_version_delete AFTER DELETE ON app_user
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_old_users();

CREATE TRIGGER tracking_log_version_insert AFTER INSERT ON tracking_log
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER tracking_log_version_update AFTER UPDATE ON tracking_log
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER tracking_log_version_delete AFTER DELETE ON tracking_log
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_old();

CREATE TRIGGER review_version_insert AFTER INSERT ON review
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER review_version_update AFTER UPDATE ON review
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER review_version_delete AFTER DELETE ON review
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_old();

CREATE TRIGGER assessment_version_insert AFTER INSERT ON assessment
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER assessment_version_update AFTER UPDATE ON assessment
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER assessment_version_delete AFTER DELETE ON assessment
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_old();

CREATE TRIGGER programme_version_insert AFTER INSERT ON programme
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER programme_version_update AFTER UPDATE ON programme
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER programme_version_delete AFTER DELETE ON programme
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_old();

CREATE TRIGGER alert_version_insert AFTER INSERT ON alert
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER alert_version_update AFTER UPDATE ON alert
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_new();
CREATE TRIGGER alert_version_delete AFTER DELETE ON alert
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION runner_version_bump_old();
