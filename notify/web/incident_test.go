package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// incidentForm is the incident page's form as a manager sends it.
func incidentForm(csrf string, inc notify.Incident) url.Values {
	v := url.Values{"csrf": {csrf}, "version": {"1"}, "source": {string(inc.Source)}, "spam_from": {inc.SpamFrom}, "spam_subject": {inc.SpamSubject},
		"discovered_at": {inc.DiscoveredAt.Format("2006-01-02T15:04")}, "spam_sent_at": {inc.SpamSentAt.Format("2006-01-02T15:04")}}
	en := inc.En.Fields()
	for n, f := range inc.IncidentText.Fields() {
		v.Set("ja."+f.Key, *f.Value)
		v.Set("en."+f.Key, *en[n].Value)
	}
	return v
}

func TestTheManagerKeepsTheIncidentRecordAndItsHistory(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	day := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Minute)
	seed := notify.Incident{DiscoveredAt: day, SpamSentAt: day.Add(-time.Hour), SpamFrom: "x@freemail.example", SpamSubject: "請求書",
		Source: notify.OwnBusiness, IncidentText: notify.IncidentText{Cause: "パスワードの使い回し"}}
	if _, err := a.db.SeedIncident(ctx, seed); err != nil {
		t.Fatal(err)
	}

	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	if code, _, _ := get(t, sales, a.URL+"/incident"); code != http.StatusForbidden {
		t.Errorf("a salesperson opened the incident page: %d", code)
	}
	_, _, mine := get(t, sales, a.URL+"/contacts/mine")
	if code, _, _ := post(t, sales, a.URL+"/reports/incident", url.Values{"csrf": {csrfField.FindStringSubmatch(mine)[1]}}); code != http.StatusForbidden {
		t.Errorf("a salesperson opened a report: %d", code)
	}

	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, body := get(t, manager, a.URL+"/incident")
	if !strings.Contains(body, `<textarea name="ja.cause" rows="3" maxlength="2000">パスワードの使い回し</textarea>`) {
		t.Fatalf("the form does not hold the record:\n%s", body)
	}
	csrf := csrfField.FindStringSubmatch(body)[1]
	edit := seed
	edit.Cause, edit.En.Summary = "パスワードの使い回しと二要素認証の未設定", "A third party logged in."
	if code, _, _ := post(t, manager, a.URL+"/incident", incidentForm("", edit)); code != http.StatusForbidden {
		t.Errorf("a form without its CSRF token: %d", code)
	}
	bad := edit
	bad.DiscoveredAt = time.Now().Add(48 * time.Hour)
	if code, _, body := post(t, manager, a.URL+"/incident", incidentForm(csrf, bad)); code != http.StatusBadRequest || !strings.Contains(body, "発覚日時または不審なメールの送信日時が未来") {
		t.Errorf("a discovery in the future: %d\n%s", code, body)
	}
	if code, loc, _ := post(t, manager, a.URL+"/incident", incidentForm(csrf, edit)); code != http.StatusSeeOther || loc != "/incident?saved=1" {
		t.Fatalf("saving: %d %q", code, loc)
	}
	got, _ := a.db.Incident(ctx)
	if got.Cause != edit.Cause || got.En.Summary != edit.En.Summary || !got.DiscoveredAt.Equal(day) {
		t.Errorf("the record after saving: %+v", got)
	}
	// A second manager's form, opened before that save, would undo it: refused, what they typed kept.
	stale := incidentForm(csrf, seed)
	stale.Set("ja.cause", "古い内容")
	if code, _, body := post(t, manager, a.URL+"/incident", stale); code != http.StatusConflict || !strings.Contains(body, "古い内容") {
		t.Errorf("an edit of an older version: %d", code)
	}
	// An attacker's subject may carry a bidirectional override: refused.
	rtl := incidentForm(csrf, edit)
	rtl.Set("version", "2")
	rtl.Set("spam_subject", "請求書\u202egpj.exe")
	if code, _, body := post(t, manager, a.URL+"/incident", rtl); code != http.StatusBadRequest || !strings.Contains(body, "「不審なメールの件名」は1行で") {
		t.Errorf("a subject with a bidirectional override: %d", code)
	}
	if _, _, dash := get(t, manager, a.URL+"/dashboard"); !strings.Contains(dash, `<p class="summary" id="what-happened">`) {
		t.Errorf("the dashboard does not say what happened:\n%s", dash)
	}
	_, _, body = get(t, manager, a.URL+"/incident?saved=1")
	for _, want := range []string{"事故の記録を保存しました", "<td>kanri</td><td>原因、英語：事故の概要（通知にも引用されます）</td>", "<td>設定ファイル</td><td>最初の版</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
}

func TestReportsArePagesToPrintAndMarkdown(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Given: "太郎", Emails: []string{"taro@kikyo.example"}})
	discovered := time.Now().Add(-30 * time.Hour)
	a.db.SeedIncident(ctx, notify.Incident{DiscoveredAt: discovered, Source: notify.Contractor,
		IncidentText: notify.IncidentText{Cause: "委託先の設定誤り"}})
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)

	_, _, body := get(t, manager, a.URL+"/incident")
	token := csrfField.FindStringSubmatch(body)[1]
	resp, err := manager.PostForm(a.URL+"/reports/incident", url.Values{"csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	for _, want := range []string{"<h2>■原因</h2>", "委託先の設定誤り", "<p>委託先</p>", "1名（顧客 1名、仕入先 0名、従業員 0名）", "個人情報保護委員会への速報"} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("the incident report lacks %q", want)
		}
	}
	// The page's own style sheet, and nothing else, may apply.
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
	sum := sha256.Sum256([]byte(style[1]))
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") ||
		!strings.Contains(csp, "default-src 'none'") {
		t.Errorf("the policy %q does not let exactly the page's style apply", csp)
	}

	resp, err = manager.PostForm(a.URL+"/reports/ppc", url.Values{"csrf": {token}, "final": {"1"}, "lang": {"en"}, "format": {"md"}})
	if err != nil {
		t.Fatal(err)
	}
	md := readAll(t, resp)
	if !strings.HasPrefix(md, "# Report of a leak of personal data (final)\n") || !strings.Contains(md, "- **Where it occurred**: At a contractor") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "owabi-ppc-en.md") {
		t.Errorf("the final PPC report in Markdown:\n%s", md)
	}
	if code, _, _ := post(t, manager, a.URL+"/reports/nonsense", url.Values{"csrf": {token}}); code != http.StatusNotFound {
		t.Errorf("a report that does not exist: %d", code)
	}
	if trail, _ := a.db.AuditTrail(ctx, notify.AuditFilter{Kind: "report", Limit: 5}); len(trail) != 2 || trail[0].Actor != "kanri" ||
		!strings.HasPrefix(wording.Audit("en", time.UTC, trail[0]), "Report to the PPC (final) written (English, md)") {
		t.Errorf("the reports in the audit trail: %+v", trail)
	}
}

// The manager chooses the time the reports are written as of: every
// report form on the page carries it, a report written with it counts as
// of then, and a time to come is refused.
func TestReportsAreWrittenAsOfTheTimeChosen(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Given: "太郎", Emails: []string{"taro@kikyo.example"}})
	a.db.SeedIncident(ctx, notify.Incident{DiscoveredAt: time.Now().Add(-30 * time.Hour)})
	n := 0
	a.db.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint("m", n, "@x") })
	claimed, _ := a.db.Claim(ctx, 1)
	a.db.MarkSent(ctx, claimed[0].ID)
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)

	if _, _, body := get(t, manager, a.URL+"/incident"); strings.Contains(body, "現在で作ります") {
		t.Errorf("with no time chosen, the page says one is:\n%s", body)
	}
	before := time.Now().Add(-2 * time.Hour).In(a.web.Zone)
	field := before.Format(inputTimeLayout)
	_, _, body := get(t, manager, a.URL+"/incident?as_of="+field)
	if n := strings.Count(body, `<input type="hidden" name="as_of" value="`+field+`">`); n != 8 ||
		!strings.Contains(body, "報告書は "+before.Format("2006-01-02 15:04")+" 現在で作ります。") {
		t.Fatalf("%d report forms carry the time chosen:\n%s", n, body)
	}
	token := csrfField.FindStringSubmatch(body)[1]
	for _, c := range []struct {
		asOf, want string
	}{
		{field, "- **削除依頼（お詫びを含む）メールの送信**: 0名"},
		{field, fmt.Sprintf("%d時%02d分現在", before.Hour(), before.Minute())},
		{"", "- **削除依頼（お詫びを含む）メールの送信**: 1名"},
	} {
		_, _, md := post(t, manager, a.URL+"/reports/incident", url.Values{"csrf": {token}, "format": {"md"}, "as_of": {c.asOf}})
		if !strings.Contains(md, c.want) {
			t.Errorf("as of %q the report lacks %q:\n%s", c.asOf, c.want, md)
		}
	}
	later := time.Now().Add(2 * time.Hour).In(a.web.Zone).Format(inputTimeLayout)
	if code, _, body := post(t, manager, a.URL+"/reports/incident", url.Values{"csrf": {token}, "as_of": {later}}); code != http.StatusBadRequest ||
		!strings.Contains(body, "その日時はまだ来ていません") {
		t.Errorf("a report as of a time to come: %d\n%s", code, body)
	}
	if _, _, body := get(t, manager, a.URL+"/incident?as_of="+later); !strings.Contains(body, "その日時はまだ来ていません") || strings.Contains(body, `name="as_of" value="`+later) {
		t.Errorf("the page with a time to come:\n%s", body)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEveryItemOfTheRecordHasALabel(t *testing.T) {
	var text notify.IncidentText
	for _, f := range text.Fields() {
		for _, lang := range wording.Languages {
			if wording.Texts(lang)["inc_"+f.Key] == "" {
				t.Errorf("%s: the item %q has no label (inc_%s)", lang, f.Key, f.Key)
			}
		}
	}
}
