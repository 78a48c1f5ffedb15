-- What stopped the sender, and since when (notify.SendingStop): the mail
-- server refusing to send for owabi, or unreachable, or notices that
-- cannot be written. One row while sending is stopped, none while it
-- runs; owabi status and the dashboard read it, whichever process sends.
CREATE TABLE sending_stopped (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	at  TEXT NOT NULL,
	why TEXT NOT NULL -- a notify.Said, as Said.Stored writes it
);
