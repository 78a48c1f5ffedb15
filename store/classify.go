package store

import (
	"context"
	"database/sql"

	"github.com/owabi/owabi/notify"
)

// classifyChunkSize is how many contacts Classify holds in memory at once.
const classifyChunkSize = 1000

// Classify runs decide over every contact in one transaction and records each
// decision (category, the rule that decided and why, owner). It works
// through the contacts a chunk at a time, so a million of them fit in little
// memory.
func (d *DB) Classify(ctx context.Context, decide Decide) (notify.ClassifyReport, error) {
	rep := notify.ClassifyReport{Categories: map[notify.Category]int{}, Rules: map[notify.Rule]int{}}
	tx, err := d.begin(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	var last sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(id) FROM contacts`).Scan(&last); err != nil {
		return rep, describe(err)
	}
	for lo := int64(1); lo <= last.Int64; lo += classifyChunkSize {
		if err := classifyChunk(ctx, tx, lo, lo+classifyChunkSize-1, decide, &rep); err != nil {
			return rep, describe(err)
		}
	}
	return rep, describe(tx.Commit())
}

// classifyChunk decides the contacts with ids from lo to hi and records the
// decisions that changed; rep, when not nil, counts them all.
func classifyChunk(ctx context.Context, tx *Tx, lo, hi int64, decide Decide, rep *notify.ClassifyReport) error {
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
		if dec == (notify.Decision{Category: c.Category, Rule: c.Rule, Detail: c.RuleDetail, OwnerEmail: c.OwnerEmail}) {
			continue
		}
		if rep != nil {
			rep.Changed++
		}
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET category = ?, rule = ?, rule_detail = ?, owner_email = ? WHERE id = ?`,
			dec.Category, dec.Rule, dec.Detail, dec.OwnerEmail, c.ID); err != nil {
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

// progressBetween sums up the calls to the contacts with ids from lo to hi.
func (d *DB) progressBetween(ctx context.Context, lo, hi int64) (map[int64]notify.ContactProgress, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT contact_id, max(at),
		max(outcome = 'reached'), max(arrived = 'yes'), max(clicked = 'yes'), max(infected = 'yes'),
		(SELECT outcome FROM calls l WHERE l.contact_id = k.contact_id ORDER BY l.at DESC, l.id DESC LIMIT 1)
		FROM calls k WHERE contact_id BETWEEN ? AND ? GROUP BY contact_id`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]notify.ContactProgress{}
	for rows.Next() {
		var id int64
		var at string
		var p notify.ContactProgress
		if err := rows.Scan(&id, &at, &p.Reached, &p.Arrived, &p.Clicked, &p.Infected, &p.LastOutcome); err != nil {
			return nil, err
		}
		p.LastCallAt = parseTime(at)
		out[id] = p
	}
	return out, rows.Err()
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
