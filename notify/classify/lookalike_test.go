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
