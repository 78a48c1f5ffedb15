package web

import (
	"context"
	"iter"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// These tests drive a real browser (Debian's Chromium, headless) through
// the app as people use it. Screenshots go to testout/ beside this file.

// browser starts a headless Chromium, or skips the test, loudly, when
// there is none to start.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("SKIPPING BROWSER TESTS: no Chromium on this machine (apt-get install chromium; .ci/run does)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("lang", "ja-JP"), chromedp.Flag("accept-lang", "ja-JP,ja"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Skipf("SKIPPING BROWSER TESTS: Chromium at %s cannot start here: %v", path, err)
	}
	return ctx
}

// screenshot saves the page as testout/name.png.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 is a PNG
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("testout", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testout", name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// signInWith fills in the sign-in form.
func signInWith(a *app, name string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(a.URL + "/login"),
		chromedp.WaitVisible(`input[name=name]`),
		chromedp.SendKeys(`input[name=name]`, name),
		chromedp.SendKeys(`input[name=password]`, password),
		chromedp.Click(`button[type=submit]`),
	}
}

// text reads the text of the first element sel matches.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// eventually says whether the page comes to make expr true within ten
// seconds, across the page loading anew (which chromedp.Poll does not
// survive).
func eventually(ctx context.Context, expr string) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
	return false
}

// do runs steps, failing the test on an error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserSalesLogACallOnAPhoneAndTheManagerSeesIt(t *testing.T) {
	ctx := browser(t)
	a := newApp(t)
	a.importBook(t, ownedBySuzuki,
		notify.Record{Family: "山田", Given: "太郎", FamilyKana: "やまだ", Company: "株式会社ききょう食品",
			Phones: []string{"03-0000-1111"}, Emails: []string{"taro@kikyo.example"}},
		notify.Record{Family: "佐藤", Given: "花子", FamilyKana: "さとう", Emails: []string{"hanako@asagiri.example"}})

	// A salesperson on a 360-pixel-wide phone.
	do(t, ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2)))
	do(t, ctx, signInWith(a, "suzuki")...)
	do(t, ctx, chromedp.WaitVisible(`ul.contacts`))
	if list := text(t, ctx, `ul.contacts`); !strings.Contains(list, "佐藤 花子") || !strings.Contains(list, "山田 太郎") {
		t.Fatalf("my contacts: %q", list)
	}
	do(t, ctx, chromedp.Click(`li[data-contact] a.name`), // the first contact: さとう comes before やまだ
		chromedp.WaitVisible(`#call-form`))
	screenshot(t, ctx, "call-form-phone")
	do(t, ctx,
		chromedp.Click(`input[name=outcome][value=reached]`),
		chromedp.Click(`input[name=arrived][value=yes]`),
		chromedp.Click(`input[name=opened][value=yes]`),
		chromedp.Click(`input[name=clicked][value=yes]`),
		chromedp.Click(`input[name=infected][value=yes]`),
		chromedp.Click(`input[name=deleted][value=no]`),
		chromedp.SetValue(`select[name=follow_up]`, "virus_removal"),
		chromedp.SendKeys(`textarea[name=note]`, "明日訪問して駆除する"),
		chromedp.Click(`#call-form button[type=submit]`),
		chromedp.WaitVisible(`.done`),
	)
	if got := text(t, ctx, `.done`); !strings.Contains(got, "佐藤 花子 さんとの通話を記録しました") {
		t.Errorf("after saving: %q", got)
	}
	do(t, ctx, chromedp.Navigate(a.URL+"/contacts/mine"), chromedp.WaitVisible(`ul.contacts`))
	if first := text(t, ctx, `li[data-contact]`); !strings.Contains(first, "佐藤 花子") || !strings.Contains(first, "要対応") {
		t.Errorf("the contact at risk should be first and marked: %q", first)
	}
	screenshot(t, ctx, "my-contacts-phone")

	// The manager, on a desktop, in a browser of their own.
	mctx, cancel := chromedp.NewContext(ctx)
	defer cancel()
	do(t, mctx, chromedp.EmulateViewport(1280, 800))
	do(t, mctx, signInWith(a, "kanri")...)
	do(t, mctx, chromedp.WaitVisible(`#by-category`))
	// customer: 2 contacts, 2 addresses, no notices, then 1 reached, heard,
	// acknowledged (by the call), reached, heard, spam arrived, link opened
	// and infection suspected; none remediated yet.
	if got := strings.Join(strings.Fields(text(t, mctx, `tr[data-category=customer]`)), " "); got != "顧客 2 2 0 0 0 0 1 1 1 1 1 1 0" {
		t.Errorf("the dashboard's customer row: %q", got)
	}
	screenshot(t, mctx, "dashboard")
}

// The export and the reports are forms, so that no link can write the
// audit trail in the manager's name: each is still one click.
func TestBrowserTheManagerDownloadsTheListAndPrintsAReportInOneClick(t *testing.T) {
	ctx := browser(t)
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Given: "太郎", Emails: []string{"taro@kikyo.example"}})
	a.db.SeedIncident(context.Background(), notify.Incident{DiscoveredAt: time.Now().Add(-30 * time.Hour), Source: notify.Contractor,
		IncidentText: notify.IncidentText{Cause: "委託先の設定誤り"}})
	dir := t.TempDir()
	downloads, stop := iter.Pull2(chromedp.Events(ctx, cdpbrowser.DownloadProgress))
	defer stop()
	// downloaded waits for the next download to finish and reads it.
	downloaded := func() string {
		t.Helper()
		for {
			ev, err, ok := downloads()
			if !ok || err != nil {
				t.Fatalf("waiting for a download: %v", err)
			}
			if ev.State == cdpbrowser.DownloadProgressStateCompleted {
				b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
		}
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 800))
	do(t, ctx, signInWith(a, "kanri")...)
	do(t, ctx, chromedp.WaitVisible(`#export`), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true)})
		return err
	}))
	screenshot(t, ctx, "dashboard-export")
	do(t, ctx, chromedp.Click(`#export button`))
	if sheet := downloaded(); !strings.HasPrefix(sheet, "\ufeff番号,氏名") || !strings.Contains(sheet, "山田 太郎") {
		t.Errorf("the downloaded list:\n%.300s", sheet)
	}

	// The final report to the PPC opens in a tab of its own, to print.
	tab := chromedp.WaitNewTarget(ctx, func(info *target.Info) bool { return strings.Contains(info.URL, "/reports/ppc") })
	do(t, ctx, chromedp.Navigate(a.URL+"/incident"), chromedp.WaitVisible(`#reports`))
	screenshot(t, ctx, "incident-reports")
	do(t, ctx, chromedp.Click(`#report-ppc-final-ja button[value=html]`))
	tctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(<-tab))
	defer cancel()
	do(t, tctx, chromedp.WaitReady(`h1`))
	if title, err := chromedp.Run(tctx, chromedp.TextContent(`h1`)); err != nil || !strings.Contains(title, "確報") {
		t.Errorf("the report's title: %q, %v", title, err)
	}
	// Its Markdown is a download, the incident page staying where it is.
	do(t, ctx, chromedp.Click(`#report-ppc-final-en button[value=md]`))
	if md := downloaded(); !strings.HasPrefix(md, "# Report of a leak of personal data (final)") {
		t.Errorf("the downloaded Markdown:\n%.300s", md)
	}
	trail, _ := a.db.AuditTrail(context.Background(), notify.AuditFilter{Limit: 3})
	if len(trail) != 3 || trail[0].Kind != "report" || !strings.HasPrefix(wording.Audit("en", time.UTC, trail[0]), "Report to the PPC (final) written (English, md)") ||
		!strings.HasPrefix(wording.Audit("en", time.UTC, trail[1]), "Report to the PPC (final) written (Japanese, html)") || trail[2].Kind != "export" {
		t.Errorf("the audit trail: %+v", trail)
	}
}

// Back after saving a call never shows the page as it was before: a
// salesperson who sees the form still filled and 「まだ記録はありません」
// thinks it did not save, and saves again.
func TestBrowserBackAfterSavingACallShowsTheCallSaved(t *testing.T) {
	ctx := browser(t)
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "佐藤", Given: "花子", Emails: []string{"hanako@asagiri.example"}})
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	do(t, ctx, signInWith(a, "suzuki")...)
	do(t, ctx, chromedp.WaitVisible(`ul.contacts`), chromedp.Click(`li[data-contact] a.name`), chromedp.WaitVisible(`#call-form`))
	// The follow-up's dates and result show only once a follow-up is chosen.
	shown := func() bool {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("#call-form .follow-up")).display !== "none"`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if shown() {
		t.Error("with no follow-up, the form shows its dates and result")
	}
	do(t, ctx, chromedp.SetValue(`select[name=follow_up]`, "virus_check"))
	if !shown() {
		t.Error("with a virus check chosen, the form hides its dates and result")
	}
	do(t, ctx, chromedp.SetValue(`select[name=follow_up]`, ""))
	do(t, ctx,
		chromedp.Click(`input[name=outcome][value=reached]`),
		chromedp.SendKeys(`textarea[name=note]`, "削除済みとのこと"),
		chromedp.Click(`#call-form button[type=submit]`),
		chromedp.WaitVisible(`.done`),
		// Back, as the phone's button does (a page restored from the
		// back-forward cache fires no load, which NavigateBack waits for).
		chromedp.Evaluate[chromedp.Void](`history.back()`),
	)
	// The page must come to show the call saved; a stale one never does.
	if !eventually(ctx, `document.querySelector("#call-form") !== null && document.body.innerText.includes("削除済みとのこと")`) {
		t.Fatalf("back after saving never shows the call saved:\n%s", text(t, ctx, `main`))
	}
	note, err := chromedp.Run(ctx, chromedp.Value(`textarea[name=note]`))
	if err != nil {
		t.Fatal(err)
	}
	reached, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("input[name=outcome][value=reached]").checked`))
	if err != nil {
		t.Fatal(err)
	}
	page := text(t, ctx, `main`)
	if strings.Contains(page, wording.Say("ja", "no_calls")) || !strings.Contains(page, "削除済みとのこと") || note != "" || reached {
		t.Errorf("back after saving: the form holds %q (reached %v), and the page says:\n%s", note, reached, page)
	}
}

// Every page reads on a phone, the manager's too: at 360 and 390 pixels
// wide nothing runs past the screen's right edge, no menu item breaks
// over lines (ダッ/シュ/ボー/ド), and no table crushes a column to a
// character a line (顧/客): wide tables become a card a row. Each page is
// saved as testout/phone-*.png.
func TestBrowserEveryPageFitsAPhone(t *testing.T) {
	ctx := browser(t)
	a := newApp(t)
	a.withImport()
	a.importBook(t, ownedBySuzuki,
		notify.Record{Family: "山田", Given: "太郎", Company: "株式会社ききょう食品ホールディングス　東日本営業本部", Phones: []string{"03-0000-1111"},
			Emails: []string{"taro.yamada.the.longest.local.part@kikyo-foods-holdings.example.co.jp"}},
		notify.Record{Family: "佐藤", Given: "花子", Emails: []string{"hanako@asagiri.example"}})
	a.db.SeedIncident(context.Background(), notify.Incident{DiscoveredAt: time.Now().Add(-30 * time.Hour),
		IncidentText: notify.IncidentText{Summary: "営業部社員のウェブメールのアカウントが第三者に不正に利用されました。"}})
	_, id := a.pageOf(t, "hanako@asagiri.example")
	pages := map[string]string{}
	for _, r := range a.web.routes {
		if r.method != http.MethodGet || r.public || strings.Contains(r.path, "{token}") || strings.HasSuffix(r.path, ".csv") ||
			strings.HasSuffix(r.path, ".xlsx") || strings.Contains(r.path, "/reports/") || r.path == "/{$}" || r.path == "/metrics" {
			continue
		}
		path := strings.NewReplacer("{id}", strconv.FormatInt(id, 10)).Replace(r.path)
		pages[strings.Trim(strings.NewReplacer("/", "-", "{", "", "}", "").Replace(r.path), "-")] = path
	}
	if len(pages) < 10 {
		t.Fatalf("only %d pages to look at: %v", len(pages), pages)
	}
	do(t, ctx, signInWith(a, "kanri")...)
	do(t, ctx, chromedp.WaitVisible(`#by-category`))
	for _, width := range []int64{360, 390} {
		do(t, ctx, chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(2)))
		for name, path := range pages {
			do(t, ctx, chromedp.Navigate(a.URL+path), chromedp.WaitReady(`main`))
			// Past the right edge; a menu item broken over lines; a table
			// cell crushed narrower than three characters.
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
				const w = document.documentElement.clientWidth, name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : "");
				const bad = [];
				if (document.documentElement.scrollWidth > w) {
					bad.push(...[...document.querySelectorAll("main *, header *")].filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 5).map(name));
				}
				const lines = e => e.getBoundingClientRect().height / (parseFloat(getComputedStyle(e).lineHeight) || 1.6 * parseFloat(getComputedStyle(e).fontSize));
				bad.push(...[...document.querySelectorAll("header nav a")].filter(a => lines(a) > 1.5).map(a => "menu " + a.textContent));
				bad.push(...[...document.querySelectorAll("main td, main th")].filter(c => c.offsetParent && c.textContent.trim().length > 1 && lines(c) > 1.8 &&
					c.getBoundingClientRect().width < 4 * parseFloat(getComputedStyle(c).fontSize)).slice(0, 3).map(c => "cell " + c.textContent.trim().slice(0, 12)));
				return bad.join(", ");
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if wide != "" {
				t.Errorf("%s (%s) at %d px does not fit a phone: %s", name, path, width, wide)
			}
			if width == 390 {
				screenshot(t, ctx, "phone-"+name)
			}
		}
	}
}
