// Package imaptest serves a real IMAP mailbox on loopback, in memory
// (go-imap v2's imapmemserver), for tests and benchmarks of the reply
// mailbox.
package imaptest

import (
	"bytes"
	"io"
	"log"
	"net"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Server is an IMAP server with one user and their INBOX.
type Server struct {
	Host     string
	Port     int
	Username string
	Password string
	user     *imapmemserver.User
}

// New starts a server on loopback for the test's lifetime. It speaks
// plain IMAP: tests connect with TLS "none".
func New(tb testing.TB) *Server {
	tb.Helper()
	mem := imapmemserver.New()
	s := &Server{Host: "127.0.0.1", Username: "desk", Password: "correct horse battery"}
	s.user = imapmemserver.NewUser(s.Username, s.Password)
	if err := s.user.Create("INBOX", nil); err != nil {
		tb.Fatal(err)
	}
	mem.AddUser(s.user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
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

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }
