package inbox

import (
	"strings"
	"testing"

	"github.com/owabi/owabi/notify"
)

func TestABounceSaysWhichCommandTheRemoteRefused(t *testing.T) {
	raw := strings.ReplaceAll(`From: MAILER-DAEMON@mx.sender.example
To: notices@sender.example
Subject: Undelivered Mail Returned to Sender
Content-Type: text/plain

This is the mail system at host mx.sender.example.

<hanako@a.example>: host mx.a.example[192.0.2.1] said: 550 5.1.1
    <hanako@a.example>: Recipient address rejected: User unknown (in reply to
    RCPT TO command)

<jiro@b.example>: host mx.b.example[192.0.2.2] said: 550 Unknown user
    jiro@b.example (in reply to end of DATA command)

<saburo@c.example>: host mx.c.example[192.0.2.3] said: 550 No such user
`, "\n", "\r\n")
	in, err := Read([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		at   notify.Stage
		dead bool
	}{
		"hanako@a.example": {notify.StageRcpt, true},
		"jiro@b.example":   {notify.StageData, false}, // taken at RCPT TO: a filter refused it
		"saburo@c.example": {"", true},
	}
	if len(in.Bounces) != len(want) {
		t.Fatalf("bounces %+v, want %d", in.Bounces, len(want))
	}
	for _, b := range in.Bounces {
		w, ok := want[b.Recipient]
		if !ok || b.RefusedAt != w.at || b.Reply().AddressDead() != w.dead {
			t.Errorf("%s: refused at %q (dead %v), want %+v", b.Recipient, b.RefusedAt, b.Reply().AddressDead(), w)
		}
	}
}
