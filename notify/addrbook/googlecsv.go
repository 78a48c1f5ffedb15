package addrbook

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/owabi/owabi/notify"
)

// Cell size limits: no real name or address comes close, and a cell larger
// than this usually means a quote was never closed and swallowed other rows.
const (
	maxField = 4096
	maxNotes = 64 << 10
)

// GoogleCSV reads a Google Contacts CSV export one entry at a time.
type GoogleCSV struct {
	csv  *csv.Reader
	cols googleColumns
	n    int   // entries read so far, for Record.Number
	line int   // line where the last entry started, for fatal errors
	err  error // fatal error (or io.EOF), returned again by every later call
}

// NewGoogleCSV reads and checks the header of a Google Contacts CSV export.
// If r does not start with such a header it returns a *notify.Error with
// code notify.EINVALID that says why.
//
// r must be UTF-8 (Decode turns other encodings into it).
func NewGoogleCSV(r io.Reader) (*GoogleCSV, error) {
	cr := csv.NewReader(SkipBOM(r))
	cr.FieldsPerRecord = -1 // rows may be short or long; columns are found by name
	cr.ReuseRecord = true   // every cell is copied into the Record anyway
	header, err := cr.Read()
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		return nil, notify.Errorf(notify.EINVALID, "not a Google Contacts CSV export: the file is empty")
	case errors.As(err, &pe):
		return nil, notify.Errorf(notify.EINVALID, "not a Google Contacts CSV export: line %d: %s", pe.StartLine, csvReason(pe))
	case err != nil:
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	for _, h := range header {
		if !utf8.ValidString(h) {
			return nil, notify.Errorf(notify.EINVALID, "not a Google Contacts CSV export: the header is not UTF-8 text")
		}
	}
	cols, reason := findGoogleColumns(header)
	if reason != "" {
		return nil, notify.Errorf(notify.EINVALID, "not a Google Contacts CSV export: %s", reason)
	}
	return &GoogleCSV{csv: cr, cols: cols, line: 1}, nil
}

// Format names the layout of the file: the current Google Contacts CSV or
// the older "Google CSV".
func (g *GoogleCSV) Format() string {
	if g.cols.old {
		return "google-csv-old"
	}
	return "google-csv"
}

// Next returns the next entry. At the end it returns io.EOF. An entry that
// cannot be used gives a *RowError; the caller records it and calls Next
// again. Any other error is fatal (the input could not be read) and is
// returned again by every later call.
//
// Record.Number counts rejected entries too, so numbers match the entries
// in the file; Record.Line is the physical line where the entry starts (the
// header is line 1), which differs once a quoted cell spans several lines.
func (g *GoogleCSV) Next() (notify.Record, error) {
	if g.err != nil {
		return notify.Record{}, g.err
	}
	before := g.csv.InputOffset()
	row, err := g.csv.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			g.err = io.EOF
		case errors.As(err, &pe) && g.csv.InputOffset() > before:
			// encoding/csv has dropped the rest of the bad line and will
			// start again on the next one.
			g.n++
			g.line = pe.StartLine
			return notify.Record{}, &RowError{Number: g.n, Line: pe.StartLine, Reason: csvReason(pe)}
		case pe != nil:
			g.err = fmt.Errorf("line %d: cannot read on after malformed CSV: %w", pe.StartLine, err)
		default:
			g.err = fmt.Errorf("reading the entry after line %d: %w", g.line, err)
		}
		return notify.Record{}, g.err
	}
	g.n++
	g.line, _ = g.csv.FieldPos(0)
	rec, reason := g.cols.record(row)
	if reason != "" {
		return notify.Record{}, &RowError{Number: g.n, Line: g.line, Reason: reason}
	}
	rec.Number, rec.Line = g.n, g.line
	return rec, nil
}

// record turns one CSV row into a Record, or says why it cannot.
func (c googleColumns) record(row []string) (notify.Record, string) {
	for i, f := range row {
		if !utf8.ValidString(f) || strings.ContainsRune(f, utf8.RuneError) {
			return notify.Record{}, fmt.Sprintf("the %s field has bytes that cannot be decoded (is the file in another encoding?)", c.name(i))
		}
		limit := maxField
		if i == c.notes {
			limit = maxNotes
		}
		if len(f) > limit {
			return notify.Record{}, fmt.Sprintf("the %s field is longer than %d bytes", c.name(i), limit)
		}
	}
	rec := notify.Record{
		Family:     trimText(cell(row, c.family)),
		Given:      trimText(cell(row, c.given)),
		FamilyKana: trimText(cell(row, c.familyKana)),
		GivenKana:  trimText(cell(row, c.givenKana)),
		Company:    trimText(cell(row, c.company)),
		Department: trimText(cell(row, c.department)),
		Title:      trimText(cell(row, c.title)),
		Notes:      cell(row, c.notes),
		Labels:     splitJoined(cell(row, c.labels)),
	}
	if rec.Family == "" && rec.Given == "" {
		// The old layout may hold only the whole name.
		rec.Family = trimText(cell(row, c.wholeName))
	}
	// These may be written into a notice's headers, so nothing may hide in them.
	for _, f := range []struct{ what, text string }{
		{"name", rec.Family + rec.Given},
		{"phonetic name", rec.FamilyKana + rec.GivenKana},
		{"company name", rec.Company},
		{"department", rec.Department},
		{"title", rec.Title},
	} {
		if bad := badTextRune(f.text); bad != "" {
			return notify.Record{}, "the " + f.what + " " + bad
		}
	}
	for _, i := range c.emails {
		for _, a := range splitJoined(cell(row, i)) {
			e, err := NormalizeEmail(a)
			if err != nil {
				return notify.Record{}, err.Error()
			}
			if !containsFold(rec.Emails, e) {
				rec.Emails = append(rec.Emails, e)
			}
		}
	}
	if len(rec.Emails) == 0 {
		return notify.Record{}, "no e-mail address"
	}
	for _, i := range c.phones {
		rec.Phones = append(rec.Phones, splitJoined(cell(row, i))...)
	}
	return rec, ""
}

// containsFold reports whether list holds e in any case: Taro@x and taro@x
// reach the same mailbox in practice, and one person must not get two notices.
func containsFold(list []string, e string) bool {
	for _, x := range list {
		if strings.EqualFold(x, e) {
			return true
		}
	}
	return false
}

// csvReason says in words what encoding/csv found wrong. It names the line
// when the problem is not on the line where the entry starts; its column is
// a byte offset, which would mislead anyone counting spreadsheet columns.
func csvReason(pe *csv.ParseError) string {
	where := ""
	if pe.Line != pe.StartLine {
		where = fmt.Sprintf(" (on line %d)", pe.Line)
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return "malformed CSV: a \" in a field that is not quoted" + where
	case errors.Is(pe.Err, csv.ErrQuote):
		return "malformed CSV: a quoted field has a stray \" or is never closed" + where
	}
	return fmt.Sprintf("malformed CSV: %v%s", pe.Err, where)
}
