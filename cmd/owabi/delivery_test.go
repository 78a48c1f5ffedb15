package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
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

// sentAgo moves every sent notice's time back by d, as if it went out then.
func sentAgo(t *testing.T, cfg string, d time.Duration) {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(filepath.Dir(cfg), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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
func readFrom(t *testing.T, cfg string, mailbox *imaptest.Server, lines ...string) {
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
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	keyFile := filepath.Join(filepath.Dir(cfg), "dkim.pem")
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(filepath.Dir(cfg), "bad.pem"), []byte("not a key"), 0o600)
	f, _ := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	fmt.Fprintf(f, "\n[dkim]\nselector = \"owabi\"\nkey_file = \"dkim.pem\"\n")
	f.Close()
	if code, _, errOut := owabi(t, map[string]string{"OWABI_DKIM_KEY_FILE": "bad.pem"}, "--config", cfg, "status"); code != 2 || !strings.Contains(errOut, "dkim.key_file") {
		t.Errorf("a key file with no key: exit %d, %s", code, errOut)
	}
	both := map[string]string{"OWABI_SMIME_CERT_FILE": "smime.crt", "OWABI_SMIME_KEY_FILE": "smime.key"}
	if code, _, errOut := owabi(t, both, "--config", cfg, "status"); code != 2 || !strings.Contains(errOut, "not both") {
		t.Errorf("DKIM and S/MIME at once: exit %d, %s", code, errOut)
	}
	sendSample(t, cfg)
	record := "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
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
	for _, want := range []string{"cli import: import 1 of google_contacts.csv", "cli queue: 258 deletion notices queued", "cli export: contact list, 243 contacts"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit list lacks %q:\n%s", want, out)
		}
	}
	db, err := sql.Open("sqlite3", filepath.Join(filepath.Dir(cfg), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
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
