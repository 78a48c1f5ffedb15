package mailer

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/wording"
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
	// Token, when set, logs in with OAuth 2.0 (XOAUTH2) as Username, with
	// the access token it gives, fetched anew for each connection (a
	// token source refreshes it before it expires); Password is unused.
	Token func() (string, error)
	// RootCAs, when set, are the authorities the server's certificate must
	// come from (smtp.ca_file: the organisation's own); else the system's.
	RootCAs *x509.CertPool
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
	switch {
	case s.Token != nil:
		token, err := s.Token()
		if err != nil {
			return nil, ErrToken{err}
		}
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthXOAUTH2), mail.WithUsername(s.Username), mail.WithPassword(token))
	case s.Username != "":
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.Username), mail.WithPassword(s.Password))
	}
	c, err := mail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, err
	}
	if s.InsecureSkipVerify || s.RootCAs != nil {
		if err := c.SetTLSConfig(&tls.Config{ServerName: s.Host, RootCAs: s.RootCAs, InsecureSkipVerify: s.InsecureSkipVerify,
			MinVersion: tls.VersionTLS12}); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// replyOf is what the server answered to an attempt that failed, as the
// outbox keeps it: the reply code, the enhanced status and the server's own
// words, and at which stage of the exchange it came.
func replyOf(err error) notify.ServerReply {
	var cw errComposing
	if errors.As(err, &cw) {
		return notify.ServerReply{Stage: notify.StageWrite, Text: bounded(cw.err.Error())}
	}
	var se *mail.SendError
	if !errors.As(err, &se) {
		r := notify.ServerReply{Stage: notify.StageConnect, Text: bounded(err.Error())}
		var tp *textproto.Error
		if errors.As(err, &tp) {
			r = notify.ReadReply(notify.StageConnect, fmt.Sprintf("%03d %s", tp.Code, tp.Msg))
		}
		return r
	}
	stage := stages[se.Reason]
	if stage == "" {
		stage = notify.StageData
	}
	words := serverWords(se)
	if se.ErrorCode() == 0 {
		return notify.ServerReply{Stage: stage, Text: bounded(words)}
	}
	// The status is read from the words, not taken from go-mail, which
	// finds one anywhere in them (in "[2.3.4.5]", say).
	r := notify.ReadReply(stage, fmt.Sprintf("%03d %s", se.ErrorCode(), words))
	r.Text = bounded(r.Text)
	return r
}

// stages are the parts of the exchange go-mail's failures come from.
var stages = map[mail.SendErrReason]notify.Stage{
	mail.ErrGetSender: notify.StageWrite, mail.ErrGetRcpts: notify.StageWrite, mail.ErrNoUnencoded: notify.StageWrite,
	mail.ErrConnCheck: notify.StageConnect, mail.ErrSMTPMailFrom: notify.StageSender, mail.ErrSMTPRcptTo: notify.StageRcpt,
	mail.ErrSMTPData: notify.StageData, mail.ErrSMTPDataClose: notify.StageData, mail.ErrWriteContent: notify.StageData,
}

// serverWords is the server's own text in a go-mail failure, status and
// all, without the reply code or what go-mail adds around it. (Go's
// textproto quotes the text of a reply it writes into an error.)
func serverWords(se *mail.SendError) string {
	s, _, _ := strings.Cut(se.Error(), ", affected recipient(s): ")
	s, _, _ = strings.Cut(s, ", affected message ID: ")
	if code := se.ErrorCode(); code != 0 {
		if i := strings.Index(s, strconv.Itoa(code)+" "); i >= 0 {
			s = s[i+4:]
		}
	}
	if q, err := strconv.QuotedPrefix(s); err == nil {
		s, _ = strconv.Unquote(q)
	}
	return strings.TrimSpace(s)
}

// ErrToken is an OAuth 2.0 access token that could not be had (a secret
// revoked, a consent withdrawn, the identity provider unreachable):
// nothing can be sent until it can, and no notice is at fault.
type ErrToken struct{ Err error }

func (e ErrToken) Error() string { return "no OAuth 2.0 token to log in with: " + e.Err.Error() }
func (e ErrToken) Unwrap() error { return e.Err }

// errComposing is a notice that could not be written from its contact's
// data: that notice fails, the others go on.
type errComposing struct{ err error }

func (e errComposing) Error() string { return "the notice cannot be written: " + e.err.Error() }
func (e errComposing) Unwrap() error { return e.err }

// bounded keeps a server's text to one line of reasonable length: it is
// shown to staff, not parsed.
func bounded(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 500 {
		s = string(r[:500]) + "…"
	}
	return s
}

// stopsSending is the error that stops all sending for a reply about us,
// not about the notice's recipient: the mail server refuses to send for
// us, or asks us to wait (see notify.SendingRefused, notify.SendingPaused).
// It is nil for any other reply. It says the reply's meaning and codes
// only: its words may name the address.
func stopsSending(r notify.ServerReply) error {
	switch r.Problem() {
	case notify.SendingRefused:
		return wording.Fail(ErrServer, notify.Say("sending.refused", notify.SaidReply(r)))
	case notify.SendingPaused:
		return wording.Fail(ErrServer, notify.Say("sending.paused", notify.SaidReply(r)))
	}
	return nil
}
