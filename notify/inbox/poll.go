package inbox

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/xoauth2"
)

// IMAP is how to reach the reply mailbox.
type IMAP struct {
	Host     string
	Port     int
	TLS      string // "implicit" (993), "starttls" (143) or "none"
	Username string
	Password string
	// Token, when set, logs in with OAuth 2.0 (XOAUTH2) as Username, with
	// the access token it gives for each poll (a token source refreshes
	// it before it expires); Password is unused.
	Token   func() (string, error)
	Mailbox string
	Timeout time.Duration
	// RootCAs, when set, are the authorities the server's certificate must
	// come from, instead of the system's: an organisation's private CA.
	RootCAs *x509.CertPool
	// InsecureSkipVerify accepts any certificate; only for test servers.
	InsecureSkipVerify bool
	// TrustedServers are the authserv-ids of the organisation's receiving
	// mail servers, whose Authentication-Results are believed.
	TrustedServers []string
}

// Store is what the poller needs from storage.
type Store interface {
	// MailboxState is how far the mailbox has been read.
	MailboxState(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)
	// RecordInbound records mails, in UID order, and that the mailbox is
	// read up to the last; it returns each one's outcome.
	RecordInbound(ctx context.Context, mailbox string, uidValidity uint32, mails []notify.Inbound) ([]notify.InboundOutcome, error)
}

// Poller reads the new mail of the reply mailbox. It only reads: flags
// stay as they are for the people who read the mailbox too.
type Poller struct {
	IMAP
	Store Store
	Log   *slog.Logger
}

// What a poll holds in memory is bounded whatever is in the mailbox:
// fetchBatch mails are looked at, and recorded, at a time; those up to
// wholeMail are fetched whole; of a bigger one only what a person or a
// mail system wrote (see partsOf). So a batch holds at most about
// fetchBatch × wholeMail, 50 MB.
const (
	fetchBatch = 50
	wholeMail  = 1 << 20
	// Of a bigger mail, at most maxParts parts of text, delivery status or
	// returned headers are fetched, each up to partBytes.
	maxParts  = 16
	partBytes = 256 << 10
)

// signIn logs in with the password, or with an OAuth 2.0 token.
func (p *Poller) signIn(c *imapclient.Client) error {
	if p.Token == nil {
		if err := c.Login(p.Username, p.Password).Wait(); err != nil {
			return fmt.Errorf("imap: sign in as %s: %w", p.Username, err)
		}
		return nil
	}
	token, err := p.Token()
	if err != nil {
		return fmt.Errorf("imap: no OAuth 2.0 token to sign in as %s with: %w", p.Username, err)
	}
	if err := c.Authenticate(xoauth2.Client(p.Username, token)); err != nil {
		return fmt.Errorf("imap: sign in as %s with OAuth 2.0: %w", p.Username, err)
	}
	return nil
}

// Poll reads every mail that arrived since the last poll, and returns how
// many had each outcome.
func (p *Poller) Poll(ctx context.Context) (map[notify.InboundOutcome]int, error) {
	c, err := p.dial()
	if err != nil {
		return nil, fmt.Errorf("imap: connect to %s: %w", p.Host, err)
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() }) // a hung server must not hold up a shutdown
	defer stop()
	if err := p.signIn(c); err != nil {
		return nil, err
	}
	sel, err := c.Select(p.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("imap: open the mailbox %s: %w", p.Mailbox, err)
	}
	validity, last, err := p.Store.MailboxState(ctx, p.Mailbox)
	if err != nil {
		return nil, err
	}
	if validity != sel.UIDValidity {
		last = 0 // a new mailbox, or one rebuilt: read it all again (nothing is recorded twice)
	}
	if last == math.MaxUint32 {
		return map[notify.InboundOutcome]int{}, nil // no UID can come after it
	}
	found, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: imap.UID(last + 1)}}}}, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("imap: search: %w", err)
	}
	var uids []imap.UID
	for _, u := range found.AllUIDs() {
		if uint32(u) > last { // "n:*" matches the last mail even below n
			uids = append(uids, u)
		}
	}
	counts := map[notify.InboundOutcome]int{}
	for len(uids) > 0 {
		batch := uids[:min(fetchBatch, len(uids))]
		uids = uids[len(batch):]
		raws, err := fetchBounded(c, batch)
		if err != nil {
			return counts, fmt.Errorf("imap: fetch: %w", err)
		}
		mails := make([]notify.Inbound, len(raws))
		for i, raw := range raws {
			m, err := Read(raw.mail, p.TrustedServers...)
			if err != nil {
				// The reason quotes the mail: only at debug level, which may carry personal data.
				p.Log.Warn("owabi could not read all of a mail in the reply mailbox: it is recorded from what could be read (its headers, as a rule)", "uid", raw.uid)
				p.Log.Debug("why the mail was skipped", "uid", raw.uid, "err", err)
			}
			m.UID = uint32(raw.uid)
			mails[i] = m
		}
		// A batch at a time, with how far the mailbox is read.
		outcomes, err := p.Store.RecordInbound(ctx, p.Mailbox, sel.UIDValidity, mails)
		if err != nil {
			return counts, err
		}
		for _, o := range outcomes {
			counts[o]++
		}
	}
	if err := c.Logout().Wait(); err != nil {
		p.Log.Debug("imap: logout", "err", err) // everything is recorded already
	}
	return counts, nil
}

// fetched is one mail as fetched: whole, or its parts that matter.
type fetched struct {
	uid  imap.UID
	mail []byte
}

// fetchBounded fetches the mails uids, in UID order: each whole if it is
// at most wholeMail, else only its parts that matter (partsOf).
func fetchBounded(c *imapclient.Client, uids []imap.UID) ([]fetched, error) {
	sizes, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}).Collect()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(sizes, func(a, b *imapclient.FetchMessageBuffer) int { return cmp.Compare(a.UID, b.UID) })
	var small []imap.UID
	for _, m := range sizes {
		if m.RFC822Size <= wholeMail || m.BodyStructure == nil {
			small = append(small, m.UID)
		}
	}
	whole := map[imap.UID][]byte{}
	if len(small) > 0 {
		body := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Size: wholeMail}}
		msgs, err := c.Fetch(imap.UIDSetNum(small...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{body}}).Collect()
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			whole[m.UID] = m.FindBodySection(body)
		}
	}
	out := make([]fetched, 0, len(sizes))
	for _, m := range sizes {
		raw, ok := whole[m.UID]
		if !ok {
			if raw, err = partsOf(c, m.UID, m.BodyStructure); err != nil {
				return nil, err
			}
		}
		out = append(out, fetched{m.UID, raw})
	}
	return out, nil
}

// partsOf fetches, of a mail too big to fetch whole, its header and the
// first partBytes of each part a person or a mail system writes in (text,
// delivery status, returned headers, a forwarded mail), and joins them as
// one multipart mail for Read. The attachments that make it big stay on
// the server; a reference code in a text part after them is still found.
func partsOf(c *imapclient.Client, uid imap.UID, bs imap.BodyStructure) ([]byte, error) {
	header := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}
	sections := []*imap.FetchItemBodySection{header}
	multi, isMulti := bs.(*imap.BodyStructureMultiPart)
	if !isMulti { // one big part: its beginning
		sections = append(sections, &imap.FetchItemBodySection{Specifier: imap.PartSpecifierText, Peek: true,
			Partial: &imap.SectionPartial{Size: partBytes}})
	} else {
		multi.Walk(func(path []int, part imap.BodyStructure) bool {
			single, ok := part.(*imap.BodyStructureSinglePart)
			if ok && len(sections) < 1+2*maxParts && (single.Type == "text" || strings.EqualFold(single.Type, "message")) {
				path = slices.Clone(path)
				sections = append(sections, &imap.FetchItemBodySection{Part: path, Specifier: imap.PartSpecifierMIME, Peek: true},
					&imap.FetchItemBodySection{Part: path, Peek: true, Partial: &imap.SectionPartial{Size: partBytes}})
			}
			return true
		})
	}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: sections}).Collect()
	if err != nil || len(msgs) == 0 {
		return nil, err
	}
	m := msgs[0]
	if !isMulti {
		return append(m.FindBodySection(header), m.FindBodySection(sections[1])...), nil
	}
	const boundary = "owabi-parts-of-a-big-mail"
	var b bytes.Buffer
	writeHeaderWithType(&b, m.FindBodySection(header), multi, boundary)
	for i := 1; i < len(sections); i += 2 {
		b.WriteString("--" + boundary + "\r\n")
		b.Write(m.FindBodySection(sections[i]))
		b.Write(m.FindBodySection(sections[i+1]))
		b.WriteString("\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes(), nil
}

// writeHeaderWithType writes a mail's header with its Content-Type made
// that of the parts joined under boundary: the same kind of multipart
// (a report stays a report), with the same report-type.
func writeHeaderWithType(b *bytes.Buffer, header []byte, multi *imap.BodyStructureMultiPart, boundary string) {
	skipping := false
	for line := range strings.SplitAfterSeq(string(header), "\n") {
		folded := strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")
		switch {
		case strings.TrimRight(line, "\r\n") == "": // the blank line that ends the header
			continue
		case folded && skipping:
			continue
		case !folded:
			skipping = len(line) > 13 && strings.EqualFold(line[:13], "content-type:")
			if skipping {
				continue
			}
		}
		b.WriteString(line)
	}
	b.WriteString("Content-Type: multipart/" + strings.ToLower(multi.Subtype) + "; boundary=\"" + boundary + "\"")
	if multi.Extended != nil && multi.Extended.Params["report-type"] != "" {
		b.WriteString("; report-type=" + multi.Extended.Params["report-type"])
	}
	b.WriteString("\r\n\r\n")
}

func (p *Poller) dial() (*imapclient.Client, error) {
	port := p.Port
	if port == 0 {
		port = map[string]int{"implicit": 993, "starttls": 143, "none": 143}[p.TLS]
	}
	addr := net.JoinHostPort(p.Host, strconv.Itoa(port))
	opts := &imapclient.Options{
		TLSConfig: &tls.Config{ServerName: p.Host, RootCAs: p.RootCAs, InsecureSkipVerify: p.InsecureSkipVerify},
		Dialer:    &net.Dialer{Timeout: p.Timeout},
	}
	switch p.TLS {
	case "implicit":
		return imapclient.DialTLS(addr, opts)
	case "starttls":
		return imapclient.DialStartTLS(addr, opts)
	case "none":
		return imapclient.DialInsecure(addr, opts)
	}
	return nil, fmt.Errorf("imap.tls: %q is not one of implicit, starttls, none", p.TLS)
}
