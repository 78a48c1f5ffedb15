package sheet

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// Workbook writes a list as the one sheet of an Excel workbook (.xlsx,
// with github.com/xuri/excelize/v2), as an office opens it: columns wide
// enough to read, the header row in bold and frozen, long cells wrapped.
// Every cell is text, in the text format: a phone number keeps its
// leading zero, and a cell that starts like a formula (=HYPERLINK(…)) is
// never one, not even after someone edits it, so it needs no apostrophe
// and shows exactly what the database holds. Rows stream to a temporary
// file past a few megabytes, so a million contacts fit in bounded memory.
type Workbook struct {
	f            *excelize.File
	sw           *excelize.StreamWriter
	out          io.Writer
	row          int
	header, body int // the styles
}

// NewWorkbook starts a workbook whose sheet is named name, with columns
// of the widths given (in characters), written to out at Flush.
func NewWorkbook(out io.Writer, name string, widths []float64) (*Workbook, error) {
	f := excelize.NewFile()
	w := &Workbook{f: f, out: out}
	if err := w.start(name, widths); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

func (w *Workbook) start(name string, widths []float64) error {
	if err := w.f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	const text = 49 // the "@" format
	var err error
	if w.header, err = w.f.NewStyle(&excelize.Style{NumFmt: text, Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return err
	}
	if w.body, err = w.f.NewStyle(&excelize.Style{NumFmt: text, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return err
	}
	if w.sw, err = w.f.NewStreamWriter(name); err != nil {
		return err
	}
	for i, width := range widths {
		if err := w.sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	return w.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// Write writes one row; the first is the header.
func (w *Workbook) Write(row []string) error {
	style := w.body
	if w.row == 0 {
		style = w.header
	}
	w.row++
	cells := make([]any, len(row))
	for i, v := range row {
		cells[i] = excelize.Cell{StyleID: style, Value: v}
	}
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	return w.sw.SetRow(cell, cells)
}

// Close frees what the workbook holds (its temporary file) without
// writing it: for a list that failed part-way.
func (w *Workbook) Close() error { return w.f.Close() }

// Flush writes the workbook to out, and frees what it held.
func (w *Workbook) Flush() error {
	defer w.f.Close()
	if err := w.sw.Flush(); err != nil {
		return err
	}
	_, err := w.f.WriteTo(w.out)
	return err
}
