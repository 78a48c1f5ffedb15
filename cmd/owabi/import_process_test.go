package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer/smtptest"
)

// bookPipe is a named pipe for an import to read a book from as the test
// writes it: a write returns once the import has read all but what the
// pipe holds (64 KiB), so the test knows how far the import has got
// without watching it. The test's end is opened for reading too, so that
// opening either end never waits for the other.
func bookPipe(t *testing.T) (path string, w *os.File) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "book.csv")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	w, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return path, w
}

// importsJSON is owabi imports --json.
func importsJSON(t *testing.T, cfg string) []notify.ImportSummary {
	t.Helper()
	var list []notify.ImportSummary
	if err := json.Unmarshal([]byte(mustOwabi(t, nil, "--config", cfg, "imports", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	return list
}

// An import killed part-way (SIGKILL: no undo of its own) leaves its
// chunks committed; the status says so, and the next command that writes
// undoes them: the database reads as before.
func TestAnImportKilledPartWayIsUndoneByTheNextCommand(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	before, imports := statusJSON(t, nil, "--config", cfg), importsJSON(t, cfg)
	pipe, w := bookPipe(t)
	cmd := exec.Command(owabiBinary(t), "--config", cfg, "import", pipe)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	writeBook(t, w, 20_000) // read, and all but the last chunks stored, by the time it returns
	cmd.Process.Kill()
	cmd.Wait()

	st := statusJSON(t, nil, "--config", cfg)
	if st.Import == nil || !st.Import.Stopped || st.Import.Records < 10_000 || st.Contacts < before.Contacts+10_000 {
		t.Fatalf("after the kill: %d contacts, unfinished %+v; want ten thousand more, and the import left part-way", st.Contacts, st.Import)
	}
	if out := mustOwabi(t, nil, "--config", cfg, "status"); !strings.Contains(out, "Import 2 of book.csv was left part-way by a process that stopped") {
		t.Errorf("owabi status:\n%s", out)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "user", "list"); code != 0 {
		t.Errorf("a command that only looks: exit %d, %s", code, errOut)
	}
	if st := statusJSON(t, nil, "--config", cfg); st.Import == nil {
		t.Error("a command that only looks undid the import")
	}
	mustOwabi(t, nil, "--config", cfg, "resend", "--dry-run") // a command that writes
	if got := statusJSON(t, nil, "--config", cfg); !reflect.DeepEqual(got, before) {
		t.Errorf("after the next command:\n %+v\nbefore the import:\n %+v", got, before)
	}
	if got := importsJSON(t, cfg); !reflect.DeepEqual(got, imports) {
		t.Errorf("imports after the next command: %+v; before: %+v", got, imports)
	}
}

// A salesperson logs a call in the web app of owabi serve while owabi
// import, another process, stores a book: the call is stored at once, not
// refused after the import held the database for 5 s.
func TestACallIsStoredWhileAnotherProcessImports(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	owabiWithInput(t, nil, password+"\n", "--config", cfg, "user", "add", "--role", "sales", "--password-stdin", "suzuki")
	mustOwabi(t, nil, "--config", cfg, "user", "access", "suzuki", "all")
	d := startServe(t, cfg)
	waitFor(t, d.stderr.appears("the web app is serving"), "the web app")
	staff := signInTo(t, d, "suzuki", password)

	pipe, w := bookPipe(t)
	imp := exec.Command(owabiBinary(t), "--config", cfg, "import", pipe)
	var out strings.Builder
	imp.Stdout, imp.Stderr = &out, &out
	if err := imp.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { imp.Process.Kill(); imp.Wait() })
	writeBook(t, w, 10_000) // the import is part-way: before the change, one transaction held the database
	if st := statusJSON(t, nil, "--config", cfg); st.Import == nil || st.Import.Stopped {
		t.Fatalf("the import is not running: %+v", st.Import)
	}
	// And while it stores the rest.
	rest := make(chan error, 1)
	go func() { rest <- writeBookRows(w, 10_000, 50_000, false) }()
	for i := range 5 {
		if code, err := staff.logCall(int64(1 + i)); err != nil || code != http.StatusSeeOther {
			t.Errorf("call %d during the import: %d, %v", i+1, code, err)
		}
	}
	if err := <-rest; err != nil {
		t.Fatal(err)
	}
	w.Close()
	if err := imp.Wait(); err != nil {
		t.Fatalf("the import: %v\n%s", err, out.String())
	}
	if st := statusJSON(t, nil, "--config", cfg); st.Contacts < 50_000 || st.Import != nil {
		t.Errorf("after the import: %d contacts, %+v", st.Contacts, st.Import)
	}
	db, err := sql.Open("sqlite3", filepath.Join(filepath.Dir(cfg), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var calls int
	if err := db.QueryRow(`SELECT count(DISTINCT contact_id) FROM calls WHERE contact_id <= 5`).Scan(&calls); err != nil || calls != 5 {
		t.Errorf("%d of the 5 contacts called have their call stored (%v)", calls, err)
	}
}

const password = "correct horse battery"

// webSession is a member of staff signed in to the web app of a running
// owabi serve.
type webSession struct {
	base string
	c    *http.Client
	csrf string
}

// servedAt is the address of the web app d serves, as it logged it.
func servedAt(tb testing.TB, d *daemon) string {
	tb.Helper()
	m := servingURL.FindStringSubmatch(d.stderr.String())
	if m == nil {
		tb.Fatalf("no URL in the log:\n%s", d.stderr.String())
	}
	return strings.TrimSuffix(m[1], "/")
}

// signInTo signs in to the web app d serves (it logged its address).
func signInTo(tb testing.TB, d *daemon, name, password string) *webSession {
	tb.Helper()
	s := &webSession{base: servedAt(tb, d), c: newBrowser("")}
	page, err := s.get("/login")
	if err != nil {
		tb.Fatal(err)
	}
	token := csrfField.FindStringSubmatch(page)
	if token == nil {
		tb.Fatalf("sign-in page:\n%s", page)
	}
	resp, err := s.c.PostForm(s.base+"/login", url.Values{"csrf": {token[1]}, "name": {name}, "password": {password}})
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	if page, err = s.get("/contacts/mine"); err != nil {
		tb.Fatal(err)
	}
	if token = csrfField.FindStringSubmatch(page); token == nil {
		tb.Fatalf("after signing in:\n%s", page)
	}
	s.csrf = token[1]
	return s
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (s *webSession) get(path string) (string, error) {
	resp, err := s.c.Get(s.base + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// logCall sends the call form of a contact, as a new call (a form key of
// its own), and returns the status: 303 once the call is stored.
func (s *webSession) logCall(contact int64) (int, error) {
	key := make([]byte, 16)
	rand.Read(key)
	resp, err := s.c.PostForm(fmt.Sprintf("%s/contacts/%d/calls", s.base, contact),
		url.Values{"csrf": {s.csrf}, "once": {hex.EncodeToString(key)}, "outcome": {"no_answer"}})
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}
