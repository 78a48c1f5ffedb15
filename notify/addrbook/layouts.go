package addrbook

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/owabi/owabi/notify"
)

// layout recognises one family of CSV headers. match returns the columns
// and nothing when header is of that layout, or why it is not.
type layout struct {
	format string
	match  func(header []string) (columns, notify.Said)
}

// layouts are tried in this order when the format is not given.
var layouts = []layout{
	{FormatGoogle, googleColumns},
	{FormatOutlook, outlookColumns},
	{FormatOutlookJa, outlookColumns},
	{FormatTBird, thunderbirdColumns},
}

// googleColumns reads the header of a Google Contacts export: the current
// layout, or the older "Google CSV" one (which Google wrote as UTF-16).
// Google adds a pair of E-mail and Phone columns for every extra address
// anyone in the book has, so they are found by pattern.
func googleColumns(header []string) (columns, notify.Said) {
	c := newColumns(FormatGoogle, header)
	named := map[string]field{
		"firstname": fGiven, "lastname": fFamily,
		"phoneticfirstname": fGivenKana, "phoneticlastname": fFamilyKana,
		"organizationname": fCompany, "organizationdepartment": fDepartment, "organizationtitle": fTitle,
		"notes": fNotes, "labels": fLabels,
		// The older layout's names for the same fields.
		"name": fWholeName, "givenname": fGiven, "familyname": fFamily,
		"givennameyomi": fGivenKana, "familynameyomi": fFamilyKana,
		"organization1-name": fCompany, "organization1-department": fDepartment, "organization1-title": fTitle,
		"groupmembership": fLabels,
	}
	hasEmail1, old := false, false
	for i, h := range header {
		key := headerKey(h)
		if f, ok := named[key]; ok {
			c.set(f, i)
		}
		switch {
		case isNumbered(key, "e-mail"):
			c.emails = append(c.emails, i)
			hasEmail1 = hasEmail1 || key == "e-mail1-value"
		case isNumbered(key, "phone"):
			c.phones = append(c.phones, i)
		case key == "givenname" || key == "groupmembership":
			old = true
		}
	}
	if old {
		c.format = FormatGoogleOld
	}
	switch {
	case !hasEmail1:
		return c, notify.Say("entry.no_column", `"E-mail 1 - Value"`)
	case old && c.at[fGiven] < 0 && c.at[fFamily] < 0 && c.at[fWholeName] < 0:
		return c, notify.Say("entry.no_name_column")
	case !old && (c.at[fGiven] < 0 || c.at[fFamily] < 0):
		return c, notify.Say("entry.no_first_last")
	}
	return c, notify.Said{}
}

// isNumbered reports whether a header key is prefix + "N-value" for some
// number N, as in "e-mail2-value".
func isNumbered(key, prefix string) bool {
	rest, ok := strings.CutPrefix(key, prefix)
	if !ok {
		return false
	}
	n, ok := strings.CutSuffix(rest, "-value")
	if !ok {
		return false
	}
	_, err := strconv.ParseUint(n, 10, 32)
	return err == nil
}

// outlookColumns reads the header Outlook writes when it exports contacts
// to CSV: 92 columns with English names, or 95 with Japanese ones (the
// Japanese edition adds phonetic name columns). Phonetic headers vary
// between versions ("フリガナ (姓)", "姓 (フリガナ)", "ふりがな（姓）"), so
// they are recognised by their parts.
func outlookColumns(header []string) (columns, notify.Said) {
	c := newColumns(FormatOutlook, header)
	c.labelSep = ";"
	named := map[string]field{
		"firstname": fGiven, "lastname": fFamily, "company": fCompany, "department": fDepartment,
		"jobtitle": fTitle, "notes": fNotes, "categories": fLabels,
		"givenyomi": fGivenKana, "surnameyomi": fFamilyKana, "familynameyomi": fFamilyKana, "givennameyomi": fGivenKana,
		"名": fGiven, "姓": fFamily, "会社名": fCompany, "部署": fDepartment, "役職": fTitle, "メモ": fNotes, "分類": fLabels,
	}
	email := map[string]bool{
		"e-mailaddress": true, "e-mail2address": true, "e-mail3address": true,
		"電子メールアドレス": true, "電子メール2アドレス": true, "電子メール3アドレス": true,
	}
	japanese := false
	for i, h := range header {
		key := headerKey(h)
		if f, ok := named[key]; ok {
			c.set(f, i)
		}
		switch {
		case email[key]:
			c.emails = append(c.emails, i)
			japanese = japanese || strings.HasPrefix(key, "電子メール")
		case isPhonetic(key):
			if strings.Contains(key, "姓") {
				c.set(fFamilyKana, i)
			} else if strings.Contains(key, "名") && !strings.Contains(key, "会社") {
				c.set(fGivenKana, i)
			}
		case isOutlookPhone(key):
			c.phones = append(c.phones, i)
		}
	}
	// The first phone is the one notices print for a member of staff, so
	// work numbers go first and home and assistants' numbers last.
	slices.SortStableFunc(c.phones, func(a, b int) int { return phoneRank(headerKey(header[a])) - phoneRank(headerKey(header[b])) })
	if japanese {
		c.format = FormatOutlookJa
	}
	// Name columns are not required: Outlook leaves out the empty ones when
	// a user picks the fields to export, and the address is what matters.
	if len(c.emails) == 0 {
		return c, notify.Say("entry.no_column", `"E-mail Address" (電子メール アドレス)`)
	}
	return c, notify.Said{}
}

// thunderbirdColumns reads the header Thunderbird writes when it exports an
// address book as CSV ("First Name", "Last Name", "Display Name",
// "Primary Email", "Secondary Email", …), or the part of it a user chose to
// keep.
func thunderbirdColumns(header []string) (columns, notify.Said) {
	c := newColumns(FormatTBird, header)
	named := map[string]field{
		"firstname": fGiven, "lastname": fFamily, "displayname": fWholeName,
		"organization": fCompany, "department": fDepartment, "jobtitle": fTitle, "notes": fNotes,
	}
	for i, h := range header {
		key := headerKey(h)
		if f, ok := named[key]; ok {
			c.set(f, i)
		}
		switch key {
		case "primaryemail", "secondaryemail":
			c.emails = append(c.emails, i)
		case "workphone", "mobilenumber", "homephone":
			c.phones = append(c.phones, i)
		}
	}
	// The first phone is the one notices print for a member of staff, so
	// the work number goes first, as for Outlook.
	rank := map[string]int{"workphone": 0, "mobilenumber": 1, "homephone": 2}
	slices.SortStableFunc(c.phones, func(a, b int) int { return rank[headerKey(header[a])] - rank[headerKey(header[b])] })
	if len(c.emails) == 0 {
		return c, notify.Say("entry.no_column", `"Primary Email"`)
	}
	return c, notify.Said{}
}

func isPhonetic(key string) bool {
	for _, w := range []string{"フリガナ", "ふりがな", "よみ", "ヨミ"} {
		if strings.Contains(key, w) {
			return true
		}
	}
	return false
}

// phoneRank orders Outlook's phone columns, work numbers first.
func phoneRank(key string) int {
	for rank, words := range [][]string{
		{"businessphone", "会社電話"}, {"companymain", "会社代表"}, {"mobile", "携帯"}, {"primary", "通常の電話"},
		{"home", "自宅"}, {"assistant", "秘書"},
	} {
		for _, w := range words {
			if strings.Contains(key, w) {
				if rank >= 4 {
					rank += 10 // after the columns no word names
				}
				return rank
			}
		}
	}
	return 10
}

// isOutlookPhone reports the columns that hold voice numbers a caller can
// use: "Business Phone", "Mobile Phone", "会社電話", "携帯電話" and the like,
// not fax, pager or telex.
func isOutlookPhone(key string) bool {
	if strings.Contains(key, "fax") || strings.Contains(key, "ファクス") || strings.Contains(key, "ファックス") {
		return false
	}
	return strings.HasSuffix(key, "phone") || strings.HasSuffix(key, "phone2") ||
		strings.Contains(key, "電話")
}

// Mapping names, for a CSV of any layout, the column that holds each field:
// field → header name. The fields are email and phone (which may name
// several columns, comma-separated in a --map value by repeating the key),
// name (the whole name), family, given, kana (the whole phonetic name),
// family_kana, given_kana, company, department, title, labels and notes.
type Mapping map[string][]string

// mappingFields are the fields a Mapping may name.
var mappingFields = map[string]field{
	"name": fWholeName, "family": fFamily, "given": fGiven, "family_kana": fFamilyKana, "kana": fFamilyKana,
	"given_kana": fGivenKana, "company": fCompany, "department": fDepartment, "title": fTitle,
	"labels": fLabels, "notes": fNotes,
}

// ParseMapping reads a mapping written as "email=メール,name=氏名,company=会社名".
// A key may repeat: "email=メール1,email=メール2".
func ParseMapping(s string) (Mapping, error) {
	m := Mapping{}
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), trimText(v)
		_, known := mappingFields[k]
		switch {
		case !ok || v == "":
			return nil, fmt.Errorf("%q: write each column as field=header, e.g. email=メール", part)
		case !known && k != "email" && k != "phone":
			return nil, fmt.Errorf("%q: unknown field %q; the fields are email, phone, name, family, given, kana, family_kana, given_kana, company, department, title, labels, notes", part, k)
		}
		m[k] = append(m[k], v)
	}
	if len(m["email"]) == 0 {
		return nil, fmt.Errorf("the mapping names no email column (e.g. email=メール)")
	}
	return m, nil
}

// columns finds the columns m names in header.
func (m Mapping) columns(header []string) (columns, notify.Said) {
	c := newColumns(FormatCSV, header)
	c.labelSep = ";"
	find := func(name string) int {
		want := headerKey(name)
		for i, h := range header {
			if headerKey(h) == want {
				return i
			}
		}
		return -1
	}
	for _, k := range slices.Sorted(maps.Keys(m)) { // the same message every time
		for _, name := range m[k] {
			i := find(name)
			if i < 0 {
				return c, notify.Say("entry.mapped_column_missing", strconv.Quote(name), k, listHeader(c.header))
			}
			switch k {
			case "email":
				c.emails = append(c.emails, i)
			case "phone":
				c.phones = append(c.phones, i)
			default:
				c.set(mappingFields[k], i)
			}
		}
	}
	return c, notify.Said{}
}

// listHeader quotes the first header names for a message.
func listHeader(h []string) string {
	const most = 12
	var q []string
	for i, name := range h {
		if i == most {
			q = append(q, fmt.Sprintf("…(%d)", len(h)))
			break
		}
		q = append(q, strconv.Quote(name))
	}
	return strings.Join(q, ", ")
}
