package store

import (
	"context"

	"github.com/owabi/owabi/notify"
)

// FileReport records that a report was filed now, by the user; filing it
// again keeps the first time.
func (d *DB) FileReport(ctx context.Context, userID int64, kind notify.ReportKind) error {
	return d.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO filings (kind, filed_at, user_id) VALUES (?, ?, ?) ON CONFLICT (kind) DO NOTHING`,
			kind, tx.nowText, userID)
		if err != nil {
			return describe(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return describe(audit(ctx, tx, notify.AuditEntry{Kind: "report_filed", Detail: string(kind) + " filed"}))
	})
}

// Filed fills in, on each deadline, when its report was filed and by whom.
func (d *DB) Filed(ctx context.Context, deadlines []notify.Deadline) ([]notify.Deadline, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT f.kind, f.filed_at, coalesce(u.name, '') FROM filings f LEFT JOIN users u ON u.id = f.user_id`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	out := append([]notify.Deadline(nil), deadlines...)
	for rows.Next() {
		var kind, at, by string
		if err := rows.Scan(&kind, &at, &by); err != nil {
			return nil, err
		}
		for i := range out {
			if string(out[i].Kind) == kind {
				out[i].Filed, out[i].By = parseTime(at), by
			}
		}
	}
	return out, describe(rows.Err())
}
