package notify

import "strings"

// Inbound is a mail that came to the organisation's reply mailbox, as far
// as owabi cares: what it answers, whether a person or a machine wrote it,
// and, for a bounce, which delivery failed.
type Inbound struct {
	UID       uint32 // its number in the mailbox (IMAP UID)
	MessageID string
	Digest    string // of its bytes, to know it again when it has no Message-ID
	From      string // the sender's address, lower-cased
	// InReplyTo and References are the Message-IDs it answers, nearest
	// first: a reply to a notice names the notice's.
	InReplyTo  string
	References []string
	// Ref is a reference code (notify.ParseRef's form) quoted in the
	// subject or the text, "" when there is none: some mail programs drop
	// the threading headers.
	Ref string
	// Auto: an out-of-office or other automatic reply, which is kept but
	// does not count as an acknowledgement.
	Auto    bool
	Excerpt string // the first lines a person wrote, quoted text left out
	// Bounces is what a bounce reports, one per recipient: a delivery
	// status notification (RFC 3464) or a mail system's text.
	Bounces []Bounce
	// ReturnRef is the code of the notice whose per-notice return path
	// the mail came back to (notify.ReturnPath), "" when none.
	ReturnRef string
	// SenderFailed: the organisation's receiving server found that the
	// From address's domain did not send it (SenderChecks.Failed).
	SenderFailed bool
	// Unreadable: a mail from a mail system, a bounce by all signs, that
	// names no recipient owabi could read; staff should look at it.
	Unreadable bool
	// FromMailSystem: a mail system sent it, by its sender or its form (a
	// delivery report). A mail that only reads like a bounce may be a
	// person's reply that quotes one (the bounce of the spam they got).
	FromMailSystem bool
}

// Bounce is what a delivery status notification reports for one recipient.
type Bounce struct {
	Recipient         string // Final-Recipient's address
	Alias             string // Original-Recipient's, where it differs: the address the notice was sent to
	Action            string // failed, delayed, delivered, relayed, expanded
	Status            string // 5.1.1 and the like
	Diagnostic        string // what the remote server said (Diagnostic-Code), "550 5.1.1 User unknown"
	OriginalMessageID string // the notice's Message-ID, from the returned headers
	// RefusedAt is the command the remote server refused, where the
	// bounce says (StageRcpt, StageData); "" where it does not.
	RefusedAt Stage
	// BadMailbox: the reporting mail system itself classes the failure as
	// the mailbox's (PowerMTA's "X-PowerMTA-BounceCategory: bad-mailbox").
	BadMailbox bool
}

// Reply is the bounce as the reply of the server that gave up, reported
// later by mail: what it means is decided as for a reply while sending.
// The remote server's own words, when the bounce gives them, are the
// reply's, and so is its status where it gave a precise one: the
// reporting mail system's status is its guess (a Sendmail reporting 5.1.1
// for a remote's "5.7.1 IP address blacklisted"); the bounce's status
// stands where the remote gave none, or only x.0.0.
func (b Bounce) Reply() ServerReply {
	r := ServerReply{Stage: StageBounce, Status: b.Status, Text: "bounced: " + b.Status + " (" + b.Action + ")"}
	if b.Diagnostic != "" {
		r = b.remoteSaid(r)
	}
	if b.Failed() && !r.Permanent() && !gaveUpWords.MatchString(r.Text) {
		r.Text += " (gave up)"
	}
	return r
}

// remoteSaid is the reply with the remote server's words and status.
func (b Bounce) remoteSaid(r ServerReply) ServerReply {
	d := ReadReply(StageBounce, b.Diagnostic)
	r.Code, r.Text = d.Code, d.Text
	// the command it answered is kept with the words, which are what is stored
	switch {
	case b.RefusedAt == StageData && !dataWords.MatchString(r.Text):
		r.Text += " (after DATA)"
	case b.RefusedAt == StageRcpt && !rcptWords.MatchString(r.Text):
		r.Text += " (at RCPT TO)"
	case b.RefusedAt == StageSender && !senderStageWords.MatchString(r.Text):
		r.Text += " (at MAIL FROM)"
	}
	if b.BadMailbox && !badMailboxWords.MatchString(r.Text) {
		r.Text += " (bad-mailbox)"
	}
	if d.Status != "" && (r.Status == "" || strings.HasSuffix(r.Status, ".0.0") || !strings.HasSuffix(d.Status, ".0.0")) {
		r.Status = d.Status
	}
	return r
}

// Failed says whether the bounce reports that the notice will not be
// delivered: the mail system gave up on it, not a delay. It may give up
// on a temporary refusal too, after days of them (Postfix's "delivery
// temporarily suspended", qmail's "in the queue too long"): the notice
// is as undelivered as after a permanent one, though the address may
// well live (GaveUp).
func (b Bounce) Failed() bool {
	return b.Action == "failed"
}

// InboundOutcome is what reading one mail of the reply mailbox did.
type InboundOutcome string

const (
	AckedByReply InboundOutcome = "acknowledged" // a reply to a notice: its person has seen it
	AutoReply    InboundOutcome = "auto_reply"   // an automatic reply to a notice: kept, not counted
	Bounced      InboundOutcome = "bounced"      // a notice could not be delivered, for good
	NotOurs      InboundOutcome = "not_ours"     // answers no notice, or a bounce that changes nothing
	// UnreadableBounce: a mail from a mail system, by all signs a bounce,
	// that names no recipient owabi could read. It is put on the audit
	// trail for staff to look at in the mailbox, not dropped, and it is
	// no automatic reply.
	UnreadableBounce InboundOutcome = "unreadable_bounce"
)
