package classify

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
)

// Master is one company of a master list (customers or suppliers).
type Master struct {
	Code       string // customer_code or supplier_code, e.g. C0004
	Company    string // company_name as written
	Kana       string // company_name_kana
	Domain     string // email_domain, lower-cased; empty when the company has none
	OwnerEmail string // owner_email: the salesperson who follows the company up
	Category   notify.Category
}

// maxMasterErrors is how many bad rows one error message lists; a list that
// is wrong everywhere needs a look at the file, not a longer message.
const maxMasterErrors = 10

// ReadMasters reads a master list in the layout of customers.csv and
// suppliers.csv, as CSV (UTF-8; a BOM, CRLF line ends and blank rows are
// fine) or as an Excel workbook (.xlsx, its first sheet), told apart by
// their first bytes: a header row whose first column is the code, and
// columns found by name: company_name and email_domain (required),
// company_name_kana and owner_email (optional). Every company gets
// category c.
//
// A bad row fails the whole list with a *notify.Error (code
// notify.EINVALID) that names up to ten bad rows by line (by row in a
// workbook), so the file can be fixed in one go.
func ReadMasters(r io.Reader, c notify.Category) ([]Master, error) {
	if c != notify.Customer && c != notify.Supplier && c != notify.Employee {
		return nil, notify.Errorf(notify.EINVALID, "a master list cannot be of category %q", c)
	}
	br := bufio.NewReader(r)
	start, _ := br.Peek(8)
	var rows rowSource
	switch {
	case bytes.HasPrefix(start, zipMagic):
		wb, err := openWorkbook(br)
		if err != nil {
			return nil, notify.Errorf(notify.EINVALID, "%s list: %s", c, err)
		}
		defer wb.Close()
		rows = wb
	case bytes.HasPrefix(start, oleMagic):
		// Excel writes a workbook with a password as one too.
		return nil, notify.Errorf(notify.EINVALID, "%s list: an old Excel workbook (.xls), or one protected by a password: save it as .xlsx without a password, or as CSV (UTF-8)", c)
	default:
		cr := csv.NewReader(addrbook.SkipBOM(br))
		cr.FieldsPerRecord = -1
		rows = csvRows{cr}
	}
	header, line, err := rows.next()
	switch {
	case err == io.EOF:
		return nil, notify.Errorf(notify.EINVALID, "%s list: the file is empty", c)
	case errors.As(err, new(malformed)):
		return nil, notify.Errorf(notify.EINVALID, "%s list: %s %d: %v", c, rows.unit(), line, err)
	case err != nil:
		return nil, fmt.Errorf("%s list: reading the header: %w", c, err)
	}
	cols, reason := findMasterColumns(header, c)
	if reason != "" {
		return nil, notify.Errorf(notify.EINVALID, "%s list: %s", c, reason)
	}

	var (
		masters []Master
		bad     []string // the first maxMasterErrors
		nbad    int
		seen    = map[string]int{} // code → line
	)
	addBad := func(line int, reason string) {
		if nbad++; nbad <= maxMasterErrors {
			bad = append(bad, fmt.Sprintf("%s %d: %s", rows.unit(), line, reason))
		}
	}
	for {
		row, line, err := rows.next()
		if err == io.EOF {
			break
		}
		if errors.As(err, new(malformed)) {
			addBad(line, err.Error())
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s list: %w", c, err)
		}
		if isBlank(row) { // spreadsheets like to leave rows of empty cells
			continue
		}
		m, reason := cols.master(row, c)
		if reason == "" && seen[m.Code] > 0 {
			reason = fmt.Sprintf("code %s is already on %s %d", m.Code, rows.unit(), seen[m.Code])
		}
		if reason != "" {
			addBad(line, reason)
			continue
		}
		seen[m.Code] = line
		masters = append(masters, m)
	}
	if nbad > 0 {
		more := ""
		if nbad > maxMasterErrors {
			more = fmt.Sprintf("; and %d more bad rows", nbad-maxMasterErrors)
		}
		return nil, notify.Errorf(notify.EINVALID, "%s list: %s%s", c, strings.Join(bad, "; "), more)
	}
	return masters, nil
}

// A workbook (.xlsx) is a ZIP archive; an old Excel workbook (.xls), and a
// workbook with a password, an OLE compound file.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
)

// rowSource gives a list's rows one by one, each with the line (CSV) or
// row (workbook) it is on: a row it cannot read is a malformed error.
type rowSource interface {
	next() (row []string, line int, err error)
	unit() string // "line" or "row", as the error messages count
}

// malformed is a row that cannot be read as CSV.
type malformed struct{ err error }

func (m malformed) Error() string { return "malformed CSV: " + m.err.Error() }

type csvRows struct{ r *csv.Reader }

func (c csvRows) unit() string { return "line" }

func (c csvRows) next() ([]string, int, error) {
	row, err := c.r.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, pe.StartLine, malformed{pe.Err}
	}
	if err != nil {
		return nil, 0, err
	}
	line, _ := c.r.FieldPos(0)
	return row, line, nil
}

// masterColumns says where each field sits in a master-list row.
type masterColumns struct {
	code, company, kana, domain, owner int // -1 when absent
	codeName                           string
}

// findMasterColumns reads the header row, or says what is wrong with it.
func findMasterColumns(header []string, c notify.Category) (masterColumns, string) {
	cols := masterColumns{code: 0, company: -1, kana: -1, domain: -1, owner: -1}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if i == 0 {
			cols.codeName = h
		}
		for _, f := range []struct {
			name string
			p    *int
		}{{"company_name", &cols.company}, {"company_name_kana", &cols.kana}, {"email_domain", &cols.domain}, {"owner_email", &cols.owner}} {
			if h == f.name && *f.p < 0 {
				*f.p = i
			}
		}
	}
	// Catch the two lists being swapped in the configuration.
	want := string(c) + "_code"
	switch {
	case !strings.HasSuffix(cols.codeName, "code"):
		return cols, fmt.Sprintf("the first column is %q, want %q", cols.codeName, want)
	case cols.codeName != want && (cols.codeName == "customer_code" || cols.codeName == "supplier_code"):
		return cols, fmt.Sprintf("the first column is %q: this looks like a %s list, not a %s list", cols.codeName, strings.TrimSuffix(cols.codeName, "_code"), c)
	case cols.company < 0:
		return cols, `no "company_name" column`
	case cols.domain < 0:
		return cols, `no "email_domain" column`
	}
	return cols, ""
}

// isBlank reports whether every cell of row is empty or white space.
func isBlank(row []string) bool {
	for _, f := range row {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// master turns a row into a Master, or says why it cannot.
func (cols masterColumns) master(row []string, c notify.Category) (Master, string) {
	get := func(i int) string {
		if i < 0 || i >= len(row) {
			return ""
		}
		return strings.Trim(row[i], " \t\r\n\u3000")
	}
	for _, f := range row {
		if !utf8.ValidString(f) {
			return Master{}, "not valid UTF-8 (save the file as UTF-8)"
		}
	}
	m := Master{
		Code:     get(cols.code),
		Company:  get(cols.company),
		Kana:     get(cols.kana),
		Category: c,
	}
	switch {
	case m.Code == "":
		return Master{}, "no " + cols.codeName
	case m.Company == "":
		return Master{}, "no company_name"
	case strings.ContainsFunc(m.Code+m.Company+m.Kana, unicode.IsControl):
		return Master{}, "a line break or control character in the code or company name"
	}
	if d := get(cols.domain); d != "" {
		n, err := addrbook.NormalizeDomain(d)
		if err != nil {
			return Master{}, "email_domain: " + err.Error()
		}
		m.Domain = n
	}
	if o := get(cols.owner); o != "" {
		n, err := addrbook.NormalizeEmail(o)
		if err != nil {
			return Master{}, "owner_email: " + err.Error()
		}
		m.OwnerEmail = n
	}
	return m, ""
}
