package wording_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/classify"
	"github.com/owabi/owabi/notify/wording"
)

// english finds what would still be English after translation: common
// words outside the values quoted from the file.
var (
	quoted  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"…?|「[^」]*」`)
	english = regexp.MustCompile(`(?i)\b(the|is|has|have|not|no|an?|it|of|with|line|field|domain|entry|contains|was|cannot|be|or|and|under|company|labels)\b`)
)

func assertJapanese(t *testing.T, msg string) {
	t.Helper()
	ja := wording.Japanese(msg)
	if w := english.FindString(quoted.ReplaceAllString(ja, "")); w != "" {
		t.Errorf("%q\n  in Japanese: %q (still has %q)", msg, ja, w)
	}
}

// messagesOf reads a book with the real readers and returns every reason
// and warning they give, and any error that stopped them.
func messagesOf(t *testing.T, book string) []string {
	t.Helper()
	var out []string
	b, err := addrbook.Open(strings.NewReader(book), "", nil)
	for err == nil {
		var rec notify.Record
		rec, err = b.Next()
		out = append(out, rec.Warnings...)
		var row *addrbook.RowError
		if errors.As(err, &row) {
			out, err = append(out, row.Reason), nil
		}
	}
	if err.Error() != "EOF" {
		out = append(out, "book.csv: "+err.Error())
	}
	if len(out) == 0 {
		t.Fatalf("no messages from %q", book)
	}
	return out
}

func TestEveryReasonReadsInJapanese(t *testing.T) {
	const google = "Name,Given Name,Family Name,Organization 1 - Name,Phone 1 - Value,E-mail 1 - Value\n"
	books := []string{
		google + "山田,太郎,山田,,03-0000-0000,\n" + // no address
			"a,b,c,,,a@@example.jp\n" + "a,b,c,,,a@example..jp\n" + "a,b,c,,,@example.jp\n" + "a,b,c,,,a b@example.jp\n" +
			"a,b,c,,,a@-example.jp\n" + "a,b,c,,,a@example\n" + "a,b,c,,,a@192.168.0.1\n" + "a,b,c,,,あ@example.jp\n" +
			"a,b,c,,,a@xn--zz.jp\n" + "\"a\x01\",b,c,,,a@example.jp\n" + "a,b,c,Ｘ社\x7f,,a@example.jp\n" +
			"a,b,c,,abc,a@example.jp\n" + "a,b,c,,http://x.example/123,a@example.jp\n" + "a,b,c,,,ａ@аpple.com\n" +
			"a,b,c,,,a@\xff.jp\n" + "a,b\xff,c,,,a@example.jp\n" + "a,b,c,,,\"a\"@x.jp\n" + "a,\"b\"c\",d,,,a@example.jp\n",
		"Name,E-mail 1 - Value\na,\"b@example.jp\nc,d\n",
		"",
		"Surname,Mail\n山田,taro@example.jp\n",
		"BEGIN:VCARD\nVERSION:2.1\nN;ENCODING=BASE99:x\nEMAIL:a@example.jp\nEND:VCARD\n" +
			"stray text\n\n" +
			"BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=KOI9:x\nEMAIL:a@example.jp\nEND:VCARD\n" +
			"BEGIN:VCARD\nVERSION:2.1\nN;ENCODING=QUOTED-PRINTABLE:=ZZ\nEMAIL:a@example.jp\nEND:VCARD\n" +
			"BEGIN:VCARD\nVERSION:2.1\nN;ENCODING=QUOTED-PRINTABLE:Mu=F1oz\nEMAIL:a@example.jp\nEMAIL:a@example\nEND:VCARD\n" +
			"BEGIN:VCARD\nVERSION:3.0\nFN:x\nEND:VCARD\n" +
			"BEGIN:VCARD\nVERSION:3.0\nFN:x\n",
	}
	for _, book := range books {
		for _, msg := range messagesOf(t, book) {
			assertJapanese(t, msg)
		}
	}
}

func TestEveryCategoryReasonReadsInJapanese(t *testing.T) {
	c := classify.New(classify.Rules{OwnDomains: []string{"sakura.example"},
		Masters: []classify.Master{{Code: "C0001", Company: "株式会社山田", Domain: "yamada.example", Category: notify.Customer},
			{Code: "S0001", Company: "鈴木商事", Category: notify.Supplier}},
		Labels: map[string]notify.Category{"顧客": notify.Customer, "社員": notify.Employee}})
	for _, r := range []notify.Record{
		{Emails: []string{"a@tokyo.sakura.example"}},
		{Emails: []string{"a@mail.yamada.example"}},
		{Company: "鈴木商事", Emails: []string{"a@x.example"}},
		{Labels: []string{"顧客", "社員"}, Emails: []string{"a@x.example"}},
		{Labels: []string{"社員"}, Emails: []string{"a@xn--skura-4ve.example"}}, // sаkura, Cyrillic а
		{Emails: []string{"a@yarnada.example"}},
	} {
		d := c.Classify(r)
		if d.Detail == "" {
			t.Fatalf("%+v: no detail", r)
		}
		assertJapanese(t, d.Detail)
	}
}

func TestTheWordingOfSomeMessages(t *testing.T) {
	for en, ja := range map[string]string{
		"no e-mail address": "メールアドレスがありません",
		`invalid e-mail address "a@x": the domain has no dot, so it was left out`:                                                                                                                           `メールアドレス "a@x" は使えません: ドメインに「.」がありません。そのため取り込みませんでした`,
		`the company name has bytes that cannot be decoded as UTF-8, so it was left out`:                                                                                                                    "会社名に UTF-8 として読めないバイトがあります。そのため取り込みませんでした",
		"the name was read as Windows-1252 (Western European), as it names no character set and is not UTF-8: check it":                                                                                     "氏名は文字セットの指定がなく UTF-8 でもないため、Windows-1252（西欧）として読みました。確かめてください",
		`the header looks like Google Contacts CSV but has no "First Name" and "Last Name" columns. Name the columns with --map, e.g. --map email=メール,name=氏名 (the columns are "Name", "E-mail 1 - Value")`: `見出しは Google Contacts CSV の形ですが、"First Name" と "Last Name" の列がありません。設定ファイルの [import] map で列を指定してください（例: email=メール,name=氏名。このファイルの列: "Name", "E-mail 1 - Value"）`,
		`the "Given Name" field is longer than 65536 bytes`:                                                                                                                                                 `"Given Name"の欄が 65536 バイトを超えています`,
		"the column 7 field has bytes that cannot be decoded (is the file in another encoding?)":                                                                                                            "7 列目の欄に読めないバイトがあります（ファイルの文字コードが違うのでは？）",
		`invalid e-mail address "a@@x.jp": it has more than one @`:                                                                                                                                          `メールアドレス "a@@x.jp" は使えません: @ が 2 つ以上あります`,
		`the phone "abc" was left out: it has fewer than three digits`:                                                                                                                                      `電話 "abc" は取り込みませんでした: 数字が 3 つ未満です`,
		"the name contains a line break":                                                                                                           "氏名に改行があります",
		`malformed CSV: a " in a field that is not quoted (on line 4)`:                                                                             `CSV の形の誤り: " で囲まれていない欄に " があります（4 行目）`,
		"domain a.yamada.example under yamada.example (C0001 株式会社山田)":                                                                              "ドメイン a.yamada.example（yamada.example の配下）（C0001 株式会社山田）",
		"the import was undone, but kept 2 contacts staff had already worked on (numbers 1600, 1601)":                                              "取り込みは元に戻しましたが、担当者がすでに対応した連絡先 2 件（番号 1600, 1601）は残しました",
		"something owabi has not learnt to say in Japanese":                                                                                        "something owabi has not learnt to say in Japanese",
		`the phone "03" was left out: it has fewer than three digits; the name contains a line break`:                                              `電話 "03" は取り込みませんでした: 数字が 3 つ未満です / 氏名に改行があります`,
		`invalid e-mail address "{r}@x": it has no @`:                                                                                              `メールアドレス "{r}@x" は使えません: @ がありません`,
		`the domain "xn--pple-43d.com" shows as "аpple.com", which mixes Latin and Cyrillic letters: it may imitate another domain`:                `ドメイン "xn--pple-43d.com" は "аpple.com" と表示され、ラテン文字・キリル文字が混ざっています。別のドメインを装っているおそれがあります`,
		`the domain "sakura-prіnt.example.jp" (xn--sakura-prnt-7vj.example.jp) may imitate sakura-print.example.jp, the organisation's own domain`: `ドメイン "sakura-prіnt.example.jp"（xn--sakura-prnt-7vj.example.jp）は自社のドメイン sakura-print.example.jp に見せかけた可能性があります`,
		`the domain "kikyo-f0ods.example" may imitate kikyo-foods.example, the domain of C0061 桔梗フーズ株式会社`:                                          `ドメイン "kikyo-f0ods.example" は C0061 桔梗フーズ株式会社 のドメイン kikyo-foods.example に見せかけた可能性があります`,
		"the company name is left out of notices: it holds a link":                                                                                 "会社名は通知に載せません: リンクが書かれています",
		"the name is left out of notices: it holds an e-mail address other than the person's own":                                                  "氏名は通知に載せません: 本人のもの以外のメールアドレスが書かれています",
		"the department is left out of notices: it is longer than 100 characters; the phonetic name is left out of notices: it holds a link":       "部署は通知に載せません: 100 文字を超えています / ふりがなは通知に載せません: リンクが書かれています",
	} {
		if got := wording.Japanese(en); got != ja {
			t.Errorf("%q\n got %q\nwant %q", en, got, ja)
		}
	}
}

func TestHugeMessagesStayQuick(t *testing.T) {
	msg := strings.Repeat("a: ", 5000) + "no e-mail address"
	if got := wording.Japanese(msg); got != msg {
		t.Errorf("a huge message was translated")
	}
	many := strings.Repeat(`the phone "x" was left out: it has fewer than three digits; `, 30) + "no e-mail address"
	if got := wording.Japanese(many); strings.Count(got, "数字が 3 つ未満です") != 30 {
		t.Errorf("30 warnings: %q", got)
	}
}

// FuzzJapanese checks that any text, however made, comes back quickly,
// without a panic, and not much longer than it went in.
func FuzzJapanese(f *testing.F) {
	for _, s := range []string{"no e-mail address", `invalid e-mail address "a@@x": it has no @`, "{r}: {r2}; {l}",
		`the phone "x" was left out: it has fewer than three digits; the name contains a line break`,
		"book.csv: nothing was imported: not a vCard file: it does not start with BEGIN:VCARD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := wording.Japanese(s); len(got) > 4*len(s)+200 {
			t.Errorf("%q became %d bytes", s, len(got))
		}
	})
}
