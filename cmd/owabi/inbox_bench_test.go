package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify/inbox/imaptest"
)

// BenchmarkInboxOfLargeMails is issue 14's measure of the reply mailbox:
// the peak memory (maximum resident set size) of "owabi inbox" reading
// 50 replies of 20 MB each (a large attachment, then the text), beside
// the same process reading 50 small replies, the floor. OWABI_BEFORE
// names another owabi binary to measure the same way, side by side.
//
//	go test -run '^$' -bench InboxOfLargeMails -benchtime 1x -count 3 ./cmd/owabi
func BenchmarkInboxOfLargeMails(b *testing.B) {
	const n = 50
	binaries := map[string]string{"owabi": owabiBinary(b)}
	if before := os.Getenv("OWABI_BEFORE"); before != "" {
		binaries["before"] = before
	}
	for _, size := range []int{20 << 20, 0} {
		mailbox := imaptest.New(b)
		filler := strings.Repeat(strings.Repeat("A", 76)+"\r\n", size/78)
		for i := range n {
			mailbox.Deliver(b, []byte(fmt.Sprintf("From: p%d@x.example\r\nTo: soudan@sakura-print.example.jp\r\nSubject: 写真を送ります\r\n"+
				"Message-ID: <big%d@x.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"+
				"--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n%s"+
				"--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n削除しました。\r\n--b--\r\n", i, i, filler)))
		}
		for name, binary := range binaries {
			b.Run(fmt.Sprintf("%s/%dMB", name, size>>20), func(b *testing.B) {
				var peak int64
				for range b.N {
					b.StopTimer()
					dir := b.TempDir()
					cfg := benchConfig(b, dir)
					readFrom(b, cfg, mailbox, `tls = "none"`)
					// Each binary its own database, in the schema it knows.
					if out, err := exec.Command(binary, "--config", cfg, "import", sampleBook).CombinedOutput(); err != nil {
						b.Fatalf("import: %v\n%s", err, out)
					}
					cmd := exec.Command(binary, "--config", cfg, "inbox")
					cmd.Env = append(os.Environ(), "OWABI_IMAP_PASSWORD="+mailbox.Password)
					b.StartTimer()
					out, used, err := peakMemory(cmd)
					b.StopTimer()
					if err != nil || !strings.Contains(out, fmt.Sprintf("Read %d new mails", n)) {
						b.Fatalf("inbox: %v\n%s", err, out)
					}
					peak = max(peak, used)
					os.RemoveAll(filepath.Join(dir, "owabi.db"))
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			})
		}
	}
}
