-- Acknowledgements, resends and the calls they hand to staff.
--
-- A notice of a kind to an address may now be followed by resends: round 0
-- is the first, round 1 the first resend, and so on, each its own row with
-- its own Message-ID, pointing at the one before it (resend_of) so that it
-- threads in the recipient's mailbox. The unique index makes a resend run
-- that is repeated, or killed and run again, add each round once.

ALTER TABLE notices ADD COLUMN round INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notices ADD COLUMN resend_of INTEGER REFERENCES notices(id);
DROP INDEX notices_once;
CREATE UNIQUE INDEX notices_once ON notices(address_id, kind, round);
-- The resend job starts from the notices sent, by kind and time.
CREATE INDEX notices_sent ON notices(kind, sent_at) WHERE state = 'sent';

-- An acknowledgement: the person has seen the notice. By a reply, by their
-- personal link, or by staff (a call that reached them). An auto-reply is
-- kept but does not count.
CREATE TABLE acks (
	id         INTEGER PRIMARY KEY,
	contact_id INTEGER NOT NULL REFERENCES contacts(id),
	notice_id  INTEGER REFERENCES notices(id) ON DELETE SET NULL, -- a notice withdrawn later leaves the acknowledgement
	channel    TEXT    NOT NULL CHECK (channel IN ('reply', 'link', 'staff')),
	at         TEXT    NOT NULL,
	auto       INTEGER NOT NULL DEFAULT 0,
	excerpt    TEXT    NOT NULL DEFAULT '', -- a reply's first lines
	call_id    INTEGER REFERENCES calls(id)
);
CREATE INDEX acks_contact ON acks(contact_id, at) WHERE NOT auto;

-- The contacts acknowledged, per category and per quarter hour, kept as
-- the call counts are (migration 0012).
INSERT INTO tally (category, what)
	SELECT value, 'acknowledged' FROM json_each('["customer", "supplier", "employee", "unclassified"]');
CREATE TABLE acked_tally (
	slot TEXT    NOT NULL PRIMARY KEY, -- the quarter hour of a contact's first acknowledgement, UTC
	n    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER ack_counted AFTER INSERT ON acks WHEN NOT NEW.auto BEGIN
	UPDATE tally SET n = n + 1 WHERE what = 'acknowledged'
		AND category = (SELECT category FROM contacts WHERE id = NEW.contact_id)
		AND NOT EXISTS (SELECT 1 FROM acks WHERE contact_id = NEW.contact_id AND NOT auto AND id != NEW.id);
	-- A first acknowledgement, or one earlier than the first known (a call
	-- logged late), moves the contact's quarter hour.
	UPDATE acked_tally SET n = n - 1 WHERE slot = (SELECT substr(min(at), 1, 14) || printf('%02d', substr(min(at), 15, 2) / 15 * 15)
		FROM acks WHERE contact_id = NEW.contact_id AND NOT auto AND id != NEW.id HAVING min(at) > NEW.at);
	INSERT INTO acked_tally (slot, n) SELECT substr(NEW.at, 1, 14) || printf('%02d', substr(NEW.at, 15, 2) / 15 * 15), 1
		WHERE coalesce((SELECT min(at) > NEW.at FROM acks WHERE contact_id = NEW.contact_id AND NOT auto AND id != NEW.id), 1)
		ON CONFLICT (slot) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ack_tally_recategorised AFTER UPDATE OF category ON contacts WHEN OLD.category != NEW.category
	AND EXISTS (SELECT 1 FROM acks WHERE contact_id = NEW.id AND NOT auto) BEGIN
	UPDATE tally SET n = n + CASE category WHEN NEW.category THEN 1 ELSE -1 END
		WHERE what = 'acknowledged' AND category IN (OLD.category, NEW.category);
END;

-- A call that reached the person is their acknowledgement, by staff.
CREATE TRIGGER ack_by_call AFTER INSERT ON calls WHEN NEW.outcome = 'reached' BEGIN
	INSERT INTO acks (contact_id, channel, at, call_id) VALUES (NEW.contact_id, 'staff', NEW.at, NEW.id);
END;
INSERT INTO acks (contact_id, channel, at, call_id) SELECT contact_id, 'staff', at, id FROM calls
	WHERE outcome = 'reached' ORDER BY id;

-- A contact who has had every send the policy allows and has not
-- answered: their owner is to call them.
CREATE TABLE call_tasks (
	contact_id INTEGER PRIMARY KEY REFERENCES contacts(id),
	at         TEXT    NOT NULL,
	reason     TEXT    NOT NULL -- 'no_reply'
);

-- When each scheduled job last ran, so that a run missed while owabi was
-- down happens once at start.
CREATE TABLE jobs (
	name     TEXT NOT NULL PRIMARY KEY,
	last_run TEXT NOT NULL
) WITHOUT ROWID;
