package addrbook_test

import (
	"testing"

	"github.com/owabi/owabi/notify/addrbook"
)

func TestLookAlike(t *testing.T) {
	tests := []struct {
		in, want string // in is normalised first
	}{
		{"taro@example.jp", ""},
		{"taro@Zakuro-Foods.example", ""},
		{"info@日本語.jp", ""},
		{"info@ドメイン名例.jp", ""},
		{"info@例え.テスト", ""},
		{"info@ｼｮｯﾌﾟ123.jp", ""},    // half-width katakana and digits
		{"info@abcショップ.jp", ""},     // Latin with Japanese
		{"info@ア・イ.jp", ""},         // ・ is common to all scripts
		{"info@한국어.kr", ""},         // Hangul
		{"info@中文域名.cn", ""},        // Han
		{"info@bücher.de", ""},      // Latin only
		{"info@пример.рф", ""},      // Cyrillic, not all look-alikes
		{"info@аррӏе.рф", ""},       // all look-alikes, but in a Cyrillic domain
		{"info@العربية.com", ""},    // Arabic
		{"info@ελληνικά.gr", ""},    // Greek
		{"info@xn--r8jz45g.jp", ""}, // 例え, as punycode
		{"info@a-1.xn--zckzah", ""}, // テスト
		{"x@аpple.com", `the domain "xn--pple-43d.com" shows as "аpple.com", which mixes Latin and Cyrillic letters: it may imitate another domain`},
		{"x@xn--pple-43d.com", `the domain "xn--pple-43d.com" shows as "аpple.com", which mixes Latin and Cyrillic letters: it may imitate another domain`},
		{"x@раypal.com", `the domain "xn--ypal-43d9g.com" shows as "раypal.com", which mixes Latin and Cyrillic letters: it may imitate another domain`},
		{"x@gοοgle.com", `the domain "xn--ggle-0nda.com" shows as "gοοgle.com", which mixes Latin and Greek letters: it may imitate another domain`},
		{"x@mail.ｍiсrosoft.com", `the domain "mail.xn--mirosoft-gch.com" shows as "mail.miсrosoft.com", which mixes Latin and Cyrillic letters: it may imitate another domain`},
		{"x@例えа.jp", `the domain "xn--80a986t7ut.jp" shows as "例えа.jp", which mixes Han, Hiragana and Cyrillic letters: it may imitate another domain`},
		{"x@한국ア.kr", `the domain "xn--ccky178aibza.kr" shows as "한국ア.kr", which mixes Hangul and Katakana letters: it may imitate another domain`},
		{"x@аррӏе.com", `the domain "xn--80ak6aa92e.com" shows as "аррӏе.com", whose Cyrillic letters all look like Latin ones: it may imitate another domain`},
		{"x@раураӏ.com", `the domain "xn--80aa0cbo65f.com" shows as "раураӏ.com", whose Cyrillic letters all look like Latin ones: it may imitate another domain`},
		{"x@ѕсору-1.jp", `the domain "xn---1-emcido6j.jp" shows as "ѕсору-1.jp", whose Cyrillic letters all look like Latin ones: it may imitate another domain`},
		{"x@οχι.com", `the domain "xn--uxaly.com" shows as "οχι.com", whose Greek letters all look like Latin ones: it may imitate another domain`},
	}
	for _, tt := range tests {
		n, err := addrbook.NormalizeEmail(tt.in)
		if err != nil {
			t.Errorf("NormalizeEmail(%q): %v", tt.in, err)
			continue
		}
		if got := english(addrbook.LookAlike(n)); got != tt.want {
			t.Errorf("LookAlike(%q):\ngot  %s\nwant %s", n, got, tt.want)
		}
	}
}

func TestLookAlikeNotNormalised(t *testing.T) {
	// Garbage must not panic; it says nothing useful.
	for _, s := range []string{"", "@", "x@", "x@xn--zz.jp", "no-at-all", "x@xn--.jp", "x@.."} {
		_ = addrbook.LookAlike(s)
	}
}
