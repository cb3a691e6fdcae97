-- A coaching programme: a named multi-week programme (the clinic names it, e.g. "Return to
-- Run, 6 weeks") that groups a runner's exercise programmes and weekly check-ins.
CREATE TABLE coaching_programme (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    runner_id  BIGINT NOT NULL REFERENCES app_user(id),
    name       TEXT NOT NULL,
    weeks      BIGINT NOT NULL CHECK (weeks BETWEEN 1 AND 52),
    starts_on  TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES app_user(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX coaching_programme_runner ON coaching_programme (runner_id, starts_on);
