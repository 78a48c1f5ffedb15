// Package xoauth2 writes and reads XOAUTH2, the SASL login with an OAuth
// 2.0 access token that Microsoft 365 and Google Workspace take over SMTP
// and IMAP instead of a password. go-sasl has no client for it; go-mail
// speaks it for SMTP itself.
package xoauth2

import (
	"bytes"

	"github.com/emersion/go-sasl"
)

// Mechanism is the SASL name of the login.
const Mechanism = "XOAUTH2"

// Client logs in as user (the mailbox) with an access token.
func Client(user, token string) sasl.Client { return client{user, token} }

type client struct{ user, token string }

func (c client) Start() (string, []byte, error) { return Mechanism, Login(c.user, c.token), nil }

// Next answers the one challenge a server sends, a refusal with its
// reasons (base64 JSON), with the empty response it waits for before it
// says no.
func (c client) Next([]byte) ([]byte, error) { return []byte{}, nil }

// Login is what the client sends: "user=USER^Aauth=Bearer TOKEN^A^A".
func Login(user, token string) []byte {
	return []byte("user=" + user + "\x01auth=Bearer " + token + "\x01\x01")
}

// Read reads a login a client sent: its user and token, ok when it had
// both.
func Read(login []byte) (user, token string, ok bool) {
	for field := range bytes.SplitSeq(login, []byte{1}) {
		if v, found := bytes.CutPrefix(field, []byte("user=")); found {
			user = string(v)
		}
		if v, found := bytes.CutPrefix(field, []byte("auth=Bearer ")); found {
			token = string(v)
		}
	}
	return user, token, user != "" && token != ""
}
