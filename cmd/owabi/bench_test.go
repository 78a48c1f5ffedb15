package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/respond"
	"github.com/owabi/owabi/store"
)

const benchContacts = 100_000

// generateBook returns a Google Contacts CSV of n people spread over the
// sample's customers and suppliers, the organisation itself and free-mail.
func generateBook(tb testing.TB, n int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	writeBook(tb, &buf, n)
	return buf.Bytes()
}

// writeBook writes the book generateBook returns.
func writeBook(tb testing.TB, out io.Writer, n int) {
	tb.Helper()
	if err := writeBookRows(out, 0, n, true); err != nil {
		tb.Fatal(err)
	}
}

// writeBookRows writes the entries from to to of that book, after its
// header when header is set.
func writeBookRows(out io.Writer, from, to int, header bool) error {
	var companies [][]string // name, domain
	for _, name := range []string{"customers.csv", "suppliers.csv"} {
		b, err := demodata.ReadFile("demodata/" + name)
		if err != nil {
			return err
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			return err
		}
		for _, r := range rows[1:] {
			companies = append(companies, []string{r[1], r[3]})
		}
	}
	w := csv.NewWriter(out)
	if header {
		w.Write([]string{"First Name", "Last Name", "Phonetic First Name", "Phonetic Last Name", "Organization Name",
			"Labels", "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value"})
	}
	for i := from; i < to; i++ {
		c := companies[i%len(companies)]
		domain, labels := c[1], "* myContacts"
		switch {
		case i%10 == 0:
			domain, labels = "sakura-print.example.jp", "社員 ::: * myContacts"
		case domain == "" || i%7 == 0:
			domain, labels = "freemail.example.jp", "顧客 ::: * myContacts"
		}
		w.Write([]string{fmt.Sprintf("太郎%d", i), "山田", "たろう", "やまだ", c[0], labels,
			"* Work", fmt.Sprintf("taro.%d@%s", i, domain), "Home", fmt.Sprintf("t%d@webmail.example.com", i),
			"Mobile", fmt.Sprintf("090-0000-%04d", i%10000)})
	}
	w.Flush()
	return w.Error()
}

// BenchmarkImportClassify100k imports 100,000 generated contacts (200,000
// addresses) into a new database, classifying them as they are stored,
// beside the raw ceiling:
// the sqlite3 shell loading the same file into one table with no parsing of
// addresses, no matching and no classification.
//
//	go test -run '^$' -bench 100k -benchtime 3x ./cmd/owabi
func BenchmarkImportClassify100k(b *testing.B) {
	ctx := context.Background()
	book := generateBook(b, benchContacts)
	dir := b.TempDir()
	cfg := benchConfig(b, dir)
	e := env{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard}
	b.Run("owabi", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			a, err := open(ctx, &globals{config: cfg, db: filepath.Join(b.TempDir(), "owabi.db")}, e)
			if err != nil {
				b.Fatal(err)
			}
			books, err := a.books("")
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			b.StartTimer()
			rep, err := books.Import(ctx, "book.csv", bytes.NewReader(book), respond.ImportOptions{})
			if err != nil || rep.Added != benchContacts {
				b.Fatalf("import: %+v, %v", rep.Added, err)
			}
			b.StopTimer()
			if st, err := a.db.Status(ctx); err != nil || st.Categories[notify.Unclassified] != 0 {
				b.Fatalf("classified: %v, %v", st.Categories, err)
			}
			a.Close()
		}
		b.ReportMetric(float64(benchContacts*b.N)/b.Elapsed().Seconds(), "contacts/s")
	})
	b.Run("sqlite3-shell", func(b *testing.B) {
		shell, err := exec.LookPath("sqlite3")
		if err != nil {
			b.Skip("the sqlite3 shell is not installed (apt-get install sqlite3)")
		}
		file := filepath.Join(dir, "book.csv")
		if err := os.WriteFile(file, book, 0o600); err != nil {
			b.Fatal(err)
		}
		for range b.N {
			db := filepath.Join(b.TempDir(), "shell.db")
			out, err := exec.Command(shell, db, "PRAGMA journal_mode=WAL;", ".import --csv "+file+" contacts").CombinedOutput()
			if err != nil {
				b.Fatalf("sqlite3: %v\n%s", err, out)
			}
		}
		b.ReportMetric(float64(benchContacts*b.N)/b.Elapsed().Seconds(), "contacts/s")
	})
}

// BenchmarkImport1M runs the whole "owabi import" process on a generated
// book of a million contacts (two million addresses) beside the sqlite3
// shell's .import of the same file into one plain table, and reports each
// one's peak memory (maximum resident set size).
//
//	go test -run '^$' -bench Import1M -benchtime 1x -count 3 ./cmd/owabi
func BenchmarkImport1M(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("OWABI_BENCH_ROWS"); s != "" { // CI's short form
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	book := filepath.Join(dir, "book.csv")
	f, err := os.Create(book)
	if err != nil {
		b.Fatal(err)
	}
	writeBook(b, f, n)
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	cfg := benchConfig(b, dir)
	owabi := owabiBinary(b)
	shell, shellErr := exec.LookPath("sqlite3")
	run := func(b *testing.B, command func(db string) *exec.Cmd) {
		var peak int64
		var user, sys time.Duration
		for range b.N {
			b.StopTimer()
			cmd := command(filepath.Join(b.TempDir(), "bench.db"))
			b.StartTimer()
			out, used, err := peakMemory(cmd)
			b.StopTimer()
			if err != nil {
				b.Fatalf("%s: %v\n%s", cmd.Args[0], err, out)
			}
			peak = max(peak, used)
			user, sys = user+cmd.ProcessState.UserTime(), sys+cmd.ProcessState.SystemTime()
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		// CPU is steadier than the wall clock on a shared machine, and the
		// system time shows pages written and read again.
		b.ReportMetric(user.Seconds()/float64(b.N), "user-s")
		b.ReportMetric(sys.Seconds()/float64(b.N), "sys-s")
	}
	b.Run("owabi", func(b *testing.B) {
		run(b, func(db string) *exec.Cmd {
			return exec.Command(owabi, "--config", cfg, "--db", db, "import", book)
		})
	})
	b.Run("sqlite3-shell", func(b *testing.B) {
		if shellErr != nil {
			b.Skip("the sqlite3 shell is not installed (apt-get install sqlite3)")
		}
		run(b, func(db string) *exec.Cmd {
			return exec.Command(shell, db, "PRAGMA journal_mode=WAL;", ".import --csv "+book+" contacts")
		})
	})
	// The shell again, now loading the same rows into owabi's own schema
	// (unique addresses, foreign keys, every entry's outcome, the search
	// rows) with plain SQL: no normalising, no merging, no classifying. This is the ceiling
	// for owabi's schema, and what the schema itself costs.
	b.Run("sqlite3-shell-owabi-schema", func(b *testing.B) {
		if shellErr != nil {
			b.Skip("the sqlite3 shell is not installed (apt-get install sqlite3)")
		}
		run(b, func(path string) *exec.Cmd {
			freshSchema(b, path)
			return exec.Command(shell, path, "PRAGMA foreign_keys=ON;", ".import --csv --schema temp "+book+" book", "BEGIN;"+loadBook+"COMMIT;")
		})
	})
	// The same load as fast as it is safe: one transaction, a page cache
	// sized to the work (200 MB), the secondary indexes built after the
	// rows are in, and foreign keys checked once, before the commit. The
	// ceiling owabi's import is measured against.
	b.Run("sqlite3-shell-owabi-schema-tuned", func(b *testing.B) {
		if shellErr != nil {
			b.Skip("the sqlite3 shell is not installed (apt-get install sqlite3)")
		}
		run(b, func(path string) *exec.Cmd {
			indexes := freshSchema(b, path)
			var drop, create strings.Builder
			for name, sql := range indexes {
				fmt.Fprintf(&drop, "DROP INDEX %s;\n", name)
				create.WriteString(sql + ";\n")
			}
			return exec.Command(shell, path, "PRAGMA cache_size=-200000;", "PRAGMA foreign_keys=OFF;",
				".import --csv --schema temp "+book+" book",
				"BEGIN;"+drop.String()+loadBook+create.String()+"PRAGMA foreign_key_check;"+"COMMIT;")
		})
	})
}

// freshSchema creates owabi's schema in a new database at path and
// returns the secondary indexes of the tables a book fills, by name.
func freshSchema(b *testing.B, path string) map[string]string {
	db, err := store.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	db.Close()
	out, err := exec.Command("sqlite3", path, `SELECT name || char(9) || replace(sql, char(10), ' ') FROM sqlite_master
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('contacts', 'addresses', 'contact_search', 'import_rows')`).Output()
	if err != nil {
		b.Fatal(err)
	}
	indexes := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if name, sql, ok := strings.Cut(line, "\t"); ok {
			indexes[name] = sql
		}
	}
	return indexes
}

// loadBook loads the shell's temp.book into owabi's schema (unique
// addresses, foreign keys, every entry's outcome, the search rows) with
// plain SQL: no normalising, no merging, no classifying.
const loadBook = `
INSERT INTO imports (id, file, format, at, records, added, updated, unchanged, merged, rejected) VALUES (1, 'book.csv', 'google-csv', '', 0, 0, 0, 0, 0, 0);
INSERT INTO contacts (id, family, given, family_kana, given_kana, company, phones, labels, category, rule)
	SELECT rowid, "Last Name", "First Name", "Phonetic Last Name", "Phonetic First Name", "Organization Name",
		"Phone 1 - Value", "Labels", 'customer', 'label' FROM temp.book;
INSERT INTO addresses (contact_id, email) SELECT rowid, "E-mail 1 - Value" FROM temp.book;
INSERT INTO addresses (contact_id, email) SELECT rowid, "E-mail 2 - Value" FROM temp.book;
INSERT INTO contact_search (contact_id, text, name_key, company_key)
	SELECT rowid, lower("Last Name" || "First Name" || char(10) || "Phonetic Last Name" || "Phonetic First Name" || char(10) ||
		"Organization Name" || char(10) || "Phone 1 - Value" || char(10) || "E-mail 1 - Value" || char(10) || "E-mail 2 - Value"),
		"Phonetic Last Name" || "Phonetic First Name", "Organization Name" FROM temp.book;
INSERT INTO import_rows (import_id, number, line, outcome, contact_id) SELECT 1, rowid, rowid + 1, 'added', rowid FROM temp.book;
`

// benchConfig writes the demo's config and master lists into dir and
// returns the config's path.
func benchConfig(b testing.TB, dir string) string {
	b.Helper()
	for _, name := range []string{"customers.csv", "suppliers.csv"} {
		if err := copyDemoFile(name, filepath.Join(dir, name)); err != nil {
			b.Fatal(err)
		}
	}
	cfg := filepath.Join(dir, "owabi.toml")
	if err := writeDemoConfig(cfg, 2525, "127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	return cfg
}

// peakMemory runs cmd and returns its combined output and its peak
// resident memory in bytes: the kernel's high-water mark for the process
// (VmHWM), read every few milliseconds while it runs. The rusage a Wait
// reports will not do: it counts the benchmark's own memory, which the
// child shares between fork and exec.
func peakMemory(cmd *exec.Cmd) (string, int64, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	var peak int64
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return out.String(), peak, err
		case <-tick.C:
			peak = max(peak, highWaterMark(status))
		}
	}
}

// highWaterMark is the VmHWM line of a /proc status file, in bytes; 0
// when it cannot be read (the process has just ended).
func highWaterMark(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(v), " kB"), &kib)
			return kib << 10
		}
	}
	return 0
}
