-- A manager may let a member of the sales staff see and call every
-- contact, not only their own (a colleague covering for someone away).
ALTER TABLE users ADD COLUMN all_contacts INTEGER NOT NULL DEFAULT 0;
