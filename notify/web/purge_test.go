package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

func TestOnlyAManagerPurgesAndOnlyWhenSure(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki,
		notify.Record{Family: "山田", Given: "太郎", Company: "桔梗食品", Phones: []string{"03-1111-2222"}, Emails: []string{"taro@kikyo.example"}},
		notify.Record{Family: "伊藤", Emails: []string{"ito@elsewhere.example"}})
	page, _ := a.pageOf(t, "taro@kikyo.example")
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	_, _, body := get(t, sales, page)
	post(t, sales, page+"/calls", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "once": {onceField.FindStringSubmatch(body)[1]},
		"outcome": {"reached"}, "arrived": {"yes"}, "clicked": {"yes"}, "note": {"奥様が出られました"}})
	if code, _, _ := get(t, sales, a.URL+"/purge"); code != http.StatusForbidden {
		t.Errorf("sales staff on the purge page: %d, want 403", code)
	}
	if code, _, _ := post(t, sales, a.URL+"/purge", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "confirm": {"purge"}}); code != http.StatusForbidden {
		t.Errorf("sales staff purging: %d, want 403", code)
	}

	// The final report is not filed yet: the page says so.
	if _, err := a.db.SeedIncident(context.Background(), notify.Incident{DiscoveredAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	_, _, dashboard := get(t, manager, a.URL+"/dashboard")
	counts := regexp.MustCompile(`(?s)<table class="numbers stack" id="by-category">.*?</table>`)
	before := counts.FindString(dashboard)
	code, _, body := get(t, manager, a.URL+"/purge")
	if code != http.StatusOK || !strings.Contains(body, `<th>連絡先</th><td>2</td>`) || !strings.Contains(body, `id="purge-form"`) ||
		!strings.Contains(body, `id="purge-pending"`) || !strings.Contains(body, "<li>個人情報保護委員会への確報</li>") {
		t.Fatalf("the purge page: %d\n%s", code, body)
	}
	token := csrfField.FindStringSubmatch(body)[1]
	for _, form := range []struct {
		values url.Values
		code   int
	}{
		{url.Values{"confirm": {"purge"}}, http.StatusForbidden},                     // no CSRF token
		{url.Values{"csrf": {"forged"}, "confirm": {"purge"}}, http.StatusForbidden}, // a forged one
		{url.Values{"csrf": {token}}, http.StatusBadRequest},                         // the word not typed
		{url.Values{"csrf": {token}, "confirm": {"削除"}}, http.StatusBadRequest},
	} {
		if code, _, _ := post(t, manager, a.URL+"/purge", form.values); code != form.code {
			t.Errorf("purging with %v: %d, want %d", form.values, code, form.code)
		}
	}
	if _, _, body := get(t, manager, page); !strings.Contains(body, "山田 太郎") {
		t.Fatal("a refused purge erased the contact")
	}
	if code, loc, _ := post(t, manager, a.URL+"/purge", url.Values{"csrf": {token}, "confirm": {"purge"}}); code != http.StatusSeeOther || loc != "/purge" {
		t.Fatalf("purging: %d to %q", code, loc)
	}
	// Afterwards: when and by whom, nothing left, and the form to run it again.
	if _, _, body := get(t, manager, a.URL+"/purge"); !strings.Contains(body, `id="purged"`) || !strings.Contains(body, "(kanri)") ||
		!strings.Contains(body, `<th>連絡先</th><td>0</td>`) || !strings.Contains(body, "もう一度実行する") {
		t.Errorf("the purge page afterwards:\n%s", body)
	}
	_, _, dashboard = get(t, manager, a.URL+"/dashboard")
	if after := counts.FindString(dashboard); after != before || before == "" {
		t.Errorf("the dashboard's counts changed:\n%s\n%s", before, after)
	}
	if !strings.Contains(dashboard, "個人データは") || strings.Contains(dashboard, "電話で話せていない方") {
		t.Errorf("after the purge the dashboard still asks for calls:\n%s", dashboard)
	}
	_, _, body = get(t, manager, page)
	for _, gone := range []string{"山田", "太郎", "taro@kikyo.example", "奥様", "03-1111-2222"} {
		if strings.Contains(body, gone) {
			t.Errorf("the contact's page still shows %q", gone)
		}
	}
	if !strings.Contains(body, "<h1>purged</h1>") || !strings.Contains(body, "@invalid") {
		t.Errorf("the contact's page after the purge:\n%s", body)
	}
	_, _, body = get(t, manager, a.URL+"/audit")
	if !strings.Contains(body, "kanri</td><td>個人データの削除") {
		t.Errorf("the audit trail lacks the purge:\n%s", body)
	}
	// Nothing more is logged.
	_, _, body = get(t, sales, page)
	if code, _, body := post(t, sales, page+"/calls", url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]},
		"once": {onceField.FindStringSubmatch(body)[1]}, "outcome": {"reached"}}); code != http.StatusConflict || !strings.Contains(body, "削除したため") {
		t.Errorf("a call after the purge: %d\n%s", code, body)
	}
}

// A purge erases the database only: the page names the files owabi wrote
// outside it that still hold the personal data, before the purge and
// after, until they are deleted.
func TestThePurgePageNamesTheFilesLeftOutsideTheDatabase(t *testing.T) {
	a, manager, token := aManagerWithAReport(t)
	ctx := notify.WithActor(context.Background(), "cli")
	backup, mail := filepath.Join(t.TempDir(), "backup.db"), filepath.Join(t.TempDir(), "mail")
	if err := a.db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(mail, 0o700)
	for _, name := range []string{"000001.eml", "000002.eml"} {
		os.WriteFile(filepath.Join(mail, name), []byte("To: taro@kikyo.example\r\n\r\n"), 0o600)
	}
	for _, f := range []notify.WrittenFile{{Kind: notify.FileBackup, Path: backup}, {Kind: notify.FileCaptures, Path: mail},
		{Kind: notify.FileExport, Path: filepath.Join(t.TempDir(), "deleted-since.csv")}} {
		if err := a.db.RecordFile(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, _ := post(t, manager, a.URL+"/contacts.csv", url.Values{"csrf": {token}}); code != http.StatusOK {
		t.Fatalf("the download: %d", code)
	}
	files := regexp.MustCompile(`(?s)<div class="error" id="purge-files">.*?</div>`)
	wantJA := []string{"データベースの外のファイルには個人データが残っています", "owabi purge --files", "バックアップ " + backup + "（",
		"デモが受け取ったメール 2 通（.eml ファイル）" + mail + "（", "取り出された連絡先一覧（ウェブ画面からのダウンロード", "、kanri）", "取り込んだアドレス帳のファイル"}
	_, _, body := get(t, manager, a.URL+"/purge")
	section := html.UnescapeString(files.FindString(body))
	for _, want := range wantJA {
		if !strings.Contains(section, want) {
			t.Errorf("before the purge, the page lacks %q:\n%s", want, section)
		}
	}
	if strings.Contains(section, "deleted-since.csv") {
		t.Errorf("the page names a file that is not there:\n%s", section)
	}
	if code, _, _ := post(t, manager, a.URL+"/purge", url.Values{"csrf": {token}, "confirm": {"purge"}}); code != http.StatusSeeOther {
		t.Fatalf("purging: %d", code)
	}
	_, _, body = get(t, manager, a.URL+"/purge")
	section = html.UnescapeString(files.FindString(body))
	for _, want := range wantJA {
		if !strings.Contains(section, want) {
			t.Errorf("after the purge, the page lacks %q:\n%s", want, section)
		}
	}
	// In English; and once the files are deleted, they are not named.
	os.Remove(backup)
	os.RemoveAll(mail)
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/purge", nil)
	req.Header.Set("Accept-Language", "en")
	resp, err := manager.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	section = html.UnescapeString(files.FindString(readAll(t, resp)))
	if !strings.Contains(section, "A purge erases the database only") || !strings.Contains(section, "a contact list taken out (downloaded from the web app") ||
		strings.Contains(section, backup) || strings.Contains(section, mail) {
		t.Errorf("the files left, in English, once the backup and the mails are deleted:\n%s", section)
	}
}
