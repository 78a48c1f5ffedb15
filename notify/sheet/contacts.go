package sheet

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// Languages the contact list can be written in.
var Languages = []string{"ja", "en"}

// Format is the kind of file a list is written as.
type Format string

const (
	CSV  Format = "csv"  // for any spreadsheet program (see Writer)
	XLSX Format = "xlsx" // an Excel workbook (see Workbook)
)

// Formats lists them.
var Formats = []Format{CSV, XLSX}

// MediaType is the file's type, for a download.
func (f Format) MediaType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// rows is where a list's rows go: a CSV Writer or a Workbook.
type rows interface {
	Write(row []string) error
	Flush() error
}

// newRows starts a file of format f with the list's columns.
func newRows(out io.Writer, f Format, name string, cols []column) (rows, error) {
	if f != XLSX {
		return NewWriter(out), nil
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = c.width
	}
	return NewWorkbook(out, name, widths)
}

// column is one of a list's columns: its key in the catalogue ("sheet.col."
// + key), and how wide a workbook makes it, in characters.
type column struct {
	key   string
	width float64
}

// columns are the contact list's columns.
var columns = []column{{"number", 7}, {"name", 16}, {"kana", 16}, {"company", 24}, {"department", 14}, {"title", 12},
	{"emails", 30}, {"phones", 16}, {"category", 10}, {"why", 36}, {"owner", 26}, {"last_call", 16}, {"last_outcome", 14},
	{"acknowledged", 8}, {"reached", 8}, {"arrived", 8}, {"clicked", 8}, {"infected", 8}, {"remediated", 8}, {"do_not_contact", 8},
	{"undelivered", 40}}

// why is the reason for a contact's category in lang: what the rules
// matched, or a person's reason as they wrote it.
func why(lang string, c notify.Contact) string { return wording.Said(lang, time.UTC, c.RuleDetail) }

// undelivered is each address whose last notice did not arrive, with what
// that means, one to a line.
func undelivered(lang string, list []notify.Undelivered) string {
	lines := make([]string, len(list))
	for i, u := range list {
		lines[i] = u.Email + ": " + wording.Delivery(lang, u.Reply)
	}
	return strings.Join(lines, "\n")
}

// ContactList writes the contact list as a file of format f, one row per
// contact that each yields, with where the response stands with them;
// times are in zone. It returns how many contacts it wrote.
func ContactList(out io.Writer, f Format, lang string, zone *time.Location, each func(func(notify.Contact, notify.ContactProgress) error) error) (int, error) {
	t := wording.Part(lang, "sheet.") // the list's words for categories, outcomes and yes/no
	w, err := newRows(out, f, t["contacts"], columns)
	if err != nil {
		return 0, err
	}
	headers := make([]string, len(columns))
	for i, col := range columns {
		headers[i] = t["col."+col.key]
	}
	if err := w.Write(headers); err != nil {
		return 0, err
	}
	n := 0
	err = each(func(c notify.Contact, p notify.ContactProgress) error {
		n++
		last := ""
		if !p.LastCallAt.IsZero() {
			last = p.LastCallAt.In(zone).Format("2006-01-02 15:04")
		}
		return w.Write([]string{fmt.Sprint(c.ID), c.Name(), strings.TrimSpace(c.FamilyKana + " " + c.GivenKana),
			c.Company, c.Department, c.Title, strings.Join(c.Emails, "\n"), strings.Join(c.Phones, "\n"),
			t[string(c.Category)], why(lang, c), c.OwnerEmail,
			last, t[string(p.LastOutcome)], t[fmt.Sprint(p.Acknowledged)], t[fmt.Sprint(p.Reached)], t[fmt.Sprint(p.Arrived)],
			t[fmt.Sprint(p.Clicked)], t[fmt.Sprint(p.Infected)], t[fmt.Sprint(p.Remediated)], t[fmt.Sprint(c.DoNotContact)],
			undelivered(lang, p.Undelivered)})
	})
	if err != nil {
		if c, ok := w.(io.Closer); ok {
			c.Close()
		}
		return n, err
	}
	return n, w.Flush()
}
