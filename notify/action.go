package notify

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Action is a step of the response that owabi did not take itself — the
// account's password changed, the notice published on the website, a
// report filed with a regulator — recorded by a manager with when it was
// done and by whom, so that the timeline (経過) and the reports tell it.
type Action struct {
	ID   int64
	Kind ActionKind
	At   time.Time // when it was done
	By   string    // who did it, in words (a person or a department); "" when not said
	Note string    // a short text: what exactly, or what was done for ActionOther
	// RecordedAt and RecordedBy are when it was recorded, and by which
	// account.
	RecordedAt time.Time
	RecordedBy string
}

// ActionKind is what kind of step an Action is.
type ActionKind string

const (
	ActionPasswordChanged ActionKind = "password_changed" // the compromised account's password changed
	ActionBookDeleted     ActionKind = "book_deleted"     // the address book deleted from the account
	ActionManagerInformed ActionKind = "manager_informed" // the personal-information protection manager told
	ActionPublished       ActionKind = "published"        // the notice published on the website
	ActionPrivacyMark     ActionKind = "privacy_mark"     // reported to the Privacy Mark examining body
	ActionPolice          ActionKind = "police"           // the police consulted
	ActionOther           ActionKind = "other"            // anything else, said in the note
)

// ActionKinds lists the kinds a manager picks from, in the order the
// response usually takes them; the reports owed to a regulator
// (ReportKind) are kinds too, recorded when filed.
var ActionKinds = []ActionKind{ActionPasswordChanged, ActionBookDeleted, ActionManagerInformed,
	ActionKind(PPCPreliminary), ActionKind(GDPR), ActionPublished, ActionPrivacyMark, ActionKind(PPCFinal), ActionPolice, ActionOther}

// Check says what is wrong with an action as a manager recorded it, nil
// when nothing: a kind owabi knows, the note that says what was done for
// ActionOther, and texts short enough for a line of the timeline. When it
// was done is checked against the incident (Incident.CheckDoneAt).
func (a Action) Check() error {
	switch {
	case !a.Kind.Known():
		return &Error{Code: EINVALID, Reason: "action_kind_unknown", Message: fmt.Sprintf("%q is not a kind of action", a.Kind)}
	case a.Kind == ActionOther && strings.TrimSpace(a.Note) == "":
		return &Error{Code: EINVALID, Reason: "action_note_missing", Message: "say in the note what was done"}
	case a.At.IsZero():
		return &Error{Code: EINVALID, Reason: "action_time_missing", Message: "give when it was done"}
	case strings.ContainsFunc(a.By+a.Note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }):
		return &Error{Code: EINVALID, Reason: "action_bad_text", Message: "who did it and the note may not hold control characters"}
	case utf8.RuneCountInString(a.By) > MaxActionBy || utf8.RuneCountInString(a.Note) > MaxActionNote:
		return &Error{Code: EINVALID, Reason: "action_too_long", Message: fmt.Sprintf("who did it may be %d characters, the note %d", MaxActionBy, MaxActionNote)}
	}
	return nil
}

// The longest texts an action takes: a line of the timeline, not a
// report of its own.
const (
	MaxActionBy   = 100
	MaxActionNote = 400
)

// Known says whether k is one of ActionKinds.
func (k ActionKind) Known() bool { return slices.Contains(ActionKinds, k) }

// FirstDone is the earliest action of kind, and whether there is one.
func FirstDone(actions []Action, kind ActionKind) (Action, bool) {
	var first Action
	found := false
	for _, a := range actions {
		if a.Kind == kind && (!found || a.At.Before(first.At)) {
			first, found = a, true
		}
	}
	return first, found
}

// Filed fills in, on each deadline, when its report was first filed and
// who recorded it, from the actions.
func Filed(deadlines []Deadline, actions []Action) []Deadline {
	out := slices.Clone(deadlines)
	for i := range out {
		if a, ok := FirstDone(actions, ActionKind(out[i].Kind)); ok {
			out[i].Filed, out[i].By = a.At, a.RecordedBy
		}
	}
	return out
}

// TimeProblem says what is wrong with the time someone gives for when
// something in the response was done; "" when nothing is.
type TimeProblem string

const (
	TimeInFuture       TimeProblem = "time_in_future"
	TimeBeforeIncident TimeProblem = "time_before_incident"
	// TimeTooLongAgo: salespeople may date a call back to the start of
	// yesterday; older ones a manager records.
	TimeTooLongAgo TimeProblem = "time_too_long_ago"
)

// Err is the problem as an error, "" as nil.
func (p TimeProblem) Err() error {
	if p == "" {
		return nil
	}
	return &Error{Code: EINVALID, Reason: string(p), Message: map[TimeProblem]string{
		TimeInFuture:       "that time is in the future: give when it was done",
		TimeBeforeIncident: "that time is before the incident began: give when it was done",
		TimeTooLongAgo:     "a call may be dated back to yesterday: a manager records an older one",
	}[p]}
}

// clockGrace is how far in the future a time may be, for clocks a little
// apart and a form filled in the minute it was done.
const clockGrace = 2 * time.Minute

// CheckDoneAt says what is wrong with at as the time something of the
// response was done, at now: it may not lie in the future, nor before the
// incident began (the earliest of when it occurred, the spam was sent and
// it was discovered; no bound while none of them is recorded).
func (i Incident) CheckDoneAt(at, now time.Time) TimeProblem {
	if at.After(now.Add(clockGrace)) {
		return TimeInFuture
	}
	if began := i.began(); !began.IsZero() && at.Before(began) {
		return TimeBeforeIncident
	}
	return ""
}

// CheckCallAt says what is wrong with at as the time a salesperson says
// a call took place: as CheckDoneAt, and no earlier than the start of
// yesterday in zone.
func (i Incident) CheckCallAt(at, now time.Time, zone *time.Location) TimeProblem {
	if p := i.CheckDoneAt(at, now); p != "" {
		return p
	}
	today := now.In(zone)
	if at.Before(time.Date(today.Year(), today.Month(), today.Day()-1, 0, 0, 0, 0, zone)) {
		return TimeTooLongAgo
	}
	return ""
}

// CheckDoneOn says what is wrong with day (a calendar date, as a
// follow-up's done date is kept: midnight UTC of the day) as the day
// something was done, at now in zone: not after today, nor before the day
// the incident began.
func (i Incident) CheckDoneOn(day, now time.Time, zone *time.Location) TimeProblem {
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	if date(day) > date(now.In(zone)) {
		return TimeInFuture
	}
	if began := i.began(); !began.IsZero() && date(day) < date(began.In(zone)) {
		return TimeBeforeIncident
	}
	return ""
}

// began is the earliest moment of the incident recorded, zero when none is.
func (i Incident) began() time.Time {
	var first time.Time
	for _, t := range []time.Time{i.OccurredAt, i.SpamSentAt, i.DiscoveredAt} {
		if !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}
