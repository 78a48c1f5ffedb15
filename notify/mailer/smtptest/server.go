// Package smtptest runs a real SMTP server on loopback that records what
// arrives, for tests and for the demo (like net/http/httptest for HTTP).
package smtptest

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/owabi/owabi/notify/testca"
	"github.com/owabi/owabi/notify/xoauth2"
)

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	Data []byte
}

// Server is an SMTP server listening on 127.0.0.1.
type Server struct {
	Host string
	Port int

	// OnData, when set, decides the reply to each message before it is
	// recorded: return an *smtp.SMTPError to refuse it (4xx or 5xx), or
	// block to hold the reply back. n counts messages from 1.
	OnData func(n int, m Message) error
	// OnMail, when set, decides the reply to MAIL FROM.
	OnMail func(from string) error
	// OnRcpt, when set, decides the reply to RCPT TO.
	OnRcpt func(to string) error
	// XOAUTH2, when set, makes the server take only a login by OAuth 2.0
	// (AUTH XOAUTH2, as Microsoft 365 and Google Workspace do), before
	// MAIL FROM: it decides whether user's bearer token is good.
	XOAUTH2 func(user, token string) error

	dir  string      // where to write .eml files; empty keeps them in memory only
	tls  *tls.Config // offered with STARTTLS, when set (NewTLS)
	srv  *smtp.Server
	l    net.Listener
	mu   sync.Mutex
	msgs []Message
	seen int
	// files numbers .eml files on from those already in dir, so that a
	// second run into the same folder overwrites nothing.
	files   int
	discard bool // count messages but do not keep them (benchmarks)
	// changed is closed and replaced whenever a message is accepted.
	changed chan struct{}
	done    chan struct{}
}

// Start starts a server on a free loopback port. When dir is not empty,
// every accepted message is also written there as a numbered .eml file.
func Start(dir string) (*Server, error) { return start(dir, nil) }

func start(dir string, tlsConfig *tls.Config) (*Server, error) {
	files := 0
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		old, err := filepath.Glob(filepath.Join(dir, "*.eml"))
		if err != nil {
			return nil, err
		}
		files = len(old)
	}
	s := &Server{dir: dir, tls: tlsConfig, files: files, changed: make(chan struct{})}
	if err := s.listen("127.0.0.1:0"); err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(s.l.Addr().String())
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	return s, nil
}

// listen serves on addr.
func (s *Server) listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.l, s.done = l, make(chan struct{})
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.TLSConfig = s.tls
	s.srv.MaxMessageBytes = 10 << 20
	go func(srv *smtp.Server, done chan struct{}) {
		defer close(done)
		srv.Serve(l)
	}(s.srv, s.done)
	return nil
}

// Down stops the server as a mail server going down does: connections
// drop and new ones are refused until Up. What it accepted is kept.
func (s *Server) Down() { s.Close() }

// Up starts the server again on its port after Down.
func (s *Server) Up() error { return s.listen(s.Addr()) }

// TB is the part of testing.TB that New uses.
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// New starts a server for one test and stops it when the test ends.
func New(tb TB) *Server {
	tb.Helper()
	s, err := Start("")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// NewTLS starts a server for one test that offers STARTTLS with a
// certificate from a private authority, as an organisation's own mail
// server may, and returns the authority's certificate in PEM.
func NewTLS(tb TB) (*Server, []byte) {
	tb.Helper()
	ca, cert, err := testca.New()
	if err != nil {
		tb.Fatal(err)
	}
	s, err := start("", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, ca
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Close stops the server and waits for it. Closing twice is harmless.
func (s *Server) Close() error {
	// Close the listener too: go-smtp only closes listeners Serve has
	// registered, and Serve may not have started yet.
	s.l.Close()
	s.srv.Close()
	<-s.done
	return nil
}

// Messages returns a copy of what the server accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count is how many messages the server accepted.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// Discard makes the server count messages without keeping their content,
// so that benchmarks sending many can run in little memory.
func (s *Server) Discard() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.discard = true
}

// Wait blocks until the server has accepted at least n messages, and
// reports false if ctx ends first.
func (s *Server) Wait(ctx context.Context, n int) bool {
	for {
		s.mu.Lock()
		count, changed := len(s.msgs), s.changed
		s.mu.Unlock()
		if count >= n {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-changed:
		}
	}
}

// ErrDropConnection, returned by OnData, makes the server hang up without
// answering, as a crashed or overloaded server does.
var ErrDropConnection = errors.New("smtptest: connection dropped")

// ErrAcceptThenDrop, returned by OnData, makes the server accept the
// message (250) and then hang up, so the client's next command fails after
// its message was delivered.
var ErrAcceptThenDrop = errors.New("smtptest: accepted, then dropped")

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: s, conn: c}, nil
}

func (s *Server) accept(m Message) error {
	s.mu.Lock()
	s.seen++
	n := s.seen
	hook := s.OnData
	s.mu.Unlock()
	var result error
	if hook != nil {
		if result = hook(n, m); result != nil && !errors.Is(result, ErrAcceptThenDrop) {
			return result
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.discard {
		m.Data = nil
	}
	s.msgs = append(s.msgs, m)
	close(s.changed)
	s.changed = make(chan struct{})
	if s.dir != "" {
		s.files++
		name := filepath.Join(s.dir, fmt.Sprintf("%06d.eml", s.files))
		if err := os.WriteFile(name, m.Data, 0o600); err != nil {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "cannot store the message"}
		}
	}
	return result
}

type session struct {
	srv    *Server
	conn   *smtp.Conn
	msg    Message
	hangUp bool // close the connection at the reset that follows DATA
	authed bool // logged in, when the server wants a login (XOAUTH2)
}

func (s *session) AuthMechanisms() []string {
	if s.srv.XOAUTH2 == nil {
		return nil
	}
	return []string{"XOAUTH2"}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if mech != "XOAUTH2" || s.srv.XOAUTH2 == nil {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return oauthLogin{check: func(user, token string) error {
		if err := s.srv.XOAUTH2(user, token); err != nil {
			return err
		}
		s.authed = true
		return nil
	}}, nil
}

// oauthLogin reads a client's XOAUTH2 login.
type oauthLogin struct {
	check func(user, token string) error
}

func (x oauthLogin) Next(response []byte) ([]byte, bool, error) {
	if response == nil {
		return []byte{}, false, nil // no initial response: ask for it
	}
	user, token, ok := xoauth2.Read(response)
	if !ok {
		return nil, false, &smtp.SMTPError{Code: 501, EnhancedCode: smtp.EnhancedCode{5, 5, 2}, Message: "malformed XOAUTH2 login"}
	}
	if err := x.check(user, token); err != nil {
		return nil, false, &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 3}, Message: "Authentication unsuccessful: " + err.Error()}
	}
	return nil, true, nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.XOAUTH2 != nil && !s.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 57}, Message: "Client not authenticated to send mail"}
	}
	s.msg = Message{From: from}
	if hook := s.srv.OnMail; hook != nil {
		return hook(from)
	}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if hook := s.srv.OnRcpt; hook != nil {
		if err := hook(to); err != nil {
			return err
		}
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		return err
	}
	s.msg.Data = buf.Bytes()
	err := s.srv.accept(s.msg)
	switch {
	case errors.Is(err, ErrDropConnection):
		s.conn.Conn().Close()
	case errors.Is(err, ErrAcceptThenDrop):
		s.hangUp = true // go-smtp answers 250 first, then resets the session
		return nil
	}
	return err
}

func (s *session) Reset() {
	s.msg = Message{}
	if s.hangUp {
		s.conn.Conn().Close()
	}
}
func (s *session) Logout() error { return nil }
