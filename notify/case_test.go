package notify

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestAssessACase(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	heard := func(id int64, h int, hearing Hearing) Call {
		return Call{ID: id, At: at(h), Outcome: Reached, Hearing: hearing}
	}
	clicked := Hearing{Arrived: Yes, Clicked: Yes}
	clean := Hearing{Arrived: Yes, Clicked: No, Deleted: Yes}
	checked := func(id int64, h int, result FollowUpResult) Call {
		return Call{ID: id, At: at(h), Outcome: Reached, FollowUp: VirusCheck, FollowUpDone: at(h), FollowUpResult: result}
	}
	for _, tt := range []struct {
		name string
		c    Case
		want Assessment
	}{
		{"nothing yet", Case{}, Assessment{NotReached, ReasonNotReached, false}},
		{"a notice sent", Case{Notices: notices(Sent)}, Assessment{NotReached, ReasonNotReached, false}},
		{"every notice failed", Case{Notices: notices(Failed, Failed)}, Assessment{NoticeFailed, ReasonNoticeFailed, false}},
		{"one failed, one sent", Case{Notices: notices(Failed, Sent)}, Assessment{NotReached, ReasonNotReached, false}},
		{"handed to a caller", Case{Notices: notices(Sent), HandedToCaller: true}, Assessment{NoReply, ReasonNoReply, false}},
		{"acknowledged", Case{Acks: []Ack{{Channel: AckReply, At: at(-5)}}}, Assessment{Acknowledged, ReasonAcknowledged, false}},
		{"only an automatic reply", Case{Acks: []Ack{{Channel: AckReply, Auto: true}}}, Assessment{NotReached, ReasonNotReached, false}},
		{"reached", Case{Calls: []Call{heard(1, -2, clean)}}, Assessment{Done, ReasonSpokenTo, false}},
		{"not answered", Case{Calls: []Call{{ID: 1, At: at(-2), Outcome: NoAnswer}}}, Assessment{NotReached, ReasonNotReached, false}},
		{"clicked", Case{Calls: []Call{heard(1, -2, clicked)}}, Assessment{AtRisk, ReasonClicked, true}},
		{"infection suspected", Case{Calls: []Call{heard(1, -2, Hearing{Infected: Yes})}}, Assessment{AtRisk, ReasonInfected, true}},
		// The replayed incident: five opened the link, their PCs were checked clean.
		{"clicked, then checked clean", Case{Calls: []Call{heard(1, -30, clicked), checked(2, -2, NoInfection)}}, Assessment{Done, ReasonCheckedClean, false}},
		{"clicked, then cleaned", Case{Calls: []Call{heard(1, -30, clicked), checked(2, -2, Removed)}}, Assessment{Done, ReasonCheckedClean, false}},
		{"clicked and checked in one call", Case{Calls: []Call{{ID: 1, At: at(-2), Outcome: Reached, Hearing: clicked,
			FollowUp: VirusCheck, FollowUpDone: at(-2), FollowUpResult: NoInfection}}}, Assessment{Done, ReasonCheckedClean, false}},
		{"a check finds an infection", Case{Calls: []Call{heard(1, -30, clicked), checked(2, -2, Infected)}}, Assessment{AtRisk, ReasonFoundInfected, true}},
		{"checked clean, then clicked again", Case{Calls: []Call{checked(1, -30, NoInfection), heard(2, -2, clicked)}}, Assessment{AtRisk, ReasonClicked, true}},
		{"a later hearing says they did not click", Case{Calls: []Call{heard(1, -30, clicked), heard(2, -2, clean)}}, Assessment{Done, ReasonSpokenTo, false}},
		{"calls logged out of order", Case{Calls: []Call{checked(2, -2, NoInfection), heard(1, -30, clicked)}}, Assessment{Done, ReasonCheckedClean, false}},
		{"a visit is no check", Case{Calls: []Call{heard(1, -30, clicked), {ID: 2, At: at(-2), Outcome: Reached, FollowUp: ApologyVisit,
			FollowUpDone: at(-2), FollowUpResult: FollowedUp}}}, Assessment{AtRisk, ReasonClicked, true}},
		{"said on their page they opened it", Case{Acks: []Ack{{Channel: AckLink, At: at(-1), Report: OpenedSpam}}}, Assessment{AtRisk, ReasonReportedOpened, true}},
		{"their page, after a clean hearing", Case{Calls: []Call{heard(1, -30, clean)}, Acks: []Ack{{Channel: AckLink, At: at(-1), Report: FearInfected}}},
			Assessment{AtRisk, ReasonReportedFear, true}},
		{"their page, before a check", Case{Calls: []Call{checked(1, -1, NoInfection)}, Acks: []Ack{{Channel: AckLink, At: at(-5), Report: OpenedSpam}}},
			Assessment{Done, ReasonCheckedClean, false}},
		{"not to be contacted", Case{DoNotContact: true, Notices: notices(Failed)}, Assessment{Withheld, ReasonWithheld, false}},
		{"at risk comes before not to be contacted", Case{DoNotContact: true, Calls: []Call{heard(1, -2, clicked)}}, Assessment{AtRisk, ReasonClicked, true}},
		{"a call-back due", Case{Calls: []Call{heard(1, -30, clean), {ID: 2, At: at(-3), Outcome: CallBack, CallBackAt: at(-1)}}},
			Assessment{CallBackDue, ReasonCallBackDue, false}},
		{"a call-back not due yet", Case{Calls: []Call{{ID: 1, At: at(-3), Outcome: CallBack, CallBackAt: at(2)}}}, Assessment{NotReached, ReasonNotReached, false}},
		{"reached after asking for a call-back", Case{Calls: []Call{{ID: 1, At: at(-3), Outcome: CallBack, CallBackAt: at(-2)}, heard(2, -1, clean)}},
			Assessment{Done, ReasonSpokenTo, false}},
	} {
		if got := tt.c.Assess(now); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestACaseChangesWhenItsCallBackComesDue(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	c := Case{Calls: []Call{{ID: 1, At: now.Add(-time.Hour), Outcome: CallBack, CallBackAt: now.Add(2 * time.Hour)}}}
	due := c.Changes(now)
	if !due.Equal(now.Add(2*time.Hour)) || c.Assess(now).Urgency != NotReached || c.Assess(due).Urgency != CallBackDue {
		t.Errorf("changes at %v: %v now, %v then", due, c.Assess(now), c.Assess(due))
	}
	if !c.Changes(due).IsZero() || !(Case{}).Changes(now).IsZero() {
		t.Errorf("a case changes by the clock only before its call-back")
	}
}

// The store keeps no decision for a contact whose case is as it starts,
// and skips deciding again on facts that cannot move a case from there.
func TestSentNoticesAloneLeaveACaseAsItStarts(t *testing.T) {
	now := time.Now()
	start := (Case{}).Assess(now)
	if got := (Case{Notices: notices(Queued, Sending, Sent, Sent)}).Assess(now); got != start {
		t.Errorf("sent notices: %+v, want %+v", got, start)
	}
}

func TestOnlyTheUrgentNeedAction(t *testing.T) {
	for _, u := range Urgencies {
		want := u == AtRisk || u == CallBackDue || u == NoticeFailed || u == NoReply
		if got := (Assessment{Urgency: u}).NeedsAction(); got != want {
			t.Errorf("%s needs action: %v", u, got)
		}
	}
}

// Each question of the hearing is one answer of its own.
func TestEachQuestionIsOneAnswer(t *testing.T) {
	seen := map[Hearing]bool{}
	for _, q := range Questions {
		var h Hearing
		*h.To(q) = Yes
		if seen[h] || !h.Done() {
			t.Errorf("%s sets an answer another question sets, or none", q)
		}
		seen[h] = true
	}
	if len(seen) != 5 || (&Hearing{}).To("age") != nil {
		t.Errorf("the hearing has %d questions, or answers one it does not ask", len(seen))
	}
}

func TestACasesProgressCountsEachFactOnce(t *testing.T) {
	now := time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	for _, tt := range []struct {
		name string
		c    Case
		want ContactProgress
	}{
		{"nothing yet", Case{}, ContactProgress{}},
		{"not answered", Case{Calls: []Call{{ID: 1, At: at(-3), Outcome: NoAnswer}}},
			ContactProgress{LastCallAt: at(-3), LastOutcome: NoAnswer, Called: true}},
		// The first reach counts, though it was logged after a later one.
		{"reached twice, logged out of order", Case{Calls: []Call{
			{ID: 1, At: at(-1), Outcome: Reached, Hearing: Hearing{Arrived: Yes, Clicked: Yes}},
			{ID: 2, At: at(-5), Outcome: Reached}}},
			ContactProgress{LastCallAt: at(-1), LastOutcome: Reached, Called: true, Reached: true, ReachedAt: at(-5), Heard: true, Arrived: true, Clicked: true}},
		// Only a call that reached them is a hearing; a later "no" does not
		// take back what was said.
		{"said it arrived, then no", Case{Calls: []Call{
			{ID: 1, At: at(-4), Outcome: Reached, Hearing: Hearing{Arrived: Yes, Infected: Yes}},
			{ID: 2, At: at(-2), Outcome: Reached, Hearing: Hearing{Arrived: No, Infected: No}}}},
			ContactProgress{LastCallAt: at(-2), LastOutcome: Reached, Called: true, Reached: true, ReachedAt: at(-4), Heard: true, Arrived: true, Infected: true}},
		// Deleting it is a sign it arrived; a "no" alone is NotArrived.
		{"said only that they deleted it", Case{Calls: []Call{{ID: 1, At: at(-4), Outcome: Reached, Hearing: Hearing{Deleted: Yes}}}},
			ContactProgress{LastCallAt: at(-4), LastOutcome: Reached, Called: true, Reached: true, ReachedAt: at(-4), Heard: true, Arrived: true}},
		{"said it did not arrive", Case{Calls: []Call{{ID: 1, At: at(-4), Outcome: Reached, Hearing: Hearing{Arrived: No}}}},
			ContactProgress{LastCallAt: at(-4), LastOutcome: Reached, Called: true, Reached: true, ReachedAt: at(-4), Heard: true, NotArrived: true}},
		// What they said on their page counts as a hearing does.
		{"said no, then on their page that they opened it", Case{
			Calls: []Call{{ID: 1, At: at(-4), Outcome: Reached, Hearing: Hearing{Arrived: No}}},
			Acks:  []Ack{{Channel: AckLink, At: at(-1), Report: OpenedSpam}}},
			ContactProgress{LastCallAt: at(-4), LastOutcome: Reached, Called: true, Reached: true, ReachedAt: at(-4), Heard: true,
				Arrived: true, Clicked: true, AnsweredPage: true, Acknowledged: true, AcknowledgedAt: at(-1)}},
		{"fear an infection, on their page", Case{Acks: []Ack{{Channel: AckLink, At: at(-1), Report: FearInfected}}},
			ContactProgress{Arrived: true, Infected: true, AnsweredPage: true, Acknowledged: true, AcknowledgedAt: at(-1)}},
		{"asked for a call, on their page", Case{Acks: []Ack{{Channel: AckLink, At: at(-1), Report: AskedForCall}}},
			ContactProgress{Acknowledged: true, AcknowledgedAt: at(-1)}},
		{"visited", Case{Calls: []Call{{ID: 1, At: at(-2), Outcome: Reached, FollowUp: ApologyVisit, FollowUpDone: at(-1), FollowUpResult: FollowedUp}}},
			ContactProgress{LastCallAt: at(-2), LastOutcome: Reached, Called: true, Reached: true, ReachedAt: at(-2), Visited: true}},
		{"a visit planned only", Case{Calls: []Call{{ID: 1, At: at(-2), Outcome: Reached, FollowUp: ApologyVisit, FollowUpOn: at(20)}}},
			ContactProgress{LastCallAt: at(-2), LastOutcome: Reached, Called: true, Reached: true, ReachedAt: at(-2)}},
		{"an infection removed", Case{Calls: []Call{{ID: 1, At: at(-2), Outcome: Reached, FollowUp: VirusRemoval, FollowUpDone: at(-2), FollowUpResult: Removed}}},
			ContactProgress{LastCallAt: at(-2), LastOutcome: Reached, Called: true, Reached: true, ReachedAt: at(-2), FoundInfected: true, Remediated: true, Checked: true}},
		{"every notice failed", Case{Notices: notices(Failed, Failed)}, ContactProgress{NoneDelivered: true}},
		{"one failed, one delivered", Case{Notices: notices(Failed, Sent)}, ContactProgress{}},
		{"checked clean", Case{Calls: []Call{{ID: 1, At: at(-2), Outcome: Reached, FollowUp: VirusCheck, FollowUpDone: at(-2), FollowUpResult: NoInfection}}},
			ContactProgress{LastCallAt: at(-2), LastOutcome: Reached, Called: true, Reached: true, ReachedAt: at(-2), Remediated: true, Checked: true}},
		{"a check that found it", Case{Calls: []Call{{ID: 1, At: at(-2), Outcome: Reached, FollowUp: VirusCheck, FollowUpDone: at(-2), FollowUpResult: Infected}}},
			ContactProgress{LastCallAt: at(-2), LastOutcome: Reached, Called: true, Reached: true, ReachedAt: at(-2), FoundInfected: true, Checked: true}},
		{"acknowledged twice, after an automatic reply", Case{Acks: []Ack{
			{Channel: AckReply, At: at(-9), Auto: true}, {Channel: AckLink, At: at(-3)}, {Channel: AckReply, At: at(-6)}}},
			ContactProgress{Acknowledged: true, AcknowledgedAt: at(-6)}},
		{"only an automatic reply", Case{Acks: []Ack{{Channel: AckReply, At: at(-9), Auto: true}}}, ContactProgress{}},
	} {
		if got := tt.c.Progress(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

func TestResendsGoOnlyToThoseNobodyHasHeardFrom(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    Case
		want bool
	}{
		{"nothing yet", Case{}, true},
		{"a notice sent", Case{Notices: notices(Sent)}, true},
		{"only an automatic reply", Case{Acks: []Ack{{Channel: AckReply, Auto: true}}}, true},
		{"not answered", Case{Calls: []Call{{ID: 1, Outcome: NoAnswer}}}, true},
		{"a reply", Case{Acks: []Ack{{Channel: AckReply}}}, false},
		{"reached by phone", Case{Calls: []Call{{ID: 1, Outcome: Reached}}}, false},
		{"handed to a caller", Case{HandedToCaller: true}, false},
		{"not to be contacted", Case{DoNotContact: true}, false},
	} {
		if got := tt.c.Unheard(); got != tt.want {
			t.Errorf("%s: unheard %v, want %v", tt.name, got, tt.want)
		}
	}
}

// notices are a case's notices in the states given.
func notices(states ...NoticeState) []CaseNotice {
	var out []CaseNotice
	for _, s := range states {
		out = append(out, CaseNotice{State: s})
	}
	return out
}

// A case as it stood at a time counts only what had happened by then:
// the notice that bounced later as delivered, the call and the follow-up
// done later not at all.
func TestACaseAsItStoodAtATime(t *testing.T) {
	now := time.Date(2012, 12, 26, 8, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	c := Case{
		Notices: []CaseNotice{
			{State: Failed, QueuedAt: at(-72), SentAt: at(-71), FailedAt: at(2)}, // bounced after
			{State: Failed, QueuedAt: at(-48), FailedAt: at(-47)},                // refused before
			{State: Sent, QueuedAt: at(1), SentAt: at(1)},                        // queued after
		},
		Acks: []Ack{{Channel: AckLink, At: at(3), Report: OpenedSpam}},
		Calls: []Call{
			{ID: 1, At: at(-24), Outcome: Reached, Hearing: Hearing{Arrived: Yes, Clicked: Yes}, FollowUp: VirusCheck, FollowUpDone: at(24), FollowUpResult: NoInfection},
			{ID: 2, At: at(5), Outcome: NoAnswer},
		},
	}
	for _, x := range []struct {
		name string
		at   time.Time
		want ContactProgress
	}{
		{"now", at(48), ContactProgress{Called: true, Reached: true, ReachedAt: at(-24), Heard: true, Arrived: true, Clicked: true,
			Checked: true, Remediated: true, AnsweredPage: true, Acknowledged: true, AcknowledgedAt: at(3), LastCallAt: at(5), LastOutcome: NoAnswer}},
		{"then", now, ContactProgress{Called: true, Reached: true, ReachedAt: at(-24), Heard: true, Arrived: true, Clicked: true,
			LastCallAt: at(-24), LastOutcome: Reached}},
		{"before anything", at(-100), ContactProgress{}},
	} {
		if got := c.AsOf(x.at).Progress(); !reflect.DeepEqual(got, x.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", x.name, got, x.want)
		}
	}
	then := c.AsOf(now)
	if len(then.Notices) != 2 || then.Notices[0].State != Sent || !then.Notices[0].FailedAt.IsZero() || then.Notices[1].State != Failed {
		t.Errorf("the notices then: %+v", then.Notices)
	}
	// Refused, given another round, and delivered; then sent, bounced,
	// given another round, and waiting: each as it stood in its try.
	tried := []CaseNotice{
		{State: Sent, QueuedAt: at(-10), SentAt: at(-2), Earlier: []NoticeTry{{FailedAt: at(-9), RequeuedAt: at(-5)}}},
		{State: Queued, QueuedAt: at(-10), Earlier: []NoticeTry{{SentAt: at(-9), FailedAt: at(-6), RequeuedAt: at(-4)}}},
	}
	for _, x := range []struct {
		h    int
		want []NoticeState
	}{{-11, nil}, {-10, []NoticeState{Queued, Queued}}, {-9, []NoticeState{Failed, Sent}}, {-6, []NoticeState{Failed, Failed}},
		{-5, []NoticeState{Queued, Failed}}, {-4, []NoticeState{Queued, Queued}}, {-2, []NoticeState{Sent, Queued}}} {
		var got []NoticeState
		for _, n := range (Case{Notices: tried}).AsOf(at(x.h)).Notices {
			got = append(got, n.State)
		}
		if !slices.Equal(got, x.want) {
			t.Errorf("tried notices at %d h: %v, want %v", x.h, got, x.want)
		}
	}
	// A follow-up done on the 26th counts as done at 08:00 on the 26th in
	// Tokyo, still the 25th in UTC.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	early := Case{Calls: []Call{{ID: 1, At: time.Date(2012, 12, 26, 7, 0, 0, 0, tokyo), Outcome: Reached, Hearing: Hearing{Arrived: Yes, Clicked: Yes},
		FollowUp: VirusCheck, FollowUpDone: time.Date(2012, 12, 26, 0, 0, 0, 0, time.UTC), FollowUpResult: NoInfection}}}
	if !early.AsOf(time.Date(2012, 12, 26, 8, 0, 0, 0, tokyo)).Progress().Remediated {
		t.Error("a follow-up of the day is not done at 08:00 in Tokyo")
	}
	refused := Case{Notices: c.Notices[1:2]}
	if refused.AsOf(at(-48)).Progress().NoneDelivered || !refused.AsOf(at(-47)).Progress().NoneDelivered {
		t.Error("none delivered is not as it stood")
	}
}
