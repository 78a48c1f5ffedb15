-- An import commits a chunk of entries at a time, so that the web app's
-- writers get in between (store/import.go), and keeps its all-or-nothing
-- promise by undoing what it committed when it fails (store/undo.go).
--
-- state: 'running' until the import's last transaction marks it 'done'.
-- An import left 'running' by a process that stopped is undone by the
-- next import or writing command. What the import adds is told by
-- watermarks: the import lock lets one import run at a time, and only
-- imports add contacts and addresses, so every contact from first_contact
-- on and every address from first_address on came with it.
ALTER TABLE imports ADD COLUMN state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('running', 'done'));
ALTER TABLE imports ADD COLUMN first_contact INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN first_address INTEGER NOT NULL DEFAULT 0;

-- Each contact stored before the import and changed by it, as it was
-- before: taken in the transaction that first changes it, and dropped
-- once the import is done.
CREATE TABLE import_undo (
	import_id   INTEGER NOT NULL REFERENCES imports(id),
	contact_id  INTEGER NOT NULL REFERENCES contacts(id),
	family      TEXT    NOT NULL,
	given       TEXT    NOT NULL,
	family_kana TEXT    NOT NULL,
	given_kana  TEXT    NOT NULL,
	company     TEXT    NOT NULL,
	department  TEXT    NOT NULL,
	title       TEXT    NOT NULL,
	phones      TEXT    NOT NULL,
	labels      TEXT    NOT NULL,
	notes       TEXT    NOT NULL,
	category    TEXT    NOT NULL,
	rule        TEXT    NOT NULL,
	rule_detail TEXT    NOT NULL,
	owner_email TEXT    NOT NULL,
	-- its row in contact_search
	search_text TEXT    NOT NULL,
	name_key    TEXT    NOT NULL,
	company_key TEXT    NOT NULL,
	PRIMARY KEY (import_id, contact_id)
) WITHOUT ROWID;

-- An undo keeps every new contact someone worked on meanwhile, and looks
-- them up by contact in each table that can name one; acks had an index
-- for the acknowledgements that count only.
CREATE INDEX acks_by_contact ON acks(contact_id);
