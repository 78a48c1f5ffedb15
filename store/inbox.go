package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/owabi/owabi/notify"
)

// MailboxState is how far owabi has read a mailbox: the UIDs up to LastUID
// under UIDValidity.
func (d *DB) MailboxState(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error) {
	err = d.db.QueryRowContext(ctx, `SELECT uid_validity, last_uid FROM mailboxes WHERE name = ?`, mailbox).Scan(&uidValidity, &lastUID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	return uidValidity, lastUID, describe(err)
}

// RecordInbound records what some mails of the reply mailbox say, in UID
// order, and that the mailbox has been read up to the last, in one
// transaction: a mail is read once however often owabi stops and starts.
// A reply acknowledges the notice it answers (by In-Reply-To or
// References, else the reference code in its subject); a permanent bounce
// fails the notice it returns. It returns each mail's outcome.
func (d *DB) RecordInbound(ctx context.Context, mailbox string, uidValidity uint32, mails []notify.Inbound) ([]notify.InboundOutcome, error) {
	if len(mails) == 0 {
		return nil, nil
	}
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := make([]notify.InboundOutcome, len(mails))
	gone, _, err := purged(ctx, tx)
	if err != nil {
		return nil, describe(err)
	}
	for i, m := range mails {
		if !gone.IsZero() {
			out[i] = notify.NotOurs // after a purge no reply is taken in: it would bring personal data back
			continue
		}
		if out[i], err = recordInbound(ctx, tx, m, tx.nowText); err != nil {
			return nil, describe(err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO mailboxes (name, uid_validity, last_uid) VALUES (?1, ?2, ?3)
		ON CONFLICT (name) DO UPDATE SET uid_validity = ?2, last_uid = max(CASE WHEN uid_validity = ?2 THEN last_uid ELSE 0 END, ?3)`,
		mailbox, uidValidity, mails[len(mails)-1].UID); err != nil {
		return nil, describe(err)
	}
	return out, describe(tx.Commit())
}

// contactOf is the contact a notice went to (0 if it cannot be read).
func contactOf(ctx context.Context, tx *Tx, notice int64) int64 {
	var id int64
	tx.QueryRowContext(ctx, `SELECT contact_id FROM notices WHERE id = ?`, notice).Scan(&id)
	return id
}

// mailKey identifies a mail across readings: its Message-ID, or for a mail
// without one, a digest of its bytes.
func mailKey(m notify.Inbound) string {
	if m.MessageID != "" {
		return m.MessageID
	}
	if m.Digest != "" {
		return "sha256:" + m.Digest
	}
	return ""
}

func recordInbound(ctx context.Context, tx *Tx, m notify.Inbound, at string) (notify.InboundOutcome, error) {
	if m.Unreadable {
		return notify.UnreadableBounce, recordUnreadable(ctx, tx, m)
	}
	if len(m.Bounces) > 0 {
		outcome := notify.NotOurs
		for _, b := range m.Bounces {
			bounced, err := recordBounce(ctx, tx, b)
			if err != nil {
				return "", err
			}
			if bounced {
				outcome = notify.Bounced
			}
		}
		return outcome, nil
	}
	var notice, contact int64
	for _, id := range append([]string{m.InReplyTo}, m.References...) {
		if id == "" {
			continue
		}
		err := tx.QueryRowContext(ctx, `SELECT id, contact_id FROM notices WHERE message_id = ?`, id).Scan(&notice, &contact)
		if err == nil {
			break
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	auto := m.Auto
	if notice == 0 && m.Ref != 0 {
		// A code alone is easy to type: it counts only from one of the
		// contact's own addresses, and is kept without counting otherwise.
		var fromContact bool
		err := tx.QueryRowContext(ctx, `SELECT n.id, n.contact_id,
			EXISTS (SELECT 1 FROM addresses a WHERE a.contact_id = n.contact_id AND a.email = ? AND ? != '')
			FROM notices n WHERE n.id = ?`, m.From, m.From, m.Ref).Scan(&notice, &contact, &fromContact)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
		auto = auto || !fromContact
	}
	if notice == 0 {
		return notify.NotOurs, nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO acks (contact_id, notice_id, channel, at, auto, excerpt, mail_id)
		VALUES (?, ?, 'reply', ?, ?, ?, ?) ON CONFLICT (mail_id) WHERE mail_id != '' DO NOTHING`,
		contact, notice, at, auto, m.Excerpt, mailKey(m))
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		what := map[bool]string{false: "acknowledged by reply", true: "automatic reply (not counted)"}[auto]
		if err := audit(ctx, tx, notify.AuditEntry{Kind: "ack", ContactID: contact, Detail: fmt.Sprintf("notice %d %s", notice, what)}); err != nil {
			return "", err
		}
	}
	if auto {
		return notify.AutoReply, nil
	}
	return notify.AckedByReply, nil
}

// recordUnreadable puts a bounce owabi could not read on the audit trail,
// under the contact of the notice it answers where its threading says.
func recordUnreadable(ctx context.Context, tx *Tx, m notify.Inbound) error {
	var contact int64
	for _, id := range append([]string{m.InReplyTo}, m.References...) {
		if id != "" && tx.QueryRowContext(ctx, `SELECT contact_id FROM notices WHERE message_id = ?`, id).Scan(&contact) == nil {
			break
		}
	}
	return audit(ctx, tx, notify.AuditEntry{Kind: "bounce_unreadable", ContactID: contact,
		Detail: fmt.Sprintf("a mail from a mail system could not be read (%s)", mailKey(m))})
}

// recordBounce fails the notice a bounce returns for one recipient, and
// says whether it did.
func recordBounce(ctx context.Context, tx *Tx, b notify.Bounce) (bool, error) {
	if !b.Failed() {
		return false, nil // a delay: the relay is still trying
	}
	// The returned notice; only a bounce that does not say which mail it
	// returns falls back on the latest notice sent to its address (one
	// that names another mail, a colleague's, is not ours).
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM notices WHERE state = 'sent' AND id = CASE WHEN ?1 != ''
			THEN (SELECT id FROM notices WHERE message_id = ?1)
			ELSE (SELECT n.id FROM notices n JOIN addresses a ON a.id = n.address_id WHERE a.email IN (?2, ?3)
				ORDER BY n.sent_at DESC, n.id DESC LIMIT 1) END`, b.OriginalMessageID, b.Recipient, b.Alias).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	// An address that does not exist takes no more mail, and what waits
	// for it is withdrawn; a refusal for another reason (a full mailbox,
	// a filter) fails this notice only.
	reply := b.Reply()
	if reply.AddressDead() {
		_, err = markUndeliverable(ctx, tx, id, reply)
	} else {
		_, err = failNotice(ctx, tx, id, reply)
	}
	if err != nil {
		return false, err
	}
	return true, audit(ctx, tx, notify.AuditEntry{Kind: "bounce", ContactID: contactOf(ctx, tx, id),
		Detail: fmt.Sprintf("notice %d bounced: %s", id, b.Status)})
}
