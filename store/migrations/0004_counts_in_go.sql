-- The running counts of notices per category and state, and of contacts
-- per category and per owner, are moved by Go (store/tally.go) in the
-- transaction that changes what they count; the triggers that did it are
-- gone. The triggers left guard what must never change.
DROP TRIGGER tally_notice_added;
DROP TRIGGER tally_notice_moved;
DROP TRIGGER tally_notice_removed;
DROP TRIGGER tally_contact_recategorised;
DROP TRIGGER owner_tally_moved;

-- Notices being sent and sent are counted as one, kind/out, so that
-- marking one sent moves no count; Status tells them apart by the few
-- being sent, which this index holds.
UPDATE tally SET what = replace(what, '/sent', '/out'),
	n = n + coalesce((SELECT s.n FROM tally s WHERE s.category = tally.category AND s.what = replace(tally.what, '/sent', '/sending')), 0)
	WHERE what LIKE '%/sent';
DELETE FROM tally WHERE what LIKE '%/sending';
CREATE INDEX notices_sending ON notices(contact_id) WHERE state = 'sending';
