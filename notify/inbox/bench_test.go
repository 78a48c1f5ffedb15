package inbox_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/inbox/imaptest"
)

// BenchmarkReplies10k reads 10,000 replies, one to each notice sent, from a
// real IMAP server on loopback and records each acknowledgement, beside
// the bare fetch of the same mails with go-imap's client (the ceiling:
// no reading, no matching, no writing).
//
//	go test -run '^$' -bench Replies10k -benchtime 1x -count 3 ./notify/inbox
func BenchmarkReplies10k(b *testing.B) {
	const n = 10_000
	srv := imaptest.New(b)
	for i := 1; i <= n; i++ {
		srv.Deliver(b, mailTo(fmt.Sprintf("reply%d@x.example", i), fmt.Sprintf("owabi.%d@sakura-print.example.jp", i),
			"Re: 不審なメールの削除のお願い", "削除しました。ご連絡ありがとうございます。\r\n\r\n> 引用された本文\r\n"))
	}
	b.Run("owabi", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			db := sentNotices(b, n)
			b.StartTimer()
			counts, err := poller(srv, db).Poll(context.Background())
			if err != nil || counts[notify.AckedByReply] != n {
				b.Fatalf("%v, %v", counts, err)
			}
		}
	})
	b.Run("bare-imap-fetch", func(b *testing.B) {
		for range b.N {
			c, err := imapclient.DialInsecure(fmt.Sprintf("%s:%d", srv.Host, srv.Port), nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := c.Login(srv.Username, srv.Password).Wait(); err != nil {
				b.Fatal(err)
			}
			if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
				b.Fatal(err)
			}
			body := &imap.FetchItemBodySection{Peek: true}
			for start := imap.UID(1); start <= n; start += 200 {
				msgs, err := c.Fetch(imap.UIDSet{{Start: start, Stop: start + 199}}, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{body}}).Collect()
				if err != nil || len(msgs) == 0 {
					b.Fatal(err)
				}
			}
			c.Close()
		}
	})
}
