package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

// audit appends an entry to the audit trail in tx, so that the action and
// its record commit together: chained to the entry before by hash.
func audit(ctx context.Context, tx *Tx, e notify.AuditEntry) error {
	var id int64
	prev := make([]byte, sha256.Size)
	err := tx.QueryRowContext(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&id, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	e.ID = id + 1
	if e.Actor == "" {
		e.Actor = notify.ActorOf(ctx)
	}
	at := tx.nowText
	if !e.At.IsZero() {
		at = formatTime(e.At)
	}
	var contact any
	if e.ContactID != 0 {
		contact = e.ContactID
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (id, at, actor, kind, contact_id, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, at, e.Actor, e.Kind, contact, e.Detail, prev, auditHash(prev, e.ID, at, e.Actor, e.Kind, e.ContactID, e.Detail))
	return err
}

// auditHash is an entry's hash: over the hash before it and its fields,
// each with its length, so that no two entries read alike.
func auditHash(prev []byte, id int64, at, actor, kind string, contact int64, detail string) []byte {
	h := sha256.New()
	h.Write(prev)
	fmt.Fprintf(h, "%d|%d:%s|%d:%s|%d:%s|%d|%d:%s", id, len(at), at, len(actor), actor, len(kind), kind, contact, len(detail), detail)
	return h.Sum(nil)
}

// Audit records an action that changes nothing else in the database (a
// sign-in, an export, a backup).
func (d *DB) Audit(ctx context.Context, e notify.AuditEntry) error {
	return d.inTx(ctx, func(tx *Tx) error { return describe(audit(ctx, tx, e)) })
}

// VerifyAudit walks the audit trail and recomputes each entry's hash and
// link: it reports the first entry changed, removed before, or inserted
// out of turn behind owabi's back.
func (d *DB) VerifyAudit(ctx context.Context) (notify.AuditCheck, error) {
	var check notify.AuditCheck
	rows, err := d.db.QueryContext(ctx, `SELECT id, at, actor, kind, coalesce(contact_id, 0), detail, prev, hash FROM audit ORDER BY id`)
	if err != nil {
		return check, describe(err)
	}
	defer rows.Close()
	last, lastID := make([]byte, sha256.Size), int64(0)
	for rows.Next() {
		var id, contact int64
		var at, actor, kind, detail string
		var prev, hash []byte
		if err := rows.Scan(&id, &at, &actor, &kind, &contact, &detail, &prev, &hash); err != nil {
			return check, err
		}
		check.Entries++
		if id != lastID+1 || !bytes.Equal(prev, last) || !bytes.Equal(hash, auditHash(prev, id, at, actor, kind, contact, detail)) {
			check.Broken = id
			return check, nil
		}
		last, lastID = hash, id
	}
	check.Head = last
	return check, describe(rows.Err())
}

// AuditFilter narrows the audit trail: to one contact, one actor, one
// kind, the entries from From up to To, and those before entry Before (for
// the next page). Zero values leave a field out.
type AuditFilter struct {
	ContactID int64
	Actor     string
	Kind      string
	From, To  time.Time
	Before    int64
	Limit     int
}

// AuditTrail lists the audit trail as f narrows it, newest first.
func (d *DB) AuditTrail(ctx context.Context, f AuditFilter) ([]notify.AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.ContactID != 0 {
		add("contact_id = ?", f.ContactID)
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if !f.From.IsZero() {
		add("at >= ?", formatTime(f.From))
	}
	if !f.To.IsZero() {
		add("at < ?", formatTime(f.To))
	}
	if f.Before != 0 {
		add("id < ?", f.Before)
	}
	where = append(where, "1")
	rows, err := d.db.QueryContext(ctx, `SELECT id, at, actor, kind, coalesce(contact_id, 0), detail FROM audit
		WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.AuditEntry
	for rows.Next() {
		var e notify.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Kind, &e.ContactID, &e.Detail); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, describe(rows.Err())
}
