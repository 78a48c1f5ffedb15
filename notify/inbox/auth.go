package inbox

import (
	"cmp"
	"strings"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-msgauth/authres"

	"github.com/owabi/owabi/notify"
)

// senderChecks are the Authentication-Results (RFC 8601) that the
// receiving server named trusted wrote of the From address's domain: the
// topmost field with its id, as each server adds its own above the mail's
// (one a sender wrote itself comes below). None when no trusted server
// checked the mail, or none is configured.
func senderChecks(h mail.Header, from string, trusted []string) notify.SenderChecks {
	var c notify.SenderChecks
	if len(trusted) == 0 {
		return c
	}
	_, domain, _ := strings.Cut(from, "@")
	for _, v := range h.Values("Authentication-Results") {
		id, results, _ := authres.Parse(strings.NewReplacer("\r", "", "\n", "").Replace(v))
		if !containsFold(trusted, id) {
			continue
		}
		for _, r := range results {
			switch r := r.(type) {
			case *authres.DMARCResult:
				if sameDomain(r.From, domain) {
					c.DMARC = string(r.Value)
				}
			case *authres.SPFResult:
				if r.From != "" && sameDomain(r.From, domain) {
					c.SPF = string(r.Value)
				}
			case *authres.DKIMResult:
				// the signing domain (d=), or where the result gives none, its identity (i=)
				if signer := cmp.Or(r.Domain, r.Identifier); sameDomain(signer, domain) {
					c.DKIM = append(c.DKIM, string(r.Value))
				}
			}
		}
		return c
	}
	return c
}

// sameDomain says whether v (a domain, an address, "@domain") is domain;
// an empty v is: a result that names no domain is the message's.
func sameDomain(v, domain string) bool {
	if i := strings.LastIndexByte(v, '@'); i >= 0 {
		v = v[i+1:]
	}
	return v == "" || strings.EqualFold(v, domain)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}
