package addrbook

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
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
// The error, a *notify.Error with code notify.EINVALID, says why the
// address cannot be used, e.g. `invalid e-mail address "a@b": the domain has
// no dot`.
func NormalizeEmail(s string) (string, error) {
	orig := strings.Trim(s, asciiSpace+"\u3000")
	bad := func(reason notify.Said) (string, error) {
		return "", wording.Fail(notify.EINVALID, notify.Say("entry.bad_address", quote(orig), reason))
	}
	if !utf8.ValidString(s) {
		return bad(notify.Say("entry.not_utf8"))
	}
	// Check before folding so an absurd input costs nothing.
	if len(orig) > 4*maxEmail {
		return bad(notify.Say("entry.longer_than_chars", maxEmail))
	}
	t := strings.Trim(norm.NFKC.String(orig), asciiSpace)
	if t == "" {
		return bad(notify.Say("entry.empty"))
	}
	if reason := badEmailRune(t); !reason.IsZero() {
		return bad(reason)
	}
	at := strings.IndexByte(t, '@')
	switch {
	case at < 0:
		return bad(notify.Say("entry.no_at"))
	case strings.Count(t, "@") > 1:
		return bad(notify.Say("entry.two_ats"))
	}
	local, domain := t[:at], t[at+1:]
	if local == "" {
		return bad(notify.Say("entry.nothing_before_at"))
	}
	if len(local) > maxLocal {
		return bad(notify.Say("entry.local_too_long", maxLocal))
	}
	// Only atext and dots. Dots are not checked for position on purpose:
	// old Japanese mobile addresses such as taro..@docomo.ne.jp still receive
	// mail and belong to real customers.
	for _, r := range local {
		if !isAtext(r) && r != '.' {
			if r >= utf8.RuneSelf {
				return bad(notify.Say("entry.local_not_ascii"))
			}
			return bad(notify.Say("entry.local_contains", quote(string(r))))
		}
	}
	d, reason := normalizeDomain(domain)
	if !reason.IsZero() {
		return bad(reason)
	}
	out := local + "@" + d
	if len(out) > maxEmail {
		return bad(notify.Say("entry.longer_than_chars", maxEmail))
	}
	return out, nil
}

// NormalizeDomain returns the e-mail domain s lower-cased, in ASCII (xn--)
// form and checked by the same rules as the domain of NormalizeEmail; a
// leading @ is allowed, as
// people write "@example.jp" in lists. Master lists and configuration use it.
func NormalizeDomain(s string) (string, error) {
	orig := strings.Trim(s, asciiSpace+"\u3000")
	bad := func(reason notify.Said) (string, error) {
		return "", wording.Fail(notify.EINVALID, notify.Say("entry.bad_domain", quote(orig), reason))
	}
	if !utf8.ValidString(s) {
		return bad(notify.Say("entry.not_utf8"))
	}
	if len(orig) > 4*maxDomain {
		return bad(notify.Say("entry.domain_too_long", maxDomain))
	}
	t := strings.Trim(norm.NFKC.String(orig), asciiSpace)
	t = strings.TrimPrefix(t, "@")
	if reason := badEmailRune(t); !reason.IsZero() {
		return bad(reason)
	}
	if strings.Contains(t, "@") {
		return bad(notify.Say("entry.contains", notify.Say("word.at")))
	}
	d, reason := normalizeDomain(t)
	if !reason.IsZero() {
		return bad(reason)
	}
	return d, nil
}

// normalizeDomain lower-cases d, converts it to ASCII if it is an
// internationalised domain, and returns why it is unusable, if it is.
func normalizeDomain(d string) (string, notify.Said) {
	if d == "" {
		return "", notify.Say("entry.nothing_after_at")
	}
	// The ASCII form is what the limits apply to; say so when it is not what
	// the person wrote.
	form := ""
	if isIDN(d) {
		a, reason := idnaToASCII(d)
		if !reason.IsZero() {
			return "", reason
		}
		if a != strings.ToLower(d) {
			form = "_xn"
		}
		d = a
	}
	d = strings.ToLower(d)
	if len(d) > maxDomain {
		return "", notify.Say("entry.domain_too_long"+form, maxDomain)
	}
	if !strings.Contains(d, ".") {
		return "", notify.Say("entry.domain_no_dot")
	}
	labels := strings.Split(d, ".")
	for _, l := range labels {
		switch {
		case l == "":
			return "", notify.Say("entry.domain_empty_part")
		case len(l) > maxLabel:
			return "", notify.Say("entry.domain_part_too_long"+form, maxLabel)
		case l[0] == '-' || l[len(l)-1] == '-':
			return "", notify.Say("entry.domain_hyphen")
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !isLDH(c) {
				return "", notify.Say("entry.domain_contains", quote(string(c)))
			}
		}
	}
	if tld := labels[len(labels)-1]; strings.Trim(tld, "0123456789") == "" {
		return "", notify.Say("entry.domain_number")
	}
	return d, notify.Said{}
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
func idnaToASCII(d string) (string, notify.Said) {
	// Name the ASCII characters the way normalizeDomain does for an ASCII
	// domain; idna would only say "disallowed rune".
	for i := 0; i < len(d); i++ {
		if c := d[i]; c < utf8.RuneSelf && c != '.' && !isLDH(lowerASCII(c)) {
			return "", notify.Say("entry.domain_contains", quote(string(c)))
		}
	}
	for _, l := range strings.Split(d, ".") {
		if isACE(l) && len(l) == 4 {
			return "", notify.Say("entry.domain_punycode", quote(l)) // idna reads it as empty
		}
	}
	u, err := idnaProfile.ToUnicode(d)
	if err != nil {
		return "", idnaReason(d)
	}
	for _, l := range strings.Split(u, ".") {
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "", notify.Say("entry.domain_hyphen")
		}
		for _, r := range l {
			switch {
			case isIDNARune(r):
			case unicode.IsLetter(r):
				return "", notify.Say("entry.domain_disallowed", quote(string(r)))
			default:
				return "", notify.Say("entry.domain_not_ldh", quote(string(r)))
			}
		}
	}
	a, err := idnaProfile.ToASCII(u)
	if err != nil {
		return "", notify.Say("entry.domain_not_idn")
	}
	return a, notify.Said{}
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

// idnaReason says why idnaProfile refused d.
func idnaReason(d string) notify.Said {
	bidi := notify.Say("entry.domain_bidi")
	for _, l := range strings.FieldsFunc(d, func(r rune) bool { return r == '.' || r == '。' }) {
		if _, err := idnaProfile.ToUnicode(l); err == nil {
			continue
		}
		if isACE(l) {
			if _, err := idna.Punycode.ToUnicode(strings.ToLower(l)); err != nil {
				return notify.Say("entry.domain_punycode", quote(l))
			}
			return notify.Say("entry.domain_undecodable", quote(l))
		}
		if _, err := idnaNoBidi.ToUnicode(l); err == nil {
			return bidi
		}
		for _, r := range l {
			if r < utf8.RuneSelf || unicode.Is(unicode.M, r) {
				continue
			}
			if _, err := idnaProfile.ToUnicode(string(r)); err != nil {
				return notify.Say("entry.domain_disallowed", quote(string(r)))
			}
		}
		if r, _ := utf8.DecodeRuneInString(l); unicode.Is(unicode.M, r) {
			return notify.Say("entry.domain_combining")
		}
		return notify.Say("entry.domain_part_not_idn", quote(l))
	}
	if _, err := idnaNoBidi.ToUnicode(d); err == nil {
		return bidi
	}
	return notify.Say("entry.domain_not_idn")
}

// badEmailRune names the first character that can never be part of an
// address we send to; these are the ones that would break a mail header.
func badEmailRune(s string) notify.Said {
	for _, r := range s {
		word := ""
		switch {
		case r == '\r' || r == '\n':
			word = "line_break"
		case unicode.IsSpace(r):
			word = "space"
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			word = "control"
		case r == '"':
			word = "double_quote"
		case r == ',':
			word = "comma"
		case r == '<' || r == '>':
			word = "angle_bracket"
		}
		if word != "" {
			return notify.Say("entry.contains", notify.Say("word."+word))
		}
	}
	return notify.Said{}
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
