package main

import (
	"context"
	"fmt"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/schedule"
)

func runResend(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("resend", g, e, "[--dry-run]")
	dryRun := fs.Bool("dry-run", false, "list what a run now would resend, and who it would hand to staff, and change nothing")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	a, err := open(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	now := a.db.Now()
	if *dryRun {
		return a.printDueResends(ctx, now)
	}
	queued, handed, err := a.resend(ctx, now)
	if err != nil {
		return err
	}
	if queued > 0 {
		fmt.Fprintf(e.stdout, "Queued %d resends, to go out from %s; the daemon (\"owabi serve\") sends them.\n",
			queued, a.local(a.businessHours().Next(now)))
	} else {
		fmt.Fprintln(e.stdout, "Queued 0 resends: nobody is due.")
	}
	fmt.Fprintf(e.stdout, "Handed %d contacts to their owners to call.\n", handed)
	return nil
}

// resend runs the resend job once at now.
func (a *app) resend(ctx context.Context, now time.Time) (queued, handed int, err error) {
	queued, handed, err = a.db.Resend(ctx, a.cfg.Resend.resendPolicy(), now, a.businessHours().Next(now), a.messageID)
	if err == nil {
		a.log.Info("resend run", "queued", queued, "handed to staff", handed)
	}
	return queued, handed, err
}

// resendJob is the resend job on its schedule, for owabi serve.
func (a *app) resendJob() *schedule.Job {
	return &schedule.Job{Name: "resend", Spec: a.cfg.Resend.Schedule, Zone: a.cfg.zone(), Now: a.db.Now, Log: a.log,
		LastRun: a.db.LastResend,
		Run: func(ctx context.Context, now time.Time) error {
			_, _, err := a.resend(ctx, now)
			return err
		}}
}

// businessHours are the hours resends go out in. The config was checked.
func (a *app) businessHours() schedule.Hours {
	h, _ := a.cfg.Resend.businessHours(a.cfg.zone())
	return h
}

// printDueResends says what a resend run at now would do, and why.
func (a *app) printDueResends(ctx context.Context, now time.Time) error {
	p := a.cfg.Resend.resendPolicy()
	due, err := a.db.DueResends(ctx, p, now)
	if err != nil {
		return err
	}
	w := a.env.stdout
	fmt.Fprintf(w, "A resend run now (%s) would, under the policy (%s unacknowledged after a send, %d sends in all):\n",
		a.local(now), p.After, p.MaxSends)
	var resends, handovers []notify.Resend
	for _, r := range due {
		if r.HandOver {
			handovers = append(handovers, r)
		} else {
			resends = append(resends, r)
		}
	}
	fmt.Fprintf(w, "  resend %d notices, to go out from %s:\n", len(resends), a.local(a.businessHours().Next(now)))
	for _, r := range resends {
		fmt.Fprintf(w, "    %s  %s, send %d of %d: the last went out %s and nobody has acknowledged it\n",
			r.Email, r.Kind, r.Round+2, p.MaxSends, a.local(r.SentAt))
	}
	if len(resends) == 0 {
		fmt.Fprintln(w, "    (none)")
	}
	fmt.Fprintf(w, "  hand %d contacts to their owners to call:\n", len(handovers))
	for _, r := range handovers {
		fmt.Fprintf(w, "    %s  %s: all %d sends went unanswered, the last %s\n", r.Email, r.Kind, p.MaxSends, a.local(r.SentAt))
	}
	if len(handovers) == 0 {
		fmt.Fprintln(w, "    (none)")
	}
	fmt.Fprintln(w, "Addresses with a notice still waiting to go, one that failed for good, or a person not to be contacted are left alone.")
	if !a.cfg.Resend.Enabled {
		fmt.Fprintln(w, `The scheduled job is off (resend.enabled = false); "owabi resend" runs it by hand.`)
	} else if s, err := schedule.Parse(a.cfg.Resend.Schedule, a.cfg.zone()); err == nil {
		fmt.Fprintf(w, "owabi serve runs it next at %s.\n", a.local(s.Next(now)))
	}
	return nil
}
