-- The incident record: what happened, as the notices and the reports tell
-- it. Every save adds a version and the latest is the record, so that its
-- history is kept: from the config when its [incident] changed, or from a
-- manager on the web app's incident page. Versions are never changed.
CREATE TABLE incident_versions (
	id       INTEGER PRIMARY KEY,
	saved_at TEXT    NOT NULL,
	source   TEXT    NOT NULL, -- config or web
	user_id  INTEGER REFERENCES users(id),
	record   TEXT    NOT NULL, -- notify.Incident as JSON: this version
	-- From the config: what the config itself said, so that the next
	-- change there is told from what it said before, and only the keys it
	-- changes replace a manager's edits.
	config   TEXT
);

CREATE TRIGGER incident_versions_no_update BEFORE UPDATE ON incident_versions BEGIN
	SELECT RAISE(ABORT, 'a saved version of the incident record cannot be changed');
END;
CREATE TRIGGER incident_versions_no_delete BEFORE DELETE ON incident_versions BEGIN
	SELECT RAISE(ABORT, 'a saved version of the incident record cannot be changed');
END;
