-- A staff account's display name, as colleagues know the person
-- (大塚 浩二): the app shows people, not login IDs or addresses. Empty,
-- the app shows the book's name for the account's address, if any.
ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
