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
		f.Remediated += p.Remediated
	}
	rows, err := d.db.QueryContext(ctx, `SELECT 'persons', category, count(*) FROM contacts GROUP BY category
		UNION ALL SELECT 'sent', kind, count(DISTINCT contact_id) FROM notices WHERE sent_at IS NOT NULL GROUP BY kind`)
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
	// What each person told, at a hearing or on their confirmation page:
	// any sign that the spam reached them (even only that they deleted it)
	// wins over a "no". Notices still on their way do not count as
	// undelivered yet.
	err = d.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM addresses),
		(SELECT count(*) FROM (SELECT 1 FROM notices GROUP BY contact_id
			HAVING max(state IN ('sent', 'queued', 'sending')) = 0 AND max(state = 'failed') = 1)),
		(SELECT count(*) FROM contacts WHERE do_not_contact),
		coalesce(sum(called), 0), coalesce(sum(arrived), 0), coalesce(sum(not_arrived AND NOT arrived), 0),
		coalesce(sum(clicked), 0), coalesce(sum(suspected), 0),
		coalesce(sum(infection), 0), coalesce(sum(visited), 0), coalesce(sum(checked), 0)
		FROM (SELECT max(called) AS called, max(arrived) AS arrived, max(not_arrived) AS not_arrived,
			max(clicked) AS clicked, max(suspected) AS suspected,
			max(infection) AS infection, max(visited) AS visited, max(checked) AS checked
			FROM (SELECT contact_id, 1 AS called,
				'yes' IN (arrived, opened, clicked, infected, deleted) AS arrived, arrived = 'no' AS not_arrived,
				clicked = 'yes' AS clicked, infected = 'yes' AS suspected,
				follow_up_result IN ('infected', 'removed') AS infection,
				follow_up = 'apology_visit' AND follow_up_done != '' AS visited,
				follow_up IN ('virus_check', 'virus_removal') AND follow_up_done != '' AS checked
				FROM calls
			UNION ALL SELECT contact_id, 0, report IN ('deleted', 'opened', 'infected'), 0,
				report = 'opened', report = 'infected', 0, 0, 0
				FROM acks WHERE report != '' AND NOT auto)
			GROUP BY contact_id)`).Scan(&f.Addresses, &f.NoneReached, &f.Withheld,
		&f.Called, &f.Arrived, &f.NotArrived, &f.Clicked, &f.Suspected, &f.Infections, &f.Visited, &f.Checked)
	return f, describe(err)
}

// Timeline counts the steps of the response by the minute they were done
// in, each at its first time, oldest first: imports, classification,
// bounces, notices refused or failed for good, and purges from the audit trail; from their own tables the
// notices as they went out (a send is not audited), each person's first
// acknowledgement by reply or link, the calls by when they were made (and
// those that heard the person), the reports filed and the follow-ups by
// the day they were done.
func (d *DB) Timeline(ctx context.Context) ([]notify.Step, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT first, what, n, date_only FROM (
		SELECT min(at) AS first, kind AS what, count(*) AS n, 0 AS date_only FROM audit
			WHERE kind IN ('import', 'classify', 'bounce', 'undeliverable', 'failed', 'purge') GROUP BY substr(at, 1, 16), kind
		UNION ALL SELECT min(sent_at), CASE WHEN round > 0 THEN 'resent_' ELSE 'sent_' END || kind, count(*), 0
			FROM notices WHERE sent_at IS NOT NULL GROUP BY substr(sent_at, 1, 16), 2
		UNION ALL SELECT min(first), 'ack', count(*), 0 FROM
			(SELECT min(at) AS first FROM acks WHERE NOT auto AND channel != 'staff' GROUP BY contact_id) GROUP BY substr(first, 1, 16)
		UNION ALL SELECT min(at), 'call', count(*), 0 FROM calls GROUP BY substr(at, 1, 16)
		UNION ALL SELECT min(at), 'heard', count(*), 0 FROM calls
			WHERE outcome = 'reached' AND (arrived || opened || clicked || infected || deleted) != '' GROUP BY substr(at, 1, 16)
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
