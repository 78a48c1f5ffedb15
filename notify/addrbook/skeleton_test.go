package addrbook_test

import (
	"testing"

	"github.com/owabi/owabi/notify/addrbook"
)

func TestSkeleton(t *testing.T) {
	tests := []struct {
		in, want string // in is normalised first
	}{
		{"sakura-print.example.jp", "sakura-print.example.jp"},
		{"sakura-prіnt.example.jp", "sakura-print.example.jp"}, // Cyrillic і
		{"xn--sakura-prnt-7vj.example.jp", "sakura-print.example.jp"},
		{"mail.sakura-prіnt.example.jp", "mail.sakura-print.example.jp"},
		{"SAKURA-PRINT.example.jp", "sakura-print.example.jp"},
		{"ｓａｋｕｒａ-print.example.jp", "sakura-print.example.jp"}, // full-width
		{"sakura-prínt.example.jp", "sakura-print.example.jp"}, // an accent on a Latin letter
		{"sakura-prïnt.example.jp", "sakura-print.example.jp"},
		{"sakura-prınt.example.jp", "sakura-print.example.jp"}, // dotless ı
		{"sаkurа-print.example.jp", "sakura-print.example.jp"}, // Cyrillic а twice
		{"kikyo-f0ods.example", "kikyo-foods.example"},
		{"asagiri-paper.examp1e.net", "asagiri-paper.example.net"},
		{"rnoriya.example", "moriya.example"},
		{"moriya.example", "moriya.example"},
		{"vvatanabe.example", "watanabe.example"},
		{"аррӏе.com", "apple.com"},   // all Cyrillic
		{"gοοgle.com", "google.com"}, // Greek ο
		{"例え.jp", "例え.jp"},
		{"xn--r8jz45g.jp", "例え.jp"},
		{"がっこう.jp", "か\u3099っこう.jp"}, // marks on kana stay (decomposed)
		{"пример.рф", "пpимep.pф"},   // Cyrillic letters that pass for Latin ones read as them
	}
	for _, tt := range tests {
		d, err := addrbook.NormalizeDomain(tt.in)
		if err != nil {
			t.Errorf("NormalizeDomain(%q): %v", tt.in, err)
			continue
		}
		if got := addrbook.Skeleton(d); got != tt.want {
			t.Errorf("Skeleton(%q) = %q, want %q", d, got, tt.want)
		}
	}
}

func TestShownDomain(t *testing.T) {
	for in, want := range map[string]string{
		"xn--sakura-prnt-7vj.example.jp": "sakura-prіnt.example.jp",
		"xn--r8jz45g.jp":                 "例え.jp",
		"sakura-print.example.jp":        "sakura-print.example.jp",
		"xn--zz.jp":                      "xn--zz.jp", // does not decode
	} {
		if got := addrbook.ShownDomain(in); got != want {
			t.Errorf("ShownDomain(%q) = %q, want %q", in, got, want)
		}
	}
}
