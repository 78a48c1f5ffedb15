-- The audit trail: every action, append-only, with who did it, when and
-- what changed. Each entry carries a hash over its content and the entry
-- before it, so that an entry changed or removed behind owabi's back
-- breaks the chain where it happened (owabi audit verify). Within owabi,
-- nothing can change or remove an entry.

CREATE TABLE audit (
	id         INTEGER PRIMARY KEY,
	at         TEXT    NOT NULL,
	actor      TEXT    NOT NULL, -- a staff account, "cli" for the command line, "owabi" for the daemon
	kind       TEXT    NOT NULL, -- import, call, ack, reclassify, reassign, contact, login, export, resend, ...
	contact_id INTEGER,          -- the contact it is about, if one
	detail     TEXT    NOT NULL,
	prev       BLOB    NOT NULL, -- the hash of the entry before (32 zero bytes for the first)
	hash       BLOB    NOT NULL  -- sha256 over prev and this entry's fields
);
CREATE INDEX audit_contact ON audit(contact_id, at) WHERE contact_id IS NOT NULL;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
	SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
	SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;
