package store

import (
	"context"
	"database/sql"

	"github.com/owabi/owabi/notify"
)

// classifyChunkSize is how many contacts Classify holds in memory, and
// decides in one transaction, at once.
const classifyChunkSize = 1000

// Classify runs decide over every contact and records each decision
// (category, the rule that decided and why, owner); it never overrides
// what a person decided (keepManual). It works through the contacts a
// chunk at a time, each in a transaction of its own (about 10 ms for a
// thousand) as a long writer, so that the web app's writers get in
// between: over a million contacts one transaction kept them out for
// longer than they wait. So a classification stopped part-way leaves the
// contacts it reached decided by the rules as they are now, and the rest
// as they were, as if it had not run for them: running it again finishes
// it. It does not run while an import does, nor an import while it runs:
// the rest of the book would be classified as it came in, by the rules it
// started with.
func (d *DB) Classify(ctx context.Context, decide notify.Decide) (notify.ClassifyReport, error) {
	rep := notify.ClassifyReport{Categories: map[notify.Category]int{}, Rules: map[notify.Rule]int{}}
	lw, err := d.startLongWrite(ctx)
	if err != nil {
		return rep, err
	}
	defer lw.Close()
	// Only imports add contacts, and none runs meanwhile.
	var last sql.NullInt64
	if err := d.db.QueryRowContext(ctx, `SELECT max(id) FROM contacts`).Scan(&last); err != nil {
		return rep, describe(err)
	}
	for lo := int64(1); lo <= last.Int64; lo += classifyChunkSize {
		if _, err := lw.inChunk(ctx, false, func(tx *Tx) (int64, error) {
			return 0, classifyChunk(ctx, tx, lo, lo+classifyChunkSize-1, decide, &rep)
		}); err != nil {
			return rep, err
		}
	}
	c := rep.Categories
	_, err = lw.inChunk(ctx, false, func(tx *Tx) (int64, error) {
		return 0, audit(ctx, tx, notify.AuditEntry{Kind: "classify", Said: notify.Say("audit.classified",
			rep.Changed, c[notify.Customer], c[notify.Supplier], c[notify.Employee], c[notify.Unclassified])})
	})
	return rep, err
}

// classifyChunk decides the contacts with ids from lo to hi and records the
// decisions that changed; rep, when not nil, counts them all.
func classifyChunk(ctx context.Context, tx *Tx, lo, hi int64, decide notify.Decide, rep *notify.ClassifyReport) error {
	contacts, err := contactsBetween(ctx, tx, lo, hi)
	if err != nil {
		return err
	}
	for _, c := range contacts {
		dec := decide(c.Record)
		dec = keepManual(dec, c)
		if rep != nil {
			rep.Categories[dec.Category]++
			rep.Rules[dec.Rule]++
		}
		if dec.Same(notify.Decision{Category: c.Category, Rule: c.Rule, Detail: c.RuleDetail, OwnerEmail: c.OwnerEmail}) {
			continue
		}
		if rep != nil {
			rep.Changed++
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET category = ?, rule = ?, rule_detail = ?, owner_email = ? WHERE id = ?`,
			dec.Category, dec.Rule, dec.Detail.Stored(), dec.OwnerEmail, c.ID); err != nil {
			return err
		}
		if err := refile(ctx, tx, c.ID, filed{string(c.Category), c.OwnerEmail}); err != nil {
			return err
		}
	}
	return nil
}

// contactsBetween loads the contacts with ids from lo to hi, with their
// addresses, in id order.
func contactsBetween(ctx context.Context, tx querier, lo, hi int64) ([]notify.Contact, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts c WHERE c.id BETWEEN ? AND ? ORDER BY c.id`, lo, hi)
	if err != nil {
		return nil, err
	}
	var contacts []notify.Contact
	index := map[int64]int{}
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[c.ID] = len(contacts)
		contacts = append(contacts, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT contact_id, email FROM addresses WHERE contact_id BETWEEN ? AND ? ORDER BY id`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return nil, err
		}
		c := &contacts[index[id]]
		c.Emails = append(c.Emails, email)
	}
	return contacts, rows.Err()
}

// EachContact calls fn for every contact, with its addresses and where the
// response stands with it, in id order, reading a chunk at a time.
func (d *DB) EachContact(ctx context.Context, fn func(notify.Contact, notify.ContactProgress) error) error {
	var last sql.NullInt64
	if err := d.db.QueryRowContext(ctx, `SELECT max(id) FROM contacts`).Scan(&last); err != nil {
		return describe(err)
	}
	for lo := int64(1); lo <= last.Int64; lo += classifyChunkSize {
		hi := lo + classifyChunkSize - 1
		contacts, err := contactsBetween(ctx, d.db, lo, hi)
		if err != nil {
			return describe(err)
		}
		progress, err := d.progressBetween(ctx, lo, hi)
		if err != nil {
			return describe(err)
		}
		for _, c := range contacts {
			if err := fn(c, progress[c.ID]); err != nil {
				return err
			}
		}
	}
	return nil
}

// progressBetween reads how far the cases of the contacts with ids from
// lo to hi have come, as stored with them.
func (d *DB) progressBetween(ctx context.Context, lo, hi int64) (map[int64]notify.ContactProgress, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT contact_id, last_call_at, last_outcome, reached_at, acked_at, funnel
		FROM cases WHERE contact_id BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return nil, err
	}
	out := map[int64]notify.ContactProgress{}
	for rows.Next() {
		var id int64
		var last, reached, acked, steps string
		var p notify.ContactProgress
		if err := rows.Scan(&id, &last, &p.LastOutcome, &reached, &acked, &steps); err != nil {
			rows.Close()
			return nil, err
		}
		p.LastCallAt, p.ReachedAt, p.AcknowledgedAt = parseTime(last), parseTime(reached), parseTime(acked)
		if err := countedFor(&p, steps); err != nil {
			rows.Close()
			return nil, err
		}
		out[id] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, d.undeliveredBetween(ctx, lo, hi, out)
}

// undeliveredBetween adds to out the addresses of the contacts with ids
// from lo to hi whose last notice that went out, or failed, failed.
func (d *DB) undeliveredBetween(ctx context.Context, lo, hi int64, out map[int64]notify.ContactProgress) error {
	rows, err := d.db.QueryContext(ctx, `SELECT n.contact_id, n.address_id, a.email, n.state, n.reply_stage, n.reply_code, n.reply_status, n.last_error
		FROM notices n JOIN addresses a ON a.id = n.address_id
		WHERE n.contact_id BETWEEN ? AND ? AND n.state IN ('sent', 'failed') ORDER BY n.contact_id, n.address_id, n.id`, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	type last struct {
		contact int64
		failed  bool
		notify.Undelivered
	}
	var prev last
	var address, prevAddress int64
	flush := func() {
		if prevAddress != 0 && prev.failed {
			p := out[prev.contact]
			p.Undelivered = append(p.Undelivered, prev.Undelivered)
			out[prev.contact] = p
		}
	}
	for rows.Next() {
		var l last
		var state string
		if err := rows.Scan(&l.contact, &address, &l.Email, &state, &l.Reply.Stage, &l.Reply.Code, &l.Reply.Status, &l.Reply.Text); err != nil {
			return err
		}
		l.failed = state == string(notify.Failed)
		if address != prevAddress {
			flush()
		}
		prev, prevAddress = l, address
	}
	flush()
	return rows.Err()
}

// keepManual is dec with what a person decided for c kept: its category
// (with the rule and reason they gave) and its owner.
func keepManual(dec notify.Decision, c notify.Contact) notify.Decision {
	if c.Manual {
		dec.Category, dec.Rule, dec.Detail = c.Category, c.Rule, c.RuleDetail
	}
	if c.OwnerManual {
		dec.OwnerEmail = c.OwnerEmail
	}
	return dec
}
