package classify_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/classify"
)

func FuzzReadMasters(f *testing.F) {
	const header = "customer_code,company_name,company_name_kana,email_domain,industry,prefecture,main_phone,owner_email\n"
	f.Add([]byte(header + "C0004,有限会社ひばり茶舗,ヒバリチャホ,freemail.example.jp,小売,京都府,075-019-5424,matsui@sakura-print.example.jp\n"))
	f.Add([]byte("\ufeff" + strings.ReplaceAll(header, "\n", "\r\n") + "C0001,\"Asagiri Paper Co., Ltd.\",,Asagiri-Paper.example.net,,,,\r\n,,,,,,,\r\n"))
	f.Add([]byte(header + "C1,x,,bad domain,,,,\nC1,y\"z,,,,,,\n\"C2,\n"))
	f.Add([]byte("supplier_code,company_name,email_domain\nS1,株式会社例,@例え.jp\n"))
	// The same list kept in Excel.
	f.Add(workbookOf(f, [][]string{{"customer_code", "company_name", "email_domain", "owner_email"},
		{"C0004", "有限会社ひばり茶舗", "freemail.example.jp", "matsui@sakura-print.example.jp"}, {}, {"C1", "x", "bad domain"}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		ms, err := classify.ReadMasters(bytes.NewReader(data), notify.Customer)
		if err != nil {
			if notify.ErrorCode(err) != notify.EINVALID {
				t.Fatalf("error %v from a bytes.Reader is not EINVALID", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, m := range ms {
			if m.Code == "" || m.Company == "" || seen[m.Code] || m.Category != notify.Customer {
				t.Fatalf("bad master %+v", m)
			}
			seen[m.Code] = true
			if m.Domain != "" {
				if d, err := addrbook.NormalizeDomain(m.Domain); err != nil || d != m.Domain {
					t.Fatalf("master %+v: domain re-normalises to %q, %v", m, d, err)
				}
			}
			if m.OwnerEmail != "" {
				if e, err := addrbook.NormalizeEmail(m.OwnerEmail); err != nil || e != m.OwnerEmail {
					t.Fatalf("master %+v: owner re-normalises to %q, %v", m, e, err)
				}
			}
		}
		// Whatever was read must be usable.
		c := classify.New(classify.Rules{Masters: ms})
		for _, m := range ms {
			c.Classify(notify.Record{Company: m.Company, Emails: []string{"x@" + m.Domain}})
		}
	})
}

func FuzzCompanyKey(f *testing.F) {
	for _, s := range []string{
		"Asagiri Paper Co., Ltd.", "ASAGIRI PAPER CO.,LTD", "㈲かえで建設", "株式会社　せいりゅう化粧品",
		"（株）ＮＫデザイン", "K.K. Sakura", "株式株式会社会社", "L td", "e.\u0301", "İnc", "㍿", "Co-op",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := classify.CompanyKey(s)
		if k2 := classify.CompanyKey(k); k2 != k {
			t.Fatalf("CompanyKey(%q) = %q, but CompanyKey(%q) = %q", s, k, k, k2)
		}
		if strings.IndexFunc(k, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) >= 0 {
			t.Fatalf("CompanyKey(%q) = %q has white space or punctuation", s, k)
		}
	})
}
