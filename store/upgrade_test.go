package store

import (
	"compress/gzip"
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

// A database left by an owabi of the schema 0004 (testdata/schema-0004:
// the property test's random actions of seed 0, and a preliminary report
// filed, as sqlite3's .dump wrote it) is upgraded on open in one go: every
// case decided again by today's code, the counts equal to what the facts
// say, and the filing a step of the response.
func TestADatabaseOfAnOlderSchemaIsUpgradedWhole(t *testing.T) {
	ctx := context.Background()
	f, err := os.Open("testdata/schema-0004.sql.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dump, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "owabi.db")
	old, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, string(dump)); err != nil {
		t.Fatal(err)
	}
	// A failed notice given another round then, which kept the time it
	// went out.
	if _, err := old.ExecContext(ctx, `UPDATE tally SET n = n + CASE WHEN what LIKE '%/failed' THEN -1 ELSE 1 END
		WHERE (category, what) IN (SELECT c.category, n.kind || s.state FROM notices n JOIN contacts c ON c.id = n.contact_id, (SELECT '/failed' AS state UNION SELECT '/queued') s
			WHERE n.id = (SELECT min(id) FROM notices WHERE state = 'failed'));
		UPDATE notices SET state = 'queued', attempts = 0, sent_at = queued_at WHERE id = (SELECT min(id) FROM notices WHERE state = 'failed')`); err != nil {
		t.Fatal(err)
	}
	old.Close()

	d, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	applied, _ := appliedMigrations(ctx, d.db)
	names, _ := migrationNames()
	if len(applied) != len(names) {
		t.Errorf("applied %v of %v", applied, names)
	}
	checkCountsEqualTheFacts(t, d, "after the upgrade")
	actions, err := d.Actions(ctx)
	if err != nil || len(actions) != 1 || actions[0].Kind != notify.ActionKind(notify.PPCPreliminary) || actions[0].RecordedBy != "kanri" {
		t.Errorf("the filing, as a step: %+v, %v", actions, err)
	}
	if steps, err := d.Timeline(ctx, time.Time{}); err != nil || len(steps) == 0 {
		t.Errorf("the timeline: %v, %v", steps, err)
	}
	var heard, said int
	d.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM calls WHERE heard),
		(SELECT count(*) FROM calls WHERE outcome = 'reached' AND (arrived || opened || clicked || infected || deleted) != '')`).Scan(&heard, &said)
	if heard != said || heard == 0 {
		t.Errorf("%d calls marked as hearing the person, %d did", heard, said)
	}
	// A notice that failed before their times were kept is dated by the
	// latest time known of it, so that a report as of a time can count it.
	var failed, undated int
	d.db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE failed_at IS NULL OR failed_at < queued_at) FROM notices WHERE state = 'failed'`).Scan(&failed, &undated)
	if failed == 0 || undated != 0 {
		t.Errorf("%d failed notices, %d of them without a time", failed, undated)
	}
	// A notice waiting for another round holds no time it went out, which
	// its earlier try keeps; every one that went out has its first time.
	var waiting, tried, unfirst int
	d.db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE state IN ('queued', 'sending') AND sent_at IS NOT NULL),
		(SELECT count(*) FROM notice_tries), count(*) FILTER (WHERE sent_at IS NOT NULL AND first_sent_at IS NULL) FROM notices`).Scan(&waiting, &tried, &unfirst)
	if waiting != 0 || unfirst != 0 {
		t.Errorf("%d waiting notices with a time they went out (%d tries kept), %d sent without a first time", waiting, tried, unfirst)
	}
	if tried != 1 {
		t.Errorf("%d tries kept from before, want 1", tried)
	}
}
