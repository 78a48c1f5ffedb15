package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
)

// listedJSON is one contact as owabi contacts --json gives it.
type listedJSON struct {
	Number   int64           `json:"number"`
	Name     string          `json:"name"`
	Company  string          `json:"company,omitempty"`
	Emails   []string        `json:"emails"`
	Category notify.Category `json:"category"`
	Rule     notify.Rule     `json:"rule"`
	Why      string          `json:"why"`
	Owner    string          `json:"owner,omitempty"`
}

func runContacts(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("contacts", g, e, "[--category C] [--owner EMAIL|-] [--search TEXT] [--json]")
	category := fs.String("category", "", "only this category: "+strings.Join(categoryNames(), ", "))
	owner := fs.String("owner", "", `only the contacts of this owner ("-": those nobody owns)`)
	search := fs.String("search", "", "only contacts whose name, company or address holds this text")
	asJSON := fs.Bool("json", false, "print the contacts as JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *category != "" && !slices.Contains(notify.Categories, notify.Category(*category)) {
		return &usageError{msg: fmt.Sprintf("--category %q: use %s", *category, strings.Join(categoryNames(), ", "))}
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	filter := notify.ContactList{Category: notify.Category(*category), Owner: *owner, Query: *search, Limit: 1000}
	var list []listedJSON
	for {
		page, more, err := a.db.Contacts(ctx, filter)
		if err != nil {
			return err
		}
		for _, c := range page {
			why := wording.Say("en", "rule_"+string(c.Rule)) // the rule, and what matched
			if detail := wording.English(c.RuleDetail); detail != "" {
				why += ": " + detail
			}
			list = append(list, listedJSON{Number: c.ID, Name: c.Name(), Company: c.Company, Emails: c.Emails, Category: c.Category,
				Rule: c.Rule, Why: why, Owner: c.OwnerEmail})
		}
		if !more {
			break
		}
		filter.Offset += len(page)
	}
	if *asJSON {
		if list == nil {
			list = []listedJSON{}
		}
		return writeJSON(e.stdout, list)
	}
	for _, c := range list {
		fmt.Fprintf(e.stdout, "%6d  %-14s %-24s %-12s %s\n", c.Number, c.Name, c.Company, c.Category, strings.Join(c.Emails, ", "))
		fmt.Fprintf(e.stdout, "        why: %s%s\n", c.Why, map[bool]string{true: "; owner " + c.Owner}[c.Owner != ""])
	}
	fmt.Fprintf(e.stdout, "%d contacts.\n", len(list))
	return nil
}

func categoryNames() []string {
	names := make([]string, len(notify.Categories))
	for i, c := range notify.Categories {
		names[i] = string(c)
	}
	return names
}
