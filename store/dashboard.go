package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/owabi/owabi/notify"
)

// Dashboard reads where the response stands, in one read transaction so
// that its numbers agree with one another: the running counts, the cases
// at risk and due a call back, each owner's progress, and the last days
// per day, days up to today in the zone offset east of UTC. Every part is
// a handful of rows or an index's count, however large the book.
func (d *DB) Dashboard(ctx context.Context, days int, offset time.Duration) (notify.Dashboard, error) {
	var b notify.Dashboard
	err := d.reading(ctx, func(tx *sql.Tx) (err error) {
		if b.Status, err = d.status(ctx, tx); err != nil {
			return err
		}
		if b.Progress, err = progress(ctx, tx); err != nil {
			return err
		}
		if b.Cases, err = d.caseCounts(ctx, tx, notify.AtRisk, notify.CallBackDue); err != nil {
			return err
		}
		if b.Staff, err = d.staffProgress(ctx, tx); err != nil {
			return err
		}
		if b.Reached, err = d.perDayIn(ctx, tx, "reached_tally", days, offset); err != nil {
			return err
		}
		if b.Acknowledged, err = d.perDayIn(ctx, tx, "acked_tally", days, offset); err != nil {
			return err
		}
		for _, n := range []struct {
			n    *int
			read func(context.Context, querier) (int, error)
		}{{&b.LookAlikes, lookAlikes}, {&b.Unverified, unverifiedWaiting}, {&b.Withheld, withheld}} {
			if *n.n, err = n.read(ctx, tx); err != nil {
				return err
			}
		}
		b.PurgedAt, _, err = purged(ctx, tx)
		return err
	})
	return b, err
}
