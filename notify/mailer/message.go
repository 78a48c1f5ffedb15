package mailer

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	netmail "net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Message is a notice as it goes over the wire: its envelope and the
// bytes of the mail, lines ended with CRLF.
type Message struct {
	From string // the envelope sender, a bare address
	To   string // the one recipient, a bare address
	Data []byte
}

// WriteTo writes the mail as it goes out.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(m.Data)
	return int64(n), err
}

// A notice is written here, not by go-mail's general composer: every
// notice has the same shape (one text part and its HTML), so the bytes are
// laid out directly, several times faster, and each header is written as
// filters expect it (a folded line never leaves the field name alone on
// its line, which rspamd scores as HEADER_FROM_EMPTY_DELIMITER).

// headers are a mail's header fields, written in order.
type headers struct{ b bytes.Buffer }

// maxLine is where a header line is folded when a space allows
// (RFC 5322 recommends 78 octets).
const maxLine = 78

// add writes "Name: value", folding value at its spaces so that its lines
// stay within maxLine where they can. The value's first word always stays
// on the field's own line. The value must be one line: the callers pass
// text from contacts through oneLine first.
func (h *headers) add(name, value string) {
	h.b.WriteString(name)
	h.b.WriteByte(':')
	line := len(name) + 1
	for i, word := range strings.Split(value, " ") {
		if i > 0 && word != "" && line+1+len(word) > maxLine {
			h.b.WriteString("\r\n")
			line = 0
		}
		h.b.WriteByte(' ')
		h.b.WriteString(word)
		line += 1 + len(word)
	}
	h.b.WriteString("\r\n")
}

// address is an address header's value: the name in encoded words when it
// is not ASCII, else quoted where it needs to be, and the address quoted
// where its local part needs it (taro..@docomo.ne.jp, an old Japanese
// mobile address, is valid but not a dot-atom).
func address(name, addr string) string {
	if name == "" || isASCII(name) {
		return (&netmail.Address{Name: name, Address: addr}).String()
	}
	return encoded(name) + " " + (&netmail.Address{Address: addr}).String()
}

// encoded is text for a header (Subject, a name): as it is when it is
// plain ASCII, else in base64 encoded words (RFC 2047) short enough that
// each fits on a line of its own within RFC 2047's 76 characters, even the
// first, after "Subject: ". (Go's mime package makes words of 75
// characters, which puts the first line past that.) A word ends on a
// character's boundary.
func encoded(s string) string {
	if isASCII(s) && !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	const chunk = 39 // bytes: 52 in base64, a word of 64
	var b strings.Builder
	for s != "" {
		n := min(chunk, len(s))
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n--
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("=?UTF-8?B?")
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(s[:n])))
		b.WriteString("?=")
		s = s[n:]
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// boundaryFor is the MIME boundary of the notice with this Message-ID:
// fixed by it, so the same notice is written the same way each time (a
// DKIM signature is made over the bytes that go out). It cannot occur in
// the parts: they are base64, whose alphabet has no '-'.
func boundaryFor(messageID string) string {
	sum := sha256.Sum256([]byte(messageID))
	return "owabi-" + hex.EncodeToString(sum[:12])
}

// alternative writes the body of a multipart/alternative mail: the text
// and its HTML, each in base64 (Japanese text is mostly 8-bit, and base64
// survives any relay).
func alternative(b *bytes.Buffer, boundary, text, html string) {
	b.Grow(base64Len(len(text)) + base64Len(len(html)) + 4*len(boundary) + 256) // one allocation, not one per doubling
	for _, part := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", html}} {
		b.WriteString("--" + boundary + "\r\n")
		b.WriteString("Content-Type: " + part.typ + "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		writeBase64(b, part.body)
	}
	b.WriteString("--" + boundary + "--\r\n")
}

// base64 lines: 57 bytes encode to one full line of 76 characters.
const lineIn, lineOut = 57, 76

// writeBase64 writes s in base64, in lines of 76 characters (RFC 2045).
func writeBase64(b *bytes.Buffer, s string) {
	b.Grow(base64Len(len(s)))
	var line [lineOut]byte
	for len(s) > 0 {
		n := min(lineIn, len(s))
		var chunk [lineIn]byte
		copy(chunk[:], s[:n])
		base64.StdEncoding.Encode(line[:], chunk[:n])
		b.Write(line[:base64.StdEncoding.EncodedLen(n)])
		b.WriteString("\r\n")
		s = s[n:]
	}
}

// base64Len is how long n bytes are in base64 lines, line ends included.
func base64Len(n int) int {
	return base64.StdEncoding.EncodedLen(n) + (n+lineIn-1)/lineIn*2
}

// date is a header's date, as RFC 5322 writes it.
func date(t time.Time) string { return t.Format(time.RFC1123Z) }
