package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/owabi/owabi/notify"
)

// Facts counts what the reports state, in one read transaction: the
// persons, their addresses, the notices sent and how far the cases have
// come. Now (asOf zero, or not before now), how far is the running
// counts; as of an earlier time, every case is decided again as it stood
// then (notify.Case.AsOf), and the notices counted are those sent by then.
// The persons and their categories are as now: the book leaked whole, and
// a category corrected since was wrong then too.
func (d *DB) Facts(ctx context.Context, asOf time.Time) (notify.Facts, error) {
	now := d.Now()
	if asOf.IsZero() || asOf.After(now) {
		asOf = now
	}
	then := asOf.Before(now)
	f := notify.Facts{AsOf: asOf, Persons: map[notify.Category]int{}, Sent: map[notify.NoticeKind]int{}}
	err := d.reading(ctx, func(tx *sql.Tx) error {
		if then {
			if err := progressAsOf(ctx, tx, asOf.In(d.Zone), &f.Progress); err != nil {
				return err
			}
		} else {
			progress, err := progress(ctx, tx)
			if err != nil {
				return err
			}
			for _, p := range progress {
				f.Add(p)
			}
		}
		var err error
		if f.Withheld, err = withheld(ctx, tx); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT 'persons', category, n FROM tally WHERE what = 'contacts'
			UNION ALL SELECT 'addresses', category, n FROM tally WHERE what = 'addresses'
			UNION ALL SELECT 'sent', kind, count(DISTINCT contact_id) FROM notices WHERE first_sent_at <= ? GROUP BY kind`, formatTime(asOf))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var what, key string
			var n int
			if err := rows.Scan(&what, &key, &n); err != nil {
				return err
			}
			switch what {
			case "persons":
				if n > 0 {
					f.Persons[notify.Category(key)] = n
				}
			case "addresses":
				f.Addresses += n
			default:
				f.Sent[notify.NoticeKind(key)] = n
			}
		}
		return rows.Err()
	})
	return f, err
}

// Timeline counts the steps of the response by the minute they were done
// in, each at its first time, oldest first: classification, bounces,
// notices refused or failed for good, and purges from the audit trail;
// from their own tables the imports by when the persons were listed, the
// notices as they went out (a send is not audited), each person's first
// acknowledgement by reply or link, the calls by when they took place
// (and those that heard the person), the follow-ups by the day they were
// done, and each action recorded (a report filed among them) with its
// note, by when it was done.
//
// As of a time (not zero), it is the steps done by then.
func (d *DB) Timeline(ctx context.Context, asOf time.Time) ([]notify.Step, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT first, what, n, date_only, text, done_by FROM (
		SELECT min(at) AS first, kind AS what, count(*) AS n, 0 AS date_only, '' AS text, '' AS done_by FROM audit
			WHERE kind IN ('classify', 'bounce', 'undeliverable', 'failed', 'purge') GROUP BY substr(at, 1, 16), kind
		UNION ALL SELECT min(done_at), 'import', count(*), 0, '', '' FROM imports WHERE state = 'done' GROUP BY substr(done_at, 1, 16)
		UNION ALL SELECT min(sent_at), CASE WHEN round > 0 THEN 'resent_' ELSE 'sent_' END || kind, count(*), 0, '', ''
			FROM (SELECT sent_at, round, kind FROM notices WHERE sent_at IS NOT NULL
				UNION ALL SELECT t.sent_at, n.round, n.kind FROM notice_tries t JOIN notices n ON n.id = t.notice_id WHERE t.sent_at IS NOT NULL)
			GROUP BY substr(sent_at, 1, 16), 2
		UNION ALL SELECT min(first), 'ack', count(*), 0, '', '' FROM
			(SELECT min(at) AS first FROM acks WHERE NOT auto AND channel != 'staff' GROUP BY contact_id) GROUP BY substr(first, 1, 16)
		UNION ALL SELECT min(at), 'call', count(*), 0, '', '' FROM calls GROUP BY substr(at, 1, 16)
		UNION ALL SELECT min(at), 'heard', count(*), 0, '', '' FROM calls WHERE heard GROUP BY substr(at, 1, 16)
		UNION ALL SELECT at, 'action_' || kind, 1, 0, note, done_by FROM actions
		UNION ALL SELECT follow_up_done, 'follow_up_' || follow_up, count(DISTINCT contact_id), 1, '', ''
			FROM calls WHERE follow_up_done != '' AND follow_up != '' GROUP BY 1, 2)
		ORDER BY first, what`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.Step
	for rows.Next() {
		var s notify.Step
		var first string
		if err := rows.Scan(&first, &s.What, &s.N, &s.DateOnly, &s.Text, &s.By); err != nil {
			return nil, err
		}
		layout := timeLayout
		if s.DateOnly {
			layout = time.DateOnly
		}
		if s.At, err = time.Parse(layout, first); err != nil {
			return nil, err
		}
		if !asOf.IsZero() && (s.DateOnly && !notify.DayHasCome(s.At, asOf.In(d.Zone)) || !s.DateOnly && s.At.After(asOf)) {
			continue
		}
		out = append(out, s)
	}
	return out, describe(rows.Err())
}

// progressAsOf adds up how far every case had come at t, each decided
// again from its facts as they stood then.
func progressAsOf(ctx context.Context, tx *sql.Tx, t time.Time, into *notify.Progress) error {
	return everyCase(ctx, tx, func(_ int64, c notify.Case) error {
		p := c.AsOf(t).Progress()
		for _, step := range funnel {
			if *step.flag(&p) {
				*step.n(into)++
			}
		}
		return nil
	})
}
