// Package respond carries out the steps of the response that the command
// line and the web app both offer, the same way whichever asks: they
// parse what staff ask for and show what came of it, the store keeps it,
// and what happens in between is here.
package respond

import (
	"bufio"
	"context"
	"errors"
	"io"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
	"github.com/owabi/owabi/notify/wording"
)

// Books imports leaked address books as they come, in any format and
// encoding owabi reads, classifying each contact as it is stored.
type Books struct {
	Store  BookStore
	Decide notify.Decide    // nil leaves the contacts unclassified
	Map    addrbook.Mapping // the columns of a CSV in a layout owabi does not know; nil for none
}

// BookStore keeps what an import reads (store.DB).
type BookStore interface {
	Import(ctx context.Context, rep notify.ImportReport, next notify.NextRecord, decide notify.Decide) (notify.ImportReport, error)
}

// ImportOptions say how one book is imported.
type ImportOptions struct {
	Format string // one of addrbook.FormatNames; "" to tell from the content
	DryRun bool   // report what the import would do, and write nothing
	Entry  func() // called after each entry read (a progress bar); nil for none
	// ListedAt is when the persons concerned were listed from the book,
	// for the timeline, when it was not as it is imported.
	ListedAt time.Time
}

// Import reads the book in r, named name (the file's base name), and
// stores it in one transaction: all of it, or nothing.
func (b Books) Import(ctx context.Context, name string, r io.Reader, opt ImportOptions) (notify.ImportReport, error) {
	rep := notify.ImportReport{File: name, DryRun: opt.DryRun, ListedAt: opt.ListedAt}
	br := bufio.NewReader(r)
	if head, _ := br.Peek(4096); len(head) > 0 {
		if what, ok := addrbook.NotABook(head); ok {
			return rep, wording.Fail(notify.EINVALID, notify.Say("entry.file", name, what))
		}
	}
	text, encoding := addrbook.Decode(br)
	rep.Encoding = encoding
	book, err := addrbook.Open(text, opt.Format, b.Map)
	if err != nil {
		return rep, wording.Wrap(err, notify.Say("entry.file", name, notify.ErrorSaid(err)))
	}
	rep.Format = book.Format()
	rep, err = b.Store.Import(ctx, rep, func() (notify.Record, *notify.EntryNote, error) {
		rec, err := book.Next()
		if err != io.EOF && opt.Entry != nil {
			opt.Entry()
		}
		var row *addrbook.RowError
		if errors.As(err, &row) {
			return rec, &notify.EntryNote{Number: row.Number, Line: row.Line, Reason: row.Reason}, nil
		}
		return rec, nil, err
	}, b.Decide)
	if err != nil {
		return rep, wording.Wrap(err, notify.Say("entry.nothing_imported", name, notify.ErrorSaid(err)))
	}
	return rep, nil
}
