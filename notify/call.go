package notify

import (
	"cmp"
	"time"
)

// CallOutcome is how a phone call to a contact went.
type CallOutcome string

const (
	Reached     CallOutcome = "reached"
	NoAnswer    CallOutcome = "no_answer"
	Voicemail   CallOutcome = "voicemail" // a message was left
	WrongNumber CallOutcome = "wrong_number"
	CallBack    CallOutcome = "call_back" // asked to be called back at Call.CallBackAt
)

// CallOutcomes lists every outcome in the order the form offers them.
var CallOutcomes = []CallOutcome{Reached, NoAnswer, Voicemail, WrongNumber, CallBack}

// Answer is one answer of the hearing: yes, no, or not known.
type Answer string

const (
	Unknown Answer = ""
	Yes     Answer = "yes"
	No      Answer = "no"
)

// Hearing is what a person who was reached said about the spam.
type Hearing struct {
	Arrived  Answer // the spam reached them
	Opened   Answer // they opened it
	Clicked  Answer // they opened the link or the attachment
	Infected Answer // infection of a PC is suspected
	Deleted  Answer // they have deleted it
}

// Question is one question of the hearing, by the name the call form,
// the audit trail and the calls table's column give it.
type Question string

// Questions lists the hearing's questions in the order they are asked.
var Questions = []Question{"arrived", "opened", "clicked", "infected", "deleted"}

// To is the answer to q, to read or set; nil for a question that is not
// the hearing's.
func (h *Hearing) To(q Question) *Answer {
	switch q {
	case "arrived":
		return &h.Arrived
	case "opened":
		return &h.Opened
	case "clicked":
		return &h.Clicked
	case "infected":
		return &h.Infected
	case "deleted":
		return &h.Deleted
	}
	return nil
}

// Done reports whether the hearing has any answer.
func (h Hearing) Done() bool {
	return h != Hearing{}
}

// SpamArrived says whether any answer is a sign that the spam reached
// them: that it arrived, or what they did with it.
func (h Hearing) SpamArrived() bool {
	for _, q := range Questions {
		if *h.To(q) == Yes {
			return true
		}
	}
	return false
}

// FollowUp is what the organisation does next for the person.
type FollowUp string

const (
	NoFollowUp   FollowUp = ""
	ApologyVisit FollowUp = "apology_visit"
	VirusCheck   FollowUp = "virus_check"
	VirusRemoval FollowUp = "virus_removal"
)

// FollowUps lists every follow-up the form offers.
var FollowUps = []FollowUp{NoFollowUp, ApologyVisit, VirusCheck, VirusRemoval}

// FollowUpResult is how a follow-up turned out.
type FollowUpResult string

const (
	NoResult    FollowUpResult = ""             // not done yet, or not said
	NoInfection FollowUpResult = "no_infection" // checked: clean
	Infected    FollowUpResult = "infected"     // an infection was found and is still there
	Removed     FollowUpResult = "removed"      // an infection was found and removed
	FollowedUp  FollowUpResult = "done"         // done (an apology visit)
)

// FollowUpResults lists every result the form offers.
var FollowUpResults = []FollowUpResult{NoResult, FollowedUp, NoInfection, Removed, Infected}

// Remediated says whether the result leaves the person's computer clean.
func (r FollowUpResult) Remediated() bool { return r == NoInfection || r == Removed }

// FoundInfection says whether the check found an infection, removed or not.
func (r FollowUpResult) FoundInfection() bool { return r == Infected || r == Removed }

// ChecksComputer says whether the follow-up looks at the person's computer.
func (f FollowUp) ChecksComputer() bool { return f == VirusCheck || f == VirusRemoval }

// Call is one phone call to a contact and what was heard.
type Call struct {
	ID        int64
	ContactID int64
	By        string // the member of staff who called
	// At is when the call took place, as they say (zero: as it is
	// recorded); RecordedAt when it was recorded.
	At, RecordedAt time.Time
	Outcome        CallOutcome
	CallBackAt     time.Time // when the person asked to be called back
	Hearing        Hearing
	FollowUp       FollowUp
	FollowUpOn     time.Time // the date planned for the follow-up
	// FollowUpDone is the date it was done, with its result.
	FollowUpDone   time.Time
	FollowUpResult FollowUpResult
	Note           string
	// FormKey is unique to the form the call was typed in: a form sent
	// twice stores one call.
	FormKey string
}

// Heard says whether the call heard the person: it reached them, and
// they answered a question of the hearing.
func (c Call) Heard() bool { return c.Outcome == Reached && c.Hearing.Done() }

// Progress counts, for one category, how far the response has got: each
// number is of contacts, each counted as ContactProgress says.
type Progress struct {
	Acknowledged  int // acknowledged a notice: by a reply, their link, or a call that reached them
	Called        int // called at least once
	Reached       int // reached by phone at least once
	HearingDone   int // answered at least one question of the hearing
	Arrived       int // the spam reached them
	NotArrived    int // said it did not, and never that it did
	Clicked       int // they opened its link or attachment
	Infected      int // infection is suspected
	FoundInfected int // a check found an infection (removed or not)
	Remediated    int // a virus check found them clean, or the infection was removed
	Visited       int // an apology visit was made
	Checked       int // their computer was checked or cleaned
	NoneDelivered int // a notice failed, and none has been delivered
	AnsweredPage  int // answered on their confirmation page
}

// Add adds another category's progress to p.
func (p *Progress) Add(o Progress) {
	p.Acknowledged += o.Acknowledged
	p.Called += o.Called
	p.Reached += o.Reached
	p.HearingDone += o.HearingDone
	p.Arrived += o.Arrived
	p.NotArrived += o.NotArrived
	p.Clicked += o.Clicked
	p.Infected += o.Infected
	p.FoundInfected += o.FoundInfected
	p.Remediated += o.Remediated
	p.Visited += o.Visited
	p.Checked += o.Checked
	p.NoneDelivered += o.NoneDelivered
	p.AnsweredPage += o.AnsweredPage
}

// Urgency orders a salesperson's list: who to call first.
type Urgency int

// The store keeps each case's urgency as its number, to order lists by
// it: a change of these numbers refreshes every case (store's cases).
const (
	AtRisk       Urgency = iota // the latest hearing: opened the link, or infection is suspected
	CallBackDue                 // they asked to be called back, and the time has come
	NoticeFailed                // no notice reached them, and nobody has spoken to them
	NoReply                     // every notice the policy allows went unanswered: to be called
	NotReached                  // not acknowledged, not reached by phone yet
	Acknowledged                // acknowledged a notice, not reached by phone yet
	Done                        // reached, and nothing is at risk
	Withheld                    // a manager decided nobody contacts them
)

// Urgencies lists every urgency, most urgent first.
var Urgencies = []Urgency{AtRisk, CallBackDue, NoticeFailed, NoReply, NotReached, Acknowledged, Done, Withheld}

// ParseUrgency reads an urgency's name, as String writes it.
func ParseUrgency(s string) (Urgency, bool) {
	for _, u := range Urgencies {
		if u.String() == s {
			return u, true
		}
	}
	return 0, false
}

// String names the urgency, for pages and style sheets.
func (u Urgency) String() string {
	switch u {
	case AtRisk:
		return "at_risk"
	case CallBackDue:
		return "call_back"
	case NoticeFailed:
		return "notice_failed"
	case NoReply:
		return "no_reply"
	case NotReached:
		return "not_reached"
	case Acknowledged:
		return "acknowledged"
	case Withheld:
		return "withheld"
	}
	return "done"
}

// ListedContact is a contact in a list, with how urgent it is and the last
// call to it (zero when nobody has called).
type ListedContact struct {
	Contact
	Urgency Urgency
	Reason  Reason // why it is as urgent as it is
	Last    Call
}

// ContactProgress is where the response stands with one contact.
type ContactProgress struct {
	LastCallAt  time.Time   // zero when nobody has called yet
	LastOutcome CallOutcome // of the last call
	Called      bool        // called at least once
	Reached     bool        // reached by phone at least once
	ReachedAt   time.Time   // the first call that reached them
	Heard       bool        // a call that reached them had hearing answers
	// Arrived: any sign that the spam reached them, at a hearing or on
	// their confirmation page (even only that they deleted it); it wins
	// over a "no", and NotArrived is a "no" with no such sign.
	Arrived, NotArrived bool
	Clicked             bool // said they opened its link or attachment (a hearing, or their page)
	Infected            bool // infection is suspected (likewise)
	FoundInfected       bool // a virus check or removal found an infection
	Remediated          bool // a virus check found them clean, or the infection was removed
	Visited             bool // an apology visit was made
	Checked             bool // their computer was checked or cleaned
	NoneDelivered       bool // a notice failed, and none has been delivered (one may still be on its way)
	AnsweredPage        bool // answered on their confirmation page (what the spam did, or that they deleted it)
	// Acknowledged: they acknowledged a notice (a reply, their link, or a
	// call that reached them); AcknowledgedAt the first time they did.
	Acknowledged   bool
	AcknowledgedAt time.Time
	// Undelivered are the addresses whose last notice did not arrive.
	Undelivered []Undelivered
}

// Undelivered is an address whose last notice did not arrive, and what
// the server said.
type Undelivered struct {
	Email string
	Reply ServerReply
}

// DayCount is a number for one calendar day.
type DayCount struct {
	Day time.Time // midnight, UTC, of the day in the organisation's zone
	N   int
}

// StaffProgress is where one member of staff stands with their contacts.
type StaffProgress struct {
	Owner        string // their address, as contacts name it
	Name         string // their account, when they have one they can sign in with (not disabled)
	DisplayName  string // their account's display name
	BookName     string // the book's name for their address, when they are in it
	Assigned     int
	Reached      int // contacts reached by phone at least once
	CallBacksDue int // contacts waiting for the call back they asked for
}

// Person is who they are, for people to read: their account's display
// name, else the book's name for their address; "" when neither is known.
func (p StaffProgress) Person() string { return cmp.Or(p.DisplayName, p.BookName) }

// Outstanding is how many of their contacts nobody has spoken to yet.
func (p StaffProgress) Outstanding() int { return p.Assigned - p.Reached }
