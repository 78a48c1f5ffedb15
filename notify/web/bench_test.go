package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/store"
)

// The generated database: a million contacts with one address each, a
// deletion request and an apology each, and the first calls.
const (
	benchContacts = 1_000_000
	// benchCaller owns the 90,000 contacts numbered 10,000 to 99,999.
	benchCaller = "sales11@sakura-print.example.jp"
)

// benchCalls is how many calls the generated database holds: 20,000, or
// OWABI_BENCH_CALLS, to see what a late stage of the response costs.
func benchCalls() int {
	if n, err := strconv.Atoi(os.Getenv("OWABI_BENCH_CALLS")); err == nil && n >= 0 {
		return n
	}
	return 20_000
}

var benchDB struct {
	once sync.Once
	path string
	err  error
}

// bigDB builds the generated database once per test binary.
func bigDB(b *testing.B) string {
	benchDB.once.Do(func() {
		dir, err := os.MkdirTemp("", "owabi-web-bench")
		if err != nil {
			benchDB.err = err
			return
		}
		benchDB.path = filepath.Join(dir, "big.db")
		ctx := context.Background()
		db, err := store.Open(ctx, benchDB.path)
		if err != nil {
			benchDB.err = err
			return
		}
		defer db.Close()
		categories := []notify.Category{notify.Customer, notify.Customer, notify.Supplier, notify.Employee}
		i := 0
		next := func() (notify.Record, *notify.EntryNote, error) {
			if i == benchContacts {
				return notify.Record{}, nil, io.EOF
			}
			i++
			return notify.Record{Number: i, Family: fmt.Sprint("山田", i), FamilyKana: "やまだ",
				Phones: []string{"03-0000-0000"}, Emails: []string{fmt.Sprintf("u%d@example.jp", i)}}, nil, nil
		}
		decide := func(r notify.Record) notify.Decision {
			return notify.Decision{Category: categories[len(r.Family)%4], Rule: notify.RuleLabel,
				OwnerEmail: fmt.Sprintf("sales%d@sakura-print.example.jp", len(r.Family)%50)}
		}
		if _, benchDB.err = db.Import(ctx, notify.ImportReport{File: "big.csv"}, next, decide); benchDB.err != nil {
			return
		}
		n := 0
		id := func() string { n++; return fmt.Sprintf("<%d@bench>", n) }
		for _, k := range notify.NoticeKinds {
			if _, benchDB.err = db.Queue(ctx, k, "ja", id); benchDB.err != nil {
				return
			}
		}
		// The first calls of the response, a fifth of them reporting the
		// link opened.
		hash, _ := HashPassword(password)
		u, err := db.AddUser(ctx, notify.User{Name: "caller", Email: benchCaller, Role: notify.Sales}, hash)
		if err != nil {
			benchDB.err = err
			return
		}
		for i := range benchCalls() {
			h := notify.Hearing{Arrived: notify.Yes, Clicked: notify.No}
			if i%5 == 0 {
				h.Clicked = notify.Yes
			}
			if _, benchDB.err = db.AddCall(ctx, u.ID, notify.Call{ContactID: int64(1 + i*37%benchContacts),
				Outcome: notify.Reached, Hearing: h}); benchDB.err != nil {
				return
			}
		}
	})
	if benchDB.err != nil {
		b.Fatal(benchDB.err)
	}
	return benchDB.path
}

// BenchmarkDashboard renders the manager's dashboard over a million
// contacts and two million notices.
//
//	go test -run '^$' -bench . -benchtime 20x ./notify/web
func BenchmarkDashboard(b *testing.B) { benchPage(b, "/dashboard", "by-category") }

// BenchmarkContactList renders the first page of the full contact list.
func BenchmarkContactList(b *testing.B) { benchPage(b, "/contacts", "contact-list") }

// BenchmarkContactListByName renders the first page in reading order.
func BenchmarkContactListByName(b *testing.B) { benchPage(b, "/contacts?order=name", "contact-list") }

// BenchmarkContactListAtRisk lists the contacts at risk.
func BenchmarkContactListAtRisk(b *testing.B) {
	benchPage(b, "/contacts?state=at_risk", "contact-list")
}

// BenchmarkContactListPage1000 renders a deep page.
func BenchmarkContactListPage1000(b *testing.B) { benchPage(b, "/contacts?page=1000", "contact-list") }

// BenchmarkMyContacts renders the first page of a salesperson's own list,
// most urgent first, over their 90,000 contacts.
func BenchmarkMyContacts(b *testing.B) { benchPageAs(b, "caller", "/contacts/mine", "my-contacts") }

// BenchmarkContactSearch searches the whole list for a name.
func BenchmarkContactSearch(b *testing.B) {
	benchPage(b, "/contacts?q="+url.QueryEscape("山田999999"), "contact-list")
}

// benchPage signs a manager in and fetches path, which must show want.
func benchPage(b *testing.B, path, want string) { benchPageAs(b, "kanri", path, want) }

// benchPageAs signs a user in and fetches path, which must show want.
func benchPageAs(b *testing.B, user, path, want string) {
	a := benchApp(b)
	c := a.client(b)
	a.signIn(b, c, user, password)
	b.ResetTimer()
	for range b.N {
		if code, _, body := get(b, c, a.URL+path); code != http.StatusOK || !strings.Contains(body, want) {
			b.Fatalf("%s: %d", path, code)
		}
	}
}

// BenchmarkIncidentReport writes the incident report, every count taken
// from the million contacts and two million notices as of now.
func BenchmarkIncidentReport(b *testing.B) { benchReport(b, time.Time{}) }

// BenchmarkIncidentReportAsOf writes it as of a minute ago: every case of
// the million decided again as it stood then.
func BenchmarkIncidentReportAsOf(b *testing.B) { benchReport(b, time.Now().Add(-time.Minute)) }

// benchReport writes the incident report from the million, as of asOf
// (zero: now).
func benchReport(b *testing.B, asOf time.Time) {
	a := benchApp(b)
	if _, err := a.db.SeedIncident(context.Background(), notify.Incident{DiscoveredAt: time.Now().Add(-24 * time.Hour)}); err != nil {
		b.Fatal(err)
	}
	c := a.client(b)
	a.signIn(b, c, "kanri", password)
	_, _, page := get(b, c, a.URL+"/incident")
	form := url.Values{"csrf": {csrfField.FindStringSubmatch(page)[1]}}
	if !asOf.IsZero() {
		form.Set("as_of", asOf.In(a.web.Zone).Format(inputTimeLayout))
	}
	b.ResetTimer()
	for range b.N {
		if code, _, body := post(b, c, a.URL+"/reports/incident", form); code != http.StatusOK || !strings.Contains(body, "1,000,000名") {
			b.Fatalf("the report: %d", code)
		}
	}
}

// BenchmarkShellCeiling runs, in the sqlite3 shell on the same database,
// the bare queries behind the slowest pages: what SQLite alone costs,
// process start included, beside what the page costs.
func BenchmarkShellCeiling(b *testing.B) {
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("the sqlite3 shell is not installed (apt-get install sqlite3)")
	}
	path := bigDB(b)
	for _, q := range []struct{ name, sql string }{
		{"search", `SELECT contact_id FROM contact_search WHERE instr(text, '山田999999') > 0 ORDER BY contact_id LIMIT 51;`},
		{"by-name", `SELECT id FROM contacts ORDER BY family_kana, given_kana, family, given, id LIMIT 51;`},
		// The counts store.Facts takes beyond the dashboard's tallies.
		{"report-counts", `SELECT category, what, n FROM tally;
			SELECT count(*) FROM contacts WHERE do_not_contact;
			SELECT kind, count(DISTINCT contact_id) FROM notices WHERE sent_at IS NOT NULL GROUP BY kind;`},
		{"nothing", `SELECT 1;`},
	} {
		b.Run(q.name, func(b *testing.B) {
			for range b.N {
				if out, err := exec.Command(shell, "-readonly", path, q.sql).CombinedOutput(); err != nil {
					b.Fatalf("sqlite3: %v\n%s", err, out)
				}
			}
		})
	}
}

// BenchmarkLogCall logs a call with its hearing, as the form sends it.
func BenchmarkLogCall(b *testing.B) {
	a := benchApp(b)
	c := a.client(b)
	a.signIn(b, c, "kanri", password)
	_, _, body := get(b, c, a.URL+"/contacts/500000")
	token := csrfField.FindStringSubmatch(body)[1]
	form := url.Values{"csrf": {token}, "outcome": {"reached"}, "arrived": {"yes"}, "opened": {"no"},
		"clicked": {"no"}, "infected": {"no"}, "deleted": {"yes"}, "note": {"削除済みとのこと"}}
	b.ResetTimer()
	for i := range b.N {
		if code, _, _ := post(b, c, fmt.Sprintf("%s/contacts/%d/calls", a.URL, 1+i*997%benchContacts), form); code != http.StatusSeeOther {
			b.Fatalf("log a call: %d", code)
		}
	}
}

func benchApp(b *testing.B) *app {
	db, err := store.Open(context.Background(), bigDB(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return startApp(b, db)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDB.path != "" {
		os.RemoveAll(filepath.Dir(benchDB.path))
	}
	os.Exit(code)
}
