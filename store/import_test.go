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
			return notify.Record{}, &notify.EntryNote{Number: i, Line: i + 1, Reason: "no e-mail address"}, nil
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
		AddressesAdded: n - 2, Rejected: rep.Rejected, Flagged: []notify.EntryNote{}}
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
		Warnings: []string{"the domain looks like another"}}
	rep, err := db.Import(ctx, notify.ImportReport{File: "book.vcf"}, records(odd), nil)
	if err != nil || rep.Added != 1 || len(rep.Flagged) != 1 || rep.Flagged[0].Reason != "the domain looks like another" {
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
