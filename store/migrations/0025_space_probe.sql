-- One row that owabi rewrites to learn whether the disk has room again
-- after a write failed for want of space (store/space.go): a write that
-- needs space, and changes nothing anyone reads.
CREATE TABLE space_probe (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	at TEXT NOT NULL
);
INSERT INTO space_probe (id, at) VALUES (1, '');
