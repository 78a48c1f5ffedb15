-- Every entry of every import keeps its outcome, so that a manager can see
-- later what became of entry 523 of a file: added as a new contact, folded
-- into one, unchanged, or rejected and why. It replaces import_rejects,
-- which held only the rejected entries.

CREATE TABLE import_rows (
	import_id  INTEGER NOT NULL REFERENCES imports(id),
	number     INTEGER NOT NULL, -- the entry's number in the file
	line       INTEGER NOT NULL, -- the physical line where it starts
	outcome    TEXT    NOT NULL
	           CHECK (outcome IN ('added', 'updated', 'unchanged', 'merged', 'rejected')),
	contact_id INTEGER REFERENCES contacts(id), -- NULL when rejected
	note       TEXT    NOT NULL DEFAULT '',     -- why it was rejected, or what to check
	PRIMARY KEY (import_id, number)
) WITHOUT ROWID;

INSERT INTO import_rows (import_id, number, line, outcome, note)
	SELECT import_id, number, line, 'rejected', reason FROM import_rejects;
DROP TABLE import_rejects;

ALTER TABLE imports ADD COLUMN addresses_added INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;

-- Counting by category scans the table quickly enough; the index only
-- slowed every insert.
DROP INDEX contacts_category;

-- When a contact or address appeared, and what changed it, is recorded per
-- event (the import and its rows above), not as times on every row, which
-- nothing read and every import paid for.
ALTER TABLE contacts DROP COLUMN created_at;
ALTER TABLE contacts DROP COLUMN updated_at;
ALTER TABLE addresses DROP COLUMN created_at;
