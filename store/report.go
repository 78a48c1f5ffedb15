package store

import (
	"context"
	"time"

	"github.com/owabi/owabi/notify"
)

// Facts counts what the reports state, now.
func (d *DB) Facts(ctx context.Context) (notify.Facts, error) {
	f := notify.Facts{AsOf: d.Now(), Persons: map[notify.Category]int{}, Sent: map[notify.NoticeKind]int{}}
	progress, err := d.Progress(ctx)
	if err != nil {
		return f, err
	}
	for _, p := range progress {
		f.Acknowledged += p.Acknowledged
		f.Reached += p.Reached
		f.Clicked += p.Clicked
		f.Suspected += p.Infected
		f.Remediated += p.Remediated
	}
	rows, err := d.db.QueryContext(ctx, `SELECT 'persons', category, count(*) FROM contacts GROUP BY category
		UNION ALL SELECT 'sent', kind, count(DISTINCT contact_id) FROM notices WHERE state = 'sent' GROUP BY kind`)
	if err != nil {
		return f, describe(err)
	}
	defer rows.Close()
	for rows.Next() {
		var what, key string
		var n int
		if err := rows.Scan(&what, &key, &n); err != nil {
			return f, err
		}
		if what == "persons" {
			f.Persons[notify.Category(key)] = n
		} else {
			f.Sent[notify.NoticeKind(key)] = n
		}
	}
	if err := rows.Err(); err != nil {
		return f, describe(err)
	}
	// The hearings, per person: any "yes" to the spam arriving wins over a "no".
	err = d.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM addresses),
		(SELECT count(*) FROM (SELECT 1 FROM notices GROUP BY contact_id HAVING max(state = 'sent') = 0 AND max(state = 'failed') = 1)),
		(SELECT count(*) FROM contacts WHERE do_not_contact),
		count(*), coalesce(sum(arrived), 0), coalesce(sum(not_arrived AND NOT arrived), 0),
		coalesce(sum(infection), 0), coalesce(sum(visited), 0), coalesce(sum(checked), 0)
		FROM (SELECT max(arrived = 'yes') AS arrived, max(arrived = 'no') AS not_arrived,
			max(follow_up_result IN ('infected', 'removed')) AS infection,
			max(follow_up = 'apology_visit' AND follow_up_done != '') AS visited,
			max(follow_up IN ('virus_check', 'virus_removal') AND follow_up_done != '') AS checked
			FROM calls GROUP BY contact_id)`).Scan(&f.Addresses, &f.NoneReached, &f.Withheld,
		&f.Called, &f.Arrived, &f.NotArrived, &f.Infections, &f.Visited, &f.Checked)
	return f, describe(err)
}

// Timeline counts the steps of the response by the minute they were done
// in, each at its first time, oldest first: from the audit trail, the
// notices as they went out (each send is not audited) and the follow-ups
// by the day they were done.
func (d *DB) Timeline(ctx context.Context) ([]notify.Step, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT first, what, n, date_only FROM (
		SELECT min(at) AS first, kind AS what, count(*) AS n, 0 AS date_only FROM audit
			WHERE kind IN ('import', 'classify', 'ack', 'call', 'bounce', 'undeliverable', 'purge') GROUP BY substr(at, 1, 16), kind
		UNION ALL SELECT min(sent_at), CASE WHEN round > 0 THEN 'resent_' ELSE 'sent_' END || kind, count(*), 0
			FROM notices WHERE state = 'sent' GROUP BY substr(sent_at, 1, 16), 2
		UNION ALL SELECT filed_at, 'filed_' || kind, 1, 0 FROM filings
		UNION ALL SELECT follow_up_done, 'follow_up_' || follow_up, count(DISTINCT contact_id), 1
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
		if err := rows.Scan(&first, &s.What, &s.N, &s.DateOnly); err != nil {
			return nil, err
		}
		layout := timeLayout
		if s.DateOnly {
			layout = time.DateOnly
		}
		if s.At, err = time.Parse(layout, first); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, describe(rows.Err())
}
