package schedule

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

var tokyo, _ = time.LoadLocation("Asia/Tokyo")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, tokyo)
	if err != nil {
		panic(err)
	}
	return t
}

func TestBusinessHours(t *testing.T) {
	h := Hours{Start: 9 * time.Hour, End: 17*time.Hour + 30*time.Minute, Zone: tokyo,
		Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}}
	for now, want := range map[string]string{
		"2026-11-26 10:00": "2026-11-26 10:00", // Thursday, within
		"2026-11-26 07:30": "2026-11-26 09:00", // before opening
		"2026-11-26 17:30": "2026-11-27 09:00", // at closing: tomorrow
		"2026-11-27 23:00": "2026-11-30 09:00", // Friday night: Monday
		"2026-11-28 12:00": "2026-11-30 09:00", // Saturday
	} {
		if got := h.Next(at(now)); !got.Equal(at(want)) {
			t.Errorf("%s: next %s, want %s", now, got.In(tokyo).Format("2006-01-02 15:04 Mon"), want)
		}
	}
	// In UTC too: 2026-11-26 23:30 UTC is Friday 08:30 in Tokyo.
	if got := h.Next(time.Date(2026, 11, 26, 23, 30, 0, 0, time.UTC)); !got.Equal(at("2026-11-27 09:00")) {
		t.Errorf("from UTC: %s", got.In(tokyo))
	}
}

func TestAMissedRunHappensOnceAtStart(t *testing.T) {
	weekdays9 := "0 9 * * 1-5" // in Tokyo, from Zone
	for _, c := range []struct {
		last, now string
		missed    bool
	}{
		{"2026-11-23 09:00", "2026-11-25 10:00", true},  // Monday's run, then down over Tuesday's and Wednesday's: one run
		{"2026-11-24 09:00", "2026-11-24 18:00", false}, // ran this morning
		{"2026-11-27 09:00", "2026-11-29 12:00", false}, // Friday, and now Sunday: no slot in between
		{"", "2026-11-29 12:00", false},                 // never ran: the first slot is ahead
	} {
		j := &Job{Spec: weekdays9, Zone: tokyo, Now: func() time.Time { return at(c.now) },
			LastRun: func(context.Context) (time.Time, error) {
				if c.last == "" {
					return time.Time{}, nil
				}
				return at(c.last), nil
			}}
		if missed, err := j.Missed(context.Background()); err != nil || missed != c.missed {
			t.Errorf("last %q, now %s: missed %v, %v; want %v", c.last, c.now, missed, err, c.missed)
		}
	}
}

func TestServeRunsAMissedJobThenOnSchedule(t *testing.T) {
	ran := make(chan time.Time, 10)
	last := time.Now().Add(-time.Hour)
	j := &Job{Name: "test", Spec: "@every 1s", Zone: tokyo, Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		LastRun: func(context.Context) (time.Time, error) { return last, nil },
		Run:     func(_ context.Context, now time.Time) error { ran <- now; return nil }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- j.Serve(ctx) }()
	for i, what := range []string{"the missed run, at start", "the first scheduled run"} {
		select {
		case <-ran:
		case <-time.After(5 * time.Second):
			t.Fatalf("run %d (%s) did not happen", i+1, what)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestABadSpecIsExplained(t *testing.T) {
	if _, err := Parse("9 o'clock", tokyo); err == nil {
		t.Fatal("accepted")
	}
	s, err := Parse("CRON_TZ=UTC 0 0 * * *", tokyo)
	if err != nil {
		t.Fatal(err)
	}
	if next := s.Next(at("2026-11-26 10:00")); !next.Equal(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("CRON_TZ=UTC midnight after 10:00 Tokyo: %s", next)
	}
}
