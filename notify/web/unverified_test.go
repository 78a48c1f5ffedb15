package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
)

// A mail that may be forged shows on the contact's page and changes
// nothing; the salesperson who owns the contact confirms one and
// dismisses another, and only the confirmed one counts.
func TestStaffConfirmOrDismissMailThatMayBeForged(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	a.importBook(t, ownedBySuzuki, notify.Record{Family: "山田", Given: "太郎", Emails: []string{"taro@kikyo.example"}})
	n := 0
	a.db.Queue(ctx, notify.Deletion, "ja", func() string { n++; return fmt.Sprint("<m", n, "@sakura-print.example.jp>") })
	claimed, _ := a.db.Claim(ctx, 10)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d", len(claimed))
	}
	if err := a.db.MarkSent(ctx, claimed[0].ID); err != nil {
		t.Fatal(err)
	}
	counts, err := a.db.RecordInbound(ctx, "INBOX", 1, []notify.Inbound{
		{UID: 1, MessageID: "<f1@kikyo.example>", From: "taro@kikyo.example", Ref: "D-000001", Excerpt: "お電話は不要です"},
		{UID: 2, MessageID: "<f2@mx.example>", Bounces: []notify.Bounce{{Recipient: "taro@kikyo.example", Status: "5.1.1", Action: "failed"}}},
	})
	if err != nil || len(counts) != 2 || counts[0] != notify.Unverified || counts[1] != notify.Unverified {
		t.Fatalf("recorded %v, %v; want 2 unverified", counts, err)
	}

	manager := a.client(t)
	a.signIn(t, manager, "kanri", password)
	if _, _, body := get(t, manager, a.URL+"/dashboard"); !strings.Contains(body, "確かめが必要なメールが 2 件あります") {
		t.Errorf("the dashboard does not ask to check the mail:\n%s", body)
	}
	if _, _, body := get(t, manager, a.URL+"/contacts?mail=unverified"); !strings.Contains(body, "山田 太郎") {
		t.Errorf("the list of contacts with mail to check lacks 山田:\n%s", body)
	}
	sales := a.client(t)
	a.signIn(t, sales, "suzuki", password)
	page, _ := a.pageOf(t, "taro@kikyo.example")
	_, _, body := get(t, sales, page)
	for _, want := range []string{"確かめが必要なメール", "お電話は不要です", "お問い合わせ番号もありません", "自動では宛先不明にしていません", "まだ確認の連絡はありません"} {
		if !strings.Contains(body, want) {
			t.Errorf("the contact page lacks %q:\n%s", want, body)
		}
	}
	forms := regexp.MustCompile(`action="(/contacts/\d+/mail/\d+)"`).FindAllStringSubmatch(body, -1)
	if len(forms) != 2 {
		t.Fatalf("%d forms to decide, want 2", len(forms))
	}
	token := csrfField.FindStringSubmatch(body)[1]
	// Newest first: the bounce, then the reply.
	if code, _, _ := post(t, sales, a.URL+forms[0][1], url.Values{"csrf": {token}, "verdict": {"dismissed"}}); code != http.StatusSeeOther {
		t.Fatalf("dismiss: %d", code)
	}
	if code, _, _ := post(t, sales, a.URL+forms[1][1], url.Values{"csrf": {token}, "verdict": {"confirmed"}}); code != http.StatusSeeOther {
		t.Fatalf("confirm: %d", code)
	}
	if code, _, _ := post(t, sales, a.URL+forms[1][1], url.Values{"csrf": {token}, "verdict": {"dismissed"}}); code == http.StatusSeeOther {
		t.Errorf("a mail decided once was decided again")
	}
	acks, _ := a.db.Acks(ctx, claimed[0].ContactID)
	if len(acks) != 1 || acks[0].Excerpt != "お電話は不要です" {
		t.Errorf("acknowledgements after confirming the reply: %+v", acks)
	}
	notices, _ := a.db.Notices(ctx, "taro@kikyo.example")
	if len(notices) != 1 || notices[0].State != notify.Sent {
		t.Errorf("the dismissed bounce changed the notice: %+v", notices)
	}
	_, _, body = get(t, sales, page)
	if strings.Contains(body, `/mail/`) || !strings.Contains(body, "認めました (suzuki") || !strings.Contains(body, "退けました (suzuki") {
		t.Errorf("after deciding:\n%s", body)
	}
	if _, _, body := get(t, manager, a.URL+"/dashboard"); strings.Contains(body, "確かめが必要なメール") {
		t.Errorf("the dashboard still asks to check mail")
	}
	if _, _, body := get(t, manager, a.URL+"/contacts?mail=unverified"); strings.Contains(body, "山田 太郎") {
		t.Errorf("山田 is still listed as having mail to check")
	}
}
