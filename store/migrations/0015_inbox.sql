-- The reply mailbox: how far owabi has read it, and which mail each
-- acknowledgement came from, so that reading a mail again (the mailbox was
-- rebuilt, owabi stopped half-way) records nothing twice.

CREATE TABLE mailboxes (
	name         TEXT    NOT NULL PRIMARY KEY,
	uid_validity INTEGER NOT NULL,
	last_uid     INTEGER NOT NULL
) WITHOUT ROWID;

ALTER TABLE acks ADD COLUMN mail_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX acks_mail ON acks(mail_id) WHERE mail_id != '';
