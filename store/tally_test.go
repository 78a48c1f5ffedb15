package store

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

// recount counts from the tables themselves, as Status did before it kept
// running counts.
func recount(t *testing.T, d *DB) notify.Status {
	t.Helper()
	ctx := context.Background()
	s := notify.Status{Categories: map[notify.Category]int{}, AddressesByCategory: map[notify.Category]int{},
		Notices: zeroStates(), ByCategory: map[notify.Category]map[notify.NoticeState]int{}, ByKind: map[notify.NoticeKind]map[notify.NoticeState]int{},
		ByCategoryKind: map[notify.Category]map[notify.NoticeKind]map[notify.NoticeState]int{}}
	for _, c := range notify.Categories {
		s.Categories[c], s.AddressesByCategory[c], s.ByCategory[c] = 0, 0, zeroStates()
		s.ByCategoryKind[c] = map[notify.NoticeKind]map[notify.NoticeState]int{}
		for _, k := range notify.NoticeKinds {
			s.ByCategoryKind[c][k] = zeroStates()
		}
	}
	for _, k := range notify.NoticeKinds {
		s.ByKind[k] = zeroStates()
	}
	d.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM addresses)`).Scan(&s.Contacts, &s.Addresses)
	rows, _ := d.db.QueryContext(ctx, `SELECT c.category, count(DISTINCT c.id), count(a.id) FROM contacts c
		LEFT JOIN addresses a ON a.contact_id = c.id GROUP BY c.category`)
	for rows.Next() {
		var c string
		var n, a int
		rows.Scan(&c, &n, &a)
		s.Categories[notify.Category(c)], s.AddressesByCategory[notify.Category(c)] = n, a
	}
	rows.Close()
	rows, _ = d.db.QueryContext(ctx, `SELECT c.category, x.kind, x.state, count(*) FROM notices x
		JOIN contacts c ON c.id = x.contact_id GROUP BY 1, 2, 3`)
	for rows.Next() {
		var c, k, st string
		var n int
		rows.Scan(&c, &k, &st, &n)
		s.Notices[notify.NoticeState(st)] += n
		s.ByCategory[notify.Category(c)][notify.NoticeState(st)] += n
		s.ByKind[notify.NoticeKind(k)][notify.NoticeState(st)] += n
		s.ByCategoryKind[notify.Category(c)][notify.NoticeKind(k)][notify.NoticeState(st)] += n
	}
	rows.Close()
	return s
}

func TestRunningCountsMatchTheTables(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	check := func(when string) {
		t.Helper()
		got, err := d.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := recount(t, d); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: running counts\n %+v\nthe tables say\n %+v", when, got, want)
		}
	}
	// Who is what depends on a word in the company, so that a later book
	// can move people between categories.
	decide := func(r notify.Record) notify.Decision {
		switch {
		case strings.Contains(r.Company, "仕入"):
			return notify.Decision{Category: notify.Supplier, Rule: notify.RuleLabel}
		case strings.Contains(r.Company, "顧客"):
			return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel}
		}
		return notify.Decision{Category: notify.Unclassified, Rule: notify.RuleNone}
	}
	book := func(n int, company func(i int) string, extra bool) notify.NextRecord {
		i := 0
		return func() (notify.Record, *notify.EntryNote, error) {
			if i == n {
				return notify.Record{}, nil, io.EOF
			}
			i++
			r := notify.Record{Number: i, Family: fmt.Sprint("姓", i), Company: company(i), Emails: []string{fmt.Sprintf("u%d@x.example", i)}}
			if extra && i%3 == 0 {
				r.Emails = append(r.Emails, fmt.Sprintf("v%d@y.example", i))
			}
			return r, nil, nil
		}
	}
	if _, err := d.Import(ctx, notify.ImportReport{File: "a"}, book(2500, func(i int) string {
		return map[int]string{0: "顧客", 1: "仕入", 2: ""}[i%3]
	}, false), decide); err != nil {
		t.Fatal(err)
	}
	check("after the first import")
	n := 0
	id := func() string { n++; return fmt.Sprint(n, "@m") }
	d.Queue(ctx, notify.Deletion, "ja", id)
	check("after queueing")
	claimed, _ := d.Claim(ctx, 50)
	for i, c := range claimed {
		switch i % 4 {
		case 0:
			d.MarkSent(ctx, c.ID)
		case 1:
			d.Fail(ctx, c.ID, serverReply("550"))
		case 2:
			d.Retry(ctx, c.ID, time.Now(), serverReply("421"))
		}
	}
	d.Release(ctx, []int64{claimed[3].ID})
	check("after sending some")
	// A second book: companies (and so categories) change for some, some
	// gain an address; then the rules run again with nothing to say.
	if _, err := d.Import(ctx, notify.ImportReport{File: "b"}, book(3000, func(i int) string {
		return map[int]string{0: "仕入", 1: "顧客", 2: ""}[i%3]
	}, true), decide); err != nil {
		t.Fatal(err)
	}
	check("after a second book moved people")
	if _, err := d.Classify(ctx, func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Employee, Rule: notify.RuleOwnDomain}
	}); err != nil {
		t.Fatal(err)
	}
	check("after everyone was reclassified")
	d.RequeueInFlight(ctx)
	d.RequeueFailed(ctx, notify.Deletion)
	d.Queue(ctx, notify.Apology, "ja", id)
	check("after requeueing and queueing apologies")
	if _, err := d.Import(ctx, notify.ImportReport{File: "dry", DryRun: true}, book(10, func(int) string { return "顧客" }, false), decide); err != nil {
		t.Fatal(err)
	}
	check("after a dry run")
}

func TestAPersonsDecisionOutlastsTheRules(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	rules := func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, Detail: notify.Written("label 顧客"), OwnerEmail: "rules@x.example"}
	}
	rec := notify.Record{Number: 1, Family: "山田", Emails: []string{"taro@yamada.example"}}
	if _, err := d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(rec), rules); err != nil {
		t.Fatal(err)
	}
	u, _ := d.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	c, _, _ := d.ContactByEmail(ctx, "taro@yamada.example")
	if err := d.Reclassify(ctx, c.ID, u.ID, notify.Supplier, "実は仕入先（営業部に確認）"); err != nil {
		t.Fatal(err)
	}
	if err := d.Reassign(ctx, u.ID, "sato@sakura-print.example.jp", c.ID); err != nil {
		t.Fatal(err)
	}
	// The rules run again, and a later book changes the entry.
	d.Classify(ctx, rules)
	rec.Company = "山田商店"
	rec.Emails = append(rec.Emails, "yamada@shop.example")
	if _, err := d.Import(ctx, notify.ImportReport{File: "b"}, recordsOf(rec), rules); err != nil {
		t.Fatal(err)
	}
	c, _, _ = d.ContactByEmail(ctx, "taro@yamada.example")
	if c.Category != notify.Supplier || c.Rule != notify.RuleManual || !reflect.DeepEqual(c.RuleDetail, notify.Written("実は仕入先（営業部に確認）")) ||
		c.OwnerEmail != "sato@sakura-print.example.jp" || c.Company != "山田商店" {
		t.Errorf("after the rules ran again: %+v", c)
	}
	events, err := d.Events(ctx, c.ID)
	if err != nil || len(events) != 2 || events[1].What != "category" || events[1].From != "customer" || events[1].To != "supplier" ||
		events[1].By != "kanri" || events[0].What != "owner" || events[0].From != "rules@x.example" {
		t.Errorf("history: %+v, %v", events, err)
	}
	if got, want := mustStatus(t, d), recount(t, d); !reflect.DeepEqual(got, want) {
		t.Errorf("running counts %+v, tables %+v", got, want)
	}
}

func recordsOf(recs ...notify.Record) notify.NextRecord {
	i := 0
	return func() (notify.Record, *notify.EntryNote, error) {
		if i == len(recs) {
			return notify.Record{}, nil, io.EOF
		}
		i++
		return recs[i-1], nil, nil
	}
}

func mustStatus(t *testing.T, d *DB) notify.Status {
	t.Helper()
	s, err := d.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOwnerCountsFollowEveryChange(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	ownerOf := func(first string) func(notify.Record) notify.Decision {
		return func(r notify.Record) notify.Decision {
			o := first
			if strings.HasSuffix(r.Family, "2") {
				o = "B@x.example"
			}
			return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: o}
		}
	}
	recs := []notify.Record{{Number: 1, Family: "姓1", Emails: []string{"1@c.example"}},
		{Number: 2, Family: "姓2", Emails: []string{"2@c.example"}}, {Number: 3, Family: "姓3", Emails: []string{"3@c.example"}}}
	if _, err := d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(recs...), ownerOf("a@x.example")); err != nil {
		t.Fatal(err)
	}
	u, _ := d.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	c, _, _ := d.ContactByEmail(ctx, "3@c.example")
	d.Reassign(ctx, u.ID, "b@X.example", c.ID)
	d.Classify(ctx, ownerOf("c@x.example")) // 姓1 moves to c; 姓3 stays with b (a person chose)
	d.AddCall(ctx, u.ID, notify.Call{ContactID: c.ID, Outcome: notify.Reached})
	got, err := d.StaffProgress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string][2]int{}
	for _, p := range got {
		counts[strings.ToLower(p.Owner)] = [2]int{p.Assigned, p.Reached}
	}
	want := map[string][2]int{"b@x.example": {2, 1}, "c@x.example": {1, 0}}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("staff counts %v, want %v", counts, want)
	}
}

func TestNotToBeContacted(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	decide := func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: "suzuki@x.example"}
	}
	if _, err := d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(
		notify.Record{Number: 1, Family: "甲", Emails: []string{"a@c.example", "a2@c.example"}},
		notify.Record{Number: 2, Family: "乙", Emails: []string{"b@c.example"}}), decide); err != nil {
		t.Fatal(err)
	}
	u, _ := d.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	n := 0
	id := func() string { n++; return fmt.Sprint(n, "@m") }
	d.Queue(ctx, notify.Deletion, "ja", id)
	a, _, _ := d.ContactByEmail(ctx, "a@c.example")
	withdrawn, err := d.SetDoNotContact(ctx, u.ID, a.ID, true, "本人から連絡不要との申し出")
	if err != nil || withdrawn != 2 {
		t.Fatalf("SetDoNotContact: %d withdrawn, %v; want 2", withdrawn, err)
	}
	if q, _ := d.Queue(ctx, notify.Apology, "ja", id); q != 1 {
		t.Errorf("apologies queued: %d, want 1 (乙 only)", q)
	}
	list, _, _ := d.Contacts(ctx, notify.ContactList{Owner: "suzuki@x.example", Order: notify.ByUrgency, Limit: 10})
	if len(list) != 2 || list[1].Family != "甲" || list[1].Urgency != notify.Withheld {
		t.Errorf("list: %+v; want 甲 last, withheld", list)
	}
	if got, want := mustStatus(t, d), recount(t, d); !reflect.DeepEqual(got, want) {
		t.Errorf("running counts %+v, tables %+v", got, want)
	}
	// Lifting the mark lets the next send queue them again.
	if _, err := d.SetDoNotContact(ctx, u.ID, a.ID, false, "再度連絡してよいと確認"); err != nil {
		t.Fatal(err)
	}
	if q, _ := d.Queue(ctx, notify.Deletion, "ja", id); q != 2 {
		t.Errorf("deletion requests queued again: %d, want 2", q)
	}
	events, _ := d.Events(ctx, a.ID)
	if len(events) != 2 || events[0].To != "no" || events[1].To != "yes" || events[1].Reason != "本人から連絡不要との申し出" {
		t.Errorf("history: %+v", events)
	}
}

// openTemp opens a new database in a temporary folder, closed after the test.
func openTemp(t *testing.T) *DB {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestWithheldNoticesNeverComeBack(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	decide := func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel}
	}
	d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(notify.Record{Number: 1, Family: "甲", Emails: []string{"a@c.example"}},
		notify.Record{Number: 2, Family: "乙", Emails: []string{"b@c.example"}}), decide)
	u, _ := d.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	n := 0
	d.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint(n, "@m") })
	claimed, _ := d.Claim(ctx, 10) // both in flight
	a, _, _ := d.ContactByEmail(ctx, "a@c.example")
	b, _, _ := d.ContactByEmail(ctx, "b@c.example")
	d.SetDoNotContact(ctx, u.ID, a.ID, true, "申し出")
	d.SetDoNotContact(ctx, u.ID, b.ID, true, "申し出")
	// One comes back for a retry, the other fails and is requeued later.
	for _, c := range claimed {
		if c.ContactID == a.ID {
			d.Retry(ctx, c.ID, time.Now(), serverReply("421"))
		} else {
			d.Fail(ctx, c.ID, serverReply("550"))
		}
	}
	d.RequeueFailed(ctx, notify.Deletion)
	d.RequeueInFlight(ctx)
	if again, _ := d.Claim(ctx, 10); len(again) != 0 {
		t.Errorf("claimed %d notices of people not to be contacted", len(again))
	}
	if got, want := mustStatus(t, d), recount(t, d); !reflect.DeepEqual(got, want) {
		t.Errorf("running counts %+v, tables %+v", got, want)
	}
	// The failed one is not requeued: it stays failed, with what the server
	// said, as the record of the attempt.
	if got := mustStatus(t, d); got.Notices[notify.Failed] != 1 || got.Notices[notify.Queued] != 0 {
		t.Errorf("notices: %v; want the failed one kept failed, none queued", got.Notices)
	}
}

func TestStaffTableOneRowPerAddress(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	decide := func(r notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: "Ärger@x.example"}
	}
	d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(notify.Record{Number: 1, Family: "甲", Emails: []string{"a@c.example"}},
		notify.Record{Number: 2, Family: "乙", Emails: []string{"b@c.example"}}), decide)
	old, _ := d.AddUser(ctx, notify.User{Name: "aerger-old", Email: "Ärger@x.example", Role: notify.Sales}, []byte("h"))
	d.DisableUser(ctx, "aerger-old")
	d.AddUser(ctx, notify.User{Name: "aerger", Email: "Ärger@x.example", Role: notify.Sales}, []byte("h"))
	a, _, _ := d.ContactByEmail(ctx, "a@c.example")
	d.AddCall(ctx, old.ID, notify.Call{ContactID: a.ID, Outcome: notify.Reached})
	b, _, _ := d.ContactByEmail(ctx, "b@c.example")
	d.Reassign(ctx, old.ID, "other@x.example", b.ID) // a non-ASCII capital in the address: the counts must still agree
	got, err := d.StaffProgress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []notify.StaffProgress{{Owner: "other@x.example", Assigned: 1}, {Owner: "Ärger@x.example", Name: "aerger", Assigned: 1, Reached: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("staff table:\n got %+v\nwant %+v", got, want)
	}
}

// callsSaidSo is what the calls themselves say, counted the long way
// from the facts: per category the
// funnel, per owner those reached and the call-backs due, per day those
// first reached; and each contact's urgency as notify decides it from the
// facts now, against the decision stored as they were recorded.
func callsSaidSo(t *testing.T, d *DB) (map[notify.Category]notify.Progress, map[string][2]int, map[string][2]int, map[int64]notify.Urgency) {
	t.Helper()
	ctx := context.Background()
	staff := map[string][2]int{}
	rows, _ := d.db.QueryContext(ctx, `SELECT lower(c.owner_email), count(DISTINCT CASE WHEN k.outcome = 'reached' THEN k.contact_id END)
		FROM contacts c JOIN calls k ON k.contact_id = c.id WHERE c.owner_email != '' GROUP BY 1`)
	for rows.Next() {
		var owner string
		var n [2]int
		rows.Scan(&owner, &n[0])
		staff[owner] = n
	}
	rows.Close()
	days := map[string][2]int{} // reached, acknowledged
	for i, q := range []string{`SELECT day, count(*) FROM (SELECT date(min(at), '+540 minutes') AS day
		FROM calls WHERE outcome = 'reached' GROUP BY contact_id) GROUP BY day`,
		`SELECT day, count(*) FROM (SELECT date(min(at), '+540 minutes') AS day
		FROM acks WHERE NOT auto GROUP BY contact_id) GROUP BY day`} {
		rows, _ = d.db.QueryContext(ctx, q)
		for rows.Next() {
			var day string
			var n int
			rows.Scan(&day, &n)
			c := days[day]
			c[i] = n
			days[day] = c
		}
		rows.Close()
	}
	// Each contact's urgency and progress, decided again from its facts.
	urgency := map[int64]notify.Urgency{}
	progress := map[notify.Category]notify.Progress{}
	ids, err := queryColumn[int64](ctx, d.db, `SELECT id FROM contacts`)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		c, err := loadCase(ctx, d.db, id)
		if err != nil {
			t.Fatal(err)
		}
		urgency[id] = c.Assess(d.Now()).Urgency
		// a call-back due is counted for the owner as the case decides it
		var owner string
		var category notify.Category
		d.db.QueryRowContext(ctx, `SELECT lower(owner_email), category FROM contacts WHERE id = ?`, id).Scan(&owner, &category)
		p := progress[category]
		p.Add(personCount(c.Progress()))
		progress[category] = p
		if urgency[id] == notify.CallBackDue && owner != "" {
			n := staff[owner]
			n[1]++
			staff[owner] = n
		}
	}
	return progress, staff, days, urgency
}

// The running counts, the stored cases and each contact's progress are
// derived from the facts: after any sequence of what staff and the mailbox
// do, in any order of times, they equal what the facts say when counted
// again from scratch. Many seeds, each its own random sequence.
func TestCountsAndCasesEqualTheFactsAfterAnySequence(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { countsAfterRandomActions(t, uint64(seed)) })
	}
}

func countsAfterRandomActions(t *testing.T, seed uint64) {
	ctx := context.Background()
	d := openTemp(t)
	rnd := rand.New(rand.NewPCG(seed, 2026))
	owners := []string{"a@sakura.example", "B@sakura.example", ""}
	categories := []notify.Category{notify.Customer, notify.Supplier, notify.Employee}
	const people = 40
	var recs []notify.Record
	for i := range people {
		recs = append(recs, notify.Record{Number: i + 1, Family: fmt.Sprint("姓", i), Emails: []string{fmt.Sprintf("u%d@x.example", i)}})
	}
	if _, err := d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(recs...), func(r notify.Record) notify.Decision {
		return notify.Decision{Category: categories[r.Number%3], Rule: notify.RuleLabel, OwnerEmail: owners[r.Number%3]}
	}); err != nil {
		t.Fatal(err)
	}
	u, _ := d.AddUser(ctx, notify.User{Name: "kanri", Role: notify.Manager}, []byte("h"))
	n := 0
	messageID := func() string { n++; return fmt.Sprint(n, "@m") }
	now := time.Now()
	someone := func() int64 { return 1 + rnd.Int64N(people) }
	someTime := func() time.Time { return now.Add(-time.Duration(rnd.IntN(100*60)) * time.Minute) }
	answers := []notify.Answer{notify.Unknown, notify.Yes, notify.No}
	outcomes := []notify.CallOutcome{notify.Reached, notify.NoAnswer, notify.CallBack, notify.Voicemail}
	results := []notify.FollowUpResult{notify.NoInfection, notify.Infected, notify.Removed, notify.FollowedUp}
	reports := []notify.LinkReport{notify.DeletedSpam, notify.OpenedSpam, notify.FearInfected, notify.AskedForCall}
	actions := []struct {
		name string
		do   func() error
	}{
		{"a call", func() error {
			call := notify.Call{ContactID: someone(), At: someTime(), Outcome: outcomes[rnd.IntN(len(outcomes))]}
			if call.Outcome == notify.Reached {
				for _, q := range notify.Questions {
					*call.Hearing.To(q) = answers[rnd.IntN(3)]
				}
				if rnd.IntN(3) == 0 { // a follow-up, done or only planned
					call.FollowUp = notify.FollowUps[1+rnd.IntN(len(notify.FollowUps)-1)]
					if rnd.IntN(4) == 0 {
						call.FollowUpOn = now.Add(24 * time.Hour)
					} else {
						call.FollowUpDone, call.FollowUpResult = now, results[rnd.IntN(len(results))]
					}
				}
			}
			if call.Outcome == notify.CallBack {
				call.CallBackAt = now.Add(time.Duration(rnd.IntN(5)-2) * time.Hour)
			}
			_, err := d.AddCall(ctx, u.ID, call)
			return err
		}},
		{"a reply", func() error {
			return d.AddAck(ctx, notify.Ack{ContactID: someone(), Channel: notify.AckReply, At: someTime(), Auto: rnd.IntN(3) == 0})
		}},
		{"a report on the page", func() error {
			ns, err := d.ContactNotices(ctx, someone())
			if err != nil || len(ns) == 0 {
				return err
			}
			return d.AckByLink(ctx, ns[rnd.IntN(len(ns))], reports[rnd.IntN(len(reports))])
		}},
		{"notices queued and sent", func() error {
			if _, err := d.Queue(ctx, notify.Deletion, "ja", messageID); err != nil {
				return err
			}
			claimed, err := d.Claim(ctx, 5)
			for i, c := range claimed {
				if i%3 == 2 {
					d.Fail(ctx, c.ID, serverReply("550 5.1.1"))
				} else {
					d.MarkSent(ctx, c.ID)
				}
			}
			return err
		}},
		{"notices through every answer a server gives", func() error {
			if _, err := d.Queue(ctx, notify.Apology, "en", messageID); err != nil {
				return err
			}
			claimed, err := d.Claim(ctx, 6)
			var back []int64
			for _, c := range claimed {
				switch rnd.IntN(5) {
				case 0:
					err = d.MarkSent(ctx, c.ID)
				case 1:
					err = d.Fail(ctx, c.ID, serverReply("554 5.7.1 refused"))
				case 2:
					err = d.Retry(ctx, c.ID, now.Add(-time.Minute), serverReply("451 4.3.0 try later"))
				case 3:
					err = d.Undeliverable(ctx, c.ID, serverReply("550 5.1.1 no such user"))
				case 4:
					back = append(back, c.ID)
				}
				if err != nil {
					return fmt.Errorf("answer %d: %w", c.ID, err)
				}
			}
			return d.Release(ctx, back)
		}},
		{"a sender died", func() error {
			if _, err := d.Claim(ctx, 3); err != nil {
				return err
			}
			_, err := d.RequeueInFlight(ctx)
			return err
		}},
		{"failures given another round", func() error {
			_, _, err := d.RequeueFailed(ctx, notify.NoticeKinds[rnd.IntN(len(notify.NoticeKinds))])
			return err
		}},
		{"a sent notice bounced", func() error {
			sent, err := queryColumn[int64](ctx, d.db, `SELECT id FROM notices WHERE state = 'sent'`)
			if err != nil || len(sent) == 0 {
				return err
			}
			id := sent[rnd.IntN(len(sent))]
			return d.inTx(ctx, func(tx *Tx) error {
				if rnd.IntN(2) == 0 {
					_, err := markUndeliverable(ctx, tx, id, serverReply("550 5.1.1 no such user"))
					return err
				}
				_, err := failNotice(ctx, tx, id, serverReply("552 5.2.2 mailbox full"))
				return err
			})
		}},
		{"the book imported again, changed", func() error {
			again := slices.Clone(recs)
			for i := range again {
				again[i].Company = fmt.Sprint("会社", rnd.IntN(3))
				if rnd.IntN(4) == 0 {
					again[i].Emails = append(slices.Clone(again[i].Emails), fmt.Sprintf("v%d.%d@x.example", i, rnd.IntN(1000)))
				}
			}
			_, err := d.Import(ctx, notify.ImportReport{File: "b"}, recordsOf(again...), func(r notify.Record) notify.Decision {
				return notify.Decision{Category: categories[rnd.IntN(3)], Rule: notify.RuleLabel, OwnerEmail: owners[rnd.IntN(3)]}
			})
			return err
		}},
		{"a category decided", func() error {
			return d.Reclassify(ctx, someone(), u.ID, categories[rnd.IntN(3)], "確認済み")
		}},
		{"contacts handed to another", func() error {
			id := someone()
			return d.Reassign(ctx, u.ID, owners[rnd.IntN(3)], id, 1+id%people)
		}},
		{"not to be contacted", func() error {
			_, err := d.SetDoNotContact(ctx, u.ID, someone(), rnd.IntN(2) == 0, "申し出")
			return err
		}},
		{"a resend run", func() error {
			_, _, err := d.Resend(ctx, resendPolicy, time.Now(), time.Now(), messageID)
			return err
		}},
		{"the rules run again", func() error {
			_, err := d.Classify(ctx, func(r notify.Record) notify.Decision {
				return notify.Decision{Category: categories[rnd.IntN(3)], Rule: notify.RuleLabel, OwnerEmail: owners[rnd.IntN(3)]}
			})
			return err
		}},
	}
	for i := range 120 {
		a := actions[rnd.IntN(len(actions))]
		if err := a.do(); err != nil {
			t.Fatalf("%s: %v", a.name, err)
		}
		if i%30 == 29 {
			checkCountsEqualTheFacts(t, d, fmt.Sprintf("after %d actions, the last %s", i+1, a.name))
		}
	}
}

var resendPolicy = notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion}, MaxSends: 2}

// checkCountsEqualTheFacts compares every running count and stored case
// with the facts counted again.
func checkCountsEqualTheFacts(t *testing.T, d *DB, when string) {
	t.Helper()
	ctx := context.Background()
	wantProgress, wantStaff, wantDays, wantUrgency := callsSaidSo(t, d)
	progress, err := d.Progress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var total notify.Progress
	for _, c := range notify.Categories {
		if progress[c] != wantProgress[c] {
			t.Errorf("%s: %s progress %+v, the facts say %+v", when, c, progress[c], wantProgress[c])
		}
		total.Add(wantProgress[c])
	}
	// The reports count the same, and what they state means what it says:
	// counted again here by SQL of the test's own, from the facts.
	f, err := d.Facts(ctx, time.Time{})
	if err != nil || f.Progress != total {
		t.Errorf("%s: the reports count %+v (%v), the facts say %+v", when, f.Progress, err, total)
	}
	var said [7]int
	if err := d.db.QueryRowContext(ctx, `SELECT
		(SELECT count(DISTINCT contact_id) FROM calls),
		(SELECT count(DISTINCT contact_id) FROM calls WHERE outcome = 'reached'),
		(SELECT count(DISTINCT contact_id) FROM calls WHERE follow_up = 'apology_visit' AND follow_up_done != ''),
		(SELECT count(DISTINCT contact_id) FROM calls WHERE follow_up IN ('virus_check', 'virus_removal') AND follow_up_done != ''),
		(SELECT count(DISTINCT contact_id) FROM calls WHERE follow_up_result IN ('infected', 'removed') AND follow_up_done != ''),
		(SELECT count(*) FROM (SELECT 1 FROM notices GROUP BY contact_id HAVING max(state = 'failed') AND NOT max(state = 'sent'))),
		(SELECT count(DISTINCT contact_id) FROM (SELECT contact_id FROM calls WHERE 'yes' IN (arrived, opened, clicked, infected, deleted)
			UNION ALL SELECT contact_id FROM acks WHERE report IN ('deleted', 'opened', 'infected') AND NOT auto))`).Scan(
		&said[0], &said[1], &said[2], &said[3], &said[4], &said[5], &said[6]); err != nil {
		t.Fatal(err)
	}
	if got := [7]int{f.Called, f.Reached, f.Visited, f.Checked, f.FoundInfected, f.NoneDelivered, f.Arrived}; got != said {
		t.Errorf("%s: the reports say called, reached, visited, checked, infections found, none delivered, arrived %v; the tables %v", when, got, said)
	}
	staff, _ := d.StaffProgress(ctx)
	for _, p := range staff {
		if got := [2]int{p.Reached, p.CallBacksDue}; got != wantStaff[p.Owner] {
			t.Errorf("%s: %s reached and due %v, the facts say %v", when, p.Owner, got, wantStaff[p.Owner])
		}
	}
	reached, _ := d.ReachedPerDay(ctx, 30, 9*time.Hour)
	acked, _ := d.AcknowledgedPerDay(ctx, 30, 9*time.Hour)
	for i, day := range reached {
		got := [2]int{day.N, acked[i].N}
		if want := wantDays[day.Day.Format(dateLayout)]; got != want {
			t.Errorf("%s: %s reached and acknowledged %v, the facts say %v", when, day.Day.Format(dateLayout), got, want)
		}
	}
	list, _, _ := d.Contacts(ctx, notify.ContactList{Limit: 1000})
	for _, c := range list {
		if c.Urgency != wantUrgency[c.ID] {
			t.Errorf("%s: contact %d is %s, the facts say %s", when, c.ID, c.Urgency, wantUrgency[c.ID])
		}
	}
	if err := d.EachContact(ctx, func(c notify.Contact, p notify.ContactProgress) error {
		k, err := loadCase(ctx, d.db, c.ID)
		want := k.Progress()
		p.Undelivered = nil
		if !p.LastCallAt.Equal(want.LastCallAt) || !p.ReachedAt.Equal(want.ReachedAt) || !p.AcknowledgedAt.Equal(want.AcknowledgedAt) {
			t.Errorf("%s: contact %d's times %+v, the facts say %+v", when, c.ID, p, want)
		}
		p.LastCallAt, p.ReachedAt, p.AcknowledgedAt = want.LastCallAt, want.ReachedAt, want.AcknowledgedAt
		if !reflect.DeepEqual(p, want) {
			t.Errorf("%s: contact %d's progress %+v, the facts say %+v", when, c.ID, p, want)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Resends go only to those nobody has heard from, as the facts say.
	due, err := d.DueResends(ctx, resendPolicy, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range due {
		if k, _ := loadCase(ctx, d.db, r.ContactID); !k.Unheard() {
			t.Errorf("%s: a resend is due to contact %d, whose case is %+v", when, r.ContactID, k)
		}
	}
	if got, err := d.Status(ctx); err != nil || !reflect.DeepEqual(got, recount(t, d)) {
		t.Errorf("%s: running counts of contacts and notices\n %+v\nthe tables say\n %+v", when, got, recount(t, d))
	}
	// The dashboard reads the same, at one moment.
	b, err := d.Dashboard(ctx, 30, 9*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cases, _ := d.CaseCounts(ctx, notify.AtRisk, notify.CallBackDue)
	if st, _ := d.Status(ctx); !reflect.DeepEqual(b.Status, st) || !reflect.DeepEqual(b.Progress, progress) ||
		!reflect.DeepEqual(b.Staff, staff) || !reflect.DeepEqual(b.Reached, reached) || !reflect.DeepEqual(b.Acknowledged, acked) ||
		!reflect.DeepEqual(b.Cases, cases) {
		t.Errorf("%s: the dashboard reads\n %+v\nits parts read apart\n %+v %+v %+v %+v %+v %+v", when, b, st, progress, staff, reached, acked, cases)
	}
	owned := map[string]int{}
	rows, _ := d.db.QueryContext(ctx, `SELECT lower(owner_email), count(*) FROM contacts WHERE owner_email != '' GROUP BY 1`)
	for rows.Next() {
		var owner string
		var n int
		rows.Scan(&owner, &n)
		owned[owner] = n
	}
	rows.Close()
	assigned := map[string]int{}
	for _, p := range staff {
		assigned[strings.ToLower(p.Owner)] = p.Assigned
	}
	if !reflect.DeepEqual(assigned, owned) {
		t.Errorf("%s: contacts per owner %v, the contacts say %v", when, assigned, owned)
	}
}

// personCount is what one person adds to a category's progress.
func personCount(p notify.ContactProgress) notify.Progress {
	n := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	return notify.Progress{Acknowledged: n(p.Acknowledged), Called: n(p.Called), Reached: n(p.Reached), HearingDone: n(p.Heard),
		Arrived: n(p.Arrived), NotArrived: n(p.NotArrived), Clicked: n(p.Clicked), Infected: n(p.Infected),
		FoundInfected: n(p.FoundInfected), Remediated: n(p.Remediated), Visited: n(p.Visited), Checked: n(p.Checked),
		NoneDelivered: n(p.NoneDelivered), AnsweredPage: n(p.AnsweredPage)}
}

// serverReply is a server's reply at RCPT TO as a test writes it: "550 5.1.1 no such user".
func serverReply(s string) notify.ServerReply { return notify.ReadReply(notify.StageRcpt, s) }
