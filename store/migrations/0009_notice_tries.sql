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
