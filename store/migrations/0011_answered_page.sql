-- The reports say where their numbers come from: the telephone hearings,
-- and the confirmation pages only when someone answered on one. A new
-- step of the running counts (store/progress.go, funnel): the Go that
-- completes this migration decides every case again, which counts it.
INSERT INTO tally (category, what)
	SELECT c.value, 'answered_page' FROM json_each('["customer", "supplier", "employee", "unclassified"]') c;
