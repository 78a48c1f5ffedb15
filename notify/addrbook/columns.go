package addrbook

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/fieldcheck"
)

// field is one thing owabi reads from a CSV row.
type field int

const (
	fWholeName field = iota // the whole name in one cell, when there are no separate parts
	fFamily
	fGiven
	fFamilyKana
	fGivenKana
	fCompany
	fDepartment
	fTitle
	fNotes
	fLabels
	numFields
)

// columns says which column of a CSV row holds each field. Every layout
// (Google, Outlook, a mapping) comes down to one of these; reading a row is
// the same for all of them.
type columns struct {
	format   string
	header   []string // trimmed header names, for messages
	at       [numFields]int
	emails   []int  // every column that may hold addresses, in order
	phones   []int  // every column that holds a phone number
	labelSep string // what separates labels in the labels cell
	used     []int  // every column read, set by finishColumns
}

// finishColumns notes which columns c reads, once its layout has set them.
func (c *columns) finishColumns() {
	c.used = append(append(c.used[:0], c.emails...), c.phones...)
	for _, i := range c.at {
		if i >= 0 {
			c.used = append(c.used, i)
		}
	}
	slices.Sort(c.used)
	c.used = slices.Compact(c.used)
}

func newColumns(format string, header []string) columns {
	c := columns{format: format, header: make([]string, len(header)), labelSep: ":::"}
	for i := range c.at {
		c.at[i] = -1
	}
	for i, h := range header {
		c.header[i] = trimText(h)
	}
	return c
}

// set points f at column i unless an earlier column already holds it: the
// first of duplicate headers wins.
func (c *columns) set(f field, i int) {
	if c.at[f] < 0 {
		c.at[f] = i
	}
}

// headerKey folds a header name for matching: full-width to half-width
// (NFKC), lower case, and no spaces, so "電子メール アドレス", "電子メールアドレス"
// and " E-mail Address " all match what a layout expects.
func headerKey(h string) string {
	h = strings.ToLower(norm.NFKC.String(trimText(h)))
	return strings.Join(strings.Fields(h), "")
}

// name is the header name of column i, for messages.
func (c columns) name(i int) notify.Said {
	if i < len(c.header) && c.header[i] != "" {
		return notify.Written(strconv.Quote(c.header[i]))
	}
	return notify.Say("entry.column", strconv.Itoa(i+1))
}

// cell returns column i of row, or "" when the column is absent or the row
// is short: spreadsheet tools drop empty trailing cells.
func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

// record turns one CSV row into a Record, or says why it cannot.
func (c columns) record(row []string) (notify.Record, notify.Said) {
	// Only the columns read are checked: a broken byte in a column owabi
	// never stores (an old street address) must not cost anyone a notice.
	// One it reads is left out, not the entry with its good addresses.
	var left []notify.Said
	var bad notify.Said // why an address column was left out
	for _, i := range c.used {
		f := cell(row, i)
		if !utf8.ValidString(f) || strings.ContainsRune(f, utf8.RuneError) {
			why := notify.Say("entry.field_undecodable", c.name(i))
			left = append(left, leftOut(why))
			if slices.Contains(c.emails, i) && bad.IsZero() {
				bad = why
			}
			row[i] = ""
			continue
		}
		limit := maxField
		if i == c.at[fNotes] {
			limit = maxNotes
		}
		if len(f) > limit {
			return notify.Record{}, notify.Say("entry.field_too_long", c.name(i), limit)
		}
	}
	get := func(f field) string { return trimText(cell(row, c.at[f])) }
	rec := notify.Record{
		Family:     get(fFamily),
		Given:      get(fGiven),
		FamilyKana: get(fFamilyKana),
		GivenKana:  get(fGivenKana),
		Company:    get(fCompany),
		Department: get(fDepartment),
		Title:      get(fTitle),
		Notes:      cell(row, c.at[fNotes]),
		Labels:     splitList(cell(row, c.at[fLabels]), c.labelSep),
		Warnings:   left,
	}
	if rec.Family == "" && rec.Given == "" {
		rec.Family = get(fWholeName) // some layouts hold only the whole name
	}
	if reason := checkHeaderText(rec); !reason.IsZero() {
		return notify.Record{}, reason
	}
	var x500 bool
	for _, i := range c.emails {
		for _, a := range splitList(cell(row, i), ":::") {
			if isX500(a) {
				x500 = true
				continue
			}
			if why := addEmail(&rec, a); bad.IsZero() {
				bad = why
			}
		}
	}
	switch {
	case len(rec.Emails) == 0 && !bad.IsZero():
		return notify.Record{}, bad
	case len(rec.Emails) == 0 && x500:
		return notify.Record{}, notify.Say("entry.x500_only")
	case len(rec.Emails) == 0:
		return notify.Record{}, notify.Say("entry.no_address")
	}
	for _, i := range c.phones {
		rec.Phones = append(rec.Phones, splitList(cell(row, i), ":::")...)
	}
	return finish(rec), notify.Said{}
}

// checkHeaderText says what is wrong with the fields of rec that may be
// written into a notice's headers, where nothing may hide; nothing if
// nothing is.
func checkHeaderText(rec notify.Record) notify.Said {
	for _, f := range fieldcheck.Fields {
		// Each part as read: a name is printed joined and trimmed, which
		// would hide a tab after a no-break space at its start.
		value := fieldcheck.Value(rec, f)
		switch f {
		case fieldcheck.Name:
			value = rec.Family + " " + rec.Given
		case fieldcheck.Kana:
			value = rec.FamilyKana + " " + rec.GivenKana
		}
		if bad := badTextRune(value); !bad.IsZero() {
			return notify.Say("entry.field_contains", f.Said(), bad)
		}
	}
	return notify.Said{}
}

// finish does what every reader does last: it warns about addresses whose
// domain may imitate another one, and leaves out phone "numbers" that are
// not, with a warning. A member of staff's first phone is printed in the
// notices to their customers, so a link or a line of text there would
// travel to all of them. It warns, too, about each field the notices will
// leave out (fieldcheck): the entry is kept, and a person should look.
func finish(rec notify.Record) notify.Record {
	for _, e := range rec.Emails {
		if w := LookAlike(e); !w.IsZero() {
			rec.Warnings = append(rec.Warnings, w)
		}
	}
	phones := rec.Phones[:0]
	for _, p := range rec.Phones {
		if reason := badPhone(p); !reason.IsZero() {
			rec.Warnings = append(rec.Warnings, notify.Say("entry.phone_left_out", quote(p), reason))
			continue
		}
		if !slices.Contains(phones, p) {
			phones = append(phones, p)
		}
	}
	rec.Phones = phones
	if len(rec.Phones) == 0 {
		rec.Phones = nil
	}
	for _, f := range fieldcheck.Record(rec) {
		rec.Warnings = append(rec.Warnings, f.Said())
	}
	return rec
}

// badPhone says why p is not a phone number a notice may print, or
// nothing.
// Extensions and notes such as "03-1234-5678 (代表)" or "内線 12" are fine.
func badPhone(p string) notify.Said {
	digits := 0
	for _, r := range p {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	switch problem := fieldcheck.Check(fieldcheck.Phone, p, ""); {
	case !badTextRune(p).IsZero():
		return notify.Say("entry.contains", badTextRune(p))
	case problem == fieldcheck.TooLong:
		return notify.Say("entry.longer_than_chars", fieldcheck.Limit(fieldcheck.Phone))
	case problem != "":
		return notify.Say("entry.phone_link")
	case digits < 3:
		return notify.Say("entry.phone_few_digits")
	}
	return notify.Said{}
}

// isX500 reports an Exchange-internal X.500 name ("/o=ExchangeLabs/ou=…"),
// which Outlook writes where a colleague's address should be.
func isX500(s string) bool {
	s = trimText(s)
	return len(s) > 3 && strings.EqualFold(s[:3], "/o=")
}

// leftOut is the warning about a field that could not be read, for why:
// the entry is kept without it.
func leftOut(why notify.Said) notify.Said { return notify.Say("entry.left_out", why) }

// addEmail adds the address a to rec or, when it is not an address, warns
// that it was left out: a bad address loses only itself, never the entry's
// good ones. It returns why a was left out, so that an entry with no good
// address can be rejected for it; nothing if it was added (or blank).
func addEmail(rec *notify.Record, a string) notify.Said {
	emails, err := appendEmail(rec.Emails, addrSpec(a))
	if err != nil {
		why := notify.ErrorSaid(err)
		rec.Warnings = append(rec.Warnings, leftOut(why))
		return why
	}
	rec.Emails = emails
	return notify.Said{}
}

// addrSpec returns the address inside the angle brackets of a value
// written as a mail header writes one, `"Omega" <omega@example.com>` or
// `<omega@example.com>` (Android's 2.1 cards, mail programs' "copy
// address"), for that is where mail to it goes; any other value as it is.
// The name before the brackets is dropped unread.
func addrSpec(a string) string {
	t := trimText(a)
	open := strings.LastIndexByte(t, '<')
	if open < 0 || !strings.HasSuffix(t, ">") || strings.ContainsAny(t[:open], "<>") {
		return a
	}
	return t[open+1 : len(t)-1]
}

// appendEmail normalises the address a and appends it to list, unless it
// is blank or list holds it already.
func appendEmail(list []string, a string) ([]string, error) {
	if trimText(a) == "" {
		return list, nil
	}
	e, err := NormalizeEmail(a)
	if err != nil || containsFold(list, e) {
		return list, err
	}
	return append(list, e), nil
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
