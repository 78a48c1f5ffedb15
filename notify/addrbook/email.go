package addrbook

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"github.com/owabi/owabi/notify"
)

// Limits from RFC 5321; longer addresses cannot be delivered anyway.
const (
	maxEmail  = 254
	maxLocal  = 64
	maxDomain = 253
	maxLabel  = 63
)

// NormalizeEmail returns s in the form owabi stores and sends to: full-width
// characters folded (ｔａｒｏ＠… becomes taro@…), surrounding white space
// removed and the domain lower-cased. The part before the @ keeps its case,
// because only the receiving server may decide what it means, and must be
// ASCII: owabi does not speak SMTPUTF8.
//
// An internationalised domain (taro@例え.jp) is returned in its ASCII form
// (taro@xn--r8jz45g.jp), which is what SMTP and DNS use; the length limits
// apply to that form. LookAlike says whether such a domain may imitate another.
//
// The error, a *notify.Error with code notify.EINVALID, says in words why the
// address cannot be used, e.g. `invalid e-mail address "a@b": the domain has
// no dot`.
func NormalizeEmail(s string) (string, error) {
	orig := strings.Trim(s, asciiSpace+"\u3000")
	bad := func(reason string) (string, error) {
		return "", notify.Errorf(notify.EINVALID, "invalid e-mail address %s: %s", quote(orig), reason)
	}
	if !utf8.ValidString(s) {
		return bad("it is not valid UTF-8")
	}
	// Check before folding so an absurd input costs nothing.
	if len(orig) > 4*maxEmail {
		return bad("it is longer than 254 characters")
	}
	t := strings.Trim(norm.NFKC.String(orig), asciiSpace)
	if t == "" {
		return bad("it is empty")
	}
	if reason := badEmailRune(t); reason != "" {
		return bad(reason)
	}
	at := strings.IndexByte(t, '@')
	switch {
	case at < 0:
		return bad("it has no @")
	case strings.Count(t, "@") > 1:
		return bad("it has more than one @")
	}
	local, domain := t[:at], t[at+1:]
	if local == "" {
		return bad("nothing before the @")
	}
	if len(local) > maxLocal {
		return bad("the part before the @ is longer than 64 characters")
	}
	// Only atext and dots. Dots are not checked for position on purpose:
	// old Japanese mobile addresses such as taro..@docomo.ne.jp still receive
	// mail and belong to real customers.
	for _, r := range local {
		if !isAtext(r) && r != '.' {
			if r >= utf8.RuneSelf {
				return bad("the part before the @ has non-ASCII characters (SMTPUTF8 addresses are not supported)")
			}
			return bad("the part before the @ contains " + quote(string(r)))
		}
	}
	d, reason := normalizeDomain(domain)
	if reason != "" {
		return bad(reason)
	}
	out := local + "@" + d
	if len(out) > maxEmail {
		return bad("it is longer than 254 characters")
	}
	return out, nil
}

// NormalizeDomain returns the e-mail domain s lower-cased, in ASCII (xn--)
// form and checked by the same rules as the domain of NormalizeEmail; a
// leading @ is allowed, as
// people write "@example.jp" in lists. Master lists and configuration use it.
func NormalizeDomain(s string) (string, error) {
	orig := strings.Trim(s, asciiSpace+"\u3000")
	bad := func(reason string) (string, error) {
		return "", notify.Errorf(notify.EINVALID, "invalid e-mail domain %s: %s", quote(orig), reason)
	}
	if !utf8.ValidString(s) {
		return bad("it is not valid UTF-8")
	}
	if len(orig) > 4*maxDomain {
		return bad("the domain is longer than 253 characters")
	}
	t := strings.Trim(norm.NFKC.String(orig), asciiSpace)
	t = strings.TrimPrefix(t, "@")
	if reason := badEmailRune(t); reason != "" {
		return bad(reason)
	}
	if strings.Contains(t, "@") {
		return bad("it contains @")
	}
	d, reason := normalizeDomain(t)
	if reason != "" {
		return bad(reason)
	}
	return d, nil
}

// normalizeDomain lower-cases d, converts it to ASCII if it is an
// internationalised domain, and returns why it is unusable, if it is.
func normalizeDomain(d string) (string, string) {
	if d == "" {
		return "", "nothing after the @"
	}
	// The ASCII form is what the limits apply to; say so when it is not what
	// the person wrote.
	form := ""
	if isIDN(d) {
		a, reason := idnaToASCII(d)
		if reason != "" {
			return "", reason
		}
		if a != strings.ToLower(d) {
			form = " in its xn-- form"
		}
		d = a
	}
	d = strings.ToLower(d)
	if len(d) > maxDomain {
		return "", "the domain is longer than 253 characters" + form
	}
	if !strings.Contains(d, ".") {
		return "", "the domain has no dot"
	}
	labels := strings.Split(d, ".")
	for _, l := range labels {
		switch {
		case l == "":
			return "", "the domain has an empty part (two dots, or a dot at the start or end)"
		case len(l) > maxLabel:
			return "", "a part of the domain is longer than 63 characters" + form
		case l[0] == '-' || l[len(l)-1] == '-':
			return "", "a part of the domain starts or ends with a hyphen"
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !isLDH(c) {
				return "", "the domain contains " + quote(string(c))
			}
		}
	}
	if tld := labels[len(labels)-1]; strings.Trim(tld, "0123456789") == "" {
		return "", "the domain ends in a number (IP addresses are not accepted)"
	}
	return d, ""
}

// idnaProfile converts internationalised domain names. It is idna.Lookup:
// the UTS #46 mapping meant for names people type (upper case folded, the
// ideographic full stop 。 read as a dot; non-transitional, so faß.de stays
// faß.de as in IDNA2008 and is not sent to fass.de), the IDNA2008 label rules
// and the bidi rule of RFC 5893, but without the hyphen check, so that a
// label such as "ab--cd" is accepted in any domain as it is in an ASCII one.
// Leading and trailing hyphens are checked by idnaToASCII instead.
//
// idna.Registration is not used: it refuses anything not already in
// canonical form (Bücher.de, 例え。jp), and an address book holds what
// people typed.
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.CheckHyphens(false))

// idnaNoBidi is idnaProfile without the bidi rule, to tell why a name fails.
var idnaNoBidi = idna.New(idna.MapForLookup(), idna.CheckHyphens(false))

// isIDN reports whether d is (or claims to be) an internationalised domain:
// it has non-ASCII characters or an xn-- label.
func isIDN(d string) bool {
	for i := 0; i < len(d); i++ {
		if d[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, l := range strings.Split(d, ".") {
		if isACE(l) {
			return true
		}
	}
	return false
}

// isACE reports whether the label l starts with xn--, in any case.
func isACE(l string) bool {
	return len(l) >= 4 && strings.EqualFold(l[:4], "xn--")
}

// idnaToASCII returns the ASCII form of the internationalised domain d, or
// why it is not a valid one. Empty parts and lengths are left to the ASCII
// checks of normalizeDomain.
func idnaToASCII(d string) (string, string) {
	// Name the ASCII characters the way normalizeDomain does for an ASCII
	// domain; idna would only say "disallowed rune".
	for i := 0; i < len(d); i++ {
		if c := d[i]; c < utf8.RuneSelf && c != '.' && !isLDH(lowerASCII(c)) {
			return "", "the domain contains " + quote(string(c))
		}
	}
	for _, l := range strings.Split(d, ".") {
		if isACE(l) && len(l) == 4 {
			return "", "the domain part " + quote(l) + " is not valid punycode" // idna reads it as empty
		}
	}
	u, err := idnaProfile.ToUnicode(d)
	if err != nil {
		return "", idnaReason(d)
	}
	for _, l := range strings.Split(u, ".") {
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "", "a part of the domain starts or ends with a hyphen"
		}
		for _, r := range l {
			switch {
			case isIDNARune(r):
			case unicode.IsLetter(r):
				return "", "the domain contains " + quote(string(r)) + ", which domain names may not have"
			default:
				return "", "the domain contains " + quote(string(r)) + ", and domain names may only have letters, digits and hyphens"
			}
		}
	}
	a, err := idnaProfile.ToASCII(u)
	if err != nil {
		return "", "the domain is not a valid international domain name"
	}
	return a, ""
}

// isIDNARune approximates IDNA2008 (RFC 5892), which allows letters, combining
// marks and digits, with a few exceptions. golang.org/x/net/idna follows
// UTS #46, which also lets symbols such as ☃ and emoji through; registries
// such as .jp and .com do not register those.
func isIDNARune(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return true
	case strings.ContainsRune("\u00b7\u0375\u05f3\u05f4\u06fd\u06fe\u0f0b\u3007\u30fb", r):
		return true // RFC 5892 2.6: allowed, some in context (e.g. ・ between katakana)
	case strings.ContainsRune("\u0640\u07fa\u302e\u302f\u3031\u3032\u3033\u3034\u3035\u303b", r):
		return false // RFC 5892 2.6: letters that are not allowed
	case '\u1100' <= r && r <= '\u11ff' || '\ua960' <= r && r <= '\ua97f' || '\ud7b0' <= r && r <= '\ud7ff':
		return false // RFC 5892 2.9: conjoining Hangul jamo; syllables such as 한 are fine
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.Nd)
}

// idnaReason says in words why idnaProfile refused d.
func idnaReason(d string) string {
	const bidi = "the domain mixes right-to-left letters (such as Arabic or Hebrew) with other characters in a way domain names may not"
	for _, l := range strings.FieldsFunc(d, func(r rune) bool { return r == '.' || r == '。' }) {
		if _, err := idnaProfile.ToUnicode(l); err == nil {
			continue
		}
		if isACE(l) {
			if _, err := idna.Punycode.ToUnicode(strings.ToLower(l)); err != nil {
				return "the domain part " + quote(l) + " is not valid punycode"
			}
			return "the domain part " + quote(l) + " does not decode to a valid international domain name"
		}
		if _, err := idnaNoBidi.ToUnicode(l); err == nil {
			return bidi
		}
		for _, r := range l {
			if r < utf8.RuneSelf || unicode.Is(unicode.M, r) {
				continue
			}
			if _, err := idnaProfile.ToUnicode(string(r)); err != nil {
				return "the domain contains " + quote(string(r)) + ", which domain names may not have"
			}
		}
		if r, _ := utf8.DecodeRuneInString(l); unicode.Is(unicode.M, r) {
			return "a part of the domain starts with a combining mark"
		}
		return "the domain part " + quote(l) + " is not a valid international domain name"
	}
	if _, err := idnaNoBidi.ToUnicode(d); err == nil {
		return bidi
	}
	return "the domain is not a valid international domain name"
}

// badEmailRune names the first character that can never be part of an
// address we send to; these are the ones that would break a mail header.
func badEmailRune(s string) string {
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n':
			return "it contains a line break"
		case unicode.IsSpace(r):
			return "it contains a space"
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return "it contains a control character"
		case r == '"':
			return "it contains a double quote"
		case r == ',':
			return "it contains a comma"
		case r == '<' || r == '>':
			return "it contains an angle bracket"
		}
	}
	return ""
}

// isAtext reports whether r may appear unquoted in the part before the @
// (RFC 5322 atext). The apostrophe is allowed: o'brien@example.com is real.
func isAtext(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return r < utf8.RuneSelf && strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

// lowerASCII lower-cases the ASCII letter c and returns other bytes as they are.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isLDH reports whether c is a letter, digit or hyphen of a lower-cased domain.
func isLDH(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'
}
