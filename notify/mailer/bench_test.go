package mailer_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/notify/mailer/smtptest"
)

const benchNotices = 10_000

// BenchmarkSend10k sends 10,000 notices to the loopback SMTP server through
// the outbox, and beside it the same notices by a bare go-mail loop over the
// same number of connections with no outbox: the ceiling the outbox's
// bookkeeping (claim, record each result) is measured against.
//
//	go test -run '^$' -bench Send10k -benchtime 3x ./notify/mailer
func BenchmarkSend10k(b *testing.B) {
	ctx := context.Background()
	for _, conns := range []int{1, 4} {
		b.Run(fmt.Sprintf("outbox/conns=%d", conns), func(b *testing.B) {
			srv := smtptest.New(b)
			srv.Discard()
			for range b.N {
				b.StopTimer()
				db := outboxFixture(b, benchNotices)
				w := newWorker(b, db, srv, conns)
				runtime.GC() // the fixture's garbage is not the outbox's cost
				b.StartTimer()
				if err := w.Drain(ctx); err != nil {
					b.Fatal(err)
				}
				if sent, _, _ := w.Counts(); sent != benchNotices {
					b.Fatalf("sent %d of %d", sent, benchNotices)
				}
			}
			b.ReportMetric(float64(benchNotices*b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
		b.Run(fmt.Sprintf("bare-go-mail/conns=%d", conns), func(b *testing.B) {
			srv := smtptest.New(b)
			srv.Discard()
			comp := newComposer(b)
			deliveries := make([]notify.Delivery, benchNotices)
			for i := range deliveries {
				d := delivery(notify.Customer, "ja")
				d.ID, d.Email, d.MessageID = int64(i+1), fmt.Sprintf("user%d@yamada.example", i+1), fmt.Sprintf("owabi.%d@sakura-print.example.jp", i+1)
				deliveries[i] = d
			}
			for range b.N {
				b.StopTimer()
				runtime.GC()
				b.StartTimer()
				bareSend(b, srv, comp, deliveries, conns)
			}
			b.ReportMetric(float64(benchNotices*b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// bareSend is go-mail alone: each connection composes and sends its share.
func bareSend(b *testing.B, srv *smtptest.Server, comp *mailer.Composer, ds []notify.Delivery, conns int) {
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client, err := mailer.NewClient(mailer.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Timeout: 5 * time.Second})
			if err != nil {
				b.Error(err)
				return
			}
			if err := client.DialWithContext(context.Background()); err != nil {
				b.Error(err)
				return
			}
			defer client.Close()
			for i := c; i < len(ds); i += conns {
				m, err := comp.Compose(ds[i], time.Now())
				if err != nil {
					b.Error(err)
					return
				}
				if err := client.Send(m); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
