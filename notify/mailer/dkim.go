package mailer

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/wneessen/go-mail"
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

// sign adds a DKIM-Signature to m. The message must write the same bytes
// when it is sent, so its MIME boundary is fixed from its Message-ID
// first.
func (k *DKIM) sign(m *mail.Msg, messageID string) error {
	sum := sha256.Sum256([]byte(messageID))
	m.SetBoundary("owabi-" + hex.EncodeToString(sum[:12]))
	var raw bytes.Buffer
	if _, err := m.WriteTo(&raw); err != nil {
		return err
	}
	s, err := dkim.NewSigner(&dkim.SignOptions{Domain: k.Domain, Selector: k.Selector, Signer: k.Key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: signedHeaders})
	if err != nil {
		return fmt.Errorf("dkim: %w", err)
	}
	if _, err := s.Write(raw.Bytes()); err != nil {
		return fmt.Errorf("dkim: %w", err)
	}
	if err := s.Close(); err != nil {
		return fmt.Errorf("dkim: %w", err)
	}
	name, value, _ := strings.Cut(s.Signature(), ":")
	m.SetGenHeaderPreformatted(mail.Header(name), strings.TrimSpace(value))
	return nil
}
