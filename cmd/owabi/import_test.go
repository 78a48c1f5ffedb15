package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/mailer/smtptest"
)

const books = "../../testdata/books/"

// exportRows runs "owabi export -" and returns the rows, by the contact's
// first address.
func exportRows(t *testing.T, cfg string) map[string][]string {
	t.Helper()
	out := mustOwabi(t, nil, "--config", cfg, "export", "--lang", "en", "-")
	if !strings.HasPrefix(out, "\ufeff") {
		t.Fatalf("the export has no BOM: %.40q", out)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	byEmail := map[string][]string{}
	for _, r := range rows[1:] {
		byEmail[strings.Split(r[6], "\n")[0]] = r
	}
	return byEmail
}

func TestImportEveryFormat(t *testing.T) {
	tests := []struct {
		file, format, encoding string
		added, rejected        int // -1: checked by the format's own test
		email                  string
		name, company          string // as the export shows them, after a round trip through the database
	}{
		{"outlook_en.csv", addrbook.FormatOutlook, addrbook.UTF8BOM, 3, 1,
			"hanako.sato@sakura-print.example.jp", "佐藤 花子", "さくら印刷株式会社"},
		{"outlook_ja_cp932.csv", addrbook.FormatOutlookJa, addrbook.CP932, 3, 1,
			"ichiro@takahashi-ss.example", "髙橋 一郎", "㈱髙橋製作所"},
		{"vcard30_iphone.vcf", addrbook.FormatVCard, addrbook.UTF8, -1, -1,
			"taro.yamada@sakura-print.example.jp", "山田 太郎", "さくら印刷株式会社"},
		{"vcard40.vcf", addrbook.FormatVCard, addrbook.UTF8, -1, -1,
			"ken.ito@kikyo-foods.example.com", "伊藤 健", "Kikyo Foods, Inc."},
		{"vcard21_sjis_qp.vcf", addrbook.FormatVCard, addrbook.UTF8, -1, -1,
			"misaki_s-0303@ezweb.ne.jp", "﨑山 美咲", "表参道ソフト㈲"},
		{"vcard21_outlook_cp932.vcf", addrbook.FormatVCard, addrbook.CP932, -1, -1,
			"k-takahashi@nk-design.example", "髙橋 健", "㈱ＮＫデザイン"},
		{"google_cp932.csv", addrbook.FormatGoogle, addrbook.CP932, 0, 0, "", "", ""},
		{"google_old_utf16.csv", addrbook.FormatGoogleOld, addrbook.UTF16LE, 0, 0, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			cfg := setup(t, smtptest.New(t))
			rep := importJSON(t, cfg, books+tt.file)
			if rep.Format != tt.format || rep.Encoding != tt.encoding {
				t.Errorf("read as %s, %s; want %s, %s", rep.Format, rep.Encoding, tt.format, tt.encoding)
			}
			if tt.email == "" {
				return // the counts are checked by the format's own test
			}
			if tt.added >= 0 && (rep.Added != tt.added || len(rep.Rejected) != tt.rejected) {
				t.Errorf("added %d, rejected %v; want %d and %d", rep.Added, rep.Rejected, tt.added, tt.rejected)
			}
			row := exportRows(t, cfg)[tt.email]
			if row == nil || row[1] != tt.name || row[3] != tt.company {
				t.Errorf("exported %q; want name %q, company %q", row, tt.name, tt.company)
			}
		})
	}
}

func TestImportFormatAndMapFlags(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	book := filepath.Join(t.TempDir(), "名簿.csv")
	os.WriteFile(book, []byte("氏名,会社名,メール\n山田 太郎,㈱やまだ,taro@yamada.example\n"), 0o600)
	code, _, errOut := owabi(t, nil, "--config", cfg, "import", book)
	if code != 1 || !strings.Contains(errOut, "--map email=メール,name=氏名") {
		t.Errorf("an unknown layout: exit %d, %s", code, errOut)
	}
	out := mustOwabi(t, nil, "--config", cfg, "import", "--json", "--map", "email=メール,name=氏名,company=会社名", book)
	var rep notify.ImportReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Added != 1 || rep.Format != addrbook.FormatCSV {
		t.Errorf("mapped import: %+v, %v", rep, err)
	}
	// The same mapping from the config (here through its environment
	// variable), and a wrong one named by its key.
	env := map[string]string{"OWABI_IMPORT_MAP": "email=メール,name=氏名"}
	if out := mustOwabi(t, env, "--config", cfg, "import", "--json", book); !strings.Contains(out, `"unchanged": 1`) {
		t.Errorf("import with import.map: %s", out)
	}
	// A mapping kept in the config must not stop an Outlook export from
	// being read as one.
	if out := mustOwabi(t, env, "--config", cfg, "import", "--json", books+"outlook_en.csv"); !strings.Contains(out, `"format": "outlook-csv"`) {
		t.Errorf("Outlook with import.map set: %s", out)
	}
	env["OWABI_IMPORT_MAP"] = "mail=メール"
	if code, _, errOut := owabi(t, env, "--config", cfg, "import", book); code != 2 || !strings.Contains(errOut, "import.map") {
		t.Errorf("a wrong import.map: exit %d, %s", code, errOut)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "import", "--format", "excel", book); code != 2 || !strings.Contains(errOut, "the formats are csv, google-csv") {
		t.Errorf("unknown --format: exit %d, %s", code, errOut)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "import", "--format", "outlook-csv", book); code != 1 || !strings.Contains(errOut, "not an Outlook CSV export") {
		t.Errorf("--format that does not fit: exit %d, %s", code, errOut)
	}
}

func TestImportSeveralFilesIsIdempotent(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	files := []string{sampleBook, books + "outlook_en.csv", books + "outlook_ja_cp932.csv"}
	run := func() []notify.ImportReport {
		out := mustOwabi(t, nil, append([]string{"--config", cfg, "import", "--json"}, files...)...)
		var reps []notify.ImportReport
		if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 3 {
			t.Fatalf("import --json of 3 files: %v\n%s", err, out)
		}
		return reps
	}
	run()
	before := statusJSON(t, nil, "--config", cfg)
	for _, rep := range run() {
		if rep.Added != 0 || rep.Updated != 0 || rep.AddressesAdded != 0 {
			t.Errorf("second run of %s: %+v; want nothing added or updated", rep.File, rep)
		}
	}
	after := statusJSON(t, nil, "--config", cfg)
	if before.Contacts != after.Contacts || before.Addresses != after.Addresses {
		t.Errorf("second run changed the book: %d/%d contacts, %d/%d addresses",
			before.Contacts, after.Contacts, before.Addresses, after.Addresses)
	}
	out := mustOwabi(t, nil, "--config", cfg, "imports")
	if strings.Count(out, "\n") != 7 || !strings.Contains(out, "outlook_ja_cp932.csv (Outlook CSV, Japanese headers)") {
		t.Errorf("owabi imports: want a header and 6 imports:\n%s", out)
	}
	out = mustOwabi(t, nil, "--config", cfg, "imports", "2")
	if !strings.HasPrefix(out, "Import 2 of 20") || !strings.Contains(out, "line 5 (entry 3): only an internal Exchange (X.500) name") {
		t.Errorf("the stored report of import 2 lacks the X.500 rejection:\n%s", out)
	}
}

func TestTenThousandCopiesOfOneRow(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	book := filepath.Join(t.TempDir(), "copies.csv")
	row := "太郎,山田,taro@yamada.example\n"
	os.WriteFile(book, []byte("First Name,Last Name,E-mail 1 - Value\n"+strings.Repeat(row, 10_000)), 0o600)
	rep := importJSON(t, cfg, book)
	if rep.Records != 10_000 || rep.Added != 1 || rep.Merged != 9_999 || rep.AddressesAdded != 1 {
		t.Errorf("report: %+v", rep)
	}
	if st := statusJSON(t, nil, "--config", cfg); st.Contacts != 1 || st.Addresses != 1 {
		t.Errorf("stored %d contacts, %d addresses; want 1 and 1", st.Contacts, st.Addresses)
	}
}

func TestFormulaNamesAreNeutralisedInTheExport(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	book := filepath.Join(t.TempDir(), "book.csv")
	os.WriteFile(book, []byte("First Name,Last Name,Organization Name,E-mail 1 - Value\n"+
		"\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",+cmd,@SUM(A1),evil@example.jp\n"+
		// As a Japanese input method types them: full width.
		"太郎,－2+3,\"＝HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",wide@example.jp\n"), 0o600)
	mustOwabi(t, nil, "--config", cfg, "import", book)
	rows := exportRows(t, cfg)
	c := rows["evil@example.jp"]
	if c == nil || c[1] != `'+cmd =HYPERLINK("http://evil.example","x")` || c[3] != "'@SUM(A1)" {
		t.Errorf("exported row %q: formulas must start with an apostrophe", c)
	}
	if c := rows["wide@example.jp"]; c == nil || c[1] != "'－2+3 太郎" || c[3] != `'＝HYPERLINK("http://evil.example","x")` {
		t.Errorf("exported row %q: full-width formulas must start with an apostrophe too", c)
	}
	// The database keeps the text as it was written.
	if !strings.Contains(mustOwabi(t, nil, "--config", cfg, "preview", "--kind", "deletion", "--contact", "evil@example.jp"), "@SUM(A1)") {
		t.Error("the stored company name changed")
	}
	out := filepath.Join(t.TempDir(), "contacts.csv")
	mustOwabi(t, nil, "--config", cfg, "export", out)
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("export file: %v, %v; want owner-only", fi, err)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "export", out); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("export over an existing file: exit %d, %s", code, errOut)
	}
}

func TestNamesCannotAddRecipientsOrHeaders(t *testing.T) {
	srv := smtptest.New(t)
	cfg := setup(t, srv)
	book := filepath.Join(t.TempDir(), "book.csv")
	os.WriteFile(book, []byte("First Name,Last Name,Organization Name,E-mail 1 - Value\n"+
		"\"Bob <evil@attacker.example>, Bcc: evil2@attacker.example\",\"=?utf-8?q?x?= \"\"q\"\"\",\"A; Cc: evil3@attacker.example\",bob@example.jp\n"), 0o600)
	if rep := importJSON(t, cfg, book); rep.Added != 1 {
		t.Fatalf("import: %+v", rep)
	}
	mustOwabi(t, nil, "--config", cfg, "send", "--kind", "deletion", "--wait", "--allow-unclassified")
	msgs := srv.Messages()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "bob@example.jp" {
		t.Fatalf("recipients: %+v", msgs)
	}
	d, err := msgs[0].Decode()
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Bcc", "Cc"} {
		if v := d.Header.Get(h); v != "" {
			t.Errorf("the message has a %s header: %q", h, v)
		}
	}
	// The name stays a quoted display name: one address, Bob's.
	to, err := d.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "bob@example.jp" {
		t.Errorf("To = %q: %v, %v", d.Header.Get("To"), to, err)
	}
}

// A book with more bad entries than a report holds: the command line
// prints the first 100 of each kind and says how to see the rest, --all
// lists every one, and the JSON holds every one, as encoding/json writes
// the whole report. A dry run, which stores nothing, says it kept the
// first 100.
func TestTheCommandLineShowsTheFirstNotesAndListsThemAll(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	var book strings.Builder
	book.WriteString("First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\n")
	for i := 1; i <= 360; i++ {
		if i%3 == 0 {
			fmt.Fprintf(&book, "x,x,ok%d@example.jp,ab\n", i) // imported, the phone left out
		} else {
			fmt.Fprintf(&book, "x,x,%07d,\n", i) // rejected
		}
	}
	path := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(path, []byte(book.String()), 0o600)
	const rejected, flagged = 240, 120
	printed := func(out string) (rejected, flagged int) {
		return strings.Count(out, "\n  rejected: line "), strings.Count(out, "\n  check:    line ")
	}

	out := mustOwabi(t, nil, "--config", cfg, "import", path)
	if r, f := printed(out); r != 100 || f != 100 || !strings.Contains(out, "  entries rejected        240\n") ||
		!strings.Contains(out, "  entries to check        120\n") || !strings.Contains(out, "line 2 (entry 1): invalid e-mail address \"0000001\"") ||
		strings.Contains(out, "(entry 151)") ||
		!strings.Contains(out, "\n  rejected: 140 more, not shown: \"owabi imports --all 1\" lists every one\n") ||
		!strings.Contains(out, "\n  check:    20 more, not shown: \"owabi imports --all 1\" lists every one\n") {
		t.Errorf("owabi import printed %d rejected and %d flagged entries:\n%s", r, f, out)
	}
	out = mustOwabi(t, nil, "--config", cfg, "imports", "--all", "1")
	if r, f := printed(out); r != rejected || f != flagged || !strings.Contains(out, "line 360 (entry 359): invalid e-mail address \"0000359\"") ||
		!strings.Contains(out, "line 361 (entry 360): the phone \"ab\" was left out") || strings.Contains(out, "more, not shown") {
		t.Errorf("owabi imports --all printed %d rejected and %d flagged entries:\n%s", r, f, out)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "imports", "--all"); code != 2 || !strings.Contains(errOut, "owabi imports --all ID") {
		t.Errorf("--all without an import: exit %d, %s", code, errOut)
	}

	out = mustOwabi(t, nil, "--config", cfg, "imports", "--json", "1")
	var rep importedJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Rejected) != rejected || len(rep.Flagged) != flagged ||
		rep.RejectedCount != rejected || rep.FlaggedCount != flagged || rep.Rejected[rejected-1].Number != 359 {
		t.Fatalf("owabi imports --json: %d rejected and %d flagged (%v)\n%.2000s", len(rep.Rejected), len(rep.Flagged), err, out)
	}
	var whole strings.Builder
	writeJSON(&whole, rep)
	if out != whole.String() {
		t.Errorf("the JSON written a note at a time is not what encoding/json writes:\n%s\nwant\n%s", out, whole.String())
	}
	if again := importJSON(t, cfg, path); len(again.Rejected) != rejected || len(again.Flagged) != flagged {
		t.Errorf("owabi import --json: %d rejected and %d flagged", len(again.Rejected), len(again.Flagged))
	}

	out = mustOwabi(t, nil, "--config", cfg, "import", "--dry-run", path)
	if r, f := printed(out); r != 100 || f != 100 || !strings.Contains(out, "\n  rejected: 140 more, not shown: a dry run keeps the first 100\n") {
		t.Errorf("owabi import --dry-run printed %d rejected and %d flagged entries:\n%s", r, f, out)
	}
	out = mustOwabi(t, nil, "--config", cfg, "import", "--dry-run", "--json", path)
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Rejected) != 100 || rep.RejectedCount != rejected || !rep.DryRun {
		t.Errorf("owabi import --dry-run --json: %d of %d rejected (%v)", len(rep.Rejected), rep.RejectedCount, err)
	}
}

// Real exports (shared/corpora/books, beside the checkout) whose entries
// lost all their addresses for one bad field, or that were refused, are
// imported by the binary: the good addresses are kept, and the field left
// out is in the report's flagged notes for a person to check.
func TestImportCorpusBadFieldsReported(t *testing.T) {
	const corpus = "../../../shared/corpora/books/"
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("SKIPPED: the address-book corpus is not at %s (shared/corpora/books beside the checkout): %v", corpus, err)
	}
	cfg := setup(t, smtptest.New(t))
	for _, tt := range []struct {
		file, format, encoding string
		added                  int
		flagged                string // in one of the flagged notes; "" for none
	}{
		{"ezvcard__John_Doe_ANDROID.vcf", addrbook.FormatVCard, addrbook.UTF8, 4, `invalid e-mail address "ÑÑÑÑÑÑÑÑÑÑÑÑÑÑ": it has no @, so it was left out`},
		{"roundcube__johndoe.vcf", addrbook.FormatVCard, addrbook.CP1252, 1, ""},
		{"roundcube__thebat.vcf", addrbook.FormatVCard, addrbook.UTF8, 1, "the name was read as Windows-1252 (Western European), as it names no character set and is not UTF-8: check it"},
		{"roundcube__Csv2vcard-tb_plain.csv", addrbook.FormatTBird, addrbook.UTF8, 1, ""},
		{"roundcube__Csv2vcard-outlook.csv", addrbook.FormatOutlook, addrbook.UTF8, 1, ""},
	} {
		t.Run(tt.file, func(t *testing.T) {
			rep := importJSON(t, cfg, corpus+tt.file)
			if rep.Format != tt.format || rep.Encoding != tt.encoding || rep.Added != tt.added {
				t.Errorf("read as %s, %s, %d added; want %s, %s, %d", rep.Format, rep.Encoding, rep.Added, tt.format, tt.encoding, tt.added)
			}
			var notes []string
			for _, n := range rep.Flagged {
				notes = append(notes, n.Reason)
			}
			if tt.flagged != "" && !strings.Contains(strings.Join(notes, "\n"), tt.flagged) {
				t.Errorf("flagged %q; want a note %q", notes, tt.flagged)
			}
		})
	}
}

// Neither an import refused for its config nor a dry run leaves an empty
// database behind, to be mistaken for the incident's.
func TestAFailedImportOrADryRunMakesNoDatabase(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	db := filepath.Join(filepath.Dir(cfg), "owabi.db")
	out := mustOwabi(t, nil, "--config", cfg, "import", "--dry-run", sampleBook)
	if !strings.Contains(out, "contacts added          243") {
		t.Errorf("the dry run:\n%s", out)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a dry run made %s: %v", db, err)
	}
	os.Remove(filepath.Join(filepath.Dir(cfg), "customers.csv"))
	if code, _, errOut := owabi(t, nil, "--config", cfg, "import", sampleBook); code == 0 || !strings.Contains(errOut, "classify.customers") {
		t.Errorf("an import with its master list missing: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused import made %s: %v", db, err)
	}
}

// owabi contacts lists whom the rules could not classify, and any
// category or owner's contacts, with why each has its category.
func TestContactsListsTheUnclassified(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	book := filepath.Join(t.TempDir(), "book.csv")
	os.WriteFile(book, []byte("First Name,Last Name,Organization Name,E-mail 1 - Value\n"+
		"太郎,山田,株式会社どこか,taro@nowhere.example\n花子,佐藤,,hanako@sakura-print.example.jp\n"), 0o600)
	mustOwabi(t, nil, "--config", cfg, "import", book)
	var list []listedJSON
	if err := json.Unmarshal([]byte(mustOwabi(t, nil, "--config", cfg, "contacts", "--category", "unclassified", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "山田 太郎" || list[0].Emails[0] != "taro@nowhere.example" || list[0].Category != notify.Unclassified || list[0].Why == "" {
		t.Errorf("the unclassified: %+v", list)
	}
	if out := mustOwabi(t, nil, "--config", cfg, "contacts", "--category", "employee"); !strings.Contains(out, "佐藤 花子") || !strings.Contains(out, "1 contacts.") {
		t.Errorf("the employees:\n%s", out)
	}
	if code, _, errOut := owabi(t, nil, "--config", cfg, "contacts", "--category", "vip"); code != 2 || !strings.Contains(errOut, "use customer, supplier, employee, unclassified") {
		t.Errorf("a category that does not exist: exit %d, %s", code, errOut)
	}
}

// A dry run with --db reads the database the import would write: a
// relative name is beside the config, as for every command.
func TestADryRunReadsTheDatabaseTheImportWould(t *testing.T) {
	cfg := setup(t, smtptest.New(t))
	mustOwabi(t, nil, "--config", cfg, "import", sampleBook)
	if out := mustOwabi(t, nil, "--config", cfg, "--db", "owabi.db", "import", "--dry-run", sampleBook); !strings.Contains(out, "contacts unchanged      243") {
		t.Errorf("a dry run with --db owabi.db against the imported book:\n%s", out)
	}
}
