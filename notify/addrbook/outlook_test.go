package addrbook_test

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
)

// openBook decodes a file as owabi import does and reads every entry,
// failing the test on a fatal error.
func openBook(t *testing.T, data []byte, format string, m addrbook.Mapping) (book addrbook.Book, encoding string, recs []notify.Record, bad []*addrbook.RowError) {
	t.Helper()
	text, encoding := addrbook.Decode(bytes.NewReader(data))
	book, err := addrbook.Open(text, format, m)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	recs, bad = readEntries(t, book, len(data))
	return book, encoding, recs, bad
}

func TestOutlookEnglish(t *testing.T) {
	data, err := os.ReadFile("../../testdata/books/outlook_en.csv")
	if err != nil {
		t.Fatal(err)
	}
	book, enc, recs, bad := openBook(t, data, "", nil)
	if book.Format() != addrbook.FormatOutlook || enc != addrbook.UTF8BOM {
		t.Errorf("format %q, encoding %q", book.Format(), enc)
	}
	want := []notify.Record{{
		Number: 1, Line: 2, Family: "Smith", Given: "John",
		Company: "Acme Trading, Inc.", Department: "Purchasing", Title: "Manager",
		Emails: []string{"John.Smith@acme-trading.example"}, Phones: []string{"+1 206 555 0100", "+1 206 555 0199"},
		Labels: []string{"Customers", "VIP"}, Notes: "Met at \"Expo 2026\", Tokyo.\nPrefers e-mail.",
	}, {
		// The first address is an Exchange X.500 name; the second is used.
		Number: 2, Line: 4, Family: "佐藤", Given: "花子", Company: "さくら印刷株式会社", Department: "営業部",
		Emails: []string{"hanako.sato@sakura-print.example.jp"}, Labels: []string{"社員"},
	}, {
		Number: 4, Line: 6, Family: "山田", Given: "太郎", Company: "株式会社ききょう食品", Phones: []string{"03-0000-1111"},
		Emails: []string{"taro.yamada@kikyo-foods.example", "taro@freemail.example.jp"},
	}}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("got  %+v\nwant %+v", recs, want)
	}
	wantBad := []rejected{{Number: 3, Line: 5, Reason: "only an internal Exchange (X.500) name, no e-mail address"}}
	if !reflect.DeepEqual(rejections(bad), wantBad) {
		t.Errorf("rejected %+v, want %+v", bad, wantBad)
	}
}

func TestOutlookJapaneseCP932(t *testing.T) {
	data, err := os.ReadFile("../../testdata/books/outlook_ja_cp932.csv")
	if err != nil {
		t.Fatal(err)
	}
	book, enc, recs, bad := openBook(t, data, "", nil)
	if book.Format() != addrbook.FormatOutlookJa || enc != addrbook.CP932 {
		t.Errorf("format %q, encoding %q", book.Format(), enc)
	}
	want := []notify.Record{{
		Number: 1, Line: 2, Family: "髙橋", Given: "一郎", FamilyKana: "タカハシ", GivenKana: "イチロウ",
		Company: "㈱髙橋製作所", Department: "営業部", Title: "課長",
		Emails: []string{"ichiro@takahashi-ss.example"}, Phones: []string{"03-1234-5678", "090-1111-2222"},
		Labels: []string{"顧客", "重要"}, Notes: "①初回訪問済み、\n②見積送付\"至急\"",
	}, {
		Number: 2, Line: 4, Family: "﨑山", Given: "花子", Company: "さくら印刷株式会社", Department: "総務部",
		Emails: []string{"h-sakiyama@sakura-print.example.jp"}, Labels: []string{"社員"},
	}, {
		// A full-width address, as typed with a Japanese input method.
		Number: 4, Line: 6, Family: "佐藤", Given: "恵", Company: "株式会社ミナト物流",
		Emails: []string{"SATO.Megumi@minato-logi.example"},
	}}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("got  %+v\nwant %+v", recs, want)
	}
	wantBad := []rejected{{Number: 3, Line: 5, Reason: "no e-mail address"}}
	if !reflect.DeepEqual(rejections(bad), wantBad) {
		t.Errorf("rejected %+v, want %+v", bad, wantBad)
	}
}

func TestMappedCSV(t *testing.T) {
	const data = "\ufeff氏名,ふりがな,会社名,メール,メール2,電話\r\n" +
		"山田 太郎,やまだ たろう,㈱やまだ,taro@yamada.example,,03-0000-0000\r\n" +
		"佐藤 花子,,,,,\r\n" +
		"鈴木 一郎,,鈴木商店,,ichiro@suzuki.example,\r\n"
	m, err := addrbook.ParseMapping("email=メール, email=メール2, name=氏名, kana=ふりがな, company=会社名, phone=電話")
	if err != nil {
		t.Fatal(err)
	}
	book, _, recs, bad := openBook(t, []byte(data), "", m)
	if book.Format() != addrbook.FormatCSV {
		t.Errorf("format %q", book.Format())
	}
	want := []notify.Record{
		{Number: 1, Line: 2, Family: "山田 太郎", FamilyKana: "やまだ たろう", Company: "㈱やまだ",
			Emails: []string{"taro@yamada.example"}, Phones: []string{"03-0000-0000"}},
		{Number: 3, Line: 4, Family: "鈴木 一郎", Company: "鈴木商店", Emails: []string{"ichiro@suzuki.example"}},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("got  %+v\nwant %+v", recs, want)
	}
	if len(bad) != 1 || bad[0].Line != 3 || english(bad[0].Reason) != "no e-mail address" {
		t.Errorf("rejected %+v", bad)
	}
}

func TestFormatDetectionAndErrors(t *testing.T) {
	tests := []struct {
		name, data, format string
		m                  string
		want               string // the format read, or the error
	}{
		{"google", "First Name,Last Name,E-mail 1 - Value\n", "", "", addrbook.FormatGoogle},
		{"old google", "Name,Given Name,Family Name,Group Membership,E-mail 1 - Value\n", "", "", addrbook.FormatGoogleOld},
		{"outlook", "First Name,Last Name,E-mail Address\n", "", "", addrbook.FormatOutlook},
		{"outlook ja, full-width header", "姓,名,電子メール　アドレス\n", "", "", addrbook.FormatOutlookJa},
		{"outlook without name columns", "E-mail Address,E-mail 2 Address\n", "", "", addrbook.FormatOutlook},
		{"thunderbird", "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,Work Phone\n", "", "", addrbook.FormatTBird},
		{"thunderbird, the address column only", "Primary Email\n", "", "", addrbook.FormatTBird},
		{"forced thunderbird on outlook", "First Name,Last Name,E-mail Address\n", "thunderbird-csv", "", `not a Thunderbird CSV export: no "Primary Email" column`},
		{"vcard", "\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n", "", "", addrbook.FormatVCard},
		{"unknown", "氏名,メール\n", "", "",
			`not a CSV address book: the header has no "E-mail 1 - Value" (Google Contacts), "E-mail Address" or "電子メール アドレス" (Outlook), or "Primary Email" (Thunderbird) column. Name the columns with --map, e.g. --map email=メール,name=氏名 (the columns are "氏名", "メール")`},
		{"mapped", "氏名,メール\n", "", "email=メール,name=氏名", addrbook.FormatCSV},
		{"mapped column missing", "氏名,メール\n", "csv", "email=Eメール",
			`not a CSV address book: no column "Eメール", which the mapping names for email; the columns are "氏名", "メール"`},
		{"csv without a mapping", "氏名,メール\n", "csv", "", "not a CSV address book: the columns are not named; give a mapping such as --map email=メール,name=氏名"},
		{"forced google on outlook", "First Name,Last Name,E-mail Address\n", "google-csv", "", `not a Google Contacts CSV export: no "E-mail 1 - Value" column`},
		{"forced outlook on google", "First Name,Last Name,E-mail 1 - Value\n", "outlook-csv", "", `not an Outlook CSV export: no "E-mail Address" (電子メール アドレス) column`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m addrbook.Mapping
			if tt.m != "" {
				var err error
				if m, err = addrbook.ParseMapping(tt.m); err != nil {
					t.Fatal(err)
				}
			}
			book, err := addrbook.Open(strings.NewReader(tt.data), tt.format, m)
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = book.Format()
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseMappingErrors(t *testing.T) {
	for in, want := range map[string]string{
		"name=氏名":             "the mapping names no email column (e.g. email=メール)",
		"email":               `"email": write each column as field=header, e.g. email=メール`,
		"email=メール,mail=メール2": `"mail=メール2": unknown field "mail"; the fields are email, phone, name, family, given, kana, family_kana, given_kana, company, department, title, labels, notes`,
	} {
		if _, err := addrbook.ParseMapping(in); err == nil || err.Error() != want {
			t.Errorf("ParseMapping(%q) = %v\nwant %s", in, err, want)
		}
	}
}

func TestPhonesWorkFirstAndNoLinks(t *testing.T) {
	const data = "First Name,Last Name,Assistant's Phone,Home Phone,Business Phone,Mobile Phone,E-mail Address\n" +
		"太郎,山田,03-9999-0000,045-000-0000,03-1234-5678 (代表),https://evil.example/x,taro@example.jp\n"
	_, _, recs, bad := openBook(t, []byte(data), "", nil)
	if len(recs) != 1 || len(bad) != 0 {
		t.Fatalf("got %+v, rejected %+v", recs, bad)
	}
	r := recs[0]
	if want := []string{"03-1234-5678 (代表)", "045-000-0000", "03-9999-0000"}; !reflect.DeepEqual(r.Phones, want) {
		t.Errorf("phones %q, want %q", r.Phones, want)
	}
	if want := []string{`the phone "https://evil.example/x" was left out: it holds a link or an address`}; !reflect.DeepEqual(englishAll(r.Warnings), want) {
		t.Errorf("warnings %q, want %q", r.Warnings, want)
	}
}

// Thunderbird's CSV export, and an Outlook one whose user left out the
// name columns, are read without a --map.
func TestThunderbirdAndNamelessOutlookCSV(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		want       notify.Record
	}{
		{"thunderbird",
			"First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Job Title,Department,Organization,Notes\n" +
				"Taro,Yamada,Taro Yamada,,taro@example.jp,t.yamada@example.com,,03-0000-0001,03-0000-0002,03-0000-0003,,090-0000-0004,Manager,Sales,Example KK,met in Osaka\n",
			notify.Record{Number: 1, Line: 2, Family: "Yamada", Given: "Taro", Company: "Example KK", Department: "Sales", Title: "Manager",
				Emails: []string{"taro@example.jp", "t.yamada@example.com"}, Phones: []string{"03-0000-0001", "090-0000-0004", "03-0000-0002"}, Notes: "met in Osaka"}},
		{"thunderbird, display name only", "Display Name,Primary Email\n山田太郎,taro@example.jp\n",
			notify.Record{Number: 1, Line: 2, Family: "山田太郎", Emails: []string{"taro@example.jp"}}},
		{"outlook without name columns", "E-mail Address,E-mail 2 Address,E-mail 3 Address\ntest1@example.jp,test2@example.jp,\n",
			notify.Record{Number: 1, Line: 2, Emails: []string{"test1@example.jp", "test2@example.jp"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			book, err := addrbook.Open(strings.NewReader(tt.data), "", nil)
			if err != nil {
				t.Fatal(err)
			}
			recs, bad := readEntries(t, book, len(tt.data))
			checkBook(t, recs, bad, []notify.Record{tt.want}, nil)
		})
	}
}
