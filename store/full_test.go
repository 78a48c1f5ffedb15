package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

// A full disk part-way through an import: SQLite's page limit stands in for
// the disk, and gives the same SQLITE_FULL. Several chunks are committed
// before it, and undone after it.
func TestImportOnAFullDiskChangesNothingAndSaysSo(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	if _, err := db.Import(ctx, notify.ImportReport{File: "small.csv"}, recordsOf(notify.Record{Number: 1, Family: "山",
		Emails: []string{"u1@example.jp"}}), nil); err != nil {
		t.Fatal(err)
	}
	before := dump(t, db)
	var pages int
	if err := db.wdb.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The writer is one connection, so the limit holds for the import.
	if _, err := db.wdb.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+600)); err != nil {
		t.Fatal(err)
	}
	i := 0
	next := func() (notify.Record, *notify.EntryNote, error) {
		if i == 20000 {
			return notify.Record{}, nil, io.EOF
		}
		i++
		return notify.Record{Number: i, Family: strings.Repeat("山", 50), Given: "太郎", Emails: []string{fmt.Sprintf("u%d@example.jp", i)}}, nil, nil
	}
	_, err := db.Import(ctx, notify.ImportReport{File: "big.csv"}, next, nil)
	if err == nil || !strings.Contains(err.Error(), "the disk is full") {
		t.Fatalf("import on a full disk: %v; want an error that says the disk is full", err)
	}
	if i < 3000 {
		t.Errorf("the disk was full after %d entries; want some chunks committed before", i)
	}
	sameTables(t, dump(t, db), before)
	if list, _ := db.Imports(ctx); len(list) != 1 {
		t.Errorf("imports recorded: %+v", list)
	}
}

func TestANewerDatabaseIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "owabi.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.wdb.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ('9999_future', '')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "upgraded by a newer owabi (migration 9999_future)") {
		t.Errorf("opening a newer database: %v", err)
	}
	// One made before the first release, whose schema was a chain of
	// migrations since folded into one, is refused with what to do.
	older := filepath.Join(t.TempDir(), "owabi.db")
	if db, err := sql.Open("sqlite3", older); err != nil {
		t.Fatal(err)
	} else {
		_, err := db.ExecContext(ctx, `CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
			INSERT INTO schema_migrations VALUES ('0001_init', ''), ('0033_cases', '')`)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Open(ctx, older); err == nil || !strings.Contains(err.Error(), "development version of owabi before its first release; start a new one") {
		t.Errorf("opening a database of a development version: %v", err)
	}
}

// A write that fails for want of space marks the disk full; once space is
// back, a probe (at most every probeEvery) or the next write that succeeds
// says so.
func TestAFullDiskIsToldUntilSpaceIsBack(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	clock := time.Now()
	db.Now = func() time.Time { return clock }
	db.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(notify.Record{Number: 1, Family: "甲", Emails: []string{"a@c.example"}}), nil)
	db.Queue(ctx, notify.Deletion, "ja", func() string { return "m1@x" })
	notice := mustClaim(t, db)[0].ID
	var pages int
	if err := db.wdb.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.wdb.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	if _, full := db.Full(ctx); full {
		t.Fatal("full before any write failed")
	}
	// The links of a notice, as the sender keeps them, until no page is left.
	for i := 0; ; i++ {
		err := db.NewAckToken(ctx, notice, []byte(fmt.Sprintf("%064d", i)), clock)
		if notify.ErrorCode(err) == notify.ENOSPACE {
			break
		}
		if err != nil {
			t.Fatalf("link %d: %v; want it stored, or ENOSPACE", i, err)
		}
	}
	if _, full := db.Full(ctx); !full {
		t.Fatal("the disk is not told full after a write failed for want of space")
	}
	if _, err := db.wdb.ExecContext(ctx, `PRAGMA max_page_count = 1000000`); err != nil { // space is freed
		t.Fatal(err)
	}
	clock = clock.Add(probeEvery)
	if _, full := db.Full(ctx); full {
		t.Error("still told full once space is back and a probe could write")
	}
}
