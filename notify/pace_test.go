package notify

import (
	"slices"
	"testing"
	"time"
)

func TestWhenTheQueueGoesOutAtTheSendingLimits(t *testing.T) {
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	ago := func(d time.Duration, n int) []time.Time { // n sends, d ago
		s := make([]time.Time, n)
		for i := range s {
			s[i] = now.Add(-d)
		}
		return s
	}
	for _, tt := range []struct {
		name      string
		pace      Pace
		sent      []time.Time
		queued    int
		lastOut   time.Time
		nextSlot  time.Time
		sentInDay int
	}{
		{"no limit", Pace{}, nil, 500, now, now, 0},
		{"the rate only", Pace{PerMinute: 60}, nil, 61, now.Add(time.Minute), now, 0},
		{"within the day's cap", Pace{PerDay: 2000}, ago(time.Hour, 1000), 1000, now, now, 1000},
		// 2,000 sent an hour ago fill the day: the first waits 23 hours.
		{"the cap reached", Pace{PerDay: 2000}, ago(time.Hour, 2000), 1, now.Add(23 * time.Hour), now.Add(23 * time.Hour), 2000},
		// Sends older than a day do not count.
		{"yesterday's sends", Pace{PerDay: 2000}, ago(25*time.Hour, 2000), 2000, now, now, 0},
		// 5,000 from an empty day at 2,000 a day: 2,000 now, 2,000 in a
		// day, the last 1,000 in two.
		{"three days", Pace{PerDay: 2000}, nil, 5000, now.Add(2 * Day), now, 0},
		// With the rate: 3 a minute, 4 a day. Now, +20s, +40s, +60s, then a
		// day after the first.
		{"the rate and the cap", Pace{PerMinute: 3, PerDay: 4}, nil, 5, now.Add(Day), now, 0},
		{"nothing queued", Pace{PerDay: 10}, ago(time.Minute, 10), 0, now, now.Add(Day - time.Minute), 10},
	} {
		o := tt.pace.Outlook(now, tt.sent, tt.queued)
		if !o.LastOut.Equal(tt.lastOut) || o.SentInDay != tt.sentInDay || o.Queued != tt.queued {
			t.Errorf("%s: last out %v, %d sent in the day; want %v, %d", tt.name, o.LastOut, o.SentInDay, tt.lastOut, tt.sentInDay)
		}
		sorted := slices.SortedFunc(slices.Values(tt.sent), time.Time.Compare)
		if got := tt.pace.NextSlot(now, sorted); !got.Equal(tt.nextSlot) {
			t.Errorf("%s: next slot %v, want %v", tt.name, got, tt.nextSlot)
		}
	}
}
