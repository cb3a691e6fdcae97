-- Issue 16 (running form from a phone video): a clinician's decision on each finding of an
-- analysis, confirmed or dismissed, one per metric (deciding again replaces it). Only confirmed
-- findings fill in a staff-led assessment. Deleting the analysis deletes its decisions.
CREATE TABLE form_video_review (
    form_video_id  BIGINT NOT NULL REFERENCES form_video(id) ON DELETE CASCADE,
    metric         TEXT NOT NULL,
    decision       TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed')),
    decided_by     BIGINT NOT NULL,
    decided_at     BIGINT NOT NULL,
    PRIMARY KEY (form_video_id, metric)
);
