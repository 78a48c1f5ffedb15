package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// StopSending records why sending has stopped: from now, unless it had
// stopped already, when it keeps the time it stopped and takes the latest
// reason.
func (d *DB) StopSending(ctx context.Context, why notify.Said) error {
	return d.exec(ctx, `INSERT INTO sending_stopped (id, at, why) VALUES (1, ?1, ?2)
		ON CONFLICT (id) DO UPDATE SET why = excluded.why`, nil, why.Stored())
}

// SendingResumed records that sending runs again. It writes only when
// sending had stopped: the sender says so after every round.
func (d *DB) SendingResumed(ctx context.Context) error {
	var stopped bool
	if err := d.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sending_stopped)`).Scan(&stopped); err != nil || !stopped {
		return describe(err)
	}
	return d.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sending_stopped`)
		return describe(err)
	})
}

// sendingStopped is why sending has stopped, nil while it runs.
func sendingStopped(ctx context.Context, q querier) (*notify.SendingStop, error) {
	var at, why string
	err := q.QueryRowContext(ctx, `SELECT at, why FROM sending_stopped WHERE id = 1`).Scan(&at, &why)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s := &notify.SendingStop{Since: parseTime(at), Why: notify.ReadSaid(why)}
	s.WhyText = wording.English(s.Why)
	return s, nil
}

// SendingStopped is why sending has stopped, nil while it runs.
func (d *DB) SendingStopped(ctx context.Context) (*notify.SendingStop, error) {
	s, err := sendingStopped(ctx, d.db)
	return s, describe(err)
}
