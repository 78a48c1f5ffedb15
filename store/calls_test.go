package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

func TestUrgencyFollowsTheLatestHearing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	owner := "suzuki@sakura-print.example.jp"
	decide := func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: owner}
	}
	if _, err := db.Import(ctx, notify.ImportReport{File: "x"}, records(yamada, suzuki), decide); err != nil {
		t.Fatal(err)
	}
	u, err := db.AddUser(ctx, notify.User{Name: "suzuki", Email: owner, Role: notify.Sales}, []byte("h"))
	if err != nil {
		t.Fatal(err)
	}
	taro, _, _ := db.ContactByEmail(ctx, "taro@yamada.example")
	urgency := func() map[string]notify.Urgency {
		list, err := db.ContactsOwnedBy(ctx, owner, 10)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]notify.Urgency{}
		for _, c := range list {
			out[c.Family] = c.Urgency
		}
		return out
	}
	if got := urgency(); got["山田"] != notify.NotReached || got["鈴木"] != notify.NotReached {
		t.Fatalf("before any call: %v", got)
	}
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	call := func(h notify.Hearing) {
		at = at.Add(time.Hour)
		if _, err := db.AddCall(ctx, u.ID, notify.Call{ContactID: taro.ID, At: at, Outcome: notify.Reached, Hearing: h}); err != nil {
			t.Fatal(err)
		}
	}
	call(notify.Hearing{Clicked: notify.Yes})
	if got := urgency(); got["山田"] != notify.AtRisk {
		t.Errorf("after 'clicked the link': %v, want at risk", got)
	}
	call(notify.Hearing{Clicked: notify.Yes, Infected: notify.No, Deleted: notify.Yes}) // checked: clean
	call(notify.Hearing{Clicked: notify.No, Infected: notify.No})
	if got := urgency(); got["山田"] != notify.Done {
		t.Errorf("after a later hearing found nothing: %v, want done", got)
	}
	// A notice that failed, with none delivered and nobody spoken to.
	n := 0
	db.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint(n, "@x") })
	claimed, _ := db.Claim(ctx, 10)
	for _, d := range claimed {
		db.Fail(ctx, d.ID, "550 no such user")
	}
	if got := urgency(); got["鈴木"] != notify.NoticeFailed || got["山田"] != notify.Done {
		t.Errorf("after failed notices: %v; want 鈴木 notice failed, 山田 (spoken to) done", got)
	}
}
