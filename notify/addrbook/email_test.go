package addrbook_test

import (
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
)

// u63 is a label whose xn-- form a63 has the most characters allowed, 63.
const (
	u63 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa例"
	a63 = "xn--aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-ib60g"
)

// longIDN returns a domain of three u63 labels whose ASCII form, longASCII(n),
// has 195+n characters.
func longIDN(n int) string {
	return strings.Repeat(u63+".", 3) + strings.Repeat("b", n) + ".jp"
}

func longASCII(n int) string {
	return strings.Repeat(a63+".", 3) + strings.Repeat("b", n) + ".jp"
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"taro@example.jp", "taro@example.jp"},
		{"  taro@example.jp\t", "taro@example.jp"},
		{"\u3000taro@example.jp\u3000", "taro@example.jp"},
		{"ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"},
		{"Chihiro.Matsui@Zakuro-Foods.example", "Chihiro.Matsui@zakuro-foods.example"},
		{"A-Okamoto@YAMABUKI-FUDOSAN.EXAMPLE", "A-Okamoto@yamabuki-fudosan.example"},
		{"o'brien+news@mail.example.com", "o'brien+news@mail.example.com"},
		{"taro..yamada.@docomo.ne.jp", "taro..yamada.@docomo.ne.jp"},
		{"x@xn--eckwd4c7c.example", "x@xn--eckwd4c7c.example"},
		{"x@a-1.b2.example", "x@a-1.b2.example"},
		{strings.Repeat("a", 64) + "@example.jp", strings.Repeat("a", 64) + "@example.jp"},

		// Internationalised domains come out in their ASCII form.
		{"info@日本語ドメイン.jp", "info@xn--eckwd4c7c5976acvb2w6i.jp"},
		{"ｉｎｆｏ＠例え．テスト", "info@xn--r8jz45g.xn--zckzah"},
		{"ｉｎｆｏ＠例え.ﾃｽﾄ", "info@xn--r8jz45g.xn--zckzah"},
		{"info@例え。テスト", "info@xn--r8jz45g.xn--zckzah"},
		{"Info@XN--R8JZ45G.xn--zckzah", "Info@xn--r8jz45g.xn--zckzah"},
		{"taro@ドメイン名例.jp", "taro@xn--eckwd4c7cu47r2wf.jp"},
		{"hans@Bücher.DE", "hans@xn--bcher-kva.de"},
		{"hans@faß.de", "hans@xn--fa-hia.de"}, // IDNA2008: not fass.de
		{"x@ab--cd.例え.jp", "x@ab--cd.xn--r8jz45g.jp"},
		{"x@ア・イ.jp", "x@xn--ccke4x.jp"},
		{"x@العربية.com", "x@xn--mgbcd4a2b0d2b.com"},
		{"x@xn--pple-43d.com", "x@xn--pple-43d.com"}, // valid, though LookAlike flags it
		{"x@" + u63 + ".jp", "x@" + a63 + ".jp"},
		{"a@" + longIDN(57), "a@" + longASCII(57)}, // 254 characters
	}
	for _, tt := range tests {
		got, err := addrbook.NormalizeEmail(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeEmailInvalid(t *testing.T) {
	long := strings.Repeat("a", 60)
	tests := []struct {
		in, want string
	}{
		{"", `invalid e-mail address "": it is empty`},
		{"\u3000 ", `invalid e-mail address "": it is empty`},
		{"taro", `invalid e-mail address "taro": it has no @`},
		{"a@b", `invalid e-mail address "a@b": the domain has no dot`},
		{"a@b@example.jp", `invalid e-mail address "a@b@example.jp": it has more than one @`},
		{"@example.jp", `invalid e-mail address "@example.jp": nothing before the @`},
		{"taro@", `invalid e-mail address "taro@": nothing after the @`},
		{"taro yamada@example.jp", `invalid e-mail address "taro yamada@example.jp": it contains a space`},
		{"taro\u3000yamada@example.jp", `invalid e-mail address "taro\u3000yamada@example.jp": it contains a space`},
		{"taro@example.jp\r\nBcc: x@y.jp", `invalid e-mail address "taro@example.jp\r\nBcc: x@y.jp": it contains a line break`},
		{"taro\x00@example.jp", `invalid e-mail address "taro\x00@example.jp": it contains a control character`},
		{"taro\u200b@example.jp", `invalid e-mail address "taro\u200b@example.jp": it contains a control character`},
		{`"taro"@example.jp`, `invalid e-mail address "\"taro\"@example.jp": it contains a double quote`},
		{"taro@example.jp,jiro@example.jp", `invalid e-mail address "taro@example.jp,jiro@example.jp": it contains a comma`},
		{"Taro <taro@example.jp>", `invalid e-mail address "Taro <taro@example.jp>": it contains a space`},
		{"<taro@example.jp>", `invalid e-mail address "<taro@example.jp>": it contains an angle bracket`},
		{"taro(x)@example.jp", `invalid e-mail address "taro(x)@example.jp": the part before the @ contains "("`},
		{"山田@example.jp", `invalid e-mail address "山田@example.jp": the part before the @ has non-ASCII characters (SMTPUTF8 addresses are not supported)`},
		{"taro@xn--zz.jp", `invalid e-mail address "taro@xn--zz.jp": the domain part "xn--zz" is not valid punycode`},
		{"taro@xn--abc.jp", `invalid e-mail address "taro@xn--abc.jp": the domain part "xn--abc" does not decode to a valid international domain name`},
		{"taro@☃.net", `invalid e-mail address "taro@☃.net": the domain contains "☃", and domain names may only have letters, digits and hyphens`},
		{"taro@xn--n3h.net", `invalid e-mail address "taro@xn--n3h.net": the domain contains "☃", and domain names may only have letters, digits and hyphens`},
		{"taro@i❤.ws", `invalid e-mail address "taro@i❤.ws": the domain contains "❤", and domain names may only have letters, digits and hyphens`},
		{"taro@xn--.jp", `invalid e-mail address "taro@xn--.jp": the domain part "xn--" is not valid punycode`},
		{"taro@〻.jp", `invalid e-mail address "taro@〻.jp": the domain contains "〻", which domain names may not have`},
		{"taro@ᄀ.kr", `invalid e-mail address "taro@ᄀ.kr": the domain contains "ᄀ", which domain names may not have`},
		{"taro@-例え.jp", `invalid e-mail address "taro@-例え.jp": a part of the domain starts or ends with a hyphen`},
		{"taro@例え_.jp", `invalid e-mail address "taro@例え_.jp": the domain contains "_"`},
		{"taro@例え..jp", `invalid e-mail address "taro@例え..jp": the domain has an empty part (two dots, or a dot at the start or end)`},
		{"taro@例え", `invalid e-mail address "taro@例え": the domain has no dot`},
		{"taro@\u0301a.jp", "invalid e-mail address \"taro@\u0301a.jp\": a part of the domain starts with a combining mark"},
		{"taro@1العربية.com", `invalid e-mail address "taro@1العربية.com": the domain mixes right-to-left letters (such as Arabic or Hebrew) with other characters in a way domain names may not`},
		{"taro@\u0378.jp", `invalid e-mail address "taro@\u0378.jp": the domain contains "\u0378", which domain names may not have`},
		{"a@a" + u63 + ".jp", `invalid e-mail address "a@a` + u63 + `.jp": a part of the domain is longer than 63 characters in its xn-- form`},
		{"a@" + longIDN(58), `invalid e-mail address "a@` + longIDN(58)[:80] + `"…: it is longer than 254 characters`},
		{"a@" + longIDN(59), `invalid e-mail address "a@` + longIDN(59)[:80] + `"…: the domain is longer than 253 characters in its xn-- form`},
		{"taro@example..jp", `invalid e-mail address "taro@example..jp": the domain has an empty part (two dots, or a dot at the start or end)`},
		{"taro@example.jp.", `invalid e-mail address "taro@example.jp.": the domain has an empty part (two dots, or a dot at the start or end)`},
		{"taro@-example.jp", `invalid e-mail address "taro@-example.jp": a part of the domain starts or ends with a hyphen`},
		{"taro@exa_mple.jp", `invalid e-mail address "taro@exa_mple.jp": the domain contains "_"`},
		{"taro@[192.0.2.1]", `invalid e-mail address "taro@[192.0.2.1]": the domain contains "["`},
		{"taro@192.0.2.1", `invalid e-mail address "taro@192.0.2.1": the domain ends in a number (IP addresses are not accepted)`},
		{"\xff@example.jp", `invalid e-mail address "\xff@example.jp": it is not valid UTF-8`},
		{strings.Repeat("a", 65) + "@example.jp", `invalid e-mail address "` + strings.Repeat("a", 65) + `@example.jp": the part before the @ is longer than 64 characters`},
		{strings.Repeat("a", 100) + "@example.jp", `invalid e-mail address "` + strings.Repeat("a", 80) + `"…: the part before the @ is longer than 64 characters`},
		{"a@" + strings.Repeat("x", 64) + ".jp", `invalid e-mail address "a@` + strings.Repeat("x", 64) + `.jp": a part of the domain is longer than 63 characters`},
		{"a@" + strings.Repeat(long+".", 5) + "jp", `invalid e-mail address "a@` + long + "." + long[:17] + `"…: the domain is longer than 253 characters`},
	}
	for _, tt := range tests {
		got, err := addrbook.NormalizeEmail(tt.in)
		if err == nil {
			t.Errorf("NormalizeEmail(%q) = %q, want an error", tt.in, got)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("NormalizeEmail(%q):\ngot  %s\nwant %s", tt.in, err, tt.want)
		}
		if got, want := notify.ErrorCode(err), notify.EINVALID; got != want {
			t.Errorf("NormalizeEmail(%q): code %q, want %q", tt.in, got, want)
		}
	}
}

func TestNormalizeDomain(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"Example.JP", "example.jp", ""},
		{" @kikyo-foods.example\u3000", "kikyo-foods.example", ""},
		{"ｆｒｅｅｍａｉｌ．ｅｘａｍｐｌｅ．ｊｐ", "freemail.example.jp", ""},
		{"", "", `invalid e-mail domain "": nothing after the @`},
		{"localhost", "", `invalid e-mail domain "localhost": the domain has no dot`},
		{"taro@example.jp", "", `invalid e-mail domain "taro@example.jp": it contains @`},
		{"exa mple.jp", "", `invalid e-mail domain "exa mple.jp": it contains a space`},
		{"@日本語ドメイン.jp", "xn--eckwd4c7c5976acvb2w6i.jp", ""},
		{"＠例え．テスト", "xn--r8jz45g.xn--zckzah", ""},
		{"XN--R8JZ45G.jp", "xn--r8jz45g.jp", ""},
		{longIDN(58), longASCII(58), ""}, // 253 characters
		{longIDN(59), "", `invalid e-mail domain "` + longIDN(59)[:82] + `"…: the domain is longer than 253 characters in its xn-- form`},
		{"xn--zz.jp", "", `invalid e-mail domain "xn--zz.jp": the domain part "xn--zz" is not valid punycode`},
		{"☃.net", "", `invalid e-mail domain "☃.net": the domain contains "☃", and domain names may only have letters, digits and hyphens`},
	}
	for _, tt := range tests {
		got, err := addrbook.NormalizeDomain(tt.in)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tt.want || gotErr != tt.err {
			t.Errorf("NormalizeDomain(%q) = %q, %q; want %q, %q", tt.in, got, gotErr, tt.want, tt.err)
		}
	}
}
