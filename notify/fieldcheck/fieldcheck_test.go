package fieldcheck_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/fieldcheck"
	"github.com/owabi/owabi/notify/wording"
)

const to = "taro@yamada.example"

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		field fieldcheck.Field
		value string
		want  fieldcheck.Problem
	}{
		// What real address books hold.
		{fieldcheck.Name, "山田 太郎", ""},
		{fieldcheck.Name, "J.R.R. Tolkien", ""},
		{fieldcheck.Name, "Mr.Smith", ""},
		{fieldcheck.Name, "Taro.Yamada", ""},
		{fieldcheck.Name, "T.Suzuki", ""}, // .suzuki is a real top-level domain; nobody holds t.suzuki
		{fieldcheck.Name, "H.Honda", ""},
		{fieldcheck.Name, "J.R.Smith", ""},
		{fieldcheck.Name, "Sales@Tokyo", ""},         // an @, but no address
		{fieldcheck.Name, to, ""},                    // the recipient's own address: Outlook's name when it has none
		{fieldcheck.Name, "TARO@Yamada.Example", ""}, // in another case
		{fieldcheck.Name, strings.Repeat("山", 60), ""},
		{fieldcheck.Company, "株式会社やまだ", ""},
		{fieldcheck.Company, "Sakura Printing Co.,Ltd.", ""},
		{fieldcheck.Company, "ABC Co.Ltd.", ""}, // .ltd is a real top-level domain; Co.Ltd is not a host
		{fieldcheck.Company, "Yamada Trading Corp.Inc.", ""},
		{fieldcheck.Company, "K.K. Yamada", ""},
		{fieldcheck.Company, "ABC.Inc", ""},
		{fieldcheck.Company, "Nakamura.Co", ""},
		{fieldcheck.Company, "Holdings Pty.Ltd", ""},
		{fieldcheck.Company, "Big Data: 株式会社", ""},
		{fieldcheck.Company, "1.5倍 株式会社", ""},
		{fieldcheck.Company, strings.Repeat("社", 100), ""},
		{fieldcheck.Department, "営業部。第一課", ""},
		{fieldcheck.Title, "Ver. 2.5 担当", ""},
		{fieldcheck.Phone, "03-1234-5678 (代表)", ""},

		// Links, however written.
		{fieldcheck.Company, "【重要】パスワード再設定のお願い https://evil.example/reset", fieldcheck.Link},
		{fieldcheck.Company, "evil.example/reset", fieldcheck.Link},
		{fieldcheck.Company, "bit.ly/3abc", fieldcheck.Link},
		{fieldcheck.Company, "ｈｔｔｐｓ：／／ｅｖｉｌ．ｅｘａｍｐｌｅ", fieldcheck.Link}, // full-width, folded by NFKC
		{fieldcheck.Company, "hxxps://evil[.]example/reset", fieldcheck.Link},
		{fieldcheck.Company, "HXXP:evil", fieldcheck.Link},
		{fieldcheck.Company, "javascript:alert(1)", fieldcheck.Link},
		{fieldcheck.Company, "www.evil.example", fieldcheck.Link},
		{fieldcheck.Company, "ｗｗｗ．ｅｖｉｌ．ｊｐ", fieldcheck.Link},
		{fieldcheck.Company, "evil.jp", fieldcheck.Link},      // a bare host on a real top-level domain
		{fieldcheck.Company, "evil.example", fieldcheck.Link}, // or on one reserved for examples
		{fieldcheck.Company, "Evil.COM 株式会社", fieldcheck.Link},
		{fieldcheck.Company, "evil[.]com", fieldcheck.Link}, // defanged, still typed by a reader
		{fieldcheck.Company, "evil(dot)com", fieldcheck.Link},
		{fieldcheck.Company, "evil。com", fieldcheck.Link},    // the ideographic full stop, which domain names accept
		{fieldcheck.Company, "evil。zz。com", fieldcheck.Link}, // each of them: evil.zz alone is no host
		{fieldcheck.Company, "evil。中国", fieldcheck.Link},     // beside a Latin letter on one side only
		{fieldcheck.Company, "悪。com", fieldcheck.Link},
		{fieldcheck.Company, "evil\u0338.com", fieldcheck.Link}, // a combining mark splitting the host
		{fieldcheck.Name, "t.co", fieldcheck.Link},              // no initial and name: a two-letter last part
		{fieldcheck.Name, "x.com/reset", fieldcheck.Link},       // a path: a link whatever it looks like
		{fieldcheck.Company, "Nakamura.Co/reset", fieldcheck.Link},
		{fieldcheck.Company, "evil.jp株式会社", fieldcheck.Link}, // a mail program's link ends where the Latin letters do
		{fieldcheck.Company, "パスワードはevil.jpへ", fieldcheck.Link},
		{fieldcheck.Company, "例え.jp", fieldcheck.Link},
		{fieldcheck.Company, "さくら.みんな", fieldcheck.Link}, // an international top-level domain
		{fieldcheck.Company, "192.0.2.1", fieldcheck.Link},
		{fieldcheck.Company, "intranet.corp:8080", fieldcheck.Link}, // a port makes a host of any name
		{fieldcheck.Company, "//evil.example", fieldcheck.Link},
		{fieldcheck.Company, "h\u200bttps://evil.example", fieldcheck.Link}, // split by an invisible character
		{fieldcheck.Name, "https://reset@evil.example", fieldcheck.Link},    // a link, though it holds an @
		{fieldcheck.Phone, "03-1234-5678 evil.example", fieldcheck.Link},

		// Somebody else's address.
		{fieldcheck.Name, "連絡は reset@evil.example まで", fieldcheck.Email},
		{fieldcheck.Name, "taro＠evil．example", fieldcheck.Email},
		{fieldcheck.Name, "taro[at]evil.example", fieldcheck.Email},
		{fieldcheck.Name, "hanako@yamada.example", fieldcheck.Email}, // the same domain, another person
		{fieldcheck.Name, to + " " + "reset@evil.example", fieldcheck.Email},

		// Pasted text, not a name.
		{fieldcheck.Name, strings.Repeat("山", 61), fieldcheck.TooLong},
		{fieldcheck.Name, strings.Repeat("山", 3996) + " 太郎", fieldcheck.TooLong},
		{fieldcheck.Company, strings.Repeat("社", 101), fieldcheck.TooLong},
		{fieldcheck.Phone, strings.Repeat("0", 65), fieldcheck.TooLong},
		{fieldcheck.Company, strings.Repeat("社", 200) + " https://evil.example", fieldcheck.Link}, // the worst is named
	} {
		if got := fieldcheck.Check(tt.field, tt.value, to); got != tt.want {
			t.Errorf("Check(%s, %.80q) = %q, want %q", tt.field, tt.value, got, tt.want)
		}
	}
}

func TestAFieldWithTheOwnAddressIsFineOnlyInItsNotice(t *testing.T) {
	for _, tt := range []struct {
		name   string
		emails []string
		want   []fieldcheck.Finding
	}{
		{"its only address", []string{to}, nil},
		{"one of two addresses", []string{to, "yamada@home.example"}, []fieldcheck.Finding{{fieldcheck.Name, fieldcheck.Email}}},
		{"no address at all", nil, []fieldcheck.Finding{{fieldcheck.Name, fieldcheck.Email}}},
	} {
		r := notify.Record{Given: to, Company: "株式会社やまだ", Emails: tt.emails}
		if got := fieldcheck.Record(r); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Record = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRecordNamesEveryFieldLeftOut(t *testing.T) {
	r := notify.Record{Family: "山田", Given: "太郎", FamilyKana: "www.evil.example", Company: "evil.example/reset",
		Department: strings.Repeat("部", 101), Title: "課長", Notes: "https://yamada.example がサイト", Emails: []string{to}}
	want := []fieldcheck.Finding{
		{fieldcheck.Kana, fieldcheck.Link}, {fieldcheck.Company, fieldcheck.Link}, {fieldcheck.Department, fieldcheck.TooLong},
	}
	if got := fieldcheck.Record(r); !reflect.DeepEqual(got, want) {
		t.Errorf("Record = %v, want %v (and never the notes, which no notice prints)", got, want)
	}
	for f, want := range map[fieldcheck.Finding]string{
		{fieldcheck.Company, fieldcheck.Link}:       "the company name is left out of notices: it holds a link",
		{fieldcheck.Name, fieldcheck.Email}:         "the name is left out of notices: it holds an e-mail address other than the person's own",
		{fieldcheck.Name, fieldcheck.TooLong}:       "the name is left out of notices: it is longer than 60 characters",
		{fieldcheck.Department, fieldcheck.TooLong}: "the department is left out of notices: it is longer than 100 characters",
	} {
		if got := wording.English(f.Said()); got != want {
			t.Errorf("%v says %q, want %q", f, got, want)
		}
	}
}

func TestPrintableLeavesOutWhatANoticeMustNotPrint(t *testing.T) {
	c := notify.Contact{ID: 7, Category: notify.Customer, OwnerEmail: "n-fujii@sakura-print.example.jp", RuleDetail: notify.Written("company \"evil.example\""),
		Record: notify.Record{Family: "山田", Given: "reset@evil.example", FamilyKana: "やまだ", GivenKana: "たろう",
			Company: "【重要】パスワード再設定のお願い https://evil.example/reset", Department: "営業部", Title: "課長",
			Phones: []string{"03-1234-5678", "evil.example/call"}, Labels: []string{"要注意"}, Notes: "怒りっぽい", Emails: []string{to}}}
	want := notify.Contact{ID: 7, Category: notify.Customer, Record: notify.Record{FamilyKana: "やまだ", GivenKana: "たろう",
		Department: "営業部", Title: "課長", Phones: []string{"03-1234-5678"}, Emails: []string{to}}}
	if got := fieldcheck.Printable(c, to); !reflect.DeepEqual(got, want) {
		t.Errorf("Printable =\n%+v, want\n%+v", got, want)
	}

	owner := notify.Staff{Name: "藤井 evil.example/reset", Email: "n-fujii@sakura-print.example.jp", Phone: "https://evil.example"}
	if got := fieldcheck.Staff(owner, to); got != (notify.Staff{Email: owner.Email}) {
		t.Errorf("Staff = %+v, want the name and phone left out", got)
	}
	owner = notify.Staff{Name: "藤井 直樹", Email: "n-fujii@sakura-print.example.jp", Phone: "080-0000-5678"}
	if got := fieldcheck.Staff(owner, to); got != owner {
		t.Errorf("Staff = %+v, want %+v as it is", got, owner)
	}
}

// An import runs Record on every entry: a typical one must cost little
// next to storing it.
func BenchmarkRecord(b *testing.B) {
	r := notify.Record{Family: "山田", Given: "太郎", FamilyKana: "やまだ", GivenKana: "たろう", Company: "Sakura Printing Co.,Ltd.",
		Department: "営業部 第一課", Title: "課長", Emails: []string{to}}
	for b.Loop() {
		if fieldcheck.Record(r) != nil {
			b.Fatal("a typical entry was flagged")
		}
	}
}

// Whatever a field holds, what Printable keeps is safe to print.
func FuzzPrintableKeepsOnlyWhatIsSafe(f *testing.F) {
	for _, s := range []string{"山田", "evil.example/reset", "ｈｔｔｐｓ：／／ｅｖｉｌ．ｊｐ", "a@b.example", "evil。zz。com", "x[.]jp", "Co.Ltd.", "192.0.2.1"} {
		f.Add(s, "太郎")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		c := notify.Contact{Record: notify.Record{Family: a, Given: b, Company: a + b, Department: b, Title: a, FamilyKana: b, Emails: []string{to}}}
		p := fieldcheck.Printable(c, to)
		if got := fieldcheck.Notice(p.Record, to); len(got) != 0 {
			t.Errorf("Printable(%q, %q) kept %v", a, b, got)
		}
	})
}
