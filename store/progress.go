package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

// The running counts of how far the response has come — per category
// (tally), per owner (owner_tally.reached) and per quarter hour
// (reached_tally, acked_tally) — let the dashboard and the reports read a
// handful of rows over a million contacts. What a case counts for is
// notify's (Case.Progress); each case's row keeps what it was counted as
// (cases.funnel names its steps), under which category and owner, and
// refreshCases moves the counts by the difference a new fact, a new
// category or a new owner makes.

// counted is what one case adds to the running counts.
type counted struct {
	category, owner string // category "": nothing counted yet; owner "": none to count for
	p               notify.ContactProgress
}

// funnel are the counts per category, by their names in tally and in
// cases.funnel: a new one is a migration that adds its rows to tally, and
// decides every case again (refreshEveryCase).
type funnelStep struct {
	what string
	flag func(*notify.ContactProgress) *bool
	n    func(*notify.Progress) *int
}

var funnel = []funnelStep{
	{"acknowledged", func(p *notify.ContactProgress) *bool { return &p.Acknowledged }, func(p *notify.Progress) *int { return &p.Acknowledged }},
	{"called", func(p *notify.ContactProgress) *bool { return &p.Called }, func(p *notify.Progress) *int { return &p.Called }},
	{"reached", func(p *notify.ContactProgress) *bool { return &p.Reached }, func(p *notify.Progress) *int { return &p.Reached }},
	{"heard", func(p *notify.ContactProgress) *bool { return &p.Heard }, func(p *notify.Progress) *int { return &p.HearingDone }},
	{"arrived", func(p *notify.ContactProgress) *bool { return &p.Arrived }, func(p *notify.Progress) *int { return &p.Arrived }},
	{"not_arrived", func(p *notify.ContactProgress) *bool { return &p.NotArrived }, func(p *notify.Progress) *int { return &p.NotArrived }},
	{"clicked", func(p *notify.ContactProgress) *bool { return &p.Clicked }, func(p *notify.Progress) *int { return &p.Clicked }},
	{"infected", func(p *notify.ContactProgress) *bool { return &p.Infected }, func(p *notify.Progress) *int { return &p.Infected }},
	{"found_infected", func(p *notify.ContactProgress) *bool { return &p.FoundInfected }, func(p *notify.Progress) *int { return &p.FoundInfected }},
	{"remediated", func(p *notify.ContactProgress) *bool { return &p.Remediated }, func(p *notify.Progress) *int { return &p.Remediated }},
	{"visited", func(p *notify.ContactProgress) *bool { return &p.Visited }, func(p *notify.Progress) *int { return &p.Visited }},
	{"checked", func(p *notify.ContactProgress) *bool { return &p.Checked }, func(p *notify.Progress) *int { return &p.Checked }},
	{"none_delivered", func(p *notify.ContactProgress) *bool { return &p.NoneDelivered }, func(p *notify.Progress) *int { return &p.NoneDelivered }},
	{"answered_page", func(p *notify.ContactProgress) *bool { return &p.AnsweredPage }, func(p *notify.Progress) *int { return &p.AnsweredPage }},
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
		coalesce(k.reached_at, ''), coalesce(k.acked_at, ''), coalesce(k.funnel, '')
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
	var reached, acked, steps string
	err = prepared{tx}.QueryRowContext(ctx, countedQuery, id).Scan(&now.category, &now.owner, &was.category, &was.owner, &reached, &acked, &steps)
	if err != nil {
		return now, was, err
	}
	was.p.ReachedAt, was.p.AcknowledgedAt = parseTime(reached), parseTime(acked)
	return now, was, countedFor(&was.p, steps)
}

// countedFor sets in p the steps of the funnel that steps, as
// cases.funnel keeps them, name. A name the funnel does not know is an
// error: its count could never be moved back (a step renamed or dropped
// needs a migration that counts every case again).
func countedFor(p *notify.ContactProgress, steps string) error {
	for _, step := range strings.Fields(steps) {
		i := slices.IndexFunc(funnel, func(f funnelStep) bool { return f.what == step })
		if i < 0 {
			return fmt.Errorf("store: a case is counted for %q, a step the funnel does not know", step)
		}
		*funnel[i].flag(p) = true
	}
	return nil
}

// funnelOf names the steps of the funnel p counts for, as cases.funnel
// keeps them.
func funnelOf(p notify.ContactProgress) string {
	var in []string
	for _, f := range funnel {
		if *f.flag(&p) {
			in = append(in, f.what)
		}
	}
	return strings.Join(in, " ")
}

// refreshEveryCase decides every stored case again, moving the counts by
// what changed: for a migration that changes what a case counts for.
func refreshEveryCase(ctx context.Context, tx *Tx) error {
	ids, err := queryColumn[int64](ctx, tx, `SELECT contact_id FROM cases`)
	if err != nil {
		return err
	}
	return refreshCases(ctx, tx, ids...)
}

// moveCounts moves the running counts from what a case was counted as to
// what it counts as now.
func moveCounts(ctx context.Context, tx *Tx, was, now counted) error {
	run := func(query string, args ...any) error {
		_, err := prepared{tx}.ExecContext(ctx, query, args...)
		return err
	}
	for _, f := range funnel {
		before, after := was.category != "" && *f.flag(&was.p), *f.flag(&now.p)
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

// Progress counts, per category, the contacts at each step of the funnel
// (acknowledged, called, reached, heard, hit by the spam, checked, …, as
// notify.Case.Progress decides them): the running counts, a handful of
// rows however many calls there are.
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
		if _, err := withdraw(ctx, tx, withdrawResends, a.ContactID); err != nil {
			return false, err
		}
	}
	return true, refreshCases(ctx, tx, a.ContactID)
}
