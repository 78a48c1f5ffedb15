package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/owabi/owabi/notify"
)

// ImportReport reads back the report of a stored import: its counts, and
// the rejected and flagged entries with their reasons.
func (d *DB) ImportReport(ctx context.Context, id int64) (notify.ImportReport, error) {
	rep := notify.ImportReport{ID: id, Rejected: []notify.EntryNote{}, Flagged: []notify.EntryNote{}}
	var at string
	err := d.db.QueryRowContext(ctx, `SELECT file, format, encoding, at, records, added, updated, unchanged, merged, addresses_added
		FROM imports WHERE id = ?`, id).Scan(&rep.File, &rep.Format, &rep.Encoding, &at, &rep.Records, &rep.Added,
		&rep.Updated, &rep.Unchanged, &rep.Merged, &rep.AddressesAdded)
	rep.At = parseTime(at)
	if errors.Is(err, sql.ErrNoRows) {
		return rep, notify.Errorf(notify.ENOTFOUND, "there is no import number %d", id)
	}
	if err != nil {
		return rep, describe(err)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT number, line, outcome, note FROM import_rows
		WHERE import_id = ? AND note != '' ORDER BY number`, id)
	if err != nil {
		return rep, describe(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n notify.EntryNote
		var outcome string
		if err := rows.Scan(&n.Number, &n.Line, &outcome, &n.Reason); err != nil {
			return rep, err
		}
		if outcome == "rejected" {
			rep.Rejected = append(rep.Rejected, n)
		} else {
			rep.Flagged = append(rep.Flagged, n)
		}
	}
	return rep, describe(rows.Err())
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
