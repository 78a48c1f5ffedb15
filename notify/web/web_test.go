package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/crypto/bcrypt"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/respond"
	"github.com/owabi/owabi/notify/wording"
	"github.com/owabi/owabi/store"
	"github.com/owabi/owabi/templates"
)

// app is the web app on a real database, served on loopback.
type app struct {
	*httptest.Server
	db  *store.DB
	web *Server
	// ahead moves the app's clock (not the database's) forward.
	ahead atomic.Int64
}

const password = "correct horse battery"

func init() {
	// Cheap hashes: the tests sign in many times under the race detector.
	bcryptCost = bcrypt.MinCost
	dummyHash, _ = bcrypt.GenerateFromPassword([]byte("owabi: no such user"), bcryptCost)
}

func newApp(t *testing.T) *app {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return startApp(t, db)
}

// startApp serves the app on db, with a manager (kanri) and a salesperson
// (suzuki) who may sign in with password.
func startApp(tb testing.TB, db *store.DB) *app {
	tb.Helper()
	a := &app{db: db}
	w, err := New(Config{Store: db, Templates: templates.FS, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return time.Now().Add(time.Duration(a.ahead.Load())) }})
	if err != nil {
		tb.Fatal(err)
	}
	a.Server, a.web = httptest.NewServer(w), w
	tb.Cleanup(a.Server.Close)
	hash, err := HashPassword(password)
	if err != nil {
		tb.Fatal(err)
	}
	for _, u := range []notify.User{
		{Name: "kanri", Role: notify.Manager},
		{Name: "suzuki", Email: "suzuki@sakura-print.example.jp", Role: notify.Sales},
	} {
		if _, err := db.AddUser(context.Background(), u, hash); err != nil && notify.ErrorCode(err) != notify.ECONFLICT {
			tb.Fatal(err)
		}
	}
	return a
}

// client is a browser: it keeps cookies and does not follow redirects, so
// that tests see them.
func (a *app) client(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var (
	csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	onceField = regexp.MustCompile(`name="once" value="([^"]+)"`)
)

// get fetches a page and returns its status, Location and body.
func get(t testing.TB, c *http.Client, u string) (int, string, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), cells(string(b))
}

// cellLabels are what a table cell carries for a phone, which shows each
// row as a card (the name of its column, the layout of a long text): the
// tests of a page's numbers read its cells without them.
var cellLabels = regexp.MustCompile(`<td( data-label="[^"]*")?( class="(text|title)")?>`)

func cells(page string) string { return cellLabels.ReplaceAllString(page, "<td>") }

func post(t testing.TB, c *http.Client, u string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), cells(string(b))
}

// signIn fills in the sign-in form as a person would and returns the
// status of the submission and the CSRF token of the page it leads to.
func (a *app) signIn(t testing.TB, c *http.Client, name, pw string) int {
	t.Helper()
	_, _, body := get(t, c, a.URL+"/login")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the sign-in form has no CSRF field:\n%s", body)
	}
	code, _, _ := post(t, c, a.URL+"/login", url.Values{"csrf": {m[1]}, "name": {name}, "password": {pw}})
	return code
}

func TestEveryRouteNeedsSignIn(t *testing.T) {
	a := newApp(t)
	c := a.client(t)
	walked := 0
	for _, r := range a.web.routes {
		if r.public {
			continue
		}
		walked++
		path := strings.TrimSuffix(r.path, "{$}")
		req, _ := http.NewRequest(r.method, a.URL+path, strings.NewReader("csrf=x"))
		if r.method == http.MethodPost && path != "/import" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch {
		case r.method == http.MethodGet && (resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login"):
			t.Errorf("GET %s without a session: %d to %q; want 303 to /login", path, resp.StatusCode, resp.Header.Get("Location"))
		case r.method != http.MethodGet && resp.StatusCode != http.StatusUnauthorized:
			t.Errorf("%s %s without a session: %d; want 401", r.method, path, resp.StatusCode)
		}
	}
	if walked < 4 {
		t.Errorf("walked %d routes; the list of routes is not being kept", walked)
	}
}

func TestManagerSignsInAndSeesTheDashboard(t *testing.T) {
	a := newApp(t)
	decide := func(r notify.Record) notify.Decision {
		if strings.HasSuffix(r.Emails[0], "sakura-print.example.jp") {
			return notify.Decision{Category: notify.Employee, Rule: notify.RuleOwnDomain}
		}
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel}
	}
	a.importBook(t, decide,
		notify.Record{Family: "山田", Emails: []string{"taro@kikyo.example"}},
		notify.Record{Family: "佐藤", Emails: []string{"hanako@asagiri.example", "h@free.example"}},
		notify.Record{Family: "鈴木", Emails: []string{"suzuki@sakura-print.example.jp"}})
	c := a.client(t)
	if code := a.signIn(t, c, "kanri", password); code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", code)
	}
	u, _ := url.Parse(a.URL)
	var session *http.Cookie
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	if _, loc, _ := get(t, c, a.URL+"/"); loc != "/dashboard" {
		t.Errorf("a manager lands on %q, want /dashboard", loc)
	}
	code, _, body := get(t, c, a.URL+"/dashboard")
	if code != http.StatusOK {
		t.Fatalf("dashboard: %d\n%s", code, body)
	}
	for _, want := range []string{
		`<tr data-category="customer"><th>顧客</th><td>2</td><td>3</td>`,
		`<tr data-category="employee"><th>社員</th><td>1</td><td>1</td>`,
		"ログイン中: kanri",
		"担当者が決まっていない連絡先が 3 件あります",
		"削除のお願いをまだ送っていないアドレスが 4 件あります",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the dashboard lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Errorf("the page refers to another host:\n%s", body)
	}
	if _, _, list := get(t, c, a.URL+"/contacts?owner=-"); strings.Count(list, `<tr class="urgency-`) != 3 {
		t.Errorf("the contacts with no owner: want all 3:\n%s", list)
	}
}

func TestSessionCookieIsHttpOnlyAndLax(t *testing.T) {
	a := newApp(t)
	c := a.client(t)
	_, _, body := get(t, c, a.URL+"/login")
	m := csrfField.FindStringSubmatch(body)
	resp, err := c.PostForm(a.URL+"/login", url.Values{"csrf": {m[1]}, "name": {"kanri"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var set string
	for _, v := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, sessionCookie+"=") {
			set = v
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("session cookie %q lacks %s", set, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
}

func TestWrongPasswordsAreLimited(t *testing.T) {
	a := newApp(t)
	c := a.client(t)
	for i := range 5 {
		if code := a.signIn(t, c, "kanri", "wrong password"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i+1, code)
		}
	}
	if code := a.signIn(t, c, "kanri", password); code != http.StatusTooManyRequests {
		t.Errorf("after 5 failures, the right password: %d; want 429 until the window passes", code)
	}
	if code := a.signIn(t, c, "nobody", password); code != http.StatusUnauthorized {
		t.Errorf("an unknown name: %d, want 401", code)
	}
}

func TestFormsNeedTheirCSRFToken(t *testing.T) {
	a := newApp(t)
	c := a.client(t)
	// The sign-in form without the token its cookie holds.
	if code, _, _ := post(t, c, a.URL+"/login", url.Values{"name": {"kanri"}, "password": {password}}); code != http.StatusForbidden {
		t.Errorf("sign-in without a token: %d, want 403", code)
	}
	a.signIn(t, c, "kanri", password)
	if code, _, _ := post(t, c, a.URL+"/logout", url.Values{"csrf": {"forged"}}); code != http.StatusForbidden {
		t.Errorf("sign-out with a forged token: %d, want 403", code)
	}
	_, _, body := get(t, c, a.URL+"/dashboard")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no sign-out form with a token")
	}
	if code, loc, _ := post(t, c, a.URL+"/logout", url.Values{"csrf": {m[1]}}); code != http.StatusSeeOther || loc != "/login" {
		t.Errorf("sign-out: %d to %q", code, loc)
	}
	if _, loc, _ := get(t, c, a.URL+"/dashboard"); loc != "/login" {
		t.Errorf("after sign-out the dashboard redirects to %q, want /login", loc)
	}
}

func TestSalesSeeTheirOwnContactsOnly(t *testing.T) {
	a := newApp(t)
	decide := func(r notify.Record) notify.Decision {
		d := notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel}
		if r.Family == "山田" {
			d.OwnerEmail = "Suzuki@sakura-print.example.jp" // case differs from the account's
		}
		return d
	}
	a.importBook(t, decide,
		notify.Record{Family: "山田", Given: "太郎", Company: "ききょう食品", Phones: []string{"03-0000-1111"}, Emails: []string{"taro@kikyo.example"}},
		notify.Record{Family: "佐藤", Emails: []string{"hanako@asagiri.example"}})
	c := a.client(t)
	a.signIn(t, c, "suzuki", password)
	if _, loc, _ := get(t, c, a.URL+"/"); loc != "/contacts/mine" {
		t.Errorf("sales staff land on %q, want /contacts/mine", loc)
	}
	if code, _, _ := get(t, c, a.URL+"/dashboard"); code != http.StatusForbidden {
		t.Errorf("sales staff on the dashboard: %d, want 403", code)
	}
	_, _, body := get(t, c, a.URL+"/contacts/mine")
	if !strings.Contains(body, "山田 太郎") || !strings.Contains(body, `href="tel:0300001111"`) || strings.Contains(body, "佐藤") {
		t.Errorf("my contacts: want 山田 with a tel: link and not 佐藤:\n%s", body)
	}
}

func TestDisabledUserIsSignedOut(t *testing.T) {
	a := newApp(t)
	c := a.client(t)
	a.signIn(t, c, "suzuki", password)
	if err := a.db.DisableUser(context.Background(), "suzuki"); err != nil {
		t.Fatal(err)
	}
	if _, loc, _ := get(t, c, a.URL+"/contacts/mine"); loc != "/login" {
		t.Errorf("a disabled user's page redirects to %q, want /login", loc)
	}
	if code := a.signIn(t, c, "suzuki", password); code != http.StatusUnauthorized {
		t.Errorf("a disabled user signs in: %d, want 401", code)
	}
}

func TestEnglishForBrowsersThatPreferIt(t *testing.T) {
	a := newApp(t)
	req, _ := http.NewRequest("GET", a.URL+"/login", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9,ja;q=0.5")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "<h1>Sign in</h1>") || !strings.Contains(string(b), `lang="en"`) {
		t.Errorf("English sign-in page:\n%s", b)
	}
}

// pageOf is the address of the page of the contact who has email, and the
// contact's id.
func (a *app) pageOf(t *testing.T, email string) (string, int64) {
	t.Helper()
	c, _, err := a.db.ContactByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s/contacts/%d", a.URL, c.ID), c.ID
}

// importBook stores records as an import would, deciding each with decide.
func (a *app) importBook(t *testing.T, decide func(notify.Record) notify.Decision, recs ...notify.Record) {
	t.Helper()
	i := 0
	next := func() (notify.Record, *notify.EntryNote, error) {
		if i == len(recs) {
			return notify.Record{}, nil, io.EOF
		}
		i++
		return recs[i-1], nil, nil
	}
	if _, err := a.db.Import(context.Background(), notify.ImportReport{File: "book.csv"}, next, decide); err != nil {
		t.Fatal(err)
	}
}

// ownedBySuzuki gives 山田 and 佐藤 to suzuki and 伊藤 to someone else.
func ownedBySuzuki(r notify.Record) notify.Decision {
	d := notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, Detail: notify.Written("label 顧客")}
	if r.Family != "伊藤" {
		d.OwnerEmail = "suzuki@sakura-print.example.jp"
	}
	return d
}

func TestSalesLogACallAndTheManagerSeesIt(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki,
		notify.Record{Family: "佐藤", Given: "花子", FamilyKana: "さとう", Emails: []string{"hanako@asagiri.example"}},
		notify.Record{Family: "山田", Given: "太郎", FamilyKana: "やまだ", Phones: []string{"03-0000-1111"}, Emails: []string{"taro@kikyo.example"}},
		notify.Record{Family: "伊藤", Emails: []string{"ito@elsewhere.example"}})
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	page, id := a.pageOf(t, "taro@kikyo.example")
	code, _, body := get(t, sales, page)
	if code != http.StatusOK || !strings.Contains(body, `id="call-form"`) {
		t.Fatalf("contact page: %d\n%s", code, body)
	}
	token := csrfField.FindStringSubmatch(body)[1]
	form := url.Values{"csrf": {token}, "once": {onceField.FindStringSubmatch(body)[1]}, "outcome": {"reached"},
		"arrived": {"yes"}, "opened": {"yes"}, "clicked": {"yes"}, "infected": {""}, "deleted": {"no"},
		"follow_up": {"virus_check"}, "follow_up_on": {"2026-11-28"}, "note": {"PCを確認してもらう"}}
	code, loc, _ := post(t, sales, page+"/calls", form)
	if code != http.StatusSeeOther || loc != fmt.Sprintf("/contacts/mine?logged=%d", id) { // back to the list, for the next call
		t.Fatalf("logging a call: %d to %q", code, loc)
	}
	callBack := url.Values{"csrf": {token}, "outcome": {"call_back"}, "call_back_at": {"2020-01-01T10:00"}}
	if code, _, back := post(t, sales, page+"/calls", callBack); code != http.StatusBadRequest || !strings.Contains(back, "かけ直す日時が過ぎています") {
		t.Errorf("a call-back time gone by: %d", code)
	}
	// Save pressed again, or the form resent by the browser: still one call.
	if code, again, _ := post(t, sales, page+"/calls", form); code != http.StatusSeeOther || again != loc {
		t.Errorf("the same form again: %d to %q", code, again)
	}
	if calls, _ := a.db.Calls(context.Background(), id); len(calls) != 1 {
		t.Errorf("%d calls stored from one form sent twice, want 1", len(calls))
	}
	// Back, the note changed, and Save: that is a call of its own.
	form.Set("note", "PCを確認してもらう（明日10時）")
	post(t, sales, page+"/calls", form)
	if calls, _ := a.db.Calls(context.Background(), id); len(calls) != 2 || calls[0].Note != "PCを確認してもらう（明日10時）" {
		t.Errorf("after the form was changed and sent again: %+v, want a second call", calls)
	}
	if _, _, back := get(t, sales, a.URL+loc); !strings.Contains(back, "山田 太郎 さんとの通話を記録しました") {
		t.Errorf("no confirmation after saving:\n%s", back)
	}
	_, _, list := get(t, sales, a.URL+"/contacts/mine")
	if !strings.Contains(list, "担当 2 件のうち、1 件の方と話せました") {
		t.Errorf("the list does not say how far suzuki has got:\n%s", list)
	}
	// The contact who clicked the link now comes first.
	if i, j := strings.Index(list, "山田 太郎"), strings.Index(list, "佐藤 花子"); i < 0 || j < 0 || i > j {
		t.Errorf("山田 (clicked the link) should come before 佐藤:\n%s", list)
	}
	a.db.AddAck(context.Background(), notify.Ack{ContactID: id, Channel: notify.AckReply, At: time.Now(), Excerpt: "削除いたしました。"})
	_, _, body = get(t, sales, page)
	for _, want := range []string{"電話で確認（通話の記録から）", "メールの返信で確認", "削除いたしました。"} {
		if !strings.Contains(body, want) {
			t.Errorf("the acknowledgements lack %q", want)
		}
	}
	for _, want := range []string{"話せた", "リンク・添付を開いた", "ウイルスチェック · 予定日 2026-11-28", "PCを確認してもらう（明日10時）", "記録者 suzuki"} {
		if !strings.Contains(body, want) {
			t.Errorf("the history lacks %q:\n%s", want, body)
		}
	}
	// The check is done and found nothing; a result needs the day it was done.
	form = url.Values{"csrf": {token}, "once": {onceField.FindStringSubmatch(body)[1]}, "outcome": {"reached"},
		"follow_up": {"virus_check"}, "follow_up_result": {"no_infection"}}
	if code, _, back := post(t, sales, page+"/calls", form); code != http.StatusBadRequest || !strings.Contains(back, "実施日も入れてください") {
		t.Errorf("a result without a date: %d", code)
	}
	form.Set("follow_up_done", "2026-12-28") // a day still to come is refused
	if code, _, back := post(t, sales, page+"/calls", form); code != http.StatusBadRequest || !strings.Contains(back, "実施日が先の日付") {
		t.Errorf("a check done in the future: %d", code)
	}
	today := time.Now().UTC().Format(time.DateOnly) // never after today in Tokyo
	form.Set("follow_up_done", today)
	if code, _, _ := post(t, sales, page+"/calls", form); code != http.StatusSeeOther {
		t.Errorf("the check's result: %d", code)
	}
	if _, _, body = get(t, sales, page); !strings.Contains(body, "ウイルスチェック · 実施日 "+today+" · 感染なし") {
		t.Errorf("the history lacks the check's result:\n%s", body)
	}
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, dash := get(t, manager, a.URL+"/dashboard")
	// customer: 3 contacts, 3 addresses, no notices, 1 acknowledged (by the call), 1 reached, 1 heard,
	// 1 arrived, 1 clicked, 0 infected, 1 remediated
	if want := `<tr data-category="customer"><th>顧客</th><td>3</td><td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td><td>1</td><td>1</td><td>1</td><td>1</td><td>0</td><td>1</td></tr>`; !strings.Contains(dash, want) {
		t.Errorf("the dashboard lacks %s:\n%s", want, dash)
	}
	if want := "まだ電話で話せていない方が 2 人います"; !strings.Contains(dash, want) {
		t.Errorf("the dashboard's next steps lack %q", want)
	}
	// The one who opened the link had their PC checked clean: nobody is at risk.
	if strings.Contains(dash, "感染の恐れがあり") {
		t.Errorf("the dashboard asks to check a PC already checked clean")
	}
	staffRow := regexp.MustCompile(`<tr><th>suzuki@sakura-print.example.jp</th>\s*<td>2</td><td>1</td><td>1</td><td>0</td></tr>`)
	if !staffRow.MatchString(dash) {
		t.Errorf("the dashboard lacks suzuki's row (2 assigned, 1 reached, 1 outstanding):\n%s", dash)
	}
	if !strings.Contains(dash, `<figure class="chart" data-category="customer">`) || !strings.Contains(dash, `class="days"`) {
		t.Errorf("the dashboard lacks its charts:\n%s", dash)
	}
	days, err := a.db.ReachedPerDay(context.Background(), 14, 9*time.Hour)
	if err != nil || len(days) != 14 || days[13].N != 1 {
		t.Errorf("reached per day: %+v, %v; want 1 today", days, err)
	}
	// The manager's spreadsheet has the call in it; sales staff may not download it.
	code, _, sheet := post(t, manager, a.URL+"/contacts.csv", url.Values{"csrf": {csrfField.FindStringSubmatch(dash)[1]}})
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(sheet, "\ufeff"))).ReadAll()
	if code != http.StatusOK || err != nil || len(rows) != 4 {
		t.Fatalf("contacts.csv: %d, %v\n%s", code, err, sheet)
	}
	for _, r := range rows {
		// Last outcome, acknowledged (by the call), reached, arrived, clicked, infected, remediated, not to be contacted,
		// undelivered addresses.
		if r[1] == "山田 太郎" && strings.Join(r[12:], ",") != "話せた,はい,はい,はい,はい,,はい,," {
			t.Errorf("山田's row: %q", r)
		}
	}
	if code, _, _ := post(t, sales, a.URL+"/contacts.csv", url.Values{"csrf": {token}}); code != http.StatusForbidden {
		t.Errorf("sales staff download the list: %d, want 403", code)
	}
	// The same list as an Excel workbook, from the dashboard's other button.
	if !strings.Contains(dash, `formaction="/contacts.xlsx"`) {
		t.Errorf("the dashboard offers no Excel download:\n%s", dash)
	}
	code, _, book := post(t, manager, a.URL+"/contacts.xlsx", url.Values{"csrf": {csrfField.FindStringSubmatch(dash)[1]}})
	f, err := excelize.OpenReader(strings.NewReader(book))
	if code != http.StatusOK || err != nil {
		t.Fatalf("contacts.xlsx: %d, %v", code, err)
	}
	defer f.Close()
	if sheetRows, err := f.GetRows("連絡先"); err != nil || len(sheetRows) != 4 || !slices.ContainsFunc(sheetRows, func(r []string) bool {
		return len(r) > 12 && r[1] == "山田 太郎" && r[12] == "話せた"
	}) {
		t.Errorf("contacts.xlsx rows: %q, %v", sheetRows, err)
	}
	if code, _, _ := post(t, sales, a.URL+"/contacts.xlsx", url.Values{"csrf": {token}}); code != http.StatusForbidden {
		t.Errorf("sales staff download the workbook: %d, want 403", code)
	}
}

// callForm opens a new app where suzuki, signed in, has 山田's page (and
// its call form) open.
func callForm(t *testing.T) (a *app, sales *http.Client, page string, id int64, body string) {
	t.Helper()
	a = newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Emails: []string{"taro@kikyo.example"}})
	sales = a.client(t)
	a.signIn(t, sales, "suzuki", password)
	page, id = a.pageOf(t, "taro@kikyo.example")
	_, _, body = get(t, sales, page)
	return a, sales, page, id, body
}

func TestCallFormKeepsWhatWasTypedOnAnError(t *testing.T) {
	a, sales, page, id, body := callForm(t)
	token := csrfField.FindStringSubmatch(body)[1]
	code, _, body := post(t, sales, page+"/calls", url.Values{"csrf": {token}, "outcome": {"call_back"}, "note": {"夕方なら可"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "かけ直す日時を入れてください") || !strings.Contains(body, "夕方なら可</textarea>") {
		t.Errorf("a call back without a time: %d\n%s", code, body)
	}
	if calls, _ := a.db.Calls(context.Background(), id); len(calls) != 0 {
		t.Errorf("a refused form stored %d calls", len(calls))
	}
}

// Why a notice did not arrive is said on the contact's page in the
// reader's language, with the codes and the server's own words.
func TestTheContactPageSaysWhyANoticeFailed(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Emails: []string{"taro@kikyo.example", "t.yamada@kikyo.example"}})
	n := 0
	a.db.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint("m", n, "@x") })
	claimed, _ := a.db.Claim(ctx, 10)
	if len(claimed) != 2 {
		t.Fatalf("claimed %d", len(claimed))
	}
	a.db.Fail(ctx, claimed[0].ID, notify.ServerReply{Stage: notify.StageData, Code: 552, Status: "5.2.2", Text: "Mailbox full"})
	a.db.Retry(ctx, claimed[1].ID, a.db.Now().Add(time.Hour), notify.ServerReply{Stage: notify.StageRcpt, Code: 451, Status: "4.7.1", Text: "Greylisted"})
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	page, _ := a.pageOf(t, "taro@kikyo.example")
	_, _, body := get(t, sales, page)
	for _, want := range []string{"受信者のメールボックスが一杯です（552 5.2.2）", "相手のサーバーの応答: Mailbox full",
		"再送予定: メールサーバーが一時的に受け取りを断りました（451 4.7.1）"} {
		if !strings.Contains(body, want) {
			t.Errorf("the contact page lacks %q:\n%s", want, body)
		}
	}
	post(t, sales, a.URL+"/language", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "lang": {"en"}, "back": {page}})
	if _, _, body = get(t, sales, page); !strings.Contains(html.UnescapeString(body), "The recipient's mailbox is full (552 5.2.2)") {
		t.Errorf("in English the page lacks the reason:\n%s", body)
	}
}

// A call that cannot be stored because another program holds the
// database past the busy timeout: the form comes back as typed, saying to
// save again, and saved again it is stored once.
func TestACallRefusedWhileTheDatabaseIsBusyKeepsTheForm(t *testing.T) {
	a, sales, page, id, body := callForm(t)
	form := url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "once": {onceField.FindStringSubmatch(body)[1]},
		"outcome": {"no_answer"}, "note": {"留守電なし"}}
	other, err := sql.Open("sqlite3", a.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	code, _, body := post(t, sales, page+"/calls", form)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "混み合っています。数秒後にもう一度保存してください") ||
		!strings.Contains(body, "留守電なし</textarea>") || strings.Contains(body, "内部エラー") {
		t.Errorf("a call while the database is locked: %d\n%s", code, body)
	}
	lock.ExecContext(context.Background(), `ROLLBACK`)
	lock.Close()
	if code, _, _ := post(t, sales, page+"/calls", form); code != http.StatusSeeOther {
		t.Errorf("saved again: %d", code)
	}
	if calls, _ := a.db.Calls(context.Background(), id); len(calls) != 1 || calls[0].Note != "留守電なし" {
		t.Errorf("calls stored: %+v", calls)
	}
}

// busyLanguage is the store with its writers locked out, as far as
// choosing a language goes.
type busyLanguage struct{ *store.DB }

func (busyLanguage) SetLanguage(context.Context, int64, string) error {
	return notify.Errorf(notify.EUNAVAILABLE, "the database is locked by another program")
}

// Any request the database is too busy for says so, and to try again;
// it is not an internal error.
func TestABusyDatabaseIsNoInternalError(t *testing.T) {
	a := newApp(t)
	a.web.Store = busyLanguage{a.db}
	c := a.client(t)
	a.signIn(t, c, "suzuki", password)
	_, _, body := get(t, c, a.URL+"/contacts/mine")
	resp, err := c.PostForm(a.URL+"/language", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "lang": {"en"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(b), "混み合っています") || strings.Contains(string(b), "内部エラー") {
		t.Errorf("a busy database: %d, Retry-After %q\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
}

func TestSalesCannotOpenOthersContacts(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "伊藤", Emails: []string{"ito@elsewhere.example"}})
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	page, _ := a.pageOf(t, "ito@elsewhere.example")
	// Not found, like a number no contact has: which exist is not theirs to learn.
	if code, _, _ := get(t, sales, page); code != http.StatusNotFound {
		t.Errorf("another's contact: %d, want 404", code)
	}
	_, _, body := get(t, sales, a.URL+"/contacts/mine")
	token := csrfField.FindStringSubmatch(body)[1]
	if code, _, _ := post(t, sales, page+"/calls", url.Values{"csrf": {token}, "outcome": {"reached"}}); code != http.StatusNotFound {
		t.Errorf("a call on another's contact: %d, want 404", code)
	}
	if code, _, _ := get(t, sales, a.URL+"/contacts/999999"); code != http.StatusNotFound {
		t.Errorf("a contact that does not exist: %d, want 404", code)
	}
}

// withImport gives the app an import that reads books as owabi import does
// (without classifying).
func (a *app) withImport() { a.withImportDeciding(nil) }

// withImportDeciding gives the app an import that reads books as owabi
// import does, and classifies them with decide.
func (a *app) withImportDeciding(decide func(notify.Record) notify.Decision) {
	a.web.Books = &respond.Books{Store: a.db, Decide: decide}
}

// upload sends a file through the import form, with the given CSRF token.
func upload(t *testing.T, c *http.Client, u, token, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	m := multipart.NewWriter(&body)
	m.WriteField("csrf", token)
	f, _ := m.CreateFormFile("file", name)
	f.Write(data)
	m.Close()
	resp, err := c.Post(u, m.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestManagerUploadsABook(t *testing.T) {
	a := newApp(t)
	a.withImport()
	book, err := os.ReadFile("../../testdata/books/outlook_ja_cp932.csv")
	if err != nil {
		t.Fatal(err)
	}
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, page := get(t, manager, a.URL+"/import")
	token := csrfField.FindStringSubmatch(page)[1]
	if code, _ := upload(t, manager, a.URL+"/import", "forged", "book.csv", book); code != http.StatusForbidden {
		t.Errorf("an upload with a forged token: %d, want 403", code)
	}
	code, body := upload(t, manager, a.URL+"/import", token, "outlook_ja_cp932.csv", book)
	for _, want := range []string{`id="report"`, "取り込みました: outlook_ja_cp932.csv", "Outlook CSV（日本語見出し） · Shift_JIS (CP932)",
		"<tr><th>追加</th><td>3</td></tr>", "行 5: メールアドレスがありません"} {
		if !strings.Contains(body, want) {
			t.Errorf("the import page lacks %q (status %d):\n%s", want, code, body)
		}
	}
	if c, _, err := a.db.ContactByEmail(context.Background(), "ichiro@takahashi-ss.example"); err != nil || c.Company != "㈱髙橋製作所" {
		t.Errorf("stored: %+v, %v", c, err)
	}
	if !strings.Contains(body, `<a href="/imports/1">`) {
		t.Errorf("the past imports do not link to their reports:\n%s", body)
	}
	if code, _, past := get(t, manager, a.URL+"/imports/1"); code != http.StatusOK || !strings.Contains(past, "行 5: メールアドレスがありません") {
		t.Errorf("import 1's stored report: %d\n%s", code, past)
	}
	code, body = upload(t, manager, a.URL+"/import", token, "notes.txt", []byte("not an address book"))
	if code != http.StatusBadRequest || !strings.Contains(body, "取り込めませんでした") || !strings.Contains(body, "CSV のアドレス帳として読めません") ||
		strings.Contains(body, "--map") {
		t.Errorf("a file that is no address book: %d\n%s", code, body)
	}
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	if code, _ := upload(t, sales, a.URL+"/import", token, "book.csv", book); code != http.StatusForbidden {
		t.Errorf("sales staff upload: %d, want 403", code)
	}
}

// importingManager is an app that imports books, a manager signed in to
// it, and the token of the import form.
func importingManager(t *testing.T) (*app, *http.Client, string) {
	a := newApp(t)
	a.withImport()
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, page := get(t, manager, a.URL+"/import")
	return a, manager, csrfField.FindStringSubmatch(page)[1]
}

// A book of 100,000 entries that cannot be imported: the answer to the
// upload is the summary and the first page of them, and the stored report
// pages through the rest, 100 a page. Before, both pages listed every one
// (10 MB here, 100 MB for a million).
func TestAReportOfManyRejectedEntriesIsPaged(t *testing.T) {
	a, manager, token := importingManager(t)
	const n, maxPage = 100_000, 200 << 10
	var book bytes.Buffer
	book.WriteString("First Name,Last Name,E-mail 1 - Value\n")
	for i := range n {
		fmt.Fprintf(&book, "x,x,%07d\n", i+1)
	}
	code, body := upload(t, manager, a.URL+"/import", token, "bad.csv", book.Bytes())
	if code != http.StatusOK || len(body) > maxPage {
		t.Fatalf("the answer to the upload: %d, %d KB (at most %d KB)", code, len(body)>>10, maxPage>>10)
	}
	for _, want := range []string{"<tr><th>取り込めなかった行</th><td>100,000</td></tr>", "1–100 件目（全 100,000 件）",
		`行 2: メールアドレス &#34;0000001&#34; は使えません`, `行 101: メールアドレス &#34;0000100&#34;`,
		`<a class="button" href="/imports/1?rejected=2#rejected" rel="next">次へ</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the answer to the upload lacks %q:\n%.3000s", want, body)
		}
	}
	if strings.Contains(body, `行 102:`) || strings.Contains(body, `rel="prev"`) {
		t.Errorf("the answer to the upload shows more than the first page:\n%.3000s", body)
	}

	code, _, body = get(t, manager, a.URL+"/imports/1?rejected=2")
	if code != http.StatusOK || len(body) > maxPage {
		t.Fatalf("page 2 of the report: %d, %d KB", code, len(body)>>10)
	}
	for _, want := range []string{"101–200 件目（全 100,000 件）", `行 102: メールアドレス &#34;0000101&#34;`, `行 201:`,
		`href="/imports/1?rejected=1#rejected" rel="prev">前へ</a>`, `href="/imports/1?rejected=3#rejected" rel="next">次へ</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page 2 of the report lacks %q:\n%.3000s", want, body)
		}
	}
	if strings.Contains(body, `行 101:`) || strings.Contains(body, `行 202:`) {
		t.Errorf("page 2 of the report shows entries of other pages:\n%.3000s", body)
	}
	// The last page, in English; a page past the end is the last.
	post(t, manager, a.URL+"/language", url.Values{"csrf": {token}, "lang": {"en"}})
	for _, u := range []string{"/imports/1?rejected=1000", "/imports/1?rejected=5000"} {
		_, _, body = get(t, manager, a.URL+u)
		if !strings.Contains(body, "99,901–100,000 of 100,000") || !strings.Contains(body, "Line 100001: ") ||
			!strings.Contains(body, `href="/imports/1?rejected=999#rejected" rel="prev">Previous</a>`) || strings.Contains(body, `rel="next"`) {
			t.Errorf("%s:\n%.3000s", u, body)
		}
	}
}

// Entries whose notes are long: one cell holds a thousand phone numbers
// that are not, and each is a warning of the entry's note. A page shows
// the start of each note, so that 100 of them stay small; before, the page
// was 100 times 60 KB.
func TestAPageOfLongNotesStaysSmall(t *testing.T) {
	a, manager, token := importingManager(t)
	var book bytes.Buffer
	book.WriteString("First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\n")
	phones := strings.TrimSuffix(strings.Repeat("ab:::", 800), ":::")
	for i := range 150 {
		fmt.Fprintf(&book, "x,x,u%d@example.jp,%s\n", i, phones)
	}
	code, body := upload(t, manager, a.URL+"/import", token, "phones.csv", book.Bytes())
	if code != http.StatusOK || len(body) > 200<<10 {
		t.Fatalf("the answer to the upload: %d, %d KB", code, len(body)>>10)
	}
	if !strings.Contains(body, "1–100 件目（全 150 件）") || !strings.Contains(body, "…</li>") {
		t.Errorf("the long notes are not shown short:\n%.3000s", body)
	}
	if stored, err := a.db.ImportNotes(context.Background(), 1, notify.FlaggedNotes, 0, 1); err != nil ||
		len(stored) != 1 || strings.Count(wording.English(stored[0].Reason), `the phone "ab" was left out`) != 800 {
		t.Errorf("the note is not stored whole: %v", err)
	}
}

// While a book comes in, the import page lists it as running, its counts
// so far.
func TestTheImportPageShowsAnImportRunning(t *testing.T) {
	a := newApp(t)
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	reached, release := make(chan struct{}), make(chan struct{})
	i := 0
	next := func() (notify.Record, *notify.EntryNote, error) {
		if i == 2000 {
			return notify.Record{}, nil, io.EOF
		}
		i++
		if i == 1501 { // the reader parses a chunk ahead of the one stored: the first is committed
			close(reached)
			<-release
		}
		return notify.Record{Number: i, Family: "山田", Emails: []string{fmt.Sprintf("u%d@kikyo.example", i)}}, nil, nil
	}
	done := make(chan error, 1)
	go func() {
		_, err := a.db.Import(context.Background(), notify.ImportReport{File: "big.csv"}, next, nil)
		done <- err
	}()
	<-reached
	_, _, body := get(t, manager, a.URL+"/import")
	close(release)
	if !strings.Contains(body, "big.csv <span class=\"hint\">取り込み中（ここまでの件数）</span>") {
		t.Errorf("the import page while an import runs:\n%s", body)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, _, body := get(t, manager, a.URL+"/import"); strings.Contains(body, "取り込み中") {
		t.Errorf("the import page once it is done:\n%s", body)
	}
}

func TestErrorsArePagesWithAWayOn(t *testing.T) {
	a := newApp(t)
	c := a.client(t)
	code, _, body := get(t, c, a.URL+"/no/such/page")
	if code != http.StatusNotFound || !strings.Contains(body, "そのページは見つかりません") || !strings.Contains(body, `href="/login"`) {
		t.Errorf("an unknown page, signed out: %d\n%s", code, body)
	}
	a.signIn(t, c, "suzuki", password)
	code, _, body = get(t, c, a.URL+"/dashboard")
	if code != http.StatusForbidden || !strings.Contains(body, "このページを見る権限がありません") || !strings.Contains(body, `href="/"`) {
		t.Errorf("a page not for sales staff: %d\n%s", code, body)
	}
}

func TestManagerSearchesAndPagesTheContactList(t *testing.T) {
	a := newApp(t)
	var recs []notify.Record
	for i := 1; i <= 120; i++ {
		recs = append(recs, notify.Record{Family: fmt.Sprint("姓", i), Given: "太郎", Company: fmt.Sprintf("会社%d", i),
			Emails: []string{fmt.Sprintf("u%d@example.jp", i)}})
	}
	recs = append(recs, notify.Record{Family: "髙橋", Given: "一郎", FamilyKana: "たかはし", Company: "㈱髙橋製作所",
		Phones: []string{"03-1234-5678"}, Emails: []string{"ichiro@takahashi-ss.example"}})
	a.importBook(t, ownedBySuzuki, recs...)
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	rows := func(body string) int { return strings.Count(body, "<tr class=\"urgency-") }

	_, _, body := get(t, manager, a.URL+"/contacts")
	if rows(body) != 50 || !strings.Contains(body, `rel="next"`) || strings.Contains(body, `rel="prev"`) {
		t.Errorf("page 1: %d rows, want 50 and a next link", rows(body))
	}
	_, _, body = get(t, manager, a.URL+"/contacts?page=3")
	if rows(body) != 21 || strings.Contains(body, `rel="next"`) || !strings.Contains(body, `rel="prev"`) {
		t.Errorf("page 3: %d rows, want 21 and no next link", rows(body))
	}
	for _, q := range []string{"たかはし", "髙橋 一郎", "ichiro@takahashi", "1234-5678", "髙橋製作所"} {
		_, _, body = get(t, manager, a.URL+"/contacts?q="+url.QueryEscape(q))
		if rows(body) != 1 || !strings.Contains(body, "髙橋 一郎") {
			t.Errorf("search %q: %d rows\n%s", q, rows(body), body)
		}
	}
	_, _, body = get(t, manager, a.URL+"/contacts?q="+url.QueryEscape("%"))
	if rows(body) != 0 {
		t.Errorf("a search for %%: %d rows; it must match the character, not everything", rows(body))
	}
	_, _, body = get(t, manager, a.URL+"/contacts?category=supplier")
	if rows(body) != 0 || !strings.Contains(body, "該当する連絡先はありません") {
		t.Errorf("no suppliers: %d rows", rows(body))
	}
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	if code, _, _ := get(t, sales, a.URL+"/contacts"); code != http.StatusForbidden {
		t.Errorf("sales staff on the full list: %d, want 403", code)
	}
}

func TestManagerReclassifiesAndReassigns(t *testing.T) {
	a := newApp(t)
	a.importBook(t, func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Unclassified, Rule: notify.RuleNone, OwnerEmail: "someone@sakura-print.example.jp"}
	}, notify.Record{Family: "伊藤", Given: "健", Emails: []string{"ken@ito.example"}})
	page, _ := a.pageOf(t, "ken@ito.example")
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, body := get(t, manager, page)
	// suzuki owns nothing yet, and is offered by name.
	if !strings.Contains(body, `<option value="suzuki@sakura-print.example.jp">suzuki</option>`) {
		t.Errorf("the owners offered lack suzuki:\n%s", body)
	}
	if !strings.Contains(body, "(判定の理由: 決め手なし)") {
		t.Errorf("the contact page does not say nothing decided its category:\n%s", body)
	}
	token := csrfField.FindStringSubmatch(body)[1]
	if code, _, body := post(t, manager, page+"/category", url.Values{"csrf": {token}, "category": {"customer"}}); code != http.StatusBadRequest ||
		!strings.Contains(body, "区分を変える理由を書いてください") {
		t.Errorf("a new category without a reason: %d", code)
	}
	if code, loc, _ := post(t, manager, page+"/category", url.Values{"csrf": {token}, "category": {"customer"}, "reason": {"取引先台帳で確認"}}); code != http.StatusSeeOther {
		t.Errorf("reclassify: %d to %q", code, loc)
	}
	if code, _, body := post(t, manager, page+"/owner", url.Values{"csrf": {token}, "owner": {"suzuki@sakura-print.example.jq"}}); code != http.StatusBadRequest ||
		!strings.Contains(body, "そのメールアドレスの担当者がいません") {
		t.Errorf("a mistyped owner: %d", code)
	}
	if code, _, _ := post(t, manager, page+"/owner", url.Values{"csrf": {token}, "owner": {"Suzuki@Sakura-Print.example.jp"}}); code != http.StatusSeeOther {
		t.Errorf("reassign: %d", code)
	}
	_, _, body = get(t, manager, page+"?changed=1")
	for _, want := range []string{"変更しました", "(判定の理由: 管理者が決定 · 取引先台帳で確認)", "区分: 未分類 → 顧客 · 記録者 kanri · 取引先台帳で確認", "担当: someone@sakura-print.example.jp → Suzuki@sakura-print.example.jp"} {
		if !strings.Contains(body, want) {
			t.Errorf("the contact page lacks %q:\n%s", want, body)
		}
	}
	// The contact is now suzuki's, who may open it but not change it.
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	_, _, list := get(t, sales, a.URL+"/contacts/mine")
	if !strings.Contains(list, "伊藤 健") {
		t.Errorf("suzuki's list lacks the reassigned contact:\n%s", list)
	}
	_, _, body = get(t, sales, page)
	if strings.Contains(body, "category-form") {
		t.Error("sales staff are offered the manager's forms")
	}
	token = csrfField.FindStringSubmatch(body)[1]
	if code, _, _ := post(t, sales, page+"/category", url.Values{"csrf": {token}, "category": {"supplier"}, "reason": {"x"}}); code != http.StatusForbidden {
		t.Errorf("sales staff reclassify: %d, want 403", code)
	}
}

func TestManagerHandsManyContactsOverAtOnce(t *testing.T) {
	a := newApp(t)
	a.importBook(t, func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: "leaver@sakura-print.example.jp"}
	}, notify.Record{Family: "甲", Emails: []string{"a@x.example"}}, notify.Record{Family: "乙", Emails: []string{"b@x.example"}},
		notify.Record{Family: "丙", Emails: []string{"c@x.example"}})
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, body := get(t, manager, a.URL+"/contacts")
	token := csrfField.FindStringSubmatch(body)[1]
	ids := regexp.MustCompile(`name="id" value="(\d+)"`).FindAllStringSubmatch(body, -1)
	if len(ids) != 3 {
		t.Fatalf("%d checkboxes, want 3", len(ids))
	}
	if code, _, _ := post(t, manager, a.URL+"/contacts/owner", url.Values{"csrf": {token}, "owner": {"suzuki@sakura-print.example.jp"}}); code != http.StatusBadRequest {
		t.Errorf("nothing selected: %d, want 400", code)
	}
	code, loc, _ := post(t, manager, a.URL+"/contacts/owner", url.Values{"csrf": {token}, "id": {ids[0][1], ids[2][1]},
		"owner": {"suzuki@sakura-print.example.jp"}})
	if code != http.StatusSeeOther {
		t.Fatalf("reassign two: %d", code)
	}
	if _, _, back := get(t, manager, a.URL+loc); !strings.Contains(back, "2 件の連絡先の担当を変えました") {
		t.Errorf("no confirmation:\n%s", back)
	}
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	_, _, list := get(t, sales, a.URL+"/contacts/mine")
	if !strings.Contains(list, "甲") || !strings.Contains(list, "丙") || strings.Contains(list, "乙") {
		t.Errorf("suzuki's list after the handover:\n%s", list)
	}
	// All or none: an id that does not exist changes nothing.
	if code, _, _ := post(t, manager, a.URL+"/contacts/owner", url.Values{"csrf": {token}, "id": {ids[1][1], "999999"},
		"owner": {"suzuki@sakura-print.example.jp"}}); code != http.StatusNotFound {
		t.Errorf("with an unknown id: %d, want 404", code)
	}
	if c, _, _ := a.db.ContactByEmail(context.Background(), "b@x.example"); c.OwnerEmail != "leaver@sakura-print.example.jp" {
		t.Errorf("乙 changed owner although the handover failed: %s", c.OwnerEmail)
	}
}

func TestManagerMarksAContactNotToBeContacted(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Given: "太郎", FamilyKana: "あ", Emails: []string{"taro@kikyo.example"}},
		notify.Record{Family: "佐藤", Given: "花子", FamilyKana: "い", Emails: []string{"hanako@asagiri.example"}})
	page, _ := a.pageOf(t, "taro@kikyo.example")
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, body := get(t, manager, page)
	token := csrfField.FindStringSubmatch(body)[1]
	if code, _, _ := post(t, manager, page+"/contact", url.Values{"csrf": {token}, "do_not_contact": {"yes"}}); code != http.StatusBadRequest {
		t.Errorf("without a reason: %d, want 400", code)
	}
	if code, _, _ := post(t, manager, page+"/contact", url.Values{"csrf": {token}, "do_not_contact": {"yes"}, "reason": {"本人の申し出"}}); code != http.StatusSeeOther {
		t.Fatalf("mark: %d", code)
	}
	_, _, body = get(t, manager, page)
	for _, want := range []string{"この方には連絡しないことになっています", "連絡: 連絡しないことにした · 記録者 kanri · 本人の申し出", "連絡を再開する"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	_, _, list := get(t, sales, a.URL+"/contacts/mine")
	if i, j := strings.Index(list, "佐藤 花子"), strings.Index(list, "山田 太郎"); i < 0 || j < i || !strings.Contains(list, "連絡しない") {
		t.Errorf("山田 should come last, marked:\n%s", list)
	}
}

func TestSalesSearchAndFilterOnlyTheirOwnContacts(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki,
		notify.Record{Family: "佐藤", Given: "花子", FamilyKana: "サトウ", Company: "㈱朝霧", Emails: []string{"hanako@asagiri.example"}},
		notify.Record{Family: "山田", Given: "太郎", FamilyKana: "ヤマダ", Phones: []string{"03-0000-1111"}, Emails: []string{"taro@kikyo.example"}},
		notify.Record{Family: "伊藤", Given: "健", Company: "㈱朝霧", Emails: []string{"ken@asagiri.example"}}) // nobody's
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	listed := func(query string) string {
		t.Helper()
		code, _, body := get(t, sales, a.URL+"/contacts/mine?"+query)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", query, code)
		}
		var names []string
		for _, m := range regexp.MustCompile(`class="name"[^>]*><strong>([^<]+)</strong>`).FindAllStringSubmatch(body, -1) {
			names = append(names, m[1])
		}
		return strings.Join(names, ",")
	}
	for query, want := range map[string]string{
		"":                            "佐藤 花子,山田 太郎",
		"q=" + url.QueryEscape("さとう"): "佐藤 花子",
		"q=" + url.QueryEscape("（株）朝霧"): "佐藤 花子", // 伊藤 is not theirs
		"q=0300001111":      "山田 太郎",
		"state=not_reached": "佐藤 花子,山田 太郎",
		"state=done":        "",
		"category=supplier": "",
		"order=name&q=":     "佐藤 花子,山田 太郎",
		"owner=-":           "佐藤 花子,山田 太郎", // the owner is always themselves
	} {
		if got := listed(query); got != want {
			t.Errorf("%q: %q, want %q", query, got, want)
		}
	}
}

func TestEachUserChoosesTheirLanguage(t *testing.T) {
	a := newApp(t)
	phone, desk := a.client(t), a.client(t)
	a.signIn(t, phone, "suzuki", password)
	a.signIn(t, desk, "suzuki", password)
	_, _, body := get(t, phone, a.URL+"/contacts/mine")
	token := csrfField.FindStringSubmatch(body)[1]
	code, loc, _ := post(t, phone, a.URL+"/language", url.Values{"csrf": {token}, "lang": {"en"}, "back": {"/contacts/mine?q=x"}})
	if code != http.StatusSeeOther || loc != "/contacts/mine?q=x" {
		t.Errorf("choosing English: %d to %q", code, loc)
	}
	// Their other browser asks for Japanese, but the choice is theirs.
	for _, c := range []*http.Client{phone, desk} {
		if _, _, body := get(t, c, a.URL+"/contacts/mine"); !strings.Contains(body, "My contacts") || !strings.Contains(body, `lang="en"`) {
			t.Errorf("after choosing English:\n%s", body)
		}
	}
	if _, loc, _ := post(t, phone, a.URL+"/language", url.Values{"csrf": {token}, "lang": {"ja"}, "back": {"//evil.example/"}}); loc != "/" {
		t.Errorf("back to another host: redirected to %q, want /", loc)
	}
	if _, _, body := get(t, desk, a.URL+"/contacts/mine"); !strings.Contains(body, "担当の連絡先") {
		t.Errorf("after choosing Japanese again:\n%s", body)
	}
	if code, _, _ := post(t, phone, a.URL+"/language", url.Values{"csrf": {token}, "lang": {"fr"}}); code != http.StatusBadRequest {
		t.Errorf("a language the app does not have: %d", code)
	}
}

func TestAnIdleSessionEnds(t *testing.T) {
	a := newApp(t)
	c := a.client(t)
	a.signIn(t, c, "suzuki", password)
	// Used every 90 minutes, it lives on.
	for range 3 {
		a.ahead.Add(int64(90 * time.Minute))
		if code, _, _ := get(t, c, a.URL+"/contacts/mine"); code != http.StatusOK {
			t.Fatalf("after 90 minutes' pause: %d, want 200", code)
		}
	}
	a.ahead.Add(int64(IdleTimeout + time.Minute))
	if code, loc, _ := get(t, c, a.URL+"/contacts/mine"); code != http.StatusSeeOther || loc != "/login" {
		t.Errorf("after %v idle: %d to %q, want the sign-in form", IdleTimeout, code, loc)
	}
	a.ahead.Store(0) // the session is gone, not just out of date
	if code, loc, _ := get(t, c, a.URL+"/contacts/mine"); code != http.StatusSeeOther || loc != "/login" {
		t.Errorf("back to the present: %d to %q, want the sign-in form", code, loc)
	}
}

// Over TLS every cookie the app sets, the sign-in form's included, is
// host-only and secure: its name carries the __Host- prefix.
func TestOverTLSEveryCookieIsHostOnlyAndSecure(t *testing.T) {
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "owabi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w, err := New(Config{Store: db, Templates: templates.FS, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(w)
	defer srv.Close()
	hash, _ := HashPassword(password)
	db.AddUser(context.Background(), notify.User{Name: "kanri", Role: notify.Manager}, hash)
	c := srv.Client()
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	form, err := c.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(form.Body)
	form.Body.Close()
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"csrf": {csrfField.FindStringSubmatch(string(body))[1]}, "name": {"kanri"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	names := map[string]bool{}
	for _, v := range append(form.Header.Values("Set-Cookie"), resp.Header.Values("Set-Cookie")...) {
		name, _, _ := strings.Cut(v, "=")
		names[name] = true
		for _, want := range []string{"Secure", "HttpOnly", "Path=/;"} {
			if !strings.HasPrefix(name, "__Host-") || !strings.Contains(v+";", want) || strings.Contains(v, "Domain=") {
				t.Errorf("cookie %q: want a __Host- name, %s and no Domain", v, want)
			}
		}
	}
	for _, want := range []string{"__Host-owabi_login", "__Host-owabi_session", "__Host-owabi_browser"} {
		if !names[want] {
			t.Errorf("no %s cookie was set (set: %v)", want, names)
		}
	}
	if code, _, _ := get(t, c, srv.URL+"/dashboard"); code != http.StatusOK {
		t.Errorf("the dashboard over TLS: %d", code)
	}
}

func TestLanguageSwitchRedirectsOnlyWithinTheSite(t *testing.T) {
	for back, want := range map[string]string{
		"/contacts/mine?q=x":    "/contacts/mine?q=x",
		"//evil.example/":       "/",
		"/\t/evil.example/":     "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"contacts":              "/",
		"":                      "/",
		"/\r\nSet-Cookie: x":    "/",
	} {
		if got := localPath(back); got != want {
			t.Errorf("localPath(%q) = %q, want %q", back, got, want)
		}
	}
}

func TestAManagerCanLetASalespersonSeeEveryContact(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "伊藤", Emails: []string{"ito@elsewhere.example"}}) // nobody's
	if err := a.db.SetAllContacts(context.Background(), "suzuki", true); err != nil {
		t.Fatal(err)
	}
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	page, _ := a.pageOf(t, "ito@elsewhere.example")
	if code, _, _ := get(t, sales, page); code != http.StatusOK {
		t.Errorf("another's contact, with access to all: %d, want 200", code)
	}
	code, _, list := get(t, sales, a.URL+"/contacts")
	if code != http.StatusOK || !strings.Contains(list, "伊藤") || strings.Contains(list, "reassign-form") {
		t.Errorf("the full list for a salesperson who sees all: %d, with no reassigning\n%s", code, list)
	}
	token := csrfField.FindStringSubmatch(list)[1]
	if code, _, _ := post(t, sales, a.URL+"/contacts/owner", url.Values{"csrf": {token}, "id": {"1"}, "owner": {"suzuki@sakura-print.example.jp"}}); code != http.StatusForbidden {
		t.Errorf("reassigning, as sales staff who see all: %d, want 403", code)
	}
}

// FuzzLocalPath checks that whatever comes back in "back", the redirect
// stays on this site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/contacts/mine?q=x", "//evil.example", "/\t/evil", "/\\evil", "https://x", "/a/../b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, back string) {
		got := localPath(back)
		if got != "/" && got != back {
			t.Fatalf("%q became %q", back, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") ||
			strings.ContainsAny(got, "\\\t\r\n") {
			t.Fatalf("%q leads off the site: %q", back, got)
		}
	})
}

func TestAPersonalLinkTakesAReportAndNothingElse(t *testing.T) {
	a := newApp(t)
	a.web.Org = notify.Organisation{Name: "さくら印刷株式会社", Desk: notify.Staff{Name: "お客様相談窓口", Phone: "0120-000-111"}}
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Given: "太郎", Emails: []string{"taro@kikyo.example"}})
	ctx := context.Background()
	n := 0
	a.db.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint("m", n, "@x") })
	notices, _ := a.db.Notices(ctx, "taro@kikyo.example")
	token, hash := NewAckToken()
	if err := a.db.NewAckToken(ctx, notices[0].ID, hash, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	person := a.client(t)
	code, _, body := get(t, person, a.URL+"/ack/"+token)
	if code != http.StatusOK || !strings.Contains(body, `id="ack-form"`) || !strings.Contains(body, "さくら印刷株式会社") ||
		strings.Contains(body, "山田") || strings.Contains(body, "taro@") {
		t.Fatalf("the confirmation page: %d (it must not show who the notice was for)\n%s", code, body)
	}
	if code, _, body := post(t, person, a.URL+"/ack/"+token, url.Values{"csrf": {"forged"}, "report": {"opened"}}); code != http.StatusForbidden || !strings.Contains(body, `id="ack-form"`) {
		t.Errorf("a forged form: %d", code)
	}
	_, _, body = get(t, person, a.URL+"/ack/"+token)
	code, _, body = post(t, person, a.URL+"/ack/"+token, url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "report": {"opened"}})
	if code != http.StatusOK || !strings.Contains(body, "ネットワーク") || !strings.Contains(body, "0120-000-111") {
		t.Errorf("after reporting the link opened: %d\n%s", code, body)
	}
	list, _, _ := a.db.Contacts(ctx, notify.ContactList{Limit: 10})
	if len(list) != 1 || list[0].Urgency != notify.AtRisk {
		t.Errorf("after 'opened' on the link: %+v; want at risk", list)
	}
	// The same report again, from a fresh form, adds nothing.
	_, _, body = get(t, person, a.URL+"/ack/"+token)
	post(t, person, a.URL+"/ack/"+token, url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "report": {"opened"}})
	if acks, _ := a.db.Acks(ctx, list[0].ID); len(acks) != 1 {
		t.Errorf("%d acknowledgements after the same report twice, want 1", len(acks))
	}
	for _, bad := range []string{"nosuchtoken", token + "x"} {
		if code, _, body := get(t, person, a.URL+"/ack/"+bad); code != http.StatusNotFound || !strings.Contains(body, "有効期限") || !strings.Contains(body, "0120-000-111") {
			t.Errorf("an unknown link: %d\n%s", code, body)
		}
	}
	expired, hash2 := NewAckToken()
	a.db.NewAckToken(ctx, notices[0].ID, hash2, time.Now().Add(-time.Minute))
	if code, _, _ := get(t, person, a.URL+"/ack/"+expired); code != http.StatusNotFound {
		t.Errorf("an expired link: %d", code)
	}
}

func TestHealthAndMetricsForTheOperator(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Emails: []string{"taro@kikyo.example"}})
	n := 0
	a.db.Queue(context.Background(), notify.Deletion, "ja", func() string { n++; return fmt.Sprint("m", n, "@x") })
	c := a.client(t)
	if code, _, body := get(t, c, a.URL+"/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("healthz: %d %q", code, body)
	}
	a.signIn(t, c, "kanri", "wrong password")
	code, _, body := get(t, c, a.URL+"/metrics") // from this computer
	for _, want := range []string{`owabi_notices{state="queued"} 1`, `owabi_notices{state="sent"} 0`, "# TYPE owabi_queue_age_seconds gauge",
		"owabi_logins_failed_total 1", "owabi_disk_full 0"} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("metrics lack %q (%d):\n%s", want, code, body)
		}
	}
	if strings.Contains(body, "taro") || strings.Contains(body, "山田") {
		t.Errorf("metrics carry personal data:\n%s", body)
	}
}

func TestTheManagerReadsTheAuditTrail(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Given: "太郎", Emails: []string{"taro@kikyo.example"}})
	page, id := a.pageOf(t, "taro@kikyo.example")
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	_, _, body := get(t, sales, page)
	post(t, sales, page+"/calls", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "once": {onceField.FindStringSubmatch(body)[1]},
		"outcome": {"reached"}, "arrived": {"no"}})
	if code, _, _ := get(t, sales, a.URL+"/audit"); code != http.StatusForbidden {
		t.Errorf("sales staff on the audit trail: %d, want 403", code)
	}
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, body = get(t, manager, a.URL+"/audit")
	for _, want := range []string{"suzuki</td><td>ログイン", "suzuki</td><td>電話", "コマンド（システム管理者）</td><td>取り込み", "kanri</td><td>ログイン"} {
		if !strings.Contains(body, want) {
			t.Errorf("the trail lacks %q:\n%s", want, body)
		}
	}
	_, _, body = get(t, manager, fmt.Sprintf("%s/audit?contact=%d", a.URL, id))
	if !strings.Contains(body, "<td>電話</td>") || strings.Contains(body, "<td>ログイン</td>") {
		t.Errorf("the contact's trail: want its call and no sign-ins:\n%s", body)
	}
	_, _, body = get(t, manager, a.URL+"/audit?kind=import&day="+time.Now().In(time.UTC).Format(time.DateOnly))
	if !strings.Contains(body, "<td>取り込み 1：book.csv（") || strings.Contains(body, "<td>電話</td>") {
		t.Errorf("today's imports:\n%s", body)
	}
}

func TestTheDashboardCountsDownTheReportsOwed(t *testing.T) {
	a := newApp(t)
	discovered := time.Now().Add(-4*24*time.Hour - time.Hour)
	if _, err := a.db.SeedIncident(context.Background(), notify.Incident{DiscoveredAt: discovered, GDPR: true}); err != nil {
		t.Fatal(err)
	}
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, dash := get(t, manager, a.URL+"/dashboard")
	for _, want := range []string{`class="deadline-overdue"><strong>GDPR`, `class="deadline-soon"><strong>個人情報保護委員会への速報`,
		`class="deadline-ok"><strong>個人情報保護委員会への確報`, "超過", "あと 25 日"} {
		if !strings.Contains(dash, want) {
			t.Errorf("the dashboard lacks %q:\n%s", want, dash)
		}
	}
	token := csrfField.FindStringSubmatch(dash)[1]
	if code, _, _ := post(t, manager, a.URL+"/reports/ppc_preliminary/filed", url.Values{"csrf": {token}}); code != http.StatusBadRequest {
		t.Errorf("marking it filed without saying when: %d", code)
	}
	if _, _, dash := get(t, manager, a.URL+"/dashboard"); strings.Contains(dash, `class="deadline-filed"`) {
		t.Error("a filing was recorded without its time")
	}
	for range 2 { // the second time, a form sent twice
		if code, _, _ := post(t, manager, a.URL+"/reports/ppc_preliminary/filed", url.Values{"csrf": {token}, "at": {time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04")}}); code != http.StatusSeeOther {
			t.Errorf("marking it filed: %d", code)
		}
	}
	if code, _, _ := post(t, manager, a.URL+"/reports/nonsense/filed", url.Values{"csrf": {token}}); code != http.StatusNotFound {
		t.Errorf("a report nobody owes: %d", code)
	}
	_, _, dash = get(t, manager, a.URL+"/dashboard")
	if !strings.Contains(dash, `class="deadline-filed"><strong>個人情報保護委員会への速報`) || !strings.Contains(dash, "(kanri)") {
		t.Errorf("after filing:\n%s", dash)
	}
	if trail, _ := a.db.AuditTrail(context.Background(), notify.AuditFilter{Kind: "action", Limit: 5}); len(trail) != 1 || trail[0].Actor != "kanri" ||
		!strings.Contains(wording.Audit("en", time.UTC, trail[0]), "Preliminary report filed with the PPC") {
		t.Errorf("the filing in the audit trail: %+v", trail)
	}
}

func TestMetricsWithATokenAnswerOnlyItsBearer(t *testing.T) {
	a := newApp(t)
	a.web.MetricsToken = "s3cret-for-prometheus"
	c := a.client(t)
	if code, _, _ := get(t, c, a.URL+"/metrics"); code != http.StatusForbidden {
		t.Errorf("no token: %d, want 403", code)
	}
	req, _ := http.NewRequest("GET", a.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer s3cret-for-prometheus")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("with the token: %d", resp.StatusCode)
	}
}

// The web app's download writes each cell through the same rule as owabi
// export: what a spreadsheet could read as a formula, full-width too, is
// text.
func TestTheDownloadNeutralisesFormulas(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "＝HYPERLINK(\"http://evil.example\",\"x\")", Company: "\u3000＋cmd", Emails: []string{"wide@example.jp"}})
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, dash := get(t, manager, a.URL+"/dashboard")
	code, _, sheet := post(t, manager, a.URL+"/contacts.csv", url.Values{"csrf": {csrfField.FindStringSubmatch(dash)[1]}})
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(sheet, "\ufeff"))).ReadAll()
	if code != http.StatusOK || err != nil || len(rows) != 2 {
		t.Fatalf("contacts.csv: %d, %v\n%s", code, err, sheet)
	}
	if name, company := rows[1][1], rows[1][3]; !strings.HasPrefix(name, "'＝HYPERLINK") || !strings.HasPrefix(company, "'") {
		t.Errorf("the downloaded row: name %q, company %q; want an apostrophe in front of each", name, company)
	}
}

// While sending has stopped, every page a manager opens says so, and why;
// a salesperson, who cannot act on it, is not told.
func TestAManagerSeesThatSendingHasStopped(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	manager, sales := a.client(t), a.client(t)
	a.signIn(t, manager, "kanri", password)
	a.signIn(t, sales, "suzuki", password)
	const stopped = "お知らせの送信が止まっています"
	if _, _, body := get(t, manager, a.URL+"/dashboard"); strings.Contains(body, stopped) {
		t.Fatalf("the dashboard says sending has stopped before it has:\n%s", body)
	}
	if err := a.db.StopSending(ctx, notify.Say("sending.cannot_connect", "dial tcp 127.0.0.1:25: connect: connection refused")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/dashboard", "/contacts"} {
		if _, _, body := get(t, manager, a.URL+p); !strings.Contains(body, stopped) || !strings.Contains(body, "メールサーバーに接続できません") {
			t.Errorf("%s does not say that sending has stopped, and why:\n%s", p, body)
		}
	}
	if _, _, body := get(t, sales, a.URL+"/contacts/mine"); strings.Contains(body, stopped) {
		t.Errorf("a salesperson is told that sending has stopped")
	}
	if err := a.db.SendingResumed(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, body := get(t, manager, a.URL+"/dashboard"); strings.Contains(body, stopped) {
		t.Errorf("the dashboard still says sending has stopped after it resumed")
	}
}

// At the sending limits, the dashboard says when the queue will have gone
// out.
func TestTheDashboardSaysWhenTheLastNoticeGoesOut(t *testing.T) {
	a := newApp(t)
	a.importBook(t, func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel}
	},
		notify.Record{Family: "山田", Emails: []string{"taro@kikyo.example"}},
		notify.Record{Family: "佐藤", Emails: []string{"hanako@asagiri.example", "h@free.example"}})
	id := 0
	if _, err := a.db.Queue(context.Background(), notify.Deletion, "ja", func() string { id++; return fmt.Sprintf("n%d@sakura-print.example.jp", id) }); err != nil {
		t.Fatal(err)
	}
	c := a.client(t)
	a.signIn(t, c, "kanri", password)
	if _, _, body := get(t, c, a.URL+"/dashboard"); strings.Contains(body, `id="sending-outlook"`) {
		t.Errorf("without sending limits the dashboard tells an outlook:\n%s", body)
	}
	limited := startApp(t, a.db) // set before it serves anything
	limited.web.Pace = notify.Pace{PerMinute: 1, PerDay: 2000}
	c = limited.client(t)
	limited.signIn(t, c, "kanri", password)
	_, _, body := get(t, c, limited.URL+"/dashboard")
	if want := `<p id="sending-outlook">送信待ちの 3 件は、送信の上限（毎分 1 件、24 時間に 2,000 件まで、うち直近 24 時間に 0 件を送信）では `; !strings.Contains(body, want) {
		t.Errorf("the dashboard lacks %q:\n%s", want, body)
	}
}

// The dashboard counts the notices sent of each kind apart, labelled: one
// person sent a deletion request and an apology is not "2 sent".
func TestTheDashboardCountsEachKindOfNoticeApart(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	a.importBook(t, func(notify.Record) notify.Decision {
		return notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel}
	},
		notify.Record{Family: "山田", Emails: []string{"taro@kikyo.example"}}, notify.Record{Family: "佐藤", Emails: []string{"hanako@asagiri.example"}})
	id := 0
	for _, k := range notify.NoticeKinds {
		if _, err := a.db.Queue(ctx, k, "ja", func() string { id++; return fmt.Sprintf("n%d@sakura-print.example.jp", id) }); err != nil {
			t.Fatal(err)
		}
	}
	claimed, err := a.db.Claim(ctx, 10)
	if err != nil || len(claimed) != 4 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	for _, d := range claimed[:3] { // both deletion requests, one apology
		if err := a.db.MarkSent(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
	}
	a.db.Release(ctx, []int64{claimed[3].ID})
	c := a.client(t)
	a.signIn(t, c, "kanri", password)
	_, _, dash := get(t, c, a.URL+"/dashboard")
	for _, want := range []string{"<th>削除依頼の送信済み</th><th>お詫びの送信済み</th>",
		`<tr data-category="customer"><th>顧客</th><td>2</td><td>2</td><td>2</td><td>1</td><td>0</td><td>1</td>`} {
		if !strings.Contains(dash, want) {
			t.Errorf("the dashboard lacks %s:\n%s", want, dash)
		}
	}
}

// A file that is plainly no address book (a PDF, a workbook, an image)
// is named for what it is, with what to export instead: a web user
// cannot edit the config the generic message points to.
func TestAnUploadThatIsNoAddressBookSaysWhatToExport(t *testing.T) {
	a := newApp(t)
	a.withImport()
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, page := get(t, manager, a.URL+"/import")
	token := csrfField.FindStringSubmatch(page)[1]
	for _, tt := range []struct {
		name string
		data string
		want string
	}{
		{"連絡先.pdf", "%PDF-1.7\n%âãÏÓ\n1 0 obj", "PDF は取り込めません。Google コンタクトや Outlook などから、アドレス帳を CSV または vCard で書き出したファイルを選んでください"},
		{"連絡先.xlsx", "PK\x03\x04\x14\x00\x06\x00[Content_Types].xml xl/workbook.xml", "「CSV UTF-8（コンマ区切り）」を選んで保存"},
		{"takeout.zip", "PK\x03\x04\x14\x00\x08\x00Takeout/Contacts/All Contacts.vcf", "展開して、中の CSV または vCard（.vcf）ファイルを選んでください"},
		{"scan.jpg", "\xff\xd8\xff\xe0\x00\x10JFIF", "画像は取り込めません"},
	} {
		_, body := upload(t, manager, a.URL+"/import", token, tt.name, []byte(tt.data))
		if body = html.UnescapeString(body); !strings.Contains(body, tt.name+": ") || !strings.Contains(body, tt.want) || strings.Contains(body, "[import] map") {
			t.Errorf("uploading %s: the page lacks %q:\n%s", tt.name, tt.want, body)
		}
	}
	if st, _ := a.db.Status(context.Background()); st.Contacts != 0 {
		t.Errorf("%d contacts imported from files that are no book", st.Contacts)
	}
}

// An empty chart says so; a report shown in the app links back to it, a
// report written to a file does not.
func TestEmptyChartsSaySoAndReportsLinkBack(t *testing.T) {
	a := newApp(t)
	c := a.client(t)
	a.signIn(t, c, "kanri", password)
	_, _, dash := get(t, c, a.URL+"/dashboard")
	if n := strings.Count(dash, `<p class="empty">まだありません</p>`); n != 2 || strings.Contains(dash, `class="days"`) {
		t.Errorf("an empty dashboard shows %d empty notes for its two charts:\n%s", n, dash)
	}
	ra, manager, token := aManagerWithAReport(t)
	code, _, page := post(t, manager, ra.URL+"/reports/ppc", url.Values{"csrf": {token}})
	if code != http.StatusOK || !strings.Contains(page, `<p class="back"><a href="/incident#reports">← 事故の記録と報告書に戻る</a></p>`) {
		t.Errorf("the report page: %d\n%s", code, page)
	}
}

// Staff appear as the people they are: an account's display name, else
// the book's name for their address; an owner nobody can sign in as is
// marked, and the dashboard says their contacts have nobody to call them.
func TestStaffAppearAsPeople(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	hash, _ := HashPassword(password)
	if _, err := a.db.AddUser(ctx, notify.User{Name: "otsuka", Email: "otsuka@sakura-print.example.jp", Role: notify.Sales, DisplayName: "大塚 浩二"}, hash); err != nil {
		t.Fatal(err)
	}
	owner := func(r notify.Record) notify.Decision {
		d := notify.Decision{Category: notify.Customer, Rule: notify.RuleLabel, OwnerEmail: "otsuka@sakura-print.example.jp"}
		if r.Family == "佐藤" {
			d.OwnerEmail = "chiba@sakura-print.example.jp"
		}
		if r.Family == "千葉" {
			d = notify.Decision{Category: notify.Employee, Rule: notify.RuleOwnDomain}
		}
		return d
	}
	a.importBook(t, owner, notify.Record{Family: "山田", Given: "太郎", Emails: []string{"taro@kikyo.example"}},
		notify.Record{Family: "佐藤", Given: "花子", Emails: []string{"hanako@asagiri.example"}},
		notify.Record{Family: "千葉", Given: "徹", Emails: []string{"chiba@sakura-print.example.jp"}})
	c := a.client(t)
	a.signIn(t, c, "kanri", password)
	page, _ := a.pageOf(t, "taro@kikyo.example")
	_, _, body := get(t, c, page)
	if !strings.Contains(body, `担当: 大塚 浩二 <span class="hint">otsuka@sakura-print.example.jp</span>`) {
		t.Errorf("the contact page names the owner by their address:\n%s", body)
	}
	// Who did what is the person too, with the login the audit trail keeps.
	oc := a.client(t)
	a.signIn(t, oc, "otsuka", password)
	_, _, form := get(t, oc, page)
	if code, _, _ := post(t, oc, page+"/calls", url.Values{"csrf": {csrfField.FindStringSubmatch(form)[1]}, "once": {onceField.FindStringSubmatch(form)[1]},
		"outcome": {"no_answer"}}); code != http.StatusSeeOther {
		t.Fatalf("logging a call: %d", code)
	}
	if _, _, body := get(t, c, page); !strings.Contains(body, "記録者 大塚 浩二（otsuka）") {
		t.Errorf("the call history names who logged it by login:\n%s", body)
	}
	if _, _, list := get(t, c, a.URL+"/contacts"); !strings.Contains(list, `<td>大塚 浩二 <span class="hint">otsuka@sakura-print.example.jp</span></td>`) {
		t.Errorf("the contact list names the owner by their address:\n%s", list)
	}
	_, _, dash := get(t, c, a.URL+"/dashboard")
	for _, want := range []string{`<th>大塚 浩二 <span class="hint">otsuka@sakura-print.example.jp</span></th>`,
		`<th>千葉 徹 <span class="hint">chiba@sakura-print.example.jp</span> <span class="problem">アカウントなし</span></th>`,
		"千葉 徹（chiba@sakura-print.example.jp）には 1 件の担当がありますが、ログインできるアカウントがありません",
		`<tr class="unassigned"><th><a href="/contacts?owner=-">担当なし</a></th><td>1</td>`} { // 千葉 徹, an employee nobody owns
		if !strings.Contains(dash, want) {
			t.Errorf("the dashboard lacks %s:\n%s", want, dash)
		}
	}
	// An account disabled is no account: nobody can call their contacts.
	if err := a.db.DisableUser(ctx, "otsuka"); err != nil {
		t.Fatal(err)
	}
	if _, _, dash := get(t, c, a.URL+"/dashboard"); !strings.Contains(dash, "大塚 浩二（otsuka@sakura-print.example.jp）には 1 件の担当がありますが、ログインできるアカウントがありません") {
		t.Errorf("a disabled account's contacts are not said to have nobody to call them:\n%s", dash)
	}
}
