package addrbook

import (
	"io"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// maxCSVEntry bounds the bytes one CSV entry may take. encoding/csv holds a
// whole record in memory, so without a bound a quote that is never closed,
// or a file that is not an address book, could take all of it. Fields over
// maxField are rejected one by one; only an entry this large stops the
// import.
const maxCSVEntry = 16 << 20

// errEntryTooLarge is the fatal error for an entry over maxCSVEntry.
var errEntryTooLarge = wording.Fail(notify.EINVALID, notify.Say("entry.csv_entry_too_large", maxCSVEntry>>20))

// entryLimit passes reads through until more than maxCSVEntry bytes have
// passed since the last reset. It also notes how much it passed in all and
// whether the input has ended.
type entryLimit struct {
	r     io.Reader
	n     int   // since the last reset
	total int64 // since the start
	eof   bool
}

func (l *entryLimit) reset() { l.n = 0 }

func (l *entryLimit) Read(p []byte) (int, error) {
	if l.n > maxCSVEntry {
		return 0, errEntryTooLarge
	}
	n, err := l.r.Read(p)
	l.n += n
	l.total += int64(n)
	l.eof = l.eof || err == io.EOF
	return n, err
}
