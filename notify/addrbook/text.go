package addrbook

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/owabi/owabi/notify"
)

// asciiSpace is the white space trimmed around every cell; U+3000 (the
// full-width space) is trimmed too because Japanese input methods type it.
const asciiSpace = " \t\n\v\f\r"

// trimText trims surrounding ASCII white space and U+3000 and keeps
// everything else as written.
func trimText(s string) string {
	return strings.Trim(s, asciiSpace+"\u3000")
}

// splitList splits a cell that holds several values joined with sep
// (Google writes " ::: ", Outlook ";"), trimming each value and dropping
// empty ones.
func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = trimText(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// badTextRune names what text that may end up in a mail header (a name, a
// company) holds that it may not, or nothing if it holds none. A line
// break there would let the book inject headers such as "Bcc:".
func badTextRune(s string) notify.Said {
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			return notify.Say("word.line_break")
		case unicode.IsControl(r) || isBidiControl(r):
			return notify.Say("word.control")
		}
	}
	return notify.Said{}
}

// isBidiControl reports the invisible direction overrides that can make a
// name display differently from what it is.
func isBidiControl(r rune) bool {
	return '\u202a' <= r && r <= '\u202e' || '\u2066' <= r && r <= '\u2069'
}

// quote quotes s for an error message, shortened so that a huge cell does
// not make a huge message.
func quote(s string) string {
	const max = 80 // characters
	n := 0
	for i := range s {
		if n == max {
			return strconv.Quote(s[:i]) + "…"
		}
		n++
	}
	return strconv.Quote(s)
}
