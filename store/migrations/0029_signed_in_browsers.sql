-- Browsers that have signed in to an account before: a sign-in from one of
-- them is not slowed or locked out by a flood of attempts from strangers
-- (notify/web/auth.go). Kept by a hash of the cookie's token, like sessions;
-- a new password or a disabled account forgets them.
CREATE TABLE known_browsers (
	token_hash BLOB    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX known_browsers_user ON known_browsers(user_id, created_at);
