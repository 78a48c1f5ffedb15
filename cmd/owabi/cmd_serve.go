package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/web"
	"github.com/owabi/owabi/templates"
)

func runServe(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("serve", g, e, "")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	a, err := open(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.serve(ctx)
}

// serve runs the daemon until ctx is cancelled: it sends whatever is queued,
// by anyone, runs the resend job on its schedule, reads the reply mailbox,
// and serves the staff web app; it stops cleanly after the message in hand.
func (a *app) serve(ctx context.Context) error {
	ctx, cancel := context.WithCancel(notify.WithActor(ctx, "owabi")) // what the daemon does itself, in the audit trail
	defer cancel()
	ln, err := net.Listen("tcp", a.cfg.Web.Addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return &configError{key: "web.addr", reason: fmt.Sprintf("%s is in use: owabi serve is probably running already (stop it first), or another program holds the port (change web.addr)", a.cfg.Web.Addr)}
	}
	if err != nil {
		return &configError{key: "web.addr", reason: fmt.Sprintf("cannot listen on %s: %v", a.cfg.Web.Addr, err)}
	}
	if users, err := a.db.Users(ctx); err == nil && !slices.ContainsFunc(users, func(u notify.User) bool { return !u.Disabled }) {
		a.log.Warn(`nobody can sign in to the web app yet: add a manager with "owabi user add --role manager NAME" (and one account for each salesperson)`)
	}
	srv, err := a.webServer()
	if err != nil {
		ln.Close()
		return err
	}
	webErr := make(chan error, 1)
	go func() {
		var err error
		if a.cfg.Web.TLSCert != "" {
			err = srv.ServeTLS(ln, a.cfg.path(a.cfg.Web.TLSCert), a.cfg.path(a.cfg.Web.TLSKey))
		} else {
			err = srv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			cancel() // the app cannot serve: stop the sender too, and say why
		}
		webErr <- err
	}()
	a.log.Info("the web app is serving", "url", a.webURL(ln.Addr().String()))
	if ip, ok := ln.Addr().(*net.TCPAddr); ok && !ip.IP.IsLoopback() && a.cfg.Web.TLSCert == "" && !a.cfg.Web.SecureCookies {
		a.log.Warn("the web app is open to the network without HTTPS: passwords and the contact list cross it unencrypted; set web.tls_cert and web.tls_key, or serve it behind an HTTPS proxy and set web.secure_cookies")
	}
	var jobs sync.WaitGroup
	err = a.deliverLocked(ctx, true, func() {
		if a.cfg.Resend.Enabled {
			if a.cfg.IMAP.Host == "" {
				a.log.Warn("notices are resent but replies are not read ([imap] is not set): people who answered by mail are sent them again")
			}
			jobs.Go(func() {
				if err := a.resendJob().Serve(ctx); err != nil {
					a.log.Error("the resend job cannot run", "err", err)
				}
			})
		}
		if a.cfg.IMAP.Host != "" {
			jobs.Go(func() { a.readReplies(ctx) })
		}
	})
	cancel() // the sender has stopped: the jobs stop too
	jobs.Wait()
	shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	srv.Shutdown(shutdown)
	if werr := <-webErr; !errors.Is(werr, http.ErrServerClosed) {
		err = errors.Join(err, fmt.Errorf("the web app stopped: %w", werr))
	}
	a.log.Info("owabi stopped")
	return err
}

// webServer is the staff web app on its HTTP server.
func (a *app) webServer() (*http.Server, error) {
	books, err := a.books("")
	if err != nil {
		return nil, err
	}
	h, err := web.New(web.Config{Store: a.db, Templates: templates.FS, Log: a.log, Zone: a.cfg.zone(), Org: a.cfg.organisation(),
		MetricsToken: a.cfg.Web.MetricsToken, Pace: a.cfg.SMTP.pace(),
		Sender: func() (sent, retried, failed int64) {
			if w := a.sender.Load(); w != nil {
				return w.Counts()
			}
			return 0, 0, 0
		},
		TemplateCheck: a.checkTemplates,
		SecureCookies: a.cfg.Web.SecureCookies || a.cfg.Web.TLSCert != "",
		Books:         &books})
	if err != nil {
		return nil, err
	}
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: nil}, nil
}

// webURL is where staff open the app listening on addr.
func (a *app) webURL(addr string) string {
	scheme := "http"
	if a.cfg.Web.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + addr + "/"
}
