package store

import (
	"context"
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

func TestAnOlderDatabaseGetsItsSearchText(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/owabi.db"
	d := openOlder(t, path, "0008_do_not_contact")
	// As Import stored contacts before migration 0009.
	if _, err := d.wdb.ExecContext(ctx, `INSERT INTO contacts (id, family, given, category, rule) VALUES (1, '髙橋', '一郎', 'unclassified', 'none');
		INSERT INTO addresses (contact_id, email) VALUES (1, 'ichiro@takahashi.example')`); err != nil {
		t.Fatal(err)
	}
	d = upgraded(t, d)
	list, _, err := d.Contacts(ctx, notify.ContactList{Query: "ICHIRO@", Limit: 10})
	if err != nil || len(list) != 1 || list[0].Family != "髙橋" {
		t.Errorf("search after the upgrade: %+v, %v", list, err)
	}
}
