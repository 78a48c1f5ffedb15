package mailer

import (
	"reflect"
	"slices"
	"strings"

	"github.com/owabi/owabi/notify"
)

// CheckTemplates holds every template the composer would write a notice
// from (each language, kind and category) against the items the law asks
// a notice to the affected person to tell: APPI's, and GDPR's when the
// incident record says it applies.
//
// It renders, rather than reads, each template: with every text of the
// incident and the desk's phone and e-mail replaced by a marker of its
// own, an item is told when its marker is in the notice. So {{with}},
// {{if}} and however else a template is written count as they would in a
// real notice. Each template is rendered for every category it serves,
// with and without an owner named and a confirmation link; an item must
// be told in all of them.
func (c *Composer) CheckTemplates() ([]notify.TemplateCheck, error) {
	inc := *c.incident.Load()
	marked := &Composer{Org: c.Org, Zone: c.Zone, tmpl: c.tmpl}
	marked.Org.Desk.Phone, marked.Org.Desk.Email = marker("desk_phone"), marker("desk_email")
	// The desk that signs the notices to employees counts as theirs.
	if marked.Org.InternalDesk.Phone != "" {
		marked.Org.InternalDesk.Phone = marker("desk_phone")
	}
	if marked.Org.InternalDesk.Email != "" {
		marked.Org.InternalDesk.Email = marker("desk_email")
	}
	markedInc := markedIncident(inc)
	marked.SetIncident(markedInc)

	var checks []notify.TemplateCheck
	notices := map[string][]string{} // the marked notices written from each template
	for _, lang := range Languages {
		for _, kind := range notify.NoticeKinds {
			for _, cat := range notify.Categories {
				t, err := c.template(lang, kind, cat)
				if err != nil {
					return nil, err
				}
				if _, seen := notices[t.Name()]; !seen {
					checks = append(checks, notify.TemplateCheck{Template: t.Name()})
				}
				for _, d := range checkDeliveries(lang, kind, cat) {
					r, err := marked.Render(d)
					if err != nil {
						return nil, err
					}
					notices[t.Name()] = append(notices[t.Name()], r.Subject+"\n"+r.Text)
				}
			}
		}
	}
	for i, ch := range checks {
		lang, _, _ := strings.Cut(ch.Template, "/")
		for _, it := range notify.NoticeItems(inc.GDPR) {
			markers := it.Text(markedInc, marked.Org)
			switch {
			case slices.ContainsFunc(notices[ch.Template], func(n string) bool { return !tells(n, markers) }):
				checks[i].Lacks = append(checks[i].Lacks, it)
			case !slices.ContainsFunc(it.Text(inc.In(lang), c.Org), notBlank):
				checks[i].Empty = append(checks[i].Empty, it)
			}
		}
	}
	return checks, nil
}

// tells says whether a notice holds any of the markers of an item.
func tells(notice string, markers []string) bool {
	return slices.ContainsFunc(markers, func(m string) bool { return strings.Contains(notice, m) })
}

func notBlank(s string) bool { return strings.TrimSpace(s) != "" }

// marker is the text that stands for a field while templates are checked.
func marker(field string) string { return "owabi-check:" + field + ":" }

// markedIncident is inc with each text, in both languages, replaced by its
// marker.
func markedIncident(inc notify.Incident) notify.Incident {
	text := reflect.ValueOf(&inc.IncidentText).Elem()
	for f := range text.NumField() {
		name, _, _ := strings.Cut(text.Type().Field(f).Tag.Get("json"), ",")
		text.Field(f).SetString(marker(name))
	}
	inc.En = inc.IncidentText
	return inc
}

// checkDeliveries are the notices a template is checked with: to a person
// whose owner is not in the book, without a confirmation link (the desk
// is then the only contact named), and to one with both.
func checkDeliveries(lang string, kind notify.NoticeKind, cat notify.Category) []notify.Delivery {
	plain := notify.Delivery{
		Notice:  notify.Notice{ID: 1, Kind: kind, Lang: lang, Email: "someone@example.invalid", MessageID: "check@owabi.invalid"},
		Contact: notify.Contact{Record: notify.Record{Family: "山田", Given: "太郎", Company: "株式会社例"}, Category: cat},
	}
	full := plain
	full.Owner = notify.Staff{Name: "担当 花子", Email: "owner@example.invalid", Phone: "000-0000-0000"}
	full.AckLink = "https://example.invalid/ack/check"
	return []notify.Delivery{plain, full}
}
