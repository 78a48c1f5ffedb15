package classify

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
)

// Classifier applies Rules to records. It is safe for concurrent use.
type Classifier struct {
	overrides map[string]notify.Category // lower-cased address
	own       domainSet
	free      domainSet
	byDomain  map[string]*Master // masters whose domain is not free mail
	byCompany map[string]*Master // CompanyKey of the master's name
	labels    map[string]notify.Category
	genuine   domainSet              // own, free-mail and master domains: none is a look-alike
	imitable  map[string]knownDomain // own and master domains by their skeleton
	owner     string                 // Rules.DefaultOwner
	employees string                 // Rules.EmployeeOwner
}

// New builds the indexes for r once, so that Classify only does map
// look-ups. Where two masters share a domain or a company key, the one
// earlier in r.Masters wins. New copies what it needs; r may change later.
func New(r Rules) *Classifier {
	c := &Classifier{
		overrides: map[string]notify.Category{},
		own:       newDomainSet(r.OwnDomains),
		free:      newDomainSet(r.FreeMailDomains),
		byDomain:  map[string]*Master{},
		byCompany: map[string]*Master{},
		labels:    map[string]notify.Category{},
		genuine:   newDomainSet(r.FreeMailDomains),
		imitable:  map[string]knownDomain{},
		owner:     r.DefaultOwner,
		employees: r.EmployeeOwner,
	}
	for _, d := range r.OwnDomains {
		c.know(cleanDomain(d), nil)
	}
	// Sorted, so that two spellings of one address or label give the same
	// result on every run.
	for _, addr := range slices.Sorted(maps.Keys(r.Overrides)) {
		cat := r.Overrides[addr]
		if n, err := addrbook.NormalizeEmail(addr); err == nil {
			addr = n
		}
		c.overrides[strings.ToLower(strings.TrimSpace(addr))] = cat
	}
	for _, m := range r.Masters { // m is a copy: later changes to r do not leak in
		m.Domain = cleanDomain(m.Domain)
		// A hand-kept list may give a free-mail domain (C0004 in the demo
		// data); that company can then only be found by its name.
		if _, free := c.free.match(m.Domain); m.Domain != "" && !free && c.byDomain[m.Domain] == nil {
			c.byDomain[m.Domain] = &m
		}
		if k := CompanyKey(m.Company); k != "" && c.byCompany[k] == nil {
			c.byCompany[k] = &m
		}
		c.know(m.Domain, &m)
	}
	for _, l := range slices.Sorted(maps.Keys(r.Labels)) {
		c.labels[cleanLabel(l)] = r.Labels[l]
	}
	return c
}

// Classify decides the category of one record. The rules are tried in
// order and the first that applies decides; within a rule the record's
// addresses are tried in their order, so the primary address wins. A
// contact no master list gives an owner goes to the employees' owner
// when it is an employee, else to the default owner, if there is one.
func (c *Classifier) Classify(r notify.Record) notify.Decision {
	d := c.decide(r)
	if d.OwnerEmail == "" && d.Category == notify.Employee {
		d.OwnerEmail = c.employees
	}
	if d.OwnerEmail == "" {
		d.OwnerEmail = c.owner
	}
	return d
}

func (c *Classifier) decide(r notify.Record) notify.Decision {
	for _, e := range r.Emails {
		if cat, ok := c.overrides[strings.ToLower(e)]; ok {
			return notify.Decision{Category: cat, Rule: notify.RuleManual, Detail: notify.Written(e)}
		}
	}
	for _, e := range r.Emails {
		if k, ok := c.imitation(domainOf(e)); ok {
			return notify.Decision{Category: notify.Unclassified, Rule: notify.RuleLookAlike, Detail: k.describe(domainOf(e))}
		}
	}
	for _, e := range r.Emails {
		d := domainOf(e)
		if own, ok := c.own.match(d); ok {
			return notify.Decision{Category: notify.Employee, Rule: notify.RuleOwnDomain, Detail: under(d, own)}
		}
	}
	for _, e := range r.Emails {
		d := domainOf(e)
		if _, free := c.free.match(d); free {
			continue
		}
		var m *Master
		var md string
		parents(d, func(p string) bool {
			m, md = c.byDomain[p], p
			return m == nil
		})
		if m != nil {
			return notify.Decision{
				Category:   m.Category,
				Rule:       notify.RuleMasterDomain,
				Detail:     notify.Say("entry.by_domain", under(d, md), m.Code, m.Company),
				OwnerEmail: m.OwnerEmail,
			}
		}
	}
	if r.Company != "" {
		if m := c.byCompany[CompanyKey(r.Company)]; m != nil {
			return notify.Decision{
				Category:   m.Category,
				Rule:       notify.RuleMasterCompany,
				Detail:     notify.Say("entry.by_company", strconv.QuoteToGraphic(r.Company), m.Code, m.Company),
				OwnerEmail: m.OwnerEmail,
			}
		}
	}
	return c.byLabel(r.Labels)
}

// byLabel decides by the address book's labels. Labels that point to
// different categories decide nothing: their order means nothing, so a
// person has to look.
func (c *Classifier) byLabel(labels []string) notify.Decision {
	var d notify.Decision
	var matched []string
	disagree := false
	for _, l := range labels {
		cat, ok := c.labels[cleanLabel(l)]
		if !ok {
			continue
		}
		matched = append(matched, l)
		if len(matched) == 1 {
			d = notify.Decision{Category: cat, Rule: notify.RuleLabel, Detail: notify.Written(l)}
		}
		disagree = disagree || cat != d.Category
	}
	switch {
	case len(matched) == 0:
		return notify.Decision{Category: notify.Unclassified, Rule: notify.RuleNone}
	case disagree:
		return notify.Decision{Category: notify.Unclassified, Rule: notify.RuleNone, Detail: notify.Say("entry.labels_disagree", matched)}
	}
	return d
}

// under describes domain d that matched configured domain m.
func under(d, m string) notify.Said {
	if d == m {
		return notify.Written(d)
	}
	return notify.Say("entry.under", d, m)
}

// cleanLabel lets a label typed in full-width or with stray spaces match.
func cleanLabel(l string) string {
	if !norm.NFKC.IsNormalString(l) {
		l = norm.NFKC.String(l)
	}
	return strings.TrimFunc(l, unicode.IsSpace)
}
