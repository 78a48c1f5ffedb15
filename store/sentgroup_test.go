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
	var recs []notify.Record
	for i := range n {
		recs = append(recs, notify.Record{Number: i + 1, Family: "山田", Emails: []string{fmt.Sprintf("u%d@x.example", i)}})
	}
	if _, err := d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(recs...), nil); err != nil {
		t.Fatal(err)
	}
	u, err := d.AddUser(ctx, notify.User{Name: "eigyo", Role: notify.Sales}, []byte("h"))
	if err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= n; id += 7 {
		if _, err := d.AddCall(ctx, u.ID, notify.Call{ContactID: id, At: d.Now().Add(-time.Minute), Outcome: notify.NoAnswer}); err != nil {
			t.Fatal(err)
		}
	}
	m := 0
	if _, err := d.Queue(ctx, notify.Deletion, "ja", func() string { m++; return fmt.Sprint(m, "@m") }); err != nil {
		t.Fatal(err)
	}
	claimed, err := d.Claim(ctx, n)
	if err != nil || len(claimed) != n {
		t.Fatalf("claimed %d of %d: %v", len(claimed), n, err)
	}
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
