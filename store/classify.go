package store

import (
	"context"

	"github.com/owabi/owabi/notify"
)

// Classify runs decide over every contact in one transaction and records each
// decision (category, the rule that decided and why, owner).
func (d *DB) Classify(ctx context.Context, decide func(notify.Record) notify.Decision) (notify.ClassifyReport, error) {
	rep := notify.ClassifyReport{Categories: map[notify.Category]int{}, Rules: map[notify.Rule]int{}}
	tx, err := d.begin(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	contacts, err := allContacts(ctx, tx)
	if err != nil {
		return rep, err
	}
	update, err := tx.PrepareContext(ctx, `UPDATE contacts SET category = ?, rule = ?, rule_detail = ?, owner_email = ?, updated_at = ? WHERE id = ?`)
	if err != nil {
		return rep, err
	}
	defer update.Close()
	for _, c := range contacts {
		dec := decide(c.Record)
		rep.Categories[dec.Category]++
		rep.Rules[dec.Rule]++
		if dec == (notify.Decision{Category: c.Category, Rule: c.Rule, Detail: c.RuleDetail, OwnerEmail: c.OwnerEmail}) {
			continue
		}
		rep.Changed++
		if _, err := update.ExecContext(ctx, dec.Category, dec.Rule, dec.Detail, dec.OwnerEmail, tx.nowText(), c.ID); err != nil {
			return rep, describe(err)
		}
	}
	return rep, describe(tx.Commit())
}

// allContacts loads every contact with its addresses, in id order.
func allContacts(ctx context.Context, tx *Tx) ([]notify.Contact, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts c ORDER BY c.id`)
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
	rows, err = tx.QueryContext(ctx, `SELECT contact_id, email FROM addresses ORDER BY id`)
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
