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

// columns are the contact list's columns, by their keys in the catalogue
// ("sheet.col." + key).
var columns = []string{"number", "name", "kana", "company", "department", "title", "emails", "phones", "category", "why", "owner",
	"last_call", "last_outcome", "acknowledged", "reached", "arrived", "clicked", "infected", "remediated", "do_not_contact", "undelivered"}

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

// ContactList writes the contact list, one row per contact that each
// yields, with where the response stands with them; times are in zone.
// It returns how many contacts it wrote.
func ContactList(out io.Writer, lang string, zone *time.Location, each func(func(notify.Contact, notify.ContactProgress) error) error) (int, error) {
	w := NewWriter(out)
	t := wording.Part(lang, "sheet.") // the list's words for categories, outcomes and yes/no
	headers := make([]string, len(columns))
	for i, col := range columns {
		headers[i] = t["col."+col]
	}
	if err := w.Write(headers); err != nil {
		return 0, err
	}
	n := 0
	err := each(func(c notify.Contact, p notify.ContactProgress) error {
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
		return n, err
	}
	return n, w.Flush()
}
