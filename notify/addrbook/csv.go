package addrbook

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// Cell size limits: no real name or address comes close, and a cell larger
// than this usually means a quote was never closed and swallowed other rows.
const (
	maxField = 4096
	maxNotes = 64 << 10
)

// CSV reads an address book exported as CSV, one entry at a time: Google
// Contacts, Outlook (English or Japanese headers), or any other layout
// whose columns a Mapping names.
type CSV struct {
	csv   *csv.Reader
	limit *entryLimit
	cols  columns
	n     int   // entries read so far, for Record.Number
	line  int   // line where the last entry started, for fatal errors
	err   error // fatal error (or io.EOF), returned again by every later call
}

// NewGoogleCSV reads and checks the header of a Google Contacts CSV export.
// If r does not start with such a header it returns a *notify.Error with
// code notify.EINVALID that says why.
//
// r must be UTF-8 (Decode turns other encodings into it).
func NewGoogleCSV(r io.Reader) (*CSV, error) {
	return NewCSV(r, FormatGoogle, nil)
}

// NewCSV reads the header of a CSV address book of the given format
// (FormatGoogle, FormatOutlook, FormatOutlookJa, FormatTBird or FormatCSV), or, when
// format is "", of whichever layout the header shows; m names the columns
// for FormatCSV, and for a header no layout knows. An unusable header gives
// a *notify.Error with code notify.EINVALID that says why.
//
// r must be UTF-8 (Decode turns other encodings into it).
func NewCSV(r io.Reader, format string, m Mapping) (*CSV, error) {
	what, ok := map[string]string{FormatGoogle: "google", FormatGoogleOld: "google", FormatOutlook: "outlook", FormatOutlookJa: "outlook",
		FormatTBird: "thunderbird", FormatCSV: "csv", "": "csv"}[format]
	if !ok {
		return nil, notify.Errorf(notify.EINVALID, "unknown CSV format %q", format)
	}
	invalid := func(reason notify.Said) error {
		return wording.Fail(notify.EINVALID, notify.Say("entry.not_a", notify.Say("entry.book_"+what), reason))
	}
	limit := &entryLimit{r: SkipBOM(r)}
	cr := csv.NewReader(limit)
	cr.FieldsPerRecord = -1 // rows may be short or long; columns are found by name
	cr.ReuseRecord = true   // every cell is copied into the Record anyway
	header, err := cr.Read()
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		return nil, invalid(notify.Say("entry.file_empty"))
	case errors.As(err, &pe):
		return nil, invalid(onLine(pe.StartLine, csvReason(pe)))
	case err != nil:
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	for _, h := range header {
		if !utf8.ValidString(h) {
			return nil, invalid(notify.Say("entry.header_not_utf8"))
		}
	}
	header = slices.Clone(header) // ReuseRecord would overwrite it
	cols, reason := findColumns(header, format, m)
	if !reason.IsZero() {
		return nil, invalid(reason)
	}
	cols.finishColumns()
	return &CSV{csv: cr, limit: limit, cols: cols, line: 1}, nil
}

// findColumns finds the columns of a header of the given format, or, when
// format is "", of the first layout that fits, and only when none does, of
// the mapping: a mapping kept in the config must not stop Google and
// Outlook exports from being read as what they are.
func findColumns(header []string, format string, m Mapping) (columns, notify.Said) {
	switch {
	case format == FormatCSV && m != nil:
		return m.columns(header)
	case format == FormatCSV:
		return columns{}, notify.Say("entry.columns_not_named")
	case format == FormatGoogle || format == FormatGoogleOld:
		return googleColumns(header)
	case format == FormatOutlook || format == FormatOutlookJa:
		return outlookColumns(header)
	case format == FormatTBird:
		return thunderbirdColumns(header)
	}
	var near notify.Said // why a layout whose address column is there does not fit
	for _, l := range layouts {
		c, reason := l.match(header)
		if reason.IsZero() {
			return c, reason
		}
		if len(c.emails) > 0 && near.IsZero() {
			near = notify.Say("entry.header_near", notify.Say("format_"+l.format), reason)
		}
	}
	if m != nil {
		return m.columns(header)
	}
	if near.IsZero() {
		near = notify.Say("entry.header_unknown")
	}
	return columns{}, notify.Say("entry.name_the_columns", near, listHeader(trimAll(header)))
}

func trimAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = trimText(s)
	}
	return out
}

// Format names the layout of the file, e.g. "google-csv" or "outlook-csv-ja".
func (g *CSV) Format() string { return g.cols.format }

// Next returns the next entry. At the end it returns io.EOF. An entry that
// cannot be used gives a *RowError; the caller records it and calls Next
// again. Any other error is fatal (the input could not be read) and is
// returned again by every later call.
//
// Record.Number counts rejected entries too, so numbers match the entries
// in the file; Record.Line is the physical line where the entry starts (the
// header is line 1), which differs once a quoted cell spans several lines.
func (g *CSV) Next() (notify.Record, error) {
	if g.err != nil {
		return notify.Record{}, g.err
	}
	before := g.csv.InputOffset()
	g.limit.reset()
	row, err := g.csv.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			g.err = io.EOF
		case errors.As(err, &pe) && g.swallowedTheRest(pe):
			g.err = wording.Fail(notify.EINVALID, notify.Say("entry.quote_never_closed",
				strconv.Itoa(pe.StartLine), strconv.Itoa(pe.StartLine), strconv.Itoa(pe.Line)))
		case errors.As(err, &pe) && g.csv.InputOffset() > before:
			// encoding/csv has dropped the rest of the bad line and will
			// start again on the next one.
			g.n++
			g.line = pe.StartLine
			return notify.Record{}, &RowError{Number: g.n, Line: pe.StartLine, Reason: csvReason(pe)}
		case pe != nil:
			g.err = wording.Fail(notify.EINVALID, notify.Say("entry.cannot_read_on", strconv.Itoa(pe.StartLine), csvReason(pe)))
		default:
			g.err = fmt.Errorf("reading the entry after line %d: %w", g.line, err)
		}
		return notify.Record{}, g.err
	}
	g.n++
	g.line, _ = g.csv.FieldPos(0)
	rec, reason := g.cols.record(row)
	if !reason.IsZero() {
		return notify.Record{}, &RowError{Number: g.n, Line: g.line, Reason: reason}
	}
	rec.Number, rec.Line = g.n, g.line
	return rec, nil
}

// swallowedTheRest reports whether pe is a quote left open that ran to the
// end of the file over other lines: rejecting that one entry would quietly
// drop every entry after it.
func (g *CSV) swallowedTheRest(pe *csv.ParseError) bool {
	atEnd := g.limit.eof && g.csv.InputOffset() == g.limit.total
	return errors.Is(pe.Err, csv.ErrQuote) && atEnd && pe.Line > pe.StartLine+1
}

// csvReason says what encoding/csv found wrong. It names the line when
// the problem is not on the line where the entry starts; its column is a
// byte offset, which would mislead anyone counting spreadsheet columns.
func csvReason(pe *csv.ParseError) notify.Said {
	why := notify.Say("entry.malformed_csv", pe.Err.Error())
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		why = notify.Say("entry.csv_bare_quote")
	case errors.Is(pe.Err, csv.ErrQuote):
		why = notify.Say("entry.csv_open_quote")
	}
	if pe.Line != pe.StartLine {
		return notify.Say("entry.on_line", why, strconv.Itoa(pe.Line))
	}
	return why
}

// onLine is what is wrong on line n.
func onLine(n int, why notify.Said) notify.Said {
	return notify.Say("entry.line", strconv.Itoa(n), why)
}
