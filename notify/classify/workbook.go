package classify

import (
	"errors"
	"io"

	"github.com/xuri/excelize/v2"
)

// maxWorkbook is the most a master list's workbook may unpack to: a
// list of companies is a few megabytes, and a ZIP archive can claim
// gigabytes.
const maxWorkbook = 64 << 20

// workbook is the first sheet of an Excel workbook (.xlsx), read row by
// row with github.com/xuri/excelize/v2, each cell as the sheet shows it.
type workbook struct {
	f    *excelize.File
	rows *excelize.Rows
	n    int // the row last read, from 1
}

func openWorkbook(r io.Reader) (*workbook, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxWorkbook, UnzipXMLSizeLimit: maxWorkbook})
	switch {
	case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
		return nil, errors.New("not an Excel workbook, or one protected by a password: save it as .xlsx without a password, or as CSV (UTF-8)")
	case errors.Is(err, excelize.ErrOptionsUnzipSizeLimit):
		return nil, errors.New("the workbook unpacks to more than 64 MB: no master list is that big; save it as CSV (UTF-8)")
	case err != nil:
		return nil, errors.New("not a workbook that can be read (" + err.Error() + "): save it as .xlsx, or as CSV (UTF-8)")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, errors.New("the workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, errors.New("its first sheet cannot be read (" + err.Error() + ")")
	}
	return &workbook{f: f, rows: rows}, nil
}

func (w *workbook) unit() string { return "row" }

func (w *workbook) next() ([]string, int, error) {
	if !w.rows.Next() {
		if err := w.rows.Error(); err != nil {
			return nil, w.n, err
		}
		return nil, w.n, io.EOF
	}
	w.n++
	row, err := w.rows.Columns()
	return row, w.n, err
}

func (w *workbook) Close() error {
	w.rows.Close()
	return w.f.Close()
}
