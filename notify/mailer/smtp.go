package mailer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

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

// Session is one SMTP connection, greeted, secured and logged in, that
// sends notices one after another. go-mail opens it (TLS, STARTTLS and
// every AUTH mechanism); the transaction of each notice is written here,
// so that each answer is known with the command it came to.
type Session struct {
	smtp SMTP
	c    *smtp.Client
	// broken: the connection failed in the middle of a message, or was
	// closed: the next message opens a new one.
	broken bool
	// carried: a message went through this connection, so a server that
	// hangs up on it now may only have found it idle too long.
	carried bool
}

// Dial opens a session with the mail server s. A token that cannot be had
// is an ErrToken, a server that cannot be reached or refuses the login an
// ErrDial; any other error is a setting of s that cannot work (smtp.tls).
func Dial(ctx context.Context, s SMTP) (*Session, error) {
	c, err := open(ctx, s)
	if err != nil {
		return nil, err
	}
	return &Session{smtp: s, c: c}, nil
}

func open(ctx context.Context, s SMTP) (*smtp.Client, error) {
	c, err := newClient(s)
	if err != nil {
		return nil, err
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, ErrDial{err}
	}
	return sc, nil
}

// newClient is go-mail's client for s, which opens connections.
func newClient(s SMTP) (*mail.Client, error) {
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

// Send sends m: MAIL FROM, RCPT TO, DATA, in one write when the server
// allows pipelining (RFC 2920), else one by one. A failure is a SendError
// that says at which command it came, or an ErrDial or ErrToken when the
// session had to be opened again and could not be. A transaction the
// server refused before the data is reset, so the session can send the
// next notice; one the server answered after the data needs no reset
// (RFC 5321, 4.1.1.4), and none is sent, to spare a round trip per
// notice. So a connection the server dropped after the last message
// shows only at this one's MAIL FROM, before the server was asked anything
// of it: Send then opens the session again and sends m over the new
// connection. So does one the server closes as idle (Postfix, after five
// minutes, answers the next command "421 4.4.2 … timeout exceeded").
func (s *Session) Send(ctx context.Context, m *Message) error {
	err := errStale
	if !s.broken && s.c != nil {
		err = s.send(m)
	}
	if errors.Is(err, errStale) {
		if s.c != nil {
			_ = s.c.Close()
		}
		if s.c, err = open(ctx, s.smtp); err != nil {
			return err
		}
		s.broken, s.carried = false, false
		err = s.send(m)
	}
	s.carried = s.carried || err == nil
	return err
}

// errStale is a connection found gone before the server answered
// anything of a message.
var errStale = errors.New("the connection was closed")

func (s *Session) send(m *Message) error {
	if err := s.c.UpdateDeadline(s.smtp.Timeout); err != nil {
		return &SendError{Stage: notify.StageConnect, Err: err}
	}
	var param string
	if !isASCII(m.From + m.To) {
		if ok, _ := s.c.Extension("SMTPUTF8"); !ok {
			// Not the server's fault, nor the other notices'.
			return &SendError{Stage: notify.StageWrite, Err: errors.New("the address is not ASCII and the mail server does not take SMTPUTF8")}
		}
		param = " SMTPUTF8" // RFC 6531
	}
	cmds := []struct {
		stage notify.Stage
		line  string
		want  int
	}{
		{notify.StageSender, "MAIL FROM:" + envelope(m.From) + param, 250},
		{notify.StageRcpt, "RCPT TO:" + envelope(m.To), 25}, // 25: any 25x
		{notify.StageData, "DATA", 354},
	}
	text := s.c.Text
	pipelining, _ := s.c.Extension("PIPELINING")
	var failed *SendError
	for i, cmd := range cmds {
		if i == 0 || !pipelining {
			// The command, or all of them at once when pipelining.
			ahead := cmds[i : i+1]
			if pipelining {
				ahead = cmds
			}
			for _, c := range ahead {
				text.W.WriteString(c.line + "\r\n")
			}
			if err := text.W.Flush(); err != nil {
				if i == 0 { // the server hung up after the last message
					err = fmt.Errorf("%w: %w", errStale, err)
				}
				s.broken = true
				return &SendError{Stage: cmd.stage, Err: err}
			}
		}
		_, _, err := text.ReadResponse(cmd.want)
		var reply *textproto.Error
		switch {
		case err == nil && failed != nil && cmd.stage == notify.StageData:
			// DATA accepted after a refused recipient: a server that
			// breaks RFC 2920. Hang up rather than send it anything.
			_ = s.c.Close()
			s.broken = true
			return failed
		case err == nil:
			continue
		case !errors.As(err, &reply) && i == 0,
			i == 0 && reply.Code == 421 && s.carried: // closed as idle
			s.broken = true
			return &SendError{Stage: cmd.stage, Err: fmt.Errorf("%w: %w", errStale, err)}
		case !errors.As(err, &reply):
			s.broken = true
			if failed != nil { // the server said why before it hung up
				return failed
			}
			return &SendError{Stage: cmd.stage, Err: err}
		case failed == nil:
			failed = &SendError{Stage: cmd.stage, Err: err}
		}
		if !pipelining {
			break
		}
	}
	if failed != nil {
		if err := s.c.Reset(); err != nil {
			s.broken = true // its answer may come late: start afresh
		}
		return failed
	}
	if err := writeData(text.W, m.Data); err != nil {
		s.broken = true
		return &SendError{Stage: notify.StageData, Err: err}
	}
	if _, _, err := text.ReadResponse(250); err != nil {
		if !errors.As(err, new(*textproto.Error)) {
			s.broken = true
		}
		return &SendError{Stage: notify.StageData, Err: err}
	}
	return nil
}

// writeData writes a mail's bytes as DATA carries them: a line that
// starts with a dot gets another (RFC 5321, 4.5.2), and a dot on a line of
// its own ends them. A notice has no such line (its parts are base64), so
// the bytes go out as they are, in one write.
func writeData(w *bufio.Writer, data []byte) error {
	if bytes.HasPrefix(data, []byte(".")) {
		w.WriteByte('.')
	}
	for {
		i := bytes.Index(data, []byte("\n."))
		if i < 0 {
			break
		}
		w.Write(data[:i+2])
		w.WriteByte('.')
		data = data[i+2:]
	}
	w.Write(data)
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		w.WriteString("\r\n")
	}
	w.WriteString(".\r\n")
	return w.Flush()
}

// envelope is an address as MAIL FROM and RCPT TO take it: in angle
// brackets, its local part quoted where it needs to be.
func envelope(addr string) string { return (&netmail.Address{Address: addr}).String() }

// Close ends the session (QUIT), or drops a connection already broken.
func (s *Session) Close() error {
	if s.c == nil {
		return nil
	}
	if s.broken || s.c.UpdateDeadline(s.smtp.Timeout) != nil || s.c.Quit() != nil {
		return s.c.Close()
	}
	return nil
}

// SendError is a notice the server did not take, and at which stage of
// the exchange it said so.
type SendError struct {
	Stage notify.Stage
	Err   error // a *textproto.Error when the server answered
}

func (e *SendError) Error() string { return fmt.Sprintf("%s: %v", e.Stage, e.Err) }
func (e *SendError) Unwrap() error { return e.Err }

// replyOf is what the server answered to an attempt that failed, as the
// outbox keeps it: the reply code, the enhanced status and the server's own
// words, and at which stage of the exchange it came.
func replyOf(err error) notify.ServerReply {
	var cw errComposing
	if errors.As(err, &cw) {
		return notify.ServerReply{Stage: notify.StageWrite, Text: bounded(cw.err.Error())}
	}
	stage := notify.StageConnect
	var se *SendError
	if errors.As(err, &se) {
		stage = se.Stage
	}
	var tp *textproto.Error
	if !errors.As(err, &tp) {
		return notify.ServerReply{Stage: stage, Text: bounded(err.Error())}
	}
	// The status is read from the words, as the server wrote them.
	r := notify.ReadReply(stage, fmt.Sprintf("%03d %s", tp.Code, tp.Msg))
	r.Text = bounded(r.Text)
	return r
}

// ErrToken is an OAuth 2.0 access token that could not be had (a secret
// revoked, a consent withdrawn, the identity provider unreachable):
// nothing can be sent until it can, and no notice is at fault.
type ErrToken struct{ Err error }

func (e ErrToken) Error() string { return "no OAuth 2.0 token to log in with: " + e.Err.Error() }
func (e ErrToken) Unwrap() error { return e.Err }

// ErrDial is a mail server that could not be reached, or that refused
// the greeting, TLS or the login.
type ErrDial struct{ Err error }

func (e ErrDial) Error() string { return e.Err.Error() }
func (e ErrDial) Unwrap() error { return e.Err }

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
