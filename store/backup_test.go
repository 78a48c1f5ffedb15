package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/store"
)

func TestABackupIsAWholeOwnerOnlyCopyAndRestoresIt(t *testing.T) {
	ctx := context.Background()
	db, _, _, _ := resendBook(t, "a", "b")
	dir := t.TempDir()
	path := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the backup: %v, %v; want owner-only", fi.Mode(), err)
	}
	if err := db.Backup(ctx, path); notify.ErrorCode(err) != notify.ECONFLICT {
		t.Errorf("a second backup over the first: %v", err)
	}
	copied, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := copied.Status(ctx); st.Contacts != 2 || st.Notices[notify.Sent] != 2 {
		t.Errorf("the backup holds %+v", st)
	}
	copied.Close()
	// Something happens after the backup; the restore takes it back.
	n := 0
	if q, err := db.Queue(ctx, notify.Apology, "ja", func() string { n++; return fmt.Sprint("later", n, "@x") }); err != nil || q != 2 {
		t.Fatalf("queued %d, %v", q, err)
	}
	if err := db.Restore(ctx, path, false); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.Status(ctx); st.Notices[notify.Queued] != 0 || st.Notices[notify.Sent] != 2 {
		t.Errorf("after the restore: %+v", st.Notices)
	}
	os.WriteFile(filepath.Join(dir, "junk.db"), []byte("not a database"), 0o600)
	if err := db.Restore(ctx, filepath.Join(dir, "junk.db"), false); err == nil {
		t.Error("a file that is no database was restored")
	}
}

func TestABackupPathWithAQuestionMark(t *testing.T) {
	ctx := context.Background()
	db, _, _, _ := resendBook(t, "a")
	path := filepath.Join(t.TempDir(), "what?#1.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Errorf("the backup at %s: %v", path, err)
	}
}

// A backup killed part-way leaves nothing at its path, and the next one
// clears what it left and writes the backup.
func TestABackupAfterOneKilledPartWay(t *testing.T) {
	ctx := context.Background()
	db, _, _, _ := resendBook(t, "a")
	path := filepath.Join(t.TempDir(), "backup.db")
	for _, left := range []string{path + ".partial", path + ".partial-journal"} {
		if err := os.WriteFile(left, []byte("half a database"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Backup(ctx, path); err != nil {
		t.Fatalf("a backup after one killed part-way: %v", err)
	}
	copied, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	if st, _ := copied.Status(ctx); st.Contacts != 1 {
		t.Errorf("the backup holds %+v", st)
	}
	for _, left := range []string{path + ".partial", path + ".partial-journal"} {
		if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there: %v", filepath.Base(left), err)
		}
	}
}

// A database with a second name (a hard link) is refused: SQLite and the
// sender lock know it by its name.
func TestADatabaseWithTwoNamesIsRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "owabi.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Link(path, filepath.Join(dir, "other.db")); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(ctx, path); notify.ErrorCode(err) != notify.EINVALID || !strings.Contains(err.Error(), "hard links") {
		t.Errorf("opening a database with two names: %v", err)
	}
}
