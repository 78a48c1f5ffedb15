-- What the calls have found out, kept as calls are logged so that the
-- dashboard, the staff table and the lists read one row per contact, or a
-- handful of counts, instead of every call. Calls are only ever added, so
-- one trigger on insert keeps it all:
--
-- contact_calls, one row per contact called: whether and when they were
-- first reached, what any hearing found, their latest call (for a
-- call-back that comes due) and their latest hearing (for being at risk);
-- tally, per category: contacts reached, heard, hit by the spam and so on,
-- each counted once per contact like the dashboard's funnel;
-- owner_tally.reached, per owner: contacts reached;
-- reached_tally, per quarter of an hour (UTC): contacts first reached then,
-- which adds up to days in any time zone.

CREATE TABLE contact_calls (
	contact_id   INTEGER PRIMARY KEY REFERENCES contacts(id),
	reached_at   TEXT    NOT NULL DEFAULT '', -- the earliest call that reached them
	heard        INTEGER NOT NULL DEFAULT 0,  -- a call that reached them had hearing answers
	arrived      INTEGER NOT NULL DEFAULT 0,  -- any hearing: the spam arrived
	clicked      INTEGER NOT NULL DEFAULT 0,  -- any hearing: they opened its link
	infected     INTEGER NOT NULL DEFAULT 0,  -- any hearing: infection suspected
	remediated   INTEGER NOT NULL DEFAULT 0,  -- a follow-up found them clean or cleaned them
	last_at      TEXT    NOT NULL,            -- the latest call, by time then id
	last_id      INTEGER NOT NULL,
	call_back_at TEXT    NOT NULL DEFAULT '', -- when the latest call asked to be called back
	hearing_at   TEXT    NOT NULL DEFAULT '', -- the latest call with hearing answers
	hearing_id   INTEGER NOT NULL DEFAULT 0,
	at_risk      INTEGER NOT NULL DEFAULT 0   -- that hearing: link opened or infection suspected
);
CREATE INDEX contact_calls_reached ON contact_calls(reached_at) WHERE reached_at != '';
CREATE INDEX contact_calls_call_back ON contact_calls(call_back_at) WHERE call_back_at != '';
CREATE INDEX contact_calls_at_risk ON contact_calls(contact_id) WHERE at_risk;

INSERT INTO tally (category, what)
	SELECT c.value, w.value FROM
	json_each('["customer", "supplier", "employee", "unclassified"]') c,
	json_each('["reached", "heard", "arrived", "clicked", "infected", "remediated"]') w;

ALTER TABLE owner_tally ADD COLUMN reached INTEGER NOT NULL DEFAULT 0;

CREATE TABLE reached_tally (
	slot TEXT    NOT NULL PRIMARY KEY, -- 2026-11-26T05:45, the quarter hour's start in UTC
	n    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER call_logged AFTER INSERT ON calls BEGIN
	-- First the counts, against what was known before this call.
	UPDATE tally SET n = n + 1
		WHERE category = (SELECT category FROM contacts WHERE id = NEW.contact_id)
		AND CASE what
			WHEN 'reached' THEN NEW.outcome = 'reached'
				AND coalesce((SELECT reached_at FROM contact_calls WHERE contact_id = NEW.contact_id), '') = ''
			WHEN 'heard' THEN NEW.outcome = 'reached'
				AND (NEW.arrived || NEW.opened || NEW.clicked || NEW.infected || NEW.deleted) != ''
				AND NOT coalesce((SELECT heard FROM contact_calls WHERE contact_id = NEW.contact_id), 0)
			WHEN 'arrived' THEN NEW.arrived = 'yes'
				AND NOT coalesce((SELECT arrived FROM contact_calls WHERE contact_id = NEW.contact_id), 0)
			WHEN 'clicked' THEN NEW.clicked = 'yes'
				AND NOT coalesce((SELECT clicked FROM contact_calls WHERE contact_id = NEW.contact_id), 0)
			WHEN 'infected' THEN NEW.infected = 'yes'
				AND NOT coalesce((SELECT infected FROM contact_calls WHERE contact_id = NEW.contact_id), 0)
			WHEN 'remediated' THEN NEW.follow_up_done != '' AND NEW.follow_up_result IN ('no_infection', 'removed')
				AND NOT coalesce((SELECT remediated FROM contact_calls WHERE contact_id = NEW.contact_id), 0)
			ELSE 0 END;
	INSERT INTO owner_tally (owner, contacts, reached)
		SELECT lower(c.owner_email), 0, 1 FROM contacts c WHERE c.id = NEW.contact_id AND c.owner_email != ''
		AND NEW.outcome = 'reached'
		AND coalesce((SELECT reached_at FROM contact_calls WHERE contact_id = NEW.contact_id), '') = ''
		ON CONFLICT (owner) DO UPDATE SET reached = reached + 1;
	-- A first reach, or one earlier than the first known (a call logged
	-- late), moves the contact's quarter hour.
	UPDATE reached_tally SET n = n - 1
		WHERE NEW.outcome = 'reached' AND slot = (SELECT substr(reached_at, 1, 14) || printf('%02d', substr(reached_at, 15, 2) / 15 * 15)
			FROM contact_calls WHERE contact_id = NEW.contact_id AND reached_at != '' AND NEW.at < reached_at);
	INSERT INTO reached_tally (slot, n)
		SELECT substr(NEW.at, 1, 14) || printf('%02d', substr(NEW.at, 15, 2) / 15 * 15), 1
		WHERE NEW.outcome = 'reached' AND coalesce((SELECT NEW.at < reached_at OR reached_at = ''
			FROM contact_calls WHERE contact_id = NEW.contact_id), 1)
		ON CONFLICT (slot) DO UPDATE SET n = n + 1;
	-- Then what is known now. In an upsert every expression reads the row
	-- as it was.
	INSERT INTO contact_calls (contact_id, reached_at, heard, arrived, clicked, infected, remediated,
		last_at, last_id, call_back_at, hearing_at, hearing_id, at_risk)
	SELECT NEW.contact_id, CASE WHEN NEW.outcome = 'reached' THEN NEW.at ELSE '' END,
		NEW.outcome = 'reached' AND h.answered, NEW.arrived = 'yes', NEW.clicked = 'yes', NEW.infected = 'yes',
		NEW.follow_up_done != '' AND NEW.follow_up_result IN ('no_infection', 'removed'),
		NEW.at, NEW.id, CASE WHEN NEW.outcome = 'call_back' THEN NEW.call_back_at ELSE '' END,
		CASE WHEN h.answered THEN NEW.at ELSE '' END, CASE WHEN h.answered THEN NEW.id ELSE 0 END,
		h.answered AND (NEW.clicked = 'yes' OR NEW.infected = 'yes')
	FROM (SELECT (NEW.arrived || NEW.opened || NEW.clicked || NEW.infected || NEW.deleted) != '' AS answered) h
	WHERE 1 -- an INSERT … SELECT needs a WHERE before ON CONFLICT
	ON CONFLICT (contact_id) DO UPDATE SET
		reached_at = CASE WHEN excluded.reached_at != '' AND (reached_at = '' OR excluded.reached_at < reached_at)
			THEN excluded.reached_at ELSE reached_at END,
		heard = heard OR excluded.heard,
		arrived = arrived OR excluded.arrived,
		clicked = clicked OR excluded.clicked,
		infected = infected OR excluded.infected,
		remediated = remediated OR excluded.remediated,
		last_at = CASE WHEN (excluded.last_at, excluded.last_id) > (last_at, last_id) THEN excluded.last_at ELSE last_at END,
		last_id = CASE WHEN (excluded.last_at, excluded.last_id) > (last_at, last_id) THEN excluded.last_id ELSE last_id END,
		call_back_at = CASE WHEN (excluded.last_at, excluded.last_id) > (last_at, last_id) THEN excluded.call_back_at ELSE call_back_at END,
		hearing_at = CASE WHEN excluded.hearing_id AND (excluded.hearing_at, excluded.hearing_id) > (hearing_at, hearing_id)
			THEN excluded.hearing_at ELSE hearing_at END,
		hearing_id = CASE WHEN excluded.hearing_id AND (excluded.hearing_at, excluded.hearing_id) > (hearing_at, hearing_id)
			THEN excluded.hearing_id ELSE hearing_id END,
		at_risk = CASE WHEN excluded.hearing_id AND (excluded.hearing_at, excluded.hearing_id) > (hearing_at, hearing_id)
			THEN excluded.at_risk ELSE at_risk END;
END;

-- A contact that changes category or owner takes what its calls found along.
CREATE TRIGGER call_tally_recategorised AFTER UPDATE OF category ON contacts WHEN OLD.category != NEW.category BEGIN
	UPDATE tally SET n = n + CASE category WHEN NEW.category THEN 1 ELSE -1 END * coalesce((SELECT CASE tally.what
			WHEN 'reached' THEN k.reached_at != '' WHEN 'heard' THEN k.heard WHEN 'arrived' THEN k.arrived
			WHEN 'clicked' THEN k.clicked WHEN 'infected' THEN k.infected WHEN 'remediated' THEN k.remediated END
			FROM contact_calls k WHERE k.contact_id = NEW.id), 0)
		WHERE what IN ('reached', 'heard', 'arrived', 'clicked', 'infected', 'remediated')
		AND category IN (OLD.category, NEW.category);
END;

CREATE TRIGGER call_tally_reassigned AFTER UPDATE OF owner_email ON contacts
	WHEN OLD.owner_email != NEW.owner_email COLLATE NOCASE
	AND (SELECT reached_at FROM contact_calls WHERE contact_id = NEW.id) != '' BEGIN
	UPDATE owner_tally SET reached = reached - 1 WHERE owner = OLD.owner_email;
	INSERT INTO owner_tally (owner, contacts, reached) SELECT lower(NEW.owner_email), 0, 1 WHERE NEW.owner_email != ''
		ON CONFLICT (owner) DO UPDATE SET reached = reached + 1;
END;

-- What the calls logged so far found, replayed in order.
CREATE TEMP TABLE replay AS SELECT * FROM calls;
DELETE FROM calls;
INSERT INTO calls SELECT * FROM replay ORDER BY id;
DROP TABLE replay;
