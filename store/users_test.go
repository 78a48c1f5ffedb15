package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/store"
)

func TestSessionsEndAndNamesAreUnique(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	u, err := db.AddUser(ctx, notify.User{Name: "Suzuki", Role: notify.Sales}, []byte("hash"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddUser(ctx, notify.User{Name: "suzuki", Role: notify.Manager}, []byte("hash")); notify.ErrorCode(err) != notify.ECONFLICT {
		t.Errorf("a taken name in other case: %v; want a conflict", err)
	}
	if err := db.CreateSession(ctx, []byte("token"), notify.Session{User: u, CSRF: "c", Expires: now.Add(time.Hour)}, []byte("hash")); err != nil {
		t.Fatal(err)
	}
	if s, err := db.Session(ctx, []byte("token")); err != nil || s.User.Name != "Suzuki" || s.CSRF != "c" {
		t.Fatalf("Session = %+v, %v", s, err)
	}
	now = now.Add(time.Hour)
	if _, err := db.Session(ctx, []byte("token")); notify.ErrorCode(err) != notify.EUNAUTHORIZED {
		t.Errorf("an hour later: %v; want the session ended", err)
	}
	if _, _, err := db.UserForLogin(ctx, "nobody"); notify.ErrorCode(err) != notify.EUNAUTHORIZED {
		t.Errorf("an unknown name: %v; want unauthorized", err)
	}
	store.EveryEntryIsSaidInEveryLanguage(t, db)
}
