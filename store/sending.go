package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

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

// SentSince is when each message that went out at since or later went:
// a notice's send, and the earlier sends of notices given another round,
// which the mail server counted too. It reads every notice (no index on
// sent_at, which would cost each send a write): only a daily cap
// (smtp.per_day) asks for it.
func (d *DB) SentSince(ctx context.Context, since time.Time) ([]time.Time, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT sent_at FROM notices WHERE sent_at >= ?1
		UNION ALL SELECT sent_at FROM notice_tries WHERE sent_at >= ?1`, formatTime(since))
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at string
		if err := rows.Scan(&at); err != nil {
			return nil, describe(err)
		}
		out = append(out, parseTime(at))
	}
	return out, describe(rows.Err())
}
