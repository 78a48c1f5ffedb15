-- Personal confirmation links (off unless web.ack_links is set): a random
-- token per notice, stored only as its hash, that expires. What the person
-- reports through it is kept with the acknowledgement.

CREATE TABLE ack_tokens (
	token_hash BLOB    NOT NULL PRIMARY KEY,
	notice_id  INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE, -- a notice withdrawn takes its links along
	expires_at TEXT    NOT NULL
) WITHOUT ROWID;

-- deleted: they deleted the spam; opened: they opened its link or
-- attachment; infected: they fear an infection; call: they ask for a call.
ALTER TABLE acks ADD COLUMN report TEXT NOT NULL DEFAULT ''
	CHECK (report IN ('', 'deleted', 'opened', 'infected', 'call'));
CREATE INDEX acks_at_risk ON acks(contact_id) WHERE report IN ('opened', 'infected');
