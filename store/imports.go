package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/owabi/owabi/notify"
)

// ImportReport reads back the report of a stored import: its counts, and
// the first notify.KeptNotes of its rejected and of its flagged entries,
// as the import itself reported them (ImportNotes reads the others).
func (d *DB) ImportReport(ctx context.Context, id int64) (notify.ImportReport, error) {
	rep := notify.ImportReport{ID: id}
	var at, listed string
	err := d.db.QueryRowContext(ctx, `SELECT file, format, encoding, at, done_at, records, added, updated, unchanged, merged, addresses_added,
		rejected, flagged FROM imports WHERE id = ?`, id).Scan(&rep.File, &rep.Format, &rep.Encoding, &at, &listed, &rep.Records, &rep.Added,
		&rep.Updated, &rep.Unchanged, &rep.Merged, &rep.AddressesAdded, &rep.RejectedCount, &rep.FlaggedCount)
	rep.At = parseTime(at)
	if listed != at { // dated by a manager
		rep.ListedAt = parseTime(listed)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return rep, notify.Errorf(notify.ENOTFOUND, "there is no import number %d", id)
	}
	if err != nil {
		return rep, describe(err)
	}
	if rep.Rejected, err = d.ImportNotes(ctx, id, notify.RejectedNotes, 0, notify.KeptNotes); err != nil {
		return rep, err
	}
	rep.Flagged, err = d.ImportNotes(ctx, id, notify.FlaggedNotes, 0, notify.KeptNotes)
	return rep, err
}

// ImportNotes reads one page of a stored import's notes of a kind, in file
// order: limit of them, from the offset-th on (from 0). The page is read
// along the import's rows in file order, the table's key: as the offset
// grows it walks further, 0.2 s to the end of a million.
func (d *DB) ImportNotes(ctx context.Context, id int64, kind notify.NoteKind, offset, limit int) ([]notify.EntryNote, error) {
	return d.notesAfter(ctx, id, kind, 0, offset, limit)
}

// EachImportNote calls fn with every note of a kind of a stored import, in
// file order, reading them a page at a time: a million of them are never
// held at once, nor one read transaction kept open while fn writes them
// out.
func (d *DB) EachImportNote(ctx context.Context, id int64, kind notify.NoteKind, fn func(notify.EntryNote) error) error {
	const page = 1000
	for after := 0; ; {
		notes, err := d.notesAfter(ctx, id, kind, after, 0, page)
		if err != nil {
			return err
		}
		for _, n := range notes {
			if err := fn(n); err != nil {
				return err
			}
		}
		if len(notes) < page {
			return nil
		}
		after = notes[len(notes)-1].Number
	}
}

// notesAfter reads limit notes of a kind of an import, of the entries
// after the one numbered after, less the first offset of them.
func (d *DB) notesAfter(ctx context.Context, id int64, kind notify.NoteKind, after, offset, limit int) ([]notify.EntryNote, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT number, line, note FROM import_rows
		WHERE import_id = ? AND number > ? AND note != '' AND (outcome = 'rejected') = ? ORDER BY number LIMIT ? OFFSET ?`,
		id, after, kind == notify.RejectedNotes, limit, offset)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var notes []notify.EntryNote
	for rows.Next() {
		var n notify.EntryNote
		var reason string
		if err := rows.Scan(&n.Number, &n.Line, &reason); err != nil {
			return nil, err
		}
		n.Reason = notify.ReadSaid(reason)
		notes = append(notes, n)
	}
	return notes, describe(rows.Err())
}

// Imports lists the stored imports, newest first, without their entries.
func (d *DB) Imports(ctx context.Context) ([]notify.ImportSummary, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, at, file, format, encoding, records, added, updated, unchanged,
		merged, rejected, flagged, state FROM imports ORDER BY id DESC`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.ImportSummary
	for rows.Next() {
		var s notify.ImportSummary
		var at string
		if err := rows.Scan(&s.ID, &at, &s.File, &s.Format, &s.Encoding, &s.Records, &s.Added, &s.Updated,
			&s.Unchanged, &s.Merged, &s.Rejected, &s.Flagged, &s.State); err != nil {
			return nil, err
		}
		s.At = parseTime(at)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, describe(err)
	}
	for i := range out {
		if out[i].State == notify.ImportRunning {
			if running, err := d.running(); err != nil {
				return nil, err
			} else if !running {
				out[i].State = notify.ImportStopped
			}
		}
	}
	return out, nil
}
