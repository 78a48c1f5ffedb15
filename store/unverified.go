package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/owabi/owabi/notify"
)

// UnverifiedMail lists the mail kept unverified under a contact, newest
// first, decided or not.
func (d *DB) UnverifiedMail(ctx context.Context, contactID int64) ([]notify.UnverifiedMail, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+unverifiedColumns+` FROM unverified_mail WHERE contact_id = ? ORDER BY at DESC, id DESC`, contactID)
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var out []notify.UnverifiedMail
	for rows.Next() {
		u, err := scanUnverified(rows)
		if err != nil {
			return nil, describe(err)
		}
		out = append(out, u)
	}
	return out, describe(rows.Err())
}

// unverifiedColumns are what scanUnverified reads.
const unverifiedColumns = `id, kind, contact_id, coalesce(notice_id, 0), doubt, sender, excerpt, status, auto, at,
	decision, decided_by, coalesce(decided_at, '')`

func scanUnverified(s interface{ Scan(...any) error }) (notify.UnverifiedMail, error) {
	var u notify.UnverifiedMail
	var at, decidedAt string
	err := s.Scan(&u.ID, &u.Kind, &u.ContactID, &u.NoticeID, &u.Doubt, &u.Sender, &u.Excerpt, &u.Status, &u.Auto, &at, &u.Verdict, &u.DecidedBy, &decidedAt)
	u.At, u.DecidedAt = parseTime(at), parseTime(decidedAt)
	return u, err
}

// UnverifiedWaiting counts the mail kept unverified that nobody has
// decided on yet.
func (d *DB) UnverifiedWaiting(ctx context.Context) (int, error) {
	return unverifiedWaiting(ctx, d.db)
}

func unverifiedWaiting(ctx context.Context, q querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM unverified_mail WHERE decision = ''`).Scan(&n)
	return n, describe(err)
}

// DecideUnverified records what a person decided of an unverified mail of
// a contact. Confirmed, it counts as what it claims: a reply acknowledges
// the notice (or the contact, when it names none; an automatic reply is
// kept as one, which does not count); a bounce fails the
// notice it would fail, as a bounce tied to it would. Dismissed, it never
// counts. A mail is decided once.
func (d *DB) DecideUnverified(ctx context.Context, contactID, id int64, verdict notify.Verdict) error {
	if verdict != notify.Confirmed && verdict != notify.Dismissed {
		return notify.Errorf(notify.EINVALID, "confirm or dismiss the mail")
	}
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	u, err := scanUnverified(tx.QueryRowContext(ctx, `SELECT `+unverifiedColumns+` FROM unverified_mail WHERE id = ? AND contact_id = ?`, id, contactID))
	if errors.Is(err, sql.ErrNoRows) {
		return notify.Errorf(notify.ENOTFOUND, "no such mail for this contact")
	}
	if err != nil {
		return describe(err)
	}
	if u.Verdict != notify.Undecided {
		return notify.Errorf(notify.ECONFLICT, "this mail was %s by %s already", u.Verdict, u.DecidedBy)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE unverified_mail SET decision = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
		verdict, notify.ActorOf(ctx), tx.nowText, id); err != nil {
		return describe(err)
	}
	if verdict == notify.Confirmed {
		if err := confirmUnverified(ctx, tx, u); err != nil {
			return describe(err)
		}
	}
	if err := audit(ctx, tx, notify.AuditEntry{Kind: "unverified", ContactID: contactID,
		Said: notify.Say("audit.unverified_"+string(verdict), notify.Say("unverified_"+string(u.Kind)))}); err != nil {
		return describe(err)
	}
	return describe(tx.Commit())
}

// confirmUnverified makes a mail a person confirmed count as what it
// claims, from the time it came.
func confirmUnverified(ctx context.Context, tx *Tx, u notify.UnverifiedMail) error {
	if u.Kind == notify.UnverifiedBounce {
		if u.NoticeID == 0 {
			return nil
		}
		b := notify.Bounce{Recipient: u.Sender, Action: "failed", Status: u.Status, Diagnostic: u.Excerpt}
		return failByBounce(ctx, tx, u.NoticeID, b.Reply(), true)
	}
	if _, err := addAck(ctx, tx, notify.Ack{ContactID: u.ContactID, NoticeID: u.NoticeID, Channel: notify.AckReply, At: u.At, Auto: u.Auto, Excerpt: u.Excerpt}, "", 0); err != nil {
		return err
	}
	return audit(ctx, tx, notify.AuditEntry{Kind: "ack", ContactID: u.ContactID,
		Said: notify.Say("audit.ack_reply", notify.ID(u.NoticeID)).And(notify.Say("audit.confirmed_by_staff"))})
}
