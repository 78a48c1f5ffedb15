package classify

import (
	"strings"

	"github.com/owabi/owabi/notify/addrbook"
)

// A subdomain counts as its parent domain everywhere in this package:
// mail.kikyo-foods.example is kikyo-foods.example's, a.ocn.ne.jp is free mail
// because ocn.ne.jp is. Companies and ISPs both hand out such addresses, and
// nobody else can get one under their domain. The walk stops before the last
// label, so a bare "jp" never matches anything.

// parents calls yield with d and each parent domain that still has a dot,
// most specific first, until yield returns false.
func parents(d string, yield func(string) bool) {
	for {
		if !yield(d) {
			return
		}
		i := strings.IndexByte(d, '.')
		if i < 0 || !strings.Contains(d[i+1:], ".") {
			return
		}
		d = d[i+1:]
	}
}

// domainSet is a set of domains that also matches their subdomains.
type domainSet map[string]bool

// newDomainSet normalises each domain; a malformed one is kept lower-cased,
// as a configured domain should never be silently dropped.
func newDomainSet(list []string) domainSet {
	s := domainSet{}
	for _, d := range list {
		if d = cleanDomain(d); d != "" {
			s[d] = true
		}
	}
	return s
}

// match returns the member of s that d is, or is under.
func (s domainSet) match(d string) (string, bool) {
	var found string
	parents(d, func(p string) bool {
		if s[p] {
			found = p
		}
		return found == ""
	})
	return found, found != ""
}

// cleanDomain normalises a domain from configuration or a hand-made Master.
func cleanDomain(d string) string {
	if n, err := addrbook.NormalizeDomain(d); err == nil {
		return n
	}
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
}

// domainOf returns the lower-cased domain of a normalised address.
func domainOf(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(email[i+1:])
}

// FreeMail reports whether domain (or a domain it is under) is a free-mail
// or consumer domain: the defaults and those given.
func FreeMail(domain string, more ...string) bool {
	_, free := newDomainSet(append(append([]string(nil), DefaultFreeMailDomains...), more...)).match(strings.ToLower(domain))
	return free
}
