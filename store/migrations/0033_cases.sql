-- Each affected person's case as notify.Case.Assess decides it, written
-- by Go in the transaction that records a fact about them (store/cases.go),
-- so that lists, counts and /metrics read one decision. A contact without
-- a row is in the case every contact starts in (no fact recorded yet that
-- moves it). A case that changes by the clock alone (a call-back coming
-- due) holds both answers: urgency until due_at, urgency_due after.
CREATE TABLE cases (
	contact_id  INTEGER PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
	urgency     INTEGER NOT NULL, -- notify.Urgency's number
	reason      TEXT    NOT NULL,
	at_risk     INTEGER NOT NULL DEFAULT 0,
	due_at      TEXT, -- NULL when only a new fact changes it
	urgency_due INTEGER,
	reason_due  TEXT
);
-- Counts by urgency (store.CaseCounts) read these alone, not the rows.
CREATE INDEX cases_urgency ON cases(urgency, due_at);
CREATE INDEX cases_due ON cases(urgency_due, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX cases_at_risk ON cases(contact_id) WHERE at_risk;

-- Who is at risk is decided in Go now, from the latest fact about their
-- computer (a check that found it clean included); the trigger's column
-- is no longer read.
DROP INDEX contact_calls_at_risk;
