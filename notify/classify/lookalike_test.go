package classify_test

import (
	"testing"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/classify"
)

func TestImitates(t *testing.T) {
	r := testRules()
	r.Masters = append(r.Masters,
		classify.Master{Code: "C0100", Company: "森谷商店", Domain: "moriya.example", Category: notify.Customer},
		classify.Master{Code: "C0101", Company: "rnoriya", Domain: "rnoriya.example", Category: notify.Customer}, // reads as moriya.example
	)
	c := classify.New(r)
	tests := []struct {
		email, want string // email is normalised first
	}{
		// the organisation's own domain
		{"taro@sakura-prіnt.example.jp", "sakura-print.example.jp"}, // Cyrillic і
		{"taro@xn--sakura-prnt-7vj.example.jp", "sakura-print.example.jp"},
		{"taro@mail.sakura-prіnt.example.jp", "sakura-print.example.jp"},
		{"taro@ｓаkura-print.example.jp", "sakura-print.example.jp"}, // full-width s, Cyrillic а
		{"taro@sakura-prínt.example.jp", "sakura-print.example.jp"},
		{"taro@sakura-prınt.example.jp", "sakura-print.example.jp"},
		{"taro@sakura-pr1nt.example.jp", ""}, // 1 reads as l: sakura-prlnt is no known domain
		{"taro@sakura-print.example.jp", ""},
		{"taro@mail.sakura-print.example.jp", ""},
		{"taro@SAKURA-PRINT.example.jp", ""},
		{"taro@sakura-print.example.jp.evil.example", ""}, // another trick, not a look-alike
		// masters' domains
		{"aoi@kikyo-f0ods.example", "kikyo-foods.example"},
		{"aoi@kіkyo-foods.example", "kikyo-foods.example"},
		{"aoi@kikyo-foods.example", ""},
		{"s@asagiri-paper.examp1e.net", "asagiri-paper.example.net"},
		{"x@rnoriya.example", ""}, // a master of its own: genuine, however it reads
		{"x@moriya.example", ""},
		{"x@rnorlya.example", ""},
		{"x@freemaіl.example.jp", "freemail.example.jp"}, // C0004's free-mail domain
		{"x@freemail.example.jp", ""},
		// nothing known
		{"info@例え.jp", ""},
		{"info@xn--r8jz45g.jp", ""},
		{"x@аpple.com", ""}, // mixed scripts (addrbook.LookAlike flags it), but no domain the rules know
		{"x@gmail.com", ""},
		{"x@example.jp", ""},
	}
	for _, tt := range tests {
		n, err := addrbook.NormalizeEmail(tt.email)
		if err != nil {
			t.Errorf("NormalizeEmail(%q): %v", tt.email, err)
			continue
		}
		if got := c.Imitates(n); got != tt.want {
			t.Errorf("Imitates(%q) = %q, want %q", n, got, tt.want)
		}
	}
}

// TestLookAlikeDecidesNothing: a contact with an address at a look-alike of
// a known domain is left to a person, whatever its label, company or other
// addresses say; only a person's override decides it.
func TestLookAlikeDecidesNothing(t *testing.T) {
	c := classify.New(testRules())
	const (
		own    = `the domain "sakura-prіnt.example.jp" (xn--sakura-prnt-7vj.example.jp) may imitate sakura-print.example.jp, the organisation's own domain`
		master = `the domain "kikyo-f0ods.example" may imitate kikyo-foods.example, the domain of C0061 桔梗フーズ株式会社`
	)
	tests := []struct {
		name    string
		emails  []string
		company string
		labels  []string
		want    notify.Decision
	}{
		{"label 社員", []string{"taro@xn--sakura-prnt-7vj.example.jp"}, "", []string{"社員", "* myContacts"},
			notify.Decision{Category: notify.Unclassified, Rule: notify.RuleLookAlike, Detail: own}},
		{"company name of a master", []string{"aoi@kikyo-f0ods.example"}, "桔梗フーズ株式会社", []string{"顧客"},
			notify.Decision{Category: notify.Unclassified, Rule: notify.RuleLookAlike, Detail: master}},
		{"beside a genuine own address", []string{"taro@sakura-print.example.jp", "taro@xn--sakura-prnt-7vj.example.jp"}, "", nil,
			notify.Decision{Category: notify.Unclassified, Rule: notify.RuleLookAlike, Detail: own}},
		{"an override still decides", []string{"taro@xn--sakura-prnt-7vj.example.jp", "special@kikyo-foods.example"}, "", []string{"社員"},
			notify.Decision{Category: notify.Supplier, Rule: notify.RuleManual, Detail: "special@kikyo-foods.example"}},
		{"an unknown IDN decides as before", []string{"info@xn--r8jz45g.jp"}, "", []string{"社員"},
			notify.Decision{Category: notify.Employee, Rule: notify.RuleLabel, Detail: "社員"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Classify(notify.Record{Emails: tt.emails, Company: tt.company, Labels: tt.labels})
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
