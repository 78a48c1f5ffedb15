-- A manager can decide a contact's category, or hand the contact to
-- another member of staff; each change is kept with who made it, when and
-- why.

-- What a person decided, the rules leave alone: the category (manual), the
-- owner (owner_manual).
ALTER TABLE contacts ADD COLUMN manual INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN owner_manual INTEGER NOT NULL DEFAULT 0;

CREATE TABLE contact_events (
	id         INTEGER PRIMARY KEY,
	contact_id INTEGER NOT NULL REFERENCES contacts(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	at         TEXT    NOT NULL,
	what       TEXT    NOT NULL CHECK (what IN ('category', 'owner')),
	old        TEXT    NOT NULL,
	new        TEXT    NOT NULL,
	reason     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX contact_events_contact ON contact_events(contact_id, at);
