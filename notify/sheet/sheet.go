// Package sheet writes CSV files for people to open in a spreadsheet
// program: UTF-8 with a byte order mark (without it, Japanese Excel reads
// the file as Shift_JIS), CRLF line ends, and no cell that runs as a
// formula.
//
// A leaked address book is hostile input: a name such as
// =HYPERLINK("http://…") or +cmd|… would run as a formula when the file is
// opened, and so would ＝HYPERLINK(…) in a program that takes full-width
// input. Cells that start like a formula get an apostrophe in front (the
// common defence); the text stays readable, and a phone number written
// +81… shows the apostrophe in some programs. Excel may still read a cell
// of digits as a number and drop a leading zero: that loses no data here,
// as the database keeps the text.
package sheet

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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
// apostrophe in front when it could start a formula (see startsFormula).
func Text(cell string) string {
	if startsFormula(cell) {
		return "'" + cell
	}
	return cell
}

// startsFormula says whether a spreadsheet program could read cell as a
// formula: it starts with a tab or carriage return, which some programs
// skip before looking for one, or its first visible character is one
// that begins a formula (= + - @) once made plain by NFKC, as programs
// that take full-width input do: ＝ ＋ － ＠, the small forms ﹦ ﹢ ﹣ ﹫
// and the super- and subscript signs. Blank and invisible characters
// before it (a space, an ideographic or no-break space, a zero-width
// space, a byte order mark) do not hide it: a program that trims them, as
// an import option does, would find the formula.
func startsFormula(cell string) bool {
	if first, _ := utf8.DecodeRuneInString(cell); first == '\t' || first == '\r' {
		return true
	}
	visible := strings.TrimLeftFunc(cell, func(r rune) bool { return unicode.IsSpace(r) || unicode.In(r, unicode.Cf, unicode.Cc) })
	if visible == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(visible)
	plain := norm.NFKC.String(string(r))
	return plain != "" && strings.ContainsRune("=+-@", rune(plain[0]))
}
