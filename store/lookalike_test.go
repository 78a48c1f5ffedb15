package store_test

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

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
func bookOf(t *testing.T, text string) notify.NextRecord {
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
	if len(rep.Flagged) != 1 || !strings.HasPrefix(english(rep.Flagged[0].Reason), imitates+"; ") {
		t.Errorf("flagged %+v, want the entry on line 2 flagged first with %q", rep.Flagged, imitates)
	}
	if stored, err := db.ImportReport(ctx, rep.ID); err != nil || len(stored.Flagged) != 1 || english(stored.Flagged[0].Reason) != english(rep.Flagged[0].Reason) {
		t.Errorf("stored report: flagged %+v, %v; want %+v", stored.Flagged, err, rep.Flagged)
	}
	check := func(when string, want notify.Decision) {
		t.Helper()
		got, _, err := db.ContactByEmail(ctx, fake)
		if err != nil {
			t.Fatal(err)
		}
		if d := (notify.Decision{Category: got.Category, Rule: got.Rule, Detail: got.RuleDetail}); english(d.Detail) != english(want.Detail) || !d.Same(notify.Decision{Category: want.Category, Rule: want.Rule, Detail: d.Detail}) {
			t.Errorf("%s: stored %+v, want %+v", when, d, want)
		}
		real, _, err := db.ContactByEmail(ctx, "hanako@sakura-print.example.jp")
		if err != nil || real.Category != notify.Employee {
			t.Errorf("%s: the genuine employee is %s, %v", when, real.Category, err)
		}
	}
	held := notify.Decision{Category: notify.Unclassified, Rule: notify.RuleLookAlike, Detail: notify.Written(imitates)}
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
	if n, err := db.Queue(ctx, notify.Deletion, "ja", newMessageID); err != nil || n != 1 {
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
	decided := notify.Decision{Category: notify.Customer, Rule: notify.RuleManual, Detail: notify.Written("電話で取引先と確認")}
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
	if n, err := db.Queue(ctx, notify.Deletion, "ja", newMessageID); err != nil || n != 1 {
		t.Errorf("once decided, queued %d notices, %v; want the look-alike's 1", n, err)
	}
}

// lateLookAlike imports lookAlikeBook classified by labels alone, so that
// the look-alike is first an employee, queues a deletion request for both
// and passes each claimed notice to record, then queues the kinds in
// queue; then it learns the organisation's domain and classifies again,
// which holds the look-alike back.
func lateLookAlike(t *testing.T, record func(db *store.DB, d notify.Delivery) error, queue ...notify.NoticeKind) *store.DB {
	t.Helper()
	ctx := context.Background()
	db := MustOpenDB(t)
	labels := classify.New(classify.Rules{Labels: classify.DefaultLabels})
	if _, err := db.Import(ctx, notify.ImportReport{File: "book.csv"}, bookOf(t, lookAlikeBook), labels.Classify); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Queue(ctx, notify.Deletion, "ja", newMessageID); err != nil || n != 2 {
		t.Fatalf("queued %d, %v; want both, the look-alike not yet known as one", n, err)
	}
	claimed, err := db.Claim(ctx, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	for _, d := range claimed {
		if err := record(db, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range queue {
		if _, err := db.Queue(ctx, k, "ja", newMessageID); err != nil {
			t.Fatal(err)
		}
	}
	own := classify.New(classify.Rules{OwnDomains: []string{"sakura-print.example.jp"}, Labels: classify.DefaultLabels})
	if rep, err := db.Classify(ctx, own.Classify); err != nil || rep.Rules[notify.RuleLookAlike] != 1 {
		t.Fatalf("classify: %+v, %v; want the look-alike found", rep, err)
	}
	return db
}

func newMessageID() string { return "<" + rand.Text() + "@owabi>" }

func isLookAlike(d notify.Delivery) bool { return strings.Contains(d.Email, "xn--") }

// A contact found to be a look-alike after its notices were queued gets
// nothing more: a queued notice waits, and a failed one is not retried.
func TestALookAlikeFoundLaterIsNotClaimedOrRetried(t *testing.T) {
	ctx := context.Background()
	db := lateLookAlike(t, func(db *store.DB, d notify.Delivery) error {
		if isLookAlike(d) {
			return db.Fail(ctx, d.ID, notify.ServerReply{Stage: "rcpt", Code: 550, Status: "5.7.1", Text: "refused"})
		}
		return db.MarkSent(ctx, d.ID)
	}, notify.Apology)
	if n, _, err := db.RequeueFailed(ctx, notify.Deletion); err != nil || n != 0 {
		t.Errorf("requeued %d failed notices, %v; want none: the one that failed is the look-alike's", n, err)
	}
	claimed, err := db.Claim(ctx, 10)
	if err != nil || len(claimed) != 1 || isLookAlike(claimed[0]) {
		t.Errorf("claimed %+v, %v; want the genuine employee's apology alone: the look-alike's waits", claimed, err)
	}
}

// Nor is a look-alike found later sent its notice again.
func TestALookAlikeFoundLaterIsNotSentAgain(t *testing.T) {
	ctx := context.Background()
	db := lateLookAlike(t, func(db *store.DB, d notify.Delivery) error { return db.MarkSent(ctx, d.ID) })
	due, err := db.DueResends(ctx, notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion}, After: time.Hour, MaxSends: 3}, time.Now().Add(48*time.Hour))
	if err != nil || len(due) != 1 || strings.Contains(due[0].Email, "xn--") {
		t.Errorf("due again: %+v, %v; want the genuine employee alone", due, err)
	}
}
