-- ■ When things happened (issue 16). Every fact of the response has the
-- time it happened and the time it was recorded, and who recorded it.

-- What was done in the response outside owabi — the account's password
-- changed, the book deleted, the notice published — and the reports filed
-- with regulators (notify.Action): when it was done (at), by whom in words
-- (done_by), and when and by whom it was recorded (the staff account's
-- name, or "cli" for the command line, as the audit trail names them).
-- The filings become actions of their report's kind.
CREATE TABLE actions (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,
	at          TEXT NOT NULL,
	done_by     TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	recorded_at TEXT NOT NULL,
	recorded_by TEXT NOT NULL
);
CREATE INDEX actions_at ON actions(kind, at);
INSERT INTO actions (kind, at, recorded_at, recorded_by)
	SELECT kind, filed_at, filed_at, coalesce((SELECT name FROM users WHERE id = filings.user_id), '') FROM filings;
DROP TABLE filings;

-- A call's at is when it took place, as the salesperson says; when it was
-- recorded is kept beside it.
ALTER TABLE calls ADD COLUMN recorded_at TEXT NOT NULL DEFAULT '';
UPDATE calls SET recorded_at = at;

-- An import's done_at is when the persons concerned were listed, as a
-- manager dates it; at is when owabi read the file.
ALTER TABLE imports ADD COLUMN done_at TEXT NOT NULL DEFAULT '';
UPDATE imports SET done_at = at;
