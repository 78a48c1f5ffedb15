package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/owabi/owabi/notify"
)

// dryRun reports what importing the book would do, and writes nothing to
// the database: it imports the book, as Import does, into a copy of it,
// and deletes the copy. So what it reports is what the import would do,
// to the entry, and it never holds the database's write lock: a dry run of
// a million entries does not keep the web app's writers out, as one
// transaction rolled back at the end would. The copy is made with SQLite's
// backup API in one step (one read transaction: writers go on), into a
// folder of its own beside the database, owner-only, as the database is;
// it holds personal data, so a copy a stopped dry run left is removed by
// the next dry run, import, command that writes, or purge
// (removeStaleDryRuns). Its report holds the counts and the first
// notify.KeptNotes notes of each kind, as an import's does; the rest go
// with the copy.
func (d *DB) dryRun(ctx context.Context, rep notify.ImportReport, next notify.NextRecord, decide notify.Decide) (notify.ImportReport, error) {
	removeStaleDryRuns(d.path)
	dir, err := os.MkdirTemp(filepath.Dir(d.path), filepath.Base(d.path)+dryRunFolder+"*")
	if err != nil {
		return rep, fmt.Errorf("store: a dry run works on a copy of the database: %w", err)
	}
	defer os.RemoveAll(dir)
	// Held until the copy is gone: a live dry run's copy is not stale.
	inUse, err := openLockFile(filepath.Join(dir, "copy"), ".in-use")
	if err != nil {
		return rep, err
	}
	defer inUse.Close()
	if err := flock(inUse, syscall.LOCK_EX); err != nil {
		return rep, err
	}
	path := filepath.Join(dir, "copy.db")
	if err := copyDatabase(ctx, d.db, path, -1); err != nil {
		return rep, fmt.Errorf("store: a dry run works on a copy of the database, which could not be made: %w", err)
	}
	c, err := Open(ctx, path)
	if err != nil {
		return rep, err
	}
	defer c.Close()
	c.Now = d.Now
	rep.DryRun = false
	rep, err = c.Import(ctx, rep, next, decide)
	rep.DryRun, rep.ID = true, 0
	return rep, err
}

// dryRunFolder names the folders of dry runs' copies beside the database.
const dryRunFolder = ".dry-run-"

// removeStaleDryRuns removes the copies that dry runs which stopped left
// beside the database at path: those no live dry run holds.
func removeStaleDryRuns(path string) {
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), filepath.Base(path)+dryRunFolder) {
			continue
		}
		dir := filepath.Join(filepath.Dir(path), e.Name())
		f, err := os.OpenFile(filepath.Join(dir, "copy.in-use"), os.O_RDWR, 0)
		if err != nil {
			continue // not made yet, or not a dry run's
		}
		if flock(f, syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.RemoveAll(dir)
		}
		f.Close()
	}
}
