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
	for i, m := range mails {
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

func recordInbound(ctx context.Context, tx *Tx, m notify.Inbound, at string) (notify.InboundOutcome, error) {
	if b := m.Bounce; b != nil {
		if !b.Permanent() {
			return notify.NotOurs, nil // a delay: the relay is still trying
		}
		// The returned notice, or else the latest one sent to the address.
		res, err := tx.ExecContext(ctx, `UPDATE notices SET state = 'failed', last_error = ?1
			WHERE state = 'sent' AND id = coalesce(
				(SELECT id FROM notices WHERE message_id = ?2 AND ?2 != ''),
				(SELECT n.id FROM notices n JOIN addresses a ON a.id = n.address_id WHERE a.email = ?3
					ORDER BY n.sent_at DESC, n.id DESC LIMIT 1))`,
			fmt.Sprintf("bounced: %s (%s)", b.Status, b.Action), b.OriginalMessageID, b.Recipient)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notify.NotOurs, nil
		}
		return notify.Bounced, nil
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
	if notice == 0 && m.Ref != 0 {
		err := tx.QueryRowContext(ctx, `SELECT id, contact_id FROM notices WHERE id = ?`, m.Ref).Scan(&notice, &contact)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	if notice == 0 {
		return notify.NotOurs, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO acks (contact_id, notice_id, channel, at, auto, excerpt, mail_id)
		VALUES (?, ?, 'reply', ?, ?, ?, ?) ON CONFLICT (mail_id) WHERE mail_id != '' DO NOTHING`,
		contact, notice, at, m.Auto, m.Excerpt, m.MessageID); err != nil {
		return "", err
	}
	if m.Auto {
		return notify.AutoReply, nil
	}
	return notify.AckedByReply, nil
}
