package store

import (
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
)

func TestSearchFoldsHowJapaneseIsTyped(t *testing.T) {
	rec := notify.Record{Family: "髙橋", Given: "一郎", FamilyKana: "ﾀｶﾊｼ", GivenKana: "イチロウ", Company: "㈱髙橋製作所",
		Department: "営業部", Phones: []string{"０３（１２３４）５６７８"}, Emails: []string{"Ichiro@Takahashi.example"}}
	text := searchText(rec)
	for _, q := range []string{"髙橋　一郎", "たかはし", "タカハシイチロウ", "ｲﾁﾛｳ", "(株)髙橋", "株式会社髙橋製作所", "（株）髙橋",
		"03-1234-5678", "03−1234−5678", "03‐1234‐5678", "03–1234–5678", "1234 5678", "０３１２３４", "ICHIRO@TAKAHASHI", "営業", "高橋"} {
		if q := searchQuery(q); q == "" || !strings.Contains(text, q) {
			t.Errorf("%q (folded %q) is not found in %q", q, searchQuery(q), text)
		}
	}
	for _, q := range []string{"一郎髙橋", "5678営業", "9999"} {
		if strings.Contains(text, searchQuery(q)) {
			t.Errorf("%q (folded %q) is found in %q", q, searchQuery(q), text)
		}
	}
}
