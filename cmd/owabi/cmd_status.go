package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/owabi/owabi/notify"
	"github.com/owabi/owabi/notify/respond"
	"github.com/owabi/owabi/notify/wording"
)

func runStatus(ctx context.Context, g *globals, e env, args []string) error {
	fs := flags("status", g, e, "[--json]")
	asJSON := fs.Bool("json", false, "print the status as JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	a, err := openExisting(ctx, g, e)
	if err != nil {
		return err
	}
	defer a.Close()
	_, offset := a.now().Zone()
	d, err := a.db.Dashboard(ctx, 1, time.Duration(offset)*time.Second)
	if err != nil {
		return err
	}
	st := d.Status
	if st.FailedWhy, err = a.db.FailedWhy(ctx); err != nil {
		return err
	}
	if st.Outlook, err = respond.Outlook(ctx, a.db, a.cfg.SMTP.pace(), a.db.Now(), st); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, st)
	}
	if s := st.Stopped; s != nil {
		fmt.Fprintf(e.stdout, "Sending has stopped since %s: %s.\nEvery notice waits in the queue; owabi serve, if it runs, tries again by itself (owabi send --wait tries now).\n\n", a.local(s.Since), s.WhyText)
	}
	printStatus(e.stdout, st)
	if st.Outlook != nil {
		fmt.Fprintln(e.stdout)
		a.printOutlook(e.stdout, st.Outlook)
	}
	printTodo(e.stdout, d, a.local)
	return nil
}

// printTodo says what there is to do now, as the dashboard does; local
// writes a time.
func printTodo(w io.Writer, d notify.Dashboard, local func(time.Time) string) {
	if !d.PurgedAt.IsZero() {
		fmt.Fprintf(w, "\nThe personal data was purged on %s: nobody can be contacted or called any more; the reports can still be written.\n", local(d.PurgedAt))
	}
	todo := d.Todo()
	if len(todo) == 0 {
		return
	}
	fmt.Fprintln(w, "\nWhat to do now, as the dashboard lists it:")
	for _, t := range todo {
		fmt.Fprintf(w, "  - %s\n", wording.Todo("en", t))
	}
}

func printStatus(w io.Writer, st notify.Status) {
	printUnfinished(w, st.Import)
	fmt.Fprintf(w, "%d contacts, %d addresses\n\n", st.Contacts, st.Addresses)
	const row = "%-14s %8v %9v %8v %8v %8v %8v\n"
	fmt.Fprintf(w, row, "category", "contacts", "addresses", "queued", "sending", "sent", "failed")
	for _, c := range notify.Categories {
		n := st.ByCategory[c]
		fmt.Fprintf(w, row, c, st.Categories[c], st.AddressesByCategory[c], n[notify.Queued], n[notify.Sending], n[notify.Sent], n[notify.Failed])
	}
	n := st.Notices
	fmt.Fprintf(w, row, "total", st.Contacts, st.Addresses, n[notify.Queued], n[notify.Sending], n[notify.Sent], n[notify.Failed])
	fmt.Fprintln(w)
	for _, k := range notify.NoticeKinds {
		n := st.ByKind[k]
		fmt.Fprintf(w, "%s notices: %d queued, %d sending, %d sent, %d failed\n", k, n[notify.Queued], n[notify.Sending], n[notify.Sent], n[notify.Failed])
	}
	for _, group := range []struct {
		title   string
		ourSide bool
	}{{"Why notices failed: phone these people", false}, {"Why notices failed: check the sending (then owabi send --retry-failed)", true}} {
		title := "\n" + group.title + ":\n"
		for _, p := range notify.Problems {
			if n := st.FailedWhy[p]; n > 0 && p.OurSide() == group.ourSide {
				fmt.Fprint(w, title)
				fmt.Fprintf(w, "%8d  %s\n", n, wording.Problem("en", p))
				title = ""
			}
		}
	}
}

// printUnfinished says that an import has not finished, if one has not.
func printUnfinished(w io.Writer, u *notify.UnfinishedImport) {
	switch {
	case u == nil:
		return
	case u.Stopped:
		fmt.Fprintf(w, "Import %d of %s was left part-way by a process that stopped, after %d entries: its contacts are counted below "+
			"until the next import, or any command that writes (owabi classify, send, serve), undoes it.\n\n", u.ID, u.File, u.Records)
	default:
		fmt.Fprintf(w, "Import %d of %s is running: %d entries in so far, and the counts below climb as it goes. "+
			"Notices are queued, and contacts classified, once it has finished.\n\n", u.ID, u.File, u.Records)
	}
}
