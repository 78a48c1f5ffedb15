-- A failed notice given another round (RequeueFailed) starts a new try:
-- the try before it is kept here, so that a report written as of an
-- earlier time counts the notice as it stood then (notify.CaseNotice).
CREATE TABLE notice_tries (
	notice_id   INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
	sent_at     TEXT,
	failed_at   TEXT    NOT NULL,
	requeued_at TEXT    NOT NULL
);
CREATE INDEX notice_tries_notice ON notice_tries(notice_id);
-- When a notice first went out, which a later try does not move: the
-- reports count the persons notified by a time from it.
ALTER TABLE notices ADD COLUMN first_sent_at TEXT;
UPDATE notices SET first_sent_at = sent_at;
-- A notice waiting for another round when it was withdrawn (the person
-- acknowledged, or is not to be contacted) is not deleted, which would
-- lose its tries: it fails, and withdrawn_at says it is not to be given
-- another round (store.withdraw).
ALTER TABLE notices ADD COLUMN withdrawn_at TEXT;
-- A notice given another round before tries were kept still holds the
-- time it last went out: that try is kept as ended then.
INSERT INTO notice_tries (notice_id, sent_at, failed_at, requeued_at)
	SELECT id, sent_at, sent_at, sent_at FROM notices WHERE state IN ('queued', 'sending') AND sent_at IS NOT NULL;
UPDATE notices SET sent_at = NULL WHERE state IN ('queued', 'sending') AND sent_at IS NOT NULL;
-- Queue looks for withdrawn notices to put back each time it runs.
CREATE INDEX notices_withdrawn ON notices(id) WHERE withdrawn_at IS NOT NULL;
