package inbox

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/emersion/go-message"
	"golang.org/x/text/encoding/japanese"

	"github.com/owabi/owabi/notify"
)

// A bounce is read as leniently as mail readers read it: a delivery
// status part wherever it sits in the MIME tree, else the wording of the
// mail systems that write plain text (qmail, Exim, many providers), and
// the returned Message-ID wherever the returned headers are, parsed or not.

// readBounce finds what a mail from a mail system reports: every
// recipient, and the Message-ID of the mail it returns. body is the mail
// after its header; inReplyTo the one the bounce itself answers, which
// some mail systems set to the returned mail's.
func readBounce(e *message.Entity, body []byte, inReplyTo string) []notify.Bounce {
	var w walker
	w.walk(e, 0)
	bs := w.dsn
	if len(bs) == 0 && (w.broken || len(w.dsn) == 0) {
		bs = dsnInText(string(body)) // a DSN the MIME parser could not reach
	}
	text := w.text
	if w.broken && text == "" {
		// the parts did not parse: the words are those before the report's fields
		text = ownWords(w, body)
		if loc := dsnStart.FindStringIndex(text); loc != nil {
			text = text[:loc[0]]
		}
	}
	if len(bs) > 0 && text != "" {
		// A report without the remote's words (OpenSMTPD's, Google's): its
		// text says them.
		var words map[string]string
		for i, b := range bs {
			if b.Diagnostic != "" {
				continue
			}
			if words == nil {
				words = map[string]string{}
				named := map[string]bool{} // the report names them: a postmaster@ it names is a recipient
				for _, b := range bs {
					named[strings.ToLower(b.Recipient)], named[strings.ToLower(b.Alias)] = true, b.Alias != ""
				}
				for _, p := range plainBounceOf(text, nil, sentTo(e.Header), named) {
					words[p.Recipient] = p.Diagnostic
				}
			}
			if d := words[strings.ToLower(b.Recipient)]; d != "" {
				bs[i].Diagnostic = d
			} else if d := words[strings.ToLower(b.Alias)]; d != "" {
				bs[i].Diagnostic = d
			}
		}
	}
	if len(bs) == 0 {
		bs = sesNotification(string(body))
	}
	if len(bs) == 0 {
		bs = plainBounce(ownWords(w, body), failedRecipients(e.Header), sentTo(e.Header))
	}
	own := ownWords(w, body)
	for i := range bs {
		bs[i].RefusedAt = refusedAt(own, bs, i)
	}
	id := w.returnedID
	if i := strings.Index(strings.ToLower(w.text), "original message headers:"); i >= 0 {
		// Exchange quotes them in its text: the same mail as the one
		// attached, the first place it names it
		if quoted := returnedIDIn([]byte(w.text[i:])); quoted != "" {
			id = quoted
		}
	}
	if id == "" {
		id = lastReturnedIDIn(body)
	}
	if id == "" {
		id = inReplyTo
	}
	for i := range bs {
		bs[i].OriginalMessageID = id
	}
	return bs
}

// ownWords is the mail system's text: its text parts, or the whole body
// where the MIME parser could not open it.
func ownWords(w walker, body []byte) string {
	text := w.text
	if w.broken || text == "" {
		text = string(body) // what the MIME parser could not open is read as text
	}
	return undeclaredJIS(text)
}

// undeclaredJIS decodes ISO-2022-JP that no header declared (Lotus
// Notes, Domino), in a text part or in a Diagnostic-Code.
func undeclaredJIS(text string) string {
	if strings.Contains(text, "\x1b$B") {
		if decoded, err := japanese.ISO2022JP.NewDecoder().String(text); err == nil {
			return decoded
		}
	}
	return text
}

// commandSaid is where a mail system says which command the remote
// server answered: Postfix's "(in reply to RCPT TO command)", Exim's
// "after RCPT TO:<a@b>" and "after end of data", Sendmail's transcript
// (">>> DATA"), mFILTER's "SMTP command DATA", Yahoo's "[RCPT_TO]",
// qmail's "does not like recipient" and "failed after I sent the message",
// DragonFly's "did not like our RCPT TO", X3's "SMTP:RCPT host".
var commandSaid = regexp.MustCompile(`(?i)in reply to (end of )?(data|rcpt to|mail from)\b|after (end of )?(data|rcpt|mail from)\b|` +
	`(>>>) (data|rcpt to|mail from)\b|smtp command (data|rcpt)\b|\[(rcpt)_to\]|does not like (recipient)|(failed after i sent the message)|` +
	`did not like our (rcpt) to|smtp:(rcpt) host`)

// sendmailUnknown is Sendmail's own line for an address the remote
// refused at RCPT TO ("550 5.1.1 <a@b>... User unknown"), which it writes
// after the remote's reply in its transcript even where that reply comes
// after ">>> DATA" (the commands were pipelined).
var sendmailUnknown = regexp.MustCompile(`(?im)^[ \t]*5\d\d 5\.1\.1 <([^<>\s]+)>\.\.\. user unknown[ \t\r]*$`)

// refusedAt is the command the remote refused the i-th recipient at, as
// the mail system's words say: Sendmail's own line for an address refused
// at RCPT TO, else the one its diagnostic names, else the one the text
// says of it. A command a mail system writes before the reply
// (Sendmail's ">>> DATA") is the next recipient's named after it; one it
// writes after the reply or beside the address (Postfix's "in reply to",
// Exim's "after RCPT TO:<a@b>", qmail's) is the last recipient's named
// before it.
func refusedAt(text string, bs []notify.Bounce, i int) notify.Stage {
	if loc := returnedStarts.FindStringIndex(text); loc != nil {
		text = text[:loc[0]]
	}
	for _, m := range sendmailUnknown.FindAllStringSubmatch(text, -1) {
		if a := strings.ToLower(m[1]); a == strings.ToLower(bs[i].Recipient) || (bs[i].Alias != "" && a == strings.ToLower(bs[i].Alias)) {
			return notify.StageRcpt
		}
	}
	if s := stageOf(commandSaid.FindStringSubmatch(bs[i].Diagnostic)); s != "" {
		return s
	}
	lower := strings.ToLower(text)
	type mention struct{ at, whose int }
	var all []mention
	for j, b := range bs {
		for _, n := range mentions(lower, b) {
			all = append(all, mention{n, j})
		}
	}
	sort.Slice(all, func(a, b int) bool { return all[a].at < all[b].at })
	best := notify.Stage("")
	for _, m := range commandSaid.FindAllStringSubmatchIndex(text, -1) {
		whose := -1
		if strings.HasPrefix(text[m[0]:], ">>>") {
			for _, n := range all {
				if n.at >= m[0] {
					whose = n.whose
					break
				}
			}
		} else {
			for _, n := range all {
				if n.at < m[1] {
					whose = n.whose
				}
			}
		}
		if whose == i {
			best = stageOf(submatches(text, m)) // the last said is the one that failed
		}
	}
	return best
}

// mentions are where a lower-cased text names the bounce's recipient.
func mentions(lower string, b notify.Bounce) []int {
	var at []int
	for _, a := range []string{b.Recipient, b.Alias} {
		for from := 0; a != ""; {
			i := strings.Index(lower[from:], strings.ToLower(a))
			if i < 0 {
				break
			}
			at = append(at, from+i)
			from += i + len(a)
		}
	}
	return at
}

// stageOf is the stage a commandSaid match names.
func stageOf(m []string) notify.Stage {
	for _, s := range m[min(len(m), 1):] {
		switch strings.ToLower(s) {
		case "data", "failed after i sent the message":
			return notify.StageData
		case "rcpt", "rcpt to", "recipient":
			return notify.StageRcpt
		case "mail from":
			return notify.StageSender
		}
	}
	return ""
}

func submatches(text string, loc []int) []string {
	out := make([]string, 0, len(loc)/2)
	for i := 0; i+1 < len(loc); i += 2 {
		if loc[i] >= 0 {
			out = append(out, text[loc[i]:loc[i+1]])
		}
	}
	return out
}

type walker struct {
	dsn        []notify.Bounce
	returnedID string
	text       string // the mail system's own words, the first text parts
	broken     bool   // the MIME parser gave up somewhere
}

func (w *walker) walk(e *message.Entity, depth int) {
	if depth > 8 {
		return
	}
	ct := contentType(e.Header.Get("Content-Type"))
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil && (p == nil || !message.IsUnknownCharset(err)) {
				w.broken = true
				return
			}
			w.walk(p, depth+1)
		}
	}
	body, _ := io.ReadAll(io.LimitReader(e.Body, 256<<10))
	switch {
	case ct == "message/delivery-status" || ct == "message/global-delivery-status":
		w.dsn = append(w.dsn, deliveryStatuses(string(body))...)
	case ct == "message/rfc822" && len(w.dsn) == 0 && w.returnedID == "" &&
		bytes.Contains(bytes.ToLower(body), []byte("message/delivery-status")):
		// a bounce forwarded as an attachment, with no report of its own
		// before it: the attached report is the one (a bounce that
		// returns a bounce has its own)
		if inner, err := message.Read(bytes.NewReader(lenientHeader(body))); inner != nil && err == nil {
			w.walk(inner, depth+1)
		}
	case ct == "message/rfc822" || ct == "text/rfc822-headers" || ct == "message/rfc822-headers" ||
		ct == "message/partial" || ct == "message/global" || ct == "message/global-headers":
		if w.returnedID == "" {
			w.returnedID = returnedIDIn(body)
		}
	case ct == "" || ct == "text/plain" || ct == "text/html":
		if len(w.text) < 64<<10 {
			if ct == "text/html" {
				body = htmlTags.ReplaceAll(body, []byte(" "))
			}
			w.text += string(body) + "\n"
		}
	}
}

var htmlTags = regexp.MustCompile(`<[^>]*>`)

var blankLine = regexp.MustCompile(`\r?\n[ \t]*\r?\n`)

// deliveryStatuses reads a message/delivery-status part (RFC 3464): the
// per-message fields, then one group per recipient. It reads fields as
// lines, so that a malformed one costs that line only.
func deliveryStatuses(part string) []notify.Bounce {
	var out []notify.Bounce
	for _, group := range recipientGroups(part) {
		f := fields(group)
		recipient := address(f["final-recipient"])
		alias := address(f["original-recipient"])
		if recipient == "" {
			recipient = address(f["x-actual-recipient"])
		}
		if recipient == "" {
			recipient, alias = alias, ""
		}
		if recipient == "" {
			continue
		}
		b := notify.Bounce{Recipient: recipient, Action: strings.ToLower(strings.TrimSpace(f["action"])),
			BadMailbox: strings.EqualFold(strings.TrimSpace(f["x-powermta-bouncecategory"]), "bad-mailbox")}
		if alias != recipient {
			b.Alias = alias
		}
		b.Status, _, _ = strings.Cut(strings.TrimSpace(f["status"]), " ")
		if _, diag, ok := strings.Cut(f["diagnostic-code"], ";"); ok { // "smtp; 550 5.1.1 ..."
			b.Diagnostic = strings.Join(strings.Fields(undeclaredJIS(diag)), " ")
		} else {
			b.Diagnostic = strings.Join(strings.Fields(f["diagnostic-code"]), " ")
		}
		if b.Action == "expired" { // SendGrid's word for a delivery it gave up on
			b.Action = "failed"
		}
		if b.Action == "" { // some mail systems leave it out; the status tells
			switch {
			case strings.HasPrefix(b.Status, "5"):
				b.Action = "failed"
			case strings.HasPrefix(b.Status, "4"):
				b.Action = "delayed"
			}
		}
		out = append(out, b)
	}
	return out
}

var finalRecipient = regexp.MustCompile(`(?im)^Final-Recipient:`)

// recipientGroups splits a delivery status into its groups of fields: at
// blank lines, and where a Final-Recipient begins the next recipient's
// without one (AOL's).
func recipientGroups(part string) []string {
	var out []string
	for _, group := range blankLine.Split(part, -1) {
		from, starts := 0, finalRecipient.FindAllStringIndex(group, -1)
		for _, at := range starts[min(1, len(starts)):] {
			out = append(out, group[from:at[0]])
			from = at[0]
		}
		out = append(out, group[from:])
	}
	return out
}

var (
	dsnStart = regexp.MustCompile(`(?im)^(Reporting-MTA|Final-Recipient|Original-Recipient):`)
	boundary = regexp.MustCompile(`(?m)^--[^\s-]\S*[ \t]*\r?$`)
)

// dsnInText reads the delivery status fields of a mail whose MIME
// structure does not parse (a boundary that does not match, a part's
// header that is malformed).
func dsnInText(text string) []notify.Bounce {
	loc := dsnStart.FindStringIndex(text)
	if loc == nil {
		return nil
	}
	text = text[loc[0]:]
	if end := boundary.FindStringIndex(text); end != nil {
		text = text[:end[0]]
	}
	return deliveryStatuses(text)
}

var (
	sesRecipient = regexp.MustCompile(`\{[^{}]*"emailAddress"\s*:\s*"[^"]+"[^{}]*\}`)
	sesField     = regexp.MustCompile(`"(emailAddress|action|status|diagnosticCode)"\s*:\s*"([^"]*)"`)
)

// sesNotification reads Amazon SES's bounce notification, which comes as
// JSON (through SNS, its quotes escaped): its bouncedRecipients.
func sesNotification(body string) []notify.Bounce {
	body = strings.ReplaceAll(qpSoftBreak.ReplaceAllString(body, ""), `\"`, `"`)
	if !strings.Contains(body, `"notificationType":"Bounce"`) || !strings.Contains(body, `"bouncedRecipients"`) {
		return nil
	}
	_, list, _ := strings.Cut(body, `"bouncedRecipients"`)
	list, _, _ = strings.Cut(list, "]")
	var out []notify.Bounce
	for _, obj := range sesRecipient.FindAllString(list, -1) {
		f := map[string]string{}
		for _, m := range sesField.FindAllStringSubmatch(obj, -1) {
			f[m[1]] = m[2]
		}
		out = append(out, deliveryStatuses("Final-Recipient: rfc822; "+f["emailAddress"]+"\nAction: "+f["action"]+
			"\nStatus: "+f["status"]+"\nDiagnostic-Code: "+f["diagnosticCode"]+"\n")...)
	}
	return out
}

// fields reads header-like lines leniently: continuation lines joined, a
// line without a colon skipped.
func fields(group string) map[string]string {
	f := map[string]string{}
	last := ""
	for _, line := range strings.Split(strings.ReplaceAll(group, "\r", ""), "\n") {
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && last != "" {
			f[last] += " " + strings.TrimSpace(line)
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.ContainsAny(k, " \t") {
			last = ""
			continue
		}
		last = strings.ToLower(k)
		if _, seen := f[last]; !seen {
			f[last] = strings.TrimSpace(v)
		}
	}
	return f
}

var addrPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-=/!#$&'*?^{|}~]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+`)

// address is the address of a DSN's "rfc822; a@b" field.
func address(v string) string {
	if _, a, ok := strings.Cut(v, ";"); ok {
		v = a
	}
	// a quoted local part ("a..b"@c) is the address the book holds unquoted
	a := strings.ToLower(strings.ReplaceAll(strings.Trim(strings.TrimSpace(v), "<>'"), `"`, ""))
	if at := strings.LastIndexByte(a, '@'); at <= 0 || at == len(a)-1 {
		return "" // no address ("@mx.example.org"): the text may name it
	}
	return a
}

// copyStarts are the lines after which a mail system puts the returned mail.
var copyStarts = regexp.MustCompile(`(?im)^[ \t\-=_*>|]*(below this line is a copy|this is a copy of|original message|returned message|content-type:[ \t]*(message/rfc822|text/rfc822-headers|message/partial|message/global))`)

// lastReturnedIDIn is the Message-ID of a bounce read as text: the first
// after the last place where a mail system begins a copy (a bounce
// forwarded, or quoted, has the returned mail innermost), else the last.
func lastReturnedIDIn(b []byte) string {
	b = unescape(b)
	if starts := copyStarts.FindAllIndex(b, -1); len(starts) > 0 {
		if id := returnedIDIn(b[starts[len(starts)-1][0]:]); id != "" {
			return id
		}
	}
	ms := messageIDLine.FindAllSubmatch(b, -1)
	if len(ms) == 0 {
		return ""
	}
	return string(ms[len(ms)-1][1])
}

func unescape(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("&lt;"), []byte("<"))
	b = bytes.ReplaceAll(b, []byte("&gt;"), []byte(">"))
	return qpSoftBreak.ReplaceAll(b, nil) // quoted-printable text read undecoded
}

var qpSoftBreak = regexp.MustCompile(`=\r?\n`)

var messageIDLine = regexp.MustCompile(`(?im)^[ \t>]*Message-Id:[ \t]*(?:\r?\n[ \t]+)?<?([^\s<>]+@[^\s<>]+?)>?[ \t]*\r?$`)

// returnedIDIn finds the Message-ID of the returned mail in what a bounce
// returns, as a line of its own: the returned headers may not parse (an
// unindented continuation line), may sit in a message/partial, or may be
// quoted as text.
func returnedIDIn(b []byte) string {
	if m := messageIDLine.FindSubmatch(unescape(b)); m != nil {
		return string(m[1])
	}
	return ""
}

// returnedStarts are the lines with which mail systems begin the copy of
// the returned mail below their own words: what follows names the notice's
// sender and recipient again, and is no report.
var returnedStarts = regexp.MustCompile(`(?im)^[ \t\-=_*>|]*(below this line is a copy|this is a copy of|original message|the header of the original|headers? of (your|the) (original )?message|message headers follow|returned message|unsent message|included is a copy|content-type: message/|元のメッセージ|元メール|送信したメッセージ|(received|return-path|x-original-to|delivered-to|dkim-signature):).*$`)

// delayWords say that a mail system still tries; gaveUpWords that it
// has stopped, whatever the last refusal's code (qmail's "450 … Mailbox
// Full" then "I'm not going to try again").
var (
	delayWords  = regexp.MustCompile(`(?i)(has been delayed|not yet been delivered|will (continue|keep) (trying|to try)|still trying|will retry|delivery delayed|warning: message)`)
	gaveUpWords = regexp.MustCompile(`(?i)i've given up|not going to try again|giving up on|in the queue too long|no further (delivery )?attempts will be made|will not be retried`)
)

// replyStart is where the remote server's words begin in a mail system's
// text: its reply code or its enhanced status.
var replyStart = regexp.MustCompile(`(?:^|[\s(#:;\[])([245]\d\d[ -]|[245]\.\d{1,3}\.\d{1,3}\b)`)

// plainBounce reads a bounce written as text: each address the mail
// system names before the returned mail, and the words that follow it up
// to the next, from which notify.ReadReply reads the remote's reply.
func plainBounce(text string, failed []string, notRecipients map[string]bool) []notify.Bounce {
	named := map[string]bool{}
	for _, m := range recipientNamed.FindAllStringSubmatch(text, -1) {
		named[strings.ToLower(m[len(m)-2])] = true
	}
	if bs := plainBounceOf(text, failed, notRecipients, named); len(bs) > 0 {
		return bs
	}
	if len(notRecipients) > 0 {
		// the mail system names no one but the sender: a bounce of a mail to
		// oneself, or one sent back to the recipient's own address
		if bs := plainBounceOf(text, failed, nil, named); len(bs) > 0 {
			return bs
		}
	}
	if to := returnedRecipient(text); to != "" && !notRecipients[to] && len(failed) == 0 {
		// it names no one at all, but returns the mail, sent to one address
		// (Verizon's MMS gateway): what it says, it says of that one
		return plainBounceOf(text, []string{to}, notRecipients, named)
	}
	return nil
}

// recipientNamed is where a mail system says which address it could not
// deliver to: a recipient, even a postmaster@ (DragonFly's "There was an
// error delivering your mail to <postmaster@a.example>").
var recipientNamed = regexp.MustCompile(`(?i)(error delivering your mail to|could not be delivered to|unable to deliver (your )?message to)[ \t]*<?(` +
	addrPattern.String() + `)`)

// returnedTo is the To line of the returned mail, as a bounce quotes it.
var returnedTo = regexp.MustCompile(`(?im)^[ \t]*To:[ \t]*(.+)$`)

// returnedRecipient is the one address the returned mail was sent to, ""
// when it names none or several.
func returnedRecipient(text string) string {
	loc := returnedStarts.FindStringIndex(text)
	if loc == nil {
		return ""
	}
	m := returnedTo.FindStringSubmatch(text[loc[0]:])
	if m == nil {
		return ""
	}
	if addrs := addrPattern.FindAllString(m[1], -1); len(addrs) == 1 {
		return strings.ToLower(addrs[0])
	}
	return ""
}

// plainBounceOf reads the text's recipients but those in notRecipients; an
// address in named is one even where it looks like a mail system's own.
func plainBounceOf(text string, failed []string, notRecipients, named map[string]bool) []notify.Bounce {
	text = strings.ReplaceAll(text, "\r", "")
	text = boundary.ReplaceAllString(text, "")
	if loc := returnedStarts.FindStringIndex(text); loc != nil {
		text = text[:loc[0]]
	}
	var out []notify.Bounce
	seen := map[string]int{}
	type at struct {
		addr  string
		start int
	}
	var spans []at
	for _, m := range addrPattern.FindAllStringIndex(text, -1) {
		addr := strings.ToLower(strings.Trim(text[m[0]:m[1]], "."))
		local, _, _ := strings.Cut(addr, "@")
		if !named[addr] && (fromMailSystem(addr) || local == "mailer-daemon" || strings.HasPrefix(local, "postmaster")) || notRecipients[addr] {
			continue
		}
		if _, ok := seen[addr]; ok {
			continue
		}
		if senderLabel.MatchString(text[strings.LastIndex(text[:m[0]], "\n")+1 : m[0]]) {
			continue // the notice's sender, as the mail system recalls the mail
		}
		seen[addr] = len(spans)
		// its words start with its line: some say what went wrong before it
		// ("Unknown user: a@b", "User a@b not listed in ...")
		start := strings.LastIndex(text[:m[0]], "\n") + 1
		if alone := strings.Trim(text[start:lineEnd(text, m[1])], " \t<>"); strings.EqualFold(alone, addr) {
			// an address on a line of its own, its fault on the line above
			// (Lotus Notes), unless that is a heading
			if prev := strings.LastIndex(text[:max(start-1, 0)], "\n") + 1; start > 0 {
				if above := strings.TrimSpace(text[prev : start-1]); above != "" && !strings.HasPrefix(above, "-") &&
					!strings.HasSuffix(above, ":") && !addrPattern.MatchString(above) {
					start = prev
				}
			}
		}
		spans = append(spans, at{addr: addr, start: start})
	}
	if len(failed) > 0 {
		// The mail system names them: only those, with what its text says of them.
		var named []at
		for _, addr := range failed {
			if i, ok := seen[addr]; ok {
				named = append(named, spans[i])
			} else {
				named = append(named, at{addr: addr, start: len(text)})
			}
		}
		if len(named) == 1 && named[0].start == len(text) {
			named[0].start = 0 // the whole text speaks of it
		}
		spans = named
	}
	delayed := delayWords.MatchString(text) && !gaveUpWords.MatchString(text)
	for i, s := range spans {
		// its words end where another recipient is named again: mail
		// systems that say it twice (in two languages) name them in turn
		next := len(text)
		for j, o := range spans {
			if j != i {
				next = min(next, nextStart(text, o.addr, min(s.start+1, len(text))))
			}
		}
		end := strings.LastIndex(text[:next], "\n")
		if end < s.start {
			end = next
		}
		if line := text[s.start:lineEnd(text, s.start)]; sendmailLine.MatchString(line) && strings.Contains(strings.ToLower(line), "<"+s.addr+">...") {
			// Sendmail's line of its own for the address: what follows is
			// another host's, or another address's
			end = lineEnd(text, s.start)
		}
		words := text[s.start:end]
		if len(words) > 1000 {
			words = words[:1000]
		}
		b := notify.Bounce{Recipient: s.addr, Action: "failed", Status: "5.0.0"}
		if loc := replyStart.FindStringSubmatchIndex(words); loc != nil {
			before := words[:loc[2]]
			words = words[loc[2]:]
			if agent := localAgent.FindString(before); agent != "" {
				words += "\n" + agent
			}
		} else if len(spans) > 0 {
			// nothing said of it where it is named: the reply said before the
			// list of recipients is theirs (MailMarshal's "Could not be
			// delivered because of 550 5.1.1 User unknown. The following
			// recipients were affected:", Verizon's "Error message below:")
			if loc := leadingReply.FindStringIndex(text[:spans[0].start]); loc != nil {
				words = text[loc[0]:loc[1]]
			}
		}
		b.Diagnostic = strings.Join(strings.Fields(strings.Trim(words, ":>)( \n\t")), " ")
		if delayed || (notify.ReadReply(notify.StageBounce, b.Diagnostic).Code/100 == 4 && !gaveUpWords.MatchString(text)) {
			b.Action, b.Status = "delayed", "4.0.0"
		}
		out = append(out, b)
	}
	return out
}

// localAgent is a local delivery program's line in Sendmail's transcript
// ("mail.local: unknown user: a"), said before Sendmail's own reply for it
// ("554 <a@b>... Service unavailable"): the reason is the program's.
var localAgent = regexp.MustCompile(`(?m)^[ \t]*(mail\.local|procmail|maildrop|dovecot-lda|deliver): .+$`)

// senderLabel ends the start of a line that names the notice's sender, as
// a mail system recalls the mail it could not deliver ("From:", "MAIL
// FROM:", "Original Sender:").
var senderLabel = regexp.MustCompile(`(?i)\b(from|mail from|sender|original sender|return-path|reply-to)[ \t]*:[ \t]*<?$`)

// leadingReply is a reply line said before the recipients are listed, and
// the lines that continue it up to a blank one.
var leadingReply = regexp.MustCompile(`(?m)^[ \t]*[245]\d\d[ -].*(\n[ \t]*\S.*)*`)

// sendmailLine is Sendmail's line for one address, "554 <a@b>... Remote
// protocol error", all it says of it.
var sendmailLine = regexp.MustCompile(`^[ \t]*[245]\d\d <[^<>\s]+>\.\.\. `)

// failedRecipients are the addresses of an X-Failed-Recipients header
// (Exim, Google).
func failedRecipients(h message.Header) []string {
	var out []string
	for _, v := range h.Values("X-Failed-Recipients") {
		for _, a := range addrPattern.FindAllString(v, -1) {
			out = append(out, strings.ToLower(a))
		}
	}
	return out
}

// sentTo are the addresses a bounce is sent to: the notice's sender, whom
// the mail system greets, never a failed recipient.
func sentTo(h message.Header) map[string]bool {
	out := map[string]bool{}
	for _, a := range addrPattern.FindAllString(h.Get("To"), -1) {
		out[strings.ToLower(a)] = true
	}
	return out
}

func lineEnd(text string, from int) int {
	if i := strings.IndexByte(text[from:], '\n'); i >= 0 {
		return from + i
	}
	return len(text)
}

func nextStart(text, addr string, from int) int {
	i := strings.Index(strings.ToLower(text[from:]), addr)
	if i < 0 {
		return len(text)
	}
	return from + i
}
