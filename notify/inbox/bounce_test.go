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

func TestTheCommandIsTheRecipientsItIsSaidOf(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       map[string]notify.Stage
		dead       map[string]bool
	}{
		{"postfix says the command after the reply, before the next recipient", `
<hanako@a.example>: host mx.a.example[192.0.2.1] said: 550 5.2.1
    <hanako@a.example>... User Unknown (in reply to RCPT TO command)

<jiro@a.example>: host mx.a.example[192.0.2.1] said: 550
    5.2.2 <jiro@a.example>... Mailbox Full (in reply to RCPT TO
    command)
`, map[string]notify.Stage{"hanako@a.example": notify.StageRcpt, "jiro@a.example": notify.StageRcpt},
			map[string]bool{"hanako@a.example": true, "jiro@a.example": false}},
		{"qmail says which command in words", `Hi. This is the qmail-send program at mx.sender.example.
I'm afraid I wasn't able to deliver your message to the following addresses.

<hanako@a.example>:
192.0.2.153 does not like recipient.
Remote host said: 550 5.2.1 <hanako@a.example>... User Unknown
Giving up on 192.0.2.153.

<jiro@b.example>:
192.0.2.154 failed after I sent the message.
Remote host said: 550 5.2.1 <jiro@b.example>... User Unknown
`, map[string]notify.Stage{"hanako@a.example": notify.StageRcpt, "jiro@b.example": notify.StageData},
			map[string]bool{"hanako@a.example": true, "jiro@b.example": false}},
		{"sendmail's own 5.1.1 line after a pipelined DATA is the RCPT's", `   ----- The following addresses had permanent fatal errors -----
<hanako@a.example>
    (reason: 550 5.0.0 <hanako@a.example>... User unknown)

   ----- Transcript of session follows -----
... while talking to mx.a.example.:
>>> DATA
<<< 550 5.0.0 <hanako@a.example>... User unknown
550 5.1.1 <hanako@a.example>... User unknown
<<< 503 5.0.0 Need RCPT (recipient)
`, map[string]notify.Stage{"hanako@a.example": notify.StageRcpt}, map[string]bool{"hanako@a.example": true}},
		{"exim refused at MAIL FROM: the sender's domain, not the recipient", `This message was created automatically by mail delivery software.

  hanako@a.example
    host mx.a.example [192.0.2.222]
    SMTP error from remote mail server after MAIL FROM:<notices@sender.example> SIZE=1022:
    553 5.1.0 notices sender.example does not exist
`, map[string]notify.Stage{"hanako@a.example": notify.StageSender}, map[string]bool{"hanako@a.example": false}},
	} {
		raw := "From: MAILER-DAEMON@mx.sender.example\nTo: notices@sender.example\nSubject: Undelivered Mail Returned to Sender\nContent-Type: text/plain\n\n" + c.body
		for _, b := range bouncesRead(t, c.name, raw, len(c.want)) {
			if b.RefusedAt != c.want[b.Recipient] || b.Reply().AddressDead() != c.dead[b.Recipient] {
				t.Errorf("%s: %s refused at %q (dead %v), want %q (dead %v)", c.name, b.Recipient, b.RefusedAt, b.Reply().AddressDead(),
					c.want[b.Recipient], c.dead[b.Recipient])
			}
		}
	}
}

func TestBouncesAsSomeMailSystemsLayThemOut(t *testing.T) {
	for _, c := range []struct {
		name, raw string
		dead      map[string]bool
	}{
		{"AOL's report runs one recipient's fields into the next's", `From: MAILER-DAEMON@aol.example
To: notices@sender.example
Subject: Mail Delivery Failure
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; omr.aol.example

Final-Recipient: rfc822; hanako@a.example
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 550 5.2.2 <hanako@a.example>... Mailbox Full
Final-Recipient: rfc822; jiro@a.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <jiro@a.example>... User Unknown

--b--
`, map[string]bool{"hanako@a.example": false, "jiro@a.example": true}},
		{"McAfee's gateway sends it from <>, with no bounce's subject", `From: <>
To: <notices@sender.example>
Subject: Delivery Status
Content-Type: Multipart/Mixed; boundary="b"

--b
Content-Type: text/plain

    --- The following addresses had delivery problems ---

<hanako@a.example>   (hanako@a.example... No such user)

--b
Content-Type: message/delivery-status

Original-Recipient: <hanako@a.example>
Action: failed
Diagnostic-Code: smtp; 550 hanako@a.example... No such user

--b--
`, map[string]bool{"hanako@a.example": true}},
		{"OpenSMTPD's report leaves the words to its text, of a postmaster@ too", `From: Mailer Daemon <MAILER-DAEMON@mx.sender.example>
To: notices@sender.example
Subject: Delivery status notification: failed
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=us-ascii

    An error has occurred while attempting to deliver a message for
    the following list of recipients:

postmaster@gone.example: Domain does not exist

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.sender.example

Final-Recipient: rfc822; postmaster@gone.example
Action: failed
Status: 5.0.0

--b--
`, map[string]bool{"postmaster@gone.example": true}},
		{"MailMarshal gives the reason before the recipients, and recalls the sender", `From: postmaster@mx.a.example
To: notices@sender.example
Subject: Undeliverable: Notice

Your message:
   From:    notices@mail.sender.example
   Subject: Notice

Could not be delivered because of

550 5.1.1 User unknown

The following recipients were affected:
    hanako@a.example
`, map[string]bool{"hanako@a.example": true}},
		{"Verizon's gateway quotes the reply above the message's details", `From: MMSC NDR Administrator <sysadmin@mms.a.example>
To: notices@sender.example
Subject: Undeliverable Message

Error: Invalid user address

Error message below:
550 - Requested action not taken: no such user here

Message details:
  Subject: Notice
  MAIL FROM: notices@mail.sender.example
  RCPT TO: 0000000000@mms.a.example
  From: office@sender.example
`, map[string]bool{"0000000000@mms.a.example": true}},
		{"Sendmail's line of an address is all it says of it", `From: MAILER-DAEMON@mx.sender.example
To: notices@sender.example
Subject: Returned mail: Host unknown

   ----- Transcript of session follows -----
554 <hanako@a.example>... Remote protocol error: Connection reset by peer
550 b.example (smtp)... 550 Host unknown
554 <jiro@b.example>... 550 Host unknown (Authoritative answer from name server)
`, map[string]bool{"hanako@a.example": false, "jiro@b.example": true}},
		{"qmail gives up on a full mailbox's 450: the notice failed, the address lives", `From: MAILER-DAEMON@mx.sender.example
To: notices@sender.example
Subject: failure notice

Hi. This is the qmail-send program at mx.sender.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<hanako@a.example>:
192.0.2.135 does not like recipient.
Remote host said: 450 4.2.2 <hanako@a.example>... Mailbox Full
Giving up on 192.0.2.135.
I'm not going to try again; this message has been in the queue too long.

--- Below this line is a copy of the message.
`, map[string]bool{"hanako@a.example": false}},
		{"DragonFly names a postmaster@ as the recipient", `From: MAILER-DAEMON@mx.sender.example
To: notices@sender.example
Subject: Mail delivery failed

This is the DragonFly Mail Agent v0.13 at mx.sender.example.

There was an error delivering your mail to <postmaster@gone.example>.

DNS lookup failure: host gone.example not found

Message headers follow.
`, map[string]bool{"postmaster@gone.example": true}},
		{"An MMS gateway names no one but in the mail it returns", `From: MMSC NDR Administrator <sysadmin@mms.a.example>
To: notices@sender.example
Subject: Undeliverable Message

Message could not be delivered to mobile.
Error: No valid recipients for this MM

Original Message:
From: Sakura <notices@sender.example>
To: 0000000000@mms.a.example
Subject: Notice
`, map[string]bool{"0000000000@mms.a.example": true}},
		{"A report whose parts have no boundaries: Sendmail's transcript says the local program's reason", `From: Mail Delivery Subsystem <MAILER-DAEMON@mx.a.example>
To: notices@sender.example
Subject: Returned mail: Service unavailable
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="lost"

   ----- The following addresses had permanent fatal errors -----
<hanako@a.example>

   ----- Transcript of session follows -----
mail.local: unknown user: hanako
554 <hanako@a.example>... Service unavailable

Reporting-MTA: dns; mx.a.example

Final-Recipient: RFC822; <hanako@a.example>
Action: failed
Status: 5.5.0

Return-Path: <notices@sender.example>
Message-Id: <owabi.x@sender.example>
`, map[string]bool{"hanako@a.example": true}},
	} {
		for _, b := range bouncesRead(t, c.name, c.raw, len(c.dead)) {
			if dead, ok := c.dead[b.Recipient]; !ok || !b.Failed() || b.Reply().AddressDead() != dead {
				t.Errorf("%s: %s failed %v, dead %v (%s); want dead %v", c.name, b.Recipient, b.Failed(), b.Reply().AddressDead(), b.Reply().Problem(), dead)
			}
		}
	}
}

// bouncesRead reads a bounce written with LF line ends as a mail with CRLF
// ones, and its bounces if there are as many as wanted.
func bouncesRead(t *testing.T, name, raw string, want int) []notify.Bounce {
	t.Helper()
	in, err := Read([]byte(strings.ReplaceAll(raw, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Bounces) != want {
		t.Errorf("%s: bounces %+v, want %d", name, in.Bounces, want)
		return nil
	}
	return in.Bounces
}
