-- How far each case has come (notify.Case.Progress: reached, heard, hit by
-- the spam, remediated, acknowledged, and when first) is decided in Go and
-- written with the case, with the category and owner it is counted under,
-- so that the store moves the running counts by the difference a new fact
-- makes (store/progress.go). The triggers that kept them from the calls and
-- acknowledgements decided in SQL what Go decides ("remediated", "a call
-- that reached them acknowledges", "an acknowledgement withdraws the
-- resends"): they are gone, and the counts are made again from the facts
-- (store.recountProgress).
ALTER TABLE cases ADD COLUMN category TEXT NOT NULL DEFAULT ''; -- '' before it is counted
ALTER TABLE cases ADD COLUMN owner TEXT NOT NULL DEFAULT '';    -- lower-cased
ALTER TABLE cases ADD COLUMN reached_at TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN acked_at TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN heard INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN arrived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN clicked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN infected INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN remediated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN last_call_at TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN last_outcome TEXT NOT NULL DEFAULT '';
-- notify.Case.Unheard: nobody has heard from them; resends go to them alone
ALTER TABLE cases ADD COLUMN unheard INTEGER NOT NULL DEFAULT 1;

DROP TRIGGER call_logged;
DROP TRIGGER call_tally_recategorised;
DROP TRIGGER call_tally_reassigned;
DROP TRIGGER ack_counted;
DROP TRIGGER ack_tally_recategorised;
DROP TRIGGER ack_by_call;
DROP TRIGGER resends_withdrawn_on_ack;
DROP TABLE contact_calls;
