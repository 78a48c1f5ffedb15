-- The files owabi wrote outside the database while it held personal data
-- (store/files.go): backups, exported contact lists, the copies kept
-- before a restore, the folder of the demo's captured mails. A purge
-- erases the database only; it names those still there, for the operator
-- to destroy. A row stays through a purge: a path is not personal data,
-- and the file is still to be destroyed. path is '' for a copy handed out
-- whose place owabi cannot know (a download from the web app, an export
-- to standard output). The same path written again is a row more.
CREATE TABLE written_files (
	id    INTEGER PRIMARY KEY,
	kind  TEXT NOT NULL, -- notify.FileKind
	path  TEXT NOT NULL,
	actor TEXT NOT NULL,
	at    TEXT NOT NULL
);

-- What the audit trail recorded before: a backup by its absolute path; a
-- contact list exported by the path it was given (relative, maybe), and
-- one downloaded from the web app or written to standard output by none.
INSERT INTO written_files (kind, path, actor, at)
SELECT 'backup', substr(detail, length('backup written to ') + 1), actor, at
FROM audit WHERE kind = 'backup' AND detail LIKE 'backup written to %' ORDER BY id;
INSERT INTO written_files (kind, path, actor, at)
SELECT 'export', CASE WHEN detail LIKE '%, from the web app' OR detail LIKE '%, to -' THEN ''
	ELSE substr(detail, instr(detail, ' contacts, to ') + length(' contacts, to ')) END, actor, at
FROM audit WHERE kind = 'export'
	AND (detail LIKE 'contact list, % contacts, to %' OR detail LIKE 'contact list, % contacts, from the web app') ORDER BY id;
