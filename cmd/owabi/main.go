// Command owabi runs the response to a leaked address book: it imports the
// book, classifies everyone in it, and sends them the deletion request and
// the apology through the organisation's SMTP server, tracked in SQLite.
//
// This file handles only signals and exit codes; run does the rest.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		// The first signal drains: the message in hand is finished and
		// recorded. A second one stops at once.
		<-signals
		fmt.Fprintln(os.Stderr, "owabi: stopping after the message in hand (press Ctrl-C again to stop at once)")
		cancel()
		<-signals
		fmt.Fprintln(os.Stderr, "owabi: stopped at once; notices in flight are requeued at the next start")
		os.Exit(exitFailure)
	}()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}
