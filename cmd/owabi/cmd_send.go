package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/mailer"
	"github.com/owabi/owabi/notify/respond"
	"github.com/owabi/owabi/notify/wording"
)

func runSend(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("send", g, e, "--kind deletion|apology [--lang ja|en] [--wait] [--retry-failed] [--allow-unclassified]")
	kind := fs.String("kind", "", "the notice to send: deletion (please delete the spam) or apology")
	lang := fs.String("lang", "", "the language of the notices (default organisation.language)")
	wait := fs.Bool("wait", false, "also send them now, in this process, and return when nothing more is due now")
	retryFailed := fs.Bool("retry-failed", false, "give failed notices of this kind another round of attempts (same Message-ID), except to addresses refused for good")
	allowUnclassified := fs.Bool("allow-unclassified", false, "send even though some contacts are unclassified (they get the customer wording)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	k, err := noticeKind(*kind)
	if err != nil {
		return err
	}
	a, err := open(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	if *lang == "" {
		*lang = a.cfg.Organisation.Language
	}
	if err := checkLang(*lang); err != nil {
		return err
	}
	q, err := a.notices().Queue(ctx, k, respond.QueueOptions{Lang: *lang, RetryFailed: *retryFailed, AllowUnclassified: *allowUnclassified})
	var unclassified *respond.UnclassifiedError
	if errors.As(err, &unclassified) {
		return &usageError{msg: err.Error()}
	}
	if err != nil {
		return err
	}
	if q.HeldBack > 0 {
		fmt.Fprintf(e.stdout, "Held back %d contacts whose address imitates a known domain: they get no notice until a manager decides each on its contact page.\n", q.HeldBack)
	}
	if *retryFailed {
		fmt.Fprintf(e.stdout, "Requeued %d failed %s notices.\n", q.Requeued, k)
		if q.Dead > 0 {
			fmt.Fprintf(e.stdout, "Left %d whose address does not exist (refused for good): they take no more notices; phone those people.\n", q.Dead)
		}
	}
	a.log.Info("queued notices", "kind", k, "notices", q.Queued)
	fmt.Fprintf(e.stdout, "Queued %d %s notices (addresses that already have one are skipped).\n", q.Queued, k)
	if !*wait {
		fmt.Fprintln(e.stdout, `The daemon ("owabi serve") sends them; "owabi status" shows progress.`)
		return nil
	}
	var capped mailer.DailyCapReached
	switch err := a.deliver(ctx, false); {
	case notify.ErrorCode(err) == notify.ECONFLICT:
		fmt.Fprintln(e.stdout, "owabi serve is running and sends them.")
		return nil
	case errors.As(err, &capped):
		fmt.Fprintf(e.stdout, "The daily cap is reached (smtp.per_day = %d): the rest wait in the queue, and owabi serve sends the next at %s.\n",
			a.cfg.SMTP.PerDay, a.local(capped.Until))
	case err != nil:
		return err
	}
	return a.printOutbox(ctx)
}

// notices queues this database's notices, with Message-IDs on the
// organisation's domain.
func (a *app) notices() respond.Notices { return respond.Notices{Store: a.db, MessageID: a.messageID} }

// checkLang checks a --lang flag.
func checkLang(lang string) error {
	if !slices.Contains(mailer.Languages, lang) {
		return &usageError{msg: fmt.Sprintf("--lang %q: use %s", lang, strings.Join(mailer.Languages, " or "))}
	}
	return nil
}

// noticeKind checks a --kind flag.
func noticeKind(s string) (notify.NoticeKind, error) {
	for _, k := range notify.NoticeKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", &usageError{msg: fmt.Sprintf("--kind %q: use deletion or apology", s)}
}

// deliver sends the queued notices as the one sender of this database:
// until ctx is cancelled when daemon is set, else until the queue is empty.
func (a *app) deliver(ctx context.Context, daemon bool) error {
	return a.deliverLocked(ctx, daemon, nil)
}

// deliverLocked is deliver that calls locked once it holds the sender lock:
// the daemon's jobs start then, so that a second owabi serve, refused the
// lock, runs none of them.
func (a *app) deliverLocked(ctx context.Context, daemon bool, locked func()) error {
	unlock, err := a.db.LockSender()
	if err != nil {
		return err
	}
	defer unlock()
	if locked != nil {
		locked()
	}
	// Holding the lock, any notice still "sending" was left by a sender that
	// died: give it another go (with its Message-ID unchanged).
	n, err := a.db.RequeueInFlight(ctx)
	var told time.Time
	for daemon && notify.ErrorCode(err) == notify.ENOSPACE {
		// The web app serves meanwhile; nothing can be sent before these
		// are back in the queue.
		if time.Since(told) > 10*time.Minute {
			a.log.Error("the disk is full: owabi waits for space before it sends anything", "error", err)
			told = time.Now()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(5 * time.Second):
		}
		n, err = a.db.RequeueInFlight(ctx)
	}
	if err != nil {
		return err
	}
	if n > 0 {
		a.log.Warn("requeued notices a stopped sender left in flight", "notices", n)
	}
	w, err := a.worker(ctx)
	if err != nil {
		return err
	}
	a.sender.Store(w)
	if daemon {
		a.log.Info("owabi is serving", "database", a.db.Path(), "smtp_host", a.cfg.SMTP.Host, "smtp_port", a.cfg.SMTP.Port)
		return w.Run(ctx)
	}
	if err := w.Drain(ctx); err != nil {
		return err
	}
	sent, retried, failed := w.Counts()
	a.log.Info("sent the queue", "sent", sent, "retry_later", retried, "failed", failed)
	return nil
}

// printOutbox says where the outbox stands after sending.
func (a *app) printOutbox(ctx context.Context) error {
	st, err := a.db.Status(ctx)
	if err != nil {
		return err
	}
	n := st.Notices
	fmt.Fprintf(a.env.stdout, "Notices: %d sent, %d failed, %d waiting to be retried or sent.\n", n[notify.Sent], n[notify.Failed], n[notify.Queued]+n[notify.Sending])
	o, err := respond.Outlook(ctx, a.db, a.cfg.SMTP.pace(), a.db.Now(), st)
	if err != nil {
		return err
	}
	a.printOutlook(a.env.stdout, o)
	if n[notify.Queued] > 0 {
		fmt.Fprintln(a.env.stdout, `Retries are due later; the daemon ("owabi serve") sends them.`)
	}
	if n[notify.Failed] > 0 {
		fmt.Fprintln(a.env.stdout, `"owabi status" counts the failed ones; "owabi send --kind KIND --retry-failed" tries them again.`)
	}
	return nil
}

// printOutlook says when the queue will have gone out, if o is set.
func (a *app) printOutlook(w io.Writer, o *notify.Outlook) {
	if o != nil {
		fmt.Fprintf(w, "%s.\n", wording.Outlook("en", a.cfg.zone(), *o))
	}
}
