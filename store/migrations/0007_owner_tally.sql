-- Contacts per owner, for the dashboard's table of staff: kept like the
-- tally, by imports as they insert and by a trigger when an owner changes.

CREATE TABLE owner_tally (
	owner    TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,
	contacts INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO owner_tally (owner, contacts)
	SELECT lower(owner_email), count(*) FROM contacts WHERE owner_email != '' GROUP BY owner_email COLLATE NOCASE;

CREATE TRIGGER owner_tally_moved AFTER UPDATE OF owner_email ON contacts
	WHEN OLD.owner_email != NEW.owner_email COLLATE NOCASE BEGIN
	UPDATE owner_tally SET contacts = contacts - 1 WHERE owner = OLD.owner_email;
	INSERT INTO owner_tally (owner, contacts) SELECT lower(NEW.owner_email), 1 WHERE NEW.owner_email != ''
		ON CONFLICT (owner) DO UPDATE SET contacts = contacts + 1;
END;
