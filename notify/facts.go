package notify

import "time"

// Facts are the numbers the reports state, each of persons (contacts)
// unless it says otherwise, counted from what owabi recorded at AsOf. How
// far the response came with them is the dashboard's progress, every
// category added up: each person counted as their case says
// (Case.Progress), so that the reports and the dashboard agree.
type Facts struct {
	AsOf      time.Time
	Persons   map[Category]int   // whose data leaked, by category
	Addresses int                // their e-mail addresses
	Sent      map[NoticeKind]int // sent a notice of the kind, even one that bounced later
	Withheld  int                // not to be contacted, by a manager's decision
	Progress
}

// Total is everyone whose data leaked.
func (f Facts) Total() int {
	n := 0
	for _, c := range f.Persons {
		n += c
	}
	return n
}

// Unheard is everyone nobody has heard from whether the spam reached them.
func (f Facts) Unheard() int { return f.Total() - f.Arrived - f.NotArrived }

// Step is something done in the response, counted in one half-day: the
// response's timeline (経過) is made of them.
type Step struct {
	At   time.Time // when it was first done in its minute
	What string    // import, classify, sent_deletion, resent_apology, ack, call, follow_up, bounce, action_published, ...
	N    int
	Text string // what the action's note says, for an action
	By   string // who did it, for an action
	// DateOnly: only the day is known (a follow-up's done date), At is
	// its midnight in UTC.
	DateOnly bool
}
