-- Purging the leaked book once the incident is closed (store/purge.go).
--
-- The audit trail keeps its shape through a purge: an entry whose detail
-- may hold personal data has its detail replaced by "purged", and the
-- chain must still prove everything else about it. So an entry's hash now
-- covers a seal of its detail instead of the detail: seal = sha256(nonce
-- || detail), nonce 16 random bytes. A purge erases the detail and the
-- nonce and keeps the seal: the hash still checks, hashes written down
-- before the purge still match, and without the nonce the seal tells
-- nothing about what the detail said (it cannot be guessed at). The
-- entries written before this migration are sealed by the Go that
-- completes it (sealAudit), when their chain is whole.
ALTER TABLE audit ADD COLUMN nonce BLOB;
ALTER TABLE audit ADD COLUMN seal BLOB;

-- owabi still cannot change an entry, with two exceptions: sealing an
-- entry written before this migration, once, and purging one, which takes
-- its detail and nonce and nothing else. (Someone may have dropped the
-- guard to edit the file: then it comes back.)
DROP TRIGGER IF EXISTS audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN NOT (
	NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.kind = OLD.kind
	AND NEW.contact_id IS OLD.contact_id AND (
		(OLD.seal IS NULL AND NEW.detail = OLD.detail AND NEW.nonce IS NOT NULL AND NEW.seal IS NOT NULL)
		OR (OLD.seal IS NOT NULL AND NEW.seal = OLD.seal AND NEW.prev = OLD.prev AND NEW.hash = OLD.hash
			AND NEW.detail = 'purged' AND NEW.nonce IS NULL))) BEGIN
	SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;

-- Who purged, and when: a row here means the personal data is gone.
CREATE TABLE purges (
	id    INTEGER PRIMARY KEY,
	at    TEXT    NOT NULL,
	actor TEXT    NOT NULL
);

-- After a purge nothing is sent and no personal data comes back in: what
-- would queue a notice or retry a failed one, import (contacts and
-- addresses come in only so), log a call (with its acknowledgement), or
-- change a contact as the rules or a manager would (with a reason) is
-- refused. A notice in flight during the purge that comes back to the
-- queue (a retry, a release) is withdrawn, as for someone not to be
-- contacted (migration 0008). Replies are not read (store/inbox.go) and
-- the personal links are gone. store.describe turns the refusal into
-- notify.ErrPurged.
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
-- (A purge run again may still erase a rule's detail.)
CREATE TRIGGER purged_no_change BEFORE UPDATE OF category, owner_email, rule, rule_detail, do_not_contact ON contacts
	WHEN EXISTS (SELECT 1 FROM purges) AND (NEW.category IS NOT OLD.category OR NEW.owner_email IS NOT OLD.owner_email
		OR NEW.rule IS NOT OLD.rule OR NEW.do_not_contact IS NOT OLD.do_not_contact
		OR NEW.rule_detail NOT IN (OLD.rule_detail, '', 'purged')) BEGIN
	SELECT RAISE(ABORT, 'owabi: purged');
END;
CREATE TRIGGER purged_no_ack BEFORE INSERT ON acks WHEN EXISTS (SELECT 1 FROM purges) BEGIN
	SELECT RAISE(ABORT, 'owabi: purged');
END;

-- A notice in flight during a purge may still fail, and the server's
-- reply may quote the address: what it said is not kept. ('purged' is
-- notify.Purged; 'owabi: purged' is store.errPurged.)
CREATE TRIGGER purged_no_error_text AFTER UPDATE OF last_error ON notices
	WHEN EXISTS (SELECT 1 FROM purges) AND NEW.last_error NOT IN ('', 'purged') BEGIN
	UPDATE notices SET last_error = 'purged' WHERE id = NEW.id;
END;
CREATE TRIGGER purged_no_refusal_text AFTER UPDATE OF undeliverable ON addresses
	WHEN EXISTS (SELECT 1 FROM purges) AND NEW.undeliverable NOT IN ('', 'purged') BEGIN
	UPDATE addresses SET undeliverable = 'purged' WHERE id = NEW.id;
END;
