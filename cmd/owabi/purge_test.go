package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer/smtptest"
)

// sampleValues is the personal data of the sample book that owabi stores
// (names, readings, companies, departments, titles, notes, addresses,
// phones), each long enough not to turn up by chance among the hashes.
// The owners' addresses are left out: staff, who stay.
func sampleValues(t *testing.T, db string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	staff := map[string]bool{}
	owners, err := raw.Query(`SELECT DISTINCT owner_email FROM contacts`)
	if err != nil {
		t.Fatal(err)
	}
	for owners.Next() {
		var o string
		owners.Scan(&o)
		staff[o] = true
	}
	owners.Close()
	// The organisation's own words (the incident record, seeded from the
	// config) may share a word with the book, such as 営業部: not the
	// leaked data.
	own, err := os.ReadFile(filepath.Join(filepath.Dir(db), "owabi.toml"))
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, sampleBook)
	stored := map[string]bool{"First Name": true, "Last Name": true, "Phonetic First Name": true, "Phonetic Last Name": true,
		"Organization Name": true, "Organization Title": true, "Organization Department": true, "Notes": true,
		"E-mail 1 - Value": true, "E-mail 2 - Value": true, "Phone 1 - Value": true, "Phone 2 - Value": true}
	var values []string
	for _, r := range rows[1:] {
		for i, v := range r {
			if stored[strings.TrimPrefix(rows[0][i], "\ufeff")] && len(v) >= 6 && !staff[v] && !strings.Contains(string(own), v) {
				values = append(values, v)
			}
		}
	}
	if len(values) < 1500 {
		t.Fatalf("only %d values from the sample book", len(values))
	}
	return values
}

// fileHolds lists the values found in the bytes of the database file and
// its write-ahead log.
func fileHolds(t *testing.T, db string, values []string) []string {
	t.Helper()
	var found []string
	for _, f := range []string{db, db + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, v := range values {
			if bytes.Contains(b, []byte(v)) {
				found = append(found, v)
			}
		}
	}
	return found
}

func TestPurgeRefusesWithoutConfirmation(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	sendSample(t, cfg)
	db := filepath.Join(filepath.Dir(cfg), "owabi.db")
	before := statusJSON(t, nil, "--config", cfg)
	for _, typed := range []string{"", "yes\n", "PURGE\n"} {
		code, out, errOut := owabiWithInput(t, nil, typed, "--config", cfg, "purge")
		if code != 1 || !strings.Contains(errOut, "not confirmed: nothing was erased") || !strings.Contains(out, "243  contacts") ||
			!strings.Contains(out, "258  e-mail addresses") {
			t.Errorf("purge, typing %q: exit %d\n%s%s", typed, code, out, errOut)
		}
	}
	if rows := exportRows(t, cfg); rows["megumi.fujita@seiryu-saketen.example.jp"][1] != "藤田 恵" {
		t.Errorf("a refused purge erased something: %v", rows["megumi.fujita@seiryu-saketen.example.jp"])
	}
	if st := statusJSON(t, nil, "--config", cfg); !reflect.DeepEqual(st, before) {
		t.Errorf("a refused purge changed the status: %+v", st)
	}
	if out := mustOwabi(t, nil, "--config", cfg, "audit", "list", "1"); strings.Contains(out, "purge") {
		t.Errorf("a refused purge is in the audit trail:\n%s", out)
	}
	if found := fileHolds(t, db, sampleValues(t, db)); len(found) == 0 {
		t.Error("the sample's data is not in the file: the purge's test would look for nothing")
	}
}

func TestPurgeErasesTheSampleBookAndKeepsTheCounts(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	sendSample(t, cfg)
	dir := filepath.Dir(cfg)
	db := filepath.Join(dir, "owabi.db")
	backup := filepath.Join(dir, "backup-before-purge.db")
	mustOwabi(t, nil, "--config", cfg, "backup", backup)
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "apology") // queued, not sent: the purge withdraws them
	before := statusJSON(t, nil, "--config", cfg)
	values := sampleValues(t, db)
	code, out, errOut := owabiWithInput(t, nil, "purge\n", "--config", cfg, "purge")
	if code != 0 || !strings.Contains(out, "Purged:") || !strings.Contains(out, "258  notices waiting to be sent (withdrawn)") ||
		!strings.Contains(out, "files outside it still hold the personal data") || !strings.Contains(out, "バックアップ "+backup+"（") {
		t.Fatalf("purge: exit %d\n%s%s", code, out, errOut)
	}
	if found := fileHolds(t, db, values); len(found) > 0 {
		t.Errorf("the database file still holds %d values of the book, such as %q", len(found), found[0])
	}
	after := statusJSON(t, nil, "--config", cfg)
	for _, n := range before.ByKind {
		n[notify.Queued] = 0
	}
	for _, n := range before.ByCategory {
		n[notify.Queued] = 0
	}
	for _, byKind := range before.ByCategoryKind {
		for _, n := range byKind {
			n[notify.Queued] = 0
		}
	}
	before.Notices[notify.Queued] = 0
	if !reflect.DeepEqual(after, before) {
		t.Errorf("the status after the purge:\n%+v\nwant, the apologies withdrawn:\n%+v", after, before)
	}
	if out := mustOwabi(t, nil, "--config", cfg, "audit", "verify"); !strings.Contains(out, "none before the last was changed") {
		t.Errorf("audit verify after the purge:\n%s", out)
	}
	if out := mustOwabi(t, nil, "--config", cfg, "audit", "list", "3"); !strings.Contains(out, "cli purge: personal data purged: contacts 243,") {
		t.Errorf("the purge's entry:\n%s", out)
	}
	// Nothing more is sent.
	if code, _, errOut := owabi(t, nil, "--config", cfg, "send", "--kind", "apology", "--wait"); code != 1 || !strings.Contains(errOut, "purged") {
		t.Errorf("send after the purge: exit %d, %s", code, errOut)
	}
	if srv.Count() != 258 {
		t.Errorf("the server received %d mails, want the 258 deletion requests only", srv.Count())
	}
	// Again: nothing more to erase.
	if code, out, errOut := owabiWithInput(t, nil, "", "--config", cfg, "purge"); code != 0 || !strings.Contains(out, "Erased now, of what came in since:") {
		t.Errorf("a second purge: exit %d\n%s%s", code, out, errOut)
	}
	// An entry edited in the file afterwards is caught: the import's,
	// purged, and the queueing's, kept.
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, edit := range []struct{ sql, kind string }{
		{`UPDATE audit SET detail = 'queued nothing' WHERE kind = 'queue'`, "queue"},
		{`UPDATE audit SET actor = 'kanri' WHERE kind = 'import'`, "import"},
	} {
		if _, err := raw.Exec(`DROP TRIGGER IF EXISTS audit_no_update; ` + edit.sql); err != nil {
			t.Fatal(err)
		}
		var id int
		if err := raw.QueryRow(`SELECT min(id) FROM audit WHERE kind = ?`, edit.kind).Scan(&id); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("broken at entry #%d", id)
		if code, _, errOut := owabi(t, nil, "--config", cfg, "audit", "verify"); code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("after %s: exit %d, %s", edit.sql, code, errOut)
		}
	}
}

func TestPurgeYesIsForScriptsAndWaitsForTheDaemon(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	sendSample(t, cfg)
	d := startServe(t, cfg)
	waitFor(t, d.stderr.appears("owabi is serving"), "the daemon to start")
	if code, _, errOut := owabi(t, nil, "--config", cfg, "purge", "--yes"); code != 1 || !strings.Contains(errOut, "stop owabi serve first") {
		t.Errorf("a purge under the running daemon: exit %d, %s", code, errOut)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.cmd.Wait()
	if out := mustOwabi(t, nil, "--config", cfg, "purge", "--yes"); !strings.Contains(out, "243  contacts") {
		t.Errorf("purge --yes:\n%s", out)
	}
}

// The demo's captured mails, a backup and an export are files outside the
// database: a purge names them, in Japanese and English, and deletes them
// only when asked to.
func TestAPurgeOfTheDemoNamesTheFilesItLeaves(t *testing.T) {
	dir := t.TempDir()
	mustOwabi(t, nil, "demo", "--data", dir, "--no-serve")
	cfg := filepath.Join(dir, "owabi.toml")
	mail, backup, export := filepath.Join(dir, "mail"), filepath.Join(dir, "backup.db"), filepath.Join(dir, "contacts.csv")
	mustOwabi(t, nil, "--config", cfg, "backup", backup)
	mustOwabi(t, nil, "--config", cfg, "export", export)
	mustOwabi(t, nil, "--config", cfg, "export", "-")
	out := mustOwabi(t, nil, "--config", cfg, "purge", "--yes")
	for _, want := range []string{
		"データベースの外のファイルには個人データが残っています",
		"デモが受け取ったメール 258 通（.eml ファイル）" + mail + "（",
		"バックアップ " + backup + "（",
		"書き出した連絡先一覧 " + export + "（",
		"取り出された連絡先一覧（ウェブ画面からのダウンロード、または標準出力への書き出し。保存先は owabi には分かりません）（",
		"A purge erases the database only: files outside it still hold the personal data.",
		"258 mails the demo captured (.eml files) in " + mail + " (",
		"backup " + backup + " (",
		"exported contact list " + export + " (",
		"owabi purge --files",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the purge's output lacks %q:\n%s", want, out)
		}
	}
	if mails, _ := filepath.Glob(filepath.Join(mail, "*.eml")); len(mails) != 258 {
		t.Errorf("the purge alone deleted captured mails: %d left", len(mails))
	}
	// Asked to, it deletes them; what it cannot know the place of stays named.
	out = mustOwabi(t, nil, "--config", cfg, "purge", "--yes", "--files")
	for _, path := range []string{mail, backup, export} {
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%s is still there after purge --files: %v", path, err)
		}
		if !strings.Contains(out, "deleted: "+path+"\n") {
			t.Errorf("purge --files does not say it deleted %s:\n%s", path, out)
		}
	}
	if strings.Contains(out, "258 mails") || !strings.Contains(out, "a contact list taken out") {
		t.Errorf("purge --files:\n%s", out)
	}
	// Files written after the purge hold none of it.
	mustOwabi(t, nil, "--config", cfg, "backup", filepath.Join(dir, "after.db"))
	if out := mustOwabi(t, nil, "--config", cfg, "purge", "--yes"); strings.Contains(out, "after.db") {
		t.Errorf("a backup made after the purge is named:\n%s", out)
	}
}
