package xoauth2

import (
	"bytes"
	"testing"
)

func TestALoginReadsBackAsWritten(t *testing.T) {
	c := Client("desk@sakura-print.example.jp", "eyJ0eXAi.abc")
	mech, login, err := c.Start()
	if err != nil || mech != "XOAUTH2" || string(login) != "user=desk@sakura-print.example.jp\x01auth=Bearer eyJ0eXAi.abc\x01\x01" {
		t.Fatalf("Start = %q, %q, %v", mech, login, err)
	}
	if user, token, ok := Read(login); !ok || user != "desk@sakura-print.example.jp" || token != "eyJ0eXAi.abc" {
		t.Errorf("Read = %q, %q, %v", user, token, ok)
	}
	for _, bad := range []string{"", "user=a\x01\x01", "auth=Bearer t\x01\x01", "user=a\x01auth=Basic t\x01\x01"} {
		if _, _, ok := Read([]byte(bad)); ok {
			t.Errorf("Read(%q) took a login without a user and a bearer token", bad)
		}
	}
}

// Whatever a client sends, Read gives a user and a token only when both
// were there, and a login written reads back as it was.
func FuzzRead(f *testing.F) {
	f.Add([]byte("user=a@b\x01auth=Bearer t\x01\x01"), "a@b", "t")
	f.Add([]byte("\x01\x01user=\x01"), "", "x")
	f.Fuzz(func(t *testing.T, login []byte, user, token string) {
		if u, tok, ok := Read(login); ok && (u == "" || tok == "") {
			t.Errorf("Read(%q) = %q, %q, ok", login, u, tok)
		}
		if user == "" || token == "" || bytes.ContainsRune([]byte(user+token), 1) {
			return
		}
		if u, tok, ok := Read(Login(user, token)); !ok || u != user || tok != token {
			t.Errorf("Read(Login(%q, %q)) = %q, %q, %v", user, token, u, tok, ok)
		}
	})
}
