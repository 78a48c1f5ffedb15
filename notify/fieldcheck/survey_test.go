package fieldcheck_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/fieldcheck"
)

// book is contacts as the store reads them.
type book []notify.Contact

func (b book) EachContact(_ context.Context, fn func(notify.Contact, notify.ContactProgress) error) error {
	for _, c := range b {
		if err := fn(c, notify.ContactProgress{}); err != nil {
			return err
		}
	}
	return nil
}

func TestSurveyNamesWhoseNoticesLeaveAFieldOut(t *testing.T) {
	const staff = "n-fujii@sakura-print.example.jp"
	contact := func(id int64, family, company, owner string, emails ...string) notify.Contact {
		return notify.Contact{ID: id, OwnerEmail: owner, Record: notify.Record{Family: family, Given: "様", Company: company, Emails: emails}}
	}
	b := book{
		contact(1, "山田", "株式会社やまだ", staff, "taro@yamada.example"),
		contact(2, "山田", "【重要】パスワード再設定のお願い https://evil.example/reset", staff, "jiro@yamada.example"),
		contact(3, "藤井 evil.example/reset", "さくら印刷株式会社", "", "N-Fujii@sakura-print.example.jp"), // the owner's own entry
		contact(4, "佐藤", "株式会社さとう", "N-FUJII@sakura-print.example.jp", "hanako@sato.example"),
		contact(5, "鈴木", "株式会社すずき", "other@sakura-print.example.jp", "ichiro@suzuki.example"),
	}
	got, err := fieldcheck.Survey(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	want := fieldcheck.Affected{Contacts: 2, OwnerLeftOut: 3, Listed: []fieldcheck.AffectedContact{
		{ID: 2, Findings: []fieldcheck.Finding{{Field: fieldcheck.Company, Problem: fieldcheck.Link}}},
		{ID: 3, Findings: []fieldcheck.Finding{{Field: fieldcheck.Name, Problem: fieldcheck.Link}}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Survey =\n%+v, want\n%+v", got, want)
	}

	// A book full of links: all counted, a page's worth listed.
	b = nil
	for i := range fieldcheck.MaxListed + 5 {
		b = append(b, contact(int64(i+1), "山田", fmt.Sprintf("evil%d.example", i), "", "x@yamada.example"))
	}
	got, err = fieldcheck.Survey(context.Background(), b)
	if err != nil || got.Contacts != fieldcheck.MaxListed+5 || len(got.Listed) != fieldcheck.MaxListed || got.Listed[0].ID != 1 {
		t.Errorf("Survey of %d: %d contacts, %d listed, %v", len(b), got.Contacts, len(got.Listed), err)
	}
}
