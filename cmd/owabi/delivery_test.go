package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/inbox/imaptest"
	"github.com/owabi/owabi/notify/mailer/smtptest"
	"github.com/owabi/owabi/store"
)

// databaseOf opens the database beside the config cfg, behind owabi's
// back, for a test to look into or change; it is closed when the test ends.
func databaseOf(t *testing.T, cfg string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(filepath.Dir(cfg), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// sentAgo moves every sent notice's time back by d, as if it went out then.
func sentAgo(t *testing.T, cfg string, d time.Duration) {
	t.Helper()
	db := databaseOf(t, cfg)
	at := time.Now().Add(-d).UTC().Format("2006-01-02T15:04:05.000000Z")
	if _, err := db.Exec(`UPDATE notices SET sent_at = ? WHERE state = 'sent'`, at); err != nil {
		t.Fatal(err)
	}
}

func TestResendListsThenQueuesWhatNobodyAcknowledged(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	sendSample(t, cfg)
	if out := mustOwabi(t, nil, "--config", cfg, "resend", "--dry-run"); !strings.Contains(out, "resend 0 notices") {
		t.Errorf("just after sending, nothing is due:\n%s", out)
	}
	sentAgo(t, cfg, 72*time.Hour)
	out := mustOwabi(t, nil, "--config", cfg, "resend", "--dry-run")
	if !strings.Contains(out, "resend 258 notices") || !strings.Contains(out, "deletion, send 2 of 3: the last went out") ||
		!strings.Contains(out, "hand 0 contacts") || !strings.Contains(out, "owabi serve runs it next at") {
		t.Errorf("72 hours after sending:\n%s", out)
	}
	if st := statusJSON(t, nil, "--config", cfg); st.Notices["queued"] != 0 {
		t.Errorf("a dry run queued %d notices", st.Notices["queued"])
	}
	out = mustOwabi(t, nil, "--config", cfg, "resend")
	if !strings.Contains(out, "Queued 258 resends") {
		t.Errorf("resend:\n%s", out)
	}
	if out := mustOwabi(t, nil, "--config", cfg, "resend"); !strings.Contains(out, "Queued 0 resends") {
		t.Errorf("a second run right after:\n%s", out)
	}
	if st := statusJSON(t, nil, "--config", cfg); st.Notices["queued"] != 258 || st.Notices["sent"] != 258 {
		t.Errorf("after resending: %+v", st.Notices)
	}
}

// readFrom adds to the config cfg an [imap] section for mailbox, with the
// lines given.
func readFrom(t testing.TB, cfg string, mailbox *imaptest.Server, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fmt.Fprintf(f, "\n[imap]\nhost = %q\nport = %d\nusername = %q\n%s\n", mailbox.Host, mailbox.Port, mailbox.Username, strings.Join(lines, "\n"))
}

func TestInboxReadsRepliesAndBounces(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	mailbox := imaptest.New(t)
	readFrom(t, cfg, mailbox, `tls = "none"`)
	env := map[string]string{"OWABI_IMAP_PASSWORD": mailbox.Password}
	sendSample(t, cfg)
	if code, _, errOut := owabi(t, nil, "--config", cfg, "inbox"); code != 2 || !strings.Contains(errOut, "OWABI_IMAP_PASSWORD is empty") {
		t.Errorf("no password: exit %d, %s", code, errOut)
	}
	first, err := srv.Messages()[0].Decode()
	if err != nil {
		t.Fatal(err)
	}
	mailbox.Deliver(t, []byte("From: x@y.example\r\nSubject: Re: お知らせ\r\nMessage-ID: <reply1@y.example>\r\nIn-Reply-To: "+
		first.Header.Get("Message-Id")+"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n削除しました。\r\n"))
	out := mustOwabi(t, env, "--config", cfg, "inbox")
	if !strings.Contains(out, "Read 1 new mails in INBOX: 1 replies acknowledged a notice") {
		t.Errorf("inbox:\n%s", out)
	}
	if out := mustOwabi(t, env, "--config", cfg, "inbox"); !strings.Contains(out, "Read 0 new mails") {
		t.Errorf("inbox again:\n%s", out)
	}
}

// A mailbox whose server has a certificate from the organisation's own
// authority is read with imap.ca_file, a path beside the config.
func TestInboxTrustsTheOrganisationsOwnCertificateAuthority(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	mailbox := imaptest.NewTLS(t)
	readFrom(t, cfg, mailbox, `tls = "implicit"`, `ca_file = "ca.pem"`)
	env := map[string]string{"OWABI_IMAP_PASSWORD": mailbox.Password}
	sendSample(t, cfg)
	caFile := filepath.Join(filepath.Dir(cfg), "ca.pem")
	os.WriteFile(caFile, []byte("not a certificate\n"), 0o600)
	if code, _, errOut := owabi(t, env, "--config", cfg, "inbox"); code != 2 || !strings.Contains(errOut, "imap.ca_file: "+caFile+" holds no PEM certificate") {
		t.Errorf("a CA file without a certificate: exit %d, %s", code, errOut)
	}
	os.WriteFile(caFile, mailbox.CA, 0o600)
	mailbox.Deliver(t, []byte("From: x@y.example\r\nSubject: Re: D-000001\r\nMessage-ID: <reply1@y.example>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n削除しました。\r\n"))
	if out := mustOwabi(t, env, "--config", cfg, "inbox"); !strings.Contains(out, "Read 1 new mails in INBOX") {
		t.Errorf("inbox over TLS with the organisation's CA:\n%s", out)
	}
}

func TestSendingFromFreeMailIsWarnedAbout(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	mustOwabi(t, nil, "--config", cfg, "classify")
	env := map[string]string{"OWABI_ORGANISATION_FROM_ADDRESS": "sakura.print@gmail.com"}
	code, _, errOut := owabi(t, env, "--config", cfg, "send", "--kind", "deletion", "--wait")
	if code != 0 || !strings.Contains(errOut, "free-mail domain") {
		t.Errorf("sending from gmail.com: exit %d, no warning:\n%s", code, errOut)
	}
	if _, _, errOut := owabi(t, nil, "--config", cfg, "send", "--kind", "apology", "--wait"); strings.Contains(errOut, "free-mail") {
		t.Errorf("a warning for the organisation's own domain:\n%s", errOut)
	}
}

func TestNoticesAreSignedWithTheConfiguredDKIMKey(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	writeKey := func(name string, key any) {
		t.Helper()
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(filepath.Dir(cfg), name), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	}
	rsaKey := func(bits int) *rsa.PrivateKey {
		t.Helper()
		k, err := rsa.GenerateKey(crand.Reader, bits)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	t.Setenv("GODEBUG", "rsa1024min=0") // to make a key too short to sign with
	key := rsaKey(2048)
	writeKey("dkim.pem", key)
	writeKey("short.pem", rsaKey(512))
	writeKey("mid.pem", rsaKey(1024))
	_, ed, _ := ed25519.GenerateKey(nil)
	writeKey("ed25519.pem", ed)
	os.WriteFile(filepath.Join(filepath.Dir(cfg), "bad.pem"), []byte("not a key"), 0o600)
	f, _ := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	fmt.Fprintf(f, "\n[dkim]\nselector = \"owabi\"\nkey_file = \"dkim.pem\"\n")
	f.Close()
	for file, want := range map[string]string{"bad.pem": "no PEM private key", "short.pem": "512 bits", "ed25519.pem": "Ed25519"} {
		if code, _, errOut := owabi(t, map[string]string{"OWABI_DKIM_KEY_FILE": file}, "--config", cfg, "status"); code != 2 || !strings.Contains(errOut, "dkim.key_file") || !strings.Contains(errOut, want) {
			t.Errorf("the DKIM key in %s: exit %d, %s; want it refused, saying %q", file, code, errOut, want)
		}
	}

	both := map[string]string{"OWABI_SMIME_CERT_FILE": "smime.crt", "OWABI_SMIME_KEY_FILE": "smime.key"}
	if code, _, errOut := owabi(t, both, "--config", cfg, "status"); code != 2 || !strings.Contains(errOut, "not both") {
		t.Errorf("DKIM and S/MIME at once: exit %d, %s", code, errOut)
	}
	sendSample(t, cfg)
	if _, _, errOut := owabi(t, map[string]string{"OWABI_DKIM_KEY_FILE": "mid.pem"}, "--config", cfg, "preview", "--kind", "deletion", "--contact", "megumi.fujita@seiryu-saketen.example.jp"); !strings.Contains(errOut, "DKIM key is short") {
		t.Errorf("a 1024-bit key is not warned of:\n%s", errOut)
	}
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	record := "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(pub)
	lookup := func(domain string) ([]string, error) {
		if domain != "owabi._domainkey.sakura-print.example.jp" {
			return nil, fmt.Errorf("no TXT record at %s", domain)
		}
		return []string{record}, nil
	}
	msgs := srv.Messages()
	if len(msgs) != 258 {
		t.Fatalf("%d sent", len(msgs))
	}
	for _, m := range msgs[:20] {
		if vs, err := dkim.VerifyWithOptions(bytes.NewReader(m.Data), &dkim.VerifyOptions{LookupTXT: lookup}); err != nil || len(vs) != 1 || vs[0].Err != nil {
			t.Errorf("the notice to %s: %+v, %v", m.To[0], vs, err)
		}
	}
}

func TestNoticesCarryAPersonalLinkOnlyWhenAskedTo(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	sendSample(t, cfg)
	off, _ := srv.Messages()[0].Decode()
	if strings.Contains(off.Text, "/ack/") || !strings.Contains(off.Text, "リンクも添付ファイルもございません") {
		t.Errorf("links are off by default, and the notice says it has none:\n%s", off.Text)
	}
	env := map[string]string{"OWABI_WEB_ACK_LINKS": "true", "OWABI_WEB_PUBLIC_URL": "https://owabi.sakura-print.example.jp"}
	mustOwabi(t, env, "--config", cfg, "send", "--kind", "apology", "--wait")
	msgs := srv.Messages()
	on, _ := msgs[len(msgs)-1].Decode()
	link := regexp.MustCompile(`https://owabi\.sakura-print\.example\.jp/ack/([A-Za-z0-9_-]{43})`).FindStringSubmatch(on.Text)
	if link == nil || !strings.Contains(on.Text, "確認ページ（owabi.sakura-print.example.jp）だけです") {
		t.Fatalf("with links on, the notice has no link, or does not say it is the only one:\n%s", on.Text)
	}
	db, err := store.Open(context.Background(), filepath.Join(filepath.Dir(cfg), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.AckToken(context.Background(), sha256Of(link[1]))
	if err != nil || n.Kind != notify.Apology {
		t.Errorf("the link's token finds %+v, %v; want the apology", n, err)
	}
	if _, err := db.AckToken(context.Background(), []byte(link[1])); err == nil {
		t.Error("the token itself is stored, not only its hash")
	}
	if code, _, errOut := owabi(t, map[string]string{"OWABI_WEB_ACK_LINKS": "true"}, "--config", cfg, "status"); code != 2 || !strings.Contains(errOut, "web.public_url") {
		t.Errorf("links without a public URL: exit %d, %s", code, errOut)
	}
}

func sha256Of(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func TestBackupWhileServingAndRestore(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	queueSample(t, cfg)
	d := startServe(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if !srv.Wait(ctx, 258) {
		t.Fatalf("sent %d", srv.Count())
	}
	backup := filepath.Join(t.TempDir(), "owabi-backup.db")
	if out := mustOwabi(t, nil, "--config", cfg, "backup", backup); !strings.Contains(out, "Wrote a consistent copy") {
		t.Errorf("backup:\n%s", out)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "restore", backup); code == 0 || !strings.Contains(errOut, "stop owabi serve first") {
		t.Errorf("a restore under the running daemon: exit %d, %s", code, errOut)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.cmd.Wait()
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "apology")
	if out := mustOwabi(t, nil, "--config", cfg, "restore", backup); !strings.Contains(out, "Restored") {
		t.Errorf("restore:\n%s", out)
	}
	// The backup may have caught the last notice between the server's
	// acceptance and its record: still "sending" then, as it was.
	if st := statusJSON(t, nil, "--config", cfg); st.Notices["sent"]+st.Notices["sending"] != 258 || st.Notices["queued"] != 0 {
		t.Errorf("after the restore: %v; want the 258 of the backup and no apologies", st.Notices)
	}
}

func TestAuditVerifyFindsATamperedEntry(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	sendSample(t, cfg)
	mustOwabi(t, nil, "--config", cfg, "export", filepath.Join(t.TempDir(), "list.csv"))
	if out := mustOwabi(t, nil, "--config", cfg, "audit", "verify"); !strings.Contains(out, "none before the last was changed or removed") {
		t.Errorf("audit verify:\n%s", out)
	}
	out := mustOwabi(t, nil, "--config", cfg, "audit", "list")
	for _, want := range []string{"cli import: import 1 of google_contacts.csv", "cli queue: 258 notices queued (Deletion request, Japanese)", "cli export: contact list, 243 contacts"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit list lacks %q:\n%s", want, out)
		}
	}
	db := databaseOf(t, cfg)
	if _, err := db.Exec(`DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing happened' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if code, _, errOut := owabi(t, nil, "--config", cfg, "audit", "verify"); code != 1 || !strings.Contains(errOut, "broken at entry #1") {
		t.Errorf("a tampered trail: exit %d, %s", code, errOut)
	}
}

// sendSample imports and classifies the sample book and sends each
// address its deletion request, in this process.
func sendSample(t *testing.T, cfg string) {
	t.Helper()
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	mustOwabi(t, nil, "--config", cfg, "classify")
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait")
}

// queryInt runs a query that counts, on the database beside cfg.
func queryInt(t *testing.T, cfg, query string, args ...any) int {
	t.Helper()
	db := databaseOf(t, cfg)
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// What an attacker holding the leaked book can send changes nothing by
// itself: a reply from a contact's address quoting a made-up or numbered
// code, one the organisation's own server found forged, a delivery report
// naming a contact's address. A bounce to a notice's own return path does
// fail it, and a threaded reply does count.
func TestForgedRepliesAndBouncesChangeNothingUntilStaffDecide(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	f, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f = bytes.Replace(f, []byte("[smtp]\n"), []byte("[smtp]\nreturn_path = \"bounces@sakura-print.example.jp\"\n"), 1)
	if err := os.WriteFile(cfg, f, 0o600); err != nil {
		t.Fatal(err)
	}
	mailbox := imaptest.New(t)
	readFrom(t, cfg, mailbox, `tls = "none"`, `trusted_authserv_ids = ["mx.sakura-print.example.jp"]`)
	env := map[string]string{"OWABI_IMAP_PASSWORD": mailbox.Password}
	sendSample(t, cfg)

	msgs := srv.Messages()
	first, second, third := msgs[0], msgs[1], msgs[2]
	code := regexp.MustCompile(`D-[2-9A-Z]{4}-[2-9A-Z]{4}`)
	var refs, ids []string
	for _, m := range []smtptest.Message{first, second, third} {
		d, err := m.Decode()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.Header.Get("Message-Id"))
		ref := code.FindString(d.Text)
		if ref == "" {
			t.Fatalf("a notice carries no random reference code:\n%s", d.Text)
		}
		if want := notify.ReturnPath("bounces@sakura-print.example.jp", ref); m.From != want {
			t.Errorf("MAIL FROM %q, want the notice's own return path %q", m.From, want)
		}
		refs = append(refs, ref)
	}
	to := func(m smtptest.Message) string { return m.To[0] }
	mail := func(headers, body string) []byte {
		return []byte(headers + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + body + "\r\n")
	}
	dsn := func(rcpt, envelopeTo, msgID string) []byte {
		return []byte("From: MAILER-DAEMON@mx.example\r\nTo: " + envelopeTo + "\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
			"Message-ID: <" + msgID + "@mx.example>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n" +
			"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n" +
			"Final-Recipient: rfc822; " + rcpt + "\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
			"Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n--b--\r\n")
	}
	domain := func(addr string) string { return addr[strings.LastIndexByte(addr, '@')+1:] }
	forged := "Authentication-Results: mx.sakura-print.example.jp; dmarc=fail header.from=" + domain(to(second)) + "\r\n"
	untrusted := "Authentication-Results: mx.attacker.example; dmarc=fail header.from=" + domain(to(third)) + "\r\n"
	for _, raw := range [][]byte{
		// A guessed numbered code, from the first contact's own address.
		mail("From: "+to(first)+"\r\nSubject: Re: D-000001\r\nMessage-ID: <f1@x>", "削除しました。"),
		// The second notice's real code, but the organisation's server found the sender forged.
		mail(forged+"From: "+to(second)+"\r\nSubject: Re: "+refs[1]+"\r\nMessage-ID: <f2@x>", "削除しました。"),
		// A delivery report naming the first contact's address, tied to no notice.
		dsn(to(first), "bounces@sakura-print.example.jp", "f3"),
		// The third contact answers in the thread; a check result from another host is not read.
		mail(untrusted+"From: "+to(third)+"\r\nSubject: Re: お詫び\r\nMessage-ID: <r3@x>\r\nIn-Reply-To: "+ids[2], "削除いたしました。"),
		// A bounce to the second notice's own return path.
		dsn(to(second), notify.ReturnPath("bounces@sakura-print.example.jp", refs[1]), "b2"),
	} {
		mailbox.Deliver(t, raw)
	}
	out := mustOwabi(t, env, "--config", cfg, "inbox")
	if !strings.Contains(out, "Read 5 new mails in INBOX: 1 replies acknowledged a notice") ||
		!strings.Contains(out, "1 bounces failed a notice") || !strings.Contains(out, "3 may be forged") {
		t.Errorf("inbox:\n%s", out)
	}
	acked := func(addr string) int {
		return queryInt(t, cfg, `SELECT count(*) FROM acks JOIN addresses a USING (contact_id) WHERE a.email = ? AND NOT acks.auto`, addr)
	}
	failed := func(addr string) int {
		return queryInt(t, cfg, `SELECT count(*) FROM notices n JOIN addresses a ON a.id = n.address_id WHERE a.email = ? AND n.state = 'failed'`, addr)
	}
	if acked(to(first)) != 0 || acked(to(second)) != 0 || acked(to(third)) != 1 {
		t.Errorf("acknowledgements: first %d, second %d, third %d; want 0, 0, 1", acked(to(first)), acked(to(second)), acked(to(third)))
	}
	if failed(to(first)) != 0 || failed(to(second)) != 1 {
		t.Errorf("failed notices: first %d (a forged report), second %d (bounced to its return path); want 0, 1", failed(to(first)), failed(to(second)))
	}
	if n := queryInt(t, cfg, `SELECT count(*) FROM unverified_mail WHERE decision = ''`); n != 3 {
		t.Errorf("%d mails wait for staff, want 3", n)
	}
}

// smtp.ca_file must name a file with a certificate in it: owabi says so
// when it starts, not when the first notice goes.
func TestTheMailServersAuthorityIsCheckedAtStart(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	os.WriteFile(filepath.Join(filepath.Dir(cfg), "ca.pem"), []byte("not a certificate"), 0o600)
	for file, want := range map[string]string{"missing.pem": "no such file", "ca.pem": "holds no PEM certificate"} {
		if code, _, errOut := owabi(t, map[string]string{"OWABI_SMTP_CA_FILE": file}, "--config", cfg, "status"); code != 2 || !strings.Contains(errOut, "smtp.ca_file") || !strings.Contains(errOut, want) {
			t.Errorf("smtp.ca_file = %s: exit %d, %s; want it refused, saying %q", file, code, errOut, want)
		}
	}
}
