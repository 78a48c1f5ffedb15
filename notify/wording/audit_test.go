package wording

import (
	"testing"
	"time"

	"github.com/owabi/owabi/notify"
)

// An audit entry reads in the reader's language and zone, its words and
// lists of words put into that language too.
func TestAnAuditEntryReadsInTheReadersLanguageAndZone(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := time.Date(2012, 12, 22, 5, 30, 0, 0, time.UTC)
	call := notify.AuditEntry{Said: notify.Say("audit.call", 12, notify.Say("outcome_reached")).
		And(notify.Say("audit.took_place", at), notify.Say("audit.answer", notify.Say("q_arrived"), notify.Say("answer_yes")))}
	record := notify.AuditEntry{Said: notify.Say("audit.incident_saved", 3, notify.Say("audit.from_web")).
		And(notify.Say("audit.items_changed", []notify.Said{notify.Say("inc_cause"), notify.Say("in_english_field", notify.Say("inc_summary"))}))}
	for _, c := range []struct {
		lang string
		zone *time.Location
		e    notify.AuditEntry
		want string
	}{
		{"ja", tokyo, call, "通話 12：話せた／通話した日時 2012-12-22 14:30／不審なメールは届いたか：はい"},
		{"en", time.UTC, call, "call 12: Reached; took place 2012-12-22 05:30; Did the spam arrive? Yes"},
		{"ja", tokyo, record, "事故の記録 第 3 版（画面で保存）／変更した項目：原因、英語：事故の概要（通知にも引用されます）"},
		{"ja", tokyo, notify.AuditEntry{Detail: notify.Purged}, "（削除済み）"},
		// A number that names a thing has no separators; a count has.
		{"ja", tokyo, notify.AuditEntry{Said: notify.Say("audit.not_delivered", notify.ID(12345), 1234, notify.Say("problem.refused"))},
			"お知らせ 12345 は 1,234 回試みても届きませんでした：メールサーバーが受け取りを拒否しました"},
		{"en", tokyo, notify.AuditEntry{Detail: "signed in (manager)"}, "signed in (manager)"},
		{"ja", tokyo, notify.AuditEntry{Said: notify.Say("audit.import_undone", 2, "book.csv", notify.Say("audit.why_failed"))},
			"取り込み 2（book.csv）を元に戻しました：取り込みに失敗しました"},
	} {
		if got := Audit(c.lang, c.zone, c.e); got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, got, c.want)
		}
	}
}
