package mailer

import (
	"crypto"
	"fmt"

	"github.com/emersion/go-msgauth/dkim"
)

// DKIM signs notices for a relay that does not sign them itself
// (github.com/emersion/go-msgauth): receivers can then check that a notice
// really comes from the organisation's domain, which matters when people
// have just been phished in its name.
type DKIM struct {
	Domain   string // d=, the From address's domain
	Selector string // s=, where the public key is published: SELECTOR._domainkey.DOMAIN
	Key      crypto.Signer
}

// signedHeaders are the fields the signature covers. Those a forwarder or
// an attacker would add to turn a notice against its reader (a second
// From, To or Subject, a Reply-To or Cc the notice has not) are named once
// more than the notice has them (RFC 6376, section 8.15): one added breaks
// the signature.
var signedHeaders = []string{"From", "From", "To", "To", "Subject", "Subject", "Reply-To", "Reply-To", "Cc", "Cc",
	"Date", "Message-ID", "In-Reply-To", "References", "MIME-Version", "Content-Type"}

// signature is the DKIM-Signature header field for the mail raw, to be
// put before it, CRLF included.
func (k *DKIM) signature(raw []byte) (string, error) {
	s, err := dkim.NewSigner(&dkim.SignOptions{Domain: k.Domain, Selector: k.Selector, Signer: k.Key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: signedHeaders})
	if err != nil {
		return "", fmt.Errorf("dkim: %w", err)
	}
	if _, err := s.Write(raw); err != nil {
		return "", fmt.Errorf("dkim: %w", err)
	}
	if err := s.Close(); err != nil {
		return "", fmt.Errorf("dkim: %w", err)
	}
	return s.Signature(), nil
}
