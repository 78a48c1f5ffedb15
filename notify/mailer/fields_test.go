package mailer_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/notify/mailer/smtptest"
)

// dialLoopback connects to the loopback server srv, until the test ends.
func dialLoopback(t *testing.T, srv *smtptest.Server) *mailer.Session {
	t.Helper()
	client, err := mailer.Dial(context.Background(), mailer.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

// sendOne composes the notice for d and sends it to a loopback server, and
// returns what arrived, raw and decoded.
func sendOne(t *testing.T, c *mailer.Composer, d notify.Delivery) (smtptest.Message, smtptest.Decoded) {
	t.Helper()
	srv := smtptest.New(t)
	client := dialLoopback(t, srv)
	m, err := c.Compose(d, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("the server received %d messages, want 1", len(got))
	}
	dec, err := got[0].Decode()
	if err != nil {
		t.Fatal(err)
	}
	return got[0], dec
}

// headerLines are the physical lines of a message's header, each without
// its CRLF.
func headerLines(raw []byte) []string {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	return strings.Split(string(head), "\r\n")
}

// unfolded joins each header's continuation lines to it, as a reader
// that unfolds sees them.
func unfolded(lines []string) []string {
	var out []string
	for _, l := range lines {
		if len(out) > 0 && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) {
			out[len(out)-1] += l
			continue
		}
		out = append(out, l)
	}
	return out
}

// longest is the longest line's length in octets, and the line.
func longest(lines []string) (int, string) {
	n, which := 0, ""
	for _, l := range lines {
		if len(l) > n {
			n, which = len(l), l
		}
	}
	return n, which
}

// The attacker had the account and could edit its contacts: a company
// field that reads as a request to reset a password, with a link, and a
// name made huge. The notice must carry neither the link nor a header
// longer than a header may be, and still greet the person politely.
func TestAnAttackersFieldsStayOutOfTheNotice(t *testing.T) {
	const company = "【重要】パスワード再設定のお願い https://evil.example/reset"
	for _, tt := range []struct {
		name     string
		lang     string
		cat      notify.Category
		contact  notify.Record
		owner    notify.Staff
		greeting string // the notice's first line
		absent   []string
	}{
		{
			name: "link in the company, 4,000-character name", lang: "ja", cat: notify.Customer,
			contact:  notify.Record{Family: strings.Repeat("山", 3996), Given: "太郎", Company: company},
			greeting: "ご担当者 様", absent: []string{"evil.example", "パスワード再設定", "山山山"},
		},
		{
			name: "link in the company only", lang: "ja", cat: notify.Customer,
			contact:  notify.Record{Family: "山田", Given: "太郎", Company: company},
			greeting: "山田 太郎 様", absent: []string{"evil.example", "パスワード再設定"},
		},
		{
			name: "full-width link in the name, English", lang: "en", cat: notify.Supplier,
			contact:  notify.Record{Family: "Yamada", Given: "ｈｔｔｐｓ：／／ｅｖｉｌ．ｅｘａｍｐｌｅ／ｒｅｓｅｔ", Company: "Yamada Trading"},
			greeting: "Dear Sir or Madam,", absent: []string{"ｅｖｉｌ", "evil.example"},
		},
		{
			name: "another address in the name, the owner's name a bare link", lang: "ja", cat: notify.Customer,
			contact:  notify.Record{Family: "連絡は", Given: "reset@evil.example まで"},
			owner:    notify.Staff{Name: "藤井 evil.example/reset", Email: "n-fujii@sakura-print.example.jp", Phone: "080-0000-5678"},
			greeting: "ご担当者 様", absent: []string{"evil.example", "reset@"},
		},
		{
			name: "a link in an employee's name", lang: "ja", cat: notify.Employee,
			contact:  notify.Record{Family: "山田", Given: "www.evil.example"},
			greeting: "社員の皆さん", absent: []string{"evil.example"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := delivery(tt.cat, tt.lang)
			d.Contact.Record = tt.contact
			if tt.owner.Email != "" {
				d.Owner = tt.owner
			}
			raw, got := sendOne(t, newComposer(t), d)
			lines := headerLines(raw.Data)
			n, line := longest(lines)
			for _, s := range tt.absent {
				if strings.Contains(got.Text, s) || strings.Contains(got.HTML, s) {
					t.Errorf("%q reached the notice (text %v, HTML %v)", s, strings.Contains(got.Text, s), strings.Contains(got.HTML, s))
				}
				for _, l := range lines {
					if strings.Contains(got.To, s) || strings.Contains(l, s) {
						t.Errorf("%q reached a header: To %q", s, got.To)
						break
					}
				}
			}
			field, _ := longest(unfolded(lines))
			t.Logf("%s in text: %v, in HTML: %v; longest header line: %d octets, longest header unfolded: %d octets; To: %d characters",
				tt.absent[0], strings.Contains(got.Text, tt.absent[0]), strings.Contains(got.HTML, tt.absent[0]), n, field, utf8.RuneCountInString(got.To))
			if field > 998 {
				t.Errorf("a header is %d octets unfolded, want at most 998", field)
			}
			if n > 78 {
				t.Errorf("a header line is %d octets, want at most 78: %.120q…", n, line)
			}
			if first, _, _ := strings.Cut(got.Text, "\n"); first != tt.greeting {
				t.Errorf("the notice begins %.80q, want %q", first, tt.greeting)
			}
			if !strings.HasSuffix(got.To, "<"+d.Email+">") && got.To != d.Email {
				t.Errorf("To: %.120q, want it to end in %s", got.To, d.Email)
			}
		})
	}
}

// Every header field starts its value on its own line: a field folded
// right after its name (as go-mail wrote From and Subject) is scored by
// rspamd as HEADER_FROM_EMPTY_DELIMITER, and read by some filters as
// empty. Every line stays within 78 octets, and one with an encoded word
// within 76.
func TestNoHeaderLeavesItsNameAlone(t *testing.T) {
	for _, n := range everyNotice(t, newComposer(t)) {
		head, _, _ := strings.Cut(string(n.raw), "\r\n\r\n")
		for _, line := range strings.Split(head, "\r\n") {
			if name, value, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, " ") && strings.TrimSpace(value) == "" {
				t.Errorf("%s: the %s field has no value on its line:\n%s", n.name, name, head)
			}
			if len(line) > 78 || (strings.Contains(line, "=?") && len(line) > 76) { // RFC 5322; RFC 2047 for encoded words
				t.Errorf("%s: a header line of %d octets: %q", n.name, len(line), line)
			}
		}
	}
}
