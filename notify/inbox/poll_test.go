package inbox_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/inbox"
	"github.com/owabi/owabi/notify/inbox/imaptest"
	"github.com/owabi/owabi/store"
)

// sentNotices is a database of n contacts (p1@x.example ...), each sent a
// deletion request whose Message-ID is owabi.N@sakura-print.example.jp.
func sentNotices(tb testing.TB, n int) *store.DB {
	tb.Helper()
	emails := make([]string, n)
	for i := range emails {
		emails[i] = fmt.Sprintf("p%d@x.example", i+1)
	}
	return noticesTo(tb, emails)
}

func poller(srv *imaptest.Server, db *store.DB) *inbox.Poller {
	return &inbox.Poller{
		IMAP:  inbox.IMAP{Host: srv.Host, Port: srv.Port, TLS: "none", Username: srv.Username, Password: srv.Password, Mailbox: "INBOX", Timeout: 5 * time.Second},
		Store: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// refOf is the reference code of the first notice to email.
func refOf(tb testing.TB, db *store.DB, email string) string {
	tb.Helper()
	n, err := db.Notices(context.Background(), email)
	if err != nil || len(n) == 0 {
		tb.Fatalf("notices of %s: %v, %v", email, n, err)
	}
	return n[0].Ref()
}

// from changes a mail's sender.
func from(addr string, mail []byte) []byte {
	return []byte(strings.Replace(string(mail), "From: someone@x.example", "From: "+addr, 1))
}

func mailTo(messageID, inReplyTo, subject, body string, extra ...string) []byte {
	h := "From: someone@x.example\r\nTo: soudan@sakura-print.example.jp\r\nMessage-ID: <" + messageID + ">\r\nSubject: " + subject + "\r\n"
	if inReplyTo != "" {
		h += "In-Reply-To: <" + inReplyTo + ">\r\n"
	}
	return []byte(h + strings.Join(extra, "") + "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + body)
}

func TestPollingTheReplyMailbox(t *testing.T) {
	ctx := context.Background()
	db := sentNotices(t, 3)
	srv := imaptest.New(t)
	srv.Deliver(t, mailTo("r1@x", "owabi.1@sakura-print.example.jp", "Re: お知らせ", "削除しました。\r\n> 引用"))
	// By the code alone: the notice's random code counts; a number anyone
	// could make up is no notice's.
	srv.Deliver(t, from("P2@x.example", mailTo("r2@x", "", "Re: 不審なメールの削除のお願い（"+refOf(t, db, "p2@x.example")+"）", "確認しました")))
	srv.Deliver(t, mailTo("r2b@x", "", "Re: D-000003", "わたしも確認しました"))
	srv.Deliver(t, mailTo("r3@x", "owabi.3@sakura-print.example.jp", "自動応答: 不在", "不在です", "Auto-Submitted: auto-replied\r\n"))
	srv.Deliver(t, []byte(strings.NewReplacer("nobody@yamada.example", "p3@x.example", "owabi.ghi@sakura-print.example.jp", "owabi.3@sakura-print.example.jp").Replace(bounce)))
	srv.Deliver(t, mailTo("spam@x", "", "セール", "お得です"))
	counts, err := poller(srv, db).Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[notify.InboundOutcome]int{notify.AckedByReply: 2, notify.AutoReply: 1, notify.Bounced: 1, notify.NotOurs: 2}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("first poll: %v, want %v", counts, want)
	}
	acks := func(email string) []notify.Ack {
		c, _, err := db.ContactByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		list, _ := db.Acks(ctx, c.ID)
		return list
	}
	if a := acks("p1@x.example"); len(a) != 1 || a[0].Channel != notify.AckReply || a[0].Auto || a[0].Excerpt != "削除しました。" {
		t.Errorf("p1's acknowledgements: %+v", a)
	}
	if a := acks("p2@x.example"); len(a) != 1 || a[0].NoticeID != 2 {
		t.Errorf("p2's (by the reference code): %+v", a)
	}
	if a := acks("p3@x.example"); len(a) != 1 || !a[0].Auto {
		t.Errorf("p3's (an out-of-office reply): %+v", a)
	}
	if n, _ := db.Notices(ctx, "p3@x.example"); len(n) != 1 || n[0].State != notify.Failed || !strings.Contains(n[0].Reply.Status, "5.1.1") {
		t.Errorf("p3's bounced notice: %+v", n)
	}
	// Nothing new, nothing read; the same mail delivered twice counts once.
	if counts, err := poller(srv, db).Poll(ctx); err != nil || len(counts) != 0 {
		t.Errorf("second poll: %v, %v", counts, err)
	}
	srv.Deliver(t, mailTo("r1@x", "owabi.1@sakura-print.example.jp", "Re: お知らせ", "削除しました。"))
	if counts, _ := poller(srv, db).Poll(ctx); counts[notify.AckedByReply] != 1 || len(acks("p1@x.example")) != 1 {
		t.Errorf("the same reply again: %v, %d acknowledgements", counts, len(acks("p1@x.example")))
	}
}

func TestAWrongPasswordSaysSo(t *testing.T) {
	srv := imaptest.New(t)
	p := poller(srv, sentNotices(t, 1))
	p.Password = "wrong"
	if _, err := p.Poll(context.Background()); err == nil || !strings.Contains(err.Error(), "sign in as desk") {
		t.Errorf("a wrong password: %v", err)
	}
}

// A mailbox that takes only OAuth 2.0 (Microsoft 365's, Google
// Workspace's) is read with a token, fetched anew for each poll; a
// password is refused, and so is a token the server does not take.
func TestAMailboxThatTakesOnlyOAuthIsReadWithAToken(t *testing.T) {
	ctx := context.Background()
	db := sentNotices(t, 1)
	srv := imaptest.NewXOAUTH2(t, func(user, token string) error {
		if user != "desk" || token != "token-2" {
			return errors.New("invalid token")
		}
		return nil
	})
	srv.Deliver(t, mailTo("r1@x", "owabi.1@sakura-print.example.jp", "Re: お知らせ", "削除しました。"))
	if _, err := poller(srv, db).Poll(ctx); err == nil || !strings.Contains(err.Error(), "sign in as desk") {
		t.Errorf("a password against a mailbox that takes only OAuth: %v", err)
	}
	fetched := 0
	p := poller(srv, db)
	p.Password = ""
	p.Token = func() (string, error) { fetched++; return fmt.Sprint("token-", fetched), nil }
	if _, err := p.Poll(ctx); err == nil || !strings.Contains(err.Error(), "with OAuth 2.0") {
		t.Errorf("a token the server does not take: %v", err)
	}
	counts, err := p.Poll(ctx)
	if err != nil || counts[notify.AckedByReply] != 1 {
		t.Fatalf("with a good token: %v, %v", counts, err)
	}
	p.Token = func() (string, error) { return "", errors.New("AADSTS7000215: Invalid client secret provided") }
	if _, err := p.Poll(ctx); err == nil || !strings.Contains(err.Error(), "no OAuth 2.0 token") {
		t.Errorf("with no token to be had: %v", err)
	}
}

// bounce is a delivery status notification as Postfix writes it.
const bounce = "From: MAILER-DAEMON@mx.sakura-print.example.jp\r\nMessage-ID: <dsn1@mx>\r\n" +
	"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
	"--B\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n" +
	"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n" +
	"Final-Recipient: rfc822; nobody@yamada.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" +
	"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <owabi.ghi@sakura-print.example.jp>\r\n\r\n--B--\r\n"

// Found in review: a reply in a charset go-message does not know by that
// name was skipped for good, and the reason, quoting the mail, was logged.
func TestAnOddCharsetIsReadAndABrokenMailLeavesNoPersonalDataInTheLog(t *testing.T) {
	ctx := context.Background()
	db := sentNotices(t, 2)
	srv := imaptest.New(t)
	srv.Deliver(t, []byte(strings.Replace(string(mailTo("r1@x", "owabi.1@sakura-print.example.jp", "Re: x", "deleted")), "charset=UTF-8", "charset=x-unknown-jp", 1)))
	srv.Deliver(t, []byte("From: taro@yamada.example\r\nbroken header taro@yamada.example 090-1111-2222\r\n\r\nx"))
	srv.Deliver(t, mailTo("r2@x", "owabi.2@sakura-print.example.jp", "Re: x", "ok"))
	var logs bytes.Buffer
	p := poller(srv, db)
	p.Log = slog.New(slog.NewTextHandler(&logs, nil))
	if _, err := p.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"p1@x.example", "p2@x.example"} {
		c, _, _ := db.ContactByEmail(ctx, email)
		if acks, _ := db.Acks(ctx, c.ID); len(acks) != 1 {
			t.Errorf("%s: %d acknowledgements, want 1", email, len(acks))
		}
	}
	if strings.Contains(logs.String(), "taro@") || strings.Contains(logs.String(), "090-") {
		t.Errorf("the log quotes the mail:\n%s", logs.String())
	}
}

// A mailbox whose server's certificate comes from the organisation's own
// certificate authority is read when that authority is given, and refused
// otherwise.
func TestAMailboxBehindAPrivateCertificateAuthority(t *testing.T) {
	ctx := context.Background()
	db := sentNotices(t, 1)
	srv := imaptest.NewTLS(t)
	srv.Deliver(t, mailTo("r1@x", "owabi.1@sakura-print.example.jp", "Re: お知らせ", "削除しました。"))
	p := poller(srv, db)
	p.TLS = "implicit"
	if _, err := p.Poll(ctx); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("without the private authority: %v; want the certificate refused", err)
	}
	p.RootCAs = x509.NewCertPool()
	if !p.RootCAs.AppendCertsFromPEM(srv.CA) {
		t.Fatal("the test server's CA does not parse")
	}
	if counts, err := p.Poll(ctx); err != nil || counts[notify.AckedByReply] != 1 {
		t.Errorf("with the private authority: %v, %v; want the reply read", counts, err)
	}
}

// A mailbox of big mails (a reply with a large attachment, its reference
// code in a text part after it) is read without fetching the attachments:
// what a poll holds stays bounded, and the code is still found.
func TestBigMailsAreReadWithoutTheirAttachments(t *testing.T) {
	ctx := context.Background()
	const n, attachment = 5, 8 << 20
	db := sentNotices(t, n)
	srv := imaptest.New(t)
	filler := strings.Repeat(strings.Repeat("A", 76)+"\r\n", attachment/76)
	for i := 1; i <= n; i++ {
		srv.Deliver(t, []byte(fmt.Sprintf("From: p%d@x.example\r\nTo: soudan@sakura-print.example.jp\r\nSubject: 写真を送ります\r\n"+
			"Message-ID: <big%d@x.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"+
			"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n%s"+
			"--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n削除しました。%s\r\n--b--\r\n", i, i, filler, refOf(t, db, fmt.Sprintf("p%d@x.example", i)))))
	}
	counts, err := poller(srv, db).Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d mails of %d MB: the server sent %d KB", n, attachment>>20, srv.Sent.Load()>>10)
	if counts[notify.AckedByReply] != n {
		t.Errorf("poll: %v; want all %d acknowledged by the code after the attachment", counts, n)
	}
	if sent := srv.Sent.Load(); sent > 1<<20 {
		t.Errorf("the poll fetched %d KB from the server: the attachments came too", sent>>10)
	}
}
