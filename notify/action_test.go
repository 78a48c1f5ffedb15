package notify

import (
	"testing"
	"time"
)

func TestWhenSomethingWasDoneMustBeDuringTheIncident(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	jst := func(day, hour, minute int) time.Time { return time.Date(2012, 12, day, hour, minute, 0, 0, tokyo) }
	inc := Incident{SpamSentAt: jst(22, 5, 30), DiscoveredAt: jst(22, 8, 0)}
	now := jst(26, 17, 0)
	for _, tt := range []struct {
		name string
		inc  Incident
		at   time.Time
		done TimeProblem // as a manager dates it
		call TimeProblem // as a salesperson dates a call
	}{
		{"just now", inc, now, "", ""},
		{"a minute ahead of the server's clock", inc, now.Add(time.Minute), "", ""},
		{"tomorrow", inc, jst(27, 9, 0), TimeInFuture, TimeInFuture},
		{"yesterday morning", inc, jst(25, 0, 0), "", ""},
		{"the day before yesterday", inc, jst(24, 23, 59), "", TimeTooLongAgo},
		{"when the spam went out", inc, jst(22, 5, 30), "", TimeTooLongAgo},
		{"before the spam went out", inc, jst(22, 5, 29), TimeBeforeIncident, TimeBeforeIncident},
		// It occurred before the spam was sent: that bounds it.
		{"after it occurred", Incident{OccurredAt: jst(21, 23, 0), SpamSentAt: jst(22, 5, 30)}, jst(22, 0, 0), "", TimeTooLongAgo},
		{"nothing recorded of the incident", Incident{}, jst(1, 0, 0), "", TimeTooLongAgo},
	} {
		if got := tt.inc.CheckDoneAt(tt.at, now); got != tt.done {
			t.Errorf("%s, as done: %q, want %q", tt.name, got, tt.done)
		}
		if got := tt.inc.CheckCallAt(tt.at, now, tokyo); got != tt.call {
			t.Errorf("%s, as a call: %q, want %q", tt.name, got, tt.call)
		}
	}
}

func TestTheFirstActionOfAKindIsWhenItWasDone(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2012, 12, 26, h, 0, 0, 0, time.UTC) }
	actions := []Action{{Kind: ActionPublished, At: at(15)}, {Kind: ActionPolice, At: at(9)}, {Kind: ActionPublished, At: at(11)}}
	if a, ok := FirstDone(actions, ActionPublished); !ok || !a.At.Equal(at(11)) {
		t.Errorf("published: %v %v", a, ok)
	}
	if _, ok := FirstDone(actions, ActionPrivacyMark); ok {
		t.Error("reported to the Privacy Mark body, though nobody recorded it")
	}
	for _, k := range []ActionKind{ActionKind(PPCPreliminary), ActionKind(PPCFinal), ActionKind(GDPR), ActionOther} {
		if !k.Known() {
			t.Errorf("%s is not a kind of action", k)
		}
	}
	if ActionKind("nonsense").Known() {
		t.Error("nonsense is a kind of action")
	}
}

func TestTheDayAFollowUpWasDoneMustBeDuringTheIncident(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	inc := Incident{SpamSentAt: time.Date(2012, 12, 22, 5, 30, 0, 0, tokyo)}
	now := time.Date(2012, 12, 26, 0, 30, 0, 0, tokyo) // still the 25th in UTC
	day := func(d int) time.Time { return time.Date(2012, 12, d, 0, 0, 0, 0, time.UTC) }
	for d, want := range map[int]TimeProblem{21: TimeBeforeIncident, 22: "", 26: "", 27: TimeInFuture} {
		if got := inc.CheckDoneOn(day(d), now, tokyo); got != want {
			t.Errorf("done on the %dth: %q, want %q", d, got, want)
		}
	}
}
