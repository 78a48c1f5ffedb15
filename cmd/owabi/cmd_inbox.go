package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/inbox"
)

func runInbox(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("inbox", g, e, "")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	a, err := openExisting(ctx, g, e) // replies answer notices: a new, empty database has none
	if err != nil {
		return err
	}
	defer a.Close()
	p, err := a.poller()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*a.cfg.IMAP.Timeout.Duration) // a stalled server must not hang the command
	defer cancel()
	counts, err := p.Poll(ctx)
	if err != nil {
		return err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	fmt.Fprintf(e.stdout, "Read %d new mails in %s: %d replies acknowledged a notice, %d automatic replies (not counted), "+
		"%d bounces failed a notice, %d answered no notice, %d looked like bounces but could not be read (see the audit trail), "+
		"%d may be forged and wait for staff to confirm or dismiss them (see the dashboard).\n",
		total, a.cfg.IMAP.Mailbox, counts[notify.AckedByReply], counts[notify.AutoReply], counts[notify.Bounced], counts[notify.NotOurs],
		counts[notify.UnreadableBounce], counts[notify.Unverified])
	return nil
}

// poller reads the reply mailbox as configured.
func (a *app) poller() (*inbox.Poller, error) {
	m := a.cfg.IMAP
	if m.Host == "" {
		return nil, &configError{key: "imap.host", reason: "missing: set [imap] to the mailbox replies to the notices arrive in"}
	}
	token, err := a.cfg.imapToken(a.env.getenv)
	if err != nil {
		return nil, err
	}
	var pw string
	if token == nil {
		if pw, err = a.cfg.secret(a.env.getenv, "imap", m.Username, m.PasswordEnv, m.PasswordFile); err != nil {
			return nil, err
		}
	}
	roots, err := a.cfg.certificateAuthority("imap.ca_file", m.CAFile)
	if err != nil {
		return nil, err
	}
	return &inbox.Poller{IMAP: inbox.IMAP{Host: m.Host, Port: m.Port, TLS: m.TLS, Username: m.Username, Password: pw, Token: token,
		Mailbox: m.Mailbox, Timeout: m.Timeout.Duration, RootCAs: roots, TrustedServers: m.TrustedAuthservIDs}, Store: a.db, Log: a.log}, nil
}

// certificateAuthority reads the PEM certificates in file, the config's
// key, for a server whose certificate an organisation's own authority
// signs; nil (the system's authorities) when file is "".
func (c *Config) certificateAuthority(key, file string) (*x509.CertPool, error) {
	if file == "" {
		return nil, nil
	}
	b, err := os.ReadFile(c.path(file))
	if err != nil {
		return nil, &configError{key: key, reason: err.Error()}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, &configError{key: key, reason: c.path(file) + " holds no PEM certificate"}
	}
	return pool, nil
}

// readReplies polls the reply mailbox every imap.poll until ctx ends. A
// poll that fails is logged and tried again at the next.
func (a *app) readReplies(ctx context.Context) {
	p, err := a.poller()
	if err != nil {
		a.log.Error("the reply mailbox cannot be read", "err", err)
		return
	}
	tick := time.NewTicker(a.cfg.IMAP.Poll.Duration)
	defer tick.Stop()
	for {
		pollCtx, cancel := context.WithTimeout(ctx, 10*a.cfg.IMAP.Timeout.Duration)
		counts, err := p.Poll(pollCtx)
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("reading the reply mailbox failed; trying again later", "err", err)
		case len(counts) > 0:
			a.log.Info("read the reply mailbox", "acknowledged", counts[notify.AckedByReply], "auto replies", counts[notify.AutoReply],
				"bounced", counts[notify.Bounced], "not ours", counts[notify.NotOurs], "unreadable bounces", counts[notify.UnreadableBounce], "unverified", counts[notify.Unverified])
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
