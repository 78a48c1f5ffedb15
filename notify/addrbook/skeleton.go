package addrbook

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Skeleton returns what a person reading the normalised domain d would take
// it for, so that two domains that look alike have the same skeleton:
// Skeleton("xn--sakura-prnt-7vj.example.jp") (sakura-prіnt with a Cyrillic
// і) is "sakura-print.example.jp". It is for comparing, never for showing.
//
// It follows the skeleton of UTS #39 (section 4), with a small table in
// place of the full confusables data, and goes this far:
//
//   - xn-- parts are decoded, and the domain folded with NFKD and lower-cased
//     (full-width letters, ligatures and capitals read as plain ones);
//   - accents and other marks on a Latin letter are dropped (prínt, prïnt);
//     on other letters they stay, as が and か are different words;
//   - the Cyrillic and Greek letters of latinLookAlikes, and the Latin
//     variants ı ɑ ɡ ȷ, read as the Latin letter they pass for;
//   - the digits 0 and 1 read as o and l, and rn and vv as m and w, the
//     tricks that need no Unicode at all.
//
// Other look-alikes of UTS #39 (cl for d, 5 for s, Armenian or Cherokee
// letters, and so on) are not folded: each more folding makes more real
// names collide. Dots are left as they are, so a domain and its skeleton
// have the same parts.
func Skeleton(d string) string {
	if plainASCII(d) {
		return d
	}
	var b strings.Builder
	latin := false // the last letter written is Latin: marks on it are dropped
	for _, r := range norm.NFKD.String(ShownDomain(d)) {
		if unicode.Is(unicode.Mn, r) {
			if !latin {
				b.WriteRune(r)
			}
			continue
		}
		r = unicode.ToLower(r)
		if l, ok := latinLookAlikes[r]; ok {
			r = l
		} else if l, ok := latinVariants[r]; ok {
			r = l
		}
		b.WriteRune(r)
		latin = r < utf8.RuneSelf && unicode.IsLetter(r)
	}
	return asciiLookAlikes.Replace(b.String())
}

// ShownDomain returns the normalised domain d as a person sees it: its xn--
// parts decoded (xn--r8jz45g.jp is 例え.jp). A domain that does not decode
// is returned as it is.
func ShownDomain(d string) string {
	if !isIDN(d) {
		return d
	}
	u, err := idnaProfile.ToUnicode(d)
	if err != nil {
		return d
	}
	return u
}

// latinVariants are Latin letters that pass for another, plain one.
var latinVariants = map[rune]rune{'ı': 'i', 'ɑ': 'a', 'ɡ': 'g', 'ȷ': 'j'}

// asciiLookAlikes are the look-alikes within ASCII.
var asciiLookAlikes = strings.NewReplacer("0", "o", "1", "l", "rn", "m", "vv", "w")

// plainASCII reports whether d is its own skeleton: lower-case ASCII with no
// xn-- part and nothing asciiLookAlikes replaces.
func plainASCII(d string) bool {
	for i := 0; i < len(d); i++ {
		switch c := d[i]; {
		case c >= utf8.RuneSelf, 'A' <= c && c <= 'Z', c == '0', c == '1':
			return false
		case i > 0 && (d[i-1] == 'r' && c == 'n' || d[i-1] == 'v' && c == 'v'):
			return false
		}
	}
	return !isIDN(d)
}
