package addrbook

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encodings owabi reads, by the names its reports use.
const (
	UTF8    = "UTF-8"
	UTF8BOM = "UTF-8 with BOM"
	UTF16LE = "UTF-16LE"
	UTF16BE = "UTF-16BE"
	CP932   = "Shift_JIS (CP932)"
)

// sniffSize is how much of a file Decode looks at: enough text that a
// Shift_JIS file is all but certain to show a byte sequence UTF-8 forbids.
const sniffSize = 64 << 10

// Decode returns r as UTF-8, and the encoding it found: a byte order mark
// decides (UTF-8, UTF-16LE/BE); otherwise text that reads as UTF-8 is
// UTF-8, and anything else is read as Windows Shift_JIS (CP932, which
// Japanese Excel and Outlook write, with ㈱, ①, 髙 and the like).
//
// A UTF-8 file with a few broken bytes stays UTF-8, so that the entries
// holding them are rejected one by one instead of the whole file turning
// into nonsense as Shift_JIS.
func Decode(r io.Reader) (io.Reader, string) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, _ := br.Peek(sniffSize)
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
		return br, UTF8BOM
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), UTF16LE
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()), UTF16BE
	case readsAsUTF8(head):
		return br, UTF8
	}
	return transform.NewReader(br, japanese.ShiftJIS.NewDecoder()), CP932
}

// readsAsUTF8 reports whether b is UTF-8 text, forgiving a rune cut off at
// its end and a few invalid bytes among many valid multi-byte characters.
// Shift_JIS text almost never forms valid UTF-8 sequences, so a file with
// plenty of them and few errors is UTF-8 that was damaged, not Shift_JIS.
func readsAsUTF8(b []byte) bool {
	multi, invalid := 0, 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size <= 1 && !utf8.FullRune(b[i:]):
			i = len(b) // a rune cut off by the sniff window
			continue
		case r == utf8.RuneError && size <= 1:
			invalid++
		case size > 1:
			multi++
		}
		i += size
	}
	return invalid == 0 || multi >= 20*invalid
}
