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

-- A notice of someone not to be contacted never waits in the queue: one
-- that comes back to it (a retry, a release, a restart, a requeue of
-- failures) is withdrawn at once. The running counts follow through the
-- notice triggers.
CREATE TRIGGER notice_withheld AFTER UPDATE OF state ON notices
	WHEN NEW.state = 'queued' AND (SELECT do_not_contact FROM contacts WHERE id = NEW.contact_id) BEGIN
	DELETE FROM notices WHERE id = NEW.id;
END;

-- Counting who is not to be contacted reads only them.
CREATE INDEX contacts_do_not_contact ON contacts(category) WHERE do_not_contact;
