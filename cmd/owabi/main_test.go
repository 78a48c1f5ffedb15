package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"golang.org/x/text/encoding/unicode"

	"github.com/emersion/go-smtp"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer/smtptest"
	"github.com/owabi/owabi/notify/respond"
)

// owabi runs the command in-process and returns its exit code and output.
func owabi(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	return owabiWithInput(t, env, "", args...)
}

// owabiWithInput is owabi with stdin as the command's standard input.
func owabiWithInput(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// mustOwabi runs the command and fails the test unless it succeeds.
func mustOwabi(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, out, errOut := owabi(t, env, args...)
	if code != 0 {
		t.Fatalf("owabi %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// readCSV reads a whole CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// expectedAddresses reads every address of the sample book from the answer key.
func expectedAddresses(t *testing.T) map[string]bool {
	t.Helper()
	rows := readCSV(t, "../../testdata/google_contacts_expected.csv")
	want := map[string]bool{}
	for _, row := range rows[1:] {
		for _, a := range strings.Split(row[3], ":::") {
			want[strings.TrimSpace(a)] = true
		}
	}
	return want
}

// checkEachOnce asserts that every address received exactly one deletion
// request, in Japanese, and nobody else received anything.
func checkEachOnce(t *testing.T, msgs []smtptest.Message, want map[string]bool) {
	t.Helper()
	got := map[string]int{}
	for _, m := range msgs {
		if len(m.To) != 1 {
			t.Errorf("a message went to %d recipients; each notice goes to one", len(m.To))
		}
		d, err := m.Decode()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(d.Subject, "不審なメールの削除") || !strings.Contains(d.Text, "【至急】お見積書送付のご案内") {
			t.Errorf("the notice to %s is not the Japanese deletion request: %q", m.To[0], d.Subject)
		}
		got[strings.ToLower(m.To[0])]++
	}
	for addr := range want {
		if n := got[strings.ToLower(addr)]; n != 1 {
			t.Errorf("%s received %d notices, want 1", addr, n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d addresses received notices, want %d", len(got), len(want))
	}
}

// importJSON imports file with the config cfg and returns the report. The
// global --config comes after the command here, as it may.
// importedJSON is what owabi import --json writes: the report, its notes'
// reasons in English.
type importedJSON struct {
	notify.ImportReport
	Rejected []noteJSON `json:"rejected,omitempty"`
	Flagged  []noteJSON `json:"flagged,omitempty"`
}

func importJSON(t *testing.T, cfg, file string) importedJSON {
	t.Helper()
	out := mustOwabi(t, nil, "import", "--json", "--config", cfg, file)
	var rep importedJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("import --json: %v\n%s", err, out)
	}
	return rep
}

func statusJSON(t *testing.T, env map[string]string, args ...string) notify.Status {
	t.Helper()
	out := mustOwabi(t, env, append(args, "status", "--json")...)
	var st notify.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	return st
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	out := mustOwabi(t, nil, "demo", "--data", dir, "--no-serve")
	for _, want := range []string{"168 customers, 35 suppliers, 40 employees, 0 unclassified", "258 sent",
		"sign in as manager      password ", "(a salesperson, on a phone: their "} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo's summary lacks %q:\n%s", want, out)
		}
	}
	st := statusJSON(t, nil, "--config", filepath.Join(dir, "owabi.toml"))
	if st.Contacts != 243 || st.Addresses != 258 || st.Notices[notify.Sent] != 258 ||
		st.Categories[notify.Customer] != 168 || st.Categories[notify.Supplier] != 35 || st.Categories[notify.Employee] != 40 {
		t.Errorf("status after the demo: %+v", st)
	}
	// The capture server kept every mail as an .eml file.
	files, _ := filepath.Glob(filepath.Join(dir, "mail", "*.eml"))
	var msgs []smtptest.Message
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := smtptest.Message{Data: b}
		d, err := m.Decode()
		if err != nil {
			t.Fatal(err)
		}
		m.To = []string{strings.Trim(d.Header.Get("To")[strings.LastIndex(d.Header.Get("To"), "<"):], "<>")}
		msgs = append(msgs, m)
	}
	checkEachOnce(t, msgs, expectedAddresses(t))
	for _, p := range []string{"owabi.db", "owabi.toml"} {
		if fi, err := os.Stat(filepath.Join(dir, p)); err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: %v, mode %v; want owner-only", p, err, fi.Mode().Perm())
		}
	}
	// Running the demo again sends nothing more.
	mustOwabi(t, nil, "demo", "--data", dir, "--no-serve")
	if st := statusJSON(t, nil, "--config", filepath.Join(dir, "owabi.toml")); st.Notices[notify.Sent] != 258 || st.Contacts != 243 {
		t.Errorf("after a second demo run: %+v", st.Notices)
	}
	if files2, _ := filepath.Glob(filepath.Join(dir, "mail", "*.eml")); len(files2) != 258 {
		t.Errorf("after a second demo run there are %d captured mails, want 258", len(files2))
	}
}

// setup writes a config for the sample organisation pointed at srv and
// returns its path.
func setup(t *testing.T, srv *smtptest.Server) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"customers.csv", "suppliers.csv"} {
		if err := copyDemoFile(name, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "owabi.toml")
	if err := writeDemoConfig(path, srv.Port, "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	return path
}

const sampleBook = "demodata/google_contacts.csv"

func TestImportClassifySend(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	out := mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	if !strings.Contains(out, "contacts added          243") || !strings.Contains(out, "addresses added         258") {
		t.Errorf("import report:\n%s", out)
	}
	// Re-importing the same file changes nothing.
	rep := importJSON(t, cfg, sampleBook)
	if rep.Records != 243 || rep.Unchanged != 243 || rep.Added+rep.Updated+rep.AddressesAdded != 0 {
		t.Errorf("second import: %+v", rep)
	}
	out = mustOwabi(t, nil, "--config", cfg, "classify", "--json")
	var cls notify.ClassifyReport
	if err := json.Unmarshal([]byte(out), &cls); err != nil {
		t.Fatal(err)
	}
	want := map[notify.Category]int{notify.Customer: 168, notify.Supplier: 35, notify.Employee: 40}
	for c, n := range want {
		if cls.Categories[c] != n {
			t.Errorf("%s: %d, want %d", c, cls.Categories[c], n)
		}
	}
	if cls.Categories[notify.Unclassified] != 0 {
		t.Errorf("unclassified: %d, want 0", cls.Categories[notify.Unclassified])
	}
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait")
	checkEachOnce(t, srv.Messages(), expectedAddresses(t))
	// Sending again queues nothing: each address gets each notice once.
	out = mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait")
	if !strings.Contains(out, "Queued 0 deletion notices") || srv.Count() != 258 {
		t.Errorf("second send: the server holds %d messages\n%s", srv.Count(), out)
	}
	st := statusJSON(t, nil, "--config", cfg)
	if st.Notices[notify.Sent] != 258 || st.Notices[notify.Queued]+st.Notices[notify.Sending]+st.Notices[notify.Failed] != 0 {
		t.Errorf("notices: %v", st.Notices)
	}
}

// Why notices failed is told by owabi status, by what it means; and
// --retry-failed tries again only where the address still exists.
func TestStatusSaysWhyNoticesFailedAndRetryingSkipsDeadAddresses(t *testing.T) {
	srv := smtptest.New(t)
	var emptied atomic.Bool
	srv.OnRcpt = func(to string) error {
		if to == "megumi.fujita@seiryu-saketen.example.jp" {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "User unknown"}
		}
		if to == "arai@sakura-print.example.jp" && !emptied.Load() {
			return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 2}, Message: "Mailbox full"}
		}
		return nil
	}
	cfg := setup(t, srv)
	queueSample(t, cfg)
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait")
	out := mustOwabi(t, nil, "--config", cfg, "status")
	for _, want := range []string{"Why notices failed: phone these people:\n       1  The address does not exist\n       1  The recipient's mailbox is full\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if st := statusJSON(t, nil, "--config", cfg); st.FailedWhy[notify.NoSuchAddress] != 1 || st.FailedWhy[notify.MailboxFull] != 1 {
		t.Errorf("status --json: %v", st.FailedWhy)
	}
	emptied.Store(true)
	out = mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--retry-failed", "--wait")
	if !strings.Contains(out, "Requeued 1 failed deletion notices") || !strings.Contains(out, "Left 1 whose address does not exist") {
		t.Errorf("retry-failed:\n%s", out)
	}
	if st := statusJSON(t, nil, "--config", cfg); st.Notices[notify.Sent] != 257 || st.Notices[notify.Failed] != 1 {
		t.Errorf("after retrying: %v; want 257 sent, the address that does not exist still failed", st.Notices)
	}
}

// A relay that wants a login owabi does not give refuses every notice:
// none is failed, send --wait says why and exits non-zero, and status
// says that sending has stopped until a send goes through.
func TestARelayThatWantsALoginStopsSendingAndStatusSaysSo(t *testing.T) {
	srv := smtptest.New(t)
	var login atomic.Bool
	srv.OnMail = func(string) error {
		if !login.Load() {
			return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 57}, Message: "Client not authenticated to send mail"}
		}
		return nil
	}
	cfg := setup(t, srv)
	queueSample(t, cfg)
	code, _, errOut := owabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait")
	if code == 0 || !strings.Contains(errOut, "refuses to send for us") || !strings.Contains(errOut, "530 5.7.57") {
		t.Errorf("send --wait against a relay that wants a login: exit %d\n%s", code, errOut)
	}
	st := statusJSON(t, nil, "--config", cfg)
	if st.Notices[notify.Failed] != 0 || st.Notices[notify.Queued] != 258 || st.Stopped == nil || !strings.Contains(st.Stopped.WhyText, "530 5.7.57") {
		t.Errorf("after the refusal: %v, stopped %+v; want all 258 queued and sending stopped", st.Notices, st.Stopped)
	}
	if out := mustOwabi(t, nil, "--config", cfg, "status"); !strings.Contains(out, "Sending has stopped since ") {
		t.Errorf("status does not say that sending has stopped:\n%s", out)
	}
	login.Store(true)
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait")
	if st := statusJSON(t, nil, "--config", cfg); st.Notices[notify.Sent] != 258 || st.Stopped != nil {
		t.Errorf("after the relay let us in: %v, stopped %+v", st.Notices, st.Stopped)
	}
}

// With a daily cap (smtp.per_day), send --wait sends up to it and says
// when the rest go; status, its JSON and the dashboard say when the last
// will have gone out.
func TestADailyCapSaysWhenTheLastNoticeGoesOut(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	body, _ := os.ReadFile(cfg)
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(body), "per_minute = 0", "per_minute = 0\nper_day = 100", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	queueSample(t, cfg)
	out := mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait")
	if !strings.Contains(out, "The daily cap is reached (smtp.per_day = 100)") || srv.Count() != 100 {
		t.Errorf("send --wait under a cap of 100: %d received\n%s", srv.Count(), out)
	}
	st := statusJSON(t, nil, "--config", cfg)
	o := st.Outlook
	if st.Notices[notify.Sent] != 100 || st.Notices[notify.Queued] != 158 || o == nil || o.Queued != 158 || o.SentInDay != 100 ||
		time.Until(o.LastOut) < 47*time.Hour || time.Until(o.LastOut) > 2*notify.Day {
		t.Fatalf("status --json: %v, outlook %+v; want 158 queued, the last out two days after the sends (100 a day)", st.Notices, o)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	want := "At the sending limits (100 a day, 100 of them used in the last 24 hours), the 158 notices waiting will have gone out by about " +
		o.LastOut.In(tokyo).Format("2006-01-02 15:04")
	if out := mustOwabi(t, nil, "--config", cfg, "status"); !strings.Contains(out, want) {
		t.Errorf("status lacks %q:\n%s", want, out)
	}
}

func TestPreviewAndEmployeeTone(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	mustOwabi(t, nil, "--config", cfg, "classify")
	out := mustOwabi(t, nil, "--config", cfg, "preview", "--kind", "apology", "--contact", "megumi.fujita@seiryu-saketen.example.jp")
	for _, want := range []string{"せいりゅう酒店株式会社 藤田 恵 様", "【お詫び】", "master_domain"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	out = mustOwabi(t, nil, "--config", cfg, "preview", "--kind", "deletion", "--contact", "n-fujii@sakura-print.example.jp")
	if !strings.Contains(out, "藤井 直樹 さん") || strings.Contains(out, "藤井 直樹 様") {
		t.Errorf("the employee's notice is not in the internal tone:\n%s", out)
	}
	// An English notice tells the incident from [incident.en].
	out = mustOwabi(t, nil, "--config", cfg, "preview", "--kind", "apology", "--lang", "en", "--contact", "megumi.fujita@seiryu-saketen.example.jp")
	if !strings.Contains(out, "A third party logged in without authorisation") || strings.Contains(out, "不正にログイン") ||
		!strings.Contains(out, "Customer Desk: phone 03-0000-1234 (weekdays 9:00-18:00 JST)") || strings.Count(out, "お客様相談窓口") > 1 { // once: the From name
		t.Errorf("the English apology does not tell the incident in English:\n%s", out)
	}
}

func TestErrorsAreOneClearLine(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	body, _ := os.ReadFile(cfg)
	write := func(t *testing.T, edit func(string) string) string {
		p := filepath.Join(t.TempDir(), "owabi.toml")
		os.WriteFile(p, []byte(edit(string(body))), 0o600)
		return p
	}
	tests := []struct {
		name string
		args func(t *testing.T) []string
		env  map[string]string
		code int
		want string
	}{
		{"missing config", func(*testing.T) []string { return []string{"--config", "/nonexistent/owabi.toml", "status"} }, nil,
			2, "does not exist"},
		{"unknown key", func(t *testing.T) []string {
			return []string{"--config", write(t, func(s string) string { return strings.Replace(s, "host =", "hots =", 1) }), "status"}
		}, nil, 2, "smtp.hots: unknown key"},
		{"missing key", func(t *testing.T) []string {
			return []string{"--config", write(t, func(s string) string { return strings.Replace(s, "spam_from =", "# spam_from =", 1) }), "status"}
		}, nil, 2, "incident.spam_from: missing"},
		{"staff to ask without a mobile", func(t *testing.T) []string {
			return []string{"--config", write(t, func(s string) string { return strings.Replace(s, `mobile = "090-0000-0002"`, `mobile = ""`, 1) }), "status"}
		}, nil, 2, "organisation.desk_staff[2]: give each member of staff a name and a mobile"},
		{"wrong tls", func(*testing.T) []string { return []string{"--config", cfg, "status"} },
			map[string]string{"OWABI_SMTP_TLS": "ssl"}, 2, `smtp.tls: "ssl" is not one of none, starttls, implicit`},
		{"sender is the compromised address", func(*testing.T) []string { return []string{"--config", cfg, "status"} },
			map[string]string{"OWABI_ORGANISATION_FROM_ADDRESS": "sakura-eigyo.k@freemail.example.jp"}, 2, "organisation.from_address: is the compromised address"},
		{"missing file", func(*testing.T) []string { return []string{"--config", cfg, "import", "/nonexistent.csv"} }, nil,
			1, "no such file"},
		{"not an address book", func(*testing.T) []string { return []string{"--config", cfg, "import", cfg} }, nil,
			1, "owabi import"},
		{"unknown kind", func(*testing.T) []string { return []string{"--config", cfg, "send", "--kind", "sorry"} }, nil,
			2, `--kind "sorry"`},
		{"wrong type", func(t *testing.T) []string {
			return []string{"--config", write(t, func(s string) string { return strings.Replace(s, "connections = 2", `connections = "two"`, 1) }), "status"}
		}, nil, 2, "smtp.connections: line"},
		{"not a time", func(t *testing.T) []string {
			return []string{"--config", write(t, func(s string) string {
				return strings.Replace(s, "spam_sent_at = 2026-11-20T14:05:00+09:00", `spam_sent_at = "yesterday"`, 1)
			}), "status"}
		}, nil, 2, "incident.spam_sent_at: line"},
		{"sender with a display name", func(*testing.T) []string { return []string{"--config", cfg, "status"} },
			map[string]string{"OWABI_ORGANISATION_FROM_ADDRESS": "Desk <soudan@sakura-print.example.jp>"}, 2, "organisation.from_address: \"Desk <soudan@sakura-print.example.jp>\" is not a bare e-mail address"},
		{"extra argument", func(*testing.T) []string { return []string{"--config", cfg, "classify", "extra"} }, nil,
			2, `unexpected argument "extra"`},
		{"bad flag", func(*testing.T) []string { return []string{"--config", cfg, "status", "--jsn"} }, nil,
			2, "flag provided but not defined: -jsn"},
		{"status of a mistyped database", func(*testing.T) []string { return []string{"--config", cfg, "--db", "/nonexistent/typo.db", "status"} }, nil,
			1, "there is no database at /nonexistent/typo.db"},
		{"inbox of a mistyped database", func(t *testing.T) []string {
			return []string{"--config", cfg, "--db", filepath.Join(t.TempDir(), "typo.db"), "inbox"}
		}, nil, 1, "there is no database at "},
		{"unclassified contacts", func(t *testing.T) []string {
			c := setup(t, srv)
			book := filepath.Join(t.TempDir(), "book.csv")
			os.WriteFile(book, []byte("First Name,Last Name,E-mail 1 - Value\n太郎,山田,taro@freemail.example.jp\n"), 0o600)
			mustOwabi(t, nil, "--config", c, "import", book)
			return []string{"--config", c, "send", "--kind", "deletion"}
		}, nil, 2, "unclassified contacts: 1;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := owabi(t, tt.env, tt.args(t)...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tt.code, tt.want)
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("the error takes more than one line:\n%s", errOut)
			}
		})
	}
}

func TestRefusingServerLeavesQueue(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	mustOwabi(t, nil, "--config", cfg, "classify")
	srv.Close()
	code, _, errOut := owabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait")
	if code != 1 || !strings.Contains(errOut, "cannot connect to the mail server") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Errorf("exit %d, stderr %q; want exit 1 and one line about the mail server", code, errOut)
	}
	st := statusJSON(t, nil, "--config", cfg)
	if st.Notices[notify.Queued] != 258 || st.Notices[notify.Sent]+st.Notices[notify.Failed]+st.Notices[notify.Sending] != 0 {
		t.Errorf("after a refused connection: %v; want all 258 still queued", st.Notices)
	}
}

func TestImportFailureLeavesDatabase(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	book, err := os.ReadFile(sampleBook)
	if err != nil {
		t.Fatal(err)
	}
	a, err := open(context.Background(), &globals{config: cfg}, env{getenv: func(string) string { return "" }, stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// The disk fails after 200 good entries: none of them may stay.
	failing := io.MultiReader(bytes.NewReader(book[:len(book)*2/3]), iotest.ErrReader(errors.New("input/output error")))
	if _, err := (respond.Books{Store: a.db}).Import(context.Background(), "book.csv", failing, respond.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "input/output error") {
		t.Fatalf("import from a failing disk: %v; want the read error", err)
	}
	st, err := a.db.Status(context.Background())
	if err != nil || st.Contacts != 0 || st.Addresses != 0 {
		t.Fatalf("after a failed import: %d contacts, %d addresses (%v); want none", st.Contacts, st.Addresses, err)
	}
}

func TestBadRowsAreReportedAndTheRestImported(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	book := filepath.Join(t.TempDir(), "book.csv")
	os.WriteFile(book, []byte("First Name,Last Name,E-mail 1 - Value\n"+
		"太郎,山田,a@b\n"+
		"\"Bob\r\nBcc: x@y\",Z,z@z.example\n"+
		",,\n"+
		"花,田,hana@example.jp\n"+
		"花子,山田,\"unterminated\n"), 0o600)
	out := mustOwabi(t, nil, "--config", cfg, "import", book)
	for _, want := range []string{
		"contacts added            1",
		`line 2 (entry 1): invalid e-mail address "a@b"`,
		"line 3 (entry 2): the name contains a line break",
		"line 5 (entry 3): no e-mail address",
		"line 7 (entry 5): malformed CSV",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

func TestLockedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for SQLite's 5 s busy timeout")
	}
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	mustOwabi(t, nil, "--config", cfg, "classify") // creates the database
	// Another program holds the database locked for writing.
	other, err := sql.Open("sqlite3", filepath.Join(filepath.Dir(cfg), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := owabi(t, nil, "--config", cfg, "import", sampleBook)
	conn.ExecContext(context.Background(), "ROLLBACK")
	conn.Close()
	if code != 1 || !strings.Contains(errOut, "the database is locked by another program") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
		t.Errorf("exit %d, stderr %q; want exit 1 and one line saying the database is locked", code, errOut)
	}
	if st := statusJSON(t, nil, "--config", cfg); st.Contacts != 0 {
		t.Errorf("%d contacts stored by an import that failed", st.Contacts)
	}
}

func TestHelpGoesToStdoutAndSucceeds(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"status", "--help"}, {"send", "-h"}} {
		code, out, errOut := owabi(t, nil, args...)
		if code != 0 || !strings.Contains(out, "Usage: owabi") || errOut != "" {
			t.Errorf("owabi %v: exit %d, stdout %q, stderr %q; want the usage on stdout and exit 0", args, code, out, errOut)
		}
	}
}

func TestLocalTimesAreInTheConfiguredZone(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	body, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(body), "spam_sent_at = 2026-11-20T14:05:00+09:00", "spam_sent_at = 2026-11-20T14:05:00", 1)), 0o600)
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	mustOwabi(t, nil, "--config", cfg, "classify")
	// The machine's zone is not Tokyo in CI (UTC), so a time read in it shows moved.
	out := mustOwabi(t, nil, "--config", cfg, "preview", "--kind", "deletion", "--contact", "megumi.fujita@seiryu-saketen.example.jp")
	if !strings.Contains(out, "2026年11月20日（金）14時05分") {
		t.Errorf("a time without an offset moved:\n%s", out)
	}
}

func TestImportCP932(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	rep := importJSON(t, cfg, "../../testdata/books/google_cp932.csv")
	if rep.Encoding != "Shift_JIS (CP932)" || rep.Records != 4 || rep.Added != 4 || len(rep.Rejected) != 0 {
		t.Fatalf("import of a CP932 file: %+v", rep)
	}
	mustOwabi(t, nil, "--config", cfg, "classify")
	for email, want := range map[string]string{
		"k-takahashi@nk-design.example":       "㈱ＮＫデザイン 髙橋 健 様",
		"misaki.sakiyama@freemail.example.jp": "有限会社ひばり茶舗 﨑山 美咲 様",
	} {
		out := mustOwabi(t, nil, "--config", cfg, "preview", "--kind", "deletion", "--contact", email)
		if !strings.Contains(out, want) {
			t.Errorf("preview for %s lacks %q:\n%s", email, want, out)
		}
	}
	st := statusJSON(t, nil, "--config", cfg)
	if st.Categories[notify.Customer] != 2 || st.Categories[notify.Employee] != 1 || st.Categories[notify.Supplier] != 1 {
		t.Errorf("categories: %v", st.Categories)
	}
}

func TestImportUTF16AndDryRun(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	book, err := os.ReadFile(sampleBook)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(book)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "book-utf16.csv")
	os.WriteFile(path, utf16, 0o600)
	out := mustOwabi(t, nil, "--config", cfg, "import", "--dry-run", path)
	if !strings.Contains(out, "Dry run, nothing written") || !strings.Contains(out, "UTF-16LE") || !strings.Contains(out, "contacts added          243") {
		t.Errorf("dry run report:\n%s", out)
	}
	// It wrote nothing, not even an empty database.
	if code, _, errOut := owabi(t, nil, "--config", cfg, "status", "--json"); code == 0 || !strings.Contains(errOut, "there is no database") {
		t.Fatalf("status after a dry run: exit %d, %s", code, errOut)
	}
	mustOwabi(t, nil, "--config", cfg, "import", path)
	if st := statusJSON(t, nil, "--config", cfg); st.Contacts != 243 || st.Addresses != 258 {
		t.Errorf("after importing the UTF-16 book: %d contacts, %d addresses", st.Contacts, st.Addresses)
	}
	// The same book in UTF-8 adds nothing: the text came through intact.
	rep := importJSON(t, cfg, sampleBook)
	if rep.Unchanged != 243 || rep.Encoding != "UTF-8" {
		t.Errorf("UTF-8 import after the UTF-16 one: %+v; want all 243 unchanged", rep)
	}
}

func TestImportOldGoogleCSV(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	rep := importJSON(t, cfg, "../../testdata/books/google_old_utf16.csv")
	if rep.Format != "google-csv-old" || rep.Encoding != "UTF-16LE" || rep.Added != 3 || len(rep.Rejected) != 0 {
		t.Fatalf("import of an old-layout UTF-16 file: %+v", rep)
	}
	st := statusJSON(t, nil, "--config", cfg)
	if st.Categories[notify.Supplier] != 1 || st.Categories[notify.Customer] != 1 || st.Categories[notify.Employee] != 1 {
		t.Errorf("categories: %v; want one of each (domain, label, own domain)", st.Categories)
	}
	out := mustOwabi(t, nil, "--config", cfg, "preview", "--kind", "deletion", "--contact", "ichiro.yoshida@freemail.example.jp")
	if !strings.Contains(out, "𠮷田 一郎 様") {
		t.Errorf("the name outside the BMP did not come through:\n%s", out)
	}
}
