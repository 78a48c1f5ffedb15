package inbox

import (
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
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/owabi/owabi/notify"
)

// IMAP is how to reach the reply mailbox.
type IMAP struct {
	Host     string
	Port     int
	TLS      string // "implicit" (993), "starttls" (143) or "none"
	Username string
	Password string
	Mailbox  string
	Timeout  time.Duration
	// RootCAs, when set, are the authorities the server's certificate must
	// come from, instead of the system's: an organisation's private CA.
	RootCAs *x509.CertPool
	// InsecureSkipVerify accepts any certificate; only for test servers.
	InsecureSkipVerify bool
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

// fetchBatch is how many mails one FETCH asks for, and one transaction
// records: few enough that their bodies fit in memory.
const fetchBatch = 50

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
	if err := c.Login(p.Username, p.Password).Wait(); err != nil {
		return nil, fmt.Errorf("imap: sign in as %s: %w", p.Username, err)
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
	body := &imap.FetchItemBodySection{Peek: true}
	for len(uids) > 0 {
		batch := uids[:min(fetchBatch, len(uids))]
		uids = uids[len(batch):]
		msgs, err := c.Fetch(imap.UIDSetNum(batch...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{body}}).Collect()
		if err != nil {
			return counts, fmt.Errorf("imap: fetch: %w", err)
		}
		slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return cmp.Compare(a.UID, b.UID) })
		mails := make([]notify.Inbound, len(msgs))
		for i, msg := range msgs {
			m, err := Read(msg.FindBodySection(body))
			if err != nil {
				// The reason quotes the mail: only at debug level, which may carry personal data.
				p.Log.Warn("a mail in the reply mailbox is not a mail owabi can read; it is skipped", "uid", msg.UID)
				p.Log.Debug("why the mail was skipped", "uid", msg.UID, "err", err)
			}
			m.UID = uint32(msg.UID)
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
