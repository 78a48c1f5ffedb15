package mailer_test

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math/big"
	"mime"
	netmail "net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"
	"github.com/smallstep/pkcs7"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/notify/mailer/smtptest"
	"github.com/owabi/owabi/notify/wording"
	"github.com/owabi/owabi/store"
	"github.com/owabi/owabi/templates"
)

var tokyo, _ = time.LoadLocation("Asia/Tokyo")

var (
	org = notify.Organisation{
		Name: "さくら印刷株式会社", NameEn: "Sakura Printing Co., Ltd.", Domains: []string{"sakura-print.example.jp"},
		FromAddress: "info@sakura-print.example.jp", FromName: "さくら印刷株式会社 お客様相談窓口",
		Desk:      notify.Staff{Name: "お客様相談窓口", Phone: "03-0000-1234", Email: "soudan@sakura-print.example.jp"},
		DeskHours: "平日 9:00〜18:00",
	}
	incident = notify.Incident{
		OccurredAt:   time.Date(2026, 11, 20, 13, 30, 0, 0, tokyo),
		DiscoveredAt: time.Date(2026, 11, 20, 16, 0, 0, 0, tokyo),
		SpamFrom:     "n-fujii.sakura@freemail.example.jp",
		SpamSubject:  "【請求書】ご確認ください",
		SpamSentAt:   time.Date(2026, 11, 20, 14, 5, 0, 0, tokyo),
		SpamURL:      "https://evil.example.net/invoice.zip",
		IncidentText: notify.IncidentText{
			Summary:     "営業部社員のウェブメールのアカウントが第三者に不正に利用されました。",
			LeakedItems: "氏名、会社名、メールアドレス、電話番号",
			Measures:    "パスワードを変更し、不正なログインを遮断しました。",
			Prevention:  "二要素認証を全社で導入します。",
		},
	}
)

func newComposer(t testing.TB) *mailer.Composer {
	t.Helper()
	c, err := mailer.NewComposer(org, incident, tokyo, templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func delivery(cat notify.Category, lang string) notify.Delivery {
	return notify.Delivery{
		Notice:  notify.Notice{ID: 42, RefCode: "D-K7QM-3XHF", Kind: notify.Deletion, Lang: lang, MessageID: "n42@sakura-print.example.jp", Email: "taro@yamada.example"},
		Contact: notify.Contact{Record: notify.Record{Family: "山田", Given: "太郎", Company: "株式会社やまだ"}, Category: cat},
		Owner:   notify.Staff{Name: "藤井 直樹", Email: "n-fujii@sakura-print.example.jp", Phone: "080-0000-5678"},
	}
}

func TestRenderDeletionJapanese(t *testing.T) {
	r, err := newComposer(t).Render(delivery(notify.Customer, "ja"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"株式会社やまだ 山田 太郎 様",
		"2026年11月20日（金）14時05分",
		"n-fujii.sakura@freemail.example.jp",
		"【請求書】ご確認ください",
		"hxxps://evil[.]example[.]net/invoice[.]zip",
		"藤井 直樹", "080-0000-5678", "03-0000-1234",
		"D-K7QM-3XHF",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, "https://evil") || strings.Contains(r.HTML, "evil.example") {
		t.Errorf("the spam's link appears clickable")
	}
	if strings.Contains(r.HTML, "<a ") {
		t.Errorf("the HTML part has a link")
	}
	if !strings.Contains(r.Subject, "削除") {
		t.Errorf("subject %q does not ask for deletion", r.Subject)
	}
}

func TestRenderEmployeeAndEnglish(t *testing.T) {
	c := newComposer(t)
	r, err := c.Render(delivery(notify.Employee, "ja"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Text, "山田 太郎 さん\n") || strings.Contains(r.Text, "山田 太郎 様") {
		t.Errorf("employee notice is not in the internal tone:\n%s", r.Text)
	}
	r, err = c.Render(delivery(notify.Supplier, "en"))
	if err != nil {
		t.Fatal(err)
	}
	// A name in Japanese keeps its order; one in Latin letters is given
	// name first. Nothing urgent, which reads like phishing (and costs
	// SpamAssassin's URG_BIZ).
	if !strings.HasPrefix(r.Text, "Dear 山田 太郎,") || !strings.Contains(r.Text, "Sakura Printing Co., Ltd.") || strings.Contains(strings.ToLower(r.Text), "urgent") ||
		strings.Contains(r.Text, "Ltd..") {
		t.Errorf("English notice:\n%s", r.Text)
	}
	apology := delivery(notify.Supplier, "en")
	apology.Kind = notify.Apology
	if r, err := c.Render(apology); err != nil || !strings.Contains(r.Text, "We are writing from Sakura Printing Co., Ltd.\n") {
		t.Errorf("the English apology names the organisation as it ends a sentence: %v\n%s", err, r.Text)
	}
	latin := delivery(notify.Supplier, "en")
	latin.Contact.Family, latin.Contact.Given = "Smith", "Anna"
	if r, err := c.Render(latin); err != nil || !strings.HasPrefix(r.Text, "Dear Anna Smith,") {
		t.Errorf("English notice to a name in Latin letters: %v\n%s", err, r.Text)
	}
}

// Every bundled notice that says its only link is the confirmation page
// prints that link, in each language, kind and tone.
func TestEveryNoticeThatNamesItsLinkPrintsIt(t *testing.T) {
	c := newComposer(t)
	const link = "https://owabi.sakura-print.example.jp/ack/t0ken"
	for _, lang := range mailer.Languages {
		for _, kind := range notify.NoticeKinds {
			for _, cat := range []notify.Category{notify.Customer, notify.Employee} {
				d := delivery(cat, lang)
				d.Kind, d.AckLink = kind, link
				r, err := c.Render(d)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(r.Text, "owabi.sakura-print.example.jp") && !strings.Contains(r.Text, link) {
					t.Errorf("%s %s to a %s: the notice names its link but does not print it:\n%s", lang, kind, cat, r.Text)
				}
			}
		}
	}
}

// Every notice tells the cause and the risk of secondary damage, or, while
// the record has none yet, that they are being looked into.
func TestNoticesTellTheCauseAndTheRisk(t *testing.T) {
	known := incident
	known.Cause, known.SecondaryDamage = "パスワードの使い回しです。", "ウイルス感染のおそれがあります。"
	for _, tc := range []struct {
		inc  notify.Incident
		lang string
		want []string
	}{
		{known, "ja", []string{"■ 原因\n　パスワードの使い回しです。", "■ 二次被害の有無とおそれ\n　ウイルス感染のおそれがあります。"}},
		{incident, "ja", []string{"■ 原因\n　", "調査中", "■ 二次被害の有無とおそれ\n　", "確認中"}},
		{incident, "en", []string{"■ Cause\n  We are still investigating", "■ Secondary damage and its risk\n  We are still looking into this"}},
	} {
		c, err := mailer.NewComposer(org, tc.inc, tokyo, templates.FS)
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range notify.NoticeKinds {
			for _, cat := range []notify.Category{notify.Customer, notify.Employee} {
				d := delivery(cat, tc.lang)
				d.Kind = kind
				r, err := c.Render(d)
				if err != nil {
					t.Fatal(err)
				}
				for _, want := range tc.want {
					if !strings.Contains(r.Text, want) {
						t.Errorf("the %s %s notice to a %s lacks %q:\n%s", tc.lang, kind, cat, want, r.Text)
					}
				}
			}
		}
	}
}

func TestNoHeaderInjection(t *testing.T) {
	d := delivery(notify.Customer, "ja")
	d.Contact.Given = "太郎\r\nBcc: victim@evil.example"
	m, err := newComposer(t).Compose(d, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(b.String()), "\nbcc:") {
		t.Errorf("a name with CR/LF added a header:\n%s", b.String())
	}
}

func TestDefang(t *testing.T) {
	for in, want := range map[string]string{
		"https://evil.example.net/a.zip":                          "hxxps://evil[.]example[.]net/a[.]zip",
		"https://invoice-download.example.net/mitsumori.zip?id=3": "hxxps://invoice-download[.]example[.]net/mitsumori[.]zip?id=3",
		"http://x.example":                                        "hxxp://x[.]example",
		"HTTPS://X.example/a":                                     "hxxpS://X[.]example/a",
		"evil.example":                                            "evil[.]example",
	} {
		if got := mailer.Defang(in); got != want {
			t.Errorf("Defang(%q) = %q, want %q", in, got, want)
		}
	}
}

// outboxFixture is a database with n contacts, each with one address, and a
// deletion notice queued for each.
func outboxFixture(t testing.TB, n int) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	i := 0
	next := func() (notify.Record, *notify.EntryNote, error) {
		if i == n {
			return notify.Record{}, nil, io.EOF
		}
		i++
		return notify.Record{Number: i, Family: "山田", Given: fmt.Sprintf("%d郎", i), Company: "株式会社やまだ",
			Emails: []string{fmt.Sprintf("user%d@yamada.example", i)}}, nil, nil
	}
	if _, err := db.Import(context.Background(), notify.ImportReport{File: "gen", Format: "test"}, next, nil); err != nil {
		t.Fatal(err)
	}
	id := 0
	if _, err := db.Queue(context.Background(), notify.Deletion, "ja", func() string {
		id++
		return fmt.Sprintf("owabi.%d@sakura-print.example.jp", id)
	}); err != nil {
		t.Fatal(err)
	}
	return db
}

// useClock gives db a clock the test moves on: each call of the returned
// function makes every retry due. It starts just after the fixture queued
// its notices, at the real time.
func useClock(db *store.DB) (later func()) {
	now := time.Now().Add(time.Second)
	var mu sync.Mutex
	db.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	return func() {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(2 * time.Hour)
	}
}

func newWorker(t testing.TB, db *store.DB, srv *smtptest.Server, conns int) *mailer.Worker {
	return &mailer.Worker{
		Outbox:   db,
		Composer: newComposer(t),
		Dial: func(ctx context.Context) (*mailer.Session, error) {
			return mailer.Dial(ctx, mailer.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 5 * time.Second})
		},
		Connections: conns, MaxAttempts: 3, RetryBase: time.Minute, RetryMax: time.Hour, Poll: time.Second,
		Now: db.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func TestWorkerSendsEachNoticeOnce(t *testing.T) {
	db := outboxFixture(t, 30)
	srv := smtptest.New(t)
	if err := newWorker(t, db, srv, 3).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, m := range srv.Messages() {
		d, err := m.Decode()
		if err != nil {
			t.Fatal(err)
		}
		got[m.To[0]]++
		if !strings.Contains(d.Subject, "不審なメールの削除") || !strings.Contains(d.Text, "株式会社やまだ 山田") || !strings.Contains(d.HTML, "株式会社やまだ 山田") {
			t.Errorf("message to %s decoded badly: subject %q\n%s", m.To[0], d.Subject, d.Text)
		}
		if d.Header.Get("Message-Id") == "" || !strings.Contains(d.From, "さくら印刷株式会社") {
			t.Errorf("headers: %v", d.Header)
		}
	}
	if len(got) != 30 {
		t.Errorf("%d addresses received a notice, want 30", len(got))
	}
	for addr, n := range got {
		if n != 1 {
			t.Errorf("%s received %d notices", addr, n)
		}
	}
	st, _ := db.Status(context.Background())
	if st.Notices[notify.Sent] != 30 {
		t.Errorf("sent = %d, want 30", st.Notices[notify.Sent])
	}
}

func TestWorkerRetriesTemporaryAndStopsOnPermanent(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 3)
	later := useClock(db)
	srv := smtptest.New(t)
	srv.OnData = func(n int, m smtptest.Message) error {
		switch {
		case m.To[0] == "user1@yamada.example" && n == 1:
			return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "<user1@yamada.example>: mailbox busy, try later"}
		case m.To[0] == "user2@yamada.example":
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	}
	w := newWorker(t, db, srv, 1)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := srv.Count(); got != 1 {
		t.Fatalf("after the first run the server holds %d messages, want 1", got)
	}
	first, _ := db.Notices(ctx, "user1@yamada.example")
	if first[0].State != notify.Queued || !strings.Contains(first[0].Reply.Codes(), "450") {
		t.Fatalf("after a 450: %+v", first[0])
	}
	failed, _ := db.Notices(ctx, "user2@yamada.example")
	if failed[0].State != notify.Failed || !strings.Contains(failed[0].Reply.Codes(), "550") {
		t.Fatalf("after a 550: %+v", failed[0])
	}
	later()
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	again, _ := db.Notices(ctx, "user1@yamada.example")
	if again[0].State != notify.Sent || again[0].Attempts != 2 {
		t.Fatalf("after the retry: %+v", again[0])
	}
	var ids []string
	for _, m := range srv.Messages() {
		d, _ := m.Decode()
		if m.To[0] == "user1@yamada.example" {
			ids = append(ids, d.Header.Get("Message-Id"))
		}
	}
	if len(ids) != 1 || ids[0] != "<"+again[0].MessageID+">" {
		t.Errorf("Message-IDs received for user1: %v, want the stored %s", ids, again[0].MessageID)
	}
	if failedAgain, _ := db.Notices(ctx, "user2@yamada.example"); failedAgain[0].Attempts != 1 {
		t.Errorf("a 550 was retried: %+v", failedAgain[0])
	}
}

// What the server said is kept as it said it, stage, codes and words, for
// staff to read; only a refusal of the address itself closes the
// address, and every final failure is in the audit trail.
func TestWorkerKeepsWhatTheServerSaid(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 5)
	srv := smtptest.New(t)
	srv.OnRcpt = func(to string) error {
		switch to {
		case "user1@yamada.example":
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<user1@yamada.example>: Recipient address rejected: User unknown"}
		case "user4@yamada.example":
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, please try again later"}
		}
		return nil
	}
	srv.OnData = func(_ int, m smtptest.Message) error {
		switch m.To[0] {
		case "user2@yamada.example":
			return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 2}, Message: "Mailbox full"}
		case "user3@yamada.example":
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Message rejected as spam"}
		}
		return nil
	}
	if err := newWorker(t, db, srv, 1).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		to      string
		state   notify.NoticeState
		reply   notify.ServerReply
		problem notify.Problem
	}{
		{"user1@yamada.example", notify.Failed, notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.1",
			Text: "<user1@yamada.example>: Recipient address rejected: User unknown"}, notify.NoSuchAddress},
		{"user2@yamada.example", notify.Failed, notify.ServerReply{Stage: notify.StageData, Code: 552, Status: "5.2.2", Text: "Mailbox full"}, notify.MailboxFull},
		{"user3@yamada.example", notify.Failed, notify.ServerReply{Stage: notify.StageData, Code: 554, Status: "5.7.1", Text: "Message rejected as spam"}, notify.RefusedAsSpam},
		{"user4@yamada.example", notify.Queued, notify.ServerReply{Stage: notify.StageRcpt, Code: 451, Status: "4.7.1", Text: "Greylisted, please try again later"}, notify.TryLater},
		{"user5@yamada.example", notify.Sent, notify.ServerReply{}, notify.ConnectionLost},
	} {
		ns, err := db.Notices(ctx, c.to)
		if err != nil || len(ns) != 1 {
			t.Fatalf("%s: %v, %v", c.to, ns, err)
		}
		if n := ns[0]; n.State != c.state || n.Reply != c.reply || n.Attempts != 1 {
			t.Errorf("%s: %s after %d attempts, reply %#v; want %s after 1, %#v", c.to, n.State, n.Attempts, n.Reply, c.state, c.reply)
		}
		if c.state != notify.Sent && ns[0].Reply.Problem() != c.problem {
			t.Errorf("%s: %s, want %s", c.to, ns[0].Reply.Problem(), c.problem)
		}
	}
	// Only the address that does not exist takes no more notices.
	if n, err := db.Queue(ctx, notify.Apology, "ja", func() string { return fmt.Sprint(time.Now().UnixNano()) }); err != nil || n != 4 {
		t.Errorf("apologies queued: %d, %v; want 4 (all but the unknown user)", n, err)
	}
	trail, err := db.AuditTrail(ctx, notify.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var failures []string
	for _, e := range trail {
		if e.Kind == "failed" || e.Kind == "undeliverable" {
			failures = append(failures, e.Kind+": "+wording.Audit("en", time.UTC, e))
		}
	}
	slices.Sort(failures)
	want := []string{
		"failed: notice 2 not delivered after 1 attempt: The recipient's mailbox is full (552 5.2.2)",
		"failed: notice 3 not delivered after 1 attempt: Refused as spam (554 5.7.1)",
		"undeliverable: notice 1 not delivered after 1 attempt: The address does not exist (550 5.1.1)",
	}
	if !slices.Equal(failures, want) {
		t.Errorf("audit trail:\n%s\nwant\n%s", strings.Join(failures, "\n"), strings.Join(want, "\n"))
	}
}

// A server that gives no status codes, as qmail and old relays do: a
// refusal closes the address only when its words say the address is
// unknown, a multi-line reply keeps its words once, and the status in
// qmail's "(#5.x.x)" is read.
func TestRepliesWithoutStatusCodes(t *testing.T) {
	for _, pipelining := range []bool{true, false} {
		t.Run(fmt.Sprintf("pipelining=%v", pipelining), func(t *testing.T) { repliesWithoutStatusCodes(t, pipelining) })
	}
}

func repliesWithoutStatusCodes(t *testing.T, pipelining bool) {
	ctx := context.Background()
	db := outboxFixture(t, 4)
	srv := newPlainServer(t, pipelining, map[string]string{
		"user1@yamada.example": "550 Requested action not taken: mailbox unavailable",
		"user2@yamada.example": "550 sorry, no mailbox here by that name (#5.1.1)",
	}, map[string]string{
		"user3@yamada.example": "554-5.7.1 Your message looks like spam\n554 5.7.1 see https://postmaster.example",
	})
	w := newWorker(t, db, nil, 1)
	w.Dial = func(ctx context.Context) (*mailer.Session, error) {
		return mailer.Dial(ctx, mailer.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 5 * time.Second})
	}
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		to    string
		state notify.NoticeState
		reply notify.ServerReply
		dead  bool
	}{
		{"user1@yamada.example", notify.Failed, notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Text: "Requested action not taken: mailbox unavailable"}, false},
		{"user2@yamada.example", notify.Failed, notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.1", Text: "sorry, no mailbox here by that name (#5.1.1)"}, true},
		{"user3@yamada.example", notify.Failed, notify.ServerReply{Stage: notify.StageData, Code: 554, Status: "5.7.1",
			Text: "Your message looks like spam see https://postmaster.example"}, false},
		{"user4@yamada.example", notify.Sent, notify.ServerReply{}, false},
	} {
		ns, _ := db.Notices(ctx, c.to)
		if len(ns) != 1 || ns[0].State != c.state || ns[0].Reply != c.reply || ns[0].Reply.AddressDead() != c.dead {
			t.Errorf("%s: %+v; want %s with %#v (address dead %v)", c.to, ns, c.state, c.reply, c.dead)
		}
	}
	if n, _ := db.Queue(ctx, notify.Apology, "ja", func() string { return fmt.Sprint(time.Now().UnixNano()) }); n != 3 {
		t.Errorf("apologies queued: %d; want 3, all but the address the server named unknown", n)
	}
	if srv.sentAhead.Load() != pipelining {
		t.Errorf("commands written ahead of the answers: %v; want it only when the server announces PIPELINING", srv.sentAhead.Load())
	}
}

// A relay that refuses to relay for us, without a status code as qmail
// does, fails no notice and closes no address: the queue waits, whole.
// owabi status and the dashboard say that sending has stopped, and why,
// until a round goes through.
func TestARelayThatRefusesUsFailsNoNotice(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 3)
	refuse := "553 sorry, <user1@yamada.example> is not in my list of allowed rcpthosts (#5.7.1)"
	srv := newPlainServer(t, true, map[string]string{"user1@yamada.example": refuse, "user2@yamada.example": refuse, "user3@yamada.example": refuse}, nil)
	w := newWorker(t, db, nil, 1)
	w.Dial = func(ctx context.Context) (*mailer.Session, error) {
		return mailer.Dial(ctx, mailer.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 5 * time.Second})
	}
	err := w.Drain(ctx)
	if notify.ErrorCode(err) != mailer.ErrServer || !strings.Contains(err.Error(), "refuses to send for us") || !strings.Contains(err.Error(), "(553 5.7.1)") {
		t.Fatalf("Drain = %v; want a mail-server error that says it refuses to send for us, with the code", err)
	}
	if strings.Contains(err.Error(), "user1@") {
		t.Errorf("the error, which the log writes, names the address: %v", err)
	}
	stop, serr := db.SendingStopped(ctx)
	if serr != nil || stop == nil || stop.WhyText != err.Error() || !strings.Contains(wording.Said("ja", time.UTC, stop.Why), "当社のメールサーバーが送信を受け付けません") {
		t.Errorf("sending stopped: %+v, %v; want it recorded with why", stop, serr)
	}
	for _, e := range []string{"user1@yamada.example", "user2@yamada.example", "user3@yamada.example"} {
		if ns, _ := db.Notices(ctx, e); ns[0].State != notify.Queued || ns[0].Attempts != 0 {
			t.Errorf("%s: %s after %d attempts; want queued, untouched", e, ns[0].State, ns[0].Attempts)
		}
	}
	if n, _ := db.Queue(ctx, notify.Apology, "ja", func() string { return fmt.Sprint(time.Now().UnixNano()) }); n != 3 {
		t.Errorf("apologies queued: %d; want 3: no address was closed", n)
	}
	// The relay fixed, the next round sends them, and sending runs again.
	if err := newWorker(t, db, smtptest.New(t), 1).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if stop, err := db.SendingStopped(ctx); err != nil || stop != nil {
		t.Errorf("after a round went through: stopped %+v, %v", stop, err)
	}
}

func TestWorkerLeavesQueueWhenServerIsDown(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 2)
	srv := smtptest.New(t)
	srv.Close()
	err := newWorker(t, db, srv, 1).Drain(ctx)
	if notify.ErrorCode(err) != mailer.ErrServer {
		t.Fatalf("Drain with the server down = %v; want a mail-server error", err)
	}
	for _, e := range []string{"user1@yamada.example", "user2@yamada.example"} {
		ns, _ := db.Notices(ctx, e)
		if ns[0].State != notify.Queued || ns[0].Attempts != 0 {
			t.Errorf("%s with the server down: %s after %d attempts; want queued, untouched", e, ns[0].State, ns[0].Attempts)
		}
	}
}

func TestWorkerRetriesDroppedConnection(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 3)
	later := useClock(db)
	srv := smtptest.New(t)
	srv.OnData = func(n int, m smtptest.Message) error {
		if n == 2 {
			return smtptest.ErrDropConnection // no reply code at all
		}
		return nil
	}
	w := newWorker(t, db, srv, 1)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// The other two went out on a new connection; the dropped one waits.
	if srv.Count() != 2 {
		t.Fatalf("after a dropped connection the server holds %d, want 2", srv.Count())
	}
	dropped, _ := db.Notices(ctx, "user2@yamada.example")
	if dropped[0].State != notify.Queued || dropped[0].Attempts != 1 {
		t.Fatalf("the dropped notice: %+v; want queued for a retry", dropped[0])
	}
	later()
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, m := range srv.Messages() {
		got[m.To[0]]++
	}
	if len(got) != 3 || got["user2@yamada.example"] != 1 {
		t.Errorf("received: %v; want each of the 3 once", got)
	}
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 1)
	later := useClock(db)
	srv := smtptest.New(t)
	srv.OnData = func(int, smtptest.Message) error {
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "mailbox temporarily unavailable"}
	}
	w := newWorker(t, db, srv, 1) // MaxAttempts: 3
	for range 3 {
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		later()
	}
	n, _ := db.Notices(ctx, "user1@yamada.example")
	if n[0].State != notify.Failed || n[0].Attempts != 3 || !strings.Contains(n[0].Reply.Codes(), "450") {
		t.Errorf("after 3 temporary failures: %+v; want failed with the last reply", n[0])
	}
}

// The pace can only be checked from below: sending n messages at r per
// minute cannot take less than (n-1)/r minutes, however fast the machine.
func TestWorkerKeepsToTheRate(t *testing.T) {
	db := outboxFixture(t, 5)
	srv := smtptest.New(t)
	w := newWorker(t, db, srv, 2)
	w.Pace.PerMinute = 1200 // one every 50 ms
	start := time.Now()
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 4*50*time.Millisecond {
		t.Errorf("5 messages at 1200 a minute took %v; the rate allows no less than 200ms", elapsed)
	}
	if srv.Count() != 5 {
		t.Errorf("sent %d of 5", srv.Count())
	}
}

// A server that hangs up after taking a message (no RSET follows it, so
// the next notice's MAIL FROM finds the connection gone): the message
// taken is sent, and the next goes over a new connection at once, with no
// attempt counted against it.
func TestWorkerSendsOnAfterTheServerHangsUpAfterAMessage(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 7)
	srv := smtptest.New(t)
	srv.OnData = func(n int, _ smtptest.Message) error {
		if n%2 == 1 {
			return smtptest.ErrAcceptThenDrop
		}
		return nil
	}
	if err := newWorker(t, db, srv, 1).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, m := range srv.Messages() {
		got[m.To[0]]++
	}
	for i := 1; i <= 7; i++ {
		addr := fmt.Sprintf("user%d@yamada.example", i)
		n, _ := db.Notices(ctx, addr)
		if got[addr] != 1 || n[0].State != notify.Sent || n[0].Attempts != 1 {
			t.Errorf("%s: received %d times, %s after %d attempts; want sent once, at the first attempt", addr, got[addr], n[0].State, n[0].Attempts)
		}
	}
}

// A server that closes a connection left idle ("421 4.4.2 … timeout
// exceeded" to the next MAIL FROM, as Postfix says after five minutes)
// does not ask us to wait: the notice goes over a new connection at once,
// and sending goes on.
func TestWorkerReconnectsWhenTheServerClosesAnIdleConnection(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 3)
	srv := smtptest.New(t)
	var mails atomic.Int32
	srv.OnMail = func(string) error {
		if mails.Add(1) == 2 {
			return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "mail.example Error: timeout exceeded"}
		}
		return nil
	}
	if err := newWorker(t, db, srv, 1).Drain(ctx); err != nil {
		t.Fatalf("Drain = %v; want the notices sent over a new connection", err)
	}
	for i := 1; i <= 3; i++ {
		n, _ := db.Notices(ctx, fmt.Sprintf("user%d@yamada.example", i))
		if n[0].State != notify.Sent || n[0].Attempts != 1 {
			t.Errorf("user%d: %s after %d attempts; want sent at the first", i, n[0].State, n[0].Attempts)
		}
	}
	if stop, err := db.SendingStopped(ctx); err != nil || stop != nil {
		t.Errorf("sending stopped: %+v, %v; want it running", stop, err)
	}
}

func TestWorkerStopsWhenServerRefusesSender(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 3)
	srv := smtptest.New(t)
	srv.OnMail = func(string) error {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	err := newWorker(t, db, srv, 1).Drain(ctx)
	if notify.ErrorCode(err) != mailer.ErrServer || !strings.Contains(err.Error(), "530") {
		t.Fatalf("Drain = %v; want a mail-server error naming the 530", err)
	}
	st, _ := db.Status(ctx)
	if st.Notices[notify.Queued] != 3 || st.Notices[notify.Failed] != 0 {
		t.Errorf("after the server refused our sender: %v; want all 3 still queued", st.Notices)
	}
}

func TestComposeUnusualAddressesAndNames(t *testing.T) {
	srv := smtptest.New(t)
	c := newComposer(t)
	client := dialLoopback(t, srv)
	for _, tt := range []struct{ email, given string }{
		{"taro..@docomo.ne.jp", "太郎"}, // old Japanese mobile address
		{"trail.@example.jp", "太郎"},
		{"taro@yamada.example", `=HYPERLINK("http://x.example","太郎")`}, // quotes in a name
		{"o'brien@example.jp", "Pat, Jr."},
	} {
		d := delivery(notify.Customer, "ja")
		d.Email, d.Contact.Given = tt.email, tt.given
		m, err := c.Compose(d, time.Now())
		if err != nil {
			t.Errorf("Compose(%s, %q): %v", tt.email, tt.given, err)
			continue
		}
		if err := client.Send(context.Background(), m); err != nil {
			t.Errorf("Send(%s): %v", tt.email, err)
		}
	}
	for _, m := range srv.Messages() {
		d, err := m.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := netmail.ParseAddressList(d.Header.Get("To")); err != nil {
			t.Errorf("To header %q does not parse: %v", d.Header.Get("To"), err)
		}
	}
	if srv.Count() != 4 {
		t.Errorf("the server received %d of 4", srv.Count())
	}
}

// lockedOutbox is the real outbox, locked by "another program" for the
// first few attempts to record a sent notice.
type lockedOutbox struct {
	notify.Outbox
	locked int
}

func (o *lockedOutbox) MarkSent(ctx context.Context, id int64) error {
	if o.locked > 0 {
		o.locked--
		return notify.Errorf(notify.EUNAVAILABLE, "the database is locked by another program")
	}
	return o.Outbox.MarkSent(ctx, id)
}

func TestWorkerKeepsTryingToRecordWhileDatabaseIsLocked(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 1)
	srv := smtptest.New(t)
	w := newWorker(t, db, srv, 1)
	w.Outbox = &lockedOutbox{Outbox: db, locked: 3}
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	n, _ := db.Notices(ctx, "user1@yamada.example")
	if n[0].State != notify.Sent || srv.Count() != 1 {
		t.Errorf("after the lock: %s, server holds %d; want sent once", n[0].State, srv.Count())
	}
}

func TestAResendThreadsWithTheNoticeBefore(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 3)
	var mu sync.Mutex
	now := time.Now()
	db.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := smtptest.New(t)
	if err := newWorker(t, db, srv, 1).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	first := map[string]string{} // address → Message-ID
	for _, m := range srv.Messages() {
		d, _ := m.Decode()
		first[m.To[0]] = d.Header.Get("Message-Id")
	}
	mu.Lock()
	now = now.Add(49 * time.Hour)
	mu.Unlock()
	n := 0
	policy := notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion}, After: 48 * time.Hour, MaxSends: 3}
	if queued, _, err := db.Resend(ctx, policy, db.Now(), db.Now(), func() string { n++; return fmt.Sprintf("resend.%d@sakura-print.example.jp", n) }); err != nil || queued != 3 {
		t.Fatalf("resend: %d queued, %v", queued, err)
	}
	if err := newWorker(t, db, srv, 1).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	resends := srv.Messages()[3:]
	if len(resends) != 3 {
		t.Fatalf("%d resends arrived, want 3", len(resends))
	}
	for _, m := range resends {
		d, err := m.Decode()
		if err != nil {
			t.Fatal(err)
		}
		was := first[m.To[0]]
		if was == "" || d.Header.Get("In-Reply-To") != was || d.Header.Get("References") != was || d.Header.Get("Message-Id") == was {
			t.Errorf("resend to %s: Message-Id %s, In-Reply-To %q, References %q; the first was %s", m.To[0],
				d.Header.Get("Message-Id"), d.Header.Get("In-Reply-To"), d.Header.Get("References"), was)
		}
	}
}

func TestNoticesCarryAValidDKIMSignature(t *testing.T) {
	key, err := rsa.GenerateKey(crand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	db := outboxFixture(t, 3)
	srv := smtptest.New(t)
	w := newWorker(t, db, srv, 1)
	comp := newComposer(t)
	comp.DKIM = &mailer.DKIM{Domain: "sakura-print.example.jp", Selector: "owabi2026", Key: key}
	w.Composer = comp
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	record := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(pub)
	lookup := func(domain string) ([]string, error) {
		if domain != "owabi2026._domainkey.sakura-print.example.jp" {
			return nil, fmt.Errorf("no TXT record at %s", domain)
		}
		return []string{record}, nil
	}
	msgs := srv.Messages()
	if len(msgs) != 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	for _, m := range msgs {
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(m.Data), &dkim.VerifyOptions{LookupTXT: lookup})
		if err != nil || len(vs) != 1 || vs[0].Err != nil || vs[0].Domain != "sakura-print.example.jp" {
			t.Errorf("the notice to %s: %+v, %v", m.To[0], vs, err)
		}
	}
	// A notice changed on the way fails the check: its subject changed, or
	// a field added that would turn it against its reader.
	for _, change := range []struct{ what, old, new string }{
		{"a changed subject", "Subject:", "Subject: FW:"},
		{"a second subject", "Subject:", "Subject: =?UTF-8?B?5LiN5ZGz44Gq44Oh44O844Or?=\r\nSubject:"},
		{"a Reply-To added", "Subject:", "Reply-To: attacker@evil.example\r\nSubject:"},
		{"a Cc added", "Subject:", "Cc: attacker@evil.example\r\nSubject:"},
		{"a second From", "Subject:", "From: attacker@evil.example\r\nSubject:"},
	} {
		tampered := bytes.Replace(msgs[0].Data, []byte(change.old), []byte(change.new), 1)
		if vs, _ := dkim.VerifyWithOptions(bytes.NewReader(tampered), &dkim.VerifyOptions{LookupTXT: lookup}); len(vs) != 1 || vs[0].Err == nil {
			t.Errorf("a notice with %s still verifies: %+v", change.what, vs)
		}
	}
}

// opensslVerifies checks the S/MIME signature of the mail raw as OpenSSL
// reads it, the whole mail as it arrived (not the certificate's chain:
// the test's is its own).
func opensslVerifies(t *testing.T, raw []byte) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Log("SKIPPING the check with openssl cms: openssl is not installed")
		return
	}
	cmd := exec.Command("openssl", "cms", "-verify", "-noverify", "-out", os.DevNull)
	cmd.Stdin = bytes.NewReader(raw)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("openssl cms -verify: %v\n%s", err, out)
	}
}

func TestNoticesCarryAValidSMIMESignature(t *testing.T) {
	key, err := rsa.GenerateKey(crand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "info@sakura-print.example.jp"},
		EmailAddresses: []string{"info@sakura-print.example.jp"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	der, err := x509.CreateCertificate(crand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	db := outboxFixture(t, 2)
	srv := smtptest.New(t)
	w := newWorker(t, db, srv, 1)
	comp := newComposer(t)
	comp.SMIME = &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}
	w.Composer = comp
	if err := w.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	for _, m := range msgs {
		content, signature := signedParts(t, m.Data)
		p7, err := pkcs7.Parse(signature)
		if err != nil {
			t.Fatal(err)
		}
		p7.Content = content
		if err := p7.Verify(); err != nil {
			t.Errorf("the notice to %s: %v", m.To[0], err)
		}
		p7.Content = bytes.Replace(content, []byte("Q"), []byte("R"), 1) // changed on the way
		if p7.Verify() == nil {
			t.Errorf("a changed notice to %s still verifies", m.To[0])
		}
		opensslVerifies(t, m.Data)
	}
	// Mail readers list the signature as an attachment: the notice says
	// it has none but that.
	for _, lang := range mailer.Languages {
		r, err := comp.Render(delivery(notify.Customer, lang))
		if err != nil || !strings.Contains(r.Text, "smime.p7s") || strings.Contains(r.Text, "リンクも添付ファイルもございません") {
			t.Errorf("a notice signed with S/MIME, in %s, does not name its signature as its one attachment: %v\n%s", lang, err, r.Text)
		}
	}
}

// signedParts splits a multipart/signed mail into the signed entity, as
// its bytes were signed, and the signature.
func signedParts(t *testing.T, raw []byte) (content, signature []byte) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/signed" {
		t.Fatalf("not signed: %q, %v", msg.Header.Get("Content-Type"), err)
	}
	body, _ := io.ReadAll(msg.Body)
	parts := bytes.Split(body, []byte("--"+params["boundary"]))
	if len(parts) < 3 {
		t.Fatalf("%d parts", len(parts))
	}
	content = bytes.TrimSuffix(bytes.TrimPrefix(parts[1], []byte("\r\n")), []byte("\r\n"))
	sig, err := netmail.ReadMessage(bytes.NewReader(bytes.TrimPrefix(parts[2], []byte("\r\n"))))
	if err != nil {
		t.Fatal(err)
	}
	b64, _ := io.ReadAll(sig.Body)
	signature, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b64)), ""))
	if err != nil {
		t.Fatal(err)
	}
	return content, signature
}

// Found in review: any 5xx closed the address for good. Only a refusal
// of the address itself does; a rejected message (5xx at DATA) leaves it
// open.
func TestOnlyARefusedAddressIsClosed(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 3)
	srv := smtptest.New(t)
	srv.OnRcpt = func(to string) error {
		if to == "user1@yamada.example" {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	}
	srv.OnData = func(_ int, m smtptest.Message) error {
		if m.To[0] == "user2@yamada.example" {
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "rejected by content filter"}
		}
		return nil
	}
	if err := newWorker(t, db, srv, 1).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ := db.Status(ctx)
	if st.Notices[notify.Failed] != 2 || st.Notices[notify.Sent] != 1 {
		t.Fatalf("after sending: %v", st.Notices)
	}
	n := 0
	queued, err := db.Queue(ctx, notify.Apology, "ja", func() string { n++; return fmt.Sprint("a", n, "@x") })
	if err != nil || queued != 2 {
		t.Errorf("apologies queued: %d, %v; want 2 (user1's address was refused, user2's message only)", queued, err)
	}
}

// A mail server whose certificate comes from the organisation's own
// authority is trusted with that authority (smtp.ca_file), and only then:
// without it nothing is sent, and the queue waits whole.
func TestAServerOfAPrivateAuthorityIsTrustedWithIt(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 2)
	srv, ca := smtptest.NewTLS(t)
	w := newWorker(t, db, nil, 1)
	dial := func(roots *x509.CertPool) func(context.Context) (*mailer.Session, error) {
		return func(ctx context.Context) (*mailer.Session, error) {
			return mailer.Dial(ctx, mailer.SMTP{Host: srv.Host, Port: srv.Port, TLS: "starttls", Timeout: 5 * time.Second, RootCAs: roots})
		}
	}
	w.Dial = dial(nil)
	if err := w.Drain(ctx); notify.ErrorCode(err) != mailer.ErrServer || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Drain without the authority = %v; want the server's certificate refused", err)
	}
	if srv.Count() != 0 {
		t.Fatalf("%d sent to a server owabi does not trust", srv.Count())
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca) {
		t.Fatal("no certificate in the authority's PEM")
	}
	w.Dial = dial(roots)
	if err := w.Drain(ctx); err != nil || srv.Count() != 2 {
		t.Fatalf("Drain with the authority = %v, %d sent; want both", err, srv.Count())
	}
	for _, e := range []string{"user1@yamada.example", "user2@yamada.example"} {
		if ns, _ := db.Notices(ctx, e); ns[0].State != notify.Sent || ns[0].Attempts != 1 {
			t.Errorf("%s: %s after %d attempts; want sent at the first", e, ns[0].State, ns[0].Attempts)
		}
	}
}

// An English notice comes from the organisation's English name, when it
// has one; a Japanese one from its Japanese name.
func TestAnEnglishNoticeComesFromTheEnglishName(t *testing.T) {
	c := newComposer(t)
	c.Org.FromNameEn = "Sakura Printing Customer Desk"
	for lang, want := range map[string]string{"ja": "さくら印刷株式会社 お客様相談窓口", "en": "Sakura Printing Customer Desk"} {
		m, err := c.Compose(delivery(notify.Customer, lang), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		msg, err := netmail.ReadMessage(&b)
		if err != nil {
			t.Fatal(err)
		}
		from, err := msg.Header.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Name != want || from[0].Address != "info@sakura-print.example.jp" {
			t.Errorf("the %s notice comes from %v (%v), want %q", lang, from, err, want)
		}
	}
}

// Every notice says where genuine mail from the organisation comes from,
// beside how to check it by phone; but not when the spam itself came
// from the organisation's own domain (a company mailbox taken over),
// which that would vouch for.
func TestEveryNoticeSaysWhereGenuineMailComesFrom(t *testing.T) {
	own := newComposer(t)
	inc := incident
	inc.SpamFrom = "営業部 藤井 <n-fujii@sakura-print.example.jp>"
	own.SetIncident(inc)
	for _, lang := range mailer.Languages {
		r, err := own.Render(delivery(notify.Customer, lang))
		if err != nil || strings.Contains(r.Text, "のアドレスからのみ") || strings.Contains(r.Text, "only from addresses ending in") {
			t.Errorf("with the spam from the organisation's own domain, the %s notice still vouches for that domain: %v\n%s", lang, err, r.Text)
		}
	}
	c := newComposer(t)
	for _, lang := range mailer.Languages {
		for _, kind := range notify.NoticeKinds {
			for _, cat := range []notify.Category{notify.Customer, notify.Employee} {
				d := delivery(cat, lang)
				d.Kind = kind
				r, err := c.Render(d)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(r.Text, "@sakura-print.example.jp のアドレスからのみ") && !strings.Contains(r.Text, "only from addresses ending in @sakura-print.example.jp.") {
					t.Errorf("%s %s to a %s does not say where genuine mail comes from:\n%s", lang, kind, cat, r.Text)
				}
			}
		}
	}
}

// The HTML part says the text's words, with its hand-wrapped lines flowing
// again in paragraphs, so a phone wraps them at its own width; items and
// the signature keep their lines.
func TestTheHTMLPartFlowsThePlainTextsParagraphs(t *testing.T) {
	c := newComposer(t)
	tags := regexp.MustCompile(`(?s)<title>.*?</title>|<[^>]*>`)
	noSpace := func(s string) string { return strings.Join(strings.Fields(s), "") }
	for _, lang := range mailer.Languages {
		for _, kind := range notify.NoticeKinds {
			for _, cat := range []notify.Category{notify.Customer, notify.Employee} {
				d := delivery(cat, lang)
				d.Kind, d.AckLink = kind, "https://owabi.sakura-print.example.jp/ack/t0ken"
				r, err := c.Render(d)
				if err != nil {
					t.Fatal(err)
				}
				name := lang + " " + string(kind) + " " + string(cat)
				if got, want := noSpace(html.UnescapeString(tags.ReplaceAllString(r.HTML, ""))), noSpace(r.Text); got != want {
					t.Errorf("%s: the HTML part's words differ from the text's:\nHTML %s\ntext %s", name, got, want)
				}
				if breaks, lines := strings.Count(r.HTML, "<br>"), strings.Count(r.Text, "\n"); breaks*2 > lines {
					t.Errorf("%s: %d of the text's %d line breaks are kept in HTML:\n%s", name, breaks, lines, r.HTML)
				}
				if strings.Contains(r.Text, d.AckLink) && !strings.Contains(r.HTML, "<br>\nhttps://owabi.sakura-print.example.jp/ack/t0ken") {
					t.Errorf("%s: the confirmation page's address does not stand on its own line:\n%s", name, r.HTML)
				}
			}
		}
	}
	r, err := c.Render(delivery(notify.Customer, "ja"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"第三者に不正に利用され、弊社の業務とは",        // a wrapped sentence flows
		"<br>\n　送信日時：",               // an item keeps its line
		"<br>\nお問い合わせ番号：D-K7QM-3XHF", // so does the signature
	} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("the Japanese HTML part lacks %q:\n%s", want, r.HTML)
		}
	}
	r, err = c.Render(delivery(notify.Customer, "en"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.HTML, "one of our employees and sent") {
		t.Errorf("English wrapped lines do not join with a space:\n%s", r.HTML)
	}
}

// A relay that asks us to wait (a rate limit, too many connections) pauses
// the sending: no notice pays an attempt for it, however long it lasts, and
// owabi status and the dashboard say why until the relay takes mail again.
func TestARelayThatAsksUsToWaitCostsNoNoticeAnAttempt(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 3)
	srv := smtptest.New(t)
	var limited atomic.Bool
	limited.Store(true)
	srv.OnRcpt = func(string) error {
		if limited.Load() {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Rate limit exceeded, try again later"}
		}
		return nil
	}
	w := newWorker(t, db, srv, 2)
	for round := range w.MaxAttempts + 1 {
		err := w.Drain(ctx)
		if notify.ErrorCode(err) != mailer.ErrServer || !strings.Contains(err.Error(), "asks us to wait") || !strings.Contains(err.Error(), "(451 4.7.1)") {
			t.Fatalf("round %d: Drain = %v; want a mail-server error that says it asks us to wait, with the code", round, err)
		}
	}
	stop, err := db.SendingStopped(ctx)
	if err != nil || stop == nil || !strings.Contains(wording.Said("ja", time.UTC, stop.Why), "しばらく待つよう求めています") {
		t.Errorf("sending stopped: %+v, %v; want it recorded with why", stop, err)
	}
	for _, e := range []string{"user1@yamada.example", "user2@yamada.example", "user3@yamada.example"} {
		if ns, _ := db.Notices(ctx, e); ns[0].State != notify.Queued || ns[0].Attempts != 0 {
			t.Errorf("%s: %s after %d attempts; want queued, untouched", e, ns[0].State, ns[0].Attempts)
		}
	}
	limited.Store(false)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"user1@yamada.example", "user2@yamada.example", "user3@yamada.example"} {
		if ns, _ := db.Notices(ctx, e); ns[0].State != notify.Sent || ns[0].Attempts != 1 {
			t.Errorf("%s: %s after %d attempts; want sent at the first attempt", e, ns[0].State, ns[0].Attempts)
		}
	}
	if stop, err := db.SendingStopped(ctx); err != nil || stop != nil {
		t.Errorf("after a round went through: stopped %+v, %v", stop, err)
	}
}

// At the daily cap (smtp.per_day) the round stops, whatever the number of
// connections, and the rest wait untouched for the slot a day after the
// first send; a day on, they go.
func TestTheDailyCapSpreadsTheSendingOverDays(t *testing.T) {
	ctx := context.Background()
	db := outboxFixture(t, 5)
	var mu sync.Mutex
	now := time.Now().Add(time.Second).Truncate(time.Microsecond) // as the database keeps times
	db.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := smtptest.New(t)
	w := newWorker(t, db, srv, 2)
	w.Pace.PerDay = 3
	start := db.Now()
	var capped mailer.DailyCapReached
	if err := w.Drain(ctx); !errors.As(err, &capped) || !capped.Until.Equal(start.Add(notify.Day)) {
		t.Fatalf("Drain = %v; want the daily cap reached until a day after the first send (%v)", err, start.Add(notify.Day))
	}
	if got := srv.Count(); got != 3 {
		t.Errorf("the server received %d notices under a cap of 3", got)
	}
	st, _ := db.Status(ctx)
	if st.Notices[notify.Sent] != 3 || st.Notices[notify.Queued] != 2 {
		t.Errorf("after the first day: %v; want 3 sent and 2 queued", st.Notices)
	}
	if o := w.Pace.Outlook(db.Now(), mustSent(t, db, db.Now()), 2); !o.LastOut.Equal(capped.Until) || o.SentInDay != 3 {
		t.Errorf("outlook %+v; want the last out at %v", o, capped.Until)
	}
	mu.Lock()
	now = now.Add(notify.Day)
	mu.Unlock()
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.Status(ctx); st.Notices[notify.Sent] != 5 || srv.Count() != 5 {
		t.Errorf("a day on: %v, %d received; want all 5 sent", st.Notices, srv.Count())
	}
}

func mustSent(t *testing.T, db *store.DB, now time.Time) []time.Time {
	t.Helper()
	sent, err := db.SentSince(context.Background(), now.Add(-notify.Day))
	if err != nil {
		t.Fatal(err)
	}
	return sent
}

// A notice to an employee is signed by the desk staff turn to, not by the
// customer desk, and comes from its name; one to a customer is as before.
func TestANoticeToAnEmployeeIsSignedByTheInternalDesk(t *testing.T) {
	o := org
	o.InternalDesk = notify.Staff{Name: "情報システム部", Phone: "03-0000-1240", Email: "it@sakura-print.example.jp"}
	o.InternalDeskNameEn = "IT Department"
	c, err := mailer.NewComposer(o, incident, tokyo, templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		cat        notify.Category
		lang       string
		from, sign string
		not        string
	}{
		{notify.Employee, "ja", "さくら印刷株式会社 情報システム部", "情報システム部", "お客様相談窓口"},
		{notify.Employee, "en", "Sakura Printing Co., Ltd. IT Department", "IT Department", "Customer Desk"},
		{notify.Customer, "ja", org.FromName, "お客様相談窓口", "情報システム部"},
	} {
		for _, kind := range notify.NoticeKinds {
			d := delivery(tt.cat, tt.lang)
			d.Kind = kind
			_, got := sendOne(t, c, d)
			from, err := netmail.ParseAddress(got.From)
			if err != nil || from.Name != tt.from || !strings.Contains(got.Text, tt.sign) || strings.Contains(got.Text, tt.not) {
				t.Errorf("%s %s to a %s: from %q; signed by %q: %v, names %q: %v", tt.lang, kind, tt.cat, got.From, tt.sign, strings.Contains(got.Text, tt.sign), tt.not, strings.Contains(got.Text, tt.not))
			}
		}
	}
}
