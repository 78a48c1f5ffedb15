-- What the contact list's search looks in, one row per contact: its names,
-- readings, company, phone digits and addresses, folded the way a query is
-- (see search.go), so that finding a contact scans one narrow table with
-- instr() instead of every contact column with LIKE. Import keeps it up to
-- date; the rows for contacts stored before this migration are filled in
-- by Go right after it, in the same transaction.

CREATE TABLE contact_search (
	contact_id  INTEGER PRIMARY KEY REFERENCES contacts(id),
	text        TEXT NOT NULL,
	-- The lists' sort keys, folded the same way: the reading (the name
	-- when there is none), and the company without its type (株式会社).
	name_key    TEXT NOT NULL DEFAULT '',
	company_key TEXT NOT NULL DEFAULT ''
);
-- The reading order, the one most used, reads the first page from here.
CREATE INDEX contact_search_name ON contact_search(name_key, contact_id);

-- The list's "notice failed" filter starts from the few failed notices.
CREATE INDEX notices_failed ON notices(contact_id) WHERE state = 'failed';
