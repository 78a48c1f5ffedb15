-- A follow-up (visit, virus check, removal) has a done date and a result
-- besides its planned date; "removed" and "no_infection" count as
-- remediated on the dashboard.
--
-- A call form carries a key of its own, so that pressing Save twice (or a
-- browser resending the form on a bad connection) stores the call once.

ALTER TABLE calls ADD COLUMN follow_up_done TEXT NOT NULL DEFAULT ''; -- a date, YYYY-MM-DD
ALTER TABLE calls ADD COLUMN follow_up_result TEXT NOT NULL DEFAULT ''
	CHECK (follow_up_result IN ('', 'no_infection', 'infected', 'removed', 'done'));
ALTER TABLE calls ADD COLUMN form_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX calls_once ON calls(user_id, form_key) WHERE form_key != '';
