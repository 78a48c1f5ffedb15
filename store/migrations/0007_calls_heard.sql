-- Whether a call heard the person (notify.Call.Heard) is kept with it,
-- written by Go, so that the timeline counts the hearings without a rule
-- of its own in SQL. The Go that completes this migration fills it in for
-- the calls already recorded (store/calls.go, fillHeard).
ALTER TABLE calls ADD COLUMN heard INTEGER NOT NULL DEFAULT 0;
