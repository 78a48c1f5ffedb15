package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/owabi/owabi/notify"
)

// NewAckToken keeps the hash of a notice's confirmation token, which
// expires at expires. The token itself is never stored.
func (d *DB) NewAckToken(ctx context.Context, noticeID int64, tokenHash []byte, expires time.Time) error {
	_, err := d.write(ctx, `INSERT INTO ack_tokens (token_hash, notice_id, expires_at) VALUES (?, ?, ?)`,
		tokenHash, noticeID, formatTime(expires))
	return describe(err)
}

// AckToken finds the notice a confirmation token was made for. A token
// unknown or expired is notify.ENOTFOUND: the page says the same for both.
func (d *DB) AckToken(ctx context.Context, tokenHash []byte) (notify.Notice, error) {
	var n notify.Notice
	var expires string
	err := d.db.QueryRowContext(ctx, `SELECT n.id, n.contact_id, n.kind, n.lang, t.expires_at FROM ack_tokens t
		JOIN notices n ON n.id = t.notice_id WHERE t.token_hash = ?`, tokenHash).Scan(&n.ID, &n.ContactID, &n.Kind, &n.Lang, &expires)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !d.Now().Before(parseTime(expires)) {
		return notify.Notice{}, notify.Errorf(notify.ENOTFOUND, "no such confirmation link, or it has expired")
	}
	return n, describe(err)
}

// AckByLink records what a person reported on their confirmation page: an
// acknowledgement of the notice, with the report. "opened" and "infected"
// put the contact at the top of its owner's list; "call" asks the owner to
// call.
func (d *DB) AckByLink(ctx context.Context, n notify.Notice, report notify.LinkReport) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Each report once per notice: the form sent again adds nothing.
	added, err := addAck(ctx, tx, notify.Ack{ContactID: n.ContactID, NoticeID: n.ID, Channel: notify.AckLink, At: parseTime(tx.nowText), Report: report},
		fmt.Sprintf("link:%d:%s", n.ID, report), 0)
	if err != nil {
		return describe(err)
	}
	if !added {
		return describe(tx.Commit())
	}
	if err := audit(ctx, tx, notify.AuditEntry{Kind: "ack", ContactID: n.ContactID,
		Said: notify.Say("audit.ack_link", notify.ID(n.ID), notify.Say("report_"+string(report)))}); err != nil {
		return describe(err)
	}
	if report == notify.AskedForCall {
		if _, err := tx.ExecContext(ctx, `INSERT INTO call_tasks (contact_id, at, reason) VALUES (?, ?, 'asked')
			ON CONFLICT (contact_id) DO NOTHING`, n.ContactID, tx.nowText); err != nil {
			return describe(err)
		}
		if err := refreshCases(ctx, tx, n.ContactID); err != nil {
			return describe(err)
		}
	}
	return describe(tx.Commit())
}
