package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/templates"
)

func TestTheManagerSeesWhatTheNoticesLack(t *testing.T) {
	a := newApp(t)
	org := notify.Organisation{Name: "さくら印刷株式会社", Desk: notify.Staff{Name: "お客様相談窓口", Phone: "03-0000-1234"}}
	inc := notify.Incident{GDPR: true, IncidentText: notify.IncidentText{Summary: "不正ログイン", LeakedItems: "氏名", Cause: "使い回し", Measures: "遮断"}}
	noCause := fstest.MapFS{"mail/ja/apology.tmpl": {Data: []byte(`{{define "subject"}}お詫び{{end}}{{.Incident.Summary}}
{{.Incident.LeakedItems}} {{.Incident.SecondaryDamage}} {{.Incident.Measures}} {{.Org.Desk.Phone}}`)}}
	comp, err := mailer.NewComposer(org, inc, time.UTC, noCause, templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	a.web.TemplateCheck = func(context.Context) ([]notify.TemplateCheck, error) { return comp.CheckTemplates() }
	if _, err := a.db.SeedIncident(context.Background(), inc); err != nil {
		t.Fatal(err)
	}

	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	if code, _, body := get(t, sales, a.URL+"/templates"); code != http.StatusForbidden || strings.Contains(body, "notice-items") {
		t.Errorf("sales staff on the notice contents: %d, want 403", code)
	}

	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	code, _, body := get(t, manager, a.URL+"/templates")
	for _, want := range []string{
		`<a href="/templates">通知文の記載事項</a>`,
		"1 件のテンプレートに、法令が求める事項が足りません。",
		`<tr data-template="ja/apology.tmpl" class="lacking">`,
		"<li>原因</li>",
		"第34条第2項の事項",
		`<tr data-template="en/deletion.tmpl">`,
		// The record has no secondary damage: every other template tells
		// it, but cannot yet.
		"<li>二次被害又はそのおそれの有無及びその内容</li><li>GDPR：想定される結果</li>",
	} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("the notice contents (%d) lack %q:\n%s", code, want, body)
		}
	}
	if n := strings.Count(body, `class="lacking"`); n != 1 {
		t.Errorf("%d templates lacking, want only the Japanese apology", n)
	}

	post(t, manager, a.URL+"/language", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "lang": {"en"}})
	_, _, body = get(t, manager, a.URL+"/templates")
	if !strings.Contains(body, "<li>the cause</li>") || !strings.Contains(body, "1 template lacks what the law asks a notice to tell. Please correct it.") {
		t.Errorf("the notice contents in English:\n%s", body)
	}
}
