-- The first schema: contacts and their addresses, imports, and the outbox.
-- Times are UTC text in a fixed-width layout so that they sort as text.

CREATE TABLE imports (
	id          INTEGER PRIMARY KEY,
	file        TEXT    NOT NULL,
	format      TEXT    NOT NULL,
	encoding    TEXT    NOT NULL DEFAULT '',
	at          TEXT    NOT NULL,
	records     INTEGER NOT NULL,
	added       INTEGER NOT NULL,
	updated     INTEGER NOT NULL,
	unchanged   INTEGER NOT NULL,
	merged      INTEGER NOT NULL,
	rejected    INTEGER NOT NULL
);

CREATE TABLE import_rejects (
	import_id INTEGER NOT NULL REFERENCES imports(id),
	number    INTEGER NOT NULL,
	line      INTEGER NOT NULL,
	reason    TEXT    NOT NULL
);

CREATE TABLE contacts (
	id          INTEGER PRIMARY KEY,
	family      TEXT NOT NULL DEFAULT '',
	given       TEXT NOT NULL DEFAULT '',
	family_kana TEXT NOT NULL DEFAULT '',
	given_kana  TEXT NOT NULL DEFAULT '',
	company     TEXT NOT NULL DEFAULT '',
	department  TEXT NOT NULL DEFAULT '',
	title       TEXT NOT NULL DEFAULT '',
	phones      TEXT NOT NULL DEFAULT '', -- one per line
	labels      TEXT NOT NULL DEFAULT '', -- one per line
	notes       TEXT NOT NULL DEFAULT '',
	category    TEXT NOT NULL DEFAULT 'unclassified'
	            CHECK (category IN ('customer', 'supplier', 'employee', 'unclassified')),
	rule        TEXT NOT NULL DEFAULT 'none',
	rule_detail TEXT NOT NULL DEFAULT '',
	owner_email TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX contacts_category ON contacts(category);

-- Addresses compare without regard to case (NOCASE folds ASCII, and
-- addresses are ASCII here): Taro@x and taro@x reach the same person, who
-- must not get two notices.
CREATE TABLE addresses (
	id         INTEGER PRIMARY KEY,
	contact_id INTEGER NOT NULL REFERENCES contacts(id),
	email      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	created_at TEXT    NOT NULL
);
CREATE INDEX addresses_contact ON addresses(contact_id);

CREATE TABLE notices (
	id         INTEGER PRIMARY KEY,
	contact_id INTEGER NOT NULL REFERENCES contacts(id),
	address_id INTEGER NOT NULL REFERENCES addresses(id),
	kind       TEXT    NOT NULL CHECK (kind IN ('deletion', 'apology')),
	lang       TEXT    NOT NULL,
	state      TEXT    NOT NULL DEFAULT 'queued'
	           CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
	message_id TEXT    NOT NULL UNIQUE,
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_try   TEXT    NOT NULL,
	last_error TEXT    NOT NULL DEFAULT '',
	queued_at  TEXT    NOT NULL,
	sent_at    TEXT
);
-- One notice of each kind per address; resends will be linked rows of their own.
CREATE UNIQUE INDEX notices_once ON notices(address_id, kind);
-- Only queued notices are looked up by due time; keeping the others out of
-- the index means marking a notice sent touches no index at all.
CREATE INDEX notices_due ON notices(next_try) WHERE state = 'queued';
