package addrbook_test

import (
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/owabi/owabi/notify/addrbook"
)

func TestDecode(t *testing.T) {
	const text = "姓,名\r\n髙橋,健\r\n㈱サンプル,①\r\n"
	cp932, err := japanese.ShiftJIS.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(text)
	// A long file whose first non-ASCII character is cut by the sniff window.
	long := strings.Repeat("a", 64<<10-1) + "髙"
	// UTF-8 with one broken byte: the entry holding it is rejected later,
	// the rest must not turn into Shift_JIS nonsense.
	ascii := strings.Repeat("Yamada,Taro,taro@example.jp\r\n", 4000)
	damaged := strings.Repeat("山田,太郎,taro@example.jp\n", 10) + "佐藤,\xff,x@example.jp\n"
	// UTF-16 without a byte order mark, as Apple's Contacts wrote a vCard:
	// told by the NULs beside its ASCII letters.
	const card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:髙橋;健\r\nEMAIL:ken@example.jp\r\nEND:VCARD\r\n"
	leBare, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(card)
	beBare, _ := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder().String(card)
	for _, tt := range []struct{ name, in, want, enc string }{
		{"UTF-16LE without BOM", leBare, card, addrbook.UTF16LE},
		// Outlook's N;CHARSET=windows-1252 with that page's bytes: neither
		// UTF-8 nor Shift_JIS (0xEB 0x6B is no CP932 character).
		{"Windows-1252", "N;CHARSET=windows-1252:Do\xebk;John\r\nEMAIL:j@example.com\r\n", "N;CHARSET=windows-1252:Doëk;John\r\nEMAIL:j@example.com\r\n", addrbook.CP1252},
		{"CP932 with one emoji no table holds", cp932 + "\xf8\x9f", text + "\ufffd", addrbook.CP932},
		{"UTF-16BE without BOM", beBare, card, addrbook.UTF16BE},
		{"UTF-8", text, text, addrbook.UTF8},
		{"UTF-8 with BOM", "\ufeff" + text, text, addrbook.UTF8BOM},
		{"UTF-16LE", le, text, addrbook.UTF16LE},
		{"UTF-16BE", be, text, addrbook.UTF16BE},
		{"CP932", cp932, text, addrbook.CP932},
		{"UTF-8 rune across the sniff window", long, long, addrbook.UTF8},
		{"empty", "", "", addrbook.UTF8},
		{"UTF-8 with a broken byte", damaged, damaged, addrbook.UTF8},
		// A big export may start with many romanised entries; the judging
		// starts at the first byte that is not ASCII.
		{"CP932 after 100 KB of ASCII", ascii + cp932, ascii + text, addrbook.CP932},
		{"CP932 that happens to hold a valid UTF-8 pair", cp932 + "\xc3\xa9", text + "ﾃｩ", addrbook.CP932},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, enc := addrbook.Decode(strings.NewReader(tt.in))
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if enc != tt.enc || string(got) != tt.want {
				t.Errorf("Decode = %q (%s); want %q (%s)", shorten(string(got)), enc, shorten(tt.want), tt.enc)
			}
		})
	}
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:20] + "…" + s[len(s)-20:]
	}
	return s
}
