-- What the mail server answered to a notice's last attempt, kept as facts:
-- where in the exchange, the reply code and the enhanced status (the
-- server's own words stay in last_error). What they mean for the person
-- is decided in Go (notify.ServerReply), never here. Older rows are filled
-- in from their text by Go, in the same transaction (fillServerReplies).
ALTER TABLE notices ADD COLUMN reply_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE notices ADD COLUMN reply_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notices ADD COLUMN reply_status TEXT NOT NULL DEFAULT '';
