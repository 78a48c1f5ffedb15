package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/owabi/owabi/notify"
)

// Reclassify sets a contact's category as a person decided it, with their
// reason; the rules leave it alone from then on. The change is kept in the
// contact's history.
func (d *DB) Reclassify(ctx context.Context, contactID, userID int64, category notify.Category, reason string) error {
	return d.inTx(ctx, func(tx *Tx) error {
		return change(ctx, tx, contactID, userID, "category", `category`, string(category), reason,
			`UPDATE contacts SET category = ?, rule = 'manual', rule_detail = ?, manual = 1 WHERE id = ?`, category, notify.Written(reason).Stored(), contactID)
	})
}

// Reassign hands contacts to the member of staff with the address owner,
// all or none; the rules leave their owner alone from then on. Each change
// is kept in the contact's history.
func (d *DB) Reassign(ctx context.Context, userID int64, owner string, contactIDs ...int64) error {
	return d.inTx(ctx, func(tx *Tx) error {
		for _, id := range contactIDs {
			if err := change(ctx, tx, id, userID, "owner", `owner_email`, owner, "",
				`UPDATE contacts SET owner_email = ?, owner_manual = 1 WHERE id = ?`, owner, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetDoNotContact marks a contact not to be contacted, or lifts the mark,
// with the reason a manager gives. Marking withdraws the contact's notices
// waiting in the queue and returns how many; a notice in flight goes on,
// and is withdrawn too if it comes back to the queue (requeued). Lifting
// the mark lets the next owabi send queue them again.
func (d *DB) SetDoNotContact(ctx context.Context, userID, contactID int64, on bool, reason string) (withdrawn int, err error) {
	value := map[bool]string{true: "yes", false: "no"}[on]
	err = d.inTx(ctx, func(tx *Tx) error {
		if err := change(ctx, tx, contactID, userID, "contact", `CASE do_not_contact WHEN 1 THEN 'yes' ELSE 'no' END`, value, reason,
			`UPDATE contacts SET do_not_contact = ? WHERE id = ?`, on, contactID); err != nil {
			return err
		}
		if err := refreshCases(ctx, tx, contactID); err != nil {
			return describe(err)
		}
		if !on {
			return nil
		}
		withdrawn, err = withdraw(ctx, tx, `contact_id = ?`, contactID)
		return describe(err)
	})
	return withdrawn, err
}

// inTx runs fn in a write transaction and commits what it did, or nothing
// if it fails.
func (d *DB) inTx(ctx context.Context, fn func(*Tx) error) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return describe(tx.Commit())
}

// change runs update on a contact and records the change of column from
// its old value to value in the contact's history.
func change(ctx context.Context, tx *Tx, contactID, userID int64, what, column, value, reason, update string, args ...any) error {
	var old string
	var was filed
	err := tx.QueryRowContext(ctx, `SELECT `+column+`, category, owner_email FROM contacts WHERE id = ?`, contactID).Scan(&old, &was.category, &was.owner)
	if errors.Is(err, sql.ErrNoRows) {
		return notify.Errorf(notify.ENOTFOUND, "there is no contact number %d", contactID)
	}
	if err != nil {
		return describe(err)
	}
	if old == value && what != "category" {
		return nil // nothing changes (a second click): nothing to record
	}
	if _, err := tx.ExecContext(ctx, update, args...); err != nil {
		return describe(err)
	}
	if err := refile(ctx, tx, contactID, was); err != nil { // a new category or owner moves what the contact counts for
		return describe(err)
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO contact_events (contact_id, user_id, at, what, old, new, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, contactID, userID, tx.nowText, what, old, value, reason); err != nil {
		return describe(err)
	}
	said := notify.Say("audit.changed", changedValue(what, old), changedValue(what, value))
	if reason != "" {
		said = said.And(notify.Say("audit.reason", reason))
	}
	return describe(audit(ctx, tx, notify.AuditEntry{Kind: what, ContactID: contactID, Said: said}))
}

// Events lists the changes people made to a contact, newest first.
func (d *DB) Events(ctx context.Context, contactID int64) ([]notify.Event, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT e.at, u.name, e.what, e.old, e.new, e.reason FROM contact_events e
		JOIN users u ON u.id = e.user_id WHERE e.contact_id = ? ORDER BY e.at DESC, e.id DESC`, contactID)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.Event
	for rows.Next() {
		var e notify.Event
		var at string
		if err := rows.Scan(&at, &e.By, &e.What, &e.From, &e.To, &e.Reason); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, describe(rows.Err())
}

// LookAlikes counts the contacts held back for a person to decide, as an
// address of theirs may imitate a known domain (rule lookalike), through
// the partial index contacts_lookalike: it reads only them.
func (d *DB) LookAlikes(ctx context.Context) (int, error) {
	return lookAlikes(ctx, d.db)
}

func lookAlikes(ctx context.Context, q querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE rule = '`+string(notify.RuleLookAlike)+`'`).Scan(&n)
	return n, describe(err)
}

// Withheld counts the contacts not to be contacted (through the partial
// index contacts_do_not_contact: it reads only them).
func (d *DB) Withheld(ctx context.Context) (int, error) {
	return withheld(ctx, d.db)
}

func withheld(ctx context.Context, q querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE do_not_contact`).Scan(&n)
	return n, describe(err)
}

// changedValue is a contact's category, owner or do-not-contact setting as
// the audit trail says it: a word of the catalogue, or the owner's address.
func changedValue(what, value string) any {
	switch {
	case what == "category":
		return notify.Say(value)
	case what == "contact":
		return notify.Say("dnc_state_" + value)
	case value == "":
		return notify.Say("nobody")
	}
	return value
}
