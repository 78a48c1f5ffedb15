package mailer_test

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// plainServer is a bare SMTP server on loopback that, like qmail or an old
// relay, does not announce ENHANCEDSTATUSCODES: go-mail then reads no
// status code, and owabi must read one from the words or do without. It
// answers RCPT TO and the end of DATA from the tables, by recipient, with
// the reply lines as written (several lines for a multi-line reply). With
// pipelining it announces PIPELINING and then, as some do against RFC
// 2920, answers DATA with 354 even after it refused the recipient.
type plainServer struct {
	Host       string
	Port       int
	rcpt, end  map[string]string
	pipelining bool
	// sentAhead: a client wrote the next command before it had the
	// answer to MAIL FROM.
	sentAhead atomic.Bool
	ln        net.Listener
	wg        sync.WaitGroup
}

func newPlainServer(t *testing.T, pipelining bool, rcpt, end map[string]string) *plainServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &plainServer{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, rcpt: rcpt, end: end, ln: ln, pipelining: pipelining}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.serve(c) })
		}
	})
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *plainServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(lines string) { c.Write([]byte(strings.ReplaceAll(lines, "\n", "\r\n") + "\r\n")) }
	say("220 plain.example ESMTP")
	var to string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		switch verb {
		case "EHLO":
			if s.pipelining {
				say("250-plain.example\n250 PIPELINING")
			} else {
				say("250 plain.example")
			}
		case "MAIL":
			if r.Buffered() > 0 {
				s.sentAhead.Store(true)
			}
			say("250 ok")
		case "RSET", "NOOP":
			say("250 ok")
		case "RCPT":
			_, addr, _ := strings.Cut(line, "<")
			to, _, _ = strings.Cut(addr, ">")
			if reply, ok := s.rcpt[to]; ok {
				say(reply)
			} else {
				say("250 ok")
			}
		case "DATA":
			say("354 go ahead")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			if reply, ok := s.end[to]; ok {
				say(reply)
			} else {
				say("250 ok: queued")
			}
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 unimplemented")
		}
	}
}
