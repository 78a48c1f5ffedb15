package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	netmail "net/mail"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/classify"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/notify/web"
	"github.com/owabi/owabi/store"
	"github.com/owabi/owabi/templates"
)

// app is what a command works with: the config, the database and the log.
type app struct {
	cfg *Config
	db  *store.DB
	log *slog.Logger
	env env
	// sender is the outbox sender once it runs, for the web app's metrics.
	sender atomic.Pointer[mailer.Worker]
}

// open loads the config and opens the database, creating it if needed,
// and brings a change in the config's [incident] into the incident record
// (store.SeedIncident). An import that a process which stopped left
// part-way is undone first, so that nothing is written on top of it.
func open(ctx context.Context, g *globals, e env) (*app, error) {
	a, err := openDB(ctx, g, e, false, true)
	if err != nil {
		return nil, err
	}
	undone, _, err := a.db.UndoUnfinishedImports(ctx)
	for _, u := range undone {
		a.log.Warn("undid an import that a process which stopped left part-way", "import", u.ID, "kept", len(u.Kept))
	}
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// openExisting is open for commands that need the incident's database as
// it is, to look at it or to match mail to its notices: a mistyped --db
// must not quietly make an empty new one. The config's [incident] is not
// taken in.
func openExisting(ctx context.Context, g *globals, e env) (*app, error) {
	return openDB(ctx, g, e, true, false)
}

// openTelling is openExisting for commands that write out what the
// incident record tells (a notice, a report): it takes in the config's
// latest [incident] first, as open does.
func openTelling(ctx context.Context, g *globals, e env) (*app, error) {
	return openDB(ctx, g, e, true, true)
}

func openDB(ctx context.Context, g *globals, e env, mustExist, seed bool) (*app, error) {
	cfg, err := LoadConfig(g.config, e.getenv)
	if err != nil {
		return nil, err
	}
	if g.db != "" {
		cfg.Store.Path = g.db
	}
	path := cfg.path(cfg.Store.Path)
	if _, err := os.Stat(path); mustExist && errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("there is no database at %s yet: import an address book first, or check --db and store.path", path)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	db.Zone = cfg.zone()
	if seed {
		if _, err := db.SeedIncident(notify.WithActor(ctx, "config"), cfg.incident()); err != nil {
			db.Close()
			return nil, err
		}
	}
	return &app{cfg: cfg, db: db, log: newLogger(e, cfg.Log.Level), env: e}, nil
}

func (a *app) Close() error { return a.db.Close() }

// newLogger logs to stderr. Nothing at info level names a person or an
// address: log lines carry notice and contact numbers only.
func newLogger(e env, level string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: l}))
}

// composer loads the notice templates, the override folder first.
func (a *app) composer(ctx context.Context) (*mailer.Composer, error) {
	sources := []fs.FS{templates.FS}
	if dir := a.cfg.Templates.Dir; dir != "" {
		if _, err := os.Stat(a.cfg.path(dir)); err != nil {
			return nil, &configError{key: "templates.dir", reason: err.Error()}
		}
		sources = append([]fs.FS{os.DirFS(a.cfg.path(dir))}, sources...)
	}
	inc, err := a.db.Incident(ctx)
	if err != nil {
		return nil, err
	}
	c, err := mailer.NewComposer(a.cfg.organisation(), inc, a.cfg.zone(), sources...)
	if err != nil {
		return nil, &configError{key: "templates.dir", reason: err.Error()}
	}
	if c.DKIM, err = a.cfg.dkim(); err != nil {
		return nil, err
	}
	if k, ok := dkimRSA(c.DKIM); ok && k.N.BitLen() < goodDKIMBits {
		a.log.Warn("the DKIM key is short: some receivers distrust keys under 2048 bits; make one of 2048", "bits", k.N.BitLen())
	}
	if c.SMIME, err = a.cfg.smime(); err != nil {
		return nil, err
	}
	if rp := a.cfg.SMTP.ReturnPath; rp != "" {
		if addr, err := netmail.ParseAddress(rp); err != nil || addr.Address != rp || strings.Contains(rp, "+") {
			return nil, &configError{key: "smtp.return_path", reason: "not a plain address (bounces@example.jp, no name, no +): " + rp}
		}
		c.ReturnPath = rp
	}
	return c, nil
}

// worker is the outbox sender as configured.
func (a *app) worker(ctx context.Context) (*mailer.Worker, error) {
	if _, domain, _ := strings.Cut(a.cfg.Organisation.FromAddress, "@"); classify.FreeMail(domain, a.cfg.Classify.FreeMailDomains...) {
		// After a phishing incident people are right to distrust such mail.
		a.log.Warn("organisation.from_address is on a free-mail domain: notices from it look like the spam; send from the organisation's own domain", "domain", domain)
	}
	comp, err := a.composer(ctx)
	if err != nil {
		return nil, err
	}
	token, err := a.cfg.smtpToken(a.env.getenv)
	if err != nil {
		return nil, err
	}
	var pw string
	if token == nil {
		if pw, err = a.cfg.password(a.env.getenv); err != nil {
			return nil, err
		}
	}
	s := a.cfg.SMTP
	roots, err := a.cfg.certificateAuthority("smtp.ca_file", s.CAFile)
	if err != nil {
		return nil, err
	}
	settings := mailer.SMTP{Host: s.Host, Port: s.Port, TLS: s.TLS, Username: s.Username, Password: pw,
		Timeout: s.Timeout.Duration, HELO: s.HELO, RootCAs: roots, Token: token}
	var ackLink func(context.Context, notify.Delivery) (string, error)
	if a.cfg.Web.AckLinks {
		base := strings.TrimSuffix(a.cfg.Web.PublicURL, "/")
		ackLink = func(ctx context.Context, d notify.Delivery) (string, error) {
			token, hash := web.NewAckToken()
			if err := a.db.NewAckToken(ctx, d.ID, hash, a.db.Now().Add(a.cfg.Web.AckLinkTTL.Duration)); err != nil {
				return "", err
			}
			return base + "/ack/" + token, nil
		}
	}
	return &mailer.Worker{
		AckLink:     ackLink,
		Incident:    a.db.Incident,
		Outbox:      a.db,
		Composer:    comp,
		Dial:        func(ctx context.Context) (*mailer.Session, error) { return mailer.Dial(ctx, settings) },
		Connections: s.Connections, Pace: s.pace(), MaxAttempts: s.MaxAttempts,
		RetryBase: s.RetryBase.Duration, RetryMax: s.RetryMax.Duration, Poll: s.Poll.Duration,
		Now: a.db.Now, Log: a.log,
	}, nil
}

// classifier builds the classification rules from the config and the master lists.
func (cfg *Config) classifier() (*classify.Classifier, error) {
	c := cfg.Classify
	rules := classify.Rules{
		OwnDomains:      cfg.Organisation.Domains,
		FreeMailDomains: append(append([]string(nil), classify.DefaultFreeMailDomains...), c.FreeMailDomains...),
		Labels:          classify.DefaultLabels,
		Overrides:       map[string]notify.Category{},
		DefaultOwner:    c.DefaultOwner,
		EmployeeOwner:   c.EmployeeOwner,
	}
	if len(c.Labels) > 0 {
		rules.Labels = map[string]notify.Category{}
		for label, cat := range c.Labels {
			rules.Labels[label] = notify.Category(cat)
		}
	}
	for addr, cat := range c.Overrides {
		rules.Overrides[addr] = notify.Category(cat)
	}
	for _, m := range []struct {
		key, path string
		cat       notify.Category
	}{{"classify.customers", c.Customers, notify.Customer}, {"classify.suppliers", c.Suppliers, notify.Supplier}} {
		if m.path == "" {
			continue
		}
		f, err := os.Open(cfg.path(m.path))
		if err != nil {
			return nil, &configError{key: m.key, reason: err.Error()}
		}
		masters, err := classify.ReadMasters(f, m.cat)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", m.key, m.path, err)
		}
		rules.Masters = append(rules.Masters, masters...)
	}
	return classify.New(rules), nil
}

// messageID makes the Message-ID of a new notice: random, on the
// organisation's own domain, fixed before the first attempt.
func (a *app) messageID() string {
	b := make([]byte, 16)
	rand.Read(b)
	domain := a.cfg.Organisation.Domains[0]
	if _, d, ok := strings.Cut(a.cfg.Organisation.FromAddress, "@"); ok {
		domain = d
	}
	return "owabi." + hex.EncodeToString(b) + "@" + domain
}

// now is the current time in the configured zone, for people to read.
func (a *app) now() time.Time { return time.Now().In(a.cfg.zone()) }

// local writes a time for people to read: in the configured zone, to the minute.
func (a *app) local(t time.Time) string { return t.In(a.cfg.zone()).Format("2006-01-02 15:04 MST") }
