package classify

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Company-form words. Japanese ones are removed wherever they are, as
// Japanese has no spaces to mark words; after NFKC ㈱, （株） and (株) are
// all "(株)" and ㍿ is 株式会社. 一般社団法人, 学校法人 and the like are
// not company forms and stay: they tell different bodies apart.
var (
	jaForms    = []string{"株式会社", "有限会社", "合同会社", "合資会社", "合名会社"}
	parenForms = []string{"(株)", "(有)", "(合)", "(資)", "(名)"}
	// English forms, compared with dots removed, count only as whole words
	// at either end of the name: "Co" inside "Costco" or "Co-op" is no form.
	enForms = map[string]bool{
		"co": true, "company": true, "coltd": true, "ltd": true, "limited": true,
		"inc": true, "incorporated": true, "corp": true, "corporation": true,
		"kk": true, "gk": true, "llc": true,
	}
)

// CompanyKey folds a company name so that the ways people write the same
// company compare equal: full- and half-width (NFKC), case, all white space
// including U+3000, punctuation such as , . ・ ( ), and company-form words
// (株式会社, 有限会社, 合同会社, 合資会社, 合名会社, (株), ㈱, (有), ㈲, Co.,
// Ltd., Inc., Corp., K.K., LLC …). So "ASAGIRI PAPER CO.,LTD" and
// "Asagiri Paper Co., Ltd." both give "asagiripaper", and "㈲かえで建設"
// and "有限会社かえで建設" both give "かえで建設".
//
// A name that is nothing but forms and punctuation gives "", which matches
// nothing. CompanyKey(CompanyKey(s)) == CompanyKey(s).
func CompanyKey(name string) string {
	s := strings.ToLower(norm.NFKC.String(name))
	for _, f := range parenForms {
		s = strings.ReplaceAll(s, f, " ")
	}
	for _, f := range jaForms {
		s = strings.ReplaceAll(s, f, " ")
	}
	// Words for the English forms: split on spaces and punctuation, but not
	// on the dots of "K.K." or the hyphen of "Co-op".
	words := strings.FieldsFunc(s, func(r rune) bool {
		return r != '.' && r != '-' && isNoise(r)
	})
	for len(words) > 0 && isEnForm(words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	for len(words) > 0 && isEnForm(words[0]) {
		words = words[1:]
	}
	return foldKey(strings.Join(words, ""))
}

// foldKey removes what is left to remove and repeats until nothing
// changes: taking characters out can form a new company-form word
// (株式株式会社会社) or let NFKC compose what it could not before.
func foldKey(s string) string {
	for range 8 {
		t := strings.Map(func(r rune) rune {
			if isNoise(r) {
				return -1
			}
			return r
		}, strings.ToLower(norm.NFKC.String(s)))
		for _, f := range jaForms {
			t = strings.ReplaceAll(t, f, "")
		}
		if enForms[t] {
			t = ""
		}
		if t == s {
			break
		}
		s = t
	}
	return s
}

// isNoise reports characters that never tell two companies apart: white
// space, punctuation and invisible format characters.
func isNoise(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// isEnForm reports whether word is an English company form such as "Ltd."
// or "K.K.".
func isEnForm(w string) bool {
	return enForms[strings.ReplaceAll(w, ".", "")]
}
