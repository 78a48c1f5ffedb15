package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/store"
)

// reply is a server's reply as a test writes it: "550 5.1.1 no such user".
func reply(s string) notify.ServerReply {
	r := notify.ServerReply{Stage: notify.StageRcpt}
	code, rest, _ := strings.Cut(s, " ")
	r.Code, _ = strconv.Atoi(code)
	if status, words, ok := strings.Cut(rest, " "); ok && strings.Count(status, ".") == 2 {
		r.Status, rest = status, words
	}
	r.Text = rest
	return r
}

// MustOpenDB opens a new database in a temporary folder.
func MustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "owabi.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// records turns a fixed list into a notify.NextRecord.
func records(list ...any) notify.NextRecord {
	i := 0
	return func() (notify.Record, *notify.EntryNote, error) {
		if i == len(list) {
			return notify.Record{}, nil, io.EOF
		}
		item := list[i]
		i++
		switch v := item.(type) {
		case notify.Record:
			return v, nil, nil
		case notify.EntryNote:
			return notify.Record{}, &v, nil
		case error:
			return notify.Record{}, nil, v
		}
		panic("bad item")
	}
}

var (
	yamada = notify.Record{Number: 1, Line: 2, Family: "山田", Given: "太郎", Company: "株式会社やまだ",
		Emails: []string{"taro@yamada.example"}, Phones: []string{"03-0000-0001"}, Labels: []string{"顧客"}}
	yamadaAgain = notify.Record{Number: 3, Line: 4, Family: "山田", Given: "太郎", Title: "部長",
		Emails: []string{"taro@yamada.example", "taro@freemail.example.jp"}}
	suzuki = notify.Record{Number: 2, Line: 3, Family: "鈴木", Given: "花子", Emails: []string{"hanako@suzuki.example"}}
)

func TestImportIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	rej := notify.EntryNote{Number: 4, Line: 5, Reason: notify.Say("entry.no_address")}
	first, err := db.Import(ctx, notify.ImportReport{File: "book.csv", Format: "google"}, records(yamada, suzuki, yamadaAgain, rej), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := notify.ImportReport{ID: 1, At: now, File: "book.csv", Format: "google", Records: 4, Added: 2, Merged: 1, AddressesAdded: 3,
		RejectedCount: 1, Rejected: []notify.EntryNote{rej}}
	if fmt.Sprint(first) != fmt.Sprint(want) {
		t.Errorf("first import:\n got %+v\nwant %+v", first, want)
	}
	again, err := db.Import(ctx, notify.ImportReport{File: "book.csv", Format: "google"}, records(yamada, suzuki, yamadaAgain, rej), nil)
	if err != nil {
		t.Fatal(err)
	}
	want = notify.ImportReport{ID: 2, At: now, File: "book.csv", Format: "google", Records: 4, Unchanged: 2, Merged: 1,
		RejectedCount: 1, Rejected: []notify.EntryNote{rej}}
	if fmt.Sprint(again) != fmt.Sprint(want) {
		t.Errorf("second import:\n got %+v\nwant %+v", again, want)
	}
	c, _, err := db.ContactByEmail(ctx, "taro@freemail.example.jp")
	if err != nil {
		t.Fatal(err)
	}
	if c.Title != "部長" || c.Company != "株式会社やまだ" || len(c.Emails) != 2 {
		t.Errorf("merged contact = %+v", c)
	}
}

func TestImportFailureChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	_, err := db.Import(ctx, notify.ImportReport{File: "bad.csv", Format: "google"}, records(yamada, suzuki, errors.New("read error")), nil)
	if err == nil {
		t.Fatal("import with a read error succeeded")
	}
	st, err := db.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Contacts != 0 || st.Addresses != 0 {
		t.Errorf("after a failed import: %d contacts, %d addresses; want none", st.Contacts, st.Addresses)
	}
}

func TestOutboxLifecycle(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	if _, err := db.Import(ctx, notify.ImportReport{File: "book.csv", Format: "google"}, records(yamada, suzuki, yamadaAgain), nil); err != nil {
		t.Fatal(err)
	}
	ids := 0
	newID := func() string { ids++; return fmt.Sprintf("<%d@test>", ids) }
	if n, err := db.Queue(ctx, notify.Deletion, "ja", newID); err != nil || n != 3 {
		t.Fatalf("Queue = %d, %v; want 3 notices", n, err)
	}
	if n, err := db.Queue(ctx, notify.Deletion, "ja", newID); err != nil || n != 0 {
		t.Fatalf("second Queue = %d, %v; want 0: one notice per address and kind", n, err)
	}
	claimed, err := db.Claim(ctx, 10)
	if err != nil || len(claimed) != 3 {
		t.Fatalf("Claim = %d, %v; want 3", len(claimed), err)
	}
	if again, _ := db.Claim(ctx, 10); len(again) != 0 {
		t.Fatalf("claimed notices were claimed twice")
	}
	if err := db.MarkSent(ctx, claimed[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Retry(ctx, claimed[1].ID, now.Add(time.Minute), reply("451 try later")); err != nil {
		t.Fatal(err)
	}
	if err := db.Fail(ctx, claimed[2].ID, reply("550 no such user")); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.Claim(ctx, 10); len(due) != 0 {
		t.Fatalf("a retry was claimed before it was due")
	}
	now = now.Add(time.Minute)
	due, err := db.Claim(ctx, 10)
	if err != nil || len(due) != 1 || due[0].ID != claimed[1].ID || due[0].Attempts != 1 || due[0].MessageID != claimed[1].MessageID ||
		due[0].Reply.Code != 451 {
		t.Fatalf("due retry = %+v, %v; want notice %d, one attempt made (the 451 kept), same Message-ID", due, err, claimed[1].ID)
	}
	// A sender that dies leaves the notice "sending"; the next one requeues it.
	if n, err := db.RequeueInFlight(ctx); err != nil || n != 1 {
		t.Fatalf("RequeueInFlight = %d, %v; want 1", n, err)
	}
	st, err := db.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[notify.NoticeState]int{notify.Queued: 1, notify.Sending: 0, notify.Sent: 1, notify.Failed: 1}
	if fmt.Sprint(st.Notices) != fmt.Sprint(want) {
		t.Errorf("notices = %v, want %v", st.Notices, want)
	}
	if err := db.MarkSent(ctx, claimed[0].ID); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Claim(ctx, 10); len(again) != 1 {
		t.Fatalf("after requeue: claimed %d, want 1 (the sent one never again)", len(again))
	}
}

func TestDatabaseIsOwnerOnly(t *testing.T) {
	db := MustOpenDB(t)
	for _, p := range []string{db.Path(), db.Path() + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v; want owner-only", filepath.Base(p), perm)
		}
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "owabi.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "book.csv", Format: "google"}, records(yamada), nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Status(ctx)
	if err != nil || st.Contacts != 1 {
		t.Fatalf("after reopening: %d contacts, %v", st.Contacts, err)
	}
}

func TestSenderLockIsExclusive(t *testing.T) {
	db := MustOpenDB(t)
	unlock, err := db.LockSender()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LockSender(); notify.ErrorCode(err) != notify.ECONFLICT {
		t.Errorf("second lock: %v; want a conflict", err)
	}
	unlock()
	unlock2, err := db.LockSender()
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}

func TestAddressesCompareWithoutCase(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	upper := notify.Record{Number: 1, Family: "山田", Emails: []string{"Taro@Yamada.example"}}
	lower := notify.Record{Number: 2, Family: "山田", Given: "太郎", Emails: []string{"taro@yamada.example"}}
	rep, err := db.Import(ctx, notify.ImportReport{File: "book.csv", Format: "google"}, records(upper, lower), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1 || rep.Merged != 1 {
		t.Errorf("import: %+v; want one contact, the second row merged", rep)
	}
	if _, _, err := db.ContactByEmail(ctx, "TARO@yamada.example"); err != nil {
		t.Errorf("lookup in other case: %v", err)
	}
}

func TestRequeueFailed(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if _, err := db.Import(ctx, notify.ImportReport{File: "book.csv", Format: "google"}, records(yamada, suzuki), nil); err != nil {
		t.Fatal(err)
	}
	db.Queue(ctx, notify.Deletion, "ja", func() string { return fmt.Sprint(time.Now().UnixNano()) })
	claimed, _ := db.Claim(ctx, 10)
	for _, d := range claimed {
		db.Fail(ctx, d.ID, reply("530 authentication required"))
	}
	if n, _, err := db.RequeueFailed(ctx, notify.Deletion); err != nil || n != 2 {
		t.Fatalf("RequeueFailed = %d, %v; want 2", n, err)
	}
	again, _ := db.Claim(ctx, 10)
	if len(again) != 2 || again[0].Attempts != 0 || again[0].MessageID != claimed[0].MessageID {
		t.Errorf("requeued: %+v", again)
	}
}

// A notice sent, bounced, given another round and then withdrawn keeps
// each step of that in the record: as of each time it stands as it did,
// the person counts as sent to from the first send, and the timeline
// lists that send.
func TestANoticeGivenAnotherRoundKeepsItsEarlierTry(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	at := func(h int) time.Time { return time.Date(2012, 12, 22, h, 0, 0, 0, time.UTC) }
	now := at(8)
	db.Now = func() time.Time { return now }
	if _, err := db.Import(ctx, notify.ImportReport{File: "book.csv", Format: "google"}, records(suzuki), nil); err != nil {
		t.Fatal(err)
	}
	u, _ := db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	db.Queue(ctx, notify.Deletion, "ja", func() string { return "<n1@x>" })
	now = at(9)
	claimed, _ := db.Claim(ctx, 10)
	if len(claimed) != 1 {
		t.Fatalf("claimed %+v", claimed)
	}
	if err := db.MarkSent(ctx, claimed[0].ID); err != nil {
		t.Fatal(err)
	}
	now = at(10)
	if _, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "<dsn@mx>", FromMailSystem: true,
		Bounces: []notify.Bounce{{Recipient: "hanako@suzuki.example", Action: "failed", Status: "5.2.2", OriginalMessageID: "<n1@x>"}}}}); err != nil {
		t.Fatal(err)
	}
	now = at(11)
	if n, _, err := db.RequeueFailed(ctx, notify.Deletion); err != nil || n != 1 {
		t.Fatalf("RequeueFailed = %d, %v", n, err)
	}
	now = at(12)
	if n, err := db.SetDoNotContact(ctx, u.ID, claimed[0].ContactID, true, "申し出"); err != nil || n != 1 {
		t.Fatalf("withdrawn %d, %v", n, err)
	}
	now = at(13)
	if got, _ := db.Notices(ctx, "hanako@suzuki.example"); len(got) != 1 || got[0].State != notify.Failed {
		t.Fatalf("the notice after it was withdrawn: %+v", got)
	}
	// Withdrawn, it is not given another round by a retry of the failed.
	if n, _, err := db.RequeueFailed(ctx, notify.Deletion); err != nil || n != 0 {
		t.Errorf("a retry of the failed requeued %d withdrawn notices (%v)", n, err)
	}
	for _, x := range []struct {
		h         int
		sent, out int
	}{{8, 0, 0}, {9, 1, 0}, {10, 1, 1}, {11, 1, 0}, {12, 1, 1}, {13, 1, 1}} {
		f, err := db.Facts(ctx, at(x.h).Add(30*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		noneDelivered := 0
		if f.NoneDelivered > 0 {
			noneDelivered = 1
		}
		if f.Sent[notify.Deletion] != x.sent || noneDelivered != x.out {
			t.Errorf("as of %d:30: sent to %d, none delivered to %d; want %d, %d", x.h, f.Sent[notify.Deletion], f.NoneDelivered, x.sent, x.out)
		}
	}
	steps, err := db.Timeline(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	sends := 0
	for _, s := range steps {
		if s.What == "sent_deletion" {
			sends++
			if !s.At.Equal(at(9)) {
				t.Errorf("the send is listed at %s", s.At)
			}
		}
	}
	if sends != 1 {
		t.Errorf("the timeline lists %d sends: %+v", sends, steps)
	}
	// The mark lifted, the next send queues it again, its tries kept.
	now = at(14)
	if _, err := db.SetDoNotContact(ctx, u.ID, claimed[0].ContactID, false, "確認できた"); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Queue(ctx, notify.Deletion, "ja", func() string { return "<n2@x>" }); err != nil || n != 1 {
		t.Fatalf("queued %d after the mark was lifted (%v), want the withdrawn notice back", n, err)
	}
	if got, _ := db.Notices(ctx, "hanako@suzuki.example"); len(got) != 1 || got[0].State != notify.Queued || got[0].MessageID != "<n1@x>" {
		t.Errorf("the notice after the mark was lifted: %+v", got)
	}
	if f, err := db.Facts(ctx, at(12).Add(30*time.Minute)); err != nil || f.NoneDelivered != 1 || f.Sent[notify.Deletion] != 1 {
		t.Errorf("as of 12:30 after it was queued again: %+v, %v", f, err)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	rep, err := db.Import(ctx, notify.ImportReport{File: "book.csv", Format: "google", DryRun: true}, records(yamada, suzuki), nil)
	if err != nil || rep.Added != 2 {
		t.Fatalf("dry run: %+v, %v; want 2 would be added", rep, err)
	}
	if st, _ := db.Status(ctx); st.Contacts != 0 {
		t.Errorf("a dry run stored %d contacts", st.Contacts)
	}
}

func TestImportClassifiesAddedAndChangedContacts(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	// A stand-in for the rules: anyone with an address at our domain is staff.
	decide := func(r notify.Record) notify.Decision {
		for _, e := range r.Emails {
			if strings.HasSuffix(e, "@sakura-print.example.jp") {
				return notify.Decision{Category: notify.Employee, Rule: notify.RuleOwnDomain}
			}
		}
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel}
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "a.csv"}, records(yamada), decide); err != nil {
		t.Fatal(err)
	}
	if c, _, _ := db.ContactByEmail(ctx, "taro@yamada.example"); c.Category != notify.Customer {
		t.Fatalf("added contact: %s, want customer", c.Category)
	}
	moved := yamada
	moved.Emails = []string{"taro@yamada.example", "t-yamada@sakura-print.example.jp"}
	if _, err := db.Import(ctx, notify.ImportReport{File: "b.csv"}, records(moved), decide); err != nil {
		t.Fatal(err)
	}
	if c, _, _ := db.ContactByEmail(ctx, "taro@yamada.example"); c.Category != notify.Employee || len(c.Emails) != 2 {
		t.Errorf("contact with a new own-domain address: %s with %v, want employee", c.Category, c.Emails)
	}
}

func TestClassifyWorksThroughChunks(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const n = 2500 // more than two chunks
	i := 0
	next := func() (notify.Record, *notify.EntryNote, error) {
		if i == n {
			return notify.Record{}, nil, io.EOF
		}
		i++
		return notify.Record{Number: i, Emails: []string{fmt.Sprintf("u%d@x.example", i)}}, nil, nil
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "gen"}, next, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := db.Classify(ctx, func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Supplier, Rule: notify.RuleLabel}
	})
	if err != nil || rep.Categories[notify.Supplier] != n || rep.Changed != n {
		t.Fatalf("Classify: %+v, %v; want all %d decided and changed", rep, err, n)
	}
	if st, _ := db.Status(ctx); st.Categories[notify.Supplier] != n {
		t.Errorf("stored: %v", st.Categories)
	}
}
