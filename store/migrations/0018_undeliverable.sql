-- An address a mail server refused for good (a 5xx reply to RCPT TO saying
-- the mailbox or domain does not exist, or a permanent bounce) is marked
-- undeliverable, with the reason: no later notice of any kind is queued
-- to it, and its contact is for the phone.
ALTER TABLE addresses ADD COLUMN undeliverable TEXT NOT NULL DEFAULT '';
UPDATE addresses SET undeliverable = (SELECT n.last_error FROM notices n WHERE n.address_id = addresses.id
	AND n.state = 'failed' AND n.last_error LIKE 'bounced: 5%' AND n.last_error NOT LIKE 'bounced: 5.2.2%' ORDER BY n.id DESC LIMIT 1)
	WHERE id IN (SELECT address_id FROM notices WHERE state = 'failed' AND last_error LIKE 'bounced: 5%'
		AND last_error NOT LIKE 'bounced: 5.2.2%');
