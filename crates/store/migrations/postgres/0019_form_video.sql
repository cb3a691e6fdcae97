-- Issue 16 (running form from a phone video): the landmark series a runner's browser measured
-- from a video (the video itself never leaves the phone) and the metrics core worked out from
-- it, per runner. Deleting the runner deletes these with them.
CREATE TABLE form_video (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    runner_id    BIGINT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    saved_by     BIGINT NOT NULL,
    view         TEXT NOT NULL CHECK (view IN ('side', 'rear')),
    series_json  TEXT NOT NULL,
    report_json  TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX form_video_runner ON form_video (runner_id, created_at);
