-- A notice that comes back to the queue (a retry, a release, a restart) of
-- someone not to be contacted, or after a purge, is withdrawn by Go
-- (store.requeued), in the transaction that puts it back; the triggers
-- that did it are gone.
DROP TRIGGER notice_withheld;
DROP TRIGGER purged_notice_withdrawn;
