package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

// Notices recorded sent by many connections at once (committed together,
// sentGroup) are each recorded once, with one attempt; and those of
// contacts whose case had moved (a call logged before the notice went
// out) have their case decided again, as one recorded alone does.
func TestNoticesSentAtOnceAreEachRecorded(t *testing.T) {
	ctx := context.Background()
	d := openTemp(t)
	const n = 200
	importPeople(t, d, n)
	u, err := d.AddUser(ctx, notify.User{Name: "eigyo", Role: notify.Sales}, []byte("h"))
	if err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= n; id += 7 {
		if _, err := d.AddCall(ctx, u.ID, notify.Call{ContactID: id, At: d.Now().Add(-time.Minute), Outcome: notify.NoAnswer}); err != nil {
			t.Fatal(err)
		}
	}
	claimed := claimAll(t, d, n)
	var wg sync.WaitGroup
	for c := range 10 {
		wg.Go(func() {
			for i := c; i < n; i += 10 {
				if err := d.MarkSent(ctx, claimed[i].ID); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for _, c := range claimed {
		ns, err := d.Notices(ctx, c.Email)
		if err != nil || len(ns) != 1 || ns[0].State != notify.Sent || ns[0].Attempts != 1 {
			t.Fatalf("%s: %+v, %v; want sent after one attempt", c.Email, ns, err)
		}
	}
	if st := mustStatus(t, d); st.Notices[notify.Sent] != n || st.Notices[notify.Sending] != 0 {
		t.Errorf("counted %v; want all %d sent", st.Notices, n)
	}
	casesAgree(t, d, "after the notices were recorded sent at once")
}

// Records that come while another is being made are committed together,
// in one transaction; and a record that fails in a group (here the
// database refuses one notice's) fails for its caller alone: the others
// in the group are recorded.
func TestRecordsGatherAndOneThatFailsFailsAlone(t *testing.T) {
	for _, refuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("refuse=%v", refuse), func(t *testing.T) { recordsGather(t, refuse) })
	}
}

func recordsGather(t *testing.T, refuse bool) {
	ctx := context.Background()
	d := openTemp(t)
	const n = 60
	importPeople(t, d, n)
	claimed := claimAll(t, d, n)
	refused := claimed[n/2].ID // not the first, which commits alone
	if !refuse {
		refused = 0
	}
	// On the writer's one connection, where every record is made.
	if _, err := d.wdb.ExecContext(ctx, fmt.Sprintf(`CREATE TEMP TRIGGER refuse BEFORE UPDATE OF state ON notices
		WHEN NEW.id = %d AND NEW.state = 'sent' BEGIN SELECT RAISE(ABORT, 'refused'); END`, refused)); err != nil {
		t.Fatal(err)
	}
	// Hold the writer, so that the first record waits for it and all the
	// others gather behind it: they are then committed together.
	hold, err := d.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	record := func(i int) { wg.Go(func() { errs[i] = d.MarkSent(ctx, claimed[i].ID) }) }
	// gathered waits until the first record leads, blocked on the writer,
	// and waiting records stand behind it.
	gathered := func(waiting int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			d.sent.mu.Lock()
			leading, n := d.sent.leading, len(d.sent.waiting)
			d.sent.mu.Unlock()
			if leading && n == waiting {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d records gathered behind the first, want %d", n, waiting)
			}
			time.Sleep(time.Millisecond) // polling a queue that has no signal of its own
		}
	}
	record(0)
	gathered(0)
	for i := 1; i < n; i++ {
		record(i)
	}
	gathered(n - 1)
	hold.Rollback()
	wg.Wait()
	if want := map[bool]int64{false: n - 1, true: 0}[refuse]; d.sent.together.Load() != want {
		t.Errorf("%d records committed together, want %d", d.sent.together.Load(), want)
	}
	for i, c := range claimed {
		ns, _ := d.Notices(ctx, c.Email)
		if c.ID == refused {
			if errs[i] == nil || ns[0].State != notify.Sending {
				t.Errorf("the refused record: %v, %s; want its error, and the notice still sending", errs[i], ns[0].State)
			}
			continue
		}
		if errs[i] != nil || ns[0].State != notify.Sent {
			t.Errorf("%s: %v, %s; want it recorded sent", c.Email, errs[i], ns[0].State)
		}
	}
}

// importPeople imports n people with an address each.
func importPeople(t *testing.T, d *DB, n int) {
	t.Helper()
	var recs []notify.Record
	for i := range n {
		recs = append(recs, notify.Record{Number: i + 1, Family: "山田", Emails: []string{fmt.Sprintf("u%d@x.example", i)}})
	}
	if _, err := d.Import(context.Background(), notify.ImportReport{File: "a"}, recordsOf(recs...), nil); err != nil {
		t.Fatal(err)
	}
}

// claimAll queues a deletion notice to each of the n people and claims
// them all, as a sender does.
func claimAll(t *testing.T, d *DB, n int) []notify.Delivery {
	t.Helper()
	ctx := context.Background()
	m := 0
	if _, err := d.Queue(ctx, notify.Deletion, "ja", func() string { m++; return fmt.Sprint(m, "@m") }); err != nil {
		t.Fatal(err)
	}
	claimed, err := d.Claim(ctx, n)
	if err != nil || len(claimed) != n {
		t.Fatalf("claimed %d of %d: %v", len(claimed), n, err)
	}
	return claimed
}
