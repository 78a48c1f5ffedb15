package notify

import (
	"fmt"
	"regexp"
	"strings"
)

// ServerReply is what a mail server answered when it did not take a
// notice, or what stopped the attempt when no answer came: the facts,
// kept as they were, from which Problem tells what they mean.
type ServerReply struct {
	Stage  Stage
	Code   int    // the SMTP reply code, 550; 0 when no reply came (a dropped connection, a timeout)
	Status string // the enhanced status code, 5.1.1, when the server gave one
	Text   string // the server's own words, or what went wrong when it said nothing
}

// Stage is where in the exchange with the mail server a notice stopped.
type Stage string

const (
	StageWrite   Stage = "write"   // owabi could not write the notice: no server was asked
	StageConnect Stage = "connect" // reaching the server, or its greeting
	StageSender  Stage = "sender"  // MAIL FROM: about us, not the recipient
	StageRcpt    Stage = "rcpt"    // RCPT TO: about the recipient's address
	StageData    Stage = "data"    // the message itself
	StageBounce  Stage = "bounce"  // a delivery failure reported later by mail (RFC 3464)
)

// Problem is what a failed or delayed delivery means for the person who
// follows the contact up, whatever mail system said it.
type Problem string

const (
	NoSuchAddress    Problem = "no_such_address"    // the mailbox does not exist
	NoSuchDomain     Problem = "no_such_domain"     // the domain takes no mail
	MailboxDisabled  Problem = "mailbox_disabled"   // the mailbox exists but is closed
	MailboxFull      Problem = "mailbox_full"       // over its quota: often passes
	TooBig           Problem = "too_big"            // the message is larger than the server takes
	RefusedAsSpam    Problem = "refused_as_spam"    // a spam filter or block list refused it
	SenderNotTrusted Problem = "sender_not_trusted" // SPF, DKIM or DMARC failed: our sending is set up wrongly
	RefusedByPolicy  Problem = "refused_by_policy"  // the recipient's rules refused it
	TryLater         Problem = "try_later"          // a passing refusal (greylisting, a busy server)
	ConnectionLost   Problem = "connection_lost"    // the connection dropped or timed out
	NotWritten       Problem = "not_written"        // owabi could not write the notice
	Refused          Problem = "refused"            // refused for another reason
)

// Problems lists every problem, for the texts that name them.
var Problems = []Problem{NoSuchAddress, NoSuchDomain, MailboxDisabled, MailboxFull, TooBig, RefusedAsSpam,
	SenderNotTrusted, RefusedByPolicy, TryLater, ConnectionLost, NotWritten, Refused}

// spamWords are what refusals by spam filters and block lists say.
var spamWords = regexp.MustCompile(`(?i)spam|junk|bulk|blocklist|blacklist|block list|black list|blocked|reputation|rbl|dnsbl|spamhaus|listed`)

// Problem tells what the reply means. The enhanced status code (RFC 3463)
// decides where there is one; without one, the reply code and the stage
// it came at do.
func (r ServerReply) Problem() Problem {
	switch {
	case r.Stage == StageWrite:
		return NotWritten
	case r.Code == 0 && r.Status == "":
		return ConnectionLost
	}
	class, subject, detail := r.status()
	if class == "4" || (class == "" && r.Code/100 == 4) {
		if r.Code == 452 && subject == "" || subject == "2" && detail == "2" {
			return MailboxFull
		}
		return TryLater
	}
	switch subject + "." + detail {
	case "1.1", "1.0", "1.3", "1.6":
		return NoSuchAddress
	case "1.2", "1.10", "4.4":
		return NoSuchDomain
	case "2.1":
		return MailboxDisabled
	case "2.2":
		return MailboxFull
	case "2.3", "3.4":
		return TooBig
	case "7.7", "7.23", "7.24", "7.25", "7.26", "7.27":
		return SenderNotTrusted
	}
	if subject == "7" || (subject == "" && r.Stage == StageData) {
		if spamWords.MatchString(r.Text) {
			return RefusedAsSpam
		}
		if subject == "7" {
			return RefusedByPolicy
		}
	}
	if subject == "" {
		switch {
		case r.Code == 552:
			return MailboxFull // RFC 5321: exceeded storage allocation
		case r.Stage == StageRcpt && (r.Code == 550 || r.Code == 551 || r.Code == 553):
			return NoSuchAddress
		}
	}
	return Refused
}

// status splits the enhanced status code into its class, subject and detail.
func (r ServerReply) status() (class, subject, detail string) {
	parts := strings.Split(r.Status, ".")
	if len(parts) != 3 {
		return "", "", ""
	}
	return parts[0], parts[1], parts[2]
}

// Permanent says whether the reply closes this notice: a 5xx reply, or a
// permanent status reported later. A temporary one is tried again.
func (r ServerReply) Permanent() bool {
	if class, _, _ := r.status(); class != "" {
		return class == "5"
	}
	return r.Code/100 == 5
}

// AddressDead says whether the address itself will never take mail, so
// that nothing more is sent to it and its person is for the phone. Only
// a refusal that says the mailbox or the domain does not exist is: a full
// mailbox, a spam filter or a rule of the recipient's says nothing about
// the address, whose person should be phoned while it stays open.
func (r ServerReply) AddressDead() bool {
	if !r.Permanent() {
		return false
	}
	switch r.Problem() {
	case NoSuchAddress, NoSuchDomain:
		return true
	}
	return false
}

// Empty says whether there is no reply: the notice has met no problem.
func (r ServerReply) Empty() bool { return r == ServerReply{} }

// Codes is the reply code and the enhanced status as a person quotes
// them to a mail administrator: "550 5.1.1", "5.1.1", or "" when the
// server said nothing.
func (r ServerReply) Codes() string {
	var parts []string
	if r.Code != 0 {
		parts = append(parts, fmt.Sprint(r.Code))
	}
	if r.Status != "" {
		parts = append(parts, r.Status)
	}
	return strings.Join(parts, " ")
}

// String is the reply as the audit trail and the log keep it, without the
// server's words (which may name the address).
func (r ServerReply) String() string {
	if c := r.Codes(); c != "" {
		return fmt.Sprintf("%s (%s)", c, r.Problem())
	}
	return string(r.Problem())
}
