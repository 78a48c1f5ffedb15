package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/owabi/owabi/notify"
)

// Backup writes a consistent copy of the database to path, owner-only,
// with SQLite's online backup API: the daemon goes on sending and serving
// while it runs. It never writes over an existing file, and checks the
// copy before it returns. The copy is written to path.partial and put in
// place only when whole and checked, so a backup killed part-way leaves
// no file at path, and the next one clears what it left.
func (d *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Lstat(path); err == nil {
		return exists(path)
	}
	partial, err := startPartial(path + ".partial")
	if err != nil {
		return err
	}
	defer partial.discard()
	if err := copyDatabase(ctx, d.db, partial.path, -1); err != nil {
		return err
	}
	copied, err := openCopy(partial.path)
	if err == nil {
		err = checkDatabase(ctx, copied, path)
		copied.Close()
	}
	if err != nil {
		return err // a copy that fails its check is no backup
	}
	return partial.placeAt(path)
}

func exists(path string) error {
	return notify.Errorf(notify.ECONFLICT, "%s exists already; a backup never writes over a file", path)
}

// partialFile is a backup being written. It is locked while it is, so that
// a partial file nobody holds is known to be left by a backup that died.
type partialFile struct {
	path string
	lock *os.File
}

// startPartial creates the file a backup is written to, owner-only, and
// clears what a killed backup left there.
func startPartial(path string) (*partialFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil || !samePath(f, path) {
		// Held by a backup being written, or just removed by one that
		// finished (the lock is then on a file no longer there).
		f.Close()
		return nil, notify.Errorf(notify.ECONFLICT, "another backup is being written to %s", strings.TrimSuffix(path, ".partial"))
	}
	// Whatever is there belongs to a backup that was killed.
	if err := errors.Join(f.Truncate(0), removeIfThere(path+"-journal")); err != nil {
		f.Close()
		return nil, fmt.Errorf("backup: clearing a backup left part-way: %w", err)
	}
	return &partialFile{path: path, lock: f}, nil
}

// placeAt puts the finished copy at path, never over a file that appeared
// there meanwhile, durably.
func (p *partialFile) placeAt(path string) error {
	if err := p.lock.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	err := os.Link(p.path, path)
	if errors.Is(err, os.ErrExist) {
		return exists(path)
	}
	if err != nil {
		// A file system without links (a FAT memory stick): renaming
		// could replace a file that appeared since the check, so check
		// again right before.
		if _, err := os.Lstat(path); err == nil {
			return exists(path)
		}
		if err := os.Rename(p.path, path); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer dir.Close()
	return dir.Sync()
}

// discard removes the partial file (the finished backup, if any, is a
// link of its own) and lets it go.
func (p *partialFile) discard() {
	os.Remove(p.path + "-journal")
	os.Remove(p.path)
	p.lock.Close()
}

// samePath says whether the open file f is still the file at path.
func samePath(f *os.File, path string) bool {
	open, err := f.Stat()
	if err != nil {
		return false
	}
	there, err := os.Stat(path)
	return err == nil && os.SameFile(open, there)
}

func removeIfThere(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// copyDatabase copies the database src reads into the file at path, pages
// at a time. -1 copies it all in one step, in one read transaction, which
// in WAL mode keeps no writer out: a copy made a step at a time starts
// again whenever another connection commits, and under a steady stream
// of commits (calls being logged, an import's chunks) never finishes.
func copyDatabase(ctx context.Context, src *sql.DB, path string, pages int) error {
	dst, err := sql.Open("sqlite3", fileURI(path))
	if err != nil {
		return err
	}
	defer dst.Close()
	dc, err := dst.Conn(ctx)
	if err != nil {
		return describe(err)
	}
	defer dc.Close()
	sc, err := src.Conn(ctx)
	if err != nil {
		return describe(err)
	}
	defer sc.Close()
	return dc.Raw(func(d any) error {
		return sc.Raw(func(s any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return describe(err)
			}
			for {
				done, err := b.Step(pages)
				if err != nil {
					b.Finish()
					return describe(err)
				}
				if done {
					return describe(b.Finish())
				}
				if ctx.Err() != nil {
					b.Finish()
					return ctx.Err()
				}
			}
		})
	})
}

// openCopy opens a database file to read only, leaving no -wal or -shm
// beside it.
func openCopy(path string) (*sql.DB, error) {
	return sql.Open("sqlite3", fileURI(path)+"?mode=ro&immutable=1")
}

// checkDatabase runs SQLite's quick check on db, the file at path.
func checkDatabase(ctx context.Context, db *sql.DB, path string) error {
	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&result); err != nil {
		return describe(err)
	}
	if result != "ok" {
		return notify.Errorf(notify.EINVALID, "the copy at %s is damaged: %s", path, result)
	}
	return nil
}

// Restore replaces the database with the backup at path, after checking
// it: not damaged, and made by this owabi or an older one (it is then
// brought up to date). A backup made before the database was purged
// would bring the personal data back: only with undoPurge. The daemon
// must be stopped: the caller holds the sender lock. The backup file
// itself is only read. The files owabi wrote outside the database stay
// known (keepWritten).
func (d *DB) Restore(ctx context.Context, path string, undoPurge bool) error {
	b, err := openCopy(path)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := checkDatabase(ctx, b, path); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	applied, err := appliedMigrations(ctx, b)
	if err != nil || len(applied) == 0 {
		return notify.Errorf(notify.EINVALID, "restore: %s is not an owabi database", path)
	}
	names, err := migrationNames()
	if err != nil {
		return err
	}
	if why := unknownSchema(applied, names); why != "" {
		return notify.Errorf(notify.EINVALID, "restore: %s %s", path, why)
	}
	if at, _, err := purged(ctx, d.db); err != nil {
		return describe(err)
	} else if !at.IsZero() && !undoPurge {
		if then, _, err := purged(ctx, b); err != nil || then.IsZero() { // (an older backup has no purges table)
			return notify.Errorf(notify.ECONFLICT, "restore: this database was purged of its personal data on %s, and the backup at %s "+
				"was made before and holds it again; restore it only to undo a purge made in error, with owabi restore --undo-purge",
				at.UTC().Format("2006-01-02 15:04 UTC"), path)
		}
	}
	written, err := writtenRows(ctx, d.db)
	if err != nil {
		return describe(err)
	}
	if err := copyDatabase(ctx, b, d.path, 1024); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := d.migrate(ctx); err != nil {
		return err
	}
	return d.keepWritten(ctx, written)
}
