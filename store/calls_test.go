package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/store"
)

func TestUrgencyFollowsTheLatestHearing(t *testing.T) {
	ctx := context.Background()
	db, u := salesBook(t)
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

func TestCallBacksComeUpWhenDue(t *testing.T) {
	ctx := context.Background()
	db, u := salesBook(t)
	taro, _, _ := db.ContactByEmail(ctx, "taro@yamada.example")
	hanako, _, _ := db.ContactByEmail(ctx, "hanako@suzuki.example")
	// The call-back times are against the real clock, which SQL reads.
	now := time.Now()
	db.AddCall(ctx, u.ID, notify.Call{ContactID: taro.ID, At: now.Add(-2 * time.Hour), Outcome: notify.CallBack, CallBackAt: now.Add(-time.Minute)})
	db.AddCall(ctx, u.ID, notify.Call{ContactID: hanako.ID, At: now.Add(-2 * time.Hour), Outcome: notify.CallBack, CallBackAt: now.Add(time.Hour)})
	list, err := db.ContactsOwnedBy(ctx, owner, 10)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if list[0].Family != "山田" || list[0].Urgency != notify.CallBackDue || list[1].Urgency != notify.NotReached {
		t.Errorf("order: %s %s, %s %s; want 山田 due first", list[0].Family, list[0].Urgency, list[1].Family, list[1].Urgency)
	}
	if l := list[1].Last; l.Outcome != notify.CallBack || l.CallBackAt.Sub(now.Add(time.Hour)).Abs() > time.Millisecond {
		t.Errorf("鈴木's last call: %+v", l)
	}
}

// owner is the salesperson who owns every contact of salesBook.
const owner = "suzuki@sakura-print.example.jp"

// salesBook is a database with 山田 and 鈴木, both owned by the
// salesperson suzuki, who is returned too.
func salesBook(t *testing.T) (*store.DB, notify.User) {
	t.Helper()
	ctx := context.Background()
	db := MustOpenDB(t)
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
	return db, u
}
