package addrbook

import (
	"strings"
	"unicode"
	"unicode/utf8"

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
// because only the receiving server may decide what it means.
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
				return bad("the part before the @ has non-ASCII characters")
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

// NormalizeDomain returns the e-mail domain s lower-cased and checked by the
// same rules as the domain of NormalizeEmail; a leading @ is allowed, as
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

// normalizeDomain lower-cases d and returns why it is unusable, if it is.
func normalizeDomain(d string) (string, string) {
	if d == "" {
		return "", "nothing after the @"
	}
	for i := 0; i < len(d); i++ {
		if d[i] >= utf8.RuneSelf {
			// golang.org/x/net/idna is not a dependency; punycode (xn--) works.
			return "", "the domain has non-ASCII characters (write it in xn-- form)"
		}
	}
	d = strings.ToLower(d)
	if len(d) > maxDomain {
		return "", "the domain is longer than 253 characters"
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
			return "", "a part of the domain is longer than 63 characters"
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

// isLDH reports whether c is a letter, digit or hyphen of a lower-cased domain.
func isLDH(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'
}
