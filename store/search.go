package store

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/owabi/owabi/notify"
)

// fold makes text and queries comparable the way a Japanese office types
// them: NFKC turns full-width letters and digits into ASCII, half-width
// kana into full-width and ㈱ into (株); katakana become hiragana, case and
// spaces (full-width ones too) go, and variant forms read as the common
// ones.
func fold(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= 'ァ' && r <= 'ヶ':
			r -= 'ァ' - 'ぁ'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return variants.Replace(b.String())
}

// variants are written forms that people type the common form of: company
// types in short, and the old or variant kanji of family names (髙橋 is
// looked for as 高橋).
var variants = strings.NewReplacer(
	"(株)", "株式会社", "(有)", "有限会社", "(合)", "合同会社", "(資)", "合資会社", "(名)", "合名会社",
	"髙", "高", "﨑", "崎", "嵜", "崎", "邊", "辺", "邉", "辺", "齋", "斎", "齊", "斉", "濵", "浜", "濱", "浜",
	"德", "徳", "𠮷", "吉", "國", "国", "澤", "沢", "櫻", "桜", "廣", "広", "眞", "真", "實", "実", "惠", "恵")

// searchQuery folds what someone typed into the search box. A query of
// only digits and the marks phone numbers are written with is a phone
// number and is matched on its digits.
func searchQuery(q string) string {
	q = fold(q)
	if strings.ContainsAny(q, "0123456789") && strings.Trim(q, "0123456789"+phoneMarks) == "" {
		return digits(q)
	}
	return q
}

// phoneMarks are what phone numbers are written with besides digits, after
// fold: hyphens and dashes of every kind (Japanese text uses the minus sign
// and the long vowel mark too), brackets, plus and dots.
const phoneMarks = "-‐‑‒–—―−ー()+."

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// searchRow is a contact's row of contact_search, after its id: the text
// searched and the sort keys.
func searchRow(r notify.Record) []any {
	name := fold(r.FamilyKana + r.GivenKana)
	if name == "" {
		name = fold(r.Family + r.Given)
	}
	company := companyTypeWords.Replace(fold(r.Company))
	return []any{searchText(r), name, company}
}

// companyTypeWords go from a company's sort key: 株式会社山田 sorts with 山田.
var companyTypeWords = strings.NewReplacer("株式会社", "", "有限会社", "", "合同会社", "", "合資会社", "", "合名会社", "")

// searchText is what a query is looked for in: each field folded, on a
// line of its own so that no match spans two.
func searchText(r notify.Record) string {
	fields := []string{fold(r.Family + r.Given), fold(r.FamilyKana + r.GivenKana), fold(r.Company), fold(r.Department)}
	for _, p := range r.Phones {
		fields = append(fields, digits(fold(p)))
	}
	for _, e := range r.Emails {
		fields = append(fields, fold(e))
	}
	return strings.Join(fields, "\n")
}

// searchColumns are contact_search's columns, in searchRow's order.
const searchColumns = "contact_search (contact_id, text, name_key, company_key)"
