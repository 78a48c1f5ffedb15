package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/owabi/owabi/notify"
)

// A daemon that dies again and again after claiming notices (a crash
// loop) costs them nothing: only answers count as attempts.
func TestClaimsCutShortCostNoAttempt(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(notify.Record{Number: 1, Family: "甲", Emails: []string{"a@c.example"}}), nil)
	d.Queue(ctx, notify.Deletion, "ja", func() string { return "m1@x" })
	for range 10 {
		if claimed, err := d.Claim(ctx, 10); err != nil || len(claimed) != 1 {
			t.Fatalf("Claim = %v, %v", claimed, err)
		}
		if _, err := d.RequeueInFlight(ctx); err != nil { // the sender died
			t.Fatal(err)
		}
	}
	claimed, _ := d.Claim(ctx, 10)
	if len(claimed) != 1 || claimed[0].Attempts != 0 {
		t.Fatalf("after ten claims cut short: %+v; want no attempt counted", claimed)
	}
	if err := d.Release(ctx, []int64{claimed[0].ID}); err != nil {
		t.Fatal(err)
	}
	claimed, _ = d.Claim(ctx, 10)
	greylisted := notify.ServerReply{Stage: notify.StageRcpt, Code: 451, Status: "4.7.1", Text: "Greylisted"}
	if err := d.Retry(ctx, claimed[0].ID, d.Now(), greylisted); err != nil {
		t.Fatal(err)
	}
	claimed, _ = d.Claim(ctx, 10)
	if len(claimed) != 1 || claimed[0].Attempts != 1 || claimed[0].Reply != greylisted {
		t.Fatalf("after one answered attempt: %+v; want one, with the reply kept", claimed)
	}
	if err := d.MarkSent(ctx, claimed[0].ID); err != nil {
		t.Fatal(err)
	}
	if ns, _ := d.Notices(ctx, "a@c.example"); ns[0].Attempts != 2 || ns[0].Reply != (notify.ServerReply{}) {
		t.Errorf("sent: %+v; want two attempts and no reply left", ns[0])
	}
}

// The contact list says which addresses' last notice did not arrive, and
// what the server said: an address a later notice reached is not listed.
func TestEachContactTellsTheUndeliveredAddresses(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(notify.Record{Number: 1, Family: "甲",
		Emails: []string{"gone@c.example", "full@c.example", "fine@c.example"}}), nil)
	n := 0
	id := func() string { n++; return fmt.Sprint(n, "@m") }
	d.Queue(ctx, notify.Deletion, "ja", id)
	claimed, _ := d.Claim(ctx, 10)
	gone := notify.ServerReply{Stage: notify.StageRcpt, Code: 550, Status: "5.1.1", Text: "no such user"}
	d.Undeliverable(ctx, claimed[0].ID, gone)
	d.Fail(ctx, claimed[1].ID, notify.ServerReply{Stage: notify.StageData, Code: 552, Status: "5.2.2", Text: "full"})
	d.MarkSent(ctx, claimed[2].ID)
	d.Queue(ctx, notify.Apology, "ja", id)
	for _, c := range mustClaim(t, d) {
		d.MarkSent(ctx, c.ID) // the full mailbox took the apology
	}
	var got []notify.Undelivered
	if err := d.EachContact(ctx, func(_ notify.Contact, p notify.ContactProgress) error {
		got = append(got, p.Undelivered...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Email != "gone@c.example" || got[0].Reply != gone {
		t.Errorf("undelivered: %+v; want only gone@c.example, with its reply", got)
	}
}

func mustClaim(t *testing.T, d *DB) []notify.Delivery {
	t.Helper()
	claimed, err := d.Claim(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return claimed
}
