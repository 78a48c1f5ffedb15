-- When each report to a regulator was filed, and who recorded it.
CREATE TABLE filings (
	kind     TEXT    NOT NULL PRIMARY KEY, -- ppc_preliminary, ppc_final, gdpr
	filed_at TEXT    NOT NULL,
	user_id  INTEGER NOT NULL REFERENCES users(id)
) WITHOUT ROWID;
