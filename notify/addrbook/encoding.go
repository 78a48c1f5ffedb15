package addrbook

import (
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encodings owabi reads, by the names its reports use.
const (
	UTF8    = "UTF-8"
	UTF8BOM = "UTF-8 (BOM)"
	UTF16LE = "UTF-16LE"
	UTF16BE = "UTF-16BE"
	CP932   = "Shift_JIS (CP932)"
	CP1252  = "Windows-1252"
)

// sniffSize is how much text Decode judges: enough that a Shift_JIS file
// is all but certain to show a byte sequence UTF-8 forbids. It starts at
// the first byte that is not ASCII, looked for in the first asciiRun bytes:
// a big export may begin with thousands of romanised entries, and ASCII
// reads the same in every encoding here.
const (
	sniffSize = 64 << 10
	asciiRun  = 16 << 20
)

// Decode returns r as UTF-8, and the encoding it found: a byte order mark
// decides (UTF-8, UTF-16LE/BE), or NULs beside ASCII letters (UTF-16
// without one); otherwise text that reads as UTF-8 is
// UTF-8, text that reads as Windows Shift_JIS is that (CP932, which
// Japanese Excel and Outlook write, with ㈱, ①, 髙 and the like), and
// anything else is read as Windows-1252.
//
// A UTF-8 file with a few broken bytes stays UTF-8, so that the entries
// holding them are rejected one by one instead of the whole file turning
// into nonsense as Shift_JIS.
func Decode(r io.Reader) (io.Reader, string) {
	head, err := readHead(r)
	var rest io.Reader = r
	if err != nil {
		rest = errReader{err} // the error comes after the text read before it
	}
	body := func(skip int) io.Reader { return io.MultiReader(bytes.NewReader(head[skip:]), rest) }
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		return body(3), UTF8BOM
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		return transform.NewReader(body(0), unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), UTF16LE
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return transform.NewReader(body(0), unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()), UTF16BE
	}
	switch utf16Order(head) {
	case UTF16LE:
		return transform.NewReader(body(0), unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()), UTF16LE
	case UTF16BE:
		return transform.NewReader(body(0), unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()), UTF16BE
	}
	judged := head
	if i := firstNonASCII(head); i > 0 {
		judged = head[i:]
	}
	judged = judged[:min(len(judged), sniffSize)]
	switch {
	case readsAsUTF8(judged):
		return body(0), UTF8
	case !readsAsCP932(judged):
		return transform.NewReader(body(0), charmap.Windows1252.NewDecoder()), CP1252
	}
	return transform.NewReader(body(0), japanese.ShiftJIS.NewDecoder()), CP932
}

// readsAsCP932 reports whether b reads as Shift_JIS (CP932): at least as
// many of its characters decode as do not, so that a phone's emoji among
// a few names does not turn the file into Windows-1252. Text that is
// neither UTF-8 nor Shift_JIS is most likely in a Western code page: Outlook
// writes N;CHARSET=windows-1252:Doë with the bytes of that page. (Latin
// text often does form Shift_JIS, and is still read as that.)
func readsAsCP932(b []byte) bool {
	text, _ := japanese.ShiftJIS.NewDecoder().Bytes(b)
	good, bad := 0, 0
	for _, r := range string(text) {
		switch {
		case r == utf8.RuneError:
			bad++
		case r >= utf8.RuneSelf:
			good++
		}
	}
	return good >= bad
}

// utf16Order tells UTF-16 written without a byte order mark (Apple's
// Contacts did so) by its NUL bytes: a vCard or CSV header is mostly ASCII,
// which UTF-16 writes as a NUL beside each letter, on the left for big-endian
// and the right for little-endian; UTF-8 and Shift_JIS text has no NULs. At
// least a quarter of the characters must be ASCII.
// It returns UTF16BE, UTF16LE or "".
func utf16Order(head []byte) string {
	head = head[:min(len(head), 4096)&^1]
	var even, odd int // NULs at even and odd offsets
	for i := 0; i < len(head); i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	pairs := len(head) / 2
	switch {
	case pairs < 2:
		return ""
	case even*4 >= pairs && odd*10 < even:
		return UTF16BE
	case odd*4 >= pairs && even*10 < odd:
		return UTF16LE
	}
	return ""
}

// readHead reads what Decode judges: sniffSize bytes and, while they are
// all ASCII, more, until it holds sniffSize bytes from the first byte that
// is not (or asciiRun bytes, or the whole input). A read error other than
// io.EOF is returned with what was read before it.
func readHead(r io.Reader) ([]byte, error) {
	var b bytes.Buffer
	first := -1
	for {
		before := b.Len()
		_, err := io.CopyN(&b, r, sniffSize)
		if err == io.EOF {
			return b.Bytes(), nil
		}
		if err != nil {
			return b.Bytes(), err
		}
		if i := firstNonASCII(b.Bytes()[before:]); first < 0 && i >= 0 {
			first = before + i
		}
		if first >= 0 && b.Len()-first >= sniffSize || b.Len() >= asciiRun {
			return b.Bytes(), nil
		}
	}
}

// errReader returns err on every read.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// firstNonASCII is the index of the first byte of b that is not ASCII, or -1.
func firstNonASCII(b []byte) int {
	return bytes.IndexFunc(b, func(r rune) bool { return r >= utf8.RuneSelf })
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
