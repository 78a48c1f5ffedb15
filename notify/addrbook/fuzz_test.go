package addrbook_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

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
		g, err := addrbook.NewGoogleCSV(text)
		if err != nil {
			return
		}
		// Every call consumes at least one byte of input or ends the file.
		for range len(data) + 2 {
			rec, err := g.Next()
			var re *addrbook.RowError
			switch {
			case err == io.EOF:
				return
			case errors.As(err, &re):
				if re.Line < 2 || re.Number < 1 {
					t.Fatalf("RowError %+v: line or number out of range", re)
				}
				continue
			case err != nil:
				t.Fatalf("fatal error reading from memory: %v", err)
			}
			if rec.Line < 2 || rec.Number < 1 || len(rec.Emails) == 0 {
				t.Fatalf("record %+v: line, number or addresses out of range", rec)
			}
			for _, e := range rec.Emails {
				n, err := addrbook.NormalizeEmail(e)
				if err != nil || n != e {
					t.Fatalf("address %q re-normalises to %q, %v", e, n, err)
				}
				if strings.ContainsAny(e, "\r\n") {
					t.Fatalf("address %q has a line break", e)
				}
			}
			for _, s := range []string{rec.Family, rec.Given, rec.FamilyKana, rec.GivenKana, rec.Company, rec.Department, rec.Title} {
				if strings.IndexFunc(s, unicode.IsControl) >= 0 {
					t.Fatalf("record %+v: control character in %q", rec, s)
				}
			}
		}
		t.Fatalf("Next did not return io.EOF after %d calls", len(data)+2)
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
