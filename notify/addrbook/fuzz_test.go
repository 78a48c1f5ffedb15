package addrbook_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
)

const fuzzHeader = "First Name,Last Name,Organization Name,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Value,Phone 1 - Value\n"

func FuzzGoogleCSV(f *testing.F) {
	f.Add([]byte(fuzzHeader + "太郎,山田,さくら印刷株式会社,,* myContacts,* Work,taro@example.jp,,03-0000-0000\n"))
	f.Add([]byte("\ufeff" + strings.ReplaceAll(fuzzHeader, "\n", "\r\n") + "太郎,山田,,\"a,\r\n\"\"b\"\"\",顧客 ::: * myContacts,* Work,a@example.jp ::: b@example.jp,c@example.jp,\r\n"))
	f.Add([]byte(fuzzHeader + "太\"郎,山田,,,,,taro@example.jp\n花子,佐藤,,,,,hanako@example.jp\n"))
	f.Add([]byte(fuzzHeader + "\"Bob\r\nBcc: x@y\",Smith,,,,,bob@example.com\n"))
	f.Add([]byte(fuzzHeader + "太郎,\"山田,,,,,taro@example.jp\n"))
	f.Add([]byte(fuzzHeader + "太郎,山田,,,,,ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ,TARO@example.jp\n,,,,,,,\n\xff,,,,,,x@y.jp\n"))
	if data, err := readFileBytes(sampleBook); err == nil && len(data) > 2000 {
		f.Add(data[:2000]) // a cut in the middle of an entry
	}
	f.Add([]byte("\xff\xfeF\x00i\x00r\x00s\x00t\x00 \x00N\x00a\x00m\x00e\x00,\x00"))         // UTF-16LE, cut short
	f.Add(append([]byte(fuzzHeader), "\x8d\x82\x8b\xb4,\x87\x40\x81,,,,,a@example.jp\n"...)) // CP932 髙橋 and ①, then a cut-off byte
	f.Fuzz(func(t *testing.T, data []byte) {
		text, _ := addrbook.Decode(bytes.NewReader(data))
		if g, err := addrbook.NewGoogleCSV(text); err == nil {
			checkEntries(t, g, len(data))
		}
	})
}

// FuzzOpen reads anything as owabi import does, telling the format from the
// content: vCard, Google, Outlook, or a CSV with mapped columns.
func FuzzOpen(f *testing.F) {
	for _, name := range []string{"outlook_en.csv", "outlook_ja_cp932.csv", "google_cp932.csv", "vcard21_outlook_cp932.vcf"} {
		if data, err := readFileBytes("../../testdata/books/" + name); err == nil {
			f.Add(data, "")
		}
	}
	f.Add([]byte("氏名,メール,会社名\n山田 太郎,taro@example.jp,㈱やまだ\n"), "email=メール,name=氏名,company=会社名")
	f.Add([]byte("\ufeff姓,名,電子メール アドレス,電子メール 2 アドレス\r\n山田,太郎,/o=ExchangeLabs/cn=x,taro@example.jp\r\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, mapping string) {
		m, err := addrbook.ParseMapping(mapping)
		if err != nil {
			m = nil
		}
		text, _ := addrbook.Decode(bytes.NewReader(data))
		if book, err := addrbook.Open(text, "", m); err == nil {
			checkEntries(t, book, len(data))
		}
	})
}

// checkEntries reads book to the end and fails on anything the import must
// never get: a fatal error from memory, a reader that does not stop, an
// entry out of numbering, an address that is not in its final form, or a
// name, company or title with a control character or line break (it could
// reach a mail header).
func checkEntries(t *testing.T, book addrbook.Book, size int) {
	t.Helper()
	// Every call consumes at least one byte of input or ends the file.
	for range size + 2 {
		rec, err := book.Next()
		var re *addrbook.RowError
		switch {
		case err == io.EOF:
			if _, err := book.Next(); err != io.EOF {
				t.Fatalf("Next after io.EOF: %v", err)
			}
			return
		case errors.As(err, &re):
			if re.Line < 1 || re.Number < 1 || re.Reason.IsZero() {
				t.Fatalf("RowError %+v: line, number or reason out of range", re)
			}
			continue
		case err != nil && notify.ErrorCode(err) == notify.EINVALID:
			// A file that cannot be read on (a quote that swallows the
			// rest): a reason about the file, given again on every call.
			if _, again := book.Next(); again != err {
				t.Fatalf("a fatal error did not repeat: %v, then %v", err, again)
			}
			return
		case err != nil:
			t.Fatalf("fatal error reading from memory: %v", err)
		}
		if rec.Line < 1 || rec.Number < 1 || len(rec.Emails) == 0 {
			t.Fatalf("record %+v: line, number or addresses out of range", rec)
		}
		for _, e := range rec.Emails {
			n, err := addrbook.NormalizeEmail(e)
			if err != nil || n != e {
				t.Fatalf("address %q re-normalises to %q, %v", e, n, err)
			}
		}
		for _, s := range []string{rec.Family, rec.Given, rec.FamilyKana, rec.GivenKana, rec.Company, rec.Department, rec.Title} {
			if strings.IndexFunc(s, func(r rune) bool {
				return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufffd'
			}) >= 0 {
				t.Fatalf("record %+v: control character or line break in %q", rec, s)
			}
		}
	}
	t.Fatalf("Next did not return io.EOF after %d calls", size+2)
}

func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{"email=メール,name=氏名,company=会社名", "email=a,email=b,phone=c", "name=x", "=", "email=,", "EMAIL = メール ,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := addrbook.ParseMapping(s)
		if err != nil {
			return
		}
		if len(m["email"]) == 0 {
			t.Fatalf("ParseMapping(%q) = %v without an email column", s, m)
		}
		for k, names := range m {
			for _, n := range names {
				if n == "" || k == "" {
					t.Fatalf("ParseMapping(%q) = %v: an empty name", s, m)
				}
			}
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{
		"taro@example.jp", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "\u3000Taro@EXAMPLE.jp ", "a@b", "o'brien@example.com",
		"taro..@docomo.ne.jp", "a@例え.jp", "x\r\n@y.jp", "﹫@example.jp", "ﬁ@example.jp", "①@example.jp",
		"ｉｎｆｏ＠例え．テスト", "info@例え。ﾃｽﾄ", "x@XN--R8JZ45G.jp", "x@xn--pple-43d.com", "x@аррӏе.com", "x@faß.DE",
		"x@xn--zz.jp", "x@☃.net", "x@1العربية.com", "x@\u0301a.jp", "x@ab--cd.例え.jp",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = addrbook.LookAlike(s) // must not panic, even on what is not an address
		n, err := addrbook.NormalizeEmail(s)
		if err != nil {
			return
		}
		for i := 0; i < len(n); i++ {
			if n[i] >= utf8.RuneSelf {
				t.Fatalf("NormalizeEmail(%q) = %q is not ASCII", s, n)
			}
		}
		_ = addrbook.LookAlike(n)
		d, err := addrbook.NormalizeDomain(n[strings.IndexByte(n, '@')+1:])
		if err != nil || d != n[strings.IndexByte(n, '@')+1:] {
			t.Fatalf("the domain of %q re-normalises to %q, %v", n, d, err)
		}
		if m, err := addrbook.NormalizeEmail(n); err != nil || m != n {
			t.Fatalf("NormalizeEmail(%q) = %q, but again gives %q, %v", s, n, m, err)
		}
		if i := strings.IndexFunc(n, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }); i >= 0 {
			t.Fatalf("NormalizeEmail(%q) = %q has white space or a control character", s, n)
		}
		if len(n) > 254 || strings.Count(n, "@") != 1 {
			t.Fatalf("NormalizeEmail(%q) = %q: too long or not one @", s, n)
		}
	})
}
