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
)

// A manager records what was done outside owabi, with when; a time in the
// future is refused and what was typed comes back; a correction is kept.
// Salespeople cannot reach the page.
func TestAManagerRecordsWhatWasDoneOutsideOwabi(t *testing.T) {
	a := newApp(t)
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	code, _, body := get(t, manager, a.URL+"/actions")
	if code != http.StatusOK || !strings.Contains(body, `id="action-form"`) || !strings.Contains(body, "まだ記録はありません") {
		t.Fatalf("the page: %d\n%s", code, body)
	}
	token := csrfField.FindStringSubmatch(body)[1]
	input := func(t time.Time) string { return t.In(a.web.Zone).Format("2006-01-02T15:04") }
	earlier := time.Now().Add(-3 * time.Hour).Truncate(time.Minute)
	form := url.Values{"csrf": {token}, "kind": {"published"}, "at": {input(time.Now().Add(24 * time.Hour))}, "by": {"広報"}, "note": {"お詫びを掲載"}}
	if code, _, back := post(t, manager, a.URL+"/actions", form); code != http.StatusBadRequest ||
		!strings.Contains(back, "その日時はまだ来ていません") || !strings.Contains(back, "お詫びを掲載") {
		t.Errorf("a time in the future: %d\n%s", code, back)
	}
	form.Set("at", input(earlier))
	if code, loc, _ := post(t, manager, a.URL+"/actions", form); code != http.StatusSeeOther || loc != "/actions?saved=1" {
		t.Fatalf("recording it: %d %q", code, loc)
	}
	_, _, body = get(t, manager, a.URL+"/actions?saved=1")
	if !strings.Contains(body, "対応を記録しました") || !strings.Contains(body, "<strong>"+earlier.In(a.web.Zone).Format("2006-01-02 15:04")+"</strong> ウェブサイトで公表 · 広報<br>お詫びを掲載") {
		t.Errorf("after recording:\n%s", body)
	}
	list, _ := a.db.Actions(context.Background())
	if len(list) != 1 || list[0].RecordedBy != "kanri" {
		t.Fatalf("stored: %+v", list)
	}
	corrected := earlier.Add(-time.Hour)
	edit := url.Values{"csrf": {token}, "at": {input(corrected)}, "by": {"広報"}, "note": {"お詫びとお知らせを掲載"}}
	if code, _, _ := post(t, manager, a.URL+"/actions/"+strconv.FormatInt(list[0].ID, 10), edit); code != http.StatusSeeOther {
		t.Errorf("correcting it: %d", code)
	}
	if list, _ = a.db.Actions(context.Background()); !list[0].At.Equal(corrected) || list[0].Note != "お詫びとお知らせを掲載" {
		t.Errorf("corrected: %+v", list)
	}
	edit.Set("at", "")
	if code, _, back := post(t, manager, a.URL+"/actions/"+strconv.FormatInt(list[0].ID, 10), edit); code != http.StatusBadRequest || !strings.Contains(back, "行った日時を入れてください") {
		t.Errorf("a correction without a time: %d", code)
	}
	if trail, _ := a.db.AuditTrail(context.Background(), notify.AuditFilter{Kind: "action", Limit: 5}); len(trail) != 2 || trail[0].Actor != "kanri" {
		t.Errorf("the audit trail: %+v", trail)
	}
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	if code, _, _ := get(t, sales, a.URL+"/actions"); code != http.StatusForbidden {
		t.Errorf("a salesperson on the page: %d", code)
	}
}

// A salesperson says when a call took place, back to yesterday; the
// history shows when it was recorded too.
func TestACallIsLoggedWhenItTookPlace(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Given: "太郎", Phones: []string{"03-0000-1111"}, Emails: []string{"taro@kikyo.example"}})
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	page, _ := a.pageOf(t, "taro@kikyo.example")
	_, _, body := get(t, sales, page)
	input := func(t time.Time) string { return t.In(a.web.Zone).Format("2006-01-02T15:04") }
	form := url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "once": {onceField.FindStringSubmatch(body)[1]},
		"outcome": {"no_answer"}, "note": {"留守"}, "at": {input(time.Now().Add(-72 * time.Hour))}}
	if code, _, back := post(t, sales, page+"/calls", form); code != http.StatusBadRequest ||
		!strings.Contains(back, "昨日までさかのぼれます") || !strings.Contains(back, "留守") {
		t.Errorf("a call three days ago: %d\n%s", code, back)
	}
	earlier := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	form.Set("at", input(earlier))
	if code, _, _ := post(t, sales, page+"/calls", form); code != http.StatusSeeOther {
		t.Fatalf("a call two hours ago: %d", code)
	}
	_, _, body = get(t, sales, page)
	if !strings.Contains(body, "<strong>"+earlier.In(a.web.Zone).Format("2006-01-02 15:04")+"</strong> 出なかった") || !strings.Contains(body, "（記録 ") {
		t.Errorf("the history:\n%s", body)
	}
}

// A manager dates when the persons were listed from an import's book.
func TestAManagerDatesWhenThePersonsWereListed(t *testing.T) {
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Emails: []string{"taro@kikyo.example"}})
	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	imports, _ := a.db.Imports(context.Background())
	page := a.URL + "/imports/" + strconv.FormatInt(imports[0].ID, 10)
	_, _, body := get(t, manager, page)
	if !strings.Contains(body, `id="listed-at"`) {
		t.Fatalf("the import's page has no form to date it:\n%s", body)
	}
	listed := time.Now().Add(-5 * time.Hour).Truncate(time.Minute)
	form := url.Values{"csrf": {csrfField.FindStringSubmatch(body)[1]}, "at": {listed.In(a.web.Zone).Format("2006-01-02T15:04")}}
	if code, _, _ := post(t, manager, page+"/listed", form); code != http.StatusSeeOther {
		t.Fatalf("dating it: %d", code)
	}
	if rep, _ := a.db.ImportReport(context.Background(), imports[0].ID); !rep.Listed().Equal(listed) {
		t.Errorf("listed at %s, want %s", rep.Listed(), listed)
	}
	form.Set("at", time.Now().Add(time.Hour).In(a.web.Zone).Format("2006-01-02T15:04"))
	if code, _, back := post(t, manager, page+"/listed", form); code != http.StatusBadRequest || !strings.Contains(back, "その日時はまだ来ていません") {
		t.Errorf("dated in the future: %d\n%s", code, back)
	}
}
