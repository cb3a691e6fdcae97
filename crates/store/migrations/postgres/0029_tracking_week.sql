-- Running summaries of each runner's logs, one row per runner and calendar week (`week_start`,
-- the Monday): what each day's logs add up to for the progress charts (JSON, core's
-- `DaySummary`), kept up to date in the transaction that stores a log, so the charts need not
-- replay the logs.
CREATE TABLE tracking_week (
    runner_id  BIGINT NOT NULL REFERENCES app_user(id),
    week_start TEXT NOT NULL,
    days_json  TEXT NOT NULL,
    PRIMARY KEY (runner_id, week_start)
);

-- Runners whose logs were stored before the summaries existed: summed up once after the
-- migrations (store/src/summaries.rs, `catch_up`), each removed here as it is done.
CREATE TABLE tracking_week_pending (
    runner_id BIGINT PRIMARY KEY REFERENCES app_user(id)
);
INSERT INTO tracking_week_pending (runner_id) SELECT DISTINCT runner_id FROM tracking_log;
