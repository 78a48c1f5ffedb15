package notify

import (
	"crypto/rand"
	"regexp"
	"strings"
)

// A reference code tells which notice a person holds when they quote it in
// a reply or on the phone, so it must be one that nobody else can guess:
// the attacker holds the leaked book and knows each person's place in it.
// Eight characters drawn at random from an alphabet without look-alikes
// (no 0/O, 1/I/L) are some 40 bits, short enough to read out
// ("D-K7QM-3XHF").

// refAlphabet has no characters that read alike on paper or on the phone.
const refAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// refLen is the random part's length, written in two groups of four.
const refLen = 8

// NewRef is a fresh random reference code for a notice of kind: its
// initial (D, A) and eight characters of refAlphabet.
func NewRef(kind NoticeKind) string {
	// rand.Text's alphabet has look-alikes; this one draws without bias
	// from 256 - 256%31 = 248 values of a byte.
	b := make([]byte, 0, refLen)
	var buf [16]byte
	for len(b) < refLen {
		rand.Read(buf[:])
		for _, c := range buf {
			if int(c) < 256-256%len(refAlphabet) && len(b) < refLen {
				b = append(b, refAlphabet[int(c)%len(refAlphabet)])
			}
		}
	}
	return kindInitial(kind) + "-" + string(b[:4]) + "-" + string(b[4:])
}

func kindInitial(kind NoticeKind) string { return strings.ToUpper(string(kind))[:1] }

// ParseRef reads a reference code as people quote it: in either case,
// full-width or not, with or without its hyphens and spaces (d-k7qm-3xhf,
// Ｄ－Ｋ７ＱＭ３ＸＨＦ). It gives the code as NewRef writes it, and whether
// s is one.
func ParseRef(s string) (string, bool) {
	s = strings.ToUpper(strings.Map(narrowRune, strings.TrimSpace(s)))
	if len(s) < 2 || (s[0] != 'D' && s[0] != 'A') {
		return "", false
	}
	kind := s[:1]
	rest := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, s[1:])
	if len(rest) != refLen || strings.Trim(rest, refAlphabet) != "" {
		return "", false
	}
	return kind + "-" + rest[:4] + "-" + rest[4:], true
}

// refInText is a reference code as notices print it (お問い合わせ番号：
// D-K7QM-3XHF), quoted in a reply's subject or below its text, once made
// narrow.
var refInText = regexp.MustCompile(`(?i)\b[DA]-[` + refAlphabet + `]{4}[- ]?[` + refAlphabet + `]{4}\b`)

// FindRef finds the first reference code in a text, in any width, and
// gives it as ParseRef does; "" when there is none.
func FindRef(text string) string {
	for _, m := range refInText.FindAllString(strings.Map(narrowRune, text), -1) {
		if code, ok := ParseRef(m); ok {
			return code
		}
	}
	return ""
}

// narrowRune turns full-width letters, digits, hyphens and spaces into
// ASCII, as people type codes on Japanese keyboards.
func narrowRune(r rune) rune {
	switch {
	case r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ', r >= '０' && r <= '９':
		return r - 'Ａ' + 'A'
	case r == '－' || r == '‐' || r == '−' || r == 'ー':
		return '-'
	case r == '　':
		return ' '
	}
	return r
}
