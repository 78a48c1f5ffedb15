-- A manager can mark a contact not to be contacted (they asked, or another
-- channel handles them): no notice is queued for them, and the calling
-- lists put them last. The change is kept in the contact's history, whose
-- kinds of change grow by one.

ALTER TABLE contacts ADD COLUMN do_not_contact INTEGER NOT NULL DEFAULT 0;

CREATE TABLE contact_events_new (
	id         INTEGER PRIMARY KEY,
	contact_id INTEGER NOT NULL REFERENCES contacts(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	at         TEXT    NOT NULL,
	what       TEXT    NOT NULL CHECK (what IN ('category', 'owner', 'contact')),
	old        TEXT    NOT NULL,
	new        TEXT    NOT NULL,
	reason     TEXT    NOT NULL DEFAULT ''
);
INSERT INTO contact_events_new SELECT * FROM contact_events;
DROP TABLE contact_events;
ALTER TABLE contact_events_new RENAME TO contact_events;
CREATE INDEX contact_events_contact ON contact_events(contact_id, at);
