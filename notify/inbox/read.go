// Package inbox reads the organisation's reply mailbox over IMAP
// (github.com/emersion/go-imap/v2): replies acknowledge the notices they
// answer, out-of-office replies are kept without counting, and delivery
// status notifications mark the deliveries that failed. Read turns one
// mail into a notify.Inbound; Poller fetches the new ones.
package inbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	stdhtml "html"
	"io"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"

	"github.com/owabi/owabi/notify"
)

// Japanese replies come in ISO-2022-JP and Shift_JIS, which go-message's
// charset package decodes, and under Windows' names for Shift_JIS, which
// it does not know.
func init() {
	for _, name := range []string{"cp932", "windows-31j", "x-sjis", "ms932", "ms_kanji"} {
		charset.RegisterEncoding(name, japanese.ShiftJIS)
	}
}

// maxMail bounds the mail Read looks at; the rest of a bigger one (an
// attachment) is not needed to know what it is.
const maxMail = 4 << 20

// Read makes sense of one raw mail. A mail it cannot parse at all is an
// error; one it can is always read as far as it goes, a charset it does
// not know included (the text then stays undecoded). trusted are the
// authserv-ids of the organisation's receiving servers, whose
// Authentication-Results say whether the sender was forged.
func Read(raw []byte, trusted ...string) (notify.Inbound, error) {
	sum := sha256.Sum256(raw)
	in := notify.Inbound{Digest: hex.EncodeToString(sum[:16])}
	if len(raw) > maxMail {
		raw = raw[:maxMail]
	}
	lenient := lenientHeader(raw)
	r, err := mail.CreateReader(bytes.NewReader(lenient))
	if r == nil {
		return in, fmt.Errorf("not a mail: %w", err)
	}
	defer r.Close()
	h := r.Header
	in.MessageID, _ = h.MessageID()
	if from, _ := h.AddressList("From"); len(from) > 0 {
		in.From = strings.ToLower(from[0].Address)
	}
	if ids := msgIDs(h, "In-Reply-To"); len(ids) > 0 {
		in.InReplyTo = ids[0]
	}
	refs := msgIDs(h, "References")
	for i := len(refs) - 1; i >= 0; i-- { // nearest first
		in.References = append(in.References, refs[i])
	}
	in.SenderFailed = senderChecks(h, in.From, trusted).Failed()
	in.ReturnRef = returnRef(h)
	subject, _ := h.Subject()
	in.Ref = notify.FindRef(subject)
	in.Auto = automatic(h, subject) || fromMailSystem(in.From)
	report := strings.EqualFold(contentType(h.Header.Get("Content-Type")), "multipart/report")
	// A mail system's, by who sent it or what it is, is read as a bounce
	// whatever its shape, and shown to staff if it cannot be; one that only
	// reads like one (its subject, its first words) is a bounce if it
	// names a recipient, else read as any mail.
	system := report || fromMailSystem(in.From) || strings.TrimSpace(h.Get("From")) == "<>" || h.Get("X-Failed-Recipients") != ""
	if system || bounceSubject.MatchString(subject) || bytes.Contains(lenient, []byte("bouncedRecipients")) || // Amazon SES's, as JSON
		bounceWords.Match(head(bodyOf(lenient), 8<<10)) {
		if e, _ := message.Read(bytes.NewReader(lenient)); e != nil {
			in.Bounces = readBounce(e, bodyOf(lenient), in.InReplyTo)
		}
		in.FromMailSystem = system
		if len(in.Bounces) > 0 && in.InReplyTo == "" && len(in.References) == 0 {
			in.Auto = true // what reads like a bounce and answers nothing is a machine's
		}
		if system {
			in.Auto, in.Unreadable = true, len(in.Bounces) == 0
			return in, nil
		}
		// else read on: a person's reply quoting a bounce is read as a reply
		// where the bounce reports none of ours
	}
	html := "" // the text of an HTML part, for a reply that has no plain one
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && p != nil && message.IsUnknownCharset(err) {
			err = nil // read it undecoded: its threading and codes are ASCII
		}
		if err != nil {
			if in.Excerpt != "" {
				break // what was read is enough
			}
			return in, fmt.Errorf("reading the mail's body: %w", err)
		}
		ct := contentType(p.Header.Get("Content-Type"))
		_, attached := p.Header.(*mail.AttachmentHeader)
		switch {
		case ct == "message/rfc822" || ct == "message/global":
			// The notice itself, forwarded back as an attachment: it is
			// what the mail answers.
			if id := forwardedID(p.Body); id != "" {
				in.References = append(in.References, id)
			}
		case (ct == "text/plain" || ct == "text/html" && html == "") && !attached && in.Excerpt == "":
			text, _ := io.ReadAll(io.LimitReader(p.Body, 64<<10))
			if ct == "text/html" {
				html = textOfHTML(string(text)) // used only if no plain text comes
				continue
			}
			in.Excerpt = excerpt(bytes.NewReader(text))
			if in.Ref == "" { // the notice quoted below the reply carries its code
				in.Ref = notify.FindRef(string(text))
			}
		}
	}
	if in.Excerpt == "" && html != "" { // an HTML-only reply
		in.Excerpt = excerpt(strings.NewReader(html))
		if in.Ref == "" {
			in.Ref = notify.FindRef(html)
		}
	}
	return in, nil
}

// msgIDs reads a header of Message-IDs (In-Reply-To, References) as mail
// programs write them, <a@b> <c@d>, or without the angle brackets, or
// with commas.
func msgIDs(h mail.Header, key string) []string {
	if ids, err := h.MsgIDList(key); err == nil && len(ids) > 0 {
		return ids
	}
	var ids []string
	for _, f := range strings.FieldsFunc(h.Get(key), func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == '\r' || r == '\n' }) {
		if f = strings.Trim(f, "<>"); strings.Contains(f, "@") {
			ids = append(ids, f)
		}
	}
	return ids
}

// forwardedID is the Message-ID of a mail attached to another.
func forwardedID(body io.Reader) string {
	e, _ := message.Read(io.LimitReader(body, 64<<10)) // the header is what counts, not a body it cannot read
	if e == nil {
		return ""
	}
	h := mail.Header{Header: e.Header}
	id, _ := h.MessageID()
	return id
}

// These take an HTML reply apart into the lines a person wrote: style,
// scripts and tags out, a line break where a block ends.
var (
	htmlDrop  = regexp.MustCompile(`(?is)<(style|script|head)\b.*?</(style|script|head)>`)
	htmlBreak = regexp.MustCompile(`(?i)<(br|/p|/div|/tr|/li|/h[1-6]|/blockquote)\b[^>]*>`)
	htmlQuote = regexp.MustCompile(`(?i)<blockquote\b[^>]*>`)
	htmlTag   = regexp.MustCompile(`<[^>]*>`)
)

// textOfHTML is the text of an HTML part, a line per block; a quotation
// (blockquote) starts with "> ", so that excerpt stops there.
func textOfHTML(s string) string {
	s = htmlDrop.ReplaceAllString(s, "")
	s = htmlQuote.ReplaceAllString(s, "\n> ")
	s = htmlBreak.ReplaceAllString(s, "\n")
	return stdhtml.UnescapeString(htmlTag.ReplaceAllString(s, ""))
}

func contentType(v string) string {
	t, _, _ := strings.Cut(v, ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// returnRef is the code of the notice whose per-notice return path
// (notify.ReturnPath) a bounce came back to: the envelope recipient, as
// the receiving server records it, or the bounce's To, which mail systems
// address to the envelope sender.
func returnRef(h mail.Header) string {
	for _, k := range []string{"Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To"} {
		for _, v := range h.Values(k) {
			list, err := mail.ParseAddressList(v)
			if err != nil {
				list = []*mail.Address{{Address: strings.Trim(strings.TrimSpace(v), "<>")}}
			}
			for _, a := range list {
				if code := notify.RefOfReturnPath(a.Address); code != "" {
					return code
				}
			}
		}
	}
	return ""
}

// fromMailSystem says whether the sender is a mail system: a bounce that
// is not a delivery status notification (qmail's, some hosted services')
// still comes from one, and must not count as a person's reply.
func fromMailSystem(addr string) bool {
	local, _, _ := strings.Cut(addr, "@")
	switch local {
	case "mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "post_master", "mailer_daemon", "mail.delivery.system", "mail-delivery-system":
		return true
	}
	return false
}

// automatic says whether a machine wrote the mail: RFC 3834's
// Auto-Submitted, the headers common mail systems add to out-of-office
// replies, and the subjects they give them.
func automatic(h mail.Header, subject string) bool {
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return true
	}
	// Exchange marks what it writes by itself: an out-of-office reply, or a
	// mail an inbox rule sent on.
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "X-MS-Exchange-Inbox-Rules-Loop"} {
		if h.Get(k) != "" {
			return true
		}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "auto_reply", "bulk", "junk":
		return true
	}
	return automaticSubject(subject)
}

// automaticSubject reports whether a subject is one an automatic reply
// gives itself: 自動応答, Out of Office, 【不在】, 不在: … A person's own
// words about being away (Re: 不在にしておりました件, Re: 不在中に届いた
// メール) are not: 不在 counts only bracketed, before a colon, or first.
func automaticSubject(subject string) bool {
	s := strings.ToLower(norm.NFKC.String(subject))
	for _, p := range []string{"自動応答", "自動返信", "不在のお知らせ", "不在通知", "休暇中", "休暇のお知らせ", "休業のお知らせ",
		"out of office", "out of the office", "out-of-office", "automatic reply", "auto-reply", "autoreply", "vacation reply",
		"undelivered mail", "delivery status notification", "failure notice", "returned mail", "配信不能", "配送エラー"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	for _, away := range []string{"不在", "不在中", "休暇", "休業"} {
		if strings.HasPrefix(strings.TrimSpace(s), away) {
			return true
		}
		for _, around := range []string{"【%s】", "[%s]", "(%s)", "〔%s〕", "<%s>", "《%s》", "「%s」", "%s:", "%s :"} {
			if strings.Contains(s, fmt.Sprintf(around, away)) {
				return true
			}
		}
	}
	return false
}

// bounceSubject is how mail systems title a bounce.
var bounceSubject = regexp.MustCompile(`(?i)(undeliver|undelivered|delivery status notification|failure notice|returned mail|delivery fail|mail delivery|could not be delivered|nondeliverable|non-delivery|returned to sender|delivery notification|error sending|undeliverable|配信不能|配送エラー|配信エラー|メールエラー|エラー通知|未配達|不達)`)

// bounceWords are how mail systems begin a bounce that has neither a
// mail system's address nor a bounce's subject (au's, qmail's, Exim's).
var bounceWords = regexp.MustCompile(`(?i)could not be delivered to:|this is the qmail-send program|` +
	`this message was created automatically by mail delivery software|the following addresses had permanent fatal errors|` +
	`i'm afraid i wasn't able to deliver|delivery has failed to these recipients|your message (wasn't|was not|could not be) delivered to`)

// lenientHeader makes a mail's header readable as real mail readers read
// it: without an mbox "From " line before it, a line in it that is no
// header field read as the continuation of the field before it (or
// dropped, at the top), not the end of the mail.
func lenientHeader(raw []byte) []byte {
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[i+1:]
		}
	}
	var out bytes.Buffer
	rest := raw
	for len(rest) > 0 {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = nil
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		if len(trimmed) == 0 {
			out.Write(line)
			out.Write(rest)
			return out.Bytes()
		}
		if trimmed[0] == ' ' || trimmed[0] == '\t' {
			out.Write(line)
			continue
		}
		if k, _, ok := bytes.Cut(trimmed, []byte(":")); !ok || len(k) == 0 || bytes.ContainsAny(k, " \t") {
			if out.Len() > 0 { // an unindented continuation line, as of a boundary
				out.WriteByte(' ')
				out.Write(line)
			}
			continue
		}
		out.Write(line)
	}
	return out.Bytes()
}

// head is the first n bytes of b at most.
func head(b []byte, n int) []byte {
	return b[:min(len(b), n)]
}

// bodyOf is a mail after its header.
func bodyOf(raw []byte) []byte {
	crlf, lf := bytes.Index(raw, []byte("\r\n\r\n")), bytes.Index(raw, []byte("\n\n"))
	switch {
	case crlf >= 0 && (lf < 0 || crlf < lf):
		return raw[crlf+4:]
	case lf >= 0:
		return raw[lf+2:]
	}
	return nil
}
