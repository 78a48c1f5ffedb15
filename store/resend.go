package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/owabi/owabi/notify"
)

// dueResendsQuery finds, for one kind, the last notice sent to each address
// whose person nobody has heard from (their case says so: notify.Case.Unheard;
// a contact without a stored case is as it starts), sent at or before ?2.
// An address is left alone while any notice to it waits or is being sent
// (the next would overtake it), after any notice to it failed for good,
// and when a later round of the kind exists; a contact held back
// (heldBack) is left alone too.
const dueResendsQuery = `SELECT n.id, n.contact_id, n.address_id, n.kind, n.lang, n.message_id, n.sent_at, n.round, a.email
	FROM notices n JOIN addresses a ON a.id = n.address_id JOIN contacts c ON c.id = n.contact_id
	WHERE n.state = 'sent' AND n.kind = ?1 AND n.sent_at <= ?2 AND NOT ` + heldBack + `
	AND coalesce((SELECT k.unheard FROM cases k WHERE k.contact_id = n.contact_id), ?3)
	AND NOT EXISTS (SELECT 1 FROM notices m WHERE m.address_id = n.address_id
		AND (m.state IN ('queued', 'sending', 'failed') OR (m.kind = n.kind AND m.round > n.round)))
	ORDER BY n.id`

// DueResends lists what a resend run at now would do under p: for each
// address due again, the last notice sent to it, marked HandOver when it
// was the last send p allows.
func (d *DB) DueResends(ctx context.Context, p notify.ResendPolicy, now time.Time) ([]notify.Resend, error) {
	list, err := dueResends(ctx, d.db, p, now)
	return list, describe(err)
}

func dueResends(ctx context.Context, q querier, p notify.ResendPolicy, now time.Time) ([]notify.Resend, error) {
	if at, _, err := purged(ctx, q); err != nil || !at.IsZero() {
		return nil, err // the addresses are gone: nothing is sent again
	}
	var out []notify.Resend
	for _, kind := range p.Kinds {
		rows, err := q.QueryContext(ctx, dueResendsQuery, kind, formatTime(now.Add(-p.After)), notify.Case{}.Unheard())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r notify.Resend
			var sent string
			if err := rows.Scan(&r.ID, &r.ContactID, &r.AddressID, &r.Kind, &r.Lang, &r.MessageID, &sent, &r.Round, &r.Email); err != nil {
				rows.Close()
				return nil, err
			}
			r.State, r.SentAt = notify.Sent, parseTime(sent)
			r.HandOver = r.Round+1 >= p.MaxSends
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Resend does, in one transaction, what DueResends lists: it queues the
// next round of each notice due again, to be sent from sendAt, and hands
// the contacts whose last allowed send went unanswered to their owners. It
// records the run as the resend job's last (see LastRun). Run twice, the
// second run finds nothing more to do.
func (d *DB) Resend(ctx context.Context, p notify.ResendPolicy, now, sendAt time.Time, messageID func() string) (queued, handed int, err error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	due, err := dueResends(ctx, tx, p, now)
	if err != nil {
		return 0, 0, describe(err)
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO notices (contact_id, address_id, kind, lang, message_id, ref, next_try, queued_at, round, resend_of)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, 0, describe(err)
	}
	defer insert.Close()
	hand, err := tx.PrepareContext(ctx, `INSERT INTO call_tasks (contact_id, at, reason) VALUES (?, ?, 'no_reply')
		ON CONFLICT (contact_id) DO NOTHING`)
	if err != nil {
		return 0, 0, describe(err)
	}
	defer hand.Close()
	next := formatTime(sendAt)
	queuedTo := map[int64]bool{}                 // addresses given a notice in this run: one at a time, the next run sends the next
	queuedFor := map[notify.NoticeKind][]int64{} // the contact of each notice queued, by kind
	for _, r := range due {
		if r.HandOver {
			res, err := hand.ExecContext(ctx, r.ContactID, tx.nowText)
			if err != nil {
				return 0, 0, describe(err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				handed++
				if err := refreshCases(ctx, tx, r.ContactID); err != nil {
					return 0, 0, describe(err)
				}
			}
			continue
		}
		if queuedTo[r.AddressID] {
			continue
		}
		if err := withNewRef(r.Kind, func(ref string) error {
			_, err := insert.ExecContext(ctx, r.ContactID, r.AddressID, r.Kind, r.Lang, messageID(), ref, next, tx.nowText, r.Round+1, r.ID)
			return err
		}); err != nil {
			return 0, 0, describe(err)
		}
		queuedFor[r.Kind] = append(queuedFor[r.Kind], r.ContactID)
		queuedTo[r.AddressID] = true
		queued++
	}
	if err := countQueued(ctx, tx, queuedFor); err != nil {
		return 0, 0, describe(err)
	}
	if err := setLastRun(ctx, tx, resendJob, now); err != nil {
		return 0, 0, describe(err)
	}
	if queued+handed > 0 {
		if err := audit(ctx, tx, notify.AuditEntry{Kind: "resend", Said: notify.Say("audit.resent", queued, handed)}); err != nil {
			return 0, 0, describe(err)
		}
	}
	return queued, handed, describe(tx.Commit())
}

// resendJob names the resend job in the jobs table.
const resendJob = "resend"

// LastResend is when the resend job last ran, zero if never.
func (d *DB) LastResend(ctx context.Context) (time.Time, error) {
	var at string
	err := d.db.QueryRowContext(ctx, `SELECT last_run FROM jobs WHERE name = ?`, resendJob).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return parseTime(at), describe(err)
}

func setLastRun(ctx context.Context, tx *Tx, job string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO jobs (name, last_run) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run`, job, formatTime(at))
	return err
}

// Acks lists a contact's acknowledgements, auto-replies too, newest first.
func (d *DB) Acks(ctx context.Context, contactID int64) ([]notify.Ack, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT contact_id, coalesce(notice_id, 0), channel, at, auto, excerpt FROM acks
		WHERE contact_id = ? ORDER BY at DESC, id DESC`, contactID)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.Ack
	for rows.Next() {
		var a notify.Ack
		var at string
		if err := rows.Scan(&a.ContactID, &a.NoticeID, &a.Channel, &at, &a.Auto, &a.Excerpt); err != nil {
			return nil, err
		}
		a.At = parseTime(at)
		out = append(out, a)
	}
	return out, describe(rows.Err())
}

// AddAck records an acknowledgement. Staff acknowledgements come from calls
// that reached the person (AddCall), not from here.
func (d *DB) AddAck(ctx context.Context, a notify.Ack) error {
	return d.inTx(ctx, func(tx *Tx) error {
		_, err := addAck(ctx, tx, a, "", 0)
		return describe(err)
	})
}
