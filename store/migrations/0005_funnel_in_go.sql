-- What each case counts for in the running counts (notify.Case.Progress)
-- is kept as the names of those steps, as tally names them, in one column
-- rather than one column a step. The reports' numbers (store.DB.Facts)
-- are now steps too, decided by notify instead of by a query of their
-- own. The Go that completes this migration (store/progress.go,
-- refreshEveryCase) decides every case again, which counts the new steps.
INSERT INTO tally (category, what)
	SELECT c.value, w.value FROM
	json_each('["customer", "supplier", "employee", "unclassified"]') c,
	json_each('["called", "not_arrived", "found_infected", "visited", "checked", "none_delivered"]') w;
ALTER TABLE cases ADD COLUMN funnel TEXT NOT NULL DEFAULT '';
UPDATE cases SET funnel = trim(iif(acked_at != '', 'acknowledged ', '') || iif(reached_at != '', 'reached ', '')
	|| iif(heard, 'heard ', '') || iif(arrived, 'arrived ', '') || iif(clicked, 'clicked ', '')
	|| iif(infected, 'infected ', '') || iif(remediated, 'remediated', ''));
ALTER TABLE cases DROP COLUMN heard;
ALTER TABLE cases DROP COLUMN arrived;
ALTER TABLE cases DROP COLUMN clicked;
ALTER TABLE cases DROP COLUMN infected;
ALTER TABLE cases DROP COLUMN remediated;
