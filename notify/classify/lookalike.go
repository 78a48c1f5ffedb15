package classify

import (
	"strconv"
	"strings"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/addrbook"
)

// A look-alike of a domain the rules know is how a stranger passes for an
// employee or a customer: an address at sakura-prіnt.example.jp (with a
// Cyrillic і) labelled 社員 would get the employee notice. So a contact with
// such an address is decided by nobody but a person (rule "lookalike").
//
// The domains a look-alike may imitate are the organisation's own and every
// master list's, free-mail ones included. A domain imitates one of them when
// it reads the same (addrbook.Skeleton) but is not it, nor under any domain
// the rules know to be genuine: the organisation's, a master's, or free mail.

// knownDomain is a domain a look-alike may imitate.
type knownDomain struct {
	domain string
	master *Master // nil for the organisation's own
}

// know adds d, an own domain (m nil) or a master's, to the domains
// look-alikes are looked for; of two that read the same, the first added is
// the one named.
func (c *Classifier) know(d string, m *Master) {
	if d == "" {
		return
	}
	c.genuine[d] = true
	if s := addrbook.Skeleton(d); c.imitable[s].domain == "" {
		c.imitable[s] = knownDomain{domain: d, master: m}
	}
}

// imitation returns the known domain that domain d imitates, if any. A
// subdomain of a look-alike imitates too: mail.sakura-prіnt.example.jp.
func (c *Classifier) imitation(d string) (knownDomain, bool) {
	if _, ok := c.genuine.match(d); ok || len(c.imitable) == 0 {
		return knownDomain{}, false
	}
	s := addrbook.Skeleton(d) // the same parts as d
	for {
		if k, ok := c.imitable[s]; ok {
			return k, true
		}
		i, j := strings.IndexByte(d, '.'), strings.IndexByte(s, '.')
		if i < 0 || j < 0 || !strings.Contains(d[i+1:], ".") {
			return knownDomain{}, false
		}
		d, s = d[i+1:], s[j+1:]
	}
}

// Imitates returns the domain the rules know (the organisation's own, or a
// master's) that the domain of the normalised address email imitates, or ""
// when it imitates none of them.
func (c *Classifier) Imitates(email string) string {
	k, _ := c.imitation(domainOf(email))
	return k.domain
}

// describe says that domain d may imitate k, e.g.
//
//	the domain "sakura-prіnt.example.jp" (xn--sakura-prnt-7vj.example.jp) may imitate sakura-print.example.jp, the organisation's own domain
func (k knownDomain) describe(d string) notify.Said {
	args := []any{strconv.QuoteToGraphic(addrbook.ShownDomain(d))}
	key := "entry.imitates"
	if shown := addrbook.ShownDomain(d); shown != d {
		args, key = append(args, d), key+"_xn" // and the form mail uses
	}
	if k.master == nil {
		return notify.Say(key+"_own", append(args, k.domain)...)
	}
	return notify.Say(key+"_master", append(args, k.domain, k.master.Code+" "+k.master.Company)...)
}
