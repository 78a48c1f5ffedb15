package notify

import (
	"cmp"
	"slices"
	"time"
)

// Case is what is recorded about one affected person: the facts alone,
// from which everything owabi says of them is decided here — whether
// their computer is at risk, how urgent a call is and why. The store
// keeps the decision beside the facts, written in the same transaction;
// the dashboard, the calling lists, /metrics and the reports all read it.
type Case struct {
	DoNotContact bool         // a manager decided nobody contacts them
	Notices      []CaseNotice // every notice to any of their addresses
	Acks         []Ack        // acknowledgements, by any channel
	// HandedToCaller: the resend policy gave up on mail; they are to be
	// called (or they asked for a call on their page).
	HandedToCaller bool
	Calls          []Call // every call, in any order
}

// Reason says in a few words why a case is as urgent as it is; the web
// app words it for staff ("reason_" + it).
type Reason string

const (
	ReasonClicked        Reason = "clicked"         // the latest hearing: they opened the link or attachment
	ReasonInfected       Reason = "infected"        // the latest hearing: infection suspected
	ReasonFoundInfected  Reason = "found_infected"  // a virus check or removal found an infection still there
	ReasonReportedOpened Reason = "reported_opened" // they said on their page they opened it
	ReasonReportedFear   Reason = "reported_fear"   // they said on their page they fear an infection
	ReasonCallBackDue    Reason = "call_back_due"   // they asked to be called back, and the time has come
	ReasonNoticeFailed   Reason = "notice_failed"   // no notice reached them
	ReasonNoReply        Reason = "no_reply"        // every notice went unanswered, or they asked for a call
	ReasonNotReached     Reason = "not_reached"     // no acknowledgement, nobody has spoken to them
	ReasonAcknowledged   Reason = "acknowledged"    // they acknowledged a notice; nobody has spoken to them
	ReasonSpokenTo       Reason = "spoken_to"       // reached by phone, nothing at risk
	ReasonCheckedClean   Reason = "checked_clean"   // reached; their computer was checked clean or cleaned
	ReasonWithheld       Reason = "do_not_contact"  // a manager decided nobody contacts them
)

// Assessment is what a case needs now.
type Assessment struct {
	Urgency Urgency
	Reason  Reason
	// AtRisk: their computer may be infected and nobody has checked it
	// since: they opened the link, or an infection is suspected or found.
	AtRisk bool
}

// NeedsAction says whether somebody has to do something for the case now.
func (a Assessment) NeedsAction() bool {
	return a.Urgency <= NoReply
}

// Assess decides the case as it stands at now. A person is at risk from
// the latest thing known of their computer: a hearing that they opened
// the link or fear an infection, or the same said on their page, puts
// them at risk; a later hearing that they did not, or a virus check or
// removal that leaves it clean, takes them out of it; a check that finds
// an infection still there puts them back. At risk comes first, even for
// those not to be contacted: their computer may still spread the spam.
func (c Case) Assess(now time.Time) Assessment {
	if risk, why := c.risk(); risk {
		return Assessment{Urgency: AtRisk, Reason: why, AtRisk: true}
	}
	if c.DoNotContact {
		return Assessment{Urgency: Withheld, Reason: ReasonWithheld}
	}
	if last, ok := c.lastCall(); ok && last.Outcome == CallBack && !last.CallBackAt.IsZero() && !last.CallBackAt.After(now) {
		return Assessment{Urgency: CallBackDue, Reason: ReasonCallBackDue}
	}
	if c.reached() {
		if c.remediated() {
			return Assessment{Urgency: Done, Reason: ReasonCheckedClean}
		}
		return Assessment{Urgency: Done, Reason: ReasonSpokenTo}
	}
	switch {
	case c.noneDelivered():
		return Assessment{Urgency: NoticeFailed, Reason: ReasonNoticeFailed}
	case c.HandedToCaller:
		return Assessment{Urgency: NoReply, Reason: ReasonNoReply}
	case slices.ContainsFunc(c.Acks, Ack.Counts):
		return Assessment{Urgency: Acknowledged, Reason: ReasonAcknowledged}
	}
	return Assessment{Urgency: NotReached, Reason: ReasonNotReached}
}

// Unheard says whether nobody has heard from the person yet: no
// acknowledgement that counts, no call that reached them, not handed to a
// caller, and not withheld. Resends go to them alone.
func (c Case) Unheard() bool {
	return !c.DoNotContact && !c.HandedToCaller && !c.reached() && !slices.ContainsFunc(c.Acks, Ack.Counts)
}

// Changes is when the case's assessment changes by the clock alone (a
// call-back comes due), the zero time when nothing but a new fact
// changes it.
func (c Case) Changes(now time.Time) time.Time {
	if last, ok := c.lastCall(); ok && last.Outcome == CallBack && last.CallBackAt.After(now) {
		return last.CallBackAt
	}
	return time.Time{}
}

// Progress is how far the response has come with the person, as the
// dashboard's funnel, the staff table and the reports count it: each
// fact once per person, however many calls or pages said it.
// Undelivered is the store's to fill.
func (c Case) Progress() ContactProgress {
	var p ContactProgress
	saidNo := false
	for _, k := range c.Calls {
		p.Called = true
		if k.Outcome == Reached {
			p.Reached, p.Heard = true, p.Heard || k.Heard()
			if p.ReachedAt.IsZero() || k.At.Before(p.ReachedAt) {
				p.ReachedAt = k.At
			}
		}
		p.Arrived = p.Arrived || k.Hearing.SpamArrived()
		saidNo = saidNo || k.Hearing.Arrived == No
		p.Clicked = p.Clicked || k.Hearing.Clicked == Yes
		p.Infected = p.Infected || k.Hearing.Infected == Yes
		if !k.FollowUpDone.IsZero() {
			p.FoundInfected = p.FoundInfected || k.FollowUpResult.FoundInfection()
			p.Visited = p.Visited || k.FollowUp == ApologyVisit
			p.Checked = p.Checked || k.FollowUp.ChecksComputer()
		}
	}
	for _, a := range c.Acks {
		if !a.Counts() {
			continue
		}
		if !p.Acknowledged || a.At.Before(p.AcknowledgedAt) {
			p.Acknowledged, p.AcknowledgedAt = true, a.At
		}
		// What the spam did, not a request for a call.
		p.AnsweredPage = p.AnsweredPage || (a.Channel == AckLink && a.Report != "" && a.Report != AskedForCall)
		p.Arrived = p.Arrived || a.Report.SpamArrived()
		p.Clicked = p.Clicked || a.Report == OpenedSpam
		p.Infected = p.Infected || a.Report == FearInfected
	}
	p.NotArrived = saidNo && !p.Arrived
	p.Remediated = c.remediated()
	p.NoneDelivered = c.noneDelivered()
	if last, ok := c.lastCall(); ok {
		p.LastCallAt, p.LastOutcome = last.At, last.Outcome
	}
	return p
}

// noneDelivered says whether they had notices and none was delivered:
// one failed, and none went out. A notice still queued to another of
// their addresses does not change that: they are to be phoned now.
func (c Case) noneDelivered() bool {
	in := func(s NoticeState) func(CaseNotice) bool { return func(n CaseNotice) bool { return n.State == s } }
	return slices.ContainsFunc(c.Notices, in(Failed)) && !slices.ContainsFunc(c.Notices, in(Sent))
}

// CaseNotice is one notice of a case: its state, and when it was queued,
// went out and failed in its latest try (zero when it has not); and the
// tries before, when it failed and was given another round.
type CaseNotice struct {
	ID                         int64
	State                      NoticeState
	QueuedAt, SentAt, FailedAt time.Time
	Earlier                    []NoticeTry // oldest first
}

// NoticeTry is a try of a notice that failed and was put back in the
// queue: when it went out (zero if it never did), failed and was requeued.
type NoticeTry struct {
	SentAt, FailedAt, RequeuedAt time.Time
}

// asOf is the notice as it stood at t, and false when it was not queued
// yet: failed by then, else sent by then, else waiting in the queue, in
// the try it was in then.
func (n CaseNotice) asOf(t time.Time) (CaseNotice, bool) {
	if n.QueuedAt.After(t) {
		return n, false
	}
	sent, failed := n.SentAt, n.FailedAt
	for _, try := range n.Earlier {
		if try.RequeuedAt.After(t) {
			sent, failed = try.SentAt, try.FailedAt
			break
		}
	}
	then := CaseNotice{ID: n.ID, State: Queued, QueuedAt: n.QueuedAt}
	switch {
	case !failed.IsZero() && !failed.After(t):
		then.State, then.SentAt, then.FailedAt = Failed, sent, failed
	case !sent.IsZero() && !sent.After(t):
		then.State, then.SentAt = Sent, sent
	}
	for _, try := range n.Earlier {
		if !try.RequeuedAt.After(t) {
			then.Earlier = append(then.Earlier, try)
		}
	}
	return then, true
}

// AsOf is the case as it stood at t, by what was recorded: the notices
// queued by then, each in the state it had then; the acknowledgements and
// calls by then (by when each took place, not when it was typed in), a
// follow-up done on a day after t's not done yet. t is in the
// organisation's zone, where a follow-up's day begins. Whether they are
// not to be contacted, or handed to a caller, is as now: owabi keeps no
// time for either, and neither changes how far the case came.
func (c Case) AsOf(t time.Time) Case {
	then := Case{DoNotContact: c.DoNotContact, HandedToCaller: c.HandedToCaller}
	for _, n := range c.Notices {
		if n, ok := n.asOf(t); ok {
			then.Notices = append(then.Notices, n)
		}
	}
	for _, a := range c.Acks {
		if !a.At.After(t) {
			then.Acks = append(then.Acks, a)
		}
	}
	for _, k := range c.Calls {
		if k.At.After(t) {
			continue
		}
		if !k.FollowUpDone.IsZero() && !DayHasCome(k.FollowUpDone, t) {
			k.FollowUpDone, k.FollowUpResult = time.Time{}, NoResult
		}
		then.Calls = append(then.Calls, k)
	}
	return then
}

// riskFact is one thing known of the person's computer, in time order.
type riskFact struct {
	at     time.Time
	order  int64 // a call's id, to order calls logged at one moment
	risk   bool
	reason Reason
}

// risk is what the latest fact about their computer says.
func (c Case) risk() (bool, Reason) {
	var facts []riskFact
	for _, k := range c.Calls {
		if k.Hearing.Done() {
			switch {
			case k.Hearing.Infected == Yes:
				facts = append(facts, riskFact{k.At, k.ID, true, ReasonInfected})
			case k.Hearing.Clicked == Yes:
				facts = append(facts, riskFact{k.At, k.ID, true, ReasonClicked})
			default:
				facts = append(facts, riskFact{k.At, k.ID, false, ""})
			}
		}
		// The follow-up a call records comes after its hearing.
		if !k.FollowUpDone.IsZero() && k.FollowUpResult == Infected {
			facts = append(facts, riskFact{k.At, k.ID, true, ReasonFoundInfected})
		} else if !k.FollowUpDone.IsZero() && k.FollowUpResult.Remediated() {
			facts = append(facts, riskFact{k.At, k.ID, false, ""})
		}
	}
	for _, a := range c.Acks {
		switch a.Report {
		case OpenedSpam:
			facts = append(facts, riskFact{a.At, 0, true, ReasonReportedOpened})
		case FearInfected:
			facts = append(facts, riskFact{a.At, 0, true, ReasonReportedFear})
		}
	}
	if len(facts) == 0 {
		return false, ""
	}
	// Stable, so that a call's follow-up stays after its hearing.
	slices.SortStableFunc(facts, func(a, b riskFact) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.order, b.order))
	})
	last := facts[len(facts)-1]
	return last.risk, last.reason
}

// remediated says whether a follow-up left their computer clean.
func (c Case) remediated() bool {
	return slices.ContainsFunc(c.Calls, func(k Call) bool { return !k.FollowUpDone.IsZero() && k.FollowUpResult.Remediated() })
}

// reached says whether a call reached them.
func (c Case) reached() bool {
	return slices.ContainsFunc(c.Calls, func(k Call) bool { return k.Outcome == Reached })
}

// lastCall is the latest call, by time and then by the order logged.
func (c Case) lastCall() (Call, bool) {
	if len(c.Calls) == 0 {
		return Call{}, false
	}
	return slices.MaxFunc(c.Calls, func(a, b Call) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID))
	}), true
}
