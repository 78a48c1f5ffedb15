package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

// After any sequence of the things that happen in a response — notices
// sent, failed, bounced and given another round, calls with hearings,
// follow-ups and call-backs, acknowledgements and reports on the
// confirmation page, contacts withheld — every contact's case as stored
// is what notify decides from the facts, now and as the clock moves on.
func TestEveryCaseStoredIsWhatItsFactsDecide(t *testing.T) {
	for seed := range uint64(12) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { casesAfterRandomActions(t, seed) })
	}
}

func casesAfterRandomActions(t *testing.T, seed uint64) {
	ctx := context.Background()
	d := openTemp(t)
	clock := time.Date(2026, 11, 22, 5, 30, 0, 0, time.UTC)
	d.Now = func() time.Time { return clock }
	const contacts = 12
	var recs []notify.Record
	for i := range contacts {
		emails := []string{fmt.Sprintf("a%d@x.example", i)}
		if i%3 == 0 {
			emails = append(emails, fmt.Sprintf("b%d@x.example", i))
		}
		recs = append(recs, notify.Record{Number: i + 1, Family: fmt.Sprint("姓", i), Emails: emails})
	}
	if _, err := d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(recs...), nil); err != nil {
		t.Fatal(err)
	}
	u, _ := d.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	r := rand.New(rand.NewPCG(seed, 15))
	answers := []notify.Answer{notify.Unknown, notify.Yes, notify.No}
	results := []notify.FollowUpResult{notify.NoResult, notify.NoInfection, notify.Removed, notify.Infected, notify.FollowedUp}
	n := 0
	// What each notice was after each step, to read back as of then.
	type stood struct {
		at     time.Time
		states map[int64]notify.NoticeState
	}
	var history []stood
	for step := range 80 {
		clock = clock.Add(time.Minute)
		contact := int64(1 + r.IntN(contacts))
		switch r.IntN(8) {
		case 0:
			d.Queue(ctx, notify.NoticeKinds[r.IntN(len(notify.NoticeKinds))], "ja", func() string { n++; return fmt.Sprintf("<m%d@x>", n) })
		case 1:
			claimed, _ := d.Claim(ctx, 5)
			for _, c := range claimed {
				switch r.IntN(4) {
				case 0:
					d.Fail(ctx, c.ID, notify.ServerReply{Code: 550, Status: "5.7.1", Text: "refused"})
				case 1:
					d.Undeliverable(ctx, c.ID, notify.ServerReply{Code: 550, Status: "5.1.1", Text: "no such user"})
				default:
					must(t, d.MarkSent(ctx, c.ID))
				}
			}
		case 2:
			d.RequeueFailed(ctx, notify.Deletion)
		case 3, 4:
			call := notify.Call{ContactID: contact, At: clock.Add(-time.Duration(r.IntN(48)) * time.Hour),
				Outcome: notify.CallOutcomes[r.IntN(len(notify.CallOutcomes))]}
			if call.Outcome == notify.Reached {
				call.Hearing = notify.Hearing{Arrived: answers[r.IntN(3)], Clicked: answers[r.IntN(3)], Infected: answers[r.IntN(3)]}
				if res := results[r.IntN(len(results))]; res != notify.NoResult {
					call.FollowUp, call.FollowUpDone, call.FollowUpResult = notify.VirusCheck, call.At, res
				}
			}
			if call.Outcome == notify.CallBack {
				call.CallBackAt = clock.Add(time.Duration(r.IntN(6)-2) * time.Hour)
			}
			if _, err := d.AddCall(ctx, u.ID, call); err != nil {
				t.Fatal(err)
			}
		case 5:
			reports := []notify.LinkReport{"", notify.DeletedSpam, notify.OpenedSpam, notify.FearInfected}
			ack := notify.Ack{ContactID: contact, Channel: notify.AckLink, At: clock.Add(-time.Duration(r.IntN(48)) * time.Hour),
				Report: reports[r.IntN(len(reports))], Auto: r.IntN(5) == 0}
			if ack.Report == "" {
				ack.Channel = notify.AckReply
			}
			must(t, d.AddAck(ctx, ack))
		case 6:
			d.SetDoNotContact(ctx, u.ID, contact, r.IntN(2) == 0, "申し出")
		case 7:
			clock = clock.Add(time.Duration(r.IntN(3)) * time.Hour) // call-backs come due
		}
		casesAgree(t, d, fmt.Sprintf("step %d", step))
		history = append(history, stood{clock, noticeStates(t, d, func(c notify.Case) notify.Case { return c })})
	}
	// Each notice as of the end of each step is what it was then: its
	// earlier tries kept when it was given another round. (One withdrawn
	// since has gone, and its id may have been given to a later one.)
	for _, then := range history {
		asOf := noticeStates(t, d, func(c notify.Case) notify.Case { return c.AsOf(then.at) })
		for id, state := range asOf {
			if was, ok := then.states[id]; !ok || was != state {
				t.Errorf("notice %d as of %s: %s, it was %s then (present %v)", id, then.at.Format("15:04"), state, was, ok)
			}
		}
		for id := range then.states {
			var queued string
			if _, ok := asOf[id]; !ok && d.db.QueryRow(`SELECT queued_at FROM notices WHERE id = ?`, id).Scan(&queued) == nil &&
				!parseTime(queued).After(then.at) {
				t.Errorf("notice %d as of %s: missing", id, then.at.Format("15:04"))
			}
		}
	}
	// Every case read at once is each read alone.
	must(t, everyCase(ctx, d.db, func(id int64, c notify.Case) error {
		alone, err := loadCase(ctx, d.db, id)
		if err != nil || !reflect.DeepEqual(c, alone) {
			t.Errorf("contact %d read with every case:\n%+v\nread alone:\n%+v (%v)", id, c, alone, err)
		}
		return nil
	}))
	// As of the last moment anything happened, every case decided again
	// as it stood then adds up to the running counts.
	d.Now = func() time.Time { return clock.Add(time.Hour) }
	counted, err := d.Facts(ctx, time.Time{})
	must(t, err)
	then, err := d.Facts(ctx, clock)
	must(t, err)
	counted.AsOf = clock
	if !reflect.DeepEqual(then, counted) {
		t.Errorf("as of the last step:\n%+v\nthe running counts:\n%+v", then, counted)
	}
	EveryEntryIsSaidInEveryLanguage(t, d)
}

// noticeStates is the state of every notice in every case, seen through
// view; one being sent as queued, as a report counts it.
func noticeStates(t *testing.T, d *DB, view func(notify.Case) notify.Case) map[int64]notify.NoticeState {
	t.Helper()
	out := map[int64]notify.NoticeState{}
	must(t, everyCase(context.Background(), d.db, func(_ int64, c notify.Case) error {
		for _, n := range view(c).Notices {
			if n.State == notify.Sending {
				n.State = notify.Queued
			}
			out[n.ID] = n.State
		}
		return nil
	}))
	return out
}

// casesAgree compares every contact's stored case with notify's decision
// from its facts now, through the list that staff read.
func casesAgree(t *testing.T, d *DB, when string) {
	t.Helper()
	ctx := context.Background()
	list, _, err := d.Contacts(ctx, notify.ContactList{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	counts, err := d.CaseCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[notify.Urgency]int{}
	for _, c := range list {
		facts, err := loadCase(ctx, d.db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		a := facts.Assess(d.Now())
		want[a.Urgency]++
		if c.Urgency != a.Urgency || c.Reason != a.Reason {
			t.Fatalf("%s: contact %d is stored %s (%s), its facts say %s (%s): %+v", when, c.ID, c.Urgency, c.Reason, a.Urgency, a.Reason, facts)
		}
		if f := (notify.ContactList{State: &a.Urgency, Limit: 1000}); !listed(t, d, f, c.ID) {
			t.Fatalf("%s: contact %d is %s but not in the list of those %s", when, c.ID, a.Urgency, a.Urgency)
		}
	}
	for _, u := range notify.Urgencies {
		if counts[u] != want[u] {
			t.Fatalf("%s: %d counted %s, the facts say %d", when, counts[u], u, want[u])
		}
	}
}

func listed(t *testing.T, d *DB, f notify.ContactList, id int64) bool {
	t.Helper()
	list, _, err := d.Contacts(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.ID == id {
			return true
		}
	}
	return false
}
