package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

func TestTheIncidentRecordKeepsEveryVersion(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	if _, err := db.Incident(ctx); notify.ErrorCode(err) != notify.ENOTFOUND {
		t.Fatalf("before any record: %v, want not found", err)
	}
	seed := notify.Incident{DiscoveredAt: time.Date(2026, 11, 20, 16, 10, 0, 0, time.UTC),
		IncidentText: notify.IncidentText{Summary: "不正ログイン", Cause: "パスワードの使い回し"}}
	for i, want := range []bool{true, false} {
		if saved, err := db.SeedIncident(ctx, seed); err != nil || saved != want {
			t.Fatalf("seed %d: saved %v, %v; want %v", i, saved, err, want)
		}
	}
	u, _ := db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	edited := seed
	edited.Cause, edited.En.Summary = "パスワードの使い回しと二要素認証の未設定", "Unauthorised login"
	if err := db.SaveIncident(ctx, u.ID, edited); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveIncident(ctx, u.ID, edited); err != nil { // unchanged: no version
		t.Fatal(err)
	}
	// The config has not changed: starting again keeps the manager's edit.
	if saved, _ := db.SeedIncident(ctx, seed); saved {
		t.Error("an unchanged config overwrote the manager's edit")
	}
	if got, _ := db.Incident(ctx); got.Cause != edited.Cause || got.In("en").Summary != "Unauthorised login" || got.In("en").Cause != edited.Cause {
		t.Errorf("the record: %+v", got)
	}
	history, err := db.IncidentHistory(ctx)
	if err != nil || len(history) != 2 {
		t.Fatalf("history: %d versions, %v; want 2", len(history), err)
	}
	if h := history[0]; h.By != "kanri" || !slices.Equal(h.Changed, []string{"cause", "en.summary"}) {
		t.Errorf("the latest version: by %q, changed %v", h.By, h.Changed)
	}
	if h := history[1]; h.By != "config" || h.Changed != nil {
		t.Errorf("the first version: by %q, changed %v", h.By, h.Changed)
	}
	if _, err := db.wdb.ExecContext(ctx, `UPDATE incident_versions SET record = '{}'`); err == nil {
		t.Error("a saved version was changed")
	}
	if trail, _ := db.AuditTrail(ctx, AuditFilter{Kind: "incident", Limit: 10}); len(trail) != 2 {
		t.Errorf("the audit trail has %d incident entries, want 2", len(trail))
	}
}
