package addrbook

import (
	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// RowError is an entry that cannot be used. Next returns it and goes on with
// the following entry, so the caller can record the problem for a person to
// look at and keep reading.
type RowError struct {
	Number int         // 1-based entry number
	Line   int         // physical line where the entry starts
	Reason notify.Said // what is wrong
}

// Error returns the line and the reason in English, e.g. "line 12: no
// e-mail address".
func (e *RowError) Error() string { return wording.English(onLine(e.Line, e.Reason)) }
