package main

import (
	"context"
	"fmt"
	"io"

	"github.com/owabi/owabi/notify"
)

func runStatus(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("status", g, e, "[--json]")
	asJSON := fs.Bool("json", false, "print the status as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := open(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	st, err := a.db.Status(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, st)
	}
	printStatus(e.stdout, st)
	return nil
}

func printStatus(w io.Writer, st notify.Status) {
	fmt.Fprintf(w, "%d contacts, %d addresses\n\n", st.Contacts, st.Addresses)
	fmt.Fprintf(w, "%-14s %8s %8s %8s %8s %8s\n", "category", "contacts", "queued", "sending", "sent", "failed")
	for _, c := range notify.Categories {
		n := st.ByCategory[c]
		fmt.Fprintf(w, "%-14s %8d %8d %8d %8d %8d\n", c, st.Categories[c], n[notify.Queued], n[notify.Sending], n[notify.Sent], n[notify.Failed])
	}
	n := st.Notices
	fmt.Fprintf(w, "%-14s %8d %8d %8d %8d %8d\n", "total", st.Contacts, n[notify.Queued], n[notify.Sending], n[notify.Sent], n[notify.Failed])
	fmt.Fprintln(w)
	for _, k := range notify.NoticeKinds {
		n := st.ByKind[k]
		fmt.Fprintf(w, "%s notices: %d queued, %d sending, %d sent, %d failed\n", k, n[notify.Queued], n[notify.Sending], n[notify.Sent], n[notify.Failed])
	}
}
