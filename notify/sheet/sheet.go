// Package sheet writes CSV files for people to open in a spreadsheet
// program: UTF-8 with a byte order mark (without it, Japanese Excel reads
// the file as Shift_JIS), CRLF line ends, and no cell that runs as a
// formula.
//
// A leaked address book is hostile input: a name such as
// =HYPERLINK("http://…") or +cmd|… would run as a formula when the file is
// opened. Cells that start like a formula get an apostrophe in front (the
// common defence); the text stays readable, and a phone number written
// +81… shows the apostrophe in some programs. Excel may still read a cell
// of digits as a number and drop a leading zero: that loses no data here,
// as the database keeps the text.
package sheet

import (
	"encoding/csv"
	"io"
	"strings"
)

// Writer writes one CSV file.
type Writer struct {
	csv *csv.Writer
	w   io.Writer
	bom bool // written yet
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{csv: cw, w: w}
}

// Write writes one row, neutralising cells that would run as formulas.
func (w *Writer) Write(row []string) error {
	if !w.bom {
		w.bom = true
		if _, err := io.WriteString(w.w, "\ufeff"); err != nil {
			return err
		}
	}
	safe := make([]string, len(row))
	for i, cell := range row {
		safe[i] = Text(cell)
	}
	return w.csv.Write(safe)
}

// Flush writes what is buffered and reports any error so far.
func (w *Writer) Flush() error {
	w.csv.Flush()
	return w.csv.Error()
}

// Text returns cell as a spreadsheet will show it as text: with an
// apostrophe in front when it starts with a character that begins a
// formula (= + - @) or with a tab or carriage return, which some programs
// skip before looking for one.
func Text(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
