package mailer_test

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/templates"
)

// every tells each item the law asks for, APPI's and GDPR's.
const every = `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}} {{.Incident.Cause}}
{{.Incident.SecondaryDamage}} {{.Incident.Measures}} {{.Org.Desk.Phone}}`

// withCause tells the cause only when the record has one.
const withCause = `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}}
{{with .Incident.Cause}}原因：{{.}}{{else}}原因は調査中です。{{end}} {{.Incident.SecondaryDamage}} {{.Org.Desk.Phone}}`

// fullIncident has every text the notices quote, in Japanese.
var fullIncident = func() notify.Incident {
	inc := incident
	inc.Cause = "パスワードの使い回しです。"
	inc.SecondaryDamage = "ウイルス感染のおそれがあります。"
	return inc
}()

func TestCheckTemplates(t *testing.T) {
	noCause := fullIncident
	noCause.Cause = ""
	noDesk := org
	noDesk.Desk.Phone, noDesk.Desk.Email = "", ""
	for _, tc := range []struct {
		name      string
		tmpl      string // ja/deletion.tmpl, over the bundled ones
		gdpr      bool
		inc       notify.Incident
		org       notify.Organisation
		wantLacks []notify.NoticeItem
		wantEmpty []notify.NoticeItem
	}{
		{name: "every item", tmpl: every, gdpr: true, inc: fullIncident, org: org},
		{name: "without the cause", tmpl: `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}}
{{.Incident.SecondaryDamage}} {{.Org.Desk.Email}}`, inc: fullIncident, org: org, wantLacks: []notify.NoticeItem{notify.ItemCause}},
		{name: "nothing from the record", tmpl: `{{define "subject"}}s{{end}}Please delete it.`, inc: fullIncident, org: org,
			wantLacks: notify.NoticeItems(false)},
		{name: "GDPR's items only when it applies", tmpl: `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}}
{{.Incident.Cause}} {{.Incident.SecondaryDamage}} {{.Org.Desk.Phone}}`, inc: fullIncident, org: org},
		{name: "GDPR's measures taken", gdpr: true, tmpl: `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}}
{{.Incident.Cause}} {{.Incident.SecondaryDamage}} {{.Org.Desk.Phone}}`, inc: fullIncident, org: org,
			wantLacks: []notify.NoticeItem{notify.ItemGDPRMeasures}},
		{name: "under with, the record has the cause", tmpl: withCause, inc: fullIncident, org: org},
		{name: "under with, the record has no cause", tmpl: withCause, inc: noCause, org: org, wantEmpty: []notify.NoticeItem{notify.ItemCause}},
		{name: "under with, but not itself", tmpl: `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}}
{{with .Incident.Cause}}原因は別途ご報告します。{{end}} {{.Incident.SecondaryDamage}} {{.Org.Desk.Phone}}`,
			inc: fullIncident, org: org, wantLacks: []notify.NoticeItem{notify.ItemCause}},
		{name: "no desk to name", tmpl: every, inc: fullIncident, org: noDesk, wantEmpty: []notify.NoticeItem{notify.ItemContact}},
		{name: "only in a comment", tmpl: `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}}
{{/* .Incident.Cause */}} {{.Incident.SecondaryDamage}} {{.Org.Desk.Phone}}`, inc: fullIncident, org: org,
			wantLacks: []notify.NoticeItem{notify.ItemCause}},
		{name: "lacking and empty", tmpl: `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}}
{{.Incident.SecondaryDamage}}`, inc: noCause, org: noDesk, wantLacks: []notify.NoticeItem{notify.ItemCause, notify.ItemContact}},
		{name: "never rendered", tmpl: `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}}
{{if false}}{{.Incident.Cause}}{{end}} {{.Incident.SecondaryDamage}} {{.Org.Desk.Phone}}`, inc: fullIncident, org: org,
			wantLacks: []notify.NoticeItem{notify.ItemCause}},
		{name: "the desk only when no owner is named", tmpl: `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}}
{{.Incident.Cause}} {{.Incident.SecondaryDamage}} {{with .Owner.Name}}{{$.Owner.Phone}}{{else}}{{.Org.Desk.Phone}}{{end}}`,
			inc: fullIncident, org: org, wantLacks: []notify.NoticeItem{notify.ItemContact}},
		{name: "the cause only for customers", tmpl: `{{define "subject"}}s{{end}}{{.Incident.Summary}} {{.Incident.LeakedItems}}
{{if eq .Category "customer"}}{{.Incident.Cause}}{{end}} {{.Incident.SecondaryDamage}} {{.Org.Desk.Phone}}`,
			inc: fullIncident, org: org, wantLacks: []notify.NoticeItem{notify.ItemCause}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.inc.GDPR = tc.gdpr
			override := fstest.MapFS{"mail/ja/deletion.tmpl": {Data: []byte(tc.tmpl)}}
			c, err := mailer.NewComposer(tc.org, tc.inc, tokyo, override, templates.FS)
			if err != nil {
				t.Fatal(err)
			}
			checks, err := c.CheckTemplates()
			if err != nil {
				t.Fatal(err)
			}
			got := find(t, checks, "ja/deletion.tmpl")
			if !slices.Equal(got.Lacks, tc.wantLacks) || !slices.Equal(got.Empty, tc.wantEmpty) {
				t.Errorf("lacks %v, empty %v; want lacks %v, empty %v", got.Lacks, got.Empty, tc.wantLacks, tc.wantEmpty)
			}
		})
	}
}

// The bundled templates tell every item, APPI's and GDPR's, in both
// languages, and a template is checked once for all the categories it
// serves.
func TestTheBundledTemplatesTellEveryItem(t *testing.T) {
	inc := fullIncident
	inc.GDPR = true
	c, err := mailer.NewComposer(org, inc, tokyo, templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	checks, err := c.CheckTemplates()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ch := range checks {
		names = append(names, ch.Template)
		if len(ch.Lacks)+len(ch.Empty) > 0 {
			t.Errorf("%s lacks %v, empty %v", ch.Template, ch.Lacks, ch.Empty)
		}
	}
	want := []string{"ja/deletion.tmpl", "ja/deletion_employee.tmpl", "ja/apology.tmpl", "ja/apology_employee.tmpl",
		"en/deletion.tmpl", "en/deletion_employee.tmpl", "en/apology.tmpl", "en/apology_employee.tmpl"}
	if !slices.Equal(names, want) {
		t.Errorf("checked %v, want %v", names, want)
	}
}

// A category's own template is checked beside the one the others share.
func TestACategorysOwnTemplateIsChecked(t *testing.T) {
	override := fstest.MapFS{"mail/en/apology_supplier.tmpl": {Data: []byte(`{{define "subject"}}s{{end}}{{.Incident.Summary}}`)}}
	c, err := mailer.NewComposer(org, fullIncident, tokyo, override, templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	checks, err := c.CheckTemplates()
	if err != nil {
		t.Fatal(err)
	}
	if got := find(t, checks, "en/apology_supplier.tmpl"); len(got.Lacks) != 4 {
		t.Errorf("the supplier's apology lacks %v, want all but the overview", got.Lacks)
	}
	if got := find(t, checks, "en/apology.tmpl"); len(got.Lacks) != 0 {
		t.Errorf("the shared apology lacks %v", got.Lacks)
	}
}

func find(t *testing.T, checks []notify.TemplateCheck, name string) notify.TemplateCheck {
	t.Helper()
	for _, ch := range checks {
		if ch.Template == name {
			return ch
		}
	}
	t.Fatalf("%s was not checked: %+v", name, checks)
	return notify.TemplateCheck{}
}
