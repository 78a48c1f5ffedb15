-- When a notice failed, so that a report written as of a time counts it as
-- it stood then (notify.Case.AsOf): a notice that bounced after that time
-- was delivered as far as anyone knew. For the notices that failed before
-- this was kept, the latest time known of them stands in.
ALTER TABLE notices ADD COLUMN failed_at TEXT;
UPDATE notices SET failed_at = max(queued_at, next_try, coalesce(sent_at, '')) WHERE state = 'failed';
