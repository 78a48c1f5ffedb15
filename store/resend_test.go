package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/store"
)

// sendAll claims every due notice and marks it sent, except that those to
// the addresses in fail fail and those to keep stay queued.
func sendAll(t *testing.T, db *store.DB, fail, keep string) []notify.Delivery {
	t.Helper()
	ctx := context.Background()
	claimed, err := db.Claim(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range claimed {
		switch d.Email {
		case fail:
			db.Fail(ctx, d.ID, "550 no such user")
		case keep:
			db.Release(ctx, []int64{d.ID})
		default:
			db.MarkSent(ctx, d.ID)
		}
	}
	return claimed
}

func TestResendsGoOnlyToThoseWhoHaveNotAnswered(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	clock := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) // 09:00 in Tokyo
	db.Now = func() time.Time { return clock }
	var book []any
	for _, name := range []string{"acked", "called", "silent", "dnc", "bounced", "waiting"} {
		book = append(book, notify.Record{Family: name, Emails: []string{name + "@x.example"}})
	}
	decide := func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: owner}
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "x"}, records(book...), decide); err != nil {
		t.Fatal(err)
	}
	u, _ := db.AddUser(ctx, notify.User{Name: "suzuki", Email: owner, Role: notify.Sales}, []byte("h"))
	n := 0
	id := func() string { n++; return fmt.Sprintf("m%d@x", n) }
	db.Queue(ctx, notify.Deletion, "ja", id)
	sendAll(t, db, "bounced@x.example", "")
	contact := func(name string) int64 {
		c, _, err := db.ContactByEmail(ctx, name+"@x.example")
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	db.AddCall(ctx, u.ID, notify.Call{ContactID: contact("called"), At: clock, Outcome: notify.Reached})
	db.SetDoNotContact(ctx, u.ID, contact("dnc"), true, "本人の申し出")
	if err := db.AddAck(ctx, notify.Ack{ContactID: contact("acked"), Channel: notify.AckReply, At: clock, Excerpt: "削除しました"}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddAck(ctx, notify.Ack{ContactID: contact("silent"), Channel: notify.AckReply, At: clock, Auto: true, Excerpt: "不在です"}); err != nil {
		t.Fatal(err)
	}
	db.Queue(ctx, notify.Apology, "ja", id)
	sendAll(t, db, "", "waiting@x.example") // its apology is still to go
	policy := notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion}, After: 48 * time.Hour, MaxSends: 3}
	due := func(at time.Time) map[string]notify.Resend {
		list, err := db.DueResends(ctx, policy, at)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]notify.Resend{}
		for _, r := range list {
			out[r.Email] = r
		}
		return out
	}
	if got := due(clock.Add(47 * time.Hour)); len(got) != 0 {
		t.Errorf("47 hours after sending: %v due, want none", got)
	}
	if got := due(clock.Add(49 * time.Hour)); len(got) != 1 || got["silent@x.example"].Round != 0 || got["silent@x.example"].HandOver {
		t.Errorf("49 hours after: %+v due, want silent's first resend only (an auto-reply is no answer)", got)
	}
	// Three sends in all: the first, two resends, then a call.
	for round, at := range []time.Time{clock.Add(49 * time.Hour), clock.Add(98 * time.Hour)} {
		clock = at
		for range 2 { // a second run finds nothing more
			queued, handed, err := db.Resend(ctx, policy, at, at, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := 1; queued != want && !(queued == 0 && handed == 0) || handed != 0 {
				t.Errorf("resend %d: %d queued, %d handed", round+1, queued, handed)
			}
		}
		var sent []notify.Delivery
		for _, d := range sendAll(t, db, "", "") {
			if d.Kind == notify.Deletion { // waiting's apology goes too
				sent = append(sent, d)
			}
		}
		if len(sent) != 1 || sent[0].Email != "silent@x.example" || sent[0].Round != round+1 || len(sent[0].Thread) != round+1 {
			t.Fatalf("resend %d sent: %+v", round+1, sent)
		}
		if round == 0 { // waiting's apology has gone; they answer it through their link
			db.AddAck(ctx, notify.Ack{ContactID: contact("waiting"), Channel: notify.AckLink, At: at})
		}
		all, _ := db.Notices(ctx, "silent@x.example")
		var notices []notify.Notice
		for _, n := range all {
			if n.Kind == notify.Deletion {
				notices = append(notices, n)
			}
		}
		if sent[0].Thread[0] != notices[0].MessageID || sent[0].ResendOf != notices[round].ID {
			t.Errorf("resend %d threads with %v after notice %d; want %s first, after %d", round+1, sent[0].Thread, sent[0].ResendOf, notices[0].MessageID, notices[round].ID)
		}
	}
	clock = clock.Add(49 * time.Hour)
	if queued, handed, err := db.Resend(ctx, policy, clock, clock, id); err != nil || queued != 0 || handed != 1 {
		t.Errorf("after the last send: %d queued, %d handed, %v; want silent handed to staff", queued, handed, err)
	}
	if got := due(clock.Add(100 * time.Hour)); len(got) != 0 {
		t.Errorf("after handing over: %v due", got)
	}
	list := ownedBy(t, db, owner)
	for _, c := range list {
		if c.Family == "silent" && c.Urgency != notify.NoReply || c.Family == "acked" && c.Urgency != notify.Acknowledged {
			t.Errorf("%s is %s", c.Family, c.Urgency)
		}
	}
	if last, err := db.LastResend(ctx); err != nil || !last.Equal(clock) {
		t.Errorf("last run %v, %v; want %v", last, err, clock)
	}
}
