package store

import (
	"context"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

// The running counts of how far the response has come — per category
// (tally), per owner (owner_tally.reached) and per quarter hour
// (reached_tally, acked_tally) — let the dashboard read a handful of rows
// over a million contacts. What a case counts for is notify's
// (Case.Progress); each case's row keeps what it was counted as, under
// which category and owner, and refreshCases moves the counts by the
// difference a new fact, a new category or a new owner makes.

// counted is what one case adds to the running counts.
type counted struct {
	category, owner string // category "": nothing counted yet; owner "": none to count for
	p               notify.ContactProgress
}

// funnel are the counts per category, by their names in tally.
var funnel = []struct {
	what string
	has  func(notify.ContactProgress) bool
	n    func(*notify.Progress) *int
}{
	{"acknowledged", func(p notify.ContactProgress) bool { return p.Acknowledged }, func(p *notify.Progress) *int { return &p.Acknowledged }},
	{"reached", func(p notify.ContactProgress) bool { return p.Reached }, func(p *notify.Progress) *int { return &p.Reached }},
	{"heard", func(p notify.ContactProgress) bool { return p.Heard }, func(p *notify.Progress) *int { return &p.HearingDone }},
	{"arrived", func(p notify.ContactProgress) bool { return p.Arrived }, func(p *notify.Progress) *int { return &p.Arrived }},
	{"clicked", func(p notify.ContactProgress) bool { return p.Clicked }, func(p *notify.Progress) *int { return &p.Clicked }},
	{"infected", func(p notify.ContactProgress) bool { return p.Infected }, func(p *notify.Progress) *int { return &p.Infected }},
	{"remediated", func(p notify.ContactProgress) bool { return p.Remediated }, func(p *notify.Progress) *int { return &p.Remediated }},
}

// funnelNames lists the funnel's names for an IN (…) of SQL.
func funnelNames() string {
	names := make([]string, len(funnel))
	for i, f := range funnel {
		names[i] = "'" + f.what + "'"
	}
	return strings.Join(names, ", ")
}

const (
	// countedQuery reads a contact's category and owner now, and what its
	// case was counted as before.
	countedQuery = `SELECT c.category, lower(c.owner_email), coalesce(k.category, ''), coalesce(k.owner, ''),
		coalesce(k.reached_at, ''), coalesce(k.acked_at, ''), coalesce(k.heard, 0), coalesce(k.arrived, 0),
		coalesce(k.clicked, 0), coalesce(k.infected, 0), coalesce(k.remediated, 0)
		FROM contacts c LEFT JOIN cases k ON k.contact_id = c.id WHERE c.id = ?`
	addToTally      = `UPDATE tally SET n = n + ? WHERE category = ? AND what = ?`
	addOwnerReached = `INSERT INTO owner_tally (owner, contacts, reached) VALUES (?, 0, ?)
		ON CONFLICT (owner) DO UPDATE SET reached = reached + excluded.reached`
	addReachedSlot = `INSERT INTO reached_tally (slot, n) VALUES (?, ?) ON CONFLICT (slot) DO UPDATE SET n = n + excluded.n`
	addAckedSlot   = `INSERT INTO acked_tally (slot, n) VALUES (?, ?) ON CONFLICT (slot) DO UPDATE SET n = n + excluded.n`
)

var progressStatements = []string{countedQuery, addToTally, addOwnerReached, addReachedSlot, addAckedSlot}

// countedOf reads the category and owner contact id is counted under now
// (its progress is the caller's to decide) and what its case was counted
// as before.
func countedOf(ctx context.Context, tx *Tx, id int64) (now, was counted, err error) {
	var reached, acked string
	err = prepared{tx}.QueryRowContext(ctx, countedQuery, id).Scan(&now.category, &now.owner, &was.category, &was.owner, &reached, &acked,
		&was.p.Heard, &was.p.Arrived, &was.p.Clicked, &was.p.Infected, &was.p.Remediated)
	was.p.ReachedAt, was.p.Reached = parseTime(reached), reached != ""
	was.p.AcknowledgedAt, was.p.Acknowledged = parseTime(acked), acked != ""
	return now, was, err
}

// moveCounts moves the running counts from what a case was counted as to
// what it counts as now.
func moveCounts(ctx context.Context, tx *Tx, was, now counted) error {
	run := func(query string, args ...any) error {
		_, err := prepared{tx}.ExecContext(ctx, query, args...)
		return err
	}
	for _, f := range funnel {
		before, after := was.category != "" && f.has(was.p), f.has(now.p)
		if before == after && was.category == now.category {
			continue
		}
		if before {
			if err := run(addToTally, -1, was.category, f.what); err != nil {
				return err
			}
		}
		if after {
			if err := run(addToTally, 1, now.category, f.what); err != nil {
				return err
			}
		}
	}
	if before, after := was.category != "" && was.owner != "" && was.p.Reached, now.owner != "" && now.p.Reached; before != after || (after && was.owner != now.owner) {
		if before {
			if err := run(addOwnerReached, was.owner, -1); err != nil {
				return err
			}
		}
		if after {
			if err := run(addOwnerReached, now.owner, 1); err != nil {
				return err
			}
		}
	}
	for _, s := range []struct {
		query      string
		before, at time.Time
	}{{addReachedSlot, was.p.ReachedAt, now.p.ReachedAt}, {addAckedSlot, was.p.AcknowledgedAt, now.p.AcknowledgedAt}} {
		if was.category == "" {
			s.before = time.Time{}
		}
		if quarterHour(s.before) == quarterHour(s.at) {
			continue
		}
		if !s.before.IsZero() {
			if err := run(s.query, quarterHour(s.before), -1); err != nil {
				return err
			}
		}
		if !s.at.IsZero() {
			if err := run(s.query, quarterHour(s.at), 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// quarterHour is the slot of the per-quarter-hour counts t falls in, in
// UTC (quarter hours add up to days in any time zone); "" for no time.
func quarterHour(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(15 * time.Minute).Format("2006-01-02T15:04")
}

// Progress counts, per category, the contacts who acknowledged a notice,
// were reached by phone, heard, hit by the spam and remediated: the
// running counts, a handful of rows however many calls there are.
func (d *DB) Progress(ctx context.Context) (map[notify.Category]notify.Progress, error) {
	return progress(ctx, d.db)
}

func progress(ctx context.Context, q querier) (map[notify.Category]notify.Progress, error) {
	out := map[notify.Category]notify.Progress{}
	rows, err := q.QueryContext(ctx, `SELECT category, what, n FROM tally WHERE what IN (`+funnelNames()+`)`)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, what string
		var n int
		if err := rows.Scan(&c, &what, &n); err != nil {
			return nil, err
		}
		p := out[notify.Category(c)]
		for _, f := range funnel {
			if f.what == what {
				*f.n(&p) = n
			}
		}
		out[notify.Category(c)] = p
	}
	return out, describe(rows.Err())
}

// addAck records an acknowledgement, once per mail where it comes from one
// (mailID, "" for none), and decides its person's case again. One that
// counts withdraws the resends still waiting for its person: they have
// seen a notice. added says whether it was new.
func addAck(ctx context.Context, tx *Tx, a notify.Ack, mailID string, callID int64) (added bool, err error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO acks (contact_id, notice_id, channel, at, auto, excerpt, report, mail_id, call_id)
		VALUES (?, nullif(?, 0), ?, ?, ?, ?, ?, ?, nullif(?, 0)) ON CONFLICT (mail_id) WHERE mail_id != '' DO NOTHING`,
		a.ContactID, a.NoticeID, a.Channel, formatTime(a.At), a.Auto, a.Excerpt, a.Report, mailID, callID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if a.Counts() {
		if _, err := moveNotices(ctx, tx, notify.Queued, "", withdrawResends, a.ContactID); err != nil {
			return false, err
		}
	}
	return true, refreshCases(ctx, tx, a.ContactID)
}
