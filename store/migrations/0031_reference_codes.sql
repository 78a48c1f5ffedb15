-- A notice's reference code (notify.NewRef): random, so that a reply
-- quoting it shows its writer holds the notice. The notices queued before
-- keep the numbered code they printed (notify.OldRef), filled in by Go.
ALTER TABLE notices ADD COLUMN ref TEXT;
CREATE UNIQUE INDEX notices_ref ON notices(ref);
