package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

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
			o, err := recordBounce(ctx, tx, m, b, at)
			if err != nil {
				return "", err
			}
			if o == notify.Bounced || outcome == notify.NotOurs {
				outcome = o
			}
		}
		if outcome != notify.NotOurs || m.FromMailSystem {
			return outcome, nil
		}
		// A person's mail that only reads like a bounce, and reports none of
		// ours: a reply that quotes the bounce of the spam, read as a reply.
	}
	return recordReply(ctx, tx, m, at)
}

// recordReply records a mail that is not a bounce as notify.ReplyEvidence
// judges it: an acknowledgement, an automatic reply, a mail kept
// unverified, or nothing.
func recordReply(ctx context.Context, tx *Tx, m notify.Inbound, at string) (notify.InboundOutcome, error) {
	e := notify.ReplyEvidence{SenderFailed: m.SenderFailed, Automatic: m.Auto}
	var notice, contact int64
	for _, id := range append([]string{m.InReplyTo}, m.References...) {
		if id == "" {
			continue
		}
		err := tx.QueryRowContext(ctx, `SELECT id, contact_id FROM notices WHERE message_id = ?`, id).Scan(&notice, &contact)
		if err == nil {
			e.Threaded = true
			break
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	if !e.Threaded && m.Ref != "" {
		err := tx.QueryRowContext(ctx, `SELECT id, contact_id FROM notices WHERE ref = ?`, m.Ref).Scan(&notice, &contact)
		if err == nil {
			e.Code = m.Ref
		} else if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	if notice == 0 && m.From != "" {
		err := tx.QueryRowContext(ctx, `SELECT contact_id FROM addresses WHERE email = ? ORDER BY id LIMIT 1`, m.From).Scan(&contact)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
		e.FromContact = contact != 0
	}
	outcome, doubt := e.Judge()
	switch outcome {
	case notify.NotOurs:
		return outcome, nil
	case notify.Unverified:
		return outcome, keepUnverified(ctx, tx, notify.UnverifiedMail{Kind: notify.UnverifiedReply, ContactID: contact, NoticeID: notice,
			Doubt: doubt, Sender: m.From, Excerpt: m.Excerpt, Auto: m.Auto}, mailKey(m), at)
	}
	auto := outcome == notify.AutoReply
	added, err := addAck(ctx, tx, notify.Ack{ContactID: contact, NoticeID: notice, Channel: notify.AckReply, At: parseTime(at), Auto: auto, Excerpt: m.Excerpt},
		mailKey(m), 0)
	if err != nil {
		return "", err
	}
	if added {
		what := map[bool]string{false: "audit.ack_reply", true: "audit.auto_reply"}[auto]
		if err := audit(ctx, tx, notify.AuditEntry{Kind: "ack", ContactID: contact, Said: notify.Say(what, notify.ID(notice))}); err != nil {
			return "", err
		}
	}
	return outcome, nil
}

// keepUnverified keeps a mail for a person to decide on, once however
// often it is read, and puts that on the audit trail.
func keepUnverified(ctx context.Context, tx *Tx, u notify.UnverifiedMail, key, at string) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO unverified_mail (mail_id, kind, contact_id, notice_id, doubt, sender, excerpt, status, auto, at)
		VALUES (?, ?, ?, nullif(?, 0), ?, ?, ?, ?, ?, ?) ON CONFLICT (mail_id, sender) DO NOTHING`,
		key, u.Kind, u.ContactID, u.NoticeID, u.Doubt, u.Sender, u.Excerpt, u.Status, u.Auto, at)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return audit(ctx, tx, notify.AuditEntry{Kind: "unverified", ContactID: u.ContactID,
		Said: notify.Say("audit.unverified_kept", notify.Say("unverified_"+string(u.Kind)), notify.Say("doubt_"+string(u.Doubt)))})
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
		Said: notify.Say("audit.bounce_unreadable", mailKey(m))})
}

// recordBounce records what a bounce reports for one recipient, as
// notify.JudgeBounce judges it: it fails the notice it is tied to (by the
// notice's return path or its returned Message-ID), or, tied to none, is
// kept unverified under the contact whose address it names.
func recordBounce(ctx context.Context, tx *Tx, m notify.Inbound, b notify.Bounce, at string) (notify.InboundOutcome, error) {
	var id int64
	var state string
	var err error
	switch {
	case m.ReturnRef != "":
		err = tx.QueryRowContext(ctx, `SELECT id, state FROM notices WHERE ref = ?`, m.ReturnRef).Scan(&id, &state)
	case b.OriginalMessageID != "":
		// Tied by a Message-ID, it must report the notice's own address: one
		// that names another (a reply quoting the bounce of the spam, which
		// threads with the notice) is no bounce of it.
		var ours bool
		err = tx.QueryRowContext(ctx, `SELECT n.id, n.state, a.email IN (?, ?) FROM notices n JOIN addresses a ON a.id = n.address_id
			WHERE n.message_id = ?`, b.Recipient, b.Alias, b.OriginalMessageID).Scan(&id, &state, &ours)
		if err == nil && !ours {
			return notify.NotOurs, nil
		}
	default:
		err = sql.ErrNoRows
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	tied := id != 0
	if !tied && (m.ReturnRef != "" || b.OriginalMessageID != "") {
		return notify.NotOurs, nil // it returns another mail: a colleague's
	}
	if tied && state != string(notify.Sent) {
		return notify.NotOurs, nil // failed already, or never went
	}
	var contact int64
	if !tied {
		// the latest notice sent to the address: the one a person who
		// confirms the bounce would fail
		err := tx.QueryRowContext(ctx, `SELECT n.id, n.contact_id FROM notices n JOIN addresses a ON a.id = n.address_id
			WHERE a.email IN (?, ?) AND n.state = 'sent' ORDER BY n.sent_at DESC, n.id DESC LIMIT 1`,
			strings.ToLower(b.Recipient), strings.ToLower(b.Alias)).Scan(&id, &contact)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	outcome, doubt := notify.JudgeBounce(b, tied, contact != 0)
	switch outcome {
	case notify.Bounced:
		return outcome, failByBounce(ctx, tx, id, b.Reply(), false)
	case notify.Unverified:
		return outcome, keepUnverified(ctx, tx, notify.UnverifiedMail{Kind: notify.UnverifiedBounce, ContactID: contact, NoticeID: id,
			Doubt: doubt, Sender: strings.ToLower(b.Recipient), Excerpt: b.Diagnostic, Status: b.Status}, mailKey(m), at)
	}
	return outcome, nil
}

// failByBounce fails notice id for what a bounce reported. An address that
// does not exist takes no more mail, and what waits for it is withdrawn;
// a refusal for another reason (a full mailbox, a filter) fails this
// notice only. byStaff says a person confirmed it.
func failByBounce(ctx context.Context, tx *Tx, id int64, reply notify.ServerReply, byStaff bool) error {
	var err error
	if reply.AddressDead() {
		_, err = markUndeliverable(ctx, tx, id, reply)
	} else {
		_, err = failNotice(ctx, tx, id, reply)
	}
	if err != nil {
		return err
	}
	said := notify.Say("audit.bounced", notify.ID(id), notify.SaidReply(reply))
	if byStaff {
		said = said.And(notify.Say("audit.confirmed_by_staff"))
	}
	return audit(ctx, tx, notify.AuditEntry{Kind: "bounce", ContactID: contactOf(ctx, tx, id), Said: said})
}
