package wording

import (
	"fmt"
	"strings"
)

// Number writes n with commas, as both languages write counts of entries:
// 1234567 → 1,234,567.
func Number(n int) string {
	s := fmt.Sprint(n)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}

// Short is as much of a note about an entry as a page or a terminal shows:
// its first MaxShown characters, then "…". An entry's warnings are joined
// in one note, and a cell of a thousand bad phone numbers makes a note of
// 60 KB; a page of 100 of them would be 6 MB. The database and the JSON
// keep the note whole.
func Short(note string) string {
	n := 0
	for i := range note {
		if n == MaxShown {
			return note[:i] + "…"
		}
		n++
	}
	return note
}

// MaxShown is how many characters of a note Short keeps: two or three
// warnings, or a rejection quoting a long value whole.
const MaxShown = 300
