package notify

import (
	"strings"
	"time"
)

// What a mail must show before owabi believes it. Anyone can write a
// contact's address in From and "Re:" and a guessed code in a subject, or
// send a delivery report naming any address; a mail that could be forged
// that way changes nothing by itself. It is kept as unverified, for a
// person to confirm or dismiss.

// Doubt is why a mail is kept as unverified; "" for one believed.
type Doubt string

const (
	// DoubtNoNotice: from one of a contact's addresses, but it answers no
	// notice owabi sent and quotes no code of one.
	DoubtNoNotice Doubt = "no_notice"
	// DoubtSenderFailed: the receiving mail server found that the sender's
	// domain did not send it (DMARC, DKIM or SPF failed).
	DoubtSenderFailed Doubt = "sender_failed"
	// DoubtUntiedBounce: a report of a failed delivery to a contact's
	// address that does not say which notice it returns (no per-notice
	// return path, no returned Message-ID owabi gave).
	DoubtUntiedBounce Doubt = "untied_bounce"
)

// Doubts lists every doubt, for the texts that name them.
var Doubts = []Doubt{DoubtNoNotice, DoubtSenderFailed, DoubtUntiedBounce}

// Unverified is the outcome of a mail kept, with its doubt, for a person.
const Unverified InboundOutcome = "unverified"

// ReplyEvidence is what ties a mail that is not a bounce to a notice.
type ReplyEvidence struct {
	Threaded     bool   // its In-Reply-To or References name a notice's Message-ID
	Code         string // the reference code of a notice it quotes, "" when none is owabi's
	FromContact  bool   // From is one of a contact's addresses
	SenderFailed bool   // a trusted receiving server says the From domain's checks failed
	Automatic    bool   // an out-of-office or other automatic reply
}

// Judge says what the mail does: an acknowledgement only when it answers
// a notice (by its Message-ID, which only the notice's mail carries) or
// quotes a code that cannot be guessed, and its sender was not found
// forged; an automatic reply is kept and never counts.
func (e ReplyEvidence) Judge() (InboundOutcome, Doubt) {
	tied := e.Threaded || e.Code != ""
	switch {
	case !tied && e.FromContact && !e.Automatic:
		return Unverified, DoubtNoNotice
	case !tied:
		return NotOurs, ""
	case e.SenderFailed:
		return Unverified, DoubtSenderFailed
	case e.Automatic:
		return AutoReply, ""
	}
	return AckedByReply, ""
}

// JudgeBounce says what a report of a delivery failure does: one tied to
// the notice it returns fails it; one tied to none, for a contact's
// address, is kept for a person; a delay changes nothing.
func JudgeBounce(b Bounce, tied, toContact bool) (InboundOutcome, Doubt) {
	switch {
	case !b.Failed():
		return NotOurs, ""
	case tied:
		return Bounced, ""
	case toContact:
		return Unverified, DoubtUntiedBounce
	}
	return NotOurs, ""
}

// SenderChecks are what the organisation's own receiving mail server
// found of a mail's sender (RFC 8601 Authentication-Results): results
// from any other host are the sender's to write, and are not read.
type SenderChecks struct {
	DMARC string   // pass, fail, none…; "" when not checked
	SPF   string   // for the envelope sender's domain, when it is the From domain
	DKIM  []string // for signatures of the From domain
}

// Failed says whether the checks show the From domain did not send the
// mail: DMARC failed, SPF failed for it, or its signatures all failed.
// Softer results (softfail, none, neutral) leave it believed, as most
// small organisations' mail has no DMARC.
func (c SenderChecks) Failed() bool {
	if c.DMARC == "fail" || c.SPF == "fail" {
		return true
	}
	failed := false
	for _, r := range c.DKIM {
		if r == "pass" {
			return false
		}
		failed = failed || r == "fail"
	}
	return failed
}

// ReturnPath is the envelope sender of a notice whose return path is
// per notice (VERP): base's local part, "+", and the notice's code in
// lower case without hyphens, "bounces+dk7qm3xhf@example.jp". A bounce
// comes back to it, and so says which notice it returns.
func ReturnPath(base, code string) string {
	local, domain, ok := strings.Cut(base, "@")
	if !ok || code == "" {
		return base
	}
	return local + "+" + strings.ToLower(strings.ReplaceAll(code, "-", "")) + "@" + domain
}

// RefOfReturnPath is the code ReturnPath put in addr, "" when it holds
// none.
func RefOfReturnPath(addr string) string {
	local, _, ok := strings.Cut(addr, "@")
	_, token, plus := strings.Cut(local, "+")
	if !ok || !plus {
		return ""
	}
	code, _ := ParseRef(token)
	return code
}

// UnverifiedKind is what an unverified mail claims to be.
type UnverifiedKind string

const (
	UnverifiedReply  UnverifiedKind = "reply"  // a person's answer to a notice
	UnverifiedBounce UnverifiedKind = "bounce" // a report that a notice was not delivered
)

// UnverifiedMail is a mail kept for a person to decide on: confirmed, it
// counts as what it claims (an acknowledgement, a failed delivery);
// dismissed, it never does.
type UnverifiedMail struct {
	ID        int64
	Kind      UnverifiedKind
	ContactID int64
	NoticeID  int64 // the notice it would answer or fail; 0 when none
	Doubt     Doubt
	Sender    string // a reply's From; a bounce's recipient
	Excerpt   string // a reply's first lines; the words of the server that refused a bounce's notice
	Status    string // a bounce's status, 5.1.1
	// Auto: an automatic reply; confirmed, it is kept as one, and does not
	// count.
	Auto      bool
	At        time.Time
	Verdict   Verdict
	DecidedBy string
	DecidedAt time.Time
}

// Verdict is what a person decided of an unverified mail.
type Verdict string

const (
	Undecided Verdict = ""
	Confirmed Verdict = "confirmed" // it counts as what it claims
	Dismissed Verdict = "dismissed" // it never counts
)
