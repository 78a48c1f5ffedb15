package addrbook

import (
	"bufio"
	"io"
)

// SkipBOM drops a UTF-8 byte order mark at the start of r. Real Google
// exports and spreadsheet programs saving UTF-8 CSV write one, and
// encoding/csv would otherwise keep it in the first header name (or call a
// quoted first name malformed).
func SkipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return br
}
