-- Issue 14 item 6: the runner's reminder to log on Today. Same shape as
-- postgres/0012_reminders.sql.

-- One row per runner who chose a reminder. `minute_of_day` is local time (the runner's time
-- zone); `days` has one bit per weekday from Monday (1) to Sunday (64). `next_due_at` is the
-- next reminder instant (Unix seconds), worked out when the row is saved or a reminder is
-- handled, so the hourly task finds the due ones by index.
CREATE TABLE reminder (
    runner_id     INTEGER PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
    enabled       BOOLEAN NOT NULL,
    minute_of_day INTEGER NOT NULL CHECK (minute_of_day BETWEEN 0 AND 1439),
    days          INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
    next_due_at   INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX reminder_due ON reminder (enabled, next_due_at);

-- One row per reminder emailed: at most one per runner and local date. The email's link to
-- turn reminders off is a random token kept here only as its hash.
CREATE TABLE reminder_sent (
    runner_id  INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    local_date TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (runner_id, local_date)
);
