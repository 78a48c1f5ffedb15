package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

// resendBenchDB writes a database of a million contacts, one address and
// one deletion notice each, all sent: 100,000 of them three days ago and
// not acknowledged, the rest an hour ago. It is made with SQL, not by an
// import, so that it takes seconds.
func resendBenchDB(b *testing.B, path string, now time.Time) {
	b.Helper()
	d, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	old, recent := formatTime(now.Add(-72*time.Hour)), formatTime(now.Add(-time.Hour))
	if _, err := d.wdb.Exec(`
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
		INSERT INTO contacts (id, family, category, rule, owner_email) SELECT i, '山田' || i, 'customer', 'label', 'sales' || (i % 50) || '@x.example' FROM n;
		INSERT INTO addresses (id, contact_id, email) SELECT id, id, 'u' || id || '@example.jp' FROM contacts;
		INSERT INTO notices (id, contact_id, address_id, kind, lang, state, message_id, next_try, queued_at, sent_at)
			SELECT id, id, id, 'deletion', 'ja', 'sent', 'm' || id || '@x', ?1, ?1, CASE WHEN id % 10 = 0 THEN ?1 ELSE ?2 END FROM contacts;`,
		old, recent); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkResend100kOf1M runs the resend job over a million contacts of
// whom 100,000 are due, beside the sqlite3 shell queueing the same rows
// with one INSERT … SELECT of the same conditions (the ceiling).
//
//	go test -run '^$' -bench Resend100k -benchtime 1x -count 3 ./store
func BenchmarkResend100kOf1M(b *testing.B) {
	now := time.Now()
	dir := b.TempDir()
	master := filepath.Join(dir, "master.db")
	resendBenchDB(b, master, now)
	policy := notify.ResendPolicy{Kinds: []notify.NoticeKind{notify.Deletion}, After: 48 * time.Hour, MaxSends: 3}
	fresh := func(b *testing.B) string {
		b.StopTimer()
		defer b.StartTimer()
		path := filepath.Join(dir, "run.db")
		copyFile(b, master, path)
		return path
	}
	b.Run("owabi", func(b *testing.B) {
		for range b.N {
			path := fresh(b)
			d, err := Open(context.Background(), path)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			queued, _, err := d.Resend(context.Background(), policy, now, now, func() string { n++; return fmt.Sprint("r", n, "@x") })
			d.Close()
			if err != nil || queued != 100_000 {
				b.Fatalf("%d queued, %v", queued, err)
			}
		}
	})
	b.Run("sqlite3-shell", func(b *testing.B) {
		shell, err := exec.LookPath("sqlite3")
		if err != nil {
			b.Skip("the sqlite3 shell is not installed (apt-get install sqlite3)")
		}
		for range b.N {
			path := fresh(b)
			q := fmt.Sprintf(`INSERT INTO notices (contact_id, address_id, kind, lang, message_id, next_try, queued_at, round, resend_of)
				SELECT n.contact_id, n.address_id, n.kind, n.lang, 'r' || n.id || '@x', '%[1]s', '%[1]s', n.round + 1, n.id
				FROM notices n JOIN contacts c ON c.id = n.contact_id
				WHERE n.state = 'sent' AND n.kind = 'deletion' AND n.sent_at <= '%[2]s' AND NOT c.do_not_contact
				AND NOT EXISTS (SELECT 1 FROM acks k WHERE k.contact_id = n.contact_id AND NOT k.auto)
				AND NOT EXISTS (SELECT 1 FROM call_tasks t WHERE t.contact_id = n.contact_id)
				AND NOT EXISTS (SELECT 1 FROM notices m WHERE m.address_id = n.address_id
					AND (m.state IN ('queued', 'sending', 'failed') OR (m.kind = n.kind AND m.round > n.round)));`,
				formatTime(now), formatTime(now.Add(-policy.After)))
			if out, err := exec.Command(shell, path, q).CombinedOutput(); err != nil {
				b.Fatalf("sqlite3: %v\n%s", err, out)
			}
		}
	})
}

func copyFile(b *testing.B, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}
