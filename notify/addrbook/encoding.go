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
// decides (UTF-8, UTF-16LE/BE); otherwise text that is valid UTF-8 is
// UTF-8, and anything else is read as Windows Shift_JIS (CP932, which
// Japanese Excel and Outlook write, with ㈱, ①, 髙 and the like).
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
	case validUTF8Prefix(head):
		return br, UTF8
	}
	return transform.NewReader(br, japanese.ShiftJIS.NewDecoder()), CP932
}

// validUTF8Prefix is utf8.Valid, forgiving a rune cut off at the end of b.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}
