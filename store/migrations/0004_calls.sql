-- Phone calls to contacts and what was heard: the sales staff's log.

CREATE TABLE calls (
	id           INTEGER PRIMARY KEY,
	contact_id   INTEGER NOT NULL REFERENCES contacts(id),
	user_id      INTEGER NOT NULL REFERENCES users(id),
	at           TEXT    NOT NULL,
	outcome      TEXT    NOT NULL
	             CHECK (outcome IN ('reached', 'no_answer', 'voicemail', 'wrong_number', 'call_back')),
	call_back_at TEXT    NOT NULL DEFAULT '',
	arrived      TEXT    NOT NULL DEFAULT '' CHECK (arrived IN ('', 'yes', 'no')),
	opened       TEXT    NOT NULL DEFAULT '' CHECK (opened IN ('', 'yes', 'no')),
	clicked      TEXT    NOT NULL DEFAULT '' CHECK (clicked IN ('', 'yes', 'no')),
	infected     TEXT    NOT NULL DEFAULT '' CHECK (infected IN ('', 'yes', 'no')),
	deleted      TEXT    NOT NULL DEFAULT '' CHECK (deleted IN ('', 'yes', 'no')),
	follow_up    TEXT    NOT NULL DEFAULT ''
	             CHECK (follow_up IN ('', 'apology_visit', 'virus_check', 'virus_removal')),
	follow_up_on TEXT    NOT NULL DEFAULT '', -- a date, YYYY-MM-DD
	note         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX calls_contact ON calls(contact_id, at);

-- A contact's notices are shown on its page and weigh in its urgency.
CREATE INDEX notices_contact ON notices(contact_id);
