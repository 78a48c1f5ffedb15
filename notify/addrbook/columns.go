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
	old    bool     // the older "Google CSV" layout ("Given Name", "Group Membership")

	wholeName             int // only the old layout has it
	given, family         int // -1 when the column is absent
	givenKana, familyKana int
	company, department   int
	title, notes, labels  int
	emails, phones        []int // every "E-mail N - Value" / "Phone N - Value"
}

// findGoogleColumns reads a header row, of the current layout or of the
// older "Google CSV" one (which Google wrote as UTF-16). reason is non-empty
// when the row is neither.
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
		// The older layout's names for the same fields.
		"name":                        &c.wholeName,
		"given name":                  &c.given,
		"family name":                 &c.family,
		"given name yomi":             &c.givenKana,
		"family name yomi":            &c.familyKana,
		"organization 1 - name":       &c.company,
		"organization 1 - department": &c.department,
		"organization 1 - title":      &c.title,
		"group membership":            &c.labels,
	}
	for _, p := range named {
		*p = -1
	}
	hasEmail1 := false
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
			c.old = true
		}
	}
	switch {
	case !hasEmail1:
		return c, `no "E-mail 1 - Value" column`
	case c.old && c.given < 0 && c.family < 0 && c.wholeName < 0:
		return c, `no "Name", "Given Name" or "Family Name" column`
	case !c.old && (c.given < 0 || c.family < 0):
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
