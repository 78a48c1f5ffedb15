-- Running counts for the status and the dashboard, which must answer at
-- once even with a million contacts: contacts and addresses per category,
-- notices per category, kind and state. Imports add to the first two as
-- they insert; triggers keep the rest as notices change state and contacts
-- change category. Every key exists from the start, so that counting is
-- always an UPDATE.

CREATE TABLE tally (
	category TEXT    NOT NULL,
	what     TEXT    NOT NULL, -- 'contacts', 'addresses', or a notice's 'kind/state'
	n        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (category, what)
) WITHOUT ROWID;

INSERT INTO tally (category, what)
	SELECT c.value, w.value FROM
	json_each('["customer", "supplier", "employee", "unclassified"]') c,
	json_each('["contacts", "addresses",
		"deletion/queued", "deletion/sending", "deletion/sent", "deletion/failed",
		"apology/queued", "apology/sending", "apology/sent", "apology/failed"]') w;

UPDATE tally SET n = g.n FROM (SELECT category, count(*) AS n FROM contacts GROUP BY category) g
	WHERE tally.category = g.category AND tally.what = 'contacts';
UPDATE tally SET n = g.n FROM (SELECT c.category, count(*) AS n FROM addresses a JOIN contacts c ON c.id = a.contact_id
	GROUP BY c.category) g WHERE tally.category = g.category AND tally.what = 'addresses';
UPDATE tally SET n = g.n FROM (SELECT c.category, x.kind || '/' || x.state AS what, count(*) AS n FROM notices x
	JOIN contacts c ON c.id = x.contact_id GROUP BY 1, 2) g WHERE tally.category = g.category AND tally.what = g.what;

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
