package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/owabi/owabi/notify"
)

// BenchmarkMarkSent records notices sent one at a time, as the sender
// does after each message the server accepts: the store's part of every
// notice sent, and the hot path of the mailer's BenchmarkSend.
//
//	go test -run '^$' -bench MarkSent -count 5 ./store
func BenchmarkMarkSent(b *testing.B) {
	ctx := context.Background()
	d, err := Open(ctx, b.TempDir()+"/owabi.db")
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	var recs []notify.Record
	for i := range b.N {
		recs = append(recs, notify.Record{Number: i + 1, Family: "山田", Emails: []string{fmt.Sprintf("u%d@x.example", i)}})
	}
	if _, err := d.Import(ctx, notify.ImportReport{File: "a"}, recordsOf(recs...), nil); err != nil {
		b.Fatal(err)
	}
	n := 0
	if _, err := d.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint(n, "@m") }); err != nil {
		b.Fatal(err)
	}
	claimed, err := d.Claim(ctx, b.N)
	if err != nil || len(claimed) != b.N {
		b.Fatalf("claimed %d of %d: %v", len(claimed), b.N, err)
	}
	b.ResetTimer()
	for _, c := range claimed {
		if err := d.MarkSent(ctx, c.ID); err != nil {
			b.Fatal(err)
		}
	}
}
