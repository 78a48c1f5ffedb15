package store

import (
	"context"
	"slices"
	"strings"
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
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	seed := notify.Incident{DiscoveredAt: time.Date(2026, 11, 20, 16, 10, 30, 0, tokyo), SpamURL: "https://evil.example/a",
		IncidentText: notify.IncidentText{Summary: "不正ログイン", Cause: "パスワードの使い回し", Measures: "パスワードを変更しました。\n"}}
	for i, want := range []bool{true, false} {
		if saved, err := db.SeedIncident(ctx, seed); err != nil || saved != want {
			t.Fatalf("seed %d: saved %v, %v; want %v", i, saved, err, want)
		}
	}
	u, _ := db.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	edited, _ := db.Incident(ctx)
	if !edited.DiscoveredAt.Equal(time.Date(2026, 11, 20, 7, 10, 0, 0, time.UTC)) {
		t.Errorf("kept to the minute: %v", edited.DiscoveredAt)
	}
	// The same instant, told in another zone, is no change; nor is the
	// line end a form drops.
	edited.DiscoveredAt = edited.DiscoveredAt.In(tokyo)
	edited.Measures = strings.TrimSpace(edited.Measures)
	if err := db.SaveIncident(ctx, u.ID, 1, edited); err != nil {
		t.Fatal(err)
	}
	edited.Cause, edited.En.Summary = "パスワードの使い回しと二要素認証の未設定", "Unauthorised login"
	if err := db.SaveIncident(ctx, u.ID, 1, edited); err != nil {
		t.Fatal(err)
	}
	// Another manager's edit, begun on version 1, would undo it unseen.
	if err := db.SaveIncident(ctx, u.ID, 1, seed); notify.ErrorCode(err) != notify.ECONFLICT {
		t.Errorf("an edit of an older version: %v, want a conflict", err)
	}
	// The config changes one key: that key, and only it, reaches the record.
	seed.SpamURL = "https://evil.example/b"
	if saved, _ := db.SeedIncident(ctx, seed); !saved {
		t.Error("a changed config was not saved")
	}
	got, _ := db.Incident(ctx)
	if got.Cause != edited.Cause || got.SpamURL != seed.SpamURL || got.In("en").Summary != "Unauthorised login" || got.In("en").Cause != edited.Cause {
		t.Errorf("the record: %+v", got)
	}
	history, err := db.IncidentHistory(ctx)
	if err != nil || len(history) != 3 {
		t.Fatalf("history: %d versions, %v; want 3", len(history), err)
	}
	if h := history[0]; h.By != "config" || !slices.Equal(h.Changed, []string{"spam_url"}) {
		t.Errorf("the latest version: by %q, changed %v", h.By, h.Changed)
	}
	if h := history[1]; h.By != "kanri" || !slices.Equal(h.Changed, []string{"cause", "en.summary"}) {
		t.Errorf("the manager's version: by %q, changed %v", h.By, h.Changed)
	}
	if h := history[2]; h.By != "config" || h.Changed != nil {
		t.Errorf("the first version: by %q, changed %v", h.By, h.Changed)
	}
	if _, err := db.wdb.ExecContext(ctx, `UPDATE incident_versions SET record = '{}'`); err == nil {
		t.Error("a saved version was changed")
	}
	if trail, _ := db.AuditTrail(ctx, notify.AuditFilter{Kind: "incident", Limit: 10}); len(trail) != 3 {
		t.Errorf("the audit trail has %d incident entries, want 3", len(trail))
	}
	EveryEntryIsSaidInEveryLanguage(t, db)
}
