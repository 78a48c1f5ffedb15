package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
)

// Queue adds one notice of kind to every address that has none yet (of
// contacts not marked not to be contacted), each with its Message-ID fixed
// now, puts back one withdrawn while the contact was so marked (revivable),
// and returns how many it queued.
func (d *DB) Queue(ctx context.Context, kind notify.NoticeKind, lang string, messageID func() string) (int, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// Half a book queued would leave the rest without notices, unseen.
	if u, err := d.unfinished(ctx, tx); err != nil || u != nil {
		if err == nil {
			err = errImportRunning(u, "queue")
		}
		return 0, describe(err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.contact_id, c.category FROM addresses a JOIN contacts c ON c.id = a.contact_id
		WHERE NOT c.do_not_contact AND a.undeliverable = '' AND NOT `+heldBack+`
		AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.address_id = a.id AND n.kind = ?)
		ORDER BY a.id`, kind)
	if err != nil {
		return 0, describe(err)
	}
	type pair struct {
		address, contact int64
		category         string
	}
	var todo []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.address, &p.contact, &p.category); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO notices (contact_id, address_id, kind, lang, message_id, ref, next_try, queued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	defer insert.Close()
	added := noticeMoves{}
	for _, p := range todo {
		if err := withNewRef(kind, func(ref string) error {
			_, err := insert.ExecContext(ctx, p.contact, p.address, kind, lang, messageID(), ref, tx.nowText, tx.nowText)
			return err
		}); err != nil {
			return 0, describe(err)
		}
		added.add(p.category, string(kind), "", notify.Queued)
	}
	if err := added.write(ctx, tx); err != nil {
		return 0, describe(err)
	}
	revived, err := anotherRound(ctx, tx, revivable, kind)
	if err != nil {
		return 0, describe(err)
	}
	if n := len(todo) + revived; n > 0 {
		if err := audit(ctx, tx, notify.AuditEntry{Kind: "queue", Said: notify.Say("audit.queued", n, notify.Say("kind_"+string(kind)), notify.Say("language_"+lang))}); err != nil {
			return 0, describe(err)
		}
	}
	return len(todo) + revived, describe(tx.Commit())
}

// revivable are the notices of kind ?2 that Queue puts back in the queue:
// first notices withdrawn after they had been tried, to an address that
// takes notices, of a contact who may be contacted now (a manager lifted
// the mark not to).
const revivable = `withdrawn_at IS NOT NULL AND round = 0 AND kind = ?2
	AND address_id IN (SELECT id FROM addresses WHERE undeliverable = '')
	AND contact_id IN (SELECT id FROM contacts c WHERE NOT c.do_not_contact AND NOT ` + heldBack + `)`

// heldBack is true of a contact c held back as a look-alike
// (notify.RuleLookAlike): its address may be the attacker's, so nothing is
// queued, claimed, retried or resent to it until a person decides, not
// even by a send that allows the unclassified. A notice already queued
// waits.
const heldBack = `c.rule = '` + string(notify.RuleLookAlike) + `'`

// Claim marks up to limit due notices as sending and returns them with what
// is needed to write them. A notice stays claimed until MarkSent, Retry, Fail
// or Release; RequeueInFlight frees claims left by a process that died. A
// claim is not an attempt: only what the server answered is counted (see
// MarkSent), so claims that a crash cut short cost a notice nothing.
func (d *DB) Claim(ctx context.Context, limit int) ([]notify.Delivery, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	claimed, err := moveNotices(ctx, tx, notify.Queued, notify.Sending, claimQuery, tx.nowText, limit)
	if err != nil || len(claimed) == 0 {
		return nil, describe(err)
	}
	ids := make([]int64, len(claimed))
	for i, n := range claimed {
		ids[i] = n.id
	}
	list, _ := json.Marshal(ids)
	out, err := deliveriesOf(ctx, prepared{tx}, claimedDeliveries, string(list))
	if err != nil {
		return nil, err
	}
	return out, describe(tx.Commit())
}

// The statements of the outbox, run for every batch or notice: Open
// prepares them.
const (
	claimQuery = `UPDATE notices SET state = 'sending'
		WHERE id IN (SELECT id FROM notices WHERE state = 'queued' AND next_try <= ?
			AND contact_id NOT IN (SELECT id FROM contacts c WHERE ` + heldBack + `) ORDER BY next_try, id LIMIT ?)`
	claimedDeliveries = deliveriesSelect + ` WHERE n.id IN (SELECT value FROM json_each(?)) ORDER BY n.id`
)

var outboxStatements = []string{claimQuery + returningMoved, claimedDeliveries, markSentUnmoved}

// querier is a transaction or the database itself.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// deliveriesSelect reads notices with what is needed to write them.
const deliveriesSelect = `SELECT n.id, n.contact_id, n.address_id, n.kind, n.lang, n.state, n.message_id, n.ref,
		n.attempts, n.next_try, n.reply_stage, n.reply_code, n.reply_status, n.last_error, n.queued_at, coalesce(n.sent_at, ''), a.email, n.round, coalesce(n.resend_of, 0),
		` + contactColumns + `, ` + ownerColumns + `
		FROM notices n JOIN addresses a ON a.id = n.address_id JOIN contacts c ON c.id = n.contact_id ` + ownerJoin

// deliveries are the notices where selects, by number.
func deliveries(ctx context.Context, q querier, where string, args ...any) ([]notify.Delivery, error) {
	return deliveriesOf(ctx, q, deliveriesSelect+` WHERE `+where+` ORDER BY n.id`, args...)
}

// deliveriesOf runs query, a deliveriesSelect.
func deliveriesOf(ctx context.Context, q querier, query string, args ...any) ([]notify.Delivery, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []notify.Delivery
	for rows.Next() {
		var d notify.Delivery
		var n = &d.Notice
		var kind, state, next, queued, sent, stage string
		var owner ownerRow
		c, err := scanContact(multiScan{rows, []any{&n.ID, &n.ContactID, &n.AddressID, &kind, &n.Lang, &state, &n.MessageID, &n.RefCode,
			&n.Attempts, &next, &stage, &n.Reply.Code, &n.Reply.Status, &n.Reply.Text, &queued, &sent, &n.Email, &n.Round, &n.ResendOf}}, owner.dest()...)
		if err != nil {
			rows.Close()
			return nil, err
		}
		n.Kind, n.State, n.Reply.Stage = notify.NoticeKind(kind), notify.NoticeState(state), notify.Stage(stage)
		n.NextTry, n.QueuedAt, n.SentAt = parseTime(next), parseTime(queued), parseTime(sent)
		d.Contact, d.Owner = c, owner.staff(c.OwnerEmail)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// A resend threads with the rounds before it.
	for i := range out {
		if out[i].Round == 0 {
			continue
		}
		ids, err := queryColumn[string](ctx, q, `SELECT message_id FROM notices WHERE address_id = ? AND kind = ? AND round < ? ORDER BY round`,
			out[i].AddressID, out[i].Kind, out[i].Round)
		if err != nil {
			return nil, err
		}
		out[i].Thread = ids
	}
	return out, nil
}

// multiScan puts columns before those scanContact reads.
type multiScan struct {
	row    scanner
	before []any
}

func (m multiScan) Scan(dest ...any) error { return m.row.Scan(append(m.before, dest...)...) }

// MarkSent records that the server accepted the notice. A sent notice is
// never claimed again. MarkSent, Retry, Fail and Undeliverable each count
// the attempt whose answer they record.
//
// It returns once the record is committed. Calls made at the same time
// (the sender's connections, each after its own message) are committed
// together, in one transaction (sentGroup): a commit is most of the cost,
// and each caller still waits for its own.
func (d *DB) MarkSent(ctx context.Context, id int64) error { return d.sent.mark(ctx, d, id) }

// markSentAlone records one notice sent, in a transaction of its own.
//
// A sent notice moves no count (noticeMoves) and no case from where every
// case starts (notify.TestSentNoticesAloneLeaveACaseAsItStarts): for a
// contact whose case has not moved (most, while the notices go out) it is
// one prepared statement, as fast as the sender needs; for the others the
// case is decided again in the same transaction.
func (d *DB) markSentAlone(ctx context.Context, id int64) error {
	var n int64
	if err := d.exec(ctx, markSentUnmoved, &n, id); err != nil || n > 0 {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error { return markSentIn(ctx, tx, id) })
}

// markSentIn records, in tx, one notice sent whose contact's case has
// moved, and decides the case again.
func markSentIn(ctx context.Context, tx *Tx, id int64) error {
	sent, err := moveNotices(ctx, tx, notify.Sending, notify.Sent, markSent, tx.nowText, id)
	if err != nil || len(sent) == 0 {
		return describe(err) // none: not being sent (released, or recorded already)
	}
	return describe(refreshCases(ctx, tx, sent[0].contact))
}

// markSentTogether records the notices ids sent, in one transaction.
func (d *DB) markSentTogether(ctx context.Context, ids []int64) error {
	unmoved, err := d.stmt(ctx, markSentUnmoved) // before the transaction: it holds the one writer
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *Tx) error {
		stmt := tx.StmtContext(ctx, unmoved)
		for _, id := range ids {
			res, err := stmt.ExecContext(ctx, tx.nowText, id)
			if err != nil {
				return describe(err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				tx.wrote = true
				continue
			}
			if err := markSentIn(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

const (
	markSent = `UPDATE notices SET state = 'sent', sent_at = ?1, first_sent_at = coalesce(first_sent_at, ?1), attempts = attempts + 1, ` + noReply + `
	WHERE id = ?2 AND state = 'sending'`
	markSentUnmoved = markSent + ` AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.contact_id = notices.contact_id)`
)

// noReply clears what a server answered to an earlier attempt.
const noReply = `reply_stage = '', reply_code = 0, reply_status = '', last_error = ''`

// setReply stores a server's reply as ?3 (stage), ?4 (code), ?5 (status)
// and ?6 (text).
const setReply = `reply_stage = ?3, reply_code = ?4, reply_status = ?5, last_error = ?6`

func replyArgs(r notify.ServerReply) []any { return []any{r.Stage, r.Code, r.Status, r.Text} }

// Retry puts a notice back in the queue, due at next, with what the server
// answered.
func (d *DB) Retry(ctx context.Context, id int64, next time.Time, reply notify.ServerReply) error {
	return d.inTx(ctx, func(tx *Tx) error {
		back, err := moveNotices(ctx, tx, notify.Sending, notify.Queued, `UPDATE notices SET state = 'queued', attempts = attempts + 1, next_try = ?7, `+setReply+`
			WHERE id = ?2 AND state = 'sending'`, append(append([]any{tx.nowText, id}, replyArgs(reply)...), formatTime(next))...)
		if err != nil {
			return describe(err)
		}
		return describe(requeued(ctx, tx, back))
	})
}

// requeued follows notices just put back in the queue: a notice of someone
// not to be contacted, or of a book that was purged, never waits there (a
// retry, a release, a restart would send it), and is withdrawn at once.
func requeued(ctx context.Context, tx *Tx, back []movedNotice) error {
	if len(back) == 0 {
		return nil
	}
	ids := make([]int64, len(back))
	for i, n := range back {
		ids[i] = n.id
	}
	list, _ := json.Marshal(ids)
	_, err := withdraw(ctx, tx, `id IN (SELECT value FROM json_each(?))
		AND (contact_id IN (SELECT id FROM contacts WHERE do_not_contact) OR EXISTS (SELECT 1 FROM purges))`, string(list))
	return err
}

// withdraw takes out of the queue the notices there that where selects
// (its placeholders written ?), and returns how many. A notice never
// tried is deleted. One given another round after it failed fails now,
// withdrawn (RequeueFailed leaves it alone): its earlier tries stay, so
// the record still says when it went out and failed, and that it waited
// for another round until now. Their cases are decided again.
func withdraw(ctx context.Context, tx *Tx, where string, args ...any) (int, error) {
	back, err := moveNotices(ctx, tx, notify.Queued, notify.Failed, failTriedQuery(where), append([]any{tx.nowText}, args...)...)
	if err != nil {
		return 0, err
	}
	gone, err := moveNotices(ctx, tx, notify.Queued, "", deleteQueuedQuery(where), args...)
	if err != nil {
		return 0, err
	}
	return len(gone) + len(back), refreshMoved(ctx, tx, back)
}

// refreshMoved decides again the cases of the contacts whose notices
// moved from waiting to failed, or back.
func refreshMoved(ctx context.Context, tx *Tx, moved []movedNotice) error {
	contacts := make([]int64, len(moved))
	for i, n := range moved {
		contacts[i] = n.contact
	}
	return refreshCases(ctx, tx, contacts...)
}

// failTriedQuery fails, withdrawn at ?1, the queued notices that where
// selects and that were tried before; deleteQueuedQuery deletes the rest.
func failTriedQuery(where string) string {
	return `UPDATE notices SET state = 'failed', failed_at = ?1, withdrawn_at = ?1
		WHERE state = 'queued' AND id IN (SELECT notice_id FROM notice_tries) AND ` + where
}

func deleteQueuedQuery(where string) string {
	return `DELETE FROM notices WHERE state = 'queued' AND ` + where
}

// Fail records that a notice cannot be delivered, with the server's reply,
// in the audit trail too.
func (d *DB) Fail(ctx context.Context, id int64, reply notify.ServerReply) error {
	return d.inTx(ctx, func(tx *Tx) error {
		failed, err := moveNotices(ctx, tx, notify.Sending, notify.Failed, `UPDATE notices SET state = 'failed', failed_at = ?1, attempts = attempts + 1, `+setReply+`
			WHERE id = ?2 AND state = 'sending'`, append([]any{tx.nowText, id}, replyArgs(reply)...)...)
		if err != nil || len(failed) == 0 {
			return describe(err)
		}
		if err := refreshCases(ctx, tx, failed[0].contact); err != nil {
			return describe(err)
		}
		return describe(auditFailure(ctx, tx, "failed", id, reply))
	})
}

// Undeliverable records that the server refused the address itself for
// good: the notice fails, and its address is marked so that nothing more
// is queued to it.
func (d *DB) Undeliverable(ctx context.Context, id int64, reply notify.ServerReply) error {
	return d.inTx(ctx, func(tx *Tx) error {
		changed, err := markUndeliverable(ctx, tx, id, reply)
		if err != nil || !changed {
			return describe(err)
		}
		return describe(auditFailure(ctx, tx, "undeliverable", id, reply))
	})
}

// auditFailure records a notice's final failure: what the server said, by
// its codes and their meaning, never by its words, which may name the
// address.
func auditFailure(ctx context.Context, tx *Tx, kind string, id int64, reply notify.ServerReply) error {
	var attempts int
	tx.QueryRowContext(ctx, `SELECT attempts FROM notices WHERE id = ?`, id).Scan(&attempts)
	return audit(ctx, tx, notify.AuditEntry{Kind: kind, ContactID: contactOf(ctx, tx, id),
		Said: notify.Say("audit.not_delivered", notify.ID(id), attempts, notify.SaidReply(reply))})
}

// markUndeliverable fails a notice that is being sent or was sent (a
// bounce), marks its address, and withdraws what waits for that address.
// A notice being sent has its attempt counted. It reports whether the
// notice was one of those.
func markUndeliverable(ctx context.Context, tx *Tx, id int64, reply notify.ServerReply) (changed bool, err error) {
	address, err := failNotice(ctx, tx, id, reply)
	if err != nil || address == 0 {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE addresses SET undeliverable = ? WHERE id = ?`, undeliverableText(reply), address); err != nil {
		return false, err
	}
	_, err = withdraw(ctx, tx, `address_id = ?`, address)
	return err == nil, err
}

// failNotice fails a notice being sent or sent with reply, and returns its
// address; 0 when it was neither.
func failNotice(ctx context.Context, tx *Tx, id int64, reply notify.ServerReply) (address int64, err error) {
	// Being sent or sent, it was counted as either (tallyRow).
	failed, err := moveNotices(ctx, tx, notify.Sent, notify.Failed, `UPDATE notices SET state = 'failed', failed_at = ?1, attempts = attempts + (state = 'sending'), `+setReply+`
		WHERE id = ?2 AND state IN ('sending', 'sent')`, append([]any{tx.nowText, id}, replyArgs(reply)...)...)
	if err != nil || len(failed) == 0 {
		return 0, err
	}
	return failed[0].address, refreshCases(ctx, tx, failed[0].contact)
}

// undeliverableText is why an address takes no more notices, as its row
// keeps it: the codes and the server's words.
func undeliverableText(r notify.ServerReply) string {
	return strings.TrimSpace(r.Codes() + " " + r.Text)
}

// Release returns claimed notices that were not attempted to the queue, as
// they were.
func (d *DB) Release(ctx context.Context, ids []int64) error {
	list, _ := json.Marshal(ids)
	return d.inTx(ctx, func(tx *Tx) error {
		back, err := moveNotices(ctx, tx, notify.Sending, notify.Queued, `UPDATE notices SET state = 'queued'
			WHERE id IN (SELECT value FROM json_each(?)) AND state = 'sending'`, string(list))
		if err != nil {
			return describe(err)
		}
		return describe(requeued(ctx, tx, back))
	})
}

// RequeueInFlight frees notices left "sending" by a sender that died. Call it
// only while holding the sender lock, so no live sender owns them. The server
// may have accepted some of them before the process died; they keep their
// Message-ID, so a resend is recognisable as the same message.
func (d *DB) RequeueInFlight(ctx context.Context) (int, error) {
	var n int
	err := d.inTx(ctx, func(tx *Tx) error {
		back, err := moveNotices(ctx, tx, notify.Sending, notify.Queued, `UPDATE notices SET state = 'queued' WHERE state = 'sending'`)
		if err != nil {
			return describe(err)
		}
		n = len(back)
		return describe(requeued(ctx, tx, back))
	})
	return n, err
}

// exec runs one statement, which SQLite makes a transaction of its own; ?1
// is always the current time, so callers number their arguments from ?2.
func (d *DB) exec(ctx context.Context, query string, affected *int64, args ...any) error {
	stmt, err := d.stmt(ctx, query)
	if err != nil {
		return err
	}
	if err := d.room.enter(ctx); err != nil {
		return err
	}
	res, err := stmt.ExecContext(ctx, append([]any{formatTime(d.Now())}, args...)...)
	d.room.leave()
	if err := d.noteSpace(describe(err), wrote(res, err)); err != nil {
		return err
	}
	if affected != nil {
		*affected, err = res.RowsAffected()
	}
	return err
}

// RequeueFailed gives failed notices of kind another round of attempts, with
// their Message-IDs unchanged, and returns how many; and how many it left,
// because their address was refused for good and takes no more notices.
// Those of contacts not to be contacted, or held back, stay failed; so
// does one that a resend followed (a bounce that came back after it): the
// resend stands for it.
func (d *DB) RequeueFailed(ctx context.Context, kind notify.NoticeKind) (requeued, dead int, err error) {
	err = d.inTx(ctx, func(tx *Tx) error {
		at, _, err := purged(ctx, tx)
		if err != nil {
			return describe(err)
		}
		if !at.IsZero() {
			return notify.ErrPurged // nothing is sent after a purge
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM notices n JOIN addresses a ON a.id = n.address_id
			WHERE n.state = 'failed' AND n.kind = ? AND a.undeliverable != ''`, kind).Scan(&dead); err != nil {
			return describe(err)
		}
		if requeued, err = anotherRound(ctx, tx, requeueable, kind); err != nil || requeued == 0 {
			return describe(err)
		}
		return describe(audit(ctx, tx, notify.AuditEntry{Kind: "requeue", Said: notify.Say("audit.requeued", requeued, notify.Say("kind_"+string(kind)))}))
	})
	return requeued, dead, err
}

// anotherRound puts the failed notices of kind that where selects (?1 is
// now, ?2 the kind) back in the queue, due now, each starting a new try
// with the one that failed kept; decides their cases again; and returns
// how many.
func anotherRound(ctx context.Context, tx *Tx, where string, kind notify.NoticeKind) (int, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO notice_tries (notice_id, sent_at, failed_at, requeued_at)
		SELECT id, sent_at, failed_at, ?1 FROM notices WHERE `+where, tx.nowText, kind); err != nil {
		return 0, err
	}
	back, err := moveNotices(ctx, tx, notify.Failed, notify.Queued, `UPDATE notices SET state = 'queued', sent_at = NULL, failed_at = NULL,
		withdrawn_at = NULL, attempts = 0, next_try = ?1 WHERE `+where, tx.nowText, kind)
	if err != nil {
		return 0, err
	}
	return len(back), refreshMoved(ctx, tx, back)
}

// requeueable are the failed notices of kind ?2 that RequeueFailed gives
// another round: not one withdrawn.
const requeueable = `state = 'failed' AND kind = ?2 AND withdrawn_at IS NULL
	AND address_id NOT IN (SELECT id FROM addresses WHERE undeliverable != '')
	AND NOT EXISTS (SELECT 1 FROM notices m WHERE m.address_id = notices.address_id AND m.kind = notices.kind AND m.round > notices.round)
	AND contact_id NOT IN (SELECT id FROM contacts c WHERE c.do_not_contact OR ` + heldBack + `)`

// NextDue is when the earliest queued notice is due, and false when none is queued.
func (d *DB) NextDue(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullString
	err := d.db.QueryRowContext(ctx, `SELECT min(next_try) FROM notices WHERE state = 'queued'`).Scan(&next)
	if err != nil || !next.Valid {
		return time.Time{}, false, describe(err)
	}
	return parseTime(next.String), true, nil
}

// Notices lists the notices of one address, oldest first.
func (d *DB) Notices(ctx context.Context, email string) ([]notify.Notice, error) {
	return d.notices(ctx, `a.email = ?`, email)
}

// notices lists the notices matching where, oldest first.
func (d *DB) notices(ctx context.Context, where string, args ...any) ([]notify.Notice, error) {
	ds, err := deliveries(ctx, d.db, where, args...)
	out := make([]notify.Notice, len(ds))
	for i, d := range ds {
		out[i] = d.Notice
	}
	return out, describe(err)
}

// QueueAge is how long the oldest notice waiting to go has waited; 0 when
// none waits.
func (d *DB) QueueAge(ctx context.Context) (time.Duration, error) {
	var oldest sql.NullString
	err := d.db.QueryRowContext(ctx, `SELECT min(queued_at) FROM notices WHERE state = 'queued'`).Scan(&oldest)
	if err != nil || !oldest.Valid {
		return 0, describe(err)
	}
	return max(d.Now().Sub(parseTime(oldest.String)), 0), nil
}
