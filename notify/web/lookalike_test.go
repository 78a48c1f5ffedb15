package web

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/classify"
)

// A book with an entry at a look-alike of the organisation's own domain (a
// Cyrillic і), labelled 社員, comes in through the web app with the real
// classifier: the import report names the domain it imitates, the dashboard
// asks to decide it before sending and links to it, and once a manager has
// decided, it is off the list.
func TestTheDashboardAsksToDecideALookAlike(t *testing.T) {
	a := newApp(t)
	a.withImportDeciding(classify.New(classify.Rules{OwnDomains: []string{"sakura-print.example.jp"}, Labels: classify.DefaultLabels}).Classify)
	const book = "Given Name,Family Name,Labels,E-mail 1 - Value\n" +
		"太郎,偽,社員 ::: * myContacts,taro.nise@sakura-prіnt.example.jp\n" +
		"花子,本物,社員 ::: * myContacts,hanako@sakura-print.example.jp\n" +
		"一郎,山田,顧客 ::: * myContacts,ichiro@例え.jp\n"
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, page := get(t, manager, a.URL+"/import")
	token := csrfField.FindStringSubmatch(page)[1]
	code, body := upload(t, manager, a.URL+"/import", token, "book.csv", []byte(book))
	const imitates = `ドメイン "sakura-prіnt.example.jp"（xn--sakura-prnt-7vj.example.jp）は自社のドメイン sakura-print.example.jp に見せかけた可能性があります`
	if !strings.Contains(html.UnescapeString(body), "行 2: "+imitates+"／") {
		t.Errorf("the import report (status %d) does not name the domain imitated:\n%s", code, body)
	}

	const step = `<a href="/contacts?rule=lookalike">自社か取引先のドメインに見せかけた可能性のあるアドレスの連絡先が 1 件あります。`
	_, _, dash := get(t, manager, a.URL+"/dashboard")
	for _, want := range []string{step, `<tr data-category="employee"><th>社員</th><td>1</td>`, `<tr data-category="unclassified"><th>未分類</th><td>1</td>`} {
		if !strings.Contains(dash, want) {
			t.Errorf("the dashboard lacks %q:\n%s", want, dash)
		}
	}
	if i, j := strings.Index(dash, step), strings.Index(dash, "区分が決まっていない連絡先が 1 件"); i < 0 || j < i {
		t.Errorf("the look-alike does not come before the other unclassified in the next steps:\n%s", dash)
	}
	_, _, list := get(t, manager, a.URL+"/contacts?rule=lookalike")
	if strings.Count(list, `<tr class="urgency-`) != 1 || !strings.Contains(list, "偽 太郎") || !strings.Contains(list, `value="lookalike" checked`) {
		t.Errorf("the list of look-alikes: want 偽 太郎 alone, the filter ticked:\n%s", list)
	}

	contact, id := a.pageOf(t, "taro.nise@xn--sakura-prnt-7vj.example.jp")
	_, _, body = get(t, manager, contact)
	if want := "(判定の理由: 見せかけのドメインの疑い（管理者が決めるまで未分類） · " + imitates + ")"; !strings.Contains(html.UnescapeString(body), want) {
		t.Errorf("the contact page lacks %q:\n%s", want, body)
	}
	// In English, as the readers and the classifier wrote it.
	req, _ := http.NewRequest("GET", contact, nil)
	req.Header.Set("Accept-Language", "en")
	resp, err := manager.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	en, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `(Why this category: a domain that may imitate another (unclassified until a manager decides) · the domain "sakura-prіnt.example.jp" (xn--sakura-prnt-7vj.example.jp) may imitate sakura-print.example.jp, the organisation's own domain)`; !strings.Contains(html.UnescapeString(string(en)), want) {
		t.Errorf("the English contact page lacks %q:\n%s", want, en)
	}

	// A manager decides: the step and the list are done with.
	token = csrfField.FindStringSubmatch(body)[1]
	if code, _, _ := post(t, manager, contact+"/category", url.Values{"csrf": {token}, "category": {"customer"}, "reason": {"電話で取引先と確認"}}); code != http.StatusSeeOther {
		t.Fatalf("reclassify: %d", code)
	}
	if c, err := a.db.Contact(t.Context(), id); err != nil || c.Category != notify.Customer || !c.Manual {
		t.Errorf("after the decision: %+v, %v", c, err)
	}
	_, _, dash = get(t, manager, a.URL+"/dashboard")
	if strings.Contains(dash, "見せかけた可能性") {
		t.Errorf("the dashboard still asks to decide the look-alike:\n%s", dash)
	}
	if _, _, list := get(t, manager, a.URL+"/contacts?rule=lookalike"); strings.Contains(list, `<tr class="urgency-`) {
		t.Errorf("the list of look-alikes still lists someone:\n%s", list)
	}
}
