-- Staff accounts for the web app, and their sessions.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	-- The member of staff's own address: contacts whose owner_email it is
	-- are theirs to call.
	email         TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
	role          TEXT    NOT NULL CHECK (role IN ('manager', 'sales')),
	password_hash TEXT    NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT    NOT NULL
);

-- A session is found by a hash of the token in its cookie: the database
-- alone cannot be used to sign in.
CREATE TABLE sessions (
	token_hash BLOB    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	csrf       TEXT    NOT NULL,
	expires_at TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- A member of staff's contacts are found by their address.
CREATE INDEX contacts_owner ON contacts(owner_email COLLATE NOCASE);
