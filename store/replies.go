package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/owabi/owabi/notify"
)

// fillServerReplies completes migration 0023: the replies kept before it,
// as text only, get their stage, reply code and status, read back from the
// text go-mail and the bounce reader wrote.
func fillServerReplies(ctx context.Context, tx *Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, last_error FROM notices WHERE last_error NOT IN ('', 'purged')`)
	if err != nil {
		return err
	}
	type fill struct {
		id    int64
		reply notify.ServerReply
	}
	var todo []fill
	for rows.Next() {
		var f fill
		if err := rows.Scan(&f.id, &f.reply.Text); err != nil {
			rows.Close()
			return err
		}
		f.reply = legacyReply(f.reply.Text)
		todo = append(todo, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range todo {
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET reply_stage = ?, reply_code = ?, reply_status = ? WHERE id = ?`,
			f.reply.Stage, f.reply.Code, f.reply.Status, f.id); err != nil {
			return err
		}
	}
	return reopenAddresses(ctx, tx)
}

// reopenAddresses opens again the addresses closed before migration 0023
// by a refusal that, read as notify.ServerReply reads it, says nothing
// about the address (a full mailbox, a spam filter, a policy, any 5xx
// bounce): their people get the next notices; the notice refused stays
// failed.
func reopenAddresses(ctx context.Context, tx *Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, undeliverable FROM addresses WHERE undeliverable NOT IN ('', 'purged')`)
	if err != nil {
		return err
	}
	var open []int64
	for rows.Next() {
		var id int64
		var why string
		if err := rows.Scan(&id, &why); err != nil {
			rows.Close()
			return err
		}
		if !legacyReply(why).AddressDead() {
			open = append(open, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(open) == 0 {
		return err
	}
	for _, id := range open {
		if _, err := tx.ExecContext(ctx, `UPDATE addresses SET undeliverable = '' WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return audit(ctx, tx, notify.AuditEntry{Kind: "reopen", Detail: fmt.Sprintf(
		"%d addresses closed by a refusal that says nothing about the address (a full mailbox, a filter, a policy) take notices again", len(open))})
}

var (
	legacyBounce = regexp.MustCompile(`^bounced: ([245]\.\d{1,3}\.\d{1,3})`)
	legacyCode   = regexp.MustCompile(`\b[245]\d\d[ -]`)
)

// legacyStages are the words go-mail began its failures with, by stage.
var legacyStages = []struct {
	prefix string
	stage  notify.Stage
}{
	{"sending SMTP MAIL FROM command", notify.StageSender},
	{"sending SMTP RCPT TO command", notify.StageRcpt},
	{"sending SMTP DATA command", notify.StageData},
	{"closing SMTP DATA writer", notify.StageData},
	{"sending message content", notify.StageData},
	{"checking SMTP connection", notify.StageConnect},
}

// legacyReply reads a reply kept as text before migration 0023.
func legacyReply(text string) notify.ServerReply {
	r := notify.ServerReply{Text: text}
	if m := legacyBounce.FindStringSubmatch(text); m != nil {
		r.Stage, r.Status = notify.StageBounce, m[1]
		return r
	}
	r.Stage = notify.StageConnect
	for _, l := range legacyStages {
		if strings.HasPrefix(text, l.prefix) {
			r.Stage = l.stage
		}
	}
	if i := legacyCode.FindStringIndex(text); i != nil {
		// The reply as the server wrote it, read as any reply is (Go's
		// textproto quoted its words).
		read := notify.ReadReply(r.Stage, strings.ReplaceAll(text[i[0]:], `"`, ""))
		r.Code, r.Status = read.Code, read.Status
		if r.Stage == notify.StageConnect {
			r.Stage = notify.StageData
		}
	}
	return r
}
