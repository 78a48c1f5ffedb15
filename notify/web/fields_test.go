package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/templates"
)

// The attacker edited the book: a manager importing it is told which
// entries the notices will print less of, sees on the contact page what
// is left out and why, and finds the contacts listed with the templates.
func TestTheManagerSeesWhatTheNoticesLeaveOut(t *testing.T) {
	a := newApp(t)
	a.withImport()
	comp, err := mailer.NewComposer(notify.Organisation{Name: "さくら印刷株式会社", Desk: notify.Staff{Name: "お客様相談窓口", Phone: "03-0000-1234"}},
		notify.Incident{}, time.UTC, templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	a.web.TemplateCheck = func(context.Context) ([]notify.TemplateCheck, error) { return comp.CheckTemplates() }
	book := "First Name,Last Name,Organization Name,E-mail 1 - Value\n" +
		"太郎,山田,株式会社やまだ,taro@yamada.example\n" +
		"次郎,山田,【重要】パスワード再設定のお願い https://evil.example/reset,jiro@yamada.example\n" +
		"連絡は reset@evil.example まで,佐藤,株式会社さとう,hanako@sato.example\n"

	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, page := get(t, manager, a.URL+"/import")
	_, body := upload(t, manager, a.URL+"/import", csrfField.FindStringSubmatch(page)[1], "book.csv", []byte(book))
	for _, want := range []string{"<tr><th>追加</th><td>3</td></tr>",
		"行 3: 会社名は通知に載せません: リンクが書かれています",
		"行 4: 氏名は通知に載せません: 本人のもの以外のメールアドレスが書かれています"} {
		if !strings.Contains(body, want) {
			t.Errorf("the import report lacks %q:\n%s", want, body)
		}
	}

	evil, evilID := a.pageOf(t, "jiro@yamada.example")
	_, _, body = get(t, manager, evil)
	for _, want := range []string{`id="left-out"`, "お知らせメールに載せない項目があります", "<li>会社名：リンクが書かれています</li>", "宛名は「ご担当者 様」などになります"} {
		if !strings.Contains(body, want) {
			t.Errorf("the contact page lacks %q:\n%s", want, body)
		}
	}
	clean, _ := a.pageOf(t, "taro@yamada.example")
	if _, _, body := get(t, manager, clean); strings.Contains(body, `id="left-out"`) {
		t.Errorf("a contact whose notices leave nothing out has the warning:\n%s", body)
	}

	_, _, body = get(t, manager, a.URL+"/templates")
	_, otherID := a.pageOf(t, "hanako@sato.example")
	for _, want := range []string{"お知らせメールで項目を省く連絡先", "2 件の連絡先で、お知らせメールから項目を省きます。",
		fmt.Sprintf(`<li><a href="/contacts/%d">#%d</a> 会社名：リンクが書かれています</li>`, evilID, evilID),
		fmt.Sprintf(`<li><a href="/contacts/%d">#%d</a> 氏名：本人のもの以外のメールアドレスが書かれています</li>`, otherID, otherID)} {
		if !strings.Contains(body, want) {
			t.Errorf("the templates page lacks %q:\n%s", want, body)
		}
	}

	post(t, manager, a.URL+"/language", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "lang": {"en"}})
	if code, _, body := get(t, manager, evil); code != http.StatusOK || !strings.Contains(html.UnescapeString(body), "<li>Company: it holds a link</li>") {
		t.Errorf("in English the contact page lacks the warning (%d):\n%s", code, body)
	}
	if _, _, body := get(t, manager, a.URL+"/templates"); !strings.Contains(body, "Contacts whose notices leave a field out: 2.") {
		t.Errorf("in English the templates page lacks the count:\n%s", body)
	}
}
