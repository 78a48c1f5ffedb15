-- owabi's schema, as its first release creates it. A later change is a
-- migration of its own, numbered after this one (store.Open applies them
-- in order, each in its transaction; afterMigration completes one in Go
-- where SQL alone cannot).
--
-- Times are UTC text in a fixed-width layout, so that they sort as text.
-- Addresses compare without regard to case (NOCASE folds ASCII, and
-- addresses are ASCII here): Taro@x and taro@x reach the same person, who
-- must not get two notices.
--
-- What owabi decides is Go's (notify): the tables keep the facts, and
-- beside them what Go decided of them, written in the same transaction.
-- The triggers below guard what must never change (the audit trail, the
-- incident record's versions, the book once purged); those here that
-- keep the running counts of contacts and notices moved into Go in 0004
-- (store/tally.go).

-- ■ The leaked book: contacts, their addresses, imports

CREATE TABLE contacts (
	id             INTEGER PRIMARY KEY,
	family         TEXT    NOT NULL DEFAULT '',
	given          TEXT    NOT NULL DEFAULT '',
	family_kana    TEXT    NOT NULL DEFAULT '',
	given_kana     TEXT    NOT NULL DEFAULT '',
	company        TEXT    NOT NULL DEFAULT '',
	department     TEXT    NOT NULL DEFAULT '',
	title          TEXT    NOT NULL DEFAULT '',
	phones         TEXT    NOT NULL DEFAULT '', -- one per line
	labels         TEXT    NOT NULL DEFAULT '', -- one per line
	notes          TEXT    NOT NULL DEFAULT '',
	category       TEXT    NOT NULL DEFAULT 'unclassified'
	               CHECK (category IN ('customer', 'supplier', 'employee', 'unclassified')),
	rule           TEXT    NOT NULL DEFAULT 'none', -- which rule decided the category (notify.Rule)
	rule_detail    TEXT    NOT NULL DEFAULT '',     -- what matched, or a person's reason
	owner_email    TEXT    NOT NULL DEFAULT '',     -- the member of staff who calls them
	-- What a person decided, the rules leave alone: the category (manual),
	-- the owner (owner_manual).
	manual         INTEGER NOT NULL DEFAULT 0,
	owner_manual   INTEGER NOT NULL DEFAULT 0,
	-- A manager marked them not to be contacted (they asked, or another
	-- channel handles them): no notice is queued for them.
	do_not_contact INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contacts_owner ON contacts(owner_email COLLATE NOCASE);
-- Counting who is not to be contacted reads only them.
CREATE INDEX contacts_do_not_contact ON contacts(category) WHERE do_not_contact;
-- Those held back because an address may imitate the organisation's or a
-- master's domain (notify/classify): few, counted on every dashboard.
CREATE INDEX contacts_lookalike ON contacts(id) WHERE rule = 'lookalike';

CREATE TABLE addresses (
	id            INTEGER PRIMARY KEY,
	contact_id    INTEGER NOT NULL REFERENCES contacts(id),
	email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	-- Refused for good (the mailbox or domain does not exist), with the
	-- reason: no later notice of any kind is queued to it.
	undeliverable TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX addresses_contact ON addresses(contact_id);

-- What the contact list's search looks in, one row per contact: names,
-- readings, company, phone digits and addresses, folded the way a query is
-- (store/search.go), so that a search scans one narrow table with instr().
CREATE TABLE contact_search (
	contact_id  INTEGER PRIMARY KEY REFERENCES contacts(id),
	text        TEXT NOT NULL,
	-- The lists' sort keys, folded the same way: the reading (the name
	-- when there is none), and the company without its type (株式会社).
	name_key    TEXT NOT NULL DEFAULT '',
	company_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_search_name ON contact_search(name_key, contact_id);

-- An import commits a chunk of entries at a time, so that the web app's
-- writers get in between (store/import.go), and keeps its all-or-nothing
-- promise by undoing what it committed when it fails (store/undo.go).
-- state is 'running' until its last transaction marks it 'done'; one left
-- running by a process that stopped is undone by the next writer. What it
-- added is told by watermarks (one import runs at a time, and only imports
-- add contacts and addresses): every contact from first_contact on, every
-- address from first_address on.
CREATE TABLE imports (
	id              INTEGER PRIMARY KEY,
	file            TEXT    NOT NULL,
	format          TEXT    NOT NULL,
	encoding        TEXT    NOT NULL DEFAULT '',
	at              TEXT    NOT NULL,
	records         INTEGER NOT NULL,
	added           INTEGER NOT NULL,
	updated         INTEGER NOT NULL,
	unchanged       INTEGER NOT NULL,
	merged          INTEGER NOT NULL,
	rejected        INTEGER NOT NULL,
	addresses_added INTEGER NOT NULL DEFAULT 0,
	flagged         INTEGER NOT NULL DEFAULT 0,
	state           TEXT    NOT NULL DEFAULT 'done' CHECK (state IN ('running', 'done')),
	first_contact   INTEGER NOT NULL DEFAULT 0,
	first_address   INTEGER NOT NULL DEFAULT 0
);

-- Every entry of every import keeps its outcome, so that a manager can see
-- later what became of entry 523 of a file.
CREATE TABLE import_rows (
	import_id  INTEGER NOT NULL REFERENCES imports(id),
	number     INTEGER NOT NULL, -- the entry's number in the file
	line       INTEGER NOT NULL, -- the physical line where it starts
	outcome    TEXT    NOT NULL
	           CHECK (outcome IN ('added', 'updated', 'unchanged', 'merged', 'rejected')),
	contact_id INTEGER REFERENCES contacts(id), -- NULL when rejected
	note       TEXT    NOT NULL DEFAULT '',     -- why it was rejected, or what to check
	PRIMARY KEY (import_id, number)
) WITHOUT ROWID;

-- Each contact stored before an import and changed by it, as it was
-- before: taken in the transaction that first changes it, dropped once the
-- import is done.
CREATE TABLE import_undo (
	import_id   INTEGER NOT NULL REFERENCES imports(id),
	contact_id  INTEGER NOT NULL REFERENCES contacts(id),
	family      TEXT    NOT NULL,
	given       TEXT    NOT NULL,
	family_kana TEXT    NOT NULL,
	given_kana  TEXT    NOT NULL,
	company     TEXT    NOT NULL,
	department  TEXT    NOT NULL,
	title       TEXT    NOT NULL,
	phones      TEXT    NOT NULL,
	labels      TEXT    NOT NULL,
	notes       TEXT    NOT NULL,
	category    TEXT    NOT NULL,
	rule        TEXT    NOT NULL,
	rule_detail TEXT    NOT NULL,
	owner_email TEXT    NOT NULL,
	-- its row in contact_search
	search_text TEXT    NOT NULL,
	name_key    TEXT    NOT NULL,
	company_key TEXT    NOT NULL,
	PRIMARY KEY (import_id, contact_id)
) WITHOUT ROWID;

-- A person's change to a contact (its category, its owner, not to be
-- contacted), with who made it, when and why.
CREATE TABLE contact_events (
	id         INTEGER PRIMARY KEY,
	contact_id INTEGER NOT NULL REFERENCES contacts(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	at         TEXT    NOT NULL,
	what       TEXT    NOT NULL CHECK (what IN ('category', 'owner', 'contact')),
	old        TEXT    NOT NULL,
	new        TEXT    NOT NULL,
	reason     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX contact_events_contact ON contact_events(contact_id, at);

-- ■ Staff

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	-- The member of staff's own address: contacts whose owner_email it is
	-- are theirs to call.
	email         TEXT    NOT NULL DEFAULT '' COLLATE NOCASE,
	role          TEXT    NOT NULL CHECK (role IN ('manager', 'sales')),
	password_hash TEXT    NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT    NOT NULL,
	lang          TEXT    NOT NULL DEFAULT '' CHECK (lang IN ('', 'ja', 'en')),
	-- A member of the sales staff allowed to see and call every contact
	-- (covering for a colleague away).
	all_contacts  INTEGER NOT NULL DEFAULT 0
);

-- A session is found by a hash of the token in its cookie: the database
-- alone cannot be used to sign in.
CREATE TABLE sessions (
	token_hash BLOB    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	csrf       TEXT    NOT NULL,
	expires_at TEXT    NOT NULL,
	seen_at    TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Browsers that have signed in to an account before: a sign-in from one
-- of them is not slowed or locked out by a flood of attempts from
-- strangers (notify/web/auth.go). Kept by a hash of the cookie's token; a
-- new password or a disabled account forgets them.
CREATE TABLE known_browsers (
	token_hash BLOB    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX known_browsers_user ON known_browsers(user_id, created_at);

-- ■ Notices: the outbox and what became of each

-- One notice of each kind per address and round: round 0 is the first,
-- round 1 the first resend, each its own row with its own Message-ID,
-- pointing at the one before it (resend_of) so that it threads.
CREATE TABLE notices (
	id           INTEGER PRIMARY KEY,
	contact_id   INTEGER NOT NULL REFERENCES contacts(id),
	address_id   INTEGER NOT NULL REFERENCES addresses(id),
	kind         TEXT    NOT NULL CHECK (kind IN ('deletion', 'apology')),
	lang         TEXT    NOT NULL,
	state        TEXT    NOT NULL DEFAULT 'queued'
	             CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
	message_id   TEXT    NOT NULL UNIQUE,
	-- Its reference code (notify.NewRef): random, so that a reply quoting
	-- it shows its writer holds the notice.
	ref          TEXT,
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_try     TEXT    NOT NULL,
	last_error   TEXT    NOT NULL DEFAULT '',
	queued_at    TEXT    NOT NULL,
	sent_at      TEXT,
	round        INTEGER NOT NULL DEFAULT 0,
	resend_of    INTEGER REFERENCES notices(id),
	-- What the mail server answered when it did not take it
	-- (notify.ServerReply, whose Problem says what it means).
	reply_stage  TEXT    NOT NULL DEFAULT '',
	reply_code   INTEGER NOT NULL DEFAULT 0,
	reply_status TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX notices_once ON notices(address_id, kind, round);
CREATE UNIQUE INDEX notices_ref ON notices(ref);
CREATE INDEX notices_contact ON notices(contact_id);
-- Only queued notices are looked up by due time; keeping the others out of
-- the index means marking a notice sent touches no index at all.
CREATE INDEX notices_due ON notices(next_try) WHERE state = 'queued';
-- The resend job starts from the notices sent, by kind and time.
CREATE INDEX notices_sent ON notices(kind, sent_at) WHERE state = 'sent';
-- The list's "notice failed" filter starts from the few failed notices.
CREATE INDEX notices_failed ON notices(contact_id) WHERE state = 'failed';

-- Personal confirmation links (off unless web.ack_links is set): a random
-- token per notice, stored only as its hash, that expires.
CREATE TABLE ack_tokens (
	token_hash BLOB    NOT NULL PRIMARY KEY,
	notice_id  INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE, -- a notice withdrawn takes its links along
	expires_at TEXT    NOT NULL
) WITHOUT ROWID;

-- ■ What came back and what staff heard

CREATE TABLE calls (
	id               INTEGER PRIMARY KEY,
	contact_id       INTEGER NOT NULL REFERENCES contacts(id),
	user_id          INTEGER NOT NULL REFERENCES users(id),
	at               TEXT    NOT NULL,
	outcome          TEXT    NOT NULL
	                 CHECK (outcome IN ('reached', 'no_answer', 'voicemail', 'wrong_number', 'call_back')),
	call_back_at     TEXT    NOT NULL DEFAULT '',
	-- the hearing (notify.Questions)
	arrived          TEXT    NOT NULL DEFAULT '' CHECK (arrived IN ('', 'yes', 'no')),
	opened           TEXT    NOT NULL DEFAULT '' CHECK (opened IN ('', 'yes', 'no')),
	clicked          TEXT    NOT NULL DEFAULT '' CHECK (clicked IN ('', 'yes', 'no')),
	infected         TEXT    NOT NULL DEFAULT '' CHECK (infected IN ('', 'yes', 'no')),
	deleted          TEXT    NOT NULL DEFAULT '' CHECK (deleted IN ('', 'yes', 'no')),
	follow_up        TEXT    NOT NULL DEFAULT ''
	                 CHECK (follow_up IN ('', 'apology_visit', 'virus_check', 'virus_removal')),
	follow_up_on     TEXT    NOT NULL DEFAULT '', -- planned, a date, YYYY-MM-DD
	follow_up_done   TEXT    NOT NULL DEFAULT '', -- done, a date
	follow_up_result TEXT    NOT NULL DEFAULT ''
	                 CHECK (follow_up_result IN ('', 'no_infection', 'infected', 'removed', 'done')),
	note             TEXT    NOT NULL DEFAULT '',
	-- A call form carries a key of its own, so that pressing Save twice (or
	-- a browser resending the form) stores the call once.
	form_key         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX calls_contact ON calls(contact_id, at);
CREATE UNIQUE INDEX calls_once ON calls(user_id, form_key) WHERE form_key != '';

-- An acknowledgement: the person has seen a notice. By a reply, by their
-- personal link (with what they reported there), or by staff (a call that
-- reached them). An automatic reply is kept but does not count.
CREATE TABLE acks (
	id         INTEGER PRIMARY KEY,
	contact_id INTEGER NOT NULL REFERENCES contacts(id),
	notice_id  INTEGER REFERENCES notices(id) ON DELETE SET NULL, -- a notice withdrawn later leaves the acknowledgement
	channel    TEXT    NOT NULL CHECK (channel IN ('reply', 'link', 'staff')),
	at         TEXT    NOT NULL,
	auto       INTEGER NOT NULL DEFAULT 0,
	excerpt    TEXT    NOT NULL DEFAULT '', -- a reply's first lines
	call_id    INTEGER REFERENCES calls(id),
	-- the mail it came from, so that reading a mail again records nothing twice
	mail_id    TEXT    NOT NULL DEFAULT '',
	report     TEXT    NOT NULL DEFAULT ''
	           CHECK (report IN ('', 'deleted', 'opened', 'infected', 'call'))
);
CREATE INDEX acks_contact ON acks(contact_id, at) WHERE NOT auto;
CREATE INDEX acks_by_contact ON acks(contact_id);
CREATE INDEX acks_at_risk ON acks(contact_id) WHERE report IN ('opened', 'infected');
CREATE UNIQUE INDEX acks_mail ON acks(mail_id) WHERE mail_id != '';

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

-- The reply mailbox: how far owabi has read it.
CREATE TABLE mailboxes (
	name         TEXT    NOT NULL PRIMARY KEY,
	uid_validity INTEGER NOT NULL,
	last_uid     INTEGER NOT NULL
) WITHOUT ROWID;

-- The contacts the resend policy handed to their owner to call, or who
-- asked for a call on their page.
CREATE TABLE call_tasks (
	contact_id INTEGER PRIMARY KEY REFERENCES contacts(id),
	at         TEXT    NOT NULL,
	reason     TEXT    NOT NULL -- 'no_reply', 'asked'
);

-- When each scheduled job last ran.
CREATE TABLE jobs (
	name     TEXT NOT NULL PRIMARY KEY,
	last_run TEXT NOT NULL
) WITHOUT ROWID;

-- ■ Each person's case, decided in Go

-- Each affected person's case as notify.Case decides it, written by Go in
-- the transaction that records a fact about them (store/cases.go), so that
-- lists, counts, /metrics and the resend job read one decision. A contact
-- without a row is in the case every contact starts in. A case that
-- changes by the clock alone (a call-back coming due) holds both answers:
-- urgency until due_at, urgency_due after. The row also keeps what the
-- case was counted as in the running counts (notify.Case.Progress), under
-- which category and owner, so that the store moves them by the difference
-- (store/progress.go).
CREATE TABLE cases (
	contact_id   INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
	urgency      INTEGER NOT NULL, -- notify.Urgency's number
	reason       TEXT    NOT NULL,
	at_risk      INTEGER NOT NULL DEFAULT 0,
	due_at       TEXT, -- NULL when only a new fact changes it
	urgency_due  INTEGER,
	reason_due   TEXT,
	unheard      INTEGER NOT NULL DEFAULT 1, -- notify.Case.Unheard: resends go to them alone
	category     TEXT    NOT NULL DEFAULT '', -- counted under; '' before it is counted
	owner        TEXT    NOT NULL DEFAULT '', -- counted for, lower-cased
	reached_at   TEXT    NOT NULL DEFAULT '',
	acked_at     TEXT    NOT NULL DEFAULT '',
	heard        INTEGER NOT NULL DEFAULT 0,
	arrived      INTEGER NOT NULL DEFAULT 0,
	clicked      INTEGER NOT NULL DEFAULT 0,
	infected     INTEGER NOT NULL DEFAULT 0,
	remediated   INTEGER NOT NULL DEFAULT 0,
	last_call_at TEXT    NOT NULL DEFAULT '',
	last_outcome TEXT    NOT NULL DEFAULT ''
);
-- Counts by urgency (store.CaseCounts) read these alone, not the rows.
CREATE INDEX cases_urgency ON cases(urgency, due_at);
CREATE INDEX cases_due ON cases(urgency_due, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX cases_at_risk ON cases(contact_id) WHERE at_risk;

-- ■ Running counts, for a dashboard that answers at once over a million
-- contacts. Every key exists from the start, so that counting is always an
-- UPDATE.

-- Per category: contacts and addresses (imports add them as they insert),
-- notices by kind and state (the triggers below until 0004, then
-- store/tally.go, with sending and sent as one kind/out), and how far the
-- cases have come (store/progress.go).
CREATE TABLE tally (
	category TEXT    NOT NULL,
	what     TEXT    NOT NULL, -- 'contacts', 'addresses', a notice's 'kind/state', or a funnel step
	n        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (category, what)
) WITHOUT ROWID;
INSERT INTO tally (category, what)
	SELECT c.value, w.value FROM
	json_each('["customer", "supplier", "employee", "unclassified"]') c,
	json_each('["contacts", "addresses",
		"deletion/queued", "deletion/sending", "deletion/sent", "deletion/failed",
		"apology/queued", "apology/sending", "apology/sent", "apology/failed",
		"acknowledged", "reached", "heard", "arrived", "clicked", "infected", "remediated"]') w;

-- Per owner: contacts (imports, and the trigger below until 0004, then
-- store/tally.go), reached (store/progress.go).
CREATE TABLE owner_tally (
	owner    TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,
	contacts INTEGER NOT NULL DEFAULT 0,
	reached  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Per quarter hour (UTC), which adds up to days in any time zone: the
-- contacts first reached then, and first acknowledged then.
CREATE TABLE reached_tally (
	slot TEXT    NOT NULL PRIMARY KEY, -- 2026-11-26T05:45, the quarter hour's start in UTC
	n    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE acked_tally (
	slot TEXT    NOT NULL PRIMARY KEY,
	n    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER tally_notice_added AFTER INSERT ON notices BEGIN
	UPDATE tally SET n = n + 1 WHERE what = NEW.kind || '/' || NEW.state
		AND category = (SELECT category FROM contacts WHERE id = NEW.contact_id);
END;

CREATE TRIGGER tally_notice_moved AFTER UPDATE OF state ON notices WHEN OLD.state != NEW.state BEGIN
	UPDATE tally SET n = n + CASE what WHEN NEW.kind || '/' || NEW.state THEN 1 ELSE -1 END
		WHERE what IN (OLD.kind || '/' || OLD.state, NEW.kind || '/' || NEW.state)
		AND category = (SELECT category FROM contacts WHERE id = NEW.contact_id);
END;

CREATE TRIGGER tally_notice_removed AFTER DELETE ON notices BEGIN
	UPDATE tally SET n = n - 1 WHERE what = OLD.kind || '/' || OLD.state
		AND category = (SELECT category FROM contacts WHERE id = OLD.contact_id);
END;

-- A contact that changes category takes its addresses and notices along.
CREATE TRIGGER tally_contact_recategorised AFTER UPDATE OF category ON contacts WHEN OLD.category != NEW.category BEGIN
	UPDATE tally SET n = n + CASE category WHEN NEW.category THEN 1 ELSE -1 END
		WHERE what = 'contacts' AND category IN (OLD.category, NEW.category);
	UPDATE tally SET n = n + CASE category WHEN NEW.category THEN 1 ELSE -1 END
		* (SELECT count(*) FROM addresses WHERE contact_id = NEW.id)
		WHERE what = 'addresses' AND category IN (OLD.category, NEW.category);
	UPDATE tally SET n = n + CASE category WHEN NEW.category THEN 1 ELSE -1 END
		* (SELECT count(*) FROM notices x WHERE x.contact_id = NEW.id AND x.kind || '/' || x.state = tally.what)
		WHERE what LIKE '%/%' AND category IN (OLD.category, NEW.category);
END;

CREATE TRIGGER owner_tally_moved AFTER UPDATE OF owner_email ON contacts
	WHEN OLD.owner_email != NEW.owner_email COLLATE NOCASE BEGIN
	UPDATE owner_tally SET contacts = contacts - 1 WHERE owner = OLD.owner_email;
	INSERT INTO owner_tally (owner, contacts) SELECT lower(NEW.owner_email), 1 WHERE NEW.owner_email != ''
		ON CONFLICT (owner) DO UPDATE SET contacts = contacts + 1;
END;

-- A notice of someone not to be contacted never waits in the queue: one
-- that comes back to it (a retry, a release, a restart, a requeue of
-- failures) is withdrawn at once.
CREATE TRIGGER notice_withheld AFTER UPDATE OF state ON notices
	WHEN NEW.state = 'queued' AND (SELECT do_not_contact FROM contacts WHERE id = NEW.contact_id) BEGIN
	DELETE FROM notices WHERE id = NEW.id;
END;

-- ■ The audit trail: every action, append-only, with who did it, when and
-- what changed. Each entry's hash covers the entry before it, so that an
-- entry changed or removed behind owabi's back breaks the chain where it
-- happened (owabi audit verify). The hash covers a seal of the detail,
-- seal = sha256(nonce || detail), not the detail: a purge erases the
-- detail and the nonce of the kinds that may hold personal data and keeps
-- the seal, so the chain still checks and the seal tells nothing.
CREATE TABLE audit (
	id         INTEGER PRIMARY KEY,
	at         TEXT    NOT NULL,
	actor      TEXT    NOT NULL, -- a staff account, "cli" for the command line, "owabi" for the daemon
	kind       TEXT    NOT NULL, -- import, call, ack, reclassify, reassign, contact, login, export, resend, ...
	contact_id INTEGER,          -- the contact it is about, if one
	detail     TEXT    NOT NULL,
	prev       BLOB    NOT NULL, -- the hash of the entry before (32 zero bytes for the first)
	hash       BLOB    NOT NULL, -- sha256 over prev and this entry's fields
	nonce      BLOB,
	seal       BLOB
);
CREATE INDEX audit_contact ON audit(contact_id, at) WHERE contact_id IS NOT NULL;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
	SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

-- Nothing changes an entry but a purge of its detail, which keeps its seal
-- and its place in the chain. (An entry without a seal could be sealed
-- once: entries of the first development versions had none.)
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN NOT (
	NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.kind = OLD.kind
	AND NEW.contact_id IS OLD.contact_id AND (
		(OLD.seal IS NULL AND NEW.detail = OLD.detail AND NEW.nonce IS NOT NULL AND NEW.seal IS NOT NULL)
		OR (OLD.seal IS NOT NULL AND NEW.seal = OLD.seal AND NEW.prev = OLD.prev AND NEW.hash = OLD.hash
			AND NEW.detail = 'purged' AND NEW.nonce IS NULL))) BEGIN
	SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

-- ■ The incident and the reports

-- The incident record: every save adds a version and the latest is the
-- record, from the config when its [incident] changed, or from a manager
-- on the web app. Versions are never changed.
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

-- When each report to a regulator was filed, and who recorded it.
CREATE TABLE filings (
	kind     TEXT    NOT NULL PRIMARY KEY, -- ppc_preliminary, ppc_final, gdpr
	filed_at TEXT    NOT NULL,
	user_id  INTEGER NOT NULL REFERENCES users(id)
) WITHOUT ROWID;

-- ■ Purging the leaked book once the incident is closed (store/purge.go)

-- A purge, once done, is final: no notice, import, call or acknowledgement
-- is added after it, no contact changes, and no text of a mail server's
-- (which may quote an address) is stored again.
CREATE TABLE purges (
	id    INTEGER PRIMARY KEY,
	at    TEXT    NOT NULL,
	actor TEXT    NOT NULL
);

CREATE TRIGGER purged_notice_withdrawn AFTER UPDATE OF state ON notices
	WHEN NEW.state = 'queued' AND EXISTS (SELECT 1 FROM purges) BEGIN
	DELETE FROM notices WHERE id = NEW.id;
END;

CREATE TRIGGER purged_no_retry BEFORE UPDATE OF state ON notices
	WHEN OLD.state = 'failed' AND NEW.state = 'queued' AND EXISTS (SELECT 1 FROM purges) BEGIN
	SELECT RAISE(ABORT, 'owabi: purged');
END;

CREATE TRIGGER purged_no_notice BEFORE INSERT ON notices WHEN EXISTS (SELECT 1 FROM purges) BEGIN
	SELECT RAISE(ABORT, 'owabi: purged');
END;

CREATE TRIGGER purged_no_import BEFORE INSERT ON imports WHEN EXISTS (SELECT 1 FROM purges) BEGIN
	SELECT RAISE(ABORT, 'owabi: purged');
END;

CREATE TRIGGER purged_no_call BEFORE INSERT ON calls WHEN EXISTS (SELECT 1 FROM purges) BEGIN
	SELECT RAISE(ABORT, 'owabi: purged');
END;

CREATE TRIGGER purged_no_change BEFORE UPDATE OF category, owner_email, rule, rule_detail, do_not_contact ON contacts
	WHEN EXISTS (SELECT 1 FROM purges) AND (NEW.category IS NOT OLD.category OR NEW.owner_email IS NOT OLD.owner_email
		OR NEW.rule IS NOT OLD.rule OR NEW.do_not_contact IS NOT OLD.do_not_contact
		OR NEW.rule_detail NOT IN (OLD.rule_detail, '', 'purged')) BEGIN
	SELECT RAISE(ABORT, 'owabi: purged');
END;

CREATE TRIGGER purged_no_ack BEFORE INSERT ON acks WHEN EXISTS (SELECT 1 FROM purges) BEGIN
	SELECT RAISE(ABORT, 'owabi: purged');
END;

CREATE TRIGGER purged_no_error_text AFTER UPDATE OF last_error ON notices
	WHEN EXISTS (SELECT 1 FROM purges) AND NEW.last_error NOT IN ('', 'purged') BEGIN
	UPDATE notices SET last_error = 'purged' WHERE id = NEW.id;
END;

CREATE TRIGGER purged_no_refusal_text AFTER UPDATE OF undeliverable ON addresses
	WHEN EXISTS (SELECT 1 FROM purges) AND NEW.undeliverable NOT IN ('', 'purged') BEGIN
	UPDATE addresses SET undeliverable = 'purged' WHERE id = NEW.id;
END;

-- The files owabi wrote outside the database while it held personal data
-- (store/files.go): backups, exported contact lists, the copies kept
-- before a restore, the folder of the demo's captured mails. A purge
-- erases the database only; it names those still there, for the operator
-- to destroy. path is '' for a copy handed out whose place owabi cannot
-- know (a download from the web app, an export to standard output).
CREATE TABLE written_files (
	id    INTEGER PRIMARY KEY,
	kind  TEXT NOT NULL, -- notify.FileKind
	path  TEXT NOT NULL,
	actor TEXT NOT NULL,
	at    TEXT NOT NULL
);

-- ■ One row that owabi rewrites to learn whether the disk has room again
-- after a write failed for want of space (store/space.go): a write that
-- needs space, and changes nothing anyone reads.
CREATE TABLE space_probe (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	at TEXT NOT NULL
);
INSERT INTO space_probe (id, at) VALUES (1, '');
