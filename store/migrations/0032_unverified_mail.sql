-- Mail that may be forged, kept for a person to decide on: a reply not
-- tied to a notice it answers (or whose sender failed the receiving
-- server's checks), a bounce that names no notice owabi sent. It changes
-- nothing until staff confirm or dismiss it (notify.Doubt says why).
CREATE TABLE unverified_mail (
	id         INTEGER PRIMARY KEY,
	mail_id    TEXT    NOT NULL, -- the mail's Message-ID or digest: read once
	kind       TEXT    NOT NULL CHECK (kind IN ('reply', 'bounce')),
	contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
	notice_id  INTEGER REFERENCES notices(id) ON DELETE SET NULL, -- the notice it would answer or fail
	doubt      TEXT    NOT NULL,
	sender     TEXT    NOT NULL DEFAULT '', -- a reply's From; a bounce's recipient
	excerpt    TEXT    NOT NULL DEFAULT '', -- a reply's first lines; a bounce's status and the server's words
	status     TEXT    NOT NULL DEFAULT '', -- a bounce's status, 5.1.1
	at         TEXT    NOT NULL,
	decision   TEXT    NOT NULL DEFAULT '' CHECK (decision IN ('', 'confirmed', 'dismissed')),
	decided_by TEXT    NOT NULL DEFAULT '',
	decided_at TEXT,
	UNIQUE (mail_id, sender) -- a mail is read once; a bounce can name several recipients
);
CREATE INDEX unverified_waiting ON unverified_mail(contact_id) WHERE decision = '';
