package notify

import (
	"slices"
	"time"
)

// Pace is how fast the organisation's mail server lets owabi send: the
// rate owabi keeps to (smtp.per_minute), and the cap the server puts on a
// day's messages (smtp.per_day; Microsoft 365 takes 10,000 recipients a day
// from a mailbox, Google Workspace 2,000 from a user). Zero is no limit.
type Pace struct {
	PerMinute int `json:"per_minute,omitempty"`
	PerDay    int `json:"per_day,omitempty"`
}

// Day is the span a daily cap counts over: the last 24 hours, as
// Microsoft 365 and Google count, not the calendar day.
const Day = 24 * time.Hour

// Limited says whether the pace limits anything.
func (p Pace) Limited() bool { return p.PerMinute > 0 || p.PerDay > 0 }

// NextSlot is when the daily cap lets the next message go, given when
// messages went out, in time order: now while fewer than PerDay went in
// the last day, else when the oldest of the last PerDay leaves it.
func (p Pace) NextSlot(now time.Time, sent []time.Time) time.Time {
	if p.PerDay <= 0 {
		return now
	}
	first, _ := slices.BinarySearchFunc(sent, now.Add(-Day), func(t, dayAgo time.Time) int {
		if t.After(dayAgo) {
			return 1
		}
		return -1
	})
	if len(sent)-first < p.PerDay {
		return now
	}
	return later(now, sent[len(sent)-p.PerDay].Add(Day))
}

// Outlook is when the queue will have gone out at the sending limits, for
// the dashboard and owabi status.
type Outlook struct {
	Pace
	Queued int `json:"queued"`
	// SentInDay is how many went out in the last 24 hours, which the
	// daily cap counts.
	SentInDay int `json:"sent_in_last_24h"`
	// LastOut is when the last queued notice goes out, if the mail server
	// takes each as owabi sends it.
	LastOut time.Time `json:"last_out"`
}

// Outlook works out when queued notices will have gone out, sent now at
// this pace, after the messages sent (any order): each waits for the one
// before it (PerMinute), and for a slot under the daily cap (NextSlot).
func (p Pace) Outlook(now time.Time, sent []time.Time, queued int) Outlook {
	o := Outlook{Pace: p, Queued: queued, LastOut: now}
	var times []time.Time // the day's sends, then those to come, in order
	for _, t := range sent {
		if t.After(now.Add(-Day)) {
			times = append(times, t)
		}
	}
	slices.SortFunc(times, time.Time.Compare)
	o.SentInDay = len(times)
	var interval time.Duration
	if p.PerMinute > 0 {
		interval = time.Minute / time.Duration(p.PerMinute)
	}
	if p.PerDay <= 0 {
		// Only the rate: the first goes now, each next one interval later.
		if queued > 0 {
			o.LastOut = now.Add(time.Duration(queued-1) * interval)
		}
		return o
	}
	next := now
	for range queued {
		next = p.NextSlot(next, times)
		times = append(times, next)
		o.LastOut = next
		next = next.Add(interval)
	}
	return o
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
