package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/owabi/owabi/notify"
)

// Backup writes a consistent copy of the database to path, owner-only,
// with SQLite's online backup API: the daemon goes on sending and serving
// while it runs. It never writes over an existing file, and checks the
// copy before it returns.
func (d *DB) Backup(ctx context.Context, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return notify.Errorf(notify.ECONFLICT, "%s exists already; a backup never writes over a file", path)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	if err := copyDatabase(ctx, d.db, path, -1); err != nil {
		os.Remove(path)
		return err
	}
	copied, err := openCopy(path)
	if err == nil {
		err = checkDatabase(ctx, copied, path)
		copied.Close()
	}
	if err != nil {
		os.Remove(path) // a copy that fails its check is no backup
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
// itself is only read.
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
	if v := newerMigration(applied); v != "" {
		return notify.Errorf(notify.EINVALID, "restore: %s was made by a newer owabi (migration %s); use that version", path, v)
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
	if err := copyDatabase(ctx, b, d.path, 1024); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return d.migrate(ctx)
}
