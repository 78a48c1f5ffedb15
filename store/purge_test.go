package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
	"github.com/owabi/owabi/store"
)

// personal is every piece of personal data purgeBook puts in the
// database, each distinct enough to be found in the file's bytes.
var personal = []string{"蔵之介", "御手洗", "みたらい", "くらのすけ", "御手洗商店", "秘書室", "室長代理",
	"045-987-6543", "kuranosuke@mitarai.example", "mitarai-home@mail.example.jp", "誕生日は三月三日",
	"得意先台帳", "取引のある御手洗さま", "本人から連絡なし", "奥様が出て折り返し", "ウイルスは見つかりませんでした御手洗",
	"mitarai-book.vcf", "no-such-mitarai@bad.example", "<reply-mitarai@mail.example.jp>", "550 5.1.1 <no-such-mitarai"}

// purgeBook is a database that holds personal data in every place owabi
// keeps it, with every notice sent or failed: nothing waits.
func purgeBook(t *testing.T) (*store.DB, notify.User) {
	t.Helper()
	ctx := notify.WithActor(context.Background(), "kanri")
	db := MustOpenDB(t)
	db.Now = func() time.Time { return time.Date(2026, 11, 26, 1, 2, 3, 0, time.UTC) }
	book := records(
		notify.Record{Number: 1, Line: 2, Family: "御手洗", Given: "蔵之介", FamilyKana: "みたらい", GivenKana: "くらのすけ",
			Company: "御手洗商店", Department: "秘書室", Title: "室長代理", Phones: []string{"045-987-6543"},
			Labels: []string{"得意先台帳"}, Notes: "誕生日は三月三日",
			Emails: []string{"kuranosuke@mitarai.example", "mitarai-home@mail.example.jp"}},
		notify.Record{Number: 2, Line: 3, Family: "別人", Emails: []string{"no-such-mitarai@bad.example"},
			Warnings: []notify.Said{notify.Written("look at no-such-mitarai@bad.example")}},
		notify.EntryNote{Number: 3, Line: 4, Reason: notify.Written("invalid e-mail address kuranosuke@@mitarai.example")},
	)
	if _, err := db.Import(ctx, notify.ImportReport{File: "mitarai-book.vcf"}, book, nil); err != nil {
		t.Fatal(err)
	}
	u, err := db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager, Email: "kanri@org.example"}, []byte("h"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Reclassify(ctx, 1, u.ID, notify.Customer, "取引のある御手洗さま"); err != nil {
		t.Fatal(err)
	}
	if err := db.Reassign(ctx, u.ID, "kanri@org.example", 1, 2); err != nil {
		t.Fatal(err)
	}
	n := 0
	id := func() string { n++; return fmt.Sprintf("<m%d@org.example>", n) }
	db.Queue(ctx, notify.Deletion, "ja", id)
	sendAll(t, db, "", "")
	if err := db.Undeliverable(ctx, 3, reply("550 5.1.1 <no-such-mitarai@bad.example>: no such user")); err != nil {
		t.Fatal(err)
	}
	if err := db.NewAckToken(ctx, 1, []byte("token-hash"), db.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 1, MessageID: "<reply-mitarai@mail.example.jp>",
		From: "mitarai-home@mail.example.jp", InReplyTo: "<m2@org.example>", Excerpt: "本人から連絡なし、と伝えてください"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []notify.Call{
		{ContactID: 1, Outcome: notify.NoAnswer, Note: "奥様が出て折り返し", FormKey: "f1"},
		{ContactID: 1, Outcome: notify.Reached, Hearing: notify.Hearing{Arrived: notify.Yes, Clicked: notify.Yes},
			FollowUp: notify.VirusCheck, FollowUpDone: db.Now(), FollowUpResult: notify.NoInfection,
			Note: "ウイルスは見つかりませんでした御手洗", FormKey: "f2"},
	} {
		if _, err := db.AddCall(ctx, u.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SetDoNotContact(ctx, u.ID, 2, true, "本人から連絡なし"); err != nil {
		t.Fatal(err)
	}
	return db, u
}

// counts is everything the status, the dashboard and its charts read.
func counts(t *testing.T, db *store.DB) []any {
	t.Helper()
	ctx := context.Background()
	st, err1 := db.Status(ctx)
	progress, err2 := db.Progress(ctx)
	staff, err3 := db.StaffProgress(ctx)
	reached, err4 := db.ReachedPerDay(ctx, 14, 0)
	acked, err5 := db.AcknowledgedPerDay(ctx, 14, 0)
	withheld, err6 := db.Withheld(ctx)
	list, _, err7 := db.Contacts(ctx, notify.ContactList{Limit: 10})
	for _, err := range []error{err1, err2, err3, err4, err5, err6, err7} {
		if err != nil {
			t.Fatal(err)
		}
	}
	var states []string
	for _, c := range list {
		states = append(states, fmt.Sprint(c.ID, c.Category, c.Urgency, c.OwnerEmail))
	}
	return []any{st, progress, staff, reached, acked, withheld, states}
}

// textIn lists where, in any text or blob column of any table, value is found.
func textIn(t *testing.T, path, value string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	names := func(query string, args ...any) []string {
		rows, err := raw.Query(query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			out = append(out, n)
		}
		return out
	}
	var found []string
	for _, table := range names(`SELECT name FROM sqlite_master WHERE type = 'table'`) {
		for _, c := range names(`SELECT name FROM pragma_table_info(?)`, table) {
			var n int
			q := fmt.Sprintf(`SELECT count(*) FROM "%s" WHERE instr(CAST("%s" AS TEXT), ?) > 0`, table, c)
			if err := raw.QueryRow(q, value).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				found = append(found, table+"."+c)
			}
		}
	}
	return found
}

func TestPurgeErasesThePersonalDataAndKeepsTheCounts(t *testing.T) {
	ctx := notify.WithActor(context.Background(), "kanri")
	db, _ := purgeBook(t)
	for _, v := range personal {
		if len(textIn(t, db.Path(), v)) == 0 {
			t.Fatalf("the book does not hold %q: the test looks for nothing", v)
		}
	}
	before := counts(t, db)
	preview, err := db.PurgePreview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if where := textIn(t, db.Path(), "御手洗"); len(where) == 0 {
		t.Fatal("looking first erased something")
	}
	rep, err := db.Purge(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	rep.Head, preview.Head = nil, nil
	if !reflect.DeepEqual(rep, preview) {
		t.Errorf("the purge did %+v, but said first it would do %+v", rep, preview)
	}
	want := notify.PurgeReport{Contacts: 2, Addresses: 3, Calls: 2, Replies: 1, Reasons: 2, Imports: 1, ImportEntries: 2,
		Notices: 1, AuditDetails: 3, Links: 1}
	if !reflect.DeepEqual(rep, want) {
		t.Errorf("purged %+v, want %+v", rep, want)
	}
	for _, v := range personal {
		if where := textIn(t, db.Path(), v); len(where) > 0 {
			t.Errorf("%q is still in %v", v, where)
		}
	}
	// Nor in the file's bytes: freed pages and the write-ahead log.
	for _, f := range []string{db.Path(), db.Path() + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, v := range personal {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("%s still holds %q", f, v)
			}
		}
	}
	if after := counts(t, db); !reflect.DeepEqual(after, before) {
		t.Errorf("the counts changed:\nbefore %v\nafter  %v", before, after)
	}
	c, err := db.Contact(ctx, 1)
	if err != nil || c.Name() != notify.Purged || len(c.Emails) != 2 || !strings.HasSuffix(c.Emails[0], "@invalid") || c.Category != notify.Customer {
		t.Errorf("contact 1 after the purge: %+v, %v", c, err)
	}
	if at, by, _ := db.Purged(ctx); at.IsZero() || by != "kanri" {
		t.Errorf("purged at %v by %q", at, by)
	}
	// A second purge erases nothing more and says when the first was.
	again, err := db.Purge(ctx, false)
	if err != nil || again.At.IsZero() || again.By != "kanri" || again.Contacts != 0 || again.Notices != 0 {
		t.Errorf("a second purge: %+v, %v", again, err)
	}
	if after := counts(t, db); !reflect.DeepEqual(after, before) {
		t.Errorf("a second purge changed the counts")
	}
	store.EveryEntryIsSaidInEveryLanguage(t, db)
}

func TestNothingIsSentOrTakenInAfterAPurge(t *testing.T) {
	ctx := context.Background()
	db, u := purgeBook(t)
	n := 100
	id := func() string { n++; return fmt.Sprintf("<m%d@org.example>", n) }
	if q, err := db.Queue(ctx, notify.Apology, "ja", id); err != nil || q != 2 { // contact 2 is not to be contacted
		t.Fatalf("queued %d, %v", q, err)
	}
	claimed, err := db.Claim(ctx, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claimed %v, %v", claimed, err)
	}
	// One notice waits and one is in flight, with the daemon's sender.
	rep, err := db.Purge(ctx, false)
	if err != nil || rep.Withdrawn != 1 {
		t.Fatalf("purged %+v, %v", rep, err)
	}
	// The notice in flight comes back to the queue: it is withdrawn.
	if err := db.Release(ctx, []int64{claimed[0].ID}); err != nil {
		t.Fatal(err)
	}
	if again, err := db.Claim(ctx, 10); err != nil || len(again) != 0 {
		t.Errorf("claimed after the purge: %v, %v", again, err)
	}
	if st, _ := db.Status(ctx); st.Notices[notify.Queued]+st.Notices[notify.Sending] != 0 {
		t.Errorf("waiting after the purge: %v", st.Notices)
	}
	refused := map[string]error{}
	_, refused["queue"] = db.Queue(ctx, notify.Apology, "en", id)
	_, _, refused["requeue"] = db.RequeueFailed(ctx, notify.Deletion)
	_, refused["import"] = db.Import(ctx, notify.ImportReport{File: "again.csv"}, records(notify.Record{Family: "御手洗",
		Emails: []string{"kuranosuke@mitarai.example"}}), nil)
	_, refused["call"] = db.AddCall(ctx, u.ID, notify.Call{ContactID: 1, Outcome: notify.Reached, Note: "御手洗"})
	refused["reclassify"] = db.Reclassify(ctx, 1, u.ID, notify.Supplier, "御手洗")
	_, refused["mark"] = db.SetDoNotContact(ctx, u.ID, 1, true, "御手洗")
	for what, err := range refused {
		if notify.ErrorCode(err) != notify.ECONFLICT || !strings.Contains(err.Error(), "purged") {
			t.Errorf("%s after the purge: %v", what, err)
		}
	}
	if out, err := db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{{UID: 2, MessageID: "<x@y>", InReplyTo: "<m1@org.example>",
		Excerpt: "御手洗"}}); err != nil || out[0] != notify.NotOurs {
		t.Errorf("a reply after the purge: %v, %v", out, err)
	}
	due, err := db.DueResends(ctx, notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion}, MaxSends: 3}, db.Now().Add(30*24*time.Hour))
	if err != nil || len(due) != 0 {
		t.Errorf("resends due after the purge: %v, %v", due, err)
	}
	if where := textIn(t, db.Path(), "御手洗"); len(where) > 0 {
		t.Errorf("personal data came back in %v", where)
	}
}

// A notice in flight during a purge may still be refused by the server,
// whose reply quotes the address: what it said is not kept. And a purge
// run again finds nothing of it.
func TestWhatANoticeInFlightBringsBackIsNotKept(t *testing.T) {
	ctx := context.Background()
	db, _ := purgeBook(t)
	n := 100
	if _, err := db.Queue(ctx, notify.Apology, "ja", func() string { n++; return fmt.Sprintf("<m%d@org.example>", n) }); err != nil {
		t.Fatal(err)
	}
	claimed, err := db.Claim(ctx, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claimed %v, %v", claimed, err)
	}
	if _, err := db.Purge(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := db.Undeliverable(ctx, claimed[0].ID, reply("550 5.1.1 <kuranosuke@mitarai.example>: no such user")); err != nil {
		t.Fatal(err)
	}
	if where := textIn(t, db.Path(), "kuranosuke"); len(where) > 0 {
		t.Errorf("the refusal's text is kept in %v", where)
	}
	if err := db.AddAck(ctx, notify.Ack{ContactID: 1, Channel: notify.AckChannel("reply"), At: db.Now(), Excerpt: "御手洗"}); notify.ErrorCode(err) != notify.ECONFLICT {
		t.Errorf("an acknowledgement after the purge: %v", err)
	}
	if again, err := db.Purge(ctx, false); err != nil || again.Notices+again.Addresses != 0 {
		t.Errorf("purged again: %+v, %v", again, err)
	}
}

// A trail broken before the purge stops it, until the operator, knowing,
// purges despite it: the purge says where the trail broke.
func TestAPurgeDespiteABrokenTrail(t *testing.T) {
	ctx := context.Background()
	db, _ := purgeBook(t)
	raw, err := sql.Open("sqlite3", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = store.Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if preview, err := db.PurgePreview(ctx); err != nil || preview.Broken != 2 {
		t.Errorf("the preview: %+v, %v", preview, err)
	}
	if _, err := db.Purge(ctx, false); notify.ErrorCode(err) != notify.ECONFLICT || !strings.Contains(err.Error(), "--despite-broken-audit") {
		t.Errorf("a purge over a broken trail: %v", err)
	}
	rep, err := db.Purge(ctx, true)
	if err != nil || rep.Contacts != 2 {
		t.Fatalf("purged despite: %+v, %v", rep, err)
	}
	if where := textIn(t, db.Path(), "御手洗"); len(where) > 0 {
		t.Errorf("still in %v", where)
	}
	trail, _ := db.AuditTrail(ctx, notify.AuditFilter{Kind: "purge", Limit: 1})
	if len(trail) != 1 || !strings.Contains(wording.Audit("en", time.UTC, trail[0]), "; the audit trail was already broken at entry #2") {
		t.Errorf("the purge's entry: %+v", trail)
	}
	store.EveryEntryIsSaidInEveryLanguage(t, db)
}

// A backup made before the purge holds the personal data: restoring it
// is refused, unless it is to undo a purge made in error.
func TestRestoringABackupFromBeforeThePurgeIsRefused(t *testing.T) {
	ctx := context.Background()
	db, _ := purgeBook(t)
	backup := filepath.Join(t.TempDir(), "before.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Purge(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := db.Restore(ctx, backup, false); notify.ErrorCode(err) != notify.ECONFLICT || !strings.Contains(err.Error(), "--undo-purge") {
		t.Errorf("restoring the data the purge erased: %v", err)
	}
	if where := textIn(t, db.Path(), "御手洗"); len(where) > 0 {
		t.Errorf("the data came back in %v", where)
	}
	if err := db.Restore(ctx, backup, true); err != nil {
		t.Fatal(err)
	}
	if where := textIn(t, db.Path(), "御手洗"); len(where) == 0 {
		t.Error("undoing the purge did not bring the data back")
	}
}
