package store_test

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/classify"
	"github.com/owabi/owabi/store"
)

// lookAlikeBook is a Google Contacts book with an entry at a look-alike of
// the organisation's own domain (a Cyrillic і), labelled 社員, beside a
// genuine employee.
const lookAlikeBook = "Given Name,Family Name,Labels,E-mail 1 - Value\n" +
	"太郎,偽,社員 ::: * myContacts,taro.nise@sakura-prіnt.example.jp\n" +
	"花子,本物,社員 ::: * myContacts,hanako@sakura-print.example.jp\n"

// bookOf reads a book with the real reader, as owabi import does.
func bookOf(t *testing.T, text string) store.NextRecord {
	t.Helper()
	b, err := addrbook.NewGoogleCSV(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return func() (notify.Record, *notify.EntryNote, error) {
		rec, err := b.Next()
		var row *addrbook.RowError
		if errors.As(err, &row) {
			return rec, &notify.EntryNote{Number: row.Number, Line: row.Line, Reason: row.Reason}, nil
		}
		return rec, nil, err
	}
}

// TestALookAlikeStaysUnclassifiedUntilAPersonDecides imports the book with
// the real classifier: the look-alike is left for a person however often
// the rules run, the report says which domain it imitates, and what a
// manager then decides stands.
func TestALookAlikeStaysUnclassifiedUntilAPersonDecides(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := classify.New(classify.Rules{OwnDomains: []string{"sakura-print.example.jp"}, Labels: classify.DefaultLabels})
	const fake = "taro.nise@xn--sakura-prnt-7vj.example.jp"
	const imitates = `the domain "sakura-prіnt.example.jp" (xn--sakura-prnt-7vj.example.jp) may imitate sakura-print.example.jp, the organisation's own domain`
	rep, err := db.Import(ctx, notify.ImportReport{File: "book.csv"}, bookOf(t, lookAlikeBook), c.Classify)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Flagged) != 1 || !strings.HasPrefix(rep.Flagged[0].Reason, imitates+"; ") {
		t.Errorf("flagged %+v, want the entry on line 2 flagged first with %q", rep.Flagged, imitates)
	}
	if stored, err := db.ImportReport(ctx, rep.ID); err != nil || len(stored.Flagged) != 1 || stored.Flagged[0].Reason != rep.Flagged[0].Reason {
		t.Errorf("stored report: flagged %+v, %v; want %+v", stored.Flagged, err, rep.Flagged)
	}
	check := func(when string, want notify.Decision) {
		t.Helper()
		got, _, err := db.ContactByEmail(ctx, fake)
		if err != nil {
			t.Fatal(err)
		}
		if d := (notify.Decision{Category: got.Category, Rule: got.Rule, Detail: got.RuleDetail}); d != want {
			t.Errorf("%s: stored %+v, want %+v", when, d, want)
		}
		real, _, err := db.ContactByEmail(ctx, "hanako@sakura-print.example.jp")
		if err != nil || real.Category != notify.Employee {
			t.Errorf("%s: the genuine employee is %s, %v", when, real.Category, err)
		}
	}
	held := notify.Decision{Category: notify.Unclassified, Rule: notify.RuleLookAlike, Detail: imitates}
	check("imported", held)
	if st, err := db.Status(ctx); err != nil || st.Categories[notify.Employee] != 1 || st.Categories[notify.Unclassified] != 1 {
		t.Errorf("status %v, %v; want 1 employee and 1 unclassified", st.Categories, err)
	}

	// The rules again, then the same book again: still held back.
	if rep, err := db.Classify(ctx, c.Classify); err != nil || rep.Rules[notify.RuleLookAlike] != 1 {
		t.Errorf("classify: %+v, %v; want 1 by lookalike", rep, err)
	}
	check("classified again", held)
	if _, err := db.Import(ctx, notify.ImportReport{File: "book.csv"}, bookOf(t, lookAlikeBook), c.Classify); err != nil {
		t.Fatal(err)
	}
	check("imported again", held)
	// Notices go to the genuine employee alone, even to the unclassified.
	if n, err := db.Queue(ctx, notify.Deletion, "ja", func() string { return "<" + rand.Text() + "@owabi>" }); err != nil || n != 1 {
		t.Errorf("queued %d notices, %v; want 1: the look-alike's address gets none until a person decides", n, err)
	}

	// A manager decides; the rules leave it alone from then on.
	u, err := db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager, Email: "kanri@sakura-print.example.jp"}, []byte("h"))
	if err != nil {
		t.Fatal(err)
	}
	contact, _, _ := db.ContactByEmail(ctx, fake)
	if err := db.Reclassify(ctx, contact.ID, u.ID, notify.Customer, "電話で取引先と確認"); err != nil {
		t.Fatal(err)
	}
	decided := notify.Decision{Category: notify.Customer, Rule: notify.RuleManual, Detail: "電話で取引先と確認"}
	check("decided", decided)
	if _, err := db.Classify(ctx, c.Classify); err != nil {
		t.Fatal(err)
	}
	check("decided, then classified again", decided)
	changed := strings.Replace(lookAlikeBook, "社員 ::: * myContacts,taro", "社員 ::: 年賀状,taro", 1)
	if rep, err := db.Import(ctx, notify.ImportReport{File: "book.csv"}, bookOf(t, changed), c.Classify); err != nil || rep.Updated != 1 {
		t.Fatalf("import with a new label: %+v, %v; want the look-alike updated", rep, err)
	}
	check("decided, then updated by an import", decided)
	if n, err := db.Queue(ctx, notify.Deletion, "ja", func() string { return "<" + rand.Text() + "@owabi>" }); err != nil || n != 1 {
		t.Errorf("once decided, queued %d notices, %v; want the look-alike's 1", n, err)
	}
}
