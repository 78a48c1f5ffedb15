package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/owabi/owabi/notify"
)

// generated yields n entries in which every 700th repeats the address of
// entry i-1500 (so duplicates meet across chunks) and every 1000th is
// rejected; after n it returns fail, or io.EOF when fail is nil.
func generated(n int, fail error) func() (notify.Record, *notify.EntryNote, error) {
	i := 0
	return func() (notify.Record, *notify.EntryNote, error) {
		if i == n {
			if fail != nil {
				return notify.Record{}, nil, fail
			}
			return notify.Record{}, nil, io.EOF
		}
		i++
		switch {
		case i%1000 == 0:
			return notify.Record{}, &notify.EntryNote{Number: i, Line: i + 1, Reason: notify.Say("entry.no_address")}, nil
		case i%700 == 0 && i > 1500:
			return notify.Record{Number: i, Line: i + 1, Title: "課長",
				Emails: []string{fmt.Sprintf("U%d@X.example", i-1500), fmt.Sprintf("extra%d@x.example", i)}}, nil, nil
		}
		return notify.Record{Number: i, Line: i + 1, Family: fmt.Sprint("姓", i), Emails: []string{fmt.Sprintf("u%d@x.example", i)}}, nil, nil
	}
}

func TestImportAcrossChunks(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const n = 3500
	rep, err := db.Import(ctx, notify.ImportReport{File: "gen.csv"}, generated(n, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Entries 2100, 2800 and 3500 repeat 600, 1300 and 2000 (2000 itself was
	// rejected, so 3500 is a new contact); 1000, 2000 and 3000 are rejected.
	want := notify.ImportReport{ID: 1, At: rep.At, File: "gen.csv", Records: n, Added: n - 3 - 2, Merged: 2,
		AddressesAdded: n - 2, RejectedCount: 3, Rejected: rep.Rejected}
	if !reflect.DeepEqual(rep, want) || len(rep.Rejected) != 3 {
		t.Fatalf("report:\n got %+v\nwant %+v", rep, want)
	}
	c, _, err := db.ContactByEmail(ctx, "extra2100@x.example")
	if err != nil || c.Family != "姓600" || c.Title != "課長" || len(c.Emails) != 2 {
		t.Errorf("merged across chunks: %+v, %v", c, err)
	}
	// Every entry's outcome is stored, and the report reads back the same.
	outcomes := map[string]int{}
	raw, err := sql.Open("sqlite3", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT outcome, count(*) FROM import_rows WHERE import_id = 1 GROUP BY outcome`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var o string
		var k int
		rows.Scan(&o, &k)
		outcomes[o] = k
	}
	rows.Close()
	if want := map[string]int{"added": n - 5, "merged": 2, "rejected": 3}; !reflect.DeepEqual(outcomes, want) {
		t.Errorf("stored outcomes %v, want %v", outcomes, want)
	}
	stored, err := db.ImportReport(ctx, rep.ID)
	if err != nil || !reflect.DeepEqual(stored, rep) {
		t.Errorf("stored report:\n got %+v, %v\nwant %+v", stored, err, rep)
	}

	// The same book again: nothing changes, each merge is still a merge.
	again, err := db.Import(ctx, notify.ImportReport{File: "gen.csv"}, generated(n, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Added != 0 || again.Updated != 0 || again.Unchanged != n-5 || again.Merged != 2 || again.AddressesAdded != 0 {
		t.Errorf("re-import: %+v", again)
	}
}

func TestImportFailureAfterSeveralChunksChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := db.Import(ctx, notify.ImportReport{File: "gen.csv"}, generated(2500, errors.New("disk read error")), nil)
	if err == nil {
		t.Fatal("import with a read error succeeded")
	}
	st, _ := db.Status(ctx)
	list, _ := db.Imports(ctx)
	if st.Contacts != 0 || st.Addresses != 0 || len(list) != 0 {
		t.Errorf("after a failed import: %d contacts, %d addresses, %d imports recorded; want none",
			st.Contacts, st.Addresses, len(list))
	}
}

func TestFlaggedEntriesAreImportedAndReported(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	odd := notify.Record{Number: 1, Line: 2, Family: "偽", Emails: []string{"info@xn--pple-43d.com"},
		Warnings: []notify.Said{notify.Written("the domain looks like another")}}
	rep, err := db.Import(ctx, notify.ImportReport{File: "book.vcf"}, records(odd), nil)
	if err != nil || rep.Added != 1 || len(rep.Flagged) != 1 || english(rep.Flagged[0].Reason) != "the domain looks like another" {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	list, err := db.Imports(ctx)
	if err != nil || len(list) != 1 || list[0].Flagged != 1 || list[0].Added != 1 {
		t.Errorf("Imports: %+v, %v", list, err)
	}
}

func TestImportsOnlyAddSoBooksSettle(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	a := notify.Record{Number: 1, Line: 2, Family: "佐藤", Given: "花子", Company: "朝霧製紙",
		Emails: []string{"hanako@example.jp"}}
	b := notify.Record{Number: 1, Line: 2, Family: "山田", Given: "太郎", FamilyKana: "やまだ", GivenKana: "たろう",
		Company: "朝霧製紙", Department: "資材部", Emails: []string{"hanako@example.jp"}, Phones: []string{"03-0000-0000"}}
	for round := range 2 {
		for _, r := range []notify.Record{a, b} {
			rep, err := db.Import(ctx, notify.ImportReport{File: "x"}, records(r), nil)
			if err != nil {
				t.Fatal(err)
			}
			if round == 1 && rep.Unchanged != 1 {
				t.Errorf("round 2: %+v; want the contact unchanged", rep)
			}
		}
	}
	c, _, err := db.ContactByEmail(ctx, "hanako@example.jp")
	// The first name stays, without the other entry's reading; the company
	// agrees, so its department fills the gap; phones add up.
	want := notify.Record{Family: "佐藤", Given: "花子", Company: "朝霧製紙", Department: "資材部",
		Emails: []string{"hanako@example.jp"}, Phones: []string{"03-0000-0000"}}
	if err != nil || !reflect.DeepEqual(c.Record, want) {
		t.Errorf("contact:\n got %+v, %v\nwant %+v", c.Record, err, want)
	}
}

// badBook yields n entries that are all rejected, with every 400th one a
// contact that is imported with something to check instead.
func badBook(n int) func() (notify.Record, *notify.EntryNote, error) {
	i := 0
	return func() (notify.Record, *notify.EntryNote, error) {
		if i == n {
			return notify.Record{}, nil, io.EOF
		}
		i++
		if i%400 == 0 {
			return notify.Record{Number: i, Line: i + 1, Emails: []string{fmt.Sprintf("u%d@xn--pple-43d.example", i)},
				Warnings: []notify.Said{notify.Written(fmt.Sprint("look-alike ", i))}}, nil, nil
		}
		return notify.Record{}, &notify.EntryNote{Number: i, Line: i + 1, Reason: notify.Written(fmt.Sprintf(`invalid e-mail address "%07d": it has no @`, i))}, nil
	}
}

// A book of 100,000 bad entries: the import counts them all and stores
// every note, but its report holds only the first page of each kind, and
// the rest are read back a page at a time. Before, the report held every
// one, and so did the server that rendered it.
func TestAHundredThousandRejectedEntriesAreStoredNotHeld(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const n, flagged = 100_000, 100_000 / 400
	rep, err := db.Import(ctx, notify.ImportReport{File: "bad.csv"}, badBook(n), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.RejectedCount != n-flagged || rep.FlaggedCount != flagged || rep.Added != flagged {
		t.Errorf("counted %d rejected and %d to check, %d added; want %d, %d, %d",
			rep.RejectedCount, rep.FlaggedCount, rep.Added, n-flagged, flagged, flagged)
	}
	if len(rep.Rejected) != notify.KeptNotes || len(rep.Flagged) != notify.KeptNotes {
		t.Errorf("the report holds %d rejected and %d flagged notes, want the first %d of each",
			len(rep.Rejected), len(rep.Flagged), notify.KeptNotes)
	}
	if rep.Rejected[0].Number != 1 || rep.Rejected[99].Number != 100 || rep.Flagged[99].Number != 40_000 {
		t.Errorf("the notes held are not the first: rejected %+v … %+v, flagged … %+v", rep.Rejected[0], rep.Rejected[99], rep.Flagged[99])
	}

	// Every note is stored, of its kind, in file order.
	for _, k := range []struct {
		kind  notify.NoteKind
		count int
	}{{notify.RejectedNotes, n - flagged}, {notify.FlaggedNotes, flagged}} {
		count, last := 0, 0
		err := db.EachImportNote(ctx, rep.ID, k.kind, func(note notify.EntryNote) error {
			if note.Number <= last || (note.Number%400 == 0) != (k.kind == notify.FlaggedNotes) {
				return fmt.Errorf("note %+v after entry %d", note, last)
			}
			count, last = count+1, note.Number
			return nil
		})
		if err != nil || count != k.count {
			t.Errorf("%s: %d notes stored (%v), want %d", k.kind, count, err, k.count)
		}
	}
	// A page in the middle, and the last.
	page, err := db.ImportNotes(ctx, rep.ID, notify.RejectedNotes, 100, 100)
	if err != nil || len(page) != 100 || page[0].Number != 101 || page[99].Number != 200 ||
		english(page[0].Reason) != `invalid e-mail address "0000101": it has no @` {
		t.Errorf("the second page of rejected entries: %d notes, from %+v (%v)", len(page), page[0], err)
	}
	if page, err := db.ImportNotes(ctx, rep.ID, notify.FlaggedNotes, 200, 100); err != nil || len(page) != 50 || page[49].Number != n {
		t.Errorf("the last page of entries to check: %+v, %v", page, err)
	}
	// The stored report reads back as the import made it.
	if stored, err := db.ImportReport(ctx, rep.ID); err != nil || !reflect.DeepEqual(stored, rep) {
		t.Errorf("the stored report differs (%v): %d rejected and %d flagged notes, want %d and %d",
			err, len(stored.Rejected), len(stored.Flagged), len(rep.Rejected), len(rep.Flagged))
	}
	if list, err := db.Imports(ctx); err != nil || list[0].Rejected != n-flagged || list[0].Flagged != flagged {
		t.Errorf("the list of imports: %+v, %v", list, err)
	}
}
