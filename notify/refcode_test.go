package notify

import (
	"strings"
	"testing"
)

func TestNewRefsAreRandomAndReadable(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		code := NewRef(Deletion)
		if len(code) != len("D-K7QM-3XHF") || !strings.HasPrefix(code, "D-") || code[6] != '-' ||
			strings.Trim(code[2:6]+code[7:], refAlphabet) != "" {
			t.Fatalf("NewRef gave %q", code)
		}
		if strings.ContainsAny(code[2:], "0O1IL") {
			t.Fatalf("%q has a look-alike", code)
		}
		if parsed, ok := ParseRef(code); !ok || parsed != code {
			t.Fatalf("ParseRef(%q) = %q, %v", code, parsed, ok)
		}
		if seen[code] {
			t.Fatalf("%q twice in 2000", code)
		}
		seen[code] = true
	}
	if code := NewRef(Apology); !strings.HasPrefix(code, "A-") {
		t.Errorf("an apology's code %q", code)
	}
}

func TestParseRef(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"D-K7QM-3XHF", "D-K7QM-3XHF"},
		{"d-k7qm-3xhf", "D-K7QM-3XHF"},
		{"DK7QM3XHF", "D-K7QM-3XHF"},
		{"D K7QM 3XHF", "D-K7QM-3XHF"},
		{"Ｄ－Ｋ７ＱＭ－３ＸＨＦ", "D-K7QM-3XHF"},
		{" A-ABCD-EFGH ", "A-ABCD-EFGH"},
		{"D-000123", ""}, // a number is no code: anyone could work it out
		{"Ｄ－０００１２３", ""},
		{"D-K7QM-3XH", ""},  // one short
		{"D-K7QM-3XH0", ""}, // 0 is not in the alphabet
		{"D-", ""},
		{"X-000123", ""},
		{"D-12a", ""},
		{"D--1", ""},
		{"", ""},
		{"D-0", ""},
		{"D-1234567890123", ""},
	} {
		got, ok := ParseRef(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("ParseRef(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestFindRef(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"Re: 【お詫び】不審なメールの削除のお願い（D-K7QM-3XHF）", "D-K7QM-3XHF"},
		{"> お問い合わせ番号：Ｄ－Ｋ７ＱＭ－３ＸＨＦ", "D-K7QM-3XHF"},
		{"Reference number: a-abcd-efgh.", "A-ABCD-EFGH"},
		{"お問い合わせ番号：D-000012", ""},
		{"A-100 を注文します", ""}, // a product, not a notice
		{"D-SANDWICH", ""},   // I is not in the alphabet
		{"XD-K7QM-3XHF", ""}, // inside a word
		{"D-K7QM-3XHFQ", ""}, // too long
		{"品番 A-100、お問い合わせ番号 D-K7QM-3XHF", "D-K7QM-3XHF"},
	} {
		if got := FindRef(c.text); got != c.want {
			t.Errorf("FindRef(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestReturnPath(t *testing.T) {
	for _, c := range []struct{ base, code, want, back string }{
		{"bounces@example.jp", "D-K7QM-3XHF", "bounces+dk7qm3xhf@example.jp", "D-K7QM-3XHF"},
		{"bounces@example.jp", "D-000123", "bounces+d000123@example.jp", ""}, // a numbered code could be made up
		{"bounces@example.jp", "", "bounces@example.jp", ""},
	} {
		got := ReturnPath(c.base, c.code)
		if got != c.want || RefOfReturnPath(got) != c.back {
			t.Errorf("ReturnPath(%q, %q) = %q (reads back %q); want %q, %q", c.base, c.code, got, RefOfReturnPath(got), c.want, c.back)
		}
	}
	for _, addr := range []string{"bounces@example.jp", "taro+news@example.jp", "bounces+@example.jp", "+dk7qm3xhf", ""} {
		if code := RefOfReturnPath(addr); code != "" {
			t.Errorf("RefOfReturnPath(%q) = %q", addr, code)
		}
	}
}

// Whatever a sender writes, a code read from it is in the one form owabi
// stores, and reads back as itself.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"D-K7QM-3XHF", "ｄ－ｋ７ｑｍ　３ｘｈｆ", "d k7qm3xhf", "D-000123", "A-0000000001", "Re: D-K7QM-3XHF 削除しました", "D-", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, code := range []string{FindRef(s), RefOfReturnPath(s)} {
			if code == "" {
				continue
			}
			if again, ok := ParseRef(code); !ok || again != code {
				t.Fatalf("%q read as %q, which reads back as %q, %v", s, code, again, ok)
			}
		}
		if code, ok := ParseRef(s); ok {
			if again, ok := ParseRef(code); !ok || again != code {
				t.Fatalf("ParseRef(%q) = %q, which reads back as %q, %v", s, code, again, ok)
			}
		}
	})
}
