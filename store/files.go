package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/owabi/owabi/notify"
)

// RecordFile keeps that owabi wrote a file outside the database (see
// notify.WrittenFile), now and by the context's actor.
func (d *DB) RecordFile(ctx context.Context, f notify.WrittenFile) error {
	return d.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO written_files (kind, path, actor, at) VALUES (?, ?, ?, ?)`,
			f.Kind, f.Path, notify.ActorOf(ctx), tx.nowText)
		return describe(err)
	})
}

// WrittenFiles lists the files owabi wrote outside the database, newest
// first; with them the copies kept before a restore that are not in the
// table (left by a development version), found beside the database by
// their names.
func (d *DB) WrittenFiles(ctx context.Context) ([]notify.WrittenFile, error) {
	rows, err := writtenRows(ctx, d.db)
	if err != nil {
		return nil, describe(err)
	}
	files := make([]notify.WrittenFile, len(rows))
	known := map[string]bool{}
	for i, r := range rows {
		files[i] = notify.WrittenFile{Kind: notify.FileKind(r.kind), Path: r.path, Actor: r.actor, At: parseTime(r.at)}
		known[r.path] = true
	}
	older, _ := filepath.Glob(d.path + beforeRestoreSuffix + "*")
	slices.Reverse(older) // their names sort by time
	for _, path := range older {
		if !known[path] {
			files = append(files, notify.WrittenFile{Kind: notify.FileBeforeRestore, Path: path})
		}
	}
	return files, nil
}

// beforeRestoreSuffix, and the time, make the name of the copy of the
// database that owabi restore keeps (BeforeRestorePath).
const beforeRestoreSuffix = ".before-restore-"

// BeforeRestorePath is where owabi restore keeps the database as it was,
// at the time at.
func (d *DB) BeforeRestorePath(at time.Time) string {
	return d.path + beforeRestoreSuffix + at.Format("20060102-150405")
}

// writtenRow is a row of written_files as stored.
type writtenRow struct{ kind, path, actor, at string }

func writtenRows(ctx context.Context, q querier) ([]writtenRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, path, actor, at FROM written_files ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []writtenRow
	for rows.Next() {
		var r writtenRow
		if err := rows.Scan(&r.kind, &r.path, &r.actor, &r.at); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// keepWritten records again, after a restore, the files the database
// knew of before it: the backup may be older than some of them, which are
// still to be destroyed. A row the backup has already is not doubled.
// rows are newest first, as writtenRows reads them.
func (d *DB) keepWritten(ctx context.Context, rows []writtenRow) error {
	return d.inTx(ctx, func(tx *Tx) error {
		for _, r := range slices.Backward(rows) { // oldest first, as they were written
			if _, err := tx.ExecContext(ctx, `INSERT INTO written_files (kind, path, actor, at) SELECT ?1, ?2, ?3, ?4
				WHERE NOT EXISTS (SELECT 1 FROM written_files WHERE kind = ?1 AND path = ?2 AND actor = ?3 AND at = ?4)`,
				r.kind, r.path, r.actor, r.at); err != nil {
				return fmt.Errorf("keeping the files owabi wrote through the restore: %w", describe(err))
			}
		}
		return nil
	})
}
