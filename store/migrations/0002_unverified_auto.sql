-- Whether an unverified reply is an automatic one (an out-of-office whose
-- sender's checks failed, as forwarding often makes them): confirmed, it
-- is kept as an automatic reply, which does not count as an
-- acknowledgement.
ALTER TABLE unverified_mail ADD COLUMN auto INTEGER NOT NULL DEFAULT 0;
