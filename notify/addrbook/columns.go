package addrbook

import (
	"strconv"
	"strings"
)

// googleColumns says where each field owabi needs sits in a Google Contacts
// CSV row. Columns are found by header name because Google adds a pair of
// E-mail and Phone columns for every extra address anyone in the book has.
type googleColumns struct {
	header []string // trimmed header names, for messages

	given, family         int // -1 when the column is absent
	givenKana, familyKana int
	company, department   int
	title, notes, labels  int
	emails, phones        []int // every "E-mail N - Value" / "Phone N - Value"
}

// findGoogleColumns reads a header row. reason is non-empty when the row is
// not the header of a current Google Contacts export.
func findGoogleColumns(header []string) (c googleColumns, reason string) {
	c = googleColumns{header: make([]string, len(header))}
	named := map[string]*int{
		"first name":              &c.given,
		"last name":               &c.family,
		"phonetic first name":     &c.givenKana,
		"phonetic last name":      &c.familyKana,
		"organization name":       &c.company,
		"organization department": &c.department,
		"organization title":      &c.title,
		"notes":                   &c.notes,
		"labels":                  &c.labels,
	}
	for _, p := range named {
		*p = -1
	}
	hasEmail1, oldFormat := false, false
	for i, h := range header {
		h = trimText(h)
		c.header[i] = h
		key := strings.ToLower(h)
		if p, ok := named[key]; ok && *p < 0 { // the first of duplicates wins
			*p = i
		}
		switch {
		case isNumbered(key, "e-mail "):
			c.emails = append(c.emails, i)
			hasEmail1 = hasEmail1 || key == "e-mail 1 - value"
		case isNumbered(key, "phone "):
			c.phones = append(c.phones, i)
		case key == "given name" || key == "group membership":
			oldFormat = true
		}
	}
	switch {
	case oldFormat && c.given < 0:
		return c, "this is the old Google Contacts CSV format (\"Given Name\"), which is not supported yet; export again in the current format"
	case !hasEmail1:
		return c, `no "E-mail 1 - Value" column`
	case c.given < 0 || c.family < 0:
		return c, `no "First Name" and "Last Name" columns`
	}
	return c, ""
}

// isNumbered reports whether key is prefix + "N - value" for some number N.
func isNumbered(key, prefix string) bool {
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return false
	}
	n, ok := strings.CutSuffix(rest, " - value")
	if !ok {
		return false
	}
	_, err := strconv.ParseUint(n, 10, 32)
	return err == nil
}

// name is the header name of column i, for messages.
func (c googleColumns) name(i int) string {
	if i < len(c.header) && c.header[i] != "" {
		return strconv.Quote(c.header[i])
	}
	return "column " + strconv.Itoa(i+1)
}

// cell returns column i of row, or "" when the column is absent or the row
// is short: Google and spreadsheet tools drop empty trailing cells.
func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}
