package mailer

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// SMTP is how to reach the organisation's mail server.
type SMTP struct {
	Host     string
	Port     int
	TLS      string // "none", "starttls" or "implicit"
	Username string
	Password string
	Timeout  time.Duration
	HELO     string
	// InsecureSkipVerify accepts any certificate; only for test servers.
	InsecureSkipVerify bool
}

// NewClient returns a go-mail client for s; it connects on first use.
func NewClient(s SMTP) (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(s.Timeout), mail.WithoutNoop()}
	switch s.TLS {
	case "none":
		opts = append(opts, mail.WithTLSPortPolicy(mail.NoTLS))
	case "starttls":
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSMandatory))
	case "implicit":
		opts = append(opts, mail.WithSSLPort(false))
	default:
		return nil, fmt.Errorf("smtp.tls: %q is not one of none, starttls, implicit", s.TLS)
	}
	if s.Port != 0 {
		opts = append(opts, mail.WithPort(s.Port))
	}
	if s.HELO != "" {
		opts = append(opts, mail.WithHELO(s.HELO))
	}
	if s.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.Username), mail.WithPassword(s.Password))
	}
	c, err := mail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, err
	}
	if s.InsecureSkipVerify {
		if err := c.SetTLSConfig(&tls.Config{InsecureSkipVerify: true, ServerName: s.Host}); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Permanent reports whether a send error is final: only a 5xx reply from the
// server is. Timeouts, dropped connections and failed connection checks carry
// no reply code and are worth another try, like 4xx replies.
func Permanent(err error) bool {
	return replyCode(err)/100 == 5
}

// serverRefuses reports a 5xx reply to MAIL FROM: the server will take no
// message from us, whoever it is for.
// RecipientRefused reports a refusal of the address itself: a 5xx reply to
// RCPT TO that says the mailbox or domain does not exist (5.1.x, or no
// enhanced code). A 5xx at DATA (content rejected) or for relaying (5.7.x)
// says nothing about the address, and must not close it for good.
func RecipientRefused(err error) bool {
	var se *mail.SendError
	if !errors.As(err, &se) || se.Reason != mail.ErrSMTPRcptTo || se.ErrorCode()/100 != 5 {
		return false
	}
	enhanced := se.EnhancedStatusCode()
	return enhanced == "" || strings.HasPrefix(enhanced, "5.1.")
}

func serverRefuses(err error) bool {
	var se *mail.SendError
	return errors.As(err, &se) && se.Reason == mail.ErrSMTPMailFrom && se.ErrorCode()/100 == 5
}

// replyCode is the SMTP reply code in err, or 0 when the server gave none.
func replyCode(err error) int {
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code
	}
	return 0
}
