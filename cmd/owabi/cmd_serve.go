package main

import (
	"context"
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
// by anyone, and stops cleanly after the message in hand.
func (a *app) serve(ctx context.Context) error {
	err := a.deliver(ctx, true)
	a.log.Info("owabi stopped")
	return err
}
