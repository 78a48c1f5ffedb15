package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/owabi/owabi/notify"
)

// audit appends an entry to the audit trail in tx, so that the action and
// its record commit together: chained to the entry before by hash, its
// detail sealed so that a purge can erase it.
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
	if e.Said.Key != "" {
		text, err := e.Said.Text()
		if err != nil {
			return err
		}
		e.Detail = text
	}
	nonce, seal := sealDetail(e.Detail)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (id, at, actor, kind, contact_id, detail, nonce, seal, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, at, e.Actor, e.Kind, contact, e.Detail, nonce, seal, prev, auditHash(prev, e.ID, at, e.Actor, e.Kind, e.ContactID, e.Detail, seal))
	return err
}

// sealDetail seals an entry's detail: a fresh random nonce, and the
// digest of the nonce and the detail. Once the nonce is erased, the seal
// cannot be checked against a guess at the detail.
func sealDetail(detail string) (nonce, seal []byte) {
	nonce = make([]byte, 16)
	rand.Read(nonce)
	return nonce, sealOf(nonce, detail)
}

func sealOf(nonce []byte, detail string) []byte {
	h := sha256.New()
	h.Write(nonce)
	h.Write([]byte(detail))
	return h.Sum(nil)
}

// auditHash is an entry's hash: over the hash before it and its fields,
// each with its length, so that no two entries read alike. A sealed entry
// is hashed over its seal instead of its detail, written so that it never
// reads like an unsealed one (written by a development version before entries were sealed).
func auditHash(prev []byte, id int64, at, actor, kind string, contact int64, detail string, seal []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	fmt.Fprintf(h, "%d|%d:%s|%d:%s|%d:%s|%d|", id, len(at), at, len(actor), actor, len(kind), kind, contact)
	if seal == nil {
		fmt.Fprintf(h, "%d:%s", len(detail), detail)
	} else {
		fmt.Fprintf(h, "seal %x", seal)
	}
	return h.Sum(nil)
}

// Audit records an action that changes nothing else in the database (a
// sign-in, an export, a backup).
func (d *DB) Audit(ctx context.Context, e notify.AuditEntry) error {
	if e.Kind == purgeKind || e.Kind == "seal" { // only owabi's own purge and sealing write these
		return notify.Errorf(notify.EINVALID, "an audit entry of kind %q is written only by owabi itself", e.Kind)
	}
	return d.inTx(ctx, func(tx *Tx) error { return describe(audit(ctx, tx, e)) })
}

// VerifyAudit walks the audit trail and recomputes each entry's hash and
// link: it reports the first entry changed, removed before, or inserted
// out of turn behind owabi's back.
func (d *DB) VerifyAudit(ctx context.Context) (notify.AuditCheck, error) {
	check, err := checkAudit(ctx, d.db)
	return check, describe(err)
}

// auditRow is an audit entry as stored, with what chains it.
type auditRow struct {
	notify.AuditEntry
	at                      string
	nonce, seal, prev, hash []byte
}

// auditRows reads the entries with ids from lo up to hi, in order.
func auditRows(ctx context.Context, q querier, lo, hi int64, each func(auditRow) error) error {
	rows, err := q.QueryContext(ctx, `SELECT id, at, actor, kind, coalesce(contact_id, 0), detail, nonce, seal, prev, hash
		FROM audit WHERE id >= ? AND id < ? ORDER BY id`, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r auditRow
		if err := rows.Scan(&r.ID, &r.at, &r.Actor, &r.Kind, &r.ContactID, &r.Detail, &r.nonce, &r.seal, &r.prev, &r.hash); err != nil {
			return err
		}
		if err := each(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// errBroken stops the walk at the first broken entry.
var errBroken = errors.New("broken")

// checkAudit walks the audit trail as VerifyAudit does.
//
// What it proves: every entry's id, time, actor, kind and contact, and
// the detail of every entry not purged, are as owabi wrote them, and no
// entry was removed or inserted before the last. A purged entry proves
// its seal but no longer what its detail said. An entry may be purged
// only if its kind is one a purge erases (purgedKinds) and a purge entry
// follows it, so a detail erased by hand is caught: at that entry, or at
// an earlier break where the walk stops. As before, the chain has no
// secret: whoever rewrites it from some entry to its end with new hashes
// is caught only against a head hash kept outside owabi.
func checkAudit(ctx context.Context, q querier) (notify.AuditCheck, error) {
	var check notify.AuditCheck
	last := make([]byte, sha256.Size)
	sealed := false
	var unvouched int64 // the first entry purged since the last purge entry
	err := auditRows(ctx, q, 0, math.MaxInt64, func(r auditRow) error {
		check.Entries++
		purged := r.seal != nil && r.nonce == nil
		if purged && unvouched == 0 {
			unvouched = r.ID
		}
		if r.ID != int64(check.Entries) || !bytes.Equal(r.prev, last) || sealed && r.seal == nil ||
			purged && (r.Detail != notify.Purged || !slices.Contains(purgedKinds, r.Kind)) ||
			r.seal != nil && !purged && !bytes.Equal(r.seal, sealOf(r.nonce, r.Detail)) ||
			!bytes.Equal(r.hash, auditHash(r.prev, r.ID, r.at, r.Actor, r.Kind, r.ContactID, r.Detail, r.seal)) {
			check.Broken = r.ID
			return errBroken
		}
		if r.Kind == purgeKind {
			unvouched = 0
		}
		last, sealed = r.hash, r.seal != nil
		return nil
	})
	if errors.Is(err, errBroken) {
		err = nil
	}
	if check.Broken == 0 && unvouched != 0 {
		check.Broken = unvouched
	}
	if check.Broken == 0 {
		check.Head = last
	}
	return check, err
}

// AuditTrail lists the audit trail as f narrows it, newest first.
func (d *DB) AuditTrail(ctx context.Context, f notify.AuditFilter) ([]notify.AuditEntry, error) {
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
		e.Said, _ = notify.ParseSaid(e.Detail)
		out = append(out, e)
	}
	return out, describe(rows.Err())
}
