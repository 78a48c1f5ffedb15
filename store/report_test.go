package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

// The reports' counts from the cases that are easy to get wrong: a person
// who told only their confirmation page, a hearing that left "arrived"
// blank, a notice that bounced after it was sent, an address still queued
// beside a failed one, an automatic reply.
func TestTheReportsCountEachPersonOnceFromEverythingTheyTold(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	if _, err := d.Import(ctx, notify.ImportReport{File: "book.csv"}, recordsOf(
		notify.Record{Family: "A", Emails: []string{"a@a.example"}},
		notify.Record{Family: "B", Emails: []string{"b@b.example"}},
		notify.Record{Family: "C", Emails: []string{"c@c.example"}},
		notify.Record{Family: "D", Emails: []string{"d1@d.example", "d2@d.example"}},
	), nil); err != nil {
		t.Fatal(err)
	}
	n := 0
	if _, err := d.Queue(ctx, notify.Deletion, "ja", func() string { n++; return string(rune('a'+n)) + "@test" }); err != nil {
		t.Fatal(err)
	}
	claimed, err := d.Claim(ctx, 10)
	if err != nil || len(claimed) != 5 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	byEmail := map[string]notify.Delivery{}
	for _, c := range claimed {
		byEmail[c.Email] = c
	}
	d.MarkSent(ctx, byEmail["a@a.example"].ID)
	d.Fail(ctx, byEmail["b@b.example"].ID, serverReply("550 no such user"))
	d.MarkSent(ctx, byEmail["c@c.example"].ID)
	d.wdb.ExecContext(ctx, `UPDATE notices SET state = 'failed' WHERE id = ?`, byEmail["c@c.example"].ID) // as a bounce leaves it
	d.Fail(ctx, byEmail["d1@d.example"].ID, serverReply("550 no such user"))
	// Still on its way: until it arrives, nothing has reached D and one
	// notice failed, so D is counted as the calling list shows them, to
	// be phoned.
	d.Release(ctx, []int64{byEmail["d2@d.example"].ID})

	if err := d.AckByLink(ctx, byEmail["a@a.example"].Notice, notify.OpenedSpam); err != nil {
		t.Fatal(err)
	}
	u, _ := d.AddUser(ctx, notify.User{Name: "suzuki", Role: notify.Sales}, []byte("h"))
	b := byEmail["b@b.example"].Contact.ID
	if _, err := d.AddCall(ctx, u.ID, notify.Call{ContactID: b, Outcome: notify.Reached, Hearing: notify.Hearing{Clicked: notify.Yes}}); err != nil {
		t.Fatal(err)
	}
	d.AddCall(ctx, u.ID, notify.Call{ContactID: byEmail["d1@d.example"].Contact.ID, Outcome: notify.NoAnswer})
	d.AddAck(ctx, notify.Ack{ContactID: byEmail["c@c.example"].Contact.ID, Channel: notify.AckChannel("reply"), At: d.Now(), Auto: true})

	f, err := d.Facts(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got := []int{f.Total(), f.Addresses, f.Sent[notify.Deletion], f.NoneDelivered, f.Called, f.Reached, f.Arrived, f.NotArrived, f.Clicked}
	if want := []int{4, 5, 2, 3, 2, 1, 2, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("persons, addresses, sent (even if bounced later), none reached, called, reached, arrived, not arrived, clicked:\n got %v\nwant %v", got, want)
	}
	steps, err := d.Timeline(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, s := range steps {
		count[s.What] += s.N
	}
	if count["sent_deletion"] != 2 || count["ack"] != 1 || count["call"] != 2 || count["heard"] != 1 || count["import"] != 1 {
		t.Errorf("the timeline's counts: %v; want 2 sent (one bounced later), 1 acknowledgement (not the automatic reply), 2 calls, 1 hearing, 1 import", count)
	}
}
