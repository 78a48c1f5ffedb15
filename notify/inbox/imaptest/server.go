// Package imaptest serves a real IMAP mailbox on loopback, in memory
// (go-imap v2's imapmemserver), for tests and benchmarks of the reply
// mailbox.
package imaptest

import (
	"bytes"
	"crypto/tls"
	"io"
	"log"
	"net"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"

	"github.com/owabi/owabi/notify/testca"
	"github.com/owabi/owabi/notify/xoauth2"
)

// Server is an IMAP server with one user and their INBOX.
type Server struct {
	Host     string
	Port     int
	Username string
	Password string
	CA       []byte // for NewTLS: the PEM certificate of the authority that signed the server's
	// Sent counts the bytes the server has sent its clients: what a
	// client fetched.
	Sent atomic.Int64
	// xoauth2, when set, checks the one login the server takes: by OAuth
	// 2.0 (NewXOAUTH2).
	xoauth2 func(user, token string) error
	user    *imapmemserver.User
}

// New starts a server on loopback for the test's lifetime. It speaks
// plain IMAP: tests connect with TLS "none".
func New(tb testing.TB) *Server {
	tb.Helper()
	return start(tb, nil, nil)
}

// NewXOAUTH2 starts a server that, as Microsoft 365 and Google Workspace
// do, takes only a login by OAuth 2.0 (AUTHENTICATE XOAUTH2), which check
// checks, and no password.
func NewXOAUTH2(tb testing.TB, check func(user, token string) error) *Server {
	tb.Helper()
	return start(tb, nil, check)
}

// NewTLS starts a server that speaks IMAP over TLS from the first byte
// (TLS "implicit"), with a certificate for 127.0.0.1 from a private
// certificate authority of its own, whose certificate, in PEM, is CA.
func NewTLS(tb testing.TB) *Server {
	tb.Helper()
	ca, cert := privateCA(tb)
	s := start(tb, &tls.Config{Certificates: []tls.Certificate{cert}}, nil)
	s.CA = ca
	return s
}

func start(tb testing.TB, tlsConfig *tls.Config, xoauth2 func(user, token string) error) *Server {
	tb.Helper()
	mem := imapmemserver.New()
	s := &Server{Host: "127.0.0.1", Username: "desk", Password: "correct horse battery", xoauth2: xoauth2}
	s.user = imapmemserver.NewUser(s.Username, s.Password)
	if err := s.user.Create("INBOX", nil); err != nil {
		tb.Fatal(err)
	}
	mem.AddUser(s.user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			if s.xoauth2 != nil {
				return oauthSession{mem.NewSession().(imapserver.SessionIMAP4rev2), s}, nil, nil
			}
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0), // clients hanging up are no news in a test
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ln = counting{ln, &s.Sent}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return s
}

// Deliver puts a mail into the INBOX, as the mail server would.
func (s *Server) Deliver(tb testing.TB, raw []byte) {
	tb.Helper()
	if _, err := s.user.Append("INBOX", literal{bytes.NewReader(raw)}, &imap.AppendOptions{}); err != nil {
		tb.Fatal(err)
	}
}

// oauthSession is a session that takes only an XOAUTH2 login.
type oauthSession struct {
	imapserver.SessionIMAP4rev2 // the memory server's, as the server advertises IMAP4rev2
	srv                         *Server
}

func (o oauthSession) AuthenticateMechanisms() []string { return []string{xoauth2.Mechanism} }

func (o oauthSession) Login(string, string) error {
	return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "basic authentication is disabled"}
}

func (o oauthSession) Authenticate(mech string) (sasl.Server, error) {
	if mech != xoauth2.Mechanism {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
	}
	return oauthLogin{o}, nil
}

// oauthLogin reads a client's XOAUTH2 login and signs the session in as
// the user it names.
type oauthLogin struct{ oauthSession }

func (l oauthLogin) Next(response []byte) ([]byte, bool, error) {
	if response == nil {
		return nil, false, nil // no initial response: ask for it (an empty "+")
	}
	user, token, ok := xoauth2.Read(response)
	if !ok {
		return nil, false, &imap.Error{Type: imap.StatusResponseTypeBad, Text: "malformed XOAUTH2 login"}
	}
	if err := l.srv.xoauth2(user, token); err != nil {
		return nil, false, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "AUTHENTICATE failed: " + err.Error()}
	}
	// The memory server's session signs in by password: the token stands
	// for it.
	return nil, true, l.SessionIMAP4rev2.Login(user, l.srv.Password)
}

// privateCA makes a certificate authority and a certificate it signs for
// 127.0.0.1, as an organisation's own CA would for its mail server.
func privateCA(tb testing.TB) (caPEM []byte, cert tls.Certificate) {
	tb.Helper()
	caPEM, cert, err := testca.New()
	if err != nil {
		tb.Fatal(err)
	}
	return caPEM, cert
}

// counting is a listener whose connections add what they write to sent.
type counting struct {
	net.Listener
	sent *atomic.Int64
}

func (l counting) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.sent}, nil
}

type countingConn struct {
	net.Conn
	sent *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.sent.Add(int64(n))
	return n, err
}

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }
