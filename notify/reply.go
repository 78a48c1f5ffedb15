package notify

import (
	"fmt"
	"regexp"
	"strconv"
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
	// SendingRefused is the organisation's own mail server refusing to
	// send for us at all (relaying denied, a login it wants, a sending
	// limit reached): no notice is at fault, and none is failed for it.
	SendingRefused Problem = "sending_refused"
	// SendingPaused is the organisation's own mail server asking us to
	// wait (too many connections or messages for now, its own trouble):
	// sending pauses, and no notice pays an attempt for it.
	SendingPaused Problem = "sending_paused"
	TryLater      Problem = "try_later" // a passing refusal of this notice (greylisting, a full mailbox's server)
	// GaveUp: the mail system that reports the bounce tried for days
	// against passing refusals (a server down, a name that did not
	// resolve, a busy or greylisting server) and gave up: the notice was
	// not delivered, the address may well live.
	GaveUp         Problem = "gave_up"
	ConnectionLost Problem = "connection_lost" // the connection dropped or timed out
	NotWritten     Problem = "not_written"     // owabi could not write the notice
	Refused        Problem = "refused"         // refused for another reason
)

// Problems lists every problem, for the texts that name them.
var Problems = []Problem{NoSuchAddress, NoSuchDomain, MailboxDisabled, MailboxFull, TooBig, RefusedAsSpam,
	SenderNotTrusted, RefusedByPolicy, SendingRefused, SendingPaused, TryLater, GaveUp, ConnectionLost, NotWritten, Refused}

// OurSide says whether the problem is with the organisation's own sending
// (its setup, its mail server, owabi), not with the person's address:
// fixing it is for whoever runs the sending, not for a phone call.
func (p Problem) OurSide() bool {
	switch p {
	case SenderNotTrusted, SendingRefused, SendingPaused, NotWritten:
		return true
	}
	return false
}

// What servers say when they give no status code, or to tell apart what
// one status code covers.
var (
	spamWords = regexp.MustCompile(`(?i)spam|junk|bulk mail|blocklist|blacklist|block list|black list|blocked|reputation|\brbl\b|dnsbl|spamhaus|listed`)
	// relayWords are a mail server refusing to send for us, not a refusal
	// by the recipient.
	relayWords = regexp.MustCompile(`(?i)relay(ing)?( access)? (denied|not permitted|prohibited|not allowed)|not permitted to relay|unable to relay|rcpthosts|` +
		`authentication (is )?required|must (be )?authenticat|(client|you) (was|were|are|is) not authenticated|not authenticated to send|` +
		`sending (quota|limit)|daily (user )?sending|submission ?quota|submissionquotaexceeded|sendasdenied|send ?as (permission )?denied`)
	// rateWords are a mail server that limits how much, or how fast, we
	// send: Postfix's anvil and policy services, Microsoft 365's and
	// Google's throttling.
	rateWords = regexp.MustCompile(`(?i)rate limit|too many (connections|messages|sessions|concurrent)|concurrent (connections|sessions)|` +
		`too many recipients|too much mail|throttl|thread limit|(message|sending|submission) (rate|quota|limit)|exceeded the (message|sending)|ratelimit`)
	// recipientWords say that a reply is about one recipient: it names an
	// address, or refuses the recipient.
	recipientWords = regexp.MustCompile(`(?i)<[^<>@\s]+@[^<>\s]+>|recipient address rejected`)
	// greylistWords are a passing refusal of one sender and recipient, not
	// of all our sending.
	greylistWords = regexp.MustCompile(`(?i)grey ?list|gray ?list`)
	// unknownWords are a refusal that names the address as unknown: without
	// a status code, only they close an address for good.
	unknownWords = regexp.MustCompile(`(?i)user unknown|unknown user|no such user|unknown recipient|recipient unknown|no such recipient|` +
		`no such (mail ?box|address|account)|(mail ?box|account|address|user) (does not|doesn't|dose not) exist|(mail ?box|account|user) not found|` +
		`not a valid (mail ?box|recipient|user)|invalid (mail ?box|recipient|address)|unrouteable address|mailbox name not allowed|bad address syntax|` +
		`no mailbox here|user not exist|address not found|address (couldn't|could not) be found|invalid final delivery userid|invalid recipient|not listed in (the )?\S+ directory|` +
		`not listed in (the )?public name (&|and) address book|no valid recipients|please check if (the )?address is correct|` +
		// au's (KDDI's) refusal of an address it does not have, at RCPT TO,
		// with no reason after it
		`recipient address rejected\.?( \(at RCPT TO\))?$|` +
		`存在しません|ユーザー?が(い|見つかり)ません|宛先不明|ディレクトリ(のリスト)?に(は)?(ありません|見つかりません)`)
	// accountWords say that the address has no account, in words no
	// filter uses: Yahoo says "554 delivery error: dd This user doesn't have
	// a yahoo.com account" after the data, as its way to refuse an address.
	accountWords = regexp.MustCompile(`(?i)doesn't have an? \S+ account|does not have an? \S+ account`)
	// filterWords are au's (KDDI's) "550 : User unknown", with no address
	// before the words: its answer when the recipient's own filter refuses
	// the sender ("550 <a@b>: User unknown" is an unknown address). Exchange
	// and Google pass it on as they got it ("-> 550 : User unknown").
	filterWords = regexp.MustCompile(`(?i)(^|\b[45]\d\d:?)\s*: user unknown`)
	// nameServerWords are a name server that failed to answer, not one that
	// said the domain does not exist.
	nameServerWords = regexp.MustCompile(`(?i)malformed or unexpected name server reply|not found, try again|timed? ?out|server failure|servfail`)
	// noDomainWords are a refusal that says the recipient's domain does
	// not exist or takes no mail at all (a null MX, RFC 7505).
	noDomainWords = regexp.MustCompile(`(?i)host unknown|unknown host|no such domain|domain (does not|doesn't) exist|domain not found|` +
		`host not found|host \S+ not found|domain is not reachable|no mx record|mx or srv record indicated no smtp service|not accepting network messages|host does not accept mail`)
	// senderWords are a refusal of the sender, whatever status it gives.
	senderWords = regexp.MustCompile(`(?i)sender (address )?rejected|not allowed to send from|\bspf\b`)
	sizeWords   = regexp.MustCompile(`(?i)size|too (big|large)|exceeds`)
	// fullWords and limitWords name a fault other than the address's,
	// whatever status came with them (a qmail's "over quota (#5.1.1)", a
	// GoDaddy's 5.1.1 for sending to too many recipients): the mailbox exists.
	fullWords  = regexp.MustCompile(`(?i)over quota|quota exceeded|mailbox (is )?full`)
	limitWords = regexp.MustCompile(`(?i)too many recipients|receiving mail at a rate|recipient preferences`)
	// dataWords say that the server answered the message's data, having
	// taken the recipient at RCPT TO: Postfix's "in reply to end of DATA
	// command", Exim's "after end of data", Sendmail's ">>> DATA".
	dataWords = regexp.MustCompile(`(?i)in reply to (end of )?data\b|after (end of )?data\b|>>> data\b|smtp command data\b`)
	// rcptWords say that the server refused the address itself, at RCPT
	// TO, before any filter could have read the message.
	rcptWords = regexp.MustCompile(`(?i)in reply to rcpt to\b|after rcpt\b|>>> rcpt to\b|smtp command rcpt\b|\(at RCPT TO\)`)
	// gaveUpWords mark a bounce whose mail system gave up on a passing
	// refusal (Bounce.Reply adds the mark to the words it keeps).
	gaveUpWords = regexp.MustCompile(`\(gave up\)$`)
	// badMailboxWords are the reporting mail system's own class for the
	// failure, where it says the mailbox is bad (PowerMTA's bounce category).
	badMailboxWords = regexp.MustCompile(`\(bad-mailbox\)`)
	// senderStageWords say that the server refused the sender, at MAIL
	// FROM: what it says then is about the sender's address or domain.
	senderStageWords = regexp.MustCompile(`(?i)in reply to mail from\b|after mail from\b|>>> mail from\b|\(at MAIL FROM\)`)
)

// Problem tells what the reply means. The enhanced status code (RFC 3463)
// decides where there is one; without one, the reply code, the stage it
// came at and the server's words do. A refusal is read as the address's
// death only when it says so: a relay that refuses to relay, without a
// status code, must not close every address in the book.
func (r ServerReply) Problem() Problem {
	switch {
	case r.Stage == StageWrite:
		return NotWritten
	case r.Code == 0 && r.Status == "":
		return ConnectionLost
	case r.Stage != StageBounce && r.refusesUs():
		return SendingRefused
	case r.Stage != StageBounce && r.asksUsToWait():
		return SendingPaused
	}
	class, subject, detail := r.status()
	if class == "4" || (class == "" && r.Code/100 == 4) {
		switch {
		case subject == "2" && detail == "2":
			return MailboxFull
		case r.Stage == StageBounce && gaveUpWords.MatchString(r.Text):
			return GaveUp
		}
		return TryLater
	}
	// A status that says only roughly what went wrong (an addressing
	// problem of no known kind, a system or protocol one, a mailbox
	// disabled) is read with the words: what names the address unknown
	// or the domain absent makes it dead; what names our sender, not.
	switch {
	case senderStageWords.MatchString(r.Text) && spamWords.MatchString(r.Text):
		return RefusedAsSpam
	case senderStageWords.MatchString(r.Text):
		// "after MAIL FROM: 553 5.1.0 … example.com does not exist" is our
		// sender's domain, whatever status the words come with.
		return Refused
	case fullWords.MatchString(r.Text):
		return MailboxFull
	case limitWords.MatchString(r.Text), filterWords.MatchString(r.Text):
		return RefusedByPolicy
	}
	rough := subject == "" || subject == "0" || subject == "3" || subject == "5" ||
		(subject == "1" && detail != "7" && detail != "8") || subject+"."+detail == "2.1"
	addressStatus := subject == "1" && (detail == "1" || detail == "2" || detail == "10") // it names the mailbox or domain bad
	account := accountWords.MatchString(r.Text)
	unknown := unknownWords.MatchString(r.Text) || account
	nameServer := nameServerWords.MatchString(r.Text) // not a name server that said no
	noDomain := noDomainWords.MatchString(r.Text) && !nameServer
	switch {
	case rough && senderWords.MatchString(r.Text):
		return Refused
	case rough && unknown && r.afterData() && !addressStatus && !account:
		// The server took the address at RCPT TO: what refuses the
		// message after it, in words only, is a filter.
		return RefusedByPolicy
	case rough && unknown && subject+"."+detail == "2.1" && !r.atRcpt() && !badMailboxWords.MatchString(r.Text):
		// x.2.1 says the mailbox exists but takes no mail (RFC 3463):
		// "550 5.2.1 … User Unknown" closes the address only when the
		// server said it to RCPT TO, before any filter read the message,
		// or the mail system that reports it classes it a bad mailbox.
		return MailboxDisabled
	case rough && unknown:
		return NoSuchAddress
	case rough && noDomain:
		return NoSuchDomain
	case rough && subject != "" && spamWords.MatchString(r.Text):
		return RefusedAsSpam
	}
	if subject+"."+detail == "4.1" && strings.Contains(strings.ToLower(r.Text), "recipient address rejected") {
		// Microsoft's Exchange Online refuses an address its directory
		// does not hold so: "5.4.1 Recipient address rejected: Access denied"
		return NoSuchAddress
	}
	switch subject + "." + detail {
	case "1.1", "1.0", "1.3", "1.6":
		return NoSuchAddress
	case "1.2", "1.10":
		return NoSuchDomain
	case "4.4":
		if nameServer {
			return Refused // the name server failed: the domain may well exist
		}
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
	switch {
	case (subject == "7" || subject == "" || subject == "0") && spamWords.MatchString(r.Text):
		return RefusedAsSpam
	case subject == "7":
		return RefusedByPolicy
	case subject == "" || subject == "0":
		// No status, or 5.0.0 (a bounce whose remote gave none): the code
		// and the words.
		switch {
		case r.Code == 552 && r.Stage == StageData && sizeWords.MatchString(r.Text):
			return TooBig
		case r.Code == 552:
			return MailboxFull // RFC 5321: exceeded storage allocation
		}
	}
	return Refused
}

// afterData says whether the reply answered the message's data: the
// stage owabi was at, or, for a bounce, what the mail system says (a
// transcript that says DATA, but of an address refused at RCPT TO before
// it, does not count).
func (r ServerReply) afterData() bool {
	return r.Stage == StageData || (r.Stage == StageBounce && dataWords.MatchString(r.Text) && !rcptWords.MatchString(r.Text))
}

// atRcpt says whether a bounce says the server refused the address at
// RCPT TO.
func (r ServerReply) atRcpt() bool {
	return r.Stage == StageRcpt || (r.Stage == StageBounce && rcptWords.MatchString(r.Text))
}

// refusesUs says whether the reply is the mail server refusing to send
// anything for us: a 5xx to MAIL FROM, a login it wants, relaying denied,
// a sending limit.
func (r ServerReply) refusesUs() bool {
	if !r.Permanent() {
		return false
	}
	switch r.Status {
	case "5.7.0", "5.7.8", "5.7.30", "5.7.57", "5.7.60", "5.7.139", "5.7.708", "5.4.5":
		// a login wanted or refused (Microsoft 365 says 5.7.30, 5.7.57 and
		// 5.7.139), sending as the sender not allowed, the relay's IP
		// refused (5.7.708), a sending limit
		return true
	}
	return r.Stage == StageSender || r.Code == 530 || r.Code == 535 || relayWords.MatchString(r.Text)
}

// asksUsToWait says whether a passing refusal is the mail server's about
// us, not about the recipient: it closes the connection (421), refuses our
// sender or login for now (at MAIL FROM, or x.1.7 and x.1.8 and "Sender
// address rejected" later, as Postfix delays them), has trouble of its
// own (x.3.x: storage, a filter down, its configuration; x.4.5
// congestion), a passing policy refusal of our connection (x.7.x), or says
// we send too much (x.5.3, rate words). A reply that names a recipient's
// address, or says the recipient is refused, a mailbox is full or a
// recipient greylisted, is that notice's alone. A relay that rate-limits
// answers so to every notice in turn: counted against each, it would use
// up the queue's attempts in minutes.
func (r ServerReply) asksUsToWait() bool {
	if r.Permanent() || (r.Code == 0 && r.Status == "") {
		return false // a permanent refusal, or a dropped connection
	}
	_, subject, detail := r.status()
	switch {
	case r.Code == 421, r.Stage == StageConnect, r.Stage == StageSender:
		return true
	case senderWords.MatchString(r.Text), subject == "1" && (detail == "7" || detail == "8"):
		return true // our sender's address
	case recipientWords.MatchString(r.Text), fullWords.MatchString(r.Text), greylistWords.MatchString(r.Text),
		subject == "1", subject == "2":
		return false // the recipient's address or mailbox, or greylisting of this notice
	case subject == "3" && detail != "4", subject+"."+detail == "4.5", subject+"."+detail == "5.3", subject == "7":
		return true
	}
	return rateWords.MatchString(r.Text)
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

var (
	replyCode    = regexp.MustCompile(`^([245]\d\d)[ -]`)
	leadStatus   = regexp.MustCompile(`^#?([245])\.(\d{1,3})\.(\d{1,3})\b`) // Google writes "550 #5.1.0"
	qmailStatus  = regexp.MustCompile(`\(#([245]\.\d{1,3}\.\d{1,3})\)`)
	continuation = regexp.MustCompile(`(?m)^[245]\d\d[ -]`)
	// relayed is Amazon SES's way of passing on the remote's reply: its own
	// status and its name for it, then the reply quoted, "5.1.0 - Unknown
	// address error 550-'5.7.1 <a@b>... Access denied' (delivery attempts: 0)".
	relayed = regexp.MustCompile(`^[245]\.\d{1,3}\.\d{1,3} - [^']*?\b([245]\d\d)[ -]'(.*)'`)
)

// ReadReply reads a server's reply as it was written — "550 5.1.1 <a@b>:
// User unknown", several lines of it, or the words alone — into its code,
// status and words. A status counts only at the start of the words with
// the class of the code (an address like [2.3.4.5] in the words is none),
// or in qmail's "(#5.1.1)".
func ReadReply(stage Stage, reply string) ServerReply {
	r := ServerReply{Stage: stage}
	if m := relayed.FindStringSubmatch(reply); m != nil {
		reply = m[1] + " " + m[2] // the remote's own reply, not the relay's guess at it
	}
	if m := replyCode.FindStringSubmatch(reply); m != nil {
		r.Code, _ = strconv.Atoi(m[1])
	}
	lines := strings.Split(strings.TrimSpace(continuation.ReplaceAllString(reply, "")), "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if m := leadStatus.FindStringSubmatch(l); m != nil && (r.Code == 0 || m[1] == strconv.Itoa(r.Code/100)) {
			if r.Status == "" {
				r.Status = strings.TrimPrefix(m[0], "#")
			}
			l = strings.TrimSpace(l[len(m[0]):])
		}
		lines[i] = l
	}
	r.Text = strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
	if m := qmailStatus.FindStringSubmatch(r.Text); m != nil && r.Status == "" && (r.Code == 0 || m[1][0] == byte('0'+r.Code/100)) {
		r.Status = m[1]
	}
	return r
}
