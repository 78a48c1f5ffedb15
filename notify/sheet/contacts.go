package sheet

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// Languages the contact list can be written in.
var Languages = []string{"ja", "en"}

// contactHeaders are the contact list's column names, by language.
var contactHeaders = map[string][]string{
	"ja": {"番号", "氏名", "フリガナ", "会社名", "部署", "役職", "メールアドレス", "電話", "区分", "判定の理由", "担当",
		"最終通話", "最終通話の結果", "お知らせを確認", "電話で話せた", "メール受信", "リンク等を開いた", "感染の疑い", "対処済み", "連絡しない",
		"届かなかったアドレスと理由"},
	"en": {"No.", "Name", "Phonetic name", "Company", "Department", "Title", "E-mail addresses", "Phones", "Category", "Why", "Owner",
		"Last call", "Last call's outcome", "Acknowledged", "Reached", "Spam arrived", "Opened the link", "Infection suspected",
		"Remediated", "Not to be contacted", "Undelivered addresses, and why"},
}

// words are the list's words for categories, outcomes and yes/no.
var words = map[string]map[string]string{
	"ja": {"customer": "顧客", "supplier": "仕入先", "employee": "社員", "unclassified": "未分類",
		"reached": "話せた", "no_answer": "出なかった", "voicemail": "留守電", "wrong_number": "番号違い", "call_back": "かけ直し依頼",
		"true": "はい", "false": ""},
	"en": {"customer": "customer", "supplier": "supplier", "employee": "employee", "unclassified": "unclassified",
		"reached": "reached", "no_answer": "no answer", "voicemail": "voicemail", "wrong_number": "wrong number", "call_back": "call back",
		"true": "yes", "false": ""},
}

// why is the reason for a contact's category in lang: the rules' own words
// put into Japanese, a person's reason as they wrote it.
func why(lang string, c notify.Contact) string {
	if lang == "ja" && !c.Manual {
		return wording.Japanese(c.RuleDetail)
	}
	return c.RuleDetail
}

// undelivered is each address whose last notice did not arrive, with what
// that means, one to a line.
func undelivered(lang string, list []notify.Undelivered) string {
	lines := make([]string, len(list))
	for i, u := range list {
		lines[i] = u.Email + ": " + wording.Delivery(lang, u.Reply)
	}
	return strings.Join(lines, "\n")
}

// ContactList writes the contact list, one row per contact that each
// yields, with where the response stands with them; times are in zone.
// It returns how many contacts it wrote.
func ContactList(out io.Writer, lang string, zone *time.Location, each func(func(notify.Contact, notify.ContactProgress) error) error) (int, error) {
	w := NewWriter(out)
	if err := w.Write(contactHeaders[lang]); err != nil {
		return 0, err
	}
	t := words[lang]
	n := 0
	err := each(func(c notify.Contact, p notify.ContactProgress) error {
		n++
		last := ""
		if !p.LastCallAt.IsZero() {
			last = p.LastCallAt.In(zone).Format("2006-01-02 15:04")
		}
		return w.Write([]string{fmt.Sprint(c.ID), c.Name(), strings.TrimSpace(c.FamilyKana + " " + c.GivenKana),
			c.Company, c.Department, c.Title, strings.Join(c.Emails, "\n"), strings.Join(c.Phones, "\n"),
			t[string(c.Category)], why(lang, c), c.OwnerEmail,
			last, t[string(p.LastOutcome)], t[fmt.Sprint(p.Acknowledged)], t[fmt.Sprint(p.Reached)], t[fmt.Sprint(p.Arrived)],
			t[fmt.Sprint(p.Clicked)], t[fmt.Sprint(p.Infected)], t[fmt.Sprint(p.Remediated)], t[fmt.Sprint(c.DoNotContact)],
			undelivered(lang, p.Undelivered)})
	})
	if err != nil {
		return n, err
	}
	return n, w.Flush()
}
