-- A member of staff may choose the app's language ('' follows the
-- browser), and a session ends after a while without use as well as at
-- its fixed end: seen_at is when it was last used.

ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT '' CHECK (lang IN ('', 'ja', 'en'));
ALTER TABLE sessions ADD COLUMN seen_at TEXT NOT NULL DEFAULT '';
