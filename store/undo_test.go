package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

// dump reads every row of every table but the audit trail (which keeps
// what happened, the undo too), for a test to see that the database
// reads exactly as before.
func dump(t *testing.T, d *DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	tables, err := d.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'audit'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var name string
		tables.Scan(&name)
		names = append(names, name)
	}
	tables.Close()
	out := map[string][]string{}
	for _, name := range names {
		rows, err := d.db.QueryContext(ctx, `SELECT * FROM `+name)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range values {
				ptrs[i] = &values[i]
			}
			rows.Scan(ptrs...)
			out[name] = append(out[name], fmt.Sprintf("%q", values))
		}
		rows.Close()
		slices.Sort(out[name])
	}
	return out
}

// sameTables reports, for each table, how what it holds differs.
func sameTables(t *testing.T, got, want map[string][]string) {
	t.Helper()
	for name := range want {
		if !reflect.DeepEqual(got[name], want[name]) {
			extra := slices.DeleteFunc(slices.Clone(got[name]), func(r string) bool { return slices.Contains(want[name], r) })
			lost := slices.DeleteFunc(slices.Clone(want[name]), func(r string) bool { return slices.Contains(got[name], r) })
			t.Errorf("%s: %d rows, want %d; not there before: %q; gone: %q", name, len(got[name]), len(want[name]), extra[:min(2, len(extra))], lost[:min(2, len(lost))])
		}
	}
}

// byWords classifies by a word in the company and gives everyone an owner.
func byWords(r notify.Record) notify.Decision {
	switch {
	case strings.Contains(r.Company, "仕入"):
		return notify.Decision{Category: notify.Supplier, Rule: notify.RuleLabel, Detail: notify.Written("仕入"), OwnerEmail: "shiire@x.example"}
	case strings.Contains(r.Company, "顧客"):
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, Detail: notify.Written("顧客"), OwnerEmail: "eigyo@x.example"}
	}
	return notify.Decision{Category: notify.Unclassified, Rule: notify.RuleNone, OwnerEmail: "eigyo@x.example"}
}

// firstBook is n people, every other one at a customer, the rest with no
// company.
func firstBook(n int) notify.NextRecord {
	i := 0
	return func() (notify.Record, *notify.EntryNote, error) {
		if i == n {
			return notify.Record{}, nil, io.EOF
		}
		i++
		r := notify.Record{Number: i, Line: i + 1, Family: fmt.Sprint("姓", i), Emails: []string{fmt.Sprintf("u%d@x.example", i)}}
		if i%2 == 0 {
			r.Company = "顧客商事"
		}
		return r, nil, nil
	}
}

// secondBook is a later book: the first book's n people again, the ones
// with no company now at a supplier, every fifth with another address,
// and new people after them; at entry 4001 (when the entries up to 3000
// are committed, as the reader parses a chunk ahead of the one written)
// it calls during, and after fail entries it fails, or ends.
func secondBook(n, fail int, during func() error) notify.NextRecord {
	i := 0
	return func() (notify.Record, *notify.EntryNote, error) {
		if i == fail {
			return notify.Record{}, nil, errors.New("disk read error")
		}
		i++
		if i == 4001 && during != nil {
			if err := during(); err != nil {
				return notify.Record{}, nil, err
			}
		}
		if i > n {
			if i > 6000 {
				return notify.Record{}, nil, io.EOF
			}
			return notify.Record{Number: i, Line: i + 1, Family: fmt.Sprint("新", i), Company: "顧客物産",
				Emails: []string{fmt.Sprintf("w%d@z.example", i)}}, nil, nil
		}
		r := notify.Record{Number: i, Line: i + 1, Given: "名", Company: "仕入工業", Phones: []string{fmt.Sprint("03-0000-", i)},
			Emails: []string{fmt.Sprintf("U%d@x.example", i)}}
		if i%5 == 0 {
			r.Emails = append(r.Emails, fmt.Sprintf("v%d@y.example", i))
		}
		return r, nil, nil
	}
}

// worked sets up the first book as staff left it: a contact decided by a
// manager, one handed to another owner, one called, notices queued.
func worked(t *testing.T, d *DB) notify.User {
	t.Helper()
	ctx := context.Background()
	if _, err := d.Import(ctx, notify.ImportReport{File: "first.csv"}, firstBook(1500), byWords); err != nil {
		t.Fatal(err)
	}
	u, err := d.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager, Email: "kanri@x.example"}, []byte("h"))
	if err != nil {
		t.Fatal(err)
	}
	must(t, d.Reclassify(ctx, 3, u.ID, notify.Employee, "社員と確認"))
	must(t, d.Reassign(ctx, u.ID, "kanri@x.example", 5))
	if _, err := d.AddCall(ctx, u.ID, notify.Call{ContactID: 7, Outcome: notify.Reached, Hearing: notify.Hearing{Arrived: notify.Yes}}); err != nil {
		t.Fatal(err)
	}
	n := 0
	if _, err := d.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint(n, "@m") }); err != nil {
		t.Fatal(err)
	}
	return u
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestAnImportThatFailsPartWayIsUndone(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	worked(t, d)
	before, status, imports := dump(t, d), mustStatus(t, d), mustImports(t, d)
	// Entries 1 to 1500 change the contacts stored (names, companies and
	// so categories and owners, phones, addresses, search rows), the rest
	// are new: nine chunks are committed before the error.
	_, err := d.Import(ctx, notify.ImportReport{File: "second.csv"}, secondBook(1500, 4500, nil), byWords)
	if err == nil || err.Error() != "disk read error" {
		t.Fatalf("import: %v; want the read error alone", err)
	}
	sameTables(t, dump(t, d), before)
	if got := mustStatus(t, d); !reflect.DeepEqual(got, status) {
		t.Errorf("status after the undo:\n %+v\nbefore:\n %+v", got, status)
	}
	if got := mustImports(t, d); !reflect.DeepEqual(got, imports) {
		t.Errorf("imports after the undo: %+v; before: %+v", got, imports)
	}
	if list, _, _ := d.Contacts(ctx, notify.ContactList{Query: "仕入", Limit: 10}); len(list) != 0 {
		t.Errorf("search finds what the undone import stored: %+v", list)
	}
	EveryEntryIsSaidInEveryLanguage(t, d)
}

func mustImports(t *testing.T, d *DB) []notify.ImportSummary {
	t.Helper()
	list, err := d.Imports(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestAnUndoKeepsWhatStaffWorkedOnMeanwhile(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	u := worked(t, d)
	var during struct {
		call, queue, classify, status error
		running                       *notify.UnfinishedImport
		contact                       notify.Contact
	}
	// While the second book comes in: a call to a contact it added (who
	// is on a salesperson's list already), a manager's decision on one it
	// changed, and what must wait.
	next := secondBook(1500, 4500, func() error {
		timeout, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if during.contact, _, during.call = d.ContactByEmail(timeout, "w1600@z.example"); during.call == nil {
			_, during.call = d.AddCall(timeout, u.ID, notify.Call{ContactID: during.contact.ID, Outcome: notify.NoAnswer})
		}
		if err := d.Reclassify(timeout, 9, u.ID, notify.Employee, "社員と確認"); err != nil {
			return err
		}
		_, during.queue = d.Queue(timeout, notify.Apology, "ja", func() string { return "x@m" })
		_, during.classify = d.Classify(timeout, byWords)
		var st notify.Status
		st, during.status = d.Status(timeout)
		during.running = st.Import
		return nil
	})
	_, err := d.Import(ctx, notify.ImportReport{File: "second.csv"}, next, byWords)
	if during.call != nil {
		t.Fatalf("a call during the import: %v", during.call)
	}
	if want := fmt.Sprintf("; the import was undone, but kept 1 contact staff had already worked on (number %d)", during.contact.ID); err == nil ||
		!strings.HasSuffix(err.Error(), want) {
		t.Errorf("import: %v; want it to end %q", err, want)
	}
	if notify.ErrorCode(during.queue) != notify.ECONFLICT || !strings.Contains(during.queue.Error(), "import 2 of second.csv is running") {
		t.Errorf("queueing during the import: %v", during.queue)
	}
	if notify.ErrorCode(during.classify) != notify.ECONFLICT {
		t.Errorf("classifying during the import: %v", during.classify)
	}
	if during.status != nil || during.running == nil || during.running.Stopped || during.running.Records < 1000 {
		t.Errorf("the status during the import: %+v, %v", during.running, during.status)
	}
	kept, err := d.Contact(ctx, during.contact.ID)
	if err != nil || kept.Family != "新1600" || kept.Category != notify.Customer {
		t.Errorf("the contact called: %+v, %v", kept, err)
	}
	if calls, _ := d.Calls(ctx, kept.ID); len(calls) != 1 {
		t.Errorf("its calls: %+v", calls)
	}
	// The manager's decision stays; what the import filled in goes.
	c, err := d.Contact(ctx, 9)
	if err != nil || c.Category != notify.Employee || c.Rule != notify.RuleManual || c.Company != "" || c.Given != "" || len(c.Phones) != 0 {
		t.Errorf("the contact decided meanwhile: %+v, %v", c, err)
	}
	if got, want := mustStatus(t, d), recount(t, d); !reflect.DeepEqual(got, want) {
		t.Errorf("running counts %+v, the tables say %+v", got, want)
	}
	if got := mustStatus(t, d); got.Contacts != 1501 || got.Import != nil {
		t.Errorf("status: %d contacts, %+v; want the first book and the one kept", got.Contacts, got.Import)
	}
	var broken int
	d.db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_check`).Scan(&broken)
	if broken != 0 {
		t.Errorf("%d rows name rows that are gone", broken)
	}
	EveryEntryIsSaidInEveryLanguage(t, d)
}

// What a kill leaves is what was committed: a copy made part-way through
// is an import left running by a process that stopped.
func TestAnImportLeftPartWayIsUndoneByTheNextWriter(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	worked(t, d)
	before := dump(t, d)
	dir := t.TempDir()
	copies := []string{filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")}
	next := secondBook(1500, -1, func() error {
		for _, path := range copies {
			if err := d.Backup(ctx, path); err != nil {
				return err
			}
		}
		return nil
	})
	if _, err := d.Import(ctx, notify.ImportReport{File: "second.csv"}, next, byWords); err != nil {
		t.Fatal(err)
	}
	a, err := Open(ctx, copies[0])
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if st := mustStatus(t, a); st.Import == nil || !st.Import.Stopped || st.Import.ID != 2 {
		t.Errorf("status of the copy: %+v; want import 2 stopped", st.Import)
	}
	if list := mustImports(t, a); list[0].State != notify.ImportStopped {
		t.Errorf("imports of the copy: %+v", list)
	}
	if _, err := a.Queue(ctx, notify.Apology, "ja", func() string { return "x@m" }); !strings.Contains(fmt.Sprint(err), "left part-way by a process that stopped") {
		t.Errorf("queueing: %v", err)
	}
	undone, ok, err := a.UndoUnfinishedImports(ctx)
	if err != nil || !ok || len(undone) != 1 || undone[0].ID != 2 || len(undone[0].Kept) != 0 {
		t.Fatalf("undo: %+v, %v, %v", undone, ok, err)
	}
	sameTables(t, dump(t, a), before)

	// The next import undoes it too, before it starts.
	b, err := Open(ctx, copies[1])
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rep, err := b.Import(ctx, notify.ImportReport{File: "third.csv"}, recordsOf(notify.Record{Number: 1, Family: "三", Emails: []string{"third@x.example"}}), byWords)
	if err != nil || rep.ID != 2 || rep.Added != 1 {
		t.Fatalf("the next import: %+v, %v", rep, err)
	}
	if st := mustStatus(t, b); st.Contacts != 1501 || st.Import != nil {
		t.Errorf("after the next import: %d contacts, %+v", st.Contacts, st.Import)
	}
}

// A dry run imports into a copy of the database and deletes it: the
// database reads as before, nothing is left beside it, and writers are not
// kept out meanwhile. A copy a killed dry run left is removed by the next
// long writer; a live one's is not.
func TestADryRunWorksOnACopy(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	u := worked(t, d)
	dir := filepath.Dir(d.Path())
	stale, live := filepath.Join(dir, "owabi.db.dry-run-1"), filepath.Join(dir, "owabi.db.dry-run-2")
	for _, p := range []string{stale, live} {
		must(t, os.Mkdir(p, 0o700))
		must(t, os.WriteFile(filepath.Join(p, "copy.db"), []byte("a copy"), 0o600))
		must(t, os.WriteFile(filepath.Join(p, "copy.in-use"), nil, 0o600))
	}
	held, err := openLockFile(filepath.Join(live, "copy"), ".in-use")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	must(t, flock(held, syscall.LOCK_EX))
	before, entries := dump(t, d), dirNames(t, dir)
	var called error
	next := secondBook(1500, -1, func() error {
		timeout, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_, called = d.AddCall(timeout, u.ID, notify.Call{ContactID: 11, Outcome: notify.NoAnswer})
		return nil
	})
	rep, err := d.Import(ctx, notify.ImportReport{File: "second.csv", DryRun: true}, next, byWords)
	if err != nil || !rep.DryRun || rep.ID != 0 || rep.Records != 6000 || rep.Added != 4500 || rep.Updated != 1500 {
		t.Fatalf("dry run: %+v, %v", rep, err)
	}
	if called != nil {
		t.Errorf("a call during the dry run: %v", called)
	}
	after := dump(t, d)
	if len(after["calls"]) != len(before["calls"])+1 {
		t.Errorf("calls: %d, want the one logged during the dry run too", len(after["calls"]))
	}
	for _, table := range []string{"calls", "contact_calls", "cases"} { // what the call changed
		delete(after, table)
		delete(before, table)
	}
	for _, rows := range []map[string][]string{before, after} { // and the count of those called
		rows["tally"] = slices.DeleteFunc(rows["tally"], func(row string) bool { return strings.Contains(row, `"called"`) })
	}
	sameTables(t, after, before)
	if got, want := dirNames(t, dir), slices.DeleteFunc(slices.Clone(entries), func(n string) bool { return n == "owabi.db.dry-run-1" }); !reflect.DeepEqual(got, want) {
		t.Errorf("beside the database after the dry run: %v; before it: %v", got, entries)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

// Before-images that an import stopped before it dropped them hold
// personal data: the next long writer drops them, and a purge deletes them.
func TestBeforeImagesLeftBehindAreDropped(t *testing.T) {
	ctx := context.Background()
	for _, drop := range []func(*DB) error{
		func(d *DB) error { _, _, err := d.UndoUnfinishedImports(ctx); return err },
		func(d *DB) error { _, err := d.Purge(ctx, false); return err },
	} {
		d := openTemp(t)
		worked(t, d)
		if _, err := d.wdb.ExecContext(ctx, `INSERT INTO import_undo SELECT 1, id, family, given, family_kana, given_kana, company,
			department, title, phones, labels, notes, category, rule, rule_detail, owner_email, '', '', '' FROM contacts`); err != nil {
			t.Fatal(err)
		}
		must(t, drop(d))
		if left := dump(t, d)["import_undo"]; len(left) != 0 {
			t.Errorf("%d before-images left", len(left))
		}
	}
}

// waitForWriters waits until n of d's writers wait their turn (or write).
func waitForWriters(t *testing.T, d *DB, n int) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		d.room.mu.Lock()
		waiting := d.room.writers
		d.room.mu.Unlock()
		if waiting >= n {
			return
		}
		select {
		case <-deadline:
			t.Fatalf("%d writers wait, not %d", waiting, n)
		case <-tick.C:
		}
	}
}

// A classification goes a chunk at a time: a call logged while it runs
// gets in between two chunks.
func TestACallGetsInWhileTheRulesRun(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	u := worked(t, d)
	start, stored := make(chan struct{}), make(chan error, 1)
	var once sync.Once
	go func() {
		<-start
		_, err := d.AddCall(ctx, u.ID, notify.Call{ContactID: 1, Outcome: notify.NoAnswer})
		stored <- err
	}()
	var during error
	rep, err := d.Classify(ctx, func(r notify.Record) notify.Decision {
		switch r.Family {
		case "姓1": // the first chunk: the call asks to write, and waits
			once.Do(func() {
				close(start)
				waitForWriters(t, d, 1)
			})
		case "姓1001": // the second: it has been stored
			select {
			case during = <-stored:
			case <-time.After(30 * time.Second):
				during = errors.New("the call was not stored between two chunks")
			}
		}
		return byWords(r)
	})
	if err != nil || rep.Categories[notify.Customer] != 750 {
		t.Fatalf("classify: %+v, %v", rep, err)
	}
	if during != nil {
		t.Error(during)
	}
}
