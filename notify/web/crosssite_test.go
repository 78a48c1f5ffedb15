package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// auditCount is how many entries the audit trail holds.
func (a *app) auditCount(t *testing.T) int {
	t.Helper()
	trail, err := a.db.AuditTrail(context.Background(), notify.AuditFilter{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return len(trail)
}

// aManagerWithAReport opens an app with a contact and an incident record,
// and the manager signed in; it returns the manager's browser and the
// CSRF token of their session.
func aManagerWithAReport(t *testing.T) (*app, *http.Client, string) {
	t.Helper()
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Given: "太郎", Emails: []string{"taro@kikyo.example"}})
	a.db.SeedIncident(context.Background(), notify.Incident{DiscoveredAt: time.Now().Add(-30 * time.Hour), Source: notify.Contractor,
		IncidentText: notify.IncidentText{Cause: "委託先の設定誤り"}})
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, body := get(t, manager, a.URL+"/dashboard")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the dashboard has no form:\n%s", body)
	}
	return a, manager, m[1]
}

// A link on another site, followed by a signed-in manager's browser (the
// session cookie is SameSite=Lax, so it goes along), must not write
// anything in the manager's name: no page that a GET reaches writes the
// audit trail, whoever sends it.
func TestNoGETWritesTheAuditTrail(t *testing.T) {
	a, manager, _ := aManagerWithAReport(t)
	_, id := a.pageOf(t, "taro@kikyo.example")
	before := a.auditCount(t)
	walked := 0
	for _, r := range a.web.routes {
		if r.method != http.MethodGet {
			continue
		}
		path := strings.NewReplacer("{$}", "", "{kind}", "ppc", "{id}", "1", "{token}", "x").Replace(r.path)
		if strings.HasPrefix(r.path, "/contacts/{id}") {
			path = strings.Replace(r.path, "{id}", strconv.FormatInt(id, 10), 1)
		}
		for _, site := range []string{"cross-site", "same-site", ""} {
			req, _ := http.NewRequest(http.MethodGet, a.URL+path+"?final=1&format=md&lang=en", nil)
			if site != "" {
				req.Header.Set("Sec-Fetch-Site", site)
				req.Header.Set("Sec-Fetch-Mode", "navigate")
			}
			resp, err := manager.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			walked++
		}
		if after := a.auditCount(t); after != before {
			t.Errorf("GET %s wrote %d audit entries", path, after-before)
			before = after
		}
	}
	if walked < 30 {
		t.Errorf("walked %d requests; the list of routes is not being kept", walked)
	}
}

// The export and the reports are forms the manager sends, with the
// session's token: without it they are refused and recorded nowhere.
func TestTheExportAndTheReportsAreFormsWithTheToken(t *testing.T) {
	a, manager, token := aManagerWithAReport(t)
	for _, tt := range []struct {
		path string
		form url.Values
		want string // the start of what comes back
	}{
		{"/contacts.csv", url.Values{}, "\ufeff番号,氏名"},
		{"/reports/ppc", url.Values{"final": {"1"}, "lang": {"en"}, "format": {"md"}}, "# Report of a leak of personal data (final)\n"},
		{"/reports/incident", url.Values{}, "<!doctype html>"},
	} {
		before := a.auditCount(t)
		for _, csrf := range []string{"", "forged"} {
			form := url.Values{"csrf": {csrf}}
			for k, v := range tt.form {
				form[k] = v
			}
			if code, _, _ := post(t, manager, a.URL+tt.path, form); code != http.StatusForbidden {
				t.Errorf("POST %s with the token %q: %d, want 403", tt.path, csrf, code)
			}
		}
		if n := a.auditCount(t) - before; n != 0 {
			t.Errorf("POST %s refused wrote %d audit entries", tt.path, n)
		}
		form := url.Values{"csrf": {token}}
		for k, v := range tt.form {
			form[k] = v
		}
		code, _, body := post(t, manager, a.URL+tt.path, form)
		if code != http.StatusOK || !strings.HasPrefix(strings.ToLower(body), strings.ToLower(tt.want)) {
			t.Errorf("POST %s with the token: %d\n%.300s", tt.path, code, body)
		}
		if n := a.auditCount(t) - before; n != 1 {
			t.Errorf("POST %s with the token wrote %d audit entries, want 1", tt.path, n)
		}
	}
	trail, _ := a.db.AuditTrail(context.Background(), notify.AuditFilter{Limit: 3})
	if len(trail) != 3 || trail[0].Kind != "report" || trail[1].Kind != "report" || !strings.HasPrefix(wording.Audit("en", time.UTC, trail[1]), "Report to the PPC (final) written (English, md)") ||
		trail[2].Kind != "export" || trail[2].Actor != "kanri" {
		t.Errorf("the audit trail: %+v", trail)
	}
	// The pages offer them as forms with the token.
	_, _, dashboard := get(t, manager, a.URL+"/dashboard")
	if !strings.Contains(dashboard, `<form method="post" action="/contacts.csv"`) {
		t.Errorf("the dashboard does not offer the export as a form:\n%s", dashboard)
	}
	_, _, incident := get(t, manager, a.URL+"/incident")
	if !strings.Contains(incident, `<form method="post" action="/reports/ppc"`) || strings.Contains(incident, `href="/reports/`) {
		t.Errorf("the incident page does not offer the reports as forms:\n%s", incident)
	}
}

// A form sent from another site, or from another origin of the same site
// (another host under the same domain), is refused even with the token:
// the token is the defence, Sec-Fetch-Site the one behind it.
func TestAFormFromAnotherSiteIsRefused(t *testing.T) {
	a, manager, token := aManagerWithAReport(t)
	before := a.auditCount(t)
	for _, path := range []string{"/contacts.csv", "/reports/ppc", "/language", "/login"} {
		for _, site := range []string{"cross-site", "same-site"} {
			req, _ := http.NewRequest(http.MethodPost, a.URL+path, strings.NewReader(url.Values{"csrf": {token}, "final": {"1"}, "lang": {"en"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", site)
			resp, err := manager.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "別のサイト") {
				t.Errorf("POST %s, %s: %d\n%.300s", path, site, resp.StatusCode, body)
			}
		}
	}
	if n := a.auditCount(t) - before; n != 0 {
		t.Errorf("forms from another site wrote %d audit entries", n)
	}
	// From the app's own pages, or typed by hand, it goes through.
	for _, site := range []string{"same-origin", "none"} {
		req, _ := http.NewRequest(http.MethodPost, a.URL+"/contacts.csv", strings.NewReader(url.Values{"csrf": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", site)
		resp, err := manager.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(t, resp); resp.StatusCode != http.StatusOK || !strings.HasPrefix(body, "\ufeff番号") {
			t.Errorf("the export, %s: %d\n%.200s", site, resp.StatusCode, body)
		}
	}
}
