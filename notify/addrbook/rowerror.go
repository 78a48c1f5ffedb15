package addrbook

import "fmt"

// RowError is an entry that cannot be used. Next returns it and goes on with
// the following entry, so the caller can record the problem for a person to
// look at and keep reading.
type RowError struct {
	Number int    // 1-based entry number
	Line   int    // physical line where the entry starts
	Reason string // what is wrong, in words
}

// Error returns the line and the reason, e.g. "line 12: no e-mail address".
func (e *RowError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}
